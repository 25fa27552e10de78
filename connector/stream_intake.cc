// Stream frames into the callback paths. Each rejection logs one line with the frame's
// messageId and the cause; payloads and webhook URLs (which carry a session token) are not
// logged.

#include "connector/stream_intake.h"

#include <spdlog/spdlog.h>

#include "connector/callback_log.h"
#include "connector/card_actions.h"
#include "connector/event_inbox.h"
#include "connector/robot_commands.h"
#include "dingtalk/http_transport.h"

namespace logbridge::connector {
namespace {

// The ACK response of callbacks whose reply goes elsewhere or that were rejected for good.
constexpr char kNullResponse[] = "null";

// Errors worth a redelivery: the same click may succeed later.
bool IsTransient(ErrorCode code) {
  return code == ErrorCode::kUnavailable || code == ErrorCode::kDeadlineExceeded ||
         code == ErrorCode::kResourceExhausted || code == ErrorCode::kInternal;
}

}  // namespace

Result<std::unique_ptr<StreamIntake>> StreamIntake::Create(StreamIntakeOptions options,
                                                           EventInbox* inbox,
                                                           CardActionService* cards,
                                                           RobotCommandService* robot,
                                                           const Clock* clock) {
  if (inbox == nullptr || clock == nullptr) {
    return MakeError(ErrorCode::kInvalidArgument, "Stream intake needs an inbox and a clock");
  }
  if (options.app_name.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "Stream intake app_name is empty; set it to the app key of the Stream app");
  }
  return std::unique_ptr<StreamIntake>(
      new StreamIntake(std::move(options), inbox, cards, robot, clock));
}

StreamIntake::StreamIntake(StreamIntakeOptions options, EventInbox* inbox, CardActionService* cards,
                           RobotCommandService* robot, const Clock* clock)
    : options_(std::move(options)), inbox_(inbox), cards_(cards), robot_(robot), clock_(clock) {}

Status StreamIntake::OnEvent(const dingtalk::StreamFrame& frame) {
  InboxEvent event;
  event.event_id = frame.Header("eventId");
  event.event_type = frame.Header("eventType");
  event.app_name = options_.app_name;
  event.dedupe_key =
      DedupeKeyFor(event.event_id, event.event_type, frame.Header("eventBornTime"), frame.data);
  event.payload = frame.data;
  event.received_at = clock_->Now();
  std::string dedupe_key = event.dedupe_key;

  Result<AcceptOutcome> accepted = inbox_->Accept(std::move(event));
  if (!accepted.ok()) {
    CallbackLogger()->error("stream event {} ({}, message {}) for app {} not stored: {}",
                            dedupe_key, frame.Header("eventType"), frame.message_id(),
                            options_.app_name, accepted.error().message);
    return accepted.error();
  }
  CallbackLogger()->debug("stream event {} ({}) for app {} {}", dedupe_key,
                          frame.Header("eventType"), options_.app_name,
                          *accepted == AcceptOutcome::kStored ? "stored" : "duplicate");
  return OkStatus();
}

Result<std::string> StreamIntake::OnCallback(const dingtalk::StreamFrame& frame) {
  if (frame.topic() == dingtalk::kStreamRobotTopic && robot_ != nullptr) {
    return OnRobotMessage(frame);
  }
  if (frame.topic() == dingtalk::kStreamCardTopic && cards_ != nullptr) {
    return OnCardCallback(frame);
  }
  CallbackLogger()->warn("stream callback {} on topic {} rejected: no service for the topic",
                         frame.message_id(), frame.topic());
  return MakeError(ErrorCode::kNotFound, "topic " + frame.topic() + " is not supported");
}

Result<std::string> StreamIntake::OnRobotMessage(const dingtalk::StreamFrame& frame) {
  Result<RobotMessage> message = ParseRobotMessage(frame.data);
  if (!message.ok()) {
    CallbackLogger()->warn("stream robot message {} rejected: {}", frame.message_id(),
                           message.error().message);
    return std::string(kNullResponse);
  }
  std::optional<RobotReply> reply = robot_->Reply(*message);
  if (reply && !PostReply(*message, RobotReplyJson(*reply))) {
    CallbackLogger()->warn("stream robot message {} from {}: reply dropped", message->message_id,
                           message->sender_staff_id);
  }
  return std::string(kNullResponse);
}

Result<std::string> StreamIntake::OnCardCallback(const dingtalk::StreamFrame& frame) {
  Result<CardAction> action = ParseCardAction(frame.data);
  if (!action.ok()) {
    CallbackLogger()->warn("stream card callback {} rejected: {}", frame.message_id(),
                           action.error().message);
    return std::string(kNullResponse);
  }
  Result<CardDecision> decision = cards_->Apply(*action);
  if (!decision.ok()) {
    CallbackLogger()->warn("stream card callback {} for card {} by {} action {} rejected: {}",
                           frame.message_id(), action->out_track_id, action->user_id,
                           action->action_id, decision.error().ToString());
    if (IsTransient(decision.error().code)) {
      return decision.error();
    }
    return std::string(kNullResponse);
  }
  return CardDecisionJson(*decision);
}

bool StreamIntake::PostReply(const RobotMessage& message, const std::string& body) const {
  const std::string& url = message.session_webhook;
  if (url.empty() || options_.session_webhook_prefix.empty() ||
      url.rfind(options_.session_webhook_prefix, 0) != 0) {
    CallbackLogger()->warn("robot message {}: sessionWebhook is missing or outside {}",
                           message.message_id, options_.session_webhook_prefix);
    return false;
  }
  if (message.session_webhook_expires.value != 0 &&
      message.session_webhook_expires < clock_->Now()) {
    CallbackLogger()->warn("robot message {}: sessionWebhook expired", message.message_id);
    return false;
  }

  size_t scheme_end = url.find("://");
  size_t path_start = url.find('/', scheme_end == std::string::npos ? 0 : scheme_end + 3);
  dingtalk::TransportOptions transport_options;
  transport_options.connect_timeout = options_.session_webhook_timeout;
  transport_options.read_timeout = options_.session_webhook_timeout;
  Result<std::unique_ptr<dingtalk::HttpTransport>> transport =
      dingtalk::HttpTransport::Create(url.substr(0, path_start), transport_options);
  if (!transport.ok()) {
    CallbackLogger()->warn("robot message {}: sessionWebhook is not a valid URL",
                           message.message_id);
    return false;
  }
  dingtalk::HttpRequest request;
  request.target = path_start == std::string::npos ? "/" : url.substr(path_start);
  request.body = body;
  Result<dingtalk::HttpResponse> response = (*transport)->Send(request);
  if (!response.ok() || response->status != 200) {
    CallbackLogger()->warn(
        "robot message {}: posting the reply to sessionWebhook failed ({})", message.message_id,
        response.ok() ? "HTTP " + std::to_string(response->status) : response.error().message);
    return false;
  }
  return true;
}

}  // namespace logbridge::connector
