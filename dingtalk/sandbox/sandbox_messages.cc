// Message endpoints of the sandbox: work notifications with the platform's silent drops,
// getsendresult, robot one-to-one messages, interactive cards, and custom robot webhooks with
// signature, timestamp and per-minute checks. Every accepted message is recorded.

#include <algorithm>
#include <functional>
#include <sstream>

#include "dingtalk/sandbox/calendar.h"
#include "dingtalk/sandbox/sandbox_impl.h"
#include "dingtalk/sandbox/sandbox_json.h"
#include "dingtalk/signature.h"

namespace logbridge::dingtalk {
namespace {

using nlohmann::json;
using Impl = Sandbox::Impl;

constexpr size_t kMaxNoticeUsers = 100;
constexpr size_t kMaxNoticeDepartments = 20;
constexpr size_t kMaxNoticeMsgBytes = 2048;
constexpr size_t kMaxRobotUsers = 20;
constexpr size_t kMaxCardKeyBytes = 100;
constexpr size_t kMaxCardValueBytes = 1024;
constexpr int64_t kWebhookMaxSkewMs = 3'600'000;
constexpr size_t kWebhookPerMinute = 20;
constexpr int64_t kWebhookPenaltyMs = 10 * 60'000;

// The platform's silent-drop codes reported by getsendresult's forbidden_list.
constexpr int64_t kDailyCapCode = 143105;
constexpr int64_t kDuplicateContentCode = 143106;

std::vector<std::string> SplitCommaList(const std::string& text) {
  std::vector<std::string> items;
  std::stringstream stream(text);
  std::string item;
  while (std::getline(stream, item, ',')) {
    if (!item.empty()) {
      items.push_back(item);
    }
  }
  return items;
}

bool HasStrings(const json& object, std::initializer_list<const char*> keys) {
  return std::all_of(keys.begin(), keys.end(), [&object](const char* key) {
    std::optional<std::string> value = SandboxJson::String(object, key);
    return value.has_value() && !value->empty();
  });
}

// Checks a work notification `msg` object's type and required fields; returns the problem.
std::optional<std::string> CheckNoticeMsg(const json& msg) {
  std::string type = SandboxJson::String(msg, "msgtype").value_or("");
  const json* body = SandboxJson::Find(msg, type);
  if (type.empty() || body == nullptr || !body->is_object()) {
    return "msg needs msgtype and an object of that name";
  }
  if (type == "markdown" && !HasStrings(*body, {"title", "text"})) {
    return "markdown needs title and text";
  }
  if (type == "text" && !HasStrings(*body, {"content"})) {
    return "text needs content";
  }
  if (type == "action_card") {
    bool single = HasStrings(*body, {"single_title", "single_url"});
    const json* buttons = SandboxJson::Find(*body, "btn_json_list");
    bool multi = buttons != nullptr && buttons->is_array() && !buttons->empty();
    if (!HasStrings(*body, {"title", "markdown"}) || (!single && !multi)) {
      return "action_card needs title, markdown, and single_title/single_url or btn_json_list";
    }
    return std::nullopt;
  }
  if (type == "oa") {
    const json* head = SandboxJson::Find(*body, "head");
    if (!HasStrings(*body, {"message_url"}) || head == nullptr ||
        SandboxJson::Find(*body, "body") == nullptr) {
      return "oa needs message_url, head and body";
    }
    return std::nullopt;
  }
  if (type == "link" && !HasStrings(*body, {"messageUrl", "title", "text"})) {
    return "link needs messageUrl, title and text";
  }
  static const std::set<std::string> kKnownTypes = {"markdown", "text",  "action_card", "oa",
                                                    "link",     "image", "voice",       "file"};
  if (kKnownTypes.count(type) == 0) {
    return "msgtype " + type + " is not a work notification type";
  }
  return std::nullopt;
}

// Checks a robot msgParam against the fields its msgKey needs; returns the problem.
std::optional<std::string> CheckRobotParam(const std::string& msg_key, const json& param) {
  static const std::map<std::string, std::vector<const char*>> kRequired = {
      {"sampleText", {"content"}},
      {"sampleMarkdown", {"title", "text"}},
      {"sampleLink", {"text", "title", "messageUrl"}},
      {"sampleImageMsg", {"photoURL"}},
      {"sampleActionCard", {"title", "text", "singleTitle", "singleURL"}},
      {"sampleActionCard2", {"title", "text", "actionTitle1", "actionURL1"}},
      {"sampleActionCard3", {"title", "text", "actionTitle1", "actionURL1"}},
      {"sampleActionCard4", {"title", "text", "actionTitle1", "actionURL1"}},
      {"sampleActionCard5", {"title", "text", "actionTitle1", "actionURL1"}},
      {"sampleActionCard6", {"title", "text", "buttonTitle1", "buttonUrl1"}},
  };
  auto it = kRequired.find(msg_key);
  if (it == kRequired.end()) {
    return "msgKey " + msg_key + " is not a supported robot message type";
  }
  for (const char* key : it->second) {
    if (!HasStrings(param, {key})) {
      return "msgParam of " + msg_key + " needs " + key;
    }
  }
  return std::nullopt;
}

// Checks cardParamMap: an object of string values within the platform's size limits.
std::optional<std::string> CheckCardParams(const json& params,
                                           std::map<std::string, std::string>* out) {
  if (!params.is_object()) {
    return "cardData.cardParamMap must be an object";
  }
  for (const auto& [key, value] : params.items()) {
    if (!value.is_string()) {
      return "cardParamMap value of " + key + " must be a string";
    }
    if (key.size() > kMaxCardKeyBytes) {
      return "cardParamMap key " + key + " is longer than 100 bytes";
    }
    if (value.get_ref<const std::string&>().size() > kMaxCardValueBytes) {
      return "cardParamMap value of " + key + " is " +
             std::to_string(value.get_ref<const std::string&>().size()) +
             " bytes; the limit is 1024";
    }
    (*out)[key] = value.get<std::string>();
  }
  return std::nullopt;
}

std::string RandomKey(std::mt19937_64& rng, size_t length) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::string key(length, 'A');
  for (char& c : key) {
    c = kAlphabet[rng() % (sizeof(kAlphabet) - 1)];
  }
  return key;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Work notifications.

SandboxReply Impl::WorkNoticeSend(SandboxCall& call) {
  const SandboxApp& app = apps_[static_cast<size_t>(call.app_index)];
  std::optional<int64_t> agent_id = SandboxJson::Int64(call.body, "agent_id");
  if (!agent_id || *agent_id != app.agent_id) {
    return InvalidParameter(call.family, "agent_id " + std::to_string(agent_id.value_or(0)) +
                                             " is not this app's agent id");
  }
  std::vector<std::string> userids =
      SplitCommaList(SandboxJson::String(call.body, "userid_list").value_or(""));
  std::vector<std::string> dept_texts =
      SplitCommaList(SandboxJson::String(call.body, "dept_id_list").value_or(""));
  bool to_all = SandboxJson::Bool(call.body, "to_all_user").value_or(false);
  if (userids.size() > kMaxNoticeUsers) {
    return InvalidParameter(call.family, "userid_list has " + std::to_string(userids.size()) +
                                             " ids; the limit is 100 per call");
  }
  if (dept_texts.size() > kMaxNoticeDepartments) {
    return InvalidParameter(call.family, "dept_id_list has more than 20 ids");
  }
  if (userids.empty() && dept_texts.empty() && !to_all) {
    return InvalidParameter(call.family,
                            "no recipients: set userid_list, dept_id_list or "
                            "to_all_user");
  }

  // The msg may arrive as an object, or as JSON text inside a form body.
  json msg = call.body.contains("msg") ? call.body["msg"] : json();
  if (msg.is_string()) {
    msg = SandboxJson::Parse(msg.get<std::string>()).value_or(json());
  }
  if (!msg.is_object()) {
    return InvalidParameter(call.family, "msg is required and must be a JSON object");
  }
  std::string msg_text = msg.dump(-1, ' ', false, json::error_handler_t::replace);
  if (msg_text.size() > kMaxNoticeMsgBytes) {
    return InvalidParameter(
        call.family, "msg is " + std::to_string(msg_text.size()) + " bytes; the limit is 2048");
  }
  if (std::optional<std::string> problem = CheckNoticeMsg(msg)) {
    return InvalidParameter(call.family, *problem);
  }

  // Resolve recipients: named users, members of the departments (with their subdepartments),
  // or everyone.
  RecordedMessage record;
  std::set<std::string> recipients;
  for (const std::string& userid : userids) {
    if (FindUser(userid) != nullptr) {
      recipients.insert(userid);
    } else {
      record.invalid_userids.push_back(userid);
    }
  }
  std::set<int64_t> departments;
  for (const std::string& text : dept_texts) {
    departments.insert(std::strtoll(text.c_str(), nullptr, 10));
  }
  for (bool grew = true; grew;) {
    grew = false;
    for (const Department& department : org_.departments) {
      if (departments.count(department.parent_id) > 0 &&
          departments.insert(department.dept_id).second) {
        grew = true;
      }
    }
  }
  for (const User& user : org_.users) {
    bool in_department = std::any_of(user.dept_ids.begin(), user.dept_ids.end(),
                                     [&](int64_t id) { return departments.count(id) > 0; });
    if (to_all || in_department) {
      recipients.insert(user.userid);
    }
  }

  // Deliver, dropping silently as the platform does: the same content to the same user once a
  // day, and at most daily_messages_per_user notifications per user per day.
  int64_t task_id = next_task_id_++;
  WorkNoticeTask task;
  task.app_index = call.app_index;
  int64_t day = ShanghaiDay(call.now);
  size_t content_hash = std::hash<std::string>()(std::to_string(app.agent_id) + msg_text);
  for (const std::string& userid : recipients) {
    int32_t& sent_today = daily_notice_counts_[{day, userid}];
    if (delivered_contents_.count({day, userid, content_hash}) > 0) {
      task.forbidden.emplace_back(kDuplicateContentCode, userid);
      record.dropped_userids.push_back(userid);
    } else if (sent_today >= options_.daily_messages_per_user) {
      task.forbidden.emplace_back(kDailyCapCode, userid);
      record.dropped_userids.push_back(userid);
    } else {
      delivered_contents_.insert({day, userid, content_hash});
      ++sent_today;
      record.delivered_userids.push_back(userid);
    }
  }

  record.channel = "work_notice";
  record.id = std::to_string(task_id);
  record.app_key = app.app_key;
  record.msg_type = SandboxJson::String(msg, "msgtype").value_or("");
  record.content_json = msg_text;
  record.sent_at = call.now;
  task.message_index = messages_.size();
  messages_.push_back(std::move(record));
  work_notice_tasks_[task_id] = std::move(task);
  return OapiOk({{"task_id", task_id}});
}

SandboxReply Impl::WorkNoticeResult(SandboxCall& call) {
  std::optional<int64_t> task_id = SandboxJson::Int64(call.body, "task_id");
  std::optional<int64_t> agent_id = SandboxJson::Int64(call.body, "agent_id");
  if (!task_id || !agent_id) {
    return InvalidParameter(call.family, "agent_id and task_id are required");
  }
  auto it = work_notice_tasks_.find(*task_id);
  if (it == work_notice_tasks_.end() || it->second.app_index != call.app_index) {
    return InvalidParameter(call.family,
                            "task_id " + std::to_string(*task_id) + " was not sent by this app");
  }
  const WorkNoticeTask& task = it->second;
  const RecordedMessage& record = messages_[task.message_index];

  json forbidden_list = json::array();
  json forbidden_userids = json::array();
  for (const auto& [code, userid] : task.forbidden) {
    forbidden_list.push_back({{"code", std::to_string(code)}, {"count", 1}, {"userid", userid}});
    forbidden_userids.push_back(userid);
  }
  json send_result = {{"invalid_user_id_list", record.invalid_userids},
                      {"forbidden_user_id_list", std::move(forbidden_userids)},
                      {"failed_user_id_list", json::array()},
                      {"read_user_id_list", json::array()},
                      {"unread_user_id_list", record.delivered_userids},
                      {"invalid_dept_id_list", json::array()},
                      {"forbidden_list", std::move(forbidden_list)}};
  return OapiOk({{"send_result", std::move(send_result)}});
}

// ---------------------------------------------------------------------------------------------
// Robot one-to-one messages.

SandboxReply Impl::RobotBatchSend(SandboxCall& call) {
  const SandboxApp& app = apps_[static_cast<size_t>(call.app_index)];
  std::string robot_code = SandboxJson::String(call.body, "robotCode").value_or("");
  if (robot_code != app.robot_code) {
    return V1Error(400, "invalidParameter.robotCode",
                   "robotCode " + robot_code + " is not this app's robot");
  }
  const json* userids = SandboxJson::Find(call.body, "userIds");
  if (userids == nullptr || !userids->is_array() || userids->empty()) {
    return V1Error(400, "invalidParameter.userIds", "userIds must be a non-empty array");
  }
  if (userids->size() > kMaxRobotUsers) {
    return V1Error(400, "invalidParameter.userIds.overMax",
                   "userIds has " + std::to_string(userids->size()) + " ids; the limit is 20");
  }
  std::string msg_key = SandboxJson::String(call.body, "msgKey").value_or("");
  std::string msg_param_text = SandboxJson::String(call.body, "msgParam").value_or("");
  std::optional<json> msg_param = SandboxJson::Parse(msg_param_text);
  if (!msg_param || !msg_param->is_object()) {
    return V1Error(400, "invalidParameter.msgParam", "msgParam must be JSON object text");
  }
  if (std::optional<std::string> problem = CheckRobotParam(msg_key, *msg_param)) {
    return V1Error(400, "invalidParameter.msgKey", *problem);
  }

  RecordedMessage record;
  json invalid = json::array();
  for (const json& userid : *userids) {
    std::string id = userid.is_string() ? userid.get<std::string>() : "";
    if (FindUser(id) != nullptr) {
      record.delivered_userids.push_back(id);
    } else {
      record.invalid_userids.push_back(id);
      invalid.push_back(id);
    }
  }
  std::string process_query_key = RandomKey(rng_, 40);
  record.channel = "robot";
  record.id = process_query_key;
  record.app_key = app.app_key;
  record.msg_type = msg_key;
  record.content_json = msg_param_text;
  record.sent_at = call.now;
  messages_.push_back(std::move(record));
  return V1Ok({{"processQueryKey", process_query_key},
               {"invalidStaffIdList", std::move(invalid)},
               {"flowControlledStaffIdList", json::array()}});
}

// ---------------------------------------------------------------------------------------------
// Interactive cards.

SandboxReply Impl::CardCreateAndDeliver(SandboxCall& call) {
  std::string template_id = SandboxJson::String(call.body, "cardTemplateId").value_or("");
  std::string out_track_id = SandboxJson::String(call.body, "outTrackId").value_or("");
  std::string open_space_id = SandboxJson::String(call.body, "openSpaceId").value_or("");
  if (template_id.empty()) {
    return V1Error(400, "param.templateNotExist", "cardTemplateId is required");
  }
  if (out_track_id.empty()) {
    return V1Error(400, "param.outTrackIdEmpty", "outTrackId is required");
  }
  if (cards_.count(out_track_id) > 0) {
    return V1Error(400, "param.cardAlreadyExist",
                   "a card with outTrackId " + out_track_id + " already exists; update it instead");
  }

  // openSpaceId is "dtv1.card//" followed by SPACETYPE.spaceId parts joined by ';'.
  static constexpr std::string_view kSpacePrefix = "dtv1.card//";
  static const std::set<std::string> kSpaceTypes = {"IM_GROUP", "IM_SINGLE", "IM_ROBOT", "ONE_BOX"};
  std::vector<std::pair<std::string, std::string>> spaces;
  if (open_space_id.rfind(kSpacePrefix, 0) == 0) {
    std::stringstream parts(open_space_id.substr(kSpacePrefix.size()));
    std::string part;
    while (std::getline(parts, part, ';')) {
      size_t dot = part.find('.');
      if (dot == std::string::npos || kSpaceTypes.count(part.substr(0, dot)) == 0 ||
          dot + 1 == part.size()) {
        spaces.clear();
        break;
      }
      spaces.emplace_back(part.substr(0, dot), part.substr(dot + 1));
    }
  }
  if (spaces.empty()) {
    return V1Error(400, "param.openSpaceIdInvalid",
                   "openSpaceId " + open_space_id + " is not dtv1.card//SPACETYPE.spaceId");
  }

  RecordedCard card;
  const json* card_data = SandboxJson::Find(call.body, "cardData");
  const json* params =
      card_data != nullptr ? SandboxJson::Find(*card_data, "cardParamMap") : nullptr;
  if (params == nullptr) {
    return V1Error(400, "invalidParameter.cardData", "cardData.cardParamMap is required");
  }
  if (std::optional<std::string> problem = CheckCardParams(*params, &card.card_params)) {
    return V1Error(400, "invalidParameter.cardParamMap", *problem);
  }

  json deliver_results = json::array();
  for (const auto& [space_type, space_id] : spaces) {
    bool known = space_type != "IM_ROBOT" || FindUser(space_id) != nullptr;
    json result = {{"spaceType", space_type}, {"spaceId", space_id}, {"success", known}};
    if (known) {
      result["carrierId"] = RandomKey(rng_, 24);
    } else {
      result["errorMsg"] = "user " + space_id + " not found";
    }
    deliver_results.push_back(std::move(result));
  }

  card.out_track_id = out_track_id;
  card.card_template_id = template_id;
  card.open_space_id = open_space_id;
  card.callback_type = SandboxJson::String(call.body, "callbackType").value_or("STREAM");
  card.app_key = apps_[static_cast<size_t>(call.app_index)].app_key;
  card.created_at = call.now;
  card.updated_at = call.now;
  cards_[out_track_id] = std::move(card);
  return V1Ok(
      {{"success", true},
       {"result", {{"outTrackId", out_track_id}, {"deliverResults", std::move(deliver_results)}}}});
}

SandboxReply Impl::CardUpdate(SandboxCall& call) {
  std::string out_track_id = SandboxJson::String(call.body, "outTrackId").value_or("");
  if (out_track_id.empty()) {
    return V1Error(400, "param.outTrackIdEmpty", "outTrackId is required");
  }
  auto it = cards_.find(out_track_id);
  if (it == cards_.end()) {
    return V1Error(400, "param.cardNotExist", "no card with outTrackId " + out_track_id);
  }
  std::map<std::string, std::string> params;
  const json* card_data = SandboxJson::Find(call.body, "cardData");
  const json* param_map =
      card_data != nullptr ? SandboxJson::Find(*card_data, "cardParamMap") : nullptr;
  if (param_map != nullptr) {
    if (std::optional<std::string> problem = CheckCardParams(*param_map, &params)) {
      return V1Error(400, "invalidParameter.cardParamMap", *problem);
    }
  }

  // Without updateCardDataByKey the new map replaces the old one, as on the platform.
  const json* options = SandboxJson::Find(call.body, "cardUpdateOptions");
  bool by_key =
      options != nullptr && SandboxJson::Bool(*options, "updateCardDataByKey").value_or(false);
  RecordedCard& card = it->second;
  if (param_map != nullptr) {
    if (!by_key) {
      card.card_params.clear();
    }
    for (auto& [key, value] : params) {
      card.card_params[key] = std::move(value);
    }
  }
  card.update_count += 1;
  card.updated_at = call.now;
  return V1Ok({{"success", true}, {"result", true}});
}

// ---------------------------------------------------------------------------------------------
// Custom group robot webhooks.

void Impl::ServeWebhook(const httplib::Request& request, httplib::Response& response) {
  SandboxCall call;
  call.path = request.path;
  {
    std::lock_guard<std::mutex> lock(mu_);
    call_counts_[request.path] += 1;
  }
  if (std::optional<Fault> fault = TakeFault(request.path)) {
    if (ApplyFault(*fault, call, response)) {
      return;
    }
  }

  std::lock_guard<std::mutex> lock(mu_);
  call.now = Now();
  auto reply = [&response](int64_t errcode, const std::string& errmsg) {
    response.set_content(json{{"errcode", errcode}, {"errmsg", errmsg}}.dump(),
                         "application/json;charset=utf-8");
  };
  std::string token = request.get_param_value("access_token");
  if (token.empty()) {
    return reply(400101, "access_token is missing");
  }
  auto robot =
      std::find_if(options_.webhook_robots.begin(), options_.webhook_robots.end(),
                   [&token](const SandboxWebhookRobot& r) { return r.access_token == token; });
  if (robot == options_.webhook_robots.end()) {
    return reply(400106, "robot not found for this access_token");
  }

  if (!robot->secret.empty()) {
    std::string timestamp_text = request.get_param_value("timestamp");
    int64_t timestamp = std::strtoll(timestamp_text.c_str(), nullptr, 10);
    if (timestamp_text.empty() || std::llabs(call.now.value - timestamp) > kWebhookMaxSkewMs) {
      return reply(310000, "invalid timestamp: it must be epoch ms within 1 hour of now");
    }
    std::string expected = HmacSha256Base64(robot->secret, timestamp_text + "\n" + robot->secret);
    if (!ConstantTimeEquals(expected, request.get_param_value("sign"))) {
      return reply(310000, "sign not match");
    }
  }

  WebhookState& state = webhooks_[token];
  if (call.now < state.throttled_until) {
    return reply(410100, "send too fast, exceed 20 times per minute");
  }
  std::erase_if(state.recent_sends,
                [&call](EpochMs sent) { return call.now.value - sent.value >= 60'000; });
  if (state.recent_sends.size() >= kWebhookPerMinute) {
    state.throttled_until = call.now + std::chrono::milliseconds(kWebhookPenaltyMs);
    return reply(410100, "send too fast, exceed 20 times per minute");
  }

  std::optional<json> body = SandboxJson::Parse(request.body);
  std::string msg_type = body ? SandboxJson::String(*body, "msgtype").value_or("") : "";
  static const std::set<std::string> kWebhookTypes = {"text", "link", "markdown", "actionCard",
                                                      "feedCard"};
  if (kWebhookTypes.count(msg_type) == 0 || SandboxJson::Find(*body, msg_type) == nullptr) {
    return reply(400105, "unsupported msgtype " + msg_type);
  }
  state.recent_sends.push_back(call.now);

  RecordedMessage record;
  record.channel = "webhook";
  record.id = std::to_string(++webhook_sequence_);
  record.msg_type = msg_type;
  record.content_json = request.body;
  record.sent_at = call.now;
  messages_.push_back(std::move(record));
  reply(0, "ok");
}

std::vector<RecordedMessage> Impl::Messages() const {
  std::lock_guard<std::mutex> lock(mu_);
  return messages_;
}

std::vector<RecordedCard> Impl::Cards() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<RecordedCard> cards;
  for (const auto& [id, card] : cards_) {
    cards.push_back(card);
  }
  return cards;
}

}  // namespace logbridge::dingtalk
