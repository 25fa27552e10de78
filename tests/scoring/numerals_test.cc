// Tests for text folding and for reading one typed quantity: every numeral form, units,
// approximate ranges, default units, and values that must not parse.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <unicode/normalizer2.h>
#include <unicode/unistr.h>

#include "scoring/extract.h"
#include "scoring/numerals.h"
#include "scoring/text.h"

namespace logbridge::scoring {
namespace {

struct ParseCase {
  const char* text;
  QuantityKind kind;
  const char* low;
  const char* high;
  bool approximate;
  const char* unit;
};

void CheckParses(const ParseCase& c) {
  INFO("text: " << c.text);
  std::optional<Quantity> quantity = ParseQuantity(c.text, c.kind);
  REQUIRE(quantity.has_value());
  CHECK(quantity->low.ToString() == c.low);
  CHECK(quantity->high.ToString() == c.high);
  CHECK(quantity->approximate == c.approximate);
  CHECK(quantity->unit == c.unit);
}

// A text that must not parse as a quantity of kind.
struct UnparsedCase {
  const char* text;
  QuantityKind kind;
};

void CheckUnparsed(const UnparsedCase& c) {
  INFO("text: " << c.text);
  CHECK_FALSE(ParseQuantity(c.text, c.kind).has_value());
}

constexpr QuantityKind kCount = QuantityKind::kCount;
constexpr QuantityKind kAmount = QuantityKind::kAmount;
constexpr QuantityKind kPercent = QuantityKind::kPercent;
constexpr QuantityKind kDuration = QuantityKind::kDuration;

TEST_CASE("ParseQuantity reads Arabic numerals", "[extract]") {
  const ParseCase cases[] = {
      {"3", kCount, "3", "3", false, ""},
      {"3个", kCount, "3", "3", false, "个"},
      {"4.5", kAmount, "4.5", "4.5", false, ""},
      {"1,200", kAmount, "1200", "1200", false, ""},
      {"1,234,567元", kAmount, "1234567", "1234567", false, "元"},
      // Separators make a run of more than eight digits an amount, not an identifier.
      {"1,000,000,000元", kAmount, "1000000000", "1000000000", false, "元"},
      {"123,456,789", kAmount, "123456789", "123456789", false, ""},
      {"１，２００元", kAmount, "1200", "1200", false, "元"},
      {"３个", kCount, "3", "3", false, "个"},
      {"0", kCount, "0", "0", false, ""},
      {"0.5", kAmount, "0.5", "0.5", false, ""},
      {" 7家 ", kCount, "7", "7", false, "家"},
      {"3 家", kCount, "3", "3", false, "家"},
  };
  for (const ParseCase& c : cases) {
    CheckParses(c);
  }
}

TEST_CASE("ParseQuantity reads digits up to the largest quantity", "[extract]") {
  // Grouped digits are read up to kLargestQuantity (10^12), with four fractional digits.
  const ParseCase cases[] = {
      {"999,999,999,999", kAmount, "999999999999", "999999999999", false, ""},
      {"999,999,999,999.9999", kAmount, "999999999999.9999", "999999999999.9999", false, ""},
      {"1,000,000,000,000", kAmount, "1000000000000", "1000000000000", false, ""},
      {"1,234.5678元", kAmount, "1234.5678", "1234.5678", false, "元"},
      {"12345678", kCount, "12345678", "12345678", false, ""},
      {"0.0001", kAmount, "0.0001", "0.0001", false, ""},
      {"1万亿元", kAmount, "1000000000000", "1000000000000", false, "亿元"},
  };
  for (const ParseCase& c : cases) {
    CheckParses(c);
  }
  std::optional<Quantity> scaled = ParseQuantity("5000", kAmount, "万元");
  REQUIRE(scaled.has_value());
  CHECK(scaled->low == Decimal::FromInt(50000000));
  CHECK(scaled->unit == "万元");
  CHECK(scaled->span == Span{0, 4});
  CHECK(ParseQuantity("10000", kAmount, "亿元").has_value());  // 10^12 exactly
  // Past the largest quantity, by the default unit, by digits or by scale words, and past the
  // Decimal limit.
  CHECK_FALSE(ParseQuantity("10001", kAmount, "亿元").has_value());
  CHECK_FALSE(ParseQuantity("99999999", kAmount, "亿元").has_value());
  CHECK_FALSE(ParseQuantity("1,000,000,000,000.0001", kAmount).has_value());
  CHECK_FALSE(ParseQuantity("1.5万亿元", kAmount).has_value());
  CHECK_FALSE(ParseQuantity("500万亿元", kAmount).has_value());
  CHECK_FALSE(ParseQuantity("922,337,203,685,478", kAmount).has_value());
  CHECK_FALSE(ParseQuantity("99,999,999,999,999.99999", kAmount).has_value());
}

TEST_CASE("ParseQuantity memo keeps inputs apart", "[extract]") {
  // The same text under another kind or default unit must not return a remembered result. A
  // plain integer such as 5 is read without the memo, and 5.0 goes through it.
  for (int round = 0; round < 4; ++round) {
    const char* five = round < 2 ? "5" : "5.0";
    INFO("round " << round);
    std::optional<Quantity> wan = ParseQuantity(five, kAmount, "万元");
    REQUIRE(wan.has_value());
    CHECK(wan->low == Decimal::FromInt(50000));
    CHECK(wan->unit == "万元");
    std::optional<Quantity> plain = ParseQuantity(five, kAmount);
    REQUIRE(plain.has_value());
    CHECK(plain->low == Decimal::FromInt(5));
    CHECK(plain->unit.empty());
    std::optional<Quantity> days = ParseQuantity(five, kDuration, "天");
    REQUIRE(days.has_value());
    CHECK(days->low == Decimal::FromInt(40));
    std::optional<Quantity> hours = ParseQuantity(five, kDuration);
    REQUIRE(hours.has_value());
    CHECK(hours->low == Decimal::FromInt(5));
    CHECK_FALSE(ParseQuantity(five, kDuration, "元").has_value());
  }
}

TEST_CASE("ParseQuantity default unit per kind", "[extract]") {
  // One default unit under several kinds in turn, because its meaning depends on the kind.
  for (int round = 0; round < 3; ++round) {
    INFO("round " << round);
    std::optional<Quantity> days = ParseQuantity("3", kDuration, "天");
    REQUIRE(days.has_value());
    CHECK(days->low == Decimal::FromInt(24));
    CHECK(days->unit == "天");
    CHECK_FALSE(ParseQuantity("3", kAmount, "天").has_value());
    std::optional<Quantity> count = ParseQuantity("3", kCount, "天");
    REQUIRE(count.has_value());
    CHECK(count->low == Decimal::FromInt(3));
    CHECK(count->unit == "天");
    std::optional<Quantity> thousands = ParseQuantity("3", kAmount, "千元");
    REQUIRE(thousands.has_value());
    CHECK(thousands->low == Decimal::FromInt(3000));
    CHECK_FALSE(ParseQuantity("3", kDuration, "千元").has_value());
  }
}

TEST_CASE("ParseQuantity memo survives collisions", "[extract]") {
  // More distinct values than the memo has entries, read twice, in both directions.
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 1000; ++i) {
      int n = round == 0 ? i : 999 - i;
      std::string text = std::to_string(n) + "家";
      std::optional<Quantity> quantity = ParseQuantity(text, kCount);
      INFO("text: " << text);
      REQUIRE(quantity.has_value());
      CHECK(quantity->low == Decimal::FromInt(n));
      CHECK(quantity->span == Span{0, static_cast<int32_t>(std::to_string(n).size()) + 1});
    }
  }
  std::string long_text(40, '1');  // longer than the memo keeps, and an identifier
  CHECK_FALSE(ParseQuantity(long_text, kAmount).has_value());
  CHECK_FALSE(ParseQuantity(long_text, kAmount).has_value());
}

TEST_CASE("ParseQuantity reads amounts ending in 整", "[extract]") {
  std::optional<Quantity> arabic = ParseQuantity("5000元整", QuantityKind::kAmount);
  REQUIRE(arabic.has_value());
  CHECK(arabic->Value().ToString() == "5000");
  CHECK(arabic->span == Span{0, 5});
  std::optional<Quantity> financial = ParseQuantity("伍万元整", QuantityKind::kAmount);
  REQUIRE(financial.has_value());
  CHECK(financial->Value().ToString() == "50000");
  // Only after a currency word: a count of 5个整 is no amount.
  CHECK_FALSE(ParseQuantity("5个整", QuantityKind::kCount).has_value());
}

TEST_CASE("ParseQuantity reads a spaced scale word", "[extract]") {
  struct SpacedCase {
    const char* text;
    const char* value;
    Span span;
  };
  const SpacedCase cases[] = {
      {"5 万", "50000", {0, 3}},
      {"5 万元", "50000", {0, 4}},
      {"1.5  万元", "15000", {0, 7}},
      {"3 k", "3000", {0, 3}},
      {"3\tk", "3000", {0, 3}},
      {"3\u00A0k", "3000", {0, 3}},
      {"１２　万", "120000", {0, 4}},  // full-width digits and an ideographic space
      {" 2 千元 ", "2000", {1, 5}},
  };
  for (const SpacedCase& c : cases) {
    INFO("text: " << c.text);
    std::optional<Quantity> quantity = ParseQuantity(c.text, QuantityKind::kAmount);
    REQUIRE(quantity.has_value());
    CHECK(quantity->Value().ToString() == c.value);
    CHECK(quantity->span == c.span);
  }
  // Spaces elsewhere still leave two numbers, which do not make one quantity.
  CHECK_FALSE(ParseQuantity("5 6万", QuantityKind::kAmount).has_value());
  CHECK_FALSE(ParseQuantity("5 万 3", QuantityKind::kAmount).has_value());
  // A count has no scale word: 3 个 reads as before.
  std::optional<Quantity> count = ParseQuantity("3 个", QuantityKind::kCount);
  REQUIRE(count.has_value());
  CHECK(count->Value().ToString() == "3");
}

TEST_CASE("ParseQuantity reads Chinese numerals", "[extract]") {
  const ParseCase cases[] = {
      {"三个", kCount, "3", "3", false, "个"},
      {"两家", kCount, "2", "2", false, "家"},
      {"十二", kCount, "12", "12", false, ""},
      {"二十", kCount, "20", "20", false, ""},
      {"十", kCount, "10", "10", false, ""},
      {"一百零八", kCount, "108", "108", false, ""},
      {"一千零五", kCount, "1005", "1005", false, ""},
      {"一千零五十", kCount, "1050", "1050", false, ""},
      {"一百一十", kCount, "110", "110", false, ""},
      {"三千五", kCount, "3500", "3500", false, ""},
      {"一万二", kAmount, "12000", "12000", false, ""},
      {"两百五", kCount, "250", "250", false, ""},
      {"五万", kAmount, "50000", "50000", false, "万"},
      {"十万", kAmount, "100000", "100000", false, "万"},
      {"一亿二千万", kAmount, "120000000", "120000000", false, "万"},
      {"三亿", kAmount, "300000000", "300000000", false, "亿"},
      {"九千九百九十九", kCount, "9999", "9999", false, ""},
      {"三点五万元", kAmount, "35000", "35000", false, "万元"},
  };
  for (const ParseCase& c : cases) {
    CheckParses(c);
  }
}

TEST_CASE("ParseQuantity reads financial numerals", "[extract]") {
  const ParseCase cases[] = {
      {"壹万贰仟元", kAmount, "12000", "12000", false, "元"},
      {"叁佰肆拾伍元", kAmount, "345", "345", false, "元"},
      {"伍萬元", kAmount, "50000", "50000", false, "萬元"},
      {"陆仟柒佰捌拾玖", kAmount, "6789", "6789", false, ""},
      {"壹拾贰", kCount, "12", "12", false, ""},
      {"玖佰零贰", kCount, "902", "902", false, ""},
  };
  for (const ParseCase& c : cases) {
    CheckParses(c);
  }
}

TEST_CASE("ParseQuantity reads mixed and shorthand forms", "[extract]") {
  const ParseCase cases[] = {
      {"1.5万", kAmount, "15000", "15000", false, "万"},
      {"3万2", kAmount, "32000", "32000", false, ""},
      {"3万2500", kAmount, "32500", "32500", false, ""},
      {"5万元", kAmount, "50000", "50000", false, "万元"},
      {"2.5亿", kAmount, "250000000", "250000000", false, "亿"},
      {"3千", kCount, "3000", "3000", false, ""},
      {"3w", kAmount, "30000", "30000", false, "w"},
      {"3.5W", kAmount, "35000", "35000", false, "W"},
      {"5k", kAmount, "5000", "5000", false, "k"},
      {"12K", kAmount, "12000", "12000", false, "K"},
  };
  for (const ParseCase& c : cases) {
    CheckParses(c);
  }
}

TEST_CASE("ParseQuantity reads currency marks", "[extract]") {
  const ParseCase cases[] = {
      {"¥1,200", kAmount, "1200", "1200", false, "¥"},
      {"￥50,000", kAmount, "50000", "50000", false, "¥"},
      {"¥ 300", kAmount, "300", "300", false, "¥"},
      {"500元", kAmount, "500", "500", false, "元"},
      {"200块", kAmount, "200", "200", false, "块"},
      {"200块钱", kAmount, "200", "200", false, "块钱"},
      {"RMB5000", kAmount, "5000", "5000", false, "RMB"},
      {"5000RMB", kAmount, "5000", "5000", false, "RMB"},
      {"人民币3万元", kAmount, "30000", "30000", false, "人民币万元"},
      {"8000人民币", kAmount, "8000", "8000", false, "人民币"},
  };
  for (const ParseCase& c : cases) {
    CheckParses(c);
  }
}

TEST_CASE("ParseQuantity reads percentages", "[extract]") {
  const ParseCase cases[] = {
      {"80%", kPercent, "80", "80", false, "%"},
      {"80％", kPercent, "80", "80", false, "%"},
      {"12.5%", kPercent, "12.5", "12.5", false, "%"},
      {"百分之八十", kPercent, "80", "80", false, "百分之"},
      {"百分之八十五", kPercent, "85", "85", false, "百分之"},
      {"百分之5", kPercent, "5", "5", false, "百分之"},
      {"3个百分点", kPercent, "3", "3", false, "个百分点"},
      {"80", kPercent, "80", "80", false, ""},
  };
  for (const ParseCase& c : cases) {
    CheckParses(c);
  }
}

TEST_CASE("ParseQuantity normalizes durations to hours", "[extract]") {
  const ParseCase cases[] = {
      {"2天", kDuration, "16", "16", false, "天"},
      {"半天", kDuration, "4", "4", false, "天"},
      {"一天半", kDuration, "12", "12", false, "天半"},
      {"1.5小时", kDuration, "1.5", "1.5", false, "小时"},
      {"3个小时", kDuration, "3", "3", false, "个小时"},
      {"半小时", kDuration, "0.5", "0.5", false, "小时"},
      {"一个半小时", kDuration, "1.5", "1.5", false, "个半小时"},
      {"30分钟", kDuration, "0.5", "0.5", false, "分钟"},
      {"20分钟", kDuration, "0.3333", "0.3333", false, "分钟"},
      {"两个钟头", kDuration, "2", "2", false, "个钟头"},
      {"2个工作日", kDuration, "16", "16", false, "个工作日"},
      {"2h", kDuration, "2", "2", false, "h"},
      {"3个多小时", kDuration, "3", "4", true, "个多小时"},
      {"1.5hrs", kDuration, "1.5", "1.5", false, "hrs"},
      {"1hr", kDuration, "1", "1", false, "hr"},
      {"45min", kDuration, "0.75", "0.75", false, "min"},
      {"一刻钟", kDuration, "0.25", "0.25", false, "刻钟"},
      {"1小时30分钟", kDuration, "1.5", "1.5", false, "小时分钟"},
      {"1小时 30分钟", kDuration, "1.5", "1.5", false, "小时分钟"},
      {"2h30m", kDuration, "2.5", "2.5", false, "hm"},
  };
  for (const ParseCase& c : cases) {
    CheckParses(c);
  }
}

TEST_CASE("ParseQuantity reads typed ranges and notes", "[extract]") {
  const ParseCase cases[] = {
      {"5千-6千", kAmount, "5000", "6000", true, ""},
      {"五千到六千", kAmount, "5000", "6000", true, ""},
      {"3千-5千元", kAmount, "3000", "5000", true, "元"},
      {"80%-90%", kPercent, "80", "90", true, "%"},
      {"3-5", kCount, "3", "5", true, ""},
      {"5000（含税）", kAmount, "5000", "5000", false, ""},
      {"5000 (含税)", kAmount, "5000", "5000", false, ""},
  };
  for (const ParseCase& c : cases) {
    CheckParses(c);
  }
  const char* rejected[] = {"6千-5千", "3-5-7", "80%-5家", "2026-11-03", "(含税)", "5000（"};
  for (const char* text : rejected) {
    INFO("text: " << text);
    CHECK_FALSE(ParseQuantity(text, kAmount).has_value());
  }
}

TEST_CASE("ParseQuantity reads spaced and tenths ranges", "[extract]") {
  const ParseCase cases[] = {
      {"3000 - 5000", kAmount, "3000", "5000", true, ""},
      {"3000 - 5000元", kAmount, "3000", "5000", true, "元"},
      {"80% - 90%", kPercent, "80", "90", true, "%"},
      {"80 - 90%", kPercent, "80", "90", true, "%"},
      {"8-9成", kPercent, "80", "90", true, "成"},
      {"八到九成", kPercent, "80", "90", true, "成"},
      {"8 - 9成", kPercent, "80", "90", true, "成"},
      {"约8-9成", kPercent, "80", "90", true, "成"},
      {"3-5万余元", kAmount, "30000", "50000", true, "万余元"},
      {"3万-5万多", kAmount, "30000", "50000", true, "万多"},
  };
  for (const ParseCase& c : cases) {
    CheckParses(c);
  }
  // A dash with a space on one side only, falling or too wide tenths, and a range whose lower
  // end is not below its upper end stay unreadable.
  const UnparsedCase rejected[] = {
      {"3000 -5000", kAmount}, {"80% -90%", kPercent}, {"9-8成", kPercent},
      {"0-5成", kPercent},     {"8-8成", kPercent},    {"8--9成", kPercent},
      {"5-5万元", kAmount},    {"8-5万元", kAmount},   {"3万-5元", kAmount},
      {"3万-5", kAmount},
  };
  for (const UnparsedCase& c : rejected) {
    CheckUnparsed(c);
  }
}

TEST_CASE("ParseQuantity adds numbers joined by a plus", "[extract]") {
  const ParseCase cases[] = {
      {"3万+5万", kAmount, "80000", "80000", false, "万"},
      {"3万+5万元", kAmount, "80000", "80000", false, "万元"},
      {"3万元+5万元", kAmount, "80000", "80000", false, "万元"},
      {"3万+2000元", kAmount, "32000", "32000", false, "元"},
      {"2家+3家", kCount, "5", "5", false, "家"},
      {"2小时+30分钟", kDuration, "2.5", "2.5", false, "分钟"},
      {"3万+5万+2万元", kAmount, "100000", "100000", false, "万元"},
      {"3万+", kAmount, "30000", "30000", true, "万"},
  };
  for (const ParseCase& c : cases) {
    CheckParses(c);
  }
  // Numbers that do not fit together are no sum, and a typed value contains one quantity.
  const UnparsedCase rejected[] = {
      {"3+5万元", kAmount}, {"3万+5家", kAmount}, {"2家+3位", kCount},
      {"80%+5%", kPercent}, {"3万++5万", kAmount},
  };
  for (const UnparsedCase& c : rejected) {
    CheckUnparsed(c);
  }
}

TEST_CASE("ParseQuantity adds a plus between spaces", "[extract]") {
  const ParseCase cases[] = {
      {"3万 + 5万", kAmount, "80000", "80000", false, "万"},
      {"3万 +5万元", kAmount, "80000", "80000", false, "万元"},
      {"3万+ 5万元", kAmount, "80000", "80000", false, "万元"},
      {"2家 + 3家", kCount, "5", "5", false, "家"},
      {"2小时 + 30分钟", kDuration, "2.5", "2.5", false, "分钟"},
      {"3万 +", kAmount, "30000", "30000", true, "万"},
  };
  for (const ParseCase& c : cases) {
    CheckParses(c);
  }
  std::optional<Quantity> sum = ParseQuantity("3万 + 5万元", kAmount);
  REQUIRE(sum.has_value());
  CHECK(sum->span == Span{0, 8});
  const UnparsedCase rejected[] = {
      {"3 + 5万元", kAmount}, {"3万 + 5家", kAmount}, {"80% + 5%", kPercent}};
  for (const UnparsedCase& c : rejected) {
    CheckUnparsed(c);
  }
}

TEST_CASE("ParseQuantity rejects a falling scaled range", "[extract]") {
  const UnparsedCase rejected[] = {
      {"3万-2万", kAmount},   {"3万-2万元", kAmount}, {"3万-3万", kAmount},
      {"3万到2万", kAmount},  {"3万 - 2万", kAmount}, {"3万-5千元", kAmount},
  };
  for (const UnparsedCase& c : rejected) {
    CheckUnparsed(c);
  }
}

TEST_CASE("ParseQuantity reads tenths with spaces", "[extract]") {
  const ParseCase cases[] = {
      {"9 成", kPercent, "90", "90", false, "成"},
      {"8-9 成", kPercent, "80", "90", true, "成"},
      {"8成-9成", kPercent, "80", "90", true, "成"},
      {"8成 - 9成", kPercent, "80", "90", true, "成"},
      {"8 —— 9成", kPercent, "80", "90", true, "成"},
      {"8——9成", kPercent, "80", "90", true, "成"},
      {"八成到九成", kPercent, "80", "90", true, "成"},
  };
  for (const ParseCase& c : cases) {
    CheckParses(c);
  }
  std::optional<Quantity> tenths = ParseQuantity("8 —— 9成", kPercent);
  REQUIRE(tenths.has_value());
  CHECK(tenths->span == Span{0, 7});
  const UnparsedCase rejected[] = {
      {"9成-8成", kPercent}, {"8成-8成", kPercent}, {"8成 -9成", kPercent},
      {"8 ———— 9成", kPercent}, {"8成成", kPercent}, {"成", kPercent},
  };
  for (const UnparsedCase& c : rejected) {
    CheckUnparsed(c);
  }
}

TEST_CASE("ParseQuantity reads a spaced double dash range", "[extract]") {
  const ParseCase cases[] = {
      {"80% —— 90%", kPercent, "80", "90", true, "%"},
      {"80%——90%", kPercent, "80", "90", true, "%"},
      {"3000 —— 5000", kAmount, "3000", "5000", true, ""},
  };
  for (const ParseCase& c : cases) {
    CheckParses(c);
  }
  CheckUnparsed({"3000 ——", kAmount});
  CheckUnparsed({"3000 ——5000", kAmount});
}

TEST_CASE("ParseQuantity rejects scaled percentages", "[extract]") {
  // A scale word makes an amount, so a percent field does not read it.
  const UnparsedCase rejected[] = {
      {"5万", kPercent},    {"5千", kPercent},      {"5k", kPercent},  {"3w", kPercent},
      {"3 k", kPercent},    {"5 万", kPercent},     {"五千", kPercent}, {"1万2", kPercent},
      {"5千-6千", kPercent}, {"3万+5万", kPercent}, {"约5万", kPercent}, {"5萬", kPercent},
  };
  for (const UnparsedCase& c : rejected) {
    CheckUnparsed(c);
  }
  // The same texts are amounts, and 百 still writes a percentage (一百 is 100%).
  CheckParses({"5万", kAmount, "50000", "50000", false, "万"});
  CheckParses({"3k", kAmount, "3000", "3000", false, "k"});
  CheckParses({"一百", kPercent, "100", "100", false, ""});
  CheckParses({"80%", kPercent, "80", "80", false, "%"});
}

TEST_CASE("HasScaleWord finds scale words", "[extract]") {
  for (const char* text : {"5万", "5千", "三亿", "5萬", "3仟", "5w", "5K", "3 k", "1.5\tW"}) {
    INFO("text: " << text);
    CHECK(HasScaleWord(text));
  }
  for (const char* text : {"80%", "一百", "八成", "ok", "kw", "5 ok", "百分之八十", ""}) {
    INFO("text: " << text);
    CHECK_FALSE(HasScaleWord(text));
  }
}

TEST_CASE("ParseQuantity rejects uneven duration parts", "[extract]") {
  CHECK_FALSE(ParseQuantity("1小时30", kDuration).has_value());
  CHECK_FALSE(ParseQuantity("1小时3家", kDuration).has_value());
  CHECK_FALSE(ParseQuantity("两三小时30分钟", kDuration).has_value());
  CHECK_FALSE(ParseQuantity("2hours", kDuration).has_value());
}

TEST_CASE("ParseQuantity reads approximate ranges", "[extract]") {
  const ParseCase cases[] = {
      {"两三个", kCount, "2", "3", true, "个"},
      {"一两笔", kCount, "1", "2", true, "笔"},
      {"三五家", kCount, "3", "5", true, "家"},
      {"七八十个", kCount, "70", "80", true, "个"},
      {"十七八个", kCount, "17", "18", true, "个"},
      {"五六万", kAmount, "50000", "60000", true, "万"},
      {"十几万", kAmount, "110000", "190000", true, "万"},
      {"十几个", kCount, "11", "19", true, "个"},
      {"二十几个", kCount, "21", "29", true, "个"},
      {"几十个", kCount, "20", "90", true, "个"},
      {"几个", kCount, "2", "9", true, "个"},
      {"几万", kAmount, "20000", "90000", true, "万"},
      {"三千多", kCount, "3000", "4000", true, ""},
      {"三千多元", kAmount, "3000", "4000", true, "元"},
      {"十多个", kCount, "10", "20", true, "个"},
      {"二十多万", kAmount, "200000", "300000", true, "万"},
      {"一万多", kAmount, "10000", "20000", true, ""},
      {"3000多", kAmount, "3000", "4000", true, ""},
      {"120多个", kCount, "120", "130", true, "个"},
      {"三千余元", kAmount, "3000", "4000", true, "元"},
      {"上百家", kCount, "100", "200", true, "家"},
      {"上千", kCount, "1000", "2000", true, ""},
      {"上万元", kAmount, "10000", "20000", true, "万元"},
      {"数十个", kCount, "20", "90", true, "个"},
      {"数百万", kAmount, "2000000", "9000000", true, "万"},
      {"3-5家", kCount, "3", "5", true, "家"},
      {"3~5个", kCount, "3", "5", true, "个"},
      {"3到5家", kCount, "3", "5", true, "家"},
      {"三至五家", kCount, "3", "5", true, "家"},
      {"3-5万", kAmount, "30000", "50000", true, "万"},
      {"3万-5万", kAmount, "30000", "50000", true, "万"},
      {"1.5万到2万元", kAmount, "15000", "20000", true, "万元"},
      {"三万至五万", kAmount, "30000", "50000", true, "万"},
      {"1-2笔", kCount, "1", "2", true, "笔"},
  };
  for (const ParseCase& c : cases) {
    CheckParses(c);
  }
}

TEST_CASE("ParseQuantity applies default units", "[extract]") {
  std::optional<Quantity> wan = ParseQuantity("5", kAmount, "万元");
  REQUIRE(wan.has_value());
  CHECK(wan->Value().ToString() == "50000");
  CHECK(wan->unit == "万元");

  std::optional<Quantity> yuan = ParseQuantity("4.5", kAmount, "元");
  REQUIRE(yuan.has_value());
  CHECK(yuan->Value().ToString() == "4.5");

  std::optional<Quantity> days = ParseQuantity("2", kDuration, "天");
  REQUIRE(days.has_value());
  CHECK(days->Value().ToString() == "16");

  std::optional<Quantity> minutes = ParseQuantity("45", kDuration, "分钟");
  REQUIRE(minutes.has_value());
  CHECK(minutes->Value().ToString() == "0.75");

  std::optional<Quantity> written = ParseQuantity("3万元", kAmount, "元");
  REQUIRE(written.has_value());
  CHECK(written->Value().ToString() == "30000");

  CHECK_FALSE(ParseQuantity("5", kAmount, "家").has_value());
  CHECK_FALSE(ParseQuantity("5", kDuration, "元").has_value());
}

TEST_CASE("ParseQuantity marks hedge words approximate", "[extract]") {
  const ParseCase cases[] = {
      {"约8小时", kDuration, "8", "8", true, "小时"},
      {"大约 2天", kDuration, "16", "16", true, "天"},
      {"80％左右", kPercent, "80", "80", true, "%"},
      {"完成约60%", kPercent, "60", "60", true, "%"},
      {"完成60%", kPercent, "60", "60", false, "%"},
      {"5万+", kAmount, "50000", "50000", true, "万"},
      {"约八成", kPercent, "80", "80", true, "成"},
      {"已完成百分之九十", kPercent, "90", "90", false, "百分之"},
      {"八成", kPercent, "80", "80", false, "成"},
      {"十成", kPercent, "100", "100", false, "成"},
      {"将近5万元", kAmount, "50000", "50000", true, "万元"},
  };
  for (const ParseCase& c : cases) {
    CheckParses(c);
  }
  CHECK_FALSE(ParseQuantity("约", kDuration).has_value());
  CHECK_FALSE(ParseQuantity("左右", kPercent).has_value());
  CHECK_FALSE(ParseQuantity("成", kPercent).has_value());
  CHECK_FALSE(ParseQuantity("八成", kCount).has_value());
}

TEST_CASE("ParseQuantity rejects other kinds and non-numbers", "[extract]") {
  struct RejectCase {
    const char* text;
    QuantityKind kind;
  };
  const RejectCase cases[] = {
      {"", kCount},          {"  ", kCount},         {"abc", kCount},
      {"5万元", kCount},     {"3家", kAmount},       {"80%", kAmount},
      {"2天", kCount},       {"3个", kPercent},      {"11月3日", kCount},
      {"2026-11-03", kCount}, {"14:30", kDuration},  {"两点半", kDuration},
      {"3点", kCount},       {"13812345678", kCount}, {"V2.3.1", kCount},
      {"123456789元", kAmount},                       {"123456789", kAmount},
      {"2.3.1", kCount},     {"一些", kCount},       {"一样", kCount},
      {"第一", kCount},      {"周三", kCount},       {"星期一", kCount},
      {"100美元", kAmount},  {"5G", kCount},         {"3个月", kCount},
      {"2026年", kCount},    {"007", kCount},        {"1.23456", kAmount},
      {"百", kCount},        {"千万", kAmount},      {"一二三", kCount},
      {"99999999999999999万", kAmount},              {"3家3家", kCount},
      {"5-3家", kCount},     {"11-03", kCount},      {"400-800-1234", kCount},
      {"3-几个", kCount},    {"3-", kCount},
  };
  for (const RejectCase& c : cases) {
    INFO("text: " << c.text);
    CHECK_FALSE(ParseQuantity(c.text, c.kind).has_value());
  }
}

TEST_CASE("ParseQuantity spans original code points", "[extract]") {
  std::optional<Quantity> quantity = ParseQuantity("  ５万元 ", kAmount);
  REQUIRE(quantity.has_value());
  CHECK(quantity->span == Span{2, 5});
}

TEST_CASE("Quantity value is midpoint when approximate", "[extract]") {
  std::optional<Quantity> range = ParseQuantity("两三个", kCount);
  REQUIRE(range.has_value());
  CHECK(range->Value().ToString() == "2.5");
  std::optional<Quantity> exact = ParseQuantity("3个", kCount);
  REQUIRE(exact.has_value());
  CHECK(exact->Value().ToString() == "3");
}

TEST_CASE("FoldText maps full-width forms", "[extract]") {
  FoldedText folded = FoldText("拜访３家，签约１笔");
  CHECK(folded.text == "拜访3家,签约1笔");
  CHECK(folded.original_length == 9);
  REQUIRE(folded.origin.size() == 9);
  CHECK(folded.origin[2] == 2);
  CHECK(folded.origin[8] == 8);
}

TEST_CASE("FoldText keeps NFKC text unchanged", "[extract]") {
  FoldedText folded = FoldText("今天拜访了3家。");
  CHECK(folded.text == "今天拜访了3家。");
  CHECK(folded.original_length == 8);
  CHECK(folded.origin.back() == 7);
}

TEST_CASE("FoldText maps expansions and compositions", "[extract]") {
  // U+2460 CIRCLED DIGIT ONE folds to "1"; U+2026 HORIZONTAL ELLIPSIS folds to "...".
  FoldedText circled = FoldText("①个…好");
  CHECK(circled.text == "1个...好");
  REQUIRE(circled.origin.size() == 6);
  CHECK(circled.origin[0] == 0);
  CHECK(circled.origin[2] == 2);
  CHECK(circled.origin[4] == 2);
  CHECK(circled.origin[5] == 3);

  // "e" + U+0301 COMBINING ACUTE composes to U+00E9.
  FoldedText composed = FoldText("e\xCC\x81x");
  CHECK(composed.text == "\xC3\xA9x");
  CHECK(composed.original_length == 3);
  REQUIRE(composed.origin.size() == 2);
  CHECK(composed.origin[1] == 2);
}

TEST_CASE("FoldText expands the ellipsis by table", "[extract]") {
  FoldedText folded = FoldText("好……３个");
  CHECK(folded.text == "好......3个");
  CHECK(folded.original_length == 5);
  REQUIRE(folded.origin.size() == 9);
  CHECK(folded.origin[1] == 1);
  CHECK(folded.origin[3] == 1);
  CHECK(folded.origin[4] == 2);
  CHECK(folded.origin[6] == 2);
  CHECK(folded.origin[7] == 3);
  CHECK(folded.origin[8] == 4);
}

TEST_CASE("FoldText replaces invalid UTF-8", "[extract]") {
  FoldedText folded = FoldText("a\xFF\xC3");
  CHECK(folded.text == "a\xEF\xBF\xBD\xEF\xBF\xBD");
  CHECK(folded.original_length == 3);
  FoldedText surrogate = FoldText("\xED\xA0\x80");
  CHECK(surrogate.original_length == 3);
  CHECK(surrogate.text == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST_CASE("Fold reuses a buffer between texts", "[extract]") {
  // Longer, shorter and invalid texts in turn, each compared with a fresh buffer's result.
  const std::string texts[] = {"上午拜访３家客户，签约２.５万元……明天再跟进", "ａ1",
                               "", "x\xFF中\xE4", "①②③ 拜访３家", "拜访3家客户"};
  FoldBuffer reused;
  for (int round = 0; round < 2; ++round) {
    for (const std::string& text : texts) {
      INFO("round " << round << ", text: " << text);
      Fold(text, &reused);
      FoldBuffer fresh;
      Fold(text, &fresh);
      REQUIRE(OriginalLength(reused) == OriginalLength(fresh));
      for (int32_t i = 0; i < OriginalLength(fresh); ++i) {
        CHECK(OriginalAt(reused, i) == OriginalAt(fresh, i));
      }
      for (int32_t i = 0; i <= OriginalLength(fresh); ++i) {
        CHECK(OriginalByteOf(reused, i) == OriginalByteOf(fresh, i));
      }
      CHECK(View(reused.folded) == View(fresh.folded));
      for (int32_t i = 0; i < static_cast<int32_t>(fresh.folded.size()); ++i) {
        CHECK(OriginOf(reused, i) == OriginOf(fresh, i));
      }
      CHECK(std::vector<int32_t>(reused.cp_byte.begin(), reused.cp_byte.end()) ==
            std::vector<int32_t>(fresh.cp_byte.begin(), fresh.cp_byte.end()));
      CHECK(reused.utf8 == fresh.utf8);
      CHECK(reused.well_formed == fresh.well_formed);
      CHECK(reused.one_to_one == fresh.one_to_one);
      CHECK(reused.cp_byte.size() == reused.folded.size() + 1);
    }
  }
}

TEST_CASE("UnitTable matches words of 个", "[extract]") {
  // Each longer word of 个 is found, also when more text follows, and a code point that passes
  // only one of the bitmaps of second code points (门 after 个, like 周) falls back to 个.
  UnitTable units;
  for (std::u32string_view expected :
       {U"个半小时", U"个半钟头", U"个周", U"个多小时", U"个季度", U"个小时", U"个工作日",
        U"个星期", U"个月", U"个百分点", U"个礼拜", U"个钟头"}) {
    for (std::u32string_view after : {U"", U"门", U"，"}) {
      std::u32string text = U"3" + std::u32string(expected) + std::u32string(after);
      const UnitWord* word = units.Match(text, 1);
      REQUIRE(word != nullptr);
      CHECK(word->text == expected);
    }
  }
  for (std::u32string_view text : {U"3个门店", U"3个", U"3个人"}) {
    const UnitWord* word = units.Match(text, 1);
    REQUIRE(word != nullptr);
    CHECK(word->text == U"个");
  }
}

TEST_CASE("UnitTable matches the longest word", "[extract]") {
  UnitTable units({"个体", "箩"});
  std::u32string_view text = U"3个半小时个体户个人箩筐天x";

  // Words that share a first code point: 个半小时, 个体 and 个 each win where they fit.
  const UnitWord* word = units.Match(text, 1);
  REQUIRE(word != nullptr);
  CHECK(word->text == U"个半小时");
  CHECK(word->unit_class == UnitClass::kDuration);
  CHECK(word->plus_half);
  word = units.Match(text, 5);
  REQUIRE(word != nullptr);
  CHECK(word->text == U"个体");
  CHECK(word->unit_class == UnitClass::kMeasureWord);
  word = units.Match(text, 8);
  REQUIRE(word != nullptr);
  CHECK(word->text == U"个");

  // An extra word with a first code point of its own, a built-in one, and no word.
  word = units.Match(text, 10);
  REQUIRE(word != nullptr);
  CHECK(word->text == U"箩");
  word = units.Match(text, 12);
  REQUIRE(word != nullptr);
  CHECK(word->text == U"天");
  CHECK(units.Match(text, 11) == nullptr);  // 筐
  CHECK(units.Match(text, 13) == nullptr);  // x
  CHECK(units.Match(text, text.size()) == nullptr);
  CHECK(units.Match(U"", 0) == nullptr);

  // Without the extra words, 个体 reads as 个 and 箩 is no unit.
  UnitTable plain;
  word = plain.Match(text, 5);
  REQUIRE(word != nullptr);
  CHECK(word->text == U"个");
  CHECK(plain.Match(text, 10) == nullptr);
}

TEST_CASE("UnitTable matches by second code point", "[extract]") {
  // Match decides from a bitmap of second code points, keyed by their low 6 bits, whether a
  // longer word may follow the first code point. Each case puts after the first code point the
  // second code point of a longer word, a code point with the same low 6 bits, or nothing.
  const char32_t kSameLowBits = 64;
  struct Case {
    std::u32string text;
    std::u32string expected;  // empty when no word matches
  };
  const std::vector<Case> cases = {
      {U"个小时", U"个小时"},
      {std::u32string{U'个', U'小' + kSameLowBits, U'时'}, U"个"},
      {std::u32string{U'个', U'半' + kSameLowBits}, U"个"},
      {U"个半", U"个"},
      {U"个", U"个"},
      {U"个人", U"个"},
      {U"元钱", U"元钱"},
      {std::u32string{U'元', U'钱' + kSameLowBits}, U"元"},
      {U"元", U"元"},
      {U"公斤", U"公斤"},
      {U"公里", U"公里"},
      {std::u32string{U'公', U'斤' + kSameLowBits}, U""},
      {U"公司", U""},
      {U"公", U""},
      {U"平方米", U"平方米"},
      {U"平方", U""},
      {U"天半", U"天半"},
      {std::u32string{U'天', U'半' + kSameLowBits}, U"天"},
      {U"min", U"min"},
      {U"mins", U"mins"},
      {U"mi", U"m"},
      {U"m", U"m"},
  };
  UnitTable units;
  for (const Case& test : cases) {
    INFO("text " << test.text.size() << " code points, first U+" << std::hex
                 << static_cast<uint32_t>(test.text.front()) << " then U+"
                 << static_cast<uint32_t>(test.text.size() > 1 ? test.text[1] : 0));
    const UnitWord* word = units.Match(test.text, 0);
    if (test.expected.empty()) {
      CHECK(word == nullptr);
    } else {
      REQUIRE(word != nullptr);
      CHECK(word->text == test.expected);
    }
  }
}

TEST_CASE("UnitTable finds many first characters", "[extract]") {
  // Hundreds of extra words, each with a first code point of its own, so that the table of
  // first code points grows and probes past collisions. Each word must be found whole. A code
  // point that starts no word, in or outside the Basic Multilingual Plane, finds nothing.
  std::vector<std::string> extra;
  for (char32_t first = 0x5200; first < 0x5200 + 300; ++first) {
    std::string word;
    AppendUtf8(first, &word);
    AppendUtf8(U'箱', &word);
    extra.push_back(word);
  }
  UnitTable units(extra);
  for (char32_t first = 0x5200; first < 0x5200 + 300; ++first) {
    std::u32string text{first, U'箱', U'x'};
    const UnitWord* word = units.Match(text, 0);
    INFO("first code point U+" << std::hex << static_cast<uint32_t>(first));
    REQUIRE(word != nullptr);
    CHECK(word->text == text.substr(0, 2));
  }
  CHECK(units.Match(U"\U00025200箱", 0) == nullptr);
  CHECK(units.Match(U"龘", 0) == nullptr);
  const UnitWord* built_in = units.Match(U"个", 0);
  REQUIRE(built_in != nullptr);
  CHECK(built_in->text == U"个");
}

TEST_CASE("UninitializedAllocator keeps vector semantics", "[extract]") {
  OffsetBuffer offsets;
  CHECK(offsets.empty());
  offsets.resize(3, 7);  // a value given is still written
  CHECK(offsets == OffsetBuffer{7, 7, 7});
  offsets.push_back(9);
  offsets.insert(offsets.begin(), 1);
  CHECK(offsets == OffsetBuffer{1, 7, 7, 7, 9});
  offsets.resize(2);
  CHECK(offsets == OffsetBuffer{1, 7});
  offsets.resize(40);  // grows past the capacity; the first elements move along
  REQUIRE(offsets.size() == 40);
  CHECK(offsets[0] == 1);
  CHECK(offsets[1] == 7);
  offsets.assign(5, 0);
  CHECK(offsets == OffsetBuffer(5, 0));
  CodePointBuffer code_points(2, U'中');
  CHECK(View(code_points) == U"中中");
  code_points.clear();
  CHECK(View(code_points).empty());
}

TEST_CASE("Fold table agrees with ICU NFKC", "[extract]") {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc = icu::Normalizer2::getNFKCInstance(status);
  REQUIRE(U_SUCCESS(status));
  FoldBuffer buffer;
  int mismatches = 0;
  for (char32_t cp = 1; cp < 0x10000; ++cp) {
    if (cp >= 0xD800 && cp <= 0xDFFF) {
      continue;
    }
    std::string utf8;
    AppendUtf8(cp, &utf8);
    Fold(utf8, &buffer);
    icu::UnicodeString expected;
    nfkc->normalize(icu::UnicodeString(static_cast<UChar32>(cp)), expected, status);
    std::string expected_utf8;
    expected.toUTF8String(expected_utf8);
    if (std::string(buffer.utf8) != expected_utf8) {
      ++mismatches;
      INFO("code point U+" << std::hex << static_cast<uint32_t>(cp));
      CHECK(std::string(buffer.utf8) == expected_utf8);
    }
  }
  CHECK(mismatches == 0);
}

TEST_CASE("ParseQuantity reads digit group separators", "[extract]") {
  const ParseCase cases[] = {
      {"12 000元", kAmount, "12000", "12000", false, "元"},
      {"1 234 567", kAmount, "1234567", "1234567", false, ""},
      {"12'000元", kAmount, "12000", "12000", false, "元"},
      {"12’000", kAmount, "12000", "12000", false, ""},
      {"1,2000元", kAmount, "12000", "12000", false, "元"},
      {"1234,5678", kAmount, "12345678", "12345678", false, ""},
      {"12,000.5", kAmount, "12000.5", "12000.5", false, ""},
  };
  for (const ParseCase& c : cases) {
    CheckParses(c);
  }
}

TEST_CASE("ParseQuantity rejects misplaced separators", "[extract]") {
  const char* cases[] = {"5,00",     "1.200,50元", "1,200,50", "12,34,567",
                         "1234 567", "12 00",      "12,000 000"};
  for (const char* text : cases) {
    INFO("text: " << text);
    CHECK_FALSE(ParseQuantity(text, kAmount).has_value());
  }
}

TEST_CASE("ParseQuantity reads listed ranges", "[extract]") {
  const ParseCase cases[] = {
      {"3、4家", kCount, "3", "4", true, "家"},
      {"三、四家", kCount, "3", "4", true, "家"},
  };
  for (const ParseCase& c : cases) {
    CheckParses(c);
  }
  CHECK_FALSE(ParseQuantity("3、4", kCount).has_value());
  CHECK_FALSE(ParseQuantity("4、3家", kCount).has_value());
  CHECK_FALSE(ParseQuantity("1、2、3家", kCount).has_value());
}

TEST_CASE("ParseQuantity reads ranges with other dashes", "[extract]") {
  const ParseCase cases[] = {
      {"3万—5万", kAmount, "30000", "50000", true, "万"},        // em dash
      {"3万–5万", kAmount, "30000", "50000", true, "万"},        // en dash
      {"3万——5万", kAmount, "30000", "50000", true, "万"},  // double em dash
      {"3～5万", kAmount, "30000", "50000", true, "万"},          // full-width tilde
      {"3〜5万", kAmount, "30000", "50000", true, "万"},          // wave dash
      {"3万~5万", kAmount, "30000", "50000", true, "万"},
      {"3万 - 5万", kAmount, "30000", "50000", true, "万"},
      {"3 - 5万", kAmount, "30000", "50000", true, "万"},
      {"3 - 5家", kCount, "3", "5", true, "家"},
      {"三万-五万", kAmount, "30000", "50000", true, "万"},
      {"三-五家", kCount, "3", "5", true, "家"},
      {"5千-1万", kAmount, "5000", "10000", true, "万"},
      {"5千—1万元", kAmount, "5000", "10000", true, "万元"},
      {"3-5千", kAmount, "3000", "5000", true, ""},
      {"3-5百万", kAmount, "3000000", "5000000", true, "万"},
      {"3千万-5千万", kAmount, "30000000", "50000000", true, "万"},
  };
  for (const ParseCase& c : cases) {
    CheckParses(c);
  }
  // A dash with a space on one side only is a minus sign or a bullet, so no range is read.
  for (const char* text : {"3 -5万", "3- 5万", "3万 -5万", "3万  -  5万"}) {
    INFO("text: " << text);
    CHECK_FALSE(ParseQuantity(text, kAmount).has_value());
  }
}

TEST_CASE("ParseQuantity rejects ranges over ten times", "[extract]") {
  const ParseCase within[] = {
      {"3万-30万", kAmount, "30000", "300000", true, "万"},
      {"1-10家", kCount, "1", "10", true, "家"},
      {"5千-5万", kAmount, "5000", "50000", true, "万"},
      {"5千-5万元", kAmount, "5000", "50000", true, "万元"},
  };
  for (const ParseCase& c : within) {
    CheckParses(c);
  }
  for (const char* text : {"3万-31万", "3万-9999万", "1-11家", "5千-6万", "5千-6万元", "5万-1亿",
                           "0-5万"}) {
    INFO("text: " << text);
    CHECK_FALSE(ParseQuantity(text, kAmount).has_value());
    CHECK_FALSE(ParseQuantity(text, kCount).has_value());
  }
}

TEST_CASE("ParseQuantity joins spaced scale parts", "[extract]") {
  const ParseCase cases[] = {
      {"2 万 3 千", kAmount, "23000", "23000", false, ""},
      {"2 万 3 千元", kAmount, "23000", "23000", false, "元"},
      {"2万 3千元", kAmount, "23000", "23000", false, "元"},
      {"1 亿 2000 万", kAmount, "120000000", "120000000", false, "万"},
      {"2\t万", kAmount, "20000", "20000", false, "万"},
      {"2\t万\t3\t千元", kAmount, "23000", "23000", false, "元"},
      {"3\t家", kCount, "3", "3", false, "家"},
  };
  for (const ParseCase& c : cases) {
    CheckParses(c);
  }
  // Scales that do not fall from one part to the next leave the parts apart.
  CHECK_FALSE(ParseQuantity("2 万 3 万", kAmount).has_value());
  CHECK_FALSE(ParseQuantity("2 千 3 万", kAmount).has_value());
}

}  // namespace
}  // namespace logbridge::scoring
