// Extraction of quantities from free text. Extract folds the text once and scans it for
// numbers without regex. Only the clauses that hold numbers are then searched for triggers,
// in one pass for word-list patterns and with RE2 for the rest. Each number binds to at most
// one rule: the one whose kind and measure word fit best, then the nearest trigger.
#include "scoring/extract.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <span>
#include <tuple>
#include <utility>

#include <re2/re2.h>
#include <re2/set.h>

#include "scoring/numerals.h"
#include "scoring/sections.h"
#include "scoring/short_bytes.h"
#include "scoring/text.h"
#include "scoring/utf8_count.h"

namespace logbridge::scoring {
namespace {

const UnitTable& DefaultUnits() {
  static const UnitTable kUnits;
  return kUnits;
}

bool IsAsciiSpace(char32_t cp) { return cp == U' ' || cp == U'\t' || cp == U'\n' || cp == U'\r'; }

// Whether folded[i] ends a clause: ，。；;!? and line breaks. A comma or full stop between
// two digits belongs to a number. Always inlined, because MatchInto calls it for every marked
// position and GCC 12 stops inlining it there once MatchInto grows.
__attribute__((always_inline)) inline bool IsClauseBreak(std::u32string_view folded, size_t i) {
  char32_t cp = folded[i];
  if (cp > U'?') {
    return cp == U'。';  // the other breaks are ASCII punctuation and controls
  }
  switch (cp) {
    case U'\n':
    case U'\r':
    case U';':
    case U'!':
    case U'?':
    case U'。':
      return true;
    case U',':
    case U'.': {
      auto is_digit = [&](size_t j) {
        return j < folded.size() && folded[j] >= U'0' && folded[j] <= U'9';
      };
      return !(i > 0 && is_digit(i - 1) && is_digit(i + 1));
    }
    default:
      return false;
  }
}

// Whether text continues at pos with word, given that text[pos] is the first code point of
// word. The words compared here are a few code points long, which a plain loop compares in
// fewer instructions than char_traits<char32_t>::compare.
inline bool ContinuesWith(std::u32string_view text, size_t pos, std::u32string_view word) {
  if (word.size() > text.size() - pos) {
    return false;
  }
  for (size_t k = 1; k < word.size(); ++k) {
    if (text[pos + k] != word[k]) {
      return false;
    }
  }
  return true;
}

// A cue word inside a clause, and words that contain it but are not cues (未来, 无锡).
struct Cue {
  std::u32string_view word;
  Aspect aspect;
};

// Single characters such as 待 and 拟 are cues only outside these words: 接待了3位客户 is done
// work, and so are 完成目标5万 and 挽回损失.
constexpr std::u32string_view kNotCues[] = {
    U"无锡", U"无论", U"无误", U"无数", U"无限", U"无线", U"无偿", U"没事", U"并无不",
    U"接待", U"招待", U"款待", U"对待", U"看待", U"优待", U"善待", U"待遇", U"模拟", U"虚拟",
    U"草拟", U"拟定", U"比拟", U"完成目标", U"达成目标", U"实现目标", U"超额完成目标",
    U"主要", U"重要", U"只要", U"必要", U"挽回损失", U"减少损失", U"避免损失"};

// Negation covers work that was refused, cancelled, withdrawn or lost (签约失败, 丢单, 退单,
// 反悔, 损失订单). Deferred work (推迟, 延期) and intentions (希望, 有望, 力争, 目标, 意向)
// count as planned: neither is done work.
constexpr Cue kCues[] = {
    {U"尚未", Aspect::kNegated},   {U"并未", Aspect::kNegated},   {U"还没", Aspect::kNegated},
    {U"没有", Aspect::kNegated},   {U"没", Aspect::kNegated},     {U"不曾", Aspect::kNegated},
    {U"未来", Aspect::kPlanned},   {U"未", Aspect::kNegated},     {U"无", Aspect::kNegated},
    {U"拒绝", Aspect::kNegated},   {U"被拒", Aspect::kNegated},   {U"取消", Aspect::kNegated},
    {U"放弃", Aspect::kNegated},   {U"终止", Aspect::kNegated},   {U"撤销", Aspect::kNegated},
    {U"撤回", Aspect::kNegated},   {U"退回", Aspect::kNegated},   {U"作废", Aspect::kNegated},
    {U"不签", Aspect::kNegated},   {U"不拜访", Aspect::kNegated}, {U"不成交", Aspect::kNegated},
    {U"不下单", Aspect::kNegated}, {U"不续约", Aspect::kNegated}, {U"不合作", Aspect::kNegated},
    {U"计划", Aspect::kPlanned},   {U"准备", Aspect::kPlanned},   {U"打算", Aspect::kPlanned},
    {U"将要", Aspect::kPlanned},   {U"即将", Aspect::kPlanned},   {U"将会", Aspect::kPlanned},
    {U"将于", Aspect::kPlanned},   {U"将在", Aspect::kPlanned},   {U"推迟", Aspect::kPlanned},
    {U"延期", Aspect::kPlanned},   {U"延后", Aspect::kPlanned},   {U"待", Aspect::kPlanned},
    {U"拟", Aspect::kPlanned},     {U"希望", Aspect::kPlanned},   {U"可能", Aspect::kPlanned},
    {U"有望", Aspect::kPlanned},   {U"应该", Aspect::kPlanned},   {U"期望", Aspect::kPlanned},
    {U"力争", Aspect::kPlanned},   {U"需要", Aspect::kPlanned},   {U"预约", Aspect::kPlanned},
    {U"约好", Aspect::kPlanned},   {U"目标", Aspect::kPlanned},   {U"意向", Aspect::kPlanned},
    {U"要去", Aspect::kPlanned},   {U"还要", Aspect::kPlanned},   {U"要签", Aspect::kPlanned},
    {U"要拜访", Aspect::kPlanned}, {U"将签", Aspect::kPlanned},   {U"将拜访", Aspect::kPlanned},   {U"预计", Aspect::kPlanned},
    {U"预期", Aspect::kPlanned},   {U"明天", Aspect::kPlanned},   {U"明日", Aspect::kPlanned},
    {U"后天", Aspect::kPlanned},   {U"下周", Aspect::kPlanned},   {U"下星期", Aspect::kPlanned},
    {U"下个月", Aspect::kPlanned}, {U"下月", Aspect::kPlanned},   {U"争取", Aspect::kPlanned},
    {U"下一步", Aspect::kPlanned}, {U"接下来", Aspect::kPlanned}, {U"后续跟进", Aspect::kPlanned},
    {U"失败", Aspect::kNegated},   {U"退单", Aspect::kNegated},   {U"丢单", Aspect::kNegated},
    {U"反悔", Aspect::kNegated},   {U"损失", Aspect::kNegated},
};

// The entries of kNotCues and kCues by first code point. For one code point the words of
// kNotCues come first, then those of kCues, each group in array order, so a search over one
// code point's entries finds what a search over the whole arrays would.
class CueTable {
 public:
  struct Entry {
    char32_t first = 0;
    bool not_cue = false;  // an entry of kNotCues, else of kCues
    uint16_t index = 0;    // into kNotCues or kCues
  };

  CueTable() {
    for (size_t i = 0; i < std::size(kNotCues); ++i) {
      entries_.push_back(Entry{kNotCues[i].front(), true, static_cast<uint16_t>(i)});
      starts_.Add(kNotCues[i].front());
    }
    for (size_t i = 0; i < std::size(kCues); ++i) {
      entries_.push_back(Entry{kCues[i].word.front(), false, static_cast<uint16_t>(i)});
      starts_.Add(kCues[i].word.front());
    }
    std::sort(entries_.begin(), entries_.end(), [](const Entry& a, const Entry& b) {
      return std::tuple(a.first, !a.not_cue, a.index) < std::tuple(b.first, !b.not_cue, b.index);
    });
    for (size_t begin = 0; begin < entries_.size();) {
      size_t end = begin;
      while (end < entries_.size() && entries_[end].first == entries_[begin].first) {
        ++end;
      }
      size_t slot = SlotOf(entries_[begin].first);
      while (groups_[slot].first != 0) {
        slot = (slot + 1) % groups_.size();
      }
      groups_[slot] =
          Group{entries_[begin].first, static_cast<uint16_t>(begin), static_cast<uint16_t>(end)};
      begin = end;
    }
  }

  // Whether a word of either list may start with cp.
  bool MayStart(char32_t cp) const { return starts_.MayContain(cp); }

  // Returns the entries whose word starts with cp, in search order.
  std::pair<const Entry*, const Entry*> StartingWith(char32_t cp) const {
    if (!starts_.MayContain(cp)) {
      return {nullptr, nullptr};
    }
    // The filter passes some code points outside the Basic Multilingual Plane that start no
    // word, and the probe for those ends at an empty slot.
    for (size_t slot = SlotOf(cp);; slot = (slot + 1) % groups_.size()) {
      const Group& group = groups_[slot];
      if (group.first == cp) {
        return {entries_.data() + group.begin, entries_.data() + group.end};
      }
      if (group.first == 0) {
        return {nullptr, nullptr};
      }
    }
  }

 private:
  // The run of entries [begin, end) whose words start with the code point first. An empty slot
  // has first 0, because no word starts with U+0000.
  struct Group {
    char32_t first = 0;
    uint16_t begin = 0;
    uint16_t end = 0;
  };
  // A hash table of the groups with linear probing. There are fewer groups than words, so the
  // assertion below keeps it at most half full and every probe ends at an empty slot.
  static constexpr int kSlotBits = 8;
  static_assert(2 * (std::size(kNotCues) + std::size(kCues)) <= size_t{1} << kSlotBits);

  static size_t SlotOf(char32_t cp) {
    return (static_cast<uint32_t>(cp) * 0x9E3779B1U) >> (32 - kSlotBits);
  }

  std::vector<Entry> entries_;
  std::array<Group, size_t{1} << kSlotBits> groups_{};
  CodePointFilter starts_;
};

const CueTable& Cues() {
  static const CueTable kTable;
  return kTable;
}

// The state of a left-to-right search for cue words in one clause. At each code point it
// visits, a word of kNotCues is skipped whole, and otherwise the first word of kCues that
// starts there is the cue.
struct CueScan {
  int32_t next = 0;      // the next code point to visit
  bool planned = false;  // a plan cue was found
  bool negated = false;  // a negation cue was found, which decides the aspect
};

// Visits rest, the clause from the code point scan->next on, and moves scan->next past the
// word found there or by one.
void VisitCue(const CueTable& cues, std::u32string_view rest, CueScan* scan) {
  auto [first, last] = cues.StartingWith(rest.front());
  size_t step = 1;
  for (const CueTable::Entry* entry = first; entry != last; ++entry) {
    if (entry->not_cue) {
      if (ContinuesWith(rest, 0, kNotCues[entry->index])) {
        step = kNotCues[entry->index].size();
        break;
      }
      continue;
    }
    const Cue& cue = kCues[entry->index];
    if (ContinuesWith(rest, 0, cue.word)) {
      scan->negated = scan->negated || cue.aspect == Aspect::kNegated;
      scan->planned = true;
      step = cue.word.size();
      break;
    }
  }
  scan->next += static_cast<int32_t>(step);
}

Aspect AspectOf(const CueScan& scan) {
  if (scan.negated) {
    return Aspect::kNegated;
  }
  return scan.planned ? Aspect::kPlanned : Aspect::kDone;
}

// Returns the aspect of the clause folded[begin, end): negated if it has a negation cue,
// else planned if it has a plan cue, else done.
// NOTE: a cue anywhere in the clause counts, so 完成计划的3家 reads as planned.
Aspect ClauseAspect(std::u32string_view folded, int32_t begin, int32_t end) {
  CueScan scan{begin};
  const CueTable& cues = Cues();
  while (scan.next < end && !scan.negated) {
    VisitCue(cues, folded.substr(scan.next, end - scan.next), &scan);
  }
  return AspectOf(scan);
}

// Code points that may end a clause, for ScanNumbers to mark. IsClauseBreak decides.
constexpr char32_t kClauseBreakCodePoints[] = {U'\n', U'\r', U';', U'!', U'?', U'。', U',', U'.'};

// Returns the clause [begin, end) around folded position i, given the positions of every
// clause break of the text in increasing order and the text's size.
std::pair<int32_t, int32_t> ClauseAround(const std::vector<int32_t>& breaks, int32_t size,
                                         int32_t i) {
  auto next = std::lower_bound(breaks.begin(), breaks.end(), i);
  int32_t begin = next == breaks.begin() ? 0 : *(next - 1) + 1;
  int32_t end = next == breaks.end() ? size : *next;
  return {begin, end};
}

// Returns ClauseAround(breaks, size, i), searching breaks from *cursor on and leaving *cursor at
// the first break at or after i. Calls in order of increasing i pass each break once.
std::pair<int32_t, int32_t> ClauseAroundFrom(const std::vector<int32_t>& breaks, int32_t size,
                                             int32_t i, size_t* cursor) {
  size_t next = *cursor;
  if (next > 0 && breaks[next - 1] >= i) {
    next = 0;  // i lies left of the last call's position
  }
  while (next < breaks.size() && breaks[next] < i) {
    ++next;
  }
  *cursor = next;
  int32_t begin = next == 0 ? 0 : breaks[next - 1] + 1;
  int32_t end = next == breaks.size() ? size : breaks[next];
  return {begin, end};
}

// Whether the clause [begin, end) and the clause before it are separated by a comma only, so
// that a trigger in the earlier clause may bind a number with a unit in the later one.
bool FollowsComma(std::u32string_view folded, int32_t begin) {
  return begin > 0 && folded[begin - 1] == U',';
}

// Labels that name the amount of the work a trigger in the clause or line before them names
// (签约日期2026-11-03，金额5万元). Other money labels such as 欠款金额 or 报价金额 are left out.
constexpr std::u32string_view kAmountLabels[] = {
    U"金额", U"合同金额", U"订单金额", U"总金额", U"合同额", U"合同总额", U"总额", U"签约额"};

// Whether a line starts at folded[begin] with one of kAmountLabels, after optional spaces, and
// a colon follows the label after optional spaces (金额：8万元).
bool StartsAmountLabelLine(std::u32string_view folded, int32_t begin) {
  if (begin == 0 || folded[begin - 1] != U'\n') {
    return false;
  }
  auto size = static_cast<int32_t>(folded.size());
  while (begin < size && folded[begin] == U' ') {
    ++begin;
  }
  // Every label starts with one of these, which rejects most lines at once.
  char32_t first = begin < size ? folded[begin] : U' ';
  if (first != U'金' && first != U'合' && first != U'订' && first != U'总' && first != U'签') {
    return false;
  }
  for (std::u32string_view label : kAmountLabels) {
    if (label.front() != first || !ContinuesWith(folded, begin, label)) {
      continue;
    }
    auto at = begin + static_cast<int32_t>(label.size());
    while (at < size && folded[at] == U' ') {
      ++at;
    }
    if (at < size && folded[at] == U':') {
      return true;
    }
  }
  return false;
}

// Appends the clause that ends at the comma before folded[clause_begin], or at the line break
// before an amount label line (金额：8万元), unless it is empty or already the last one in
// *clauses, so its triggers are searched too.
void AddClauseBeforeComma(std::u32string_view folded, const std::vector<int32_t>& breaks,
                          int32_t clause_begin,
                          std::vector<std::pair<int32_t, int32_t>>* clauses) {
  bool after_line_break = clause_begin > 0 && folded[clause_begin - 1] == U'\n';
  if (!FollowsComma(folded, clause_begin) &&
      !(after_line_break && StartsAmountLabelLine(folded, clause_begin))) {
    return;
  }
  // A clause that ends at the comma is the one ClauseAround would find, so the walk back over
  // it is skipped.
  if (!clauses->empty() && clauses->back().second == clause_begin - 1) {
    return;
  }
  std::pair<int32_t, int32_t> before =
      ClauseAround(breaks, static_cast<int32_t>(folded.size()), clause_begin - 1);
  if (before.first == before.second ||
      (!clauses->empty() && clauses->back().first == before.first)) {
    return;
  }
  clauses->push_back(before);
}

// Returns the stronger of two clause aspects: negated, then planned, then done.
Aspect CombineAspects(Aspect a, Aspect b) {
  if (a == Aspect::kNegated || b == Aspect::kNegated) {
    return Aspect::kNegated;
  }
  return a == Aspect::kPlanned || b == Aspect::kPlanned ? Aspect::kPlanned : Aspect::kDone;
}

// Whether a number is approximate, because it is a range or has a hedge word.
bool IsApproximate(const NumberMatch& number) {
  return (number.approximate && number.low < number.high) || number.hedged;
}

// Returns low for an exact quantity and the midpoint of low and high for an approximate one.
Decimal ValueOf(Decimal low, Decimal high, bool approximate) {
  if (!approximate) {
    return low;
  }
  return low + (high - low) / Decimal::FromInt(2);
}

// Sets every member of *quantity from number. Assigning in place lets a reused Quantity keep
// the capacity of its unit string.
void FillQuantity(const FoldBuffer& text, const NumberMatch& number, Quantity* quantity) {
  quantity->low = number.low;
  quantity->high = number.high;
  quantity->approximate = IsApproximate(number);
  quantity->unit = number.unit;
  quantity->span = OriginalSpan(text, number.begin, number.end);
}

Quantity ToQuantity(const FoldBuffer& text, const NumberMatch& number) {
  Quantity quantity;
  FillQuantity(text, number, &quantity);
  return quantity;
}

// Returns the factor that a default amount unit such as 万元, 千元, 元 or w applies, or
// nullopt when the unit is not an amount unit.
std::optional<int64_t> AmountFactor(std::u32string_view unit) {
  int64_t factor = 1;
  if (!unit.empty()) {
    switch (unit.front()) {
      case U'万': case U'w': case U'W': factor = 10000; unit.remove_prefix(1); break;
      case U'千': case U'k': case U'K': factor = 1000; unit.remove_prefix(1); break;
      case U'亿': factor = 100000000; unit.remove_prefix(1); break;
      default: break;
    }
  }
  if (unit.empty()) {
    return factor;
  }
  const UnitWord* word = DefaultUnits().Match(unit, 0);
  if (word == nullptr || word->text.size() != unit.size() ||
      word->unit_class != UnitClass::kCurrency) {
    return std::nullopt;
  }
  return factor;
}

// The effect of a field's default unit on a bare number of one kind.
struct DefaultUnit {
  bool empty = true;   // the unit folds to nothing, so the number stays as it is
  bool fits = true;    // the unit belongs to the kind
  std::string utf8;    // the unit after folding, which the number takes as its unit
  Decimal factor = Decimal::FromInt(1);
  Decimal divisor = Decimal::FromInt(1);
};

DefaultUnit ResolveDefaultUnit(QuantityKind kind, std::string_view default_unit) {
  DefaultUnit resolved;
  FoldBuffer folded;
  Fold(default_unit, &folded);
  std::u32string_view unit = View(folded.folded);
  if (unit.empty()) {
    return resolved;
  }
  resolved.empty = false;
  resolved.utf8.assign(folded.utf8);
  if (kind == QuantityKind::kAmount) {
    std::optional<int64_t> amount_factor = AmountFactor(unit);
    resolved.fits = amount_factor.has_value();
    resolved.factor = Decimal::FromInt(amount_factor.value_or(1));
  } else if (kind == QuantityKind::kDuration) {
    const UnitWord* word = DefaultUnits().Match(unit, 0);
    resolved.fits = word != nullptr && word->text.size() == unit.size() &&
                    word->unit_class == UnitClass::kDuration;
    if (resolved.fits) {
      resolved.factor = word->hours;
      resolved.divisor = Decimal::FromInt(word->hours_divisor);
    }
  }
  return resolved;
}

// Applies a field's default unit to a bare number. Returns false when the unit does not
// belong to the kind.
bool ApplyDefaultUnit(QuantityKind kind, std::string_view default_unit, NumberMatch* number) {
  // A typed field passes the same kind and default unit for every log, so the last
  // resolution is kept per thread.
  thread_local DefaultUnit resolved;
  thread_local std::string resolved_input;
  thread_local QuantityKind resolved_kind = QuantityKind::kCount;
  thread_local bool has_resolved = false;
  if (!has_resolved || kind != resolved_kind || default_unit != resolved_input) {
    resolved = ResolveDefaultUnit(kind, default_unit);
    resolved_input.assign(default_unit);
    resolved_kind = kind;
    has_resolved = true;
  }
  if (resolved.empty) {
    return true;
  }
  number->unit = resolved.utf8;
  if (!resolved.fits) {
    return false;
  }

  if (resolved.factor == Decimal::FromInt(1) && resolved.divisor == Decimal::FromInt(1)) {
    return true;  // a unit such as 元 or 小时 leaves the value as it is
  }
  auto scale = [&](Decimal value) -> std::optional<Decimal> {
    std::optional<Decimal> product = value.CheckedMultiply(resolved.factor);
    return product ? product->CheckedDivide(resolved.divisor) : std::nullopt;
  };
  std::optional<Decimal> low = scale(number->low);
  std::optional<Decimal> high = scale(number->high);
  if (!low || !high || low->Abs() > kLargestQuantity || high->Abs() > kLargestQuantity) {
    return false;
  }
  number->low = *low;
  number->high = *high;
  return true;
}

// Returns the unit class that belongs to kind.
constexpr UnitClass UnitClassOf(QuantityKind kind) {
  switch (kind) {
    case QuantityKind::kCount:
      return UnitClass::kMeasureWord;
    case QuantityKind::kAmount:
      return UnitClass::kCurrency;
    case QuantityKind::kPercent:
      return UnitClass::kPercent;
    case QuantityKind::kDuration:
      return UnitClass::kDuration;
  }
  return UnitClass::kNone;
}

// Whether a number with unit_class may be a quantity of kind. It may when it has no unit or a
// unit of that kind.
inline bool FitsKind(QuantityKind kind, UnitClass unit_class) {
  return unit_class == UnitClass::kNone || unit_class == UnitClassOf(kind);
}

// The rank of a number for a trigger, compared in order: unit fit, the smaller gap (negated),
// the trigger coming first (1) or after the number (0), and the earlier number (negated index).
using Claim = std::tuple<int, int, int, int>;

// A trigger occurrence in folded code points.
struct Trigger {
  int32_t begin = 0;
  int32_t end = 0;
  int rule = 0;
  // Index into the clauses searched, which are the clauses with numbers, or -1 for the trigger
  // of a list heading, which BindListItems binds.
  int clause = 0;
};

// The number of an item in a numbered list (the 2 of 2、 or 2.), which counts nothing.
struct ListItem {
  int32_t begin = 0;    // the item number's first code point, or the ( before it
  int32_t content = 0;  // the first code point of the item's own text
  int value = 0;
  // Index of the number that ScanNumbers read there, or -1 when no number marks the item (a
  // bullet, or the 2、 of 2、30号, which ScanNumbers took into a date).
  int number = 0;
  // Whether ScanNumbers read the item number as the lower end of a 、 range (1、3家).
  bool split = false;
  bool keycap = false;       // written as a keycap digit (1️⃣)
  bool after_space = false;  // a space or tab comes right before it
  // A colon comes before it, with only spaces or tabs between, and no bracket or keycap sets
  // it apart.
  bool after_colon = false;
  // The form of its marker: the sign after the number (、 . ) - :), the opening bracket, or
  // kKeycapStyle or kEnclosedStyle. A sub-list inside an item is written in another form.
  char32_t style = 0;
  // Whether the item belongs to a sub-list of the item before it, as (1) and (2) on the lines
  // under 1、华为2万元 do.
  bool nested = false;
};

constexpr char32_t kKeycapStyle = 0x20E3;
constexpr char32_t kEnclosedStyle = 0x2460;  // ① or ⑴
constexpr char32_t kChineseNumeralStyle = U'一';  // 一、 二、, which count as bullets

// A numbered list: its items in order.
struct NumberedList {
  size_t first_item = 0;  // index into ExtractScratch::items
  size_t item_count = 0;
};

// The heading of a numbered list: the clause that ends with the colon right before the first
// item, with only spaces and line breaks between (回款情况： over 1、华为2万元).
struct ListHeading {
  size_t list = 0;     // index into ExtractScratch::lists
  // The first code point of the heading's clause, or a later one after the list before it.
  int32_t begin = 0;
  // The heading's colon, or for a title line without one (今日签约) the end of that line.
  int32_t colon = 0;
  Aspect aspect = Aspect::kDone;  // from the cues of the heading's clause (明日计划：)
  // The heading's triggers, which end within max_gap before the colon, in
  // ExtractScratch::heading_triggers.
  size_t first_trigger = 0;
  size_t trigger_count = 0;
};

// A heading trigger that took the number of a list item: its rule, its word as folded code
// points [word_begin, word_end), and the colon of its heading.
struct CountedHeading {
  int rule = 0;
  int32_t word_begin = 0;
  int32_t word_end = 0;
  int32_t colon = 0;
};

// The number of a list item that an amount rule of its heading takes (ChooseItemValue).
enum class ItemChoice { kThis, kLater, kNone };

// A list heading's change to the match of one number inside an item.
struct ListedNumber {
  int number = 0;  // index into ExtractScratch::numbers
  // The start of the evidence span, the item number, when the number binds to the heading's
  // trigger. Then the span quotes no earlier item. -1 keeps the usual span.
  int32_t span_begin = -1;
  // Whether aspect replaces the number's usual aspect rather than adding to it.
  bool replaces_aspect = false;
  Aspect aspect = Aspect::kDone;
};

// A word of a running total (累计) or of a value from before the report (原订单) at folded
// code points [begin, end), with the aspect it gives a number after it in its clause.
struct TotalWordHit {
  int32_t begin = 0;
  int32_t end = 0;
  Aspect aspect = Aspect::kDone;
};

// Scratch state of one Extract call. Kept per thread so that its vectors keep their
// capacity between calls.
struct ExtractScratch {
  FoldBuffer buffer;
  std::vector<NumberMatch> numbers;
  // Positions that ScanNumbers marked: possible clause breaks, colons and starts of trigger,
  // cue and running total words, in increasing order.
  std::vector<int32_t> marked;
  std::vector<int32_t> breaks;                       // the clause breaks among them
  // Whether the text has a line break or a colon, read from marked. Inline lists need a colon,
  // bullet lines after the first need a line break, and a section needs one of them unless its
  // line starts the text, so a text of one sentence skips most of those searches.
  bool has_line_break = false;
  bool has_colon = false;
  // Whether the text has a clause break that is sentence punctuation: , ; ! ? or 。.
  bool has_sentence_break = false;
  // Whether the text has 价 or 每, without which no number is a unit price (单价2万, 每台2万).
  bool has_price_word = false;
  // Whether the text has a word of kTeamWords, without which no clause reports a team's total.
  bool has_team_word = false;
  // Whether the text has a 的, without which no trigger names earlier work.
  bool has_de_particle = false;
  // Whether a count of deals (3单, 2笔) may be in the text: 单 or 笔 after a numeral.
  bool has_deal_count = false;
  // The positions of the first code points of kCallOffLaterWords, of kFollowUpWords and of
  // kAssistWords, each in increasing order.
  std::vector<int32_t> call_off_starts;
  std::vector<int32_t> follow_up_starts;
  std::vector<int32_t> assist_starts;
  // The folded positions of item numbers written in enclosed digits (①) that start a line.
  std::vector<int32_t> enclosed_items;
  // The words of kRunningTotalWords and kEarlierWords in the text, in increasing position.
  std::vector<TotalWordHit> total_words;
  // Positions of each + that joins an amount with a scale or unit to a new word
  // (回款2万+欠款3万元), in increasing order. A trigger before such a + takes no number after it.
  std::vector<int32_t> plus_joins;
  std::vector<int> number_clause;                    // clause index of each number
  std::vector<std::pair<int32_t, int32_t>> clauses;  // clauses that hold numbers, in order
  std::vector<std::optional<Aspect>> clause_aspect;  // computed on first use
  std::vector<int> rules_hit;
  std::vector<Trigger> triggers;
  // Index into triggers of the first trigger of each clause, and the number of triggers last,
  // so that a number looks only at the triggers of its own clause and the one before it.
  std::vector<int> clause_triggers;
  std::vector<int> binding;              // trigger index of each number, -1 when unbound
  std::vector<int> trigger_owner;        // the counting number bound to each trigger, or -1
  std::vector<Claim> trigger_claim;      // how well the owner fits its trigger
  std::vector<ListItem> items;           // items of lists, whose numbers were removed
  std::vector<NumberedList> lists;       // empty when the text has no numbered or bullet list
  // The bullet lists (- 华为5万, 一、华为5万) before FindBulletLists merges them into items
  // and lists.
  std::vector<ListItem> bullet_items;
  std::vector<NumberedList> bullet_lists;
  std::vector<ListItem> merged_items;
  std::vector<NumberedList> merged_lists;
  std::vector<ListHeading> headings;
  std::vector<Trigger> heading_triggers;
  std::vector<Trigger> heading_found;    // the triggers of one heading before any is dropped
  std::vector<ListedNumber> listed;      // in increasing order of number
  // First code points of the total and stop words in the text, in increasing order. Filled
  // only when a heading's trigger counts items.
  std::vector<int32_t> total_positions;
  std::vector<int32_t> stop_positions;
  std::vector<int32_t> clause_stop_positions;
  // The heading triggers that took an item's number, one per rule and trigger word, with the
  // colon of the first such heading.
  std::vector<CountedHeading> counted_rules;
  std::vector<int> item_rules;  // the rules that took a number in the current item
  // The folded position of the number of each match, for ApplySectionAspects.
  std::vector<int32_t> match_positions;
};

// Whether number, the first number of its clause, is an item marker that numbers a list rather
// than counting anything. A bare number written in enclosed digits (①) is one. So is a bare
// number after the start of the text, a line break, a clause break or a colon when 、, ) or .
// follows it or brackets enclose it: 1、 1. 1) (1), and the full-width forms, which fold to
// these. 3、4家 is a range and so no marker.
bool IsListMarker(const FoldBuffer& text, const NumberMatch& number) {
  if (number.unit_class != UnitClass::kNone || number.scale_word || number.approximate ||
      number.hedged || number.identifier || number.unreadable) {
    return false;
  }
  std::u32string_view folded = View(text.folded);
  auto size = static_cast<int32_t>(folded.size());
  // A 、 that joined a range (3、4家) is inside the number, so one right after it joined
  // nothing: in 2、30万订单 the 2 numbers the item.
  char32_t after = number.end < size ? folded[number.end] : 0;
  bool closes = after == U')' || after == U'.' || after == U'、';
  if (!closes) {
    // Fold's table, the only path that sets one_to_one, has no enclosed digits.
    return !text.one_to_one &&
           IsEnclosedAlphanumeric(OriginalAt(text, OriginOf(text, number.begin)));
  }
  int32_t before = number.begin - 1;
  if (before >= 0 && folded[before] == U'(') {
    if (after != U')') {
      return false;
    }
    --before;
  }
  while (before >= 0 && (folded[before] == U' ' || folded[before] == U'\t')) {
    --before;
  }
  return before < 0 || folded[before] == U':' || IsClauseBreak(folded, before);
}

// Returns the end of a month written with 月 that starts at folded[begin], with a year before it
// or a day after it: 2026年11月, 11月3日 or 11月3号. Returns -1 for anything else, a lone 11月
// included. ReadDateAt reads the full 2026年11月3日.
int32_t ChineseMonthEnd(std::u32string_view folded, int32_t begin) {
  auto size = static_cast<int32_t>(folded.size());
  // Reads up to max_digits ASCII digits at *i into *value and returns how many it read.
  auto read_digits = [&](int32_t* i, int max_digits, int* value) {
    int count = 0;
    *value = 0;
    while (count < max_digits && *i < size && folded[*i] >= U'0' && folded[*i] <= U'9') {
      *value = *value * 10 + static_cast<int>(folded[*i] - U'0');
      ++*i;
      ++count;
    }
    return count;
  };

  int32_t i = begin;
  int value = 0;
  int digits = read_digits(&i, 4, &value);
  bool has_year = digits == 4 && i < size && folded[i] == U'年' && value >= 1990 && value <= 2099;
  if (has_year) {
    ++i;
    digits = read_digits(&i, 2, &value);
  } else if (digits > 2) {
    return -1;
  }
  if (digits == 0 || value < 1 || value > 12 || i >= size || folded[i] != U'月') {
    return -1;
  }
  ++i;
  int32_t month_end = i;
  digits = read_digits(&i, 2, &value);
  bool has_day = digits > 0 && value >= 1 && value <= 31 && i < size &&
                 (folded[i] == U'日' || folded[i] == U'号');
  if (has_day) {
    return i + 1;
  }
  return has_year ? month_end : -1;
}

// Returns the length of a date that directly follows a trigger and directly precedes the
// number after it, with only spaces around the date, such as the 2026-11-03 of
// 签约2026-11-03 5000元, or 0. A month written with 月 counts as a date here (2026年11月, 11月3号).
// ScanNumbers skips a date, which only dates the work, so it does not move the amount away
// from the trigger. A word between the date and the number (回款2026-11-03 欠款5000元) leaves
// the date counted, because that word may name other money.
int32_t DateLengthBetween(std::u32string_view folded, int32_t begin, int32_t end) {
  auto skip_spaces = [folded](int32_t i) {
    while (i < static_cast<int32_t>(folded.size()) && folded[i] == U' ') {
      ++i;
    }
    return i;
  };
  int32_t start = skip_spaces(begin);
  if (start >= end || folded[start] < U'0' || folded[start] > U'9') {
    return 0;
  }
  std::optional<TextDate> date = ReadDateAt(folded, start);
  int32_t date_end = date ? date->end : ChineseMonthEnd(folded, start);
  if (date_end < 0 || skip_spaces(date_end) != end) {
    return 0;
  }
  return date_end - start;
}

// Returns the length of an identifier such as the phone number of 回款客户电话138 1234 5678 3000元
// that starts after trigger_end and that only spaces separate from the number at index number,
// or 0. Like a date, an identifier names no amount, so it does not move the number away from
// the trigger. The number needs a unit or a scale, because a bare number right after an
// identifier may still belong to it (an extension).
int32_t IdentifierLengthBefore(const ExtractScratch& scratch, size_t number, int32_t trigger_end) {
  const NumberMatch& quantity = scratch.numbers[number];
  if (number == 0 || (quantity.unit_class == UnitClass::kNone && !quantity.scaled)) {
    return 0;
  }
  const NumberMatch& previous = scratch.numbers[number - 1];
  if (!previous.identifier || previous.unreadable || previous.begin < trigger_end) {
    return 0;
  }
  std::u32string_view folded = View(scratch.buffer.folded);
  for (int32_t i = previous.end; i < quantity.begin; ++i) {
    if (folded[i] != U' ') {
      return 0;
    }
  }
  return previous.end - previous.begin;
}

// Whether folded[begin, end) ends with a date followed by nothing but spaces, as the clause
// 回款11月3号 or 回款2026-11-03 does after its trigger. Such a clause already names the day of
// the work, so an amount after the comma that follows may name other money.
__attribute__((noinline)) bool EndsWithDate(std::u32string_view folded, int32_t begin,
                                            int32_t end) {
  while (end > begin && folded[end - 1] == U' ') {
    --end;
  }
  // Every date form ends with a digit, 日, 号 or 月, which rejects most clauses at once.
  char32_t last = end > begin ? folded[end - 1] : U' ';
  if ((last < U'0' || last > U'9') && last != U'日' && last != U'号' && last != U'月') {
    return false;
  }
  for (int32_t i = begin; i < end; ++i) {
    bool starts_number = folded[i] >= U'0' && folded[i] <= U'9' &&
                         (i == begin || folded[i - 1] < U'0' || folded[i - 1] > U'9');
    if (!starts_number) {
      continue;
    }
    std::optional<TextDate> date = ReadDateAt(folded, i);
    if ((date ? date->end : ChineseMonthEnd(folded, i)) == end) {
      return true;
    }
  }
  return false;
}

// Whether folded[begin, end) is one of kAmountLabels, with optional spaces around it and an
// optional colon after it.
bool IsAmountLabel(std::u32string_view folded, int32_t begin, int32_t end) {
  while (begin < end && folded[begin] == U' ') {
    ++begin;
  }
  while (end > begin && folded[end - 1] == U' ') {
    --end;
  }
  if (end > begin && folded[end - 1] == U':') {
    --end;
  }
  if (end == begin || folded[end - 1] != U'额') {
    return false;  // every label ends with 额
  }
  std::u32string_view label = folded.substr(begin, end - begin);
  return std::find(std::begin(kAmountLabels), std::end(kAmountLabels), label) !=
         std::end(kAmountLabels);
}

// Words for people that a count of 位, 名 or 个 may name (两位同事). Such a count before a
// trigger names who did the work, not the work itself, so 两位同事拜访华为 counts no visits.
constexpr std::u32string_view kPeopleNouns[] = {U"同事", U"同学", U"人",  U"员工",
                                                U"领导", U"经理", U"销售"};

// Whether number is a count of people: its measure word is 位, 名 or 个 and a word of
// kPeopleNouns follows it directly.
__attribute__((noinline)) bool CountsPeople(std::u32string_view folded, const NumberMatch& number) {
  if (number.measure_word != U"位" && number.measure_word != U"名" &&
      number.measure_word != U"个") {
    return false;
  }
  auto size = static_cast<int32_t>(folded.size());
  return std::any_of(std::begin(kPeopleNouns), std::end(kPeopleNouns),
                     [&](std::u32string_view noun) {
                       return number.end < size && folded[number.end] == noun[0] &&
                              ContinuesWith(folded, number.end, noun);
                     });
}

// Joins each whole number of 万 without a unit word to a number below 10000 after one space
// that has no unit or 元 and ends its clause, as 3万5000元 is one amount: 签约3万 5000元 is
// 35000. A larger second number (3万 20000元) is a second amount, and so is one that anything
// but a clause break follows (3万 5000元手续费), because the words after it may name other
// money. Kept out of line, so that MatchInto pays only a test of each number's scaled flag.
__attribute__((noinline)) void JoinSpacedWan(std::u32string_view folded,
                                             std::vector<NumberMatch>* numbers) {
  auto size = static_cast<int32_t>(folded.size());
  const Decimal kWan = Decimal::FromInt(10000);
  // The numbers are compacted in one pass, each moved down to write, so that a line of many
  // joins costs one pass. Erasing each joined remainder shifted all later numbers.
  size_t write = 0;
  for (size_t i = 0; i < numbers->size(); ++i) {
    if (write != i) {
      (*numbers)[write] = std::move((*numbers)[i]);
    }
    NumberMatch& wan = (*numbers)[write++];
    if (i + 1 >= numbers->size() || !wan.scaled || wan.unit_class != UnitClass::kNone ||
        folded[wan.end - 1] != U'万') {
      continue;
    }
    const NumberMatch& rest = (*numbers)[i + 1];
    bool spaced = rest.begin == wan.end + 1 && folded[wan.end] == U' ';
    bool amount_unit = rest.unit_class == UnitClass::kNone ||
                       (rest.unit_class == UnitClass::kCurrency && rest.unit == "元");
    // A . may close an item number instead (华为5万 2. 小米3万).
    bool ends_clause =
        rest.end == size || (IsClauseBreak(folded, rest.end) && folded[rest.end] != U'.');
    if (!spaced || !amount_unit || !ends_clause || rest.scale_word || rest.chinese ||
        rest.approximate || rest.hedged || rest.identifier || rest.unreadable || wan.approximate ||
        wan.hedged || wan.low != wan.high || rest.high >= kWan ||
        wan.low.units() % kWan.units() != 0) {
      continue;
    }
    wan.low = wan.low + rest.low;
    wan.high = wan.low;
    wan.end = rest.end;
    wan.unit_class = rest.unit_class;
    wan.unit = rest.unit;
    wan.scaled = false;
    ++i;  // the remainder is part of wan now
  }
  numbers->erase(numbers->begin() + static_cast<std::ptrdiff_t>(write), numbers->end());
}

// Whether number is a bare number written in enclosed digits (① or ⑴). Such a number only
// numbers an item, wherever it is, even right after a trigger (签约：①华为5万).
bool IsEnclosedItemNumber(const FoldBuffer& text, const NumberMatch& number) {
  return !text.one_to_one && number.unit_class == UnitClass::kNone && !number.scale_word &&
         IsEnclosedAlphanumeric(OriginalAt(text, OriginOf(text, number.begin)));
}

// Whether the number at index number of scratch.numbers marks a list item: it is the first
// number of its clause, and IsListMarker accepts it.
bool IsClauseListMarker(const ExtractScratch& scratch, size_t number) {
  bool first_in_clause =
      number == 0 || scratch.number_clause[number - 1] != scratch.number_clause[number];
  return first_in_clause && IsListMarker(scratch.buffer, scratch.numbers[number]);
}

// Returns the value of an item number written as one to three ASCII digits at
// folded[begin, end), or 0 when it is written otherwise or is 0. A list counts up from 1, so a
// number above 99 is an item only after 99 items.
int ItemValue(std::u32string_view folded, int32_t begin, int32_t end) {
  if (end - begin < 1 || end - begin > 3) {
    return 0;
  }
  int value = 0;
  for (int32_t i = begin; i < end; ++i) {
    if (folded[i] < U'0' || folded[i] > U'9') {
      return 0;
    }
    value = value * 10 + static_cast<int>(folded[i] - U'0');
  }
  return value;
}

// Whether an item number may start at folded[begin]: at the start of the text, or after a
// clause break, a colon, a space or a tab.
bool MayStartItem(std::u32string_view folded, int32_t begin) {
  if (begin == 0) {
    return true;
  }
  char32_t before = folded[begin - 1];
  return before == U' ' || before == U'\t' || before == U':' || IsClauseBreak(folded, begin - 1);
}

// Returns the number of one or two ASCII digits that 月 follows at folded[begin] (11 for
// 11月), or 0 when there is none.
int MonthNumberAt(std::u32string_view folded, int32_t begin) {
  auto size = static_cast<int32_t>(folded.size());
  int value = 0;
  int32_t i = begin;
  while (i < size && i - begin < 2 && folded[i] >= U'0' && folded[i] <= U'9') {
    value = value * 10 + static_cast<int>(folded[i] - U'0');
    ++i;
  }
  return i > begin && i < size && folded[i] == U'月' ? value : 0;
}

// Whether a month written with 月 starts at folded[begin]: 11月, 11月30日 or 2026年11月.
bool StartsMonth(std::u32string_view folded, int32_t begin) {
  return MonthNumberAt(folded, begin) > 0 || ChineseMonthEnd(folded, begin) >= 0;
}

// Whether a day of the month or a time of day starts at folded[begin]: one or two ASCII digits
// and then 号 or 日 (30号), 点 (9点) or a colon and two digits (10:30).
bool StartsDayOrTime(std::u32string_view folded, int32_t begin) {
  auto size = static_cast<int32_t>(folded.size());
  auto is_digit = [&](int32_t at) {
    return at < size && folded[at] >= U'0' && folded[at] <= U'9';
  };
  int32_t end = begin;
  int number = 0;
  while (is_digit(end) && end - begin < 2) {
    number = number * 10 + static_cast<int>(folded[end] - U'0');
    ++end;
  }
  if (end == begin || end >= size || is_digit(end)) {
    return false;
  }
  if (folded[end] == U':') {
    return number <= 24 && is_digit(end + 1) && is_digit(end + 2) && !is_digit(end + 3);
  }
  bool day = (folded[end] == U'号' || folded[end] == U'日') && number >= 1 && number <= 31;
  bool hour = folded[end] == U'点' && number <= 24;
  return day || hour;
}

// Whether a month and a day joined by . - or / start at folded[begin] (11.30, 11-30, 11/30),
// with no digit, point, scale or money unit after them. ScanNumbers keeps such a date apart
// from an item number before it.
bool StartsMonthDay(std::u32string_view folded, int32_t begin) {
  auto size = static_cast<int32_t>(folded.size());
  auto read_part = [&](int32_t* at) {
    int value = 0;
    int32_t part_begin = *at;
    while (*at < size && *at - part_begin < 2 && folded[*at] >= U'0' && folded[*at] <= U'9') {
      value = value * 10 + static_cast<int>(folded[*at] - U'0');
      ++*at;
    }
    return *at > part_begin ? value : 0;
  };
  int32_t at = begin;
  int month = read_part(&at);
  if (month < 1 || month > 12 || at >= size ||
      (folded[at] != U'.' && folded[at] != U'-' && folded[at] != U'/')) {
    return false;
  }
  ++at;
  int day = read_part(&at);
  constexpr std::u32string_view kAfterAmount = U"0123456789.万千百亿元块wWkK%";
  return day >= 1 && day <= 31 &&
         (at >= size || kAfterAmount.find(folded[at]) == std::u32string_view::npos);
}

// Whether an amount with a scale or a money unit starts at folded[begin]: ASCII digits with an
// optional decimal part and then 万, 千 or 元 (5万, 1.5万, 30000元).
bool StartsScaledAmount(std::u32string_view folded, int32_t begin) {
  auto size = static_cast<int32_t>(folded.size());
  auto is_digit = [&](int32_t at) { return at < size && folded[at] >= U'0' && folded[at] <= U'9'; };
  int32_t at = begin;
  while (is_digit(at)) {
    ++at;
  }
  if (at > begin && at + 1 < size && folded[at] == U'.' && is_digit(at + 1)) {
    at += 2;
    while (is_digit(at)) {
      ++at;
    }
  }
  return at > begin && at < size &&
         (folded[at] == U'万' || folded[at] == U'千' || folded[at] == U'元');
}

// Returns where an item's text starts after the marker sign at folded[sign]: past the sign and
// any spaces. Returns -1 when the text ends there or a digit follows, because then the number
// before the sign is a value (今日回款：50000.) or part of a list of numbers (1、2、3家). A
// date, a day or a time may follow, because it starts an item's text as often as a name
// (1、2026-11-03 华为2万元, 2、11月30日小米3万元, 2、30号小米3万元, 1、10:30华为签约2万). So may
// an amount with a scale or a money unit (1、5万 华为, 1、5万元，华为).
int32_t ItemContentAfter(std::u32string_view folded, int32_t sign) {
  auto size = static_cast<int32_t>(folded.size());
  int32_t content = sign + 1;
  while (content < size && (folded[content] == U' ' || folded[content] == U'\t')) {
    ++content;
  }
  if (content >= size) {
    return -1;
  }
  if (folded[content] >= U'0' && folded[content] <= U'9' &&
      !ReadDateAt(folded, content).has_value() && !StartsMonth(folded, content) &&
      !StartsDayOrTime(folded, content) && !StartsMonthDay(folded, content) &&
      !StartsScaledAmount(folded, content)) {
    return -1;
  }
  return content;
}

// Reads number as the item number of a list: a bare number from 1 to 99 where an item may
// start, followed by 、 . ) - or : (or enclosed as (1) or 【1】, or a keycap digit) and then by
// the item's text. A 、 range at such a place gives its lower end as the item number, so 1、3家
// is item 1 with 3家 in it.
std::optional<ListItem> ReadListItem(const FoldBuffer& text, const NumberMatch& number) {
  std::u32string_view folded = View(text.folded);
  ListItem item;
  item.begin = number.begin;
  if (number.unit_class != UnitClass::kNone || number.approximate) {
    // Only a 、 range can contain an item number (1、3家), and only one written in ASCII digits.
    int32_t digits_end = number.begin;
    while (digits_end < number.end && folded[digits_end] >= U'0' && folded[digits_end] <= U'9') {
      ++digits_end;
    }
    if (!number.approximate || number.identifier || number.unreadable ||
        digits_end + 1 >= number.end || folded[digits_end] != U'、' ||
        folded[digits_end + 1] < U'0' || folded[digits_end + 1] > U'9' ||
        !MayStartItem(folded, number.begin)) {
      return std::nullopt;
    }
    item.value = ItemValue(folded, number.begin, digits_end);
    item.content = digits_end + 1;
    item.split = true;
    item.style = U'、';
    item.after_space =
        number.begin > 0 && (folded[number.begin - 1] == U' ' || folded[number.begin - 1] == U'\t');
    return item.value > 0 ? std::optional(item) : std::nullopt;
  }

  // An enclosed digit (①) numbers an item wherever it is, with no sign after it.
  if (IsEnclosedItemNumber(text, number)) {
    item.value = ItemValue(folded, number.begin, number.end);
    item.content = number.end;
    item.style = kEnclosedStyle;
    bool has_text = static_cast<size_t>(item.content) < folded.size();
    return item.value > 0 && has_text ? std::optional(item) : std::nullopt;
  }
  if (number.scale_word || number.hedged || number.identifier || number.unreadable ||
      number.chinese || static_cast<size_t>(number.end) >= folded.size()) {
    return std::nullopt;
  }
  int32_t sign = number.end;
  // A keycap digit (1️⃣) is the digit, an optional U+FE0F and U+20E3. Like ①, it only
  // numbers an item.
  if (folded[sign] == 0xFE0F && static_cast<size_t>(sign) + 1 < folded.size()) {
    ++sign;
  }
  item.keycap = folded[sign] == kKeycapStyle;
  item.style = folded[sign];
  char32_t opening = number.begin > 0 ? folded[number.begin - 1] : 0;
  if (opening == U'(' || opening == U'【') {
    if (folded[sign] != (opening == U'(' ? U')' : U'】')) {
      return std::nullopt;
    }
    --item.begin;
    item.style = opening;
  } else if (!item.keycap && folded[sign] != U'、' && folded[sign] != U'.' &&
             folded[sign] != U')' && folded[sign] != U'-' && folded[sign] != U':') {
    return std::nullopt;
  }
  item.value = ItemValue(folded, number.begin, number.end);
  item.content = ItemContentAfter(folded, sign);
  // Brackets and keycaps set an item number apart, so it may follow any word (华为【2】).
  bool set_apart = item.keycap || item.begin < number.begin;
  if (item.value == 0 || item.content < 0 || (!set_apart && !MayStartItem(folded, item.begin))) {
    return std::nullopt;
  }
  int32_t before = item.begin - 1;
  while (before >= 0 && (folded[before] == U' ' || folded[before] == U'\t')) {
    --before;
  }
  item.after_colon = !set_apart && before >= 0 && folded[before] == U':';
  // After a colon, a number that ends its line is the label's value (今日拜访：1.).
  if (item.after_colon && (folded[item.content] == U'\n' || folded[item.content] == U'\r')) {
    return std::nullopt;
  }
  return item;
}

// Whether folded[begin, end) is only a label: words with no digit and no clause break that end
// with a colon and optional spaces (新签客户：).
bool IsOnlyLabel(std::u32string_view folded, int32_t begin, int32_t end) {
  while (end > begin && (folded[end - 1] == U' ' || folded[end - 1] == U'\t')) {
    --end;
  }
  if (end - begin < 2 || folded[end - 1] != U':') {
    return false;
  }
  for (int32_t i = begin; i < end - 1; ++i) {
    if ((folded[i] >= U'0' && folded[i] <= U'9') || IsClauseBreak(folded, i)) {
      return false;
    }
  }
  return true;
}

// Whether number is the value of a label that another label follows: it comes right after a
// colon, and a 、 and then a label (words that end with a colon) follow it, as the 5 of
// 拜访客户：5、签约：2单 does.
__attribute__((noinline)) bool IsValueBeforeLabel(std::u32string_view folded,
                                                  const NumberMatch& number) {
  auto size = static_cast<int32_t>(folded.size());
  if (number.end + 1 >= size || folded[number.end] != U'、') {
    return false;
  }
  int32_t before = number.begin - 1;
  while (before >= 0 && folded[before] == U' ') {
    --before;
  }
  if (before < 0 || folded[before] != U':') {
    return false;
  }
  // A label is a few words, so the search for its colon stops after kMaxLabelLength code
  // points or at a digit. IsOnlyLabel rejects a clause break before the colon.
  constexpr int32_t kMaxLabelLength = 16;
  int32_t colon = number.end + 1;
  int32_t limit = std::min(size, colon + kMaxLabelLength);
  while (colon < limit && folded[colon] != U':' && (folded[colon] < U'0' || folded[colon] > U'9')) {
    ++colon;
  }
  return colon < limit && folded[colon] == U':' && IsOnlyLabel(folded, number.end + 1, colon + 1);
}

// Returns the first code point at or after from that is no space or tab.
int32_t SkipLineIndent(std::u32string_view folded, int32_t from) {
  auto size = static_cast<int32_t>(folded.size());
  while (from < size && (folded[from] == U' ' || folded[from] == U'\t')) {
    ++from;
  }
  return from;
}

// Whether a number of scratch.numbers between from and the number at index number is the value
// of a label that another label follows (IsValueBeforeLabel), as the 5 of 拜访：5、新客户：2个.
bool FollowsLabelValue(const ExtractScratch& scratch, size_t number, int32_t from) {
  std::u32string_view folded = View(scratch.buffer.folded);
  for (size_t previous = number; previous > 0 && scratch.numbers[previous - 1].begin >= from;
       --previous) {
    if (IsValueBeforeLabel(folded, scratch.numbers[previous - 1])) {
      return true;
    }
  }
  return false;
}

// Returns the position of the first line break in folded[from, limit), or limit.
int32_t LineEnd(std::u32string_view folded, int32_t from, int32_t limit) {
  while (from < limit && folded[from] != U'\n' && folded[from] != U'\r') {
    ++from;
  }
  return from;
}

// Whether folded[from, to) contains only spaces, tabs and at most one line break, so that the
// item that starts at to continues the list of the item that ends at from. A line of only - is
// a separator and counts as no line (1、华为5万 over - over 2、小米3万). A blank line or a line
// of other text between them ends the list.
bool ContinuesList(std::u32string_view folded, int32_t from, int32_t to) {
  int line_breaks = 0;
  bool separator = false;  // whether the current line contains a - after a line break
  for (int32_t i = from; i < to; ++i) {
    char32_t cp = folded[i];
    if (cp == U'\r' && i + 1 < to && folded[i + 1] == U'\n') {
      continue;  // \r\n is one line break
    }
    if (cp == U'\n' || cp == U'\r') {
      line_breaks += separator ? 0 : 1;
      separator = false;
    } else if (cp == U'-' && line_breaks > 0) {
      separator = true;
    } else if (cp != U' ' && cp != U'\t') {
      return false;
    }
  }
  return line_breaks <= 1 && !separator;
}

// The maximum length in code points of a title line without a colon above a list (明天计划,
// 【今日签约】).
constexpr int32_t kMaxListTitle = 12;

// Returns the first code point of the line that ends at last when that line may title the list
// whose first item is at item, or -1. Such a line has at most kMaxListTitle code points. Only
// line breaks and spaces separate it from the item.
int32_t TitleLineBegin(std::u32string_view folded, int32_t last, int32_t item) {
  // The search for the line's start stops past kMaxListTitle, so a long line costs no more.
  int32_t begin = last;
  while (begin > 0 && last + 1 - begin <= kMaxListTitle && folded[begin - 1] != U'\n' &&
         folded[begin - 1] != U'\r') {
    --begin;
  }
  bool line_start = begin == 0 || folded[begin - 1] == U'\n' || folded[begin - 1] == U'\r';
  bool line_break = false;
  for (int32_t i = last + 1; i < item; ++i) {
    line_break = line_break || folded[i] == U'\n' || folded[i] == U'\r';
  }
  return line_break && line_start && last + 1 - begin <= kMaxListTitle ? begin : -1;
}

// Returns the first code point of the line that ends at last when that line is a short plan
// title right above the item at item (明天计划, 【下周计划】), or -1. Such a line passes
// TitleLineBegin, and its cue words mark a plan.
int32_t PlanTitleBegin(std::u32string_view folded, int32_t last, int32_t item) {
  int32_t begin = TitleLineBegin(folded, last, item);
  if (begin < 0 || ClauseAspect(folded, begin, last + 1) != Aspect::kPlanned) {
    return -1;
  }
  return begin;
}

// Whether folded[at] is 单 or 笔, the measure words of a count of deals (今日签约2单).
bool IsDealMeasure(std::u32string_view folded, int32_t at) {
  return at >= 0 && static_cast<size_t>(at) < folded.size() &&
         (folded[at] == U'单' || folded[at] == U'笔');
}

// Returns the first code point of the line that ends at last when TitleLineBegin accepts that
// line and the line has no ASCII digit other than a count of deals (今日签约2单), or -1. The item
// at item must start the next line, with no blank line between.
int32_t DigitlessTitleBegin(std::u32string_view folded, int32_t last, int32_t item) {
  int32_t begin = TitleLineBegin(folded, last, item);
  if (begin < 0 || !ContinuesList(folded, last + 1, item)) {
    return -1;
  }
  for (int32_t at = begin; at <= last; ++at) {
    if (folded[at] < U'0' || folded[at] > U'9') {
      continue;
    }
    while (at <= last && folded[at] >= U'0' && folded[at] <= U'9') {
      ++at;
    }
    if (at > last || !IsDealMeasure(folded, at)) {
      return -1;
    }
  }
  return begin;
}

// Whether the item number at folded[begin] starts a line right under a colon, with only
// spaces, tabs and line breaks between, as under a heading (明日计划： over 1、拜访中兴2家), or
// right under a short title line without a colon (明日计划 over 1、签约中兴10万, 今日签约 over
// 1、华为5万).
bool StartsLineUnderHeading(std::u32string_view folded, int32_t begin) {
  bool line_break = false;
  int32_t before = begin - 1;
  while (before >= 0 && IsAsciiSpace(folded[before])) {
    line_break = line_break || folded[before] == U'\n' || folded[before] == U'\r';
    --before;
  }
  if (!line_break || before < 0) {
    return false;
  }
  return folded[before] == U':' || PlanTitleBegin(folded, before, begin) >= 0 ||
         DigitlessTitleBegin(folded, before, begin) >= 0;
}

// Drops the last list of *lists with its items unless it is kept: a list of two or more
// items, or one item written as a keycap digit, whose 1 ScanNumbers read into a range
// (1、3家客户已拜访), or that starts a line under a colon, where a heading's cue and trigger
// apply to it. A lone 1. or 1、 on the line of its colon is left to IsListMarker, since it may
// still be a label's value (拜访客户：1、).
void DropUnkeptList(std::u32string_view folded, std::vector<ListItem>* items,
                    std::vector<NumberedList>* lists) {
  if (lists->empty()) {
    return;
  }
  const NumberedList& last = lists->back();
  const ListItem& item = (*items)[last.first_item];
  if (last.item_count == 1 && !item.split && !item.keycap &&
      !StartsLineUnderHeading(folded, item.begin)) {
    items->resize(last.first_item);
    lists->pop_back();
  }
}

// Whether item, numbered 1, starts a sub-list of the last item of the open list, whose items
// are written in style. A sub-list item is written in another style, on the same line as that
// item or on the next line.
bool StartsSubList(std::u32string_view folded, const std::vector<ListItem>& items,
                   const std::vector<NumberedList>& lists, char32_t style, const ListItem& item) {
  if (lists.empty() || lists.back().item_count == 0 || item.style == style) {
    return false;
  }
  const ListItem& last = items.back();
  return !last.nested &&
         ContinuesList(folded, LineEnd(folded, last.content, item.begin), item.begin);
}

// Whether item goes on with the open list although it skips one or two numbers after the last
// item (1、 2、 4、): it is written in the list's style and starts the line after that item's.
bool SkipsItemNumbers(std::u32string_view folded, const ListItem& last, char32_t style,
                      int next_value, const ListItem& item) {
  constexpr int kMaxSkippedNumbers = 2;
  if (item.value <= next_value || item.value > next_value + kMaxSkippedNumbers ||
      item.style != style) {
    return false;
  }
  int32_t line_end = LineEnd(folded, last.content, item.begin);
  return line_end < item.begin && ContinuesList(folded, line_end, item.begin);
}

// Reads the item numbered value, written with the sign style (、 or .), that starts at
// folded[begin] and goes on with a date, a day or a time (2、30号小米3万元, 2.11月30日小米3万元).
// ScanNumbers skips such an item number with the date after it, so no number marks the item.
// Returns nullopt for any other text.
std::optional<ListItem> ReadDateItemAt(std::u32string_view folded, int32_t begin, int value,
                                       char32_t style) {
  auto size = static_cast<int32_t>(folded.size());
  int32_t sign = begin;
  while (sign < size && sign - begin < 3 && folded[sign] >= U'0' && folded[sign] <= U'9') {
    ++sign;
  }
  if (sign >= size || folded[sign] != style || ItemValue(folded, begin, sign) != value) {
    return std::nullopt;
  }
  int32_t content = SkipLineIndent(folded, sign + 1);
  if (content >= size || folded[content] < U'0' || folded[content] > U'9' ||
      (!StartsMonth(folded, content) && !StartsDayOrTime(folded, content))) {
    return std::nullopt;
  }
  ListItem item;
  item.begin = begin;
  item.content = content;
  item.value = value;
  item.number = -1;
  item.style = style;
  return item;
}

// Reads the item that ReadDateItemAt accepts on the line after the line break at line_end.
std::optional<ListItem> ReadDateItemAfter(std::u32string_view folded, int32_t line_end, int value,
                                          char32_t style) {
  auto size = static_cast<int32_t>(folded.size());
  int32_t begin = line_end;
  if (begin < size && folded[begin] == U'\r') {
    ++begin;
  }
  if (begin < size && folded[begin] == U'\n') {
    ++begin;
  }
  return ReadDateItemAt(folded, SkipLineIndent(folded, begin), value, style);
}

// Reads the item 1 that ReadDateItemAt accepts on the line before the item at begin, which
// starts its own line (1、30号华为5万 over 2、小米3万). The search for that line's start stops
// after kMaxSearch code points, so a long line costs no more.
std::optional<ListItem> ReadDateItemBefore(std::u32string_view folded, int32_t begin,
                                           char32_t style) {
  constexpr int32_t kMaxSearch = 200;
  int32_t at = begin - 1;
  while (at >= 0 && (folded[at] == U' ' || folded[at] == U'\t')) {
    --at;
  }
  if (at < 0 || (folded[at] != U'\n' && folded[at] != U'\r')) {
    return std::nullopt;
  }
  if (folded[at] == U'\n' && at > 0 && folded[at - 1] == U'\r') {
    --at;
  }
  int32_t line_start = at;
  while (line_start > 0 && at - line_start < kMaxSearch && folded[line_start - 1] != U'\n' &&
         folded[line_start - 1] != U'\r') {
    --line_start;
  }
  bool at_line_start =
      line_start == 0 || folded[line_start - 1] == U'\n' || folded[line_start - 1] == U'\r';
  if (!at_line_start) {
    return std::nullopt;
  }
  return ReadDateItemAt(folded, SkipLineIndent(folded, line_start), 1, style);
}

// Finds the numbered lists among numbers: item numbers that start at 1 and count up by one
// (1、 2、 3、), in the order of the text. Under an item, a list in another style is its
// sub-list, and the outer list goes on after it (1、华为 over (1)首付 and (2)尾款, then 2、小米).
void FindNumberedLists(const FoldBuffer& text, const std::vector<NumberMatch>& numbers,
                       std::vector<ListItem>* items, std::vector<NumberedList>* lists) {
  std::u32string_view folded = View(text.folded);
  items->clear();
  lists->clear();
  int next_value = 0;
  char32_t style = 0;
  // The next item number of the open sub-list and its style, or 0 outside a sub-list.
  int next_nested = 0;
  char32_t nested_style = 0;
  // The line break after the last item, found once per line so that the text is read once.
  int32_t line_end = -1;
  // Appends the items that no number marks (2、30号) on the lines after the open list's last
  // item and before the position before.
  auto add_date_items = [&](int32_t before) {
    while (next_value > 0 && next_nested == 0 && (style == U'、' || style == U'.')) {
      const ListItem& last = items->back();
      if (line_end < last.content) {
        line_end = LineEnd(folded, last.content, static_cast<int32_t>(folded.size()));
      }
      std::optional<ListItem> item =
          line_end < before ? ReadDateItemAfter(folded, line_end, next_value, style) : std::nullopt;
      if (!item || item->begin >= before) {
        return;
      }
      items->push_back(*item);
      ++lists->back().item_count;
      ++next_value;
    }
  };
  for (size_t i = 0; i < numbers.size(); ++i) {
    add_date_items(numbers[i].begin);
    // Most numbers have a unit and are not ranges (3家, 5万元), so they are skipped here.
    if (numbers[i].unit_class != UnitClass::kNone && !numbers[i].approximate) {
      continue;
    }
    std::optional<ListItem> item = ReadListItem(text, numbers[i]);
    if (!item) {
      continue;
    }
    // An item 2 may follow an item 1 that ScanNumbers took into a date (1、30号华为5万).
    if (item->value == 2 && next_value != 2 && !item->after_space) {
      std::optional<ListItem> first = ReadDateItemBefore(folded, item->begin, item->style);
      if (first && (items->empty() || first->begin > items->back().content)) {
        DropUnkeptList(folded, items, lists);
        lists->push_back(NumberedList{items->size(), 1});
        items->push_back(*first);
        style = item->style;
        next_value = 2;
        next_nested = 0;
      }
    }
    if (item->value == 1) {
      // After a space a range starts no list, so 拜访 1、2家 is 1 to 2.
      if (item->after_space) {
        continue;
      }
      if (next_nested == 0 && StartsSubList(folded, *items, *lists, style, *item)) {
        item->nested = true;
        nested_style = item->style;
      } else {
        DropUnkeptList(folded, items, lists);
        lists->push_back(NumberedList{items->size()});
        style = item->style;
      }
    } else if (next_nested > 0 && item->value == next_nested && item->style == nested_style) {
      item->nested = true;
    } else if (lists->empty() || (next_nested > 0 && item->style != style) ||
               (item->value != next_value &&
                !SkipsItemNumbers(folded, items->back(), style, next_value, *item))) {
      continue;
    } else if (const ListItem& last = items->back();
               last.after_colon && IsOnlyLabel(folded, last.content, item->begin)) {
      // The last number is the value of the label before it, and this one the value of the
      // label between them (拜访客户：1. 新签客户：2.), so the list ends before both.
      items->pop_back();
      if (--lists->back().item_count == 0) {
        lists->pop_back();
      }
      next_value = 0;
      next_nested = 0;
      continue;
    }
    item->number = static_cast<int>(i);
    items->push_back(*item);
    ++lists->back().item_count;
    if (item->nested) {
      next_nested = item->value + 1;
    } else {
      next_value = item->value + 1;
      next_nested = 0;
    }
  }
  add_date_items(INT32_MAX);
  DropUnkeptList(folded, items, lists);
}

// Whether number is a bare number where an item may start that 、 and a higher month (2、11月30日),
// a day or time of day (1、30号, 2、14点, 2、14:00) or a month and day (1、11.30) follow.
// ScanNumbers reads only such a number apart from the date, which it would otherwise take for a
// range that ends in the date, so it counts nothing unless it numbers an item.
bool PrecedesItemDate(std::u32string_view folded, const NumberMatch& number) {
  if (number.unit_class != UnitClass::kNone || number.approximate || number.scale_word ||
      static_cast<size_t>(number.end) + 1 >= folded.size() || folded[number.end] != U'、' ||
      !MayStartItem(folded, number.begin)) {
    return false;
  }
  int month = MonthNumberAt(folded, number.end + 1);
  return (month > 0 && number.low < Decimal::FromInt(month)) ||
         StartsDayOrTime(folded, number.end + 1) || StartsMonthDay(folded, number.end + 1);
}

// Removes the item numbers of items from *numbers, and every number that PrecedesItemDate
// accepts. An item number that ScanNumbers read into a range (1、3家) leaves the number after
// the 、, read again on its own.
void RemoveListItems(const FoldBuffer& text, const UnitTable& units, const ScanOptions& options,
                     const std::vector<ListItem>& items, std::vector<NumberMatch>* numbers) {
  std::u32string_view folded = View(text.folded);
  size_t kept_count = 0;
  size_t next_item = 0;
  for (size_t i = 0; i < numbers->size(); ++i) {
    NumberMatch& number = (*numbers)[i];
    // A bullet item has no number (ListItem::number is -1).
    while (next_item < items.size() && items[next_item].number < 0) {
      ++next_item;
    }
    bool is_item = next_item < items.size() && items[next_item].number == static_cast<int>(i);
    if (!is_item && PrecedesItemDate(folded, number)) {
      continue;
    }
    if (is_item) {
      const ListItem& item = items[next_item++];
      if (!item.split) {
        continue;
      }
      int32_t resume = 0;
      std::optional<NumberMatch> rest = ReadNumberAt(text, item.content, units, options, &resume);
      if (rest) {
        // A hedge word after the range (1、3家左右) applies to the number that is left.
        if (number.hedged) {
          rest->hedged = true;
          rest->end = number.end;
        }
        number = std::move(*rest);
      }
    }
    if (kept_count != i) {
      (*numbers)[kept_count] = std::move(number);
    }
    ++kept_count;
  }
  numbers->resize(kept_count);
}

// Whether number may contain an item number, as a quick test before ReadListItem: a bare number
// that 、 . ) - : 】 or a keycap follows, or a range that starts with an ASCII digit (1、3家).
__attribute__((always_inline)) inline bool MayBeListItem(std::u32string_view folded,
                                                         const NumberMatch& number) {
  if (number.unit_class != UnitClass::kNone && !number.approximate) {
    return false;  // the common case: 3家, 5万元
  }
  if (number.approximate) {
    return folded[number.begin] >= U'0' && folded[number.begin] <= U'9';
  }
  if (static_cast<size_t>(number.end) >= folded.size()) {
    return false;
  }
  switch (folded[number.end]) {
    case U'、':
    case U'.':
    case U')':
    case U'-':
    case U':':
    case U'】':
    case 0xFE0F:
    case 0x20E3:
      return true;
    default:
      return false;
  }
}

// Whether cp marks a bullet item at the start of a line: - • · * or ●.
bool IsBulletMark(char32_t cp) {
  return cp == U'-' || cp == U'*' || cp == 0x2022 || cp == 0x00B7 || cp == 0x25CF;
}

// Whether a line of the text may start with a bullet item, as a quick test before
// FindBulletLists: a bullet mark or a Chinese numeral starts the text or follows a line break.
// marked contains every line break of the text, and has_line_break is false when it has none.
bool MayHaveBullets(std::u32string_view folded, const std::vector<int32_t>& marked,
                    bool has_line_break) {
  constexpr std::u32string_view kNumerals = U"一二三四五六七八九十";
  auto size = static_cast<int32_t>(folded.size());
  auto starts_bullet = [&](int32_t at) {
    at = SkipLineIndent(folded, at);
    return at + 1 < size &&
           (IsBulletMark(folded[at]) ||
            (folded[at + 1] == U'、' && kNumerals.find(folded[at]) != std::u32string_view::npos));
  };
  if (starts_bullet(0)) {
    return true;
  }
  if (!has_line_break) {
    return false;
  }
  for (int32_t position : marked) {
    if ((folded[position] == U'\n' || folded[position] == U'\r') && starts_bullet(position + 1)) {
      return true;
    }
  }
  return false;
}

// Reads the bullet item that starts at folded[at], the first code point of a line after its
// indent: a bullet mark and the item's text (- 华为5万, •华为5万), or a Chinese numeral from 一
// to 十, 、 and the text (二、小米3万), whose value the numeral gives. A - that a digit follows
// is a minus or a range (-2万), and a mark that the same mark follows is a rule or bold text
// (---, **), so neither starts an item. Returns nullopt for any other line.
std::optional<ListItem> ReadBulletItem(std::u32string_view folded, int32_t at) {
  constexpr std::u32string_view kNumerals = U"一二三四五六七八九十";
  auto size = static_cast<int32_t>(folded.size());
  if (at + 1 >= size) {
    return std::nullopt;
  }
  ListItem item;
  item.begin = at;
  item.number = -1;
  char32_t mark = folded[at];
  char32_t next = folded[at + 1];
  size_t numeral = kNumerals.find(mark);
  if (numeral != std::u32string_view::npos && next == U'、') {
    item.value = static_cast<int>(numeral) + 1;
    item.style = kChineseNumeralStyle;
    item.content = SkipLineIndent(folded, at + 2);
  } else if (IsBulletMark(mark) && next != mark &&
             !(mark == U'-' && next >= U'0' && next <= U'9')) {
    item.value = 1;
    item.style = mark;
    item.content = SkipLineIndent(folded, at + 1);
  } else {
    return std::nullopt;
  }
  if (item.content >= size || folded[item.content] == U'\n' || folded[item.content] == U'\r' ||
      IsBulletMark(folded[item.content])) {
    return std::nullopt;
  }
  return item;
}

// Whether the item at folded[begin] starts the line right after an item of numbered_items, the
// items of the numbered lists in text order, so that it goes on with that item's list
// (1、华为5万 and 2、小米3万 over - 中兴2万). A * there marks a footnote (*注：...), no item.
bool FollowsNumberedItem(std::u32string_view folded, const std::vector<ListItem>& numbered_items,
                         int32_t begin) {
  if (folded[begin] == U'*') {
    return false;
  }
  auto after = std::lower_bound(
      numbered_items.begin(), numbered_items.end(), begin,
      [](const ListItem& item, int32_t position) { return item.begin < position; });
  if (after == numbered_items.begin()) {
    return false;
  }
  const ListItem& last = *std::prev(after);
  int32_t line_end = LineEnd(folded, last.content, begin);
  return !last.nested && line_end < begin && ContinuesList(folded, line_end, begin);
}

// Finds the bullet lists of the text: items on consecutive lines that start with the same
// bullet mark (- 华为5万 and - 小米3万), or with Chinese numerals that count up from 一. A
// symbol bullet list of one item is kept only right under a colon or a plan title, as a lone
// numbered item is, or on the line after an item of numbered_items, the numbered lists' items.
// A lone 一、 is never kept, because it more often numbers a section (一、签约情况). Appends the
// lists to *bullet_lists and their items, numbered from 1, to *bullet_items.
void FindBulletLists(std::u32string_view folded, const std::vector<int32_t>& marked,
                     const std::vector<ListItem>& numbered_items,
                     std::vector<ListItem>* bullet_items, std::vector<NumberedList>* bullet_lists) {
  bullet_items->clear();
  bullet_lists->clear();
  auto close_list = [&]() {
    if (bullet_lists->empty()) {
      return;
    }
    const NumberedList& last = bullet_lists->back();
    const ListItem& first = (*bullet_items)[last.first_item];
    bool lone = last.item_count == 1;
    if (lone && (first.style == kChineseNumeralStyle ||
                 (!StartsLineUnderHeading(folded, first.begin) &&
                  !FollowsNumberedItem(folded, numbered_items, first.begin)))) {
      bullet_items->resize(last.first_item);
      bullet_lists->pop_back();
    }
  };
  auto size = static_cast<int32_t>(folded.size());
  // A dot bullet (· • ●) may stand again inside the line of the last item, where it starts the
  // next item (·华为5万·小米3万). A - or * there is more often a dash or a sign.
  auto add_items_in_line = [&]() {
    char32_t style = bullet_items->back().style;
    if (style != 0x00B7 && style != 0x2022 && style != 0x25CF) {
      return;
    }
    int32_t line_end = LineEnd(folded, bullet_items->back().content, size);
    for (int32_t at = bullet_items->back().content; at < line_end; ++at) {
      if (folded[at] != style) {
        continue;
      }
      std::optional<ListItem> item = ReadBulletItem(folded, at);
      if (!item || item->content >= line_end) {
        continue;
      }
      item->value = bullet_items->back().value + 1;
      bullet_items->push_back(*item);
      ++bullet_lists->back().item_count;
    }
  };
  bool open = false;
  auto read_line = [&](int32_t line_start) {
    std::optional<ListItem> item = ReadBulletItem(folded, SkipLineIndent(folded, line_start));
    if (!item) {
      open = false;
      return;
    }
    if (open) {
      const ListItem& last = bullet_items->back();
      int32_t line_end = LineEnd(folded, last.content, item->begin);
      bool next_value = item->style != kChineseNumeralStyle || item->value == last.value + 1;
      if (item->style == last.style && next_value && ContinuesList(folded, line_end, item->begin)) {
        item->value = last.value + 1;
        bullet_items->push_back(*item);
        ++bullet_lists->back().item_count;
        add_items_in_line();
        return;
      }
    }
    open = item->value == 1;
    if (open) {
      close_list();
      bullet_lists->push_back(NumberedList{bullet_items->size(), 1});
      bullet_items->push_back(*item);
      add_items_in_line();
    }
  };
  read_line(0);
  for (int32_t position : marked) {
    bool crlf = folded[position] == U'\r' && position + 1 < size && folded[position + 1] == U'\n';
    if (!crlf && (folded[position] == U'\n' || folded[position] == U'\r')) {
      read_line(position + 1);
    }
  }
  close_list();
}

// Removes from *numbers each Chinese numeral that numbers a bullet item (the 二 of 二、), and
// moves the number indices of the numbered items in *items to match.
void RemoveBulletNumbers(const std::vector<ListItem>& bullet_items, std::vector<ListItem>* items,
                         std::vector<NumberMatch>* numbers) {
  size_t kept_count = 0;
  size_t next_bullet = 0;
  std::vector<int> removed;
  for (size_t i = 0; i < numbers->size(); ++i) {
    const NumberMatch& number = (*numbers)[i];
    while (next_bullet < bullet_items.size() && bullet_items[next_bullet].begin < number.begin) {
      ++next_bullet;
    }
    if (next_bullet < bullet_items.size() &&
        bullet_items[next_bullet].style == kChineseNumeralStyle &&
        bullet_items[next_bullet].begin == number.begin && number.end == number.begin + 1) {
      removed.push_back(static_cast<int>(i));
      continue;
    }
    if (kept_count != i) {
      (*numbers)[kept_count] = std::move((*numbers)[i]);
    }
    ++kept_count;
  }
  numbers->resize(kept_count);
  for (ListItem& item : *items) {
    item.number -= static_cast<int>(
        std::lower_bound(removed.begin(), removed.end(), item.number) - removed.begin());
  }
}

// Merges the bullet lists of scratch into scratch->lists and scratch->items, in the order of
// their first items in the text. The items of each list stay together, and the numbered items
// keep the order of their numbers. A bullet list that starts on the line after the last item of
// a numbered list goes on with that list (1、华为5万 and 2、小米3万 over - 中兴2万), so the
// numbered list's heading counts it too.
void MergeBulletLists(ExtractScratch* scratch) {
  std::u32string_view folded = View(scratch->buffer.folded);
  scratch->merged_items.clear();
  scratch->merged_lists.clear();
  size_t numbered = 0;
  size_t bullet = 0;
  bool last_numbered = false;  // whether the last merged list is a numbered list
  auto append = [&](const std::vector<ListItem>& items, const NumberedList& list) {
    auto first = items.begin() + static_cast<std::ptrdiff_t>(list.first_item);
    bool bullets = &items == &scratch->bullet_items;
    bool goes_on = false;
    if (bullets && last_numbered && first->style != kChineseNumeralStyle && first->style != U'*') {
      const ListItem& last = scratch->merged_items.back();
      int32_t line_end = LineEnd(folded, last.content, first->begin);
      goes_on =
          !last.nested && line_end < first->begin && ContinuesList(folded, line_end, first->begin);
    }
    last_numbered = !bullets;
    if (goes_on) {
      scratch->merged_lists.back().item_count += list.item_count;
    } else {
      scratch->merged_lists.push_back(NumberedList{scratch->merged_items.size(), list.item_count});
    }
    scratch->merged_items.insert(scratch->merged_items.end(), first,
                                 first + static_cast<std::ptrdiff_t>(list.item_count));
  };
  while (numbered < scratch->lists.size() || bullet < scratch->bullet_lists.size()) {
    bool take_bullet =
        numbered == scratch->lists.size() ||
        (bullet < scratch->bullet_lists.size() &&
         scratch->bullet_items[scratch->bullet_lists[bullet].first_item].begin <
             scratch->items[scratch->lists[numbered].first_item].begin);
    if (take_bullet) {
      append(scratch->bullet_items, scratch->bullet_lists[bullet++]);
    } else {
      append(scratch->items, scratch->lists[numbered++]);
    }
  }
  scratch->items.swap(scratch->merged_items);
  scratch->lists.swap(scratch->merged_lists);
}

// The style of an item of an inline list (今日回款：华为2万、小米1万), which no mark starts.
constexpr char32_t kInlineStyle = U'、';

// The maximum length in code points of a name in brackets after an inline item's amount
// (5万（华为）).
constexpr int32_t kMaxBracketedName = 16;

// Returns the position past a name in brackets at folded[at] (the （华为） of 5万（华为）), or at
// when none is there. A name is at most kMaxBracketedName code points without a digit, a
// bracket or a break.
int32_t SkipBracketedName(std::u32string_view folded, int32_t at) {
  auto size = static_cast<int32_t>(folded.size());
  if (at >= size || folded[at] != U'(') {
    return at;
  }
  int32_t limit = std::min(size, at + 2 + kMaxBracketedName);
  for (int32_t close = at + 1; close < limit; ++close) {
    char32_t cp = folded[close];
    if (cp == U')') {
      return close > at + 1 ? close + 1 : at;
    }
    if ((cp >= U'0' && cp <= U'9') || cp == U'(' || cp == U'\n' || cp == U'\r' ||
        IsClauseBreak(folded, close)) {
      return at;
    }
  }
  return at;
}

// Whether a number with a unit or a scale (2万, 5千, 3家) ends an inline segment: 、 , ; a
// space or a tab follows it, after a closing bracket at most (华为（5万）、小米（3万）). After a
// name in brackets a + separates the segments too (5万（华为）+ 3万（小米）), since the name
// shows that each amount is an item of its own. Returns the position past the separator and
// the spaces after it, or -1.
int32_t InlineSegmentEnd(std::u32string_view folded, const NumberMatch& number) {
  if (number.unit_class == UnitClass::kNone && !number.scaled && !number.scale_word) {
    return -1;
  }
  auto size = static_cast<int32_t>(folded.size());
  int32_t at = number.end;
  bool after_name = false;
  if (at < size && folded[at] == U')') {
    ++at;
  } else if (at < size && folded[at] == U'(') {
    int32_t name_end = SkipBracketedName(folded, at);
    after_name = name_end > at;
    at = name_end;
  }
  while (after_name && at < size && (folded[at] == U' ' || folded[at] == U'\t')) {
    ++at;
  }
  if (at >= size) {
    return -1;
  }
  char32_t cp = folded[at];
  bool plus = after_name && cp == U'+';
  if (!plus && cp != U'、' && cp != U',' && cp != U';' && cp != U' ' && cp != U'\t') {
    return -1;
  }
  ++at;
  while (at < size && (folded[at] == U' ' || folded[at] == U'\t')) {
    ++at;
  }
  // A dash or a sign there joins the numbers rather than starting a new item (华为5万 - 小米3万).
  if (at < size && (IsBulletMark(folded[at]) || folded[at] == U'+' || folded[at] == U'=')) {
    return -1;
  }
  return at;
}

// Whether the text may hold an inline list, as a quick test before FindInlineLists: a number
// with a unit or a scale ends a segment and another number follows it.
bool MayHaveInlineList(std::u32string_view folded, const std::vector<NumberMatch>& numbers) {
  for (size_t i = 0; i + 1 < numbers.size(); ++i) {
    if (InlineSegmentEnd(folded, numbers[i]) >= 0) {
      return true;
    }
  }
  return false;
}

// Whether a count of deals (3单, 2笔) that a comma follows comes before another number, as a quick
// test before FindInlineLists for a text without a colon (今日签约3单，华为5万、小米3万).
bool MayHaveCountedInlineList(std::u32string_view folded,
                              const std::vector<NumberMatch>& numbers) {
  // 单 and 笔 are count measure words, so the number reads them as its unit.
  for (size_t i = 0; i + 1 < numbers.size(); ++i) {
    if (numbers[i].unit_class != UnitClass::kMeasureWord) {
      continue;
    }
    int32_t after = numbers[i].end;
    if (IsDealMeasure(folded, after)) {
      ++after;
    } else if (!IsDealMeasure(folded, after - 1)) {
      continue;
    }
    while (static_cast<size_t>(after) < folded.size() && folded[after] == U' ') {
      ++after;
    }
    if (static_cast<size_t>(after) < folded.size() && folded[after] == U',') {
      return true;
    }
  }
  return false;
}

// Finds the inline lists of the text: after a colon, segments that each end with a number with
// a unit or a scale and that 、 , ; or spaces separate, up to the line's end (今日回款：华为2万、
// 小米1万). A line needs two such segments and no second colon, and a line that already holds
// an item of scratch->lists is left to that list. Adds each inline list to scratch->lists and its items
// to scratch->items, in text order. Whether the clause before the colon heads the list is for
// FindListHeadings to decide, as for other lists.
void FindInlineLists(ExtractScratch* scratch) {
  std::u32string_view folded = View(scratch->buffer.folded);
  auto size = static_cast<int32_t>(folded.size());
  const std::vector<NumberMatch>& numbers = scratch->numbers;
  std::vector<ListItem>& found_items = scratch->bullet_items;
  std::vector<NumberedList>& found_lists = scratch->bullet_lists;
  found_items.clear();
  found_lists.clear();
  size_t next_item = 0;  // the first item of scratch->items at or after the current line
  size_t i = 0;
  while (i < numbers.size()) {
    // Find the line of numbers[i] and the last colon on it before that number.
    int32_t line_begin = numbers[i].begin;
    while (line_begin > 0 && folded[line_begin - 1] != U'\n' && folded[line_begin - 1] != U'\r') {
      --line_begin;
    }
    int32_t line_end = LineEnd(folded, numbers[i].begin, size);
    size_t line_last = i;
    while (line_last + 1 < numbers.size() && numbers[line_last + 1].begin < line_end) {
      ++line_last;
    }
    int32_t colon = numbers[i].begin - 1;
    while (colon >= line_begin && folded[colon] != U':') {
      --colon;
    }
    // A count of deals may come right before the colon (今日签约3单：华为5万、小米3万), or before a
    // comma in its place (今日签约3单，华为5万、小米3万), and then the segments start at the number
    // after it.
    size_t first_segment = i;
    if (colon < line_begin && i < line_last &&
        (IsDealMeasure(folded, numbers[i].end - 1) || IsDealMeasure(folded, numbers[i].end))) {
      int32_t after = numbers[i].end + (IsDealMeasure(folded, numbers[i].end) ? 1 : 0);
      while (after < line_end && folded[after] == U' ') {
        ++after;
      }
      if (after < line_end && (folded[after] == U':' || folded[after] == U',')) {
        colon = after;
        first_segment = i + 1;
      }
    }
    while (next_item < scratch->items.size() && scratch->items[next_item].begin < line_begin) {
      ++next_item;
    }
    bool has_item =
        next_item < scratch->items.size() && scratch->items[next_item].begin < line_end;
    // A second colon makes the line a row of labels and values (拜访客户：3、回款：3万).
    bool has_label = colon >= line_begin &&
                     folded.substr(colon + 1, line_end - colon - 1).find(U':') !=
                         std::u32string_view::npos;
    if (colon >= line_begin && !has_item && !has_label && line_last > first_segment) {
      size_t first = found_items.size();
      ListItem item;
      item.number = -1;
      item.style = kInlineStyle;
      item.after_colon = true;
      item.begin = SkipLineIndent(folded, colon + 1);
      for (size_t k = first_segment; k <= line_last; ++k) {
        int32_t next = InlineSegmentEnd(folded, numbers[k]);
        if (next < 0 || next >= line_end || k == line_last) {
          continue;
        }
        item.content = item.begin;
        item.value = static_cast<int>(found_items.size() - first) + 1;
        found_items.push_back(item);
        item.after_colon = false;
        item.begin = next;
      }
      if (found_items.size() > first && item.begin < line_end) {
        item.content = item.begin;
        item.value = static_cast<int>(found_items.size() - first) + 1;
        found_items.push_back(item);
        found_lists.push_back(NumberedList{first, found_items.size() - first});
      } else {
        found_items.resize(first);
      }
    }
    i = line_last + 1;
  }
  if (found_lists.empty()) {
    return;
  }

  // Merge the inline lists with the other lists in text order. No line contains both.
  scratch->merged_items.clear();
  scratch->merged_lists.clear();
  size_t other = 0;
  size_t inline_list = 0;
  auto append = [&](const std::vector<ListItem>& items, const NumberedList& list) {
    scratch->merged_lists.push_back(NumberedList{scratch->merged_items.size(), list.item_count});
    auto begin = items.begin() + static_cast<std::ptrdiff_t>(list.first_item);
    scratch->merged_items.insert(scratch->merged_items.end(), begin,
                                 begin + static_cast<std::ptrdiff_t>(list.item_count));
  };
  while (other < scratch->lists.size() || inline_list < found_lists.size()) {
    bool take_inline = other == scratch->lists.size() ||
                       (inline_list < found_lists.size() &&
                        found_items[found_lists[inline_list].first_item].begin <
                            scratch->items[scratch->lists[other].first_item].begin);
    if (take_inline) {
      append(found_items, found_lists[inline_list++]);
    } else {
      append(scratch->items, scratch->lists[other++]);
    }
  }
  scratch->items.swap(scratch->merged_items);
  scratch->lists.swap(scratch->merged_lists);
}

// Finds the numbered lists of the text and removes their item numbers from scratch->numbers,
// then adds the inline lists. Kept out of line, so that MatchInto pays only a call for the
// common text, whose numbers MayBeListItem all rejects. Then scratch->lists is cleared and
// scratch->items left as it was, unless an inline list is found. REQUIRES: ReadMarks ran.
__attribute__((noinline)) void RemoveNumberedLists(const UnitTable& units,
                                                   const ScanOptions& options,
                                                   ExtractScratch* scratch) {
  std::u32string_view folded = View(scratch->buffer.folded);
  bool may_contain_item = false;
  bool may_enclose = !scratch->buffer.one_to_one;
  for (const NumberMatch& number : scratch->numbers) {
    if (MayBeListItem(folded, number) ||
        (may_enclose && IsEnclosedItemNumber(scratch->buffer, number))) {
      may_contain_item = true;
      break;
    }
  }
  bool may_have_bullets = MayHaveBullets(folded, scratch->marked, scratch->has_line_break);
  // An inline list follows a colon, or a comma after a count of deals, so a text without
  // either skips the search.
  bool may_inline = (scratch->has_colon && MayHaveInlineList(folded, scratch->numbers)) ||
                    (scratch->has_deal_count && scratch->has_sentence_break &&
                     MayHaveCountedInlineList(folded, scratch->numbers));
  if (!may_contain_item && !may_have_bullets) {
    scratch->lists.clear();
    if (may_inline) {
      scratch->items.clear();
      FindInlineLists(scratch);
    }
    return;
  }
  FindNumberedLists(scratch->buffer, scratch->numbers, &scratch->items, &scratch->lists);
  if (may_have_bullets) {
    FindBulletLists(folded, scratch->marked, scratch->items, &scratch->bullet_items,
                    &scratch->bullet_lists);
    if (!scratch->bullet_lists.empty()) {
      RemoveBulletNumbers(scratch->bullet_items, &scratch->items, &scratch->numbers);
      MergeBulletLists(scratch);
    }
  }
  RemoveListItems(scratch->buffer, units, options, scratch->items, &scratch->numbers);
  if (may_inline) {
    FindInlineLists(scratch);
  }
}

// Returns the aspect of scratch->clauses[clause], computed on first use.
Aspect CachedClauseAspect(ExtractScratch* scratch, int clause) {
  std::optional<Aspect>& aspect = scratch->clause_aspect[clause];
  if (!aspect) {
    auto [begin, end] = scratch->clauses[clause];
    aspect = ClauseAspect(View(scratch->buffer.folded), begin, end);
  }
  return *aspect;
}

// Words that make a list item the total of the items above it (3、合计8万, 本月累计：25万元).
// A heading's trigger does not count such an item, and after a heading that counted items no
// trigger of its rule counts a number that such a word precedes in the number's clause.
constexpr std::u32string_view kTotalWords[] = {U"合计", U"总计", U"小计", U"累计", U"总额",
                                               U"共计", U"总共", U"一共", U"汇总", U"总金额"};

// Words after which an amount in a list item is no money taken: debts (欠款, 还欠), refunds
// and quotes. A heading's trigger takes no number after them in the item, unless the item
// collects the debt or accepts the quote (StopsItemMoney).
constexpr std::u32string_view kStopWords[] = {U"欠", U"退款", U"报价", U"询价"};

// Words that make an amount after them in the same clause of a list item no money taken: an
// estimate, a list price, a sum still owed or a decrease (预算20万, 原价20万, 应收20万, 合同减少3万).
// A heading's trigger takes no such number, so a later clause names the money taken
// (应收20万，实收5万, 原价20万，优惠后18万).
constexpr std::u32string_view kClauseStopWords[] = {U"预算", U"预估", U"预计", U"估值", U"应收",
                                                    U"原价", U"标价", U"减少", U"降了", U"少了"};

// Whether cp marks a sum next to a trigger after a list (今日共签约8万, 总签约8万, 签约共8万).
// Alone 共 and 总 are no total words, because they start words such as 共享 and 总部.
bool IsSumMark(char32_t cp) { return cp == U'共' || cp == U'总'; }

// Words that, before a number in its clause outside a list, make it a running total
// (本月累计回款15万, 截至目前拜访12家) that repeats earlier days' work.
constexpr std::u32string_view kRunningTotalWords[] = {U"累计", U"截至目前", U"截止目前", U"迄今",
                                                      U"至今"};

// Words that, before a number in its clause outside a list, make it a value from before the
// report (原订单10万元, 上次签约3万) and so no new work. 之前 is left out, because it also
// ends a deadline (下班之前回款2万).
constexpr std::u32string_view kEarlierWords[] = {U"原订单", U"原合同", U"原有", U"上次"};

// Whether cp starts a word of kRunningTotalWords or kEarlierWords.
bool StartsTotalWord(char32_t cp) {
  return cp == U'累' || cp == U'截' || cp == U'迄' || cp == U'至' || cp == U'原' || cp == U'上';
}

// Appends to *hits each word of kRunningTotalWords and then of kEarlierWords that starts at
// folded[at], in the order of those lists.
void AddTotalWordsAt(std::u32string_view folded, int32_t at, std::vector<TotalWordHit>* hits) {
  // The second code point rules out most positions at once, such as the 上 of 上午 and 上门.
  char32_t second = static_cast<size_t>(at) + 1 < folded.size() ? folded[at + 1] : 0;
  if (second != U'计' && second != U'至' && second != U'止' && second != U'今' && second != U'订' &&
      second != U'合' && second != U'有' && second != U'次') {
    return;
  }
  char32_t cp = folded[at];
  auto add = [&](std::span<const std::u32string_view> words, Aspect aspect) {
    for (std::u32string_view word : words) {
      if (word.front() == cp && ContinuesWith(folded, at, word)) {
        hits->push_back({at, at + static_cast<int32_t>(word.size()), aspect});
      }
    }
  };
  add(kRunningTotalWords, Aspect::kRunningTotal);
  add(kEarlierWords, Aspect::kEarlierValue);
}

// Returns the aspect of the first word of hits, the text's words in the order AddTotalWordsAt
// appends them, that lies in folded[begin, number), or kDone when none does. A running total
// word wins over an earlier value word at the same position.
Aspect RunningTotalAspect(const std::vector<TotalWordHit>& hits, int32_t begin, int32_t number) {
  for (const TotalWordHit& hit : hits) {
    if (hit.begin >= number) {
      break;
    }
    if (hit.begin >= begin && hit.end <= number) {
      return hit.aspect;
    }
  }
  return Aspect::kDone;
}

// Words that start a clause about the writer's team or company (部门今日签约合计50万元).
constexpr std::u32string_view kTeamWords[] = {U"部门", U"团队", U"全组", U"公司", U"大家"};

// Whether cp starts a word of kTeamWords.
bool StartsTeamWord(char32_t cp) {
  return cp == U'部' || cp == U'团' || cp == U'全' || cp == U'公' || cp == U'大';
}

// Words for the day or period of a report that may come before a word of kTeamWords.
constexpr std::u32string_view kTeamTimeWords[] = {U"今日", U"今天", U"本周", U"本月", U"昨日",
                                                  U"昨天"};

// Returns the end of the word of words that starts at folded[begin], or begin when none does.
int32_t SkipWord(std::u32string_view folded, int32_t begin,
                 std::span<const std::u32string_view> words) {
  for (std::u32string_view word : words) {
    if (word.front() == folded[begin] && ContinuesWith(folded, begin, word)) {
      return begin + static_cast<int32_t>(word.size());
    }
  }
  return begin;
}

// Whether the clause that starts at folded[begin] reports a total of the writer's team, which
// contains others' work. Such a clause starts with a word of kTeamWords, after a time word at
// most. Then 合计, 总计 or 共 comes before the number at folded[number] (部门今日签约合计50万元,
// 团队共签约50万元). A team word later in the clause (与华为公司签约共5万元) is a name.
// NOTE: a team word after another word (我们部门今日签约合计50万元) and a team amount without
// a total word (部门今日签约5万元) still count as the writer's work.
bool IsTeamTotal(std::u32string_view folded, int32_t begin, int32_t number) {
  while (begin < number && IsAsciiSpace(folded[begin])) {
    ++begin;
  }
  if (begin >= number) {
    return false;
  }
  // Every time word starts with one of these, and every team word with one of those below,
  // which rejects most clauses at once.
  char32_t first = folded[begin];
  if (first == U'今' || first == U'本' || first == U'昨') {
    begin = SkipWord(folded, begin, kTeamTimeWords);
    first = begin < number ? folded[begin] : U' ';
  }
  if (!StartsTeamWord(first)) {
    return false;
  }
  int32_t team_end = SkipWord(folded, begin, kTeamWords);
  if (team_end == begin) {
    return false;
  }
  for (int32_t at = team_end; at < number; ++at) {
    char32_t cp = folded[at];
    char32_t next = folded[at + 1];
    if ((cp == U'合' || cp == U'总') && next == U'计') {
      return true;
    }
    if (cp == U'共' && next != U'享' && next != U'同' && next != U'识' && next != U'建' &&
        next != U'赢') {
      return true;
    }
  }
  return false;
}

// Words that, before a deal trigger in its clause, make the deal one that the writer follows up
// and has not closed (跟进华为订单（5万元）). A code point of kFollowUpEnds between them closes
// the follow-up, so the deal is done (跟进后签约5万元, 跟进华为成功签约, 跟进的客户今天签约).
// Besides 后, 并, 且, 完, 已 and 再, these are the 成 of 成功, the 终 of 最终 and the 今 of 今天.
constexpr std::u32string_view kFollowUpWords[] = {U"跟进"};
constexpr char32_t kFollowUpEnds[] = {U'后', U'并', U'且', U'完', U'已', U'再',
                                      U'成', U'终', U'今', U'的'};

// Trigger words of a deal, which a follow-up leaves open. Payments are not among them: a
// follow-up of a payment (跟进小米回款3万元) usually reports the money that came in.
constexpr std::u32string_view kFollowedDealWords[] = {U"签约", U"签单", U"订单", U"合同",
                                                      U"成交", U"下单"};

// The maximum number of code points between a follow-up word and the deal trigger after it.
constexpr int32_t kMaxFollowUpGap = 8;

// Words of helping others, which make a deal after them in its clause another person's
// (协助同事与小米签约3万元), when a word of kColleagueWords follows within kMaxAssistGap code
// points. 下 right after the word (在同事协助下签约) makes the writer the one helped.
constexpr std::u32string_view kAssistWords[] = {U"协助", U"帮助", U"帮", U"配合", U"辅助",
                                                U"替", U"协同"};
// Titles such as 经理 or 销售 are not among them, because a customer's staff carry them too
// (协助华为张经理完成签约).
constexpr std::u32string_view kColleagueWords[] = {U"同事", U"他人", U"别人", U"队友"};
constexpr int32_t kMaxAssistGap = 4;

// Words that call off a deal in a clause after the number's clause in the same sentence
// (签约小米3万元，今天客户要求退单). Only kCallOffLeadWords may come before the word in its
// clause, so a clause that names another customer first (华为要求退单) leaves the deal done.
constexpr std::u32string_view kCallOffLaterWords[] = {
    U"退单", U"撤单", U"取消订单", U"取消合同", U"取消签约", U"取消合作", U"取消了订单",
    U"取消了合同", U"解约", U"毁约", U"退货", U"反悔", U"丢单", U"黄了"};
constexpr std::u32string_view kCallOffLeadWords[] = {
    U"今天", U"今日", U"当天", U"上午", U"下午", U"晚上", U"但是", U"但", U"可是", U"不过",
    U"可惜", U"结果", U"后来", U"随后", U"之后", U"最后", U"最终", U"该客户", U"客户", U"对方",
    U"又", U"却", U"已经", U"已", U"临时", U"突然", U"要求", U"提出", U"申请", U"决定", U"还是",
    U"被"};

// The first code points of kFollowUpWords, kAssistWords and kCallOffLaterWords, with 的 and the
// 单 and 笔 of a count of deals, which ReadMarks notes.
constexpr char32_t kOwnWorkWordStarts[] = {U'跟', U'协', U'帮', U'配', U'辅', U'替', U'退', U'撤',
                                           U'取', U'解', U'毁', U'反', U'丢', U'黄', U'的', U'单',
                                           U'笔'};

// Whether cp is a Chinese numeral that may come before 单 or 笔 in a count of deals (三单).
bool IsChineseNumeralCodePoint(char32_t cp) {
  switch (cp) {
    case U'一':
    case U'二':
    case U'两':
    case U'三':
    case U'四':
    case U'五':
    case U'六':
    case U'七':
    case U'八':
    case U'九':
    case U'十':
    case U'几':
      return true;
    default:
      return false;
  }
}

// Notes in the scratch the words of kOwnWorkWordStarts that folded[position] starts. Returns
// false and notes nothing for any other code point.
bool NoteOwnWorkStart(std::u32string_view folded, int32_t position, ExtractScratch* scratch) {
  switch (folded[position]) {
    case U'跟':
      scratch->follow_up_starts.push_back(position);
      return true;
    case U'协':
    case U'帮':
    case U'配':
    case U'辅':
    case U'替':
      scratch->assist_starts.push_back(position);
      return true;
    case U'退':
    case U'撤':
    case U'取':
    case U'解':
    case U'毁':
    case U'反':
    case U'丢':
    case U'黄':
      scratch->call_off_starts.push_back(position);
      return true;
    case U'的':
      scratch->has_de_particle = true;
      return true;
    case U'单':
    case U'笔':
      scratch->has_deal_count =
          scratch->has_deal_count ||
          (position > 0 && ((folded[position - 1] >= U'0' && folded[position - 1] <= U'9') ||
                            IsChineseNumeralCodePoint(folded[position - 1])));
      return true;
    default:
      return false;
  }
}

// A bit for the low six bits of the first code point of each word of kRunningTotalWords,
// kEarlierWords and kTeamWords. ReadMarks tests it first, because most marked positions start
// a trigger or a cue word and none of these words.
constexpr uint64_t kMarkedWordStarts = [] {
  uint64_t bits = 0;
  for (std::u32string_view word : kRunningTotalWords) {
    bits |= uint64_t{1} << (word.front() & 63);
  }
  for (std::u32string_view word : kEarlierWords) {
    bits |= uint64_t{1} << (word.front() & 63);
  }
  for (std::u32string_view word : kTeamWords) {
    bits |= uint64_t{1} << (word.front() & 63);
  }
  return bits;
}();

// The same bits for kOwnWorkWordStarts, kept apart so that the common marked positions, which
// start a trigger or a cue word, pay one more test and no more.
constexpr uint64_t kOwnWorkWordBits = [] {
  uint64_t bits = 0;
  for (char32_t cp : kOwnWorkWordStarts) {
    bits |= uint64_t{1} << (cp & 63);
  }
  return bits;
}();

// Fills scratch->breaks, has_line_break, has_colon, has_sentence_break, has_price_word,
// has_team_word and total_words from scratch->marked.
void ReadMarks(ExtractScratch* scratch) {
  std::u32string_view folded = View(scratch->buffer.folded);
  scratch->breaks.clear();
  scratch->total_words.clear();
  scratch->has_line_break = false;
  scratch->has_colon = false;
  scratch->has_sentence_break = false;
  scratch->has_price_word = false;
  scratch->has_team_word = false;
  scratch->has_de_particle = false;
  scratch->has_deal_count = false;
  scratch->call_off_starts.clear();
  scratch->follow_up_starts.clear();
  scratch->assist_starts.clear();
  for (int32_t position : scratch->marked) {
    char32_t cp = folded[position];
    if (IsClauseBreak(folded, position)) {
      scratch->breaks.push_back(position);
      bool line_break = cp == U'\n' || cp == U'\r';
      scratch->has_line_break = scratch->has_line_break || line_break;
      scratch->has_sentence_break = scratch->has_sentence_break || (!line_break && cp != U'.');
    } else if (cp == U':') {
      scratch->has_colon = true;
    } else if (cp == U'价' || cp == U'每') {
      scratch->has_price_word = true;
    } else if (((kMarkedWordStarts >> (cp & 63)) & 1) != 0 && StartsTotalWord(cp)) {
      AddTotalWordsAt(folded, position, &scratch->total_words);
    } else if (((kMarkedWordStarts >> (cp & 63)) & 1) != 0 && StartsTeamWord(cp)) {
      if (!scratch->has_team_word) {
        scratch->has_team_word = SkipWord(folded, position, kTeamWords) != position;
      }
    } else if (((kOwnWorkWordBits >> (cp & 63)) & 1) != 0) {
      NoteOwnWorkStart(folded, position, scratch);
    }
  }
}

// Words that make an amount after a list new work, not a repeat of the items (另外签约8万).
constexpr std::u32string_view kAdditionWords[] = {U"另外", U"另", U"还", U"此外", U"额外",
                                                  U"新增"};

// Words that may come before a heading's trigger in a heading whose cues mark the work done:
// the day, week or month of the report (今日签约：), or the day or week before it, which a
// report written the next day or on Monday covers (昨日签约：, 上周回款：). Words that state the
// work as done or new may stand with them in any order (已签约：, 今日新签订单, 今日实际回款：,
// 今日共签约：). The heading's other triggers may stand on either side of the trigger, joined by
// 及, 和 or 与 (今日拜访及签约：).
constexpr std::u32string_view kHeadingTimeWords[] = {
    U"今日", U"今天", U"本周", U"本月", U"本日", U"当日", U"昨日", U"昨天", U"上周",
    U"已",   U"新签", U"新",   U"完成", U"实际", U"共",   U"及",   U"和",   U"与"};

// Words that may stand after a heading's trigger: plain report words (本周回款情况：,
// 回款明细如下：, 签约客户：). A target, a problem or a follow-up (签约任务, 订单问题, 订单跟进)
// names no work done, so any other word makes the heading count nothing.
constexpr std::u32string_view kHeadingReportWords[] = {U"情况", U"明细", U"详情", U"记录", U"客户",
                                                       U"如下", U"金额", U"及",   U"和",   U"与"};

// Modifiers that, right before a heading's trigger, make it a duty, a target or a prospect
// (本月应回款, 潜在成交客户), whatever the heading's cues.
constexpr std::u32string_view kHeadingModifiers[] = {U"应",   U"需",   U"可",  U"逾期",
                                                     U"潜在", U"意向", U"目标"};

// Whether folded[begin, end) contains one of words.
bool ContainsWord(std::u32string_view folded, int32_t begin, int32_t end,
                  std::span<const std::u32string_view> words) {
  if (end <= begin) {
    return false;
  }
  std::u32string_view range = folded.substr(begin, end - begin);
  return std::any_of(words.begin(), words.end(), [range](std::u32string_view word) {
    return range.find(word) != std::u32string_view::npos;
  });
}

// Whether a total word is before the number at folded[number] in its sentence. The sentence
// starts after the last 。, !, ?, ; or line break before it. A total word is a word of
// kTotalWords (签约小米3万元。今日签约合计8万元), 共 before a word (今日共修复bug 3个，提交2次) or
// 总 right before trigger or number (总签约8万). 共 in 共享, 共同, 共识, 共建, 共赢 and 公共 is no total.
// A word of kAdditionWords in the number's clause (另外签约2万) makes it new work. The search
// reaches kSummaryReach code points before the trigger or number, so that a sentence of many
// clauses is not read again for each of its numbers.
constexpr int32_t kSummaryReach = 48;

bool FollowsSummaryWord(std::u32string_view folded, int32_t clause_begin, int32_t trigger,
                        int32_t number) {
  int32_t first = std::min(trigger, number);
  int32_t reach = std::max(0, first - kSummaryReach);
  if (ContainsWord(folded, std::max(clause_begin, reach), number, kAdditionWords)) {
    return false;
  }
  int32_t begin = first;
  while (begin > reach) {
    char32_t cp = folded[begin - 1];
    if (cp == U'。' || cp == U'!' || cp == U'?' || cp == U';' || cp == U'\n' || cp == U'\r') {
      break;
    }
    --begin;
  }
  if (ContainsWord(folded, begin, number, kTotalWords)) {
    return true;
  }
  for (int32_t at = begin; at + 1 < number; ++at) {
    char32_t next = folded[at + 1];
    if (folded[at] == U'共' && (at == 0 || folded[at - 1] != U'公') && next != U'享' &&
        next != U'同' && next != U'识' && next != U'建' && next != U'赢') {
      return true;
    }
  }
  return (trigger > 0 && folded[trigger - 1] == U'总') ||
         (number > 0 && folded[number - 1] == U'总');
}

// Whether the last match of out, bound to trigger, is a summary that repeats done matches of
// its rule before it in the same text (签约华为5万元，签约小米3万元。今日签约合计8万元). Alone
// (今日共拜访3家) a summary is the only count, so it stays.
bool RepeatsCountedMatches(const std::vector<ExtractionMatch>& out, std::u32string_view folded,
                           int32_t clause_begin, const Trigger& trigger, int32_t number) {
  bool counted_before = std::any_of(out.begin(), out.end() - 1, [&](const ExtractionMatch& m) {
    return m.rule == trigger.rule && m.aspect == Aspect::kDone && !m.identifier && !m.unreadable;
  });
  return counted_before && FollowsSummaryWord(folded, clause_begin, trigger.begin, number);
}

// Words that call off the deal or payment of a list item in a clause after its value
// (2、小米3万元，最后没签成). Plain negation cues such as 无 are left out, because a later clause
// such as 无异议 or 无问题 often follows a deal that was made.
constexpr std::u32string_view kCancelWords[] = {U"没签成", U"没成", U"未签", U"取消", U"作废",
                                                U"撤销", U"黄了", U"放弃", U"未到账", U"没到账",
                                                U"未收到", U"没收到"};

// Words that name money coming in. A heading trigger with one of them (今日回款：) reports money
// received, so a later part of an item that puts the payment off (下周到账) makes it planned.
constexpr std::u32string_view kPaymentWords[] = {U"回款", U"到账", U"收款", U"付款", U"打款",
                                                 U"汇款", U"转账", U"结款", U"付"};

// Words that name a deal. A heading trigger with one of them (今日签约：, 订单：) reports deals
// made, so a later part of an item that puts the payment off (下周到账) leaves the deal done,
// while one that puts the signing off (预计下周签) makes it planned.
constexpr std::u32string_view kDealWords[] = {U"签", U"成交", U"订单", U"下单"};

// Whether text contains one of words.
bool HasAnyWord(std::u32string_view text, std::span<const std::u32string_view> words) {
  return std::any_of(words.begin(), words.end(), [text](std::u32string_view word) {
    return text.find(word) != std::u32string_view::npos;
  });
}

// Whether folded[begin, end), a part of a list item after the part with its value, names the
// work that the heading trigger word reports. That work is money coming in for 回款, a deal for
// 签约 or 订单, and otherwise the trigger word itself (拜访).
bool NamesHeadingWork(std::u32string_view folded, int32_t begin, int32_t end,
                      std::u32string_view trigger_word) {
  std::u32string_view part = folded.substr(begin, end - begin);
  if (HasAnyWord(trigger_word, kPaymentWords)) {
    return HasAnyWord(part, kPaymentWords);
  }
  if (HasAnyWord(trigger_word, kDealWords)) {
    return HasAnyWord(part, kDealWords);
  }
  return part.find(trigger_word) != std::u32string_view::npos;
}

// Words of work other than a deal or a payment, which a later part of an item may plan without
// putting the item off (2、小米3万 明天回访).
constexpr std::u32string_view kOtherWorkWords[] = {U"拜访", U"回访", U"走访", U"跟进", U"联系",
                                                   U"沟通", U"见面", U"约见", U"开会", U"会议",
                                                   U"出差", U"电话", U"汇报", U"培训", U"演示"};

// Whether folded[begin, end), a part of a list item after the part with its value, names other
// work than the heading trigger word reports: a payment under 签约, a deal under 回款, or
// another activity (回访, 跟进).
bool NamesOtherWork(std::u32string_view folded, int32_t begin, int32_t end,
                    std::u32string_view trigger_word) {
  if (NamesHeadingWork(folded, begin, end, trigger_word)) {
    return false;
  }
  std::u32string_view part = folded.substr(begin, end - begin);
  return HasAnyWord(part, kPaymentWords) || HasAnyWord(part, kDealWords) ||
         HasAnyWord(part, kOtherWorkWords);
}

// Whether two trigger words name the same work: the same word, two words for money coming in
// (回款, 到账) or two words for a deal (签约, 成交).
bool NamesSameWork(std::u32string_view word, std::u32string_view other) {
  if (word == other) {
    return true;
  }
  bool payment = HasAnyWord(word, kPaymentWords);
  if (payment != HasAnyWord(other, kPaymentWords)) {
    return false;
  }
  return payment || (HasAnyWord(word, kDealWords) && HasAnyWord(other, kDealWords));
}

// Returns the end of the part of an item that contains the number ending at value_end: the
// first space, tab or clause break after it, or end. Words written right after the value
// (3万已签, 3万明天签) belong to its part.
int32_t ValuePartEnd(std::u32string_view folded, int32_t value_end, int32_t end) {
  int32_t at = value_end;
  while (at < end && folded[at] != U' ' && folded[at] != U'\t' && !IsClauseBreak(folded, at)) {
    ++at;
  }
  return at;
}

// Words that collect a debt (收回欠款5000元, 欠款5000元已结清), after which the money is taken.
constexpr std::u32string_view kCollectWords[] = {U"收回", U"追回", U"结清", U"回收", U"收到",
                                                 U"到账", U"还清", U"付清", U"打过来", U"已还"};

// Words that make a quoted price the price of a deal (按报价5万元签了, 报价5万元已接受).
constexpr std::u32string_view kAcceptWords[] = {U"签了", U"签订", U"成交", U"接受", U"确认"};

// Whether the stop word at stop makes the money at number, in the item folded[begin, end),
// another party's. A debt that the item collects (收回欠款2万元) and a quote that it accepts
// (按报价5万元签了) do not, while a refund always does.
bool StopsItemMoney(std::u32string_view folded, int32_t stop, int32_t number, int32_t begin,
                    int32_t end) {
  if (stop >= number) {
    return false;
  }
  if (folded[stop] == U'欠') {
    return !ContainsWord(folded, begin, end, kCollectWords);
  }
  if (folded[stop] == U'报' || folded[stop] == U'询') {
    return !ContainsWord(folded, begin, end, kAcceptWords);
  }
  return true;
}

// Whether a number of scratch.numbers begins at position, after any spaces.
bool StartsNumber(const ExtractScratch& scratch, int32_t position) {
  std::u32string_view folded = View(scratch.buffer.folded);
  while (static_cast<size_t>(position) < folded.size() && folded[position] == U' ') {
    ++position;
  }
  auto number = std::lower_bound(
      scratch.numbers.begin(), scratch.numbers.end(), position,
      [](const NumberMatch& match, int32_t at) { return match.begin < at; });
  return number != scratch.numbers.end() && number->begin == position;
}


// Appends the first code point of every occurrence of words in folded to *out, in increasing
// order.
void FindWordPositions(std::u32string_view folded, std::span<const std::u32string_view> words,
                       std::vector<int32_t>* out) {
  auto first = static_cast<std::ptrdiff_t>(out->size());
  for (std::u32string_view word : words) {
    for (size_t at = folded.find(word); at != std::u32string_view::npos;
         at = folded.find(word, at + 1)) {
      out->push_back(static_cast<int32_t>(at));
    }
  }
  std::sort(out->begin() + first, out->end());
}

// Returns the first of positions, which are in increasing order, at or after from, or
// INT32_MAX when there is none.
int32_t FirstPositionFrom(const std::vector<int32_t>& positions, int32_t from) {
  auto found = std::lower_bound(positions.begin(), positions.end(), from);
  return found == positions.end() ? INT32_MAX : *found;
}

// Whether cp belongs to a word: a Latin letter or a CJK ideograph. Spaces, digits and
// punctuation (【, 1、, -) belong to none.
bool IsWordCodePoint(char32_t cp) {
  return (cp >= U'a' && cp <= U'z') || (cp >= U'A' && cp <= U'Z') ||
         (cp >= 0x3400 && cp <= 0x9FFF) || (cp >= 0xF900 && cp <= 0xFAFF) || cp >= 0x20000;
}

// Returns where the label before the number at folded[number] ends: number, moved back over
// spaces, a colon and a linking 为 or 是 (单价为2万, 合计：6万), but not before limit.
int32_t LabelEnd(std::u32string_view folded, int32_t limit, int32_t number) {
  int32_t at = number;
  while (at > limit && (folded[at - 1] == U' ' || folded[at - 1] == U':' ||
                        folded[at - 1] == U'为' || folded[at - 1] == U'是')) {
    --at;
  }
  return at;
}

// Whether a word of kClauseStopWords, at one of positions, lies in folded[begin, number) and
// so makes the number there no money taken. 预计 does so only right before the number
// (预计20万), because 预计下周3万元 plans a deal.
bool StopsInClause(std::u32string_view folded, const std::vector<int32_t>& positions,
                   int32_t begin, int32_t number) {
  for (auto at = std::lower_bound(positions.begin(), positions.end(), begin);
       at != positions.end() && *at < number; ++at) {
    bool plan = folded[*at] == U'预' && folded[*at + 1] == U'计';
    if (!plan || LabelEnd(folded, *at + 2, number) == *at + 2) {
      return true;
    }
  }
  return false;
}

// Whether the number at folded[number] is the price of one unit: 单价 or 均价 comes right
// before it, or 每 and one word character (每台2万, 每套1.5万). No character before limit is read.
bool FollowsUnitPriceWord(std::u32string_view folded, int32_t limit, int32_t number) {
  int32_t at = LabelEnd(folded, limit, number);
  if (at - limit < 2) {
    return false;
  }
  // Code points are compared one by one, because a compare of two views costs more here, where
  // every number of the text is checked.
  char32_t first = folded[at - 2];
  char32_t second = folded[at - 1];
  return (second == U'价' && (first == U'单' || first == U'均')) ||
         (first == U'每' && IsWordCodePoint(second));
}

// The code points after a unit price that MoveUnitPrice searches for the sum of the deal.
constexpr int32_t kUnitPriceReach = 32;

// Words right before an amount that make it the sum of a deal priced per unit (单价2万，共6万).
constexpr std::u32string_view kSumWords[] = {U"共",   U"共计", U"合计",  U"总计",
                                             U"总价", U"总额", U"总金额"};

// Whether a word of kSumWords comes right before the number at folded[number], after limit.
bool FollowsSumWord(std::u32string_view folded, int32_t limit, int32_t number) {
  int32_t at = LabelEnd(folded, limit, number);
  return std::any_of(std::begin(kSumWords), std::end(kSumWords), [&](std::u32string_view word) {
    auto length = static_cast<int32_t>(word.size());
    return at - limit >= length && folded.substr(at - length, length) == word;
  });
}

// Whether a multiplication sign (*, ×, x or X) comes right before the number at
// folded[number], after spaces, with more of the item between limit and the sign. The number
// is then the price of one unit, as 500元 in 100台*500元. A sign at limit is a bullet (* 华为).
bool FollowsTimesSign(std::u32string_view folded, int32_t limit, int32_t number) {
  int32_t at = number;
  while (at > limit && folded[at - 1] == U' ') {
    --at;
  }
  if (at - limit < 2) {
    return false;
  }
  char32_t sign = folded[at - 1];
  return sign == U'*' || sign == U'×' || sign == U'x' || sign == U'X';
}

// Whether an equals sign comes right before the number at folded[number], after spaces and
// not before limit. The number is then the product of the numbers before it (100台*500元=5万).
bool FollowsEqualsSign(std::u32string_view folded, int32_t limit, int32_t number) {
  int32_t at = number;
  while (at > limit && folded[at - 1] == U' ') {
    --at;
  }
  return at > limit && folded[at - 1] == U'=';
}

// Whether folded[begin, end) is made of words from words, of the triggers in others and of
// code points that belong to no word, in any order.
bool ConsistsOfWords(std::u32string_view folded, int32_t begin, int32_t end,
                     std::span<const std::u32string_view> words, std::span<const Trigger> others) {
  int32_t at = begin;
  while (at < end) {
    if (!IsWordCodePoint(folded[at])) {
      ++at;
      continue;
    }
    int32_t next = at;
    for (std::u32string_view word : words) {
      if (static_cast<size_t>(end - at) >= word.size() && folded.substr(at, word.size()) == word) {
        next = at + static_cast<int32_t>(word.size());
        break;
      }
    }
    for (const Trigger& other : others) {
      if (next == at && other.begin == at && other.end <= end) {
        next = other.end;
      }
    }
    if (next == at) {
      return false;
    }
    at = next;
  }
  return true;
}

// Whether folded[0, end) ends with one of words.
bool EndsWithWord(std::u32string_view folded, int32_t end,
                  std::span<const std::u32string_view> words) {
  return std::any_of(words.begin(), words.end(), [&](std::u32string_view word) {
    return static_cast<size_t>(end) >= word.size() &&
           folded.substr(end - word.size(), word.size()) == word;
  });
}

// Returns the end of a count of deals that starts at folded[begin] and ends before end, digits
// or a Chinese numeral and then 单 or 笔 (the 2单 of 今日签约2单：), or begin when there is none.
int32_t SkipDealCount(std::u32string_view folded, int32_t begin, int32_t end) {
  constexpr std::u32string_view kNumerals = U"0123456789一二两三四五六七八九十";
  int32_t at = begin;
  while (at < end && kNumerals.find(folded[at]) != std::u32string_view::npos) {
    ++at;
  }
  if (at == begin || at >= end || (folded[at] != U'单' && folded[at] != U'笔')) {
    return begin;
  }
  return at + 1;
}

// Whether folded[begin, end), the rest of a trigger's clause after it, names no amount. Such a
// rest contains only spaces, 了 and a colon, and then at most a count of deals. Examples are
// the empty rest of 与华为签约, the 3单 of 签约3单 and the ：2单 of 今日签约：2单.
bool LeavesAmountOpen(std::u32string_view folded, int32_t begin, int32_t end) {
  while (end > begin && folded[end - 1] == U' ') {
    --end;
  }
  while (begin < end && (folded[begin] == U' ' || folded[begin] == U'了' || folded[begin] == U':')) {
    ++begin;
  }
  return begin == end || SkipDealCount(folded, begin, end) == end;
}

// The maximum length in code points of the party's name after a trigger (签约华为).
constexpr int32_t kMaxPartyName = 10;

// Whether folded[begin, end), the rest of a trigger's clause after it, is only the name of the
// other party (the 华为 of 签约华为): one to kMaxPartyName letters or ideographs, with spaces
// around them at most. A Chinese numeral rules a name out, because such a rest names a term or
// a count (签约一年期合同), which the amount after the comma may not be.
bool NamesOnlyParty(std::u32string_view folded, int32_t begin, int32_t end) {
  while (end > begin && folded[end - 1] == U' ') {
    --end;
  }
  while (begin < end && folded[begin] == U' ') {
    ++begin;
  }
  constexpr std::u32string_view kNumerals = U"零一二两三四五六七八九十百千万亿";
  return begin < end && end - begin <= kMaxPartyName &&
         std::all_of(folded.begin() + begin, folded.begin() + end, [&](char32_t cp) {
           return IsWordCodePoint(cp) && kNumerals.find(cp) == std::u32string_view::npos;
         });
}

// Words of a sum that may come before the amount after a count of deals (今日签约3单，共8万).
constexpr std::u32string_view kCountSumWords[] = {U"共", U"共计", U"一共", U"合计", U"总计"};

// Whether a count of deals ends the trigger's clause, folded[trigger_end, trigger_clause_end),
// and the number's clause before the number, folded[clause_begin, number_begin), is a word of
// kCountSumWords or the name of a party (今日签约1单，华为5万). The count and the comma then name
// the number as the deals' amount, as an amount label would (签约3单，金额8万).
bool FollowsDealCount(std::u32string_view folded, int32_t trigger_end,
                      int32_t trigger_clause_end, int32_t clause_begin, int32_t number_begin) {
  int32_t count_begin = trigger_end;
  while (count_begin < trigger_clause_end && folded[count_begin] == U' ') {
    ++count_begin;
  }
  int32_t count_end = SkipDealCount(folded, count_begin, trigger_clause_end);
  while (count_end < trigger_clause_end && folded[count_end] == U' ') {
    ++count_end;
  }
  if (count_end == count_begin || count_end != trigger_clause_end) {
    return false;
  }
  int32_t begin = clause_begin;
  int32_t end = number_begin;
  while (begin < end && folded[begin] == U' ') {
    ++begin;
  }
  while (end > begin && folded[end - 1] == U' ') {
    --end;
  }
  std::u32string_view words = folded.substr(begin, end - begin);
  return std::find(std::begin(kCountSumWords), std::end(kCountSumWords), words) !=
             std::end(kCountSumWords) ||
         NamesOnlyParty(folded, begin, end);
}

// Whether trigger, found in heading, makes the heading count the items of its list. A
// modifier right before the trigger (本月应回款) never does. In a heading whose cues mark the
// work done, only time words may come before the trigger and only report words after it,
// besides the heading's other triggers in others. A heading with a plan or negation cue
// (明日计划签约：, 未回款客户：) keeps its trigger, because its items count as planned or not
// done.
bool HasHeadingForm(std::u32string_view folded, const ListHeading& heading, const Trigger& trigger,
                    std::span<const Trigger> others) {
  if (EndsWithWord(folded, trigger.begin, kHeadingModifiers)) {
    return false;
  }
  if (heading.aspect != Aspect::kDone) {
    return true;
  }
  // A label before another colon (今日工作：签约：) and a section number (一、签约情况：) are
  // no part of the heading's words.
  int32_t begin = heading.begin;
  for (int32_t at = heading.begin; at < trigger.begin; ++at) {
    if (folded[at] == U':') {
      begin = at + 1;
    }
  }
  while (begin < trigger.begin && IsAsciiSpace(folded[begin])) {
    ++begin;
  }
  int32_t numeral_end = begin;
  while (numeral_end < trigger.begin &&
         std::u32string_view(U"一二三四五六七八九十").find(folded[numeral_end]) !=
             std::u32string_view::npos) {
    ++numeral_end;
  }
  if (numeral_end > begin && numeral_end < trigger.begin &&
      (folded[numeral_end] == U'、' || folded[numeral_end] == U'.')) {
    begin = numeral_end + 1;
  }
  // A count of deals may follow the trigger after spaces (今日签约 3单，华为5万、小米3万).
  int32_t count_begin = trigger.end;
  while (count_begin < heading.colon && IsAsciiSpace(folded[count_begin])) {
    ++count_begin;
  }
  return ConsistsOfWords(folded, begin, trigger.begin, kHeadingTimeWords, others) &&
         ConsistsOfWords(folded, SkipDealCount(folded, count_begin, heading.colon), heading.colon,
                         kHeadingReportWords, others);
}

// Returns the first code point of the line that ends at last when that line may head the list
// whose first item is at item without a colon (今日签约, 一、签约情况, 【今日回款】), or -1. Such
// a line passes DigitlessTitleBegin and contains no number in words either (今日签约三家), other
// than a section number at its start (一、) and a count of deals (今日签约2单, 今日签约两单).
int32_t DoneTitleBegin(const ExtractScratch& scratch, int32_t last, int32_t item) {
  std::u32string_view folded = View(scratch.buffer.folded);
  int32_t begin = DigitlessTitleBegin(folded, last, item);
  if (begin < 0) {
    return -1;
  }
  auto number = std::lower_bound(
      scratch.numbers.begin(), scratch.numbers.end(), begin,
      [](const NumberMatch& match, int32_t position) { return match.begin < position; });
  for (; number != scratch.numbers.end() && number->begin <= last; ++number) {
    bool section_number =
        number->begin == begin && number->end <= last && folded[number->end] == U'、';
    bool deal_count = IsDealMeasure(folded, number->end - 1) || IsDealMeasure(folded, number->end);
    if (!section_number && !deal_count) {
      return -1;
    }
  }
  return begin;
}

// Returns where the heading of scratch.lists[list], whose colon is at colon, may start at the
// earliest: after the content start of the previous list's last item and after the last
// number in that item before the colon (小米3万 明日计划：). Returns 0 when no list comes before.
int32_t PreviousListEnd(const ExtractScratch& scratch, size_t list, int32_t colon) {
  if (list == 0) {
    return 0;
  }
  const NumberedList& previous = scratch.lists[list - 1];
  const ListItem& last = scratch.items[previous.first_item + previous.item_count - 1];
  if (last.content > colon) {
    return 0;
  }
  auto after = std::lower_bound(
      scratch.numbers.begin(), scratch.numbers.end(), colon,
      [](const NumberMatch& match, int32_t position) { return match.begin < position; });
  if (after != scratch.numbers.begin() && std::prev(after)->begin >= last.content) {
    return std::min(std::prev(after)->end, colon);
  }
  return last.content;
}

// Whether match directly follows the name that starts item and ends its clause of the item,
// which ends at end. Only words, digits and spaces come before it (1、华为 2位), and no word or
// digit comes after it before a clause break (1、华为1家，见了2位领导). Then a count is the
// item's own value, not a count inside its text (华为，见了2位领导).
bool FollowsItemName(std::u32string_view folded, const ListItem& item, const NumberMatch& match,
                     int32_t end) {
  auto is_digit = [](char32_t cp) { return cp >= U'0' && cp <= U'9'; };
  // A time or date that starts the item (9:30 华为1家, 11.30 华为) is no part of its name.
  int32_t name_begin = item.content;
  while (name_begin < match.begin &&
         (is_digit(folded[name_begin]) ||
          std::u32string_view(U":./-").find(folded[name_begin]) != std::u32string_view::npos)) {
    ++name_begin;
  }
  for (int32_t at = name_begin; at < match.begin; ++at) {
    char32_t cp = folded[at];
    if (!IsWordCodePoint(cp) && !is_digit(cp) && cp != U' ' && cp != U'\t') {
      return false;
    }
  }
  for (int32_t at = match.end; at < end && !IsClauseBreak(folded, at); ++at) {
    if (IsWordCodePoint(folded[at]) || is_digit(folded[at])) {
      return false;
    }
  }
  return true;
}

// Whether match, a bare number in the item that starts at item and ends at end, is the item's
// amount although it has no unit or scale (1、华为 50000). It must be a whole number of 5 to 8
// digits that follows the item's name and ends its clause (FollowsItemName). Shorter numbers
// are left out, because rooms, extensions and years (1203, 8001, 2026) take those forms. Nor
// does a number right after a letter or a word for a place count (A座12030). A phone number is
// an identifier and never reaches this test.
bool IsBareItemAmount(std::u32string_view folded, const ListItem& item, const NumberMatch& match,
                      int32_t end) {
  constexpr std::u32string_view kPlaceWords = U"座楼层室房栋号区";
  constexpr int32_t kMinDigits = 5;
  constexpr int32_t kMaxDigits = 8;
  int32_t digits = match.end - match.begin;
  if (match.unit_class != UnitClass::kNone || match.scaled || match.approximate || match.hedged ||
      digits < kMinDigits || digits > kMaxDigits || folded[match.begin] == U'0') {
    return false;
  }
  for (int32_t at = match.begin; at < match.end; ++at) {
    if (folded[at] < U'0' || folded[at] > U'9') {
      return false;
    }
  }
  char32_t before = match.begin > 0 ? folded[match.begin - 1] : 0;
  bool after_place = (before >= U'A' && before <= U'Z') || (before >= U'a' && before <= U'z') ||
                     kPlaceWords.find(before) != std::u32string_view::npos;
  return !after_place && FollowsItemName(folded, item, match, end);
}

// Whether the money at number in folded[begin, end), one clause, is another party's rather than
// the work's: a refund before it, or a debt (欠) before it that the clause does not collect.
bool NamesOtherMoney(std::u32string_view folded, int32_t begin, int32_t number, int32_t end) {
  constexpr std::u32string_view kRefund[] = {U"退款"};
  constexpr std::u32string_view kDebt[] = {U"欠"};
  return ContainsWord(folded, begin, number, kRefund) ||
         (ContainsWord(folded, begin, number, kDebt) &&
          !ContainsWord(folded, begin, end, kCollectWords));
}

// Words of a day or period before the report. One of them right before a trigger that 的
// follows (上周签约的小米3万元订单, 昨天已签约的订单) makes the trigger describe a deal made
// before, which the text only names. Without 的 (昨天签约5万) the clause reports that work.
// 之前 is not among them, because it also ends a time of the same day (下班之前签约的).
constexpr std::u32string_view kEarlierTimeWords[] = {
    U"上周", U"上星期", U"上个月", U"上月", U"昨天", U"昨日", U"前天",
    U"此前", U"以前", U"早前", U"先前", U"去年"};

// Whether trigger, which ends before the number at folded[number], names earlier work: 的
// follows it, and a word of kEarlierTimeWords, then 已 or 已经 at most, comes right before it
// and after begin.
bool NamesEarlierWork(std::u32string_view folded, int32_t begin, const Trigger& trigger,
                      int32_t number) {
  if (trigger.end >= number || folded[trigger.end] != U'的') {
    return false;
  }
  int32_t end = trigger.begin;
  while (end > begin && folded[end - 1] == U' ') {
    --end;
  }
  if (end > begin && folded[end - 1] == U'已') {
    --end;
  } else if (end - 1 > begin && folded[end - 2] == U'已' && folded[end - 1] == U'经') {
    end -= 2;
  }
  for (std::u32string_view word : kEarlierTimeWords) {
    auto size = static_cast<int32_t>(word.size());
    if (end - size >= begin && folded.substr(end - size, size) == word) {
      return true;
    }
  }
  return false;
}

// Whether a word of kFollowUpWords comes before trigger in folded[begin, trigger.begin) within
// kMaxFollowUpGap code points, with no word of kFollowUpEnds between them, and the trigger is a
// word of kFollowedDealWords. follow_up_starts contains every position where such a word may
// start, in increasing order.
bool FollowsUpDeal(std::u32string_view folded, const std::vector<int32_t>& follow_up_starts,
                   int32_t begin, const Trigger& trigger) {
  int32_t limit = std::max(begin, trigger.begin - kMaxFollowUpGap - 2);
  auto after =
      std::lower_bound(follow_up_starts.begin(), follow_up_starts.end(), trigger.begin - 1);
  int32_t at = -1;
  for (auto it = after; it != follow_up_starts.begin() && *(it - 1) >= limit; --it) {
    if (folded[*(it - 1) + 1] == U'进') {
      at = *(it - 1);
      break;
    }
  }
  if (at < 0) {
    return false;
  }
  std::u32string_view between = folded.substr(at + 2, trigger.begin - at - 2);
  bool closed = std::any_of(std::begin(kFollowUpEnds), std::end(kFollowUpEnds),
                            [between](char32_t cp) {
                              return between.find(cp) != std::u32string_view::npos;
                            });
  std::u32string_view word = folded.substr(trigger.begin, trigger.end - trigger.begin);
  return !closed && HasAnyWord(word, kFollowedDealWords);
}

// Whether folded[begin, end) contains a word of kAssistWords that a word of kColleagueWords
// follows within kMaxAssistGap code points, and 下 does not follow directly. assist_starts
// contains every position where such a word may start, in increasing order.
bool AssistsColleague(std::u32string_view folded, const std::vector<int32_t>& assist_starts,
                      int32_t begin, int32_t end) {
  auto first = std::lower_bound(assist_starts.begin(), assist_starts.end(), begin);
  for (auto it = first; it != assist_starts.end() && *it < end; ++it) {
    int32_t at = *it;
    int32_t word_end = SkipWord(folded, at, kAssistWords);
    if (word_end == at || (word_end < end && folded[word_end] == U'下')) {
      continue;
    }
    std::u32string_view after =
        folded.substr(word_end, std::min(end - word_end, kMaxAssistGap + 2));
    if (HasAnyWord(after, kColleagueWords)) {
      return true;
    }
  }
  return false;
}

// Whether folded[begin, end) reports a deal of its own: a trigger of rule, or an amount, which
// is a number with a currency unit or a bare scale (签约小米3万元, 小米3万).
bool HasOwnDeal(const ExtractScratch& scratch, int rule, int32_t begin, int32_t end) {
  bool has_trigger =
      std::any_of(scratch.triggers.begin(), scratch.triggers.end(), [&](const Trigger& trigger) {
        return trigger.rule == rule && trigger.begin >= begin && trigger.begin < end;
      });
  if (has_trigger) {
    return true;
  }
  auto number = std::lower_bound(
      scratch.numbers.begin(), scratch.numbers.end(), begin,
      [](const NumberMatch& match, int32_t position) { return match.begin < position; });
  for (; number != scratch.numbers.end() && number->begin < end; ++number) {
    bool amount = number->unit_class == UnitClass::kCurrency ||
                  (number->scaled && number->unit_class == UnitClass::kNone);
    if (amount && !number->identifier) {
      return true;
    }
  }
  return false;
}

// Whether a clause after the one that ends at folded[clause_end], in the same sentence, is a word
// of kCallOffLaterWords after words of kCallOffLeadWords and spaces only, and before 了 at most
// (，客户要求退单了). Only commas join clauses here, and the search stops at a clause that reports
// a deal of its own (HasOwnDeal with rule), because a call-off after it calls off that deal
// (签约华为5万元，签约小米3万元，客户要求退单). scratch.call_off_starts contains, in increasing
// order, every position where a word of kCallOffLaterWords may start, so a clause without one is
// not read.
bool CallsOffLater(const ExtractScratch& scratch, int rule, int32_t clause_end) {
  std::u32string_view folded = View(scratch.buffer.folded);
  const std::vector<int32_t>& breaks = scratch.breaks;
  const std::vector<int32_t>& call_off_starts = scratch.call_off_starts;
  auto size = static_cast<int32_t>(folded.size());
  auto next = std::upper_bound(breaks.begin(), breaks.end(), clause_end);
  auto start = std::upper_bound(call_off_starts.begin(), call_off_starts.end(), clause_end);
  while (clause_end < size && folded[clause_end] == U',' && start != call_off_starts.end()) {
    int32_t begin = clause_end + 1;
    clause_end = next != breaks.end() ? *next : size;
    if (next != breaks.end()) {
      ++next;
    }
    for (; start != call_off_starts.end() && *start < clause_end; ++start) {
      // Only 了 may follow the word, so 退单率下降 is no call-off.
      int32_t word_end = SkipWord(folded, *start, kCallOffLaterWords);
      if (word_end == *start) {
        continue;
      }
      while (word_end < clause_end && (folded[word_end] == U'了' || folded[word_end] == U' ')) {
        ++word_end;
      }
      if (word_end != clause_end) {
        continue;
      }
      // Only lead words and spaces may come before the word.
      int32_t at = begin;
      for (int32_t skipped = at - 1; skipped != at && at < *start;) {
        skipped = at;
        while (at < *start && IsAsciiSpace(folded[at])) {
          ++at;
        }
        if (at < *start) {
          at = SkipWord(folded, at, kCallOffLeadWords);
        }
      }
      if (at == *start) {
        return true;
      }
    }
    if (HasOwnDeal(scratch, rule, begin, clause_end)) {
      return false;
    }
  }
  return false;
}

// Replaces *out with the folded position of each number written in enclosed digits (①) that
// starts a line after its indent. Fold's one-to-one path has no enclosed digits, so a text
// that it folded has none. breaks contains every line break of the text.
__attribute__((noinline)) void FindEnclosedItems(const FoldBuffer& text,
                                                 const std::vector<int32_t>& breaks,
                                                 std::vector<int32_t>* out) {
  out->clear();
  if (text.one_to_one) {
    return;
  }
  std::u32string_view folded = View(text.folded);
  auto size = static_cast<int32_t>(folded.size());
  auto add_line = [&](int32_t at) {
    while (at < size && (folded[at] == U' ' || folded[at] == U'\t')) {
      ++at;
    }
    if (at < size && folded[at] >= U'0' && folded[at] <= U'9' &&
        IsEnclosedAlphanumeric(OriginalAt(text, OriginOf(text, at)))) {
      out->push_back(at);
    }
  };
  add_line(0);
  for (int32_t position : breaks) {
    if (folded[position] == U'\n' || folded[position] == U'\r') {
      add_line(position + 1);
    }
  }
}

// Whether best, or a trigger of its rule in clause, names earlier work (NamesEarlierWork) before
// the number at folded position.
bool HasEarlierWorkTrigger(const ExtractScratch& scratch, int clause, const Trigger& best,
                           int32_t start, int32_t position) {
  std::u32string_view folded = View(scratch.buffer.folded);
  // The earlier deal is only named when no work of today on it follows before the number: 今天
  // or 今日 (之前签约的客户今天追加订单3万元), or a trigger other than the nouns that name the
  // deal itself (上周签约的小米订单本周回款3万元, but 昨天签约的小米订单3万元 only names it).
  auto names_only = [&](const Trigger& earlier) {
    if (folded.substr(earlier.end, position - earlier.end).find(U'今') !=
        std::u32string_view::npos) {
      return false;
    }
    return std::none_of(scratch.triggers.begin(), scratch.triggers.end(),
                        [&](const Trigger& other) {
                          std::u32string_view word =
                              folded.substr(other.begin, other.end - other.begin);
                          return other.begin > earlier.end && other.begin < position &&
                                 word != U"订单" && word != U"合同";
                        });
  };
  // A trigger of earlier work has 的 right after it, which rules out most triggers at once.
  if (best.clause != clause && best.end < position && folded[best.end] == U'的' &&
      NamesEarlierWork(folded, start, best, position) && names_only(best)) {
    return true;
  }
  for (int t = scratch.clause_triggers[clause]; t < scratch.clause_triggers[clause + 1]; ++t) {
    const Trigger& trigger = scratch.triggers[t];
    if (trigger.end < position && folded[trigger.end] == U'的' && trigger.rule == best.rule &&
        NamesEarlierWork(folded, start, trigger, position) && names_only(trigger)) {
      return true;
    }
  }
  return false;
}

// Returns the aspect that words around a done number outside lists give it, or kDone. A trigger
// of earlier work (上周签约的) gives kEarlierValue, and a follow-up of a deal (跟进华为订单) gives
// kPlanned. For an amount, help for a colleague (协助同事签约) gives kOtherSection, and a later
// clause that calls the deal off (，客户要求退单) gives kNegated. The number is
// scratch.numbers[number], best is its trigger, and start is the first position of its clause
// or of its trigger's clause. Kept out of line, so that MatchInto stays small enough for GCC 12
// to inline its other helpers.
__attribute__((noinline)) Aspect OwnWorkAspect(const ExtractScratch& scratch, size_t number,
                                               const Trigger& best, int32_t start,
                                               QuantityKind kind) {
  std::u32string_view folded = View(scratch.buffer.folded);
  int32_t position = scratch.numbers[number].begin;
  int clause = scratch.number_clause[number];
  if (scratch.has_de_particle && HasEarlierWorkTrigger(scratch, clause, best, start, position)) {
    return Aspect::kEarlierValue;
  }
  if (!scratch.follow_up_starts.empty() &&
      FollowsUpDeal(folded, scratch.follow_up_starts, start, best)) {
    return Aspect::kPlanned;
  }
  // Visits made together with a colleague (配合同事拜访客户3家) are the writer's visits too.
  if (!scratch.assist_starts.empty() && kind == QuantityKind::kAmount &&
      AssistsColleague(folded, scratch.assist_starts, start, std::min(best.begin, position))) {
    return Aspect::kOtherSection;
  }
  if (!scratch.call_off_starts.empty() && kind == QuantityKind::kAmount &&
      CallsOffLater(scratch, best.rule, scratch.clauses[clause].second)) {
    return Aspect::kNegated;
  }
  return Aspect::kDone;
}

}  // namespace

Decimal Quantity::Value() const { return ValueOf(low, high, approximate); }

Decimal ExtractionMatch::Value() const { return ValueOf(low, high, approximate); }

FoldedText FoldText(std::string_view utf8) {
  FoldBuffer buffer;
  Fold(utf8, &buffer);
  FoldedText out;
  out.text.assign(buffer.utf8);
  out.origin.resize(buffer.folded.size());
  for (size_t i = 0; i < out.origin.size(); ++i) {
    out.origin[i] = OriginOf(buffer, static_cast<int32_t>(i));
  }
  out.original_length = OriginalLength(buffer);
  return out;
}

namespace {

// Words around a typed value, such as 约8小时, 完成约80%, 80%左右. The words before
// kFirstHedge only state that the work is done. The others are hedges, which make the value an
// estimate without changing it. 多 and 余 are not here because they turn the value into a
// range (三千多), which the number reader handles.
constexpr std::u32string_view kLeadingWords[] = {U"已经完成", U"已完成", U"完成了", U"完成",
                                                 U"差不多",   U"大约",   U"大概",   U"将近",
                                                 U"接近",     U"约",     U"近"};
constexpr size_t kFirstHedge = 4;
// 以上 and 以内 bound the value (95%以上, 2小时以内), which counts as written, marked approximate.
constexpr std::u32string_view kTrailingHedges[] = {U"左右", U"上下", U"以上", U"以内", U"+"};

// Trims the words around a typed value and returns whether a hedge was among them.
bool TrimHedges(std::u32string_view folded, int32_t* begin, int32_t* end) {
  bool hedged = false;
  for (bool trimmed = true; trimmed && *begin < *end;) {
    trimmed = false;
    std::u32string_view rest = folded.substr(*begin, *end - *begin);
    for (size_t i = 0; i < std::size(kLeadingWords); ++i) {
      std::u32string_view word = kLeadingWords[i];
      if (rest.size() > word.size() && rest.substr(0, word.size()) == word) {
        *begin += static_cast<int32_t>(word.size());
        hedged = hedged || i >= kFirstHedge;
        trimmed = true;
        break;
      }
    }
  }
  std::u32string_view rest = folded.substr(*begin, *end - *begin);
  for (std::u32string_view hedge : kTrailingHedges) {
    if (rest.size() > hedge.size() && rest.substr(rest.size() - hedge.size()) == hedge) {
      *end -= static_cast<int32_t>(hedge.size());
      hedged = true;
      break;
    }
  }
  while (*begin < *end && IsAsciiSpace(folded[*begin])) {
    ++*begin;
  }
  while (*end > *begin && IsAsciiSpace(folded[*end - 1])) {
    --*end;
  }
  return hedged;
}

// Returns the number of tenths that digit names in 8成 or 八成 (十 is 10), or -1.
int64_t TenthsDigit(char32_t digit) {
  constexpr std::u32string_view kDigits = U"零一二三四五六七八九十";
  if (digit >= U'0' && digit <= U'9') {
    return digit - U'0';
  }
  size_t index = kDigits.find(digit);
  return index == std::u32string_view::npos ? -1 : static_cast<int64_t>(index);
}

// Whether separator joins the two ends of a typed range of tenths, as in free text: a dash, the
// double dash ——, 到 or 至, or a dash or double dash between two single spaces.
bool JoinsTenthsRange(std::u32string_view separator) {
  if (separator.size() >= 3 && separator.front() == U' ' && separator.back() == U' ') {
    separator = separator.substr(1, separator.size() - 2);
    return separator == U"——" || (separator.size() == 1 && IsRangeDash(separator[0]));
  }
  return separator == U"——" ||
         (separator.size() == 1 &&
          (IsRangeDash(separator[0]) || separator[0] == U'到' || separator[0] == U'至'));
}

// Reads a percentage written in tenths, 八成 or 8成 (80%) or 十成 (100%), with one more digit
// (九成五 = 95%), or a range of them
// (8-9成, 8成-9成, 8 —— 9成, 八到九成), which is approximate like other typed ranges. Spaces may
// stand before the final 成 (9 成). Returns nullopt for anything else, and for a range whose
// ends are not rising or that IsRangeTooWide rejects.
std::optional<Quantity> ReadTenthsPercent(const FoldBuffer& buffer, int32_t begin, int32_t end) {
  std::u32string_view folded = View(buffer.folded);
  if (end - begin == 3 && folded[begin + 1] == U'成') {
    // 九成五 or 9成5: tenths and then one more digit, 95%.
    int64_t tenths = TenthsDigit(folded[begin]);
    int64_t ones = TenthsDigit(folded[begin + 2]);
    if (tenths < 1 || tenths > 9 || ones < 1 || ones > 9) {
      return std::nullopt;
    }
    Quantity quantity;
    quantity.low = quantity.high = Decimal::FromInt(tenths * 10 + ones);
    quantity.unit = "成";
    quantity.span = {OriginOf(buffer, begin), OriginOf(buffer, end - 1) + 1};
    return quantity;
  }
  if (end - begin < 2 || folded[end - 1] != U'成') {
    return std::nullopt;
  }
  int32_t high_at = end - 2;
  while (high_at > begin && IsAsciiSpace(folded[high_at])) {
    --high_at;
  }
  int64_t high = TenthsDigit(folded[high_at]);
  int64_t low = high;
  if (high_at > begin) {
    low = TenthsDigit(folded[begin]);
    // The lower end may repeat the 成 (8成-9成).
    int32_t separator_begin = folded[begin + 1] == U'成' ? begin + 2 : begin + 1;
    if (separator_begin >= high_at ||
        !JoinsTenthsRange(folded.substr(separator_begin, high_at - separator_begin)) ||
        !(low < high)) {
      return std::nullopt;
    }
  }
  if (low < 0 || (low < high && IsRangeTooWide(Decimal::FromInt(low), Decimal::FromInt(high)))) {
    return std::nullopt;
  }
  Quantity quantity;
  quantity.low = Decimal::FromInt(low * 10);
  quantity.high = Decimal::FromInt(high * 10);
  quantity.approximate = low < high;
  quantity.unit = "成";
  quantity.span = {OriginOf(buffer, begin), OriginOf(buffer, end - 1) + 1};
  return quantity;
}

// Whether text is only a plain integer of 1 to kMaxIntegerDigits ASCII digits without a
// leading zero, as typed amounts and counts usually are.
bool IsPlainInteger(std::string_view text) {
  if (text.empty() || text.size() > static_cast<size_t>(kMaxIntegerDigits) ||
      (text.front() == '0' && text.size() > 1)) {
    return false;
  }
  return std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Returns the value of a text that IsPlainInteger accepts. Eight digits always fit.
int64_t PlainIntegerValue(std::string_view digits) {
  int64_t value = 0;
  for (char digit : digits) {
    value = value * 10 + (digit - '0');
  }
  return value;
}

// Reads a duration written in two parts, such as 1小时30分钟 or 2h30m, as their sum. Returns
// nullopt unless both parts are exact durations.
std::optional<NumberMatch> ReadDurationSum(const FoldBuffer& buffer, int32_t begin,
                                           int32_t end, const ScanOptions& options) {
  auto is_exact_duration = [](const std::optional<NumberMatch>& part) {
    return part && part->unit_class == UnitClass::kDuration && !part->approximate;
  };
  for (int32_t split = begin + 1; split < end; ++split) {
    std::optional<NumberMatch> first = ReadOneNumber(buffer, begin, split, DefaultUnits(), options);
    if (!is_exact_duration(first)) {
      continue;
    }
    // The second part is folded on its own, because in 2h30m the letter before 30 would mark
    // it as an identifier (V2).
    thread_local FoldBuffer second_part;
    auto second_byte = static_cast<size_t>(buffer.cp_byte[split]);
    Fold(std::string_view(buffer.utf8).substr(second_byte, buffer.cp_byte[end] - second_byte),
         &second_part);
    auto second_end = static_cast<int32_t>(second_part.folded.size());
    int32_t second_begin = 0;
    while (second_begin < second_end && IsAsciiSpace(second_part.folded[second_begin])) {
      ++second_begin;
    }
    std::optional<NumberMatch> second =
        ReadOneNumber(second_part, second_begin, second_end, DefaultUnits(), options);
    std::optional<Decimal> sum =
        is_exact_duration(second) ? first->low.CheckedAdd(second->low) : std::nullopt;
    if (!sum) {
      return std::nullopt;
    }
    first->low = first->high = *sum;
    first->end = end;
    first->unit += second->unit;
    return first;
  }
  return std::nullopt;
}

// Reads a typed range whose ends are written in full, such as 5千-6千, 五千到六千 or 80%-90%,
// as an approximate quantity. Both ends must be exact and of one unit class, or the first
// bare and the second a count or amount (3千-5千元), and the range no wider than
// kMaxRangeRatio allows. For a duration (kind kDuration) a lower end of 0, bare or with a time
// unit, starts a range of any width (0-1小时), because people write it for "under an hour".
// Returns nullopt otherwise.
std::optional<NumberMatch> ReadTypedRange(const FoldBuffer& buffer, int32_t begin, int32_t end,
                                          QuantityKind kind, const ScanOptions& options) {
  for (int32_t split = begin + 1; split + 1 < end; ++split) {
    char32_t separator = buffer.folded[split];
    if (!IsRangeDash(separator) && separator != U'到' && separator != U'至') {
      continue;
    }
    // As in free text, a dash may be the double dash —— and may stand between two single
    // spaces (3000 - 5000, 80% —— 90%).
    int32_t low_end = split;
    int32_t high_begin = separator == 0x2014 && buffer.folded[split + 1] == 0x2014 ? split + 2
                                                                                  : split + 1;
    if (IsRangeDash(separator) && buffer.folded[split - 1] == U' ' && high_begin < end &&
        buffer.folded[high_begin] == U' ') {
      --low_end;
      ++high_begin;
    }
    std::optional<NumberMatch> low =
        ReadOneNumber(buffer, begin, low_end, DefaultUnits(), options);
    std::optional<NumberMatch> high =
        ReadOneNumber(buffer, high_begin, end, DefaultUnits(), options);
    if (!low || !high || low->approximate || high->approximate || !(low->low < high->low)) {
      return std::nullopt;
    }
    bool duration_from_zero = kind == QuantityKind::kDuration && low->low == Decimal() &&
                              high->unit_class == UnitClass::kDuration;
    if (!duration_from_zero && IsRangeTooWide(low->low, high->high)) {
      return std::nullopt;
    }
    bool bare_low = low->unit_class == UnitClass::kNone &&
                    (high->unit_class == UnitClass::kCurrency ||
                     high->unit_class == UnitClass::kMeasureWord || duration_from_zero);
    if (low->unit_class != high->unit_class && !bare_low) {
      return std::nullopt;
    }
    high->begin = low->begin;
    high->low = low->low;
    high->approximate = true;
    return high;
  }
  return std::nullopt;
}

// Moves *end before a parenthesised note at the end of a typed value, as in 5000（含税）.
void TrimNote(std::u32string_view folded, int32_t begin, int32_t* end) {
  if (*end - begin < 2 || folded[*end - 1] != U')') {
    return;
  }
  size_t open = folded.substr(0, *end).rfind(U'(');
  if (open == std::u32string_view::npos || static_cast<int32_t>(open) <= begin) {
    return;
  }
  *end = static_cast<int32_t>(open);
  while (*end > begin && IsAsciiSpace(folded[*end - 1])) {
    --*end;
  }
}

// A typed value with the spaces between a number and its scale word taken out.
struct JoinedScale {
  std::string text;
  // For each space taken out, the code point index in text of the scale word it preceded.
  std::vector<int32_t> removed_before;
};

// Returns text without the spaces between a digit and the scale word after it ("5 万" becomes
// "5万", "1.5 k" becomes "1.5k"), or nullopt when there are none. A space is the ASCII space,
// the tab, the no-break space or the ideographic space. A typed value contains one quantity,
// so such a space cannot separate two numbers.
std::optional<JoinedScale> JoinSpacedScale(std::string_view text) {
  constexpr std::string_view kIdeographicSpace = "\u3000";
  constexpr std::string_view kScales[] = {"万", "千", "百", "亿", "w", "W", "k", "K"};
  auto is_digit_before = [&text](size_t at) {
    if (at >= 1 && text[at - 1] >= '0' && text[at - 1] <= '9') {
      return true;
    }
    // Full-width digits are EF BC 90 to EF BC 99.
    return at >= 3 && static_cast<unsigned char>(text[at - 3]) == 0xEF &&
           static_cast<unsigned char>(text[at - 2]) == 0xBC &&
           static_cast<unsigned char>(text[at - 1]) >= 0x90 &&
           static_cast<unsigned char>(text[at - 1]) <= 0x99;
  };
  constexpr std::string_view kNoBreakSpace = "\u00A0";
  auto space_length = [&text, kIdeographicSpace, kNoBreakSpace](size_t at) -> size_t {
    if (text[at] == ' ' || text[at] == '\t') {
      return 1;
    }
    for (std::string_view space : {kIdeographicSpace, kNoBreakSpace}) {
      if (text.substr(at).starts_with(space)) {
        return space.size();
      }
    }
    return 0;
  };

  JoinedScale joined;
  int32_t code_points = 0;
  for (size_t at = 0; at < text.size();) {
    size_t run = at;
    while (run < text.size() && space_length(run) > 0) {
      run += space_length(run);
    }
    if (run > at && run < text.size() && is_digit_before(at)) {
      bool scale_follows = false;
      for (std::string_view scale : kScales) {
        scale_follows = scale_follows || text.substr(run).starts_with(scale);
      }
      if (scale_follows) {
        for (size_t space = at; space < run; space += space_length(space)) {
          joined.removed_before.push_back(code_points);
        }
        at = run;
        continue;
      }
    }
    joined.text += text[at];
    code_points += (static_cast<unsigned char>(text[at]) & 0xC0) != 0x80 ? 1 : 0;
    ++at;
  }
  if (joined.removed_before.empty()) {
    return std::nullopt;
  }
  return joined;
}

// Reads a text that IsPlainInteger accepts. The number reader takes a plain integer as a bare
// number over the whole text, which then gets the default unit, so that result is built
// directly.
std::optional<Quantity> ReadPlainInteger(std::string_view text, QuantityKind kind,
                                         std::string_view default_unit) {
  NumberMatch number;
  number.end = static_cast<int32_t>(text.size());
  number.low = number.high = Decimal::FromInt(PlainIntegerValue(text));
  if (!ApplyDefaultUnit(kind, default_unit, &number)) {
    return std::nullopt;
  }
  Quantity quantity;
  quantity.low = number.low;
  quantity.high = number.high;
  quantity.unit = std::move(number.unit);
  quantity.span = Span{0, number.end};
  return quantity;
}

// ParseQuantity without the memo, reading the text as written.
std::optional<Quantity> ReadQuantityAsWritten(std::string_view text, QuantityKind kind,
                                              std::string_view default_unit) {
  if (IsPlainInteger(text)) {
    return ReadPlainInteger(text, kind, default_unit);
  }

  // Per thread, so that typed fields reuse the buffers' capacity like Extract does.
  thread_local FoldBuffer buffer;
  Fold(text, &buffer);
  std::u32string_view folded = View(buffer.folded);
  int32_t begin = 0;
  auto end = static_cast<int32_t>(folded.size());
  while (begin < end && IsAsciiSpace(folded[begin])) {
    ++begin;
  }
  while (end > begin && IsAsciiSpace(folded[end - 1])) {
    --end;
  }
  TrimNote(folded, begin, &end);
  // 整 after the currency word, as on invoices and cheques (5000元整, 伍万元整), means "exactly".
  if (kind == QuantityKind::kAmount && end - begin >= 2 && folded[end - 1] == U'整' &&
      (folded[end - 2] == U'元' || folded[end - 2] == U'圆' || folded[end - 2] == U'块')) {
    --end;
  }
  bool hedged = TrimHedges(folded, &begin, &end);
  if (begin == end) {
    return std::nullopt;
  }
  if (kind == QuantityKind::kPercent) {
    // 5万 or 3k in a percent field is an amount typed in the wrong field, not 50000%.
    auto first_byte = static_cast<size_t>(buffer.cp_byte[begin]);
    if (HasScaleWord(buffer.utf8.substr(first_byte, buffer.cp_byte[end] - first_byte))) {
      return std::nullopt;
    }
    if (std::optional<Quantity> tenths = ReadTenthsPercent(buffer, begin, end)) {
      tenths->approximate = tenths->approximate || hedged;
      return tenths;
    }
  }

  ScanOptions options;
  options.allow_bare_chinese = true;
  std::optional<NumberMatch> number = ReadOneNumber(buffer, begin, end, DefaultUnits(), options);
  if (!number && kind == QuantityKind::kDuration) {
    number = ReadDurationSum(buffer, begin, end, options);
  }
  if (!number) {
    number = ReadTypedRange(buffer, begin, end, kind, options);
  }
  if (!number || !FitsKind(kind, number->unit_class)) {
    return std::nullopt;
  }
  if (number->unit_class == UnitClass::kNone && number->unit.empty() &&
      !ApplyDefaultUnit(kind, default_unit, &*number)) {
    return std::nullopt;
  }
  number->hedged = hedged;
  return ToQuantity(buffer, *number);
}

// Reads text without the spaces before its scale word, or returns nullopt when it has none.
std::optional<Quantity> ReadJoinedScale(std::string_view text, QuantityKind kind,
                                        std::string_view default_unit) {
  std::optional<JoinedScale> joined = JoinSpacedScale(text);
  if (!joined) {
    return std::nullopt;
  }
  std::optional<Quantity> quantity = ReadQuantityAsWritten(joined->text, kind, default_unit);
  if (quantity) {
    // Map the span back to text: each space taken out before a position shifts it by one.
    auto shift = [&joined](int32_t index, bool inclusive) {
      int32_t removed = 0;
      for (int32_t before : joined->removed_before) {
        removed += before < index || (inclusive && before == index) ? 1 : 0;
      }
      return index + removed;
    };
    quantity->span = Span{shift(quantity->span.begin, true), shift(quantity->span.end, false)};
  }
  return quantity;
}

std::optional<Quantity> ReadQuantity(std::string_view text, QuantityKind kind,
                                     std::string_view default_unit);

// Reads a duration that ends with 分 rather than 分钟 (45分, 3小时20分) as minutes. In free text
// 分 also names points and cents, so only a duration field reads it so.
std::optional<Quantity> ReadBareMinutes(std::string_view text, std::string_view default_unit) {
  constexpr std::string_view kMinute = "分";
  if (!text.ends_with(kMinute)) {
    return std::nullopt;
  }
  std::string minutes(text);
  minutes += "钟";
  std::optional<Quantity> quantity =
      ReadQuantity(minutes, QuantityKind::kDuration, default_unit);
  if (quantity) {
    // The span ends before the 钟 that the text does not have.
    int32_t length = CountCodePointsByStep(text).code_points;
    quantity->span.end = std::min(quantity->span.end, length);
  }
  return quantity;
}

// ParseQuantity without the memo. A value that does not read as written is read once more
// without the spaces before its scale word, so that an amount typed as "5 万" reads as 50000.
// A duration may end with 分 for minutes (45分). A value that still does not read is read
// without a remark after it that contains no number (3天，已完成). Each step runs only when the
// steps before it failed, so a value that reads as written keeps its reading.
std::optional<Quantity> ReadQuantity(std::string_view text, QuantityKind kind,
                                     std::string_view default_unit) {
  std::optional<Quantity> quantity = ReadQuantityAsWritten(text, kind, default_unit);
  if (!quantity) {
    quantity = ReadJoinedScale(text, kind, default_unit);
  }
  if (!quantity && kind == QuantityKind::kDuration) {
    quantity = ReadBareMinutes(text, default_unit);
  }
  if (quantity) {
    return quantity;
  }
  TypedRemark remark = FindTypedRemark(text);
  if (remark.begin == std::string_view::npos || remark.has_number) {
    return std::nullopt;
  }
  return ReadQuantity(text.substr(0, remark.begin), kind, default_unit);
}

// Recent ParseQuantity results of one thread. Typed fields repeat a few values (8小时, 2天),
// so a hit skips folding and number reading. The memo is direct-mapped by a hash of the
// inputs and compares every input in full, so a hit returns what ReadQuantity would.
class QuantityMemo {
 public:
  // Values longer than this are always read; a typed value is usually a few characters.
  static constexpr size_t kMaxTextBytes = 32;

  std::optional<Quantity> Parse(std::string_view text, QuantityKind kind,
                                std::string_view default_unit) {
    if (text.size() > kMaxTextBytes) {
      return ReadQuantity(text, kind, default_unit);
    }
    Entry& entry = entries_[Hash(text, kind, default_unit) % entries_.size()];
    if (!entry.used || entry.kind != kind || entry.text != text ||
        entry.default_unit != default_unit) {
      entry.result = ReadQuantity(text, kind, default_unit);
      entry.text.assign(text);
      entry.default_unit.assign(default_unit);
      entry.kind = kind;
      entry.used = true;
    }
    return entry.result;
  }

 private:
  struct Entry {
    bool used = false;
    QuantityKind kind = QuantityKind::kCount;
    std::string text;
    std::string default_unit;
    std::optional<Quantity> result;
  };

  // FNV-1a over both texts, with the kind between them.
  static uint64_t Hash(std::string_view text, QuantityKind kind, std::string_view default_unit) {
    uint64_t hash = 0xCBF29CE484222325;
    auto mix = [&hash](unsigned char byte) {
      hash ^= byte;
      hash *= 0x100000001B3;
    };
    for (char c : text) {
      mix(static_cast<unsigned char>(c));
    }
    mix(static_cast<unsigned char>(kind));
    for (char c : default_unit) {
      mix(static_cast<unsigned char>(c));
    }
    return hash;
  }

  std::array<Entry, 64> entries_;
};

}  // namespace

std::optional<Quantity> ParseQuantity(std::string_view text, QuantityKind kind,
                                      std::string_view default_unit) {
  // A plain integer is read directly, without folding, and typed amounts vary too much for
  // the memo to keep them. ReadQuantity returns the same, because it has no space to remove.
  if (IsPlainInteger(text)) {
    return ReadPlainInteger(text, kind, default_unit);
  }
  thread_local QuantityMemo memo;
  return memo.Parse(text, kind, default_unit);
}

namespace {

// A field's default unit resolved for ReadPlainTypedValue.
struct PlainUnit {
  bool valid = false;
  QuantityKind kind = QuantityKind::kCount;
  std::string input;  // the field's default unit as configured, before folding
  DefaultUnit resolved;
  int32_t code_points = 0;  // of resolved.utf8
  bool scales = false;      // whether the unit multiplies or divides the number
};

// Whether two short texts have the same bytes. Units are a few bytes, which two overlapping
// word loads compare in fewer instructions than a byte loop or a call to memcmp.
inline bool SameShortText(std::string_view a, std::string_view b) {
  return a.size() == b.size() && EqualShortBytes(a.data(), b.data(), a.size());
}

// The default units resolved last on this thread. The typed fields of a template pass the
// same kinds and units for every log, so a log of amount and duration fields alternates between
// two of them.
struct RecentPlainUnits {
  static constexpr size_t kKeptUnits = 4;
  std::array<PlainUnit, kKeptUnits> units;
  size_t next_replaced = 0;
};

RecentPlainUnits& RecentUnitsOfThread() {
  thread_local RecentPlainUnits recent;
  return recent;
}

// Resolves a default unit that RecentUnitsOfThread does not keep, in place of the oldest one.
// Kept out of line, so that the common lookup in ReadPlainTypedValue needs a smaller frame.
[[gnu::noinline]] const PlainUnit& ResolveNewPlainUnit(QuantityKind kind,
                                                       std::string_view default_unit) {
  RecentPlainUnits& recent = RecentUnitsOfThread();
  PlainUnit& unit = recent.units[recent.next_replaced];
  recent.next_replaced = (recent.next_replaced + 1) % RecentPlainUnits::kKeptUnits;
  unit.resolved = ResolveDefaultUnit(kind, default_unit);
  unit.input.assign(default_unit);
  unit.kind = kind;
  unit.code_points = CountCodePointsByStep(unit.resolved.utf8).code_points;
  unit.scales = !(unit.resolved.factor == Decimal::FromInt(1) &&
                  unit.resolved.divisor == Decimal::FromInt(1));
  unit.valid = true;
  return unit;
}

// Returns the resolved default unit.
inline const PlainUnit& ResolvePlainUnit(QuantityKind kind, std::string_view default_unit) {
  for (const PlainUnit& unit : RecentUnitsOfThread().units) {
    if (unit.valid && unit.kind == kind && SameShortText(unit.input, default_unit)) {
      return unit;
    }
  }
  return ResolveNewPlainUnit(kind, default_unit);
}

}  // namespace

std::optional<PlainTypedValue> ReadPlainTypedValue(std::string_view text, QuantityKind kind,
                                                   std::string_view default_unit) {
  if (kind == QuantityKind::kPercent) {
    return std::nullopt;
  }
  // The value is read in the same pass as the digits. It wraps for a long run, which the
  // check below rejects before the value is used.
  size_t digits = 0;
  uint64_t digit_value = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') {
    digit_value = digit_value * 10 + static_cast<uint64_t>(text[digits] - '0');
    ++digits;
  }
  // The digits must form a plain integer, as IsPlainInteger checks.
  if (digits == 0 || digits > static_cast<size_t>(kMaxIntegerDigits) ||
      (text.front() == '0' && digits > 1)) {
    return std::nullopt;
  }
  std::string_view written_unit(text.data() + digits, text.size() - digits);
  // Only amount and duration units are checked to be one whole unit word, so only they may be
  // written after the number.
  if (!written_unit.empty() && kind != QuantityKind::kAmount &&
      kind != QuantityKind::kDuration) {
    return std::nullopt;
  }

  const PlainUnit& unit = ResolvePlainUnit(kind, default_unit);
  if (!written_unit.empty() &&
      (unit.resolved.empty || !SameShortText(written_unit, unit.resolved.utf8))) {
    return std::nullopt;
  }
  if (!unit.resolved.empty && !unit.resolved.fits) {
    return std::nullopt;
  }
  PlainTypedValue typed;
  typed.value = Decimal::FromInt(static_cast<int64_t>(digit_value));
  typed.code_points = static_cast<int32_t>(digits) + (written_unit.empty() ? 0 : unit.code_points);
  if (!unit.resolved.empty && unit.scales) {
    // The same steps as ApplyDefaultUnit, which ParseQuantity uses.
    std::optional<Decimal> product = typed.value.CheckedMultiply(unit.resolved.factor);
    std::optional<Decimal> scaled =
        product ? product->CheckedDivide(unit.resolved.divisor) : std::nullopt;
    if (!scaled || scaled->Abs() > kLargestQuantity) {
      return std::nullopt;
    }
    typed.value = *scaled;
  }
  return typed;
}

TypedRemark FindTypedRemark(std::string_view text) {
  constexpr std::string_view kWideMarks[] = {"，", "；", "。"};
  TypedRemark remark;
  for (size_t at = 1; at < text.size() && remark.begin == std::string_view::npos; ++at) {
    bool next_is_digit = at + 1 < text.size() && text[at + 1] >= '0' && text[at + 1] <= '9';
    if ((text[at] == ',' || text[at] == ';') && !next_is_digit) {
      remark.begin = at;
    }
    for (std::string_view mark : kWideMarks) {
      if (text.substr(at).starts_with(mark)) {
        remark.begin = at;
      }
    }
  }
  if (remark.begin == std::string_view::npos) {
    return remark;
  }
  // Any digit, full-width digit or Chinese numeral counts, so 已完成一半 contains a number too.
  constexpr std::string_view kNumerals[] = {"０", "１", "２", "３", "４", "５", "６", "７", "８",
                                            "９", "零", "〇", "一", "二", "三", "四", "五", "六",
                                            "七", "八", "九", "十", "百", "千", "万", "亿", "两",
                                            "半", "壹", "贰", "叁", "肆", "伍", "陆", "柒", "捌",
                                            "玖", "拾", "佰", "仟"};
  std::string_view rest = text.substr(remark.begin);
  remark.has_number = rest.find_first_of("0123456789") != std::string_view::npos;
  for (std::string_view numeral : kNumerals) {
    remark.has_number = remark.has_number || rest.find(numeral) != std::string_view::npos;
  }
  return remark;
}

bool HasIdentifierDigitRun(std::string_view text) {
  FoldBuffer buffer;
  Fold(text, &buffer);
  int run = 0;
  for (char32_t cp : buffer.folded) {
    run = cp >= U'0' && cp <= U'9' ? run + 1 : 0;
    if (run > kMaxIntegerDigits) {
      return true;
    }
  }
  return false;
}

bool HasIdentifierNumber(std::string_view text) {
  FoldBuffer buffer;
  Fold(text, &buffer);
  ScanOptions options;
  options.keep_identifiers = true;
  std::vector<NumberMatch> numbers;
  ScanNumbers(buffer, DefaultUnits(), options, &numbers);
  return std::any_of(numbers.begin(), numbers.end(), [](const NumberMatch& number) {
    return number.identifier && !number.unreadable;
  });
}

struct Extractor::Impl {
  std::vector<ExtractionRule> rules;
  std::vector<std::unique_ptr<re2::RE2>> patterns;        // one per rule
  std::vector<std::vector<std::u32string>> measure_words;  // folded, one list per rule
  UnitTable units;

  // Patterns that are plain word lists (拜访|走访) are matched as literals in one pass over
  // the folded text, sorted by first code point, with a bitmap of those first code points
  // (low 16 bits) as a filter. Other patterns go through one RE2::Set pass and then RE2.
  struct Literal {
    std::u32string text;
    int rule = 0;
  };
  std::vector<Literal> literals;
  CodePointFilter literal_starts;
  // First code points of the literals and of the cue words, so that one test skips a code
  // point that starts neither.
  CodePointFilter clause_starts;
  // Cues(), kept here so that extraction skips the guard of its function-local static.
  const CueTable* cue_words = &Cues();
  // The code points of clause_starts and those that may break a clause, which ScanNumbers
  // marks while it scans for numbers. Set at the end of Create.
  CodePointFilter scan_marks;
  std::unique_ptr<ScanMarks> marks;
  std::unique_ptr<re2::RE2::Set> regex_triggers;  // null when every pattern is literal
  std::vector<int> regex_rules;                   // set index -> rule index

  explicit Impl(const std::vector<std::string>& extra_measure_words)
      : units(extra_measure_words) {}

  // Returns how well number fits rule, higher being better. A unit the rule lists scores 2.
  // A measure word for a rule that lists none, or a scaled bare number for an amount, scores
  // 1. Another bare number scores 0, and a number that does not fit scores -1.
  int Fit(int rule, const NumberMatch& number) const;
  // Whether rule counts and number, without a unit word, has a scale or a place such as 万,
  // 千 or k (拜访3万, 拜访3千, 拜访两百). Such a number reads as money more often than as a
  // count, so the rule takes it only with a measure word (拜访3万家).
  bool IsMoneyForCount(int rule, const NumberMatch& number) const;
  void AddLiterals(const std::vector<std::u32string>& words, int rule);
  bool MayStartLiteral(char32_t cp) const {
    return literal_starts.MayContain(cp);
  }
  // Appends every literal trigger inside folded code points [begin, end), and in the same
  // pass searches that clause for cue words from cues->next on, as ClauseAspect would. Only
  // the positions in marked are visited, which must include every position in the clause
  // whose code point clause_starts may contain. The search of marked starts at *next_mark,
  // which is left at the first position at or after end, so that a caller scanning clauses
  // from left to right passes each position once.
  void ScanClause(std::u32string_view folded, const std::vector<int32_t>& marked, int32_t begin,
                  int32_t end, const CueTable& cue_table, size_t* next_mark,
                  std::vector<Trigger>* out, CueScan* cues) const;
  // Adds a first code point of a literal or cue word to clause_starts and scan_marks.
  void AddClauseStart(char32_t cp) {
    clause_starts.Add(cp);
    scan_marks.Add(cp);
  }
  // Appends to *joins the position of the + that ends number, when the number has a scale or a
  // unit and a word that is no unit word follows the +. Such a + joins two items, as in 回款2万+欠款3万元. A + before a number is a sum,
  // and one before a unit word (5+个用户), before 左右 or at the end of the text a hedge.
  void AddPlusJoin(std::u32string_view folded, const NumberMatch& number,
                   std::vector<int32_t>* joins) const;
  // Fills scratch->triggers from the clauses in scratch->clauses, in clause order, and
  // scratch->clause_triggers.
  void CollectTriggers(ExtractScratch* scratch) const;
  // Appends the triggers of the regex rules that match the searched text.
  void CollectRegexTriggers(ExtractScratch* scratch) const;
  // Whether the number at index number may bind to trigger in the clause before its own. Only
  // a comma may separate the clauses, or a line break before an amount label and a colon
  // (金额：8万元), and the number needs a unit word or mark. No trigger of
  // the same rule may lie in the number's own clause, and no number the rule counts may follow
  // the trigger within max_gap in the trigger's own clause, and the number's clause may name no
  // other money (NamesOtherMoney). The caller still checks the number's own fit and gap.
  bool BindsAcrossComma(const ExtractScratch& scratch, size_t number,
                        const Trigger& trigger) const;
  // Whether an amount label (金额, 合同金额, 订单金额) starts the clause of the number at index
  // number and directly precedes it, and trigger is of an amount rule in the clause before,
  // which ends with a date, a count of deals or the trigger (签约日期2026-11-03，金额5万元,
  // 签约3单，金额15万, 与华为签约，金额5万).
  bool HasAmountLabel(const ExtractScratch& scratch, size_t number, const Trigger& trigger) const;
  // Whether trigger is of an amount rule in the clause before the number at index number, and
  // FollowsDealCount is true of the two clauses (签约1单，华为5万).
  bool FollowsCountOfDeals(const ExtractScratch& scratch, size_t number,
                           const Trigger& trigger) const;
  // Returns the index of the trigger that the number at index number binds to, or -1, and
  // sets *claim to the number's claim on it. A counting number skips a trigger that another
  // number owns with a better claim; an identifier, which never counts, takes any trigger.
  int BestTrigger(const ExtractScratch& scratch, size_t number, Claim* claim) const;
  // Binds every number to at most one trigger and every trigger to at most one counting
  // number, filling scratch->binding.
  void BindNumbers(ExtractScratch* scratch) const;
  // Moves the binding of each unit price of an amount rule (签约3台，单价2万元，共6万元) to an
  // unbound sum after it in its sentence, which kUnitPriceReach bounds. Without such a sum, the
  // price stays bound only when no other number is between its trigger and the sentence's end,
  // so 签约华为，单价2万元 counts 20000 and 签约3台，单价2万元 counts nothing. A sum also takes
  // the trigger of an unbound price (签约3台，单价2万，共6万).
  void MoveUnitPrices(ExtractScratch* scratch) const;
  // Moves or drops the binding of the unit price at index number, as MoveUnitPrices describes.
  // Returns whether a sum took the binding.
  bool MoveUnitPrice(size_t number, ExtractScratch* scratch) const;
  // Returns the index of the nearest trigger of an amount rule that owns no number and comes
  // before the number at index number in its sentence, within kUnitPriceReach, or -1.
  int SentenceAmountTrigger(const ExtractScratch& scratch, size_t number) const;
  // Fills scratch->headings and scratch->heading_triggers from scratch->lists. Keeps a
  // heading that has a trigger or a cue. Returns whether it kept one.
  bool FindListHeadings(ExtractScratch* scratch) const;
  // Binds the numbers inside the items of each list in scratch->headings, after BindNumbers.
  // A number bound to a trigger in its own item keeps it, unless a total word comes before it
  // in its clause. Otherwise each rule of a heading trigger that took no number before its
  // colon takes one number per item, as BindListItem describes, and the items of a sub-list
  // only when their parent item counted no number. Appends the heading triggers it binds to
  // scratch->triggers, with clause -1, and fills scratch->listed. Then drops the totals that
  // repeat counted items, as DropRepeatedTotals describes.
  void BindListItems(ExtractScratch* scratch) const;
  // Whether trigger, one of heading's, already counts a number in the heading (今日回款5万：).
  bool HasOwnTotal(const ExtractScratch& scratch, const ListHeading& heading,
                   const Trigger& trigger) const;
  // Binds the numbers of one item, [item.content, end). The heading's triggers that count
  // items are those of scratch->triggers from first_trigger on. A rule of theirs takes the
  // item's first number with a unit or scale of its kind, unless a total or stop word comes
  // before that number in the item. A count rule takes it only when it directly follows the
  // item's name and ends the item (1、华为 2位). An item whose first such number follows a
  // total word (3、合计8万) is a total line and counts nothing. Returns whether a number of the
  // item is left bound to a trigger, so that it counts.
  bool BindListItem(const ListHeading& heading, const ListItem& item, int32_t end,
                    size_t first_trigger, ExtractScratch* scratch) const;
  // Chooses what an amount rule takes from item for the number at index number: that number
  // (kThis), a later number of the item (kLater) or no number of the item (kNone). A unit
  // price (单价2.5万, or 500元 after 100台*) gives way to a sum after it (共5万, =5万), and alone
  // counts only when the item has no other number (华为单价2万, not 华为3台，单价2万). Under a
  // payment heading the money of a deal gives way to a collected debt after it
  // (华为2万元，收回欠款1万元).
  ItemChoice ChooseItemValue(const ExtractScratch& scratch, size_t number, const ListItem& item,
                             int32_t end, int rule, bool payment) const;
  // Binds a total in a later clause of the last item of a list to a count rule of the heading,
  // when no number of the list counted for that rule (拜访客户：1. 华为 2. 小米 3. 中兴，共3家
  // counts 3 visits). The clause contains only 共, 共计, 合计, 总计, 总共 or 一共 before the
  // number. A total that an amount rule took is left to UnbindRepeatedTotal. The items run
  // from list_begin to end, and the heading's counting triggers are those of scratch->triggers
  // from first_trigger on.
  void BindListTotal(const ListHeading& heading, const ListItem& last, int32_t end,
                     int32_t list_begin, size_t first_trigger, ExtractScratch* scratch) const;
  // Unbinds the total at index number, which a heading's trigger took as the value of the last
  // item. It does so when that item has no number before the total and earlier items of the
  // list counted for the same rule, because then the total repeats them (2、小米，共8万 after
  // 1、华为5万).
  void UnbindRepeatedTotal(size_t number, const ListItem& last, int32_t list_begin,
                           size_t first_trigger, ExtractScratch* scratch) const;
  // Fills scratch->item_rules with the rules of the heading's counting triggers, those of
  // scratch->triggers from first_trigger on, that a trigger inside item already counts with a
  // number of the item. Such an item names its own value (华为 10万合同，回款5万 under 今日回款：),
  // so the heading's trigger of that rule takes no other number of it. This holds only when the
  // item's trigger names the heading trigger's work (NamesSameWork) and no word of
  // kAdditionWords comes before it in its clause (华为 5万，另回款2万 under 今日签约： counts both).
  // The item's numbers start at index first_number.
  void FindOwnItemRules(ExtractScratch* scratch, const ListItem& item, int32_t end,
                        size_t first_number, size_t first_trigger) const;
  // Whether a number in folded[begin, end) is bound to a trigger of rule.
  bool CountsListNumber(const ExtractScratch& scratch, int32_t begin, int32_t end, int rule) const;
  // Adds the rule and word of trigger, a heading's, to scratch->counted_rules with the colon of
  // its heading, unless the same rule and word are there already.
  void RecordCountedHeading(const Trigger& trigger, int32_t colon, ExtractScratch* scratch) const;
  // Whether a trigger of scratch.triggers from first_trigger on is of rule.
  bool CountsRule(const ExtractScratch& scratch, size_t first_trigger, int rule) const;
  // Unbinds each number bound to a trigger outside the headings, after a heading that counted
  // items under the same trigger word, when a total word comes before the number in its clause
  // or the trigger's. Such a total repeats the items (今日签约合计：8万 after the items).
  void DropRepeatedTotals(ExtractScratch* scratch) const;
  // Whether the number at index number, bound to the trigger at index bound outside any list
  // item, repeats the items that a heading with the same trigger word counted before it. It
  // does when 共 or 总 is right before or after the trigger or right before the number
  // (今日共签约8万, 签约共8万). It also does when its value is the sum of those items and no
  // word of kAdditionWords (另外签约8万) precedes it in its clause.
  bool RepeatsListedSum(const ExtractScratch& scratch, size_t number, int bound) const;
  // Appends the matches of rule's pattern inside folded code points [begin, end).
  void FindTriggers(const FoldBuffer& text, int rule, int32_t begin, int32_t end,
                    std::vector<Trigger>* out) const;
};

inline bool Extractor::Impl::IsMoneyForCount(int rule, const NumberMatch& number) const {
  return rules[rule].kind == QuantityKind::kCount && number.unit_class == UnitClass::kNone &&
         number.scale_word;
}

// Inline, because binding calls it for every pair of a number and a trigger in its clause.
inline int Extractor::Impl::Fit(int rule, const NumberMatch& number) const {
  QuantityKind kind = rules[rule].kind;
  if (!FitsKind(kind, number.unit_class)) {
    return -1;
  }
  if (number.unit_class == UnitClass::kNone) {
    if (kind == QuantityKind::kPercent || kind == QuantityKind::kDuration) {
      return -1;  // free text needs the % or the time unit
    }
    if (IsMoneyForCount(rule, number)) {
      return -1;
    }
    return number.scaled ? 1 : 0;
  }
  if (number.unit_class != UnitClass::kMeasureWord) {
    return 2;
  }
  const std::vector<std::u32string>& words = measure_words[rule];
  if (words.empty()) {
    return 1;
  }
  std::u32string_view written = number.measure_word;
  if (written.empty()) {
    return -1;
  }
  for (const std::u32string& word : words) {
    if (word.front() == written.front() && word.size() == written.size() &&
        ContinuesWith(written, 0, word)) {
      return 2;
    }
  }
  return -1;
}

void Extractor::Impl::FindTriggers(const FoldBuffer& text, int rule, int32_t begin,
                                   int32_t end, std::vector<Trigger>* out) const {
  re2::StringPiece input(text.utf8.data(), text.utf8.size());
  re2::StringPiece match;
  auto pos = static_cast<size_t>(text.cp_byte[begin]);
  auto end_byte = static_cast<size_t>(text.cp_byte[end]);
  while (pos <= end_byte &&
         patterns[rule]->Match(input, pos, end_byte, re2::RE2::UNANCHORED, &match, 1)) {
    auto match_begin = static_cast<size_t>(match.data() - input.data());
    size_t match_end = match_begin + match.size();
    out->push_back(Trigger{CodePointAt(text, match_begin), CodePointAt(text, match_end), rule});
    // Create rejects patterns that match empty text, but an empty match is still possible
    // with anchors; step past it so the loop ends.
    pos = match_end > match_begin ? match_end : match_end + 1;
  }
}

void Extractor::Impl::AddLiterals(const std::vector<std::u32string>& words, int rule) {
  for (const std::u32string& word : words) {
    literals.push_back(Literal{word, rule});
    literal_starts.Add(word.front());
  }
  std::stable_sort(literals.begin(), literals.end(), [](const Literal& a, const Literal& b) {
    return a.text.front() < b.text.front();
  });
}

// Inlined into both callers, because CollectTriggers calls it for every clause with numbers.
__attribute__((always_inline)) inline void Extractor::Impl::ScanClause(
    std::u32string_view folded, const std::vector<int32_t>& marked, int32_t begin, int32_t end,
    const CueTable& cue_table, size_t* next_mark, std::vector<Trigger>* out,
    CueScan* cues) const {
  std::u32string_view clause = folded.substr(0, end);
  auto at = marked.begin() + static_cast<std::ptrdiff_t>(*next_mark);
  if (at != marked.begin() && *(at - 1) >= begin) {
    at = marked.begin();  // a clause left of the last one is searched from the start
  }
  while (at != marked.end() && *at < begin) {
    ++at;
  }
  for (; at != marked.end() && *at < end; ++at) {
    int32_t i = *at;
    char32_t cp = folded[i];
    if (!clause_starts.MayContain(cp)) {
      continue;
    }
    // The cue search steps one code point at a time past code points that start no cue word,
    // so it may skip them and resume here, unless a word it read reaches past i.
    if (!cues->negated && cues->next <= i && cue_table.MayStart(cp)) {
      cues->next = i;
      VisitCue(cue_table, folded.substr(i, end - i), cues);
    }
    if (!MayStartLiteral(cp)) {
      continue;
    }
    auto first = std::lower_bound(literals.begin(), literals.end(), cp,
                                  [](const Literal& a, char32_t c) { return a.text.front() < c; });
    for (auto it = first; it != literals.end() && it->text.front() == cp; ++it) {
      if (ContinuesWith(clause, static_cast<size_t>(i), it->text)) {
        out->push_back(Trigger{i, i + static_cast<int32_t>(it->text.size()), it->rule});
      }
    }
  }
  *next_mark = static_cast<size_t>(at - marked.begin());
}

// Returns the words of a pattern that is only literal words joined by |, folded, or nullopt
// when the pattern uses any other regex syntax or folding would change a word.
std::optional<std::vector<std::u32string>> LiteralWords(const std::string& pattern) {
  if (pattern.find_first_of("\\.+*?()[]{}^$") != std::string::npos) {
    return std::nullopt;
  }
  std::vector<std::u32string> words;
  FoldBuffer folded;
  size_t start = 0;
  while (true) {
    size_t bar = pattern.find('|', start);
    std::string_view word = std::string_view(pattern).substr(start, bar - start);
    Fold(word, &folded);
    if (word.empty() || folded.utf8 != word) {
      return std::nullopt;
    }
    words.emplace_back(View(folded.folded));
    if (bar == std::string::npos) {
      return words;
    }
    start = bar + 1;
  }
}

Extractor::Extractor(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Extractor::Extractor(Extractor&&) noexcept = default;
Extractor& Extractor::operator=(Extractor&&) noexcept = default;
Extractor::~Extractor() = default;

Result<Extractor> Extractor::Create(std::vector<ExtractionRule> rules) {
  std::vector<std::string> all_measure_words;
  for (const ExtractionRule& rule : rules) {
    all_measure_words.insert(all_measure_words.end(), rule.measure_words.begin(),
                             rule.measure_words.end());
  }
  auto impl = std::make_unique<Impl>(all_measure_words);

  re2::RE2::Options options;
  options.set_log_errors(false);
  impl->regex_triggers = std::make_unique<re2::RE2::Set>(options, re2::RE2::UNANCHORED);
  for (const ExtractionRule& rule : rules) {
    auto rule_index = static_cast<int>(impl->patterns.size());
    std::string where = "extraction rule \"" + rule.name + "\" (metric \"" + rule.metric +
                        "\")";
    if (rule.pattern.empty()) {
      return MakeError(ErrorCode::kInvalidArgument,
                       where + ": pattern is empty; set it to the trigger words, e.g. 拜访|走访");
    }
    if (rule.max_gap < 0 || rule.max_gap > 64) {
      return MakeError(ErrorCode::kInvalidArgument,
                       where + ": max_gap " + std::to_string(rule.max_gap) +
                           " is out of range; use 0 to 64 code points");
    }
    auto pattern = std::make_unique<re2::RE2>(rule.pattern, options);
    if (!pattern->ok()) {
      return MakeError(ErrorCode::kInvalidArgument,
                       where + ": invalid pattern \"" + rule.pattern + "\": " + pattern->error());
    }
    if (re2::RE2::PartialMatch("", *pattern)) {
      return MakeError(ErrorCode::kInvalidArgument,
                       where + ": pattern \"" + rule.pattern +
                           "\" matches empty text, so it would trigger everywhere; require at "
                           "least one character");
    }
    if (std::optional<std::vector<std::u32string>> words = LiteralWords(rule.pattern)) {
      impl->AddLiterals(*words, rule_index);
      for (const std::u32string& word : *words) {
        impl->AddClauseStart(word.front());
      }
    } else {
      std::string set_error;
      if (impl->regex_triggers->Add(rule.pattern, &set_error) < 0) {
        return MakeError(ErrorCode::kInvalidArgument,
                         where + ": invalid pattern \"" + rule.pattern + "\": " + set_error);
      }
      impl->regex_rules.push_back(rule_index);
    }
    impl->patterns.push_back(std::move(pattern));

    std::vector<std::u32string> words;
    FoldBuffer folded;
    for (const std::string& word : rule.measure_words) {
      Fold(word, &folded);
      if (folded.folded.empty()) {
        return MakeError(ErrorCode::kInvalidArgument,
                         where + ": a measure word is empty; remove it or name the word");
      }
      words.emplace_back(View(folded.folded));
    }
    impl->measure_words.push_back(std::move(words));
  }
  if (impl->regex_rules.empty()) {
    impl->regex_triggers.reset();
  } else if (!impl->regex_triggers->Compile()) {
    return MakeError(ErrorCode::kResourceExhausted,
                     "extraction rules: RE2 ran out of memory compiling " +
                         std::to_string(impl->regex_rules.size()) +
                         " patterns; shorten or merge patterns");
  }
  for (std::u32string_view word : kNotCues) {
    impl->AddClauseStart(word.front());
  }
  for (const Cue& cue : kCues) {
    impl->AddClauseStart(cue.word.front());
  }
  for (char32_t cp : kClauseBreakCodePoints) {
    impl->scan_marks.Add(cp);
  }
  // The colon, 价, 每 and the first code points of the running total and team words are marked
  // too, so that MatchInto learns whether the text has them from marked instead of a pass over
  // the text.
  impl->scan_marks.Add(U':');
  impl->scan_marks.Add(U'价');
  impl->scan_marks.Add(U'每');
  for (std::u32string_view word : kRunningTotalWords) {
    impl->scan_marks.Add(word.front());
  }
  for (std::u32string_view word : kEarlierWords) {
    impl->scan_marks.Add(word.front());
  }
  for (std::u32string_view word : kTeamWords) {
    impl->scan_marks.Add(word.front());
  }
  for (char32_t cp : kOwnWorkWordStarts) {
    impl->scan_marks.Add(cp);
  }
  impl->marks = std::make_unique<ScanMarks>(impl->scan_marks);
  impl->rules = std::move(rules);
  return Extractor(std::move(impl));
}

void Extractor::Impl::AddPlusJoin(std::u32string_view folded, const NumberMatch& number,
                                  std::vector<int32_t>* joins) const {
  // After a bare number the + is a hedge on a count, as in 签约3+客户共计15万元, where 签约
  // still takes 15万元. Only an amount written with a scale or unit (2万+, 5000元+) joins.
  if (folded[number.end - 1] != U'+' || (!number.scaled && number.unit_class == UnitClass::kNone)) {
    return;
  }
  auto next = static_cast<size_t>(number.end);
  while (next < folded.size() && folded[next] == U' ') {
    ++next;
  }
  if (next < folded.size() && !IsClauseBreak(folded, next) &&
      units.Match(folded, next) == nullptr && folded.substr(next, 2) != U"左右") {
    joins->push_back(number.end - 1);
  }
}

void Extractor::Impl::CollectTriggers(ExtractScratch* scratch) const {
  const FoldBuffer& buffer = scratch->buffer;
  std::vector<Trigger>& triggers = scratch->triggers;
  triggers.clear();
  auto clause_count = static_cast<int>(scratch->clauses.size());
  const CueTable& cue_table = *cue_words;
  size_t next_mark = 0;
  for (int clause = 0; clause < clause_count; ++clause) {
    auto [begin, end] = scratch->clauses[clause];
    size_t first_new = triggers.size();
    CueScan cues{begin};
    ScanClause(View(buffer.folded), scratch->marked, begin, end, cue_table, &next_mark, &triggers,
               &cues);
    scratch->clause_aspect[clause] = AspectOf(cues);
    for (size_t i = first_new; i < triggers.size(); ++i) {
      triggers[i].clause = clause;
    }
  }
  if (regex_triggers != nullptr) {
    CollectRegexTriggers(scratch);
  }
  // Literal triggers come in clause order, and the regex ones after them rule by rule, so a
  // stable sort by clause keeps the order of the triggers within a clause.
  if (!std::is_sorted(triggers.begin(), triggers.end(),
                      [](const Trigger& a, const Trigger& b) { return a.clause < b.clause; })) {
    std::stable_sort(triggers.begin(), triggers.end(),
                     [](const Trigger& a, const Trigger& b) { return a.clause < b.clause; });
  }
  scratch->clause_triggers.assign(static_cast<size_t>(clause_count) + 1, 0);
  for (const Trigger& trigger : triggers) {
    ++scratch->clause_triggers[static_cast<size_t>(trigger.clause) + 1];
  }
  for (int clause = 0; clause < clause_count; ++clause) {
    scratch->clause_triggers[clause + 1] += scratch->clause_triggers[clause];
  }
}

void Extractor::Impl::CollectRegexTriggers(ExtractScratch* scratch) const {
  const FoldBuffer& buffer = scratch->buffer;
  std::vector<Trigger>& triggers = scratch->triggers;
  auto clause_count = static_cast<int>(scratch->clauses.size());
  size_t searched_begin = buffer.cp_byte[scratch->clauses.front().first];
  size_t searched_end = buffer.cp_byte[scratch->clauses.back().second];
  scratch->rules_hit.clear();
  regex_triggers->Match(
      re2::StringPiece(buffer.utf8.data() + searched_begin, searched_end - searched_begin),
      &scratch->rules_hit);
  for (int hit : scratch->rules_hit) {
    for (int clause = 0; clause < clause_count; ++clause) {
      auto [begin, end] = scratch->clauses[clause];
      size_t first_new = triggers.size();
      FindTriggers(buffer, regex_rules[hit], begin, end, &triggers);
      for (size_t i = first_new; i < triggers.size(); ++i) {
        triggers[i].clause = clause;
      }
    }
  }
}

bool Extractor::Impl::BindsAcrossComma(const ExtractScratch& scratch, size_t number,
                                       const Trigger& trigger) const {
  const NumberMatch& quantity = scratch.numbers[number];
  int clause = scratch.number_clause[number];
  if (trigger.clause != clause - 1) {
    return false;
  }
  // A number with a bare scale binds only under an amount label (签约3单，金额15万), or after a
  // count of deals and a sum word or a party (签约3单，共8万, 签约1单，华为5万).
  bool has_unit = quantity.unit_class != UnitClass::kNone ||
                  (quantity.scaled && (HasAmountLabel(scratch, number, trigger) ||
                                       FollowsCountOfDeals(scratch, number, trigger)));
  if (!has_unit || scratch.clauses[clause - 1].second + 1 != scratch.clauses[clause].first) {
    return false;
  }
  // Besides a comma, a line break separates the clauses when the number's line starts with an
  // amount label and a colon (今日签约：2单 over 金额：8万元).
  std::u32string_view folded = View(scratch.buffer.folded);
  int32_t clause_begin = scratch.clauses[clause].first;
  if (!FollowsComma(folded, clause_begin) &&
      !(StartsAmountLabelLine(folded, clause_begin) && HasAmountLabel(scratch, number, trigger))) {
    return false;
  }
  for (int t = scratch.clause_triggers[clause]; t < scratch.clause_triggers[clause + 1]; ++t) {
    if (scratch.triggers[t].rule == trigger.rule) {
      return false;
    }
  }
  // Nor may a number that the rule counts, with a unit or (for amounts) a scale, follow the
  // trigger in its own clause within max_gap. So in 签约5万，欠款3万元 the debt does not take the
  // place of the deal. A bare number there (签约2，金额5万元) is more likely a count.
  const ExtractionRule& rule = rules[trigger.rule];
  // The numbers of the trigger's clause come right before this number's clause.
  for (size_t other = number; other > 0 && scratch.number_clause[other - 1] >= trigger.clause;
       --other) {
    const NumberMatch& candidate = scratch.numbers[other - 1];
    bool follows_closely = scratch.number_clause[other - 1] == trigger.clause &&
                           candidate.begin >= trigger.end &&
                           candidate.begin - trigger.end <= rule.max_gap;
    bool has_unit = candidate.unit_class != UnitClass::kNone ||
                    (candidate.scaled && rule.kind == QuantityKind::kAmount);
    if (follows_closely && has_unit && !candidate.identifier && !candidate.unreadable &&
        Fit(trigger.rule, candidate) >= 0) {
      return false;
    }
  }
  // Nor may the number's clause name other money, so 回款11月3号，欠款5000元 is no payment,
  // while 回款，收回欠款5000元, 回款11月3号，收到5000元 and 签约11月3日，共5万元 count. A date
  // alone does not block the link, since it only names the day of the work, and a quote after
  // a deal (成功签约，最终报价5万元) is usually its price.
  return !NamesOtherMoney(folded, clause_begin, quantity.begin, scratch.clauses[clause].second);
}

bool Extractor::Impl::HasAmountLabel(const ExtractScratch& scratch, size_t number,
                                     const Trigger& trigger) const {
  int clause = scratch.number_clause[number];
  std::u32string_view folded = View(scratch.buffer.folded);
  if (rules[trigger.rule].kind != QuantityKind::kAmount || trigger.clause != clause - 1 ||
      !IsAmountLabel(folded, scratch.clauses[clause].first, scratch.numbers[number].begin)) {
    return false;
  }
  int32_t trigger_clause_end = scratch.clauses[clause - 1].second;
  return EndsWithDate(folded, trigger.end, trigger_clause_end) ||
         LeavesAmountOpen(folded, trigger.end, trigger_clause_end) ||
         NamesOnlyParty(folded, trigger.end, trigger_clause_end);
}

bool Extractor::Impl::FollowsCountOfDeals(const ExtractScratch& scratch, size_t number,
                                          const Trigger& trigger) const {
  int clause = scratch.number_clause[number];
  if (rules[trigger.rule].kind != QuantityKind::kAmount || trigger.clause != clause - 1) {
    return false;
  }
  int32_t trigger_clause_end = scratch.clauses[clause - 1].second;
  return FollowsDealCount(View(scratch.buffer.folded), trigger.end, trigger_clause_end,
                          scratch.clauses[clause].first, scratch.numbers[number].begin);
}

int Extractor::Impl::BestTrigger(const ExtractScratch& scratch, size_t number,
                                 Claim* claim) const {
  const NumberMatch& quantity = scratch.numbers[number];
  int clause = scratch.number_clause[number];
  int best = -1;
  std::tuple<int, int, int, int> best_score;
  // Only triggers of the number's clause and of the clause before it may take the number.
  auto first = static_cast<size_t>(scratch.clause_triggers[std::max(clause - 1, 0)]);
  auto last = static_cast<size_t>(scratch.clause_triggers[clause + 1]);
  for (size_t index = first; index < last; ++index) {
    const Trigger& trigger = scratch.triggers[index];
    if (trigger.clause != clause && !BindsAcrossComma(scratch, number, trigger)) {
      continue;
    }
    int fit = Fit(trigger.rule, quantity);
    if (fit < 0) {
      continue;
    }
    // A trigger that overlaps the number (a pattern such as 拜访\d+家) counts as adjacent.
    bool overlaps = trigger.begin < quantity.end && quantity.begin < trigger.end;
    bool trigger_first = overlaps || trigger.end <= quantity.begin;
    int32_t gap = 0;
    if (!overlaps) {
      gap = trigger_first ? quantity.begin - trigger.end : trigger.begin - quantity.end;
    }
    int max_gap = rules[trigger.rule].max_gap;
    // Only a date or an identifier in the trigger's own clause is skipped, so
    // 回款2026-11-03，欠款5000元 is no payment of 5000.
    if (gap > max_gap && trigger_first && !overlaps && trigger.clause == clause) {
      gap -= DateLengthBetween(View(scratch.buffer.folded), trigger.end, quantity.begin);
      if (gap > max_gap) {
        gap -= IdentifierLengthBefore(scratch, number, trigger.end);
      }
    }
    // Under an amount label after the comma (签约日期2026-11-03，金额5万元), only the label
    // separates the number from the trigger.
    if (gap > max_gap && trigger.clause != clause && HasAmountLabel(scratch, number, trigger)) {
      gap = quantity.begin - scratch.clauses[clause].first;
    }
    if (gap > max_gap) {
      continue;
    }
    // A trigger takes no number after a + that joins a new word (回款2万+欠款3万元).
    if (trigger_first && !overlaps && !scratch.plus_joins.empty()) {
      auto join =
          std::lower_bound(scratch.plus_joins.begin(), scratch.plus_joins.end(), trigger.end);
      if (join != scratch.plus_joins.end() && *join < quantity.begin) {
        continue;
      }
    }
    // A number after a label's value and the next label belongs to that label, not to the
    // trigger before them (拜访：5、新客户：2个 counts 5 visits).
    if (trigger_first && !overlaps && number > 0 &&
        scratch.numbers[number - 1].begin >= trigger.end &&
        FollowsLabelValue(scratch, number, trigger.end)) {
      continue;
    }
    if (!trigger_first) {
      // A count of people names who did the work (两位同事拜访华为), and a label's value
      // belongs to that label, not to the label after it (拜访客户：5、签约：2单).
      std::u32string_view folded = View(scratch.buffer.folded);
      if (CountsPeople(folded, quantity) || IsValueBeforeLabel(folded, quantity)) {
        continue;
      }
      // A trigger after this number belongs to a number that follows it, if one does
      // (拜访客户3家签约2家: 签约 takes 2家, not 3家). An unreadable one counts here too, since
      // the writer meant it for the trigger (收到3万元定金后签约3万-2万元 is no deal of 30000).
      bool claimed = false;
      // Numbers come in text order, so those of later clauses end the search.
      for (size_t next = number + 1; next < scratch.numbers.size() && !claimed &&
                                     scratch.number_clause[next] == clause;
           ++next) {
        const NumberMatch& candidate = scratch.numbers[next];
        claimed = !candidate.identifier && !IsEnclosedItemNumber(scratch.buffer, candidate) &&
                  candidate.begin >= trigger.end &&
                  candidate.begin - trigger.end <= max_gap &&
                  scratch.number_clause[next] == clause && Fit(trigger.rule, candidate) >= 0;
      }
      if (claimed) {
        continue;
      }
    }
    Claim pair{fit, -gap, trigger_first ? 1 : 0, -static_cast<int>(number)};
    int owner = scratch.trigger_owner[index];
    bool counts = !quantity.identifier && !quantity.unreadable;
    if (counts && owner >= 0 && owner != static_cast<int>(number) &&
        scratch.trigger_claim[index] > pair) {
      continue;  // a better-fitting number already took this trigger
    }
    std::tuple<int, int, int, int> score{fit, -gap, trigger_first ? 1 : 0, -trigger.rule};
    if (best < 0 || score > best_score) {
      best = static_cast<int>(index);
      best_score = score;
      *claim = pair;
    }
  }
  return best;
}

// Each number proposes to its best trigger. A trigger keeps the counting number with the best
// claim, and a number it drops proposes again to its next best trigger, so one trigger never
// counts twice (拜访客户3家共3次 is 3 visits, not 6). Every step raises some trigger's claim, so
// the loop ends.
void Extractor::Impl::BindNumbers(ExtractScratch* scratch) const {
  scratch->binding.assign(scratch->numbers.size(), -1);
  scratch->trigger_owner.assign(scratch->triggers.size(), -1);
  scratch->trigger_claim.resize(scratch->triggers.size());
  for (size_t first = 0; first < scratch->numbers.size(); ++first) {
    int number = static_cast<int>(first);
    while (number >= 0) {
      Claim claim;
      int trigger = BestTrigger(*scratch, static_cast<size_t>(number), &claim);
      scratch->binding[number] = trigger;
      const NumberMatch& match = scratch->numbers[number];
      if (trigger < 0 || match.identifier || match.unreadable) {
        break;
      }
      // A list item's number (1、拜访客户, ①) counts nothing. Only a bare number can be one, so
      // the check skips numbers with a unit. Apart from ①, a number after its trigger is the
      // trigger's value as a label writes it (拜访客户：12., 今日回款：50000.), never a marker.
      bool marker = IsEnclosedItemNumber(scratch->buffer, match) ||
                    (match.unit_class == UnitClass::kNone &&
                     scratch->triggers[trigger].begin >= match.end &&
                     IsClauseListMarker(*scratch, static_cast<size_t>(number)));
      if (marker) {
        scratch->binding[number] = -1;
        break;
      }
      int dropped = scratch->trigger_owner[trigger];
      scratch->trigger_owner[trigger] = number;
      scratch->trigger_claim[trigger] = claim;
      if (dropped >= 0) {
        scratch->binding[dropped] = -1;
      }
      number = dropped;
    }
  }
}

void Extractor::Impl::MoveUnitPrices(ExtractScratch* scratch) const {
  std::u32string_view folded = View(scratch->buffer.folded);
  for (size_t number = 0; number < scratch->numbers.size(); ++number) {
    int bound = scratch->binding[number];
    if ((bound >= 0 && rules[scratch->triggers[bound].rule].kind != QuantityKind::kAmount) ||
        !FollowsUnitPriceWord(folded, scratch->clauses[scratch->number_clause[number]].first,
                              scratch->numbers[number].begin)) {
      continue;
    }
    if (bound >= 0) {
      MoveUnitPrice(number, scratch);
      continue;
    }
    // A price with a bare scale binds to no trigger across a comma (签约3台，单价2万，共6万), but
    // a sum after it still takes the amount trigger before it in the sentence.
    int trigger = SentenceAmountTrigger(*scratch, number);
    if (trigger >= 0) {
      scratch->binding[number] = trigger;
      if (!MoveUnitPrice(number, scratch)) {
        scratch->binding[number] = -1;
      }
    }
  }
}

int Extractor::Impl::SentenceAmountTrigger(const ExtractScratch& scratch, size_t number) const {
  std::u32string_view folded = View(scratch.buffer.folded);
  int32_t price = scratch.numbers[number].begin;
  int best = -1;
  for (size_t index = 0; index < scratch.triggers.size(); ++index) {
    const Trigger& trigger = scratch.triggers[index];
    if (rules[trigger.rule].kind != QuantityKind::kAmount || trigger.clause < 0 ||
        trigger.end > price || price - trigger.end > kUnitPriceReach ||
        scratch.trigger_owner[index] >= 0 ||
        (best >= 0 && scratch.triggers[best].end >= trigger.end)) {
      continue;
    }
    bool same_sentence = true;
    for (int32_t at = trigger.end; at < price && same_sentence; ++at) {
      same_sentence = !IsClauseBreak(folded, at) || folded[at] == U',';
    }
    if (same_sentence) {
      best = static_cast<int>(index);
    }
  }
  return best;
}

__attribute__((noinline)) bool Extractor::Impl::MoveUnitPrice(size_t number,
                                                              ExtractScratch* scratch) const {
  std::u32string_view folded = View(scratch->buffer.folded);
  const NumberMatch& price = scratch->numbers[number];
  const Trigger& trigger = scratch->triggers[scratch->binding[number]];
  // The sentence goes on over commas (，folds to ,) and ends at any other clause break.
  auto size = static_cast<int32_t>(folded.size());
  int32_t sentence_end = price.end;
  while (sentence_end < size && sentence_end - price.end < kUnitPriceReach &&
         (!IsClauseBreak(folded, sentence_end) || folded[sentence_end] == U',')) {
    ++sentence_end;
  }
  bool other_number = number > 0 && scratch->numbers[number - 1].begin >= trigger.end;
  for (size_t next = number + 1;
       next < scratch->numbers.size() && scratch->numbers[next].begin < sentence_end; ++next) {
    const NumberMatch& candidate = scratch->numbers[next];
    if (candidate.identifier || candidate.unreadable) {
      continue;
    }
    other_number = true;
    bool is_amount = (candidate.unit_class != UnitClass::kNone || candidate.scaled) &&
                     Fit(trigger.rule, candidate) >= 0;
    if (is_amount && scratch->binding[next] < 0 &&
        FollowsSumWord(folded, price.end, candidate.begin)) {
      scratch->binding[next] = scratch->binding[number];
      scratch->binding[number] = -1;
      return true;
    }
  }
  if (other_number) {
    scratch->binding[number] = -1;
  }
  return false;
}

__attribute__((noinline)) bool Extractor::Impl::FindListHeadings(
    ExtractScratch* scratch) const {
  std::u32string_view folded = View(scratch->buffer.folded);
  auto size = static_cast<int32_t>(folded.size());
  std::vector<Trigger>& triggers = scratch->heading_triggers;
  scratch->headings.clear();
  triggers.clear();
  size_t next_mark = 0;  // headings come in text order, so the marks are passed once
  int32_t floor = 0;     // the end of the previous heading, where the next one may start
  for (size_t list = 0; list < scratch->lists.size(); ++list) {
    int32_t colon = scratch->items[scratch->lists[list].first_item].begin - 1;
    while (colon >= 0 && IsAsciiSpace(folded[colon])) {
      --colon;
    }
    if (colon < floor) {
      continue;
    }
    ListHeading heading;
    heading.list = list;
    heading.colon = colon;
    heading.first_trigger = triggers.size();
    // A title line without a colon heads the list only when it has a trigger. The comma after
    // a count of deals ends the heading of an inline list as a colon does (今日签约3单，华为5万、
    // 小米3万).
    const ListItem& first = scratch->items[scratch->lists[list].first_item];
    bool inline_comma = folded[colon] == U',' && first.style == kInlineStyle &&
                        first.number < 0 && first.begin == first.content;
    bool title_only = folded[colon] != U':' && !inline_comma;
    if (title_only) {
      // A short line of plan words right above the list titles a plan without a colon
      // (明天计划, 【下周计划】, 三、下周计划), so the items' own triggers count nothing done.
      int32_t first_item = scratch->items[scratch->lists[list].first_item].begin;
      int32_t title = PlanTitleBegin(folded, colon, first_item);
      if (title >= floor) {
        heading.begin = title;
        heading.aspect = Aspect::kPlanned;
        scratch->headings.push_back(heading);
        floor = colon + 1;
        continue;
      }
      // A short title of done work (今日签约, 一、签约情况) heads the list as its colon form
      // does. Its words end before the line break, where heading.colon then points.
      title = DoneTitleBegin(*scratch, colon, first_item);
      if (title < floor) {
        continue;
      }
      heading.begin = title;
      heading.colon = colon + 1;
    } else {
      // The heading starts no earlier than the last item or number of the list before it
      // (拜访客户：5、签约：), so each code point belongs to one heading at most and a long line
      // of lists is searched once.
      heading.begin = std::max({ClauseAround(scratch->breaks, size, colon).first, floor,
                                PreviousListEnd(*scratch, list, colon)});
    }
    floor = colon + 1;
    colon = heading.colon;

    // The heading's clause usually contains no number, so CollectTriggers did not search it.
    CueScan cues{heading.begin};
    ScanClause(folded, scratch->marked, heading.begin, colon, *cue_words, &next_mark, &triggers,
               &cues);
    heading.aspect = AspectOf(cues);
    for (int rule : regex_rules) {
      FindTriggers(scratch->buffer, rule, heading.begin, colon, &triggers);
    }
    // Only a trigger near the colon names what the items report, and only in a heading of
    // the plain form (今日签约：, 回款明细如下：).
    std::vector<Trigger>& found = scratch->heading_found;
    found.assign(triggers.begin() + static_cast<std::ptrdiff_t>(heading.first_trigger),
                 triggers.end());
    auto first_dropped =
        std::remove_if(triggers.begin() + static_cast<std::ptrdiff_t>(heading.first_trigger),
                       triggers.end(), [&](const Trigger& trigger) {
                         return colon - trigger.end > rules[trigger.rule].max_gap ||
                                !HasHeadingForm(folded, heading, trigger, found);
                       });
    triggers.erase(first_dropped, triggers.end());
    for (size_t t = heading.first_trigger; t < triggers.size(); ++t) {
      triggers[t].clause = -1;
    }
    heading.trigger_count = triggers.size() - heading.first_trigger;
    if (heading.trigger_count > 0 || (heading.aspect != Aspect::kDone && !title_only)) {
      scratch->headings.push_back(heading);
    }
  }
  return !scratch->headings.empty();
}

__attribute__((noinline)) void Extractor::Impl::BindListItems(ExtractScratch* scratch) const {
  scratch->listed.clear();
  scratch->counted_rules.clear();
  std::u32string_view folded = View(scratch->buffer.folded);
  auto size = static_cast<int32_t>(folded.size());
  bool words_found = false;
  for (size_t h = 0; h < scratch->headings.size(); ++h) {
    const ListHeading& heading = scratch->headings[h];
    // A heading trigger that took a number before the colon states its own total (今日回款5万：),
    // so it counts no item.
    size_t first_trigger = scratch->triggers.size();
    for (size_t t = heading.first_trigger; t < heading.first_trigger + heading.trigger_count;
         ++t) {
      if (!HasOwnTotal(*scratch, heading, scratch->heading_triggers[t])) {
        scratch->triggers.push_back(scratch->heading_triggers[t]);
      }
    }
    if (scratch->triggers.size() > first_trigger && !words_found) {
      words_found = true;
      scratch->total_positions.clear();
      scratch->stop_positions.clear();
      FindWordPositions(folded, kTotalWords, &scratch->total_positions);
      FindWordPositions(folded, kStopWords, &scratch->stop_positions);
      scratch->clause_stop_positions.clear();
      FindWordPositions(folded, kClauseStopWords, &scratch->clause_stop_positions);
    }

    // An item ends at the next item or the end of its line, and the last one also at the next
    // list or heading, so the items of all lists cover each code point once at most.
    const NumberedList& list = scratch->lists[heading.list];
    int32_t list_limit = size;
    if (heading.list + 1 < scratch->lists.size()) {
      list_limit = scratch->items[scratch->lists[heading.list + 1].first_item].begin;
    }
    if (h + 1 < scratch->headings.size()) {
      list_limit = std::min(list_limit, scratch->headings[h + 1].begin);
    }
    int32_t previous_end = -1;
    bool item_counted = false;  // whether the last item outside a sub-list counted a number
    const ListItem* last_item = nullptr;
    for (size_t k = 0; k < list.item_count; ++k) {
      const ListItem& item = scratch->items[list.first_item + k];
      if (k > 0 && !ContinuesList(folded, previous_end, item.begin)) {
        break;
      }
      last_item = &item;
      int32_t limit = list_limit;
      if (k + 1 < list.item_count) {
        limit = scratch->items[list.first_item + k + 1].begin;
      }
      int32_t end = LineEnd(folded, item.content, std::max(limit, item.content));
      // A sub-list splits its item's amount (华为2万元 over 首付1万元 and 尾款1万元), so the
      // heading counts its items only when that item counted nothing itself.
      // NOTE: a trigger in the item (1、拜访华为 over （1）研发部2家) counts no sub-item, because
      // only a heading's trigger counts the items under it.
      if (!item.nested) {
        item_counted = BindListItem(heading, item, end, first_trigger, scratch);
      } else {
        BindListItem(heading, item, end, item_counted ? scratch->triggers.size() : first_trigger,
                     scratch);
      }
      previous_end = end;
    }
    if (last_item != nullptr && scratch->triggers.size() > first_trigger) {
      BindListTotal(heading, *last_item, previous_end, scratch->items[list.first_item].begin,
                    first_trigger, scratch);
    }
  }
  if (!scratch->counted_rules.empty()) {
    DropRepeatedTotals(scratch);
  }
}

bool Extractor::Impl::HasOwnTotal(const ExtractScratch& scratch, const ListHeading& heading,
                                  const Trigger& trigger) const {
  auto number = std::lower_bound(
      scratch.numbers.begin(), scratch.numbers.end(), heading.begin,
      [](const NumberMatch& match, int32_t position) { return match.begin < position; });
  for (; number != scratch.numbers.end() && number->begin < heading.colon; ++number) {
    int bound = scratch.binding[number - scratch.numbers.begin()];
    // A count of deals is no amount (今日签约2单：), so an amount rule still counts the items.
    if (!FitsKind(rules[trigger.rule].kind, number->unit_class)) {
      continue;
    }
    if (bound >= 0 && scratch.triggers[bound].begin == trigger.begin &&
        scratch.triggers[bound].rule == trigger.rule) {
      return true;
    }
  }
  return false;
}

void Extractor::Impl::FindOwnItemRules(ExtractScratch* scratch, const ListItem& item,
                                       int32_t end, size_t first_number,
                                       size_t first_trigger) const {
  scratch->item_rules.clear();
  if (scratch->triggers.size() <= first_trigger) {
    return;
  }
  std::u32string_view folded = View(scratch->buffer.folded);
  for (size_t number = first_number;
       number < scratch->numbers.size() && scratch->numbers[number].begin < end; ++number) {
    const NumberMatch& match = scratch->numbers[number];
    int bound = scratch->binding[number];
    if (bound < 0 || match.identifier || match.unreadable) {
      continue;
    }
    const Trigger& trigger = scratch->triggers[bound];
    bool in_item = trigger.clause >= 0 && trigger.begin >= item.content && trigger.end <= end;
    int32_t clause_begin =
        std::max(scratch->clauses[scratch->number_clause[number]].first, item.content);
    if (!in_item || FirstPositionFrom(scratch->total_positions, clause_begin) < match.begin ||
        ContainsWord(folded, clause_begin, trigger.begin, kAdditionWords)) {
      continue;
    }
    std::u32string_view word = folded.substr(trigger.begin, trigger.end - trigger.begin);
    for (size_t t = first_trigger; t < scratch->triggers.size(); ++t) {
      const Trigger& heading_trigger = scratch->triggers[t];
      std::u32string_view heading_word =
          folded.substr(heading_trigger.begin, heading_trigger.end - heading_trigger.begin);
      if (heading_trigger.rule == trigger.rule && NamesSameWork(word, heading_word)) {
        scratch->item_rules.push_back(trigger.rule);
        break;
      }
    }
  }
}

bool Extractor::Impl::BindListItem(const ListHeading& heading, const ListItem& item, int32_t end,
                                   size_t first_trigger, ExtractScratch* scratch) const {
  std::u32string_view folded = View(scratch->buffer.folded);
  bool counts_items = scratch->triggers.size() > first_trigger;
  // The first total and stop words in or after the item. An item that starts with 共 right
  // before a number (3、共5万元) is a total as well, unlike 共享单车 or 共建.
  int32_t first_total = INT32_MAX;
  int32_t first_stop = INT32_MAX;
  if (counts_items) {
    first_total = FirstPositionFrom(scratch->total_positions, item.content);
    first_stop = FirstPositionFrom(scratch->stop_positions, item.content);
    int32_t start = item.content;
    while (start < end && IsAsciiSpace(folded[start])) {
      ++start;
    }
    if (start < end && folded[start] == U'共' && StartsNumber(*scratch, start + 1)) {
      first_total = start;
    }
  }
  // Whether the item's first number of a counted rule follows a total word (3、合计8万).
  bool total_line = false;
  bool seen_counted = false;
  auto first_number = static_cast<size_t>(
      std::lower_bound(scratch->numbers.begin(), scratch->numbers.end(), item.content,
                       [](const NumberMatch& match, int32_t position) {
                         return match.begin < position;
                       }) -
      scratch->numbers.begin());
  FindOwnItemRules(scratch, item, end, first_number, first_trigger);
  size_t number = first_number;
  bool counted = false;
  for (; number < scratch->numbers.size() && scratch->numbers[number].begin < end; ++number) {
    const NumberMatch& match = scratch->numbers[number];
    int bound = scratch->binding[number];
    if (match.identifier || match.unreadable) {
      continue;  // shown as BindNumbers bound it, never counted
    }
    if (bound >= 0) {
      const Trigger& trigger = scratch->triggers[bound];
      bool in_item = trigger.clause >= 0 && trigger.begin >= item.content && trigger.end <= end;
      if (in_item && counts_items && CountsRule(*scratch, first_trigger, trigger.rule)) {
        if (!seen_counted) {
          seen_counted = true;
          total_line = first_total < match.begin;
        }
        // The item's own trigger keeps its number unless the item is a total line or a total
        // word comes before the number in its clause (3、签约总额8万, 累计回款10万元).
        int32_t clause_begin =
            std::max(scratch->clauses[scratch->number_clause[number]].first, item.content);
        if (total_line || FirstPositionFrom(scratch->total_positions, clause_begin) < match.begin) {
          scratch->binding[number] = -1;
          continue;
        }
        scratch->item_rules.push_back(trigger.rule);
      }
      if (in_item || !counts_items) {
        counted = true;
        if (heading.aspect != Aspect::kDone) {
          scratch->listed.push_back(
              ListedNumber{static_cast<int>(number), -1, false, heading.aspect});
        }
        continue;
      }
      // The trigger lies in the heading or in another item of the line, which the heading's
      // triggers replace (签约：1、华为5万 2、小米3万).
      scratch->binding[number] = -1;
    }
    if (!counts_items) {
      continue;
    }

    // As across a comma, only a number with a unit word or mark of the rule's kind binds, or
    // for amounts one with a scale (华为5万, 中兴5千). A bare number may be a date, a room or an
    // extension.
    // A whole number of 5 or more digits after the item's name is taken as an amount too
    // (1、华为 50000), because many logs leave out 元 (IsBareItemAmount).
    bool bare_amount = match.unit_class == UnitClass::kNone && !match.scaled &&
                       IsBareItemAmount(folded, item, match, end);
    int best = -1;
    int best_fit = -1;
    for (size_t t = first_trigger; t < scratch->triggers.size(); ++t) {
      int rule = scratch->triggers[t].rule;
      bool amount_rule = rules[rule].kind == QuantityKind::kAmount;
      bool has_unit = match.unit_class != UnitClass::kNone ||
                      ((match.scaled || match.scale_word || bare_amount) && amount_rule);
      int fit = has_unit ? Fit(rule, match) : -1;
      if (fit >= 0 && fit >= best_fit) {
        best = static_cast<int>(t);
        best_fit = fit;
      }
    }
    if (best < 0) {
      continue;
    }
    // A heading's rule takes one number per item: the first that fits, unless a total or stop
    // word comes before it in the item (华为2万元（合同总额10万元）, 华为2万元，合同额10万元).
    int rule = scratch->triggers[best].rule;
    if (!seen_counted) {
      seen_counted = true;
      total_line = first_total < match.begin;
    }
    bool rule_has_value = std::find(scratch->item_rules.begin(), scratch->item_rules.end(), rule) !=
                          scratch->item_rules.end();
    auto [clause_begin, clause_end] = scratch->clauses[scratch->number_clause[number]];
    int32_t value_clause_begin = std::max(clause_begin, item.content);
    if (total_line || rule_has_value ||
        StopsItemMoney(folded, first_stop, match.begin, item.content, end) ||
        StopsInClause(folded, scratch->clause_stop_positions, value_clause_begin, match.begin)) {
      continue;
    }
    const Trigger& heading_trigger = scratch->triggers[best];
    std::u32string_view word =
        folded.substr(heading_trigger.begin, heading_trigger.end - heading_trigger.begin);
    if (rules[rule].kind == QuantityKind::kAmount) {
      ItemChoice choice =
          ChooseItemValue(*scratch, number, item, end, rule, HasAnyWord(word, kPaymentWords));
      if (choice == ItemChoice::kLater) {
        continue;
      }
      if (choice == ItemChoice::kNone) {
        scratch->item_rules.push_back(rule);
        continue;
      }
    }
    scratch->item_rules.push_back(rule);
    if (rules[rule].kind == QuantityKind::kCount && !FollowsItemName(folded, item, match, end)) {
      continue;
    }
    scratch->binding[number] = best;
    counted = true;
    int32_t part_end = ValuePartEnd(folded, match.end, std::min(clause_end, end));
    Aspect aspect =
        CombineAspects(heading.aspect, ClauseAspect(folded, value_clause_begin, part_end));
    // The rest of the value's clause adds its cues unless it names other work, so a status
    // after a space (3、中兴 10万 未完成, 2、小米3万 待盖章) applies to the item, while
    // 2、小米3万 明天回访 and 2、小米3万 还没回款 under 今日签约： leave it done.
    int32_t clause_rest_end = std::min(clause_end, end);
    if (part_end < clause_rest_end && !NamesOtherWork(folded, part_end, clause_rest_end, word)) {
      aspect = CombineAspects(aspect, ClauseAspect(folded, part_end, clause_rest_end));
    }
    // A later clause of the item adds its plan cues only when it names the heading's work
    // (2、小米3万元，预计下周签). Another activity or the payment of a deal (今日签约： over
    // 2、小米3万元，下周到账) leaves the value done.
    if (part_end < end && NamesHeadingWork(folded, part_end, end, word) &&
        ClauseAspect(folded, part_end, end) == Aspect::kPlanned) {
      aspect = CombineAspects(aspect, Aspect::kPlanned);
    }
    // A later clause of the item that calls the deal off (2、小米3万元，最后没签成) negates it.
    if (clause_end < end && ContainsWord(folded, clause_end, end, kCancelWords)) {
      aspect = Aspect::kNegated;
    }
    scratch->listed.push_back(ListedNumber{static_cast<int>(number), item.begin, true, aspect});
    RecordCountedHeading(heading_trigger, heading.colon, scratch);
  }
  return counted;
}

void Extractor::Impl::BindListTotal(const ListHeading& heading, const ListItem& last, int32_t end,
                                    int32_t list_begin, size_t first_trigger,
                                    ExtractScratch* scratch) const {
  std::u32string_view folded = View(scratch->buffer.folded);
  constexpr std::u32string_view kListTotalWords[] = {U"共",   U"共计", U"合计",
                                                     U"总计", U"总共", U"一共"};
  auto number = static_cast<size_t>(
      std::lower_bound(
          scratch->numbers.begin(), scratch->numbers.end(), last.content,
          [](const NumberMatch& match, int32_t position) { return match.begin < position; }) -
      scratch->numbers.begin());
  for (; number < scratch->numbers.size() && scratch->numbers[number].begin < end; ++number) {
    const NumberMatch& match = scratch->numbers[number];
    auto [clause_begin, clause_end] = scratch->clauses[scratch->number_clause[number]];
    if (match.identifier || match.unreadable || clause_begin <= last.content) {
      continue;
    }
    // The total's clause contains only a total word before the number (中兴，共3家).
    int32_t start = clause_begin;
    while (start < match.begin && IsAsciiSpace(folded[start])) {
      ++start;
    }
    std::u32string_view label = folded.substr(start, LabelEnd(folded, start, match.begin) - start);
    if (std::find(std::begin(kListTotalWords), std::end(kListTotalWords), label) ==
        std::end(kListTotalWords)) {
      continue;
    }
    int bound = scratch->binding[number];
    if (bound >= 0) {
      UnbindRepeatedTotal(number, last, list_begin, first_trigger, scratch);
      return;
    }
    if (match.unit_class == UnitClass::kNone) {
      return;
    }
    for (size_t t = first_trigger; t < scratch->triggers.size(); ++t) {
      int rule = scratch->triggers[t].rule;
      if (rules[rule].kind != QuantityKind::kCount || Fit(rule, match) < 0 ||
          CountsListNumber(*scratch, list_begin, match.begin, rule)) {
        continue;
      }
      scratch->binding[number] = static_cast<int>(t);
      Aspect aspect = CombineAspects(heading.aspect,
                                     ClauseAspect(folded, clause_begin, std::min(clause_end, end)));
      auto at = std::lower_bound(
          scratch->listed.begin(), scratch->listed.end(), static_cast<int>(number),
          [](const ListedNumber& listed, int index) { return listed.number < index; });
      scratch->listed.insert(at, ListedNumber{static_cast<int>(number), -1, true, aspect});
      RecordCountedHeading(scratch->triggers[t], heading.colon, scratch);
      return;
    }
    return;
  }
}

void Extractor::Impl::UnbindRepeatedTotal(size_t number, const ListItem& last, int32_t list_begin,
                                          size_t first_trigger, ExtractScratch* scratch) const {
  auto bound = static_cast<size_t>(scratch->binding[number]);
  bool item_has_number = number > 0 && scratch->numbers[number - 1].begin >= last.content;
  if (bound < first_trigger || item_has_number ||
      !CountsListNumber(*scratch, list_begin, last.begin, scratch->triggers[bound].rule)) {
    return;
  }
  scratch->binding[number] = -1;
  auto listed = std::find_if(
      scratch->listed.begin(), scratch->listed.end(),
      [number](const ListedNumber& entry) { return entry.number == static_cast<int>(number); });
  if (listed != scratch->listed.end()) {
    scratch->listed.erase(listed);
  }
}

bool Extractor::Impl::CountsListNumber(const ExtractScratch& scratch, int32_t begin, int32_t end,
                                       int rule) const {
  auto number = std::lower_bound(
      scratch.numbers.begin(), scratch.numbers.end(), begin,
      [](const NumberMatch& match, int32_t position) { return match.begin < position; });
  for (; number != scratch.numbers.end() && number->begin < end; ++number) {
    int bound = scratch.binding[number - scratch.numbers.begin()];
    if (bound >= 0 && scratch.triggers[bound].rule == rule) {
      return true;
    }
  }
  return false;
}

void Extractor::Impl::RecordCountedHeading(const Trigger& trigger, int32_t colon,
                                           ExtractScratch* scratch) const {
  std::u32string_view folded = View(scratch->buffer.folded);
  std::u32string_view word = folded.substr(trigger.begin, trigger.end - trigger.begin);
  bool recorded = std::any_of(scratch->counted_rules.begin(), scratch->counted_rules.end(),
                              [&](const CountedHeading& entry) {
                                return entry.rule == trigger.rule &&
                                       folded.substr(entry.word_begin,
                                                     entry.word_end - entry.word_begin) == word;
                              });
  if (!recorded) {
    scratch->counted_rules.push_back(
        CountedHeading{trigger.rule, trigger.begin, trigger.end, colon});
  }
}

ItemChoice Extractor::Impl::ChooseItemValue(const ExtractScratch& scratch, size_t number,
                                            const ListItem& item, int32_t end, int rule,
                                            bool payment) const {
  std::u32string_view folded = View(scratch.buffer.folded);
  const NumberMatch& match = scratch.numbers[number];
  bool unit_price = FollowsUnitPriceWord(folded, item.content, match.begin) ||
                    FollowsTimesSign(folded, item.content, match.begin);
  if (!unit_price && !payment) {
    return ItemChoice::kThis;
  }
  constexpr std::u32string_view kDebt[] = {U"欠"};
  bool other_number = number > 0 && scratch.numbers[number - 1].begin >= item.content;
  for (size_t next = number + 1; next < scratch.numbers.size() && scratch.numbers[next].begin < end;
       ++next) {
    const NumberMatch& candidate = scratch.numbers[next];
    if (candidate.identifier || candidate.unreadable) {
      continue;
    }
    other_number = true;
    bool is_amount =
        (candidate.unit_class != UnitClass::kNone || candidate.scaled) && Fit(rule, candidate) >= 0;
    if (!is_amount) {
      continue;
    }
    if (unit_price && (FollowsSumWord(folded, match.end, candidate.begin) ||
                       FollowsEqualsSign(folded, match.end, candidate.begin))) {
      return ItemChoice::kLater;
    }
    if (payment && ContainsWord(folded, match.end, candidate.begin, kCollectWords) &&
        ContainsWord(folded, match.end, candidate.begin, kDebt)) {
      return ItemChoice::kLater;
    }
  }
  return unit_price && other_number ? ItemChoice::kNone : ItemChoice::kThis;
}

bool Extractor::Impl::CountsRule(const ExtractScratch& scratch, size_t first_trigger,
                                 int rule) const {
  for (size_t t = first_trigger; t < scratch.triggers.size(); ++t) {
    if (scratch.triggers[t].rule == rule) {
      return true;
    }
  }
  return false;
}

void Extractor::Impl::DropRepeatedTotals(ExtractScratch* scratch) const {
  std::u32string_view folded = View(scratch->buffer.folded);
  for (size_t number = 0; number < scratch->numbers.size(); ++number) {
    int bound = scratch->binding[number];
    if (bound < 0 || scratch->triggers[bound].clause < 0) {
      continue;
    }
    const Trigger& trigger = scratch->triggers[bound];
    const NumberMatch& match = scratch->numbers[number];
    // Only a total under the same trigger word repeats the items: 回款合计2万 after a list
    // under 今日签约： is other money of the same rule.
    std::u32string_view word = folded.substr(trigger.begin, trigger.end - trigger.begin);
    bool after_counted = std::any_of(
        scratch->counted_rules.begin(), scratch->counted_rules.end(),
        [&](const CountedHeading& counted) {
          return counted.rule == trigger.rule && counted.colon < match.begin &&
                 folded.substr(counted.word_begin, counted.word_end - counted.word_begin) == word;
        });
    if (!after_counted) {
      continue;
    }
    int32_t clause_begin = scratch->clauses[scratch->number_clause[number]].first;
    int32_t start = std::min(clause_begin, trigger.begin);
    if (FirstPositionFrom(scratch->total_positions, start) < match.begin ||
        RepeatsListedSum(*scratch, number, bound)) {
      scratch->binding[number] = -1;
    }
  }
}

bool Extractor::Impl::RepeatsListedSum(const ExtractScratch& scratch, size_t number,
                                       int bound) const {
  std::u32string_view folded = View(scratch.buffer.folded);
  const Trigger& trigger = scratch.triggers[bound];
  const NumberMatch& match = scratch.numbers[number];
  int32_t clause_begin = scratch.clauses[scratch.number_clause[number]].first;

  // A number in a list item is an item's own value (2、签约小米5万), never a closing line.
  int32_t line_begin = std::min(trigger.begin, match.begin);
  while (line_begin > 0 && folded[line_begin - 1] != U'\n') {
    --line_begin;
  }
  int32_t line_end = LineEnd(folded, line_begin, static_cast<int32_t>(folded.size()));
  if (std::any_of(scratch.items.begin(), scratch.items.end(), [&](const ListItem& item) {
        return item.begin >= line_begin && item.begin < line_end;
      })) {
    return false;
  }

  // The mark is right before or after the trigger or right before the number, so 签约中兴总部3万
  // is no repeat.
  if (trigger.begin < match.begin) {
    int32_t label_end = LabelEnd(folded, trigger.end, match.begin);
    bool marked = (trigger.begin > clause_begin && IsSumMark(folded[trigger.begin - 1])) ||
                  (trigger.end < match.begin && IsSumMark(folded[trigger.end])) ||
                  (label_end > trigger.end && IsSumMark(folded[label_end - 1]));
    if (marked) {
      return true;
    }
  }
  if (ContainsWord(folded, clause_begin, match.begin, kAdditionWords)) {
    return false;
  }

  // A plain repeat states the sum of the items that the same trigger word counted above it.
  std::u32string_view word = folded.substr(trigger.begin, trigger.end - trigger.begin);
  Decimal sum;
  bool any = false;
  for (const ListedNumber& listed : scratch.listed) {
    int listed_bound = scratch.binding[listed.number];
    if (listed.span_begin < 0 || listed_bound < 0 || listed.number >= static_cast<int>(number)) {
      continue;
    }
    const Trigger& heading_trigger = scratch.triggers[listed_bound];
    if (heading_trigger.clause >= 0 || heading_trigger.rule != trigger.rule ||
        folded.substr(heading_trigger.begin, heading_trigger.end - heading_trigger.begin) != word) {
      continue;
    }
    sum = sum + scratch.numbers[listed.number].low;
    any = true;
  }
  return any && sum == match.low && match.low == match.high;
}

std::vector<Extraction> Extractor::Extract(std::string_view text) const {
  std::vector<Extraction> out;
  ExtractInto(text, &out);
  return out;
}

void Extractor::ExtractInto(std::string_view text, std::vector<Extraction>* out) const {
  thread_local std::vector<ExtractionMatch> matches;
  MatchInto(text, &matches);
  // Every member of an element left in *out by an earlier call is overwritten in place, so its
  // strings keep their buffers. Elements left over are removed at the end.
  size_t count = std::min(out->size(), matches.size());
  for (size_t i = 0; i < count; ++i) {
    ToExtraction(matches[i], &(*out)[i]);
  }
  for (size_t i = count; i < matches.size(); ++i) {
    ToExtraction(matches[i], &out->emplace_back());
  }
  out->resize(matches.size());
}

void Extractor::ToExtraction(const ExtractionMatch& match, Extraction* out) const {
  const ExtractionRule& rule = impl_->rules[match.rule];
  out->metric = rule.metric;
  out->rule = rule.name;
  out->quantity.low = match.low;
  out->quantity.high = match.high;
  out->quantity.approximate = match.approximate;
  out->quantity.unit = match.unit;
  out->quantity.span = match.quantity_span;
  out->span = match.span;
  out->span_begin_byte = match.span_begin_byte;
  out->span_end_byte = match.span_end_byte;
  out->aspect = match.aspect;
  out->identifier = match.identifier;
  out->unreadable = match.unreadable;
}

const ExtractionRule& Extractor::rule(int index) const { return impl_->rules[index]; }

void Extractor::MatchInto(std::string_view text, std::vector<ExtractionMatch>* out) const {
  thread_local ExtractScratch scratch;
  if (impl_->rules.empty()) {
    out->clear();
    return;
  }
  Fold(text, &scratch.buffer);
  scratch.numbers.clear();
  scratch.marked.clear();
  ScanOptions scan_options;
  scan_options.keep_identifiers = true;
  ScanNumbers(scratch.buffer, impl_->units, scan_options, *impl_->marks, &scratch.numbers,
              &scratch.marked);
  for (const NumberMatch& number : scratch.numbers) {
    if (number.scaled) {
      JoinSpacedWan(View(scratch.buffer.folded), &scratch.numbers);
      break;
    }
  }
  // List items are only ever removed from the numbers, so a text without numbers ends here.
  if (scratch.numbers.empty()) {
    out->clear();
    return;
  }

  // One walk of the marked positions finds the clause breaks, the line breaks, colons and price
  // words that gate later passes, and the running total words, so the text is not walked again.
  std::u32string_view folded = View(scratch.buffer.folded);
  auto folded_size = static_cast<int32_t>(folded.size());
  ReadMarks(&scratch);

  // The item numbers of numbered lists count nothing, so they are removed before binding.
  RemoveNumberedLists(impl_->units, scan_options, &scratch);
  if (scratch.numbers.empty()) {
    out->clear();
    return;
  }

  // A trigger binds only within its number's clause, so only clauses with numbers are
  // searched: for literal words in one pass, and for other patterns with the RE2 set
  // first and then with each pattern that occurs.
  scratch.clauses.clear();
  scratch.number_clause.clear();
  scratch.plus_joins.clear();
  size_t next_break = 0;
  for (size_t i = 0; i < scratch.numbers.size(); ++i) {
    const NumberMatch& number = scratch.numbers[i];
    if (number.hedged) {
      impl_->AddPlusJoin(folded, number, &scratch.plus_joins);
    }
    if (scratch.clauses.empty() || number.begin >= scratch.clauses.back().second) {
      std::pair<int32_t, int32_t> clause =
          ClauseAroundFrom(scratch.breaks, folded_size, number.begin, &next_break);
      // Only a number with a unit, or with a scale after an amount label (金额5万), binds
      // across a comma, so only then is the clause before the comma searched too.
      bool has_unit = false;
      for (size_t j = i; j < scratch.numbers.size() && scratch.numbers[j].begin < clause.second;
           ++j) {
        const NumberMatch& next = scratch.numbers[j];
        has_unit = has_unit || next.unit_class != UnitClass::kNone ||
                   (next.scaled && IsAmountLabel(folded, clause.first, next.begin));
      }
      if (has_unit) {
        AddClauseBeforeComma(folded, scratch.breaks, clause.first, &scratch.clauses);
      }
      scratch.clauses.push_back(clause);
    }
    scratch.number_clause.push_back(static_cast<int>(scratch.clauses.size()) - 1);
  }
  scratch.clause_aspect.assign(scratch.clauses.size(), std::nullopt);
  impl_->CollectTriggers(&scratch);
  // A list's heading may contain the only trigger (回款： over 1、华为2万元 and 2、小米3万元).
  bool has_heading = !scratch.lists.empty() && impl_->FindListHeadings(&scratch);
  if (scratch.triggers.empty() && !has_heading) {
    out->clear();
    return;
  }

  impl_->BindNumbers(&scratch);
  if (scratch.has_price_word) {
    impl_->MoveUnitPrices(&scratch);
  }
  if (has_heading) {
    impl_->BindListItems(&scratch);
  }
  out->clear();
  scratch.match_positions.clear();
  bool has_done = false;
  size_t next_listed = 0;
  for (size_t i = 0; i < scratch.numbers.size(); ++i) {
    if (scratch.binding[i] < 0) {
      continue;
    }
    const Trigger* best = &scratch.triggers[scratch.binding[i]];
    const NumberMatch& number = scratch.numbers[i];
    scratch.match_positions.push_back(number.begin);
    const ListedNumber* listed = nullptr;
    if (has_heading) {
      while (next_listed < scratch.listed.size() &&
             scratch.listed[next_listed].number < static_cast<int>(i)) {
        ++next_listed;
      }
      if (next_listed < scratch.listed.size() &&
          scratch.listed[next_listed].number == static_cast<int>(i)) {
        listed = &scratch.listed[next_listed];
      }
    }
    ExtractionMatch& extraction = out->emplace_back();
    extraction.rule = best->rule;
    extraction.low = number.low;
    extraction.high = number.high;
    extraction.approximate = IsApproximate(number);
    extraction.unit = number.unit;
    extraction.quantity_span = OriginalSpan(scratch.buffer, number.begin, number.end);
    int32_t span_begin = std::min(best->begin, number.begin);
    if (listed != nullptr && listed->span_begin >= 0) {
      span_begin = listed->span_begin;
    }
    extraction.span =
        OriginalSpan(scratch.buffer, span_begin, std::max(best->end, number.end));
    extraction.span_begin_byte = -1;
    extraction.span_end_byte = -1;
    if (scratch.buffer.well_formed) {
      std::tie(extraction.span_begin_byte, extraction.span_end_byte) =
          OriginalBytesOf(scratch.buffer, extraction.span);
    }
    // A trigger in the clause before the comma adds that clause's cues (明天计划签约，金额5万元).
    // A heading's trigger has no clause of its own, so BindListItems set the aspect.
    if (listed != nullptr && listed->replaces_aspect) {
      extraction.aspect = listed->aspect;
    } else {
      extraction.aspect = CachedClauseAspect(&scratch, scratch.number_clause[i]);
      if (best->clause != scratch.number_clause[i]) {
        extraction.aspect =
            CombineAspects(extraction.aspect, CachedClauseAspect(&scratch, best->clause));
      }
      if (listed != nullptr) {
        extraction.aspect = CombineAspects(extraction.aspect, listed->aspect);
      }
    }
    // List items have their own total rules, so only free text is read for running totals
    // and summary lines.
    if (listed == nullptr && extraction.aspect == Aspect::kDone) {
      // A trigger in the clause or line before the number adds the words before it there
      // (本月累计签约，金额5万).
      int32_t start = std::min(scratch.clauses[scratch.number_clause[i]].first, best->begin);
      if (best->clause >= 0 && best->clause != scratch.number_clause[i]) {
        start = std::min(start, scratch.clauses[best->clause].first);
      }
      extraction.aspect = RunningTotalAspect(scratch.total_words, start, number.begin);
      if (extraction.aspect == Aspect::kDone && scratch.has_team_word &&
          IsTeamTotal(folded, start, number.begin)) {
        extraction.aspect = Aspect::kOtherSection;
      }
      if (extraction.aspect == Aspect::kDone &&
          (scratch.has_de_particle || !scratch.follow_up_starts.empty() ||
           !scratch.assist_starts.empty() || !scratch.call_off_starts.empty())) {
        extraction.aspect = OwnWorkAspect(scratch, i, *best, start, impl_->rules[best->rule].kind);
      }
      // After a heading that counted items, DropRepeatedTotals already decided which totals
      // repeat them, by trigger word.
      bool heading_counted = has_heading && !scratch.counted_rules.empty();
      if (extraction.aspect == Aspect::kDone && !heading_counted &&
          RepeatsCountedMatches(*out, folded, start, *best, number.begin)) {
        out->pop_back();
        scratch.match_positions.pop_back();
        continue;
      }
    }
    extraction.identifier = number.identifier;
    extraction.unreadable = number.unreadable;
    has_done = has_done || extraction.aspect == Aspect::kDone;
  }
  // Headings and labels of plans and other topics apply to whole lines (下周计划： over 签约20万),
  // which the clause cues do not reach. Only a done match can change, so a log without one
  // skips the line walk.
  if (has_done && (scratch.has_line_break || scratch.has_colon ||
                   MayHaveLineSection(folded, scratch.has_sentence_break))) {
    FindEnclosedItems(scratch.buffer, scratch.breaks, &scratch.enclosed_items);
    ApplySectionAspects(folded, scratch.breaks, scratch.match_positions, *out,
                        scratch.enclosed_items);
  }

  // Numbers are unique, so ordering by span and then number position is total; std::sort
  // avoids the buffer that std::stable_sort allocates. Matches usually come out in order
  // already, and checking that moves nothing.
  auto by_position = [](const ExtractionMatch& a, const ExtractionMatch& b) {
    return std::pair(a.span.begin, a.quantity_span.begin) <
           std::pair(b.span.begin, b.quantity_span.begin);
  };
  if (!std::is_sorted(out->begin(), out->end(), by_position)) {
    std::sort(out->begin(), out->end(), by_position);
  }
}

}  // namespace logbridge::scoring
