// Median and MAD: counting, the radix sort and the outward walks must give exactly what selecting
// on the doubles gives, for odd and even counts, duplicates, negative values and wide ranges.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "scoring/median_spread.h"

namespace logbridge::scoring {
namespace {

// The median by selection on a copy, the plain way.
double SelectedMedian(std::vector<double> values) {
  size_t middle = values.size() / 2;
  std::nth_element(values.begin(), values.begin() + static_cast<ptrdiff_t>(middle), values.end());
  double upper = values[middle];
  if (values.size() % 2 == 1) {
    return upper;
  }
  double lower = *std::max_element(values.begin(), values.begin() + static_cast<ptrdiff_t>(middle));
  return (lower + upper) / 2;
}

MedianSpread Reference(const std::vector<Decimal>& values) {
  std::vector<double> doubles;
  for (Decimal value : values) {
    doubles.push_back(value.ToDouble());
  }
  MedianSpread result;
  result.median = SelectedMedian(doubles);
  for (double& value : doubles) {
    value = std::fabs(value - result.median);
  }
  result.mad = SelectedMedian(doubles);
  return result;
}

TEST_CASE("median of one value", "[median_spread]") {
  MedianScratch scratch;
  std::vector<Decimal> values = {Decimal::FromInt(7)};
  MedianSpread spread = MedianAndSpread(values, &scratch);
  CHECK(spread.median == 7.0);
  CHECK(spread.mad == 0.0);
}

TEST_CASE("median of even count", "[median_spread]") {
  MedianScratch scratch;
  std::vector<Decimal> values = {Decimal::FromInt(1), Decimal::FromInt(10), Decimal::FromInt(2),
                                 Decimal::FromInt(4)};
  MedianSpread spread = MedianAndSpread(values, &scratch);
  CHECK(spread.median == 3.0);
  // Deviations 2, 7, 1, 1: the middle two are 1 and 2.
  CHECK(spread.mad == 1.5);
}

// The first 400 rounds draw units. The rest draw whole values, which take the keys divided by
// kScale, and in every fifth of them one fractional value must turn the division off. Small
// ranges are counted and wide ones sorted.
TEST_CASE("median matches selection", "[median_spread]") {
  std::mt19937_64 random(11);
  MedianScratch scratch;  // reused by rounds of different sizes
  const std::vector<int64_t> unit_ranges = {1, 13, 5000, 2000000000LL, int64_t{1} << 62};
  const std::vector<int64_t> whole_ranges = {1, 9, 255, 256, 100000, int64_t{1} << 40};
  for (int round = 0; round < 700; ++round) {
    bool whole = round >= 400;
    const std::vector<int64_t>& ranges = whole ? whole_ranges : unit_ranges;
    int64_t range = ranges[static_cast<size_t>(round) % ranges.size()];
    size_t count = 1 + random() % (round % 2 == 0 ? 600 : 9);
    bool negative = round % 3 == 0;
    std::vector<Decimal> values;
    for (size_t i = 0; i < count; ++i) {
      int64_t drawn = static_cast<int64_t>(random() % static_cast<uint64_t>(range));
      drawn = negative && i % 2 == 0 ? -drawn : drawn;
      values.push_back(whole ? Decimal::FromInt(drawn) : Decimal::FromUnits(drawn));
    }
    if (whole && round % 5 == 0) {
      values[random() % count] = Decimal::FromUnits(static_cast<int64_t>(random() % 50000) + 1);
    }
    MedianSpread expected = Reference(values);
    MedianSpread spread = MedianAndSpread(values, &scratch);
    INFO("round " << round << ", count " << count << ", range " << range);
    CHECK(spread.median == expected.median);
    CHECK(spread.mad == expected.mad);
  }
}

TEST_CASE("median of whole and fractional values", "[median_spread]") {
  MedianScratch scratch;
  // Had 1.5 been taken for whole, its key would have fallen on 1's and the median been 2.
  std::vector<Decimal> values = {Decimal::FromInt(3), Decimal::FromUnits(15000),
                                 Decimal::FromInt(1), Decimal::FromInt(4)};
  MedianSpread spread = MedianAndSpread(values, &scratch);
  CHECK(spread.median == 2.25);
  // Deviations 0.75, 0.75, 1.25 and 1.75: the middle two are 0.75 and 1.25.
  CHECK(spread.mad == 1.0);
}

}  // namespace
}  // namespace logbridge::scoring
