// Validation: flags on a normalized log, each with a code, severity, field and a message a
// manager can read. Checks that compare with earlier logs (amounts, unit slips, role outliers,
// near-duplicates, orders claimed twice) read a Validator's bounded history. A Validator is not
// thread-safe; use one per thread or guard it.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "scoring/config.h"
#include "scoring/flat_table.h"
#include "scoring/median_spread.h"
#include "scoring/normalize.h"
#include "scoring/order_claims.h"
#include "scoring/person_histories.h"
#include "scoring/text_hash.h"

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

// Returns the Sketch (defined in scoring/person_histories.h) of a text's character 3-grams.
Sketch TextSketch(std::string_view text);

// TextSketch by the form that uses no BMI2 instructions, which TextSketch runs only on CPUs
// without them. The tests compare both forms with a reference.
Sketch TextSketchWithoutBmi2(std::string_view text);

// Estimates the Jaccard similarity of the two texts' 3-gram sets as the share of matching
// fingerprints among the bins used by either sketch. Equal 3-gram sets give 1, and an empty text
// gives 0. The standard error is about sqrt(J(1-J)/64), which is 0.04 around J = 0.9.
double SketchSimilarity(const Sketch& a, const Sketch& b);

// Returns the similarity when it is at least threshold, else nullopt.
std::optional<double> SimilarityAtLeast(const Sketch& a, const Sketch& b, double threshold);

// The final two bytes that one or more phrases of a list end with, and the mask of those
// phrases. The boilerplate check compares text positions with a few of these pairs.
struct PhraseEnding {
  char before_last = 0;
  char last = 0;
  uint64_t phrases = 0;  // bit i set when phrase i ends with these two bytes
};

// Days an order claim is remembered for the duplicate_order check.
inline constexpr int64_t kOrderWindowDays = 92;

// The hashes of a log's lookup keys, computed once and passed to the Validator calls that start
// loads ahead of CheckAndRemember and to CheckAndRemember itself. They depend on the ids alone,
// so they stay valid while other logs add people and customers in between.
struct LogKeyHashes {
  size_t person = 0;    // TextHash of the record's creator_id
  size_t customer = 0;  // TextHash of NormalizedLog::customer; 0 when that is empty
};

// Returns the key hashes of a log.
// REQUIRES: log.record is set.
LogKeyHashes HashLogKeys(const NormalizedLog& log);

// The author's and the customer's indexes that Validator::StartRecordLoads found for a log, so
// that CheckAndRemember need not look them up again. An index stays valid once found, because a
// Validator never removes a person or a customer. -1 means not found at the time, maybe because
// a log in between added them, so CheckAndRemember looks that one up itself.
struct LogLookups {
  int32_t person = -1;    // the author's index, or -1
  int32_t customer = -1;  // with a positive order amount, the customer's index, or -1
};

class Validator {
 public:
  // REQUIRES: config outlives the Validator and does not change while it lives.
  explicit Validator(const Config& config);

  // Returns the flags of a log against the history so far. The history is not changed, so the
  // connector can check a newly synced log before it decides to keep it.
  std::vector<Flag> Check(const NormalizedLog& log) const;

  // Adds a log to the history that later checks compare with. Memory is bounded per person:
  // the duplicate window and the last 64 order amounts, allocated when the person is first
  // seen. It is also bounded per role and metric (the last 512 values), per customer (the
  // largest amount and a block of 32 order index entries) and per distinct order claimed in
  // the last kOrderWindowDays (customer and amount). None of it keeps a log's text.
  void Remember(const NormalizedLog& log);

  // Check followed by Remember, computing the text sketch and looking up the author and the
  // customer once.
  std::vector<Flag> CheckAndRemember(const NormalizedLog& log);
  // The same, with the key hashes that StartLoads received for this log, and the lookups that
  // StartRecordLoads found for it. A lookup that found an index starts none of its loads again.
  // REQUIRES: keys equals HashLogKeys(log), and found comes from StartRecordLoads on this
  // Validator for this log, or is LogLookups{}.
  std::vector<Flag> CheckAndRemember(const NormalizedLog& log, const LogKeyHashes& keys,
                                     const LogLookups& found = {});
  // The same, appending the flags to *flags, so that a caller can reuse one vector's buffer.
  void CheckAndRemember(const NormalizedLog& log, const LogKeyHashes& keys, const LogLookups& found,
                        std::vector<Flag>* flags);

  // The two calls below let a caller that feeds many logs start the memory loads of a log some
  // logs before it reaches CheckAndRemember, so that the loads of several logs overlap. They
  // change no state and the results do not depend on them: a person or customer added in the
  // meantime, or memory that moved, costs only a cache miss.
  // REQUIRES: keys equals HashLogKeys(log), and the log lives until CheckAndRemember.
  //
  // Starts loading the log's values and texts and the index slots where the lookups of its
  // author and customer begin.
  void StartLoads(const NormalizedLog& log, const LogKeyHashes& keys) const;
  // Looks up the author and the customer without adding them, and starts loading the author's
  // history and, for a log with an order amount, the customer's record and order claim index.
  // It reads the index slots, so it gains most when StartLoads ran a few logs earlier. Sets
  // *found to the indexes it found, or to LogLookups{} for a log that reads no history.
  void StartRecordLoads(const NormalizedLog& log, const LogKeyHashes& keys,
                        LogLookups* found) const;

  // Accepts edits of a report made from `from` to `until` without an edited_late flag, because
  // someone asked its author to correct it then (a feedback notice, delivered at `from`, states
  // the deadline `until`). Each call adds a window. An edit made before any request is still
  // late. The check runs only for a log edited after its deadline.
  void AllowEdits(std::string report_id, EpochMs from, EpochMs until);

 private:
  // Recent per-log values of one metric within one role, with a cached median and MAD.
  struct Distribution {
    // The values as a ring. Once it is full, slot next is the oldest.
    std::vector<Decimal> values;
    size_t next = 0;
    double median = 0;
    double mad = 0;
    int64_t added_since_refresh = 0;
    // The newest half of a full ring as its last refresh kept it, so that the next refresh
    // scans and sorts only the half written since.
    SortedRingHalf sorted_half;
    // scratch is reused for the median, so a refresh allocates nothing once it has grown.
    void Add(Decimal value, MedianScratch* scratch);
    // Appends value while the ring is not full yet, and refreshes by the rule for a growing
    // sample.
    void AddWhileFilling(Decimal value, MedianScratch* scratch);
    // Recomputes median and mad from values.
    void Refresh(MedianScratch* scratch);
    // Refresh for a full ring whose newest half was written since the last refresh.
    void RefreshFull(MedianScratch* scratch);
  };
  struct Customer {
    int32_t id = 0;             // OrderKey::customer: the index in customers_ plus one
    Decimal largest;            // the largest amount claimed so far
    // largest x ValidationSpec::amount_multiple, kept with largest, so that the check of each
    // order amount needs no multiplication.
    Decimal jump_above;
    std::string largest_report;
  };
  // A log's total of one metric, and the position of the metric's first value in log.values.
  struct LogMetricTotal {
    int32_t metric = 0;
    uint32_t first = 0;
    Decimal total;
  };
  // Per-log values that both the checks and the history update use, computed once.
  struct LogFacts {
    // The sketch of the free text. All bins are empty when the log takes no part in the
    // near-duplicate check, because it is too short or the window is off.
    Sketch sketch{};
    uint64_t used_bins = 0;               // bit b set when the sketch uses bin b
    std::optional<Decimal> order_amount;  // the order metric's total when it is positive
    int32_t customer = -1;  // with an order amount, the index of a known customer in customers_
    // A hash of the counted values (metric and amount), equal for logs with the same values in
    // any order. A similar text with other values is a reused template, not a copy.
    uint64_t values_print = 0;
    // The total of each metric the log has values for, in the order of their first values. It
    // points into the Validator's metric_totals_, so it is valid until the next FactsOf.
    std::span<const LogMetricTotal> metric_totals;
  };

  // Runs the steps of CheckAndRemember after PrefetchLog has started loading the log's parts.
  // It appends the flags to *flags.
  void CheckAndRememberLoading(const NormalizedLog& log, const LogKeyHashes& keys,
                               const LogLookups& found, std::vector<Flag>* flags);
  // Returns the facts of a log except its customer, which FindOrderCustomer adds.
  LogFacts FactsOf(const NormalizedLog& log) const;
  // Returns the facts of a log's values, which is FactsOf without the sketch.
  LogFacts ValueFactsOf(const NormalizedLog& log) const;
  // Sets the sketch and its used bins in facts, the rest of FactsOf.
  // REQUIRES: facts->sketch is empty, as ValueFactsOf returns it.
  void AddSketch(const NormalizedLog& log, LogFacts* facts) const;
  // Sets facts->customer when the log has an order amount and names a known customer, and
  // starts loading that customer's record and order index.
  void FindOrderCustomer(const NormalizedLog& log, const LogKeyHashes& keys,
                         LogFacts* facts) const;
  // Starts loading a known customer's record and the order claim index entry of amount.
  void PrefetchCustomer(int32_t customer, Decimal amount) const;
  // Returns the index of the log's author in people_, or -1 when they are new.
  int32_t FindPerson(const NormalizedLog& log, const LogKeyHashes& keys) const;
  // Returns the index of the log's author in people_, adding them when they are new.
  int32_t AddPerson(const NormalizedLog& log, const LogKeyHashes& keys);
  // Returns the index in customers_ of the customer named in the log, or -1 when it names none
  // or a new one.
  int32_t FindCustomer(const NormalizedLog& log, const LogKeyHashes& keys) const;

  void CheckContent(const NormalizedLog& log, std::vector<Flag>* flags) const;
  // person is the author's index in people_, or -1 when they have none.
  void CheckAmounts(const NormalizedLog& log, Decimal amount, const Customer* customer,
                    int32_t person, std::vector<Flag>* flags) const;
  void CheckOutliers(const NormalizedLog& log, const LogFacts& facts,
                     std::vector<Flag>* flags) const;
  // Adds the flags of every check after the content checks: amounts, outliers and duplicates,
  // which read the history, then the deadline. person is the author's index in people_, or -1 when they have no
  // history yet.
  void CheckHistory(const NormalizedLog& log, const LogFacts& facts, const Customer* customer,
                    int32_t person, std::vector<Flag>* flags) const;
  // REQUIRES: log.spec is set, and person is the author's index in people_. customer is the
  // log's customer, or nullptr when it is not known yet (it is added then).
  void RememberWithFacts(const NormalizedLog& log, const LogKeyHashes& keys,
                         const LogFacts& facts, Customer* customer, int32_t person);
  // person is the author's index in people_, or -1 when they have no history yet.
  void CheckDuplicates(const NormalizedLog& log, const LogFacts& facts, int32_t person,
                       std::vector<Flag>* flags) const;
  void CheckDeadline(const NormalizedLog& log, std::vector<Flag>* flags) const;
  // Returns the deadline of a log on work_day, from a one-day cache because logs arrive mostly
  // in day order and computing it takes a civil-date conversion.
  EpochMs DeadlineOf(const Deadline& deadline, int64_t work_day) const;
  // Returns true when a requested correction allows an edit of report_id at `when`.
  bool EditAllowed(std::string_view report_id, EpochMs when) const;
  void RememberAmount(const NormalizedLog& log, const LogKeyHashes& keys, Decimal amount,
                      Customer* customer, int32_t person);
  // Returns the distributions of a role, indexed by metric, allocating those of every role on
  // first use. A log's metrics then cost no index computation each.
  Distribution* DistributionsOf(const RoleSpec& role);
  // The same, or nullptr while no role has a value yet.
  const Distribution* DistributionsOf(const RoleSpec& role) const;

  const Config& config_;
  // The distinct final byte pairs of the config's boilerplate phrases, found once because they
  // depend on the config alone. boilerplate_ending_count_ is 0 when the phrases do not suit a
  // scan by pairs: a phrase is shorter than two bytes, or there are more than four pairs.
  std::array<PhraseEnding, 4> boilerplate_endings_{};
  size_t boilerplate_ending_count_ = 0;
  // min_same_[used] is the least number of equal bins, out of used bins, that makes a sketch
  // similar enough for a near_duplicate flag (used + 1 when none does). It turns the threshold
  // into an integer compare with the same result as the division.
  std::array<uint8_t, kSketchSize + 1> min_same_{};

  // People and customers are interned. Each map gives an index into its vector, which keeps
  // one record per person or customer in the order they were first seen. people_ contains the
  // LogRecord::creator_id of each person, and histories_ their histories by the same index.
  std::vector<std::string> people_;
  PersonHistories histories_;
  FlatTable<std::string, int32_t, TextHash> person_index_;
  std::vector<Customer> customers_;
  FlatTable<std::string, int32_t, TextHash> customer_index_;
  // Orders claimed within the last kOrderWindowDays, by people_ index.
  OrderClaims orders_;
  // Indexed by role index x metric count + metric; empty until the first value arrives.
  std::vector<Distribution> role_values_;
  MedianScratch median_scratch_;
  // FactsOf's buffer for LogFacts::metric_totals, reused so that no log allocates. The
  // constructor sizes it to the metric count, and its size is a capacity, not a log's count.
  // Mutable like deadline_cache_.
  mutable std::vector<LogMetricTotal> metric_totals_;
  // DeadlineOf's last result, keyed by the deadline's values, not its address, which a log
  // normalized with another config may share. Mutable, because a cache changes no observable
  // state, and the Validator is not thread-safe anyway.
  struct DeadlineCache {
    bool valid = false;
    Deadline deadline;
    int64_t work_day = 0;
    EpochMs due;
  };
  mutable DeadlineCache deadline_cache_;
  // Report id -> the [from, until] windows in which edits were requested (AllowEdits).
  std::map<std::string, std::vector<std::pair<EpochMs, EpochMs>>, std::less<>> edit_windows_;
};

// The log's total of one metric, or nullopt when the log has no value for it.
std::optional<Decimal> MetricTotal(const NormalizedLog& log, int metric);

}  // namespace logbridge::scoring
