// Tests of the poller against the sandbox: checkpoints saved with each page, a failing change
// handler that leaves the page committed, backfill of logs older than the first poll with no
// feedback about them, and a future backfill start rejected before any call.

#include <catch2/catch.hpp>

#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <string>

#include "connector/demo.h"
#include "connector/log_feedback.h"
#include "connector/service.h"
#include "connector/sync.h"
#include "dingtalk/sandbox/sandbox.h"

namespace logbridge::connector {
namespace {

class SyncFixture {
 public:
  SyncFixture() {
    std::random_device seed;
    dir_ = (std::filesystem::temp_directory_path() /
            ("logbridge-sync-test-" + std::to_string(seed())))
               .string();
    DemoEnvironmentOptions options;
    options.people = 20;
    options.months = 1;
    options.seed = 11;
    options.data_dir = dir_;
    options.holidays_dir = std::string(LOGBRIDGE_SOURCE_DIR) + "/config/holidays";
    options.start_admin_api = false;
    Result<std::unique_ptr<DemoEnvironment>> environment = DemoEnvironment::Create(options);
    REQUIRE(environment.ok());
    environment_ = std::move(*environment);
    REQUIRE(environment_->StartService().ok());
  }
  ~SyncFixture() {
    environment_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  size_t StoredLogs() {
    LogFilter filter;
    filter.limit = 1000000;
    Result<std::vector<StoredLog>> logs = environment_->service().store().ListLogs(filter);
    REQUIRE(logs.ok());
    return logs->size();
  }

  std::string dir_;
  std::unique_ptr<DemoEnvironment> environment_;
};

TEST_CASE_METHOD(SyncFixture, "page commit saves the checkpoint", "[service]") {
  environment_->clock().Set(environment_->start() + std::chrono::days(6));
  Poller& poller = environment_->service().poller();
  poller.SetChangeHandler([&](const std::vector<StoredChange>&) {
    poller.RequestStop();
    return OkStatus();
  });
  Result<SyncRunReport> report = poller.PollOnce();
  REQUIRE(report.ok());
  CHECK(report->interrupted);
  REQUIRE(report->pages == 1);
  REQUIRE(report->inserted == 20);  // a full page, so more follow

  Result<std::optional<SyncCheckpoint>> checkpoint =
      environment_->service().store().GetCheckpoint("销售日报", "poll");
  REQUIRE(checkpoint.ok());
  REQUIRE(checkpoint->has_value());
  CHECK((*checkpoint)->cursor > 0);  // the next page's cursor
  CHECK(StoredLogs() == static_cast<size_t>(report->inserted));
}

TEST_CASE_METHOD(SyncFixture, "handler failure keeps the page", "[service]") {
  environment_->clock().Set(environment_->start() + std::chrono::days(6));
  Poller& poller = environment_->service().poller();
  int calls = 0;
  poller.SetChangeHandler([&](const std::vector<StoredChange>&) -> Status {
    if (++calls == 2) {
      return MakeError(ErrorCode::kUnavailable, "simulated failure after the second page");
    }
    return OkStatus();
  });
  Result<SyncRunReport> failed = poller.PollOnce();
  REQUIRE_FALSE(failed.ok());
  const size_t kept = StoredLogs();
  CHECK(kept > 0);

  // The next poll resumes after the committed pages; the analysis of the failed page is
  // caught up by AnalyzePending on the next start.
  Result<SyncRunReport> resumed = poller.PollOnce();
  REQUIRE(resumed.ok());
  CHECK(resumed->complete());
  CHECK(resumed->unchanged == 0);
  std::set<std::string> expected;
  for (const dingtalk::Report& report : environment_->organization().reports) {
    if (report.create_time <= environment_->clock().Now() &&
        report.modified_time <= environment_->clock().Now()) {
      expected.insert(report.report_id);
    }
  }
  CHECK(StoredLogs() == expected.size());
}

TEST_CASE_METHOD(SyncFixture, "backfill reads older logs", "[service]") {
  // The first poll reads one week back; the backfill reads from the first day.
  environment_->clock().Set(environment_->start() + std::chrono::days(20));
  Result<SyncRunReport> polled = environment_->service().PollNow();
  REQUIRE(polled.ok());
  const size_t after_poll = StoredLogs();

  Result<SyncRunReport> filled = environment_->service().Backfill(environment_->start());
  REQUIRE(filled.ok());
  CHECK(filled->complete());
  CHECK(filled->inserted > 0);
  CHECK(StoredLogs() == after_poll + static_cast<size_t>(filled->inserted));

  size_t expected = 0;
  for (const dingtalk::Report& report : environment_->organization().reports) {
    expected += report.create_time <= environment_->clock().Now() ? 1 : 0;
  }
  CHECK(StoredLogs() == expected);
}

TEST_CASE_METHOD(SyncFixture, "backfill sends no feedback on old logs", "[service]") {
  environment_->clock().Set(environment_->start() + std::chrono::days(20));
  const EpochMs now = environment_->clock().Now();
  Store& store = environment_->service().store();
  Result<SyncRunReport> filled = environment_->service().Backfill(environment_->start());
  REQUIRE(filled.ok());

  // Only the flagged logs created within the feedback window, with a flag an edit can clear,
  // got a notice. Backfill dispatches the outbox, so notices are sent or still queued.
  const std::chrono::hours window = FeedbackSettings().max_log_age;
  LogFilter flagged;
  flagged.flagged_only = true;
  flagged.limit = 1000000;
  Result<std::vector<StoredLog>> logs = store.ListLogs(flagged);
  REQUIRE(logs.ok());
  int64_t old_fixable = 0;
  int64_t recent_fixable = 0;
  for (const StoredLog& log : *logs) {
    Result<std::vector<FlagRecord>> flags = store.ListFlags(log.raw.report_id, log.version);
    REQUIRE(flags.ok());
    bool fixable = false;
    for (const FlagRecord& flag : *flags) {
      fixable = fixable || EditCanClear(flag.kind);
    }
    if (!fixable) {
      continue;
    }
    if (now - log.raw.create_time > window) {
      old_fixable += 1;
    } else {
      recent_fixable += 1;
    }
  }
  REQUIRE(old_fixable > 0);

  Result<std::map<std::string, int64_t>> sent = store.CountSentMessagesByPurpose();
  REQUIRE(sent.ok());
  int64_t notices = sent->count("feedback") == 1 ? sent->at("feedback") : 0;
  Result<std::vector<OutboxMessage>> queued =
      store.ListDueMessages(now + std::chrono::days(365), 100000);
  REQUIRE(queued.ok());
  for (const OutboxMessage& message : *queued) {
    notices += message.idempotency_key.rfind("feedback/", 0) == 0 ? 1 : 0;
  }
  CHECK(notices == recent_fixable);
}

TEST_CASE_METHOD(SyncFixture, "backfill rejects a future start", "[service]") {
  environment_->clock().Set(environment_->start() + std::chrono::days(20));
  Service& service = environment_->service();
  Result<int64_t> calls_before = service.budget().ReportCallsThisMonth();
  REQUIRE(calls_before.ok());
  Result<SyncRunReport> future =
      service.Backfill(environment_->clock().Now() + std::chrono::days(1));
  REQUIRE_FALSE(future.ok());
  CHECK(future.error().code == ErrorCode::kInvalidArgument);
  CHECK(future.error().message.find("is in the future; give a past date") != std::string::npos);
  Result<int64_t> calls_after = service.budget().ReportCallsThisMonth();
  REQUIRE(calls_after.ok());
  CHECK(*calls_after == *calls_before);

  // No checkpoint of the rejected run is left behind to fail the next backfill.
  Result<SyncRunReport> filled = service.Backfill(environment_->start());
  REQUIRE(filled.ok());
  CHECK(filled->inserted > 0);
}

}  // namespace
}  // namespace logbridge::connector
