// The holiday table behind IsChinaWorkday, and local-time helpers for the generator.

#include "dingtalk/sandbox/calendar.h"

#include <cstdio>

namespace logbridge::dingtalk {
namespace {

// NOTE: the 2026 National Day dates (10-01..10-07 off, Saturday 10-10 worked) follow the usual
// pattern and were not checked against the State Council notice for 2026.
constexpr CivilDate kHolidays[] = {
    {2026, 10, 1}, {2026, 10, 2}, {2026, 10, 3}, {2026, 10, 4},
    {2026, 10, 5}, {2026, 10, 6}, {2026, 10, 7},
};
constexpr CivilDate kMakeUpWorkdays[] = {{2026, 10, 10}};

}  // namespace

EpochMs ShanghaiTime(int64_t day, int32_t hour, int32_t minute, int32_t second) {
  int64_t ms_of_day = ((hour * 60LL + minute) * 60LL + second) * 1000LL;
  return EpochMs(day * kMsPerDay + ms_of_day - kShanghaiOffsetMs);
}

std::string FormatDate(CivilDate date) {
  char text[16];
  std::snprintf(text, sizeof(text), "%04d-%02d-%02d", date.year, date.month, date.day);
  return text;
}

bool IsChinaWorkday(int64_t day) {
  CivilDate date = CivilFromDays(day);
  for (CivilDate holiday : kHolidays) {
    if (holiday == date) {
      return false;
    }
  }
  for (CivilDate workday : kMakeUpWorkdays) {
    if (workday == date) {
      return true;
    }
  }
  return scoring::IsoWeekday(day) <= 5;
}

}  // namespace logbridge::dingtalk
