// Tests for numbers outside lists that repeat or precede the day's work: running totals
// (本月累计回款15万元), summary lines after counted sentences (今日签约合计8万元), values from
// before the report (原订单10万元), totals of a team (部门今日签约合计50万元) and clauses of lost
// deals (签约失败). Each rule has cases that must still count.
#include <initializer_list>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "scoring/extract.h"
#include "tests/scoring/reading_test_support.h"

namespace logbridge::scoring {
namespace {

using reading_check::CheckReadings;
using reading_check::SalesRules;

// The rules of config/rnd.toml and config/product.toml.
const Extractor& Others() {
  static const Extractor kExtractor =
      std::move(Extractor::Create(
                    {{"bugs", "bugs", "修复|解决", QuantityKind::kCount, {"个", "处", "项"}, 8},
                     {"commits", "commits", "提交|合入", QuantityKind::kCount, {"次", "个", "笔"}, 8},
                     {"interviews",
                      "interviews",
                      "访谈|调研|回访",
                      QuantityKind::kCount,
                      {"位", "名", "人", "家", "个用户", "个客户"},
                      10}})
                    .value());
  return kExtractor;
}

TEST_CASE("Running totals are not counted", "[extract]") {
  CheckReadings(SalesRules(), {
                             {"今日回款3万元，本月累计回款15万元。",
                              "deals=30000; deals=150000 running_total; "},
                             {"今天拜访客户3家，本周累计拜访12家。",
                              "visits=3; visits=12 running_total; "},
                             {"回款累计15万元", "deals=150000 running_total; "},
                             {"截至目前签约20万元", "deals=200000 running_total; "},
                             {"迄今拜访5家", "visits=5 running_total; "},
                         });
  CheckReadings(Others(), {
                              {"今日修复3个bug，合入主干2次。|本周累计修复12个bug。",
                               "bugs=3; commits=2; bugs=12 running_total; "},
                              {"本周访谈用户3位，累计访谈用户15位。",
                               "interviews=3; interviews=15 running_total; "},
                          });
}

TEST_CASE("Running total word after number counts", "[extract]") {
  // The total word comes after the number, or in another clause, so the day's work counts.
  CheckReadings(SalesRules(), {
                             {"今日回款3万元，本月累计回款15万元。", "deals=30000; deals=150000 running_total; "},
                             {"今天签约5万元，累计客户满意", "deals=50000; "},
                             {"本月累计回款：见附件。今日回款2万元", "deals=20000; "},
                         });
}

TEST_CASE("Summary lines repeat counted sentences", "[extract]") {
  CheckReadings(SalesRules(), {
                             {"签约华为5万元，签约小米3万元。今日签约合计8万元。",
                              "deals=50000; deals=30000; "},
                             {"今天客户华为回款2万元，另外中兴回款1万元，合计回款3万元。",
                              "deals=20000; deals=10000; "},
                             {"今日工作：拜访客户3家。|今日小结：今天共拜访3家客户。", "visits=3; "},
                         });
  CheckReadings(Others(), {
                              {"1、修复bug 3个|2、提交代码2次|今日共修复bug 3个，提交2次。",
                               "bugs=3; commits=2; "},
                              {"本周访谈3位用户，共计访谈3位。", "interviews=3; "},
                          });
}

TEST_CASE("Summary alone counts", "[extract]") {
  CheckReadings(SalesRules(), {
                             {"今日共拜访3家", "visits=3; "},
                             {"今日签约合计8万元。", "deals=80000; "},
                             // An addition word makes the number after a total new work.
                             {"签约华为5万元。今日签约合计5万元，另外签约小米2万元",
                              "deals=50000; deals=20000; "},
                             // Earlier matches of another rule do not make a summary repeat.
                             {"拜访华为2家。今日共签约5万元", "visits=2; deals=50000; "},
                             // 共享 is no total word.
                             {"签约华为5万元。共享资料后签约小米3万元", "deals=50000; deals=30000; "},
                         });
}

TEST_CASE("Team totals are not own work", "[extract]") {
  CheckReadings({
      {"部门今日签约合计50万元，我签约5万元", "deals=500000 other; deals=50000; "},
      {"团队共签约50万元", "deals=500000 other; "},
      {"全组本周总计回款30万元", "deals=300000 other; "},
      {"公司今日签约合计100万元", "deals=1000000 other; "},
      {"大家今天共拜访20家", "visits=20 other; "},
      {"今天部门共签约50万元", "deals=500000 other; "},
      // The writer's own work and own total still count.
      {"我签约5万元", "deals=50000; "},
      {"今日签约合计8万元", "deals=80000; "},
      // A team word later in the clause, such as the 公司 of a customer's name, marks no team.
      {"与华为公司签约共5万元", "deals=50000; "},
      // Without a total word the team word changes nothing.
      {"部门今日签约5万元", "deals=50000; "},
      // A running total and a plan keep their aspect.
      {"部门本月累计签约合计50万元", "deals=500000 running_total; "},
      {"部门明天共签约50万元", "deals=500000 planned; "},
  });
}

TEST_CASE("Earlier values are not new deals", "[extract]") {
  CheckReadings(SalesRules(), {
                             {"客户华为原订单10万元，今天增购2万元，签约补充协议。",
                              "deals=100000 earlier_value; "},
                             {"上次签约3万元，今天回款3万元", "deals=30000 earlier_value; deals=30000; "},
                             {"原因是客户预算不足，今天签约2万元", "deals=20000; "},
                         });
}

TEST_CASE("Lost deal words negate clause", "[extract]") {
  CheckReadings(SalesRules(), {
                             {"今天签约失败，华为最终选择了竞争对手，损失订单20万。",
                              "deals=200000 negated; "},
                             {"签约5万元后客户反悔", "deals=50000 negated; "},
                             {"华为签约5万元的订单丢单了", "deals=50000 negated; "},
                             {"今天签约5万元", "deals=50000; "},
                             // A lost deal in another clause leaves the deal of this one.
                             {"签约华为5万，拜访小米失败", "deals=50000; "},
                             // Saving a customer's loss is no lost deal.
                             {"为客户挽回损失后签约5万元", "deals=50000; "},
                         });
}

}  // namespace
}  // namespace logbridge::scoring
