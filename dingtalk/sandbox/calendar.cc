// The holiday table behind IsChinaWorkday, and local-time helpers for the generator.

#include "dingtalk/sandbox/calendar.h"

#include <cstdio>

namespace logbridge::dingtalk {
namespace {

// The days around the demo's weeks (September and October 2026), kept equal to
// config/holidays/2026.toml so that the connector's reminders and the simulated writers agree.
// NOTE: those dates come from that file, and only its Spring Festival dates were checked against
// the State Council notice.
constexpr CivilDate kHolidays[] = {
    {2026, 9, 25}, {2026, 9, 26}, {2026, 9, 27},                               // 中秋节
    {2026, 10, 1}, {2026, 10, 2}, {2026, 10, 3}, {2026, 10, 4},                 // 国庆节
    {2026, 10, 5}, {2026, 10, 6}, {2026, 10, 7},
};
constexpr CivilDate kMakeUpWorkdays[] = {{2026, 9, 20}, {2026, 10, 10}};

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
