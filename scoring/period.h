// Business periods in Asia/Shanghai: day, ISO week, month and quarter. China has used UTC+8
// without daylight saving time since 1991, so every conversion is epoch ms plus eight hours and
// civil-date arithmetic; nothing reads the process time zone. Value types; thread-compatible.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"
#include "base/time.h"

namespace logbridge::scoring {

// Offset of Asia/Shanghai from UTC, in milliseconds.
inline constexpr int64_t kShanghaiOffsetMs = 8LL * 3600 * 1000;
inline constexpr int64_t kMsPerDay = 24LL * 3600 * 1000;

struct CivilDate {
  int32_t year = 1970;
  int32_t month = 1;  // 1..12
  int32_t day = 1;    // 1..31
  auto operator<=>(const CivilDate&) const = default;
};

// Days since 1970-01-01 for a proleptic Gregorian date, and back.
int64_t DaysFromCivil(CivilDate date);
CivilDate CivilFromDays(int64_t days);

// The Shanghai calendar day (days since 1970-01-01) that contains the instant.
int64_t ShanghaiDay(EpochMs instant);

// The instant at which a Shanghai calendar day starts (00:00 local).
EpochMs ShanghaiDayStart(int64_t day);

// ISO 8601 weekday of a day number: 1 = Monday ... 7 = Sunday.
int32_t IsoWeekday(int64_t day);

enum class PeriodKind { kDay, kWeek, kMonth, kQuarter };

// "day", "week", "month", "quarter".
std::string_view PeriodKindName(PeriodKind kind);

// Parses "day", "week", "month" or "quarter"; the error names the value and the choices.
Result<PeriodKind> ParsePeriodKind(std::string_view text);

// A half-open range of Shanghai days [first_day, end_day) of one kind. Periods order by kind,
// then by first day, so sorting reports by period is chronological within a kind.
struct Period {
  PeriodKind kind = PeriodKind::kDay;
  int64_t first_day = 0;
  int64_t end_day = 1;

  auto operator<=>(const Period&) const = default;

  bool ContainsDay(int64_t day) const { return day >= first_day && day < end_day; }
  EpochMs start() const { return ShanghaiDayStart(first_day); }
  EpochMs end() const { return ShanghaiDayStart(end_day); }

  // "2026-11-03", "2026-W45", "2026-11" or "2026-Q4"; ParsePeriod reads the same forms.
  std::string Label() const;
};

// The period of the given kind that contains a Shanghai day.
Period PeriodOfDay(PeriodKind kind, int64_t day);

// The period of the given kind that contains an instant, in Shanghai time.
Period PeriodContaining(PeriodKind kind, EpochMs instant);

// Parses "2026-11-03", "2026-W45", "2026-11" or "2026-Q4". The error names the text and the
// accepted forms; a week beyond the ISO year's last week (52 or 53) is rejected.
Result<Period> ParsePeriod(std::string_view text);

// Parses a date "YYYY-MM-DD" (also "YYYY/MM/DD" and "YYYY年M月D日") into a Shanghai day number.
Result<int64_t> ParseDay(std::string_view text);

}  // namespace logbridge::scoring
