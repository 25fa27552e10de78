// Reads the head of each line once, in text order, and stops after the line of the last
// match, so a log costs one short look per line and nothing when it has no match.
#include "scoring/sections.h"

#include <algorithm>

namespace logbridge::scoring {
namespace {

// A heading longer than this is read as a sentence, not a title. NOTE: the limit is a guess
// that leaves room above 下周工作安排及重点客户跟进计划, which has 15 code points.
constexpr int32_t kMaxTitle = 24;
// A label before a colon on a line with text after it (明日：, 下周计划：) is short, so a
// sentence with a colon in it (明天要去拜访的客户名单：华为) marks no section.
constexpr int32_t kMaxLabel = 8;

// Words of a title that reports done work even when it names a plan too
// (本周工作总结及下周工作计划).
constexpr std::u32string_view kDoneTitleWords[] = {U"总结", U"完成", U"回顾", U"汇报", U"已"};

// Words of a title whose items are not the writer's own work done: problems, risks,
// competitors, others' results, complaints, feedback and requests for help.
constexpr std::u32string_view kOtherTopicWords[] = {U"问题", U"风险", U"竞品", U"友商",
                                                    U"竞争", U"团队", U"投诉", U"反馈",
                                                    U"协调", U"支持", U"困难"};

// Words of a title whose items are planned work or targets.
constexpr std::u32string_view kPlanTitleWords[] = {
    U"计划", U"安排",   U"打算", U"下一步", U"目标",   U"任务", U"指标",
    U"KPI",  U"kpi",    U"考核", U"跟进",   U"明天",   U"明日", U"后天",
    U"下周", U"下星期", U"下月", U"下个月", U"接下来", U"待办"};

// Last words of a title line without a colon whose words mark a plan or another topic. A line
// such as 明天计划拜访华为 ends with none of them, so it is a sentence and starts no section.
constexpr std::u32string_view kTitleEndWords[] = {
    U"计划", U"安排", U"打算", U"目标", U"任务",   U"指标", U"重点", U"事项", U"工作",
    U"问题", U"风险", U"动态", U"情况", U"业绩",   U"反馈", U"投诉", U"客户", U"KPI",
    U"kpi",  U"考核", U"支持", U"跟进", U"下一步", U"明天", U"明日", U"下周", U"后天"};

// First words of a line of done work. Such a line without a colon ends a plan section
// (今日工作, 今天拜访情况), as a heading of done work does.
constexpr std::u32string_view kDoneTimeWords[] = {U"今日", U"今天", U"昨日", U"昨天",
                                                  U"本周", U"上周", U"本月"};

// First words of a line that reports the day's own work (今天签约5万). Such a line ends a plan
// section even without a heading. 本周 and 本月 may start a line of a target (本月签约30万 under
// 本月任务), so they are not among them.
constexpr std::u32string_view kDoneDayWords[] = {U"今日", U"今天", U"昨日", U"昨天"};

// Words in a list item of a deal that was lost, so its numbers are negated. Each counts only
// where LosesItemDeal accepts it.
constexpr std::u32string_view kLostDealWords[] = {U"丢单", U"失败", U"反悔", U"退单", U"黄了"};

// Words before a lost-deal word in its clause that make the loss averted, feared or an earlier
// attempt (差点丢单, 避免了丢单, 未丢单, 客户曾两次反悔, 第一次盖章失败).
constexpr std::u32string_view kLossAvertedWords[] = {U"差点", U"差一点", U"险些",   U"避免",
                                                     U"防止", U"未",     U"没有",   U"没",
                                                     U"风险", U"曾",     U"第一次", U"上次"};

// Words that may open a clause after the deal's clause when that clause reports the loss of the
// item's own deal (客户反悔, （已退单）, 最终黄了). Any other opening, such as a customer's name
// in 小米丢单, names another deal.
constexpr std::u32string_view kSameDealOpeners[] = {
    U"客户", U"对方", U"甲方", U"该单", U"这单", U"此单", U"单子", U"订单", U"合同", U"项目", U"已",
    U"最终", U"最后", U"后来", U"结果", U"但",   U"可惜", U"又",   U"还是", U"却",   U"被"};

// Words in a list item of a deal that is not closed yet, so its numbers are planned. A contract
// that is still in process (合同还在走流程) belongs to a signed deal, so it is no such word.
constexpr std::u32string_view kStalledDealWords[] = {U"谈判中", U"暂缓", U"还在走流程"};

bool IsLineBreak(char32_t cp) { return cp == U'\n' || cp == U'\r'; }

bool IsSpace(char32_t cp) { return cp == U' ' || cp == U'\t' || cp == U'\u3000'; }

bool IsDigit(char32_t cp) { return cp >= U'0' && cp <= U'9'; }

// A switch, because a find in a string of the ten numerals takes several times the
// instructions, and SkipLineMarks reads the head of every text with a match.
bool IsChineseSectionNumeral(char32_t cp) {
  switch (cp) {
    case U'一':
    case U'二':
    case U'三':
    case U'四':
    case U'五':
    case U'六':
    case U'七':
    case U'八':
    case U'九':
    case U'十':
      return true;
    default:
      return false;
  }
}

bool IsBullet(char32_t cp) {
  return cp == U'-' || cp == U'*' || cp == U'·' || cp == U'•' || cp == U'>' || cp == U'+' ||
         cp == U'●' || cp == U'○' || cp == U'■' || cp == U'□' || cp == U'◆' || cp == U'▪';
}

// Punctuation that makes a would-be title a sentence.
bool IsSentencePunctuation(char32_t cp) {
  return cp == U',' || cp == U'，' || cp == U';' || cp == U'。' || cp == U'、' || cp == U'!' ||
         cp == U'?';
}

bool HasWord(std::u32string_view text, std::span<const std::u32string_view> words) {
  for (std::u32string_view word : words) {
    if (text.find(word) != std::u32string_view::npos) {
      return true;
    }
  }
  return false;
}

bool StartsWithWord(std::u32string_view text, std::span<const std::u32string_view> words) {
  return std::any_of(words.begin(), words.end(),
                     [text](std::u32string_view word) { return text.starts_with(word); });
}

bool EndsWithWord(std::u32string_view text, std::span<const std::u32string_view> words) {
  return std::any_of(words.begin(), words.end(),
                     [text](std::u32string_view word) { return text.ends_with(word); });
}

// Returns the section a title opens: done work unless a word marks another topic or a plan. A
// word of done work wins over both, because a title that names done work heads it first.
Aspect ClassifyTitle(std::u32string_view title) {
  if (HasWord(title, kDoneTitleWords)) {
    return Aspect::kDone;
  }
  if (HasWord(title, kOtherTopicWords)) {
    return Aspect::kOtherSection;
  }
  return HasWord(title, kPlanTitleWords) ? Aspect::kPlanned : Aspect::kDone;
}

// The head of one line as a section reads it.
struct LineHead {
  enum class Kind { kText, kBlank, kHeading, kLabel };
  Kind kind = Kind::kText;
  Aspect aspect = Aspect::kDone;  // the section a heading opens, or a label's own aspect
  bool item = false;              // the line starts with an item number or a bullet
  bool done_day = false;          // the text after the marks starts with a kDoneDayWords word
};

// Skips the marks that start a line: an item number (1、 2. 3) (4)), a bullet, a section number
// (一、 (一)) or the opening of a bracket or emphasis (【, [, **, #). Sets *item for an item
// number or bullet, and *marked for a section number or an opening.
int32_t SkipLineMarks(std::u32string_view line, bool* item, bool* marked) {
  auto size = static_cast<int32_t>(line.size());
  int32_t at = 0;
  while (at < size && IsSpace(line[at])) {
    ++at;
  }
  if (at == size) {
    return at;
  }
  char32_t first = line[at];
  if (first == U'#' || first == U'【' || first == U'[' ||
      (first == U'*' && at + 1 < size && line[at + 1] == U'*')) {
    *marked = true;
    while (at < size && (line[at] == U'#' || line[at] == U'*' || line[at] == U'【' ||
                         line[at] == U'[' || IsSpace(line[at]))) {
      ++at;
    }
  } else if (IsBullet(first)) {
    *item = true;
    ++at;
  } else {
    // A run of digits or Chinese numerals, maybe in brackets, then a mark that ends a number.
    int32_t run = at + (first == U'(' ? 1 : 0);
    int32_t digits_end = run;
    while (digits_end < size && IsDigit(line[digits_end])) {
      ++digits_end;
    }
    int32_t numerals_end = run;
    while (numerals_end < size && IsChineseSectionNumeral(line[numerals_end])) {
      ++numerals_end;
    }
    int32_t end = std::max(digits_end, numerals_end);
    if (end > run && end < size && (line[end] == U'、' || line[end] == U'.' || line[end] == U')')) {
      *item = digits_end > run;
      *marked = numerals_end > run;
      at = end + 1;
    }
  }
  while (at < size && IsSpace(line[at])) {
    ++at;
  }
  return at;
}

// Removes closing marks and spaces from the end of a title (】, ], **).
std::u32string_view TrimTitleEnd(std::u32string_view title) {
  while (!title.empty() && (IsSpace(title.back()) || title.back() == U'】' ||
                            title.back() == U']' || title.back() == U'*' || title.back() == U'#')) {
    title.remove_suffix(1);
  }
  return title;
}

bool IsTitleText(std::u32string_view title) {
  return !title.empty() && static_cast<int32_t>(title.size()) <= kMaxTitle &&
         std::none_of(title.begin(), title.end(), [](char32_t cp) {
           return IsDigit(cp) || IsSentencePunctuation(cp) || cp == U':';
         });
}

// Reads a bracketed plan or topic label that opens a line and that text follows on the same line
// (【风险】华为签约五万), as a label before a colon is read. rest_begin is where SkipLineMarks
// stopped, past the opening bracket. Returns false, leaving *head as it was, for a bracket that
// does not close within kMaxLabel code points, for one of done work (【今日】) and for a bracket
// that nothing follows, which the title rules read as a heading.
bool ReadBracketLabel(std::u32string_view line, int32_t rest_begin, LineHead* head) {
  int32_t open = rest_begin - 1;
  while (open >= 0 && line[open] != U'【' && line[open] != U'[') {
    --open;
  }
  if (open < 0) {
    return false;
  }
  char32_t closing = line[open] == U'【' ? U'】' : U']';
  std::u32string_view rest = line.substr(rest_begin);
  size_t close = rest.substr(0, kMaxLabel + 1).find(closing);
  if (close == std::u32string_view::npos) {
    return false;
  }
  std::u32string_view after = rest.substr(close + 1);
  std::u32string_view title = TrimTitleEnd(rest.substr(0, close));
  if (std::all_of(after.begin(), after.end(), IsSpace) || !IsTitleText(title)) {
    return false;
  }
  Aspect aspect = ClassifyTitle(title);
  if (aspect == Aspect::kDone) {
    return false;
  }
  head->kind = LineHead::Kind::kLabel;
  head->aspect = aspect;
  return true;
}

// Reads whether a line is blank, a heading, a label with text after its colon, or other text.
LineHead ReadLineHead(std::u32string_view line) {
  LineHead head;
  bool marked = false;
  int32_t at = SkipLineMarks(line, &head.item, &marked);
  if (at == static_cast<int32_t>(line.size())) {
    head.kind = head.item || marked ? LineHead::Kind::kText : LineHead::Kind::kBlank;
    return head;
  }

  // Only the first kMaxTitle code points after the marks may hold a heading's colon.
  std::u32string_view rest = line.substr(at);
  head.done_day = StartsWithWord(rest, kDoneDayWords);
  if (marked && ReadBracketLabel(line, at, &head)) {
    return head;
  }
  size_t colon = rest.substr(0, kMaxTitle + 1).find(U':');
  if (colon != std::u32string_view::npos) {
    std::u32string_view title = TrimTitleEnd(rest.substr(0, colon));
    if (!IsTitleText(title)) {
      return head;
    }
    head.aspect = ClassifyTitle(title);
    std::u32string_view after = rest.substr(colon + 1);
    bool empty_after = std::all_of(after.begin(), after.end(), IsSpace);
    if (empty_after) {
      head.kind = LineHead::Kind::kHeading;
    } else if (static_cast<int32_t>(title.size()) <= kMaxLabel) {
      head.kind = LineHead::Kind::kLabel;
    }
    return head;
  }

  // A title line without a colon: a section number or bracket marks it, or its words do.
  std::u32string_view title = TrimTitleEnd(rest);
  if (!IsTitleText(title)) {
    return head;
  }
  head.aspect = ClassifyTitle(title);
  bool titled = marked || (head.aspect != Aspect::kDone && EndsWithWord(title, kTitleEndWords)) ||
                (head.aspect == Aspect::kDone &&
                 (StartsWithWord(title, kDoneTimeWords) || HasWord(title, kDoneTitleWords)));
  if (titled) {
    head.kind = LineHead::Kind::kHeading;
  }
  return head;
}

// Punctuation that ends a clause inside a list item. 、 is among it, so an item's own number
// (1、) ends a clause too.
bool IsItemClauseBreak(char32_t cp) {
  return IsSentencePunctuation(cp) || cp == U'；' || cp == U'！' || cp == U'？' || cp == U'(' ||
         cp == U')' || cp == U'（' || cp == U'）';
}

// Whether the lost-deal word at [at, at + size) of an item's line reports the loss of the deal
// whose number is at deal. The word must come after that number and end its clause, with only
// 了 or spaces after it, so 退单风险已排除 and 挽回丢单客户 report no loss. The clause before the
// word must contain no kLossAvertedWords word. In a clause after the number's clause, a word
// other than 失败 must follow nothing or a kSameDealOpeners word. 失败 follows the action that
// failed (拜访失败), so its clause may open with any word.
bool LosesItemDeal(std::u32string_view line, size_t at, size_t size, size_t deal) {
  if (at < deal) {
    return false;
  }
  size_t end = at + size;
  if (end < line.size() && line[end] == U'了') {
    ++end;
  }
  while (end < line.size() && IsSpace(line[end])) {
    ++end;
  }
  if (end < line.size() && !IsItemClauseBreak(line[end])) {
    return false;
  }

  size_t clause_begin = at;
  while (clause_begin > 0 && !IsItemClauseBreak(line[clause_begin - 1])) {
    --clause_begin;
  }
  std::u32string_view before = line.substr(clause_begin, at - clause_begin);
  if (HasWord(before, kLossAvertedWords)) {
    return false;
  }
  if (clause_begin <= deal || line.substr(at, size) == U"失败") {
    return true;
  }
  while (!before.empty() && IsSpace(before.front())) {
    before.remove_prefix(1);
  }
  return before.empty() || StartsWithWord(before, kSameDealOpeners);
}

// Returns the aspect that a word of a lost or stalled deal gives a list item, or kDone. deal is
// the position in line of the number of the item's first done match.
Aspect DealStateOfItem(std::u32string_view line, size_t deal) {
  for (std::u32string_view word : kLostDealWords) {
    for (size_t at = line.find(word); at != std::u32string_view::npos;
         at = line.find(word, at + 1)) {
      if (LosesItemDeal(line, at, word.size(), deal)) {
        return Aspect::kNegated;
      }
    }
  }
  for (std::u32string_view word : kStalledDealWords) {
    size_t at = line.find(word);
    if (at == std::u32string_view::npos) {
      continue;
    }
    std::u32string_view before = line.substr(0, at);
    if (word == U"还在走流程" && before.ends_with(U"合同")) {
      continue;
    }
    return Aspect::kPlanned;
  }
  return Aspect::kDone;
}

}  // namespace

bool MayHaveLineSection(std::u32string_view folded, bool has_sentence_break) {
  // A title contains no sentence punctuation, and SkipLineMarks and TrimTitleEnd never drop
  // such a code point, so a text with one is no title. It is an item only when a bullet, a
  // digit or ( starts it, and a bracketed label only when 【 or [ does.
  if (has_sentence_break) {
    size_t at = 0;
    while (at < folded.size() && IsSpace(folded[at])) {
      ++at;
    }
    return at < folded.size() && (IsBullet(folded[at]) || IsDigit(folded[at]) ||
                                  folded[at] == U'(' || folded[at] == U'【' || folded[at] == U'[');
  }

  // These are the tests of ReadLineHead that can make its line a heading, a bracketed label or
  // an item, after which ApplySectionAspects changes nothing on a line of kText under no
  // section. A label's text may contain digits (【风险】华为签约5万), so an opening bracket is
  // enough, as in the branch above.
  bool item = false;
  bool marked = false;
  int32_t at = SkipLineMarks(folded, &item, &marked);
  if (item || IsTitleText(TrimTitleEnd(folded.substr(at)))) {
    return true;
  }
  return marked && std::any_of(folded.begin(), folded.begin() + at,
                               [](char32_t cp) { return cp == U'【' || cp == U'['; });
}

void ApplySectionAspects(std::u32string_view folded, std::span<const int32_t> breaks,
                         std::span<const int32_t> positions, std::span<ExtractionMatch> matches,
                         std::span<const int32_t> enclosed_items) {
  auto size = static_cast<int32_t>(folded.size());
  Aspect section = Aspect::kDone;
  size_t next_break = 0;
  size_t next_match = 0;
  size_t next_enclosed = 0;
  int32_t begin = 0;
  while (next_match < positions.size()) {
    while (next_break < breaks.size() &&
           (breaks[next_break] < begin || !IsLineBreak(folded[breaks[next_break]]))) {
      ++next_break;
    }
    int32_t end = next_break < breaks.size() ? breaks[next_break] : size;
    std::u32string_view line = folded.substr(begin, end - begin);

    // A blank line ends a section, and a heading starts one.
    LineHead head = ReadLineHead(line);
    while (next_enclosed < enclosed_items.size() && enclosed_items[next_enclosed] < begin) {
      ++next_enclosed;
    }
    if (next_enclosed < enclosed_items.size() && enclosed_items[next_enclosed] < end) {
      head.item = true;
    }
    if (head.kind == LineHead::Kind::kBlank) {
      section = Aspect::kDone;
    } else if (head.kind == LineHead::Kind::kHeading) {
      section = head.aspect;
    } else if (head.done_day && section == Aspect::kPlanned) {
      section = Aspect::kDone;
    }
    Aspect line_aspect = section;
    if (head.kind == LineHead::Kind::kLabel && head.aspect != Aspect::kDone) {
      line_aspect = head.aspect;
    }

    // The deal words of an item are read only when the item has a done match.
    bool state_read = false;
    Aspect deal_state = Aspect::kDone;
    for (; next_match < positions.size() && positions[next_match] < end; ++next_match) {
      ExtractionMatch& match = matches[next_match];
      if (match.aspect != Aspect::kDone) {
        continue;
      }
      if (line_aspect == Aspect::kDone && head.item && !state_read) {
        deal_state = DealStateOfItem(line, static_cast<size_t>(positions[next_match] - begin));
        state_read = true;
      }
      match.aspect = line_aspect != Aspect::kDone ? line_aspect : deal_state;
    }

    if (end == size) {
      break;
    }
    // \r\n is one line break.
    begin = end + 1;
    if (folded[end] == U'\r' && begin < size && folded[begin] == U'\n') {
      ++begin;
    }
  }
}

}  // namespace logbridge::scoring
