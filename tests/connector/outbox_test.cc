// Tests of the outbox dispatcher with a scripted fake sender, a ManualClock and a real store.
#include "connector/outbox.h"

#include <deque>
#include <filesystem>
#include <map>
#include <string>

#include <catch2/catch.hpp>
#include <stdlib.h>

#include "connector/calendar.h"

namespace logbridge::connector {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

// 2026-03-02 09:00 Shanghai, a Monday.
const EpochMs kStart(1772413200000);

class TempStore {
 public:
  TempStore() {
    std::string pattern = (std::filesystem::temp_directory_path() / "logbridge-outbox-XXXXXX");
    dir_ = mkdtemp(pattern.data());
    store_ = std::move(Store::Open(StoreOptions{dir_ + "/outbox.db"})).value();
  }
  ~TempStore() {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  Store& store() { return *store_; }

 private:
  std::string dir_;
  std::unique_ptr<Store> store_;
};

// Records every send and returns results from a script; an empty script means success.
class FakeSender final : public MessageSender {
 public:
  Result<SendReceipt> Send(const OutgoingMessage& message) override {
    sent.push_back(message);
    if (script.empty()) {
      return SendReceipt{"ref-" + message.idempotency_key};
    }
    Result<SendReceipt> next = script.front();
    script.pop_front();
    return next;
  }
  DeliveryCheck CheckDelivered(const OutgoingMessage& message) override {
    checked.push_back(message.idempotency_key);
    return delivery;
  }

  std::deque<Result<SendReceipt>> script;
  std::vector<OutgoingMessage> sent;
  std::vector<std::string> checked;
  DeliveryCheck delivery = DeliveryCheck::kUnknown;
};

NewMessage Reminder(const std::string& key, const std::string& user = "u1") {
  return NewMessage{key, MessageKind::kWorkNotification, user,
                    R"({"title":"日报提醒","text":"请在 20:00 前提交日报"})", std::nullopt};
}

Error Unavailable() { return MakeError(ErrorCode::kUnavailable, "connection reset"); }

TEST_CASE("Enqueue stamps date and dedupes", "[connector]") {
  TempStore temp;
  FakeSender sender;
  ManualClock clock(kStart);
  Outbox outbox(temp.store(), sender, clock);

  EnqueueOutcome first = *outbox.Enqueue(Reminder("k1"));
  CHECK(first.inserted);
  EnqueueOutcome again = *outbox.Enqueue(Reminder("k1"));
  CHECK_FALSE(again.inserted);
  CHECK(again.id == first.id);

  OutboxMessage stored = **temp.store().GetMessage(first.id);
  CHECK(stored.payload_json.find("请在 20:00 前提交日报\\n\\n日期：2026-03-02") !=
        std::string::npos);
  CHECK(stored.next_attempt_at == kStart);
  CHECK(*outbox.Depth() == 1);
}

TEST_CASE("Enqueue rejects invalid messages", "[connector]") {
  TempStore temp;
  FakeSender sender;
  ManualClock clock(kStart);
  Outbox outbox(temp.store(), sender, clock);

  NewMessage no_key = Reminder("");
  CHECK(outbox.Enqueue(no_key).error().code == ErrorCode::kInvalidArgument);
  NewMessage no_user = Reminder("k", "");
  CHECK(outbox.Enqueue(no_user).error().code == ErrorCode::kInvalidArgument);
  NewMessage bad_payload = Reminder("k");
  bad_payload.payload_json = "[1, 2";
  Result<EnqueueOutcome> bad = outbox.Enqueue(bad_payload);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message.find("not a JSON object") != std::string::npos);
}

TEST_CASE("AddDateLine leaves dated text alone", "[connector]") {
  CHECK(AddDateLine("hello", "2026-03-02") == "hello\n\n日期：2026-03-02");
  CHECK(AddDateLine("周报 2026-03-02", "2026-03-02") == "周报 2026-03-02");
}

TEST_CASE("Dispatch sends each message once", "[connector]") {
  TempStore temp;
  FakeSender sender;
  ManualClock clock(kStart);
  Outbox outbox(temp.store(), sender, clock);
  int64_t id = outbox.Enqueue(Reminder("k1"))->id;
  NewMessage later = Reminder("k2");
  later.not_before = kStart + hours(1);
  REQUIRE(outbox.Enqueue(later).ok());

  DispatchReport report = *outbox.DispatchDue();
  CHECK(report.sent == 1);
  REQUIRE(sender.sent.size() == 1);
  CHECK(sender.sent[0].idempotency_key == "k1");
  CHECK(sender.sent[0].attempt == 1);
  OutboxMessage stored = **temp.store().GetMessage(id);
  CHECK(stored.status == MessageStatus::kSent);
  CHECK(stored.platform_ref == "ref-k1");

  CHECK(outbox.DispatchDue()->sent == 0);
  clock.Advance(hours(1));
  CHECK(outbox.DispatchDue()->sent == 1);
  CHECK(sender.sent.size() == 2);

  // Enqueueing a sent message again, e.g. after a restart, sends nothing.
  REQUIRE_FALSE(outbox.Enqueue(Reminder("k1"))->inserted);
  CHECK(outbox.DispatchDue()->sent == 0);
  CHECK(sender.sent.size() == 2);
}

TEST_CASE("Transient failures retry with backoff", "[connector]") {
  TempStore temp;
  FakeSender sender;
  sender.script = {Unavailable(), Unavailable()};
  ManualClock clock(kStart);
  Outbox outbox(temp.store(), sender, clock);
  int64_t id = outbox.Enqueue(Reminder("k1"))->id;

  CHECK(outbox.DispatchDue()->retried == 1);
  OutboxMessage after_first = **temp.store().GetMessage(id);
  CHECK(after_first.status == MessageStatus::kPending);
  CHECK(after_first.next_attempt_at == kStart + seconds(30));
  CHECK(after_first.last_error.find("connection reset") != std::string::npos);

  clock.Advance(seconds(29));
  CHECK(outbox.DispatchDue()->retried == 0);
  clock.Advance(seconds(1));
  CHECK(outbox.DispatchDue()->retried == 1);
  CHECK((*temp.store().GetMessage(id))->next_attempt_at == clock.Now() + seconds(60));

  clock.Advance(seconds(60));
  CHECK(outbox.DispatchDue()->sent == 1);
  REQUIRE(sender.sent.size() == 3);
  CHECK(sender.sent[2].attempt == 3);
  CHECK((*temp.store().GetMessage(id))->attempts == 3);
}

TEST_CASE("Backoff doubles up to its cap", "[connector]") {
  TempStore temp;
  FakeSender sender;
  ManualClock clock(kStart);
  OutboxOptions options;
  options.initial_backoff = seconds(30);
  options.max_backoff = minutes(5);
  Outbox outbox(temp.store(), sender, clock, options);
  CHECK(outbox.BackoffAfter(1) == seconds(30));
  CHECK(outbox.BackoffAfter(2) == seconds(60));
  CHECK(outbox.BackoffAfter(4) == seconds(240));
  CHECK(outbox.BackoffAfter(5) == minutes(5));
  CHECK(outbox.BackoffAfter(40) == minutes(5));
}

TEST_CASE("Permanent errors and exhausted attempts fail", "[connector]") {
  TempStore temp;
  FakeSender sender;
  ManualClock clock(kStart);
  OutboxOptions options;
  options.max_attempts = 2;
  Outbox outbox(temp.store(), sender, clock, options);

  sender.script = {MakeError(ErrorCode::kInvalidArgument, "msg too long")};
  int64_t bad = outbox.Enqueue(Reminder("bad"))->id;
  CHECK(outbox.DispatchDue()->failed == 1);
  CHECK((*temp.store().GetMessage(bad))->status == MessageStatus::kFailed);

  sender.script = {Unavailable(), Unavailable()};
  int64_t flaky = outbox.Enqueue(Reminder("flaky"))->id;
  CHECK(outbox.DispatchDue()->retried == 1);
  clock.Advance(hours(1));
  CHECK(outbox.DispatchDue()->failed == 1);
  OutboxMessage stored = **temp.store().GetMessage(flaky);
  CHECK(stored.status == MessageStatus::kFailed);
  CHECK(stored.attempts == 2);
  CHECK(*temp.store().CountMessages(MessageStatus::kFailed) == 2);
}

TEST_CASE("Existing card counts as sent", "[connector]") {
  TempStore temp;
  FakeSender sender;
  sender.script = {MakeError(ErrorCode::kAlreadyExists, "param.cardAlreadyExist")};
  ManualClock clock(kStart);
  Outbox outbox(temp.store(), sender, clock);
  NewMessage card{"approval/r1/1", MessageKind::kCard, "m1", R"({"params":{}})", std::nullopt};
  int64_t id = outbox.Enqueue(card)->id;
  CHECK(outbox.DispatchDue()->sent == 1);
  CHECK((*temp.store().GetMessage(id))->status == MessageStatus::kSent);
}

TEST_CASE("Daily limit defers to next day", "[connector]") {
  TempStore temp;
  FakeSender sender;
  ManualClock clock(kStart);
  OutboxOptions options;
  options.per_recipient_per_day = 2;
  options.per_recipient_per_minute = 10;
  Outbox outbox(temp.store(), sender, clock, options);
  for (const char* key : {"a", "b", "c"}) {
    REQUIRE(outbox.Enqueue(Reminder(key)).ok());
  }
  REQUIRE(outbox.Enqueue(Reminder("other", "u2")).ok());

  DispatchReport report = *outbox.DispatchDue();
  CHECK(report.sent == 3);
  CHECK(report.deferred == 1);
  Date tomorrow{std::chrono::year(2026), std::chrono::month(3), std::chrono::day(3)};
  std::vector<OutboxMessage> due = *temp.store().ListDueMessages(EpochMs(INT64_MAX), 10);
  REQUIRE(due.size() == 1);
  CHECK(due[0].idempotency_key == "c");
  CHECK(due[0].next_attempt_at == ShanghaiStartOfDay(tomorrow));

  // Deferral is not an attempt, and the message goes out the next day.
  CHECK(due[0].attempts == 0);
  clock.Set(ShanghaiStartOfDay(tomorrow));
  CHECK(outbox.DispatchDue()->sent == 1);
}

TEST_CASE("Minute limits spread a burst", "[connector]") {
  TempStore temp;
  FakeSender sender;
  ManualClock clock(kStart);
  OutboxOptions options;
  options.per_recipient_per_minute = 100;
  options.total_per_minute = 3;
  Outbox outbox(temp.store(), sender, clock, options);
  for (int i = 0; i < 5; ++i) {
    REQUIRE(outbox.Enqueue(Reminder("k" + std::to_string(i), "u" + std::to_string(i))).ok());
  }
  DispatchReport first = *outbox.DispatchDue();
  CHECK(first.sent == 3);
  CHECK(first.deferred == 2);
  clock.Advance(seconds(30));
  CHECK(outbox.DispatchDue()->sent == 0);
  clock.Advance(seconds(31));
  CHECK(outbox.DispatchDue()->sent == 2);
  CHECK(sender.sent.size() == 5);
}

// Leaves a message as a dispatcher that died during the platform call would.
int64_t ClaimWithoutConfirming(Store& store, Outbox& outbox, const std::string& key) {
  int64_t id = outbox.Enqueue(Reminder(key))->id;
  REQUIRE(*store.ClaimMessage(id, kStart));
  return id;
}

TEST_CASE("Recovery trusts delivery check", "[connector]") {
  TempStore temp;
  FakeSender sender;
  ManualClock clock(kStart);
  Outbox outbox(temp.store(), sender, clock);
  int64_t id = ClaimWithoutConfirming(temp.store(), outbox, "k1");

  // Within the lease the message may still be in flight, so it is left alone.
  CHECK(*outbox.RecoverInterrupted() == 0);
  clock.Advance(minutes(5));
  sender.delivery = DeliveryCheck::kDelivered;
  CHECK(*outbox.RecoverInterrupted() == 1);
  CHECK(sender.checked == std::vector<std::string>{"k1"});
  CHECK((*temp.store().GetMessage(id))->status == MessageStatus::kSent);
  CHECK(outbox.DispatchDue()->sent == 0);
  CHECK(sender.sent.empty());
}

TEST_CASE("Recovery resends when delivery unknown", "[connector]") {
  TempStore temp;
  FakeSender sender;
  ManualClock clock(kStart);
  Outbox outbox(temp.store(), sender, clock);
  int64_t id = ClaimWithoutConfirming(temp.store(), outbox, "k1");

  clock.Advance(minutes(10));
  sender.delivery = DeliveryCheck::kUnknown;
  CHECK(*outbox.RecoverInterrupted() == 1);
  CHECK((*temp.store().GetMessage(id))->status == MessageStatus::kPending);
  CHECK(outbox.DispatchDue()->sent == 1);
  REQUIRE(sender.sent.size() == 1);
  CHECK(sender.sent[0].attempt == 2);
  CHECK(sender.sent[0].idempotency_key == "k1");
}

}  // namespace
}  // namespace logbridge::connector
