// TopEvidence: the evidence one metric keeps for one person and period, bounded to the
// contributions with the largest absolute values. Each kept item is one cache line: the value,
// the span, an EvidenceOrigins id for the field key, source and paired key, and the report id,
// quote and paired quote back to back in an inline buffer. Texts too long for it and the rare
// approximate range go to a cold slot beside the item, so keeping or replacing an item writes
// one line and rarely allocates. The smallest kept absolute value sits in the object itself, so
// an offer that is not kept reads no item memory. Move-only value type; not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "scoring/decimal.h"
#include "scoring/evidence_origins.h"
#include "scoring/extract.h"
#include "scoring/normalize.h"
#include "scoring/prefetch.h"

namespace logbridge::scoring {

class TopEvidence {
 public:
  TopEvidence() = default;
  TopEvidence(TopEvidence&&) noexcept = default;
  TopEvidence& operator=(TopEvidence&&) noexcept = default;

  // Keeps the value's evidence when its absolute value is among the cap largest offered so far.
  // A larger value replaces the smallest kept item, and a value equal to it is not kept. Values
  // not kept and items replaced are counted in omitted(), so size() + omitted() is the number of
  // offers, which the engine reads as the metric's value count. down_weighted marks a value of a log
  // that counts with the config's down_weight. A kept value's names are interned in *origins,
  // with lifetime as EvidenceOrigins::Intern takes it.
  // REQUIRES: the same cap and the same origins on every call.
  void Offer(const MetricValue& value, std::string_view report_id, bool down_weighted, size_t cap,
             EvidenceOrigins* origins,
             EvidenceOrigins::NameLifetime lifetime = EvidenceOrigins::NameLifetime::kCall) {
    int64_t abs_units = value.value.Abs().units();
    if (size_ < cap) {
      Append(value, abs_units, report_id, down_weighted, cap, origins, lifetime);
      return;
    }
    ++omitted_;
    if (cap > 0 && abs_units > smallest_units_) {
      Replace(value, abs_units, report_id, down_weighted, origins, lifetime);
    }
  }

  // Starts loading the item that an Offer of value with this cap would write, and the absolute
  // values that a replacement scans afterwards. Changes nothing, so an Offer in between costs at
  // most a miss.
  void StartOfferLoads(const MetricValue& value, size_t cap) const {
    if (size_ < cap) {
      if (size_ < capacity_) {
        // The item that fills the list also makes Append scan the absolute values from the first.
        StartLoadForWrite(&items_[size_]);
        StartLoadForWrite(AbsUnits());
        StartLoadForWrite(AbsUnits() + size_);
      }
      return;
    }
    if (cap == 0 || value.value.Abs().units() <= smallest_units_) {
      return;
    }
    StartLoadForWrite(&items_[smallest_]);
    const int64_t* abs_units = AbsUnits();
    StartLoadForWrite(abs_units);
    StartLoadForWrite(abs_units + size_ - 1);
  }

  // Appends the kept items as owned Evidence in slot order, which is what a list updated in
  // place would hold. Items of down-weighted logs get weight down_weight and counted value x
  // down_weight, unless down_weight is 1. origins is the table that Offer filled.
  void AppendTo(const EvidenceOrigins& origins, Decimal down_weight,
                std::vector<Evidence>* out) const;

  // The fields of a kept item that reports sort evidence by, as views into this object and
  // origins, valid until the next Offer.
  struct ItemKey {
    std::string_view report_id;
    std::string_view field_key;
    Span span;
    std::string_view source;
  };
  // REQUIRES: slot < size().
  ItemKey KeyOf(const EvidenceOrigins& origins, uint32_t slot) const;
  // Appends the item in one slot as AppendTo does, so that a caller can build evidence in its
  // own order without moving it afterwards. REQUIRES: slot < size().
  void AppendItemTo(const EvidenceOrigins& origins, Decimal down_weight, uint32_t slot,
                    std::vector<Evidence>* out) const;

  size_t size() const { return size_; }
  int64_t omitted() const { return omitted_; }

 private:
  static constexpr size_t kInlineBytes = 40;
  // Item::flags bits.
  static constexpr uint8_t kDownWeighted = 1;
  static constexpr uint8_t kHasApproximate = 2;   // the range is in the item's cold slot
  static constexpr uint8_t kTextsInColdSlot = 4;  // the texts did not fit in Item::texts

  // Plain fields without initializers, so that allocating a block of items writes none of their
  // cache lines. Fill sets every field that is read later.
  struct alignas(64) Item {
    int64_t value_units;  // the value, as Decimal units
    int32_t span_begin;
    int32_t span_end;
    uint32_t origin;  // EvidenceOrigins id
    uint8_t flags;
    // The ends of the report id and of the quote in texts. The paired quote ends at texts_end.
    // Set only when the texts are inline.
    uint8_t report_id_end;
    uint8_t quote_end;
    uint8_t texts_end;
    char texts[kInlineBytes];  // only [0, texts_end) is read
  };
  static_assert(sizeof(Item) == 64);
  static_assert(std::is_trivially_default_constructible_v<Item>);

  // The part of an item kept outside its cache line. Later fills reuse the texts' buffer.
  struct ColdSlot {
    std::string texts;  // report id, quote and paired quote, when kTextsInColdSlot is set
    uint32_t report_id_end = 0;
    uint32_t quote_end = 0;
    ValueRange approximate;  // when kHasApproximate is set
  };

  // Adds an item in the next free slot, growing the slots up to cap.
  void Append(const MetricValue& value, int64_t abs_units, std::string_view report_id,
              bool down_weighted, size_t cap, EvidenceOrigins* origins,
              EvidenceOrigins::NameLifetime lifetime);
  // Overwrites the smallest item with a larger value.
  void Replace(const MetricValue& value, int64_t abs_units, std::string_view report_id,
               bool down_weighted, EvidenceOrigins* origins,
               EvidenceOrigins::NameLifetime lifetime);
  // Fills the item in a slot from a value, reusing the slot's cold buffer. Inlined into Append
  // and Replace, its only callers, which saves a call per kept value.
  [[gnu::always_inline]] inline void Fill(const MetricValue& value, std::string_view report_id,
                                          bool down_weighted, uint32_t slot,
                                          EvidenceOrigins* origins,
                                          EvidenceOrigins::NameLifetime lifetime);
  // Returns the cold slot of an item, allocating the cold slots on first use.
  ColdSlot& ColdSlotOf(uint32_t slot);
  // Finds the item that the next larger value replaces: the last one, in slot order, with the
  // smallest absolute value.
  void FindSmallest();

  // |value| of each item in units, right after the items in their block.
  int64_t* AbsUnits() const { return reinterpret_cast<int64_t*>(items_.get() + capacity_); }

  // Destroys the items of a block made by AllocateItems and frees the block.
  struct ItemsDeleter {
    void operator()(Item* items) const;
  };
  using ItemArray = std::unique_ptr<Item[], ItemsDeleter>;

  // Allocates one block with count uninitialized items, aligned to a cache line, and then
  // room for count uninitialized int64_t, which start at the returned items + count. The block
  // comes from a plain operator new and is aligned by hand: in score_bench under callgrind, glibc
  // 2.36 spent about 700 instructions on each aligned operator new.
  static ItemArray AllocateItems(size_t count);

  // Slots [0, size_) are in use; items_ and cold_ (once allocated) have capacity_ slots.
  ItemArray items_;
  std::unique_ptr<ColdSlot[]> cold_;  // allocated by the first item that needs one
  uint32_t size_ = 0;
  uint32_t capacity_ = 0;
  uint32_t smallest_ = 0;       // index of the item to replace; valid once the list is full
  int64_t smallest_units_ = 0;  // AbsUnits()[smallest_]; valid once the list is full
  int64_t omitted_ = 0;
};

}  // namespace logbridge::scoring
