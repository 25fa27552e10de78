// Quantities in Chinese free text. FoldText normalizes text once (ICU NFKC, so full-width
// digits and punctuation become ASCII) and keeps a map back to the original characters;
// ParseQuantity reads one typed field value; Extractor applies admin-written rules to free
// text. Every result carries the span of the original text it came from. No logging, no I/O.
// An Extractor is immutable after Create and safe to share between threads.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "scoring/decimal.h"

namespace logbridge::scoring {

// A half-open range [begin, end) of Unicode code points in the original, unfolded text.
struct Span {
  int32_t begin = 0;
  int32_t end = 0;
  bool operator==(const Span&) const = default;
};

enum class QuantityKind {
  kCount,     // 3个, 两家, 十几次
  kAmount,    // 5万元, ¥1,200, 3.5w, 壹万贰仟元; normalized to 元
  kPercent,   // 80%, 百分之八十; normalized to percentage points (80)
  kDuration,  // 2天, 1.5小时, 30分钟; normalized to hours
};

// A number read from text. For an approximate quantity (两三个, 十几万, 三千多) low < high
// and approximate is true; otherwise low == high.
struct Quantity {
  Decimal low;
  Decimal high;
  bool approximate = false;
  std::string unit;  // the unit or measure word as written after folding, e.g. "万元", "家"
  Span span;         // the number and its unit in the original text

  // The single value used for scoring: low for an exact quantity, the midpoint otherwise.
  Decimal Value() const;
};

// Whether a quantity reports work done, work planned, work explicitly not done, or a topic
// other than the writer's own work done: a number under a heading of problems, risks,
// competitors, others' results, complaints, feedback or requests (存在问题：, 团队业绩：). Outside
// lists, a running total (本月累计回款15万) and a value from before the report (原订单10万,
// 上周签约的小米3万元订单) are also not the day's work. A total of the writer's team
// (部门今日签约合计50万) and a colleague's deal that the writer helped with (协助同事签约3万元)
// are kOtherSection.
enum class Aspect { kDone, kPlanned, kNegated, kOtherSection, kRunningTotal, kEarlierValue };

// Text after NFKC folding, with the original code-point index of each folded code point.
struct FoldedText {
  std::string text;                 // UTF-8
  std::vector<int32_t> origin;      // origin[i] = original code point index of folded cp i
  int32_t original_length = 0;      // code points in the original text
};

// Folds full-width forms and compatibility characters with ICU NFKC. Invalid UTF-8 bytes are
// replaced by U+FFFD, so the result is always valid UTF-8.
FoldedText FoldText(std::string_view utf8);

// Reads a typed field value such as "5万元", "¥50,000", "4.5", "80%", "2天", "三个". A plain
// run of more than eight digits (13812345678) is an identifier, so it returns nullopt.
// default_unit applies when the text has none (e.g. a field whose config sets unit 万元).
// Returns nullopt when the text is not one quantity of that kind.
std::optional<Quantity> ParseQuantity(std::string_view text, QuantityKind kind,
                                      std::string_view default_unit = {});

// A typed value that ReadPlainTypedValue read. ParseQuantity gives the same text an exact
// Quantity whose Value() is value and whose span is [0, code_points).
struct PlainTypedValue {
  Decimal value;
  int32_t code_points = 0;
};

// Reads the common forms of a typed value without folding or a Quantity. A common form is a
// plain integer (one to eight ASCII digits without a leading zero), alone or, for amounts and
// durations, followed by exactly the folded default unit ("35000", "8小时" for unit 小时).
// Returns nullopt for any other text, for percents, and wherever ParseQuantity would return
// nullopt, so a caller then falls back to ParseQuantity and gets its result.
std::optional<PlainTypedValue> ReadPlainTypedValue(std::string_view text, QuantityKind kind,
                                                   std::string_view default_unit);

// A remark after a typed value, as in 3天，已完成 or 5万；已回款.
struct TypedRemark {
  // The byte where the remark starts: its first ，, ；, 。, or a , or ; that no digit follows.
  // npos when text has none after its first byte.
  size_t begin = std::string_view::npos;
  // Whether the remark contains a digit or a Chinese numeral (3天，其中路上1天), which may be the
  // value meant, so that ParseQuantity does not read the value before it.
  bool has_number = false;
};

// Finds the remark after a typed value. ParseQuantity reads a value without its remark only
// when the whole text does not read and the remark contains no number.
TypedRemark FindTypedRemark(std::string_view text);

// Whether text, after folding, has a run of more than eight digits, which ParseQuantity and
// Extract take for an identifier such as a phone or order number.
bool HasIdentifierDigitRun(std::string_view text);

// Whether text, after folding, has a number that free text takes for an identifier, such as a
// phone or card number in digit groups (138 1234 5678) or a plain run of more than eight digits.
bool HasIdentifierNumber(std::string_view text);

// An admin-written extraction rule, as loaded from config.
struct ExtractionRule {
  std::string name;                         // for error messages and evidence
  std::string metric;                       // the metric that receives the value
  std::string pattern;                      // RE2 pattern for the trigger, e.g. "拜访|走访"
  QuantityKind kind = QuantityKind::kCount;
  std::vector<std::string> measure_words;   // counts: 个, 家, 位, 次, 笔; empty = any
  int max_gap = 8;                          // code points allowed between trigger and number
};

// One value mined from free text.
struct Extraction {
  std::string metric;
  std::string rule;
  Quantity quantity;
  Span span;        // trigger plus quantity, in the original text
  // The bytes [span_begin_byte, span_end_byte) of span in the text passed to Extract. Both are
  // -1 when that text is not valid UTF-8, because then a code point's byte offset depends on
  // how a reader steps over invalid bytes.
  int32_t span_begin_byte = -1;
  int32_t span_end_byte = -1;
  Aspect aspect = Aspect::kDone;
  // A plain digit run of more than eight digits (签约123456789元) or a phone number in digit
  // groups (138 1234 5678), read as an identifier such as a phone or order number: shown, never
  // counted.
  bool identifier = false;
  // Digits whose separators fit no grouping (签约5,00元, 1.200,50): shown with value 0, never
  // counted.
  bool unreadable = false;
};

// A match of Extract with its rule as an index and its unit as a view, so that it owns no
// strings. Extractor::ToExtraction turns it into the Extraction that Extract returns, and a
// caller that only counts the match needs no copies.
struct ExtractionMatch {
  int rule = 0;  // index into the rules the Extractor was created with
  Decimal low;
  Decimal high;
  bool approximate = false;
  // The unit, as in Quantity::unit. It points into buffers of the calling thread, which the
  // next extraction on that thread overwrites.
  std::string_view unit;
  Span quantity_span;  // Quantity::span
  Span span;
  int32_t span_begin_byte = -1;
  int32_t span_end_byte = -1;
  Aspect aspect = Aspect::kDone;
  bool identifier = false;
  bool unreadable = false;

  // Returns the value Quantity::Value returns for this match's quantity.
  Decimal Value() const;
};

class Extractor {
 public:
  // Compiles every rule's pattern with RE2. On failure the error names the rule, the
  // pattern and RE2's message, and nothing is returned. Patterns are matched against the
  // folded text, so they should use ASCII digits and punctuation. Also rejected: an empty
  // pattern, a pattern that matches empty text, max_gap outside 0..64 and an empty
  // measure word (all kInvalidArgument).
  static Result<Extractor> Create(std::vector<ExtractionRule> rules);

  Extractor(Extractor&&) noexcept;
  Extractor& operator=(Extractor&&) noexcept;
  ~Extractor();

  // Returns every rule match in text, in order of position. Planned and negated matches are
  // returned with their aspect set, identifiers with identifier set and malformed numbers
  // with unreadable set, so callers can show them but must not count them.
  //
  // A number counts for a rule when one of the rule's triggers lies within max_gap code
  // points before or after it in the same clause (clauses end at ，。；;!? and line breaks)
  // and its unit fits the rule's kind: a listed measure word or a bare number for counts, a
  // currency mark or a bare number for amounts, % or 百分之 for percents, a time unit for
  // durations. A Chinese numeral needs a unit or a 万/亿 scale (so 统一 is no count), and
  // dates, clock times, ordinals, weekdays, labeled identifiers (订单号123) and idioms are
  // never numbers. A run of more than eight digits, plain or after a label (订单号), is an
  // identifier match. Each number binds to at most one rule: the best unit fit, then the
  // nearest trigger, then a trigger before the number, then the earlier rule. Each trigger
  // occurrence counts at most one number, the one that fits it best by the same order (then
  // the earlier number), so 拜访客户3家共3次 is 3; a number that loses its trigger binds to its
  // next best. A trigger takes no number after a + that joins a new word (回款2万+欠款3万元),
  // and none before itself when a number, even an unreadable one, follows it closely. A number with a unit word or mark of the rule's kind (1万元, 2家, 3小时, 80%)
  // may also bind to a trigger in the clause just before its own (签约，金额1万元). Only a
  // comma may separate the two clauses, the number's own clause must have no trigger of that
  // rule, and the gap, comma included, must be within max_gap. A line break may separate them
  // instead when the number's line starts with an amount label and a colon and the trigger's
  // clause has no amount (今日签约：2单 over 金额：8万元). The aspect comes from cue
  // words in the number's clause (未, 没有, 无 negate; 计划, 准备, 明天, 下周 plan), and for
  // such a binding from the trigger's clause too.
  //
  // In a numbered list of two or more items after a heading that ends with a colon
  // (签约： over 1、华为5万 and 2、小米3万), a trigger in the heading counts the items unless it
  // counts a number before the colon. It takes every number in the items that has a unit word
  // or mark of its rule's kind (or a scale such as 万 or 千, for amounts) and that no trigger in
  // its own item counts. It skips items with a total word such as 合计, 累计 or 总额, and numbers
  // after 欠, 退款, 报价 or 询价 in their clause. Cues in the heading apply to every number in the
  // items, and the span of a number the heading counts starts at its item number.
  //
  // Outside lists, words around a done number change its aspect too. A trigger of earlier work
  // (上周签约的) gives kEarlierValue, and a follow-up before a deal trigger (跟进华为订单) gives
  // kPlanned. Help for a colleague (协助同事签约) gives kOtherSection. For an amount rule, a later
  // clause of the sentence that calls the deal off (，客户要求退单) gives kNegated.
  //
  // Sections then change done matches by line (scoring/sections.h). Lines under a plan heading
  // (下周计划：) or after a plan label (明日：, 【明日计划】) are planned. Lines under a heading or
  // after a label of another topic (存在问题：, 【风险】) are kOtherSection. List items of lost or
  // stalled deals (1、 or ①) are negated or planned.
  std::vector<Extraction> Extract(std::string_view text) const;

  // Replaces the contents of *out with what Extract(text) returns. Reuses the capacity of
  // *out, so a caller that keeps the vector between calls does not allocate it per text.
  void ExtractInto(std::string_view text, std::vector<Extraction>* out) const;

  // Replaces the contents of *out with the matches of Extract(text), in the same order. Each
  // unit view stays valid until the next extraction on the calling thread.
  void MatchInto(std::string_view text, std::vector<ExtractionMatch>* out) const;

  // Fills every member of *out from match, as Extract returns it. Assigning in place lets a
  // reused Extraction keep the capacity of its strings.
  void ToExtraction(const ExtractionMatch& match, Extraction* out) const;

  // The rule at this index, as passed to Create. REQUIRES: 0 <= index < the number of rules.
  const ExtractionRule& rule(int index) const;

 private:
  struct Impl;
  explicit Extractor(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace logbridge::scoring
