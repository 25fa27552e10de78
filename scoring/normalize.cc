// Normalization of one log: field lookup by key (fallback sort), typed parsing, extraction,
// and the time-saving values computed from planned and actual durations.
#include "scoring/normalize.h"

#include <algorithm>
#include <array>
#include <string>
#include <utility>

#include "scoring/numerals.h"
#include "scoring/short_bytes.h"
#include "scoring/utf8_count.h"

namespace logbridge::scoring {
namespace {

// Whether two keys or names are equal. Most are a few CJK characters, which EqualShortBytes
// compares with overlapping word loads and no call to memcmp.
bool KeysEqual(std::string_view a, std::string_view b) {
  return a.size() == b.size() && EqualShortBytes(a.data(), b.data(), a.size());
}

// Whether text may start or end with white space that TrimSpace removes. Most values have
// nothing to trim. Space, tab and line breaks are at most ' ', and U+3000 is E3 80 80, so
// other first and last bytes rule it out. The test is small enough to inline at the call.
inline bool MayHaveSpaceAtEnds(std::string_view text) {
  if (text.empty()) {
    return false;
  }
  auto first = static_cast<unsigned char>(text.front());
  auto last = static_cast<unsigned char>(text.back());
  return first <= ' ' || first == 0xE3 || last <= ' ' || last == 0x80;
}

// Returns the same field as record.FindField(key, fallback_sort).
const LogField* FindField(const LogRecord& record, std::string_view key, int32_t fallback_sort) {
  for (const LogField& field : record.contents) {
    if (KeysEqual(field.key, key)) {
      return &field;
    }
  }
  return fallback_sort >= 0 ? record.FindField(key, fallback_sort) : nullptr;
}

// Finds the fields of one record for the field specs of its template, taken in order. Records
// usually list their fields in template order, so the field at the spec's own index is tried
// first. That guess is taken only while every earlier spec found its field at its own index by
// key. Each earlier field then has an earlier spec's key, and the non-empty keys of a template
// are distinct, so none of them has this key and the guess is the first match.
class FieldFinder {
 public:
  explicit FieldFinder(const LogRecord& record) : record_(record) {}

  // Returns what FindField returns for spec.
  // REQUIRES: the specs of one template are passed in order, starting with the first.
  const LogField* Find(const FieldSpec& spec) {
    size_t index = next_++;
    if (in_order_ && index < record_.contents.size() && !spec.key.empty()) {
      const LogField& guess = record_.contents[index];
      if (KeysEqual(guess.key, spec.key)) {
        return &guess;
      }
    }
    in_order_ = false;
    return FindField(record_, spec.key, spec.sort);
  }

 private:
  const LogRecord& record_;
  size_t next_ = 0;       // the index of the next spec in its template
  bool in_order_ = true;  // whether every earlier spec found the field at its own index by key
};

// Returns IsExplicitNone for a value that does not start with a digit. Kept out of line, so
// that IsExplicitNone stays small enough to inline.
[[gnu::noinline]] bool IsNoneText(std::string_view value);

// Whether a typed field value means there is nothing to report, as when people write 无,
// 暂无签约 or 没有 in an amount or duration field, or a state such as 未成交 or 未反馈 in place of
// the value. Such a value adds nothing and is not flagged as unreadable.
inline bool IsExplicitNone(std::string_view value) {
  // Most typed values are numbers, and no mark or prefix starts with a digit. This test is
  // inlined at each call, so that a number costs no call.
  if (!value.empty() && value.front() >= '0' && value.front() <= '9') {
    return false;
  }
  return IsNoneText(value);
}

bool IsNoneText(std::string_view value) {
  static constexpr std::string_view kNoneMarks[] = {
      "-",  "--",   "—",    "——",   "/",    "无",   "暂无", "没有",
      "尚无", "未成交", "未反馈", "未填写", "未填", "未评价", "不适用"};
  static constexpr std::string_view kNonePrefixes[] = {"暂无", "没有", "尚无", "暂未", "无"};
  for (std::string_view mark : kNoneMarks) {
    if (value == mark) {
      return true;
    }
  }
  // A short phrase only, so that 无锡客户签约5万 is still read (and then flagged).
  if (CountCodePointsByStep(value).code_points > 6) {
    return false;
  }
  for (std::string_view prefix : kNonePrefixes) {
    if (value.substr(0, prefix.size()) == prefix) {
      return value.find_first_of("0123456789") == std::string_view::npos;
    }
  }
  return false;
}

// Returns the value of the enum choice written exactly as value, like choices.find. A field has
// a few choices, so comparing lengths first spares most string comparisons.
std::optional<Decimal> FindChoice(const FieldSpec& field, std::string_view value) {
  for (const auto& [text, number] : field.choices) {
    if (KeysEqual(text, value)) {
      return number;
    }
  }
  return std::nullopt;
}

// Returns the bytes of the emoji that ends text, or 0: a code point from U+1F000 to U+1FFFF
// (😀, 👍), one from U+2600 to U+27BF (✅, ✔, ☑) or the emoji variation selector U+FE0F.
size_t TrailingEmojiBytes(std::string_view text) {
  auto byte = [&text](size_t from_end) {
    return static_cast<unsigned char>(text[text.size() - from_end]);
  };
  if (text.size() >= 4 && byte(4) == 0xF0 && byte(3) == 0x9F) {
    return 4;
  }
  if (text.size() >= 3 && byte(3) == 0xE2 && byte(2) >= 0x98 && byte(2) <= 0x9E) {
    return 3;
  }
  if (text.size() >= 3 && byte(3) == 0xEF && byte(2) == 0xB8 && byte(1) == 0x8F) {
    return 3;
  }
  return 0;
}

// Returns text folded (full-width forms to ASCII) without white space, a parenthesised note at
// the end, punctuation and emoji at the end, so that 满 意, 满意。, 满意✅ and 满意（客户反馈） all
// become 满意.
std::string LooseChoiceText(std::string_view text) {
  std::string folded = FoldText(text).text;
  std::string loose;
  loose.reserve(folded.size());
  for (char c : folded) {
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
      loose += c;
    }
  }
  if (!loose.empty() && loose.back() == ')') {
    size_t open = loose.rfind('(');
    if (open != std::string::npos && open > 0) {
      loose.resize(open);
    }
  }
  constexpr std::string_view kEndMarks[] = {".", "!", "?", ",", ";", "~", "。", "、", "…"};
  for (bool trimmed = true; trimmed;) {
    trimmed = false;
    for (std::string_view mark : kEndMarks) {
      if (loose.size() > mark.size() && std::string_view(loose).ends_with(mark)) {
        loose.resize(loose.size() - mark.size());
        trimmed = true;
      }
    }
    size_t emoji = TrailingEmojiBytes(loose);
    if (emoji > 0 && emoji < loose.size()) {
      loose.resize(loose.size() - emoji);
      trimmed = true;
    }
  }
  return loose;
}

// Returns the value of the one enum choice that value matches when both are read loosely
// (LooseChoiceText), or nullopt when none or several do. Runs only after an exact match failed.
std::optional<Decimal> FindLooseChoice(const FieldSpec& field, std::string_view value) {
  std::string loose = LooseChoiceText(value);
  std::optional<Decimal> found;
  int matches = 0;
  for (const auto& [text, number] : field.choices) {
    if (LooseChoiceText(text) == loose) {
      found = number;
      ++matches;
    }
  }
  return matches == 1 ? found : std::nullopt;
}

// The parts of the first number in a folded typed value, for explaining why it did not parse.
struct NumberShape {
  bool found = false;
  bool negative = false;        // a minus sign right before the digits
  std::string integer_digits;   // without thousands separators
  bool grouped = false;         // written with thousands separators
  size_t fraction_digits = 0;
  bool exponent = false;        // scientific notation: 1e300, 2.5E6
  int scale_power = 0;          // a scale right after the number: 万 4, 亿 8, 千 3
};

int ScalePower(std::string_view unit) {
  constexpr std::pair<std::string_view, int> kScales[] = {
      {"亿", 8}, {"万", 4}, {"千", 3}, {"w", 4}, {"W", 4}, {"k", 3}, {"K", 3}};
  // Scale words in a row multiply: 万亿 is 10^12, 千万 10^7.
  int total = 0;
  bool found = true;
  while (found) {
    found = false;
    for (const auto& [scale, power] : kScales) {
      if (unit.substr(0, scale.size()) == scale) {
        total += power;
        unit.remove_prefix(scale.size());
        found = true;
        break;
      }
    }
  }
  return total;
}

NumberShape ReadNumberShape(std::string_view folded) {
  NumberShape shape;
  auto is_digit = [&](size_t i) { return i < folded.size() && folded[i] >= '0' && folded[i] <= '9'; };
  size_t i = folded.find_first_of("0123456789");
  if (i == std::string_view::npos) {
    return shape;
  }
  shape.found = true;
  shape.negative = i > 0 && folded[i - 1] == '-';
  while (is_digit(i) || (folded[i] == ',' && is_digit(i + 1))) {
    shape.grouped = shape.grouped || folded[i] == ',';
    if (folded[i] != ',') {
      shape.integer_digits.push_back(folded[i]);
    }
    ++i;
  }
  if (i < folded.size() && folded[i] == '.' && is_digit(i + 1)) {
    for (++i; is_digit(i); ++i) {
      ++shape.fraction_digits;
    }
  }
  if (i < folded.size() && (folded[i] == 'e' || folded[i] == 'E')) {
    size_t exponent = i + 1;
    if (exponent < folded.size() && (folded[exponent] == '+' || folded[exponent] == '-')) {
      ++exponent;
    }
    shape.exponent = is_digit(exponent);
  }
  shape.scale_power = ScalePower(folded.substr(i));
  return shape;
}

// The reason a typed range is too wide to read as an estimate (IsRangeTooWide).
enum class WideRange {
  kNone,      // no range, or one that IsRangeTooWide accepts
  kTooWide,   // both ends have units and the upper end is above kMaxRangeRatio times the lower
  kFromZero,  // the lower end is 0, which makes every range too wide (0-1小时)
};

// Returns why folded text, a range of two values of the field's kind, is too wide to read as an
// estimate, which is why ParseQuantity rejected it, or kNone for other text. Both ends need
// their own unit (3万-31万), except a lower end of 0, which is 0 in any unit. Splits at the
// first range dash, 到 or 至 after the first character.
WideRange FindWideRange(std::string_view folded, const FieldSpec& field) {
  std::optional<QuantityKind> kind = QuantityKindOf(field.type);
  if (!kind) {
    return WideRange::kNone;
  }
  for (size_t pos = 0; pos < folded.size();) {
    size_t length = std::min(Utf8SequenceLength(static_cast<unsigned char>(folded[pos])),
                             folded.size() - pos);
    char32_t cp = static_cast<unsigned char>(folded[pos]);
    if (length > 1) {
      cp &= 0x3F >> (length - 1);
      for (size_t b = 1; b < length; ++b) {
        cp = (cp << 6) | (static_cast<unsigned char>(folded[pos + b]) & 0x3F);
      }
    }
    if (pos > 0 && (IsRangeDash(cp) || cp == U'到' || cp == U'至')) {
      std::optional<Quantity> low = ParseQuantity(folded.substr(0, pos), *kind);
      std::optional<Quantity> high = ParseQuantity(folded.substr(pos + length), *kind);
      if (!low || !high || low->approximate || high->approximate || high->unit.empty()) {
        return WideRange::kNone;
      }
      if (low->low == Decimal() && high->high > Decimal()) {
        return WideRange::kFromZero;
      }
      // A bare lower end (3-50万, 8-9成) shares the upper end's unit, which ParseQuantity
      // cannot apply to it, so only ends with units of their own are compared. The field's
      // default unit is left out for that reason.
      bool too_wide =
          !low->unit.empty() && low->low < high->high && IsRangeTooWide(low->low, high->high);
      return too_wide ? WideRange::kTooWide : WideRange::kNone;
    }
    pos += length;
  }
  return WideRange::kNone;
}

// Returns how to write a large value so that it is not read as an identifier, in the forms the
// field's type reads. Only the advice for an amount offers a scale word (1.23亿), which reads
// as money, and a percent field rejects scale words.
std::string LargeValueAdvice(FieldType type) {
  switch (type) {
    case FieldType::kPercent:
      return "write the percentage itself, such as 80% or 八成, and group a value this large "
             "with thousands separators (123,456,789%)";
    case FieldType::kDuration:
      return "write the duration with thousands separators (1,234小时) or in a larger unit "
             "such as 天";
    case FieldType::kCount:
      return "write the count with thousands separators (123,456,789)";
    default:
      return "write the value with thousands separators (123,456,789) or a scale (1.23亿)";
  }
}

// One value and a narrow range written in the forms of a field's type, for hints.
struct ValueForms {
  std::string value;
  std::string range;
};

// Returns the examples that hints give for a field of type.
ValueForms FormsOf(FieldType type) {
  switch (type) {
    case FieldType::kPercent:
      return {"80%", "70%-80%"};
    case FieldType::kDuration:
      return {"1小时", "2-3小时"};
    case FieldType::kCount:
      return {"3", "3-5"};
    default:
      return {"5万", "3万-5万"};
  }
}

// Returns value without a clock time after the day and one space (2026-11-03 10:00 or
// 2026-11-03 10:00:00), or value as it is.
std::string_view DropClockTime(std::string_view value) {
  size_t space = value.rfind(' ');
  if (space == std::string_view::npos || space == 0) {
    return value;
  }
  std::string_view clock = value.substr(space + 1);

  auto digits = [&clock](size_t at, size_t count) {
    for (size_t i = at; i < at + count; ++i) {
      if (i >= clock.size() || clock[i] < '0' || clock[i] > '9') {
        return false;
      }
    }
    return true;
  };

  // The shape: H:MM or HH:MM, and :SS after it.
  size_t hour_digits = clock.size() > 1 && clock[1] == ':' ? 1 : 2;
  size_t minute = hour_digits + 1;
  bool hour_minute = digits(0, hour_digits) && clock.size() > hour_digits &&
                     clock[hour_digits] == ':' && digits(minute, 2);
  bool ends = clock.size() == minute + 2 ||
              (clock.size() == minute + 5 && clock[minute + 2] == ':' && digits(minute + 3, 2));
  if (!hour_minute || !ends) {
    return value;
  }

  // A clock time needs an hour below 24 and minutes and seconds below 60.
  int hour = clock[0] - '0';
  if (hour_digits == 2) {
    hour = hour * 10 + (clock[1] - '0');
  }
  bool seconds_valid = clock.size() == minute + 2 || clock[minute + 3] < '6';
  bool on_clock = hour < 24 && clock[minute] < '6' && seconds_valid;
  return on_clock ? value.substr(0, space) : value;
}

// Reads a typed date: the forms ParseDay reads, and 2026.11.03, 20261103 and 2026 11 03 (also
// full-width), which the free-text reader takes for dates under the same calendar check. A
// clock time after the day is dropped (DropClockTime).
Result<int64_t> ParseTypedDay(std::string_view value) {
  Result<int64_t> day = ParseDay(value);
  if (day.ok()) {
    return day;
  }
  std::string_view without_clock = DropClockTime(value);
  if (without_clock.size() < value.size()) {
    return ParseTypedDay(without_clock);
  }
  FoldBuffer folded;
  Fold(value, &folded);
  std::optional<TextDate> date = ReadDateAt(View(folded.folded), 0);
  if (!date || date->end != static_cast<int32_t>(folded.folded.size())) {
    return day;
  }
  return DaysFromCivil({date->year, date->month, date->day});
}

// Returns why a typed date did not parse and the forms that read.
std::string DateHint(std::string_view value) {
  constexpr std::string_view kForms =
      "Write a day on the calendar such as 2026-11-03, 2026/11/03, 2026年11月3日, 2026.11.03, "
      "20261103 or 2026 11 03";
  // A month and day alone (11月3日, 11-03) may belong to this year or the last, at a year's turn.
  std::string folded = FoldText(value).text;
  size_t digits = folded.find_first_not_of("0123456789");
  bool month_day = digits >= 1 && digits <= 2 && digits < folded.size() &&
                   folded.find("年") == std::string::npos &&
                   (folded.substr(digits).starts_with("月") || folded[digits] == '-' ||
                    folded[digits] == '/' || folded[digits] == '.');
  if (month_day) {
    return "It has no year, and a log near the turn of a year may mean either year. " +
           std::string(kForms);
  }
  return "It does not read as a date. " + std::string(kForms);
}

// Returns the text after the first / that follows a digit, as in 5万元/年, or "" when there is
// none. A rate such as 5万元/年 names no single amount.
std::string_view RatePeriod(std::string_view folded) {
  size_t slash = folded.find('/');
  if (slash == std::string_view::npos || slash == 0 ||
      folded.find_first_of("0123456789") > slash || slash + 1 >= folded.size() ||
      (folded[slash + 1] >= '0' && folded[slash + 1] <= '9')) {
    return {};
  }
  // Only the unit is quoted: 20分钟/人,共3人 gives 人, not the remark after it.
  std::string_view per = folded.substr(slash + 1);
  size_t end = per.find_first_of(",;:.!? ()");
  for (std::string_view mark : {"。", "、", "，", "；"}) {
    end = std::min(end, per.find(mark));
  }
  return per.substr(0, end);
}

// Returns the mark of another currency in folded text ($, €, £, 美元, USD...), or "".
std::string_view ForeignCurrency(std::string_view folded) {
  constexpr std::string_view kMarks[] = {"$", "€", "£", "美元", "美金", "港元", "港币",
                                         "日元", "欧元", "英镑", "USD", "usd"};
  for (std::string_view mark : kMarks) {
    if (folded.find(mark) != std::string_view::npos) {
      return mark;
    }
  }
  return {};
}

// Returns the start of a text field value that a distinct count keys on: the value without
// spaces, punctuation and a note in brackets at its end, so that 市场部。 and 市场部（张三） count
// as 市场部. The key is a prefix of value, so nothing is copied. A value that is all punctuation
// keeps its text.
std::string_view DistinctKeyOf(std::string_view value) {
  static constexpr std::string_view kEndMarks[] = {
      " ", "\t", ".", "!", "?", ",", ";", "~", "。", "、", "…", "！", "？", "，", "；", "～", "．"};
  // The last bytes of the end marks and closing brackets. Most values end in a letter, digit
  // or ideograph, whose last byte matches none of these, so they skip every comparison below.
  static constexpr std::array<bool, 256> kLastBytes = [] {
    std::array<bool, 256> last{};
    for (std::string_view mark : kEndMarks) {
      last[static_cast<unsigned char>(mark.back())] = true;
    }
    last[static_cast<unsigned char>(')')] = true;
    last[static_cast<unsigned char>(std::string_view("）").back())] = true;
    return last;
  }();
  std::string_view key = value;
  for (bool trimmed = true; trimmed && !key.empty();) {
    if (!kLastBytes[static_cast<unsigned char>(key.back())]) {
      break;
    }
    trimmed = false;
    for (std::string_view mark : kEndMarks) {
      if (key.ends_with(mark)) {
        key.remove_suffix(mark.size());
        trimmed = true;
      }
    }
    for (auto [open, close] : {std::pair<std::string_view, std::string_view>{"(", ")"},
                               {"（", "）"}}) {
      if (!key.ends_with(close)) {
        continue;
      }
      size_t at = key.rfind(open);
      if (at != std::string_view::npos && at > 0) {
        key = key.substr(0, at);
        trimmed = true;
      }
    }
  }
  return key.empty() ? value : key;
}

// A span of two clock times, in minutes after midnight, as in 10:00-11:30.
struct ClockSpan {
  int start = 0;
  int end = 0;
};

// Reads H:MM or HH:MM at *at and moves *at past it. Returns minutes after midnight, or -1.
int ReadClockTime(std::string_view text, size_t* at) {
  auto digit = [&text](size_t i) { return i < text.size() && text[i] >= '0' && text[i] <= '9'; };
  size_t i = *at;
  int hour = 0;
  while (digit(i) && i - *at < 2) {
    hour = hour * 10 + (text[i++] - '0');
  }
  if (i == *at || i >= text.size() || text[i] != ':' || !digit(i + 1) || !digit(i + 2)) {
    return -1;
  }
  int minute = (text[i + 1] - '0') * 10 + (text[i + 2] - '0');
  if (minute > 59 || hour > 24 || (hour == 24 && minute > 0)) {
    return -1;
  }
  *at = i + 3;
  return hour * 60 + minute;
}

// Reads folded text that is two clock times joined by -, ~, 到 or 至 (10:00-11:30, 9:00 到
// 12:00), or returns nullopt. The end may be before the start, which the caller rejects.
std::optional<ClockSpan> ReadClockSpan(std::string_view folded) {
  if (folded.find(':') == std::string_view::npos) {
    return std::nullopt;
  }
  auto skip_spaces = [&folded](size_t* at) {
    while (*at < folded.size() && folded[*at] == ' ') {
      ++*at;
    }
  };

  size_t at = 0;
  ClockSpan span;
  span.start = ReadClockTime(folded, &at);
  if (span.start < 0) {
    return std::nullopt;
  }

  skip_spaces(&at);
  bool joined = false;
  for (std::string_view mark : {"-", "~", "到", "至", "——", "—"}) {
    if (folded.substr(at, mark.size()) == mark) {
      at += mark.size();
      joined = true;
      break;
    }
  }
  skip_spaces(&at);
  if (!joined) {
    return std::nullopt;
  }

  span.end = ReadClockTime(folded, &at);
  if (span.end < 0 || at != folded.size()) {
    return std::nullopt;
  }
  return span;
}

// Reads a count followed by a unit noun of ASCII letters (2个bug, 3 commits), or returns
// nullopt. The noun needs two letters or more and may not be a scale word (2k, 3w, 2kw), so
// that no scale is dropped.
std::optional<Decimal> ReadCountWithNoun(std::string_view value, const FieldSpec& field) {
  size_t last = value.find_last_not_of(
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ");
  if (last == std::string_view::npos || value.size() - last - 1 < 2) {
    return std::nullopt;
  }
  std::string_view noun = value.substr(last + 1);
  if (noun.find_first_not_of("kKwW") == std::string_view::npos) {
    return std::nullopt;
  }
  std::string_view head = TrimSpace(value.substr(0, last + 1));
  std::optional<Quantity> count = ParseQuantity(head, QuantityKind::kCount, field.unit);
  if (!count || count->approximate) {
    return std::nullopt;
  }
  return count->Value();
}

// Reads a percentage after a label (进度80%, 完成度：80%) or a fraction of 100 from 0/100 to
// 100/100 (80/100), or returns nullopt.
std::optional<Decimal> ReadLabeledPercent(std::string_view value, const FieldSpec& field) {
  if (value.ends_with("/100")) {
    std::optional<Decimal> share = Decimal::Parse(value.substr(0, value.size() - 4));
    if (!share || *share < Decimal() || *share > Decimal::FromInt(100)) {
      return std::nullopt;
    }
    return share;
  }
  for (std::string_view label : {"完成进度", "完成度", "进度", "已完成", "完成"}) {
    if (!value.starts_with(label)) {
      continue;
    }
    std::string_view rest = value.substr(label.size());
    for (std::string_view mark : {":", "：", " "}) {
      if (rest.starts_with(mark)) {
        rest.remove_prefix(mark.size());
      }
    }
    std::optional<Quantity> percent = ParseQuantity(rest, QuantityKind::kPercent, field.unit);
    if (!percent || percent->approximate) {
      return std::nullopt;
    }
    return percent->Value();
  }
  return std::nullopt;
}

// Returns the value of a form that ParseQuantity does not read, or nullopt. A duration field
// reads 上午, 下午, 一上午 and 一下午 as half a working day (as 半天 reads) and a clock span
// (10:00-11:30 is 1.5 hours). A percentage field reads 已完成, 完成 (100) and 未开始 (0), and the
// forms of ReadLabeledPercent. A count field reads the forms of ReadCountWithNoun. Runs only
// after the value failed to parse.
std::optional<Decimal> ReadExtraForm(std::string_view value, const FieldSpec& field) {
  if (field.type == FieldType::kDuration) {
    for (std::string_view word : {"上午", "下午", "一上午", "一下午"}) {
      if (value == word) {
        std::optional<Quantity> half = ParseQuantity("半天", QuantityKind::kDuration, field.unit);
        return half ? std::optional<Decimal>(half->Value()) : std::nullopt;
      }
    }
    std::optional<ClockSpan> clock = ReadClockSpan(FoldText(value).text);
    if (clock && clock->end > clock->start) {
      return Decimal::FromInt(clock->end - clock->start) / Decimal::FromInt(60);
    }
  }
  if (field.type == FieldType::kCount) {
    return ReadCountWithNoun(value, field);
  }
  if (field.type == FieldType::kPercent) {
    for (std::string_view word : {"已完成", "完成", "全部完成"}) {
      if (value == word) {
        return Decimal::FromInt(100);
      }
    }
    if (value == "未开始") {
      return Decimal();
    }
    return ReadLabeledPercent(value, field);
  }
  return std::nullopt;
}

// Returns the forms a field of type reads, for a value that no narrower hint explains.
std::string AcceptedFormsHint(FieldType type) {
  switch (type) {
    case FieldType::kDuration:
      return "It does not read as a duration; write a duration such as 1.5小时, 90分钟, 2天 or "
             "半天";
    case FieldType::kPercent:
      return "It does not read as a percentage; write a percentage such as 80%, 八成 or 已完成";
    case FieldType::kCount:
      return "It does not read as a count; write a count such as 3 or 3个";
    case FieldType::kAmount:
      return "It does not read as an amount; write an amount such as 5万, 50000 or 50000元";
    default:
      return "It does not read as that type";
  }
}

// Returns why a typed value did not parse and what to write instead, or "" when no known rule
// explains it. Runs only for unreadable values, so its copies cost nothing on valid logs.
std::string UnreadableHint(std::string_view value, const FieldSpec& field) {
  if (field.type == FieldType::kEnum) {
    std::string choices;
    for (const auto& [text, number] : field.choices) {
      choices += (choices.empty() ? "" : ", ") + text;
    }
    return "It is not one of the allowed choices: " + choices +
           " (spaces, full-width forms, a note in brackets, and punctuation and emoji at the "
           "end are ignored); write one of those";
  }

  if (field.type == FieldType::kPercent && (value == "进行中" || value == "正在进行")) {
    return "It names a state, not how far the work is; write a percentage such as 50%";
  }
  std::string folded = FoldText(value).text;
  if (std::optional<ClockSpan> clock = ReadClockSpan(folded);
      clock && field.type == FieldType::kDuration) {
    return "Its end time is not after its start time; write the clock times in order, such as "
           "10:00-11:30, or the duration, such as 1.5小时";
  }
  if (field.type == FieldType::kPercent && HasScaleWord(folded)) {
    return "A percentage takes no scale word such as 万, 千 or k, so it looks like an amount; "
           "write a percentage such as 80% or 八成, or move the amount to an amount field";
  }
  if (field.type == FieldType::kDuration && HasScaleWord(folded)) {
    return "It has a scale word such as 万, 千 or k, which makes it an amount, not a duration; "
           "write a duration such as 1小时 or a range such as 2-3小时";
  }
  if (std::string_view per = RatePeriod(folded); !per.empty()) {
    ValueForms forms = FormsOf(field.type);
    return "It is a rate per " + std::string(per) +
           ", not one value; write the value this log reports, such as " + forms.value +
           ", and put the rate in a text field";
  }
  if (field.type == FieldType::kAmount) {
    if (std::string_view currency = ForeignCurrency(folded); !currency.empty()) {
      return "It is in another currency (" + std::string(currency) +
             "), and amounts count in 元; write the amount in 元, such as 5万, and put the "
             "original in a text field";
    }
  }
  if (TypedRemark remark = FindTypedRemark(value);
      remark.has_number && QuantityKindOf(field.type) &&
      ParseQuantity(value.substr(0, remark.begin), *QuantityKindOf(field.type), field.unit)) {
    return "The remark after the value (" + std::string(value.substr(remark.begin)) +
           ") has a number of its own, so it is unclear which number is meant; write the value "
           "alone, such as " + std::string(TrimSpace(value.substr(0, remark.begin))) +
           ", and put the remark in a text field";
  }
  WideRange wide = FindWideRange(folded, field);
  if (wide == WideRange::kTooWide) {
    ValueForms forms = FormsOf(field.type);
    return "It reads as a range whose upper end is more than " + std::to_string(kMaxRangeRatio) +
           " times its lower end, which is taken for a typing mistake, not an estimate; write "
           "one value such as " +
           forms.value + " or a narrower range such as " + forms.range;
  }
  if (wide == WideRange::kFromZero) {
    // Only amounts, counts and percents get here, because a duration from 0 (0-1小时) reads.
    ValueForms forms = FormsOf(field.type);
    return "It reads as a range that starts at 0, and such a range is taken for a typing "
           "mistake, not an estimate; write one value such as " +
           forms.value + " or a range above 0 such as " + forms.range;
  }
  NumberShape shape = ReadNumberShape(folded);
  if (!shape.found) {
    return "";
  }

  if (shape.negative) {
    return "It is negative, and typed values must be 0 or more; write 0 or more, and describe "
           "a refund or correction in the text";
  }
  if (shape.exponent) {
    return "Scientific notation such as 1e300 is not read, so " + LargeValueAdvice(field.type);
  }
  if (shape.fraction_digits > 4) {
    return "It has " + std::to_string(shape.fraction_digits) +
           " decimal places, and values keep at most 4; round it to 4 decimal places";
  }

  // Quantities are read up to kLargestQuantity (10^12), so 14 integer digits are always too
  // many. The field's default unit (万元) scales the value too. The value did not parse, so
  // an integer part of exactly 10^12 with a fraction (1.5万亿) is too large as well.
  std::string_view digits = shape.integer_digits;
  digits.remove_prefix(std::min(digits.find_first_not_of('0'), digits.size()));
  int power = shape.scale_power > 0 ? shape.scale_power : ScalePower(field.unit);
  bool too_large = static_cast<int>(digits.size()) + power > 13;
  if (!too_large && !digits.empty()) {
    long double magnitude = std::stold(std::string(digits));  // at most 13 digits: exact
    for (int i = 0; i < power; ++i) {
      magnitude *= 10;
    }
    too_large = magnitude > 1000000000000.0L ||
                (magnitude == 1000000000000.0L && shape.fraction_digits > 0);
  }
  if (too_large) {
    return "It is too large: values (after conversion to 元, hours or percentage points) are "
           "at most 1,000,000,000,000 (一万亿); check it for extra digits or a wrong scale word";
  }

  if (!shape.grouped && shape.scale_power == 0 && HasIdentifierDigitRun(value)) {
    return "A plain run of more than 8 digits reads as an identifier such as a phone number, "
           "so " + LargeValueAdvice(field.type);
  }
  if (HasIdentifierNumber(value)) {
    return "Its digit groups have the shape of a phone or card number, which is never "
           "counted. Enter the field's value here, and put a phone or card number in a text field";
  }
  return "";
}

// Whether a percent value is a bare fraction such as 0.8, which the writer most likely meant
// as 80%: a number in (0, 1] with a fraction part and no unit.
bool LooksLikeFraction(std::string_view value, const Quantity& quantity) {
  return quantity.unit.empty() && quantity.low > Decimal() &&
         quantity.high <= Decimal::FromInt(1) && value.find('.') != std::string_view::npos;
}

// The duration fields read so far, for the time-saving metrics.
struct Duration {
  std::string_view key;
  Decimal hours;
  std::string_view text;  // the trimmed value, in the record
  Span span;              // of text, in the field's original text
};

// Buffers of one Normalize call. Kept per thread so that a log costs no allocations beyond
// those of the NormalizedLog it returns.
struct NormalizeScratch {
  // The typed field that fed each metric in this log, by metric index, or nullptr.
  std::vector<const FieldSpec*> typed_fields;
  std::vector<MetricValue> extracted;
  // The text field each value of extracted was found in, at the same index.
  std::vector<const LogField*> extracted_from;
  std::vector<Duration> durations;
  std::vector<ExtractionMatch> matches;
};

// The state of one Normalize call. Typed values and time savings go straight into the log.
// Extracted values wait in the scratch buffers until every typed field is read, because a
// typed field of the same metric drops them.
class LogNormalizer {
 public:
  // regular_text is whether CountCodePoints found the record's joined field values regular.
  LogNormalizer(const Config& config, const LogRecord& record, NormalizedLog* log,
                NormalizeScratch* scratch, bool regular_text)
      : config_(config), fields_(record), log_(log), scratch_(*scratch),
        regular_text_(regular_text) {
    scratch_.typed_fields.assign(config.metrics.size(), nullptr);
    scratch_.extracted.clear();
    scratch_.extracted_from.clear();
    scratch_.durations.clear();
  }

  void ReadField(const FieldSpec& field);
  void AddTimeSavings();
  void AddExtractions();

 private:
  // text, field_key, source and quote must live as long as the record or the config.
  void AddValue(int metric, Decimal value, std::string_view text, std::string_view field_key,
                std::string_view source, Span span, std::string_view quote);
  // lead is the code point where value, the trimmed text, starts in the field's text.
  void ReadText(const FieldSpec& field, const LogField& raw, std::string_view value,
                int32_t lead);
  // Counts the code points of part of a field value that starts at a code point.
  int32_t CodePointsOf(std::string_view part) const {
    return regular_text_ ? CountLeadBytes(part) : CountCodePointsByStep(part).code_points;
  }

  const Config& config_;
  FieldFinder fields_;
  NormalizedLog* log_;
  NormalizeScratch& scratch_;
  const bool regular_text_;
};

// Inlined, because its eight arguments cost more to pass than its stores.
inline void LogNormalizer::AddValue(int metric, Decimal value, std::string_view text,
                                    std::string_view field_key, std::string_view source, Span span,
                                    std::string_view quote) {
  MetricValue& item = log_->values.emplace_back();
  item.metric = metric;
  item.value = value;
  item.text = text;
  item.evidence.field_key = field_key;
  item.evidence.source = source;
  item.evidence.span = span;
  item.evidence.quote = quote;
}

void LogNormalizer::ReadField(const FieldSpec& field) {
  const LogField* raw = fields_.Find(field);
  std::string_view value;
  if (raw != nullptr) {
    value = MayHaveSpaceAtEnds(raw->value) ? TrimSpace(raw->value) : std::string_view(raw->value);
  }
  if (value.empty()) {
    if (field.required) {
      log_->missing_fields.push_back(field.key);
    }
    return;
  }

  // The span of the trimmed value within the field's original text. Most values have no
  // leading white space, so their lead is 0 without a count.
  auto lead_bytes = static_cast<size_t>(value.data() - raw->value.data());
  int32_t lead =
      lead_bytes == 0 ? 0 : CodePointsOf(std::string_view(raw->value).substr(0, lead_bytes));
  if (field.type == FieldType::kText) {
    ReadText(field, *raw, value, lead);
    return;
  }
  int metric = field.metric_index;

  if (field.type == FieldType::kDate) {
    Result<int64_t> day = ParseTypedDay(value);
    if (!day.ok() && IsExplicitNone(value)) {
      return;
    }
    if (!day.ok()) {
      log_->unreadable.push_back({field.key, std::string(value), field.type, DateHint(value)});
    } else if (field.work_date) {
      log_->work_day = *day;
    }
    return;
  }

  std::optional<Decimal> number;
  std::optional<ValueRange> approximate;
  // The code points of the whole trimmed value, and of the part that gave the number.
  Span whole;
  Span span;
  if (field.type != FieldType::kEnum && IsExplicitNone(value)) {
    return;
  }
  if (field.type == FieldType::kEnum) {
    number = FindChoice(field, value);
    if (!number) {
      number = FindLooseChoice(field, value);
    }
    // A choice named 无 matched above, so here 无 or - means no choice was made.
    if (!number && IsExplicitNone(value)) {
      return;
    }
    whole = {lead, lead + CodePointsOf(value)};
    span = whole;
  } else if (std::optional<PlainTypedValue> plain =
                 ReadPlainTypedValue(value, *QuantityKindOf(field.type), field.unit)) {
    // The common forms (35000, 8小时), read without ParseQuantity's folding. A plain value is
    // the whole trimmed text, so its code points need no second count.
    number = plain->value;
    whole = {lead, lead + plain->code_points};
    span = whole;
  } else {
    whole = {lead, lead + CodePointsOf(value)};
    span = whole;
    std::optional<Quantity> quantity =
        ParseQuantity(value, *QuantityKindOf(field.type), field.unit);
    if (quantity && field.type == FieldType::kPercent && LooksLikeFraction(value, *quantity)) {
      log_->unreadable.push_back({field.key, std::string(value), field.type,
                                  std::string(value) + " looks like a fraction; write " +
                                      quantity->low.Times(100)->ToString() + "%"});
      return;
    }
    if (quantity) {
      number = quantity->Value();
      span = {lead + quantity->span.begin, lead + quantity->span.end};
    }
    if (quantity && quantity->approximate) {
      approximate = ValueRange{quantity->low, quantity->high};
    }
    if (!quantity) {
      number = ReadExtraForm(value, field);
    }
  }
  if (!number) {
    std::string hint = UnreadableHint(value, field);
    log_->unreadable.push_back({field.key, std::string(value), field.type,
                                hint.empty() ? AcceptedFormsHint(field.type) : std::move(hint)});
    return;
  }
  if (field.type == FieldType::kDuration) {
    scratch_.durations.push_back({field.key, *number, value, whole});
  }
  if (metric >= 0) {
    scratch_.typed_fields[metric] = &field;
    // The quote is the text of the span, so a hedge such as 约 in 约5万 stays outside
    // both. On regular text a span of the whole trimmed value quotes exactly that value.
    std::string_view quote = regular_text_ && span == whole
                                 ? value
                                 : Utf8SliceView(raw->value, span.begin, span.end);
    AddValue(metric, *number, "", field.key, "field", span, quote);
    if (approximate) {
      log_->values.back().evidence.approximate = approximate;
    }
  }
}

void LogNormalizer::ReadText(const FieldSpec& field, const LogField& raw, std::string_view value,
                             int32_t lead) {
  if (field.customer) {
    log_->customer.assign(value);
  }
  if (log_->free_text.empty()) {
    // The joined text of all fields bounds the joined text fields, so one allocation fits.
    log_->free_text.reserve(log_->text.size());
  } else {
    log_->free_text += '\n';
  }
  log_->free_text += value;
  int metric = field.metric_index;
  if (metric >= 0) {
    // A text field feeding a metric counts once per log. Distinct counts key on its text
    // without end punctuation and notes, while the evidence quotes the whole value.
    scratch_.typed_fields[metric] = &field;
    Span whole{lead, lead + CodePointsOf(value)};
    AddValue(metric, Decimal::FromInt(1), DistinctKeyOf(value), field.key, "field", whole, value);
  }
  if (field.extractor < 0) {
    return;
  }
  // Matches carry their rule as an index, so a counted one copies no strings. Only the
  // ignored ones become Extractions, which own their names and unit.
  const Extractor& extractor = config_.extractors[field.extractor];
  const std::vector<ExtractorRuleTarget>& targets = config_.extractor_targets[field.extractor];
  extractor.MatchInto(raw.value, &scratch_.matches);
  Utf8Slicer quotes(raw.value);  // for invalid UTF-8; matches come sorted by span start
  for (const ExtractionMatch& extraction : scratch_.matches) {
    if (extraction.aspect != Aspect::kDone || extraction.identifier || extraction.unreadable) {
      IgnoredExtraction& ignored = log_->ignored.emplace_back();
      ignored.field_key = field.key;
      ignored.field = &raw;
      extractor.ToExtraction(extraction, &ignored.extraction);
      continue;
    }
    const ExtractorRuleTarget& target = targets[static_cast<size_t>(extraction.rule)];
    MetricValue& item = scratch_.extracted.emplace_back();
    scratch_.extracted_from.push_back(&raw);
    item.metric = target.metric;
    item.value = extraction.Value();
    item.evidence.field_key = field.key;
    item.evidence.source = config_.rules[target.rule].rule.name;
    item.evidence.span = extraction.span;
    if (extraction.span_begin_byte >= 0) {
      item.evidence.quote = std::string_view(raw.value).substr(
          extraction.span_begin_byte, extraction.span_end_byte - extraction.span_begin_byte);
    } else {
      item.evidence.quote = quotes.Slice(extraction.span.begin, extraction.span.end);
    }
    if (extraction.approximate) {
      item.evidence.approximate = ValueRange{extraction.low, extraction.high};
    }
  }
}

void LogNormalizer::AddTimeSavings() {
  auto duration = [this](std::string_view key) -> const Duration* {
    for (const Duration& read : scratch_.durations) {
      if (KeysEqual(read.key, key)) {
        return &read;
      }
    }
    return nullptr;
  };
  for (size_t i = 0; i < config_.metrics.size(); ++i) {
    const MetricSpec& metric = config_.metrics[i];
    if (metric.planned_field.empty()) {
      continue;
    }
    const Duration* planned = duration(metric.planned_field);
    const Duration* actual = duration(metric.actual_field);
    if (planned == nullptr || actual == nullptr) {
      continue;
    }
    if (planned->hours <= Decimal()) {
      // No saving is defined against a plan of nothing, and without a flag the metric would
      // just have one value fewer.
      log_->unreadable.push_back({std::string(planned->key), std::string(planned->text),
                                  FieldType::kDuration,
                                  "A planned time of 0 leaves no time saving to compute, so " +
                                      metric.name + " got no value from this log; write the "
                                      "time the task was planned to take"});
      continue;
    }
    if (actual->hours <= Decimal()) {
      // An actual time of 0 against a plan is almost always a field left at 0, and it would
      // give full marks.
      log_->unreadable.push_back({std::string(actual->key), std::string(actual->text),
                                  FieldType::kDuration,
                                  "An actual time of 0 usually means the field was not filled "
                                  "in, so " + metric.name + " got no value from this log; write "
                                  "the time the task took"});
      continue;
    }
    // Both durations are in hours, so 2天 (16 hours) planned and 1.8天 done save 10%. The
    // product with 100 is exact, so Times gives operator*'s result without its rounding
    // division, and operator* is left only to saturate an overflow.
    Decimal ratio = (planned->hours - actual->hours) / planned->hours;
    std::optional<Decimal> percent = ratio.Times(100);
    Decimal saving = percent ? *percent : ratio * Decimal::FromInt(100);
    AddValue(static_cast<int>(i), saving, "", actual->key, "time_saving", actual->span,
             actual->text);
    EvidenceRef& evidence = log_->values.back().evidence;
    evidence.paired_key = planned->key;
    evidence.paired_quote = planned->text;
  }
}

void LogNormalizer::AddExtractions() {
  for (size_t i = 0; i < scratch_.extracted.size(); ++i) {
    const MetricValue& item = scratch_.extracted[i];
    if (item.metric < 0) {
      continue;
    }
    const FieldSpec* typed = scratch_.typed_fields[static_cast<size_t>(item.metric)];
    if (typed == nullptr) {
      log_->values.push_back(item);
      continue;
    }
    // Listed as not counted, so that explain shows where the metric's value came from.
    IgnoredExtraction& replaced = log_->ignored.emplace_back();
    replaced.field_key = item.evidence.field_key;
    replaced.replaced_by = typed->key;
    replaced.field = scratch_.extracted_from[i];
    Extraction& extraction = replaced.extraction;
    extraction.metric = config_.metrics[static_cast<size_t>(item.metric)].name;
    extraction.rule = item.evidence.source;
    extraction.span = item.evidence.span;
    // The quote is a view into the field's text, so its offsets spare the report a walk. An
    // empty quote (a span past the end of invalid text) keeps the offsets at -1.
    std::string_view field_text = scratch_.extracted_from[i]->value;
    std::string_view quote = item.evidence.quote;
    if (!quote.empty() && quote.data() >= field_text.data() &&
        quote.data() + quote.size() <= field_text.data() + field_text.size()) {
      extraction.span_begin_byte = static_cast<int32_t>(quote.data() - field_text.data());
      extraction.span_end_byte = extraction.span_begin_byte + static_cast<int32_t>(quote.size());
    }
    if (item.evidence.approximate) {
      extraction.quantity.low = item.evidence.approximate->low;
      extraction.quantity.high = item.evidence.approximate->high;
      extraction.quantity.approximate = true;
    } else {
      extraction.quantity.low = item.value;
      extraction.quantity.high = item.value;
    }
  }
}

}  // namespace

namespace {

// The window after a period in which a log written on a given day still reports on the
// earlier period's last day.
struct GraceWindow {
  bool open = false;  // false when the deadline falls before the day's period ends
  EpochMs until;      // the last instant of the window
  int64_t earlier_day = 0;
};

GraceWindow GraceWindowOf(const Deadline& deadline, int64_t day) {
  Period current = PeriodOfDay(deadline.period, day);
  Period previous = PeriodOfDay(deadline.period, current.first_day - 1);
  EpochMs due = deadline.For(previous.end_day - 1);
  GraceWindow window;
  if (due < current.start()) {
    return window;  // Due before its period ends, so a log is always about the day it was written.
  }
  // A weekly or longer report written in the next period is about the earlier one until a day
  // after its deadline. A daily log due the next day has no such grace.
  window.open = true;
  window.until = deadline.period == PeriodKind::kDay ? due : due + std::chrono::hours(24);
  window.earlier_day = previous.end_day - 1;
  return window;
}

}  // namespace

int64_t ReportedDay(const TemplateSpec& spec, EpochMs create_time) {
  int64_t day = ShanghaiDay(create_time);
  if (!spec.deadline) {
    return day;
  }
  // Logs arrive in create-time order, so the window of the last day and deadline is kept per
  // thread. It is keyed by the deadline's values, not its address, which a later config may
  // reuse.
  struct CachedWindow {
    bool valid = false;
    Deadline deadline;
    int64_t day = 0;
    GraceWindow window;
  };
  thread_local CachedWindow cached;
  const Deadline& deadline = *spec.deadline;
  if (!cached.valid || cached.day != day || !(cached.deadline == deadline)) {
    cached.window = GraceWindowOf(deadline, day);
    cached.deadline = deadline;
    cached.day = day;
    cached.valid = true;
  }
  const GraceWindow& window = cached.window;
  return window.open && create_time <= window.until ? window.earlier_day : day;
}

std::string Utf8Slice(std::string_view text, int32_t begin, int32_t end) {
  return std::string(Utf8SliceView(text, begin, end));
}

std::string_view Utf8SliceView(std::string_view text, int32_t begin, int32_t end) {
  return Utf8Slicer(text).Slice(begin, end);
}

std::string_view Utf8Slicer::Slice(int32_t begin, int32_t end) {
  if (begin < 0 || end <= begin) {
    return {};
  }
  if (begin < index_) {
    index_ = 0;
    byte_ = 0;
  }
  size_t size = text_.size();
  for (; index_ < begin && byte_ < size; ++index_) {
    byte_ = std::min(byte_ + Utf8SequenceLength(text_[byte_]), size);
  }
  if (index_ < begin || byte_ >= size) {
    return {};  // the slice starts at or past the end of the text
  }
  size_t byte = byte_;
  for (int32_t index = index_; index < end && byte < size; ++index) {
    byte = std::min(byte + Utf8SequenceLength(text_[byte]), size);
  }
  return text_.substr(byte_, byte - byte_);
}

std::string EvidenceRef::Quote() const {
  if (paired_key.empty()) {
    return std::string(quote);
  }
  // Appended into one buffer sized up front, so a paired quote costs one allocation.
  constexpr std::string_view kArrow = " → ";
  std::string joined;
  joined.reserve(paired_key.size() + 1 + paired_quote.size() + kArrow.size() + field_key.size() +
                 1 + quote.size());
  joined.append(paired_key).append(" ").append(paired_quote).append(kArrow);
  joined.append(field_key).append(" ").append(quote);
  return joined;
}

Evidence MetricValue::ToEvidence(std::string_view report_id) const {
  Evidence owned;
  owned.report_id = report_id;
  owned.field_key = evidence.field_key;
  owned.source = evidence.source;
  owned.span = evidence.span;
  owned.quote = evidence.Quote();
  owned.value = value;
  owned.counted = value;
  owned.approximate = evidence.approximate;
  return owned;
}

std::string_view TrimSpace(std::string_view text) {
  static constexpr std::string_view kIdeographicSpace = "\u3000";
  if (!MayHaveSpaceAtEnds(text)) {
    return text;
  }
  while (true) {
    if (!text.empty() && (text.front() == ' ' || text.front() == '\t' || text.front() == '\n' ||
                          text.front() == '\r')) {
      text.remove_prefix(1);
    } else if (text.substr(0, kIdeographicSpace.size()) == kIdeographicSpace) {
      text.remove_prefix(kIdeographicSpace.size());
    } else {
      break;
    }
  }
  while (true) {
    if (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\n' ||
                          text.back() == '\r')) {
      text.remove_suffix(1);
    } else if (text.size() >= kIdeographicSpace.size() &&
               text.substr(text.size() - kIdeographicSpace.size()) == kIdeographicSpace) {
      text.remove_suffix(kIdeographicSpace.size());
    } else {
      break;
    }
  }
  return text;
}

NormalizedLog Normalize(const Config& config, const LogRecord& record) {
  NormalizedLog log;
  Normalize(config, record, &log);
  return log;
}

void Normalize(const Config& config, const LogRecord& record, NormalizedLog* out) {
  NormalizedLog& log = *out;
  log.record = &record;
  log.spec = config.FindTemplate(record.template_name);
  log.role = nullptr;
  log.work_day = log.spec != nullptr ? ReportedDay(*log.spec, record.create_time)
                                     : ShanghaiDay(record.create_time);
  log.values.clear();
  log.ignored.clear();
  log.missing_fields.clear();
  log.unreadable.clear();
  log.free_text.clear();
  log.text_chars = 0;
  log.customer.clear();

  size_t text_size = 0;
  for (const LogField& field : record.contents) {
    text_size += field.value.size() + 1;
  }
  // The values are copied into the sized string directly, because most are a few bytes and
  // an append per value costs a call to memcpy. As with appends, an empty text so far takes
  // no newline before the next value.
  log.text.resize(text_size);
  char* joined = log.text.data();
  size_t length = 0;
  for (const LogField& field : record.contents) {
    if (length > 0) {
      joined[length++] = '\n';
    }
    CopyShortBytes(field.value.data(), field.value.size(), joined + length);
    length += field.value.size();
  }
  log.text.resize(length);
  // The newlines that join the fields are white space, so on regular text one count of the
  // joined text equals the sum of the fields' counts. Otherwise an invalid sequence at the end
  // of one field could swallow the start of the next, so each field is counted alone.
  CodePointCounts counts = scoring::CountCodePoints(log.text);
  if (counts.regular) {
    log.text_chars = counts.content;
  } else {
    for (const LogField& field : record.contents) {
      log.text_chars += CountCodePointsByStep(field.value).content;
    }
  }
  if (log.spec == nullptr) {
    return;
  }

  log.role = config.RoleForLog(record.creator_id, *log.spec);
  // A new log gets one allocation that fits a value per field and per metric, so that filling
  // it rarely grows it again.
  if (log.values.capacity() == 0) {
    log.values.reserve(log.spec->fields.size() + config.metrics.size());
  }
  thread_local NormalizeScratch scratch;
  LogNormalizer normalizer(config, record, &log, &scratch, counts.regular);
  for (const FieldSpec& field : log.spec->fields) {
    normalizer.ReadField(field);
  }
  normalizer.AddTimeSavings();
  normalizer.AddExtractions();
}

}  // namespace logbridge::scoring
