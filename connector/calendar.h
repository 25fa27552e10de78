// Workday calendar for reminders and deadlines: China's statutory holidays and 调休 make-up
// workdays (one TOML file per year), per-template deadline rules, and people on leave.
// Business dates are computed in Asia/Shanghai as a fixed UTC+8 offset (China has no daylight
// saving time), never from the process time zone. A WorkdayCalendar is immutable after
// loading and safe to share between threads.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "base/time.h"

namespace logbridge::connector {

using Date = std::chrono::year_month_day;

// Asia/Shanghai is UTC+8 all year.
inline constexpr std::chrono::hours kShanghaiOffset{8};

// Returns the Shanghai calendar date of an instant.
Date ShanghaiDate(EpochMs instant);

// Returns the instant of hour:minute on a Shanghai calendar date. hour may be 24 (next midnight).
EpochMs ShanghaiTime(Date date, int hour, int minute);

// Returns the instant of 00:00 on a Shanghai calendar date.
inline EpochMs ShanghaiStartOfDay(Date date) { return ShanghaiTime(date, 0, 0); }

// Formats a date as "2026-02-14".
std::string FormatDate(Date date);

// Returns "2026-02" for the Shanghai month of an instant; the key of the monthly call counter.
std::string ShanghaiMonthKey(EpochMs instant);

// Parses "2026-02-14". The error names the text and the expected form.
Result<Date> ParseDate(std::string_view text);

// A half-open range of instants [begin, end).
struct TimeRange {
  EpochMs begin;
  EpochMs end;
};

// Parses a period name into its Shanghai time range: "2026-02-14" (a day), "2026-W07" (an
// ISO 8601 week, Monday to Sunday) or "2026-02" (a month).
Result<TimeRange> ParsePeriod(std::string_view text);

enum class DayKind {
  kWorkday,        // Monday to Friday, no holiday
  kWeekend,        // Saturday or Sunday, not a make-up workday
  kHoliday,        // a statutory holiday (放假), whatever the weekday
  kMakeupWorkday,  // a weekend day declared a workday (调休上班)
};

// One year's official schedule, as published by the State Council each year.
struct HolidayYear {
  int year = 0;
  std::string source;                    // where the dates come from, for operators
  std::map<Date, std::string> holidays;  // date -> holiday name, e.g. "春节"
  std::set<Date> makeup_workdays;
};

// Parses one year file (config/holidays/2026.toml). The error names the file, line and key.
// Format:
//   year = 2026
//   source = "..."
//   [[holiday]]
//   name = "春节"
//   start = 2026-02-15
//   end = 2026-02-23              # inclusive
//   makeup_workdays = [2026-02-14, 2026-02-28]
Result<HolidayYear> ParseHolidayYear(std::string_view toml_text, std::string_view source_name);

// A person's absence, both dates inclusive.
struct LeaveRange {
  std::string userid;
  Date first;
  Date last;
};

enum class Cadence { kDaily, kWeekly };

// When a template's log is due. For kDaily the deadline is hour:minute on every workday. For
// kWeekly it is hour:minute on `weekday` (0 = Sunday ... 6 = Saturday); when that day is not a
// workday, the deadline moves to the last workday before it in the same Monday-based week, and
// a week without any workday up to `weekday` has no deadline.
struct DeadlineRule {
  std::string template_name;  // e.g. "日报"
  Cadence cadence = Cadence::kDaily;
  unsigned weekday = 5;  // kWeekly only
  int hour = 20;
  int minute = 0;
};

class WorkdayCalendar {
 public:
  WorkdayCalendar() = default;

  // Loads every "<year>.toml" file in a directory. Reports all bad files in one error.
  static Result<WorkdayCalendar> LoadDirectory(const std::string& directory);

  // Adds a year. Fails with kAlreadyExists when that year is already loaded.
  Status AddYear(HolidayYear year);

  // Replaces the list of leave ranges.
  void SetLeaves(std::vector<LeaveRange> leaves);

  // Whether the calendar has the official schedule for a year. For a year it lacks, every
  // query treats Monday to Friday as workdays, which misses that year's holidays.
  bool Covers(int year) const { return years_.count(year) > 0; }

  DayKind Classify(Date date) const;
  bool IsWorkday(Date date) const;

  // Whether userid has leave on date.
  bool IsOnLeave(std::string_view userid, Date date) const;

  // Whether userid is expected to work on date: a workday and not on leave.
  bool IsWorkdayFor(std::string_view userid, Date date) const;

  // Returns the deadline that falls on `date` under `rule`, or nullopt when none does.
  std::optional<EpochMs> DeadlineOn(const DeadlineRule& rule, Date date) const;

  // Returns every deadline of `rule` in [from, to), in order.
  std::vector<EpochMs> DeadlinesBetween(const DeadlineRule& rule, EpochMs from, EpochMs to) const;

 private:
  std::map<int, HolidayYear> years_;
  std::vector<LeaveRange> leaves_;
};

}  // namespace logbridge::connector
