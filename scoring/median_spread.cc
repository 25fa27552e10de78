// Values are turned into keys: their units minus the smallest one, divided by Decimal::kScale
// when every value is whole, which shortens them by 13 bits. Keys with a range below the count
// plus kCountingSlack are counted per key, and the median and MAD are read from the counts.
// Wider keys are sorted by a least-significant-digit radix sort, one byte per pass, with the
// passes of bytes that no key reaches skipped.
#include "scoring/median_spread.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <utility>

namespace logbridge::scoring {
namespace {

// Counting is chosen while the counts to clear and walk number at most the values plus this. A
// radix pass costs the values twice plus 256 buckets, so counting is the cheaper of the two.
constexpr uint64_t kCountingSlack = 256;

// Sorts keys ascending. spare is scratch of any size.
void RadixSort(std::vector<uint64_t>* keys, std::vector<uint64_t>* spare, uint64_t largest) {
  spare->resize(keys->size());
  for (int shift = 0; shift < 64 && (largest >> shift) != 0; shift += 8) {
    // In the last pass no digit exceeds largest's, so the buckets above it stay empty and
    // neither clearing nor the prefix sum needs them.
    uint64_t top_digit = largest >> shift;
    size_t buckets = top_digit < 255 ? static_cast<size_t>(top_digit) + 1 : 256;
    std::array<uint32_t, 256> starts;
    std::fill_n(starts.begin(), buckets, 0);
    for (uint64_t key : *keys) {
      ++starts[(key >> shift) & 0xFF];
    }
    uint32_t total = 0;
    for (size_t digit = 0; digit < buckets; ++digit) {
      uint32_t count = starts[digit];
      starts[digit] = total;
      total += count;
    }
    for (uint64_t key : *keys) {
      (*spare)[starts[(key >> shift) & 0xFF]++] = key;
    }
    keys->swap(*spare);
  }
}

// The keys of values and their conversion back to doubles. kStep is the divisor of the offsets
// from base, a template argument so that the division is by a constant.
template <uint64_t kStep>
struct Keys {
  uint64_t base = 0;

  uint64_t Of(Decimal value) const { return (static_cast<uint64_t>(value.units()) - base) / kStep; }
  double ValueOf(uint64_t key) const {
    return Decimal::FromUnits(static_cast<int64_t>(key * kStep + base)).ToDouble();
  }
};

// The median and MAD from counts[k], the number of values whose key is k, for total values.
// The steps and results are those of the sorted walk in SortedMedianAndSpread, taken a whole
// key at a time.
template <uint64_t kStep>
MedianSpread CountedMedianAndSpread(const std::vector<uint32_t>& counts, size_t total,
                                    const Keys<kStep>& keys) {
  size_t middle = total / 2;
  size_t key = 0;
  size_t before = 0;  // the number of values with keys below key
  // Moves key to the key of the value at sorted position `position`, which is not behind it.
  auto advance_to = [&](size_t position) {
    while (before + counts[key] <= position) {
      before += counts[key];
      ++key;
    }
    return key;
  };
  MedianSpread result;
  if (total % 2 == 1) {
    result.median = keys.ValueOf(advance_to(middle));
  } else {
    double lower = keys.ValueOf(advance_to(middle - 1));
    result.median = (lower + keys.ValueOf(advance_to(middle))) / 2;
  }

  // The left side contains the keys whose values are at most the median, the right side the rest.
  double median = result.median;
  size_t right = key;
  while (right < counts.size() && keys.ValueOf(right) <= median) {
    ++right;
  }
  size_t left = right;  // the next key on the left is left - 1
  auto next_left = [&]() {
    while (left > 0 && counts[left - 1] == 0) {
      --left;
    }
    return left > 0 ? std::fabs(keys.ValueOf(left - 1) - median) : INFINITY;
  };
  auto next_right = [&]() {
    while (right < counts.size() && counts[right] == 0) {
      ++right;
    }
    return right < counts.size() ? std::fabs(keys.ValueOf(right) - median) : INFINITY;
  };

  // Each step takes every value of one key, whose deviation fills sorted positions [filled,
  // filled + count) of the deviations. The walk stops at the key that fills position middle.
  double from_left = next_left();
  double from_right = next_right();
  size_t filled = 0;
  double previous = 0;
  double current = 0;
  while (true) {
    bool take_left = from_left <= from_right;
    double deviation = take_left ? from_left : from_right;
    size_t count = take_left ? counts[left - 1] : counts[right];
    if (middle > 0 && filled <= middle - 1 && middle - 1 < filled + count) {
      previous = deviation;
    }
    if (middle < filled + count) {
      current = deviation;
      break;
    }
    filled += count;
    if (take_left) {
      --left;
      from_left = next_left();
    } else {
      ++right;
      from_right = next_right();
    }
  }
  result.mad = total % 2 == 1 ? current : (previous + current) / 2;
  return result;
}

// The median and MAD of sorted, the values in ascending order.
MedianSpread SortedMedianAndSpread(const std::vector<double>& sorted) {
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

// MedianAndSpread once the smallest value and the largest key are known.
template <uint64_t kStep>
MedianSpread MedianAndSpreadOfKeys(std::span<const Decimal> values, const Keys<kStep>& keys,
                                   uint64_t largest_key, MedianScratch* scratch) {
  if (largest_key < values.size() + kCountingSlack) {
    std::vector<uint32_t>& counts = scratch->counts;
    counts.assign(static_cast<size_t>(largest_key) + 1, 0);
    for (Decimal value : values) {
      ++counts[static_cast<size_t>(keys.Of(value))];
    }
    return CountedMedianAndSpread(counts, values.size(), keys);
  }

  std::vector<uint64_t>& sorted_keys = scratch->keys;
  sorted_keys.resize(values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    sorted_keys[i] = keys.Of(values[i]);
  }
  RadixSort(&sorted_keys, &scratch->spare, largest_key);
  std::vector<double>& sorted = scratch->sorted;
  sorted.resize(sorted_keys.size());
  for (size_t i = 0; i < sorted_keys.size(); ++i) {
    sorted[i] = keys.ValueOf(sorted_keys[i]);
  }
  return SortedMedianAndSpread(sorted);
}

}  // namespace

MedianSpread MedianAndSpread(std::span<const Decimal> values, MedianScratch* scratch) {
  int64_t smallest = values[0].units();
  int64_t largest = smallest;
  bool whole = true;
  for (Decimal value : values) {
    smallest = std::min(smallest, value.units());
    largest = std::max(largest, value.units());
    whole &= value.units() % Decimal::kScale == 0;
  }
  // Offsets from the smallest value are unsigned and keep the order, even across the sign.
  // Between whole values they are multiples of kScale, and dividing them keeps the order too.
  uint64_t base = static_cast<uint64_t>(smallest);
  uint64_t range = static_cast<uint64_t>(largest) - base;
  if (whole) {
    return MedianAndSpreadOfKeys(values, Keys<Decimal::kScale>{base},
                                 range / Decimal::kScale, scratch);
  }
  return MedianAndSpreadOfKeys(values, Keys<1>{base}, range, scratch);
}

}  // namespace logbridge::scoring
