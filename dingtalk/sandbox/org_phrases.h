// Building blocks of the organization generator's Chinese text: a seeded dice, numbers written
// the ways people write them (Arabic, Chinese, full-width, 万/w/k), and sentence templates per
// role. Internal to dingtalk/sandbox. A Dice is not thread-safe; everything else is pure.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace logbridge::dingtalk {

// A deterministic random source. Uses only the raw 64-bit engine output, so results do not
// depend on the standard library's distribution implementations.
class Dice {
 public:
  explicit Dice(uint64_t seed);

  uint64_t Next();
  // Uniform integer in [low, high]; REQUIRES: low <= high.
  int64_t Between(int64_t low, int64_t high);
  // True with probability `p`.
  bool Chance(double p);
  // Uniform real in [0, 1).
  double Unit();

  template <typename T>
  const T& Pick(const std::vector<T>& items) {
    return items[static_cast<size_t>(Between(0, static_cast<int64_t>(items.size()) - 1))];
  }

  template <typename T>
  void Shuffle(std::vector<T>& items) {
    for (size_t i = items.size(); i > 1; --i) {
      std::swap(items[i - 1], items[static_cast<size_t>(Between(0, static_cast<int64_t>(i) - 1))]);
    }
  }

 private:
  uint64_t state_;
};

// Writes 0..9999 in Chinese numerals, such as 二十三 or 一百零五.
std::string ChineseNumber(int64_t value);

// Replaces ASCII digits, '.' and '%' with their full-width forms.
std::string FullWidth(std::string_view text);

// A count such as 3 written one of several ways: "3", "三", "３"; `unit` (such as "家") is
// appended in most forms.
std::string CountText(Dice& dice, int64_t count, std::string_view unit);

// An amount in yuan written as people do: "5万", "5.2万元", "52000元", "5.2w", "52k",
// "52,000", "五万" and so on. Every form names the same amount.
std::string AmountText(Dice& dice, int64_t yuan);

// Hours such as 7.5 written as "7.5小时", "7.5h", "七个半小时", "450分钟" and so on.
std::string HoursText(Dice& dice, double hours);

// A percentage written as "80%", "百分之八十", "８０％", "八成" and so on.
std::string PercentText(Dice& dice, int64_t percent);

// Slot values for sentence templates: a template's "{key}" is replaced by slots[key](dice).
using SlotFillers = std::map<std::string, std::function<std::string(Dice&)>>;

// Fills every "{key}" in `pattern`; unknown keys stay as written.
std::string FillTemplate(std::string_view pattern, Dice& dice, const SlotFillers& slots);

// Joins clauses in one of several personal styles: numbered, semicolons, 上午/下午 (only when
// `time_of_day` is set, as for a day's work), lines, or commas.
std::string JoinClauses(Dice& dice, int32_t style, const std::vector<std::string>& clauses,
                        bool time_of_day = true);

// Sentence templates of the 今日工作 or task field, per role.
const std::vector<std::string>& SalesWorkTemplates();
const std::vector<std::string>& RndTaskTemplates();
const std::vector<std::string>& AdminTaskTemplates();
const std::vector<std::string>& ProductDocTemplates();
const std::vector<std::string>& ProductResearchTemplates();
const std::vector<std::string>& ProductPrototypeTemplates();
const std::vector<std::string>& SalesPlanTemplates();
const std::vector<std::string>& PlanTemplates();  // plans of the other roles
const std::vector<std::string>& WeeklyTemplates();

// Texts validation must flag as content-free.
const std::vector<std::string>& BoilerplateTexts();

}  // namespace logbridge::dingtalk
