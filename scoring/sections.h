// Sections of a work log. Headings and labels mark the lines under or after them as planned work
// or as a topic other than the writer's own work done (明日计划：, 存在问题：). List items may
// report a stalled or lost deal. Extractor applies both to its matches after binding.
// Pure functions on folded text, safe to call from any thread.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "scoring/extract.h"

namespace logbridge::scoring {

// Changes the aspect of each done match by the section that contains its number:
// - under a plan heading (下周计划：, 明日计划, 二、下周计划, 本月任务, 跟进事项) every line is
//   planned until a blank line or the next heading of done work or of another topic;
// - under a heading of another topic (存在问题：, 风险客户：, 竞品动态：, 团队业绩：, 客户投诉：,
//   三、客户反馈, 需协调事项：) every line is kOtherSection until the same ends;
// - a line that starts with a plan or topic label and a colon (明日：, 下周：, 计划：, 问题：) has
//   that aspect to its end, and the lines after it keep the section they were in;
// - a line that opens with a bracketed plan or topic label (【风险】, 【明日计划】) and has more
//   text has that aspect to its end, as a label before a colon does.
// - a list item (1、, 1., (1), -, or a line in enclosed_items) is negated when a word of a lost
//   deal (丢单, 失败, 反悔, 退单, 黄了) ends a clause after the number of its first done match.
//   A word of an averted or earlier loss (差点丢单, 未丢单) before it in the clause, or in a
//   later clause another customer's name first (小米丢单), keeps the item done. An item with a
//   word of a stalled deal (谈判中, 暂缓, 还在走流程) is planned.
// Matches that are planned or negated already keep their aspect.
// positions[k] is the folded position of the number of matches[k]. breaks contains every line
// break of folded (\n and \r) and may contain other positions, which are skipped.
// enclosed_items contains the folded position of each item number written in enclosed digits
// (① folds to 1, which the line marks alone do not tell from a number). Such a number makes
// its line an item.
// REQUIRES: positions, breaks and enclosed_items in increasing order,
// positions.size() == matches.size().
void ApplySectionAspects(std::u32string_view folded, std::span<const int32_t> breaks,
                         std::span<const int32_t> positions, std::span<ExtractionMatch> matches,
                         std::span<const int32_t> enclosed_items = {});

// Whether ApplySectionAspects may change a match of folded, a text of one line with no colon.
// Three kinds of line may change one. A short title without digits or punctuation may be a
// heading, a line that opens with 【 or [ may be a bracketed label, and the deal words of a
// list item apply. A false return lets the caller skip ApplySectionAspects.
// has_sentence_break is whether folded contains , ; ! ? or 。, which rules out a title.
// REQUIRES: folded has no \n, \r or colon.
bool MayHaveLineSection(std::u32string_view folded, bool has_sentence_break);

}  // namespace logbridge::scoring
