// TopEvidence: the evidence one metric keeps for one person and period, bounded to the
// contributions with the largest absolute values. Each kept item stores its texts back to back
// in a fixed inline buffer, so keeping or replacing an item rarely allocates. The smallest kept
// absolute value sits in the object itself, so an offer that is not kept reads no item memory.
// Move-only value type; not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
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
  TopEvidence() = default;
  TopEvidence(TopEvidence&&) noexcept = default;
  TopEvidence& operator=(TopEvidence&&) noexcept = default;

  // Keeps the value's evidence when its absolute value is among the cap largest offered so far.
  // A larger value replaces the smallest kept item, and a value equal to it is not kept. Values
  // not kept and items replaced are counted in omitted(). down_weighted marks a value of a log
  // that counts with the config's down_weight.
  // REQUIRES: the same cap on every call.
  void Offer(const MetricValue& value, std::string_view report_id, bool down_weighted,
             size_t cap) {
    int64_t abs_units = value.value.Abs().units();
    if (size_ < cap) {
      Append(value, abs_units, report_id, down_weighted, cap);
      return;
    }
    ++omitted_;
    if (cap > 0 && abs_units > smallest_units_) {
      Replace(value, abs_units, report_id, down_weighted);
    }
  }

  // Appends the kept items as owned Evidence in slot order, which is what a list updated in
  // place would hold. Items of down-weighted logs get weight down_weight and counted value x
  // down_weight, unless down_weight is 1.
  void AppendTo(Decimal down_weight, std::vector<Evidence>* out) const;

  size_t size() const { return size_; }
  int64_t omitted() const { return omitted_; }

 private:
  // Two cache lines, so that a fill writes no more. Texts longer than 72 bytes in total move to
  // the item's reused heap buffer.
  struct alignas(64) Item {
    Decimal value;
    Span span;
    ValueRange approximate;  // valid when has_approximate is set
    bool has_approximate = false;
    bool down_weighted = false;
    // report id, field key, source, quote, paired key and paired quote.
    PackedStrings<6, 72> texts;
  };
  static_assert(sizeof(Item) == 128);

  // Adds an item in the next free slot, growing the slots up to cap.
  void Append(const MetricValue& value, int64_t abs_units, std::string_view report_id,
              bool down_weighted, size_t cap);
  // Overwrites the smallest item with a larger value.
  void Replace(const MetricValue& value, int64_t abs_units, std::string_view report_id,
               bool down_weighted);
  // Fills an item from a value; the item's buffers are reused.
  static void Fill(const MetricValue& value, std::string_view report_id, bool down_weighted,
                   Item* item);
  // Finds the item that the next larger value replaces: the last one, in slot order, with the
  // smallest absolute value.
  void FindSmallest();

  // Destroys the items of a block made by AllocateItems and frees the block.
  struct ItemsDeleter {
    void operator()(Item* items) const;
  };
  using ItemArray = std::unique_ptr<Item[], ItemsDeleter>;

  // Allocates one block with count default-initialized items, aligned to a cache line, and then
  // room for count uninitialized int64_t, which start at the returned items + count. The block
  // comes from a plain operator new and is aligned by hand: in score_bench under callgrind, glibc
  // 2.36 spent about 700 instructions on each aligned operator new.
  static ItemArray AllocateItems(size_t count);

  // Slots [0, size_) are in use; both arrays have capacity_ slots.
  ItemArray items_;
  int64_t* abs_units_ = nullptr;  // |value| of each item in units, in items_'s block
  uint32_t size_ = 0;
  uint32_t capacity_ = 0;
  uint32_t smallest_ = 0;       // index of the item to replace; valid once the list is full
  int64_t smallest_units_ = 0;  // abs_units_[smallest_]; valid once the list is full
  int64_t omitted_ = 0;
};

}  // namespace logbridge::scoring
