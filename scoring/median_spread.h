// The median and the median absolute deviation (MAD) of a list of decimals, as the role outlier
// check uses them. The values are sorted by a radix sort on their units, one pass per byte of
// their range (two to four passes on score_bench's metrics), and the MAD is read by walking
// outward from the median. The results equal those of selecting on the doubles directly.
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
};

// Returns the median and MAD of values, with every value taken as Decimal::ToDouble. An even
// count takes the mean of the two middle values, for both.
// REQUIRES: values is not empty.
MedianSpread MedianAndSpread(std::span<const Decimal> values, MedianScratch* scratch);

}  // namespace logbridge::scoring
