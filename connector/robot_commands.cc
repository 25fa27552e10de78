// Command parsing and reply text for the chat robot.

#include "connector/robot_commands.h"

#include <algorithm>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "connector/callback_log.h"

namespace logbridge::connector {
namespace {

using nlohmann::json;

// Message ids remembered for dropping repeats. Reported redeliveries come within about a
// minute, and a few thousand ids cover that at any realistic message rate.
constexpr size_t kRememberedMessageIds = 4096;

constexpr std::string_view kHelpText =
    "可用命令:\n\n"
    "- **我的得分**: 查看本期绩效得分及各项明细\n"
    "- **帮助** 或 **help**: 显示本说明\n";

std::string StringField(const json& object, const char* name) {
  auto found = object.find(name);
  if (found == object.end() || !found->is_string()) {
    return "";
  }
  return found->get<std::string>();
}

// Removes "@name" mentions (up to the next space) and ASCII and ideographic spaces.
std::string StripMentionsAndSpaces(std::string_view text) {
  constexpr std::string_view kIdeographicSpace = "\u3000";
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '@') {
      while (i < text.size() && text[i] != ' ') {
        ++i;
      }
      continue;
    }
    if (text.substr(i, kIdeographicSpace.size()) == kIdeographicSpace) {
      i += kIdeographicSpace.size();
      continue;
    }
    if (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r') {
      ++i;
      continue;
    }
    out.push_back(text[i]);
    ++i;
  }
  return out;
}

std::string AsciiLower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  });
  return text;
}

}  // namespace

Result<RobotMessage> ParseRobotMessage(std::string_view body) {
  json root = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!root.is_object()) {
    return MakeError(ErrorCode::kInvalidArgument, "robot callback body is not a JSON object");
  }
  RobotMessage message;
  message.message_id = StringField(root, "msgId");
  message.sender_staff_id = StringField(root, "senderStaffId");
  message.sender_nick = StringField(root, "senderNick");
  message.session_webhook = StringField(root, "sessionWebhook");
  if (message.message_id.empty() || message.sender_staff_id.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "robot callback lacks msgId or senderStaffId; both must be non-empty "
                     "strings (senderStaffId is absent for users outside the organization)");
  }
  auto text = root.find("text");
  if (text != root.end() && text->is_object()) {
    message.text = StringField(*text, "content");
  }
  auto expires = root.find("sessionWebhookExpiredTime");
  if (expires != root.end() && expires->is_number_integer()) {
    message.session_webhook_expires = EpochMs(expires->get<int64_t>());
  }
  return message;
}

RobotCommand ParseRobotCommand(std::string_view text) {
  std::string command = AsciiLower(StripMentionsAndSpaces(text));
  if (command == "我的得分" || command == "得分" || command == "我的分数" || command == "score") {
    return RobotCommand::kScore;
  }
  if (command == "帮助" || command == "help" || command == "?" || command == "？") {
    return RobotCommand::kHelp;
  }
  return RobotCommand::kUnknown;
}

std::string RobotReplyJson(const RobotReply& reply) {
  json body = {{"msgtype", "markdown"},
               {"markdown", {{"title", reply.title}, {"text", reply.markdown}}}};
  return body.dump(-1, ' ', false, json::error_handler_t::replace);
}

RobotCommandService::RobotCommandService(ScoreLookup* scores) : scores_(scores) {}

std::optional<RobotReply> RobotCommandService::Reply(const RobotMessage& message) {
  if (IsRepeat(message.message_id)) {
    CallbackLogger()->info("robot message {} from {} repeated; not answered again",
                           message.message_id, message.sender_staff_id);
    return std::nullopt;
  }
  switch (ParseRobotCommand(message.text)) {
    case RobotCommand::kScore:
      return ScoreReply(message);
    case RobotCommand::kHelp:
      return RobotReply{"帮助", std::string(kHelpText)};
    case RobotCommand::kUnknown:
      break;
  }
  return RobotReply{"帮助", "没有识别该命令。\n\n" + std::string(kHelpText)};
}

RobotReply RobotCommandService::ScoreReply(const RobotMessage& message) {
  Result<ScoreSummary> summary = scores_->CurrentScore(message.sender_staff_id);
  if (!summary.ok()) {
    if (summary.error().code == ErrorCode::kNotFound) {
      return {"我的得分", "暂无得分: 本期还没有已评分的日志。"};
    }
    CallbackLogger()->warn("robot message {}: score lookup for {} failed: {}", message.message_id,
                           message.sender_staff_id, summary.error().ToString());
    return {"我的得分", "暂时无法查询得分, 请稍后再试。"};
  }

  std::string text = "### " + summary->period + " 得分: " + summary->total + "\n\n";
  for (const ScoreLine& line : summary->lines) {
    text += "- " + line.kpi + ": " + line.points + " / " + line.max_points;
    if (!line.detail.empty()) {
      text += " (" + line.detail + ")";
    }
    text += "\n";
  }
  return {"我的得分", text};
}

bool RobotCommandService::IsRepeat(const std::string& message_id) {
  std::lock_guard lock(mutex_);
  if (!recent_ids_.insert(message_id).second) {
    return true;
  }
  recent_order_.push_back(message_id);
  if (recent_order_.size() > kRememberedMessageIds) {
    recent_ids_.erase(recent_order_.front());
    recent_order_.pop_front();
  }
  return false;
}

}  // namespace logbridge::connector
