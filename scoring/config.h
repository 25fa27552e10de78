// Config: the scoring rules an HR admin writes in TOML (reference in config/README.md):
// templates and their typed fields, extraction rules, metrics, roles with weighted KPIs, per-person
// roles and targets, and validation settings. Loading checks every reference and reports every
// problem with file, line, key and fix. A loaded Config is immutable and safe to share between
// threads; it owns the compiled extraction rules, so it is move-only.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "scoring/curve.h"
#include "scoring/decimal.h"
#include "scoring/extract.h"
#include "scoring/period.h"

namespace logbridge::scoring {

enum class FieldType { kText, kAmount, kCount, kPercent, kDuration, kEnum, kDate };

// "text", "amount", "count", "percent", "duration", "enum", "date".
std::string_view FieldTypeName(FieldType type);

// The quantity kind a typed field is read as, or nullopt for text, enum and date fields.
// Inline because Normalize calls it for every typed field.
inline std::optional<QuantityKind> QuantityKindOf(FieldType type) {
  switch (type) {
    case FieldType::kAmount: return QuantityKind::kAmount;
    case FieldType::kCount: return QuantityKind::kCount;
    case FieldType::kPercent: return QuantityKind::kPercent;
    case FieldType::kDuration: return QuantityKind::kDuration;
    default: return std::nullopt;
  }
}

struct FieldSpec {
  std::string key;     // matched against contents[].key
  int32_t sort = -1;   // fallback: matched against contents[].sort when no key matches
  FieldType type = FieldType::kText;
  std::string unit;    // default unit of amounts ("元", "万元") and durations ("天", "小时")
  std::map<std::string, Decimal, std::less<>> choices;  // enum: text -> value, e.g. 满意 -> 5
  bool required = false;
  std::string metric;  // the metric this field's value feeds; empty for none
  int metric_index = -1;  // index into Config::metrics of metric; -1 for none
  bool extract = true;     // text fields: apply the extraction rules
  bool work_date = false;  // date fields: the day the log reports on (else create_time's day)
  bool customer = false;   // the field naming the customer, for the order checks
  int extractor = -1;      // index into Config::extractors; -1 when no rule applies
  int line = 0;
};

// When a log is due: minute_of_day (Shanghai time) on the day that is days_after days after
// the last day of the period containing the log's work date.
struct Deadline {
  PeriodKind period = PeriodKind::kDay;
  int32_t minute_of_day = 23 * 60 + 59;
  int32_t days_after = 0;

  // Returns the deadline for a log whose work date is the given Shanghai day.
  EpochMs For(int64_t work_day) const;

  bool operator==(const Deadline&) const = default;
};

struct TemplateSpec {
  std::string name;  // matched against template_name
  std::vector<FieldSpec> fields;
  std::optional<Deadline> deadline;
  int role_index = -1;  // index into Config::roles of the first role listing this template, or -1
  int line = 0;
};

// The config rule that one rule of a compiled Extractor came from, and the metric that its
// counted matches feed.
struct ExtractorRuleTarget {
  size_t rule = 0;  // index into Config::rules
  int metric = -1;  // index into Config::metrics
};

// An extraction rule as configured, with the text fields it reads (empty: every text field).
struct RuleSpec {
  ExtractionRule rule;
  std::vector<std::string> fields;
  int line = 0;
};

enum class Aggregation { kSum, kCount, kMean, kMin, kMax, kDistinct, kRatio };

// "sum", "count", "mean", "min", "max", "distinct", "ratio".
std::string_view AggregationName(Aggregation aggregation);

struct MetricSpec {
  std::string name;
  Aggregation aggregation = Aggregation::kSum;
  // Ratio metrics: numerator / denominator * scale, for example scale 100 for a percentage.
  std::string numerator;
  std::string denominator;
  Decimal scale = Decimal::FromInt(1);
  // Time-saving metrics: one value per log, (planned - actual) / planned in percent, read from
  // two duration fields. Planned 2 days and done in 1 is 50.
  std::string planned_field;
  std::string actual_field;
  int line = 0;
};

struct KpiSpec {
  std::string name;    // unique within the role; per-person targets refer to it
  std::string metric;
  int metric_index = -1;  // index into Config::metrics
  Decimal weight;         // points at full achievement; a role's weights sum to 100
  std::optional<Decimal> target;
  bool lower_is_better = false;
  Curve curve;
  int line = 0;
};

// The policy for a KPI without data in the period: zero points, or its weight spread over the
// KPIs that have data, so the total is still out of 100.
enum class MissingPolicy { kZero, kRenormalize };

struct RoleSpec {
  std::string name;
  std::vector<std::string> templates;  // logs on these templates make their author this role
  std::vector<KpiSpec> kpis;
  MissingPolicy missing = MissingPolicy::kZero;
  int line = 0;
};

// Validation flag codes. Config actions and output use these names.
inline constexpr std::string_view kFlagTooShort = "too_short";
inline constexpr std::string_view kFlagBoilerplate = "boilerplate";
inline constexpr std::string_view kFlagMissingField = "missing_field";
inline constexpr std::string_view kFlagUnreadableValue = "unreadable_value";
inline constexpr std::string_view kFlagAmountJump = "amount_jump";
inline constexpr std::string_view kFlagUnitSlip = "unit_slip";
inline constexpr std::string_view kFlagRoleOutlier = "role_outlier";
inline constexpr std::string_view kFlagNearDuplicate = "near_duplicate";
inline constexpr std::string_view kFlagDuplicateOrder = "duplicate_order";
inline constexpr std::string_view kFlagReusedText = "reused_text";
inline constexpr std::string_view kFlagRepeatedOrder = "repeated_order";
inline constexpr std::string_view kFlagLate = "late";
inline constexpr std::string_view kFlagEditedLate = "edited_late";
inline constexpr std::string_view kFlagApproximateValue = "approximate_value";
inline constexpr std::string_view kAllFlagCodes[] = {
    kFlagTooShort,  kFlagBoilerplate,    kFlagMissingField,   kFlagUnreadableValue,
    kFlagAmountJump, kFlagUnitSlip,      kFlagRoleOutlier,    kFlagNearDuplicate,
    kFlagDuplicateOrder, kFlagLate,      kFlagEditedLate,     kFlagApproximateValue,
    kFlagReusedText,     kFlagRepeatedOrder};

// The action on a flagged log's values. The strongest action among a log's flags applies.
enum class FlagAction { kReportOnly, kDownWeight, kExclude };

// "report_only", "down_weight", "exclude".
std::string_view FlagActionName(FlagAction action);

struct ValidationSpec {
  int32_t min_chars = 10;  // a log with fewer characters of content is too short
  std::vector<std::string> boilerplate = {"完成日常工作", "今日无工作"};
  Decimal amount_multiple = Decimal::FromInt(2);  // k in "over k times the customer's largest"
  int32_t unit_slip_min_history = 3;  // earlier amounts of the person needed for a median
  double outlier_threshold = 3.5;     // robust z-score (median and MAD) that marks an outlier
  int32_t outlier_min_samples = 10;   // role values needed before outliers are judged
  double duplicate_similarity = 0.8;  // Jaccard similarity of the text fields' 3-grams
  int32_t duplicate_window = 20;      // earlier logs of the same person compared
  std::string order_metric;           // metric whose values are order amounts; empty: none
  int order_metric_index = -1;
  Decimal down_weight = Decimal::FromUnits(5000);  // factor for down-weighted logs (0.5)
  std::map<std::string, FlagAction> actions;       // by flag code; absent: report only

  FlagAction ActionFor(std::string_view code) const;
};

// One problem found while loading a config.
struct ConfigProblem {
  std::string file;
  int line = 0;  // 0 when unknown
  std::string key;
  std::string message;
  std::string fix;

  // "file:line: key: message; fix".
  std::string ToString() const;
};

struct Config {
  std::string source;                 // file name or the name given to LoadConfigString
  PeriodKind period = PeriodKind::kMonth;  // default scoring period
  // The period that KPI targets are set for. Targets of sum and count metrics are scaled to
  // the scored period by calendar days, so a week scored against a 30-day month gets 7/30.
  PeriodKind target_period = PeriodKind::kMonth;
  std::vector<TemplateSpec> templates;
  std::vector<RuleSpec> rules;
  std::vector<MetricSpec> metrics;
  std::vector<RoleSpec> roles;
  // creator_id -> role name. The comparator is transparent, so a lookup by string_view builds
  // no std::string.
  std::map<std::string, std::string, std::less<>> person_roles;
  // creator_id -> KPI name -> target, overriding the role's target.
  std::map<std::string, std::map<std::string, Decimal, std::less<>>, std::less<>> person_targets;
  ValidationSpec validation;
  std::vector<Extractor> extractors;  // compiled rule sets, shared by fields with equal rules
  // The target of each rule of each extractor: extractor_targets[e][r] for extractors[e].rule(r),
  // resolved once at load, so that a counted match looks up no names.
  std::vector<std::vector<ExtractorRuleTarget>> extractor_targets;

  const TemplateSpec* FindTemplate(std::string_view name) const;
  int FindMetric(std::string_view name) const;  // index, or -1
  const RoleSpec* FindRole(std::string_view name) const;

  // Returns the role for a log: the person's explicit role, else the first role listing the
  // template, else nullptr.
  const RoleSpec* RoleForLog(std::string_view creator_id, std::string_view template_name) const;
  // Returns the role as above, but takes the template's role that loading resolved instead of
  // searching the roles by name. REQUIRES: spec is one of this config's templates.
  const RoleSpec* RoleForLog(std::string_view creator_id, const TemplateSpec& spec) const;

  // The target of a KPI for a person: the person's override, else the KPI's target.
  std::optional<Decimal> TargetFor(std::string_view creator_id, const KpiSpec& kpi) const;
};

// Loads and checks a config. On any problem the error lists every problem, one per line, each
// as ConfigProblem::ToString, and no config is returned.
Result<Config> LoadConfigFile(const std::string& path);
Result<Config> LoadConfigString(std::string_view toml_text, std::string_view source = "config");

// Checks a config and returns every problem found; empty when it loads.
std::vector<ConfigProblem> CheckConfigFile(const std::string& path);
std::vector<ConfigProblem> CheckConfigString(std::string_view toml_text,
                                             std::string_view source = "config");

}  // namespace logbridge::scoring
