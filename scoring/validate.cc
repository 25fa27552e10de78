// The validation checks. Content checks read only the log; history checks read the Validator's
// bounded state. Heuristic thresholds (unit slip, outliers, similarity) use doubles because they
// only decide whether to flag; amounts themselves stay exact decimals.
#include "scoring/validate.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace logbridge::scoring {
namespace {

constexpr size_t kAmountHistory = 64;
constexpr size_t kDistributionSize = 512;
constexpr int64_t kDistributionRefresh = 32;
// The factor between a median absolute deviation and a normal distribution's standard deviation.
constexpr double kMadToSigma = 1.4826;

std::string FormatDouble(double value, int digits) {
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%.*f", digits, value);
  return buffer;
}

// Decodes UTF-8 into code points; a stray byte becomes U+FFFD.
std::u32string DecodeUtf8(std::string_view text) {
  std::u32string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    unsigned char lead = static_cast<unsigned char>(text[i]);
    size_t length = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3
                                      : (lead >> 3) == 0x1E ? 4 : 0;
    if (length == 0 || i + length > text.size()) {
      out.push_back(U'\uFFFD');
      ++i;
      continue;
    }
    char32_t cp = length == 1 ? lead : lead & (0x7F >> length);
    for (size_t k = 1; k < length; ++k) {
      cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    }
    out.push_back(cp);
    i += length;
  }
  return out;
}

bool IsSpaceOrPunctuation(char32_t cp) {
  if (cp < 0x80) {
    return !((cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z'));
  }
  // CJK symbols and punctuation, full-width forms' punctuation, general punctuation.
  return (cp >= 0x3000 && cp <= 0x303F) || (cp >= 0xFF01 && cp <= 0xFF0F) ||
         (cp >= 0xFF1A && cp <= 0xFF20) || (cp >= 0x2000 && cp <= 0x206F);
}

int32_t CountMeaningfulChars(std::string_view text) {
  int32_t count = 0;
  for (char32_t cp : DecodeUtf8(text)) {
    count += IsSpaceOrPunctuation(cp) ? 0 : 1;
  }
  return count;
}

uint64_t Mix(uint64_t value) {
  value ^= value >> 33;
  value *= 0xff51afd7ed558ccdULL;
  value ^= value >> 33;
  value *= 0xc4ceb9fe1a85ec53ULL;
  value ^= value >> 33;
  return value;
}

double Median(std::vector<double> values) {
  size_t middle = values.size() / 2;
  std::nth_element(values.begin(), values.begin() + static_cast<ptrdiff_t>(middle), values.end());
  double upper = values[middle];
  if (values.size() % 2 == 1) {
    return upper;
  }
  double lower = *std::max_element(values.begin(), values.begin() + static_cast<ptrdiff_t>(middle));
  return (lower + upper) / 2;
}

std::string OrderKey(const std::string& customer, Decimal amount) {
  return customer + '\x1f' + amount.ToString();
}

}  // namespace

std::string_view SeverityName(Severity severity) {
  switch (severity) {
    case Severity::kInfo: return "info";
    case Severity::kWarning: return "warning";
    case Severity::kError: return "error";
  }
  return "warning";
}

FlagAction ActionForFlags(const ValidationSpec& spec, const std::vector<Flag>& flags) {
  FlagAction strongest = FlagAction::kReportOnly;
  for (const Flag& flag : flags) {
    strongest = std::max(strongest, spec.ActionFor(flag.code));
  }
  return strongest;
}

std::vector<uint64_t> TextSketch(std::string_view text) {
  std::u32string cps;
  for (char32_t cp : DecodeUtf8(text)) {
    if (!IsSpaceOrPunctuation(cp)) {
      cps.push_back(cp);
    }
  }
  std::vector<uint64_t> hashes;
  if (cps.size() < 3) {
    if (!cps.empty()) {
      hashes.push_back(Mix(cps[0] * 0x10001ULL + (cps.size() > 1 ? cps[1] : 0)));
    }
    return hashes;
  }
  hashes.reserve(cps.size() - 2);
  for (size_t i = 0; i + 2 < cps.size(); ++i) {
    uint64_t gram = (static_cast<uint64_t>(cps[i]) << 42) ^
                    (static_cast<uint64_t>(cps[i + 1]) << 21) ^ cps[i + 2];
    hashes.push_back(Mix(gram));
  }
  std::sort(hashes.begin(), hashes.end());
  hashes.erase(std::unique(hashes.begin(), hashes.end()), hashes.end());
  if (hashes.size() > kSketchSize) {
    hashes.resize(kSketchSize);
  }
  return hashes;
}

double SketchSimilarity(const std::vector<uint64_t>& a, const std::vector<uint64_t>& b) {
  if (a.empty() || b.empty()) {
    return 0;
  }
  // Walk the union in increasing order, stopping after kSketchSize elements: the bottom-k of the
  // union, of which the share present in both sketches estimates the Jaccard similarity.
  size_t i = 0;
  size_t j = 0;
  size_t taken = 0;
  size_t shared = 0;
  while (taken < kSketchSize && (i < a.size() || j < b.size())) {
    if (j == b.size() || (i < a.size() && a[i] < b[j])) {
      ++i;
    } else if (i == a.size() || b[j] < a[i]) {
      ++j;
    } else {
      ++shared;
      ++i;
      ++j;
    }
    ++taken;
  }
  return static_cast<double>(shared) / static_cast<double>(taken);
}

std::optional<Decimal> MetricTotal(const NormalizedLog& log, int metric) {
  std::optional<Decimal> total;
  for (const MetricValue& value : log.values) {
    if (value.metric == metric) {
      total = total.value_or(Decimal()) + value.value;
    }
  }
  return total;
}

void Validator::Distribution::Add(double value) {
  values.push_back(value);
  if (values.size() > kDistributionSize) {
    values.pop_front();
  }
  // Small samples are recomputed on every value; larger ones every kDistributionRefresh values.
  bool small = values.size() <= 2 * static_cast<size_t>(kDistributionRefresh);
  if (!small && ++added_since_refresh < kDistributionRefresh) {
    return;
  }
  added_since_refresh = 0;
  std::vector<double> copy(values.begin(), values.end());
  median = Median(copy);
  for (double& item : copy) {
    item = std::fabs(item - median);
  }
  mad = Median(std::move(copy));
}

std::vector<Flag> Validator::Check(const NormalizedLog& log) const {
  return CheckWithSketch(log, TextSketch(log.free_text));
}

void Validator::Remember(const NormalizedLog& log) {
  RememberWithSketch(log, TextSketch(log.free_text));
}

std::vector<Flag> Validator::CheckAndRemember(const NormalizedLog& log) {
  std::vector<uint64_t> sketch = TextSketch(log.free_text);
  std::vector<Flag> flags = CheckWithSketch(log, sketch);
  RememberWithSketch(log, std::move(sketch));
  return flags;
}

std::vector<Flag> Validator::CheckWithSketch(const NormalizedLog& log,
                                             const std::vector<uint64_t>& sketch) const {
  std::vector<Flag> flags;
  CheckContent(log, &flags);
  if (log.spec == nullptr) {
    return flags;
  }
  CheckAmounts(log, &flags);
  CheckOutliers(log, &flags);
  CheckDuplicates(log, sketch, &flags);
  CheckDeadline(log, &flags);
  return flags;
}

void Validator::CheckContent(const NormalizedLog& log, std::vector<Flag>* flags) const {
  const ValidationSpec& spec = config_.validation;
  if (log.text_chars < spec.min_chars) {
    std::string message =
        log.text_chars == 0
            ? "the log is empty"
            : "the log has " + std::to_string(log.text_chars) + " characters of content, fewer than " +
                  std::to_string(spec.min_chars);
    flags->push_back({std::string(kFlagTooShort), Severity::kWarning, "", message});
  }

  // Boilerplate: a stock phrase with little else around it.
  std::string rest = log.text;
  std::string found;
  for (const std::string& phrase : spec.boilerplate) {
    for (size_t at = rest.find(phrase); !phrase.empty() && at != std::string::npos;
         at = rest.find(phrase)) {
      rest.erase(at, phrase.size());
      found = phrase;
    }
  }
  if (!found.empty() && CountMeaningfulChars(rest) < spec.min_chars) {
    flags->push_back({std::string(kFlagBoilerplate), Severity::kWarning, "",
                      "the log is mostly the stock phrase \"" + found + "\" with no details"});
  }

  for (const std::string& key : log.missing_fields) {
    flags->push_back({std::string(kFlagMissingField), Severity::kError, key,
                      "required field \"" + key + "\" is missing or empty"});
  }
  for (const UnreadableField& field : log.unreadable) {
    flags->push_back({std::string(kFlagUnreadableValue), Severity::kWarning, field.key,
                      "field \"" + field.key + "\" should be of type " +
                          std::string(FieldTypeName(field.type)) + " but contains \"" +
                          field.value + "\", so it was not counted" +
                          (field.hint.empty() ? "" : ". " + field.hint)});
  }
}

void Validator::CheckAmounts(const NormalizedLog& log, std::vector<Flag>* flags) const {
  const ValidationSpec& spec = config_.validation;
  if (spec.order_metric_index < 0) {
    return;
  }
  std::optional<Decimal> amount = MetricTotal(log, spec.order_metric_index);
  if (!amount || *amount <= Decimal()) {
    return;
  }
  const std::string& person = log.record->creator_id;
  const std::string field = spec.order_metric;

  if (!log.customer.empty()) {
    auto largest = customer_max_.find(log.customer);
    if (largest != customer_max_.end() && largest->second.first > Decimal() &&
        *amount > largest->second.first * spec.amount_multiple) {
      flags->push_back({std::string(kFlagAmountJump), Severity::kWarning, field,
                        "amount " + amount->ToString() + " for customer \"" + log.customer +
                            "\" is over " + spec.amount_multiple.ToString() +
                            " times the largest earlier amount " +
                            largest->second.first.ToString() + " (report " +
                            largest->second.second + ")"});
    }
    auto claim = orders_.find(OrderKey(log.customer, *amount));
    if (claim != orders_.end() && claim->second.person != person) {
      flags->push_back({std::string(kFlagDuplicateOrder), Severity::kError, field,
                        "the order of " + amount->ToString() + " from customer \"" +
                            log.customer + "\" was already claimed by " + claim->second.person +
                            " in report " + claim->second.report_id});
    }
  }

  auto history = people_.find(person);
  if (history == people_.end() ||
      history->second.amounts.size() < static_cast<size_t>(spec.unit_slip_min_history)) {
    return;
  }
  std::vector<double> earlier;
  for (Decimal value : history->second.amounts) {
    earlier.push_back(value.ToDouble());
  }
  double median = Median(std::move(earlier));
  if (median <= 0) {
    return;
  }
  double exponent = std::log10(amount->ToDouble() / median);
  double power = std::round(exponent);
  // Off by at least one power of ten and close to an exact power, as when 元 is written for 万元.
  if (power != 0 && std::fabs(exponent - power) <= 0.15) {
    flags->push_back({std::string(kFlagUnitSlip), Severity::kWarning, field,
                      "amount " + amount->ToString() + " is about 10^" +
                          FormatDouble(power, 0) + " times this person's usual " +
                          FormatDouble(median, 2) + "; check the unit (元 or 万元)"});
  }
}

void Validator::CheckOutliers(const NormalizedLog& log, std::vector<Flag>* flags) const {
  const RoleSpec* role = config_.RoleForLog(log.record->creator_id, log.record->template_name);
  if (role == nullptr) {
    return;
  }
  std::vector<int> seen;
  for (const MetricValue& value : log.values) {
    if (std::find(seen.begin(), seen.end(), value.metric) != seen.end()) {
      continue;
    }
    seen.push_back(value.metric);
    auto found = role_values_.find({role->name, value.metric});
    if (found == role_values_.end() ||
        found->second.values.size() < static_cast<size_t>(config_.validation.outlier_min_samples)) {
      continue;
    }
    const Distribution& distribution = found->second;
    double total = MetricTotal(log, value.metric)->ToDouble();
    double spread = distribution.mad * kMadToSigma;
    if (spread <= 0) {
      continue;  // Most values are equal; a robust z-score is undefined.
    }
    double score = std::fabs(total - distribution.median) / spread;
    if (score > config_.validation.outlier_threshold) {
      const std::string& metric = config_.metrics[value.metric].name;
      flags->push_back({std::string(kFlagRoleOutlier), Severity::kInfo, value.evidence.field_key,
                        metric + " of " + FormatDouble(total, 2) + " is far from the " +
                            role->name + " role's usual " + FormatDouble(distribution.median, 2) +
                            " (robust z-score " + FormatDouble(score, 1) + ")"});
    }
  }
}

void Validator::CheckDuplicates(const NormalizedLog& log, const std::vector<uint64_t>& sketch,
                                std::vector<Flag>* flags) const {
  if (log.text_chars < config_.validation.min_chars || config_.validation.duplicate_window == 0) {
    return;
  }
  auto history = people_.find(log.record->creator_id);
  if (history == people_.end()) {
    return;
  }
  double best = 0;
  const std::string* best_report = nullptr;
  for (const auto& [report_id, earlier] : history->second.recent) {
    double similarity = SketchSimilarity(sketch, earlier);
    if (similarity > best && report_id != log.record->report_id) {
      best = similarity;
      best_report = &report_id;
    }
  }
  if (best_report != nullptr && best >= config_.validation.duplicate_similarity) {
    flags->push_back({std::string(kFlagNearDuplicate), Severity::kWarning, "",
                      "the text is " + FormatDouble(best * 100, 0) +
                          "% similar to the same person's earlier report " + *best_report});
  }
}

void Validator::CheckDeadline(const NormalizedLog& log, std::vector<Flag>* flags) const {
  if (!log.spec->deadline) {
    return;
  }
  EpochMs due = log.spec->deadline->For(log.work_day);
  const LogRecord& record = *log.record;
  auto minutes_after = [due](EpochMs when) { return std::to_string((when - due).count() / 60000); };
  if (record.create_time > due) {
    flags->push_back({std::string(kFlagLate), Severity::kInfo, "",
                      "submitted " + minutes_after(record.create_time) +
                          " minutes after the deadline"});
  }
  if (record.modified_time > due && record.modified_time > record.create_time) {
    flags->push_back({std::string(kFlagEditedLate), Severity::kWarning, "",
                      "edited " + minutes_after(record.modified_time) +
                          " minutes after the deadline"});
  }
}

void Validator::RememberOrder(std::string key, OrderClaim claim) {
  newest_order_ = std::max(newest_order_, claim.create_time);
  orders_.try_emplace(std::move(key), std::move(claim));
  if (++orders_since_purge_ < 4096) {
    return;
  }
  orders_since_purge_ = 0;
  EpochMs oldest = newest_order_ - std::chrono::hours(24 * kOrderWindowDays);
  std::erase_if(orders_, [oldest](const auto& entry) { return entry.second.create_time < oldest; });
}

void Validator::RememberWithSketch(const NormalizedLog& log, std::vector<uint64_t> sketch) {
  if (log.spec == nullptr) {
    return;
  }
  const std::string& person = log.record->creator_id;
  PersonHistory& history = people_[person];
  const ValidationSpec& spec = config_.validation;

  if (spec.duplicate_window > 0 && log.text_chars >= spec.min_chars) {
    history.recent.emplace_back(log.record->report_id, std::move(sketch));
    if (history.recent.size() > static_cast<size_t>(spec.duplicate_window)) {
      history.recent.pop_front();
    }
  }

  if (spec.order_metric_index >= 0) {
    std::optional<Decimal> amount = MetricTotal(log, spec.order_metric_index);
    if (amount && *amount > Decimal()) {
      history.amounts.push_back(*amount);
      if (history.amounts.size() > kAmountHistory) {
        history.amounts.pop_front();
      }
      if (!log.customer.empty()) {
        auto& largest = customer_max_[log.customer];
        if (*amount > largest.first) {
          largest = {*amount, log.record->report_id};
        }
        RememberOrder(OrderKey(log.customer, *amount),
                      OrderClaim{person, log.record->report_id, log.record->create_time});
      }
    }
  }

  const RoleSpec* role = config_.RoleForLog(person, log.record->template_name);
  if (role == nullptr) {
    return;
  }
  std::vector<int> seen;
  for (const MetricValue& value : log.values) {
    if (std::find(seen.begin(), seen.end(), value.metric) == seen.end()) {
      seen.push_back(value.metric);
      role_values_[{role->name, value.metric}].Add(MetricTotal(log, value.metric)->ToDouble());
    }
  }
}

}  // namespace logbridge::scoring
