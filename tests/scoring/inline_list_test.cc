// Tests for inline lists, whose items follow a heading's colon on the same line (今日回款：华为2万、
// 小米1万): which numbers the heading's trigger counts, and which it must not count.
#include <initializer_list>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "scoring/extract.h"
#include "tests/scoring/reading_test_support.h"

namespace logbridge::scoring {
namespace {

using reading_check::CheckReadings;

TEST_CASE("Inline list counts every item", "[extract]") {
  CheckReadings({
      {"今日回款：华为2万、小米1万、中兴3万", "deals=20000; deals=10000; deals=30000; "},
      {"今日回款：华为2万、小米1万、中兴5千", "deals=20000; deals=10000; deals=5000; "},
      {"今日签约：华为5万，小米3万", "deals=50000; deals=30000; "},
      {"今日签约：华为5万；小米3万", "deals=50000; deals=30000; "},
      {"今日新签订单：华为 5万；小米 3万", "deals=50000; deals=30000; "},
      {"今日签约：华为5万 小米3万", "deals=50000; deals=30000; "},
      {"今日签单：华为5W，小米3W", "deals=50000; deals=30000; "},
      {"今日签约：华为（5万）、小米（3万）、中兴（2万）",
       "deals=50000; deals=30000; deals=20000; "},
      {"今日拜访：华为2家、小米1家", "visits=2; visits=1; "},
  });
}

TEST_CASE("Inline list after deal count", "[extract]") {
  CheckReadings({
      {"今日签约3单：华为5万、小米3万、中兴5千", "deals=50000; deals=30000; deals=5000; "},
      {"今日签约2单：华为5万、小米3万", "deals=50000; deals=30000; "},
      {"今日签约2笔：华为5万、小米3万", "deals=50000; deals=30000; "},
      {"明天签约2单：华为5万、小米3万", "deals=50000 planned; deals=30000 planned; "},
      {"未签约2单：华为5万、小米3万", "deals=50000 negated; deals=30000 negated; "},
      // An amount before the colon is the heading's own total, so the items count nothing.
      {"今日签约8万：华为5万、小米3万", "deals=80000; "},
      // Under a running total the heading counts nothing, and the first amount is the total's.
      {"本月累计签约3单：华为5万、小米3万", "deals=50000 running_total; "},
  });
}

TEST_CASE("Inline list after count and comma", "[extract]") {
  CheckReadings({
      {"今日签约3单，华为5万、小米3万", "deals=50000; deals=30000; "},
      {"今日签约2笔，华为5万、小米3万", "deals=50000; deals=30000; "},
      {"今日签约3单 ，华为5万、小米3万、中兴5千", "deals=50000; deals=30000; deals=5000; "},
      {"明天签约2单，华为5万、小米3万", "deals=50000 planned; deals=30000 planned; "},
      {"今日签约3单，华为5万、小米3万|明天拜访2家", "deals=50000; deals=30000; visits=2 planned; "},
  });
}

TEST_CASE("Comma list near misses", "[extract]") {
  CheckReadings({
      // Without a count of deals a comma heads no list.
      {"今日签约，华为5万、小米3万", ""},
      {"今日拜访3家，华为5万、小米3万", "visits=3; "},
      // One item is no list, but the count before the comma still makes 5万 the deal's amount.
      {"今日签约1单，华为5万", "deals=50000; "},
      // As after a colon, the first amount is the running total's.
      {"本月累计签约3单，华为5万、小米3万", "deals=50000 running_total; "},
  });
}

TEST_CASE("Inline list joined by plus", "[extract]") {
  CheckReadings({
      {"今日签约：5万（华为）+ 3万（小米）", "deals=50000; deals=30000; "},
      {"今日签约：5万（华为）+3万（小米）", "deals=50000; deals=30000; "},
      {"今日签约：5万（华为）、3万（小米）", "deals=50000; deals=30000; "},
      {"明天签约：5万（华为）+ 3万（小米）", "deals=50000 planned; deals=30000 planned; "},
      // Without a name in brackets a + still adds the amounts into one.
      {"今日签约：5万+3万", "deals=80000; "},
  });
}

TEST_CASE("Inline list total repeats items", "[extract]") {
  CheckReadings({
      {"今日签约：华为5万、小米3万，合计8万", "deals=50000; deals=30000; "},
  });
}

TEST_CASE("Inline list under other heading", "[extract]") {
  CheckReadings({
      // A heading without a trigger counts nothing, and a trigger in an item counts its own.
      {"客户：华为2万、小米1万", ""},
      {"今日工作：拜访华为2家、小米1万", "visits=2; "},
      // A heading of the strict form only: a target or a follow-up counts nothing.
      {"本月签约任务：华为5万、小米3万", "deals=50000 planned; "},
      // A second colon makes labels and values, no list. A dash between amounts starts no item.
      {"今日拜访客户：5、签约：2单、回款：3万", "visits=5; deals=30000; "},
      {"签约：华为5万 - 小米3万", "deals=50000; "},
      {"明日计划签约：华为5万、小米3万", "deals=50000 planned; deals=30000 planned; "},
      {"未回款客户：华为2万、小米1万", "deals=20000 negated; deals=10000 negated; "},
  });
}

}  // namespace
}  // namespace logbridge::scoring
