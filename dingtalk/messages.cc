// Outgoing messages: work notifications (asyncsend_v2), robot one-to-one messages (batchSend) and
// interactive cards (createAndDeliver, update). All are metered. Sizes are checked in UTF-8
// bytes of the serialized request before anything is sent.
#include <algorithm>

#include "dingtalk/api_caller.h"
#include "dingtalk/client.h"
#include "dingtalk/json_fields.h"
#include "dingtalk/utf8_limits.h"

namespace logbridge::dingtalk {
namespace {

constexpr char kAsyncSendPath[] = "/topapi/message/corpconversation/asyncsend_v2";
constexpr char kBatchSendPath[] = "/v1.0/robot/oToMessages/batchSend";
constexpr char kCardDeliverPath[] = "/v1.0/card/instances/createAndDeliver";
constexpr char kCardUpdatePath[] = "/v1.0/card/instances";
// Room kept in a split message's title for the " (12/34)" part counter.
constexpr size_t kPartCounterBytes = 12;
constexpr size_t kMaxTitleBytes = 256;
constexpr size_t kMinTextBudget = 64;

// Bytes left for the text at `slot` once the rest of `message` is serialized.
Result<size_t> TextBudget(nlohmann::json message, const nlohmann::json::json_pointer& slot,
                          size_t limit) {
  message[slot] = "";
  size_t overhead = DumpJson(message).size();
  if (overhead + kMinTextBudget > limit) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "message fields other than " + slot.to_string() + " take " +
                         std::to_string(overhead) + " of the " + std::to_string(limit) +
                         " bytes allowed; shorten the title, links or buttons");
  }
  return limit - overhead;
}

std::string PartTitle(const std::string& title, size_t index, size_t count) {
  if (count == 1) {
    return title;
  }
  return title + " (" + std::to_string(index + 1) + "/" + std::to_string(count) + ")";
}

template <typename T>
std::vector<std::vector<T>> Chunks(const std::vector<T>& items, size_t size) {
  std::vector<std::vector<T>> chunks;
  for (size_t start = 0; start < items.size(); start += size) {
    size_t end = std::min(items.size(), start + size);
    chunks.emplace_back(items.begin() + static_cast<std::ptrdiff_t>(start),
                        items.begin() + static_cast<std::ptrdiff_t>(end));
  }
  return chunks;
}

std::string JoinIds(const std::vector<std::string>& ids) {
  std::string joined;
  for (const std::string& id : ids) {
    joined += (joined.empty() ? "" : ",") + id;
  }
  return joined;
}

std::string JoinIds(const std::vector<int64_t>& ids) {
  std::string joined;
  for (int64_t id : ids) {
    joined += (joined.empty() ? "" : ",") + std::to_string(id);
  }
  return joined;
}

// Recipient fields of each asyncsend_v2 call: userids 100 a call and dept ids 20 a call, paired
// up so that the number of calls is the larger of the two chunk counts. Empty lists are left out
// of the request rather than sent as empty strings.
std::vector<nlohmann::json> RecipientBatches(const WorkNoticeRecipients& to) {
  if (to.to_all_users) {
    return {nlohmann::json{{"to_all_user", true}}};
  }
  auto user_chunks = Chunks(to.userids, kMaxWorkNoticeUsersPerCall);
  auto dept_chunks = Chunks(to.dept_ids, kMaxWorkNoticeDeptsPerCall);
  std::vector<nlohmann::json> batches(std::max(user_chunks.size(), dept_chunks.size()),
                                      nlohmann::json::object());
  for (size_t i = 0; i < user_chunks.size(); ++i) {
    batches[i]["userid_list"] = JoinIds(user_chunks[i]);
  }
  for (size_t i = 0; i < dept_chunks.size(); ++i) {
    batches[i]["dept_id_list"] = JoinIds(dept_chunks[i]);
  }
  return batches;
}

Result<std::vector<int64_t>> SendNotices(ApiCaller& caller, const WorkNoticeRecipients& to,
                                         const std::vector<nlohmann::json>& messages) {
  if (caller.options().agent_id == 0) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "agent_id is not set; work notifications need the app's AgentId");
  }
  std::vector<nlohmann::json> batches = RecipientBatches(to);
  if (batches.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "work notification has no recipient; give userids, dept ids or to_all_users");
  }
  std::vector<int64_t> task_ids;
  for (const nlohmann::json& message : messages) {
    for (nlohmann::json body : batches) {
      body["agent_id"] = caller.options().agent_id;
      body["msg"] = message;
      Result<nlohmann::json> answer = caller.Call(
          JsonRequest(ApiFamily::kOapi, HttpMethod::kPost, kAsyncSendPath, std::move(body), true));
      if (!answer.ok()) {
        return answer.error();
      }
      task_ids.push_back(ReadInt64(*answer, "task_id").value_or(0));
    }
  }
  return task_ids;
}

std::vector<std::string> ReadStrings(const nlohmann::json& object, std::string_view key) {
  std::vector<std::string> values;
  for (const nlohmann::json& value : ReadArray(object, key)) {
    if (value.is_string()) {
      values.push_back(value.get<std::string>());
    }
  }
  return values;
}

Result<RobotSendResult> SendRobot(ApiCaller& caller, const std::vector<std::string>& userids,
                                  const std::string& msg_key,
                                  const std::vector<nlohmann::json>& params) {
  if (caller.options().robot_code.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "robot_code is not set; robot messages need the app's robot code");
  }
  if (userids.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "robot message has no recipient userid");
  }
  RobotSendResult sent;
  for (const nlohmann::json& param : params) {
    for (const auto& chunk : Chunks(userids, kMaxRobotUsersPerCall)) {
      nlohmann::json body = {{"robotCode", caller.options().robot_code},
                             {"userIds", chunk},
                             {"msgKey", msg_key},
                             {"msgParam", DumpJson(param)}};
      Result<nlohmann::json> answer = caller.Call(
          JsonRequest(ApiFamily::kV1, HttpMethod::kPost, kBatchSendPath, std::move(body), true));
      if (!answer.ok()) {
        return answer.error();
      }
      sent.process_query_keys.push_back(ReadString(*answer, "processQueryKey"));
      for (std::string& id : ReadStrings(*answer, "invalidStaffIdList")) {
        sent.invalid_userids.push_back(std::move(id));
      }
      for (std::string& id : ReadStrings(*answer, "flowControlledStaffIdList")) {
        sent.flow_controlled_userids.push_back(std::move(id));
      }
    }
  }
  return sent;
}

nlohmann::json CardParamMap(const std::map<std::string, std::string>& params) {
  nlohmann::json map = nlohmann::json::object();
  for (const auto& [key, value] : params) {
    map[key] = TruncateUtf8(value, kMaxCardValueBytes);
  }
  return map;
}

Status ValidateCardKeys(const std::map<std::string, std::string>& params) {
  for (const auto& [key, value] : params) {
    if (key.empty() || key.size() > kMaxCardKeyBytes) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "card param key '" + key + "' is " + std::to_string(key.size()) +
                           " bytes; keys must be 1.." + std::to_string(kMaxCardKeyBytes) +
                           " bytes");
    }
  }
  return OkStatus();
}

}  // namespace

Result<std::vector<int64_t>> Client::SendWorkNotice(const WorkNoticeRecipients& to,
                                                    const MarkdownMessage& message) {
  std::string title = TruncateUtf8(message.title, kMaxTitleBytes);
  nlohmann::json shape = {{"msgtype", "markdown"},
                          {"markdown", {{"title", title + std::string(kPartCounterBytes, ' ')}}}};
  Result<size_t> budget =
      TextBudget(shape, nlohmann::json::json_pointer("/markdown/text"), kMaxWorkNoticeBytes);
  if (!budget.ok()) {
    return budget.error();
  }
  std::vector<std::string> parts =
      SplitUtf8Lines(message.text, std::min(*budget, kMaxMarkdownTextBytes));
  if (parts.empty()) {
    parts.emplace_back();
  }
  std::vector<nlohmann::json> messages;
  for (size_t i = 0; i < parts.size(); ++i) {
    messages.push_back(
        {{"msgtype", "markdown"},
         {"markdown", {{"title", PartTitle(title, i, parts.size())}, {"text", parts[i]}}}});
  }
  return SendNotices(*caller_, to, messages);
}

Result<std::vector<int64_t>> Client::SendWorkNotice(const WorkNoticeRecipients& to,
                                                    const ActionCardMessage& message) {
  nlohmann::json card = {{"title", TruncateUtf8(message.title, kMaxTitleBytes)}};
  if (message.buttons.empty()) {
    card["single_title"] = message.single_title;
    card["single_url"] = message.single_url;
  } else {
    card["btn_orientation"] = message.buttons_horizontal ? "1" : "0";
    card["btn_json_list"] = nlohmann::json::array();
    for (const ActionCardButton& button : message.buttons) {
      card["btn_json_list"].push_back({{"title", button.title}, {"action_url", button.url}});
    }
  }
  nlohmann::json notice = {{"msgtype", "action_card"}, {"action_card", card}};
  nlohmann::json::json_pointer slot("/action_card/markdown");
  Result<size_t> budget = TextBudget(notice, slot, kMaxWorkNoticeBytes);
  if (!budget.ok()) {
    return budget.error();
  }
  notice[slot] = TruncateToEscapedSize(message.markdown, *budget);
  return SendNotices(*caller_, to, {notice});
}

Result<std::vector<int64_t>> Client::SendWorkNotice(const WorkNoticeRecipients& to,
                                                    const OaMessage& message) {
  nlohmann::json oa = {{"message_url", message.message_url},
                       {"head", {{"bgcolor", message.head_bgcolor}, {"text", message.head_text}}}};
  if (!message.pc_message_url.empty()) {
    oa["pc_message_url"] = message.pc_message_url;
  }
  if (!message.status_value.empty()) {
    oa["status_bar"] = {{"status_value", message.status_value}, {"status_bg", message.status_bg}};
  }
  nlohmann::json body = nlohmann::json::object();
  if (!message.title.empty()) {
    body["title"] = TruncateUtf8(message.title, kMaxTitleBytes);
  }
  for (const auto& [key, value] : message.form) {
    body["form"].push_back({{"key", key}, {"value", value}});
  }
  if (!message.author.empty()) {
    body["author"] = message.author;
  }
  oa["body"] = body;
  nlohmann::json notice = {{"msgtype", "oa"}, {"oa", oa}};
  nlohmann::json::json_pointer slot("/oa/body/content");
  Result<size_t> budget = TextBudget(notice, slot, kMaxWorkNoticeBytes);
  if (!budget.ok()) {
    return budget.error();
  }
  if (message.content.empty()) {
    notice["oa"]["body"].erase("content");
  } else {
    notice[slot] = TruncateToEscapedSize(message.content, *budget);
  }
  return SendNotices(*caller_, to, {notice});
}

Result<SendResult> Client::GetSendResult(int64_t task_id) {
  nlohmann::json body = {{"agent_id", caller_->options().agent_id}, {"task_id", task_id}};
  Result<nlohmann::json> answer = caller_->Call(
      JsonRequest(ApiFamily::kOapi, HttpMethod::kPost,
                  "/topapi/message/corpconversation/getsendresult", std::move(body), true));
  if (!answer.ok()) {
    return answer.error();
  }
  const nlohmann::json empty = nlohmann::json::object();
  auto found = answer->find("send_result");
  const nlohmann::json& result = found != answer->end() ? *found : empty;

  SendResult sent;
  sent.invalid_userids = ReadStrings(result, "invalid_user_id_list");
  sent.forbidden_userids = ReadStrings(result, "forbidden_user_id_list");
  sent.failed_userids = ReadStrings(result, "failed_user_id_list");
  sent.read_userids = ReadStrings(result, "read_user_id_list");
  sent.unread_userids = ReadStrings(result, "unread_user_id_list");
  for (const nlohmann::json& item : ReadArray(result, "forbidden_list")) {
    sent.forbidden_codes.emplace_back(ReadString(item, "userid"),
                                      ReadInt64(item, "code").value_or(0));
  }
  return sent;
}

Result<RobotSendResult> Client::SendRobotMarkdown(const std::vector<std::string>& userids,
                                                  const MarkdownMessage& message) {
  std::string title = TruncateUtf8(message.title, kMaxTitleBytes);
  std::vector<std::string> parts = SplitUtf8Lines(message.text, kMaxMarkdownTextBytes);
  if (parts.empty()) {
    parts.emplace_back();
  }
  std::vector<nlohmann::json> params;
  for (size_t i = 0; i < parts.size(); ++i) {
    params.push_back({{"title", PartTitle(title, i, parts.size())}, {"text", parts[i]}});
  }
  return SendRobot(*caller_, userids, "sampleMarkdown", params);
}

Result<RobotSendResult> Client::SendRobotActionCard(const std::vector<std::string>& userids,
                                                    const ActionCardMessage& message) {
  nlohmann::json param = {{"title", TruncateUtf8(message.title, kMaxTitleBytes)},
                          {"text", TruncateToEscapedSize(message.markdown, kMaxMarkdownTextBytes)}};
  std::string msg_key = "sampleActionCard";
  size_t buttons = message.buttons.size();
  if (buttons == 0) {
    param["singleTitle"] = message.single_title;
    param["singleURL"] = message.single_url;
  } else if (buttons == 1) {
    param["singleTitle"] = message.buttons[0].title;
    param["singleURL"] = message.buttons[0].url;
  } else if (buttons <= 5) {
    // sampleActionCard2..5 carry 2 to 5 buttons as actionTitleN/actionURLN.
    msg_key += std::to_string(buttons);
    for (size_t i = 0; i < buttons; ++i) {
      param["actionTitle" + std::to_string(i + 1)] = message.buttons[i].title;
      param["actionURL" + std::to_string(i + 1)] = message.buttons[i].url;
    }
  } else {
    return MakeError(ErrorCode::kInvalidArgument, "robot action card has " +
                                                      std::to_string(buttons) +
                                                      " buttons; the platform allows at most 5");
  }
  return SendRobot(*caller_, userids, msg_key, {param});
}

Result<std::vector<CardDeliverResult>> Client::CreateAndDeliverCard(const CardDelivery& card) {
  if (card.card_template_id.empty() || card.out_track_id.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "card needs card_template_id and out_track_id, got '" + card.card_template_id +
                         "' and '" + card.out_track_id + "'");
  }
  if (card.robot_userids.empty() && card.open_conversation_id.empty()) {
    return MakeError(
        ErrorCode::kInvalidArgument,
        "card " + card.out_track_id + " has no space; give robot_userids or open_conversation_id");
  }
  if (Status keys = ValidateCardKeys(card.params); !keys.ok()) {
    return keys.error();
  }

  // openSpaceId lists every target space: "dtv1.card//IM_ROBOT.<userid>;IM_GROUP.<cid>".
  std::string spaces;
  for (const std::string& userid : card.robot_userids) {
    spaces += (spaces.empty() ? "" : ";") + std::string("IM_ROBOT.") + userid;
  }
  nlohmann::json body = {{"cardTemplateId", card.card_template_id},
                         {"outTrackId", card.out_track_id},
                         {"cardData", {{"cardParamMap", CardParamMap(card.params)}}},
                         {"callbackType", card.callback_type},
                         {"userIdType", 1}};
  if (!card.callback_route_key.empty()) {
    body["callbackRouteKey"] = card.callback_route_key;
  }
  if (!card.robot_userids.empty()) {
    body["imRobotOpenSpaceModel"] = {{"supportForward", true}};
    body["imRobotOpenDeliverModel"] = {{"spaceType", "IM_ROBOT"},
                                       {"robotCode", caller_->options().robot_code}};
  }
  if (!card.open_conversation_id.empty()) {
    spaces += (spaces.empty() ? "" : ";") + std::string("IM_GROUP.") + card.open_conversation_id;
    body["imGroupOpenSpaceModel"] = {{"supportForward", true}};
    body["imGroupOpenDeliverModel"] = {{"robotCode", caller_->options().robot_code}};
  }
  body["openSpaceId"] = "dtv1.card//" + spaces;

  Result<nlohmann::json> answer = caller_->Call(
      JsonRequest(ApiFamily::kV1, HttpMethod::kPost, kCardDeliverPath, std::move(body), true));
  if (!answer.ok()) {
    return answer.error();
  }
  std::vector<CardDeliverResult> results;
  auto result = answer->find("result");
  if (result != answer->end()) {
    for (const nlohmann::json& item : ReadArray(*result, "deliverResults")) {
      results.push_back(CardDeliverResult{ReadString(item, "spaceId"),
                                          ReadBool(item, "success").value_or(false),
                                          ReadString(item, "errorMsg")});
    }
  }
  return results;
}

Status Client::UpdateCard(const std::string& out_track_id,
                          const std::map<std::string, std::string>& params, bool by_key) {
  if (out_track_id.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "card update needs an out_track_id");
  }
  if (Status keys = ValidateCardKeys(params); !keys.ok()) {
    return keys;
  }
  nlohmann::json body = {{"outTrackId", out_track_id},
                         {"cardData", {{"cardParamMap", CardParamMap(params)}}},
                         {"cardUpdateOptions", {{"updateCardDataByKey", by_key}}},
                         {"userIdType", 1}};
  Result<nlohmann::json> answer = caller_->Call(
      JsonRequest(ApiFamily::kV1, HttpMethod::kPut, kCardUpdatePath, std::move(body), true));
  if (!answer.ok()) {
    return answer.error();
  }
  return OkStatus();
}

}  // namespace logbridge::dingtalk
