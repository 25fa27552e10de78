// Business dates in Asia/Shanghai (UTC+8 all year, no daylight saving) and the workday
// calendar the sandbox's organization generator follows. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/time.h"

namespace logbridge::dingtalk {

inline constexpr int64_t kMsPerDay = 86'400'000;
inline constexpr int64_t kShanghaiOffsetMs = 8 * 3'600'000;

struct CivilDate {
  int32_t year = 1970;
  int32_t month = 1;  // 1..12
  int32_t day = 1;    // 1..31
};

// Days since 1970-01-01 of a proleptic Gregorian date, and back.
int64_t DaysFromCivil(CivilDate date);
CivilDate CivilFromDays(int64_t days);

// The Asia/Shanghai business day (days since 1970-01-01) that contains `time`.
int64_t ShanghaiDay(EpochMs time);

// The instant of `hour`:`minute` local time on Asia/Shanghai business day `day`.
EpochMs ShanghaiTime(int64_t day, int32_t hour, int32_t minute, int32_t second = 0);

// 0 is Monday, 6 is Sunday.
int32_t Weekday(int64_t day);

// Formats as "YYYY-MM-DD".
std::string FormatDate(CivilDate date);

// Parses "YYYY-MM-DD"; nullopt when the text is not a valid date.
std::optional<CivilDate> ParseDate(std::string_view text);

// True for a mainland China workday: Monday to Friday unless a public holiday, plus the
// weekend days the State Council moves work to (调休). Only the 2026 National Day holiday is
// in the table; other holidays count as ordinary weekdays.
bool IsChinaWorkday(int64_t day);

}  // namespace logbridge::dingtalk
