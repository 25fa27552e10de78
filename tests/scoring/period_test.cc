// Period tests: civil-date round trips, Shanghai day boundaries, ISO weeks at year edges,
// labels and the parsers' rejections.
#include <catch2/catch.hpp>

#include "scoring/period.h"

namespace logbridge::scoring {
namespace {

TEST_CASE("civil dates round trip", "[period]") {
  for (int64_t day = -800000; day <= 800000; day += 997) {
    CHECK(DaysFromCivil(CivilFromDays(day)) == day);
  }
  CHECK(DaysFromCivil({1970, 1, 1}) == 0);
  CHECK(DaysFromCivil({2000, 3, 1}) == 11017);
  CHECK(CivilFromDays(-1) == CivilDate{1969, 12, 31});
  CHECK(CivilFromDays(DaysFromCivil({2024, 2, 29})) == CivilDate{2024, 2, 29});
}

TEST_CASE("shanghai day starts at 16:00 utc", "[period]") {
  int64_t day = DaysFromCivil({2026, 11, 3});
  // 2026-11-02T16:00:00Z is 2026-11-03 00:00 in Shanghai.
  EpochMs midnight = ShanghaiDayStart(day);
  CHECK(midnight.value == 1793635200000);
  CHECK(ShanghaiDay(midnight) == day);
  CHECK(ShanghaiDay(EpochMs(midnight.value - 1)) == day - 1);
  CHECK(ShanghaiDay(EpochMs(0)) == 0);
  CHECK(ShanghaiDay(EpochMs(-8 * 3600 * 1000 - 1)) == -1);
}

TEST_CASE("iso weekday of known dates", "[period]") {
  CHECK(IsoWeekday(0) == 4);                              // 1970-01-01 Thursday
  CHECK(IsoWeekday(DaysFromCivil({2026, 11, 2})) == 1);   // Monday
  CHECK(IsoWeekday(DaysFromCivil({2026, 11, 8})) == 7);   // Sunday
  CHECK(IsoWeekday(-1) == 3);                             // 1969-12-31 Wednesday
}

TEST_CASE("iso weeks at year edges", "[period]") {
  // 2026-01-01 is a Thursday, so it belongs to 2026-W01.
  CHECK(PeriodOfDay(PeriodKind::kWeek, DaysFromCivil({2026, 1, 1})).Label() == "2026-W01");
  // 2027-01-01 is a Friday, so it still belongs to the last week of 2026.
  CHECK(PeriodOfDay(PeriodKind::kWeek, DaysFromCivil({2027, 1, 1})).Label() == "2026-W53");
  // 2024-12-30 is a Monday in 2025-W01.
  CHECK(PeriodOfDay(PeriodKind::kWeek, DaysFromCivil({2024, 12, 30})).Label() == "2025-W01");
  CHECK(PeriodOfDay(PeriodKind::kWeek, DaysFromCivil({2026, 11, 3})).Label() == "2026-W45");
}

TEST_CASE("period labels and bounds", "[period]") {
  int64_t day = DaysFromCivil({2026, 11, 3});
  Period month = PeriodOfDay(PeriodKind::kMonth, day);
  CHECK(month.Label() == "2026-11");
  CHECK(month.first_day == DaysFromCivil({2026, 11, 1}));
  CHECK(month.end_day == DaysFromCivil({2026, 12, 1}));
  Period quarter = PeriodOfDay(PeriodKind::kQuarter, day);
  CHECK(quarter.Label() == "2026-Q4");
  CHECK(quarter.end_day == DaysFromCivil({2027, 1, 1}));
  CHECK(PeriodOfDay(PeriodKind::kDay, day).Label() == "2026-11-03");
  CHECK(PeriodOfDay(PeriodKind::kMonth, DaysFromCivil({2024, 2, 10})).end_day ==
        DaysFromCivil({2024, 3, 1}));
}

TEST_CASE("parse period forms", "[period]") {
  for (std::string_view label : {"2026-11-03", "2026-W45", "2026-11", "2026-Q4", "2026-W53",
                                 "2024-02-29", "2025-W01"}) {
    Result<Period> period = ParsePeriod(label);
    REQUIRE(period.ok());
    CHECK(period->Label() == label);
  }
  CHECK(ParsePeriod("2026-w45")->Label() == "2026-W45");
  CHECK(ParsePeriod("2026-Q4")->first_day == DaysFromCivil({2026, 10, 1}));
}

TEST_CASE("parse period rejects bad text", "[period]") {
  for (std::string_view bad : {"", "2026", "2026-13", "2026-00", "2026-W00", "2026-Q5", "2026-Q0", "2025-02-29", "2026-11-31",
                               "26-11", "2026-11-3", "2026/11", "2026-11-03x", "２０２６-11"}) {
    Result<Period> period = ParsePeriod(bad);
    CHECK_FALSE(period.ok());
    if (!period.ok()) {
      CHECK(period.error().message.find("2026-W45") != std::string::npos);
    }
  }
}

TEST_CASE("parse period names the last ISO week", "[period]") {
  Result<Period> short_year = ParsePeriod("2025-W53");
  REQUIRE_FALSE(short_year.ok());
  CHECK(short_year.error().message ==
        "invalid period \"2025-W53\": ISO year 2025 has 52 weeks; its last week is 2025-W52");
  Result<Period> long_year = ParsePeriod("2026-W54");
  REQUIRE_FALSE(long_year.ok());
  CHECK(long_year.error().message.find("ISO year 2026 has 53 weeks") != std::string::npos);
}

TEST_CASE("instant maps to shanghai period", "[period]") {
  // 2026-10-31T16:30:00Z is 2026-11-01 00:30 in Shanghai: November, not October.
  EpochMs instant(1793464200000);
  CHECK(PeriodContaining(PeriodKind::kMonth, instant).Label() == "2026-11");
  CHECK(PeriodContaining(PeriodKind::kQuarter, instant).Label() == "2026-Q4");
  CHECK(PeriodContaining(PeriodKind::kDay, instant).Label() == "2026-11-01");
}

TEST_CASE("parse day accepts common forms", "[period]") {
  int64_t expected = DaysFromCivil({2026, 11, 3});
  CHECK(*ParseDay("2026-11-03") == expected);
  CHECK(*ParseDay("2026/11/03") == expected);
  CHECK(*ParseDay("2026年11月3日") == expected);
  CHECK(*ParseDay("2026-11-3") == expected);
  CHECK_FALSE(ParseDay("2026-02-30").ok());
  CHECK_FALSE(ParseDay("2026年11月3").ok());
  CHECK_FALSE(ParseDay("明天").ok());
}

TEST_CASE("parse period kind names", "[period]") {
  CHECK(*ParsePeriodKind("week") == PeriodKind::kWeek);
  CHECK(*ParsePeriodKind("quarter") == PeriodKind::kQuarter);
  CHECK_FALSE(ParsePeriodKind("year").ok());
}

}  // namespace
}  // namespace logbridge::scoring
