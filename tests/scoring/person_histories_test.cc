// Person histories: the duplicate window is a ring of fixed slots, the amounts stay the last
// few in ascending order, and people added later leave earlier histories intact.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <deque>
#include <random>
#include <string>
#include <vector>

#include "scoring/person_histories.h"

namespace logbridge::scoring {
namespace {

Sketch SketchOf(uint16_t fill) {
  Sketch sketch{};
  sketch.fill(fill);
  return sketch;
}

TEST_CASE("new history is empty", "[person_histories]") {
  PersonHistories histories(4, 8);
  CHECK(histories.size() == 0);
  CHECK(histories.Add() == 0);
  CHECK(histories.Add() == 1);
  CHECK(histories.size() == 2);
  CHECK(histories.recent_count(1) == 0);
  CHECK(histories.recent_bins(1).empty());
  CHECK(histories.sorted_amounts(1).empty());
}

TEST_CASE("window overwrites oldest slot", "[person_histories]") {
  PersonHistories histories(3, 8);
  int32_t person = histories.Add();
  // A long report id first, so the later short ones reuse a longer buffer.
  histories.AddRecent(person, 1, 10, SketchOf(1), "a-report-id-longer-than-short-strings");
  histories.AddRecent(person, 2, 20, SketchOf(2), "r2");
  histories.AddRecent(person, 3, 30, SketchOf(3), "r3");
  CHECK(histories.recent_count(person) == 3);
  histories.AddRecent(person, 4, 40, SketchOf(4), "r4");
  histories.AddRecent(person, 5, 50, SketchOf(5), "r5");
  REQUIRE(histories.recent_count(person) == 3);

  // Slots 0 and 1 were overwritten in turn, and slot 2 keeps the third log.
  std::vector<uint64_t> bins(histories.recent_bins(person).begin(),
                             histories.recent_bins(person).end());
  CHECK(bins == std::vector<uint64_t>{4, 5, 3});
  PersonHistories::Recent first = histories.recent(person, 0);
  CHECK(first.bins == 4);
  CHECK(first.values == 40);
  CHECK(*first.sketch == SketchOf(4));
  CHECK(*first.report_id == "r4");
  CHECK(*histories.recent(person, 1).report_id == "r5");
  CHECK(*histories.recent(person, 2).report_id == "r3");
  CHECK(histories.recent(person, 2).values == 30);
}

TEST_CASE("amounts stay last ones sorted", "[person_histories]") {
  PersonHistories histories(2, 16);
  int32_t person = histories.Add();
  std::mt19937 random(7);
  std::deque<int64_t> last;
  for (int i = 0; i < 500; ++i) {
    // Few distinct values, so equal amounts enter and leave often.
    int64_t units = static_cast<int64_t>(random() % 12) * 5000 - 10000;
    histories.AddAmount(person, Decimal::FromUnits(units));
    last.push_back(units);
    if (last.size() > 16) {
      last.pop_front();
    }
    std::vector<int64_t> expected(last.begin(), last.end());
    std::sort(expected.begin(), expected.end());
    std::vector<int64_t> remembered;
    for (Decimal amount : histories.sorted_amounts(person)) {
      remembered.push_back(amount.units());
    }
    INFO("after amount " << i);
    REQUIRE(remembered == expected);
  }
}

TEST_CASE("people keep separate histories", "[person_histories]") {
  PersonHistories histories(2, 4);
  int32_t first = histories.Add();
  histories.AddRecent(first, 7, 70, SketchOf(7), "r7");
  histories.AddAmount(first, Decimal::FromInt(3));
  // Enough people to fill two more blocks, and the first history must stay unchanged.
  int others = static_cast<int>(2 * histories.people_per_block());
  for (int i = 0; i < others; ++i) {
    int32_t other = histories.Add();
    histories.AddAmount(other, Decimal::FromInt(i));
  }
  REQUIRE(histories.recent_count(first) == 1);
  CHECK(*histories.recent(first, 0).report_id == "r7");
  CHECK(*histories.recent(first, 0).sketch == SketchOf(7));
  REQUIRE(histories.sorted_amounts(first).size() == 1);
  CHECK(histories.sorted_amounts(first)[0] == Decimal::FromInt(3));
  CHECK(histories.sorted_amounts(others).size() == 1);
  CHECK(histories.sorted_amounts(others)[0] == Decimal::FromInt(others - 1));
}

TEST_CASE("adding people keeps addresses", "[person_histories]") {
  PersonHistories histories(3, 4);
  int32_t first = histories.Add();
  histories.AddRecent(first, 1, 10, SketchOf(1), "a-report-id-longer-than-short-strings");
  const std::string* report_id = histories.recent(first, 0).report_id;
  const Sketch* sketch = histories.recent(first, 0).sketch;
  const uint64_t* bins = histories.recent_bins(first).data();
  // Enough people for several blocks, each new one starting empty.
  int others = static_cast<int>(3 * histories.people_per_block());
  for (int i = 0; i < others; ++i) {
    int32_t other = histories.Add();
    REQUIRE(histories.recent_count(other) == 0);
    REQUIRE(histories.sorted_amounts(other).empty());
    histories.AddRecent(other, 2, 20, SketchOf(2), "r" + std::to_string(i));
    histories.AddAmount(other, Decimal::FromInt(i));
  }
  CHECK(histories.recent(first, 0).report_id == report_id);
  CHECK(histories.recent(first, 0).sketch == sketch);
  CHECK(histories.recent_bins(first).data() == bins);
  CHECK(*report_id == "a-report-id-longer-than-short-strings");
  CHECK(*sketch == SketchOf(1));
  CHECK(*histories.recent(others, 0).report_id == "r" + std::to_string(others - 1));
  REQUIRE(histories.sorted_amounts(others).size() == 1);
  CHECK(histories.sorted_amounts(others)[0] == Decimal::FromInt(others - 1));
}

TEST_CASE("window off keeps amounts", "[person_histories]") {
  PersonHistories histories(0, 2);
  int32_t person = histories.Add();
  histories.Prefetch(person);
  histories.AddAmount(person, Decimal::FromInt(5));
  histories.AddAmount(person, Decimal::FromInt(1));
  histories.AddAmount(person, Decimal::FromInt(3));
  CHECK(histories.recent_count(person) == 0);
  std::vector<Decimal> remembered(histories.sorted_amounts(person).begin(),
                                  histories.sorted_amounts(person).end());
  CHECK(remembered == std::vector<Decimal>{Decimal::FromInt(1), Decimal::FromInt(3)});
}

}  // namespace
}  // namespace logbridge::scoring
