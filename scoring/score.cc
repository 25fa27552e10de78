// The engine's per person-and-period state and the KPI arithmetic: aggregation into metrics,
// achievement against targets, curves and re-normalization. All in exact decimals, so the same
// input and config give the same digits.
#include "scoring/score.h"

#include <algorithm>
#include <array>
#include <functional>
#include <limits>
#include <span>
#include <tuple>

#include "scoring/distinct_texts.h"
#include "scoring/evidence_origins.h"
#include "scoring/flat_table.h"
#include "scoring/packed_strings.h"
#include "scoring/prefetch.h"
#include "scoring/rational.h"
#include "scoring/short_bytes.h"
#include "scoring/text_hash.h"
#include "scoring/top_evidence.h"

namespace logbridge::scoring {
namespace {

// Running aggregate of one metric for one person and period. Each log updates several of them,
// and they are often out of cache between two logs of one person, so one fits in a cache line.
// That works because an aggregation reads at most two numbers, and because every value is
// offered to the evidence list, whose counts then give the value count.
struct alignas(64) MetricState {
  // The number that the aggregation reads: the weighted sum for kSum and kMean, the smallest
  // value for kMin, the largest for kMax, and the number of distinct texts for kDistinct. The
  // texts themselves are in Engine::State::distinct_sets. kCount and kRatio leave it at 0.
  Decimal value;
  Decimal weight_total;  // the sum of the values' weights, read by kCount and kMean
  TopEvidence evidence;

  // Returns the number of values fed, kept as evidence or not.
  int64_t count() const { return static_cast<int64_t>(evidence.size()) + evidence.omitted(); }
};
static_assert(sizeof(MetricState) == 64);

// Returns a + b, or the nearest Decimal limit when the sum overflows, so that a total never
// wraps around to the other sign. Quantities read from text are at most kLargestQuantity, so
// a period reaches a limit only with more than 900 of the largest ones.
Decimal SaturatingAdd(Decimal a, Decimal b) {
  std::optional<Decimal> sum = a.CheckedAdd(b);
  if (sum) {
    return *sum;
  }
  return Decimal::FromUnits(b.units() > 0 ? std::numeric_limits<int64_t>::max()
                                          : std::numeric_limits<int64_t>::min());
}

// An IgnoredMatch with its texts packed, so that keeping one allocates nothing.
struct IgnoredItem {
  Span span;
  Decimal value;
  // A string literal: "planned", "negated", "other_section", "running_total",
  // "earlier_value", "identifier", "unreadable" or "replaced".
  std::string_view reason;
  PackedStrings<6> texts;   // report id, field key, rule, metric, quote, replaced_by
};

// The aggregates of one person's period.
struct Cell {
  uint32_t person = 0;  // index into Engine::State::person_ids
  Period period;
  std::string person_name;
  std::string dept_name;
  int64_t logs_counted = 0;
  int64_t logs_down_weighted = 0;
  int64_t logs_excluded = 0;
  std::vector<FlaggedLog> flagged_logs;  // the first ones, up to the engine's cap
  int64_t logs_flagged = 0;
  // Flags raised per code: codes of kAllFlagCodes by their index, any other code by name.
  std::array<int64_t, std::size(kAllFlagCodes)> known_flag_counts{};
  std::map<std::string, int64_t, std::less<>> other_flag_counts;
  std::vector<IgnoredItem> ignored;
  int64_t ignored_omitted = 0;
  int32_t ignored_replaced = 0;  // items of ignored with reason "replaced"
  // Items of ignored before this index have other reasons than "replaced". Only the first
  // "replaced" item is ever overwritten, so the search for the next one starts here.
  uint32_t ignored_search_from = 0;
};

// Returns the indexes 0 to count - 1 in the order std::sort would leave elements that compare as
// before(index, index) does. std::sort's moves depend only on the outcomes of its comparisons, so
// sorting indexes gives the same order as sorting the elements, equal ones included, while
// moving 4-byte indexes instead of structs of strings.
template <typename Before>
std::vector<uint32_t> SortedOrder(size_t count, Before before) {
  std::vector<uint32_t> order(count);
  for (size_t i = 0; i < count; ++i) {
    order[i] = static_cast<uint32_t>(i);
  }
  std::sort(order.begin(), order.end(), before);
  return order;
}

// The metric's value for a cell, or nullopt when nothing fed it.
std::optional<Decimal> MetricValueOf(const Config& config, std::span<const MetricState> metrics,
                                     int index) {
  const MetricSpec& metric = config.metrics[index];
  const MetricState& state = metrics[index];
  if (metric.aggregation == Aggregation::kRatio) {
    std::optional<Decimal> numerator =
        MetricValueOf(config, metrics, config.FindMetric(metric.numerator));
    std::optional<Decimal> denominator =
        MetricValueOf(config, metrics, config.FindMetric(metric.denominator));
    if (!numerator || !denominator || *denominator == Decimal()) {
      return std::nullopt;
    }
    return *numerator * metric.scale / *denominator;
  }
  if (state.count() == 0) {
    return std::nullopt;
  }
  switch (metric.aggregation) {
    case Aggregation::kSum: return state.value;
    case Aggregation::kCount: return state.weight_total;
    case Aggregation::kMean:
      return state.weight_total == Decimal() ? std::nullopt
                                             : std::optional(state.value / state.weight_total);
    case Aggregation::kMin:
    case Aggregation::kMax:
    case Aggregation::kDistinct:
      return state.value;
    case Aggregation::kRatio: break;
  }
  return std::nullopt;
}

// Returns the value of a metric as an exact fraction, so that a mean or a ratio reaches the
// curve unrounded: 4 of 7 is 0.571428..., not 0.5714. Other aggregations are exact decimals.
std::optional<Rational> ExactMetricValueOf(const Config& config,
                                           std::span<const MetricState> metrics, int index) {
  std::optional<Decimal> rounded = MetricValueOf(config, metrics, index);
  if (!rounded) {
    return std::nullopt;
  }
  const MetricSpec& metric = config.metrics[index];
  const MetricState& state = metrics[index];
  if (metric.aggregation == Aggregation::kMean) {
    return Rational(state.value) / Rational(state.weight_total);
  }
  if (metric.aggregation == Aggregation::kRatio) {
    // A ratio has a value only when both of its parts have one.
    auto part = [&](const std::string& name) {
      return *ExactMetricValueOf(config, metrics, config.FindMetric(name));
    };
    return part(metric.numerator) * Rational(metric.scale) / part(metric.denominator);
  }
  return Rational(*rounded);
}

// A kept evidence item of a cell: its list and its slot there.
struct EvidenceSlot {
  const TopEvidence* list = nullptr;
  uint32_t slot = 0;
};

// Collects the kept evidence of a metric (both parts of a ratio) in the order the lists hold it,
// and counts what it omits.
void CollectEvidence(const Config& config, std::span<const MetricState> metrics, int index,
                     std::vector<EvidenceSlot>* slots, KpiScore* kpi) {
  const MetricSpec& metric = config.metrics[index];
  if (metric.aggregation == Aggregation::kRatio) {
    CollectEvidence(config, metrics, config.FindMetric(metric.numerator), slots, kpi);
    CollectEvidence(config, metrics, config.FindMetric(metric.denominator), slots, kpi);
    return;
  }
  const MetricState& state = metrics[index];
  for (uint32_t slot = 0; slot < state.evidence.size(); ++slot) {
    slots->push_back({&state.evidence, slot});
  }
  kpi->evidence_omitted += state.evidence.omitted();
  kpi->value_count += state.count();
}

// Appends the evidence of slots to out, sorted by report id, field key, span and source, with
// ties in the order std::sort leaves them when it sorts the Evidence of slots built first.
// Only the sort keys are read before sorting, and each Evidence is built once, in place.
void AppendSortedEvidence(const EvidenceOrigins& origins, Decimal down_weight,
                          std::span<const EvidenceSlot> slots, std::vector<Evidence>* out) {
  std::vector<TopEvidence::ItemKey> keys;
  keys.reserve(slots.size());
  for (const EvidenceSlot& slot : slots) {
    keys.push_back(slot.list->KeyOf(origins, slot.slot));
  }
  auto before = [&](uint32_t a, uint32_t b) {
    const TopEvidence::ItemKey& left = keys[a];
    const TopEvidence::ItemKey& right = keys[b];
    return std::tie(left.report_id, left.field_key, left.span.begin, left.span.end, left.source) <
           std::tie(right.report_id, right.field_key, right.span.begin, right.span.end,
                    right.source);
  };
  out->reserve(out->size() + slots.size());
  for (uint32_t index : SortedOrder(slots.size(), before)) {
    slots[index].list->AppendItemTo(origins, down_weight, slots[index].slot, out);
  }
}

// Scales the target of a sum or count KPI from the config's target period to the scored
// period: target x days / days of the target period, summed over each target period that the
// scored period overlaps. A week across two months gets target x (1/30 + 6/31). The sum is
// exact and rounded once; *exact_target receives it unrounded (or the target unchanged).
// NOTE: a curve on the raw value does not read the target, so its thresholds stay as written.
void ScaleTarget(const Config& config, const KpiSpec& spec, const Period& period,
                 KpiScore* kpi, Rational* exact_target) {
  if (kpi->target) {
    *exact_target = Rational(*kpi->target);
  }
  Aggregation aggregation = config.metrics[spec.metric_index].aggregation;
  if (!kpi->target || (aggregation != Aggregation::kSum && aggregation != Aggregation::kCount)) {
    return;
  }
  Rational share;
  Decimal rounded_sum;  // used only if the exact share overflows
  int64_t whole_periods = 0;
  std::string parts;
  for (int64_t day = period.first_day; day < period.end_day;) {
    Period target_period = PeriodOfDay(config.target_period, day);
    int64_t end = std::min(target_period.end_day, period.end_day);
    int64_t days = end - day;
    int64_t length = target_period.end_day - target_period.first_day;
    share = share + Rational::FromInt(days) / Rational::FromInt(length);
    rounded_sum = rounded_sum + *kpi->target * Decimal::FromInt(days) / Decimal::FromInt(length);
    if (days == length) {
      ++whole_periods;
    } else {
      parts += (parts.empty() ? "" : " + ") + std::to_string(days) + "/" + std::to_string(length);
    }
    day = end;
  }
  if (whole_periods == 1 && parts.empty()) {
    return;  // the scored period is one target period
  }
  if (whole_periods > 0) {
    parts = std::to_string(whole_periods) + (parts.empty() ? "" : " + " + parts);
  }
  Rational scaled = Rational(*kpi->target) * share;
  kpi->configured_target = kpi->target;
  kpi->target = scaled.ToDecimal().value_or(rounded_sum);
  kpi->target_share = parts;
  *exact_target = scaled.overflowed() ? Rational(*kpi->target) : scaled;
}

// The unrounded inputs of a KPI's points, so that achievement, curve and weight are combined
// exactly and rounded once: 5 of a target of 12 on a weight of 30 is 12.5, not 0.4167 x 30.
struct ExactKpiInputs {
  Rational raw;               // the metric's value, unrounded for a mean or a ratio
  Rational target;            // the scaled target, when the KPI has one
  Rational effective_weight;  // after re-normalization
};

// Fills achievement, fraction and points of a KPI that has data.
void ScoreKpi(const KpiSpec& spec, const ExactKpiInputs& exact, KpiScore* kpi) {
  Rational hundred = Rational::FromInt(100);
  std::optional<Rational> achievement;
  if (kpi->target && spec.curve.on_achievement) {
    if (!spec.lower_is_better) {
      achievement = exact.raw * hundred / exact.target;
      kpi->achievement = kpi->raw * Decimal::FromInt(100) / *kpi->target;
    } else if (kpi->raw > Decimal()) {
      achievement = exact.target * hundred / exact.raw;
      kpi->achievement = *kpi->target * Decimal::FromInt(100) / kpi->raw;
    }
    if (achievement) {
      kpi->achievement = achievement->ToDecimal().value_or(*kpi->achievement);
    }
  }

  Rational fraction;
  if (spec.curve.on_achievement && !kpi->achievement) {
    // Lower is better and the raw value is zero: the best possible result.
    fraction = Rational(spec.curve.cap);
  } else {
    fraction = spec.curve.ExactFraction(achievement.value_or(exact.raw));
  }
  std::optional<Decimal> rounded_fraction = fraction.ToDecimal();
  std::optional<Decimal> points = (fraction * exact.effective_weight).ToDecimal();
  if (rounded_fraction && points) {
    kpi->fraction = *rounded_fraction;
    kpi->points = *points;
    return;
  }
  // An intermediate value overflowed 128 bits: round at each step instead.
  kpi->fraction = spec.curve.on_achievement && !kpi->achievement
                      ? spec.curve.cap
                      : spec.curve.Fraction(spec.curve.on_achievement ? *kpi->achievement
                                                                      : kpi->raw);
  kpi->points = kpi->fraction * kpi->effective_weight;
}

// role_votes and metrics are the cell's, as Engine::State stores them apart from the cell, and
// origins is the table their evidence interned names in.
ScoreReport BuildReport(const Config& config, const EvidenceOrigins& origins,
                        const std::string& person, const Cell& cell,
                        std::span<const int64_t> role_votes, std::span<const MetricState> metrics) {
  const Period& period = cell.period;
  ScoreReport report;
  report.person_id = person;
  report.person_name = cell.person_name;
  report.dept_name = cell.dept_name;
  report.period = period;
  report.target_period = config.target_period;
  report.logs_counted = cell.logs_counted;
  report.logs_down_weighted = cell.logs_down_weighted;
  report.logs_excluded = cell.logs_excluded;
  report.flagged_logs = cell.flagged_logs;
  report.logs_flagged = cell.logs_flagged;
  for (size_t i = 0; i < cell.known_flag_counts.size(); ++i) {
    if (cell.known_flag_counts[i] > 0) {
      report.flag_counts.emplace(kAllFlagCodes[i], cell.known_flag_counts[i]);
    }
  }
  report.flag_counts.insert(cell.other_flag_counts.begin(), cell.other_flag_counts.end());
  std::sort(report.flagged_logs.begin(), report.flagged_logs.end(),
            [](const FlaggedLog& a, const FlaggedLog& b) {
              return std::tie(a.create_time, a.report_id) < std::tie(b.create_time, b.report_id);
            });
  report.ignored.reserve(cell.ignored.size());
  for (uint32_t index : SortedOrder(cell.ignored.size(), [&](uint32_t a, uint32_t b) {
         const PackedStrings<6>& left = cell.ignored[a].texts;
         const PackedStrings<6>& right = cell.ignored[b].texts;
         return std::tuple(left.Part(0), left.Part(1), cell.ignored[a].span.begin,
                           cell.ignored[a].span.end) <
                std::tuple(right.Part(0), right.Part(1), cell.ignored[b].span.begin,
                           cell.ignored[b].span.end);
       })) {
    const IgnoredItem& item = cell.ignored[index];
    IgnoredMatch& match = report.ignored.emplace_back();
    match.report_id = item.texts.Part(0);
    match.field_key = item.texts.Part(1);
    match.rule = item.texts.Part(2);
    match.metric = item.texts.Part(3);
    match.span = item.span;
    match.quote = item.texts.Part(4);
    match.reason = item.reason;
    match.replaced_by = item.texts.Part(5);
    match.value = item.value;
  }
  report.ignored_omitted = cell.ignored_omitted;

  // The role with the most logs wins; ties go to the first name in order.
  const RoleSpec* role = nullptr;
  int64_t best_votes = 0;
  for (size_t i = 0; i < role_votes.size(); ++i) {
    int64_t votes = role_votes[i];
    if (votes > best_votes ||
        (votes == best_votes && votes > 0 && config.roles[i].name < role->name)) {
      best_votes = votes;
      role = &config.roles[i];
    }
  }
  if (role == nullptr) {
    return report;
  }
  report.role = role->name;

  Decimal present_weight;
  std::vector<ExactKpiInputs> exact(role->kpis.size());
  std::vector<EvidenceSlot> evidence_slots;  // reused by each KPI
  for (const KpiSpec& spec : role->kpis) {
    KpiScore kpi;
    kpi.name = spec.name;
    kpi.metric = spec.metric;
    kpi.weight = spec.weight;
    kpi.curve_on_achievement = spec.curve.on_achievement;
    kpi.aggregation = config.metrics[spec.metric_index].aggregation;
    if (kpi.aggregation == Aggregation::kMean) {
      kpi.mean_sum = metrics[spec.metric_index].value;
      kpi.mean_weight = metrics[spec.metric_index].weight_total;
    }
    kpi.target = config.TargetFor(person, spec);
    ScaleTarget(config, spec, period, &kpi, &exact[report.kpis.size()].target);
    std::optional<Decimal> raw = MetricValueOf(config, metrics, spec.metric_index);
    kpi.has_data = raw.has_value();
    kpi.raw = raw.value_or(Decimal());
    exact[report.kpis.size()].raw = ExactMetricValueOf(config, metrics, spec.metric_index)
                                        .value_or(Rational(kpi.raw));
    if (kpi.has_data) {
      present_weight = present_weight + spec.weight;
    }
    evidence_slots.clear();
    CollectEvidence(config, metrics, spec.metric_index, &evidence_slots, &kpi);
    AppendSortedEvidence(origins, config.validation.down_weight, evidence_slots, &kpi.evidence);
    report.kpis.push_back(std::move(kpi));
  }

  for (size_t i = 0; i < role->kpis.size(); ++i) {
    KpiScore& kpi = report.kpis[i];
    kpi.effective_weight = kpi.weight;
    exact[i].effective_weight = Rational(kpi.weight);
    if (role->missing == MissingPolicy::kRenormalize) {
      bool share = kpi.has_data && present_weight > Decimal();
      kpi.effective_weight =
          share ? kpi.weight * Decimal::FromInt(100) / present_weight : Decimal();
      exact[i].effective_weight =
          share ? Rational(kpi.weight) * Rational::FromInt(100) / Rational(present_weight)
                : Rational();
    }
    if (kpi.has_data) {
      ScoreKpi(role->kpis[i], exact[i], &kpi);
    }
    report.total = report.total + kpi.points;
  }
  return report;
}

// Appends an info flag for each counted value that is a range (十几万, 两三个), naming its
// text, its range and the midpoint that was counted. A hedged value such as 约5万 counts as
// written, so its evidence is marked approximate but it raises no flag: the flag feeds the
// authors' edit requests, and asking people to drop 约 from 约8小时 is noise.
void AppendApproximateValueFlags(const NormalizedLog& log, std::vector<Flag>* flags) {
  for (const MetricValue& value : log.values) {
    const std::optional<ValueRange>& range = value.evidence.approximate;
    if (!range || range->low == range->high) {
      continue;
    }
    flags->push_back({std::string(kFlagApproximateValue), Severity::kInfo,
                      std::string(value.evidence.field_key),
                      "\"" + std::string(value.evidence.Quote()) + "\" is approximate, from " +
                          range->low.ToString() + " to " + range->high.ToString() +
                          ", so its midpoint " + value.value.ToString() + " is the value used"});
  }
}

// Returns whether two texts are equal. Field keys are short and often of one size, such as four
// ideographs, where a word comparison is cheaper than a call to memcmp.
bool SameText(std::string_view a, std::string_view b) {
  return a.size() == b.size() && EqualShortBytes(a.data(), b.data(), a.size());
}

// LogRecord::FindField with the key comparison of SameText: the field with the key, else the
// first one with fallback_sort when that is not negative, else nullptr.
const LogField* FindRecordField(const LogRecord& record, std::string_view key,
                                int32_t fallback_sort) {
  for (const LogField& field : record.contents) {
    if (SameText(field.key, key)) {
      return &field;
    }
  }
  if (fallback_sort < 0) {
    return nullptr;
  }
  for (const LogField& field : record.contents) {
    if (field.sort == fallback_sort) {
      return &field;
    }
  }
  return nullptr;
}

// Fills an item with what an ignored extraction would have counted and the quoted text it came
// from; the item's buffers are reused.
void FillIgnoredItem(const NormalizedLog& log, const IgnoredExtraction& ignored,
                     IgnoredItem* item) {
  const Extraction& extraction = ignored.extraction;
  item->span = extraction.span;
  item->value = extraction.quantity.Value();
  item->reason = !ignored.replaced_by.empty()             ? "replaced"
                 : extraction.identifier                 ? "identifier"
                 : extraction.unreadable                 ? "unreadable"
                 : extraction.aspect == Aspect::kPlanned ? "planned"
                 : extraction.aspect == Aspect::kNegated ? "negated"
                 : extraction.aspect == Aspect::kRunningTotal ? "running_total"
                 : extraction.aspect == Aspect::kEarlierValue ? "earlier_value"
                                                              : "other_section";
  // The field is found as Normalize found it: by key, else by the configured sort. Normalize
  // stores the field it read in ignored.field. For a non-empty key that is the same field, and
  // only one field spec has the key, because the non-empty keys of a template are distinct.
  const LogField* field = ignored.field;
  int fields_with_key = 1;
  if (field == nullptr || ignored.field_key.empty()) {
    int32_t sort = -1;
    fields_with_key = 0;
    for (const FieldSpec& spec : log.spec->fields) {
      if (SameText(spec.key, ignored.field_key)) {
        sort = spec.sort;
        ++fields_with_key;
      }
    }
    field = FindRecordField(*log.record, ignored.field_key, sort);
  }
  std::string_view quote;
  if (field != nullptr) {
    // The extraction's byte offsets are into the text it was extracted from, which is this
    // field's only when one field of the template has the key. Then they save walking the text.
    bool offsets_apply = fields_with_key == 1 && extraction.span_begin_byte >= 0 &&
                         extraction.span_begin_byte <= extraction.span_end_byte &&
                         static_cast<size_t>(extraction.span_end_byte) <= field->value.size();
    quote = offsets_apply
                ? std::string_view(field->value)
                      .substr(static_cast<size_t>(extraction.span_begin_byte),
                              static_cast<size_t>(extraction.span_end_byte -
                                                  extraction.span_begin_byte))
                : Utf8SliceView(field->value, extraction.span.begin, extraction.span.end);
  }
  item->texts.Assign({log.record->report_id, ignored.field_key, extraction.rule,
                      extraction.metric, quote, ignored.replaced_by});
}

// Sets *to to text like assign() does. Ids of one batch often have the size of the previous
// log's id, and then the bytes are copied inline without assign's call into the library.
inline void AssignKeepingBuffer(std::string_view text, std::string* to) {
  if (to->size() == text.size()) {
    CopyShortBytes(text.data(), text.size(), to->data());
    return;
  }
  to->assign(text);
}

// Starts loading every cache line that bytes overlap.
void StartLoads(std::span<const std::byte> bytes) {
  constexpr uintptr_t kLine = 64;
  uintptr_t end = reinterpret_cast<uintptr_t>(bytes.data() + bytes.size());
  for (uintptr_t line = reinterpret_cast<uintptr_t>(bytes.data()) & ~(kLine - 1); line < end;
       line += kLine) {
    StartLoad(reinterpret_cast<const void*>(line));
  }
}

// Starts loading the field array of a record.
void StartFieldArrayLoad(const LogRecord& record) {
  StartLoads(std::as_bytes(std::span(record.contents)));
}

// Returns the index of a code in kAllFlagCodes, or -1 for any other code.
int KnownFlagIndex(std::string_view code) {
  for (size_t i = 0; i < std::size(kAllFlagCodes); ++i) {
    if (kAllFlagCodes[i] == code) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

}  // namespace

std::string_view LogDecisionName(LogDecision decision) {
  switch (decision) {
    case LogDecision::kCounted: return "counted";
    case LogDecision::kDownWeighted: return "down_weighted";
    case LogDecision::kExcluded: return "excluded";
    case LogDecision::kSkipped: return "skipped";
  }
  return "counted";
}

// Marks a person without a cell yet, or a cell not found.
constexpr uint32_t kNoCell = ~uint32_t{0};
// Marks a person id that has no index yet, or one not looked up.
constexpr uint32_t kNoPerson = ~uint32_t{0};

// A person's period by the person's index: the key of the engine's cells.
struct CellKey {
  uint32_t person = 0;
  Period period;
  bool operator==(const CellKey&) const = default;
};

struct CellKeyHash {
  size_t operator()(const CellKey& key) const {
    size_t seed = key.person;
    for (int64_t part : {static_cast<int64_t>(key.period.kind), key.period.first_day}) {
      seed ^= std::hash<int64_t>()(part) + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2);
    }
    return seed;
  }
};

struct Engine::State {
  explicit State(const Config& config)
      : validator(config), metric_count(config.metrics.size()), role_count(config.roles.size()) {
    for (size_t i = 0; i < std::size(kAllFlagCodes); ++i) {
      known_actions[i] = config.validation.ActionFor(kAllFlagCodes[i]);
    }
    for (const MetricSpec& metric : config.metrics) {
      bool distinct = metric.aggregation == Aggregation::kDistinct;
      distinct_positions.push_back(distinct ? static_cast<int>(distinct_metric_count) : -1);
      distinct_metric_count += distinct ? 1 : 0;
    }
  }
  Validator validator;
  std::set<std::string> excluded_reports;
  // The configured action of each code of kAllFlagCodes, so a flag's action costs no lookup.
  std::array<FlagAction, std::size(kAllFlagCodes)> known_actions{};
  // KnownFlagIndex of each flag of the log being aggregated; kept to reuse its buffer.
  std::vector<int> flag_indexes;
  // The period of the last log aggregated. Logs come in time order, so the next log's work day
  // is usually in it, and the periods of one kind do not overlap.
  std::optional<Period> last_period;

  // Returns PeriodOfDay(kind, day), reusing the last result when it contains the day.
  Period PeriodFor(PeriodKind kind, int64_t day) {
    if (!last_period || last_period->kind != kind || !last_period->ContainsDay(day)) {
      last_period = PeriodOfDay(kind, day);
    }
    return *last_period;
  }

  // Person ids by index, and the index of each id, so cells store a small integer.
  std::vector<std::string> person_ids;
  FlatTable<std::string, uint32_t, TextHash> person_indexes;
  // The cell each person's last log went to, with its period. Logs come in time order, so it
  // is usually the cell of the person's next log, which then needs no lookup in cell_indexes
  // and no read of the cell itself.
  struct LastCell {
    uint32_t cell = kNoCell;
    Period period;
  };
  std::vector<LastCell> last_cells;
  // The cells in the order they were added, and the index of each person's period. Adding a
  // cell may move the others, so callers hold cell indexes, not references, across CellFor.
  std::vector<Cell> cells;
  FlatTable<CellKey, uint32_t, CellKeyHash> cell_indexes;
  // The metric states and role votes of cell i at [i x count, (i + 1) x count). Their address
  // follows from the cell index alone, so reading them need not wait for the cell's memory.
  size_t metric_count;
  size_t role_count;
  std::vector<MetricState> metric_states;
  std::vector<int64_t> role_votes;

  // The position of each metric among the distinct metrics, or -1 for other metrics.
  std::vector<int> distinct_positions;
  size_t distinct_metric_count = 0;
  // The texts counted by cell i's distinct metrics, at [i x distinct_metric_count, (i + 1) x
  // distinct_metric_count). Like metric_states, addressed from the cell index alone.
  std::vector<DistinctTexts> distinct_sets;
  // The field key, source and paired key of every kept evidence item, by the id the item stores.
  EvidenceOrigins evidence_origins;

  DistinctTexts& DistinctSetOf(uint32_t cell, int metric) {
    return distinct_sets[cell * distinct_metric_count +
                         static_cast<size_t>(distinct_positions[static_cast<size_t>(metric)])];
  }

  // Returns the index of a person id, adding it on first use.
  // REQUIRES: hash is person_indexes.HashOf(person), here and below.
  uint32_t PersonIndex(std::string_view person, size_t hash) {
    auto [index, added] = person_indexes.TryEmplaceHashed(
        hash, person, static_cast<uint32_t>(person_ids.size()));
    if (added) {
      person_ids.emplace_back(person);
      last_cells.emplace_back();
    }
    return *index;
  }

  // Returns the index of a person id, or kNoPerson when it has none yet.
  uint32_t FindPersonIndex(std::string_view person_id, size_t hash) const {
    const uint32_t* person = person_indexes.FindHashed(person_id, hash);
    return person != nullptr ? *person : kNoPerson;
  }

  // Returns the index of the cell of a person's period, adding the cell on first use. person is
  // the person id's index when the caller found it already, or kNoPerson.
  uint32_t CellFor(const Period& period, std::string_view person_id, size_t hash,
                   uint32_t person) {
    if (person == kNoPerson) {
      person = PersonIndex(person_id, hash);
    }
    LastCell& last = last_cells[person];
    if (last.cell != kNoCell && last.period == period) {
      return last.cell;
    }
    auto [index, added] =
        cell_indexes.TryEmplace(CellKey{person, period}, static_cast<uint32_t>(cells.size()));
    last = {*index, period};
    if (!added) {
      return *index;
    }
    Cell& cell = cells.emplace_back();
    cell.person = person;
    cell.period = period;
    metric_states.resize(cells.size() * metric_count);
    distinct_sets.resize(cells.size() * distinct_metric_count);
    role_votes.resize(cells.size() * role_count);
    return *index;
  }

  // The three calls below start the loads of CellFor and of the cell's aggregates for a log that
  // AddBatch aggregates a few logs later. Each starts one step of the chain: the person index
  // slot, then the person's last cell, then the cell, and each reads what the one before
  // loaded. They change nothing, so a person or cell added in between costs only a miss. The
  // later steps take the person index that StartLastCellLoad returned, and do nothing for
  // kNoPerson.
  void StartPersonLoad(size_t hash) const { person_indexes.PrefetchHashed(hash); }
  // Starts loading the person's last cell, and returns the person id's index, or kNoPerson
  // when it has none yet.
  uint32_t StartLastCellLoad(std::string_view person_id, size_t hash) const {
    uint32_t person = FindPersonIndex(person_id, hash);
    if (person != kNoPerson) {
      StartLoad(&last_cells[person]);
    }
    return person;
  }
  void StartCellLoads(const NormalizedLog& log, const Period& period, uint32_t person) const {
    if (person == kNoPerson) {
      return;
    }
    const LastCell& last = last_cells[person];
    if (last.cell == kNoCell || !(last.period == period)) {
      cell_indexes.PrefetchHashed(CellKeyHash{}(CellKey{person, period}));
      return;
    }
    // Aggregate reads the cell's counters and names, then the states of the log's metrics.
    const char* cell = reinterpret_cast<const char*>(&cells[last.cell]);
    for (size_t offset = 0; offset < sizeof(Cell); offset += 64) {
      StartLoadForWrite(cell + offset);
    }
    for (const MetricValue& value : log.values) {
      const char* state = reinterpret_cast<const char*>(
          &metric_states[last.cell * metric_count + static_cast<size_t>(value.metric)]);
      StartLoadForWrite(state);
      int distinct = distinct_positions[static_cast<size_t>(value.metric)];
      if (distinct >= 0) {
        // A distinct metric also scans the texts that it counted in the cell.
        const char* texts = reinterpret_cast<const char*>(
            &distinct_sets[last.cell * distinct_metric_count + static_cast<size_t>(distinct)]);
        for (size_t offset = 0; offset < sizeof(DistinctTexts); offset += 64) {
          StartLoadForWrite(texts + offset);
        }
      }
    }
    if (log.role != nullptr) {
      StartLoadForWrite(&role_votes[last.cell * role_count]);
    }
  }
  // Starts loading the evidence items that the log's values would fill or replace, and the
  // absolute values a replacement scans. It reads the metric states that StartCellLoads started
  // loading, so AddBatch calls it a step later. Like the calls above, it changes nothing.
  void StartEvidenceLoads(const NormalizedLog& log, const Period& period, uint32_t person,
                          size_t cap) const {
    if (person == kNoPerson) {
      return;
    }
    const LastCell& last = last_cells[person];
    if (last.cell == kNoCell || !(last.period == period)) {
      return;
    }
    for (const MetricValue& value : log.values) {
      const MetricState& state =
          metric_states[last.cell * metric_count + static_cast<size_t>(value.metric)];
      state.evidence.StartOfferLoads(value, cap);
    }
  }
  // Returns the period of a day as PeriodFor does, without updating last_period.
  Period PeekPeriod(PeriodKind kind, int64_t day) const {
    if (last_period && last_period->kind == kind && last_period->ContainsDay(day)) {
      return *last_period;
    }
    return PeriodOfDay(kind, day);
  }

  // AddBatch's ring of logs under way. It is kept between calls, so that the normalized logs
  // keep their buffers.
  struct BatchSlot {
    const LogRecord* record = nullptr;
    bool excluded = false;  // the report id was excluded, so the log is not normalized
    NormalizedLog log;
    LogKeyHashes keys;
    LogLookups found;  // what StartRecordLoads found, or LogLookups{} when it did not run
    // The person id's index in person_indexes once found, else kNoPerson. An index stays valid
    // because people are never removed.
    uint32_t person = kNoPerson;
  };
  std::vector<BatchSlot> batch_slots;

  std::span<MetricState> MetricsOf(uint32_t cell) {
    return std::span(metric_states).subspan(cell * metric_count, metric_count);
  }
  std::span<int64_t> RoleVotesOf(uint32_t cell) {
    return std::span(role_votes).subspan(cell * role_count, role_count);
  }

  // Returns the report of a cell by its index.
  ScoreReport Report(const Config& config, uint32_t index) const {
    const Cell& cell = cells[index];
    return BuildReport(config, evidence_origins, person_ids[cell.person], cell,
                       std::span(role_votes).subspan(index * role_count, role_count),
                       std::span(metric_states).subspan(index * metric_count, metric_count));
  }

  // Returns the index of the cell of a person's period, or kNoCell when no log of theirs was
  // aggregated.
  uint32_t FindCell(std::string_view person_id, const Period& period) const {
    const uint32_t* person = person_indexes.Find(person_id);
    if (person == nullptr) {
      return kNoCell;
    }
    const uint32_t* index = cell_indexes.Find(CellKey{*person, period});
    return index == nullptr ? kNoCell : *index;
  }

  // Returns the cell indexes sorted by period, then person id, for output.
  std::vector<uint32_t> SortedCells() const {
    std::vector<uint32_t> sorted(cells.size());
    for (size_t i = 0; i < sorted.size(); ++i) {
      sorted[i] = static_cast<uint32_t>(i);
    }
    std::sort(sorted.begin(), sorted.end(), [this](uint32_t a, uint32_t b) {
      return std::tie(cells[a].period, person_ids[cells[a].person]) <
             std::tie(cells[b].period, person_ids[cells[b].person]);
    });
    return sorted;
  }
};

Engine::Engine(std::shared_ptr<const Config> config, EngineOptions options)
    : config_(std::move(config)),
      options_(std::move(options)),
      state_(std::make_unique<State>(*config_)) {
  if (options_.only_period) {
    options_.period_kind = options_.only_period->kind;
  }
}

Engine::~Engine() = default;
Engine::Engine(Engine&&) noexcept = default;
Engine& Engine::operator=(Engine&&) noexcept = default;

void Engine::ExcludeReport(std::string report_id) {
  state_->excluded_reports.insert(std::move(report_id));
}

void Engine::AllowEdits(std::string report_id, EpochMs from, EpochMs until) {
  state_->validator.AllowEdits(std::move(report_id), from, until);
}

NormalizedLog Engine::Normalize(const LogRecord& record) const {
  return scoring::Normalize(*config_, record);
}

void Engine::Normalize(const LogRecord& record, NormalizedLog* out) const {
  scoring::Normalize(*config_, record, out);
}

std::vector<Flag> Engine::Validate(const NormalizedLog& log) {
  std::vector<Flag> flags = state_->validator.CheckAndRemember(log);
  AppendApproximateValueFlags(log, &flags);
  return flags;
}

void Engine::Validate(const NormalizedLog& log, const LogKeyHashes& keys, const LogLookups& found,
                      std::vector<Flag>* flags) {
  flags->clear();
  state_->validator.CheckAndRemember(log, keys, found, flags);
  AppendApproximateValueFlags(log, flags);
}

void Engine::SkipExcluded(const LogRecord& record, LogOutcome* out) const {
  out->report_id = record.report_id;
  out->person_id = record.creator_id;
  out->period = PeriodContaining(options_.period_kind, record.create_time);
  out->flags.clear();
  out->decision = LogDecision::kSkipped;
  out->skip_reason = "report excluded by id";
}

LogOutcome Engine::Add(const LogRecord& record) {
  if (state_->excluded_reports.count(record.report_id) > 0) {
    LogOutcome outcome;
    SkipExcluded(record, &outcome);
    return outcome;
  }
  NormalizedLog log = Normalize(record);
  std::vector<Flag> flags = Validate(log);
  return Aggregate(std::move(log), std::move(flags));
}

void Engine::AddBatch(std::span<const LogRecord> records, std::vector<LogOutcome>* outcomes) {
  AddBatchOf(records.size(), [records](size_t i) -> const LogRecord& { return records[i]; },
             outcomes);
}

void Engine::AddBatch(std::span<const LogRecord* const> records,
                      std::vector<LogOutcome>* outcomes) {
  AddBatchOf(records.size(), [records](size_t i) -> const LogRecord& { return *records[i]; },
             outcomes);
}

template <typename RecordAt>
void Engine::AddBatchOf(size_t count, RecordAt record_at, std::vector<LogOutcome>* outcomes) {
  State& state = *state_;
  outcomes->resize(count);
  // Log j is normalized and its index slots start loading at step j. Its history, customer and
  // last cell start loading at step j + record_step, which reads those slots, and its cell at
  // j + cell_step, which reads the last cell. The evidence items that its values would write
  // start loading at j + evidence_step, which reads the cell's metric states. It is validated
  // and aggregated at j + lookahead.
  // So each step of a log's chain of loads has a few logs' work to complete in.
  size_t lookahead = options_.batch_lookahead;
  size_t record_step = lookahead - lookahead / 2;
  size_t cell_step = lookahead - lookahead / 4;
  size_t evidence_step = lookahead - lookahead / 8;
  // A short lookahead leaves no step between the cell loads and aggregation for them.
  bool evidence_loads = evidence_step > cell_step && evidence_step < lookahead;
  // The records and outcomes are out of cache, because they were read or last written a whole
  // batch ago. Before record j is normalized, record j + 4 and the field array of record j + 2
  // start loading, and outcome j, which is written last.
  // NOTE: also loading the longer field values of record j + 1 measured no faster in score_bench
  // on a 2-core VM.
  bool load_records = lookahead > 0;
  size_t ring = lookahead + 1;
  if (state.batch_slots.size() < ring) {
    state.batch_slots.resize(ring);
  }
  auto slot_of = [&state, ring](size_t log) -> State::BatchSlot& {
    return state.batch_slots[log % ring];
  };
  // A log whose loads need not start: skipped before validation, or outside the only period.
  auto needs_loads = [this](const State::BatchSlot& slot) {
    return !slot.excluded && slot.log.spec != nullptr &&
           (!options_.only_period || options_.only_period->ContainsDay(slot.log.work_day));
  };
  // Returns the slot's person index, looking it up again while it was not found, because a log
  // in between may have added the person.
  auto person_of = [&state](State::BatchSlot& slot) {
    if (slot.person == kNoPerson) {
      slot.person = state.FindPersonIndex(slot.record->creator_id, slot.keys.person);
    }
    return slot.person;
  };

  for (size_t step = 0; step < count + lookahead; ++step) {
    if (load_records && step + 4 < count) {
      StartLoads(std::as_bytes(std::span(&record_at(step + 4), 1)));
    }
    if (load_records && step + 2 < count) {
      StartFieldArrayLoad(record_at(step + 2));
    }
    if (step < count) {
      if (load_records) {
        StartLoads(std::as_bytes(std::span(&(*outcomes)[step], 1)));
      }
      State::BatchSlot& slot = slot_of(step);
      slot.record = &record_at(step);
      slot.excluded = !state.excluded_reports.empty() &&
                      state.excluded_reports.count(slot.record->report_id) > 0;
      if (!slot.excluded) {
        Normalize(*slot.record, &slot.log);
        slot.keys = HashLogKeys(slot.log);
        slot.found = LogLookups{};
        slot.person = kNoPerson;
        state.validator.StartLoads(slot.log, slot.keys);
        state.StartPersonLoad(slot.keys.person);
      }
    }
    if (step >= record_step && step - record_step < count) {
      State::BatchSlot& slot = slot_of(step - record_step);
      if (needs_loads(slot)) {
        state.validator.StartRecordLoads(slot.log, slot.keys, &slot.found);
        slot.person = state.StartLastCellLoad(slot.record->creator_id, slot.keys.person);
      }
    }
    if (step >= cell_step && step - cell_step < count) {
      State::BatchSlot& slot = slot_of(step - cell_step);
      if (needs_loads(slot)) {
        Period period = state.PeekPeriod(options_.period_kind, slot.log.work_day);
        state.StartCellLoads(slot.log, period, person_of(slot));
      }
    }
    if (evidence_loads && step >= evidence_step && step - evidence_step < count) {
      State::BatchSlot& slot = slot_of(step - evidence_step);
      if (needs_loads(slot)) {
        Period period = state.PeekPeriod(options_.period_kind, slot.log.work_day);
        state.StartEvidenceLoads(slot.log, period, person_of(slot),
                                 options_.max_evidence_per_kpi);
      }
    }
    if (step >= lookahead) {
      size_t log = step - lookahead;
      State::BatchSlot& slot = slot_of(log);
      LogOutcome& outcome = (*outcomes)[log];
      if (slot.excluded) {
        SkipExcluded(*slot.record, &outcome);
        continue;
      }
      // The flags go straight into the outcome, whose buffer a caller that reuses outcomes
      // keeps from batch to batch, so a flagged log allocates no new vector.
      Validate(slot.log, slot.keys, slot.found, &outcome.flags);
      // The slot's log came from Normalize with config_, so its names point into config_.
      AggregateWithFlags(slot.log, slot.keys.person, slot.person, true, &outcome);
    }
  }
}

LogOutcome Engine::Aggregate(NormalizedLog&& log, std::vector<Flag> flags) {
  const NormalizedLog& borrowed = log;
  return Aggregate(borrowed, std::move(flags));
}

LogOutcome Engine::Aggregate(const NormalizedLog& log, std::vector<Flag> flags) {
  LogOutcome outcome;
  Aggregate(log, std::move(flags), &outcome);
  return outcome;
}

void Engine::Aggregate(const NormalizedLog& log, std::vector<Flag> flags, LogOutcome* out) {
  // The log's values and ignored matches are read after the chain of loads that finds the cell,
  // but their addresses are known now, so their loads overlap that chain. AddBatch skips this,
  // because it normalized the log a few logs earlier.
  StartLoads(std::as_bytes(std::span(log.values)));
  StartLoads(std::as_bytes(std::span(log.ignored)));
  size_t person_hash = state_->person_indexes.HashOf(log.record->creator_id);
  out->flags = std::move(flags);
  AggregateWithFlags(log, person_hash, kNoPerson, false, out);
}

void Engine::AggregateWithFlags(const NormalizedLog& log, size_t person_hash, uint32_t person,
                                bool names_from_config, LogOutcome* out) {
  const LogRecord& record = *log.record;
  LogOutcome& outcome = *out;
  // AssignKeepingBuffer keeps the strings' buffers, so ids longer than the inline capacity of a
  // std::string are not allocated again for every log.
  AssignKeepingBuffer(record.report_id, &outcome.report_id);
  AssignKeepingBuffer(record.creator_id, &outcome.person_id);
  outcome.period = state_->PeriodFor(options_.period_kind, log.work_day);
  outcome.skip_reason.clear();
  if (log.spec == nullptr) {
    outcome.decision = LogDecision::kSkipped;
    outcome.skip_reason = "template \"" + record.template_name + "\" is not in the config";
    return;
  }
  if (options_.only_period && !options_.only_period->ContainsDay(log.work_day)) {
    outcome.decision = LogDecision::kSkipped;
    outcome.skip_reason = "outside period " + options_.only_period->Label();
    return;
  }

  // The strongest action among the flags, as ActionForFlags returns it.
  std::vector<int>& flag_indexes = state_->flag_indexes;
  flag_indexes.clear();
  FlagAction action = FlagAction::kReportOnly;
  for (const Flag& flag : outcome.flags) {
    int index = KnownFlagIndex(flag.code);
    flag_indexes.push_back(index);
    action = std::max(action, index >= 0 ? state_->known_actions[static_cast<size_t>(index)]
                                         : config_->validation.ActionFor(flag.code));
  }
  outcome.decision = action == FlagAction::kExclude      ? LogDecision::kExcluded
                     : action == FlagAction::kDownWeight ? LogDecision::kDownWeighted
                                                         : LogDecision::kCounted;

  uint32_t cell_index = state_->CellFor(outcome.period, record.creator_id, person_hash, person);
  Cell& cell = state_->cells[cell_index];
  std::span<MetricState> metrics = state_->MetricsOf(cell_index);
  if (cell.person_name != record.creator_name) {
    cell.person_name = record.creator_name;
  }
  if (cell.dept_name != record.dept_name) {
    cell.dept_name = record.dept_name;
  }
  if (log.role != nullptr) {
    ++state_->RoleVotesOf(cell_index)[static_cast<size_t>(log.role - config_->roles.data())];
  }
  if (!outcome.flags.empty()) {
    ++cell.logs_flagged;
    for (size_t i = 0; i < outcome.flags.size(); ++i) {
      int index = flag_indexes[i];
      if (index >= 0) {
        ++cell.known_flag_counts[static_cast<size_t>(index)];
        continue;
      }
      auto count = cell.other_flag_counts.find(outcome.flags[i].code);
      if (count == cell.other_flag_counts.end()) {
        cell.other_flag_counts.emplace(outcome.flags[i].code, 1);
      } else {
        ++count->second;
      }
    }
    if (cell.flagged_logs.size() < options_.max_flagged_logs_per_report) {
      cell.flagged_logs.push_back(
          {record.report_id, record.create_time, outcome.decision, outcome.flags});
    }
  }
  if (!log.ignored.empty() && cell.ignored.capacity() == 0) {
    // One allocation up to the cap, because growing by doubling moves every item each time.
    cell.ignored.reserve(std::min<size_t>(options_.max_evidence_per_kpi, 16));
  }
  for (const IgnoredExtraction& ignored : log.ignored) {
    bool replaces = !ignored.replaced_by.empty();
    if (cell.ignored.size() < options_.max_evidence_per_kpi) {
      FillIgnoredItem(log, ignored, &cell.ignored.emplace_back());
      cell.ignored_replaced += replaces ? 1 : 0;
      continue;
    }
    ++cell.ignored_omitted;
    // A full list keeps planned, negated, other_section, identifier and unreadable matches before
    // replaced ones, which only repeat a value that counted through a typed field.
    if (!replaces && cell.ignored_replaced > 0) {
      auto replaced = std::find_if(cell.ignored.begin() + cell.ignored_search_from,
                                   cell.ignored.end(),
                                   [](const IgnoredItem& item) { return item.reason == "replaced"; });
      FillIgnoredItem(log, ignored, &*replaced);
      --cell.ignored_replaced;
      cell.ignored_search_from = static_cast<uint32_t>(replaced - cell.ignored.begin()) + 1;
    }
  }
  if (outcome.decision == LogDecision::kExcluded) {
    ++cell.logs_excluded;
    return;
  }

  bool down = outcome.decision == LogDecision::kDownWeighted;
  Decimal weight = down ? config_->validation.down_weight : Decimal::FromInt(1);
  ++(down ? cell.logs_down_weighted : cell.logs_counted);
  // config_ was built before the engine and never changes, so its names stay at their addresses
  // for as long as the evidence origins live.
  EvidenceOrigins::NameLifetime lifetime = names_from_config
                                               ? EvidenceOrigins::NameLifetime::kOrigins
                                               : EvidenceOrigins::NameLifetime::kCall;
  for (const MetricValue& value : log.values) {
    MetricState& state = metrics[value.metric];
    bool first = state.count() == 0;
    switch (config_->metrics[value.metric].aggregation) {
      case Aggregation::kSum:
      case Aggregation::kMean:
        state.value = SaturatingAdd(state.value, down ? value.value * weight : value.value);
        break;
      case Aggregation::kMin:
        state.value = first ? value.value : std::min(state.value, value.value);
        break;
      case Aggregation::kMax:
        state.value = first ? value.value : std::max(state.value, value.value);
        break;
      case Aggregation::kDistinct: {
        DistinctTexts& seen = state_->DistinctSetOf(cell_index, value.metric);
        bool added = value.text.empty() ? seen.Insert(value.value.ToString())
                                        : seen.Insert(value.text);
        if (added) {
          state.value = state.value + Decimal::FromInt(1);
        }
        break;
      }
      case Aggregation::kCount:
      case Aggregation::kRatio:
        break;
    }
    state.weight_total = SaturatingAdd(state.weight_total, weight);
    state.evidence.Offer(value, record.report_id, down, options_.max_evidence_per_kpi,
                         &state_->evidence_origins, lifetime);
  }
}

std::vector<ScoreReport> Engine::Reports() const {
  std::vector<ScoreReport> reports;
  reports.reserve(state_->cells.size());
  for (uint32_t cell : state_->SortedCells()) {
    reports.push_back(state_->Report(*config_, cell));
  }
  return reports;
}

std::optional<ScoreReport> Engine::ReportFor(std::string_view person_id,
                                             const Period& period) const {
  uint32_t cell = state_->FindCell(person_id, period);
  if (cell == kNoCell) {
    return std::nullopt;
  }
  return state_->Report(*config_, cell);
}

}  // namespace logbridge::scoring
