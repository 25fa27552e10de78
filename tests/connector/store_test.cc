// Tests of the SQLite store on a real database file in a fresh temporary directory.
#include "connector/store.h"

#include <atomic>
#include <filesystem>
#include <map>
#include <string>
#include <thread>

#include <SQLiteCpp/SQLiteCpp.h>
#include <catch2/catch.hpp>
#include <stdlib.h>

namespace logbridge::connector {
namespace {

// A temporary directory removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "logbridge-store-XXXXXX");
    path_ = mkdtemp(pattern.data());
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

std::unique_ptr<Store> OpenStore(const std::string& path) {
  Result<std::unique_ptr<Store>> store = Store::Open(StoreOptions{path});
  if (!store.ok()) {
    FAIL(store.error().ToString());
  }
  return std::move(store).value();
}

RawLog MakeLog(const std::string& id, const std::string& body, int64_t modified = 2000) {
  return RawLog{id,
                R"({"report_id":")" + id + R"(","contents":")" + body + R"("})",
                "日报",
                "u1",
                EpochMs(1000),
                EpochMs(modified)};
}

SyncCheckpoint MakeCheckpoint(int64_t cursor) {
  return SyncCheckpoint{"日报", "create", EpochMs(0), EpochMs(5000), cursor, EpochMs(3000)};
}

TEST_CASE("Store opens in WAL at latest schema", "[connector]") {
  TempDir dir;
  {
    auto store = OpenStore(dir.File("a.db"));
    CHECK(store->SchemaVersion() == Store::LatestSchemaVersion());
    CHECK(store->Ping().ok());
  }
  SQLite::Database raw(dir.File("a.db"));
  CHECK(raw.execAndGet("PRAGMA journal_mode").getString() == "wal");

  // Reopening applies nothing twice.
  auto again = OpenStore(dir.File("a.db"));
  CHECK(again->SchemaVersion() == Store::LatestSchemaVersion());
}

TEST_CASE("Store rejects newer schema", "[connector]") {
  TempDir dir;
  OpenStore(dir.File("a.db"));
  {
    SQLite::Database raw(dir.File("a.db"), SQLite::OPEN_READWRITE);
    raw.exec("INSERT INTO schema_versions VALUES (999, 0)");
  }
  Result<std::unique_ptr<Store>> store = Store::Open(StoreOptions{dir.File("a.db")});
  REQUIRE_FALSE(store.ok());
  CHECK(store.error().code == ErrorCode::kFailedPrecondition);
  CHECK(store.error().message.find("999") != std::string::npos);
}

TEST_CASE("Store open fails in missing directory", "[connector]") {
  Result<std::unique_ptr<Store>> store = Store::Open(StoreOptions{"/nonexistent-dir/x/a.db"});
  REQUIRE_FALSE(store.ok());
  CHECK(store.error().code == ErrorCode::kUnavailable);
  CHECK(store.error().message.find("/nonexistent-dir/x/a.db") != std::string::npos);
  CHECK_FALSE(Store::Open(StoreOptions{""}).ok());
}

TEST_CASE("Upsert keeps every log version", "[connector]") {
  TempDir dir;
  auto store = OpenStore(dir.File("a.db"));

  CHECK(*store->UpsertLogVersion(MakeLog("r1", "v1"), EpochMs(10)) == UpsertOutcome::kInserted);
  CHECK(*store->UpsertLogVersion(MakeLog("r1", "v1"), EpochMs(11)) == UpsertOutcome::kUnchanged);
  CHECK(*store->UpsertLogVersion(MakeLog("r1", "v2", 2500), EpochMs(12)) ==
        UpsertOutcome::kChanged);
  // An older copy than the stored one does not roll the log back.
  CHECK(*store->UpsertLogVersion(MakeLog("r1", "v1", 2000), EpochMs(13)) ==
        UpsertOutcome::kUnchanged);

  Result<std::vector<StoredLog>> history = store->GetLogHistory("r1");
  REQUIRE(history.ok());
  REQUIRE(history->size() == 2);
  CHECK((*history)[0].version == 1);
  CHECK((*history)[0].raw.raw_json.find("v1") != std::string::npos);
  CHECK((*history)[1].version == 2);
  CHECK((*history)[1].received_at == EpochMs(12));

  Result<std::optional<StoredLog>> latest = store->GetLatestLog("r1");
  REQUIRE(latest.ok());
  REQUIRE(latest->has_value());
  CHECK((*latest)->version == 2);
  CHECK((*latest)->raw.modified_time == EpochMs(2500));
  CHECK((*latest)->status == "active");
  CHECK_FALSE(store->GetLatestLog("missing")->has_value());
}

TEST_CASE("Raw JSON is stored byte for byte", "[connector]") {
  TempDir dir;
  auto store = OpenStore(dir.File("a.db"));
  RawLog log = MakeLog("r1", "x");
  log.raw_json = "{ \"report_id\" : \"r1\",\n \"value\":\"拜访3家客户 \\u0000\" }";
  REQUIRE(store->UpsertLogVersion(log, EpochMs(1)).ok());
  CHECK((*store->GetLatestLog("r1"))->raw.raw_json == log.raw_json);
}

TEST_CASE("CommitPage is all or nothing", "[connector]") {
  TempDir dir;
  auto store = OpenStore(dir.File("a.db"));

  Result<std::vector<UpsertOutcome>> page =
      store->CommitPage({MakeLog("r1", "a"), MakeLog("r2", "b")}, MakeCheckpoint(7), EpochMs(1));
  REQUIRE(page.ok());
  CHECK(page->size() == 2);
  CHECK((*store->GetCheckpoint("日报", "create"))->cursor == 7);

  // The second log is invalid, so neither r3 nor the new cursor may land.
  RawLog bad = MakeLog("", "c");
  Result<std::vector<UpsertOutcome>> failed =
      store->CommitPage({MakeLog("r3", "c"), bad}, MakeCheckpoint(9), EpochMs(2));
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.error().code == ErrorCode::kInvalidArgument);
  CHECK_FALSE(store->GetLatestLog("r3")->has_value());
  CHECK((*store->GetCheckpoint("日报", "create"))->cursor == 7);
}

TEST_CASE("Analysis flags filter listed logs", "[connector]") {
  TempDir dir;
  auto store = OpenStore(dir.File("a.db"));
  REQUIRE(store->UpsertLogVersion(MakeLog("r1", "a"), EpochMs(1)).ok());
  RawLog other = MakeLog("r2", "b");
  other.creator_id = "u2";
  other.create_time = EpochMs(1500);
  REQUIRE(store->UpsertLogVersion(other, EpochMs(1)).ok());

  LogAnalysis analysis{
      "r1",
      1,
      R"({"visits":3})",
      {ExtractedValue{"今日完成工作", "visits", "3", "家", 2, 5, "visits"}},
      {FlagRecord{"missing_field", "warning", "明日计划", "明日计划 is empty", 0, 0}}};
  REQUIRE(store->SaveAnalysis(analysis).ok());
  CHECK(store->SaveAnalysis(LogAnalysis{"r1", 5, "{}", {}, {}}).error().code ==
        ErrorCode::kNotFound);

  std::vector<FlagRecord> flags = *store->ListFlags("r1", 1);
  REQUIRE(flags.size() == 1);
  CHECK(flags[0].kind == "missing_field");
  std::vector<ExtractedValue> values = *store->ListValues("r1", 1);
  REQUIRE(values.size() == 1);
  CHECK(values[0].span_end == 5);
  CHECK((*store->GetLatestLog("r1"))->normalized_json == R"({"visits":3})");

  std::vector<StoredLog> all = *store->ListLogs(LogFilter{});
  REQUIRE(all.size() == 2);
  CHECK(all[0].raw.report_id == "r2");  // newest create_time first

  LogFilter flagged;
  flagged.flagged_only = true;
  std::vector<StoredLog> only_flagged = *store->ListLogs(flagged);
  REQUIRE(only_flagged.size() == 1);
  CHECK(only_flagged[0].raw.report_id == "r1");
  CHECK(only_flagged[0].flag_count == 1);

  LogFilter by_person;
  by_person.creator_id = "u2";
  CHECK(store->ListLogs(by_person)->size() == 1);
  LogFilter by_time;
  by_time.created_from = EpochMs(1200);
  by_time.created_to = EpochMs(2000);
  REQUIRE(store->ListLogs(by_time)->size() == 1);
  CHECK(store->ListLogs(by_time)->front().raw.report_id == "r2");

  // Saving again replaces, not appends.
  REQUIRE(store->SaveAnalysis(LogAnalysis{"r1", 1, "{}", {}, {}}).ok());
  CHECK(store->ListFlags("r1", 1)->empty());
  CHECK(store->ListLogs(flagged)->empty());
}

TEST_CASE("Approval transition happens once", "[connector]") {
  TempDir dir;
  auto store = OpenStore(dir.File("a.db"));
  Approval approval;
  approval.report_id = "r1";
  approval.report_version = 1;
  approval.author_id = "u1";
  approval.manager_id = "m1";
  approval.rule = "flagged";
  approval.out_track_id = "approval-r1-1";
  approval.created_at = EpochMs(100);
  approval.deadline = EpochMs(1000);
  Result<int64_t> id = store->CreateApproval(approval);
  REQUIRE(id.ok());
  CHECK(store->CreateApproval(approval).error().code == ErrorCode::kAlreadyExists);

  ApprovalTransition reject{*id,
                            ApprovalStatus::kPending,
                            ApprovalStatus::kRejected,
                            "金额与合同不符",
                            "m1",
                            EpochMs(500),
                            "",
                            std::nullopt};
  REQUIRE(store->TransitionApproval(reject).ok());
  Status second = store->TransitionApproval(reject);
  REQUIRE_FALSE(second.ok());
  CHECK(second.error().code == ErrorCode::kFailedPrecondition);
  CHECK(store->TransitionApproval(ApprovalTransition{*id + 10}).error().code ==
        ErrorCode::kNotFound);

  Approval stored = **store->GetApprovalByOutTrackId("approval-r1-1");
  CHECK(stored.status == ApprovalStatus::kRejected);
  CHECK(stored.reason == "金额与合同不符");
  CHECK(stored.decided_by == "m1");
  CHECK(stored.decided_at == EpochMs(500));
}

TEST_CASE("Approval escalation changes manager", "[connector]") {
  TempDir dir;
  auto store = OpenStore(dir.File("a.db"));
  Approval approval;
  approval.report_id = "r1";
  approval.manager_id = "m1";
  approval.out_track_id = "t1";
  approval.deadline = EpochMs(1000);
  int64_t id = *store->CreateApproval(approval);

  ApprovalFilter overdue;
  overdue.status = ApprovalStatus::kPending;
  overdue.deadline_before = EpochMs(1001);
  REQUIRE(store->ListApprovals(overdue)->size() == 1);
  overdue.deadline_before = EpochMs(1000);
  CHECK(store->ListApprovals(overdue)->empty());

  REQUIRE(store
              ->TransitionApproval(ApprovalTransition{id, ApprovalStatus::kPending,
                                                      ApprovalStatus::kEscalated, "no answer",
                                                      "system", EpochMs(1001), "m2", EpochMs(5000)})
              .ok());
  Approval escalated = **store->GetApproval(id);
  CHECK(escalated.status == ApprovalStatus::kEscalated);
  CHECK(escalated.manager_id == "m2");
  CHECK(escalated.deadline == EpochMs(5000));
}

TEST_CASE("Scores are replaced per period", "[connector]") {
  TempDir dir;
  auto store = OpenStore(dir.File("a.db"));
  REQUIRE(store
              ->ReplaceScores("2026-W07", {ScoreRecord{"u1", "2026-W07", "80.5", "{}", "[]"},
                                           ScoreRecord{"u2", "2026-W07", "70", "{}", "[]"}})
              .ok());
  REQUIRE(store->ReplaceScores("2026-W08", {ScoreRecord{"u1", "2026-W08", "90", "{}", "[]"}}).ok());
  REQUIRE(
      store->ReplaceScores("2026-W07", {ScoreRecord{"u1", "2026-W07", "81", "{}", "[1]"}}).ok());

  std::vector<ScoreRecord> week7 = *store->ListScores("2026-W07");
  REQUIRE(week7.size() == 1);
  CHECK(week7[0].total == "81");
  CHECK(week7[0].evidence_json == "[1]");
  CHECK((*store->GetScore("u1", "2026-W08"))->total == "90");

  Status mixed = store->ReplaceScores("2026-W07", {ScoreRecord{"u1", "2026-W09", "1", "{}", "[]"}});
  REQUIRE_FALSE(mixed.ok());
  CHECK(mixed.error().code == ErrorCode::kInvalidArgument);
  CHECK(store->ListScores("2026-W07")->size() == 1);
}

TEST_CASE("Outbox rows claim once and count", "[connector]") {
  TempDir dir;
  auto store = OpenStore(dir.File("a.db"));
  OutboxMessage message;
  message.idempotency_key = "k1";
  message.recipient = "u1";
  message.payload_json = "{}";
  message.created_at = EpochMs(10);
  message.next_attempt_at = EpochMs(100);
  EnqueueOutcome first = *store->EnqueueMessage(message);
  CHECK(first.inserted);
  EnqueueOutcome again = *store->EnqueueMessage(message);
  CHECK_FALSE(again.inserted);
  CHECK(again.id == first.id);

  CHECK(store->ListDueMessages(EpochMs(99), 10)->empty());
  REQUIRE(store->ListDueMessages(EpochMs(100), 10)->size() == 1);
  CHECK(*store->ClaimMessage(first.id, EpochMs(100)));
  CHECK_FALSE(*store->ClaimMessage(first.id, EpochMs(101)));
  CHECK(store->ListSendingMessages()->size() == 1);
  CHECK(*store->CountMessagesClaimedSince("u1", EpochMs(100)) == 1);
  CHECK(*store->CountMessagesClaimedSince("u1", EpochMs(101)) == 0);
  CHECK(*store->CountAllMessagesClaimedSince(EpochMs(0)) == 1);

  REQUIRE(store->MarkMessageFailed(first.id, "unavailable: timeout", EpochMs(200)).ok());
  OutboxMessage retried = **store->GetMessage(first.id);
  CHECK(retried.status == MessageStatus::kPending);
  CHECK(retried.attempts == 1);
  CHECK(retried.next_attempt_at == EpochMs(200));
  CHECK(retried.last_error == "unavailable: timeout");
  CHECK(*store->CountMessages(MessageStatus::kPending) == 1);

  REQUIRE(store->ClaimMessage(first.id, EpochMs(200)).ok());
  REQUIRE(store->MarkMessageSent(first.id, EpochMs(201), "task-9").ok());
  OutboxMessage sent = **store->GetMessage(first.id);
  CHECK(sent.status == MessageStatus::kSent);
  CHECK(sent.attempts == 2);
  CHECK(sent.platform_ref == "task-9");
  CHECK(sent.sent_at == EpochMs(201));
  CHECK(store->DeferMessage(first.id, EpochMs(999)).error().code == ErrorCode::kFailedPrecondition);
}

TEST_CASE("Sent messages count by purpose", "[connector]") {
  TempDir dir;
  auto store = OpenStore(dir.File("a.db"));
  auto enqueue = [&](std::string key, bool send) {
    OutboxMessage message;
    message.idempotency_key = std::move(key);
    message.recipient = "u1";
    message.payload_json = "{}";
    message.created_at = EpochMs(10);
    message.next_attempt_at = EpochMs(10);
    int64_t id = store->EnqueueMessage(message)->id;
    if (send) {
      REQUIRE(*store->ClaimMessage(id, EpochMs(20)));
      REQUIRE(store->MarkMessageSent(id, EpochMs(21), "ref").ok());
    }
  };
  enqueue("reminder/日报/u1/2026-02-14", true);
  enqueue("reminder/日报/u2/2026-02-14", true);
  enqueue("scorecard/2026-W07/u1", true);
  enqueue("scorecard/2026-W07/u2", false);  // still pending, so not counted
  enqueue("plain-key", true);
  std::map<std::string, int64_t> counts = *store->CountSentMessagesByPurpose();
  CHECK(counts.size() == 3);
  CHECK(counts["reminder"] == 2);
  CHECK(counts["scorecard"] == 1);
  CHECK(counts["plain-key"] == 1);
}

TEST_CASE("Sent message times by key prefix", "[connector]") {
  TempDir dir;
  auto store = OpenStore(dir.File("a.db"));
  auto enqueue = [&](std::string key, int64_t created, bool send) {
    OutboxMessage message;
    message.idempotency_key = std::move(key);
    message.recipient = "u1";
    message.payload_json = "{}";
    message.created_at = EpochMs(created);
    message.next_attempt_at = EpochMs(created);
    int64_t id = store->EnqueueMessage(message)->id;
    if (send) {
      REQUIRE(*store->ClaimMessage(id, EpochMs(created + 1)));
      REQUIRE(store->MarkMessageSent(id, EpochMs(created + 2), "ref").ok());
    }
  };
  enqueue("feedback/r2/v1", 30, true);
  enqueue("feedback/r1/v1", 10, true);
  enqueue("feedback/r3/v1", 40, false);  // still pending, so not listed
  enqueue("feedbackx/r4/v1", 50, true);  // another purpose that shares the first letters
  enqueue("reminder/日报/u1/2026-02-14", 60, true);
  enqueue("feedback%/r5/v1", 70, true);  // '%' in a key is not a wildcard

  auto times = store->ListSentMessageTimes("feedback/", EpochMs(0));
  REQUIRE(times.ok());
  REQUIRE(times->size() == 2);
  CHECK((*times)[0].idempotency_key == "feedback/r1/v1");
  CHECK((*times)[0].created_at == EpochMs(10));
  CHECK((*times)[0].sent_at == EpochMs(12));
  CHECK((*times)[1].idempotency_key == "feedback/r2/v1");
  CHECK((*times)[1].created_at == EpochMs(30));
  // Messages created before `since` are left out.
  auto recent = store->ListSentMessageTimes("feedback/", EpochMs(20));
  REQUIRE(recent.ok());
  REQUIRE(recent->size() == 1);
  CHECK((*recent)[0].idempotency_key == "feedback/r2/v1");
  REQUIRE(store->ListSentMessageTimes("feedback%", EpochMs(0)).ok());
  CHECK(store->ListSentMessageTimes("feedback%", EpochMs(0))->size() == 1);
  CHECK(store->ListSentMessageTimes("nothing/", EpochMs(0))->empty());
}

TEST_CASE("Roster, leaves, calls, state, audit round trip", "[connector]") {
  TempDir dir;
  auto store = OpenStore(dir.File("a.db"));
  REQUIRE(store
              ->ReplaceRoster({Person{"u1", "张三", "销售", {2, 3}, "m1", true}},
                              {Department{2, "销售部", 1, {"m1", "m2"}}})
              .ok());
  Person person = **store->GetPerson("u1");
  CHECK(person.name == "张三");
  CHECK(person.dept_ids == std::vector<int64_t>{2, 3});
  CHECK(store->ListDepartments()->front().manager_ids == std::vector<std::string>{"m1", "m2"});
  REQUIRE(store->ReplaceRoster({Person{"u2", "李四", "", {}, "", false}}, {}).ok());
  REQUIRE(store->ListPeople()->size() == 1);
  CHECK_FALSE(store->ListPeople()->front().active);
  CHECK(store->ListDepartments()->empty());

  Date first{std::chrono::year(2026), std::chrono::month(3), std::chrono::day(9)};
  Date last{std::chrono::year(2026), std::chrono::month(3), std::chrono::day(11)};
  REQUIRE(store->ReplaceLeaves({LeaveRange{"u2", first, last}}).ok());
  std::vector<LeaveRange> leaves = *store->ListLeaves();
  REQUIRE(leaves.size() == 1);
  CHECK(leaves[0].last == last);

  REQUIRE(store->AddApiCalls("2026-02", "report", 3).ok());
  REQUIRE(store->AddApiCalls("2026-02", "report", 2).ok());
  REQUIRE(store->AddApiCalls("2026-02", "message", 4).ok());
  REQUIRE(store->AddApiCalls("2026-03", "report", 100).ok());
  CHECK(*store->ApiCallsInMonth("2026-02") == 9);
  CHECK(*store->ApiCallsInMonth("2026-02", "report") == 5);
  CHECK(*store->ApiCallsInMonth("2026-01") == 0);

  CHECK_FALSE(store->GetState("sync.last_ok_ms")->has_value());
  REQUIRE(store->SetState("sync.last_ok_ms", "42").ok());
  CHECK(**store->GetState("sync.last_ok_ms") == "42");

  REQUIRE(store->AppendAudit(AuditEntry{0, EpochMs(1), "admin", "roster.replace", "", "{}"}).ok());
  REQUIRE(store->AppendAudit(AuditEntry{0, EpochMs(2), "m1", "approval.reject", "r1", "{}"}).ok());
  std::vector<AuditEntry> audit = *store->ListAudit(10);
  REQUIRE(audit.size() == 2);
  CHECK(audit[0].action == "approval.reject");
}

TEST_CASE("Store serializes writes from threads", "[connector]") {
  TempDir dir;
  auto store = OpenStore(dir.File("a.db"));
  // Catch2 assertions are not thread-safe, so the threads count failures instead.
  std::atomic<int> failures{0};
  auto write = [&](int thread) {
    for (int i = 0; i < 50; ++i) {
      std::string id = "t" + std::to_string(thread) + "-" + std::to_string(i);
      failures += store->UpsertLogVersion(MakeLog(id, "x"), EpochMs(i)).ok() ? 0 : 1;
      failures += store->AddApiCalls("2026-02", "report", 1).ok() ? 0 : 1;
    }
  };
  std::thread a(write, 0);
  std::thread b(write, 1);
  a.join();
  b.join();
  CHECK(failures == 0);
  CHECK(*store->ApiCallsInMonth("2026-02") == 100);
  CHECK(store->ListLogs(LogFilter{})->size() == 100);
}

}  // namespace
}  // namespace logbridge::connector
