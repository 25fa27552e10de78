// The scoring engine: records are fed one by one through normalization, validation and
// aggregation, and ScoreReports per person and period come out with every KPI's raw value,
// achievement, points and evidence. Memory grows with people x periods (and a bounded evidence
// list per KPI), not with the number of logs. An Engine is not thread-safe; the Config it
// shares is immutable.
//
// Typical use:
//   Engine engine(config, {.period_kind = PeriodKind::kMonth});
//   std::vector<LogOutcome> outcomes;
//   engine.AddBatch(records, &outcomes);  // oldest first; the results of Add per record
//   std::vector<ScoreReport> reports = engine.Reports();
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "scoring/config.h"
#include "scoring/log_record.h"
#include "scoring/normalize.h"
#include "scoring/period.h"
#include "scoring/validate.h"

namespace logbridge::scoring {

struct EngineOptions {
  PeriodKind period_kind = PeriodKind::kMonth;
  // When set, only logs whose work date falls in this period are scored (all logs still feed
  // the validation history). Its kind overrides period_kind.
  std::optional<Period> only_period;
  // Evidence items kept per KPI and report: the contributions with the largest absolute values
  // (among equals, those fed first). The others are counted in evidence_omitted, so memory
  // grows with people x periods, not with logs. The same cap bounds the ignored matches
  // kept per report (ignored_omitted counts the rest). `explain` raises it for its one person.
  size_t max_evidence_per_kpi = 10;
  // Flagged logs listed per report, the first ones fed. Every flag is still counted in
  // ScoreReport::flag_counts and logs_flagged.
  size_t max_flagged_logs_per_report = 25;
  // Logs that AddBatch normalizes ahead of the one it validates and aggregates, so that the
  // memory loads of their checks and cells overlap that work. 0 feeds each log as Add does. The
  // results do not depend on it.
  // NOTE: 8 is a guess. On a 2-core VM with a large last-level cache, score_bench 1000000 2000 10
  // 370 pipelined ran 5-9% faster at 8 than at 0. Other values and smaller caches are unmeasured.
  size_t batch_lookahead = 8;
};

// The outcome of one fed log.
enum class LogDecision {
  kCounted,       // its values count fully
  kDownWeighted,  // its values count with the configured down_weight factor
  kExcluded,      // a flag's action excluded it; its flags still appear in the report
  kSkipped,       // not scored: excluded by report id, unknown template, or outside the period
};

// "counted", "down_weighted", "excluded", "skipped".
std::string_view LogDecisionName(LogDecision decision);

struct LogOutcome {
  std::string report_id;
  std::string person_id;
  Period period;
  std::vector<Flag> flags;
  LogDecision decision = LogDecision::kCounted;
  std::string skip_reason;  // set when decision is kSkipped
};

// A flagged log within a report.
struct FlaggedLog {
  std::string report_id;
  EpochMs create_time;
  LogDecision decision = LogDecision::kCounted;
  std::vector<Flag> flags;
};

// Text that an extraction rule matched but that did not count, so a reader can see why it
// added nothing: planned work (明天计划拜访3家), negated work (未签约), an identifier, an
// unreadable number (签约5,00元), or an amount that a typed field of the log gave instead.
struct IgnoredMatch {
  std::string report_id;
  std::string field_key;
  std::string rule;
  std::string metric;
  Span span;           // code points of the field's original text
  std::string quote;   // the text of span
  // "planned", "negated", "other_section", "running_total", "earlier_value", "identifier",
  // "unreadable", or "replaced" when a typed field of the same log gave the metric's value
  std::string reason;
  std::string replaced_by;  // the typed field's key for a replaced match, or empty
  // The value it would have had. An identifier or an unreadable number has none (null in
  // JSON). An unreadable number, and a digit run too long for a Decimal, has 0 here.
  Decimal value;
};

struct KpiScore {
  std::string name;
  std::string metric;
  Decimal weight;            // configured weight
  Decimal effective_weight;  // after re-normalization for KPIs without data
  bool has_data = false;
  Decimal raw;               // the metric's value; 0 when has_data is false
  bool curve_on_achievement = true;  // false when the curve reads the raw value
  // The target for the scored period. For a sum or count metric it is the configured target
  // scaled from the config's target_period by calendar days.
  std::optional<Decimal> target;
  // Set when target was scaled: the configured target and the share of the target period,
  // such as "7/30" for a week of a 30-day month, or "1/30 + 6/31" across two months.
  std::optional<Decimal> configured_target;
  std::string target_share;
  // Percent of target (target / raw when lower is better); set only when the curve is on
  // achievement.
  std::optional<Decimal> achievement;
  Decimal fraction;                    // the curve's output, in [0, cap]
  Decimal points;                      // fraction x effective_weight
  int64_t value_count = 0;             // values that fed the metric
  Aggregation aggregation = Aggregation::kSum;  // how the metric combines its values
  // For a mean: the weighted sum and the total weight it was divided by. A down-weighted log's
  // value and weight both count at the down-weight factor.
  Decimal mean_sum;
  Decimal mean_weight;
  std::vector<Evidence> evidence;      // sorted by report id, field and span
  int64_t evidence_omitted = 0;
};

struct ScoreReport {
  std::string person_id;
  std::string person_name;  // the latest creator_name seen, for display only
  std::string dept_name;
  std::string role;         // empty when no role applies; then kpis is empty
  Period period;
  PeriodKind target_period = PeriodKind::kMonth;  // the period configured targets are set for
  std::vector<KpiScore> kpis;  // in config order
  Decimal total;
  int64_t logs_counted = 0;
  int64_t logs_down_weighted = 0;
  int64_t logs_excluded = 0;
  std::vector<FlaggedLog> flagged_logs;  // sorted by create time, then report id
  int64_t logs_flagged = 0;              // all flagged logs, listed or not
  std::map<std::string, int64_t> flag_counts;  // flag code -> flags raised, listed or not
  std::vector<IgnoredMatch> ignored;      // sorted by report id, field and span
  int64_t ignored_omitted = 0;            // matches beyond max_evidence_per_kpi
};

class Engine {
 public:
  Engine(std::shared_ptr<const Config> config, EngineOptions options);
  ~Engine();
  Engine(Engine&&) noexcept;
  Engine& operator=(Engine&&) noexcept;

  // Excludes a report from scoring, for example after its approval was rejected. It applies to
  // logs fed after this call; to drop a log already fed, rescore the period with a new Engine.
  void ExcludeReport(std::string report_id);

  // Accepts edits of a report made from `from` to `until` without an edited_late flag, for
  // example because a feedback notice delivered at `from` asked its author to correct the log
  // by `until`. Like ExcludeReport, it applies to logs fed after this call.
  void AllowEdits(std::string report_id, EpochMs from, EpochMs until);

  // Normalizes, validates and aggregates one record. Feed records in create_time order, because
  // the history checks compare each log with the logs fed before it.
  LogOutcome Add(const LogRecord& record);

  // Adds records in order, with the same results as Add on each, and stores the outcome of
  // records[i] in (*outcomes)[i], refilling the outcomes already there. While one log is
  // checked, the next batch_lookahead logs are normalized and their state starts loading.
  // REQUIRES: the records live until the call returns.
  void AddBatch(std::span<const LogRecord> records, std::vector<LogOutcome>* outcomes);
  // The same for records that are not stored next to each other.
  void AddBatch(std::span<const LogRecord* const> records, std::vector<LogOutcome>* outcomes);

  // The three stages of Add, exposed for benchmarks and for callers that need a stage's output.
  NormalizedLog Normalize(const LogRecord& record) const;
  // Normalizes into *out, reusing its capacity; see scoring::Normalize.
  void Normalize(const LogRecord& record, NormalizedLog* out) const;
  // Checks the log, remembers it, and adds an approximate_value flag per approximate value.
  std::vector<Flag> Validate(const NormalizedLog& log);
  LogOutcome Aggregate(const NormalizedLog& log, std::vector<Flag> flags);
  LogOutcome Aggregate(NormalizedLog&& log, std::vector<Flag> flags);  // same as the above
  // Aggregates like the above into *out, replacing all of its previous contents. Its strings
  // keep their capacity, so a caller that reuses one LogOutcome per slot does not allocate ids
  // longer than a std::string's inline capacity again for every log.
  void Aggregate(const NormalizedLog& log, std::vector<Flag> flags, LogOutcome* out);

  // Returns a report per person and period fed so far, sorted by period, then person id.
  std::vector<ScoreReport> Reports() const;

  // Returns the report of one person and period, or nullopt when no log of theirs was fed.
  std::optional<ScoreReport> ReportFor(std::string_view person_id, const Period& period) const;

  const Config& config() const { return *config_; }

 private:
  struct State;

  // Validates into *flags, replacing its contents but keeping its buffer. It uses the log's key
  // hashes, which the batch computed when it started its loads, and the lookups that
  // Validator::StartRecordLoads found.
  void Validate(const NormalizedLog& log, const LogKeyHashes& keys, const LogLookups& found,
                std::vector<Flag>* flags);
  // Aggregates into *out, whose flags are already the log's. person_hash is the hash of the
  // log's person id (LogKeyHashes::person), and person is the person's index in the aggregate
  // state when the batch found it, else ~uint32_t{0}. names_from_config is true when the log's
  // evidence names point into config_, as Normalize leaves them, so that a recent name
  // is found by its address alone.
  void AggregateWithFlags(const NormalizedLog& log, size_t person_hash, uint32_t person,
                          bool names_from_config, LogOutcome* out);
  // Sets *out to the outcome of a record whose report id was excluded by ExcludeReport.
  void SkipExcluded(const LogRecord& record, LogOutcome* out) const;
  // Runs AddBatch over count records, where record_at(i) returns the i-th one.
  template <typename RecordAt>
  void AddBatchOf(size_t count, RecordAt record_at, std::vector<LogOutcome>* outcomes);

  std::shared_ptr<const Config> config_;
  EngineOptions options_;
  std::unique_ptr<State> state_;
};

}  // namespace logbridge::scoring
