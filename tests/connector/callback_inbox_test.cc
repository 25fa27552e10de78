// Tests for the durable event inbox: storing before acknowledging, dedupe under concurrency,
// group commit, handler retries and recovery of pending events after a restart.

#include <thread>

#include <SQLiteCpp/SQLiteCpp.h>
#include <catch2/catch.hpp>

#include "connector/event_inbox.h"
#include "tests/connector/callback_test_support.h"

namespace logbridge::connector {
namespace {

using std::chrono::milliseconds;
using testing::RecordingHandler;
using testing::TempDatabase;

InboxEvent MakeEvent(const std::string& event_id, const std::string& payload = "{}") {
  InboxEvent event;
  event.event_id = event_id;
  event.event_type = "user_add_org";
  event.app_name = "app-one";
  event.payload = payload;
  event.dedupe_key = DedupeKeyFor(event_id, event.event_type, "1700000000000", payload);
  event.received_at = EpochMs(1700000000000);
  return event;
}

std::unique_ptr<EventInbox> OpenInbox(const std::string& path, EventHandler* handler,
                                      const Clock* clock) {
  EventInboxOptions options;
  options.database_path = path;
  options.handler_retry_delay = milliseconds(5);
  Result<std::unique_ptr<EventInbox>> inbox = EventInbox::Open(options, handler, clock);
  REQUIRE(inbox.ok());
  return std::move(*inbox);
}

TEST_CASE("Dedupe key prefers eventId", "[callback]") {
  CHECK(DedupeKeyFor("e1", "t", "1", "{}") == "id:e1");
  std::string hashed = DedupeKeyFor("", "bpms_task_change", "1700000000000", "{\"a\":1}");
  CHECK(hashed.rfind("hash:bpms_task_change|1700000000000|", 0) == 0);
  CHECK(hashed != DedupeKeyFor("", "bpms_task_change", "1700000000000", "{\"a\":2}"));
  CHECK(hashed != DedupeKeyFor("", "bpms_task_change", "1700000000001", "{\"a\":1}"));
}

TEST_CASE("Inbox stores then processes once", "[callback]") {
  TempDatabase database;
  RecordingHandler handler;
  SystemClock clock;
  auto inbox = OpenInbox(database.path(), &handler, &clock);

  InboxEvent event = MakeEvent("evt-1", R"({"EventType":"user_add_org","eventId":"evt-1"})");
  Result<AcceptOutcome> first = inbox->Accept(event);
  REQUIRE(first.ok());
  CHECK(*first == AcceptOutcome::kStored);
  Result<AcceptOutcome> second = inbox->Accept(event);
  REQUIRE(second.ok());
  CHECK(*second == AcceptOutcome::kDuplicate);

  REQUIRE(inbox->WaitIdle(milliseconds(5000)));
  CHECK(handler.CallsFor("id:evt-1") == 1);
  Result<InboxCounts> counts = inbox->Counts();
  REQUIRE(counts.ok());
  CHECK(counts->total == 1);
  CHECK(counts->processed == 1);
  CHECK(counts->pending == 0);

  // The row keeps the payload byte for byte.
  SQLite::Database reader(database.path(), SQLite::OPEN_READONLY);
  SQLite::Statement query(reader, "SELECT payload, app_name FROM callback_events");
  REQUIRE(query.executeStep());
  CHECK(query.getColumn(0).getString() == event.payload);
  CHECK(query.getColumn(1).getString() == "app-one");
}

TEST_CASE("Inbox processes concurrent duplicates once", "[callback]") {
  TempDatabase database;
  RecordingHandler handler;
  SystemClock clock;
  auto inbox = OpenInbox(database.path(), &handler, &clock);

  constexpr int kThreads = 16;
  std::atomic<int> stored{0};
  std::atomic<int> duplicates{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&] {
      Result<AcceptOutcome> outcome = inbox->Accept(MakeEvent("same-event"));
      if (outcome.ok() && *outcome == AcceptOutcome::kStored) {
        stored.fetch_add(1);
      } else if (outcome.ok()) {
        duplicates.fetch_add(1);
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }

  REQUIRE(inbox->WaitIdle(milliseconds(5000)));
  CHECK(stored.load() == 1);
  CHECK(duplicates.load() == kThreads - 1);
  CHECK(handler.CallsFor("id:same-event") == 1);
}

TEST_CASE("Inbox groups concurrent commits", "[callback]") {
  TempDatabase database;
  RecordingHandler handler;
  SystemClock clock;
  auto inbox = OpenInbox(database.path(), &handler, &clock);

  constexpr int kThreads = 8;
  constexpr int kPerThread = 50;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        Result<AcceptOutcome> outcome =
            inbox->Accept(MakeEvent("e-" + std::to_string(t) + "-" + std::to_string(i)));
        CHECK(outcome.ok());
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  REQUIRE(inbox->WaitIdle(milliseconds(10000)));

  Result<InboxCounts> counts = inbox->Counts();
  REQUIRE(counts.ok());
  CHECK(counts->total == kThreads * kPerThread);
  CHECK(counts->processed == kThreads * kPerThread);
  CHECK(handler.Calls().size() == static_cast<size_t>(kThreads * kPerThread));
  // Inserts and status updates share commits, so there are fewer commits than row writes.
  CHECK(inbox->commit_count() < 2 * kThreads * kPerThread);
}

TEST_CASE("Inbox retries a failing handler", "[callback]") {
  TempDatabase database;
  RecordingHandler handler;
  handler.set_failures(2);
  SystemClock clock;
  auto inbox = OpenInbox(database.path(), &handler, &clock);

  REQUIRE(inbox->Accept(MakeEvent("flaky")).ok());
  REQUIRE(inbox->WaitIdle(milliseconds(5000)));
  CHECK(handler.CallsFor("id:flaky") == 3);
  Result<InboxCounts> counts = inbox->Counts();
  REQUIRE(counts.ok());
  CHECK(counts->processed == 1);
}

TEST_CASE("Inbox marks an exhausted event failed", "[callback]") {
  TempDatabase database;
  RecordingHandler handler;
  handler.set_failures(100);
  SystemClock clock;
  auto inbox = OpenInbox(database.path(), &handler, &clock);

  REQUIRE(inbox->Accept(MakeEvent("broken")).ok());
  REQUIRE(inbox->WaitIdle(milliseconds(5000)));
  CHECK(handler.CallsFor("id:broken") == 3);
  Result<InboxCounts> counts = inbox->Counts();
  REQUIRE(counts.ok());
  CHECK(counts->failed == 1);

  SQLite::Database reader(database.path(), SQLite::OPEN_READONLY);
  SQLite::Statement query(reader, "SELECT attempts, last_error FROM callback_events");
  REQUIRE(query.executeStep());
  CHECK(query.getColumn(0).getInt() == 3);
  CHECK(query.getColumn(1).getString().find("test handler failure") != std::string::npos);
}

TEST_CASE("Inbox resumes pending events after restart", "[callback]") {
  TempDatabase database;
  SystemClock clock;
  {
    RecordingHandler slow;
    slow.set_delay(milliseconds(200));
    auto inbox = OpenInbox(database.path(), &slow, &clock);
    for (int i = 0; i < 5; ++i) {
      REQUIRE(inbox->Accept(MakeEvent("restart-" + std::to_string(i))).ok());
    }
    // Destroyed while the slow handler has processed at most one event.
  }

  RecordingHandler handler;
  auto inbox = OpenInbox(database.path(), &handler, &clock);
  REQUIRE(inbox->WaitIdle(milliseconds(5000)));
  Result<InboxCounts> counts = inbox->Counts();
  REQUIRE(counts.ok());
  CHECK(counts->total == 5);
  CHECK(counts->processed == 5);
  CHECK(counts->pending == 0);
  CHECK(handler.Calls().size() >= 4);

  // A duplicate of an event stored before the restart is still recognized.
  Result<AcceptOutcome> again = inbox->Accept(MakeEvent("restart-0"));
  REQUIRE(again.ok());
  CHECK(*again == AcceptOutcome::kDuplicate);
}

TEST_CASE("Inbox rejects an in-memory path", "[callback]") {
  RecordingHandler handler;
  SystemClock clock;
  for (std::string path : {std::string(""), std::string(":memory:")}) {
    EventInboxOptions options;
    options.database_path = path;
    Result<std::unique_ptr<EventInbox>> inbox = EventInbox::Open(options, &handler, &clock);
    REQUIRE(!inbox.ok());
    CHECK(inbox.error().code == ErrorCode::kInvalidArgument);
  }
}

TEST_CASE("Inbox reports an unwritable directory", "[callback]") {
  RecordingHandler handler;
  SystemClock clock;
  EventInboxOptions options;
  options.database_path = "/nonexistent-logbridge-dir/inbox.db";
  Result<std::unique_ptr<EventInbox>> inbox = EventInbox::Open(options, &handler, &clock);
  REQUIRE(!inbox.ok());
  CHECK(inbox.error().code == ErrorCode::kUnavailable);
}

}  // namespace
}  // namespace logbridge::connector
