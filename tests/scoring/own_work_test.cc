// Tests for deals that a text names but that are not the writer's own work done that day. The
// first cases are items numbered with enclosed digits that report a lost deal and lines after a
// bracketed risk label. Then come follow-ups of open orders, deals made earlier, deals called off
// in a later clause and deals of a colleague the writer helped. Each case has near misses that
// keep their reading. The last cases read an amount label after a trigger and the other party's
// name.
#include <catch2/catch.hpp>

#include "tests/scoring/reading_test_support.h"

namespace logbridge::scoring {
namespace {

using reading_check::CheckReadings;

TEST_CASE("Enclosed item of a lost deal", "[extract]") {
  CheckReadings({{"① 华为签约五万，丢单", "deals=50000 negated; "},
                 {"①华为签约五万，丢单", "deals=50000 negated; "},
                 {"  ① 华为签约五万，黄了", "deals=50000 negated; "},
                 {"今日签约|① 华为签约五万，丢单", "deals=50000 negated; "},
                 {"1、华为签约五万，黄了", "deals=50000 negated; "}});
}

TEST_CASE("Enclosed item near misses", "[extract]") {
  CheckReadings({{"① 华为签约五万", "deals=50000; "},
                 {"① 华为签约五万|② 小米签约三万，丢单", "deals=50000; deals=30000 negated; "},
                 {"华为签约五万，丢单①", "deals=50000; "}});
}

TEST_CASE("Bracketed risk label", "[extract]") {
  CheckReadings({{"【风险】华为签约五万。", "deals=50000 other; "},
                 {"【风险】华为签约五万", "deals=50000 other; "},
                 {"【风险】 华为签约五万，小米签约3万", "deals=50000 other; deals=30000 other; "},
                 {"[风险]华为签约五万。", "deals=50000 other; "},
                 {"**【问题】**华为签约五万。", "deals=50000 other; "},
                 {"【明日计划】签约华为5万。", "deals=50000 planned; "}});
}

TEST_CASE("Bracketed label near misses", "[extract]") {
  CheckReadings({// The label marks its own line only.
                 {"【风险】华为签约五万|今天签约小米3万", "deals=50000 other; deals=30000; "},
                 {"【今日】华为签约五万。", "deals=50000; "},
                 {"【重点客户】华为签约五万。", "deals=50000; "},
                 {"【风险已排除，今日】华为签约五万。", "deals=50000; "},
                 {"【风险】|华为签约五万", "deals=50000 other; "}});
}

TEST_CASE("Follow-up of an open deal", "[extract]") {
  CheckReadings({{"跟进华为订单（5万元）", "deals=50000 planned; "},
                 {"跟进华为签约5万元", "deals=50000 planned; "}});
}

TEST_CASE("Follow-up near misses", "[extract]") {
  CheckReadings({{"跟进后签约5万元", "deals=50000; "},
                 {"跟进华为后签约5万元", "deals=50000; "},
                 {"跟进并签约华为5万元", "deals=50000; "},
                 {"跟进华为，签约5万元", "deals=50000; "},
                 {"上门跟进客户3家", "visits=3; "},
                 {"跟进拜访客户3家", "visits=3; "},
                 // A follow-up of a payment reports the money that came in.
                 {"今天跟进小米回款3万元", "deals=30000; "},
                 // 成功, 最终, 今天 and 的 close the follow-up.
                 {"跟进华为成功签约5万元", "deals=50000; "},
                 {"今天跟进华为订单最终签约5万元", "deals=50000; "},
                 {"跟进华为今天签约5万元", "deals=50000; "},
                 {"跟进的客户今天签约5万元", "deals=50000; "},
                 {"经过三个月的反复沟通与耐心跟进，华为签约5万元", "deals=50000; "}});
}

TEST_CASE("Deal made earlier", "[extract]") {
  CheckReadings({{"上周签约的小米3万元订单，今天客户要求退单", "deals=30000 earlier_value; "},
                 {"上周签约的小米3万元订单", "deals=30000 earlier_value; "},
                 {"昨天签约的小米订单3万元", "deals=30000 earlier_value; "},
                 {"此前签约的华为5万元", "deals=50000 earlier_value; "},
                 {"上月已签约的华为合同5万元", "deals=50000 earlier_value; "}});
}

TEST_CASE("Earlier deal near misses", "[extract]") {
  CheckReadings({{"今天签约的小米3万元订单", "deals=30000; "},
                 {"昨天签约小米3万元", "deals=30000; "},
                 {"签约的小米3万元订单", "deals=30000; "},
                 {"上周拜访的华为今天签约5万元", "deals=50000; "},
                 // Today's work on an earlier deal counts.
                 {"上周签约的华为今天回款5万元", "deals=50000; "},
                 {"上周签约的小米订单本周回款3万元", "deals=30000; "},
                 // 之前 also ends a time of the same day.
                 {"下班之前签约的小米订单3万元", "deals=30000; "}});
}

TEST_CASE("Deal called off later", "[extract]") {
  CheckReadings({{"签约小米3万元，今天客户要求退单", "deals=30000 negated; "},
                 {"签约小米3万元，客户要求取消订单", "deals=30000 negated; "},
                 {"签约小米3万元，但对方临时反悔", "deals=30000 negated; "},
                 {"签约小米3万元，下午客户又提出解约", "deals=30000 negated; "},
                 {"  签约华为5万，客户反悔了", "deals=50000 negated; "},
                 {"华为签约五万，丢单", "deals=50000 negated; "},
                 {"华为签约五万，最后黄了", "deals=50000 negated; "}});
}

TEST_CASE("Called off near misses", "[extract]") {
  CheckReadings({// Another customer's cancellation leaves the deal done.
                 {"签约小米3万元，华为要求退单", "deals=30000; "},
                 {"签约小米3万元，今天华为客户要求退单", "deals=30000; "},
                 {"签约小米3万元。", "deals=30000; "},
                 {"拜访华为3家，客户要求退单", "visits=3; "},
                 {"签约小米3万元，退单率下降", "deals=30000; "},
                 {"签约小米3万元，中兴丢单", "deals=30000; "},
                 {"签约小米3万元，黄经理到场", "deals=30000; "},
                 // The sentence has ended.
                 {"签约小米3万元。客户要求退单", "deals=30000; "}});
}

TEST_CASE("Deal of a helped colleague", "[extract]") {
  CheckReadings({{"协助同事与小米签约3万元", "deals=30000 other; "},
                 {"帮同事签约3万元", "deals=30000 other; "}});
}

TEST_CASE("Helped colleague near misses", "[extract]") {
  CheckReadings({{"在同事协助下签约3万元", "deals=30000; "},
                 {"在经理帮助下签约3万元", "deals=30000; "},
                 {"协助客户完成签约3万元", "deals=30000; "},
                 {"经同事协助，签约3万元", "deals=30000; "},
                 {"签约3万元，协助同事整理合同", "deals=30000; "},
                 // A customer's staff carry titles too, so a title alone names no colleague.
                 {"今天协助张经理签约华为5万元", "deals=50000; "},
                 {"协助华为张经理完成签约5万元", "deals=50000; "},
                 // Visits made with a colleague are the writer's visits.
                 {"配合销售同事拜访客户3家", "visits=3; "}});
}

TEST_CASE("Amount label after a party", "[extract]") {
  CheckReadings({{"签约华为，合同额5万", "deals=50000; "},
                 {"签约华为，金额5万", "deals=50000; "},
                 {"签约 华为 ，合同金额5万", "deals=50000; "}});
}

TEST_CASE("Party amount near misses", "[extract]") {
  CheckReadings({{"签约华为，欠款5万", ""},
                 {"签约华为，5万", ""},
                 {"签约华为和小米等多家重要客户，合同额5万", ""},
                 {"签约华为3万，合同额5万", "deals=30000; "},
                 {"与华为签约一年期合同，金额5万", ""}});
}

}  // namespace
}  // namespace logbridge::scoring
