// Validation: flags on a normalized log, each with a code, severity, field and a message a
// manager can read. Checks that compare with earlier logs (amounts, unit slips, role outliers,
// near-duplicates, orders claimed twice) read a Validator's bounded history. A Validator is not
// thread-safe; use one per thread or guard it.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "scoring/config.h"
#include "scoring/normalize.h"

namespace logbridge::scoring {

enum class Severity { kInfo, kWarning, kError };

// "info", "warning", "error".
std::string_view SeverityName(Severity severity);

struct Flag {
  std::string code;  // one of kAllFlagCodes
  Severity severity = Severity::kWarning;
  std::string field;    // the field key concerned, or empty for the whole log
  std::string message;  // one sentence naming the values involved
  bool operator==(const Flag&) const = default;
};

// Returns the strongest configured action among the flags; report only when there are none.
FlagAction ActionForFlags(const ValidationSpec& spec, const std::vector<Flag>& flags);

// Estimates the Jaccard similarity of two texts' character 3-gram sets from bottom-k sketches.
// Exact when the two texts together have at most kSketchSize distinct 3-grams.
inline constexpr size_t kSketchSize = 32;
std::vector<uint64_t> TextSketch(std::string_view text);
double SketchSimilarity(const std::vector<uint64_t>& a, const std::vector<uint64_t>& b);

// Days an order claim is remembered for the duplicate_order check.
inline constexpr int64_t kOrderWindowDays = 92;

class Validator {
 public:
  // REQUIRES: config outlives the Validator.
  explicit Validator(const Config& config) : config_(config) {}

  // Returns the flags of a log against the history so far. The history is not changed, so the
  // connector can check a newly synced log before it decides to keep it.
  std::vector<Flag> Check(const NormalizedLog& log) const;

  // Adds a log to the history that later checks compare with. Memory is bounded per person
  // (duplicate window and the last 64 order amounts), per role and metric (the last 512 values),
  // per customer (the largest amount) and per distinct order claimed in the last
  // kOrderWindowDays (customer and amount).
  void Remember(const NormalizedLog& log);

  // Check followed by Remember, computing the text sketch once.
  std::vector<Flag> CheckAndRemember(const NormalizedLog& log);

 private:
  struct PersonHistory {
    std::deque<std::pair<std::string, std::vector<uint64_t>>> recent;  // report id, sketch
    std::deque<Decimal> amounts;
  };
  // Recent per-log values of one metric within one role, with a cached median and MAD.
  struct Distribution {
    std::deque<double> values;
    double median = 0;
    double mad = 0;
    int64_t added_since_refresh = 0;
    void Add(double value);
  };
  struct OrderClaim {
    std::string person;
    std::string report_id;
    EpochMs create_time;
  };

  void CheckContent(const NormalizedLog& log, std::vector<Flag>* flags) const;
  void CheckAmounts(const NormalizedLog& log, std::vector<Flag>* flags) const;
  void CheckOutliers(const NormalizedLog& log, std::vector<Flag>* flags) const;
  std::vector<Flag> CheckWithSketch(const NormalizedLog& log,
                                    const std::vector<uint64_t>& sketch) const;
  void RememberWithSketch(const NormalizedLog& log, std::vector<uint64_t> sketch);
  void CheckDuplicates(const NormalizedLog& log, const std::vector<uint64_t>& sketch,
                       std::vector<Flag>* flags) const;
  void CheckDeadline(const NormalizedLog& log, std::vector<Flag>* flags) const;
  void RememberOrder(std::string key, OrderClaim claim);

  const Config& config_;
  std::unordered_map<std::string, PersonHistory> people_;
  std::unordered_map<std::string, std::pair<Decimal, std::string>> customer_max_;
  // Orders claimed within the last kOrderWindowDays before the newest log; key: customer,
  // '\x1f', amount. Older claims are dropped, so memory follows the order rate, not the log count.
  std::unordered_map<std::string, OrderClaim> orders_;
  EpochMs newest_order_;
  int64_t orders_since_purge_ = 0;
  std::map<std::pair<std::string, int>, Distribution> role_values_;
};

// The log's total of one metric, or nullopt when the log has no value for it.
std::optional<Decimal> MetricTotal(const NormalizedLog& log, int metric);

}  // namespace logbridge::scoring
