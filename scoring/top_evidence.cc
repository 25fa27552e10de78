// The bounded evidence list of one metric: an offer is compared with the smallest kept absolute
// value before any text is copied, and kept texts are copied into reused buffers.
#include "scoring/top_evidence.h"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <new>
#include <utility>

namespace logbridge::scoring {

void TopEvidence::Append(const MetricValue& value, int64_t abs_units, std::string_view report_id,
                         bool down_weighted, size_t cap) {
  if (size_ == capacity_) {
    // Slots grow as a vector's would, from 16, so a large cap costs memory only when used.
    size_t grown = std::min<size_t>(cap, capacity_ == 0 ? 16 : 2 * size_t{capacity_});
    ItemArray items = AllocateItems(grown);
    auto* abs_units_grown = reinterpret_cast<int64_t*>(items.get() + grown);
    for (uint32_t i = 0; i < size_; ++i) {
      items[i] = std::move(items_[i]);
      abs_units_grown[i] = abs_units_[i];
    }
    items_ = std::move(items);
    abs_units_ = abs_units_grown;
    capacity_ = static_cast<uint32_t>(grown);
  }
  Fill(value, report_id, down_weighted, &items_[size_]);
  abs_units_[size_] = abs_units;
  ++size_;
  if (size_ == cap) {
    FindSmallest();
  }
}

namespace {

// Stored just before the first item of a block, so the deleter can find the block and the count.
struct ItemBlockHeader {
  void* block;
  size_t count;
};

}  // namespace

TopEvidence::ItemArray TopEvidence::AllocateItems(size_t count) {
  constexpr size_t kAlign = alignof(Item);
  size_t bytes = sizeof(ItemBlockHeader) + kAlign - 1 + count * (sizeof(Item) + sizeof(int64_t));
  void* block = ::operator new(bytes);
  uintptr_t first = (reinterpret_cast<uintptr_t>(block) + sizeof(ItemBlockHeader) + kAlign - 1) &
                    ~uintptr_t{kAlign - 1};
  auto* items = reinterpret_cast<Item*>(first);
  new (reinterpret_cast<ItemBlockHeader*>(items) - 1) ItemBlockHeader{block, count};
  // Default-initialized, so the inline text buffers are not zeroed before their first fill.
  std::uninitialized_default_construct_n(items, count);
  return ItemArray(items);
}

void TopEvidence::ItemsDeleter::operator()(Item* items) const {
  const ItemBlockHeader* header = reinterpret_cast<const ItemBlockHeader*>(items) - 1;
  void* block = header->block;
  std::destroy_n(items, header->count);
  ::operator delete(block);
}

void TopEvidence::Replace(const MetricValue& value, int64_t abs_units, std::string_view report_id,
                          bool down_weighted) {
  Fill(value, report_id, down_weighted, &items_[smallest_]);
  abs_units_[smallest_] = abs_units;
  FindSmallest();
}

void TopEvidence::Fill(const MetricValue& value, std::string_view report_id, bool down_weighted,
                       Item* item) {
  const EvidenceRef& origin = value.evidence;
  item->value = value.value;
  item->span = origin.span;
  item->down_weighted = down_weighted;
  item->has_approximate = origin.approximate.has_value();
  if (item->has_approximate) {
    item->approximate = *origin.approximate;
  }
  item->texts.Assign({report_id, origin.field_key, origin.source, origin.quote, origin.paired_key,
                      origin.paired_quote});
}

void TopEvidence::FindSmallest() {
  // Two passes without data-dependent branches. Values arrive in no particular order, so a
  // branch per comparison is often mispredicted.
  int64_t smallest_units = abs_units_[0];
  for (uint32_t i = 1; i < size_; ++i) {
    smallest_units = std::min(smallest_units, abs_units_[i]);
  }
  uint32_t smallest = 0;
  for (uint32_t i = 0; i < size_; ++i) {
    smallest = abs_units_[i] == smallest_units ? i : smallest;
  }
  smallest_ = smallest;
  smallest_units_ = smallest_units;
}

void TopEvidence::AppendTo(Decimal down_weight, std::vector<Evidence>* out) const {
  for (uint32_t i = 0; i < size_; ++i) {
    const Item& item = items_[i];
    // Rebuilt as Normalize found it, so ToEvidence composes the quote as it always does.
    MetricValue value;
    value.value = item.value;
    value.evidence.field_key = item.texts.Part(1);
    value.evidence.source = item.texts.Part(2);
    value.evidence.span = item.span;
    value.evidence.quote = item.texts.Part(3);
    value.evidence.paired_key = item.texts.Part(4);
    value.evidence.paired_quote = item.texts.Part(5);
    if (item.has_approximate) {
      value.evidence.approximate = item.approximate;
    }
    Evidence& evidence = out->emplace_back(value.ToEvidence(item.texts.Part(0)));
    if (item.down_weighted && down_weight != Decimal::FromInt(1)) {
      evidence.weight = down_weight;
      evidence.counted = item.value * down_weight;
    }
  }
}

}  // namespace logbridge::scoring
