// Tests for which number of a list item or a clause is the deal amount. They cover closing
// lines that repeat the items, estimates and list prices, an item's own trigger and unit prices.
// They also cover an amount label after a count of deals or a bare trigger, in the next clause
// or on the next line, and decreases.
#include <initializer_list>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "scoring/extract.h"
#include "tests/scoring/reading_test_support.h"

namespace logbridge::scoring {
namespace {

using reading_check::CheckReadings;

TEST_CASE("Closing line repeats the items", "[extract]") {
  CheckReadings({
      {"今日签约：|1、华为5万|2、小米3万|今日共签约8万", "deals=50000; deals=30000; "},
      {"今日签约：|1、华为5万|2、小米3万|今日签约8万", "deals=50000; deals=30000; "},
      {"今日签约：|1、华为5万|2、小米3万|今日共签约：8万", "deals=50000; deals=30000; "},
      {"今日签约：|1、华为5万|2、小米3万|签约共8万", "deals=50000; deals=30000; "},
      {"今日签约：|1、华为5万|2、小米3万|总签约8万", "deals=50000; deals=30000; "},
  });
}

TEST_CASE("Closing line adds new work", "[extract]") {
  CheckReadings({
      // Another amount, an addition word or another trigger word is no repeat.
      {"今日签约：|1、华为5万|2、小米3万|今日签约2万", "deals=50000; deals=30000; deals=20000; "},
      {"今日签约：|1、华为5万|2、小米3万|另外签约8万", "deals=50000; deals=30000; deals=80000; "},
      {"今日签约：|1、华为5万|2、小米3万|另外签约2万", "deals=50000; deals=30000; deals=20000; "},
      {"今日签约：|1、华为5万|2、小米3万|回款8万", "deals=50000; deals=30000; deals=80000; "},
      {"今日签约：|1、华为5万|2、小米3万|签约中兴总部3万", "deals=50000; deals=30000; deals=30000; "},
      {"今日签约：|1、华为5万|2、小米3万|签约中兴共享项目3万",
       "deals=50000; deals=30000; deals=30000; "},
      // An item's own trigger is no closing line, even with the sum of the items above.
      {"今日签约：|1、华为5万|2、签约小米5万", "deals=50000; deals=50000; "},
  });
}

TEST_CASE("Item estimate is no deal", "[extract]") {
  CheckReadings({
      {"今日签约：|1、华为 预算20万|2、小米3万", "deals=30000; "},
      {"今日签约：|1、华为 项目预估20万|2、小米3万", "deals=30000; "},
      {"今日签约：|1、华为 预计20万|2、小米3万", "deals=30000; "},
      {"今日签约：|1、华为 估值20万|2、小米3万", "deals=30000; "},
      {"今日签约：|1、华为 标价20万|2、小米3万", "deals=30000; "},
  });
}

TEST_CASE("Item later real amount wins", "[extract]") {
  CheckReadings({
      {"今日回款：|1、华为 应收20万，实收5万|2、小米3万", "deals=50000; deals=30000; "},
      {"今日签约：|1、华为 原价20万，优惠后18万|2、小米3万", "deals=180000; deals=30000; "},
      {"今日签约：|1、华为 客户预算20万，最终8万签约|2、小米3万", "deals=80000; deals=30000; "},
      // A stop word after the value leaves it counted.
      {"今日签约：|1、华为5万，预计下周到账|2、小米3万", "deals=50000; deals=30000; "},
  });
}

TEST_CASE("Item own trigger decides", "[extract]") {
  CheckReadings({
      {"今日回款：|1、华为 10万合同，回款5万|2、小米3万", "deals=50000; deals=30000; "},
      {"今日签约：|1、华为 总价20万，本次签约8万|2、小米3万", "deals=80000; deals=30000; "},
      // Other work or an addition word leaves the heading's value counted too.
      {"今日签约：|1、华为 5万，另回款2万|2、小米3万", "deals=50000; deals=20000; deals=30000; "},
      {"今日签约：|1、华为 5万，回款2万|2、小米3万", "deals=50000; deals=20000; deals=30000; "},
      {"今日回款：|1、华为 5万，另签约新单10万|2、小米3万",
       "deals=50000; deals=100000; deals=30000; "},
      {"今日签约：|1、华为 5万，另外签约2万|2、小米3万", "deals=50000; deals=20000; deals=30000; "},
      // Without its own trigger the item's first amount still counts.
      {"今日回款：|1、华为 10万|2、小米3万", "deals=100000; deals=30000; "},
  });
}

TEST_CASE("Item unit price gives way", "[extract]") {
  CheckReadings({
      {"今日订单：|1、华为 电脑50台，单价3000元，共15万|2、小米 3万", "deals=150000; deals=30000; "},
      {"今日订单：|* 华为 100台*500元=5万|* 小米3万", "deals=50000; deals=30000; "},
      {"今日签约：|1、华为 20台 单价2000元|2、小米3万", "deals=30000; "},
      {"今日签约：|1、华为 单价2000元|2、小米3万", "deals=2000; deals=30000; "},
      {"今日回款：|1、华为，单价3000元×20台，共6万|2、小米3万", "deals=60000; deals=30000; "},
      // A sign at the start of the item is a bullet, not a multiplication.
      {"今日签约：|* 华为5万|* 小米3万", "deals=50000; deals=30000; "},
  });
}

TEST_CASE("Amount label after deal count", "[extract]") {
  CheckReadings({
      {"本周工作：|1. 拜访客户12家|2. 签约3单，金额15万|3. 回款8万",
       "visits=12; deals=150000; deals=80000; "},
      {"签约3单，合同金额15万", "deals=150000; "},
      {"签约3单，总金额15万", "deals=150000; "},
      // Another label after the count names other money.
      {"签约3单，欠款15万", ""},
  });
}

TEST_CASE("Amount label after bare trigger", "[extract]") {
  CheckReadings({
      {"与华为签约，金额5万", "deals=50000; "},
      {"与华为签约，合同额5万元", "deals=50000; "},
      {"签约了，金额5万", "deals=50000; "},
      {"与华为签约，订单金额：5万", "deals=50000; "},
      // The trigger's clause adds its cues.
      {"明天与华为签约，金额5万", "deals=50000 planned; "},
      {"未与华为签约，金额5万", "deals=50000 negated; "},
      {"本月累计签约，金额5万", "deals=50000 running_total; "},
      // Other money and a price after the trigger are no deal amount.
      {"与华为签约，欠款5万", ""},
      {"与华为签约，单价2万", ""},
      // Words after the trigger in its clause may name the amount, so a bare scale after the
      // comma does not bind.
      {"与华为签约一年期合同，金额5万", ""},
  });
}

TEST_CASE("Amount label line after trigger", "[extract]") {
  CheckReadings({
      {"今日签约：2单|金额：8万元", "deals=80000; "},
      {"今日签约：2单|金额：8万", "deals=80000; "},
      {"今日签约：2单|合同额：8万元", "deals=80000; "},
      {"今日签约：2单|总额：8万", "deals=80000; "},
      {"今日签约：2单|签约额：8万元", "deals=80000; "},
      {"今日签约：2单|订单金额：8万元", "deals=80000; "},
      {"与华为签约|金额：8万元", "deals=80000; "},
      // A trigger that has its amount keeps it, and the label line counts nothing more.
      {"今日签约：5万元|金额：8万元", "deals=50000; "},
      // Cues of the trigger's line apply.
      {"明天签约：2单|金额：8万元", "deals=80000 planned; "},
      {"今日未签约|金额：8万元", "deals=80000 negated; "},
      {"本月累计签约：2单|金额：8万元", "deals=80000 running_total; "},
      // Other money, a price and a blank line bind nothing.
      {"今日签约：2单|欠款：8万元", ""},
      {"今日签约：2单|单价：2万", ""},
      {"今日签约：2单||金额：8万元", ""},
  });
}

TEST_CASE("Item decrease is no deal", "[extract]") {
  CheckReadings({
      {"今日签约：|- 华为5万|- 小米合同减少3万", "deals=50000; "},
      {"今日签约：|- 华为5万|- 小米合同降了3万", "deals=50000; "},
      {"今日签约：|- 华为5万|- 小米比去年少了3万", "deals=50000; "},
  });
}

}  // namespace
}  // namespace logbridge::scoring
