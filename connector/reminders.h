// Reminders for missing work logs. Deadlines follow each template's rule on the workday
// calendar (statutory holidays, 调休 make-up workdays, leave). Once a deadline's grace period
// has passed and a poll has finished after it, every expected author without a log gets a work
// notification. After N deadlines missed in a row, their manager gets a digest. Expected authors are active
// people who wrote that template within the history window. A Reminders borrows the store,
// outbox, calendar and clock, which must outlive it; one thread drives it.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "base/time.h"
#include "connector/calendar.h"
#include "connector/outbox.h"
#include "connector/service_config.h"
#include "connector/store.h"

namespace logbridge::connector {

struct RemindersOptions {
  ReminderSettings settings;
  // People who wrote a template within this window before a deadline are expected to write it.
  std::chrono::milliseconds history{std::chrono::days(35)};
};

// Counts of one RunDue.
struct ReminderReport {
  int deadlines = 0;  // deadlines processed
  int reminders = 0;  // reminders enqueued
  int digests = 0;    // manager digests enqueued
  // A deadline's grace period has passed but no poll finished after it; poll, then call again.
  bool needs_poll = false;
};

class Reminders {
 public:
  Reminders(Store& store, Outbox& outbox, const WorkdayCalendar& calendar, const Clock& clock,
            RemindersOptions options);

  // Processes, in order, each deadline whose grace period ended at or before now and that was
  // not processed before. A deadline is processed only when `last_poll_finished` is at or
  // after the end of its grace period; otherwise processing stops there with needs_poll set.
  // On a first run, only deadlines of the last day are considered.
  Result<ReminderReport> RunDue(std::optional<EpochMs> last_poll_finished);

  // When RunDue next has a deadline to process; nullopt when no rule has one within 31 days.
  Result<std::optional<EpochMs>> NextDue();

 private:
  Result<EpochMs> ProcessedUntil(const DeadlineRule& rule);
  Status ProcessDeadline(const DeadlineRule& rule, EpochMs deadline, ReminderReport& report);

  Store& store_;
  Outbox& outbox_;
  const WorkdayCalendar& calendar_;
  const Clock& clock_;
  const RemindersOptions options_;
};

}  // namespace logbridge::connector
