// Shanghai calendar arithmetic: civil dates from day numbers in 400-year eras, ISO weeks from
// the Thursday rule, and the parsers for period and date labels.
#include "scoring/period.h"

#include <charconv>
#include <cstdio>

namespace logbridge::scoring {
namespace {

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) {
    --q;
  }
  return q;
}

bool IsLeapYear(int32_t year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int32_t DaysInMonth(int32_t year, int32_t month) {
  static constexpr int32_t kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2 && IsLeapYear(year)) {
    return 29;
  }
  return kDays[month - 1];
}

// The Monday that starts ISO week 1 of an ISO year: the week that contains January 4th.
int64_t IsoYearStart(int32_t iso_year) {
  int64_t jan4 = DaysFromCivil({iso_year, 1, 4});
  return jan4 - (IsoWeekday(jan4) - 1);
}

int32_t IsoWeeksInYear(int32_t iso_year) {
  return static_cast<int32_t>((IsoYearStart(iso_year + 1) - IsoYearStart(iso_year)) / 7);
}

// Reads an unsigned decimal of exactly `width` digits (any width when width is 0) at the front
// of text and advances text past it.
bool ReadNumber(std::string_view& text, int width, int32_t* out) {
  size_t length = 0;
  while (length < text.size() && text[length] >= '0' && text[length] <= '9') {
    ++length;
  }
  if (length == 0 || (width > 0 && length != static_cast<size_t>(width)) || length > 9) {
    return false;
  }
  std::from_chars(text.data(), text.data() + length, *out);
  text.remove_prefix(length);
  return true;
}

bool ConsumePrefix(std::string_view& text, std::string_view prefix) {
  if (text.substr(0, prefix.size()) != prefix) {
    return false;
  }
  text.remove_prefix(prefix.size());
  return true;
}

Error BadPeriod(std::string_view text) {
  return MakeError(ErrorCode::kInvalidArgument,
                   "invalid period \"" + std::string(text) +
                       "\": write a day 2026-11-03, an ISO week 2026-W45, a month 2026-11 or a "
                       "quarter 2026-Q4");
}

}  // namespace

int64_t DaysFromCivil(CivilDate date) {
  // Shift the year to start in March so the leap day is the last day of the shifted year.
  int64_t year = date.year - (date.month <= 2 ? 1 : 0);
  int64_t era = FloorDiv(year, 400);
  int64_t year_of_era = year - era * 400;
  int64_t shifted_month = date.month > 2 ? date.month - 3 : date.month + 9;
  int64_t day_of_year = (153 * shifted_month + 2) / 5 + date.day - 1;
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
  int64_t shifted_month = (5 * day_of_year + 2) / 153;
  int32_t day = static_cast<int32_t>(day_of_year - (153 * shifted_month + 2) / 5 + 1);
  int32_t month = static_cast<int32_t>(shifted_month < 10 ? shifted_month + 3 : shifted_month - 9);
  int64_t year = year_of_era + era * 400 + (month <= 2 ? 1 : 0);
  return {static_cast<int32_t>(year), month, day};
}

int64_t ShanghaiDay(EpochMs instant) {
  return FloorDiv(instant.value + kShanghaiOffsetMs, kMsPerDay);
}

EpochMs ShanghaiDayStart(int64_t day) { return EpochMs(day * kMsPerDay - kShanghaiOffsetMs); }

int32_t IsoWeekday(int64_t day) {
  // 1970-01-01 was a Thursday (ISO weekday 4).
  int64_t index = (day + 3) % 7;
  if (index < 0) {
    index += 7;
  }
  return static_cast<int32_t>(index) + 1;
}

std::string_view PeriodKindName(PeriodKind kind) {
  switch (kind) {
    case PeriodKind::kDay: return "day";
    case PeriodKind::kWeek: return "week";
    case PeriodKind::kMonth: return "month";
    case PeriodKind::kQuarter: return "quarter";
  }
  return "day";
}

Result<PeriodKind> ParsePeriodKind(std::string_view text) {
  for (PeriodKind kind :
       {PeriodKind::kDay, PeriodKind::kWeek, PeriodKind::kMonth, PeriodKind::kQuarter}) {
    if (text == PeriodKindName(kind)) {
      return kind;
    }
  }
  return MakeError(ErrorCode::kInvalidArgument, "invalid period kind \"" + std::string(text) +
                                                    "\": use day, week, month or quarter");
}

Period PeriodOfDay(PeriodKind kind, int64_t day) {
  CivilDate date = CivilFromDays(day);
  switch (kind) {
    case PeriodKind::kDay:
      return {kind, day, day + 1};
    case PeriodKind::kWeek: {
      int64_t monday = day - (IsoWeekday(day) - 1);
      return {kind, monday, monday + 7};
    }
    case PeriodKind::kMonth: {
      int64_t first = DaysFromCivil({date.year, date.month, 1});
      return {kind, first, first + DaysInMonth(date.year, date.month)};
    }
    case PeriodKind::kQuarter: {
      int32_t first_month = (date.month - 1) / 3 * 3 + 1;
      int64_t first = DaysFromCivil({date.year, first_month, 1});
      int64_t end = first_month == 10 ? DaysFromCivil({date.year + 1, 1, 1})
                                      : DaysFromCivil({date.year, first_month + 3, 1});
      return {kind, first, end};
    }
  }
  return {PeriodKind::kDay, day, day + 1};
}

Period PeriodContaining(PeriodKind kind, EpochMs instant) {
  return PeriodOfDay(kind, ShanghaiDay(instant));
}

std::string Period::Label() const {
  CivilDate date = CivilFromDays(first_day);
  char buffer[32];
  switch (kind) {
    case PeriodKind::kDay:
      std::snprintf(buffer, sizeof(buffer), "%04d-%02d-%02d", date.year, date.month, date.day);
      break;
    case PeriodKind::kWeek: {
      // The ISO year is the calendar year of the week's Thursday.
      CivilDate thursday = CivilFromDays(first_day + 3);
      int64_t week = (first_day - IsoYearStart(thursday.year)) / 7 + 1;
      std::snprintf(buffer, sizeof(buffer), "%04d-W%02d", thursday.year, static_cast<int>(week));
      break;
    }
    case PeriodKind::kMonth:
      std::snprintf(buffer, sizeof(buffer), "%04d-%02d", date.year, date.month);
      break;
    case PeriodKind::kQuarter:
      std::snprintf(buffer, sizeof(buffer), "%04d-Q%d", date.year, (date.month - 1) / 3 + 1);
      break;
  }
  return buffer;
}

Result<Period> ParsePeriod(std::string_view text) {
  std::string_view rest = text;
  int32_t year = 0;
  if (!ReadNumber(rest, 4, &year) || !ConsumePrefix(rest, "-")) {
    return BadPeriod(text);
  }

  int32_t number = 0;
  if (ConsumePrefix(rest, "W") || ConsumePrefix(rest, "w")) {
    if (!ReadNumber(rest, 2, &number) || !rest.empty() || number < 1) {
      return BadPeriod(text);
    }
    if (number > IsoWeeksInYear(year)) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "invalid period \"" + std::string(text) + "\": ISO year " +
                           std::to_string(year) + " has " + std::to_string(IsoWeeksInYear(year)) +
                           " weeks; its last week is " + std::to_string(year) + "-W" +
                           std::to_string(IsoWeeksInYear(year)));
    }
    int64_t monday = IsoYearStart(year) + int64_t{number - 1} * 7;
    return Period{PeriodKind::kWeek, monday, monday + 7};
  }
  if (ConsumePrefix(rest, "Q") || ConsumePrefix(rest, "q")) {
    if (!ReadNumber(rest, 1, &number) || !rest.empty() || number < 1 || number > 4) {
      return BadPeriod(text);
    }
    return PeriodOfDay(PeriodKind::kQuarter, DaysFromCivil({year, (number - 1) * 3 + 1, 1}));
  }

  int32_t month = 0;
  if (!ReadNumber(rest, 2, &month) || month < 1 || month > 12) {
    return BadPeriod(text);
  }
  if (rest.empty()) {
    return PeriodOfDay(PeriodKind::kMonth, DaysFromCivil({year, month, 1}));
  }
  int32_t day = 0;
  if (!ConsumePrefix(rest, "-") || !ReadNumber(rest, 2, &day) || !rest.empty() || day < 1 ||
      day > DaysInMonth(year, month)) {
    return BadPeriod(text);
  }
  return PeriodOfDay(PeriodKind::kDay, DaysFromCivil({year, month, day}));
}

Result<int64_t> ParseDay(std::string_view text) {
  std::string_view rest = text;
  int32_t year = 0;
  int32_t month = 0;
  int32_t day = 0;
  bool chinese = false;
  bool ok = ReadNumber(rest, 4, &year);
  if (ok) {
    chinese = ConsumePrefix(rest, "年");
    ok = chinese || ConsumePrefix(rest, "-") || ConsumePrefix(rest, "/");
  }
  ok = ok && ReadNumber(rest, 0, &month) &&
       (chinese ? ConsumePrefix(rest, "月") : (ConsumePrefix(rest, "-") || ConsumePrefix(rest, "/")));
  ok = ok && ReadNumber(rest, 0, &day) && (!chinese || ConsumePrefix(rest, "日"));
  if (!ok || !rest.empty() || month < 1 || month > 12 || day < 1 ||
      day > DaysInMonth(year, month)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "invalid date \"" + std::string(text) +
                         "\": write it as 2026-11-03, 2026/11/03 or 2026年11月3日");
  }
  return DaysFromCivil({year, month, day});
}

}  // namespace logbridge::scoring
