// A least-significant-digit radix sort on units minus the smallest one, one byte per pass,
// with the passes of bytes that no difference reaches skipped.
#include "scoring/median_spread.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <utility>

namespace logbridge::scoring {
namespace {

// Sorts keys ascending. spare is scratch of any size.
void RadixSort(std::vector<uint64_t>* keys, std::vector<uint64_t>* spare, uint64_t largest) {
  spare->resize(keys->size());
  for (int shift = 0; shift < 64 && (largest >> shift) != 0; shift += 8) {
    std::array<uint32_t, 256> starts{};
    for (uint64_t key : *keys) {
      ++starts[(key >> shift) & 0xFF];
    }
    uint32_t total = 0;
    for (uint32_t& start : starts) {
      uint32_t count = start;
      start = total;
      total += count;
    }
    for (uint64_t key : *keys) {
      (*spare)[starts[(key >> shift) & 0xFF]++] = key;
    }
    keys->swap(*spare);
  }
}

}  // namespace

MedianSpread MedianAndSpread(std::span<const Decimal> values, MedianScratch* scratch) {
  int64_t smallest = values[0].units();
  int64_t largest = smallest;
  for (Decimal value : values) {
    smallest = std::min(smallest, value.units());
    largest = std::max(largest, value.units());
  }
  // Offsets from the smallest value are unsigned and keep the order, even across the sign.
  std::vector<uint64_t>& keys = scratch->keys;
  keys.resize(values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    keys[i] = static_cast<uint64_t>(values[i].units()) - static_cast<uint64_t>(smallest);
  }
  RadixSort(&keys, &scratch->spare,
            static_cast<uint64_t>(largest) - static_cast<uint64_t>(smallest));
  std::vector<double>& sorted = scratch->sorted;
  sorted.resize(keys.size());
  for (size_t i = 0; i < keys.size(); ++i) {
    sorted[i] = Decimal::FromUnits(static_cast<int64_t>(keys[i] + static_cast<uint64_t>(smallest)))
                    .ToDouble();
  }

  size_t count = sorted.size();
  size_t middle = count / 2;
  MedianSpread result;
  result.median = count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;

  // Deviations grow from the median outward on both sides, so merging the two sides yields
  // them in ascending order, and the walk stops at the middle position. Each deviation is
  // |value - median| in doubles, as a selection on the doubles computes it.
  double median = result.median;
  size_t right = static_cast<size_t>(
      std::upper_bound(sorted.begin(), sorted.end(), median) - sorted.begin());
  size_t left = right;  // the next value on the left is sorted[left - 1]
  double previous = 0;
  double current = 0;
  for (size_t position = 0; position <= middle; ++position) {
    double from_left = left > 0 ? std::fabs(sorted[left - 1] - median) : INFINITY;
    double from_right = right < count ? std::fabs(sorted[right] - median) : INFINITY;
    previous = current;
    if (from_left <= from_right) {
      current = from_left;
      --left;
    } else {
      current = from_right;
      ++right;
    }
  }
  result.mad = count % 2 == 1 ? current : (previous + current) / 2;
  return result;
}

}  // namespace logbridge::scoring
