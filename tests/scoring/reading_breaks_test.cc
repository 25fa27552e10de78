// Tests that try to break the readings of deals the writer did not close that day: follow-ups,
// deals made earlier, colleagues' deals, deals called off, lost-deal words in list items,
// bracketed topic labels and lists after a count of deals. Each case asserts the reading a sales
// manager would expect. Cases tagged [!mayfail] read wrongly now, and the untagged ones are near
// misses that read right and must stay so.
#include <catch2/catch.hpp>

#include "tests/scoring/reading_test_support.h"

namespace logbridge::scoring {
namespace {

using reading_check::CheckReadings;

// 跟进 up to 8 characters before the trigger makes the deal planned, but a word of success
// or a relative clause between them means the follow-up ended in a signed deal.
TEST_CASE("Follow-up that closed the deal", "[extract][!mayfail]") {
  CheckReadings({{"跟进华为成功签约5万元", "deals=50000; "},
                 {"今日跟进华为订单成功签约5万元", "deals=50000; "},
                 {"今天跟进华为订单最终签约5万元", "deals=50000; "},
                 {"经过三个月跟进华为终于签约5万元", "deals=50000; "},
                 {"持续跟进华为终于签约5万元", "deals=50000; "},
                 {"跟进多次华为签约5万元", "deals=50000; "},
                 {"跟进的客户今天签约5万元", "deals=50000; "}});
}

// 到账 is no trigger of the sales rules, so the amount takes 回款 after 跟进 and reads as a
// follow-up, although the money has come in.
TEST_CASE("Follow-up of a payment received", "[extract]") {
  CheckReadings({{"跟进华为回款，已到账5万元", "deals=50000; "},
                 {"跟进华为回款5万元已到账", "deals=50000; "},
                 {"跟进小米回款到账3万元", "deals=30000; "}});
}

TEST_CASE("Follow-up deal near misses", "[extract]") {
  CheckReadings(
      {{"跟进华为订单，成功签约5万元", "deals=50000; "},
       {"跟进华为，成功签约5万元", "deals=50000; "},
       {"今天跟进华为订单，最终签约5万元", "deals=50000; "},
       {"跟进三个月的华为项目今天签约5万元", "deals=50000; "},
       {"跟进完华为签约5万元", "deals=50000; "},
       {"跟进华为之后签约5万元", "deals=50000; "},
       {"跟进华为，下午签约5万元", "deals=50000; "},
       {"电话跟进华为订单已签约5万元", "deals=50000; "},
       {"跟进华为订单 已签约5万元", "deals=50000; "},
       {"跟进华为订单已签约，金额5万元", "deals=50000; "},
       {"跟进未签约客户中兴，签约华为5万元", "deals=50000; "},
       {"跟进华为签约，合同额5万", "deals=50000 planned; "},
       {"明日计划：|跟进华为订单5万|签约小米3万", "deals=50000 planned; deals=30000 planned; "},
       {"今日工作：|1、跟进华为订单，已签约5万元", "deals=50000; "},
       {"今日签约：|1、华为5万（跟进三个月）", "deals=50000; "},
       {"签约华为5万元，后续跟进回款", "deals=50000; "},
       {"今日回款：华为跟进3万、小米2万", "deals=30000; deals=20000; "}});
}

// A trigger with 的 after an earlier-time word marks every number in its clause, so new work
// of today in the same clause (a payment, a repeat order) reads as an earlier value.
TEST_CASE("Today's work on an earlier deal", "[extract]") {
  CheckReadings({{"上周签约的华为今天回款5万元", "deals=50000; "},
                 {"上周签约的中兴订单本周回款2万", "deals=20000; "},
                 {"以前签约的客户今天回款3万元", "deals=30000; "},
                 {"之前签约的客户今天追加订单3万元", "deals=30000; "},
                 {"此前签约的华为今天又下订单5万元", "deals=50000; "},
                 {"去年签约的老客户华为今天续签订单5万元", "deals=50000; "},
                 {"本周总结：|1. 华为签约5万元|2. 上周签约的小米订单本周回款3万元",
                  "deals=50000; deals=30000; "}});
}

// An amount after 金额 or 共 in the next clause takes 订单 there, which has no cue of its own,
// so an earlier deal whose amount follows a comma counts as the day's sales.
TEST_CASE("Earlier deal amount after comma", "[extract][!mayfail]") {
  CheckReadings({{"上周签约的小米订单，金额3万元", "deals=30000 earlier_value; "},
                 {"昨天签约的小米订单，金额3万元", "deals=30000 earlier_value; "},
                 {"上周签约的小米订单，共3万元", "deals=30000 earlier_value; "}});
}

// The earlier-time word must be one of a fixed list right before the trigger, so a weekday,
// a vague count of days or 就 in between leaves an earlier deal counted.
TEST_CASE("Earlier day in other words", "[extract][!mayfail]") {
  CheckReadings({{"上周五签约的小米订单3万元", "deals=30000 earlier_value; "},
                 {"前两天签约的小米订单3万元", "deals=30000 earlier_value; "},
                 {"前几天签约的小米订单3万元", "deals=30000 earlier_value; "},
                 {"上周就签约的小米订单3万元", "deals=30000 earlier_value; "}});
}

// After a time of day or a deadline, 之前 means earlier today, not before the report.
TEST_CASE("Deal before a deadline today", "[extract]") {
  CheckReadings({{"下班之前签约的小米订单3万元", "deals=30000; "},
                 {"中午之前签约的华为订单5万元", "deals=50000; "},
                 {"赶在月底之前签约的华为订单5万元", "deals=50000; "}});
}

TEST_CASE("Earlier deal cue near misses", "[extract]") {
  CheckReadings(
      {{"刚签约的小米订单3万元", "deals=30000; "},
       {"上月签约的华为订单，今日回款5万元", "deals=50000; "},
       {"上个月签约的华为，今日回款5万元", "deals=50000; "},
       {"上周签约的小米订单，合同额3万元", "deals=30000 earlier_value; "},
       {"上周签约的小米，金额3万元", "deals=30000 earlier_value; "},
       {"上周已签约的小米3万元订单", "deals=30000 earlier_value; "},
       {"上周已经签约的小米订单3万元", "deals=30000 earlier_value; "},
       {"上次签约的小米订单3万元", "deals=30000 earlier_value; "},
       {"上周签约的华为3万元订单|今日签约小米3万", "deals=30000 earlier_value; deals=30000; "}});
}

// Customer contacts carry the same titles as colleagues (经理, 总监), so help for a customer's
// manager reads as a colleague's deal.
TEST_CASE("Help for a customer's manager", "[extract]") {
  CheckReadings({{"协助华为采购经理完成签约5万元", "deals=50000; "},
                 {"协助华为张经理完成签约5万元", "deals=50000; "},
                 {"帮华为王总监申请特价签约5万元", "deals=50000; "},
                 {"协助客户方经理完成签约3万元", "deals=30000; "},
                 {"配合客户领导签约5万元", "deals=50000; "},
                 {"配合华为销售部完成签约5万元", "deals=50000; "},
                 {"帮华为领导演示方案后签约5万元", "deals=50000; "},
                 {"替华为经理申请折扣后签约5万元", "deals=50000; "}});
}

// A joint visit is a visit the writer made. The help cue is documented for deals only.
TEST_CASE("Visit made with a colleague", "[extract]") {
  CheckReadings({{"配合销售同事拜访客户3家", "visits=3; "},
                 {"协助同事拜访客户3家", "visits=3; "},
                 {"帮同事拜访客户2家", "visits=2; "}});
}

TEST_CASE("Help word near misses", "[extract]") {
  CheckReadings({{"同事协助我签约小米3万元", "deals=30000; "},
                 {"经理帮我签约小米3万元", "deals=30000; "},
                 {"在经理的帮助下签约小米3万元", "deals=30000; "},
                 {"帮客户签约3万元", "deals=30000; "},
                 {"经理帮忙签约小米3万元", "deals=30000; "},
                 {"帮华为领导演示方案，签约5万元", "deals=50000; "},
                 {"帮客户经理申请特价，签约5万元", "deals=50000; "},
                 {"替客户申请特价，签约3万元", "deals=30000; "},
                 {"替换友商设备签约华为5万元", "deals=50000; "},
                 {"上门协助客户安装，签约3万", "deals=30000; "},
                 {"协助同事处理华为订单，签约小米3万元", "deals=30000; "},
                 {"今天签约华为5万元，帮助同事处理订单", "deals=50000; "},
                 {"帮同事小王签约小米3万元", "deals=30000 other; "},
                 {"替同事签约小米3万元", "deals=30000 other; "}});
}

// A lost-deal word negates an item's deal only when it ends a clause after the deal, with no
// word of an averted loss before it and no other customer named first.
TEST_CASE("Item with a lost deal avoided", "[extract]") {
  CheckReadings(
      {{"1、华为签约5万，差点丢单", "deals=50000; "},
       {"1、华为签约5万，避免了丢单", "deals=50000; "},
       {"① 华为签约五万，未丢单", "deals=50000; "},
       {"1、挽回丢单客户小米，签约3万", "deals=30000; "},
       {"1、差点黄了的华为项目今天签约5万", "deals=50000; "},
       {"1、华为签约5万元，小米丢单", "deals=50000; "},
       {"1、华为签约5万，退单风险已排除", "deals=50000; "},
       {"- 华为签约5万，防止丢单", "deals=50000; "},
       {"1、华为签约5万，客户曾两次反悔", "deals=50000; "},
       {"1、华为签约5万，上次投标失败后重新争取", "deals=50000; "},
       {"1、华为签约5万，打印机故障导致第一次盖章失败", "deals=50000; "},
       {"今日签约： |1、华为5万|2、小米3万，之前差点丢单", "deals=50000; deals=30000; "}});
}

TEST_CASE("Lost deal word near misses", "[extract]") {
  CheckReadings({{"1、黄总签约5万元", "deals=50000; "},
                 {"黄经理签约小米3万元", "deals=30000; "},
                 {"签约黄氏集团3万元", "deals=30000; "},
                 {"1、华为签约5万，黄总亲自盖章", "deals=50000; "},
                 {"1、华为签约5万，客户丢了发票", "deals=50000; "},
                 {"签约小米3万元，差点黄了", "deals=30000; "},
                 {"签约小米3万元，黄总很满意", "deals=30000; "},
                 {"签约小米3万元，客户没有反悔", "deals=30000; "},
                 {"签约小米3万元，客户担心退货", "deals=30000; "},
                 {"签约小米3万元，退单率下降", "deals=30000; "},
                 {"1、华为签约5万元|2、小米丢单", "deals=50000; "},
                 {"今日工作：|① 拜访客户3家|② 华为签约5万|③ 小米签约3万，客户反悔",
                  "visits=3; deals=50000; deals=30000 negated; "}});
}

// The call-off clause may start only with listed words, so the customer named again, a
// pronoun or another common phrasing leaves a lost deal counted.
TEST_CASE("Call-off in other words", "[extract][!mayfail]") {
  CheckReadings({{"签约小米3万元，小米要求退单", "deals=30000 negated; "},
                 {"签约小米3万元，小米反悔了", "deals=30000 negated; "},
                 {"签约小米3万元，他们反悔了", "deals=30000 negated; "},
                 {"签约小米3万元，单子黄了", "deals=30000 negated; "},
                 {"签约小米3万元，这单黄了", "deals=30000 negated; "},
                 {"签约小米3万元，客户那边取消订单", "deals=30000 negated; "},
                 {"签约小米3万元，晚上客户说要退单", "deals=30000 negated; "},
                 {"签约小米3万元，客户单方面解约", "deals=30000 negated; "},
                 {"签约小米3万元，客户取消了合作", "deals=30000 negated; "},
                 {"签约小米3万元，合同作废", "deals=30000 negated; "}});
}

// A call-off clause negates only the deal of the clause right before it, not every deal of the
// sentence.
TEST_CASE("Call-off of one deal", "[extract]") {
  CheckReadings({{"签约华为5万元，签约小米3万元，今天客户要求退单", "deals=50000; deals=30000 negated; "},
                 {"签约华为5万元，小米3万元，客户反悔了", "deals=50000; "},
                 {"签约华为5万元，签约小米3万元，签约中兴2万元，客户取消订单",
                  "deals=50000; deals=30000; deals=20000 negated; "},
                 {"签约小米3万元，今天下午，客户要求退单", "deals=30000 negated; "},
                 {"签约华为5万元，签约小米3万元。客户要求退单", "deals=50000; deals=30000; "}});
}

// A customer named in a call-off clause picks one item of an inline list.
TEST_CASE("Call-off of one listed deal", "[extract][!mayfail]") {
  CheckReadings({{"今日签约3单，华为5万、小米3万、中兴2万，其中中兴客户反悔",
                  "deals=50000; deals=30000; deals=20000 negated; "}});
}

// A deal the item reports as signed is done under a follow-up heading too.
TEST_CASE("Signed item under follow-ups", "[extract][!mayfail]") {
  CheckReadings({{"客户跟进情况：|1、华为已签约5万元|2、小米下周签约", "deals=50000; "},
                 {"跟进客户：|1、华为 已签约5万元", "deals=50000; "}});
}

TEST_CASE("Call-off near misses", "[extract]") {
  CheckReadings({{"签约小米3万元，客户取消订单", "deals=30000 negated; "},
                 {"签约小米3万元，客户取消了订单", "deals=30000 negated; "},
                 {"签约小米3万元，今天客户突然反悔了", "deals=30000 negated; "},
                 {"签约小米3万元，该客户又反悔了", "deals=30000 negated; "},
                 {"签约小米3万元，对方提出解约", "deals=30000 negated; "},
                 {"签约小米3万元，但客户随后要求退单", "deals=30000 negated; "},
                 {"签约小米3万元，可惜最后黄了", "deals=30000 negated; "},
                 {"签约小米3万元后客户反悔", "deals=30000 negated; "},
                 {"签约小米3万元，被客户退单", "deals=30000 negated; "},
                 {"签约小米3万元，华为要求退单", "deals=30000; "},
                 {"签约小米3万元，取消了明天的会议", "deals=30000; "},
                 {"今天取消了与小米的会议，签约华为5万元", "deals=50000; "},
                 {"签约华为5万元，小米的会议取消", "deals=50000; "},
                 {"签约华为5万元，丢了一个小米的单", "deals=50000; "},
                 {"签约华为5万元，客户要求退单中的2台换货", "deals=50000; "},
                 {"签约华为5万元，未签约中兴", "deals=50000; "},
                 {"签约小米3万元，客户要求开发票", "deals=30000; "}});
}

// A one-line text with a bracketed topic label, a digit amount and no punctuation is the
// label's topic, as the same line is after another line, with 。 or with Chinese numerals.
TEST_CASE("Bracketed label before digits", "[extract]") {
  CheckReadings({{"【风险】华为签约5万", "deals=50000 other; "},
                 {"【风险】华为签约5万元", "deals=50000 other; "},
                 {"【风险】华为签约50000元", "deals=50000 other; "},
                 {"【风险】 华为签约5万", "deals=50000 other; "},
                 {"[风险]华为签约5万", "deals=50000 other; "},
                 {"【风险提示】华为签约5万", "deals=50000 other; "},
                 {"【问题】小米回款3万", "deals=30000 other; "},
                 {"【竞品】华为签约5万", "deals=50000 other; "},
                 {"【风险】拜访客户3家", "visits=3 other; "}});
}

TEST_CASE("Bracketed label extra near misses", "[extract]") {
  CheckReadings({{"【风险】华为签约5万。", "deals=50000 other; "},
                 {"【风险提示】华为签约5万。", "deals=50000 other; "},
                 {"【风险】华为签约5万，待盖章", "deals=50000 other; "},
                 {"今天签约小米3万|【风险】华为签约5万", "deals=30000; deals=50000 other; "},
                 {"【风险】华为签约5万|今天签约小米3万", "deals=50000 other; deals=30000; "},
                 {"【风险】拜访客户3家|", "visits=3 other; "},
                 {"【问题】华为签约五万", "deals=50000 other; "},
                 {"【明日计划】拜访客户3家", "visits=3 planned; "},
                 {"【成交】华为签约5万", "deals=50000; "},
                 {"【重点】华为签约5万", "deals=50000; "},
                 {"【今日成交】华为签约5万元，小米签约3万元", "deals=50000; deals=30000; "},
                 {"【风险】中兴可能丢单|【今日成交】华为签约5万元", "deals=50000; "},
                 {"【风险】小米可能丢单|华为签约5万", "deals=50000; "},
                 {"[风险] 华为签约五万", "deals=50000 other; "},
                 {"【风险】:华为签约五万", "deals=50000 other; "},
                 {"【跟进】华为签约5万", "deals=50000 planned; "}});
}

// A count of deals before a comma names the amount after it: a total, a single deal with a
// bare scale, or a list after a count written with spaces.
TEST_CASE("Deal count heading misses", "[extract]") {
  CheckReadings({{"今日签约3单，共8万", "deals=80000; "},
                 {"今日签约1单，华为5万", "deals=50000; "},
                 {"今日签约一单，华为5万", "deals=50000; "},
                 {"今日签约2单，共8万", "deals=80000; "},
                 {"今日签约 3单，华为5万、小米3万", "deals=50000; deals=30000; "},
                 {"今日 签约 3单，华为 5万、小米 3万", "deals=50000; deals=30000; "}});
}

// A clause after an inline list about a customer that is not in the list passes its plan or
// negation cue to the last item.
TEST_CASE("Inline list then other customer", "[extract][!mayfail]") {
  CheckReadings({{"今日签约3单，华为5万、小米3万，中兴未签约", "deals=50000; deals=30000; "},
                 {"今日签约2单：华为5万、小米3万，中兴未签约", "deals=50000; deals=30000; "},
                 {"今日签约：华为5万、小米3万，中兴未签约", "deals=50000; deals=30000; "},
                 {"今日签约2单，华为5万、小米3万，中兴下周签", "deals=50000; deals=30000; "}});
}

// A sum word after the comma, with a bare scale, binds to no trigger before it.
TEST_CASE("Contract sum after a comma", "[extract]") {
  CheckReadings({{"签约华为，合同总额5万", "deals=50000; "}});
}

TEST_CASE("Total price after a comma", "[extract][!mayfail]") {
  CheckReadings({{"签约华为，总价5万", "deals=50000; "}});
}

TEST_CASE("Deal count list near misses", "[extract]") {
  CheckReadings(
      {{"今日签约2单，华为5万、小米3万", "deals=50000; deals=30000; "},
       {"今日签约三单，华为5万、小米3万", "deals=50000; deals=30000; "},
       {"今日签约3单,华为5万、小米3万", "deals=50000; deals=30000; "},
       {"今日签约3单，华为 5万、小米 3万", "deals=50000; deals=30000; "},
       {"今日签约3单，华为5W、小米3W", "deals=50000; deals=30000; "},
       {"今日签约3单，华为（5万）、小米（3万）", "deals=50000; deals=30000; "},
       {"今日签约3单，华为5万；小米3万", "deals=50000; deals=30000; "},
       {"今日签约3单，华为5万、小米3万、中兴5千", "deals=50000; deals=30000; deals=5000; "},
       {"今日签约3单，华为5万、小米3万，合计8万", "deals=50000; deals=30000; "},
       {"今日签约3单，金额8万", "deals=80000; "},
       {"今日签约1单，华为5万元", "deals=50000; "},
       {"今日签约1单：华为5万", "deals=50000; "},
       {"今日成交2单，华为5万、小米3万", "deals=50000; deals=30000; "},
       {"本周签约5单，其中华为5万、小米3万", "deals=50000; deals=30000; "},
       {"今日签约2单，华为5万，小米3万", "deals=50000; deals=30000; "},
       {"今日签约2单，回款5万、欠款3万", "deals=50000; "},
       {"今日签约2单，华为5万、小米3万，明天再签中兴2万",
        "deals=50000; deals=30000; deals=20000 planned; "},
       {"今日签约2单，合计8万元", "deals=80000; "},
       {"今日签约2单，欠款5万", ""},
       {"今日签约2单，华为5万的单子还没签", "deals=50000 negated; "},
       {"今日签约2单，5万", ""},
       {"今日签约3单，总计8万元", "deals=80000; "},
       {"签约华为，合同额五万", "deals=50000; "},
       {"签约华为，合同额：5万", "deals=50000; "},
       {"签约华为 合同额5万", "deals=50000; "},
       {"签约华为，合同总额5万元", "deals=50000; "},
       {"签约华为，总价5万元", "deals=50000; "},
       {"签约华为，总额5万", "deals=50000; "},
       {"签约华为，合同额5万，首付1万", "deals=50000; "},
       {"签约华为，合同额5万元，本月累计15万元", "deals=50000; "},
       {"拜访华为，合同额5万", ""},
       {"华为合同额5万，未签约", ""}});
}

}  // namespace
}  // namespace logbridge::scoring
