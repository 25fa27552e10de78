// Workday calendar: Shanghai date arithmetic, holiday year files and deadline rules.
#include "connector/calendar.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "connector/toml_adapter.h"

namespace logbridge::connector {
namespace {

using std::chrono::days;
using std::chrono::milliseconds;
using std::chrono::sys_days;

// Reads a fixed-width run of decimal digits; returns -1 when a character is not a digit.
int ParseDigits(std::string_view text) {
  int value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') {
      return -1;
    }
    value = value * 10 + (c - '0');
  }
  return value;
}

Error PeriodError(std::string_view text) {
  return MakeError(ErrorCode::kInvalidArgument,
                   "invalid period \"" + std::string(text) +
                       "\"; use a day (2026-02-14), an ISO week (2026-W07) or a month (2026-02)");
}

// Monday of ISO week 1: the week that contains 4 January.
sys_days IsoWeekOneMonday(int year) {
  sys_days jan4 = sys_days(std::chrono::year(year) / std::chrono::January / 4);
  std::chrono::weekday weekday(jan4);
  return jan4 - days((weekday.c_encoding() + 6) % 7);
}

// Days since the Monday of the week containing `day` (0 for Monday ... 6 for Sunday).
int DaysSinceMonday(sys_days day) {
  return static_cast<int>((std::chrono::weekday(day).c_encoding() + 6) % 7);
}

Result<Date> DateFromToml(const toml::node* node, std::string_view source, std::string_view key) {
  if (node == nullptr || !node->is_date()) {
    int64_t line = node == nullptr ? 0 : TomlLine(*node);
    return MakeError(ErrorCode::kInvalidArgument, std::string(source) + ":" + std::to_string(line) +
                                                      ": " + std::string(key) +
                                                      ": expected a TOML date such as 2026-02-14");
  }
  toml::date value = *node->value<toml::date>();
  Date date{std::chrono::year(value.year), std::chrono::month(value.month),
            std::chrono::day(value.day)};
  return date;
}

}  // namespace

Date ShanghaiDate(EpochMs instant) {
  auto local = std::chrono::sys_time<milliseconds>(milliseconds(instant.value)) + kShanghaiOffset;
  return Date(std::chrono::floor<days>(local));
}

EpochMs ShanghaiTime(Date date, int hour, int minute) {
  auto local = sys_days(date) + std::chrono::hours(hour) + std::chrono::minutes(minute);
  auto utc = local - kShanghaiOffset;
  return EpochMs(std::chrono::duration_cast<milliseconds>(utc.time_since_epoch()).count());
}

std::string FormatDate(Date date) {
  char buffer[16];
  std::snprintf(buffer, sizeof(buffer), "%04d-%02u-%02u", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
  return buffer;
}

std::string ShanghaiMonthKey(EpochMs instant) {
  return FormatDate(ShanghaiDate(instant)).substr(0, 7);
}

Result<Date> ParseDate(std::string_view text) {
  int year =
      text.size() == 10 && text[4] == '-' && text[7] == '-' ? ParseDigits(text.substr(0, 4)) : -1;
  int month = year < 0 ? -1 : ParseDigits(text.substr(5, 2));
  int day = month < 0 ? -1 : ParseDigits(text.substr(8, 2));
  Date date{std::chrono::year(year), std::chrono::month(static_cast<unsigned>(month)),
            std::chrono::day(static_cast<unsigned>(day))};
  if (day < 0 || !date.ok()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "invalid date \"" + std::string(text) + "\"; use YYYY-MM-DD, e.g. 2026-02-14");
  }
  return date;
}

Result<TimeRange> ParsePeriod(std::string_view text) {
  if (text.size() == 10) {
    Result<Date> day = ParseDate(text);
    if (!day.ok()) {
      return PeriodError(text);
    }
    EpochMs begin = ShanghaiStartOfDay(*day);
    return TimeRange{begin, ShanghaiStartOfDay(Date(sys_days(*day) + days(1)))};
  }

  int year = text.size() >= 7 && text[4] == '-' ? ParseDigits(text.substr(0, 4)) : -1;
  if (year < 0) {
    return PeriodError(text);
  }

  if (text.size() == 8 && text[5] == 'W') {
    int week = ParseDigits(text.substr(6, 2));
    sys_days monday = IsoWeekOneMonday(year) + days(7 * (week - 1));
    // A week belongs to the ISO year of its Thursday; week 53 exists only in some years.
    bool valid = week >= 1 && Date(monday + days(3)).year() == std::chrono::year(year);
    if (!valid) {
      return PeriodError(text);
    }
    return TimeRange{ShanghaiStartOfDay(Date(monday)), ShanghaiStartOfDay(Date(monday + days(7)))};
  }

  if (text.size() == 7) {
    int month = ParseDigits(text.substr(5, 2));
    if (month < 1 || month > 12) {
      return PeriodError(text);
    }
    Date first{std::chrono::year(year), std::chrono::month(static_cast<unsigned>(month)),
               std::chrono::day(1)};
    Date next = first + std::chrono::months(1);
    return TimeRange{ShanghaiStartOfDay(first), ShanghaiStartOfDay(next)};
  }
  return PeriodError(text);
}

Result<HolidayYear> ParseHolidayYear(std::string_view toml_text, std::string_view source_name) {
  Result<toml::table> parsed = ParseToml(toml_text, source_name);
  if (!parsed.ok()) {
    return parsed.error();
  }
  const toml::table& table = *parsed;
  std::string source(source_name);

  HolidayYear year;
  std::optional<int64_t> year_value = table["year"].value<int64_t>();
  if (!year_value) {
    return MakeError(ErrorCode::kInvalidArgument,
                     source + ": year: missing; add a line such as year = 2026");
  }
  year.year = static_cast<int>(*year_value);
  year.source = table["source"].value_or(std::string());

  const toml::array* holidays = table["holiday"].as_array();
  if (holidays == nullptr) {
    return MakeError(ErrorCode::kInvalidArgument,
                     source + ": holiday: missing; add one [[holiday]] table per holiday");
  }
  for (const toml::node& entry : *holidays) {
    const toml::table* holiday = entry.as_table();
    std::string at = source + ":" + std::to_string(TomlLine(entry));
    if (holiday == nullptr) {
      return MakeError(ErrorCode::kInvalidArgument, at + ": holiday: expected a table");
    }
    std::string name = (*holiday)["name"].value_or(std::string());
    Result<Date> start = DateFromToml(holiday->get("start"), source, "holiday.start");
    Result<Date> end = DateFromToml(holiday->get("end"), source, "holiday.end");
    if (!start.ok()) {
      return start.error();
    }
    if (!end.ok()) {
      return end.error();
    }
    if (name.empty() || *end < *start) {
      return MakeError(ErrorCode::kInvalidArgument,
                       at + ": holiday: needs a name and start <= end (\"" + name + "\", " +
                           FormatDate(*start) + " to " + FormatDate(*end) + ")");
    }
    for (sys_days day = sys_days(*start); day <= sys_days(*end); day += days(1)) {
      year.holidays[Date(day)] = name;
    }

    if (const toml::array* makeup = (*holiday)["makeup_workdays"].as_array()) {
      for (const toml::node& item : *makeup) {
        Result<Date> date = DateFromToml(&item, source, "holiday.makeup_workdays");
        if (!date.ok()) {
          return date.error();
        }
        year.makeup_workdays.insert(*date);
      }
    }
  }

  for (const Date& date : year.makeup_workdays) {
    if (year.holidays.count(date) > 0) {
      return MakeError(ErrorCode::kInvalidArgument,
                       source + ": " + FormatDate(date) +
                           " is listed both as a holiday and as a make-up workday; keep one");
    }
  }
  return year;
}

Result<WorkdayCalendar> WorkdayCalendar::LoadDirectory(const std::string& directory) {
  std::error_code error_code;
  std::filesystem::directory_iterator it(directory, error_code);
  if (error_code) {
    return MakeError(ErrorCode::kInvalidArgument, "cannot read holiday directory \"" + directory +
                                                      "\": " + error_code.message() +
                                                      "; set [calendar] holidays_dir");
  }

  WorkdayCalendar calendar;
  std::string problems;
  static const std::regex kYearFile(R"(\d{4}\.toml)");
  for (const std::filesystem::directory_entry& entry : it) {
    std::string file_name = entry.path().filename().string();
    if (!std::regex_match(file_name, kYearFile)) {
      continue;
    }
    std::ifstream input(entry.path());
    std::stringstream text;
    text << input.rdbuf();
    Result<HolidayYear> year = ParseHolidayYear(text.str(), entry.path().string());
    Status added = year.ok() ? calendar.AddYear(*year) : Status(year.error());
    if (year.ok() && std::to_string(year->year) + ".toml" != file_name) {
      added = MakeError(ErrorCode::kInvalidArgument, entry.path().string() +
                                                         ": year = " + std::to_string(year->year) +
                                                         " does not match the file name");
    }
    if (!added.ok()) {
      problems += (problems.empty() ? "" : "\n") + added.error().message;
    }
  }
  if (!problems.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, problems);
  }
  return calendar;
}

Status WorkdayCalendar::AddYear(HolidayYear year) {
  int key = year.year;
  if (!years_.emplace(key, std::move(year)).second) {
    return MakeError(ErrorCode::kAlreadyExists,
                     "holiday year " + std::to_string(key) + " is loaded twice; keep one file");
  }
  return OkStatus();
}

void WorkdayCalendar::SetLeaves(std::vector<LeaveRange> leaves) { leaves_ = std::move(leaves); }

DayKind WorkdayCalendar::Classify(Date date) const {
  auto year = years_.find(static_cast<int>(date.year()));
  if (year != years_.end()) {
    if (year->second.holidays.count(date) > 0) {
      return DayKind::kHoliday;
    }
    if (year->second.makeup_workdays.count(date) > 0) {
      return DayKind::kMakeupWorkday;
    }
  }
  return DaysSinceMonday(sys_days(date)) >= 5 ? DayKind::kWeekend : DayKind::kWorkday;
}

bool WorkdayCalendar::IsWorkday(Date date) const {
  DayKind kind = Classify(date);
  return kind == DayKind::kWorkday || kind == DayKind::kMakeupWorkday;
}

bool WorkdayCalendar::IsOnLeave(std::string_view userid, Date date) const {
  return std::any_of(leaves_.begin(), leaves_.end(), [&](const LeaveRange& leave) {
    return leave.userid == userid && leave.first <= date && date <= leave.last;
  });
}

bool WorkdayCalendar::IsWorkdayFor(std::string_view userid, Date date) const {
  return IsWorkday(date) && !IsOnLeave(userid, date);
}

std::optional<EpochMs> WorkdayCalendar::DeadlineOn(const DeadlineRule& rule, Date date) const {
  if (!IsWorkday(date)) {
    return std::nullopt;
  }
  if (rule.cadence == Cadence::kDaily) {
    return ShanghaiTime(date, rule.hour, rule.minute);
  }

  // Weekly: the last workday from Monday up to the rule's weekday carries the deadline.
  sys_days monday = sys_days(date) - days(DaysSinceMonday(sys_days(date)));
  sys_days due = monday + days((rule.weekday + 6) % 7);
  while (due >= monday && !IsWorkday(Date(due))) {
    due -= days(1);
  }
  if (due < monday || due != sys_days(date)) {
    return std::nullopt;
  }
  return ShanghaiTime(date, rule.hour, rule.minute);
}

std::vector<EpochMs> WorkdayCalendar::DeadlinesBetween(const DeadlineRule& rule, EpochMs from,
                                                       EpochMs to) const {
  std::vector<EpochMs> deadlines;
  for (sys_days day = sys_days(ShanghaiDate(from)); day <= sys_days(ShanghaiDate(to));
       day += days(1)) {
    std::optional<EpochMs> deadline = DeadlineOn(rule, Date(day));
    if (deadline && from <= *deadline && *deadline < to) {
      deadlines.push_back(*deadline);
    }
  }
  return deadlines;
}

}  // namespace logbridge::connector
