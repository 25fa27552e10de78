// TopEvidence: the evidence one metric keeps for one person and period, bounded to the
// contributions with the largest absolute values. Each kept item stores its texts back to back
// in a fixed inline buffer, so keeping or replacing an item rarely allocates. Value type; not
// thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "scoring/decimal.h"
#include "scoring/extract.h"
#include "scoring/normalize.h"
#include "scoring/packed_strings.h"

namespace logbridge::scoring {

class TopEvidence {
 public:
  // Keeps the value's evidence when its absolute value is among the cap largest offered so far.
  // A larger value replaces the smallest kept item, and a value equal to it is not kept. Values
  // not kept and items replaced are counted in omitted(). down_weighted marks a value of a log
  // that counts with the config's down_weight.
  void Offer(const MetricValue& value, std::string_view report_id, bool down_weighted, size_t cap);

  // Appends the kept items as owned Evidence in slot order, which is what a list updated in
  // place would hold. Items of down-weighted logs get weight down_weight and counted value x
  // down_weight, unless down_weight is 1.
  void AppendTo(Decimal down_weight, std::vector<Evidence>* out) const;

  size_t size() const { return items_.size(); }
  int64_t omitted() const { return omitted_; }

 private:
  struct Item {
    Decimal value;
    Span span;
    bool down_weighted = false;
    std::optional<ValueRange> approximate;
    // report id, field key, source, quote, paired key and paired quote.
    PackedStrings<6> texts;
  };

  // Fills an item from a value; the item's buffers are reused.
  static void Fill(const MetricValue& value, std::string_view report_id, bool down_weighted,
                   Item* item);
  // Finds the item that the next larger value replaces: the last one, in slot order, with the
  // smallest absolute value.
  void FindSmallest();

  std::vector<Item> items_;
  std::vector<int64_t> abs_units_;  // |value| of each item in units, scanned by FindSmallest
  size_t smallest_ = 0;             // index into items_; valid once items_ is full
  int64_t omitted_ = 0;
};

}  // namespace logbridge::scoring
