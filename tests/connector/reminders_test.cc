// Tests of the reminders: deadlines on the workday calendar (holidays and 调休 make-up
// workdays from config/holidays), the poll that must come first, leave, and manager digests.

#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <vector>

#include "connector/calendar.h"
#include "connector/outbox.h"
#include "connector/reminders.h"
#include "connector/store.h"
#include "tests/connector/outbox_test_support.h"

namespace logbridge::connector {
namespace {

using testing::Day;
using testing::OpenMemoryStore;
using testing::QueuedWithPrefix;
using testing::UnusedSender;

class RemindersFixture {
 public:
  RemindersFixture() : clock_(ShanghaiTime(Day(2026, 2, 10), 9, 0)) {
    store_ = OpenMemoryStore();
    Result<WorkdayCalendar> calendar =
        WorkdayCalendar::LoadDirectory(std::string(LOGBRIDGE_SOURCE_DIR) + "/config/holidays");
    REQUIRE(calendar.ok());
    calendar_ = std::move(*calendar);
    calendar_.SetLeaves({LeaveRange{"onleave", Day(2026, 2, 1), Day(2026, 3, 31)}});
    outbox_ = std::make_unique<Outbox>(*store_, sender_, clock_);

    std::vector<Person> people = {
        Person{"u1", "张三", "销售代表", {2}, "m1", true},
        Person{"onleave", "李四", "销售代表", {2}, "m1", true},
        Person{"m1", "王经理", "销售经理", {2}, "", true},
    };
    REQUIRE(store_->ReplaceRoster(people, {}).ok());

    RemindersOptions options;
    options.settings.deadlines = {DeadlineRule{"日报", Cadence::kDaily, 5, 20, 0}};
    options.settings.grace = std::chrono::minutes(30);
    options.settings.manager_digest_after_misses = 3;
    reminders_ = std::make_unique<Reminders>(*store_, *outbox_, calendar_, clock_, options);
  }

  // Stores a 日报 of `userid` created at `at`.
  void WriteLog(const std::string& userid, EpochMs at) {
    const std::string id = "r-" + userid + "-" + std::to_string(at.value);
    REQUIRE(store_->UpsertLogVersion(RawLog{id, "{}", "日报", userid, at, at}, at).ok());
  }

  std::vector<OutboxMessage> Queued(const std::string& prefix) {
    return QueuedWithPrefix(*store_, clock_.Now(), prefix);
  }

  ReminderReport RunAt(Date date, int hour, int minute) {
    clock_.Set(ShanghaiTime(date, hour, minute));
    Result<ReminderReport> report = reminders_->RunDue(clock_.Now());
    REQUIRE(report.ok());
    return *report;
  }

  ManualClock clock_;
  UnusedSender sender_;
  std::unique_ptr<Store> store_;
  WorkdayCalendar calendar_;
  std::unique_ptr<Outbox> outbox_;
  std::unique_ptr<Reminders> reminders_;
};

TEST_CASE_METHOD(RemindersFixture, "reminder on a makeup Saturday", "[service]") {
  // 2026-02-14 is a Saturday declared a workday (调休) before the Spring Festival.
  WriteLog("u1", ShanghaiTime(Day(2026, 2, 13), 18, 0));
  WriteLog("onleave", ShanghaiTime(Day(2026, 1, 30), 18, 0));
  ReminderReport report = RunAt(Day(2026, 2, 14), 20, 31);
  CHECK(report.deadlines == 1);
  CHECK(report.reminders == 1);
  std::vector<OutboxMessage> queued = Queued("reminder/");
  REQUIRE(queued.size() == 1);
  CHECK(queued[0].recipient == "u1");
  CHECK(queued[0].idempotency_key == "reminder/日报/u1/2026-02-14");
  CHECK(queued[0].payload_json.find("2026-02-14") != std::string::npos);
}

TEST_CASE_METHOD(RemindersFixture, "no reminder on a holiday", "[service]") {
  // 2026-02-16 is a Monday inside the Spring Festival holiday.
  WriteLog("u1", ShanghaiTime(Day(2026, 2, 13), 18, 0));
  ReminderReport report = RunAt(Day(2026, 2, 16), 21, 0);
  CHECK(report.deadlines == 0);
  CHECK(report.reminders == 0);
  CHECK(Queued("reminder/").empty());
}

TEST_CASE_METHOD(RemindersFixture, "log in grace period prevents reminder", "[service]") {
  WriteLog("u1", ShanghaiTime(Day(2026, 2, 12), 18, 0));
  WriteLog("u1", ShanghaiTime(Day(2026, 2, 13), 20, 20));  // late, but inside the grace
  ReminderReport report = RunAt(Day(2026, 2, 13), 20, 45);
  CHECK(report.deadlines == 1);
  CHECK(report.reminders == 0);
}

TEST_CASE_METHOD(RemindersFixture, "reminders wait for a later poll", "[service]") {
  WriteLog("u1", ShanghaiTime(Day(2026, 2, 12), 18, 0));
  clock_.Set(ShanghaiTime(Day(2026, 2, 13), 20, 40));
  // The last poll finished before the grace period ended at 20:30.
  Result<ReminderReport> report = reminders_->RunDue(ShanghaiTime(Day(2026, 2, 13), 20, 10));
  REQUIRE(report.ok());
  CHECK(report->needs_poll);
  CHECK(report->reminders == 0);
  CHECK(report->deadlines == 0);

  Result<ReminderReport> after_poll = reminders_->RunDue(clock_.Now());
  REQUIRE(after_poll.ok());
  CHECK_FALSE(after_poll->needs_poll);
  CHECK(after_poll->reminders == 1);
}

TEST_CASE_METHOD(RemindersFixture, "digest after three misses", "[service]") {
  WriteLog("u1", ShanghaiTime(Day(2026, 2, 27), 18, 0));
  CHECK(RunAt(Day(2026, 3, 2), 20, 31).digests == 0);
  CHECK(RunAt(Day(2026, 3, 3), 20, 31).digests == 0);
  ReminderReport third = RunAt(Day(2026, 3, 4), 20, 31);
  CHECK(third.reminders == 1);
  CHECK(third.digests == 1);
  std::vector<OutboxMessage> digests = Queued("digest/");
  REQUIRE(digests.size() == 1);
  CHECK(digests[0].recipient == "m1");
  CHECK(digests[0].payload_json.find("张三") != std::string::npos);
  CHECK(Queued("reminder/").size() == 3);

  // A log resets the count: the next miss is the first again.
  WriteLog("u1", ShanghaiTime(Day(2026, 3, 5), 18, 0));
  CHECK(RunAt(Day(2026, 3, 5), 20, 31).reminders == 0);
  ReminderReport after_reset = RunAt(Day(2026, 3, 6), 20, 31);
  CHECK(after_reset.reminders == 1);
  CHECK(after_reset.digests == 0);
}

TEST_CASE_METHOD(RemindersFixture, "no reminder while on leave", "[service]") {
  WriteLog("onleave", ShanghaiTime(Day(2026, 2, 12), 18, 0));
  ReminderReport report = RunAt(Day(2026, 2, 13), 20, 31);
  CHECK(report.deadlines == 1);
  CHECK(report.reminders == 0);
}

TEST_CASE_METHOD(RemindersFixture, "next due follows the grace period", "[service]") {
  RunAt(Day(2026, 2, 13), 12, 0);  // processes the deadline of 2026-02-12
  Result<std::optional<EpochMs>> next = reminders_->NextDue();
  REQUIRE(next.ok());
  REQUIRE(next->has_value());
  CHECK(**next == ShanghaiTime(Day(2026, 2, 13), 20, 30));
}

}  // namespace
}  // namespace logbridge::connector
