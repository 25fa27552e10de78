// Scoring inside the service. Each synced log version is analyzed with the scoring engine
// (normalized fields, extracted values with their spans, flags), and the author of a new log
// gets a notice when it has flags that an edit can clear. Scores are computed per period, and
// at each period end every person gets a score card and every manager a team summary. A closed
// period whose scores change afterwards (a late log, an edit, a rejected approval) gets
// corrections. A ScoreKeeper borrows the store, outbox, calendar and clock, which must outlive
// it. It is not thread-safe, so one thread drives it; ComputePeriod is the one exception.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "base/time.h"
#include "connector/calendar.h"
#include "connector/outbox.h"
#include "connector/service_config.h"
#include "connector/store.h"
#include "connector/sync.h"
#include "scoring/score.h"

namespace logbridge::connector {

struct ScoreKeeperOptions {
  ScoreCardSettings cards;
  // Logs created this far before a period (or before a changed log) are fed first, so the
  // history checks (duplicates, amount jumps, outliers) see them.
  std::chrono::milliseconds history{std::chrono::days(14)};
  // Logs created this long after a period ends still count for it (late logs).
  std::chrono::milliseconds late_logs{std::chrono::days(14)};
  // Whether a flagged new log gets a notice, how old it may be, and the edit deadline.
  FeedbackSettings feedback;
};

// One analyzed log version.
struct AnalyzedLog {
  std::string report_id;
  int64_t version = 0;
  UpsertOutcome outcome = UpsertOutcome::kInserted;
  std::string creator_id;
  std::string template_name;
  EpochMs create_time;
  std::string work_date;  // Shanghai date the log reports on, "2026-02-14"
  std::string period;     // label of the score period of the work date, e.g. "2026-W07"
  std::vector<FlagRecord> flags;
  std::vector<ExtractedValue> values;
};

// Counts of one RunDue.
struct ScoreCardReport {
  std::vector<std::string> periods_sent;  // periods whose cards were enqueued
  int person_cards = 0;
  int team_summaries = 0;
  int corrections = 0;
};

class ScoreKeeper {
 public:
  ScoreKeeper(Store& store, Outbox& outbox, const WorkdayCalendar& calendar, const Clock& clock,
              std::shared_ptr<const scoring::Config> config, ScoreKeeperOptions options);
  ~ScoreKeeper();

  // Analyzes the given log versions and saves each analysis. Logs of the last `history` are
  // replayed through one engine first, in create order, so history checks see them. Enqueues a
  // feedback notice for each inserted log that has a flag an edit can clear (EditCanClear),
  // unless feedback is disabled or the log was created more than feedback.max_log_age ago.
  // Marks closed periods that a change touches for correction.
  Result<std::vector<AnalyzedLog>> Analyze(const std::vector<StoredChange>& changes);

  // Analyzes stored logs created since `from` that have no analysis yet (the service stopped
  // between committing a page and analyzing it). Feedback goes out as for Analyze.
  Result<std::vector<AnalyzedLog>> AnalyzePending(EpochMs from);

  // Computes the score reports of one period ("2026-02-14", "2026-W07", "2026-02" or
  // "2026-Q1") from the stored logs, without storing them. Rejected logs are left out, and
  // person_name is the roster's name when the roster has the person. It reads only the store
  // (thread-safe) and the immutable config, so the admin API's thread may call it while the
  // scheduler's thread drives the rest. Fails with kInvalidArgument for a malformed label.
  Result<std::vector<scoring::ScoreReport>> ComputePeriod(std::string_view period_label) const;

  // Recomputes the scores of one period with ComputePeriod and stores them. Returns the stored
  // records, sorted by person.
  Result<std::vector<ScoreRecord>> ScorePeriod(std::string_view period_label);

  // Marks the period of a stored log for correction, if its cards were already sent; called
  // after an approval decision changes whether the log counts.
  Status MarkLogChanged(std::string_view report_id);

  // Runs due work. After the configured send time following a period's end, scores that period
  // and enqueues its cards. Periods already sent and marked changed are rescored, and each
  // person whose total changed gets a correction.
  Result<ScoreCardReport> RunDue();

  // When the cards of the period containing `instant` are due.
  EpochMs SendTimeAfter(EpochMs instant) const;

  // When RunDue next sends cards: the previous period's send time while it is still ahead,
  // else the current period's.
  EpochMs NextSendTime() const;

  // The label of the score period containing an instant.
  std::string PeriodLabelAt(EpochMs instant) const;

 private:
  struct Replay;
  Result<std::vector<AnalyzedLog>> AnalyzeVersions(
      const std::vector<StoredChange>& changes);
  Status SendFeedback(const AnalyzedLog& log);
  // Lets the engine accept, without edited_late, each edit made after a feedback notice reached
  // the log's author and before the deadline it gave. Reads notices created since `since`.
  Status AllowRequestedEdits(scoring::Engine& engine, EpochMs since) const;
  Status MarkPeriodChanged(const std::string& period);
  Result<int> SendCards(const std::string& period, const std::vector<ScoreRecord>& scores,
                        ScoreCardReport& report);
  Result<int> SendCorrections(const std::string& period, ScoreCardReport& report);

  Store& store_;
  Outbox& outbox_;
  const WorkdayCalendar& calendar_;
  const Clock& clock_;
  const std::shared_ptr<const scoring::Config> config_;
  const ScoreKeeperOptions options_;
};

}  // namespace logbridge::connector
