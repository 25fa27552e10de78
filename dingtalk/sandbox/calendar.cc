// Civil-date arithmetic on day counts (the era-based algorithm for the proleptic Gregorian
// calendar) and the small holiday table behind IsChinaWorkday.

#include "dingtalk/sandbox/calendar.h"

#include <charconv>
#include <cstdio>

namespace logbridge::dingtalk {
namespace {

// Holidays and make-up workdays, as CivilDate values.
// NOTE: the 2026 National Day dates (10-01..10-07 off, Saturday 10-10 worked) follow the usual
// pattern and were not checked against the State Council notice for 2026.
constexpr CivilDate kHolidays[] = {
    {2026, 10, 1}, {2026, 10, 2}, {2026, 10, 3}, {2026, 10, 4},
    {2026, 10, 5}, {2026, 10, 6}, {2026, 10, 7},
};
constexpr CivilDate kMakeUpWorkdays[] = {{2026, 10, 10}};

bool SameDate(CivilDate a, CivilDate b) {
  return a.year == b.year && a.month == b.month && a.day == b.day;
}

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t quotient = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) {
    --quotient;
  }
  return quotient;
}

}  // namespace

int64_t DaysFromCivil(CivilDate date) {
  // Shift the year to start in March so the leap day is the last day of the year.
  int64_t year = date.year - (date.month <= 2 ? 1 : 0);
  int64_t era = FloorDiv(year, 400);
  int64_t year_of_era = year - era * 400;
  int64_t month_from_march = (date.month + 9) % 12;
  int64_t day_of_year = (153 * month_from_march + 2) / 5 + date.day - 1;
  int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + day_of_era - 719468;
}

CivilDate CivilFromDays(int64_t days) {
  days += 719468;
  int64_t era = FloorDiv(days, 146097);
  int64_t day_of_era = days - era * 146097;
  int64_t year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  int64_t month_from_march = (5 * day_of_year + 2) / 153;
  CivilDate date;
  date.day = static_cast<int32_t>(day_of_year - (153 * month_from_march + 2) / 5 + 1);
  date.month =
      static_cast<int32_t>(month_from_march < 10 ? month_from_march + 3 : month_from_march - 9);
  date.year = static_cast<int32_t>(year_of_era + era * 400 + (date.month <= 2 ? 1 : 0));
  return date;
}

int64_t ShanghaiDay(EpochMs time) { return FloorDiv(time.value + kShanghaiOffsetMs, kMsPerDay); }

EpochMs ShanghaiTime(int64_t day, int32_t hour, int32_t minute, int32_t second) {
  int64_t ms_of_day = ((hour * 60LL + minute) * 60LL + second) * 1000LL;
  return EpochMs(day * kMsPerDay + ms_of_day - kShanghaiOffsetMs);
}

int32_t Weekday(int64_t day) {
  // 1970-01-01 was a Thursday (3 when Monday is 0).
  return static_cast<int32_t>(((day % 7) + 7 + 3) % 7);
}

std::string FormatDate(CivilDate date) {
  char text[16];
  std::snprintf(text, sizeof(text), "%04d-%02d-%02d", date.year, date.month, date.day);
  return text;
}

std::optional<CivilDate> ParseDate(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') {
    return std::nullopt;
  }
  auto parse_part = [&text](size_t offset, size_t length, int32_t* out) {
    const char* begin = text.data() + offset;
    auto [end, error] = std::from_chars(begin, begin + length, *out);
    return error == std::errc() && end == begin + length;
  };
  CivilDate date;
  if (!parse_part(0, 4, &date.year) || !parse_part(5, 2, &date.month) ||
      !parse_part(8, 2, &date.day)) {
    return std::nullopt;
  }
  if (date.month < 1 || date.month > 12 || date.day < 1 || date.day > 31) {
    return std::nullopt;
  }
  // Reject dates such as 02-30 that do not survive a round trip.
  if (!SameDate(CivilFromDays(DaysFromCivil(date)), date)) {
    return std::nullopt;
  }
  return date;
}

bool IsChinaWorkday(int64_t day) {
  CivilDate date = CivilFromDays(day);
  for (CivilDate holiday : kHolidays) {
    if (SameDate(holiday, date)) {
      return false;
    }
  }
  for (CivilDate workday : kMakeUpWorkdays) {
    if (SameDate(workday, date)) {
      return true;
    }
  }
  return Weekday(day) < 5;
}

}  // namespace logbridge::dingtalk
