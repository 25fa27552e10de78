// Tests of the workday calendar: Shanghai dates, periods, holiday files and deadline rules,
// against the shipped config/holidays files.
#include "connector/calendar.h"

#include <string>

#include <catch2/catch.hpp>
#include <stdlib.h>
#include <time.h>

namespace logbridge::connector {
namespace {

using std::chrono::day;
using std::chrono::month;
using std::chrono::year;

Date D(int y, unsigned m, unsigned d) { return Date{year(y), month(m), day(d)}; }

WorkdayCalendar ShippedCalendar() {
  Result<WorkdayCalendar> calendar =
      WorkdayCalendar::LoadDirectory(std::string(LOGBRIDGE_SOURCE_DIR) + "/config/holidays");
  REQUIRE(calendar.ok());
  return std::move(calendar).value();
}

const DeadlineRule kDaily{"日报", Cadence::kDaily, 0, 20, 0};
const DeadlineRule kWeekly{"周报", Cadence::kWeekly, 5, 18, 0};

TEST_CASE("Shanghai date ignores process time zone", "[connector]") {
  // A process time zone far from Shanghai must not move any result.
  std::string previous = getenv("TZ") == nullptr ? "" : getenv("TZ");
  setenv("TZ", "America/Los_Angeles", 1);
  tzset();

  // 2026-02-13T16:30:00Z is 2026-02-14 00:30 in Shanghai.
  EpochMs instant(1771000200000);
  CHECK(FormatDate(ShanghaiDate(instant)) == "2026-02-14");
  CHECK(ShanghaiStartOfDay(D(2026, 2, 14)).value == 1770998400000);
  CHECK(ShanghaiTime(D(2026, 2, 14), 20, 0).value == 1771070400000);
  CHECK(ShanghaiMonthKey(EpochMs(1770998400000 - 1)) == "2026-02");
  CHECK(ShanghaiMonthKey(ShanghaiStartOfDay(D(2026, 3, 1))) == "2026-03");
  CHECK(ShanghaiMonthKey(ShanghaiStartOfDay(D(2026, 3, 1)) - std::chrono::milliseconds(1)) ==
        "2026-02");

  if (previous.empty()) {
    unsetenv("TZ");
  } else {
    setenv("TZ", previous.c_str(), 1);
  }
  tzset();
}

TEST_CASE("ParseDate rejects malformed dates", "[connector]") {
  CHECK(ParseDate("2026-02-14").ok());
  CHECK_FALSE(ParseDate("2026-02-30").ok());
  CHECK_FALSE(ParseDate("2026-2-14").ok());
  CHECK_FALSE(ParseDate("20260214").ok());
  Result<Date> bad = ParseDate("2026/02/14");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message.find("2026/02/14") != std::string::npos);
}

TEST_CASE("ParsePeriod covers days, ISO weeks, months", "[connector]") {
  Result<TimeRange> day_range = ParsePeriod("2026-02-14");
  REQUIRE(day_range.ok());
  CHECK(day_range->begin == ShanghaiStartOfDay(D(2026, 2, 14)));
  CHECK(day_range->end == ShanghaiStartOfDay(D(2026, 2, 15)));

  // ISO week 1 of 2026 starts on Monday 2025-12-29, because 1 January 2026 is a Thursday.
  Result<TimeRange> week = ParsePeriod("2026-W01");
  REQUIRE(week.ok());
  CHECK(week->begin == ShanghaiStartOfDay(D(2025, 12, 29)));
  CHECK(week->end == ShanghaiStartOfDay(D(2026, 1, 5)));
  CHECK(ParsePeriod("2026-W53").ok());        // 2026 has 53 ISO weeks
  CHECK_FALSE(ParsePeriod("2025-W53").ok());  // 2025 has 52
  CHECK_FALSE(ParsePeriod("2026-W00").ok());

  Result<TimeRange> month_range = ParsePeriod("2026-12");
  REQUIRE(month_range.ok());
  CHECK(month_range->begin == ShanghaiStartOfDay(D(2026, 12, 1)));
  CHECK(month_range->end == ShanghaiStartOfDay(D(2027, 1, 1)));
  CHECK_FALSE(ParsePeriod("2026-13").ok());
  CHECK_FALSE(ParsePeriod("last week").ok());
}

TEST_CASE("Shipped 2026 file classifies days", "[connector]") {
  WorkdayCalendar calendar = ShippedCalendar();
  CHECK(calendar.Covers(2026));
  CHECK(calendar.Covers(2025));
  CHECK_FALSE(calendar.Covers(2031));

  CHECK(calendar.Classify(D(2026, 2, 14)) == DayKind::kMakeupWorkday);  // Saturday
  CHECK(calendar.Classify(D(2026, 2, 17)) == DayKind::kHoliday);        // 春节, a Tuesday
  CHECK(calendar.Classify(D(2026, 2, 13)) == DayKind::kWorkday);        // Friday
  CHECK(calendar.Classify(D(2026, 3, 7)) == DayKind::kWeekend);         // Saturday
  CHECK(calendar.Classify(D(2026, 1, 4)) == DayKind::kMakeupWorkday);   // Sunday
  CHECK(calendar.IsWorkday(D(2026, 2, 28)));
  CHECK_FALSE(calendar.IsWorkday(D(2026, 10, 5)));
}

TEST_CASE("Daily reminder due on makeup Saturday", "[connector]") {
  WorkdayCalendar calendar = ShippedCalendar();
  std::optional<EpochMs> deadline = calendar.DeadlineOn(kDaily, D(2026, 2, 14));
  REQUIRE(deadline.has_value());
  CHECK(*deadline == ShanghaiTime(D(2026, 2, 14), 20, 0));
}

TEST_CASE("No daily deadline on holiday or weekend", "[connector]") {
  WorkdayCalendar calendar = ShippedCalendar();
  CHECK_FALSE(calendar.DeadlineOn(kDaily, D(2026, 2, 16)).has_value());  // 春节 Monday
  CHECK_FALSE(calendar.DeadlineOn(kDaily, D(2026, 10, 1)).has_value());  // 国庆节 Thursday
  CHECK_FALSE(calendar.DeadlineOn(kDaily, D(2026, 3, 8)).has_value());   // plain Sunday
}

TEST_CASE("Weekly deadline moves before holiday Friday", "[connector]") {
  WorkdayCalendar calendar = ShippedCalendar();
  // A plain week: Friday 2026-03-13 at 18:00.
  CHECK(calendar.DeadlineOn(kWeekly, D(2026, 3, 13)) == ShanghaiTime(D(2026, 3, 13), 18, 0));
  CHECK_FALSE(calendar.DeadlineOn(kWeekly, D(2026, 3, 12)).has_value());

  // Friday 2026-06-19 is 端午节, so the deadline moves to Thursday 2026-06-18.
  CHECK_FALSE(calendar.DeadlineOn(kWeekly, D(2026, 6, 19)).has_value());
  CHECK(calendar.DeadlineOn(kWeekly, D(2026, 6, 18)) == ShanghaiTime(D(2026, 6, 18), 18, 0));

  // The week of 2026-02-16 is all 春节 from Monday to Friday: no weekly deadline at all.
  std::vector<EpochMs> holiday_week = calendar.DeadlinesBetween(
      kWeekly, ShanghaiStartOfDay(D(2026, 2, 16)), ShanghaiStartOfDay(D(2026, 2, 23)));
  CHECK(holiday_week.empty());
}

TEST_CASE("DeadlinesBetween lists daily deadlines in order", "[connector]") {
  WorkdayCalendar calendar = ShippedCalendar();
  // 2026-02-12 (Thu) .. 2026-02-16 (Mon): Thu, Fri and the make-up Saturday; Sun, Mon are off.
  std::vector<EpochMs> deadlines = calendar.DeadlinesBetween(
      kDaily, ShanghaiStartOfDay(D(2026, 2, 12)), ShanghaiStartOfDay(D(2026, 2, 17)));
  REQUIRE(deadlines.size() == 3);
  CHECK(deadlines[0] == ShanghaiTime(D(2026, 2, 12), 20, 0));
  CHECK(deadlines[1] == ShanghaiTime(D(2026, 2, 13), 20, 0));
  CHECK(deadlines[2] == ShanghaiTime(D(2026, 2, 14), 20, 0));
}

TEST_CASE("Leave excuses a person on workdays", "[connector]") {
  WorkdayCalendar calendar = ShippedCalendar();
  calendar.SetLeaves({LeaveRange{"u1", D(2026, 3, 9), D(2026, 3, 11)}});
  CHECK(calendar.IsOnLeave("u1", D(2026, 3, 9)));
  CHECK(calendar.IsOnLeave("u1", D(2026, 3, 11)));
  CHECK_FALSE(calendar.IsOnLeave("u1", D(2026, 3, 12)));
  CHECK_FALSE(calendar.IsWorkdayFor("u1", D(2026, 3, 10)));
  CHECK(calendar.IsWorkdayFor("u2", D(2026, 3, 10)));
}

TEST_CASE("Holiday file errors name file and key", "[connector]") {
  Result<HolidayYear> no_year = ParseHolidayYear("[[holiday]]\nname = \"x\"\n", "2030.toml");
  REQUIRE_FALSE(no_year.ok());
  CHECK(no_year.error().message.find("2030.toml: year") != std::string::npos);

  Result<HolidayYear> bad_date = ParseHolidayYear(
      "year = 2030\n[[holiday]]\nname = \"春节\"\nstart = \"2030-02-01\"\nend = 2030-02-03\n",
      "2030.toml");
  REQUIRE_FALSE(bad_date.ok());
  CHECK(bad_date.error().message.find("2030.toml:4: holiday.start") != std::string::npos);

  Result<HolidayYear> both = ParseHolidayYear(
      "year = 2030\n[[holiday]]\nname = \"春节\"\nstart = 2030-02-01\nend = 2030-02-03\n"
      "makeup_workdays = [2030-02-02]\n",
      "2030.toml");
  REQUIRE_FALSE(both.ok());
  CHECK(both.error().message.find("2030-02-02") != std::string::npos);

  Result<HolidayYear> syntax = ParseHolidayYear("year = = 2030\n", "2030.toml");
  REQUIRE_FALSE(syntax.ok());
  CHECK(syntax.error().message.find("2030.toml:1:") != std::string::npos);
}

TEST_CASE("Year without file falls back to weekdays", "[connector]") {
  WorkdayCalendar calendar;
  CHECK(calendar.IsWorkday(D(2031, 1, 1)));        // a Wednesday; 元旦 is unknown without a file
  CHECK_FALSE(calendar.IsWorkday(D(2031, 1, 4)));  // Saturday
  CHECK(calendar.AddYear(HolidayYear{2031, "", {}, {}}).ok());
  CHECK(calendar.AddYear(HolidayYear{2031, "", {}, {}}).error().code == ErrorCode::kAlreadyExists);
}

}  // namespace
}  // namespace logbridge::connector
