// Values are turned into keys: their units minus the smallest one, divided by Decimal::kScale
// when every value is whole, which shortens them by 13 bits. Keys with a range below the count
// plus kCountingSlack are counted per key, and the median and MAD are read from the counts.
// Wider keys are sorted by a least-significant-digit radix sort, one byte per pass, with the
// passes of bytes that no key reaches skipped.
#include "scoring/median_spread.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
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
  int64_t UnitsOf(uint64_t key) const { return static_cast<int64_t>(key * kStep + base); }
  double ValueOf(uint64_t key) const { return Decimal::FromUnits(UnitsOf(key)).ToDouble(); }
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

// Returns whether the values' keys are few enough to count instead of sort.
bool CountsKeys(size_t values, uint64_t largest_key) {
  return largest_key < values + kCountingSlack;
}

// MedianAndSpread by counting the values per key.
template <uint64_t kStep>
MedianSpread CountedOfKeys(std::span<const Decimal> values, const Keys<kStep>& keys,
                           uint64_t largest_key, MedianScratch* scratch) {
  std::vector<uint32_t>& counts = scratch->counts;
  counts.assign(static_cast<size_t>(largest_key) + 1, 0);
  for (Decimal value : values) {
    ++counts[static_cast<size_t>(keys.Of(value))];
  }
  return CountedMedianAndSpread(counts, values.size(), keys);
}

// MedianAndSpread once the smallest value and the largest key are known.
template <uint64_t kStep>
MedianSpread MedianAndSpreadOfKeys(std::span<const Decimal> values, const Keys<kStep>& keys,
                                   uint64_t largest_key, MedianScratch* scratch) {
  if (CountsKeys(values.size(), largest_key)) {
    return CountedOfKeys(values, keys, largest_key, scratch);
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

// Sorts the units of count ring values, from slot first on and wrapping around, into *units.
template <uint64_t kStep>
void SortRingUnits(std::span<const Decimal> ring, size_t first, size_t count,
                   const Keys<kStep>& keys, uint64_t largest_key, MedianScratch* scratch,
                   std::vector<int64_t>* units) {
  std::vector<uint64_t>& sorted_keys = scratch->keys;
  sorted_keys.resize(count);
  size_t slot = first;
  for (size_t i = 0; i < count; ++i) {
    sorted_keys[i] = keys.Of(ring[slot]);
    slot = slot + 1 == ring.size() ? 0 : slot + 1;
  }
  RadixSort(&sorted_keys, &scratch->spare, largest_key);
  units->resize(count);
  for (size_t i = 0; i < count; ++i) {
    (*units)[i] = keys.UnitsOf(sorted_keys[i]);
  }
}

// Merges two ascending lists of units into *sorted as doubles, ascending. Equal units give equal
// doubles, so which list an equal value comes from does not matter.
void MergeToDoubles(const std::vector<int64_t>& a, const std::vector<int64_t>& b,
                    std::vector<double>* sorted) {
  sorted->resize(a.size() + b.size());
  double* out = sorted->data();
  size_t i = 0;
  size_t j = 0;
  while (i < a.size() && j < b.size()) {
    bool from_a = a[i] <= b[j];
    *out++ = Decimal::FromUnits(from_a ? a[i] : b[j]).ToDouble();
    i += from_a ? 1 : 0;
    j += from_a ? 0 : 1;
  }
  for (; i < a.size(); ++i) {
    *out++ = Decimal::FromUnits(a[i]).ToDouble();
  }
  for (; j < b.size(); ++j) {
    *out++ = Decimal::FromUnits(b[j]).ToDouble();
  }
}

// The smallest and largest units of some values, and whether every value is a whole number.
struct Bounds {
  int64_t smallest = INT64_MAX;
  int64_t largest = INT64_MIN;
  bool whole = true;

  void Add(Decimal value) {
    smallest = std::min(smallest, value.units());
    largest = std::max(largest, value.units());
    whole &= value.units() % Decimal::kScale == 0;
  }
  void Add(const Bounds& other) {
    smallest = std::min(smallest, other.smallest);
    largest = std::max(largest, other.largest);
    whole &= other.whole;
  }
};

Bounds BoundsOf(std::span<const Decimal> values) {
  Bounds bounds;
  for (Decimal value : values) {
    bounds.Add(value);
  }
  return bounds;
}

// The bounds of count ring values from slot first on, wrapping around.
Bounds RingBoundsOf(std::span<const Decimal> ring, size_t first, size_t count) {
  size_t before_end = std::min(count, ring.size() - first);
  Bounds bounds = BoundsOf(ring.subspan(first, before_end));
  bounds.Add(BoundsOf(ring.first(count - before_end)));
  return bounds;
}

// RingMedianAndSpread once the smallest value and the largest key are known. newer contains the
// bounds of the newer half, which the next call takes for its older half.
template <uint64_t kStep>
MedianSpread RingOfKeys(std::span<const Decimal> ring, size_t newer_begin, const Keys<kStep>& keys,
                        uint64_t largest_key, const Bounds& newer, SortedRingHalf* half,
                        MedianScratch* scratch) {
  bool older_sorted = half->valid && half->sorted;
  half->smallest = newer.smallest;
  half->largest = newer.largest;
  half->whole = newer.whole;
  half->valid = true;
  if (CountsKeys(ring.size(), largest_key)) {
    half->sorted = false;
    return CountedOfKeys(ring, keys, largest_key, scratch);
  }
  size_t count = ring.size() / 2;
  if (!older_sorted) {
    size_t older_begin = newer_begin + count;
    older_begin -= older_begin >= ring.size() ? ring.size() : 0;
    SortRingUnits(ring, older_begin, count, keys, largest_key, scratch, &half->units);
  }
  SortRingUnits(ring, newer_begin, count, keys, largest_key, scratch, &scratch->units);
  MergeToDoubles(half->units, scratch->units, &scratch->sorted);
  half->units.swap(scratch->units);
  half->sorted = true;
  return SortedMedianAndSpread(scratch->sorted);
}

// MedianAndSpread once the bounds of the values are known.
MedianSpread MedianAndSpreadIn(std::span<const Decimal> values, const Bounds& bounds,
                               MedianScratch* scratch) {
  // Offsets from the smallest value are unsigned and keep the order, even across the sign.
  // Between whole values they are multiples of kScale, and dividing them keeps the order too.
  uint64_t base = static_cast<uint64_t>(bounds.smallest);
  uint64_t range = static_cast<uint64_t>(bounds.largest) - base;
  if (bounds.whole) {
    return MedianAndSpreadOfKeys(values, Keys<Decimal::kScale>{base}, range / Decimal::kScale,
                                 scratch);
  }
  return MedianAndSpreadOfKeys(values, Keys<1>{base}, range, scratch);
}

}  // namespace

MedianSpread MedianAndSpread(std::span<const Decimal> values, MedianScratch* scratch) {
  return MedianAndSpreadIn(values, BoundsOf(values), scratch);
}

MedianSpread RingMedianAndSpread(std::span<const Decimal> ring, size_t newer_begin,
                                 SortedRingHalf* half, MedianScratch* scratch) {
  size_t count = ring.size() / 2;
  Bounds newer = RingBoundsOf(ring, newer_begin, count);
  Bounds all = newer;
  if (half->valid) {
    // The kept half is the older half now, whose values have not changed since the last call.
    all.Add(Bounds{half->smallest, half->largest, half->whole});
  } else {
    size_t older_begin = newer_begin + count;
    older_begin -= older_begin >= ring.size() ? ring.size() : 0;
    all.Add(RingBoundsOf(ring, older_begin, count));
  }
  uint64_t base = static_cast<uint64_t>(all.smallest);
  uint64_t range = static_cast<uint64_t>(all.largest) - base;
  if (all.whole) {
    return RingOfKeys(ring, newer_begin, Keys<Decimal::kScale>{base}, range / Decimal::kScale,
                      newer, half, scratch);
  }
  return RingOfKeys(ring, newer_begin, Keys<1>{base}, range, newer, half, scratch);
}

}  // namespace logbridge::scoring
