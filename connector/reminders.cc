// Reminders and manager digests for missing work logs.
#include "connector/reminders.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <set>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "connector/metrics.h"

namespace logbridge::connector {
namespace {

using nlohmann::json;

constexpr int kMaxLogsScanned = 1000000;

std::string DoneKey(const DeadlineRule& rule) { return "reminders.done." + rule.template_name; }

std::string MissesKey(const DeadlineRule& rule, const std::string& userid) {
  return "reminders.misses." + rule.template_name + "." + userid;
}

Result<int64_t> ReadInt(Store& store, const std::string& key) {
  Result<std::optional<std::string>> stored = store.GetState(key);
  if (!stored.ok()) {
    return stored.error();
  }
  int64_t value = 0;
  if (stored->has_value()) {
    const std::string& text = **stored;
    std::from_chars(text.data(), text.data() + text.size(), value);
  }
  return value;
}

// The start of the span in which a log counts for a deadline: the deadline's day for a daily
// template, the Monday of its week for a weekly one.
EpochMs LogsCountFrom(const DeadlineRule& rule, EpochMs deadline) {
  const Date date = ShanghaiDate(deadline);
  if (rule.cadence == Cadence::kDaily) {
    return ShanghaiStartOfDay(date);
  }
  const std::chrono::sys_days day{date};
  const unsigned iso_weekday = std::chrono::weekday(day).iso_encoding();  // 1 = Monday
  return ShanghaiStartOfDay(Date{day - std::chrono::days(iso_weekday - 1)});
}

std::string HourMinute(const DeadlineRule& rule) {
  char buffer[8];
  std::snprintf(buffer, sizeof(buffer), "%02d:%02d", rule.hour, rule.minute);
  return buffer;
}

std::string MarkdownPayload(const std::string& title, const std::string& text) {
  return json{{"title", title}, {"text", text}}.dump();
}

}  // namespace

Reminders::Reminders(Store& store, Outbox& outbox, const WorkdayCalendar& calendar,
                     const Clock& clock, RemindersOptions options)
    : store_(store), outbox_(outbox), calendar_(calendar), clock_(clock), options_(options) {}

Result<EpochMs> Reminders::ProcessedUntil(const DeadlineRule& rule) {
  Result<std::optional<std::string>> stored = store_.GetState(DoneKey(rule));
  if (!stored.ok()) {
    return stored.error();
  }
  if (!stored->has_value()) {
    // First run: look back one day from the latest deadline that may be processed now.
    return clock_.Now() - options_.settings.grace - std::chrono::days(1);
  }
  Result<int64_t> done = ReadInt(store_, DoneKey(rule));
  if (!done.ok()) {
    return done.error();
  }
  return EpochMs(*done);
}

Result<ReminderReport> Reminders::RunDue(std::optional<EpochMs> last_poll_finished) {
  ReminderReport report;
  if (!options_.settings.enabled) {
    return report;
  }
  const EpochMs now = clock_.Now();
  for (const DeadlineRule& rule : options_.settings.deadlines) {
    Result<EpochMs> from = ProcessedUntil(rule);
    if (!from.ok()) {
      return from.error();
    }
    // Deadlines in (from, now - grace].
    const EpochMs until = now - options_.settings.grace + std::chrono::milliseconds(1);
    if (until <= *from) {
      continue;
    }
    for (EpochMs deadline :
         calendar_.DeadlinesBetween(rule, *from + std::chrono::milliseconds(1), until)) {
      const EpochMs grace_end = deadline + options_.settings.grace;
      if (!last_poll_finished.has_value() || *last_poll_finished < grace_end) {
        report.needs_poll = true;
        return report;
      }
      Status processed = ProcessDeadline(rule, deadline, report);
      if (!processed.ok()) {
        return processed.error();
      }
      Status saved = store_.SetState(DoneKey(rule), std::to_string(deadline.value));
      if (!saved.ok()) {
        return saved.error();
      }
      report.deadlines += 1;
    }
  }
  return report;
}

Status Reminders::ProcessDeadline(const DeadlineRule& rule, EpochMs deadline,
                                  ReminderReport& report) {
  const Date date = ShanghaiDate(deadline);
  const std::string date_text = FormatDate(date);
  const EpochMs counts_from = LogsCountFrom(rule, deadline);

  // Expected authors: who wrote this template recently; who wrote it for this deadline.
  LogFilter filter;
  filter.template_name = rule.template_name;
  filter.created_from = deadline - options_.history;
  filter.limit = kMaxLogsScanned;
  Result<std::vector<StoredLog>> logs = store_.ListLogs(filter);
  if (!logs.ok()) {
    return logs.error();
  }
  std::set<std::string> writers;
  std::set<std::string> submitted;
  for (const StoredLog& log : *logs) {
    writers.insert(log.raw.creator_id);
    if (log.raw.create_time >= counts_from) {
      submitted.insert(log.raw.creator_id);
    }
  }

  Result<std::vector<Person>> people = store_.ListPeople();
  if (!people.ok()) {
    return people.error();
  }
  std::map<std::string, std::vector<std::pair<std::string, int64_t>>> digests;  // manager
  for (const Person& person : *people) {
    if (!person.active || writers.count(person.userid) == 0 ||
        calendar_.IsOnLeave(person.userid, date)) {
      continue;
    }
    const std::string misses_key = MissesKey(rule, person.userid);
    if (submitted.count(person.userid) > 0) {
      Status reset = store_.SetState(misses_key, "0");
      if (!reset.ok()) {
        return reset;
      }
      continue;
    }
    Result<int64_t> misses = ReadInt(store_, misses_key);
    if (!misses.ok()) {
      return misses.error();
    }
    const int64_t missed = *misses + 1;
    Status counted = store_.SetState(misses_key, std::to_string(missed));
    if (!counted.ok()) {
      return counted;
    }

    NewMessage reminder;
    reminder.idempotency_key = "reminder/" + rule.template_name + "/" + person.userid + "/" +
                               date_text;
    reminder.recipient = person.userid;
    reminder.payload_json = MarkdownPayload(
        rule.template_name + "提醒",
        "### 请提交" + rule.template_name + "\n\n" + person.name + "，你还没有提交 " + date_text +
            " 的" + rule.template_name + "（截止时间 " + HourMinute(rule) +
            "）。请在钉钉「日志」中尽快补交。");
    Result<EnqueueOutcome> queued = outbox_.Enqueue(reminder);
    if (!queued.ok()) {
      return queued.error();
    }
    report.reminders += queued->inserted ? 1 : 0;
    if (missed >= options_.settings.manager_digest_after_misses && !person.manager_id.empty()) {
      digests[person.manager_id].emplace_back(person.name.empty() ? person.userid : person.name,
                                              missed);
    }
  }

  for (const auto& [manager, members] : digests) {
    std::string text = "### " + rule.template_name + "缺交汇总（" + date_text + "）\n\n";
    text += "以下成员已连续多次未按时提交" + rule.template_name + "：\n\n";
    for (const auto& [name, missed] : members) {
      text += "- " + name + "：连续 " + std::to_string(missed) + " 次\n";
    }
    NewMessage digest;
    digest.idempotency_key = "digest/" + rule.template_name + "/" + manager + "/" + date_text;
    digest.recipient = manager;
    digest.payload_json = MarkdownPayload(rule.template_name + "缺交汇总", text);
    Result<EnqueueOutcome> queued = outbox_.Enqueue(digest);
    if (!queued.ok()) {
      return queued.error();
    }
    report.digests += queued->inserted ? 1 : 0;
  }
  ServiceLogger()->info("reminders: {} deadline {} {}: {} authors, {} submitted", rule.template_name,
                        date_text, HourMinute(rule), writers.size(), submitted.size());
  return OkStatus();
}

Result<std::optional<EpochMs>> Reminders::NextDue() {
  std::optional<EpochMs> next;
  if (!options_.settings.enabled) {
    return next;
  }
  for (const DeadlineRule& rule : options_.settings.deadlines) {
    Result<EpochMs> from = ProcessedUntil(rule);
    if (!from.ok()) {
      return from.error();
    }
    const EpochMs start = *from + std::chrono::milliseconds(1);
    std::vector<EpochMs> deadlines =
        calendar_.DeadlinesBetween(rule, start, start + std::chrono::days(31));
    if (!deadlines.empty()) {
      const EpochMs due = deadlines.front() + options_.settings.grace;
      next = next.has_value() ? std::min(*next, due) : due;
    }
  }
  return next;
}

}  // namespace logbridge::connector
