// Tests for sections of a log: plan headings and labels that cover whole lines, headings of
// other topics, and list items of lost or stalled deals, with near cases that still count.
#include <initializer_list>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "scoring/extract.h"
#include "tests/scoring/reading_test_support.h"

namespace logbridge::scoring {
namespace {

using reading_check::CheckReadings;

TEST_CASE("Plan heading covers plain lines", "[extract]") {
  CheckReadings({{"下周计划：|签约20万|拜访15家", "deals=200000 planned; visits=15 planned; "},
                 {"二、下周计划|签约20万|拜访15家", "deals=200000 planned; visits=15 planned; "},
                 {"二、下周计划|签约20万，拜访15家", "deals=200000 planned; visits=15 planned; "},
                 {"下周计划：|签约20万；拜访15家", "deals=200000 planned; visits=15 planned; "},
                 {"明日计划|- 签约20万|拜访15家", "deals=200000 planned; visits=15 planned; "},
                 {"明日计划：|拜访中兴2家|签约联想5万", "visits=2 planned; deals=50000 planned; "},
                 {"【下周计划】|签约20万", "deals=200000 planned; "},
                 {"下周工作安排及重点客户跟进计划|1、签约中兴10万|2、拜访华为2家",
                  "deals=100000 planned; visits=2 planned; "}});
}

TEST_CASE("Plan section ends at done heading", "[extract]") {
  CheckReadings(
      {{"周报|一、本周业绩|签约15万，回款8万，拜访12家|二、下周计划|签约20万，拜访15家",
        "deals=150000; deals=80000; visits=12; deals=200000 planned; visits=15 planned; "},
       {"明日计划：|签约20万||拜访3家", "deals=200000 planned; visits=3; "},
       {"明日计划：|签约20万|今日工作：|拜访3家", "deals=200000 planned; visits=3; "},
       {"下周计划：|签约20万|【本周总结】|拜访3家", "deals=200000 planned; visits=3; "},
       {"明日计划：|签约20万|今天签约5万", "deals=200000 planned; deals=50000; "},
       {"本月任务：|本月签约30万", "deals=300000 planned; "},
       {"存在问题：|今天华为签约5万卡在法务", "deals=50000 other; "},
       {"明日计划\r\n签约20万\r\n拜访3家", "deals=200000 planned; visits=3 planned; "}});
}

TEST_CASE("Done titles keep counting", "[extract]") {
  CheckReadings(
      {{"本周工作总结及下周工作计划|1、签约华为5万|2、拜访小米2家", "deals=50000; visits=2; "},
       {"今日工作：|拜访华为2家|签约5万", "visits=2; deals=50000; "},
       {"周报|签约15万|拜访12家", "deals=150000; visits=12; "},
       // A sentence with plan words is no title, so the line under it counts.
       {"明天计划拜访华为|今天签约5万", "deals=50000; "},
       {"拜访新客户|签约5万", "deals=50000; "}});
}

TEST_CASE("Numbering continues into plan", "[extract]") {
  CheckReadings(
      {{"今日工作：|1、拜访华为2家|2、拜访小米1家|明日计划：|3、拜访中兴2家|4、签约联想5万",
        "visits=2; visits=1; visits=2 planned; deals=50000 planned; "},
       {"今日工作：|1、签约华为2万|2、拜访小米1家|明日计划|3、拜访中兴2家|4、签约联想5万",
        "deals=20000; visits=1; visits=2 planned; deals=50000 planned; "},
       {"今日工作：|1、拜访华为2家|2、拜访小米1家|明天|3、拜访中兴2家",
        "visits=2; visits=1; visits=2 planned; "},
       {"今日工作：|1、拜访华为2家|下周：|2、拜访中兴2家", "visits=2; visits=2 planned; "},
       {"明日计划：|2、签约联想5万", "deals=50000 planned; "},
       {"明日计划：|3、拜访中兴2家|4、签约联想5万", "visits=2 planned; deals=50000 planned; "}});
}

TEST_CASE("Plan label covers its line", "[extract]") {
  CheckReadings({{"今日：拜访华为2家，签约5万。|明日：拜访中兴3家，签约小米3万。",
                  "visits=2; deals=50000; visits=3 planned; deals=30000 planned; "},
                 {"明天：拜访中兴3家，签约小米3万", "visits=3 planned; deals=30000 planned; "},
                 {"计划：拜访中兴3家，签约小米3万", "visits=3 planned; deals=30000 planned; "},
                 {"明日计划：拜访中兴2家，签约联想5万", "visits=2 planned; deals=50000 planned; "},
                 // A label covers its own line only.
                 {"明日：拜访中兴3家|签约小米3万", "visits=3 planned; deals=30000; "},
                 // Labels of done work mark nothing.
                 {"今日：拜访华为2家，签约5万", "visits=2; deals=50000; "},
                 {"签约：华为5万，拜访2家", "deals=50000; visits=2; "}});
}

TEST_CASE("Other topic headings count nothing", "[extract]") {
  CheckReadings(
      {{"存在问题：|- 华为签约5万卡在法务|- 小米回款3万逾期",
        "deals=50000 other; deals=30000 other; "},
       {"存在问题|1、华为签约5万卡在法务|2、小米回款3万逾期",
        "deals=50000 other; deals=30000 other; "},
       {"风险客户：|1、华为 签约5万|2、小米 回款3万", "deals=50000 other; deals=30000 other; "},
       {"竞品动态：|1、友商在华为签单20万", "deals=200000 other; "},
       {"竞品情况|1、友商签约华为5万|2、友商成交小米3万", "deals=50000 other; deals=30000 other; "},
       {"团队业绩：|1、张三签约5万|2、李四签约3万", "deals=50000 other; deals=30000 other; "},
       {"客户投诉：|1、华为反映订单5万发货延迟", "deals=50000 other; "},
       {"问题与风险|华为签约5万卡在法务", "deals=50000 other; "},
       {"问题：华为签约5万卡在法务|签约小米3万", "deals=50000 other; deals=30000; "},
       // Done work before the heading still counts.
       {"今日签约：|1、华为5万|存在问题：|1、小米回款3万逾期", "deals=50000; deals=30000 other; "},
       {"一、工作总结|1、签约华为5万|2、拜访小米2家|二、存在问题|1、中兴回款慢，欠款3万",
        "deals=50000; visits=2; "}});
}

TEST_CASE("Target titles count nothing", "[extract]") {
  CheckReadings(
      {{"本月任务|1、签约30万|2、拜访20家", "deals=300000 planned; visits=20 planned; "},
       {"本月指标：|签约30万", "deals=300000 planned; "},
       {"KPI|签约30万", "deals=300000 planned; "},
       {"考核目标：|签约30万", "deals=300000 planned; "},
       {"跟进事项|1、签约中兴10万|2、拜访华为2家", "deals=100000 planned; visits=2 planned; "},
       {"重点跟进客户|1、中兴签约10万|2、拜访华为2家",
        "deals=100000 planned; visits=2 planned; "}});
}

TEST_CASE("Lost or stalled items count nothing", "[extract]") {
  CheckReadings(
      {{"今日签约：|1、华为5万|2、小米3万|3、中兴 10万 丢单",
        "deals=50000; deals=30000; deals=100000 negated; "},
       {"今日签约：|1、华为 5万，暂缓|2、小米3万", "deals=50000 planned; deals=30000; "},
       {"今日签约：|1、华为 5万，客户反悔|2、小米3万", "deals=50000 negated; deals=30000; "},
       {"今日签约：|1、华为 5万（已退单）|2、小米3万", "deals=50000 negated; deals=30000; "},
       {"今日签约：|1、华为5万|2、小米3万|3、中兴2万（暂缓）",
        "deals=50000; deals=30000; deals=20000 planned; "},
       {"- 签约华为5万，谈判中|- 签约小米3万", "deals=50000 planned; deals=30000; "},
       {"1、拜访华为失败|2、拜访小米2家", "visits=2; "},
       {"1、签约华为5万，拜访失败|2、签约小米3万", "deals=50000 negated; deals=30000; "},
       {"1、华为签约5万，最终还是丢单了", "deals=50000 negated; "},
       {"1、华为签约5万，客户反悔了。", "deals=50000 negated; "},
       {"1、华为签约5万，单子黄了|2、小米签约3万", "deals=50000 negated; deals=30000; "},
       // The word must end a clause after the deal, with nothing of an averted loss before it.
       {"1、华为签约5万，差一点丢单", "deals=50000; "},
       {"1、华为签约5万，中兴反悔", "deals=50000; "},
       // A contract still in process belongs to a signed deal.
       {"今日签约：|1、华为5万|2、小米3万（合同还在走流程）", "deals=50000; deals=30000; "},
       {"今日签约：|1、华为5万|2、中兴 10万 还在走流程", "deals=50000; deals=100000 planned; "},
       // Outside a list item the words change nothing.
       {"签约华为5万，拜访小米失败", "deals=50000; "}});
}

TEST_CASE("One-line texts keep sections", "[extract]") {
  // A text of one line without a colon skips the section pass unless it may be an item or a
  // title, so these pin both sides of that test.
  CheckReadings({{"1、签约华为5万，拜访失败", "deals=50000 negated; "},
                 {"- 签约华为5万，客户反悔", "deals=50000 negated; "},
                 {"(1)签约华为5万，谈判中", "deals=50000 planned; "},
                 {"签约华为5万，拜访失败", "deals=50000; "},
                 {"  签约华为5万，拜访失败", "deals=50000; "},
                 {"下周拜访五家客户", "visits=5 planned; "}});
}

}  // namespace
}  // namespace logbridge::scoring
