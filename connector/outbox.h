// The message outbox: every outgoing DingTalk message (work notification, robot message,
// card, webhook) is written to the store first and then sent by a dispatcher with retries,
// capped exponential backoff and per-recipient limits. The Outbox borrows the store, sender and
// clock, which must outlive it. Its methods are thread-safe; dispatch runs one batch at a time.
//
// Delivery guarantee, at least once with one window: the store records the claim before the
// platform call and the confirmation after it. A crash between the two leaves the message in
// kSending. RecoverInterrupted calls the sender's CheckDelivered for such a message. When the
// sender cannot tell whether the call reached DingTalk, the message is sent again and may
// arrive twice. Sends that DingTalk
// makes idempotent are safe to repeat: a card reuses its outTrackId, a webhook its msgUuid, and
// a work notification with the same content to the same user is delivered once per day.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "base/time.h"
#include "connector/store.h"

namespace logbridge::connector {

// A message as the dispatcher hands it to the platform.
struct OutgoingMessage {
  int64_t id = 0;
  std::string idempotency_key;  // stable across retries; use it as outTrackId or msgUuid
  MessageKind kind = MessageKind::kWorkNotification;
  std::string recipient;
  std::string payload_json;
  int32_t attempt = 0;  // 1 for the first platform call
};

// The platform's reference for an accepted message.
struct SendReceipt {
  std::string platform_ref;  // task_id, processQueryKey or outTrackId
};

enum class DeliveryCheck { kDelivered, kNotDelivered, kUnknown };

// Sends messages to DingTalk. Implementations map the error of a failed call onto the codes of
// base/result.h. The outbox retries kUnavailable, kDeadlineExceeded, kResourceExhausted and
// kUnauthenticated. kAlreadyExists means the platform already has the message (a card with that
// outTrackId), so it counts as sent. Every other code fails the message for good.
class MessageSender {
 public:
  virtual ~MessageSender() = default;

  virtual Result<SendReceipt> Send(const OutgoingMessage& message) = 0;

  // Reports whether an interrupted send reached the platform. The default cannot tell.
  virtual DeliveryCheck CheckDelivered(const OutgoingMessage& message) {
    (void)message;
    return DeliveryCheck::kUnknown;
  }
};

struct OutboxOptions {
  // Internal apps may send 500 work notifications per user per day; the default stays below.
  int per_recipient_per_day = 100;
  // For a webhook message the recipient is the robot, which DingTalk throttles for 10 minutes
  // after 20 messages in a minute; the default stays below.
  int per_recipient_per_minute = 10;
  // Work notifications may reach 5000 recipients per minute; the default stays well below.
  int total_per_minute = 1000;
  int max_attempts = 8;  // then the message fails for good
  std::chrono::milliseconds initial_backoff{std::chrono::seconds(30)};
  std::chrono::milliseconds max_backoff{std::chrono::hours(1)};
  std::chrono::milliseconds sending_lease{std::chrono::minutes(5)};
  int batch_size = 50;
};

// A message to enqueue. payload_json must be a JSON object. When it has a string member "text"
// (a markdown or text body), Enqueue appends a line with today's Shanghai date. The same
// reminder on two days then has different content, and DingTalk does not drop the second.
struct NewMessage {
  std::string idempotency_key;
  MessageKind kind = MessageKind::kWorkNotification;
  std::string recipient;
  std::string payload_json;
  // Earliest send time; defaults to now.
  std::optional<EpochMs> not_before;
};

// Counts of one DispatchDue run.
struct DispatchReport {
  int sent = 0;
  int retried = 0;
  int failed = 0;    // failed for good
  int deferred = 0;  // held back by a rate limit
};

class Outbox {
 public:
  Outbox(Store& store, MessageSender& sender, const Clock& clock, OutboxOptions options = {});

  // Writes the message to the store. A key already present returns the existing message's id
  // with inserted = false; its content is not changed. Fails with kInvalidArgument for an
  // empty key or recipient, or a payload that is not a JSON object.
  Result<EnqueueOutcome> Enqueue(const NewMessage& message);

  // Resolves messages left in kSending whose lease expired: marks them sent when the sender
  // reports delivery, otherwise returns them to the queue to be sent again. Call at start-up.
  // Returns how many were resolved.
  Result<int> RecoverInterrupted();

  // Sends due messages, up to batch_size, within the rate limits. A failed send is
  // rescheduled with backoff (initial_backoff doubled per attempt, capped at max_backoff).
  Result<DispatchReport> DispatchDue();

  // Pending messages; the outbox depth metric.
  Result<int64_t> Depth();

  // The backoff before attempt number `attempt` + 1, after `attempt` failed calls.
  std::chrono::milliseconds BackoffAfter(int32_t attempt) const;

 private:
  // Returns when the recipient may next be sent to, or nullopt when a message may go now.
  Result<std::optional<EpochMs>> RateLimitedUntil(std::string_view recipient, EpochMs now);
  Status SendOne(const OutboxMessage& message, EpochMs now, DispatchReport& report);

  Store& store_;
  MessageSender& sender_;
  const Clock& clock_;
  const OutboxOptions options_;

  std::mutex dispatch_mutex_;  // one DispatchDue or RecoverInterrupted at a time
};

// Appends "\n\n日期：2026-02-14" to text unless it already contains that date. Exposed for
// callers that build message text outside Enqueue.
std::string AddDateLine(std::string_view text, std::string_view date);

}  // namespace logbridge::connector
