// Tests that the direct path for common number shapes reads exactly what the general reader
// reads: every shape it takes, between many left neighbours and followed by every code point
// that may end, extend or qualify a numeral, compared member by member.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "scoring/numerals.h"
#include "scoring/text.h"

namespace logbridge::scoring {
namespace {

// The numerals the direct path takes, and some it must leave to the general reader.
const std::vector<std::string> kNumerals = {
    "3", "0", "12", "123", "07", "12345678", "123456789", "1.5", "0.25", "2.35", "1.2345",
    "1.23456", "12.", "3万", "0.02万", "2.35万", "99999999万", "12345678.9999万", "3萬",
    "一", "两", "三", "九", "零", "壹", "俩", "十", "十二", "二十", "三十五", "两十", "十零",
    "一十", "十十", "三四", "半", "几", "上百",
    // Full-width digits, which Fold turns into ASCII ones.
    "３", "１２", "２.５", "２．５万", "１２３４５６７８９"};

// Code points and words that may follow a numeral: unit and measure words of every class,
// blockers, characters that extend a numeral or a range, separators, letters and plain text.
const std::vector<std::string> kFollowers = {
    "", "家", "个", "位", "次", "笔", "单", "人次", "单元", "公斤", "平方米", "元", "块钱",
    "元人民币", "圆", "%", "个百分点", "百分点", "小时", "个小时", "个半小时", "个多小时",
    "钟头", "分钟", "刻钟", "天", "天半", "个工作日", "年", "月", "个月", "日", "号", "周",
    "点", "点钟", "时", "分", "岁", "成", "美元", "刀", "门店", "客户", "签", "和", "，",
    "。", "、", "到", "至", "-", "~", "—", "——", "－", "〜", "−", " ", "\t", ":", "/", ".",
    ",", ",5", ".5", "'", "’", "+", "0", "5", "一", "二", "十", "百", "千", "万", "亿", "拾",
    "几", "数", "上", "多", "余", "半", "左右", "w", "k", "K", "h", "m", "min", "kg", "km",
    "RMB", "rmb", "USD", "_", "x", "¥", "$", "第", "次性", "起", "些", "来", "个来月", "％",
    "／", "．", "家来"};

// Text after the follower. It matters after a unit word, where + starts a sum (with or without
// spaces), a letter joins an ASCII unit, 左右 is a hedge and 个 or 次 ends the idioms 一个个 and
// 一次次. It also matters for ranges and lists.
const std::vector<std::string> kTails = {"",   "签约", "+5万元", "+2家", " + 2家", " +5万元",
                                         "s",  "5家",  "左右",   "个",   "次"};

// Left neighbours: plain text, labels, ordinals, currency signs, letters and spaces.
const std::vector<std::string> kBefores = {"", "拜访", "客户", "第", "订单号", "验证码", "#",
                                           "No", "V", "$", "€ ", "£", "周", "星期", "礼拜",
                                           "约", "近", "-", "统", "下", "3", "十", "代码", " "};

// Returns the first member in which two readings differ, or an empty string.
std::string FirstDifference(const NumberMatch& a, const NumberMatch& b) {
  // Both measure word views point into the same folded text, so they must also start at the
  // same place.
  const std::pair<const char*, bool> members[] = {
      {"begin", a.begin == b.begin},
      {"end", a.end == b.end},
      {"low", a.low == b.low},
      {"high", a.high == b.high},
      {"approximate", a.approximate == b.approximate},
      {"unit_class", a.unit_class == b.unit_class},
      {"scaled", a.scaled == b.scaled},
      {"scale_word", a.scale_word == b.scale_word},
      {"chinese", a.chinese == b.chinese},
      {"hundreds_only", a.hundreds_only == b.hundreds_only},
      {"unit", a.unit == b.unit},
      {"measure_word", a.measure_word == b.measure_word &&
                           a.measure_word.data() == b.measure_word.data()},
      {"identifier", a.identifier == b.identifier},
      {"hedged", a.hedged == b.hedged},
      {"unreadable", a.unreadable == b.unreadable},
  };
  for (const auto& [name, same] : members) {
    if (!same) {
      return name;
    }
  }
  return "";
}

// Returns how the direct path and the general reader differ on text at position begin,
// including where the scan resumes, or an empty string when they agree.
std::string CompareReadings(const FoldBuffer& text, int32_t begin, const UnitTable& units,
                            ScanOptions options) {
  options.direct_path = true;
  int32_t direct_resume = -1;
  std::optional<NumberMatch> direct = ReadNumberAt(text, begin, units, options, &direct_resume);
  options.direct_path = false;
  int32_t general_resume = -1;
  std::optional<NumberMatch> general =
      ReadNumberAt(text, begin, units, options, &general_resume);
  if (direct.has_value() != general.has_value()) {
    return direct ? "only the direct path reads a number" : "only the general reader does";
  }
  if (direct_resume != general_resume) {
    return "resume " + std::to_string(direct_resume) + " against " +
           std::to_string(general_resume);
  }
  return direct ? FirstDifference(*direct, *general) : "";
}

// Follower words after which the tail matters: unit words of each kind and a letter unit.
bool TailMatters(const std::string& follower) {
  return follower == "" || follower == "家" || follower == "元" || follower == "%" ||
         follower == "小时" || follower == "kg" || follower == "万" || follower == "个";
}

TEST_CASE("direct path reads as general reader", "[numerals]") {
  UnitTable units({"门店", "客户", "pcs"});
  std::vector<ScanOptions> option_sets(4);
  option_sets[1].keep_identifiers = true;
  option_sets[2].allow_bare_chinese = true;
  option_sets[3].keep_identifiers = true;
  option_sets[3].allow_bare_chinese = true;

  FoldBuffer text;
  int64_t compared = 0;
  int64_t differences = 0;
  for (const std::string& before : kBefores) {
    for (const std::string& numeral : kNumerals) {
      for (const std::string& follower : kFollowers) {
        for (const std::string& tail : kTails) {
          if (!tail.empty() && tail != "+5万元" && !TailMatters(follower)) {
            continue;
          }
          std::string input = before + numeral + follower + tail;
          Fold(input, &text);
          auto size = static_cast<int32_t>(text.folded.size());
          for (size_t set = 0; set < option_sets.size(); ++set) {
            // Every position, so numbers that start inside the neighbours are compared too.
            for (int32_t begin = 0; begin < size; ++begin) {
              std::string difference = CompareReadings(text, begin, units, option_sets[set]);
              ++compared;
              if (!difference.empty() && ++differences <= 20) {
                FAIL_CHECK("text " << input << ", position " << begin << ", options " << set
                                   << ": " << difference);
              }
            }
          }
        }
      }
    }
  }
  CHECK(differences == 0);
  CHECK(compared > 100000);
}

TEST_CASE("direct path scans as general reader", "[numerals]") {
  UnitTable units;
  const std::vector<std::string> texts = {
      "上午拜访3家客户，和客户123签约2.35万元，整理了报价单并发给采购部确认",
      "今天走访十二位客户，和华为成交8600元，明天计划拜访3家新客户",
      "下午上门拜访两个门店，和客户57收到订单0.02万元。",
      "约5万元左右，3家+2家，第3家，订单号12345，一起拜访三四家"};
  FoldBuffer text;
  for (const std::string& input : texts) {
    INFO("text: " << input);
    Fold(input, &text);
    ScanOptions options;
    options.keep_identifiers = true;
    std::vector<NumberMatch> direct;
    ScanNumbers(text, units, options, &direct);
    options.direct_path = false;
    std::vector<NumberMatch> general;
    ScanNumbers(text, units, options, &general);
    REQUIRE(direct.size() == general.size());
    for (size_t i = 0; i < direct.size(); ++i) {
      CHECK(direct[i].begin == general[i].begin);
      CHECK(direct[i].end == general[i].end);
      CHECK(direct[i].low == general[i].low);
      CHECK(direct[i].unit == general[i].unit);
      CHECK(direct[i].hedged == general[i].hedged);
    }
  }
}

TEST_CASE("direct path reads bench shapes", "[numerals]") {
  UnitTable units;
  FoldBuffer text;
  Fold("拜访十二家，签约2.35万元", &text);
  ScanOptions options;
  int32_t resume = 0;

  std::optional<NumberMatch> count = ReadNumberAt(text, 2, units, options, &resume);
  REQUIRE(count.has_value());
  CHECK(count->low == Decimal::FromInt(12));
  CHECK(count->unit == "家");
  CHECK(count->unit_class == UnitClass::kMeasureWord);
  CHECK(count->chinese);
  CHECK(resume == 5);

  std::optional<NumberMatch> amount = ReadNumberAt(text, 8, units, options, &resume);
  REQUIRE(amount.has_value());
  CHECK(amount->low == Decimal::FromInt(23500));
  CHECK(amount->unit == "万元");
  CHECK(amount->unit_class == UnitClass::kCurrency);
  CHECK_FALSE(amount->scaled);
  CHECK(resume == 14);
}

}  // namespace
}  // namespace logbridge::scoring
