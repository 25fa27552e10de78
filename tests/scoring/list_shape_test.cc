// Tests for the shapes of lists under a heading: title lines without a colon, bullets,
// item numbers that skip, and items that start with a day or a time. Each shape has cases that
// must count nothing.
#include <initializer_list>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "scoring/extract.h"
#include "tests/scoring/reading_test_support.h"

namespace logbridge::scoring {
namespace {

using reading_check::CheckReadings;

TEST_CASE("Title without colon counts items", "[extract]") {
  CheckReadings({{"一、签约情况|1、华为5万|2、小米3万", "deals=50000; deals=30000; "},
                 {"【今日签约】|1、华为5万|2、小米3万", "deals=50000; deals=30000; "},
                 {"今日签约|1、华为5万|2、小米3万", "deals=50000; deals=30000; "},
                 {"二、今日回款|1、华为2万元|2、小米3万元", "deals=20000; deals=30000; "},
                 {"今日拜访|1、华为 2位|2、小米 3位", "visits=2; visits=3; "},
                 {"今日签约\r\n1、华为5万\r\n2、小米3万", "deals=50000; deals=30000; "},
                 {"昨日签约|- 华为5万|- 小米3万", "deals=50000; deals=30000; "}});
}

TEST_CASE("Title without colon near misses", "[extract]") {
  CheckReadings({// Words other than the plain heading words name a target or a follow-up.
                 {"签约任务|1、华为5万|2、小米3万", ""},
                 {"本月签约目标|1、华为5万|2、小米3万", ""},
                 {"签约进展|1、华为5万|2、小米3万", ""},
                 // A title contains no number, so this line is a statement of its own.
                 {"今日签约3家|1、华为5万|2、小米3万", ""},
                 {"今日签约三家|1、华为5万|2、小米3万", ""},
                 // A blank line or a long line above the list heads nothing.
                 {"今日签约||1、华为5万|2、小米3万", ""},
                 {"今天上午和华为的张总在会议室讨论了签约|1、华为5万|2、小米3万", ""},
                 // A title heads a lone item too, as a heading with a colon does.
                 {"今日签约|1、华为5万", "deals=50000; "},
                 {"签约任务|1、华为5万", ""},
                 // The items' own triggers still count under a title without one.
                 {"今日工作|1、签约华为5万|2、拜访小米2家", "deals=50000; visits=2; "}});
}

TEST_CASE("Yesterday and last week headings", "[extract]") {
  CheckReadings({{"上周签约：|1、华为5万|2、小米3万", "deals=50000; deals=30000; "},
                 {"上周回款：|1、华为2万元|2、小米3万元", "deals=20000; deals=30000; "},
                 {"昨日签约：|1、华为5万|2、小米3万", "deals=50000; deals=30000; "},
                 {"昨天回款情况：|1、华为2万元|2、小米3万元", "deals=20000; deals=30000; "},
                 {"上周签约任务：|1、华为5万|2、小米3万", ""},
                 {"上周应回款：|1、华为5万|2、小米3万", ""},
                 {"下周签约：|1、华为5万|2、小米3万",
                  "deals=50000 planned; deals=30000 planned; "}});
}

TEST_CASE("Heading that states a count", "[extract]") {
  // A count of deals is no amount, so the amounts in the items still count.
  CheckReadings({{"今日签约2单：|1、华为5万|2、小米3万", "deals=50000; deals=30000; "},
                 {"今日回款两笔：|1、华为2万元|2、小米3万元", "deals=20000; deals=30000; "},
                 {"今日签约2单情况：|1、华为5万|2、小米3万", "deals=50000; deals=30000; "},
                 // Other words after the count still name no work done.
                 {"今日签约2单任务：|1、华为5万|2、小米3万", ""},
                 {"今日回款5万：|1、华为2万|2、小米3万", "deals=50000; "},
                 {"今日拜访3家：|1、华为 2位|2、小米 3位", "visits=3; "}});
}

TEST_CASE("Bullet items form a list", "[extract]") {
  CheckReadings({{"今日签约：|- 华为5万|- 小米3万", "deals=50000; deals=30000; "},
                 {"今日签约：|-华为5万|-小米3万", "deals=50000; deals=30000; "},
                 {"今日签约：|• 华为5万|• 小米3万", "deals=50000; deals=30000; "},
                 {"今日签约：|·华为5万|·小米3万", "deals=50000; deals=30000; "},
                 {"今日签约：|* 华为5万|* 小米3万", "deals=50000; deals=30000; "},
                 {"今日签约：|●华为5万|●小米3万", "deals=50000; deals=30000; "},
                 {"今日签约：|  - 华为5万|  - 小米3万", "deals=50000; deals=30000; "},
                 {"今日签约：|一、华为5万|二、小米3万", "deals=50000; deals=30000; "},
                 {"今日签约：|①华为5万|②小米3万", "deals=50000; deals=30000; "},
                 {"今日签约：|- 华为5万", "deals=50000; "},
                 {"今日签约：\r\n- 华为5万\r\n- 小米3万", "deals=50000; deals=30000; "},
                 {"明日计划：|- 签约中兴10万|- 拜访华为2家",
                  "deals=100000 planned; visits=2 planned; "}});
}

TEST_CASE("Dashes that are no bullets", "[extract]") {
  CheckReadings({// A dash before a digit is a minus or a range.
                 {"今日签约：|-2万|-3万", ""},
                 {"华为签约2-3万", "deals=25000; "},
                 {"签约：华为5万 - 小米3万", "deals=50000; "},
                 // A doubled mark is bold text or a rule, not a bullet.
                 {"今日签约：|**华为5万**|**小米3万**", ""},
                 // A bullet list under a topic heading counts nothing.
                 {"签约进展：|- 华为5万|- 小米3万", ""},
                 // A lone bullet away from a heading is text.
                 {"拜访3家|- 签约5万元", "visits=3; deals=50000; "},
                 // A lone 一、 numbers a section, not an item.
                 {"一、签约情况|1、华为5万|二、回款情况|1、小米3万元",
                  "deals=50000; deals=30000; "}});
}

TEST_CASE("Items that start with a day or time", "[extract]") {
  CheckReadings({{"今日签约：|1、华为5万|2、30号小米3万元", "deals=50000; deals=30000; "},
                 {"今日签约：|1、华为5万|2、30日小米3万元", "deals=50000; deals=30000; "},
                 {"今日签约：|1、10:30华为签约2万|2、小米3万", "deals=20000; deals=30000; "},
                 {"今日拜访：|1、9点拜访华为2家|2、14点拜访小米1家", "visits=2; visits=1; "},
                 {"今日签约：|1、上午10点华为5万|2、下午3点小米3万", "deals=50000; deals=30000; "},
                 // An item 1 that starts with a day skips numbers as any item 1 does.
                 {"今日签约：|1、30号华为5万|2、小米3万", "deals=50000; deals=30000; "},
                 {"今日签约：\r\n1、30号华为5万\r\n2、10:30小米3万", "deals=50000; deals=30000; "},
                 {"今日签约：|1、30号华为5万|3、小米3万", "deals=50000; deals=30000; "},
                 {"今日签约：|1、30号华为5万|9、小米3万", "deals=50000; "},
                 // After a space, 1、2家 stays a range.
                 {"今天拜访1、2家客户", "visits=1.5; "}});
}

TEST_CASE("Point item before a month", "[extract]") {
  CheckReadings({{"今日签约：|1.华为5万|2.11月30日小米3万元", "deals=50000; deals=30000; "},
                 {"今日签约：|1. 华为5万|2. 11月30日小米3万元", "deals=50000; deals=30000; "},
                 // Without an item 1. before it, 2.11 stays a decimal.
                 {"今日签约：2.11万元", "deals=21100; "},
                 {"今日签约：|1.华为5万|3.11月30日小米3万元", "deals=50000; "}});
}

TEST_CASE("Skipped and restarted numbers", "[extract]") {
  CheckReadings({{"今日签约：|1、华为5万|2、小米3万|4、中兴2万",
                  "deals=50000; deals=30000; deals=20000; "},
                 {"今日签约：|1、华为5万|3、小米3万", "deals=50000; deals=30000; "},
                 // A jump of more than two numbers, or on the same line, is no skip.
                 {"今日签约：|1、华为5万|2、小米3万|9、中兴2万", "deals=50000; deals=30000; "},
                 // A list that starts again at 1 after other text or a blank line has no
                 // heading.
                 {"今日签约：|1、华为5万|2、小米3万||1、中兴2万|2、联想1万",
                  "deals=50000; deals=30000; "},
                 {"今日签约：|1、华为5万|2、小米3万|备注：客户满意|1、中兴2万|2、联想1万",
                  "deals=50000; deals=30000; "}});
}

}  // namespace
}  // namespace logbridge::scoring
