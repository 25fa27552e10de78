// Commands employees send to the robot in a chat: 我的得分 (my score, with its breakdown) and
// 帮助 / help. The score comes from a ScoreLookup the connector implements. RobotCommandService
// is thread-safe; it drops repeated deliveries of one message id.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "base/time.h"

namespace logbridge::connector {

// One text message to the robot, parsed from the callback body.
struct RobotMessage {
  std::string message_id;  // msgId
  std::string sender_staff_id;
  std::string sender_nick;
  std::string text;             // text.content, untrimmed
  std::string session_webhook;  // where a reply may be posted; empty when absent
  EpochMs session_webhook_expires;
};

// Parses a robot callback body. Errors: kInvalidArgument when it is not a JSON object or lacks
// msgId or senderStaffId. A non-text message parses with empty text.
Result<RobotMessage> ParseRobotMessage(std::string_view body);

// One line of a score breakdown, for example 销售额 30 of 40 points.
struct ScoreLine {
  std::string kpi;     // the KPI's display name
  std::string points;  // exact decimal text, e.g. "30.5"
  std::string max_points;
  std::string detail;  // e.g. "签约 3 单 (周报 2026-11-30)"; may be empty
};

struct ScoreSummary {
  std::string period;  // e.g. "2026-W48"
  std::string total;   // exact decimal text
  std::vector<ScoreLine> lines;
};

// The current score of one employee, implemented by the connector's scoring store.
class ScoreLookup {
 public:
  virtual ~ScoreLookup() = default;

  // Returns the latest score of `user_id`. kNotFound when nothing is scored yet; other errors
  // are reported to the user as a temporary failure.
  virtual Result<ScoreSummary> CurrentScore(const std::string& user_id) = 0;
};

enum class RobotCommand { kScore, kHelp, kUnknown };

// Recognizes the command in a message: mentions and surrounding spaces are ignored, and
// matching is case-insensitive for the Latin aliases (score, help).
RobotCommand ParseRobotCommand(std::string_view text);

// A reply as a robot markdown message.
struct RobotReply {
  std::string title;
  std::string markdown;
};

// Returns the message body {"msgtype":"markdown","markdown":{"title","text"}} of a reply.
std::string RobotReplyJson(const RobotReply& reply);

class RobotCommandService {
 public:
  // `scores` must outlive the service.
  explicit RobotCommandService(ScoreLookup* scores);

  // Returns the reply to `message`, or nullopt when this message id got a reply recently
  // (the platform may deliver a message more than once).
  std::optional<RobotReply> Reply(const RobotMessage& message);

 private:
  RobotReply ScoreReply(const RobotMessage& message);
  bool IsRepeat(const std::string& message_id);

  ScoreLookup* const scores_;

  std::mutex mutex_;  // guards the recent message ids
  std::set<std::string> recent_ids_;
  std::deque<std::string> recent_order_;
};

}  // namespace logbridge::connector
