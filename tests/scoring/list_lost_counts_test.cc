// Tests for list shapes whose counts were lost. The shapes are headings with words that state
// the work done, items that start with a day, a time, a date or their amount, titles with a
// count of deals, separator lines and bare amounts. Each shape has cases that count nothing.
#include <initializer_list>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "scoring/extract.h"
#include "tests/scoring/reading_test_support.h"

namespace logbridge::scoring {
namespace {

using reading_check::CheckReadings;

constexpr const char* kBoth = "deals=50000; deals=30000; ";

TEST_CASE("Heading with done words", "[extract]") {
  CheckReadings({{"已签约：|1、华为5万|2、小米3万", kBoth},
                 {"已回款：|1、华为5万|2、小米3万", kBoth},
                 {"今日已回款|1、华为5万|2、小米3万", kBoth},
                 {"今日新签约：|1、华为5万|2、小米3万", kBoth},
                 {"新签约|1、华为5万|2、小米3万", kBoth},
                 {"今日已签约|1、华为5万|2、小米3万", kBoth},
                 {"今日完成签约：|1、华为5万|2、小米3万", kBoth},
                 {"今日实际回款：|1、华为5万|2、小米3万", kBoth},
                 {"今日共签约：|1、华为5万|2、小米3万", kBoth},
                 {"今日新签订单|1、华为5万|2、小米3万", kBoth}});
}

TEST_CASE("Heading done words near misses", "[extract]") {
  CheckReadings({// A modifier right before the trigger still names a duty or a prospect.
                 {"本月应回款：|1、华为5万|2、小米3万", ""},
                 {"今日已逾期回款：|1、华为5万|2、小米3万", ""},
                 {"新潜在签约：|1、华为5万|2、小米3万", ""},
                 {"已意向签约：|1、华为5万|2、小米3万", ""},
                 {"目标签约：|1、华为5万|2、小米3万", ""},
                 {"今日需回款：|1、华为5万|2、小米3万", ""},
                 // Other words after the trigger still name a target.
                 {"今日已签约任务：|1、华为5万|2、小米3万", ""},
                 {"新签约进展|1、华为5万|2、小米3万", ""}});
}

TEST_CASE("Every item starts with a day", "[extract]") {
  CheckReadings({{"今日签约：|1、5号华为5万|2、6号小米3万", kBoth},
                 {"今日签约：|1、3日华为5万|2、4日小米3万", kBoth},
                 {"今日签约：|1、30号 华为5万|2、31号 小米3万", kBoth},
                 {"今日签约|1、30号华为5万|2、31号小米3万", kBoth},
                 {"今日签约：|1、30号华为5万", "deals=50000; "},
                 {"今日签约：|1、10点华为5万|2、15点小米3万", kBoth},
                 {"今日签约|1、9点华为5万|2、15点小米3万", kBoth},
                 {"今日拜访：|1、9点华为 1家|2、14点小米 1家", "visits=1; visits=1; "},
                 {"今日拜访：|1、9:30 华为1家|2、14:00 小米1家", "visits=1; visits=1; "}});
}

TEST_CASE("Items start with month and day", "[extract]") {
  CheckReadings({{"本周签约：|1、11.30 华为5万|2、12.2 小米3万", kBoth},
                 {"本周签约：|1、11-30 华为5万|2、12-02 小米3万", kBoth},
                 {"本周签约：|1、11/30 华为5万|2、12/02 小米3万", kBoth},
                 {"本周签约：|1、11.30 华为5万|2、小米3万", kBoth},
                 {"本周签约：|1、华为5万|2、12.2 小米3万", kBoth}});
}

TEST_CASE("Item month and day near misses", "[extract]") {
  CheckReadings({// A scale after the second number makes it an amount, not a day.
                 {"今日签约：|1、华为5万|2、2.5万小米", "deals=50000; deals=25000; "},
                 // No month 13 and no day 32.
                 {"本周签约：|1、13.30 华为5万|2、12.32 小米3万", ""},
                 // Outside a list the number before the date counts nothing.
                 {"回款 1、11.30到账", ""}});
}

TEST_CASE("Item day near misses", "[extract]") {
  CheckReadings({// Outside a list the number before the day counts nothing.
                 {"回款 2、30号到账", ""},
                 // A 40号 is no day, so 1、40号 stays one number and counts nothing.
                 {"今日签约：|1、40号楼华为5万", ""},
                 // A jump of more than two numbers ends the list.
                 {"今日签约：|1、5号华为5万|9、6号小米3万", "deals=50000; "}});
}

TEST_CASE("Item starts with its amount", "[extract]") {
  CheckReadings(
      {{"今日回款：|1、5万 华为|2、3万 小米", kBoth},
       {"今日回款：|1、5万元 华为|2、3万元 小米", kBoth},
       {"今日回款：|1、5万元，华为|2、3万元，小米", kBoth},
       {"今日回款|1、5万 华为|2、3万 小米", kBoth},
       {"明日计划：|1、5万元回款华为|2、拜访中兴2家", "deals=50000 planned; visits=2 planned; "}});
}

TEST_CASE("Item amount near misses", "[extract]") {
  CheckReadings({// A list of numbers is a range, not items.
                 {"今天拜访1、2家客户", "visits=1.5; "},
                 // A lone item away from a heading is a marker and its amount counts once.
                 {"1、5万元回款已到账", "deals=50000; "},
                 // A topic heading still counts nothing.
                 {"签约进展：|1、5万 华为|2、3万 小米", ""}});
}

TEST_CASE("Title with a count of deals", "[extract]") {
  CheckReadings({{"今日签约2单|1、华为5万|2、小米3万", kBoth},
                 {"今日回款2笔|1、华为5万|2、小米3万", kBoth},
                 {"今日签约两单|1、华为5万|2、小米3万", kBoth},
                 // A count of customers makes the line a statement of its own.
                 {"今日签约3家|1、华为5万|2、小米3万", ""},
                 {"今日签约2单任务|1、华为5万|2、小米3万", ""}});
}

TEST_CASE("Separator line inside a list", "[extract]") {
  CheckReadings({{"签约：|1、华为5万|-|2、小米3万", kBoth},
                 {"签约：|1、华为5万| - |2、小米3万", kBoth},
                 // A blank line or a line of text still ends the list.
                 {"签约：|1、华为5万|-||2、小米3万", "deals=50000; "},
                 {"签约：|1、华为5万|-备注|2、小米3万", "deals=50000; "}});
}

TEST_CASE("Bullet after numbered items", "[extract]") {
  CheckReadings(
      {{"一、今日签约|1、华为 5万|2、小米 3万|- 中兴 2万",
        "deals=50000; deals=30000; deals=20000; "},
       {"今日签约：|1、华为5万|- 小米3万|- 中兴2万", "deals=50000; deals=30000; deals=20000; "},
       {"今日签约|- 华为5万", "deals=50000; "},
       // A blank line between them ends the numbered list, and a lone bullet away
       // from a heading stays text.
       {"今日签约：|1、华为5万|2、小米3万||- 中兴2万", kBoth},
       // A * after the items marks a footnote.
       {"今日签约：|1、华为5万|2、小米3万|*注：小米3万为框架协议", kBoth},
       // A section numeral after the items starts no item of theirs.
       {"今日签约：|1、华为5万|2、小米3万|一、中兴2万", kBoth}});
}

TEST_CASE("Dot bullets in one line", "[extract]") {
  CheckReadings(
      {{"今日签约：|·华为5万·小米3万", kBoth},
       {"今日签约：|• 华为5万 • 小米3万", kBoth},
       {"今日签约：|·华为5万·小米3万|·中兴2万", "deals=50000; deals=30000; deals=20000; "},
       // A dash inside the line is no bullet, and a topic heading counts nothing.
       {"今日签约：|- 华为5万 - 小米3万", "deals=50000; "},
       {"签约进展：|·华为5万·小米3万", ""}});
}

TEST_CASE("Bare amounts in items", "[extract]") {
  CheckReadings({{"今日回款：|1、华为 50000|2、小米 30000", kBoth},
                 {"今日回款：|1、华为50000|2、小米30000", kBoth},
                 {"今日签约|1、华为 50000|2、小米 30000", kBoth},
                 {"今日回款：|1、华为 50000元|2、小米 30000", kBoth},
                 {"今日回款：|1、华为 10000|2、小米 99999999", "deals=10000; deals=99999999; "}});
}

TEST_CASE("Bare amount near misses", "[extract]") {
  CheckReadings({// Years, rooms, short numbers, decimals and phone numbers are no amounts.
                 {"今日回款：|1、华为 2026|2、小米 2025", ""},
                 {"今日回款：|1、华为 1203|2、小米 2万", "deals=20000; "},
                 {"今日回款：|1、华为 8000|2、小米 800", ""},
                 {"今日回款：|1、华为 A座12030|2、小米 3楼30200", ""},
                 {"今日回款：|1、华为 12|2、小米 30", ""},
                 {"今日回款：|1、华为 11.30|2、小米 12.02", ""},
                 {"今日回款：|1、华为 13812345678|2、小米 30000", "deals=30000; "},
                 // A number inside the item's text is no amount of the item.
                 {"今日回款：|1、华为 50000 明天|2、小米，见了300人", ""},
                 // A count rule takes no bare number.
                 {"今日拜访：|1、华为 50000|2、小米 30000", ""}});
}

}  // namespace
}  // namespace logbridge::scoring
