// Reads numbers with units from folded text. A number is read in three steps: an optional
// prefix (¥, RMB, 人民币, 百分之), the numeral core, and the unit word after it. Context
// checks then drop dates, clock times, ordinals, identifiers and idioms.
#include "scoring/numerals.h"

#include <algorithm>
#include <array>

namespace logbridge::scoring {
namespace {

constexpr int64_t kTenThousand = 10000;
constexpr int64_t kHundredMillion = 100000000;
constexpr Decimal kHalf = Decimal::FromUnits(Decimal::kScale / 2);

bool IsAsciiDigit(char32_t cp) { return cp >= U'0' && cp <= U'9'; }
bool IsAsciiLetter(char32_t cp) { return (cp >= U'a' && cp <= U'z') || (cp >= U'A' && cp <= U'Z'); }

// Whether cp joins two digit groups into a version, date, clock time or range: . : / - ~
bool IsDigitJoiner(char32_t cp) {
  return cp == U'.' || cp == U':' || cp == U'/' || cp == U'-' || cp == U'~';
}

// Returns whether cp is white space allowed between a number and its unit: the ASCII space,
// which the ideographic and no-break spaces fold to, or the tab.
bool IsInlineSpace(char32_t cp) { return cp == U' ' || cp == U'\t'; }

// Returns 0-9 for a Chinese or financial digit, -1 otherwise.
int ChineseDigit(char32_t cp) {
  switch (cp) {
    case U'零': case U'〇': return 0;
    case U'一': case U'壹': return 1;
    case U'二': case U'贰': case U'貳': case U'两': case U'兩': case U'俩': return 2;
    case U'三': case U'叁': case U'叄': case U'參': return 3;
    case U'四': case U'肆': return 4;
    case U'五': case U'伍': return 5;
    case U'六': case U'陆': case U'陸': return 6;
    case U'七': case U'柒': return 7;
    case U'八': case U'捌': return 8;
    case U'九': case U'玖': return 9;
    default: return -1;
  }
}

// Returns the value of a Chinese unit character, or 0.
int64_t ChineseUnit(char32_t cp) {
  switch (cp) {
    case U'十': case U'拾': return 10;
    case U'百': case U'佰': return 100;
    case U'千': case U'仟': return 1000;
    case U'万': case U'萬': return kTenThousand;
    case U'亿': case U'億': return kHundredMillion;
    default: return 0;
  }
}

// Whether year, month and day make a calendar date from 1990 to 2099 (2026-02-30 does not).
bool IsCalendarDate(int64_t year, int64_t month, int64_t day) {
  constexpr int64_t kDaysInMonth[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (year < 1990 || year > 2099 || month < 1 || month > 12 || day < 1 ||
      day > kDaysInMonth[month - 1]) {
    return false;
  }
  // From 1990 to 2099 every year divisible by 4 is a leap year, 2000 included.
  return month != 2 || day <= 28 || year % 4 == 0;
}

// Whether the eight digits of value make a date written without separators, such as 20261103.
bool IsCompactDate(int64_t value) {
  return IsCalendarDate(value / 10000, value / 100 % 100, value % 100);
}

// Whether cp after a number makes it money, not a date: 元 or 块 (20261103元).
bool IsCurrencyAfterDate(char32_t cp) { return cp == U'元' || cp == U'块'; }

// Whether cp after an Arabic number lets NumeralParser read on: a unit character (3万, 5千),
// a shorthand (3w, 5k) or 多 and 余 (3000多).
bool ContinuesArabic(char32_t cp) {
  return ChineseUnit(cp) > 0 || cp == U'w' || cp == U'W' || cp == U'k' || cp == U'K' ||
         cp == U'多' || cp == U'余';
}

// Whether cp, right after a numeral, may extend or qualify it in the general reader. Every ASCII
// code point but % may (digits, separators, joiners, spaces, letters, + and the end of the
// text). So may the Chinese digits and units, 几, 数, 上, 多, 余, 点, 半, the range separators
// and the apostrophe that groups digits. ReadCommonAt leaves such text to ReadAt, and tests it
// through DirectPathSets.
bool ExtendsNumeral(char32_t cp) {
  if (cp < 0x80) {
    return cp != U'%';
  }
  switch (cp) {
    case U'几': case U'数': case U'上': case U'多': case U'余': case U'点': case U'半':
    case U'到': case U'至': case U'、': case U'\u2019':
      return true;
    default:
      return ChineseDigit(cp) >= 0 || ChineseUnit(cp) > 0 || IsRangeDash(cp);
  }
}

// Whether the code point before a number leaves every left-context check of ReadAt without
// effect: it is no letter, space, colon, #, $, €, £, 第, identifier label (号, 码) or the
// 周, 期 or 拜 of a weekday. The start of the text (0) is neutral. ReadCommonAt tests it
// through DirectPathSets.
bool IsNeutralBefore(char32_t cp) {
  if (cp < 0x80) {
    bool letter = (cp >= U'a' && cp <= U'z') || (cp >= U'A' && cp <= U'Z');
    return !letter && cp != U' ' && cp != U'\t' && cp != U':' && cp != U'#' && cp != U'$';
  }
  switch (cp) {
    case U'第': case U'号': case U'码': case U'周': case U'期': case U'拜': case 0x20AC:
    case 0x00A3:
      return false;
    default:
      return true;
  }
}

// Whether two adjacent digits name an approximate range: 一两, 两三, 三四 ... 八九, and 三五.
bool IsRangePair(int first, int second) {
  return (first >= 1 && second == first + 1) || (first == 3 && second == 5);
}

struct Range {
  Decimal low;
  Decimal high;
};

// Range arithmetic that records overflow in ok instead of wrapping.
struct RangeMath {
  bool ok = true;

  Range Add(Range a, Range b) {
    auto low = a.low.CheckedAdd(b.low);
    auto high = a.high.CheckedAdd(b.high);
    if (!low || !high) {
      ok = false;
      return a;
    }
    return Range{*low, *high};
  }
  Range Times(Range a, int64_t factor) {
    auto low = a.low.Times(factor);
    auto high = a.high.Times(factor);
    if (!low || !high) {
      ok = false;
      return a;
    }
    return Range{*low, *high};
  }
  Range Divide(Range a, int64_t divisor) {
    auto low = a.low.CheckedDivide(Decimal::FromInt(divisor));
    auto high = a.high.CheckedDivide(Decimal::FromInt(divisor));
    if (!low || !high) {
      ok = false;
      return a;
    }
    return Range{*low, *high};
  }
  Range Multiply(Range a, Decimal factor) {
    auto low = a.low.CheckedMultiply(factor);
    auto high = a.high.CheckedMultiply(factor);
    if (!low || !high) {
      ok = false;
      return a;
    }
    return Range{*low, *high};
  }
};

// The digit read but not yet placed by a unit. Works like std::optional<Range>, with the
// value always initialized, which keeps GCC's -Wmaybe-uninitialized quiet.
class PendingDigit {
 public:
  explicit operator bool() const { return present_; }
  Range& operator*() { return value_; }
  Range* operator->() { return &value_; }
  Range value_or(Range fallback) const { return present_ ? value_ : fallback; }
  PendingDigit& operator=(Range value) {
    value_ = value;
    present_ = true;
    return *this;
  }
  void reset() {
    value_ = Range{};
    present_ = false;
  }

 private:
  Range value_;
  bool present_ = false;
};

Range Exactly(int64_t whole) { return Range{Decimal::FromInt(whole), Decimal::FromInt(whole)}; }

// Words that contain a numeral followed by something that reads like a unit, but are not
// quantities. Checked at the start of every Chinese numeral.
const std::vector<std::u32string>& IdiomWords() {
  static const std::vector<std::u32string> kWords = {
      U"一次性", U"一口气", U"一条龙", U"一把手", U"一对一", U"一五一十", U"一心一意",
      U"三心二意", U"三番五次", U"一举两得", U"一模一样", U"一个个", U"一次次", U"一步步",
      U"一天天", U"七上八下", U"乱七八糟", U"四面八方", U"五花八门", U"万一",
      U"一些", U"一下", U"一起", U"一直", U"一致", U"一般", U"一样",
      U"一定", U"一切", U"一同", U"一旦", U"统一", U"唯一", U"同一", U"单一", U"专一",
      U"逐一", U"之一", U"第一", U"一线", U"一手", U"三天两头", U"百战百胜", U"一半",
      // 一 after a demonstrative is "the next one", "another one", not a count of one.
      U"下一", U"上一", U"另一", U"每一", U"这一", U"那一", U"哪一"};
  return kWords;
}

// Names that start with a scale character (万科 and 万达 are property developers, 百度 a search
// company). A year written right before one (2026万科项目) is not an amount, so it is not read
// at all. Any other number keeps the scale, because 50万科研项目, 800万豪宅 and 300万达州 are
// amounts far more often than names. A longer word in kScaleNotName keeps the scale after a
// year too: 2026万科技 is 20,260,000 of technology work.
// NOTE: the list contains a few well-known names only, and a config cannot add more yet.
constexpr std::u32string_view kNamesAfterNumber[] = {U"万科", U"万达", U"万豪", U"百度", U"千禧"};
constexpr std::u32string_view kScaleNotName[] = {U"万科技", U"万达成", U"万达到", U"万达标",
                                                 U"万豪华"};

// Whether the four digits before text[end] are a recent year (1990 to 2099) with no digit
// before them. 2000 is left out, because 2000万 is a common round amount.
bool EndsYear(std::u32string_view text, size_t end) {
  if (end < 4 || (end > 4 && IsAsciiDigit(text[end - 5]))) {
    return false;
  }
  int year = 0;
  for (size_t k = end - 4; k < end; ++k) {
    if (!IsAsciiDigit(text[k])) {
      return false;
    }
    year = year * 10 + static_cast<int>(text[k] - U'0');
  }
  return year >= 1990 && year <= 2099 && year != 2000;
}

// Whether a name of kNamesAfterNumber starts at text[i], right after a year, or after a year
// and one space.
bool StartsName(std::u32string_view text, size_t i) {
  char32_t first = text[i];
  if ((first != U'万' && first != U'百' && first != U'千') || i + 1 >= text.size()) {
    return false;
  }
  size_t number_end = i > 0 && IsInlineSpace(text[i - 1]) ? i - 1 : i;
  if (!EndsYear(text, number_end)) {
    return false;
  }
  // A scale usually ends its number, so comparing two code points first is cheaper than
  // comparing whole words.
  char32_t second = text[i + 1];
  bool may_start =
      std::any_of(std::begin(kNamesAfterNumber), std::end(kNamesAfterNumber),
                  [&](std::u32string_view word) { return word[0] == first && word[1] == second; });
  auto starts = [&](std::u32string_view word) { return text.substr(i, word.size()) == word; };
  return may_start && std::none_of(std::begin(kScaleNotName), std::end(kScaleNotName), starts);
}

// A code point of an idiom word and its position in the word.
struct IdiomAnchor {
  char32_t cp = 0;
  uint16_t word = 0;    // index into IdiomWords()
  uint16_t offset = 0;  // position of cp in that word
};

// Every code point of every idiom word, sorted by code point, so that StartsIdiom only tries
// the words that contain the numeral's first character.
const std::vector<IdiomAnchor>& IdiomAnchors() {
  static const std::vector<IdiomAnchor> kAnchors = [] {
    std::vector<IdiomAnchor> anchors;
    const std::vector<std::u32string>& words = IdiomWords();
    for (size_t word = 0; word < words.size(); ++word) {
      for (size_t offset = 0; offset < words[word].size(); ++offset) {
        anchors.push_back(IdiomAnchor{words[word][offset], static_cast<uint16_t>(word),
                                      static_cast<uint16_t>(offset)});
      }
    }
    std::stable_sort(anchors.begin(), anchors.end(),
                     [](const IdiomAnchor& a, const IdiomAnchor& b) { return a.cp < b.cp; });
    return anchors;
  }();
  return kAnchors;
}

// Whether text[start] lies inside an idiom word written in text.
bool StartsIdiom(std::u32string_view text, int32_t start) {
  const std::vector<std::u32string>& words = IdiomWords();
  const std::vector<IdiomAnchor>& anchors = IdiomAnchors();
  char32_t cp = text[start];
  auto anchor = std::lower_bound(anchors.begin(), anchors.end(), cp,
                                 [](const IdiomAnchor& a, char32_t c) { return a.cp < c; });
  for (; anchor != anchors.end() && anchor->cp == cp; ++anchor) {
    if (start < anchor->offset) {
      continue;
    }
    const std::u32string& word = words[anchor->word];
    if (text.substr(start - anchor->offset, word.size()) == word) {
      return true;
    }
  }
  return false;
}

// ExtendsNumeral and IsNeutralBefore as bitmaps, one test each instead of several switches.
// A code point outside the Basic Multilingual Plane counts as extending and not neutral, which
// only sends its text to the general reader.
class DirectPathSets {
 public:
  DirectPathSets() {
    for (char32_t cp = 0; cp < 0x10000; ++cp) {
      if (ExtendsNumeral(cp)) {
        extends_.Add(cp);
      }
      if (!IsNeutralBefore(cp)) {
        not_neutral_.Add(cp);
      }
    }
    for (const std::u32string& word : IdiomWords()) {
      for (char32_t cp : word) {
        idiom_code_points_.Add(cp);
      }
    }
  }

  bool MayExtendNumeral(char32_t cp) const { return cp >= 0x10000 || extends_.MayContain(cp); }
  // Whether the numeral between before and after may lie in an idiom word. Every idiom word
  // has two or more code points, so one that contains the numeral also contains a neighbour.
  bool MayBeInIdiom(char32_t before, char32_t after) const {
    return idiom_code_points_.MayContain(before) || idiom_code_points_.MayContain(after);
  }
  bool IsNeutral(char32_t before) const {
    return before < 0x10000 && !not_neutral_.MayContain(before);
  }

 private:
  CodePointFilter extends_;
  CodePointFilter not_neutral_;
  CodePointFilter idiom_code_points_;
};

const DirectPathSets& DirectSets() {
  static const DirectPathSets kSets;
  return kSets;
}

// A run of ASCII digits with optional thousands separators and fraction.
struct ArabicRun {
  bool ok = false;
  bool identifier = false;  // over kMaxIntegerDigits plain digits, kept for keep_identifiers
  bool unreadable = false;  // digits with misplaced separators (5,00), kept for keep_identifiers
  int32_t end = 0;      // one past the run when ok; where the scan resumes otherwise
  Decimal value;
  bool single_digit = false;  // one digit, no fraction: 3万2 reads as 32000
  bool integer = false;
};

// Reads the numeral core: digits, units, ranges, 多, and w/k shorthands.
struct Core {
  bool ok = false;
  int32_t end = 0;      // one past the numeral when ok; where the scan resumes otherwise
  Range value;
  bool approximate = false;
  bool has_digit = false;        // a written digit, 几 or 数, not only an implied 一 before 十
  bool scaled = false;           // the numeral ends with 万, 亿, w or k
  bool large = false;            // the numeral has 万 or 亿 anywhere (一万二)
  bool hundreds = false;         // the numeral has 百 or 千 anywhere (两百, 一千零一)
  int32_t scale_begin = -1;      // start of that trailing scale
  int64_t scale = 0;             // the value of that trailing scale
  bool chinese_decimal = false;  // 点 used as a decimal point (三点五万)
  bool identifier = false;       // the numeral has such a run
  bool unreadable = false;       // the numeral has a run with misplaced separators
};

class NumberReader {
 public:
  NumberReader(const FoldBuffer& text, int32_t limit, const UnitTable& units,
               const ScanOptions& options)
      : buffer_(text),
        text_(View(text.folded).substr(0, limit)),
        units_(units),
        options_(options),
        direct_sets_(DirectSets()) {}

  // Reads the number starting at begin. On failure sets *resume past the rejected run.
  // With add_summands false a + after the number is left alone, for AddSummand, which reads
  // each number of a chain (3万+5万+2万元) on its own so that a long chain costs no recursion.
  std::optional<NumberMatch> ReadAt(int32_t begin, int32_t* resume,
                                    bool add_summands = true) const;

  // Returns text[i], or 0 outside the text.
  char32_t At(int32_t i) const {
    // One unsigned comparison rejects both a negative index and one past the end.
    return static_cast<size_t>(static_cast<uint32_t>(i)) < text_.size() ? text_[i] : 0;
  }
  int32_t size() const { return static_cast<int32_t>(text_.size()); }
  // StartsName for this reader's text, and false outside it.
  bool StartsNameAt(int32_t i) const { return i >= 0 && i < size() && StartsName(text_, i); }
  ArabicRun ReadArabic(int32_t begin) const;

  // The outcome of ReadCommonAt.
  enum class Direct : uint8_t {
    kRead,      // *match is the number that ReadAt returns
    kRejected,  // ReadAt returns nullopt; *resume is where it resumes
    kUnsure,    // not a common shape, so the caller runs ReadAt
  };
  // Reads the common shapes without the general parser. A shape is 1-8 ASCII digits with up
  // to four fraction digits and an optional 万, or a Chinese numeral from 一 to 九十九. A code
  // point that cannot extend the numeral follows, then a unit word or nothing. The result is
  // the one ReadAt gives, member for member, and anything else returns kUnsure.
  // NOTE: this repeats ReadAt's decisions for those shapes. A change to what ReadAt reads there
  // must be made here too, and direct_numbers_test.cc compares the two readers.
  // REQUIRES: *match is default-constructed.
  Direct ReadCommonAt(int32_t begin, NumberMatch* match, int32_t* resume) const;

  std::optional<Decimal> ParseDigits(int32_t begin, int32_t integer_end, int32_t end,
                                     int integer_digits, int fraction_digits) const;

 private:
  bool HasAt(int32_t i, std::u32string_view word) const {
    return i >= 0 && text_.substr(i, word.size()) == word;
  }
  bool IsThousandsComma(int32_t i) const;
  int32_t ReadDigitGroups(int32_t begin, int32_t i, int* groups) const;
  int32_t PhoneLikeRunEnd(int32_t begin, int32_t first_end) const;
  int32_t SpacedDateEnd(int32_t begin, int32_t year_end) const;
  int32_t SkipDigitRun(int32_t i) const;
  Core ReadCore(int32_t begin) const;
  // A currency sign or 百分之 before the numeral.
  struct Prefix {
    bool currency = false;
    bool percent = false;
    int32_t core_begin = 0;  // where the numeral starts
  };

  // Whether the digits at begin follow an identifier label. followed_by_unit is true when a
  // unit or measure word comes after the digits.
  bool IsIdentifierContext(int32_t begin, bool followed_by_unit) const;
  bool EndsMonthDay(int32_t i) const;
  bool IsScaledDigitPair(const Core& core) const;
  int32_t RangeSeparatorLength(int32_t i) const;
  Core ReadUpperEnd(int32_t begin) const;
  bool ReadRangeEnd(Core* core, bool chinese, bool* range) const;
  bool ReadListedRangeEnd(Core* core, bool* range) const;
  // Whether the ASCII digits that end before sign may number a list item: they start the text
  // or follow a space, a tab, a colon or a clause break.
  bool StartsItem(int32_t sign) const;
  // Whether a month and a day joined by . - or / start at i (11.30, 11-30, 11/30), with no digit,
  // point, scale or money unit after them.
  bool StartsMonthDay(int32_t i) const;
  bool ReadScaledRangeEnd(Core* core, bool chinese, bool* range) const;
  bool MarkUnreadableRange(const Core& upper, Core* core, bool* range) const;
  Prefix ReadPrefix(int32_t begin) const;
  // Reads the numeral of a common shape at begin into *value and returns its end, with 万
  // included, or -1 when the text has another shape. Sets *scale_begin to the 万, or -1.
  int32_t ReadCommonNumeral(int32_t begin, Decimal* value, int32_t* scale_begin) const;
  // Applies a unit word's class and factors to value. Returns false on overflow.
  bool ApplyUnitWord(const UnitWord& word, int32_t unit_begin, Range* value,
                     NumberMatch* match) const;
  bool FitsContext(const Prefix& prefix, const Core& core, bool range, NumberMatch* match) const;
  bool EndsWithScaleOrPlace(const NumberMatch& match) const;
  int32_t PlusLength(int32_t i) const;
  bool AddSummand(NumberMatch* match, int32_t plus_length) const;
  // Appends the UTF-8 of the folded code points [begin, end), copied from the folded text's
  // bytes through cp_byte, which Fold fills on every path.
  void AppendFolded(int32_t begin, int32_t end, std::string* out) const;

  const FoldBuffer& buffer_;
  std::u32string_view text_;
  const UnitTable& units_;
  const ScanOptions& options_;
  const DirectPathSets& direct_sets_;
};

// A comma groups thousands when it is ASCII, or full-width between full-width digits; a
// full-width comma after an ASCII digit separates clauses (拜访3，签约2).
bool NumberReader::IsThousandsComma(int32_t i) const {
  char32_t original = OriginalAt(buffer_, OriginOf(buffer_, i));
  if (original == U',') {
    return true;
  }
  char32_t before = OriginalAt(buffer_, OriginOf(buffer_, i - 1));
  return original == 0xFF0C && before >= 0xFF10 && before <= 0xFF19;
}

// Returns the end of a run of digits joined by . , : / - ~, so a rejected date, clock time or
// version is skipped as a whole.
int32_t NumberReader::SkipDigitRun(int32_t i) const {
  while (IsAsciiDigit(At(i)) || ((IsDigitJoiner(At(i)) || At(i) == U',') &&
                                 IsAsciiDigit(At(i + 1)))) {
    ++i;
  }
  return i;
}

// Reads digit groups after the leading digits text[begin, i) and returns the end of the
// integer part. Groups of three follow a thousands comma, a space or an apostrophe
// (12,000, 12 000, 12'000) after at most three leading digits, and groups of four follow a
// comma after at most four (1,2000, the 万 grouping). One separator is used throughout.
// Sets *groups to the number of separators read.
int32_t NumberReader::ReadDigitGroups(int32_t begin, int32_t i, int* groups) const {
  *groups = 0;
  char32_t separator = At(i);
  bool comma = separator == U',' && IsAsciiDigit(At(i + 1)) && IsThousandsComma(i);
  if (!comma && separator != U' ' && separator != U'\'' && separator != U'\u2019') {
    return i;
  }
  auto group_size = [&](int32_t at) {
    int32_t k = at + 1;
    while (IsAsciiDigit(At(k))) {
      ++k;
    }
    return k - at - 1;
  };
  int32_t leading = i - begin;
  int size = group_size(i);
  if (size != 3 && !(comma && size == 4)) {
    return i;
  }
  if (leading > size) {
    return i;
  }
  while (At(i) == separator && group_size(i) == size) {
    i += size + 1;
    ++*groups;
  }
  return i;
}

// Returns the end of the phone-like run of digit groups whose first group is text[begin,
// first_end), or -1 when the digits there start none. Groups after the first have three or
// more digits and follow one space or hyphen each. The groups must take the shape of a phone or
// card number, and have more than kMaxIntegerDigits digits together, like a plain identifier:
// - a mobile number, 3-4-4 digits starting with 1 (138 1234 5678), also after 86;
// - a service number, 400 or 800 and then 3-4 digits (400-800-1234);
// - a number with a leading zero in two or more groups (0571 8888 6666, 0571 88886666);
// - four or more groups of four, the last of three or more (a bank card, an order number).
// The run ends after a mobile or service number, so 138 1234 5678 3000元 still reads 3000元,
// and a group before the shape (5000 138 1234 5678) is read as a number of its own. A group
// that a scale, 多 or a decimal point continues (138 1234 5678万) is left out, so that the number
// it starts is read on its own.
int32_t NumberReader::PhoneLikeRunEnd(int32_t begin, int32_t first_end) const {
  constexpr int kMaxGroups = 8;
  std::array<int32_t, kMaxGroups> ends{};  // where each group ends
  std::array<int, kMaxGroups> sizes{};
  int groups = 1;
  ends[0] = first_end;
  sizes[0] = first_end - begin;
  int32_t i = first_end;

  while (groups < kMaxGroups && (At(i) == U' ' || At(i) == U'-')) {
    int32_t k = i + 1;
    while (IsAsciiDigit(At(k))) {
      ++k;
    }
    int size = k - i - 1;
    if (size < 3 || ContinuesArabic(At(k)) || (At(k) == U'.' && IsAsciiDigit(At(k + 1)))) {
      break;
    }
    ends[groups] = k;
    sizes[groups] = size;
    ++groups;
    i = k;
  }

  // Whether groups from first on are a mobile number.
  auto mobile_at = [&](int first) {
    int32_t group_begin = first == 0 ? begin : ends[first - 1] + 1;
    return groups >= first + 3 && At(group_begin) == U'1' && sizes[first] == 3 &&
           sizes[first + 1] == 4 && sizes[first + 2] == 4;
  };

  // The number of groups that make the shape, or 0 for none.
  int used = 0;
  if (mobile_at(0)) {
    used = 3;
  } else if (sizes[0] == 2 && At(begin) == U'8' && At(begin + 1) == U'6' && mobile_at(1)) {
    used = 4;
  } else if (sizes[0] == 3 && (At(begin) == U'4' || At(begin) == U'8') && At(begin + 1) == U'0' &&
             At(begin + 2) == U'0' && groups >= 3 && sizes[1] == 3 && sizes[2] == 4) {
    used = 3;
  } else if (At(begin) == U'0' && groups >= 2 && sizes[0] >= 3) {
    used = groups;
  } else if (groups >= 4) {
    bool card = sizes[groups - 1] >= 3;
    for (int g = 0; g + 1 < groups && card; ++g) {
      card = sizes[g] == 4;
    }
    used = card ? groups : 0;
  }

  int digits = 0;
  for (int g = 0; g < used; ++g) {
    digits += sizes[g];
  }
  return used > 0 && digits > kMaxIntegerDigits ? ends[used - 1] : -1;
}

// Returns the end of a date written with spaces, such as 2026 11 03 or 2026 1 5, whose year
// is text[begin, year_end), or -1 when the groups from begin make no such date. The date must
// be on the calendar (IsCalendarDate), and no digit, decimal point, scale, 元 or 块 may follow
// the day. Before a month written with 月 (2026 11月) it returns the end of the year.
int32_t NumberReader::SpacedDateEnd(int32_t begin, int32_t year_end) const {
  if (year_end - begin != 4) {
    return -1;
  }
  int year = 0;
  for (int32_t k = begin; k < year_end; ++k) {
    year = year * 10 + static_cast<int>(At(k) - U'0');
  }
  if (year < 1990 || year > 2099) {
    return -1;
  }

  // Reads the one- or two-digit group after the space at i into *value.
  int32_t i = year_end;
  auto read_group = [&](int* value) {
    if (At(i) != U' ' || !IsAsciiDigit(At(i + 1))) {
      return false;
    }
    *value = static_cast<int>(At(i + 1) - U'0');
    int32_t k = i + 2;
    if (IsAsciiDigit(At(k))) {
      *value = *value * 10 + static_cast<int>(At(k) - U'0');
      ++k;
    }
    i = k;
    return true;
  };

  int month = 0;
  if (!read_group(&month) || month < 1 || month > 12) {
    return -1;
  }
  // In 2026 11月03日 only the year needs skipping here, because the reader already takes
  // 11月03日 for a date.
  if (At(i) == U'月') {
    return year_end;
  }
  int day = 0;
  if (!read_group(&day) || !IsCalendarDate(year, month, day)) {
    return -1;
  }
  if (IsAsciiDigit(At(i)) || ContinuesArabic(At(i)) || IsCurrencyAfterDate(At(i)) ||
      (At(i) == U'.' && IsAsciiDigit(At(i + 1)))) {
    return -1;
  }
  return i;
}

ArabicRun NumberReader::ReadArabic(int32_t begin) const {
  ArabicRun run;
  int32_t i = begin;
  while (IsAsciiDigit(At(i))) {
    ++i;
  }
  // A date without separators (20261103) is skipped like 2026-11-03, unless a scale, a
  // decimal point, 元 or 块 shows that the digits are a number.
  if (i - begin == 8 && !ContinuesArabic(At(i)) && !IsCurrencyAfterDate(At(i)) &&
      !(At(i) == U'.' && IsAsciiDigit(At(i + 1)))) {
    int64_t digits = 0;
    for (int32_t k = begin; k < i; ++k) {
      digits = digits * 10 + (At(k) - U'0');
    }
    if (IsCompactDate(digits)) {
      run.end = i;
      return run;
    }
  }
  // A date in spaced groups (2026 11 03) is skipped like 2026-11-03.
  if (At(i) == U' ') {
    int32_t date_end = SpacedDateEnd(begin, i);
    if (date_end >= 0) {
      run.end = date_end;
      return run;
    }
  }
  // A phone number in groups is one identifier, so none of its groups is read as a number.
  if (At(i) == U' ' || At(i) == U'-') {
    int32_t phone_end = PhoneLikeRunEnd(begin, i);
    if (phone_end >= 0) {
      run.end = phone_end;
      run.ok = options_.keep_identifiers;
      run.identifier = true;
      run.integer = true;
      return run;
    }
  }
  int groups = 0;
  i = ReadDigitGroups(begin, i, &groups);
  bool grouped = groups > 0;
  int32_t integer_end = i;
  int integer_digits = integer_end - begin - groups;
  int fraction_digits = 0;
  bool fraction = At(i) == U'.' && IsAsciiDigit(At(i + 1));
  if (fraction) {
    ++i;
    while (IsAsciiDigit(At(i))) {
      ++i;
      ++fraction_digits;
    }
  }
  // Where the scan resumes after a rejected run; a read number ends at i instead.
  auto reject = [&] {
    run.end = SkipDigitRun(begin);
    return run;
  };

  // Versions (2.3.1), dates (2026-11-03, 11/03), clock times (14:30), identifiers and
  // numbers with leading zeros are not quantities.
  bool joined = IsDigitJoiner(At(i)) && IsAsciiDigit(At(i + 1));
  if (joined && (At(i) == U'-' || At(i) == U'~')) {
    // 3-5家 may be a range, which ReadAt checks; a third group (2026-11-03) makes a date.
    int32_t k = i + 1;
    while (IsAsciiDigit(At(k))) {
      ++k;
    }
    // A decimal upper end (3-3.5万) is one group, not two.
    if (At(k) == U'.' && IsAsciiDigit(At(k + 1))) {
      ++k;
      while (IsAsciiDigit(At(k))) {
        ++k;
      }
    }
    joined = IsDigitJoiner(At(k)) && IsAsciiDigit(At(k + 1));
  }
  bool leading_zero = At(begin) == U'0' && integer_digits > 1;
  // A thousands comma left over after the groups (5,00, 1.200,50, 1,200,50) makes the whole
  // run unreadable, and no number starts inside it.
  bool malformed = !joined && At(i) == U',' && IsAsciiDigit(At(i + 1)) && IsThousandsComma(i);
  if (malformed) {
    if (options_.keep_identifiers) {
      run.ok = true;
      run.unreadable = true;
    }
    return reject();
  }
  // Separators show that a long run is an amount, but a plain one is an identifier.
  bool long_run = !grouped && integer_digits > kMaxIntegerDigits;
  if (joined || leading_zero || (long_run && !options_.keep_identifiers)) {
    return reject();
  }
  std::optional<Decimal> value = ParseDigits(begin, integer_end, i, integer_digits,
                                             fraction_digits);
  if (!value && grouped) {
    // Groups too many for any Decimal (1 234 567 890 123 456) make one number too large to read.
    // The whole run is unreadable and the scan resumes after it, so no group is read again.
    if (options_.keep_identifiers) {
      run.ok = true;
      run.unreadable = true;
    }
    run.end = i;
    return run;
  }
  if (!value && !long_run) {
    return reject();
  }
  // An identifier too long for a Decimal (a 20-digit order number) is still shown. Its value
  // is never counted, so 0 is stored in its place.
  run.ok = true;
  run.identifier = long_run;
  run.end = i;
  run.value = value.value_or(Decimal());
  run.integer = !fraction;
  run.single_digit = run.integer && integer_digits == 1;
  return run;
}

// Parses text[begin, end) as Decimal::Parse parses it with the group separators removed. The
// integer part is text[begin, integer_end), and a fraction follows its '.'. Up to 14 integer
// and 4 fraction digits always fit in a Decimal and are read directly.
std::optional<Decimal> NumberReader::ParseDigits(int32_t begin, int32_t integer_end,
                                                 int32_t end, int integer_digits,
                                                 int fraction_digits) const {
  constexpr int kFastIntegerDigits = 14;
  if (integer_digits <= kFastIntegerDigits && fraction_digits <= 4) {
    int64_t units = 0;
    for (int32_t k = begin; k < integer_end; ++k) {
      if (IsAsciiDigit(text_[k])) {
        units = units * 10 + (text_[k] - U'0');
      }
    }
    for (int32_t k = integer_end + 1; k < end; ++k) {
      units = units * 10 + (text_[k] - U'0');
    }
    for (int places = fraction_digits; places < 4; ++places) {
      units *= 10;
    }
    return Decimal::FromUnits(units);
  }
  std::string digits;
  for (int32_t k = begin; k < end; ++k) {
    if (IsAsciiDigit(text_[k]) || text_[k] == U'.') {
      digits.push_back(static_cast<char>(text_[k]));
    }
  }
  return Decimal::Parse(digits);
}

// Reads one numeral left to right. The value builds up in three groups (亿, 万 and below),
// and a digit waits in pending_ until a unit places it.
class NumeralParser {
 public:
  NumeralParser(const NumberReader& reader, int32_t begin) : reader_(reader), begin_(begin) {
    core_.end = begin + 1;
  }

  Core Parse();

 private:
  enum class Last { kNone, kDigit, kUnit, kZero, kMore };
  enum class Step { kNext, kStop, kReject };

  Step ReadToken(char32_t cp);
  Step TakeArabic();
  Step TakeChineseDigit(int value);
  void TakeDigit(Range value, bool single);
  bool ApplyUnit(int64_t unit);
  void ApplyShorthand(char32_t cp);
  void ApplyMore();
  void ReadChineseDecimal();
  void Finish();
  void Advance(int32_t to) { i_ = core_.end = to; }

  const NumberReader& reader_;
  const int32_t begin_;
  int32_t i_ = 0;
  Core core_;
  RangeMath math_;
  Range upper_;    // the 亿 group
  Range middle_;   // the 万 group
  Range section_;  // below 万
  PendingDigit pending_;
  bool pending_single_ = false;      // the pending digit may scale by the unit before it
  bool pending_after_unit_ = false;
  bool pending_arabic_ = false;
  bool pending_arabic_integer_ = false;
  bool pending_is_range_ = false;
  int previous_chinese_digit_ = -1;
  int64_t last_unit_ = 0;
  int64_t section_unit_ = 0;
  bool section_used_ = false;
  bool middle_used_ = false;
  bool upper_used_ = false;
  bool more_used_ = false;
  Last last_ = Last::kNone;
};

Core NumeralParser::Parse() {
  i_ = begin_;
  while (i_ < reader_.size()) {
    Step step = ReadToken(reader_.At(i_));
    if (step == Step::kReject) {
      return core_;
    }
    if (step == Step::kStop) {
      break;
    }
  }
  Finish();
  return core_;
}

NumeralParser::Step NumeralParser::ReadToken(char32_t cp) {
  if (IsAsciiDigit(cp)) {
    return TakeArabic();
  }
  int chinese_digit = ChineseDigit(cp);
  if (chinese_digit >= 0) {
    return TakeChineseDigit(chinese_digit);
  }

  bool unit_follows = ChineseUnit(reader_.At(i_ + 1)) > 0;
  if ((cp == U'几' && last_ != Last::kDigit) ||
      (cp == U'数' && last_ == Last::kNone && unit_follows)) {
    // 几 leads as 2-9 (几十 = 20..90) and trails as 1-9 (十几 = 11..19).
    int low = last_ == Last::kNone ? 2 : 1;
    TakeDigit(Range{Decimal::FromInt(low), Decimal::FromInt(9)}, true);
    core_.approximate = true;
    Advance(i_ + 1);
    return Step::kNext;
  }
  if (cp == U'上' && last_ == Last::kNone && unit_follows && reader_.At(i_ + 1) != U'十') {
    // 上百, 上千, 上万: reaching the unit, read as one to two of it.
    // NOTE: the upper bound is a reading choice; 上百 is as often "a few hundred".
    TakeDigit(Range{Decimal::FromInt(1), Decimal::FromInt(2)}, false);
    core_.approximate = true;
    Advance(i_ + 1);
    return Step::kNext;
  }

  int64_t unit = ChineseUnit(cp);
  if (unit > 0) {
    if ((unit >= 100 && reader_.StartsNameAt(i_)) || !ApplyUnit(unit)) {
      return Step::kStop;
    }
    bool large = unit >= kTenThousand;
    core_.scale_begin = large ? i_ : -1;
    core_.scale = large ? unit : 0;
    core_.large = core_.large || large;
    Advance(i_ + 1);
    return Step::kNext;
  }

  bool shorthand = cp == U'w' || cp == U'W' || cp == U'k' || cp == U'K';
  if (shorthand && last_ == Last::kDigit && pending_arabic_ && last_unit_ == 0 &&
      !IsAsciiLetter(reader_.At(i_ + 1))) {
    ApplyShorthand(cp);
    return Step::kStop;  // nothing follows a shorthand: 3w5 is not 35000
  }
  bool more = cp == U'多' || cp == U'余';
  if (more && !more_used_ &&
      (last_ == Last::kUnit || (last_ == Last::kDigit && pending_arabic_integer_))) {
    ApplyMore();
    return Step::kNext;
  }
  if (cp == U'点' && last_ == Last::kDigit && previous_chinese_digit_ >= 0 &&
      !pending_is_range_ && last_unit_ == 0 && ChineseDigit(reader_.At(i_ + 1)) >= 0) {
    ReadChineseDecimal();
    return Step::kNext;
  }
  return Step::kStop;
}

NumeralParser::Step NumeralParser::TakeArabic() {
  if (last_ == Last::kDigit) {
    return Step::kStop;
  }
  ArabicRun run = reader_.ReadArabic(i_);
  if (!run.ok) {
    if (i_ == begin_) {
      core_.end = run.end;
      return Step::kReject;
    }
    return Step::kStop;
  }
  TakeDigit(Range{run.value, run.value}, run.single_digit);
  core_.identifier = core_.identifier || run.identifier;
  core_.unreadable = core_.unreadable || run.unreadable;
  pending_arabic_ = true;
  pending_arabic_integer_ = run.integer;
  Advance(run.end);
  return Step::kNext;
}

NumeralParser::Step NumeralParser::TakeChineseDigit(int value) {
  if (last_ == Last::kDigit) {
    // 两三, 一两, 七八: an approximate range of two adjacent digits.
    if (previous_chinese_digit_ < 0 || pending_is_range_ ||
        !IsRangePair(previous_chinese_digit_, value)) {
      return Step::kStop;
    }
    pending_->high = Decimal::FromInt(value);
    pending_is_range_ = true;
    core_.approximate = true;
    Advance(i_ + 1);
    return Step::kNext;
  }
  if (value == 0 && last_ == Last::kUnit) {
    // 一千零五: 零 is a placeholder and does not end the number, so core_.end stays put.
    last_ = Last::kZero;
    ++i_;
    return Step::kNext;
  }
  TakeDigit(Exactly(value), last_ != Last::kZero);
  previous_chinese_digit_ = value;
  Advance(i_ + 1);
  return Step::kNext;
}

void NumeralParser::TakeDigit(Range value, bool single) {
  pending_ = value;
  pending_single_ = single;
  pending_after_unit_ = last_ == Last::kUnit;
  pending_is_range_ = false;
  pending_arabic_ = false;
  pending_arabic_integer_ = false;
  previous_chinese_digit_ = -1;
  last_ = Last::kDigit;
  core_.has_digit = true;
}

// Applies a unit character. Returns false when it cannot follow what came before.
bool NumeralParser::ApplyUnit(int64_t unit) {
  if (unit < kTenThousand) {
    if (!pending_) {
      if (unit != 10 || last_ == Last::kMore || last_ == Last::kDigit) {
        return false;
      }
      pending_ = Exactly(1);  // 十二, 一百十: 十 stands for 一十
    }
    if (section_unit_ != 0 && unit >= section_unit_) {
      return false;
    }
    section_ = math_.Add(section_, math_.Times(*pending_, unit));
    core_.hundreds = core_.hundreds || unit >= 100;
    section_unit_ = unit;
    section_used_ = true;
  } else if (unit == kTenThousand) {
    if ((!pending_ && !section_used_) || middle_used_) {
      return false;
    }
    middle_ = math_.Times(math_.Add(section_, pending_.value_or(Range{})), unit);
    section_ = Range{};
    section_unit_ = 0;
    section_used_ = false;
    middle_used_ = true;
  } else {
    if ((!pending_ && !section_used_ && !middle_used_) || upper_used_) {
      return false;
    }
    Range below = math_.Add(math_.Add(middle_, section_), pending_.value_or(Range{}));
    upper_ = math_.Times(math_.Add(upper_, below), unit);
    middle_ = section_ = Range{};
    section_unit_ = 0;
    section_used_ = middle_used_ = false;
    upper_used_ = true;
  }
  pending_.reset();
  previous_chinese_digit_ = -1;
  last_unit_ = unit;
  last_ = Last::kUnit;
  return true;
}

// 3w = 30000, 5k = 5000.
void NumeralParser::ApplyShorthand(char32_t cp) {
  int64_t factor = (cp == U'w' || cp == U'W') ? kTenThousand : 1000;
  section_ = math_.Times(*pending_, factor);
  section_used_ = true;
  pending_.reset();
  core_.scale_begin = i_;
  core_.scale = factor;
  core_.scaled = true;
  last_ = Last::kUnit;
  Advance(i_ + 1);
}

// 三千多 = 3000..4000, 十多万 = 100000..200000, 3000多 = 3000..4000.
void NumeralParser::ApplyMore() {
  if (last_ == Last::kUnit) {
    Range* level = &section_;
    if (last_unit_ >= kHundredMillion) {
      level = &upper_;
    } else if (last_unit_ >= kTenThousand) {
      level = &middle_;
    }
    level->high = level->high + Decimal::FromInt(last_unit_);
  } else {
    int64_t whole = pending_->low.units() / Decimal::kScale;
    int64_t magnitude = 1;
    while (whole != 0 && whole % (magnitude * 10) == 0) {
      magnitude *= 10;
    }
    pending_->high = pending_->high + Decimal::FromInt(magnitude);
  }
  more_used_ = true;
  core_.approximate = true;
  last_ = Last::kMore;
  Advance(i_ + 1);
}

// 三点五万: 点 as a decimal point. Without a scale or currency after it, ReadAt treats the
// number as a clock time.
void NumeralParser::ReadChineseDecimal() {
  int64_t fraction = 0;
  int places = 0;
  int32_t j = i_ + 1;
  for (; ChineseDigit(reader_.At(j)) >= 0 && places < 4; ++j, ++places) {
    fraction = fraction * 10 + ChineseDigit(reader_.At(j));
  }
  for (int p = places; p < 4; ++p) {
    fraction *= 10;
  }
  pending_->low = pending_->high = pending_->low + Decimal::FromUnits(fraction);
  pending_single_ = false;
  core_.chinese_decimal = true;
  Advance(j);
}

void NumeralParser::Finish() {
  if (last_ == Last::kNone) {
    return;
  }
  if (pending_) {
    // 一万二 = 12000, 3万2 = 32000, 十二 = 12: a lone digit after a unit counts in the next
    // lower place. Anything larger is added as written (3万2500).
    if (pending_after_unit_ && pending_single_ && last_unit_ >= 10) {
      *pending_ = math_.Times(*pending_, last_unit_ / 10);
    } else if (last_unit_ != 0 && pending_->high >= Decimal::FromInt(last_unit_)) {
      return;
    }
  }
  Range groups = math_.Add(upper_, middle_);
  Range total = math_.Add(groups, math_.Add(section_, pending_.value_or(Range{})));
  if (!math_.ok) {
    return;
  }
  core_.ok = true;
  core_.value = total;
  if (!core_.scaled) {
    core_.scaled = core_.scale_begin >= 0 && last_ == Last::kUnit;
  }
  if (!core_.scaled) {
    core_.scale_begin = -1;
    core_.scale = 0;
  }
}

Core NumberReader::ReadCore(int32_t begin) const {
  // A plain Arabic number (3, 1,200, 4.5) is the common case. NumeralParser would read it as
  // one pending digit and stop at the next code point, so its result is built directly here.
  if (IsAsciiDigit(At(begin))) {
    ArabicRun run = ReadArabic(begin);
    Core core;
    core.end = run.end;
    if (!run.ok) {
      return core;
    }
    if (!ContinuesArabic(At(run.end))) {
      core.ok = true;
      core.value = Range{run.value, run.value};
      core.has_digit = true;
      core.identifier = run.identifier;
      core.unreadable = run.unreadable;
      return core;
    }
  }
  return NumeralParser(*this, begin).Parse();
}

// Returns the length of the range separator at text[i], or 0: 到, 至, 、, a dash
// (IsRangeDash) or the double dash ——. A dash or a double dash may also stand between two
// single spaces (3万 - 5万, 3万 —— 5万). A dash with a space on one side only is read as a
// minus sign or a list bullet, not as a range.
int32_t NumberReader::RangeSeparatorLength(int32_t i) const {
  char32_t cp = At(i);
  if (cp == 0x2014 && At(i + 1) == 0x2014) {
    return 2;
  }
  if (cp == U'到' || cp == U'至' || cp == U'、' || IsRangeDash(cp)) {
    return 1;
  }
  if (cp != U' ') {
    return 0;
  }
  int32_t dash_length = At(i + 1) == 0x2014 && At(i + 2) == 0x2014 ? 2 : 1;
  if (IsRangeDash(At(i + 1)) && At(i + 1 + dash_length) == U' ') {
    return dash_length + 2;
  }
  return 0;
}

// Reads the upper end of a range at begin. A trailing 余 or 多 (3-5万余元) only repeats that
// the range is an estimate, so the upper end is read without it and the range is not widened
// beyond what is written. The returned core still ends after the 余 or 多.
Core NumberReader::ReadUpperEnd(int32_t begin) const {
  Core upper = ReadCore(begin);
  char32_t last = At(upper.end - 1);
  if (!upper.ok || !upper.approximate || (last != U'余' && last != U'多')) {
    return upper;
  }
  NumberReader without_more(buffer_, upper.end - 1, units_, options_);
  Core exact = without_more.ReadCore(begin);
  if (!exact.ok || exact.approximate || exact.end != upper.end - 1) {
    return upper;
  }
  exact.end = upper.end;
  return exact;
}

// Extends core over a range's upper end (3-5, 3~5, 3到5, 三至五, 3-5万, 5千-1万) and sets
// *range. chinese is whether the lower end is a Chinese numeral, which lets a dash join it to
// a Chinese upper end (三-五家). Returns false when a range separator is followed by something
// that is not a valid upper end, so the caller rejects the whole text; core->end is then the
// place to resume.
bool NumberReader::ReadRangeEnd(Core* core, bool chinese, bool* range) const {
  int32_t separator_length = RangeSeparatorLength(core->end);
  if (separator_length == 0 || core->approximate) {
    return true;
  }
  if (core->scaled) {
    return ReadScaledRangeEnd(core, chinese, range);
  }
  char32_t separator = At(core->end);
  if (separator == U'、' && !IsScaledDigitPair(*core)) {
    return ReadListedRangeEnd(core, range);
  }

  int32_t upper_begin = core->end + separator_length;
  bool dash = separator != U'到' && separator != U'至';
  if (!IsAsciiDigit(At(upper_begin)) &&
      ((dash && !chinese) || ChineseDigit(At(upper_begin)) < 0)) {
    return true;  // not a range: 3到场, 三至, 3-五
  }
  // A spaced dash that joins no range (5 - 3家) may be a minus sign or a bullet, so the
  // numbers on both sides are read on their own.
  bool spaced = separator == U' ';
  Core upper = ReadUpperEnd(upper_begin);
  if (!upper.ok || upper.approximate) {
    if (spaced) {
      return true;
    }
    core->end = std::max(upper.end, upper_begin);
    return false;
  }
  if (core->unreadable || upper.unreadable) {
    return MarkUnreadableRange(upper, core, range);  // 3-5,00万
  }

  // A scale or a place written only on the upper end applies to both: 3-5万 = 30000..50000,
  // 3-5千 = 3000..5000 and 3-5百万 = 3000000..5000000. A lower end with a place of its own
  // keeps it: 5千-1万 = 5000..10000.
  Range low = core->value;
  int64_t factor = upper.scale;
  int32_t place_at = upper.scale != 0 ? upper.scale_begin - 1 : upper.end - 1;
  if (At(place_at) == U'余' || At(place_at) == U'多') {
    --place_at;  // 3-5千余: ReadUpperEnd read the upper end without it
  }
  int64_t place = ChineseUnit(At(place_at));
  if (place == 100 || place == 1000) {
    factor = std::max<int64_t>(factor, 1) * place;
  }
  if (factor != 0 && !core->hundreds && !core->large) {
    RangeMath math;
    low = math.Times(low, factor);
    if (!math.ok) {
      core->end = upper.end;
      return false;
    }
  } else if (core->hundreds && !core->large && upper.scale != 0) {
    // 1千-2千万 = 10000000..20000000: the upper end's trailing 万 or 亿 also scales a lower end
    // with its own place, unless that would put it above the upper end (5千-1万).
    RangeMath math;
    Range scaled_low = math.Times(low, upper.scale);
    if (math.ok && scaled_low.low < upper.value.low) {
      low = scaled_low;
    }
  }
  if (!(low.low < upper.value.low)) {
    if (spaced) {
      return true;
    }
    // With a scale or place on the upper end (5-5万, 8-5千) the text is no date, so it is
    // shown as unreadable rather than skipped.
    if (factor != 0) {
      return MarkUnreadableRange(upper, core, range);
    }
    core->end = upper.end;
    return false;
  }
  if (IsRangeTooWide(low.low, upper.value.high)) {
    return MarkUnreadableRange(upper, core, range);  // 3万-9999万
  }
  core->value = Range{low.low, upper.value.high};
  core->identifier = core->identifier || upper.identifier;
  core->hundreds = core->hundreds || upper.hundreds;
  core->approximate = true;
  core->end = upper.end;
  core->scaled = upper.scaled;
  core->scale_begin = upper.scale_begin;
  core->scale = upper.scale;
  *range = true;
  return true;
}

// Extends a scaled core over a higher scaled upper end: 3万-5万, 1.5万到2万, 5万-1亿. A list
// (3万、5万) names two amounts. An upper end without a scale leaves core as it is when it is
// higher (3万-50000). An upper end that is not higher makes the whole range unreadable, with a
// scale (3万-2万) or without one (3万-5).
bool NumberReader::ReadScaledRangeEnd(Core* core, bool chinese, bool* range) const {
  char32_t separator = At(core->end);
  int32_t upper_begin = core->end + RangeSeparatorLength(core->end);
  bool dash = separator != U'到' && separator != U'至';
  if (separator == U'、' || !(IsAsciiDigit(At(upper_begin)) ||
                               ((!dash || chinese) && ChineseDigit(At(upper_begin)) >= 0))) {
    return true;
  }
  Core upper = ReadUpperEnd(upper_begin);
  if (!upper.ok || upper.approximate) {
    return true;
  }
  // An upper end that is not above the lower end (3万-5元, 3万-5千, 3万-2万元) is no range, and
  // reading the 5元 alone would count what the writer did not mean. So the whole text is
  // unreadable. Both numbers are read on their own instead when spaces surround the dash (a
  // minus sign or a bullet) or a date or period follows the upper end (签约3万到5月底). The
  // same holds when a unit other than a currency follows it (回款2万-3笔, 签约3万-2万家).
  bool below = !(core->value.low < upper.value.low);
  bool separate = false;
  if (below) {
    int32_t after = IsInlineSpace(At(upper.end)) ? upper.end + 1 : upper.end;
    const UnitWord* word = units_.Match(text_, after);
    bool blocked = word != nullptr && word->role == UnitWord::Role::kBlocker;
    bool other_quantity = word != nullptr && word->role == UnitWord::Role::kUnit &&
                          word->unit_class != UnitClass::kCurrency;
    separate = separator == U' ' || upper.identifier || blocked || other_quantity;
  }
  if (!upper.scaled) {
    if (!below || separate) {
      return true;
    }
    bool marked = MarkUnreadableRange(upper, core, range);
    // Keeps the text a scaled amount, so that free text lists 3万-5 as unreadable instead of
    // skipping it as a date.
    core->scaled = true;
    return marked;
  }
  if (core->unreadable || upper.unreadable) {
    return MarkUnreadableRange(upper, core, range);  // 3万-5,00万
  }
  if (below) {
    // Like 5-5万元, a scaled upper end that is not higher (3万-2万元) is no date, so the
    // exceptions above are the only way out of an unreadable range.
    return separate || MarkUnreadableRange(upper, core, range);
  }
  if (IsRangeTooWide(core->value.low, upper.value.high)) {
    return MarkUnreadableRange(upper, core, range);
  }
  core->value = Range{core->value.low, upper.value.high};
  core->identifier = core->identifier || upper.identifier;
  core->approximate = true;
  core->end = upper.end;
  core->scale_begin = upper.scale_begin;
  core->scale = upper.scale;
  *range = true;
  return true;
}

// Makes core one unreadable number that ends where upper ends: a range with an unreadable end
// (3-5,00万) or one too wide to be an estimate (3万-9999万). Its value is 0, so it is shown and
// never counted. Without ScanOptions::keep_identifiers the range is rejected instead, and this
// returns false with core->end past it.
bool NumberReader::MarkUnreadableRange(const Core& upper, Core* core, bool* range) const {
  core->end = upper.end;
  if (!options_.keep_identifiers) {
    return false;
  }
  core->value = Range{};
  core->unreadable = true;
  core->approximate = false;
  core->scaled = upper.scaled;
  core->scale_begin = upper.scale_begin;
  core->scale = upper.scale;
  *range = true;
  return true;
}

// Whether core is one digit that 、 and a digit with a scale or place follow, and the two digits
// name a range as in 三四万 (IsRangePair): 3、4万 or 三、四千, which read like 3-4万. Other pairs
// (2、5万) and a longer number on either side (2、30万, 12、3万) keep 、 a list separator.
bool NumberReader::IsScaledDigitPair(const Core& core) const {
  auto digit_at = [this](int32_t i) {
    char32_t cp = At(i);
    return IsAsciiDigit(cp) ? static_cast<int>(cp - U'0') : ChineseDigit(cp);
  };
  char32_t before = At(core.end - 2);
  bool lone_lower =
      digit_at(core.end - 2) < 0 && ChineseUnit(before) == 0 && before != U'.' && before != U'点';
  int low = digit_at(core.end - 1);
  int high = digit_at(core.end + 1);
  return lone_lower && low >= 0 && high >= 0 && IsRangePair(low, high) &&
         ChineseUnit(At(core.end + 2)) >= 100;
}

// Extends core over 4 in 3、4家, which names the range 3 to 4 like 三四家. Unlike the other
// range separators, 、 also lists numbers, so anything that is not a higher plain number
// before a non-list character leaves core as it is and returns true.
bool NumberReader::ReadListedRangeEnd(Core* core, bool* range) const {
  int32_t upper_begin = core->end + 1;
  if (!IsAsciiDigit(At(upper_begin)) && ChineseDigit(At(upper_begin)) < 0) {
    return true;
  }
  // A place on the upper end (2、5千) would leave the lower end unscaled (2 to 5000), so it makes
  // a list, like a scale does (2、5万).
  Core upper = ReadCore(upper_begin);
  if (!upper.ok || upper.approximate || upper.scale != 0 || upper.hundreds || upper.identifier ||
      upper.unreadable || At(upper.end) == U'、' || !(core->value.low < upper.value.low)) {
    return true;
  }
  // An item number stays apart from a month after it, so 2、11月30日 at the start of a line is
  // item 2 and a date rather than the months 2 to 11. MatchInto drops such a 2 when it numbers
  // no item, and it checks only a month of one or two ASCII digits, so only that form splits.
  // NOTE: 2.11月30日 with no space after the point is still the decimal 2.11 before 月, which
  // ReadAt rejects, so a list ends before such an item.
  if (At(upper.end) == U'月' && upper.end - upper_begin <= 2 && IsAsciiDigit(At(upper_begin)) &&
      StartsItem(core->end)) {
    return true;
  }
  // Likewise a day of the month or an hour after an item number stays apart from it. So 1、30号
  // and 2、14点 at the start of a line are items, not the days 1 to 30 or the hours 2 to 14.
  // The bounds match StartsDayOrTime in extract.cc, which drops such a number outside a list.
  char32_t after_upper = At(upper.end);
  bool day =
      (after_upper == U'号' || after_upper == U'日') && upper.value.low <= Decimal::FromInt(31);
  bool hour = (after_upper == U'点' || (after_upper == U':' && IsAsciiDigit(At(upper.end + 1)) &&
                                        IsAsciiDigit(At(upper.end + 2)))) &&
              upper.value.low <= Decimal::FromInt(24);
  if ((day || hour) && upper.end - upper_begin <= 2 && IsAsciiDigit(At(upper_begin)) &&
      StartsItem(core->end)) {
    return true;
  }
  // So does a month and day at the start of a line (1、11.30 华为5万), which would otherwise make
  // the range 1 to 11.3. Elsewhere (回款 1、11.30到账) the range stays and counts nothing.
  int32_t item_begin = core->end;
  while (IsAsciiDigit(At(item_begin - 1))) {
    --item_begin;
  }
  int32_t line_start = item_begin;
  while (At(line_start - 1) == U' ' || At(line_start - 1) == U'\t') {
    --line_start;
  }
  bool starts_line = line_start == 0 || At(line_start - 1) == U'\n' || At(line_start - 1) == U'\r';
  if (starts_line && StartsMonthDay(upper_begin) && StartsItem(core->end)) {
    return true;
  }
  core->value = Range{core->value.low, upper.value.high};
  core->approximate = true;
  core->end = upper.end;
  *range = true;
  return true;
}

bool NumberReader::StartsMonthDay(int32_t i) const {
  auto read_part = [&](int32_t* at) {
    int value = 0;
    int32_t begin = *at;
    while (IsAsciiDigit(At(*at)) && *at - begin < 2) {
      value = value * 10 + static_cast<int>(At(*at) - U'0');
      ++*at;
    }
    return *at > begin ? value : 0;
  };
  int32_t at = i;
  int month = read_part(&at);
  char32_t separator = At(at);
  if (month < 1 || month > 12 || (separator != U'.' && separator != U'-' && separator != U'/')) {
    return false;
  }
  ++at;
  int day = read_part(&at);
  if (day < 1 || day > 31) {
    return false;
  }
  constexpr std::u32string_view kAfterAmount = U"0123456789.万千百亿元块wWkK%";
  return kAfterAmount.find(At(at)) == std::u32string_view::npos;
}

bool NumberReader::StartsItem(int32_t sign) const {
  int32_t begin = sign;
  while (IsAsciiDigit(At(begin - 1))) {
    --begin;
  }
  if (begin == sign) {
    return false;
  }
  switch (At(begin - 1)) {
    case 0:
    case U' ':
    case U'\t':
    case U'\n':
    case U'\r':
    case U':':
    case U',':
    case U';':
    case U'!':
    case U'?':
    case U'。':
      return true;
    default:
      return false;
  }
}

// Whether the digits at begin follow a label such as 订单号, 工号, 验证码, # or No. A word
// ending in 码 is a label only when no unit follows the digits. So 验证码4321 is a code, but in
// 提交代码4次 the 码 ends the noun 代码 and 4次 is a count.
bool NumberReader::IsIdentifierContext(int32_t begin, bool followed_by_unit) const {
  int32_t i = begin - 1;
  while (At(i) == U' ' || At(i) == U':') {
    --i;
  }
  char32_t label = At(i);
  if (label == U'码') {
    return !followed_by_unit;
  }
  if (label == U'号') {
    return !EndsMonthDay(i);
  }
  return label == U'#' ||
         ((label == U'o' || label == U'O') && (At(i - 1) == U'N' || At(i - 1) == U'n'));
}

// Whether the 号 at text[i] ends a day of a month (11月3号), which dates what follows rather
// than labelling it: in 回款11月3号5万元 the 5万元 is an amount.
bool NumberReader::EndsMonthDay(int32_t i) const {
  int32_t digits = 0;
  while (digits < 2 && IsAsciiDigit(At(i - 1 - digits))) {
    ++digits;
  }
  return digits > 0 && At(i - 1 - digits) == U'月';
}

// Inline, because the direct path calls it for every number it reads.
inline void NumberReader::AppendFolded(int32_t begin, int32_t end, std::string* out) const {
  auto first = static_cast<size_t>(buffer_.cp_byte[begin]);
  out->append(buffer_.utf8.data() + first, static_cast<size_t>(buffer_.cp_byte[end]) - first);
}

NumberReader::Prefix NumberReader::ReadPrefix(int32_t begin) const {
  Prefix prefix;
  int32_t i = begin;
  char32_t first = At(i);
  if (first != 0x00A5 && first != U'R' && first != U'r' && first != U'人' && first != U'百') {
    prefix.core_begin = i;  // no prefix starts with anything else, digits included
    return prefix;
  }
  if (first == 0x00A5) {
    i += 1;
    prefix.currency = true;
  } else if ((HasAt(i, U"RMB") || HasAt(i, U"rmb")) && !IsAsciiLetter(At(i - 1))) {
    i += 3;
    prefix.currency = true;
  } else if (HasAt(i, U"人民币")) {
    i += 3;
    prefix.currency = true;
  } else if (HasAt(i, U"百分之")) {
    i += 3;
    prefix.percent = true;
  }
  if (prefix.currency && IsInlineSpace(At(i))) {
    ++i;
  }
  prefix.core_begin = i;
  return prefix;
}

bool NumberReader::ApplyUnitWord(const UnitWord& word, int32_t unit_begin, Range* value,
                                 NumberMatch* match) const {
  RangeMath math;
  match->unit_class = word.unit_class;
  if (word.plus_half) {
    *value = math.Add(*value, Range{kHalf, kHalf});
  }
  if (word.plus_one_approx) {
    value->high = value->high + Decimal::FromInt(1);
    match->approximate = true;
  }
  // Multiplying or dividing by 1 changes nothing, so hours (the common unit) skips both.
  if (word.unit_class == UnitClass::kDuration && word.hours != Decimal::FromInt(1)) {
    *value = math.Multiply(*value, word.hours);
  }
  if (word.unit_class == UnitClass::kDuration && word.hours_divisor != 1) {
    *value = math.Divide(*value, word.hours_divisor);
  }
  if (word.unit_class == UnitClass::kMeasureWord) {
    match->measure_word = text_.substr(unit_begin, word.text.size());
  }
  return math.ok;
}

// Checks what the prefix, the core and the text before them require of the unit class.
bool NumberReader::FitsContext(const Prefix& prefix, const Core& core, bool range,
                               NumberMatch* match) const {
  if (prefix.percent) {
    match->unit_class = UnitClass::kPercent;
  }
  if (prefix.currency) {
    if (match->unit_class != UnitClass::kNone && match->unit_class != UnitClass::kCurrency) {
      return false;
    }
    match->unit_class = UnitClass::kCurrency;
  }
  if (At(prefix.core_begin) == U'半' && match->unit_class != UnitClass::kDuration) {
    return false;
  }
  bool bare = match->unit_class == UnitClass::kNone;
  if (!bare) {
    return true;
  }
  char32_t before = At(match->begin - 1);
  if (before == U'周' || before == U'期' || before == U'拜') {
    return false;  // 周三, 星期一, 礼拜天
  }
  if ((range || core.chinese_decimal) && !core.scaled && !core.hundreds) {
    return false;  // 11-03 is a date and 三点五 a clock time unless a unit or scale follows
  }
  // Free text needs a unit, a 万/亿 scale or a 百/千 place in a Chinese numeral (统一,
  // 三心二意). A numeral with only 百/千 is kept for amounts (签约两百), see hundreds_only.
  match->hundreds_only = match->chinese && core.hundreds && !core.scaled && !core.large;
  return !match->chinese || options_.allow_bare_chinese ||
         ((core.scaled || core.large || core.hundreds) &&
          (core.has_digit || At(prefix.core_begin) == U'十'));
}

std::optional<NumberMatch> NumberReader::ReadAt(int32_t begin, int32_t* resume,
                                                bool add_summands) const {
  *resume = begin + 1;
  NumberMatch match;
  match.begin = begin;
  Prefix prefix = ReadPrefix(begin);
  match.chinese = !IsAsciiDigit(At(prefix.core_begin));

  // Core: 半 alone (半天, 半小时), or a numeral and the upper end of a range.
  Core core;
  bool range = false;
  if (At(prefix.core_begin) == U'半') {
    core.ok = true;
    core.end = prefix.core_begin + 1;
    core.value = Range{kHalf, kHalf};
    core.has_digit = true;
  } else {
    core = ReadCore(prefix.core_begin);
  }
  if (!core.ok || !ReadRangeEnd(&core, match.chinese, &range)) {
    *resume = std::max(core.end, begin + 1);
    return std::nullopt;
  }
  *resume = core.end;

  // The unit word after the numeral, if any.
  int32_t unit_begin = core.end;
  if (IsInlineSpace(At(unit_begin)) && units_.Match(text_, unit_begin + 1) != nullptr) {
    ++unit_begin;
  }
  const UnitWord* word = prefix.percent ? nullptr : units_.Match(text_, unit_begin);
  if (StartsNameAt(core.end) || (IsInlineSpace(At(core.end)) && StartsNameAt(core.end + 1))) {
    return std::nullopt;  // 2026万科项目 names a project, and 2026 is no amount
  }

  // Left context: ordinals (第三), foreign currency signs ($3万, € 500, which are skipped like
  // 3万美元) and identifiers (V2, 订单号123).
  char32_t before = At(begin - 1);
  char32_t sign = IsInlineSpace(before) ? At(begin - 2) : before;
  if (before == U'第' || sign == U'$' || sign == 0x20AC || sign == 0x00A3) {
    return std::nullopt;
  }
  bool followed_by_unit = word != nullptr && word->role == UnitWord::Role::kUnit;
  // A labeled long run (订单号20261102001) is kept as an identifier like a plain one, so that
  // a rule trigger next to it can show it as not counted. A short labeled one is skipped.
  if (!match.chinese && !prefix.currency && !core.identifier &&
      (IsAsciiLetter(before) || IsIdentifierContext(begin, followed_by_unit))) {
    return std::nullopt;
  }
  int32_t end = core.end;
  Range value = core.value;
  if (word != nullptr) {
    end = unit_begin + static_cast<int32_t>(word->text.size());
    if (word->role == UnitWord::Role::kBlocker ||
        (IsAsciiLetter(word->text.back()) && IsAsciiLetter(At(end)))) {
      return std::nullopt;  // 3月, 14点, 100美元; 2hours, 5kgs
    }
    if (!ApplyUnitWord(*word, unit_begin, &value, &match)) {
      return std::nullopt;
    }
  } else if (IsAsciiLetter(At(end)) || At(end) == U'_') {
    return std::nullopt;  // 5G, 3rd, 2x
  }
  if (!FitsContext(prefix, core, range, &match)) {
    return std::nullopt;
  }
  // Checked last because it is the slowest test and most candidates fail earlier ones.
  if (match.chinese && StartsIdiom(text_, prefix.core_begin)) {
    return std::nullopt;
  }

  match.end = end;
  match.low = value.low;
  match.high = value.high;
  match.approximate = match.approximate || core.approximate;
  match.scaled = core.scaled && match.unit_class == UnitClass::kNone;
  match.scale_word = core.scaled || core.large || core.hundreds;
  match.identifier = core.identifier;
  match.unreadable = core.unreadable;
  if (prefix.currency || prefix.percent) {
    AppendFolded(begin, prefix.core_begin, &match.unit);
    while (!match.unit.empty() && IsInlineSpace(static_cast<unsigned char>(match.unit.back()))) {
      match.unit.pop_back();
    }
  }
  if (core.scale_begin >= 0) {
    AppendFolded(core.scale_begin, core.end, &match.unit);
  }
  if (word != nullptr) {
    AppendFolded(unit_begin, end, &match.unit);
  }
  // Most numbers have neither a + nor a space after them, so PlusLength is seldom called.
  if (add_summands && (At(match.end) == U'+' || At(match.end) == U' ')) {
    int32_t plus = PlusLength(match.end);
    while (plus > 0 && AddSummand(&match, plus)) {
      plus = PlusLength(match.end);
    }
  }
  *resume = match.end;
  if (match.low.Abs() > kLargestQuantity || match.high.Abs() > kLargestQuantity) {
    // 签约500万亿元 is a slip, not a deal: shown as unreadable and never counted.
    if (!options_.keep_identifiers) {
      return std::nullopt;
    }
    match.low = Decimal();
    match.high = Decimal();
    match.approximate = false;
    match.unreadable = true;
  }
  return match;
}

int32_t NumberReader::ReadCommonNumeral(int32_t begin, Decimal* value,
                                        int32_t* scale_begin) const {
  *scale_begin = -1;
  int32_t i = begin;
  char32_t first = At(i);
  if (IsAsciiDigit(first)) {
    // 1-8 integer digits without a leading zero and up to four fraction digits, which
    // ReadArabic accepts whole and ParseDigits reads exactly.
    int64_t units = 0;
    int32_t limit = std::min(size(), begin + kMaxIntegerDigits + 1);
    while (i < limit && IsAsciiDigit(text_[i])) {
      units = units * 10 + (text_[i] - U'0');
      ++i;
    }
    int32_t integer_digits = i - begin;
    if (integer_digits > kMaxIntegerDigits || (first == U'0' && integer_digits > 1)) {
      return -1;
    }
    if (integer_digits == 8 && IsCompactDate(units)) {
      return -1;  // ReadArabic decides whether it is a date
    }
    int fraction_digits = 0;
    if (At(i) == U'.' && IsAsciiDigit(At(i + 1))) {
      ++i;
      while (IsAsciiDigit(At(i)) && fraction_digits <= 4) {
        units = units * 10 + (At(i) - U'0');
        ++i;
        ++fraction_digits;
      }
      if (fraction_digits > 4) {
        return -1;
      }
    }
    constexpr int64_t kUnitsPerDigit[] = {10000, 1000, 100, 10, 1};  // by fraction digits
    units *= kUnitsPerDigit[fraction_digits];
    *value = Decimal::FromUnits(units);
    if (At(i) == U'万' && !StartsName(text_, i)) {
      // At most 99,999,999.9999 x 10,000 units, far inside int64_t.
      *value = Decimal::FromUnits(units * kTenThousand);
      *scale_begin = i;
      ++i;
    }
    return i;
  }

  // 三, 十, 十二, 三十, 三十二: a digit from 一 to 九, 十, or both, with another digit after 十.
  int64_t whole = ChineseDigit(first);
  if (whole >= 1) {
    ++i;
  } else if (ChineseUnit(first) == 10) {
    whole = 1;
  } else {
    return -1;
  }
  if (ChineseUnit(At(i)) == 10) {
    whole *= 10;
    ++i;
    int last = ChineseDigit(At(i));
    if (last >= 1) {
      whole += last;
      ++i;
    }
  }
  *value = Decimal::FromInt(whole);
  return i;
}

NumberReader::Direct NumberReader::ReadCommonAt(int32_t begin, NumberMatch* match,
                                                int32_t* resume) const {
  Decimal numeral;
  int32_t scale_begin = -1;
  int32_t core_end = ReadCommonNumeral(begin, &numeral, &scale_begin);
  if (core_end < 0 || direct_sets_.MayExtendNumeral(At(core_end)) ||
      !direct_sets_.IsNeutral(At(begin - 1))) {
    return Direct::kUnsure;
  }
  *resume = core_end;
  bool chinese = !IsAsciiDigit(At(begin));

  // The unit word, with ReadAt's checks in its order. A number that the general reader
  // rejects after reading its numeral resumes after the numeral there too.
  Range value{numeral, numeral};
  int32_t end = core_end;
  const UnitWord* word = units_.Match(text_, core_end);
  if (word != nullptr) {
    end = core_end + static_cast<int32_t>(word->text.size());
    if (word->role == UnitWord::Role::kBlocker ||
        (IsAsciiLetter(word->text.back()) && IsAsciiLetter(At(end)))) {
      return Direct::kRejected;
    }
    if (At(end) == U'+' || At(end) == U' ') {
      // A sum such as 3万元+5万元 or 2家 + 3家, which AddSummand reads.
      return Direct::kUnsure;
    }
    if (!ApplyUnitWord(*word, core_end, &value, match)) {
      return Direct::kRejected;
    }
  } else if (chinese) {
    // A bare Chinese numeral needs a scale or a place unless bare ones are allowed.
    return options_.allow_bare_chinese ? Direct::kUnsure : Direct::kRejected;
  }
  if (chinese && direct_sets_.MayBeInIdiom(At(begin - 1), At(begin + 1)) &&
      StartsIdiom(text_, begin)) {
    return Direct::kRejected;
  }
  if (value.low.Abs() > kLargestQuantity || value.high.Abs() > kLargestQuantity) {
    return Direct::kUnsure;  // ReadAt marks it unreadable or rejects it
  }

  match->begin = begin;
  match->end = end;
  match->low = value.low;
  match->high = value.high;
  match->chinese = chinese;
  match->scaled = scale_begin >= 0 && match->unit_class == UnitClass::kNone;
  match->scale_word = scale_begin >= 0;
  AppendFolded(scale_begin >= 0 ? scale_begin : core_end, end, &match->unit);
  *resume = end;
  return Direct::kRead;
}

// Whether a bare number ends with a scale or a place (3万, 5w, 3千), which makes it an amount
// rather than a count or a date.
bool NumberReader::EndsWithScaleOrPlace(const NumberMatch& match) const {
  return match.scaled || ChineseUnit(At(match.end - 1)) >= 100;
}

// Returns the length of a + at text[i] with the spaces on either side of it (3万 + 5万元, 3万 +5万),
// or 0 when no + is there. Spaces do not change a sum, so they are taken with the +.
int32_t NumberReader::PlusLength(int32_t i) const {
  int32_t k = i;
  while (At(k) == U' ') {
    ++k;
  }
  if (At(k) != U'+') {
    return 0;
  }
  ++k;
  while (At(k) == U' ') {
    ++k;
  }
  return k - i;
}

// Extends match over the number after a + that follows it, so that 3万+5万元 reads as one sum
// of 80000. Both numbers need a unit or a scale of their own and must fit together: the same
// unit class, with the same measure word for counts (2家+3家), or a bare scaled amount and a
// currency (3万+5万元, 3万元+5万). Percentages are not added up. Anything else, such as 3+5万元
// or 3万+5家, leaves match as it is, and the + is then no hedge (MarkHedge). Returns whether
// the caller may add the next number of a chain: false when nothing was added, and false when
// an unreadable term made the whole sum unreadable. plus_length is PlusLength(match->end).
bool NumberReader::AddSummand(NumberMatch* match, int32_t plus_length) const {
  UnitClass first_class = match->unit_class;
  bool first_bare_amount = first_class == UnitClass::kNone && EndsWithScaleOrPlace(*match);
  if (match->identifier || match->unreadable || first_class == UnitClass::kPercent ||
      (first_class == UnitClass::kNone && !first_bare_amount)) {
    return false;
  }
  int32_t resume = 0;
  std::optional<NumberMatch> second =
      ReadAt(match->end + plus_length, &resume, /*add_summands=*/false);
  if (!second || second->identifier) {
    return false;
  }
  UnitClass second_class = second->unit_class;
  bool second_bare_amount = second_class == UnitClass::kNone && EndsWithScaleOrPlace(*second);
  bool fits = false;
  if (first_class == UnitClass::kNone || first_class == UnitClass::kCurrency) {
    fits = second_class == UnitClass::kCurrency || second_bare_amount;
  } else if (first_class == UnitClass::kMeasureWord) {
    fits = second_class == first_class && second->measure_word == match->measure_word;
  } else {
    fits = second_class == first_class;
  }
  std::optional<Decimal> low = match->low.CheckedAdd(second->low);
  std::optional<Decimal> high = match->high.CheckedAdd(second->high);
  if (!fits || !low || !high) {
    return false;
  }

  // A sum with an unreadable term (3万+十万亿元, 3万+5,00元) is unreadable as a whole, so that
  // no part of it counts, and the chain ends there.
  bool readable = !second->unreadable;
  match->low = readable ? *low : Decimal();
  match->high = readable ? *high : Decimal();
  match->end = second->end;
  match->approximate = readable && (match->approximate || second->approximate);
  match->unreadable = !readable;
  match->hundreds_only = false;
  if (second_class != UnitClass::kNone) {
    match->unit_class = second_class;
    match->scaled = false;
    match->unit = std::move(second->unit);
  }
  return readable;
}

// Code points that may start a number; a hit still needs the exact check in PassesNumberStart.
CodePointFilter NumberStarts() {
  CodePointFilter starts;
  for (char32_t cp = 0; cp < 0x10000; ++cp) {
    if (IsAsciiDigit(cp) || ChineseDigit(cp) >= 0 || ChineseUnit(cp) == 10) {
      starts.Add(cp);
    }
  }
  for (char32_t cp : std::u32string_view(U"几¥上数半Rr人百")) {
    starts.Add(cp);
  }
  return starts;
}

const CodePointFilter& NumberStartFilter() {
  static const CodePointFilter kStarts = NumberStarts();
  return kStarts;
}

// Whether a number may start at text[i], given that NumberStartFilter contains text[i]. The
// filter rejects most code points, so ScanNumbers tests it inline and calls this only on a hit.
bool PassesNumberStart(std::u32string_view text, size_t i) {
  char32_t cp = text[i];
  if (IsAsciiDigit(cp) || ChineseDigit(cp) >= 0 || cp == U'几' || cp == U'十' || cp == U'拾' ||
      cp == 0x00A5) {
    return true;
  }
  char32_t next = i + 1 < text.size() ? text[i + 1] : 0;
  switch (cp) {
    case U'上':
    case U'数':
      return ChineseUnit(next) > 0;
    case U'半':
      return next == U'天' || next == U'小' || next == U'个' || next == U'钟';
    case U'R':
    case U'r':
    case U'人':
    case U'百':
      return next == U'M' || next == U'm' || next == U'民' || next == U'分';
    default:
      return false;
  }
}

// Whether a number may start at text[i]; a cheap filter before NumberReader::ReadAt.
bool MayStartNumber(std::u32string_view text, size_t i) {
  return NumberStartFilter().MayContain(text[i]) && PassesNumberStart(text, i);
}

}  // namespace

UnitTable::UnitTable(const std::vector<std::string>& extra_measure_words) {
  using Role = UnitWord::Role;
  auto add = [this](std::u32string text, Role role, UnitClass unit_class) -> UnitWord& {
    words_.push_back(UnitWord{std::move(text), role, unit_class});
    return words_.back();
  };
  for (const char32_t* text :
       {U"个", U"家", U"位", U"次", U"笔", U"单", U"件", U"份", U"条", U"项", U"台", U"名",
        U"人", U"场", U"篇", U"套", U"张", U"户", U"组", U"批", U"例", U"通", U"封", U"款",
        U"支", U"只", U"辆", U"所", U"间", U"座", U"部", U"本", U"页", U"轮", U"趟", U"遍",
        U"回", U"种", U"类", U"盒", U"箱", U"瓶", U"包", U"吨", U"斤", U"公斤", U"kg",
        U"米", U"公里", U"km", U"平米", U"平方米", U"人次", U"单元"}) {
    add(text, Role::kUnit, UnitClass::kMeasureWord);
  }
  for (const char32_t* text : {U"元", U"块", U"块钱", U"元钱", U"圆", U"人民币", U"元人民币",
                               U"RMB", U"rmb"}) {
    add(text, Role::kUnit, UnitClass::kCurrency);
  }
  for (const char32_t* text : {U"%", U"个百分点", U"百分点"}) {
    add(text, Role::kUnit, UnitClass::kPercent);
  }
  for (const char32_t* text :
       {U"小时", U"个小时", U"钟头", U"个钟头", U"h", U"H", U"hr", U"hrs"}) {
    add(text, Role::kUnit, UnitClass::kDuration);
  }
  for (const char32_t* text : {U"个半小时", U"个半钟头"}) {
    add(text, Role::kUnit, UnitClass::kDuration).plus_half = true;
  }
  add(U"个多小时", Role::kUnit, UnitClass::kDuration).plus_one_approx = true;
  for (const char32_t* text : {U"分钟", U"min", U"mins", U"m"}) {
    add(text, Role::kUnit, UnitClass::kDuration).hours_divisor = 60;
  }
  add(U"刻钟", Role::kUnit, UnitClass::kDuration).hours_divisor = 4;  // 一刻钟 is 15 minutes
  // One day of work is one 8-hour workday.
  for (const char32_t* text : {U"天", U"个工作日", U"工作日"}) {
    add(text, Role::kUnit, UnitClass::kDuration).hours = Decimal::FromInt(8);
  }
  UnitWord& day_and_half = add(U"天半", Role::kUnit, UnitClass::kDuration);
  day_and_half.hours = Decimal::FromInt(8);
  day_and_half.plus_half = true;

  // Dates, clock times, periods, ages, floors, ratios and foreign currencies.
  for (const char32_t* text :
       {U"年", U"月", U"个月", U"日", U"号", U"周", U"个周", U"星期", U"个星期", U"礼拜",
        U"个礼拜", U"季度", U"个季度", U"点", U"点钟", U"时", U"分", U"秒", U"岁", U"楼",
        U"层", U"倍", U"折", U"期", U"代", U"级", U"届", U"寸", U"栋", U"成", U"线",
        U"美元", U"美金", U"港元", U"港币", U"日元", U"欧元", U"英镑", U"USD", U"usd",
        U"刀"}) {
    add(text, Role::kBlocker, UnitClass::kNone);
  }

  FoldBuffer folded;
  for (const std::string& extra : extra_measure_words) {
    Fold(extra, &folded);
    if (folded.folded.empty()) {
      continue;
    }
    std::u32string_view folded_word = View(folded.folded);
    bool known = std::any_of(words_.begin(), words_.end(),
                             [&](const UnitWord& word) { return word.text == folded_word; });
    if (!known) {
      add(std::u32string(folded_word), Role::kUnit, UnitClass::kMeasureWord);
    }
  }

  for (size_t i = 0; i < words_.size(); ++i) {
    order_.push_back(static_cast<uint16_t>(i));
    firsts_.Add(words_[i].text.front());
  }
  std::sort(order_.begin(), order_.end(), [this](uint16_t a, uint16_t b) {
    const std::u32string& left = words_[a].text;
    const std::u32string& right = words_[b].text;
    return std::pair(left.front(), right.size()) < std::pair(right.front(), left.size());
  });
  for (uint16_t index : order_) {
    order_firsts_.push_back(words_[index].text.front());
  }

  first_slot_bits_ = 4;
  while ((size_t{1} << first_slot_bits_) < 2 * order_.size()) {
    ++first_slot_bits_;
  }
  first_slots_.assign(size_t{1} << first_slot_bits_, FirstSlot{});
  size_t mask = first_slots_.size() - 1;
  for (size_t k = 0; k < order_firsts_.size(); ++k) {
    if (k > 0 && order_firsts_[k] == order_firsts_[k - 1]) {
      continue;  // only the first word of each first code point is entered
    }
    size_t slot = FirstSlotOf(order_firsts_[k]);
    while (first_slots_[slot].first != 0) {
      slot = (slot + 1) & mask;
    }
    first_slots_[slot] = FirstSlot{order_firsts_[k], static_cast<uint16_t>(k)};
    for (size_t same = k; same < order_.size() && order_firsts_[same] == order_firsts_[k];
         ++same) {
      const std::u32string& text = words_[order_[same]].text;
      if (text.size() == 1) {
        first_slots_[slot].single_word = order_[same];
      } else {
        first_slots_[slot].second_bits |= uint64_t{1} << (text[1] & 63);
        first_slots_[slot].second_high_bits |= uint64_t{1} << ((text[1] >> 6) & 63);
      }
    }
  }
}

const UnitWord* UnitTable::Match(std::u32string_view text, size_t pos) const {
  if (pos >= text.size()) {
    return nullptr;
  }
  char32_t first = text[pos];
  if (!firsts_.MayContain(first)) {
    return nullptr;
  }
  size_t mask = first_slots_.size() - 1;
  size_t slot = FirstSlotOf(first);
  while (first_slots_[slot].first != first) {
    if (first_slots_[slot].first == 0) {
      return nullptr;  // outside the Basic Multilingual Plane the filter may pass others
    }
    slot = (slot + 1) & mask;
  }
  // In most logs the code point after a unit word starts no longer word (3家客户), and the
  // bitmap of second code points shows that without comparing any word.
  char32_t after_first = pos + 1 < text.size() ? text[pos + 1] : 0;
  const FirstSlot& entry = first_slots_[slot];
  if (((entry.second_bits >> (after_first & 63)) & 1) == 0 ||
      ((entry.second_high_bits >> ((after_first >> 6) & 63)) & 1) == 0) {
    return entry.single_word == kNoWord ? nullptr : &words_[entry.single_word];
  }
  return MatchLonger(text, pos, slot);
}

// Kept out of line, so that Match, which returns after the bitmaps for most code points,
// stays short.
[[gnu::noinline]] const UnitWord* UnitTable::MatchLonger(std::u32string_view text, size_t pos,
                                                         size_t slot) const {
  // The first code points are equal, so the comparison starts at the second. Words are one
  // to five code points long, which a plain loop compares faster than memcmp.
  char32_t first = text[pos];
  size_t rest = text.size() - pos;
  for (size_t k = first_slots_[slot].start; k < order_.size() && order_firsts_[k] == first;
       ++k) {
    const UnitWord& word = words_[order_[k]];
    size_t size = word.text.size();
    if (size > rest) {
      continue;
    }
    size_t same = 1;
    while (same < size && text[pos + same] == word.text[same]) {
      ++same;
    }
    if (same == size) {
      return &word;
    }
  }
  return nullptr;
}

namespace {

// Returns whether the number at begin has a minus sign of its own (代码-3次), as opposed to a
// range dash after another number and its unit (3-5家, 5家-8家, 5万-8万). Work done is never
// negative, so such a number is not read from free text.
// Inline, because the scan calls it for every number it reads and most return at the first test.
inline bool AfterMinusSign(std::u32string_view folded, int32_t begin) {
  if (begin == 0 || (folded[begin - 1] != U'-' && folded[begin - 1] != U'\u2212')) {
    return false;
  }
  constexpr std::u32string_view kNumerals = U"0123456789零一二两三四五六七八九十百千万亿";
  for (int32_t i = begin - 2; i >= 0 && i >= begin - 4; --i) {
    if (kNumerals.find(folded[i]) != std::u32string_view::npos) {
      return false;
    }
  }
  return true;
}

// Hedge words that make the number after them an estimate, longest first.
constexpr std::u32string_view kLeadingHedges[] = {U"差不多", U"大约", U"大概", U"将近",
                                                  U"接近", U"约", U"近"};
// Words that end in 约 or 近 but are no hedge: 签约5万元 is exact, and so is 最近3天.
constexpr std::u32string_view kNotHedges[] = {
    U"签约", U"预约", U"合约", U"续约", U"解约", U"履约", U"违约", U"契约", U"公约", U"条约",
    U"节约", U"特约", U"邀约", U"相约", U"失约", U"赴约", U"制约", U"订约", U"缔约", U"应约",
    U"毁约", U"爽约", U"守约", U"最近", U"附近", U"邻近", U"靠近", U"临近", U"就近"};
// Hedge words after a number. 上下 is left out because 3家上下游 lists suppliers, and + before
// another number is an addition (5万+3万).
constexpr std::u32string_view kTrailingHedges[] = {U"左右", U"+"};

// Returns the index of the first code point at or after i that is not an ASCII space.
size_t SkipSpaces(std::u32string_view text, size_t i) {
  while (i < text.size() && text[i] == U' ') {
    ++i;
  }
  return i;
}

bool EndsWithAt(std::u32string_view text, int32_t end, std::u32string_view word) {
  auto size = static_cast<int32_t>(word.size());
  return end >= size && text.substr(end - size, word.size()) == word;
}

// Extends match over a hedge word right before or after it and sets hedged.
// Whether the code points around a number may end a leading hedge or start a trailing one. A
// false result means MarkHedge leaves the number unchanged. It is small enough to inline, so a
// number without a hedge costs no call.
inline bool MayBeHedged(std::u32string_view folded, const NumberMatch& match) {
  char32_t before = match.begin > 0 ? folded[match.begin - 1] : 0;
  char32_t after = static_cast<size_t>(match.end) < folded.size() ? folded[match.end] : 0;
  bool may_lead = before == U'约' || before == U'近' || before == U'概' || before == U'多';
  return may_lead || after == U'左' || after == U'+' || after == U' ';
}

void MarkHedge(std::u32string_view folded, NumberMatch* match) {
  // Most numbers have no hedge, so the last code point of each leading hedge and the first of
  // each trailing one are checked before the word lists.
  if (!MayBeHedged(folded, *match)) {
    return;
  }
  char32_t before = match->begin > 0 ? folded[match->begin - 1] : 0;
  // A word that ends at match->begin ends with before, so comparing that code point first
  // skips most words without a full comparison.
  for (std::u32string_view hedge : kLeadingHedges) {
    if (hedge.back() != before || !EndsWithAt(folded, match->begin, hedge)) {
      continue;
    }
    int32_t hedge_begin = match->begin - static_cast<int32_t>(hedge.size());
    bool part_of_word =
        std::any_of(std::begin(kNotHedges), std::end(kNotHedges), [&](std::u32string_view word) {
          return word.back() == before && EndsWithAt(folded, match->begin, word);
        });
    if (!part_of_word) {
      match->begin = hedge_begin;
      match->hedged = true;
    }
    break;
  }
  // A trailing hedge starts with 左, or with + after any spaces, so most numbers skip the loop.
  char32_t after = static_cast<size_t>(match->end) < folded.size() ? folded[match->end] : 0;
  if (after != U'左' && after != U'+' && after != U' ') {
    return;
  }
  for (std::u32string_view hedge : kTrailingHedges) {
    auto at = static_cast<size_t>(match->end);
    auto next = at + hedge.size();
    if (hedge == U"+") {
      // Spaces around a + change nothing, as between summands (5万 + 3万).
      at = SkipSpaces(folded, at);
      next = SkipSpaces(folded, at + 1);
    }
    bool addition = hedge == U"+" && next < folded.size() && MayStartNumber(folded, next);
    if (folded.substr(at, hedge.size()) == hedge && !addition) {
      match->end = static_cast<int32_t>(at + hedge.size());
      match->hedged = true;
      break;
    }
  }
}

// Reads the number at begin into *match, by the direct path when options allow and it takes
// the text, else by ReadAt. Returns whether a number was read, and sets *resume either way.
// REQUIRES: *match is default-constructed.
bool ReadNumber(const NumberReader& reader, int32_t begin, const ScanOptions& options,
                NumberMatch* match, int32_t* resume) {
  *resume = begin + 1;
  if (options.direct_path) {
    switch (reader.ReadCommonAt(begin, match, resume)) {
      case NumberReader::Direct::kRead:
        return true;
      case NumberReader::Direct::kRejected:
        return false;
      case NumberReader::Direct::kUnsure:
        break;
    }
  }
  std::optional<NumberMatch> general = reader.ReadAt(begin, resume);
  if (!general) {
    return false;
  }
  *match = std::move(*general);
  return true;
}

// Whether folded code point i comes from an enclosed alphanumeric such as ① or ⑴.
bool FromEnclosed(const FoldBuffer& text, int32_t i) {
  return IsEnclosedAlphanumeric(OriginalAt(text, OriginOf(text, i)));
}

// Returns where a number that starts at folded index i must end because of an item number in
// enclosed digits, or 0 when nothing limits it. A number that starts in the fold of ① or ⑴
// ends with that fold (①5万元 is 1 and 5万元, not 15万元), and any other number ends where the
// next such fold starts (5万②万科 is 5万, not 5万2). *next_enclosed caches the start of the
// next enclosed fold at or after the last position searched (-1 before the first search), so
// a scan from left to right walks the text once.
int32_t EnclosedReadLimit(const FoldBuffer& text, int32_t i, int32_t* next_enclosed) {
  auto size = static_cast<int32_t>(text.folded.size());
  if (*next_enclosed < i) {
    int32_t at = i;
    while (at < size && !FromEnclosed(text, at)) {
      ++at;
    }
    *next_enclosed = at;
  }
  if (*next_enclosed > i) {
    return *next_enclosed < size ? *next_enclosed : 0;
  }
  int32_t origin = OriginOf(text, i);
  int32_t end = i + 1;
  while (end < size && OriginOf(text, end) == origin) {
    ++end;
  }
  return end;
}

// Scans for numbers as ScanNumbers does. With kMark it also appends to *marked every position
// whose code point marks may contain, each position being visited once.
template <bool kMark>
void ScanAndMark(const FoldBuffer& text, const UnitTable& units, const ScanOptions& options,
                 const ScanMarks* marks, std::vector<NumberMatch>* out,
                 std::vector<int32_t>* marked) {
  std::u32string_view folded = View(text.folded);
  NumberReader reader(text, static_cast<int32_t>(folded.size()), units, options);
  const CodePointFilter& starts = NumberStartFilter();
  const CodePointFilter& first_test = kMark ? marks->marks_or_starts() : starts;
  int32_t next_enclosed = -1;
  for (int32_t i = 0; i < static_cast<int32_t>(folded.size());) {
    char32_t cp = folded[i];
    if (!first_test.MayContain(cp)) {
      ++i;
      continue;
    }
    if constexpr (kMark) {
      if (marks->marks().MayContain(cp)) {
        marked->push_back(i);
      }
    }
    // Most numbers start with an ASCII digit, which passes without the call.
    if (!starts.MayContain(cp) || !(IsAsciiDigit(cp) || PassesNumberStart(folded, i))) {
      ++i;
      continue;
    }
    // The match is built in place at the end of *out and removed again when nothing is read.
    int32_t resume = i + 1;
    NumberMatch& match = out->emplace_back();
    bool read = false;
    int32_t limit = text.one_to_one ? 0 : EnclosedReadLimit(text, i, &next_enclosed);
    if (limit > 0) {
      NumberReader limited_reader(text, limit, units, options);
      read = ReadNumber(limited_reader, i, options, &match, &resume);
    } else {
      read = ReadNumber(reader, i, options, &match, &resume);
    }
    if (read && !AfterMinusSign(folded, match.begin)) {
      if (MayBeHedged(folded, match)) {
        MarkHedge(folded, &match);
      }
      resume = std::max(resume, match.end);
    } else {
      out->pop_back();
    }
    int32_t next = std::max(resume, i + 1);
    if constexpr (kMark) {
      for (int32_t skipped = i + 1; skipped < next; ++skipped) {
        if (marks->marks().MayContain(folded[skipped])) {
          marked->push_back(skipped);
        }
      }
    }
    i = next;
  }
}

}  // namespace

void ScanNumbers(const FoldBuffer& text, const UnitTable& units, const ScanOptions& options,
                 std::vector<NumberMatch>* out) {
  ScanAndMark<false>(text, units, options, nullptr, out, nullptr);
}

ScanMarks::ScanMarks(const CodePointFilter& marks) : marks_(marks) {
  const CodePointFilter& starts = NumberStartFilter();
  for (char32_t cp = 0; cp < 0x10000; ++cp) {
    if (marks.MayContain(cp) || starts.MayContain(cp)) {
      marks_or_starts_.Add(cp);
    }
  }
}

void ScanNumbers(const FoldBuffer& text, const UnitTable& units, const ScanOptions& options,
                 const ScanMarks& marks, std::vector<NumberMatch>* out,
                 std::vector<int32_t>* marked) {
  ScanAndMark<true>(text, units, options, &marks, out, marked);
}

std::optional<NumberMatch> ReadNumberAt(const FoldBuffer& text, int32_t begin,
                                        const UnitTable& units, const ScanOptions& options,
                                        int32_t* resume) {
  NumberReader reader(text, static_cast<int32_t>(text.folded.size()), units, options);
  NumberMatch match;
  if (!ReadNumber(reader, begin, options, &match, resume)) {
    return std::nullopt;
  }
  return match;
}

bool IsRangeDash(char32_t cp) {
  return cp == U'-' || cp == U'~' || (cp >= 0x2010 && cp <= 0x2015) || cp == 0x2212 ||
         cp == 0x301C;
}

bool IsRangeTooWide(Decimal low, Decimal high) {
  std::optional<Decimal> limit = low.Times(kMaxRangeRatio);
  return limit && *limit < high;
}

bool HasScaleWord(std::string_view utf8) {
  for (std::string_view word : {"万", "萬", "亿", "億", "千", "仟"}) {
    if (utf8.find(word) != std::string_view::npos) {
      return true;
    }
  }
  bool after_digit = false;
  for (char c : utf8) {
    if (after_digit && (c == 'w' || c == 'W' || c == 'k' || c == 'K')) {
      return true;
    }
    if (c >= '0' && c <= '9') {
      after_digit = true;
    } else if (c != ' ' && c != '\t') {
      after_digit = false;
    }
  }
  return false;
}

std::optional<NumberMatch> ReadOneNumber(const FoldBuffer& text, int32_t begin, int32_t end,
                                         const UnitTable& units, const ScanOptions& options) {
  NumberReader reader(text, end, units, options);
  int32_t resume = begin;
  std::optional<NumberMatch> match = reader.ReadAt(begin, &resume);
  if (!match || match->end != end) {
    return std::nullopt;
  }
  return match;
}

// NOTE: NumberReader recognizes the dates it skips with its own code (SpacedDateEnd and the
// eight-digit check), so a date form added here is not yet skipped there, and the reverse.
std::optional<TextDate> ReadDateAt(std::u32string_view text, int32_t begin) {
  auto size = static_cast<int32_t>(text.size());
  auto at = [&](int32_t i) -> char32_t { return i < size ? text[i] : 0; };
  int32_t i = begin;
  // Reads up to max_digits ASCII digits at i into *value and returns how many it read.
  auto read_digits = [&](int max_digits, int* value) {
    int count = 0;
    *value = 0;
    while (count < max_digits && IsAsciiDigit(at(i))) {
      *value = *value * 10 + static_cast<int>(at(i) - U'0');
      ++i;
      ++count;
    }
    return count;
  };

  TextDate date;
  bool closed = false;
  int first = 0;
  int first_digits = read_digits(8, &first);
  if (first_digits == 8) {
    date.year = first / 10000;
    date.month = first / 100 % 100;
    date.day = first % 100;
  } else if (first_digits == 4) {
    date.year = first;
    char32_t separator = at(i);
    bool chinese = separator == U'年';
    if (!chinese && separator != U'-' && separator != U'/' && separator != U'.' &&
        separator != U' ') {
      return std::nullopt;
    }
    ++i;
    if (read_digits(2, &date.month) == 0 || at(i) != (chinese ? U'月' : separator)) {
      return std::nullopt;
    }
    ++i;
    if (read_digits(2, &date.day) == 0) {
      return std::nullopt;
    }
    if (chinese && (at(i) == U'日' || at(i) == U'号')) {
      ++i;
      closed = true;
    }
  } else {
    return std::nullopt;
  }
  // After 日 or 号 the date has ended, so a digit there starts the next number
  // (2026年11月3日5万元).
  if ((!closed && IsAsciiDigit(at(i))) || !IsCalendarDate(date.year, date.month, date.day)) {
    return std::nullopt;
  }
  date.end = i;
  return date;
}

}  // namespace logbridge::scoring
