// Tests for text next to a trigger that looks like a quantity but is not one. The cases are phone
// numbers in groups, dates in spaced groups or eight digits, a + before a new word, names that
// start with a scale character, digit groups too large for any number, list item markers,
// numbered lists, a date or a phone number between a trigger and its amount, the 、 of a
// colloquial range, a date that ends a trigger's clause before a comma and a count of people.
#include <initializer_list>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "scoring/extract.h"

namespace logbridge::scoring {
namespace {

const Extractor& Deals() {
  static const Extractor kExtractor = std::move(
      Extractor::Create({{"deals", "sales", "签约|成交|回款", QuantityKind::kAmount, {}, 8},
                         {"visits", "visits", "拜访", QuantityKind::kCount, {"家"}, 8}})
          .value());
  return kExtractor;
}

// Returns rule=value for each match, with the reason when the match is not counted.
std::string Describe(const std::vector<Extraction>& found) {
  std::string out;
  for (const Extraction& e : found) {
    out += e.rule + "=" + e.quantity.Value().ToString();
    if (e.identifier) {
      out += " identifier";
    }
    if (e.unreadable) {
      out += " unreadable";
    }
    out += "; ";
  }
  return out;
}

// A text and what Describe returns for its extractions.
struct Reading {
  const char* text;
  const char* found;
};

// Checks each text's extractions with the Deals extractor, naming the text of a failed check.
void CheckReadings(std::initializer_list<Reading> readings) {
  for (const Reading& reading : readings) {
    INFO("text: " << reading.text);
    CHECK(Describe(Deals().Extract(reading.text)) == reading.found);
  }
}

TEST_CASE("Phone groups are identifiers", "[extract]") {
  struct Case {
    const char* text;
    const char* quoted;  // the identifier as the match quotes it
  };
  for (Case c : {Case{"上午签约138 1234 5678元的订单", "138 1234 5678元"},
                 Case{"签约138-1234-5678元", "138-1234-5678元"},
                 Case{"签约0571 8888 6666元", "0571 8888 6666元"},
                 Case{"签约0571 88886666元", "0571 88886666元"},
                 Case{"签约400 800 1234元", "400 800 1234元"},
                 Case{"签约400-800-1234元", "400-800-1234元"},
                 Case{"签约6222 0212 3456 7890 123元", "6222 0212 3456 7890 123元"}}) {
    INFO("text: " << c.text);
    std::vector<Extraction> found = Deals().Extract(c.text);
    INFO(Describe(found));
    REQUIRE(found.size() == 1);
    CHECK(found[0].identifier);
    std::string text = c.text;
    std::string quoted = c.quoted;
    CHECK(found[0].span_end_byte == static_cast<int32_t>(text.find(quoted) + quoted.size()));
  }
}

TEST_CASE("Amount after phone groups counts", "[extract]") {
  std::vector<Extraction> found = Deals().Extract("客户电话138 1234 5678，今天签约5万元");
  INFO(Describe(found));
  REQUIRE(found.size() == 1);
  CHECK(found[0].quantity.Value().ToString() == "50000");
  CHECK_FALSE(found[0].identifier);

  found = Deals().Extract("138 1234 5678签约5万元");
  INFO(Describe(found));
  REQUIRE(found.size() == 1);
  CHECK(found[0].quantity.Value().ToString() == "50000");

  // Only groups in a phone's or card's shape make an identifier. A number before the phone
  // keeps its own reading, and groups of no such shape are read as numbers.
  CHECK(Describe(Deals().Extract("今天回款5000 138 1234 5678")) ==
        "deals=5000; deals=0 identifier; ");
  CHECK(Describe(Deals().Extract("签约 5000 8000 3000元三笔")) == "deals=5000; ");
  CHECK(Describe(Deals().Extract("签约 120 000 5000元两笔")) == "deals=120000; ");
}

TEST_CASE("Spaced thousands stay amounts", "[extract]") {
  for (auto [text, value] :
       {std::pair{"签约123 456 789元", "123456789"}, std::pair{"签约12 000元", "12000"},
        std::pair{"签约1000-2000万元", "15000000"}}) {
    INFO("text: " << text);
    std::vector<Extraction> found = Deals().Extract(text);
    INFO(Describe(found));
    REQUIRE(found.size() == 1);
    CHECK(found[0].quantity.Value().ToString() == value);
    CHECK_FALSE(found[0].identifier);
  }
}

TEST_CASE("Dates are not amounts", "[extract]") {
  for (const char* text : {"签约2026 11 03", "签约2026 1 5完成", "签约1999 12 31号的合同"}) {
    INFO("text: " << text);
    CHECK(Describe(Deals().Extract(text)).empty());
  }
  CHECK(Describe(Deals().Extract("签约2026 11月03日")) == "");
  CHECK(Describe(Deals().Extract("签约2026 11月3日，回款5万元")) == "deals=50000; ");
  CHECK(Describe(Deals().Extract("签约20261103")) == "");
  // 元 after the digits, or a day the calendar lacks, makes them an amount.
  CHECK(Describe(Deals().Extract("签约20261103元")) == "deals=20261103; ");
  CHECK(Describe(Deals().Extract("签约20260230")) == "deals=20260230; ");
  CHECK(Describe(Deals().Extract("签约2026 2 30")) == "deals=2026; ");
  CHECK(Describe(Deals().Extract("签约2028 2 29")) == "");
  CHECK(Describe(Deals().Extract("签约20000229")) == "");
  CHECK(Describe(Deals().Extract("签约20270229")) == "deals=20270229; ");
  CHECK(Describe(Deals().Extract("20261103签约5万元")) == "deals=50000; ");
  // Eight digits of no date, or with a scale, stay a number.
  CHECK(Describe(Deals().Extract("签约20261303")) == "deals=20261303; ");
  CHECK(Describe(Deals().Extract("签约20261103万")).find("deals=") == 0);
  CHECK(Describe(Deals().Extract("2026 11 03签约5万元")) == "deals=50000; ");
  CHECK(Describe(Deals().Extract("签约2026 11 03，回款5万元")) == "deals=50000; ");
  // Groups that are no date read as before: a month past 12, a year outside 1990-2099, a
  // scale after the day (3万元 is the amount) and a last group of three digits (11 030元).
  CHECK(Describe(Deals().Extract("签约2026 13 05")) == "deals=2026; ");
  CHECK(Describe(Deals().Extract("签约1200 11 03")) == "deals=1200; ");
  CHECK(Describe(Deals().Extract("签约2026 11 3万元")) == "deals=30000; ");
  CHECK(Describe(Deals().Extract("签约2026 11 030元")) == "deals=11030; ");
}

TEST_CASE("Plus before a new word", "[extract]") {
  for (const char* text : {"回款2万+欠款3万元", "回款2万 + 欠款3万元"}) {
    INFO("text: " << text);
    std::vector<Extraction> found = Deals().Extract(text);
    INFO(Describe(found));
    REQUIRE(found.size() == 1);
    CHECK(found[0].quantity.Value().ToString() == "20000");
  }
  // A + before a number is still a sum, and a + before no word a hedge.
  CHECK(Describe(Deals().Extract("回款2万+3万元")) == "deals=50000; ");
  CHECK(Describe(Deals().Extract("回款2万+")) == "deals=20000; ");
  // A + with no number before it joins two words, so 拜访 still takes 3家.
  CHECK(Describe(Deals().Extract("拜访+签约3家")) == "visits=3; ");
  // A + before a unit word is a hedge, and a trigger after the + still takes the number.
  CHECK(Describe(Deals().Extract("完成5+家客户拜访")) == "visits=5; ");
  CHECK(Describe(Deals().Extract("完成5万+的回款")) == "deals=50000; ");
  CHECK(Describe(Deals().Extract("回款约5万+左右共12 000元")) == "deals=12000; ");
  // After a bare number the + hedges a count, so the trigger still reaches the amount.
  CHECK(Describe(Deals().Extract("今天签约3+客户共计15万元")) == "deals=150000; ");
  CHECK(Describe(Deals().Extract("签约3+客户，共计15万元")) == "deals=150000; ");
}

TEST_CASE("Scale character starting a name", "[extract]") {
  for (const char* text : {"签约2026万科项目", "签约2026万达广场", "签约2025百度云",
                           "签约2019千禧酒店", "签约2026 万科项目"}) {
    INFO("text: " << text);
    CHECK(Describe(Deals().Extract(text)).empty());
  }
  // A word that only starts like a name leaves the scale alone.
  for (auto [text, value] :
       {std::pair{"签约100万科技服务合同", "1000000"}, std::pair{"回款5万达成目标", "50000"},
        std::pair{"签约3万元万科项目", "30000"},
        // Only a year before the name drops the number. Other numbers keep their scale, and
        // so does 2000, a common round amount.
        std::pair{"今天签约50万科研项目一个", "500000"}, std::pair{"成交800万豪宅一套", "8000000"},
        std::pair{"签约300万达州分公司项目", "3000000"}, std::pair{"签约5百度电", "500"},
        std::pair{"签约2000万科研经费", "20000000"}}) {
    INFO("text: " << text);
    CHECK(Describe(Deals().Extract(text)) == std::string("deals=") + value + "; ");
  }
}

TEST_CASE("Oversized digit groups are unreadable", "[extract]") {
  std::string long_run = "签约";
  for (int i = 0; i < 20000; ++i) {
    long_run += "138 ";
  }
  // Each text gives one unreadable match that covers the whole run, so no later group is read
  // as a number of its own, and a long run is not read again from each group.
  for (const std::string& text :
       {std::string("签约1 234 567 890 123 456元"), std::string("签约1,234,567,890,123,456元"),
        long_run}) {
    std::vector<Extraction> found = Deals().Extract(text);
    INFO("text starts " << text.substr(0, 40) << ", found " << Describe(found).substr(0, 200));
    REQUIRE(found.size() == 1);
    CHECK(found[0].unreadable);
    size_t run_end = text.find_last_of("0123456789") + 1;
    CHECK(found[0].span_end_byte >= static_cast<int32_t>(run_end));
  }
}

TEST_CASE("Unreadable amount keeps its trigger", "[extract]") {
  // The unreadable 3万-2万元 is the deal, so 签约 does not take the deposit before it.
  std::vector<Extraction> found = Deals().Extract("收到3万元定金后签约3万-2万元");
  INFO(Describe(found));
  REQUIRE(found.size() == 1);
  CHECK(found[0].unreadable);
  // A readable number after the trigger leaves the deposit alone in the same way.
  CHECK(Describe(Deals().Extract("收到3万元定金后签约5万元")) == "deals=50000; ");
  // The amount before the trigger may be the payment or the contract's value, so nothing
  // counts and the unreadable amount is shown.
  CHECK(Describe(Deals().Extract("今天5万元回款5,00元手续费另付")) == "deals=0 unreadable; ");
  CHECK(Describe(Deals().Extract("合同5万元回款1.200,50元")) == "deals=0 unreadable; ");
  CHECK(Describe(Deals().Extract("应收5万元回款4,50元")) == "deals=0 unreadable; ");
}

TEST_CASE("List item markers are no quantities", "[extract]") {
  for (const char* marker : {"1、", "1. ", "1.", "1)", "1）", "(1)", "（1）", "①", "⑴", "今日：1、",
                             "今日工作\n2、", "跟进合同；3、"}) {
    std::string item = marker;
    INFO("item: " << item);
    CHECK(Describe(Deals().Extract(item + "拜访客户")).empty());
    CHECK(Describe(Deals().Extract(item + "拜访客户5万")).empty());
    CHECK(Describe(Deals().Extract(item + "拜访客户3家")) == "visits=3; ");
    CHECK(Describe(Deals().Extract(item + "签约5万元")) == "deals=50000; ");
  }
  // Not at the start of a clause, or followed by a number or a unit, a number still counts.
  CHECK(Describe(Deals().Extract("签约3、4万")) == "deals=35000; ");
  CHECK(Describe(Deals().Extract("拜访3、4家")) == "visits=3.5; ");
  CHECK(Describe(Deals().Extract("3、4家客户已拜访")) == "visits=3.5; ");
  CHECK(Describe(Deals().Extract("拜访客户2)")) == "visits=2; ");
  CHECK(Describe(Deals().Extract("上午拜访2、下午签约5万元")) == "visits=2; deals=50000; ");
  // A number after the marker that joins no range with it is the item's own.
  CHECK(Describe(Deals().Extract("2、30万订单已签约")) == "deals=300000; ");
  CHECK(Describe(Deals().Extract("2、5万元回款已到账")) == "deals=50000; ");
}

TEST_CASE("Item number before a range", "[extract]") {
  // At the start of a list, 1、 numbers the item even before digits, while 3、4家 stays a range.
  CheckReadings({{"1、3家客户已拜访", "visits=3; "},
                 {"1、2家客户拜访完成", "visits=2; "},
                 {"１、３家客户已拜访", "visits=3; "},
                 {"1、3家左右客户已拜访", "visits=3; "},
                 {"1、拜访华为\n2、3家客户已拜访", "visits=3; "},
                 {"3、4家客户已拜访", "visits=3.5; "},
                 {"今天拜访1、2家客户", "visits=1.5; "},
                 {"今天拜访 1、2家客户", "visits=1.5; "}});
}

TEST_CASE("Numbered list items count nothing", "[extract]") {
  // Item numbers that count 1, 2, 3 are markers on either side of a trigger and after spaces.
  CheckReadings({{"回款情况：1.华为回款2万元 2.小米回款3万元", "deals=20000; deals=30000; "},
                 {"1、拜访华为 2、拜访小米 3、签约5万元", "deals=50000; "},
                 {"１．拜访华为　２．签约５万元", "deals=50000; "},
                 {"（1）拜访华为（2）签约5万元", "deals=50000; "},
                 {"1️⃣拜访华为 2️⃣签约5万元", "deals=50000; "},
                 {"1⃣拜访华为 2⃣签约5万元", "deals=50000; "},
                 {"【1】拜访华为【2】签约5万元", "deals=50000; "},
                 {"1-拜访华为 2-签约5万元", "deals=50000; "},
                 {"1- 拜访华为\n2- 签约5万元", "deals=50000; "},
                 {"1:拜访华为 2:签约5万元", "deals=50000; "},
                 // A number that continues no list is still a label's value.
                 {"拜访客户：1、华为", "visits=1; "}});

  // With two visit words the one that 2家 leaves free once took the item number 2.
  Extractor two_words = std::move(
      Extractor::Create({{"deals", "sales", "签约|签单", QuantityKind::kAmount, {}, 8},
                         {"visits", "visits", "拜访|上门", QuantityKind::kCount, {"家"}, 8}})
          .value());
  CHECK(Describe(two_words.Extract("1）上门拜访2家客户 2）签单3万元")) ==
        "visits=2; deals=30000; ");
}

TEST_CASE("Enclosed item numbers stand alone", "[extract]") {
  // NFKC folds ① to 1, but the item number never joins the digits next to it and never counts,
  // even right after a trigger.
  CheckReadings({{"①5万元回款已到账", "deals=50000; "},
                 {"②3家客户拜访完成", "visits=3; "},
                 {"⑩拜访2家", "visits=2; "},
                 {"签约：①华为5万②万科3万", "deals=50000; deals=30000; "},
                 {"拜访：①华为②万科③腾讯", ""},
                 {"拜访：⑴华为⑵万科", ""},
                 {"签了①订单", ""},
                 // The item number takes no trigger from the amount before it.
                 {"5万元签约①华为", "deals=50000; "}});
}

TEST_CASE("Date between trigger and amount", "[extract]") {
  CheckReadings({{"签约2026-11-03 5000元", "deals=5000; "},
                 {"签约2026 11 03 3万元", "deals=30000; "},
                 {"签约20261103 5000元", "deals=5000; "},
                 {"签约2026/11/03 5000元", "deals=5000; "},
                 {"签约2026年11月3日 5000元", "deals=5000; "},
                 {"签约 2026-11-03 5000元", "deals=5000; "},
                 // A word between the date and the amount may name other money.
                 {"签约2026-11-03客户 5000元", ""},
                 {"回款2026-11-03 欠款5000元", ""},
                 {"回款2026-11-03 退款2万元", ""},
                 {"签约：2026-11-03 1. 华为5万", ""},
                 // Not counting the date, the amount is still beyond max_gap.
                 {"签约2026-11-03在客户公司完成合同 5000元", ""},
                 {"签约在客户公司完成合同的 5000元", ""},
                 // A date is skipped only inside the trigger's clause.
                 {"回款2026-11-03，欠款5000元", ""},
                 {"签约2026-11-03，对方还欠5000元", ""},
                 // Only one date is skipped.
                 {"签约2026-11-03 2026-11-04 5000元", ""}});
}

TEST_CASE("Chinese month before an amount", "[extract]") {
  CheckReadings({{"回款11月3号5万元", "deals=50000; "},
                 {"签约11月3号 5000元", "deals=5000; "},
                 {"签约11月13日 5000元", "deals=5000; "},
                 {"签约2026年11月3日5万元", "deals=50000; "},
                 {"签约2026年11月 5万元", "deals=50000; "},
                 // The date itself is never an amount.
                 {"回款11月3号", ""},
                 {"签约2026年11月", ""},
                 // As for other dates, a comma or a word before the amount keeps it apart.
                 {"回款11月13号，欠款5000元", ""},
                 {"回款2026年11月，欠款5000元", ""},
                 {"回款2026年11月 欠款5000元", ""},
                 // 13月 is no month, so the gap stays too long.
                 {"签约2026年13月 5万元", ""}});
}

TEST_CASE("Colloquial range before a scale", "[extract]") {
  CheckReadings({{"签约3、4万", "deals=35000; "},
                 {"签约三、四万", "deals=35000; "},
                 {"签约3、4千元", "deals=3500; "},
                 {"拜访3、4家", "visits=3.5; "},
                 {"签约3、5万", "deals=40000; "},
                 // Digits that name no range as 三四 does, or two digits on either side, make
                 // a list, not a range.
                 {"2、30万订单已签约", "deals=300000; "},
                 {"2、5万元回款已到账", "deals=50000; "},
                 {"签约2、5千元", "deals=5000; "},
                 {"拜访2、5百家", "visits=500; "},
                 {"签约4、3万", "deals=30000; "}});

  std::vector<Extraction> found = Deals().Extract("签约3、4万");
  REQUIRE(found.size() == 1);
  CHECK(found[0].quantity.approximate);
  CHECK(found[0].quantity.low.ToString() == "30000");
  CHECK(found[0].quantity.high.ToString() == "40000");
}

TEST_CASE("Amount after a spaced phone", "[extract]") {
  CheckReadings({{"回款客户电话138 1234 5678 3000元", "deals=0 identifier; deals=3000; "},
                 {"回款订单号20261102001 5万元", "deals=20261102001 identifier; deals=50000; "},
                 // A word between the phone and the amount may name other money.
                 {"回款客户电话138 1234 5678 欠款3000元", "deals=0 identifier; "},
                 // A bare number after the phone may still belong to it.
                 {"回款客户电话138 1234 5678 3000", "deals=0 identifier; "}});
}

TEST_CASE("Label values are no list markers", "[extract]") {
  // A number after its trigger is the value of a label, however it is closed.
  CheckReadings({{"签约华为（合同额：30000）", "deals=30000; "},
                 {"签约:(50000)", "deals=50000; "},
                 {"今日回款：50000.", "deals=50000; "},
                 {"签约：5000．", "deals=5000; "},
                 {"拜访5家。回款：8000.", "visits=5; deals=8000; "},
                 {"今日拜访客户：5、签约：2单、回款：3万", "visits=5; deals=30000; "},
                 {"拜访客户：12.", "visits=12; "},
                 // Label values that count up are no list (今日拜访：1. then 今日签约：2.).
                 {"今日拜访：1.\n今日签约：2.\n回款：3万元", "visits=1; deals=2; deals=30000; "},
                 {"拜访客户：1. 新签客户：2. 回款：3万", "visits=1; deals=30000; "},
                 {"拜访客户（数量：3）", "visits=3; "},
                 // A number after the next label belongs to that label, not to the trigger.
                 {"拜访：5、新客户：2家", "visits=5; "},
                 {"拜访客户：3、新客户：2家、回款：3万", "visits=3; deals=30000; "},
                 {"拜访：新客户：2家", "visits=2; "},
                 {"拜访：新客户2家", "visits=2; "}});
}

TEST_CASE("Debt word after a comma", "[extract]") {
  CheckReadings({{"回款11月3号，欠款5000元", ""},
                 {"回款11月3日，欠款5000元", ""},
                 {"回款2026年11月3日，欠款5000元", ""},
                 {"回款11月3日，退款3000元", ""},
                 {"回款，欠款5000元", ""},
                 {"回款，还欠5000元", ""},
                 // Collecting a debt is a payment, and a quote after a deal is its price.
                 {"今日回款，收回欠款5000元", "deals=5000; "},
                 {"今天去华为催回款，欠款5000元已全部收回", "deals=5000; "},
                 {"成功签约，最终报价5万元", "deals=50000; "},
                 // Money with no such word after the comma is the trigger's, dated or not.
                 {"回款11月3号，5000元", "deals=5000; "},
                 {"回款11月3号，收到5000元", "deals=5000; "},
                 {"签约11月3日，共5万元", "deals=50000; "},
                 {"回款，5000元", "deals=5000; "},
                 {"签约11月3号 5000元", "deals=5000; "}});
}

TEST_CASE("Amount label after a comma", "[extract]") {
  CheckReadings({{"签约日期2026-11-03，金额5万元", "deals=50000; "},
                 {"签约日期11月3号，合同金额：5万元", "deals=50000; "},
                 {"签约日期2026-11-03，订单金额 5000元", "deals=5000; "},
                 // Other money labels name no amount of the trigger.
                 {"回款日期2026-11-03，欠款金额5000元", ""},
                 {"签约日期2026-11-03，报价金额5万元", ""},
                 {"签约日期2026-11-03，金额待定", ""}});
}

TEST_CASE("Spaced 万 and remainder join", "[extract]") {
  CheckReadings({{"签约3万 5000元", "deals=35000; "},
                 {"签约3万 5000", "deals=35000; "},
                 {"签约3万 5000元，明天回款", "deals=35000; "},
                 {"签约3万 5000元，回款2万 3000元", "deals=35000; deals=23000; "},
                 // A second amount of 万 size, or words after it, keep the two apart.
                 {"签约3万 20000元", "deals=20000; "},
                 {"签约3万 5000元手续费另付", "deals=5000; "},
                 {"签约3.5万 5000元", "deals=5000; "},
                 {"签约3万  5000元", "deals=5000; "}});
}

TEST_CASE("Unit price gives way to sum", "[extract]") {
  CheckReadings({{"签约3台，单价2万元，共6万元", "deals=60000; "},
                 {"签约华为，单价2.5万元，合计5万元", "deals=50000; "},
                 // A price with a bare scale binds to no trigger, but the sum after it does.
                 {"签约3台，单价2万，共6万", "deals=60000; "},
                 {"签约华为，单价2万", ""},
                 {"签约5万元，单价2万，共6万", "deals=50000; "},
                 {"签约3台，每台2万元，总价6万元。回款1万元", "deals=60000; deals=10000; "},
                 // A unit price with a count of units and no sum counts nothing.
                 {"签约3台，单价2万元", ""},
                 // Alone, it is the amount of the deal.
                 {"签约华为，单价2万元", "deals=20000; "},
                 // A sum in the next sentence is other money.
                 {"签约华为，单价2万元。共6万元", "deals=20000; "},
                 // An amount without a unit word before it stays counted.
                 {"签约6万元，共3台", "deals=60000; "}});
}

TEST_CASE("Label value before another label", "[extract]") {
  // 2单 fits no amount, so 签约 of an amount rule is free to take the 5 before it.
  static const Extractor kSales = std::move(
      Extractor::Create({{"visits", "visits", "拜访", QuantityKind::kCount, {"家", "次"}, 8},
                         {"deals", "sales", "签约", QuantityKind::kAmount, {}, 8},
                         {"orders", "orders", "下单", QuantityKind::kCount, {"单"}, 8}})
          .value());
  auto describe = [](const char* text) { return Describe(kSales.Extract(text)); };
  CHECK(describe("拜访客户：5、签约：2单") == "visits=5; ");
  CHECK(describe("拜访客户：5、下单：2单") == "visits=5; orders=2; ");
  CHECK(describe("拜访客户：1. 新签客户：2.") == "visits=1; ");
  // A 、 before words that are no label keeps the numbers a list.
  CHECK(describe("拜访客户：1、华为 2、小米") == "");
}

TEST_CASE("People count before a visit", "[extract]") {
  static const Extractor kVisits = std::move(
      Extractor::Create(
          {{"visits", "visits", "拜访", QuantityKind::kCount, {"家", "位", "名", "个"}, 8}})
          .value());
  for (const char* text :
       {"两位同事拜访华为", "3名员工拜访了客户", "两个销售拜访小米", "两位经理一起拜访华为"}) {
    INFO("text: " << text);
    CHECK(Describe(kVisits.Extract(text)).empty());
  }
  CHECK(Describe(kVisits.Extract("拜访两位客户")) == "visits=2; ");
  CHECK(Describe(kVisits.Extract("两位客户已拜访")) == "visits=2; ");
}

TEST_CASE("Long clause of many pairs", "[extract]") {
  // Every pair binds on its own. Without a clause break each number is checked against every
  // trigger, so the date check between the two must not walk the text. When it did, 4,000
  // pairs took about 40 seconds.
  std::string text;
  for (int i = 0; i < 4000; ++i) {
    text += i % 2 == 0 ? "拜访3家 " : "拜访20261103 3家 ";
  }
  std::vector<Extraction> found = Deals().Extract(text);
  REQUIRE(found.size() == 4000);
  CHECK(found.front().quantity.Value() == Decimal::FromInt(3));
  CHECK(found.back().quantity.Value() == Decimal::FromInt(3));
}

}  // namespace
}  // namespace logbridge::scoring
