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

// A ring written half a turn between calls, as the role outlier distributions are. Each turn
// draws its range anew, so calls that sort and calls that count alternate, and the kept half
// must be dropped after a count. Every call must equal selection on the whole ring.
TEST_CASE("ring median matches selection", "[median_spread]") {
  std::mt19937_64 random(23);
  MedianScratch scratch;
  const std::vector<int64_t> ranges = {7, 300, 5000000, int64_t{1} << 40};
  for (size_t size : {size_t{2}, size_t{8}, size_t{512}}) {
    std::vector<Decimal> ring(size);
    for (Decimal& value : ring) {
      value = Decimal::FromUnits(static_cast<int64_t>(random() % 1000000));
    }
    SortedRingHalf half;
    size_t next = 0;  // the oldest slot
    for (int turn = 0; turn < 60; ++turn) {
      int64_t range = ranges[random() % ranges.size()];
      bool whole = turn % 3 == 0;
      for (size_t i = 0; i < size / 2; ++i) {
        int64_t drawn = static_cast<int64_t>(random() % static_cast<uint64_t>(range));
        drawn = turn % 4 == 1 && i % 2 == 0 ? -drawn : drawn;
        ring[next] = whole ? Decimal::FromInt(drawn) : Decimal::FromUnits(drawn);
        next = (next + 1) % size;
      }
      MedianSpread expected = Reference(ring);
      MedianSpread spread = RingMedianAndSpread(ring, (next + size / 2) % size, &half, &scratch);
      INFO("size " << size << ", turn " << turn << ", range " << range);
      CHECK(spread.median == expected.median);
      CHECK(spread.mad == expected.mad);
    }
  }
}

}  // namespace
}  // namespace logbridge::scoring
