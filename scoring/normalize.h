// Normalization: one LogRecord read against its template into metric values with evidence.
// Typed fields are parsed by type, text fields go through the extraction rules, and only work
// reported as done is counted. Stateless given a Config; safe to call from several threads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scoring/config.h"
#include "scoring/extract.h"
#include "scoring/log_record.h"

namespace logbridge::scoring {

// The range of an approximate quantity such as 十几万 (110000 to 190000).
struct ValueRange {
  Decimal low;
  Decimal high;
};

// The origin of a value: the log, the field, the span of the field's text, and the text.
struct Evidence {
  std::string report_id;
  std::string field_key;
  std::string source;  // "field" for a typed field, "time_saving", or the extraction rule's name
  Span span;           // code points of the field's original text
  std::string quote;   // the text of span
  Decimal value;       // the value this evidence contributed, before any down-weighting
  // The factor the log's value counts with: the config's down_weight for a down-weighted log,
  // else 1. counted is value x weight, so the counted values of a sum add up to the raw value.
  Decimal weight = Decimal::FromInt(1);
  Decimal counted;
  // Set for an approximate quantity (十几万, 两三个), whose value is the range's midpoint.
  std::optional<ValueRange> approximate;
};

// The origin of a counted value as Normalize finds it, borrowing its text from the record and
// the config, so that a log's values cost no copies. Aggregate turns the ones it keeps into
// Evidence. Valid while the record and the config live.
struct EvidenceRef {
  std::string_view field_key;
  std::string_view source;  // "field", "time_saving", or the extraction rule's name
  Span span;                // code points of the field's original text
  std::string_view quote;   // the text of span, in the record
  // For a value computed from two fields (a time saving): the other field's key and text,
  // quoted before this field's. Empty otherwise.
  std::string_view paired_key;
  std::string_view paired_quote;
  std::optional<ValueRange> approximate;

  // Returns quote, or for a paired value both texts as written: "计划用时 2天 → 实际用时 1.8天".
  std::string Quote() const;
};

struct MetricValue {
  int metric = -1;        // index into Config::metrics
  Decimal value;
  std::string_view text;  // the field text in the record, for distinct counts
  EvidenceRef evidence;

  // Returns an owned copy of the evidence, for a report that outlives the record.
  Evidence ToEvidence(std::string_view report_id) const;
};

// A typed field whose text did not parse as its type.
struct UnreadableField {
  std::string key;
  std::string value;
  FieldType type = FieldType::kText;
  std::string hint;  // why the value did not parse and how to write it, when that is known
};

// An extraction of planned or negated work, an identifier, an unreadable number, or a match of
// a metric that a typed field of the same log gives: shown, never counted.
struct IgnoredExtraction {
  std::string field_key;
  Extraction extraction;
  // The key of the typed field whose value counted instead of this match, or empty. Points into
  // the config.
  std::string_view replaced_by;
  // The record field whose text the match was read from, or nullptr when that is not known.
  // Points into the record.
  const LogField* field = nullptr;
};

struct NormalizedLog {
  const LogRecord* record = nullptr;         // not owned; must outlive this object
  const TemplateSpec* spec = nullptr;        // nullptr when the template is not configured
  const RoleSpec* role = nullptr;            // Config::RoleForLog; nullptr without spec or role
  int64_t work_day = 0;                      // Shanghai day the log reports on
  std::vector<MetricValue> values;           // counted values, in field order
  std::vector<IgnoredExtraction> ignored;
  std::vector<std::string> missing_fields;   // required fields that are absent or blank
  std::vector<UnreadableField> unreadable;
  std::string text;                          // all field values joined by newlines
  std::string free_text;                     // the configured text fields joined by newlines
  int32_t text_chars = 0;                    // code points of content, whitespace excluded
  std::string customer;                      // the customer field's trimmed text, or empty
};

// Normalizes one record. A record whose template is not in the config comes back with spec
// nullptr and no values. When a typed field feeds a metric, extractions of that same metric from
// the log's free text are not counted, so an amount written in both places counts once.
// REQUIRES: the non-empty field keys of each template are distinct, as LoadConfig ensures.
NormalizedLog Normalize(const Config& config, const LogRecord& record);

// Normalizes one record into *out, replacing all of its previous contents. The vectors and
// strings of *out keep their capacity, so a caller that reuses one NormalizedLog per slot does
// not allocate them again for every log.
void Normalize(const Config& config, const LogRecord& record, NormalizedLog* out);

// Returns the Shanghai day a log of this template reports on when it has no work-date field.
// That is usually the day it was created. A log written after its period ended but before that
// period's deadline reports on the last day of the earlier period, and for weekly and longer
// periods this holds until one day after the deadline. So a 周报 written on Monday morning is
// about the week before.
int64_t ReportedDay(const TemplateSpec& spec, EpochMs create_time);

// Returns the code points [begin, end) of UTF-8 text; out-of-range bounds are clipped.
std::string Utf8Slice(std::string_view text, int32_t begin, int32_t end);
std::string_view Utf8SliceView(std::string_view text, int32_t begin, int32_t end);

// Slices one text at code point ranges, returning what Utf8SliceView returns. It keeps its
// place between calls, so a run of slices whose starts do not decrease walks the text once.
// A slice that starts earlier walks from the text's start again. The text must outlive it.
class Utf8Slicer {
 public:
  explicit Utf8Slicer(std::string_view text) : text_(text) {}

  std::string_view Slice(int32_t begin, int32_t end);

 private:
  std::string_view text_;
  int32_t index_ = 0;  // the code point where the last slice started, or 0
  size_t byte_ = 0;    // the byte offset of index_
};

// Returns text without leading and trailing ASCII and ideographic white space.
std::string_view TrimSpace(std::string_view text);

}  // namespace logbridge::scoring
