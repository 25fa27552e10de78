// Outbox dispatcher: claim, send, confirm, with backoff and per-recipient limits.
#include "connector/outbox.h"

#include <algorithm>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "connector/calendar.h"
#include "connector/metrics.h"

namespace logbridge::connector {
namespace {

using std::chrono::milliseconds;

constexpr milliseconds kMinute = std::chrono::minutes(1);

bool IsRetryable(ErrorCode code) {
  return code == ErrorCode::kUnavailable || code == ErrorCode::kDeadlineExceeded ||
         code == ErrorCode::kResourceExhausted || code == ErrorCode::kUnauthenticated;
}

OutgoingMessage ToOutgoing(const OutboxMessage& message, int32_t attempt) {
  return OutgoingMessage{message.id,        message.idempotency_key, message.kind,
                         message.recipient, message.payload_json,    attempt};
}

}  // namespace

std::string AddDateLine(std::string_view text, std::string_view date) {
  std::string result(text);
  if (result.find(date) == std::string::npos) {
    result += "\n\n日期：";
    result += date;
  }
  return result;
}

Outbox::Outbox(Store& store, MessageSender& sender, const Clock& clock, OutboxOptions options)
    : store_(store), sender_(sender), clock_(clock), options_(options) {}

Result<EnqueueOutcome> Outbox::Enqueue(const NewMessage& message) {
  if (message.idempotency_key.empty() || message.recipient.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "outbox message needs an idempotency key and a recipient (key \"" +
                         message.idempotency_key + "\", recipient \"" + message.recipient + "\")");
  }
  nlohmann::json payload = nlohmann::json::parse(message.payload_json, nullptr, false);
  if (!payload.is_object()) {
    return MakeError(ErrorCode::kInvalidArgument, "outbox message " + message.idempotency_key +
                                                      " has a payload that is not a JSON object");
  }

  EpochMs now = clock_.Now();
  auto text = payload.find("text");
  if (text != payload.end() && text->is_string()) {
    *text = AddDateLine(text->get<std::string>(), FormatDate(ShanghaiDate(now)));
  }

  OutboxMessage row;
  row.idempotency_key = message.idempotency_key;
  row.kind = message.kind;
  row.recipient = message.recipient;
  row.payload_json = payload.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  row.created_at = now;
  row.next_attempt_at = message.not_before.value_or(now);
  return store_.EnqueueMessage(row);
}

Result<int> Outbox::RecoverInterrupted() {
  std::lock_guard<std::mutex> lock(dispatch_mutex_);
  Result<std::vector<OutboxMessage>> sending = store_.ListSendingMessages();
  if (!sending.ok()) {
    return sending.error();
  }

  EpochMs now = clock_.Now();
  int resolved = 0;
  for (const OutboxMessage& message : *sending) {
    if (message.claimed_at && now < *message.claimed_at + options_.sending_lease) {
      continue;  // possibly still in flight in another dispatcher
    }
    DeliveryCheck check = sender_.CheckDelivered(ToOutgoing(message, message.attempts));
    Status status =
        check == DeliveryCheck::kDelivered
            ? store_.MarkMessageSent(message.id, now, message.platform_ref)
            : store_.MarkMessageFailed(message.id, "interrupted before confirmation", now);
    if (!status.ok()) {
      return status.error();
    }
    ServiceLogger()->warn("outbox message {} (key {}) was interrupted during attempt {}; {}",
                          message.id, message.idempotency_key, message.attempts,
                          check == DeliveryCheck::kDelivered ? "the platform has it, marked sent"
                          : check == DeliveryCheck::kNotDelivered
                              ? "not delivered, queued again"
                              : "delivery unknown, queued again (may repeat)");
    ++resolved;
  }
  return resolved;
}

Result<DispatchReport> Outbox::DispatchDue() {
  std::lock_guard<std::mutex> lock(dispatch_mutex_);
  EpochMs now = clock_.Now();
  Result<std::vector<OutboxMessage>> due = store_.ListDueMessages(now, options_.batch_size);
  if (!due.ok()) {
    return due.error();
  }

  DispatchReport report;
  for (const OutboxMessage& message : *due) {
    Result<std::optional<EpochMs>> limited = RateLimitedUntil(message.recipient, now);
    if (!limited.ok()) {
      return limited.error();
    }
    if (limited->has_value()) {
      Status deferred = store_.DeferMessage(message.id, **limited);
      if (!deferred.ok()) {
        return deferred.error();
      }
      ++report.deferred;
      continue;
    }

    Status sent = SendOne(message, now, report);
    if (!sent.ok()) {
      return sent.error();
    }
  }
  return report;
}

Result<std::optional<EpochMs>> Outbox::RateLimitedUntil(std::string_view recipient, EpochMs now) {
  Date today = ShanghaiDate(now);
  Result<int64_t> today_count =
      store_.CountMessagesClaimedSince(recipient, ShanghaiStartOfDay(today));
  if (!today_count.ok()) {
    return today_count.error();
  }
  if (*today_count >= options_.per_recipient_per_day) {
    Date tomorrow = Date(std::chrono::sys_days(today) + std::chrono::days(1));
    return std::optional<EpochMs>(ShanghaiStartOfDay(tomorrow));
  }

  // Minute limits hold a message back a whole minute, a little longer than needed but simple.
  Result<int64_t> recipient_minute = store_.CountMessagesClaimedSince(recipient, now - kMinute);
  Result<int64_t> total_minute = store_.CountAllMessagesClaimedSince(now - kMinute);
  if (!recipient_minute.ok()) {
    return recipient_minute.error();
  }
  if (!total_minute.ok()) {
    return total_minute.error();
  }
  if (*recipient_minute >= options_.per_recipient_per_minute ||
      *total_minute >= options_.total_per_minute) {
    return std::optional<EpochMs>(now + kMinute);
  }
  return std::optional<EpochMs>();
}

Status Outbox::SendOne(const OutboxMessage& message, EpochMs now, DispatchReport& report) {
  // The claim is committed before the platform call, so a crash during the call leaves the
  // message in kSending for RecoverInterrupted.
  Result<bool> claimed = store_.ClaimMessage(message.id, now);
  if (!claimed.ok()) {
    return claimed.error();
  }
  if (!*claimed) {
    return OkStatus();
  }

  int32_t attempt = message.attempts + 1;
  Result<SendReceipt> receipt = sender_.Send(ToOutgoing(message, attempt));
  EpochMs done = clock_.Now();
  if (receipt.ok() || receipt.error().code == ErrorCode::kAlreadyExists) {
    ++report.sent;
    ServiceLogger()->debug("outbox message {} (key {}) sent on attempt {}", message.id,
                           message.idempotency_key, attempt);
    return store_.MarkMessageSent(message.id, done, receipt.ok() ? receipt->platform_ref : "");
  }

  const Error& error = receipt.error();
  if (IsRetryable(error.code) && attempt < options_.max_attempts) {
    EpochMs retry_at = done + BackoffAfter(attempt);
    ++report.retried;
    ServiceLogger()->warn("outbox message {} (key {}) attempt {} failed, retrying in {} s: {}",
                          message.id, message.idempotency_key, attempt,
                          (retry_at - done).count() / 1000, error.ToString());
    return store_.MarkMessageFailed(message.id, error.ToString(), retry_at);
  }

  ++report.failed;
  ServiceLogger()->error("outbox message {} (key {}) to {} failed for good after {} attempts: {}",
                         message.id, message.idempotency_key, message.recipient, attempt,
                         error.ToString());
  return store_.MarkMessageFailed(message.id, error.ToString(), std::nullopt);
}

Result<int64_t> Outbox::Depth() { return store_.CountMessages(MessageStatus::kPending); }

std::chrono::milliseconds Outbox::BackoffAfter(int32_t attempt) const {
  milliseconds backoff = options_.initial_backoff;
  for (int32_t i = 1; i < attempt && backoff < options_.max_backoff; ++i) {
    backoff *= 2;
  }
  return std::min(backoff, options_.max_backoff);
}

}  // namespace logbridge::connector
