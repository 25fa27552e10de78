// Tests for Extractor: rule binding, spans, aspects, false positives and rule errors.
#include "scoring/extract.h"

#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "scoring/normalize.h"

namespace logbridge::scoring {
namespace {

std::vector<ExtractionRule> SalesRules() {
  return {
      {"visits", "customer_visits", "拜访|走访", QuantityKind::kCount, {"个", "家", "位"}, 8},
      {"orders", "orders_signed", "签订|签约|订单", QuantityKind::kCount, {"笔", "单"}, 8},
      {"sales", "sales_amount", "签订|签约|订单|成交", QuantityKind::kAmount, {}, 8},
      {"training", "training_hours", "培训|加班", QuantityKind::kDuration, {}, 8},
      {"rate", "completion_rate", "完成率|转化率", QuantityKind::kPercent, {}, 8},
  };
}

const Extractor& Sales() {
  static const Extractor kExtractor = std::move(Extractor::Create(SalesRules()).value());
  return kExtractor;
}

std::string Describe(const std::vector<Extraction>& found) {
  std::string out;
  for (const Extraction& e : found) {
    out += e.rule + "=" + e.quantity.Value().ToString() + " ";
  }
  return out;
}

// A text and the one value expected from it.
struct TextValue {
  const char* text;
  const char* value;
};

// Returns the extractions of text with the sales rules, requiring exactly one.
std::vector<Extraction> ExtractOne(const char* text) {
  INFO("text: " << text);
  std::vector<Extraction> found = Sales().Extract(text);
  INFO(Describe(found));
  REQUIRE(found.size() == 1);
  return found;
}

TEST_CASE("Extract binds each quantity to one rule", "[extract]") {
  std::vector<Extraction> found = Sales().Extract("完成3个客户拜访，签订1笔5万元订单");
  INFO(Describe(found));
  REQUIRE(found.size() == 3);

  CHECK(found[0].rule == "visits");
  CHECK(found[0].metric == "customer_visits");
  CHECK(found[0].quantity.Value().ToString() == "3");
  CHECK(found[0].quantity.span == Span{2, 4});
  CHECK(found[0].span == Span{2, 8});
  CHECK(found[0].aspect == Aspect::kDone);

  CHECK(found[1].rule == "orders");
  CHECK(found[1].quantity.Value().ToString() == "1");
  CHECK(found[1].quantity.unit == "笔");
  CHECK(found[1].quantity.span == Span{11, 13});
  CHECK(found[1].span == Span{9, 13});

  CHECK(found[2].rule == "sales");
  CHECK(found[2].quantity.Value().ToString() == "50000");
  CHECK(found[2].quantity.unit == "万元");
  CHECK(found[2].quantity.span == Span{13, 16});
  CHECK(found[2].span == Span{13, 18});
}

TEST_CASE("Extract counts trigger before or after", "[extract]") {
  std::vector<Extraction> before = Sales().Extract("拜访客户3家");
  REQUIRE(before.size() == 1);
  CHECK(before[0].rule == "visits");
  CHECK(before[0].quantity.Value().ToString() == "3");
  CHECK(before[0].span == Span{0, 6});

  std::vector<Extraction> after = Sales().Extract("完成3个客户拜访");
  REQUIRE(after.size() == 1);
  CHECK(after[0].rule == "visits");
  CHECK(after[0].span == Span{2, 8});
}

TEST_CASE("Extract reads a scale after a space", "[extract]") {
  std::vector<Extraction> amount = ExtractOne("今天签约5 万元");
  CHECK(amount[0].rule == "sales");
  CHECK(amount[0].quantity.Value().ToString() == "50000");
  CHECK(amount[0].span == Span{2, 8});  // the quote keeps the space: 签约5 万元

  // An ideographic space and a run of spaces are dropped too, before 亿 and 千 as well.
  CHECK(ExtractOne("成交1.5\u3000万元")[0].quantity.Value().ToString() == "15000");
  CHECK(ExtractOne("成交2  千元")[0].quantity.Value().ToString() == "2000");
  CHECK(ExtractOne("签约1 亿元")[0].quantity.Value().ToString() == "100000000");
  // A non-ASCII character elsewhere sends the text through ICU, which must agree.
  CHECK(ExtractOne("成交5 万元（含税）ﬁ")[0].quantity.Value().ToString() == "50000");

  // A space before another word still ends the number.
  std::vector<Extraction> visits = ExtractOne("拜访3 家客户");
  CHECK(visits[0].quantity.Value().ToString() == "3");
  // A scale character that starts a word (万科, 千禧, 千克) is not joined to the number.
  for (const char* text : {"签约2026 万科项目", "回款100 万达集团的货款", "签约3 千克样品订单"}) {
    INFO("text: " << text);
    std::string found = Describe(Sales().Extract(text));
    CHECK(found.find("000000") == std::string::npos);
    CHECK(found.find("3000 ") == std::string::npos);
  }
  CHECK(ExtractOne("拜访3 千禧酒店客户2家")[0].quantity.Value().ToString() == "2");
  // A scale with a digit after it joins only when a lower scale follows that digit: 2 万 3 千元
  // is 23000, never 2 or 3000, while 2 万 3 家 and 2 万 3 千克 stay apart.
  CHECK(ExtractOne("签约2 万 3 千元")[0].quantity.Value().ToString() == "23000");
  CHECK(ExtractOne("签约2万 3千元")[0].quantity.Value().ToString() == "23000");
  for (const char* text : {"签约2 万 3 家", "签约2 万 3 千克样品"}) {
    INFO("text: " << text);
    std::string found = Describe(Sales().Extract(text));
    CHECK(found.find("000 ") == std::string::npos);
  }
  // A digit right after a scale word continues the number, and 百 may end it like the other
  // scale words, first or after a higher one.
  CHECK(ExtractOne("签约2 万3 千元")[0].quantity.Value().ToString() == "23000");
  std::vector<Extraction> hundreds = ExtractOne("签约3 百元");
  CHECK(hundreds[0].quantity.Value().ToString() == "300");
  CHECK(hundreds[0].span == Span{0, 6});
  CHECK(ExtractOne("签约3 百")[0].quantity.Value().ToString() == "300");
  CHECK(ExtractOne("签约3 百万元")[0].quantity.Value().ToString() == "3000000");
  CHECK(Describe(Sales().Extract("签约3 百度云订单")).find("300") == std::string::npos);
  CHECK(ExtractOne("签约1万 2 千 3 百元")[0].quantity.Value().ToString() == "12300");
  CHECK(ExtractOne("签约3千 5 百元")[0].quantity.Value().ToString() == "3500");
  // Two quantities stay apart, and so do digit groups that are no number.
  std::vector<Extraction> two = Sales().Extract("签约3万 2笔");
  CHECK(Describe(two) == "sales=30000 orders=2 ");
  std::string groups = Describe(Sales().Extract("签约138 1234 5678"));
  CHECK(groups.find("1381234") == std::string::npos);
  CHECK(groups.find("12345678") == std::string::npos);
  // 千万 still joins: the scale ends the number.
  CHECK(ExtractOne("签约5 千万元")[0].quantity.Value().ToString() == "50000000");
  // A space after a Chinese numeral is not dropped: 五 万 stays two words.
  CHECK(Describe(Sales().Extract("签约五 万元")).find("50000") == std::string::npos);
}

TEST_CASE("Extract treats a tab like a space", "[extract]") {
  std::vector<Extraction> amount = ExtractOne("签约2\t万元");
  CHECK(amount[0].quantity.Value().ToString() == "20000");
  CHECK(amount[0].span == Span{0, 6});
  CHECK(ExtractOne("签约2\t万\t3\t千元")[0].quantity.Value().ToString() == "23000");
  CHECK(ExtractOne("拜访3\t家客户")[0].quantity.Value().ToString() == "3");
  std::vector<Extraction> marked = ExtractOne("成交¥\t5000");
  CHECK(marked[0].quantity.Value().ToString() == "5000");
  CHECK(marked[0].quantity.unit == "¥");
}

TEST_CASE("Extract reads ranges with other dashes", "[extract]") {
  const TextValue cases[] = {
      {"签约3万—5万元", "40000"},        // em dash
      {"签约3万–5万元", "40000"},        // en dash
      {"签约3万——5万元", "40000"},  // double em dash
      {"签约3万 —— 5万元", "40000"},
      {"签约3～5万元", "40000"},          // full-width tilde, folded to ~
      {"签约3〜5万元", "40000"},          // wave dash, which NFKC keeps
      {"签约3万~5万元", "40000"},
      {"签约3万 - 5万元", "40000"},
      {"签约3 - 5万元", "40000"},
      {"签约三万-五万元", "40000"},
      {"签约5千-1万元", "7500"},
      {"签约3-5千元", "4000"},
      {"签约3-5百万元", "4000000"},
      {"拜访3 - 5家", "4"},
      {"拜访3—5家", "4"},
      {"拜访3 —— 5家", "4"},
  };
  for (const TextValue& c : cases) {
    INFO("text: " << c.text);
    std::vector<Extraction> found = ExtractOne(c.text);
    CHECK(found[0].quantity.Value().ToString() == c.value);
    CHECK(found[0].quantity.approximate);
    CHECK(found[0].quantity.span.begin == 2);
    CHECK(found[0].quantity.span.end == FoldText(c.text).original_length);
  }
}

TEST_CASE("Extract reads a lone dash as no range", "[extract]") {
  // A dash with a space on one side, or one that starts a line, is a minus sign or a bullet.
  CHECK(ExtractOne("拜访3 -5家")[0].quantity.Value().ToString() == "5");
  CHECK(ExtractOne("拜访3- 5家")[0].quantity.Value().ToString() == "5");
  CHECK(ExtractOne("拜访客户 - 3家")[0].quantity.Value().ToString() == "3");
  std::vector<Extraction> bullets = Sales().Extract("拜访3家\n- 签约5万元");
  INFO(Describe(bullets));
  REQUIRE(bullets.size() == 2);
  CHECK(bullets[0].quantity.Value().ToString() == "3");
  CHECK(bullets[1].quantity.Value().ToString() == "50000");
  // A spaced dash between a higher and a lower number joins no range, and the number with the
  // unit still counts.
  CHECK(ExtractOne("拜访5 - 3家")[0].quantity.Value().ToString() == "3");
}

TEST_CASE("Extract lists too wide ranges unreadable", "[extract]") {
  const TextValue within[] = {
      {"签约3万-30万元", "165000"},
      {"拜访1-10家", "5.5"},
  };
  for (const TextValue& c : within) {
    INFO("text: " << c.text);
    std::vector<Extraction> found = ExtractOne(c.text);
    CHECK(found[0].quantity.Value().ToString() == c.value);
    CHECK_FALSE(found[0].unreadable);
  }
  for (const char* text : {"签约3万-31万元", "签约3万-9999万元", "拜访1-11家", "签约5万-1亿元",
                           "签约3-5,00万元", "签约3万—5,00万元"}) {
    INFO("text: " << text);
    std::vector<Extraction> found = ExtractOne(text);
    CHECK(found[0].unreadable);
    CHECK(found[0].quantity.Value().ToString() == "0");
    CHECK(found[0].span.begin == 0);
    CHECK(found[0].span.end == FoldText(text).original_length);
  }
  // 、 joins a rising pair into a range at any width, so a bare pair before a noun (3、40号楼)
  // counts nothing.
  std::vector<Extraction> listed = ExtractOne("拜访3、40家");
  REQUIRE(listed.size() == 1);
  CHECK(listed[0].quantity.approximate);
  CHECK(listed[0].quantity.Value().ToString() == "21.5");
  CHECK(Sales().Extract("上午拜访3、40号楼的物业").empty());
}

TEST_CASE("Extract lists falling scaled ranges unreadable", "[extract]") {
  // The upper end is not above the lower end, but a scale or a unit makes the text no date, so
  // it is shown with the reason unreadable instead of being skipped or read in part.
  for (const char* text : {"签约3万-5元", "签约3万-5", "签约三万到五", "签约3万-5千元",
                           "签约5-5万元", "签约8-5万元", "签约5-5千元", "签约3万-2万元",
                           "签约3万-3万元", "签约3万到2万元", "签约3万-2万"}) {
    INFO("text: " << text);
    std::vector<Extraction> found = ExtractOne(text);
    CHECK(found[0].rule == "sales");
    CHECK(found[0].unreadable);
    CHECK(found[0].quantity.Value().ToString() == "0");
    CHECK(found[0].span.begin == 0);
    CHECK(found[0].span.end == FoldText(text).original_length);
  }
  // A higher upper end without a scale is still no range, and a spaced dash is still a minus
  // sign or a bullet, so their numbers are read on their own. The amount rule takes the one
  // with 元, and the count rule takes no bare 3万.
  CHECK(Describe(Sales().Extract("签约3万-50000元")) == "sales=50000 ");
  CHECK(Describe(Sales().Extract("签约3万 - 5元")) == "sales=5 ");
  CHECK(Describe(Sales().Extract("签约3万 - 2万元")) == "sales=20000 ");
  // 到 before a date or a period reads "by", so the amount before it still counts.
  CHECK(Describe(Sales().Extract("签约3万到5月底完成")) == "sales=30000 ");
  CHECK(Describe(Sales().Extract("签约3万-5号前回款")) == "sales=30000 ");
  // A unit other than a currency makes the upper end another quantity, so the amount before
  // the dash counts and the count after it is read on its own.
  CHECK(Describe(Sales().Extract("签约3万-5笔")) == "sales=30000 orders=5 ");
  CHECK(Describe(Sales().Extract("订单十三万~二十笔")) == "sales=130000 orders=20 ");
  CHECK(Describe(Sales().Extract("成交5万-3个点返利")) == "sales=50000 ");
  // The same holds for a scaled upper end that is not higher.
  CHECK(Describe(Sales().Extract("签约3万-2万笔")) == "sales=30000 orders=20000 ");
  CHECK(Describe(Sales().Extract("签约3万~2万笔")) == "sales=30000 orders=20000 ");
  CHECK(Describe(Sales().Extract("签约3万-3万笔")) == "sales=30000 orders=30000 ");
}

TEST_CASE("Extract skips amounts after a foreign currency sign", "[extract]") {
  // Like 3万美元, these are not amounts in 元, and a sum does not take them in.
  CHECK(Describe(Sales().Extract("签约$3万+5万元")) == "sales=50000 ");
  CHECK(Describe(Sales().Extract("签约US$ 5000，另签约2万元")) == "sales=20000 ");
  CHECK(Describe(Sales().Extract("签约€500")).empty());
  CHECK(Describe(Sales().Extract("签约£500")).empty());
  CHECK(Describe(Sales().Extract("签约¥500")) == "sales=500 ");
}

TEST_CASE("Extract lists quantities above the largest one unreadable", "[extract]") {
  // A sum with such a term is unreadable as a whole, and so is one with a misgrouped term.
  for (const char* text : {"签约500万亿元", "签约1.5万亿元", "签约1万亿+1元", "签约3万+十万亿元",
                           "签约3万+5,00元"}) {
    INFO("text: " << text);
    std::vector<Extraction> found = ExtractOne(text);
    CHECK(found[0].rule == "sales");
    CHECK(found[0].unreadable);
    CHECK(found[0].quantity.Value().ToString() == "0");
  }
  std::vector<Extraction> largest = ExtractOne("签约1万亿元");
  CHECK_FALSE(largest[0].unreadable);
  CHECK(largest[0].quantity.Value().ToString() == "1000000000000");
}

TEST_CASE("Extract reads a range ending in 余 or 多", "[extract]") {
  struct Case {
    const char* text;
    const char* low;
    const char* high;
  };
  const Case cases[] = {{"签约3-5万余元", "30000", "50000"},
                        {"签约3万-5万余元", "30000", "50000"},
                        {"签约3-5千多元", "3000", "5000"},
                        {"签约3-5万多", "30000", "50000"},
                        {"拜访3-5多家", "3", "5"}};
  for (const Case& c : cases) {
    INFO("text: " << c.text);
    std::vector<Extraction> found = ExtractOne(c.text);
    CHECK_FALSE(found[0].unreadable);
    CHECK(found[0].quantity.approximate);
    CHECK(found[0].quantity.low.ToString() == c.low);
    CHECK(found[0].quantity.high.ToString() == c.high);
  }
}

TEST_CASE("Extract adds numbers joined by a plus", "[extract]") {
  const TextValue cases[] = {
      {"签约3万+5万元", "80000"},   {"签约3万元+5万元", "80000"}, {"签约3万+5万", "80000"},
      {"签约3万＋5万元", "80000"},  {"签约3千+5百元", "3500"},    {"拜访2家+3家", "5"},
      {"签约3万+5万+2万元", "100000"},
      // Spaces on either side of the + change nothing.
      {"签约3万 + 5万元", "80000"},   {"签约3万 +5万元", "80000"},  {"签约3万+ 5万元", "80000"},
      {"签约3万  +  5万元", "80000"}, {"签约3万\u3000+\u30005万元", "80000"},
      {"拜访2家 + 3家", "5"},         {"签约3万 + 5万 + 2万元", "100000"},
  };
  for (const TextValue& c : cases) {
    INFO("text: " << c.text);
    std::vector<Extraction> found = ExtractOne(c.text);
    CHECK(found[0].quantity.Value().ToString() == c.value);
    CHECK_FALSE(found[0].quantity.approximate);
    CHECK(found[0].span.begin == 0);
    CHECK(found[0].span.end == FoldText(c.text).original_length);
  }
  // A + after the sum is still a hedge, after a space too.
  std::vector<Extraction> hedged = ExtractOne("签约3万+5万元+");
  CHECK(hedged[0].quantity.Value().ToString() == "80000");
  CHECK(hedged[0].quantity.approximate);
  std::vector<Extraction> spaced_hedge = ExtractOne("签约5万 +，下周回款");
  CHECK(spaced_hedge[0].quantity.Value().ToString() == "50000");
  CHECK(spaced_hedge[0].quantity.approximate);
  CHECK(spaced_hedge[0].quantity.span == Span{2, 6});
  // A spaced + before a number that does not fit is neither a sum nor a hedge.
  std::vector<Extraction> apart = ExtractOne("签约3万 + 5家");
  CHECK(apart[0].quantity.Value().ToString() == "30000");
  CHECK_FALSE(apart[0].quantity.approximate);
  // Numbers that do not fit together are read on their own: a bare number before a scaled
  // one (the scale may be meant for both), two measure words, and percentages.
  CHECK(Describe(Sales().Extract("签约3+5万元")) == "orders=3 sales=50000 ");
  CHECK(Describe(Sales().Extract("拜访2家+3位")) == "visits=2 ");
  CHECK(Describe(Sales().Extract("完成率80%+5%")) == "rate=80 ");

  // A long chain is added term by term, so its length does not grow the stack: 40,000 terms
  // overflowed the default 8 MiB when each term read the next one.
  std::string chain = "签约";
  for (int i = 0; i < 40000; ++i) {
    chain += "3万+";
  }
  chain += "5万元";
  std::vector<Extraction> long_sum = ExtractOne(chain.c_str());
  CHECK(long_sum[0].quantity.Value().ToString() == "1200050000");
  CHECK(long_sum[0].span.end == FoldText(chain).original_length);
}

TEST_CASE("Extract reads ranges with one scale", "[extract]") {
  struct Case {
    const char* text;
    const char* low;
    const char* high;
  };
  const Case cases[] = {{"签约1千-2千万元", "10000000", "20000000"},
                        {"签约3千-5千万", "30000000", "50000000"},
                        {"签约1百-2百万元", "1000000", "2000000"},
                        {"签约5千-1万元", "5000", "10000"},
                        {"签约3-3.5万元", "30000", "35000"},
                        {"签约3.2-3.5万", "32000", "35000"},
                        {"签约3-4.5千元", "3000", "4500"}};
  for (const Case& c : cases) {
    INFO("text: " << c.text);
    std::vector<Extraction> found = ExtractOne(c.text);
    REQUIRE(found.size() == 1);
    CHECK(found[0].quantity.approximate);
    CHECK(found[0].quantity.low.ToString() == c.low);
    CHECK(found[0].quantity.high.ToString() == c.high);
  }
  // A third group still makes a date or a version, not a range.
  CHECK(Sales().Extract("签约日期2026-11.03").empty());
  CHECK(Sales().Extract("签约1-2.3.4万").empty());
}

TEST_CASE("Extract scopes aspect cues to clauses", "[extract]") {
  std::vector<Extraction> found = Sales().Extract("今天拜访了3家，明天计划拜访2家");
  REQUIRE(found.size() == 2);
  CHECK(found[0].quantity.Value().ToString() == "3");
  CHECK(found[0].aspect == Aspect::kDone);
  CHECK(found[1].quantity.Value().ToString() == "2");
  CHECK(found[1].aspect == Aspect::kPlanned);
}

TEST_CASE("Extract marks planned and negated work", "[extract]") {
  struct AspectCase {
    const char* text;
    Aspect aspect;
  };
  const AspectCase cases[] = {
      {"明天计划拜访3家", Aspect::kPlanned}, {"下周准备拜访4家", Aspect::kPlanned},
      {"打算拜访5家", Aspect::kPlanned},     {"将要拜访1家", Aspect::kPlanned},
      {"预计签约2笔", Aspect::kPlanned},     {"明天拜访2家", Aspect::kPlanned},
      {"未签约2笔", Aspect::kNegated},       {"没有拜访客户2家", Aspect::kNegated},
      {"尚未签约3笔", Aspect::kNegated},     {"无签约1笔", Aspect::kNegated},
      {"拜访了3家", Aspect::kDone},          {"在无锡拜访了3家", Aspect::kDone},
      {"未来拜访3家", Aspect::kPlanned},     {"拜访3家; 明天签约", Aspect::kDone},
      // Words that start like a cue (没事 and 没, 并无不 and 并未) or contain one (接待 and
      // 待) are checked before the cue.
      {"没事就拜访了3家", Aspect::kDone},    {"没拜访3家", Aspect::kNegated},
      {"并无不妥地拜访了3家", Aspect::kDone}, {"并未拜访3家", Aspect::kNegated},
      {"无锡未拜访3家", Aspect::kNegated},   {"接待后待拜访3家", Aspect::kPlanned},
  };
  for (const AspectCase& c : cases) {
    INFO("text: " << c.text);
    std::vector<Extraction> found = Sales().Extract(c.text);
    REQUIRE(found.size() == 1);
    CHECK(found[0].aspect == c.aspect);
  }
}

TEST_CASE("Extract finds every cue word", "[extract]") {
  // Each cue word, and each word that only looks like one, right before a trigger. The cue
  // table finds words by their first code point, so every word is checked, including those
  // that share a first code point with others (无, 不, 将, 要, 下).
  const std::pair<Aspect, std::vector<const char*>> groups[] = {
      {Aspect::kNegated, {"尚未", "并未", "还没",   "没有",   "没",     "不曾",   "未",    "无",
                          "拒绝", "被拒", "取消",   "放弃",   "终止",   "撤销",   "撤回",  "退回",
                          "作废", "不签", "不拜访", "不成交", "不下单", "不续约", "不合作"}},
      {Aspect::kPlanned,
       {"未来", "计划",   "准备",   "打算",   "将要", "即将", "将会", "将于", "将在",
        "推迟", "延期",   "延后",   "待",     "拟",   "希望", "可能", "有望", "应该",
        "期望", "力争",   "需要",   "预约",   "约好", "目标", "意向", "要去", "还要",
        "要签", "要拜访", "将签",   "将拜访", "预计", "预期", "明天", "明日", "后天",
        "下周", "下星期", "下个月", "下月",   "争取", "下一步", "接下来", "后续跟进"}},
      {Aspect::kDone,
       {"无锡",     "无论",         "无误", "无数", "无限", "无线", "无偿",     "没事",
        "并无不",   "接待",         "招待", "款待", "对待", "看待", "优待",     "善待",
        "待遇",     "模拟",         "虚拟", "草拟", "拟定", "比拟", "完成目标", "达成目标",
        "实现目标", "超额完成目标", "主要", "重要", "只要", "必要"}},
  };
  for (const auto& [aspect, words] : groups) {
    for (const char* word : words) {
      std::string text = std::string(word) + "拜访3家";
      INFO("text: " << text);
      std::vector<Extraction> found = Sales().Extract(text);
      REQUIRE(found.size() == 1);
      CHECK(found[0].aspect == aspect);
    }
  }
}

TEST_CASE("Extract reads cues around triggers", "[extract]") {
  // The cue search and the trigger search share one pass over each clause. Cue words that
  // contain a trigger (要拜访), follow a skipped word (接待), sit in the clause before a comma
  // or come after the number must still read as a separate cue search reads them.
  struct AspectCase {
    const char* text;
    Aspect aspect;
  };
  const AspectCase cases[] = {
      {"要拜访3家", Aspect::kPlanned},         {"将拜访3家", Aspect::kPlanned},
      {"不拜访3家", Aspect::kNegated},         {"拜访3家，明天", Aspect::kDone},
      {"拜访3家明天再说", Aspect::kPlanned},   {"接待拜访3家", Aspect::kDone},
      {"接待待拜访3家", Aspect::kPlanned},     {"无锡无锡拜访3家", Aspect::kDone},
      {"明天签约，金额5万元", Aspect::kPlanned}, {"签约，未收款5万元", Aspect::kNegated},
      {"计划拜访3家没有", Aspect::kNegated},   {"没事拜访了3家没事", Aspect::kDone},
  };
  for (const AspectCase& c : cases) {
    INFO("text: " << c.text);
    std::vector<Extraction> found = Sales().Extract(c.text);
    REQUIRE(found.size() == 1);
    CHECK(found[0].aspect == c.aspect);
  }
}

TEST_CASE("Extract reads refusals and intentions as not done", "[extract]") {
  struct AspectCase {
    const char* text;
    Aspect aspect;
  };
  const AspectCase cases[] = {
      {"客户拒绝签约5万元订单", Aspect::kNegated}, {"订单被拒，签约2笔作废", Aspect::kNegated},
      {"取消拜访3家", Aspect::kNegated},           {"客户放弃签约1笔", Aspect::kNegated},
      {"终止签约2笔", Aspect::kNegated},           {"撤销订单1笔", Aspect::kNegated},
      {"客户不签约2笔", Aspect::kNegated},         {"这周不拜访3家", Aspect::kNegated},
      {"签约2笔推迟到月底", Aspect::kPlanned},     {"待签约2笔", Aspect::kPlanned},
      {"拟签约1笔", Aspect::kPlanned},             {"希望拜访3家", Aspect::kPlanned},
      {"可能签约1笔", Aspect::kPlanned},           {"有望签约2笔", Aspect::kPlanned},
      {"力争拜访5家", Aspect::kPlanned},           {"需要拜访3家", Aspect::kPlanned},
      {"预约拜访2家", Aspect::kPlanned},           {"目标签约10笔", Aspect::kPlanned},
      {"接待并拜访了3位", Aspect::kDone},          {"草拟合同后签约2笔", Aspect::kDone},
      {"模拟演示后签约1笔", Aspect::kDone},        {"完成目标后签约3笔", Aspect::kDone},
      {"将签约5笔", Aspect::kPlanned},             {"要拜访3家", Aspect::kPlanned},
      {"主要签约了2笔", Aspect::kDone},            {"重要客户签约1笔", Aspect::kDone},
  };
  for (const AspectCase& c : cases) {
    INFO("text: " << c.text);
    std::vector<Extraction> found = Sales().Extract(c.text);
    REQUIRE_FALSE(found.empty());
    CHECK(found[0].aspect == c.aspect);
  }
}

TEST_CASE("Extract ignores numerals in words and idioms", "[extract]") {
  const char* cases[] = {
      "统一拜访客户",     "一起拜访客户",     "万一签约失败",     "百战百胜签约",
      "一直在拜访",       "拜访一些客户",     "拜访一下客户",     "十分重要的拜访",
      "千万别签约",       "一致同意签约",     "第一家拜访",       "一般拜访客户",
      "一样拜访客户",     "三心二意地拜访",   "一次性签约",       "一对一拜访",
      "签约一口气",       "拜访过一半客户",   "就拜访下一家",     "再拜访另一家",
      "每一家都拜访了",
  };
  for (const char* text : cases) {
    INFO("text: " << text);
    CHECK(Sales().Extract(text).empty());
  }
}

TEST_CASE("Extract skips negative numbers", "[extract]") {
  CHECK(Sales().Extract("拜访-3家客户").empty());
  std::vector<Extraction> range = Sales().Extract("拜访3-5家客户");
  REQUIRE(range.size() == 1);
  CHECK(range[0].quantity.approximate);
  // A dash after a number and its scale is no minus sign, so 8万元 is still read.
  std::vector<Extraction> scaled = Sales().Extract("签约5万-8万元");
  INFO(Describe(scaled));
  REQUIRE_FALSE(scaled.empty());
  CHECK(scaled.back().quantity.high == Decimal::FromInt(80000));
}

TEST_CASE("Extract still counts after a demonstrative", "[extract]") {
  std::vector<Extraction> found = Sales().Extract("这一周拜访了5家客户");
  REQUIRE(found.size() == 1);
  CHECK(found[0].quantity.Value() == Decimal::FromInt(5));
}

TEST_CASE("Extract counts each trigger once", "[extract]") {
  std::vector<ExtractionRule> rules = {
      {"visits", "customer_visits", "拜访", QuantityKind::kCount, {"家", "次"}, 8},
      {"bugs", "bugs_fixed", "修复", QuantityKind::kCount, {"个"}, 8},
  };
  Extractor extractor = std::move(Extractor::Create(rules).value());
  struct OnceCase {
    const char* text;
    const char* rule;
    const char* value;
  };
  // The best-fitting number keeps the trigger: same unit fit, so the nearer one.
  const OnceCase cases[] = {
      {"今天拜访客户3家共3次", "visits", "3"},
      {"修复3个bug中的1个", "bugs", "3"},
      {"今天拜访客户共3次和2家", "visits", "3"},
  };
  for (const OnceCase& c : cases) {
    INFO("text: " << c.text);
    std::vector<Extraction> found = extractor.Extract(c.text);
    INFO(Describe(found));
    REQUIRE(found.size() == 1);
    CHECK(found[0].rule == c.rule);
    CHECK(found[0].quantity.Value().ToString() == c.value);
  }

  // Two triggers still take two numbers.
  std::vector<Extraction> both = extractor.Extract("拜访3家，拜访2家");
  INFO(Describe(both));
  CHECK(both.size() == 2);
  std::vector<Extraction> pair = extractor.Extract("拜访3家拜访2次");
  INFO(Describe(pair));
  CHECK(pair.size() == 2);
}

TEST_CASE("Extract ignores times dates and identifiers", "[extract]") {
  const char* cases[] = {
      "两点半拜访客户",   "3点拜访客户",       "14:30拜访客户",      "14：30拜访客户",
      "11月3日拜访客户",  "2026-11-03拜访客户", "周三拜访客户",     "星期一拜访客户",
      "周3拜访客户",      "订单号: 20261103", "订单V2.3.1",
      "拜访第3家",        "签约2026年",        "拜访3个月",         "签约5G套餐",
      "订单号: 12345",    "签约No.123",        "订单#123",          "签约5000美元",
      "三点五拜访客户",   "2026/11/03拜访",    "拜访 3.5.1",         "拜访11-03",
      "3点多拜访客户",    "一个月内拜访客户",
  };
  for (const char* text : cases) {
    INFO("text: " << text);
    CHECK(Sales().Extract(text).empty());
  }
}

TEST_CASE("Extract marks long digit runs as identifiers", "[extract]") {
  struct IdentifierCase {
    const char* text;
    const char* rule;
  };
  const IdentifierCase cases[] = {
      {"拜访13812345678", "visits"},
      {"签约123456789元", "sales"},
      {"成交１２３４５６７８９元", "sales"},
      // Labeled long runs and runs too long for a number are identifiers too.
      {"订单号20261103001", "orders"},
      {"签约99999999999999999999999元订单", "sales"},
      // A phone number in groups is one identifier, like the same digits written plainly.
      {"拜访400-800-1234", "visits"},
  };
  for (const IdentifierCase& c : cases) {
    INFO("text: " << c.text);
    std::vector<Extraction> found = Sales().Extract(c.text);
    REQUIRE(found.size() == 1);
    CHECK(found[0].identifier);
    CHECK(found[0].rule == c.rule);
  }

  // Eight digits, separators or a scale make an amount; an identifier does not take the
  // trigger of the number after it.
  const char* amounts[] = {"签约12345678元", "签约123,456,789元", "签约1.23亿"};
  for (const char* text : amounts) {
    INFO("text: " << text);
    std::vector<Extraction> found = Sales().Extract(text);
    REQUIRE(found.size() == 1);
    CHECK_FALSE(found[0].identifier);
  }
  std::vector<Extraction> after = Sales().Extract("13812345678签约5万元");
  INFO(Describe(after));
  REQUIRE(after.size() == 2);
  CHECK(after[0].identifier);
  CHECK_FALSE(after[1].identifier);
  CHECK(after[1].quantity.Value().ToString() == "50000");

  CHECK(HasIdentifierDigitRun("电话13812345678"));
  CHECK(HasIdentifierDigitRun("１２３４５６７８９"));
  CHECK_FALSE(HasIdentifierDigitRun("12345678"));
  CHECK_FALSE(HasIdentifierDigitRun("123,456,789"));
}

TEST_CASE("Extract needs a trigger and fitting unit", "[extract]") {
  const char* cases[] = {
      "吃饭3个",             // no trigger
      "拜访3次",             // 次 is not a visits measure word
      "拜访了很多很多很多很多客户3家",  // trigger too far away
      "拜访了，3",           // a bare number needs the trigger in its own clause
      "拜访了。3家",         // a full stop ends the clause for every number
      "培训3",               // durations need a time unit
      "完成率80",            // percentages need % or 百分之
      "拜访三",              // a Chinese numeral needs a unit
  };
  for (const char* text : cases) {
    INFO("text: " << text);
    CHECK(Sales().Extract(text).empty());
  }
}

TEST_CASE("Extract reads every unit class", "[extract]") {
  struct ValueCase {
    const char* text;
    const char* rule;
    const char* value;
  };
  const ValueCase cases[] = {
      {"拜访客户3", "visits", "3"},
      {"拜访两三个客户", "visits", "2.5"},
      {"走访了十几位客户", "visits", "15"},
      {"拜访上百家", "visits", "150"},
      {"签约一两笔", "orders", "1.5"},
      {"签约十几万", "sales", "150000"},
      {"成交3千多元", "sales", "3500"},
      {"成交¥1,200", "sales", "1200"},
      {"成交１，２００元", "sales", "1200"},
      {"成交3w", "sales", "30000"},
      {"成交5k", "sales", "5000"},
      {"成交壹万贰仟元", "sales", "12000"},
      {"成交RMB 5000", "sales", "5000"},
      {"签约人民币5万元", "sales", "50000"},
      {"成交1.5万", "sales", "15000"},
      {"成交3万2", "sales", "32000"},
      {"成交一万二", "sales", "12000"},
      {"培训2天", "training", "16"},
      {"培训半天", "training", "4"},
      {"加班3个半小时", "training", "3.5"},
      {"加班30分钟", "training", "0.5"},
      {"完成率80%", "rate", "80"},
      {"完成率百分之八十", "rate", "80"},
      {"拜访3-5家", "visits", "4"},
      {"成交3-5万", "sales", "40000"},
      {"成交3万-5万元", "sales", "40000"},
      {"成交3万到5万元", "sales", "40000"},
      {"下午3点半拜访了2家客户", "visits", "2"},
      {"一个月内拜访客户3家", "visits", "3"},
      {"拜访了一位客户", "visits", "1"},
  };
  for (const ValueCase& c : cases) {
    INFO("text: " << c.text);
    std::vector<Extraction> found = Sales().Extract(c.text);
    REQUIRE(found.size() == 1);
    CHECK(found[0].rule == c.rule);
    CHECK(found[0].quantity.Value().ToString() == c.value);
  }
}

TEST_CASE("Extract marks approximate ranges", "[extract]") {
  std::vector<Extraction> found = Sales().Extract("拜访两三个客户");
  REQUIRE(found.size() == 1);
  CHECK(found[0].quantity.approximate);
  CHECK(found[0].quantity.low.ToString() == "2");
  CHECK(found[0].quantity.high.ToString() == "3");
}

TEST_CASE("Extract leaves a following trigger to the next number", "[extract]") {
  std::vector<ExtractionRule> rules = SalesRules();
  rules[1].measure_words.push_back("家");
  Result<Extractor> extractor = Extractor::Create(rules);
  REQUIRE(extractor.ok());
  std::vector<Extraction> found = extractor->Extract("拜访客户3家签约2家");
  REQUIRE(found.size() == 2);
  CHECK(found[0].rule == "visits");
  CHECK(found[0].quantity.Value().ToString() == "3");
  CHECK(found[1].rule == "orders");
  CHECK(found[1].quantity.Value().ToString() == "2");
}

TEST_CASE("Extract spans refer to unfolded text", "[extract]") {
  // The ellipsis folds to three code points and the full-width digit to one.
  std::vector<Extraction> found = Sales().Extract("…拜访客户３家");
  REQUIRE(found.size() == 1);
  CHECK(found[0].quantity.span == Span{5, 7});
  CHECK(found[0].span == Span{1, 7});
}

TEST_CASE("Extract accepts extra measure words", "[extract]") {
  std::vector<ExtractionRule> rules = {
      {"visits", "visits", "拜访", QuantityKind::kCount, {"户"}, 8},
      {"calls", "calls", "电话", QuantityKind::kCount, {"通"}, 8},
      {"shops", "shops", "巡店", QuantityKind::kCount, {"门店"}, 8},
  };
  Result<Extractor> extractor = Extractor::Create(rules);
  REQUIRE(extractor.ok());
  std::vector<Extraction> found = extractor->Extract("拜访3户，打了5通电话，巡店2门店");
  REQUIRE(found.size() == 3);
  CHECK(found[0].rule == "visits");
  CHECK(found[1].rule == "calls");
  CHECK(found[1].quantity.Value().ToString() == "5");
  CHECK(found[2].rule == "shops");
  CHECK(found[2].quantity.unit == "门店");
}

TEST_CASE("Extract matches regex patterns", "[extract]") {
  std::vector<ExtractionRule> rules = {
      {"visits", "visits", "(?:拜访|走访)(?:了)?", QuantityKind::kCount, {"家"}, 2},
      {"demos", "demos", "(?i)demo", QuantityKind::kCount, {"场"}, 2},
      {"orders", "orders", "签约", QuantityKind::kCount, {"笔"}, 2},
  };
  Result<Extractor> extractor = Extractor::Create(rules);
  REQUIRE(extractor.ok());
  std::vector<Extraction> found = extractor->Extract("走访了客户3家，做DEMO 2场，签约1笔");
  REQUIRE(found.size() == 3);
  CHECK(found[0].rule == "visits");
  CHECK(found[0].span == Span{0, 7});
  CHECK(found[1].rule == "demos");
  CHECK(found[1].quantity.Value().ToString() == "2");
  CHECK(found[1].span == Span{9, 16});
  CHECK(found[2].rule == "orders");
}

TEST_CASE("Extract counts after a noun ending in 码", "[extract]") {
  std::vector<ExtractionRule> rules = {
      {"commits", "commits", "提交|合入", QuantityKind::kCount, {"次", "个", "笔"}, 8}};
  Result<Extractor> extractor = Extractor::Create(rules);
  REQUIRE(extractor.ok());

  struct CountCase {
    const char* text;
    const char* value;
    Span span;
  };
  const CountCase counts[] = {
      {"提交代码4次", "4", {0, 6}},     {"提交了4次代码", "4", {0, 5}},
      {"代码提交4次", "4", {2, 6}},     {"提交源码3个", "3", {0, 6}},
      {"合入代码 2 次", "2", {0, 8}},   {"提交代码十次", "10", {0, 6}},
  };
  for (const CountCase& c : counts) {
    INFO("text: " << c.text);
    std::vector<Extraction> found = extractor->Extract(c.text);
    REQUIRE(found.size() == 1);
    CHECK(found[0].quantity.Value().ToString() == c.value);
    CHECK(found[0].span == c.span);
  }

  // Digits after a 码 label with no unit are a code, and blockers still block.
  const char* codes[] = {"提交验证码4321", "提交代码4321", "提交编码 20261103", "提交代码4点",
                         "提交代码4月",    "提交二维码: 889"};
  for (const char* text : codes) {
    INFO("text: " << text);
    CHECK(extractor->Extract(text).empty());
  }
}

TEST_CASE("Extract accepts triggers overlapping numbers", "[extract]") {
  std::vector<ExtractionRule> rules = {
      {"visits", "visits", "拜访\\d+家", QuantityKind::kCount, {"家"}, 0}};
  Result<Extractor> extractor = Extractor::Create(rules);
  REQUIRE(extractor.ok());
  std::vector<Extraction> found = extractor->Extract("今天拜访3家");
  REQUIRE(found.size() == 1);
  CHECK(found[0].quantity.Value().ToString() == "3");
  CHECK(found[0].span == Span{2, 6});
}

TEST_CASE("Extract handles empty and invalid text", "[extract]") {
  CHECK(Sales().Extract("").empty());
  CHECK(Sales().Extract("\xFF\xFE").empty());
  std::vector<Extraction> found = Sales().Extract("\xFF拜访3家");
  REQUIRE(found.size() == 1);
  CHECK(found[0].span == Span{1, 5});
}

TEST_CASE("Extract gives span bytes of valid text", "[extract]") {
  // Folding changes the code point count or byte length of full-width forms, the ellipsis,
  // ¥ and text that needs ICU. The bytes must still be those of the original span.
  const std::string texts[] = {"上午拜访３家客户，签约２万元", "……拜访3家，签约￥20,000",
                               "①拜访3家㎡，签约2笔5万元", "拜访 3 家 and 签约 1 笔",
                               "签约1笔5万元订单"};
  for (const std::string& text : texts) {
    INFO("text: " << text);
    std::vector<Extraction> found = Sales().Extract(text);
    REQUIRE_FALSE(found.empty());
    for (const Extraction& extraction : found) {
      REQUIRE(extraction.span_begin_byte >= 0);
      REQUIRE(extraction.span_end_byte >= extraction.span_begin_byte);
      std::string_view bytes = std::string_view(text).substr(
          extraction.span_begin_byte, extraction.span_end_byte - extraction.span_begin_byte);
      CHECK(bytes == Utf8SliceView(text, extraction.span.begin, extraction.span.end));
    }
  }
  std::vector<Extraction> invalid = Sales().Extract("\xFF拜访3家");
  REQUIRE(invalid.size() == 1);
  CHECK(invalid[0].span_begin_byte == -1);
  CHECK(invalid[0].span_end_byte == -1);
}

TEST_CASE("ExtractInto replaces earlier results", "[extract]") {
  // Results are overwritten in place, so each member must be reset: byte offsets after
  // invalid UTF-8, ranges after exact values, flags after an identifier or unreadable number.
  const std::string texts[] = {"完成3个客户拜访，签订1笔5万元订单", "", "明天计划拜访3家",
                               "没有数字的一天", "拜访客户3家共3次，签约123456789元",
                               "\xFF拜访3家，签约5,00元", "拜访两三家，签约十几万元",
                               "拜访3家，签约2万元"};
  std::vector<Extraction> reused = Sales().Extract("拜访2家，签约3笔，成交8万元，培训2小时");
  REQUIRE(reused.size() == 4);
  for (const std::string& text : texts) {
    INFO("text: " << text);
    std::vector<Extraction> fresh = Sales().Extract(text);
    Sales().ExtractInto(text, &reused);
    REQUIRE(reused.size() == fresh.size());
    for (size_t i = 0; i < fresh.size(); ++i) {
      CHECK(reused[i].rule == fresh[i].rule);
      CHECK(reused[i].metric == fresh[i].metric);
      CHECK(reused[i].span == fresh[i].span);
      CHECK(reused[i].quantity.span == fresh[i].quantity.span);
      CHECK(reused[i].quantity.Value() == fresh[i].quantity.Value());
      CHECK(reused[i].quantity.unit == fresh[i].quantity.unit);
      CHECK(reused[i].aspect == fresh[i].aspect);
      CHECK(reused[i].identifier == fresh[i].identifier);
      CHECK(reused[i].unreadable == fresh[i].unreadable);
      CHECK(reused[i].span_begin_byte == fresh[i].span_begin_byte);
      CHECK(reused[i].span_end_byte == fresh[i].span_end_byte);
      CHECK(reused[i].quantity.low == fresh[i].quantity.low);
      CHECK(reused[i].quantity.high == fresh[i].quantity.high);
      CHECK(reused[i].quantity.approximate == fresh[i].quantity.approximate);
    }
  }
}

TEST_CASE("MatchInto agrees with Extract", "[extract]") {
  const std::string texts[] = {"完成3个客户拜访，签订1笔5万元订单", "", "明天计划拜访3家",
                               "拜访客户3家共3次，签约123456789元", "\xFF拜访3家，签约5,00元",
                               "拜访两三家，签约十几万元", "约5万元签约，培训2小时，完成率80%"};
  std::vector<ExtractionMatch> matches;
  for (const std::string& text : texts) {
    INFO("text: " << text);
    std::vector<Extraction> expected = Sales().Extract(text);
    Sales().MatchInto(text, &matches);
    REQUIRE(matches.size() == expected.size());
    for (size_t i = 0; i < matches.size(); ++i) {
      const ExtractionMatch& match = matches[i];
      CHECK(Sales().rule(match.rule).name == expected[i].rule);
      CHECK(Sales().rule(match.rule).metric == expected[i].metric);
      CHECK(match.unit == expected[i].quantity.unit);
      CHECK(match.Value() == expected[i].quantity.Value());
      CHECK(match.span == expected[i].span);
      CHECK(match.quantity_span == expected[i].quantity.span);
      CHECK(match.aspect == expected[i].aspect);
      Extraction converted;
      Sales().ToExtraction(match, &converted);
      CHECK(converted.rule == expected[i].rule);
      CHECK(converted.quantity.unit == expected[i].quantity.unit);
      CHECK(converted.quantity.approximate == expected[i].quantity.approximate);
      CHECK(converted.span_begin_byte == expected[i].span_begin_byte);
      CHECK(converted.identifier == expected[i].identifier);
      CHECK(converted.unreadable == expected[i].unreadable);
    }
  }
}

// Code point count of valid UTF-8, counting each invalid byte as one, as FoldText does.
int32_t CountCodePoints(const std::string& text) {
  return FoldText(text).original_length;
}

TEST_CASE("Extract keeps spans inside generated text", "[extract]") {
  // Pieces chosen to collide: numerals, units, separators, cues, full-width and invalid bytes.
  const char* pieces[] = {"拜访", "签约", "成交", "培训", "完成率", "3", "0", "12", "1,200",
                          "３", "，", ",", ".", "-", "~", ":", "一", "两", "十", "百", "千",
                          "万", "亿", "几", "多", "上", "半", "点", "零", "个", "家", "笔",
                          "元", "%", "天", "小时", "分钟", "w", "k", "¥", "RMB", "百分之",
                          "未", "计划", "第", "周", "号", "月", "…", "①", "e\xCC\x81",
                          "\xFF", "\xE4\xB8", " ", "\n", "。"};
  std::mt19937 random(7);
  for (int round = 0; round < 3000; ++round) {
    std::string text;
    int length = 1 + static_cast<int>(random() % 12);
    for (int i = 0; i < length; ++i) {
      text += pieces[random() % (sizeof(pieces) / sizeof(pieces[0]))];
    }
    int32_t code_points = CountCodePoints(text);
    for (const Extraction& e : Sales().Extract(text)) {
      INFO("text: " << text);
      CHECK(e.span.begin >= 0);
      CHECK(e.span.begin < e.span.end);
      CHECK(e.span.end <= code_points);
      CHECK(e.quantity.span.begin >= e.span.begin);
      CHECK(e.quantity.span.end <= e.span.end);
      CHECK(e.quantity.low <= e.quantity.high);
      CHECK(e.quantity.approximate == (e.quantity.low < e.quantity.high));
    }
  }
}

TEST_CASE("Extractor is shared across threads", "[extract]") {
  const std::vector<std::string> texts = {"完成3个客户拜访，签订1笔5万元订单",
                                          "今天拜访了3家，明天计划拜访2家", "培训2天",
                                          "成交１，２００元", "…拜访客户３家"};
  std::vector<std::string> expected;
  for (const std::string& text : texts) {
    expected.push_back(Describe(Sales().Extract(text)));
  }
  // Catch2 assertions are not thread-safe, so workers only record mismatches.
  std::vector<int> mismatches(4, 0);
  std::vector<std::thread> workers;
  for (int worker = 0; worker < 4; ++worker) {
    workers.emplace_back([&, worker] {
      for (int round = 0; round < 500; ++round) {
        size_t i = (round + worker) % texts.size();
        if (Describe(Sales().Extract(texts[i])) != expected[i]) {
          ++mismatches[worker];
        }
      }
    });
  }
  for (std::thread& thread : workers) {
    thread.join();
  }
  for (int worker = 0; worker < 4; ++worker) {
    INFO("worker " << worker);
    CHECK(mismatches[worker] == 0);
  }
}

TEST_CASE("Create rejects invalid patterns", "[extract]") {
  std::vector<ExtractionRule> rules = SalesRules();
  rules[1].pattern = "签约(";
  Result<Extractor> extractor = Extractor::Create(rules);
  REQUIRE_FALSE(extractor.ok());
  CHECK(extractor.error().code == ErrorCode::kInvalidArgument);
  const std::string& message = extractor.error().message;
  CHECK(message.find("\"orders\"") != std::string::npos);
  CHECK(message.find("签约(") != std::string::npos);
  CHECK(message.find("missing )") != std::string::npos);
}

TEST_CASE("Create rejects empty and unbounded rules", "[extract]") {
  std::vector<ExtractionRule> empty = {{"visits", "visits", "", QuantityKind::kCount, {}, 8}};
  CHECK_FALSE(Extractor::Create(empty).ok());
  std::vector<ExtractionRule> matches_empty = {
      {"visits", "visits", "拜访|", QuantityKind::kCount, {}, 8}};
  Result<Extractor> result = Extractor::Create(matches_empty);
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().message.find("matches empty text") != std::string::npos);
  std::vector<ExtractionRule> gap = {{"visits", "visits", "拜访", QuantityKind::kCount, {}, -1}};
  CHECK_FALSE(Extractor::Create(gap).ok());
  std::vector<ExtractionRule> blank_word = {
      {"visits", "visits", "拜访", QuantityKind::kCount, {""}, 8}};
  CHECK_FALSE(Extractor::Create(blank_word).ok());
}

TEST_CASE("Extractor with no rules finds nothing", "[extract]") {
  Result<Extractor> extractor = Extractor::Create({});
  REQUIRE(extractor.ok());
  CHECK(extractor->Extract("拜访3家").empty());
}

TEST_CASE("Extract binds a unit across a comma", "[extract]") {
  struct CommaCase {
    const char* text;
    const char* value;
  };
  const CommaCase cases[] = {
      {"今天顺利签约，金额1万元", "10000"},   {"签约，1万元", "10000"},
      {"签约,金额1万元", "10000"},            {"下午3点签约，金额1万元", "10000"},
      {"签约一年期合同，金额5万元", "50000"}, {"与2家客户签约，共5万元", "50000"},
      {"订单2个，总金额3万元", "30000"},
  };
  for (const CommaCase& c : cases) {
    INFO("text: " << c.text);
    std::vector<Extraction> found = Sales().Extract(c.text);
    INFO(Describe(found));
    REQUIRE(found.size() == 1);
    CHECK(found[0].rule == "sales");
    CHECK(found[0].quantity.Value().ToString() == c.value);
    CHECK(found[0].aspect == Aspect::kDone);
  }

  std::vector<Extraction> two = Sales().Extract("签约2单，合计5万元");
  INFO(Describe(two));
  REQUIRE(two.size() == 2);
  CHECK(two[0].rule == "orders");
  CHECK(two[0].quantity.Value().ToString() == "2");
  CHECK(two[1].rule == "sales");
  CHECK(two[1].quantity.Value().ToString() == "50000");
  CHECK(Sales().Extract("拜访，3家").size() == 1);
  CHECK(Sales().Extract("拜访了，3家").size() == 1);
  // The clause before the comma already contains a number, or another clause lies between.
  std::vector<Extraction> next_to = Sales().Extract("签约2单，5万元");
  INFO(Describe(next_to));
  REQUIRE(next_to.size() == 2);
  CHECK(next_to[1].rule == "sales");
  CHECK(next_to[1].quantity.Value().ToString() == "50000");
  std::vector<Extraction> between = Sales().Extract("签约2单，客户，1万元");
  INFO(Describe(between));
  REQUIRE(between.size() == 1);
  CHECK(between[0].rule == "orders");
  // A bare number before the unit in the same clause does not hide the unit.
  std::vector<Extraction> after_bare = Sales().Extract("签约，A类3 金额1万元");
  INFO(Describe(after_bare));
  REQUIRE(after_bare.size() == 1);
  CHECK(after_bare[0].quantity.Value().ToString() == "10000");
  CHECK(Sales().Extract("培训，2小时").size() == 1);
  CHECK(Sales().Extract("转化率，80%").size() == 1);
}

TEST_CASE("Extract keeps a scaled amount in its clause", "[extract]") {
  // The trigger's own clause has an amount with a scale or unit, so the amount after the comma,
  // which another word (欠款, 尾款) introduces, is not taken in its place.
  const TextValue own_clause[] = {
      {"签约2万，欠款3万元", "20000"},
      {"签约5万，尾款3万元未付", "50000"},
      {"签约5千元，欠款3万元", "5000"},
      {"签约五万，另有欠款3万元", "50000"},
  };
  for (const TextValue& c : own_clause) {
    std::vector<Extraction> found = ExtractOne(c.text);
    CHECK(found[0].rule == "sales");
    CHECK(found[0].quantity.Value().ToString() == c.value);
    CHECK(found[0].aspect == Aspect::kDone);
    CHECK(found[0].span.begin == 0);
    CHECK(found[0].span.end < 6);
  }

  // A bare number there is more likely a count, so the amount after the comma still counts.
  std::vector<Extraction> bare = Sales().Extract("签约2，金额5万元");
  INFO(Describe(bare));
  REQUIRE(bare.size() == 2);
  CHECK(bare[0].rule == "orders");
  CHECK(bare[1].rule == "sales");
  CHECK(bare[1].quantity.Value().ToString() == "50000");
}

TEST_CASE("Extract keeps bare numbers in their clause", "[extract]") {
  const char* cases[] = {
      "签约，10000",                // no unit
      "签约，5万",                  // a scale is not a unit
      "签约。金额1万元",            // a full stop ends the binding
      "签约；金额1万元",            // so does a semicolon
      "签约了一份非常重要的年度合同，金额1万元",  // beyond max_gap
      "签约，客户，1万元",          // two clauses away
  };
  for (const char* text : cases) {
    INFO("text: " << text);
    CHECK(Sales().Extract(text).empty());
  }
}

TEST_CASE("Extract prefers a trigger in its own clause", "[extract]") {
  std::vector<Extraction> found = Sales().Extract("签约5万元，回款订单3万元");
  INFO(Describe(found));
  REQUIRE(found.size() == 2);
  CHECK(found[0].quantity.Value().ToString() == "50000");
  CHECK(found[1].quantity.Value().ToString() == "30000");
  CHECK(found[1].span.begin == 8);

  // One trigger still counts one number.
  std::vector<Extraction> once = Sales().Extract("签约5万元，另1万元");
  INFO(Describe(once));
  REQUIRE(once.size() == 1);
  CHECK(once[0].quantity.Value().ToString() == "50000");
}

TEST_CASE("Extract takes aspect from both clauses", "[extract]") {
  std::vector<Extraction> planned = Sales().Extract("明天计划签约，金额5万元");
  REQUIRE(planned.size() == 1);
  CHECK(planned[0].aspect == Aspect::kPlanned);
  std::vector<Extraction> negated = Sales().Extract("签约，金额5万元未到账");
  REQUIRE(negated.size() == 1);
  CHECK(negated[0].aspect == Aspect::kNegated);
  std::vector<Extraction> visit = Sales().Extract("拜访3家，明天签约");
  REQUIRE(visit.size() == 1);
  CHECK(visit[0].aspect == Aspect::kDone);
}

TEST_CASE("Extract reads digit group separators", "[extract]") {
  const TextValue cases[] = {
      {"签约12 000元", "12000"},
      {"签约12'000元", "12000"},
      {"签约1,2000元", "12000"},
      {"签约１２，０００元", "12000"},
  };
  for (const TextValue& c : cases) {
    INFO("text: " << c.text);
    std::vector<Extraction> found = ExtractOne(c.text);
    CHECK(found[0].quantity.Value().ToString() == c.value);
    CHECK(found[0].quantity.span.begin == 2);
    CHECK(found[0].quantity.span.end == FoldText(c.text).original_length);
    CHECK_FALSE(found[0].unreadable);
  }
}

TEST_CASE("Extract marks misplaced separators unreadable", "[extract]") {
  struct UnreadableCase {
    const char* text;
    int32_t end;  // one past the unit in the original text
  };
  const UnreadableCase cases[] = {
      {"签约5,00元", 7},
      {"签约1.200,50元", 11},
      {"签约1,200,50元", 11},
  };
  for (const UnreadableCase& c : cases) {
    INFO("text: " << c.text);
    std::vector<Extraction> found = Sales().Extract(c.text);
    INFO(Describe(found));
    REQUIRE(found.size() == 1);
    CHECK(found[0].unreadable);
    CHECK(found[0].rule == "sales");
    CHECK(found[0].span.begin == 0);
    CHECK(found[0].span.end == c.end);
  }

  // An unreadable number does not take the trigger from a readable one after it.
  std::vector<Extraction> after = Sales().Extract("签约5,00元和3万元");
  INFO(Describe(after));
  REQUIRE(after.size() == 2);
  CHECK(after[0].unreadable);
  CHECK(after[1].quantity.Value().ToString() == "30000");
  CHECK_FALSE(after[1].unreadable);
  // A full-width comma after an ASCII digit still ends the clause.
  CHECK(Sales().Extract("拜访3，签约2笔").size() == 2);
}

TEST_CASE("Extract reads a listed range", "[extract]") {
  std::vector<Extraction> found = Sales().Extract("拜访了3、4家");
  INFO(Describe(found));
  REQUIRE(found.size() == 1);
  CHECK(found[0].quantity.approximate);
  CHECK(found[0].quantity.low.ToString() == "3");
  CHECK(found[0].quantity.high.ToString() == "4");
  CHECK(found[0].quantity.Value().ToString() == "3.5");

  // A lower second number is a list, so only the number with the unit counts.
  std::vector<Extraction> list = Sales().Extract("拜访了4、3家");
  INFO(Describe(list));
  REQUIRE(list.size() == 1);
  CHECK_FALSE(list[0].quantity.approximate);
  CHECK(list[0].quantity.Value().ToString() == "3");
}

TEST_CASE("Extract marks hedged quantities approximate", "[extract]") {
  struct HedgeCase {
    const char* text;
    const char* low;
    const char* high;
    int32_t begin;  // the quantity's span, hedge words included
    int32_t end;
  };
  const HedgeCase cases[] = {
      {"签约约5万", "50000", "50000", 2, 5},     {"签约大约3万元", "30000", "30000", 2, 7},
      {"签约近5万", "50000", "50000", 2, 5},     {"签约5万+", "50000", "50000", 2, 5},
      {"签约5000左右", "5000", "5000", 2, 8},    {"培训2小时左右", "2", "2", 2, 7},
      {"签约5万余", "50000", "60000", 2, 5},     {"签约5万多", "50000", "60000", 2, 5},
  };
  for (const HedgeCase& c : cases) {
    INFO("text: " << c.text);
    std::vector<Extraction> found = Sales().Extract(c.text);
    INFO(Describe(found));
    REQUIRE(found.size() == 1);
    CHECK(found[0].quantity.approximate);
    CHECK(found[0].quantity.low.ToString() == c.low);
    CHECK(found[0].quantity.high.ToString() == c.high);
    CHECK(found[0].quantity.span.begin == c.begin);
    CHECK(found[0].quantity.span.end == c.end);
  }

  // 约 and 近 that end a word are no hedge.
  const char* exact[] = {"签约5万元", "预约拜访3家", "最近3家拜访", "拜访3家上下游客户",
                         "签约5万+3万"};
  for (const char* text : exact) {
    INFO("text: " << text);
    std::vector<Extraction> found = Sales().Extract(text);
    INFO(Describe(found));
    REQUIRE_FALSE(found.empty());
    for (const Extraction& extraction : found) {
      CHECK_FALSE(extraction.quantity.approximate);
    }
  }
}

TEST_CASE("Extract reads Chinese hundreds as amounts", "[extract]") {
  const TextValue cases[] = {
      {"签约两百", "200"},
      {"签约一千零一", "1001"},
      {"签约三千五", "3500"},
  };
  for (const TextValue& c : cases) {
    INFO("text: " << c.text);
    std::vector<Extraction> found = ExtractOne(c.text);
    CHECK(found[0].rule == "sales");
    CHECK(found[0].quantity.Value().ToString() == c.value);
  }
  // Counts still need a measure word.
  CHECK(Sales().Extract("拜访两百").empty());
  CHECK(Sales().Extract("拜访两百家").size() == 1);
}

TEST_CASE("Scaled counts need measure words", "[extract]") {
  // 3万 and 8k next to a count trigger are most likely money, not 30000 visits.
  for (const char* text : {"拜访3万", "拜访客户8k", "拜访两万"}) {
    INFO("text: " << text);
    CHECK(Sales().Extract(text).empty());
  }
  // So do numbers with a scale or a place anywhere.
  for (const char* text : {"拜访3万余", "拜访3万5", "拜访一万二", "拜访3千", "拜访3.5千"}) {
    INFO("text: " << text);
    CHECK(Sales().Extract(text).empty());
  }
  CHECK(Describe(Sales().Extract("拜访3万家")) == "visits=30000 ");
  // Bare money after the trigger leaves the trigger to a count before it, as 5万元 does.
  CHECK(Describe(Sales().Extract("3家客户拜访5万")) == "visits=3 ");
  CHECK(Describe(Sales().Extract("3家客户拜访5万元")) == "visits=3 ");
  CHECK(Describe(Sales().Extract("拜访3家")) == "visits=3 ");
  // An amount rule still takes a bare scale.
  CHECK(Describe(Sales().Extract("签约3万")) == "sales=30000 ");
}

}  // namespace
}  // namespace logbridge::scoring
