// Tests for numbered lists under a heading that ends with a colon (签约： over 1、华为5万 and
// 2、小米3万): which numbers in the items the heading's trigger counts, and which it must not
// count.
#include <initializer_list>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "scoring/extract.h"
#include "tests/scoring/reading_test_support.h"

namespace logbridge::scoring {
namespace {

using reading_check::CheckReadings;
using reading_check::Describe;
using reading_check::SalesRules;

TEST_CASE("Heading counts every item", "[extract]") {
  CheckReadings({{"今日签约：|1、华为5万|2、小米3万", "deals=50000; deals=30000; "},
                 {"签约：1、华为5万 2、小米3万", "deals=50000; deals=30000; "},
                 {"签约：1. 华为5万 2. 小米3万", "deals=50000; deals=30000; "},
                 {"签约：|1.华为5万|2.小米3万", "deals=50000; deals=30000; "},
                 {"签约：|1）华为5万|2）小米3万", "deals=50000; deals=30000; "},
                 {"签约：|(1)华为5万|(2)小米3万", "deals=50000; deals=30000; "},
                 {"签约：|①华为5万|②小米3万", "deals=50000; deals=30000; "},
                 {"签约：①华为5万②万科3万", "deals=50000; deals=30000; "},
                 {"回款情况：|1、华为2万元|2、小米3万元", "deals=20000; deals=30000; "},
                 {"拜访客户：|1、华为 2位|2、小米 3位", "visits=2; visits=3; "},
                 {"签约：\r\n1、华为5万\r\n2、小米3万", "deals=50000; deals=30000; "}});
}

TEST_CASE("Heading with own total", "[extract]") {
  // A heading that states its own total counts only the total, not the items again.
  CheckReadings({{"今日回款5万：|1、华为2万|2、小米3万", "deals=50000; "},
                 {"回款合计5万元：|1、华为2万元|2、小米3万元", "deals=50000; "},
                 {"今日拜访3家：1、华为 2位 2、小米 3位 3、中兴 1位", "visits=3; "},
                 {"拜访客户3家：|1、华为 2位|2、小米 3位", "visits=3; "}});
}

TEST_CASE("Total items count nothing", "[extract]") {
  CheckReadings({{"签约：1. 华为5万 2. 小米3万 3. 签约总额8万", "deals=50000; deals=30000; "},
                 {"签约：|1、华为5万|2、小米3万|3、合计8万", "deals=50000; deals=30000; "},
                 {"回款情况：|1、华为：2万元|2、小米：3万元|3、本月累计：25万元",
                  "deals=20000; deals=30000; "},
                 {"回款：|1、华为2万元|2、小米3万元|3、小计5万元", "deals=20000; deals=30000; "}});
}

TEST_CASE("Stop words block the heading", "[extract]") {
  // Debts, refunds and quotes are no money taken, as across a comma (签约5万，欠款3万元).
  CheckReadings({{"回款：|1、华为2万元|2、小米欠款3万元", "deals=20000; "},
                 {"回款：|1、华为2万元|2、小米还欠3万元", "deals=20000; "},
                 {"回款：|1、华为2万元|2、小米退款3万元", "deals=20000; "},
                 {"回款情况：1、华为2万元 2、小米3万元 3、中兴欠款1万元",
                  "deals=20000; deals=30000; "},
                 {"签约：|1、华为5万|2、小米报价3万，还在谈", "deals=50000; "}});
}

TEST_CASE("Collected debts and accepted quotes", "[extract]") {
  CheckReadings({{"今日回款：|1、华为收回欠款2万元|2、小米3万元", "deals=20000; deals=30000; "},
                 {"今日回款：|1、华为欠款回收2万元|2、小米3万元", "deals=20000; deals=30000; "},
                 {"今日签约：|1、华为按报价5万元签了|2、小米3万", "deals=50000; deals=30000; "},
                 {"今日签约：|1、华为，报价5万元已接受|2、小米3万", "deals=50000; deals=30000; "},
                 // A refund is another party's money, whatever else the item contains.
                 {"今日回款：|1、华为退款5000元已到账|2、小米3万元", "deals=30000; "}});
}

TEST_CASE("Bare numbers in items", "[extract]") {
  // Without a unit of the rule's kind a number in an item may be a date, a room or an
  // extension, so the heading does not count it.
  CheckReadings({{"拜访：|1、华为 11.5|2、小米 11.6", ""},
                 {"回款：|1、华为 11.3到账2万元|2、小米 11.5到账3万元", "deals=20000; deals=30000; "},
                 {"拜访客户：|1、华为 A座1203|2、小米 B座806", ""},
                 {"回款负责人：|1、张三 分机8021|2、李四 分机8022", ""}});
}

TEST_CASE("One value per item", "[extract]") {
  // The heading's rule takes the item's first number of its kind, not the others after it.
  CheckReadings({{"回款：|1、华为 3笔共2万元|2、小米3万元", "deals=20000; deals=30000; "},
                 {"签约：|1、华为 2台服务器 共5万|2、小米3万", "deals=50000; deals=30000; "},
                 {"签约：|1、华为 3家门店 5万|2、小米3万", "deals=50000; deals=30000; "},
                 {"回款：|1、华为首付2万 尾款1万|2、小米3万", "deals=20000; deals=30000; "},
                 {"今日回款：|1、华为2万元，合同额10万元|2、小米3万元，合同额20万元",
                  "deals=20000; deals=30000; "},
                 {"今日回款：|1、华为2万元，剩余8万元|2、小米3万元", "deals=20000; deals=30000; "},
                 {"今日回款：|1、华为5万（优惠2000元）|2、小米3万", "deals=50000; deals=30000; "},
                 // A trigger of another rule in the item leaves the amount to the heading.
                 {"回款：|1、上门收款华为2万元|2、小米3万元", "deals=20000; deals=30000; "}});
}

TEST_CASE("Total word later in item", "[extract]") {
  // A total word after the item's value names other money and leaves the value counted.
  CheckReadings(
      {{"今日回款：1、华为2万元（合同总额10万元） 2、小米3万元", "deals=20000; deals=30000; "},
       {"今日回款：|1、华为2万元，本月累计10万元|2、小米3万元，本月累计12万元",
        "deals=20000; deals=30000; "},
       {"今日签约：1、华为5万 2、小米3万，合计8万", "deals=50000; deals=30000; "},
       // The item's own trigger keeps its value, but not a total after it.
       {"回款：|1、华为回款2万元，累计回款10万元|2、小米回款3万元", "deals=20000; deals=30000; "}});
}

TEST_CASE("More total words", "[extract]") {
  CheckReadings(
      {{"本周回款：|1、华为2万元|2、小米3万元|3、总共5万元", "deals=20000; deals=30000; "},
       {"本周回款：|1、华为2万元|2、小米3万元|3、一共5万元", "deals=20000; deals=30000; "},
       {"本周回款：|1、华为2万元|2、小米3万元|3、共5万元", "deals=20000; deals=30000; "},
       {"本周回款：|1、华为2万元|2、小米3万元|3、汇总：5万元", "deals=20000; deals=30000; "},
       {"本周回款：|1、华为2万元|2、小米3万元|3、总金额5万元", "deals=20000; deals=30000; "},
       // 共 starts a total only right before a number, not in words such as 共享 or 共建.
       {"今日签约：|1、华为2万元|2、共享单车项目3万元", "deals=20000; deals=30000; "},
       {"今日签约：|1、华为2万元|2、共建实验室3万元", "deals=20000; deals=30000; "}});
}

TEST_CASE("Total line after list", "[extract]") {
  // A total with its own trigger after counted items repeats them.
  CheckReadings(
      {{"今日签约：|1、华为5万|2、小米3万|今日签约合计：8万", "deals=50000; deals=30000; "},
       {"今日签约：1、华为5万 2、小米3万 总共签约8万", "deals=50000; deals=30000; "},
       // Without counted items such a line is the only figure, so it counts.
       {"今日签约合计：8万", "deals=80000; "},
       // A total under another trigger word is other money of the same rule.
       {"今日签约：|1、华为5万|2、小米3万|回款合计2万", "deals=50000; deals=30000; deals=20000; "}});
}

TEST_CASE("Later clause calls item off", "[extract]") {
  CheckReadings({{"今日签约：|1、华为2万元|2、小米3万元，最后没签成", "deals=20000; deals=30000 negated; "},
                 {"今日回款：|1、华为2万元，未到账|2、小米3万元", "deals=20000 negated; deals=30000; "},
                 // Other later clauses leave the value counted.
                 {"今日签约：|1、华为2万元，无异议|2、小米3万元，已开票", "deals=20000; deals=30000; "}});
}

TEST_CASE("Plan title without colon", "[extract]") {
  CheckReadings(
      {{"今日签约：|1、华为5万|2、小米3万|明天计划|1、签约中兴10万|2、回款华为2万",
        "deals=50000; deals=30000; deals=100000 planned; deals=20000 planned; "},
       {"【下周计划】|1、签约中兴10万元|2、回款2万元",
        "deals=100000 planned; deals=20000 planned; "},
       {"今日签约：|1、华为5万|明日计划|1、签约中兴10万", "deals=50000; deals=100000 planned; "},
       // A longer line is a statement, not a title.
       {"明天计划去一趟华为总部拜访并签订合同|1、签约中兴10万|2、回款华为2万",
        "deals=100000; deals=20000; "}});
}

TEST_CASE("Topic headings count nothing", "[extract]") {
  // A target, a duty, a prospect, a follow-up or a problem names no work done.
  for (const char* heading :
       {"本月签约任务：", "本月回款指标：", "客户签约预算：", "潜在成交客户：", "本月应回款：",
        "客户回款排名：", "订单跟进：", "签约进展：", "逾期回款：", "需回款：", "近期可签约：",
        "订单问题：", "签约条件：", "回款方式：", "签约遇到的问题：", "意向签约：", "目标回款："}) {
    std::string text = std::string(heading) + "\n1、华为50万\n2、小米30万";
    INFO("text: " << text);
    CHECK(Describe(SalesRules().Extract(text)).empty());
  }
}

TEST_CASE("Plain headings still count", "[extract]") {
  CheckReadings({{"今日签约：|1、华为5万|2、小米3万", "deals=50000; deals=30000; "},
                 {"本周回款情况：|1、华为2万元|2、小米3万元", "deals=20000; deals=30000; "},
                 {"回款明细如下：|1、华为2万元|2、小米3万元", "deals=20000; deals=30000; "},
                 {"签约客户：|1、华为5万|2、小米3万", "deals=50000; deals=30000; "},
                 {"今天回款金额：|1、华为2万元|2、小米3万元", "deals=20000; deals=30000; "},
                 // A section number, a label before another colon and a second trigger.
                 {"一、签约情况：|1、华为5万|2、小米3万", "deals=50000; deals=30000; "},
                 {"今日工作：签约：|1、华为5万|2、小米3万", "deals=50000; deals=30000; "},
                 {"今日拜访及签约：|1、华为2万元|2、小米3万元", "deals=20000; deals=30000; "}});
}

TEST_CASE("Counts inside visit items", "[extract]") {
  // A count rule takes only a count that follows the item's name and ends the item.
  CheckReadings({{"拜访情况：|1、华为，见了2位领导|2、小米，对方3个人参加会议", ""},
                 {"今日拜访：|1、华为张总、李总2位|2、小米王经理1位", "visits=1; "},
                 {"今日拜访：|1、华为2位领导|2、小米 3位", "visits=3; "},
                 {"拜访客户：|1、华为 2位|2、小米 3位", "visits=2; visits=3; "}});
}

TEST_CASE("Item with its own trigger", "[extract]") {
  CheckReadings({{"回款情况：1.华为回款2万元 2.小米回款3万元", "deals=20000; deals=30000; "},
                 {"回款：|1、华为2万元|2、拜访小米2家", "deals=20000; visits=2; "},
                 {"拜访客户：|1、拜访华为2家|2、小米，共3家", "visits=2; "}});
}

TEST_CASE("List total after last item", "[extract]") {
  CheckReadings({{"拜访客户：1. 华为 2. 小米 3. 中兴，共3家", "visits=3; "},
                 {"拜访客户：|1、华为|2、小米，合计2家", "visits=2; "},
                 {"明日计划拜访：1. 华为 2. 小米，共2家", "visits=2 planned; "},
                 // The items counted already, so the total repeats them.
                 {"拜访客户：|1、华为 2位|2、小米 3位，共5位", "visits=2; visits=3; "},
                 // A clause with other words before the number is no total.
                 {"拜访客户：1. 华为 2. 小米，对方3个人", ""},
                 {"拜访客户：1. 华为 2. 小米，共见了3位领导", ""},
                 // An amount total counts once: alone, or not at all after counted items.
                 {"今日签约：|1、华为|2、小米，共8万", "deals=80000; "},
                 {"今日签约：1、华为5万 2、小米，共8万", "deals=50000; "},
                 // With a number before it, the sum belongs to its own item.
                 {"今日签约：|1、华为5万|2、小米3台，共6万", "deals=50000; deals=60000; "}});
}

TEST_CASE("Later part of an item", "[extract]") {
  CheckReadings(
      {// A deal that is paid later is still signed, but money due later is not received.
       {"今日签约：|1、华为5万|2、小米3万元，下周到账", "deals=50000; deals=30000; "},
       {"订单：|1、华为5万|2、小米3万元，下周付款", "deals=50000; deals=30000; "},
       {"今日回款：|1、华为5万|2、小米3万元，下周到账", "deals=50000; deals=30000 planned; "},
       {"今日签约：|1、华为5万|2、小米3万元，预计下周签", "deals=50000; deals=30000 planned; "},
       // Another activity after the value leaves it done.
       {"签约：1、华为5万 2、小米3万 明天回访", "deals=50000; deals=30000; "},
       {"回款情况：|1、华为2万元|2、小米3万元，下周回访", "deals=20000; deals=30000; "},
       {"签约：1、华为5万 2、小米3万 明天签", "deals=50000; deals=30000 planned; "},
       {"签约：|1、华为5万|2、小米3万明天签", "deals=50000; deals=30000 planned; "},
       // Cues before the value still apply.
       {"签约：|1、华为5万|2、小米明天3万", "deals=50000; deals=30000 planned; "}});
}

TEST_CASE("Status after an item's value", "[extract]") {
  CheckReadings(
      {// A status after a space in the value's clause applies to the item.
       {"今日签约：|1、华为5万|2、中兴 10万 未完成", "deals=50000; deals=100000 negated; "},
       {"今日签约：|1、华为5万|2、中兴 10万 没谈拢", "deals=50000; deals=100000 negated; "},
       {"今日签约：|1、华为5万|2、中兴 约10万 待定", "deals=50000; deals=100000 planned; "},
       {"今日签约：|- 华为 5万 - 已盖章|- 小米 3万 - 待盖章", "deals=50000; deals=30000 planned; "},
       // Other work named there leaves the item done.
       {"今日签约：|1、华为5万|2、小米3万 下周继续跟进", "deals=50000; deals=30000; "},
       {"今日签约：|1、华为5万|2、小米3万 明天电话回访", "deals=50000; deals=30000; "},
       // A later clause without the heading's work leaves the item done.
       {"今日签约：|1、华为5万|2、小米3万，无异议", "deals=50000; deals=30000; "}});
}

TEST_CASE("Unit price in an item", "[extract]") {
  CheckReadings(
      {{"今日签约：|1、华为单价2.5万，共5万", "deals=50000; "},
       {"今日签约：|1、华为3台，单价2万，合计6万|2、小米3万", "deals=60000; deals=30000; "},
       {"今日签约：|1、华为每台2万，总价6万", "deals=60000; "},
       {"今日签约：|1、华为单价为2万，共计6万元", "deals=60000; "},
       // A unit price with a count of units but no sum counts nothing.
       {"今日签约：|1、华为3台，单价2万|2、小米3万", "deals=30000; "},
       // Alone, a unit price is the item's value.
       {"今日签约：|1、华为单价2万", "deals=20000; "},
       // A price that no unit word precedes stays the item's value.
       {"今日签约：|1、华为2万，共3台", "deals=20000; "}});
}

TEST_CASE("Collected debt under payment heading", "[extract]") {
  CheckReadings({{"今日签约：|1、华为2万元，收回欠款1万元", "deals=20000; "},
                 {"今日回款：|1、华为2万元，收回欠款1万元", "deals=10000; "},
                 {"今日回款：|1、华为2万元，欠款1万元", "deals=20000; "},
                 {"今日回款：|1、华为2万元已到账，另收到定金1万", "deals=20000; "}});
}

TEST_CASE("Item count before a later clause", "[extract]") {
  CheckReadings({{"今日拜访：|1、华为1家，见了2位领导|2、小米1家", "visits=1; visits=1; "},
                 {"今日拜访：|1、华为1家 见了2位领导|2、小米1家", "visits=1; "},
                 {"拜访情况：|1、华为，见了2位领导", ""}});
}

TEST_CASE("Cues of heading and item", "[extract]") {
  CheckReadings({{"明日计划：|1、华为5万|2、小米3万", ""},
                 {"明日计划签约：|1、华为5万|2、小米3万",
                  "deals=50000 planned; deals=30000 planned; "},
                 {"未回款客户：|1、华为2万元|2、小米3万元",
                  "deals=20000 negated; deals=30000 negated; "},
                 {"待回款：|1、华为2万元|2、小米3万元",
                  "deals=20000 planned; deals=30000 planned; "},
                 {"回款：|1、华为2万元|2、小米预计下周3万元", "deals=20000; deals=30000 planned; "},
                 {"回款：|1、华为2万元|2、小米3万元未到账", "deals=20000; deals=30000 negated; "},
                 // A cue in one item leaves the other items of the line done.
                 {"回款：1、华为2万元 2、小米预计下周3万元", "deals=20000; deals=30000 planned; "},
                 // A heading with a cue and no trigger still makes its items planned.
                 {"明日计划：|1、拜访中兴2家|2、拜访华为1家", "visits=2 planned; visits=1 planned; "},
                 {"今日拜访：|1、华为2家|2、小米1家|明日计划：|1、拜访中兴2家|2、签约华为5万",
                  "visits=2; visits=1; visits=2 planned; deals=50000 planned; "}});
}

TEST_CASE("List ends at other text", "[extract]") {
  CheckReadings({{"签约：|1、华为5万|2、小米3万|说明：|3、中兴1万", "deals=50000; deals=30000; "},
                 {"签约：|1、华为5万||2、小米3万", "deals=50000; "},
                 {"签约：|1、华为5万|2、小米3万|另外欠款2万", "deals=50000; deals=30000; "}});
}

TEST_CASE("Items that start with digits", "[extract]") {
  CheckReadings({{"回款：|1、华为2万元|2、3万元", "deals=20000; deals=30000; "},
                 {"回款：|1、2026-11-03 华为2万元|2、小米3万元", "deals=20000; deals=30000; "}});
}

TEST_CASE("Item numbers before a month", "[extract]") {
  // The item number is not the lower end of a range of months (2、11月).
  CheckReadings({{"回款：|1、华为2万元|2、11月30日小米3万元", "deals=20000; deals=30000; "},
                 {"回款：1、华为2万元 2、11月30日小米3万元", "deals=20000; deals=30000; "},
                 {"回款：|1、华为2万元|2、11月底小米3万元", "deals=20000; deals=30000; "},
                 {"回款：|1、11月3日华为2万元|2、小米3万元", "deals=20000; deals=30000; "},
                 // Outside a list, 3、4月 still names the months 3 to 4, so nothing counts.
                 {"拜访客户2、11月", ""},
                 {"拜访客户 3、4月份的合同", ""},
                 {"拜访客户：3、4月", ""},
                 {"今日拜访：|2、11月30日拜访华为3家", "visits=3; "}});
}

TEST_CASE("Heading over a single item", "[extract]") {
  CheckReadings({{"明日计划：|1、拜访中兴2家", "visits=2 planned; "},
                 {"今日签约：|1、华为5万", "deals=50000; "},
                 {"1、拜访客户3家", "visits=3; "},
                 // On the colon's own line, 1、 is still the label's value.
                 {"拜访客户：1、华为", "visits=1; "}});
}

TEST_CASE("Sub-list inside an item", "[extract]") {
  // An item's amount is the sum of its sub-items, so they count only when it has none.
  CheckReadings({{"回款：|1、华为2万元|（1）首付1万元|（2）尾款1万元|2、小米3万元",
                  "deals=20000; deals=30000; "},
                 {"回款：|1、华为|（1）首付1万元|（2）尾款1万元|2、小米3万元",
                  "deals=10000; deals=10000; deals=30000; "},
                 {"回款：|1、华为2万元|①首付1万元|②尾款1万元|2、小米|（1）首付2万元",
                  "deals=20000; deals=20000; "},
                 {"签约：1、华为 (1)首付3万 (2)尾款2万 2、小米3万",
                  "deals=30000; deals=20000; deals=30000; "},
                 {"签约：1、华为5万 (1)首付3万 (2)尾款2万 2、小米3万", "deals=50000; deals=30000; "},
                 {"明日计划签约：|1、华为|（1）首付3万|（2）尾款2万",
                  "deals=30000 planned; deals=20000 planned; "}});
}

TEST_CASE("Sub-list in the same style", "[extract]") {
  // A second 1、 under an item starts a new list, which has no heading.
  CheckReadings({{"回款：|1、华为2万元|1、首付1万元|2、尾款1万元", "deals=20000; "}});
}

TEST_CASE("Long list counts past 99", "[extract]") {
  std::string text = "回款：";
  for (int i = 1; i <= 120; ++i) {
    text += "\n" + std::to_string(i) + "、客户1万元";
  }
  std::vector<Extraction> found = SalesRules().Extract(text);
  CHECK(found.size() == 120);
  Decimal sum;
  for (const Extraction& e : found) {
    sum = sum + e.quantity.Value();
  }
  CHECK(sum == Decimal::FromInt(1200000));
}

TEST_CASE("Heading item spans", "[extract]") {
  // The quote of an item's value starts at its item number, so it shows no earlier item.
  std::string text = "签约：\n1、华为5万\n2、小米3万";
  std::vector<Extraction> found = SalesRules().Extract(text);
  REQUIRE(found.size() == 2);
  CHECK(text.substr(found[0].span_begin_byte,
                    found[0].span_end_byte - found[0].span_begin_byte) == "1、华为5万");
  CHECK(text.substr(found[1].span_begin_byte,
                    found[1].span_end_byte - found[1].span_begin_byte) == "2、小米3万");
  CHECK(found[1].span == Span{11, 17});
}

}  // namespace
}  // namespace logbridge::scoring
