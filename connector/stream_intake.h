// The connector's Stream mode handler: EVENT frames go into the EventInbox, robot messages to
// the RobotCommandService (replies posted to the message's sessionWebhook) and card callbacks to
// the CardActionService, the same paths the HTTP callback endpoint feeds. Thread-safe, although
// StreamClient calls it from one thread.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "base/result.h"
#include "base/time.h"
#include "dingtalk/stream_client.h"

namespace logbridge::connector {

class EventInbox;
class CardActionService;
class RobotCommandService;
struct RobotMessage;

struct StreamIntakeOptions {
  std::string app_name;  // stored as InboxEvent::app_name, for example the app key
  // A robot reply is posted to the message's sessionWebhook only when that URL starts with this
  // prefix. Stream mode ignores the content of a robot ACK, so a reply that cannot be posted is
  // logged and dropped.
  std::string session_webhook_prefix = "https://oapi.dingtalk.com/";
  std::chrono::milliseconds session_webhook_timeout{3000};
};

class StreamIntake final : public dingtalk::StreamHandler {
 public:
  // `inbox` and `clock` are required; `cards` and `robot` may be null, and their topics are then
  // acknowledged with code 404. All must outlive the intake.
  // Errors: kInvalidArgument for a missing inbox or clock, or an empty app_name.
  static Result<std::unique_ptr<StreamIntake>> Create(StreamIntakeOptions options,
                                                      EventInbox* inbox, CardActionService* cards,
                                                      RobotCommandService* robot,
                                                      const Clock* clock);

  // Stores the event (payload: the frame's data, byte for byte; dedupe key from eventId, else
  // eventType, eventBornTime and the payload). A duplicate is OK. Errors: the inbox's error when
  // the commit failed, so the client acknowledges LATER and the platform delivers it again.
  Status OnEvent(const dingtalk::StreamFrame& frame) override;

  // Robot messages return "null" after the reply is handled. Card callbacks return the
  // CardDecisionJson of the click. Clicks rejected for good (unknown card, not the recipient,
  // unknown button, malformed data) return "null", are logged, and are not redelivered. Errors:
  // kNotFound for a topic without a service, the card service's error when it is transient
  // (unavailable, deadline exceeded, resource exhausted, internal).
  Result<std::string> OnCallback(const dingtalk::StreamFrame& frame) override;

 private:
  StreamIntake(StreamIntakeOptions options, EventInbox* inbox, CardActionService* cards,
               RobotCommandService* robot, const Clock* clock);
  Result<std::string> OnRobotMessage(const dingtalk::StreamFrame& frame);
  Result<std::string> OnCardCallback(const dingtalk::StreamFrame& frame);
  // Posts `body` to the message's sessionWebhook; returns false (and logs why) when it was not
  // posted.
  bool PostReply(const RobotMessage& message, const std::string& body) const;

  const StreamIntakeOptions options_;
  EventInbox* const inbox_;
  CardActionService* const cards_;
  RobotCommandService* const robot_;
  const Clock* const clock_;
};

}  // namespace logbridge::connector
