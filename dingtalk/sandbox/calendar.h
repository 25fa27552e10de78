// The workday calendar of the sandbox's organization generator, built on the Asia/Shanghai day
// arithmetic of scoring/period.h (UTC+8 all year, no daylight saving). Pure functions;
// thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "base/time.h"
#include "scoring/period.h"

namespace logbridge::dingtalk {

using scoring::CivilDate;
using scoring::CivilFromDays;
using scoring::DaysFromCivil;
using scoring::kMsPerDay;
using scoring::kShanghaiOffsetMs;
using scoring::ShanghaiDay;

// The instant of `hour`:`minute`:`second` local time on Asia/Shanghai day `day` (days since
// 1970-01-01).
EpochMs ShanghaiTime(int64_t day, int32_t hour, int32_t minute, int32_t second = 0);

// Formats as "YYYY-MM-DD".
std::string FormatDate(CivilDate date);

// True for a mainland China workday: Monday to Friday unless a public holiday, plus the
// weekend days the State Council moves work to (调休). Only the 2026 National Day holiday is
// in the table, so other holidays count as ordinary weekdays.
bool IsChinaWorkday(int64_t day);

}  // namespace logbridge::dingtalk
