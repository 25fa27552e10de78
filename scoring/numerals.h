// Numbers with their units in folded Chinese text: Arabic and Chinese numerals, financial
// forms, 万/亿/w/k scales, approximate forms (两三, 十几, 三千多, 上百) and the unit or measure
// word that follows. Private to the text part of scoring. A UnitTable is immutable after
// construction and safe to share between threads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scoring/decimal.h"
#include "scoring/text.h"

namespace logbridge::scoring {

// The class of quantity that a unit word gives the number before it.
enum class UnitClass : uint8_t {
  kNone,         // no unit: a bare number, possibly scaled (5万, 3w)
  kMeasureWord,  // 个, 家, 笔: a count
  kCurrency,     // 元, 块, ¥, RMB, 人民币: an amount in 元
  kPercent,      // %, 百分之, 个百分点: percentage points
  kDuration,     // 小时, 天, 分钟: normalized to hours
};

// A unit word and how it changes the number before it.
struct UnitWord {
  enum class Role : uint8_t {
    kUnit,     // the number is a quantity of class unit_class
    kBlocker,  // the number is a date, clock time, ordinal, period or foreign amount: skip it
  };
  std::u32string text;
  Role role = Role::kUnit;
  UnitClass unit_class = UnitClass::kNone;
  Decimal hours = Decimal::FromInt(1);  // hours per unit, for durations, divided by
  int64_t hours_divisor = 1;            // this, so minutes stay exact (30分钟 = 0.5)
  bool plus_half = false;               // 个半小时, 天半: the number is one half larger
  bool plus_one_approx = false;         // 个多小时: the number is a range up to one more
};

// Unit words, measure words and blocker words, matched longest first.
class UnitTable {
 public:
  // The built-in words plus extra measure words, which are added as counts. An extra word
  // that is already built in keeps its built-in meaning.
  explicit UnitTable(const std::vector<std::string>& extra_measure_words = {});

  // Returns the longest word that starts at text[pos], or nullptr.
  const UnitWord* Match(std::u32string_view text, size_t pos) const;

 private:
  std::vector<UnitWord> words_;
  std::vector<uint16_t> order_;              // indexes by first code point, longest first
  std::vector<char32_t> order_firsts_;       // the first code point of each word in order_
  CodePointFilter firsts_;                   // first code points of words_
  static constexpr uint16_t kNoWord = 0xFFFF;
  // A hash table from each first code point to the index in order_ of its first word, with
  // linear probing. Its size is a power of two, at least 16 and at least twice the number of
  // words, and first is 0 in an empty slot (no word starts with U+0000).
  struct FirstSlot {
    char32_t first = 0;
    uint16_t start = 0;
    // The index in words_ of the word that is first by itself (one code point), or kNoWord.
    uint16_t single_word = kNoWord;
    // A bitmap with bit (cp & 63) set for the second code point cp of each longer word that
    // starts with first. When the bit of the code point after first is clear, no longer word
    // matches, so the match is single_word.
    uint64_t second_bits = 0;
    // The same with bit ((cp >> 6) & 63), so that a code point after first must pass both to
    // reach the word comparisons. The longer words of 个 set 10 of the 64 bits of second_bits,
    // so that bitmap alone passes about one code point in six (门 of 个门店, as 周 of 个周).
    uint64_t second_high_bits = 0;
  };
  std::vector<FirstSlot> first_slots_;
  int first_slot_bits_ = 0;                  // log2 of first_slots_.size()

  // Returns Match's result by comparing the words that start with text[pos], longest first,
  // given the slot of text[pos] in first_slots_.
  const UnitWord* MatchLonger(std::u32string_view text, size_t pos, size_t slot) const;

  size_t FirstSlotOf(char32_t first) const {
    return (static_cast<uint32_t>(first) * 0x9E3779B1U) >> (32 - first_slot_bits_);
  }
};

// One number found in folded text, with its unit. Positions are folded code points.
struct NumberMatch {
  int32_t begin = 0;  // first code point, including a prefix such as ¥ or 百分之
  int32_t end = 0;    // one past the unit
  Decimal low;        // normalized: 元 for amounts, hours for durations, points for percents
  Decimal high;
  bool approximate = false;
  UnitClass unit_class = UnitClass::kNone;
  bool scaled = false;   // ends with 万, 亿, w or k and has no unit word
  // Has 万, 亿, 百, 千, w or k anywhere (3万5, 3万余, 一万二, 3千, 5k), which makes a number
  // without a unit word read as money rather than as a count.
  bool scale_word = false;
  bool chinese = false;  // the numeral starts with a Chinese character
  // A Chinese numeral with 百 or 千 but no unit word and no 万/亿 scale (两百, 一千零一). Free
  // text reads it only for amount rules, so a count rule still needs a measure word (拜访三百家).
  bool hundreds_only = false;
  std::string unit;      // prefix, trailing scale and unit word as written after folding
  std::u32string_view measure_word;  // the measure word, for counts
  // A plain digit run of more than kMaxIntegerDigits digits, or a phone or card number written
  // in digit groups (138 1234 5678, 400-800-1234), kept only with ScanOptions::keep_identifiers. It is
  // most likely a phone or order number, so it is shown and never counted.
  bool identifier = false;
  // Written with a hedge word (约5万, 5000左右, 5万+): approximate, though low == high.
  bool hedged = false;
  // Digits whose separators fit no grouping (5,00, 1.200,50), kept only with
  // ScanOptions::keep_identifiers. Its value is 0, so it is shown and never counted.
  bool unreadable = false;
};

// More integer digits than this, written without thousands separators, make a digit run an
// identifier such as a phone or order number. 123,456,789 and 1.2亿 are still amounts.
inline constexpr int kMaxIntegerDigits = 8;

// The largest quantity read, 一万亿 (10^12). A larger one is taken for a slip (签约500万亿元)
// and is unreadable. 900 values of this size still add up within Decimal's range, which ends
// at about 9.2 x 10^14.
inline constexpr Decimal kLargestQuantity = Decimal::FromInt(1000000000000);

// Whether cp is a dash or tilde that may join the two ends of a range. These are - and ~, which
// the full-width forms fold to, and four that NFKC keeps: the hyphens and dashes U+2010 to
// U+2015, the minus sign U+2212 and the wave dash 〜 U+301C.
bool IsRangeDash(char32_t cp);

// A range whose upper end is more than this many times its lower end (3万-9999万) is read as
// a typing mistake rather than an estimate. So free text shows it as unreadable, and a typed
// field rejects it.
inline constexpr int64_t kMaxRangeRatio = 10;

// Whether a range from low to high is wider than kMaxRangeRatio allows. A lower end of 0 makes
// every range too wide.
bool IsRangeTooWide(Decimal low, Decimal high);

// Whether utf8 has a scale word, which makes a number an amount: 万, 亿 or 千 (or 萬, 億, 仟), or
// w or k after a digit and any spaces (5w, 3 k). A percent field rejects such a value.
bool HasScaleWord(std::string_view utf8);

struct ScanOptions {
  // Whether a Chinese numeral with no unit and no scale counts ("三" in a typed field). Free
  // text needs a unit, because words like 统一 and 三心二意 contain numerals.
  bool allow_bare_chinese = false;
  // Whether a plain run of more than kMaxIntegerDigits digits, or a run with misplaced
  // separators (5,00), is returned with identifier or unreadable set instead of being
  // skipped, so that callers can show why it did not count.
  bool keep_identifiers = false;
  // Whether common shapes (3家, 2.35万元, 十二个) are read by a direct path that skips the
  // general parser. Both give the same matches, so only tests that compare them turn it off.
  bool direct_path = true;
};

// Appends every number in text.folded to out, in order, skipping dates, clock times,
// ordinals, weekdays, identifiers, versions, idioms and a year right before a name that
// starts with a scale character (2026万科). A hedge word right before or after a
// number (约, 大约, 近, 左右, and + before no other number) is added to its span and sets
// hedged. Two numbers joined by + whose units fit together (3万+5万元, 2家+3家) are read as
// one sum.
void ScanNumbers(const FoldBuffer& text, const UnitTable& units, const ScanOptions& options,
                 std::vector<NumberMatch>* out);

// Code points whose positions ScanNumbers records for a caller, such as clause breaks and the
// first code points of words it looks for. Immutable after construction.
class ScanMarks {
 public:
  explicit ScanMarks(const CodePointFilter& marks);

  const CodePointFilter& marks() const { return marks_; }
  // marks() and every code point that may start a number, so that one test per code point
  // skips those that are neither.
  const CodePointFilter& marks_or_starts() const { return marks_or_starts_; }

 private:
  CodePointFilter marks_;
  CodePointFilter marks_or_starts_;
};

// Appends every number to out as the ScanNumbers above does, and in the same pass appends to
// *marked, in increasing order, each position of text.folded whose code point marks.marks()
// may contain. A caller that needs the clause breaks or word starts of the text then needs no
// second pass over it.
void ScanNumbers(const FoldBuffer& text, const UnitTable& units, const ScanOptions& options,
                 const ScanMarks& marks, std::vector<NumberMatch>* out,
                 std::vector<int32_t>* marked);

// Reads the number that starts at text.folded[begin] as ScanNumbers does before it adds
// hedge words, and sets *resume to where its scan goes on. Returns nullopt when no number
// starts there.
std::optional<NumberMatch> ReadNumberAt(const FoldBuffer& text, int32_t begin,
                                        const UnitTable& units, const ScanOptions& options,
                                        int32_t* resume);

// Reads text.folded[begin, end) as exactly one number with its unit, or returns nullopt.
std::optional<NumberMatch> ReadOneNumber(const FoldBuffer& text, int32_t begin, int32_t end,
                                         const UnitTable& units, const ScanOptions& options);

// A calendar date in folded text.
struct TextDate {
  int32_t end = 0;  // one past the date's last code point
  int year = 0;
  int month = 0;
  int day = 0;
};

// Reads a date that starts at text[begin]: 2026-11-03, 2026/11/03, 2026.11.03, 2026 11 03,
// 20261103 or 2026年11月3日 (日 or 号 may be left out). As for the dates that ScanNumbers skips,
// the year must lie from 1990 to 2099 and the day must be on the calendar (20260230 is no
// date). Returns nullopt for anything else, and when a digit follows the day directly rather
// than after 日 or 号.
std::optional<TextDate> ReadDateAt(std::u32string_view text, int32_t begin);

}  // namespace logbridge::scoring
