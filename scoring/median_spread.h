// The median and the median absolute deviation (MAD) of a list of decimals, as the role outlier
// check uses them. Values whose range is small, in units or in whole numbers when every value is
// whole, are counted per value. Other values are sorted by a radix sort, one pass per byte of
// their range. The median is read at the middle, and the MAD by walking outward from it. On
// score_bench, counts and hours are counted, and amounts in yuan take three passes.
// The results equal those of selecting on the doubles directly.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "scoring/decimal.h"

namespace logbridge::scoring {

struct MedianSpread {
  double median = 0;
  double mad = 0;  // the median of |value - median|
};

// Buffers that MedianAndSpread reuses, so a caller that keeps them allocates nothing once they
// have grown.
struct MedianScratch {
  std::vector<uint64_t> keys;
  std::vector<uint64_t> spare;
  std::vector<double> sorted;
  std::vector<uint32_t> counts;  // values per key, when the keys' range is small
  std::vector<int64_t> units;    // RingMedianAndSpread's newer half, ascending
};

// Returns the median and MAD of values, with every value taken as Decimal::ToDouble. An even
// count takes the mean of the two middle values, for both.
// REQUIRES: values is not empty.
MedianSpread MedianAndSpread(std::span<const Decimal> values, MedianScratch* scratch);

// The part of a ring that RingMedianAndSpread keeps from the values written just before its
// last call, which are the older half at the next call. valid is false until a call set the
// fields. units contains those values in ascending order only when sorted is true, and a call
// that counts the values instead of sorting them sets sorted to false.
struct SortedRingHalf {
  std::vector<int64_t> units;
  int64_t smallest = 0;  // the smallest and the largest of the values, in units
  int64_t largest = 0;
  bool whole = true;  // every value of the half is a whole number
  bool sorted = false;
  bool valid = false;
};

// Returns MedianAndSpread(ring) for a full ring in which exactly the half starting at slot
// newer_begin (wrapping around) was written since the previous call with the same *half. The
// bounds of the older half come from *half, so only the newer half is scanned. Values that are
// sorted, not counted, sort only that newer half and merge it with the half kept sorted in *half.
// Then the newer half is kept. So a ring refreshed every half turn sorts each value once instead
// of twice.
// REQUIRES: ring.size() is even and positive, newer_begin < ring.size(), and *half is unchanged
// since the previous call on this ring or has valid false.
MedianSpread RingMedianAndSpread(std::span<const Decimal> ring, size_t newer_begin,
                                 SortedRingHalf* half, MedianScratch* scratch);

}  // namespace logbridge::scoring
