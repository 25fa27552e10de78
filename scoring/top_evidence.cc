// The bounded evidence list of one metric: an offer is compared with the smallest kept absolute
// value before any text is copied, and kept texts are copied into one cache line per item.
#include "scoring/top_evidence.h"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <new>
#include <utility>

#include "scoring/short_bytes.h"

namespace logbridge::scoring {

void TopEvidence::Append(const MetricValue& value, int64_t abs_units, std::string_view report_id,
                         bool down_weighted, size_t cap, EvidenceOrigins* origins,
                         EvidenceOrigins::NameLifetime lifetime) {
  if (size_ == capacity_) {
    // Slots grow as a vector's would, from 16, so a large cap costs memory only when used.
    size_t grown = std::min<size_t>(cap, capacity_ == 0 ? 16 : 2 * size_t{capacity_});
    ItemArray items = AllocateItems(grown);
    auto* abs_units_grown = reinterpret_cast<int64_t*>(items.get() + grown);
    int64_t* abs_units = AbsUnits();
    for (uint32_t i = 0; i < size_; ++i) {
      items[i] = items_[i];
      abs_units_grown[i] = abs_units[i];
    }
    if (cold_ != nullptr) {
      auto cold = std::make_unique<ColdSlot[]>(grown);
      std::move(cold_.get(), cold_.get() + size_, cold.get());
      cold_ = std::move(cold);
    }
    items_ = std::move(items);
    capacity_ = static_cast<uint32_t>(grown);
  }
  Fill(value, report_id, down_weighted, size_, origins, lifetime);
  AbsUnits()[size_] = abs_units;
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
  // Items are trivial, so this writes nothing: each item's line is first written when it is filled.
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
                          bool down_weighted, EvidenceOrigins* origins,
                          EvidenceOrigins::NameLifetime lifetime) {
  Fill(value, report_id, down_weighted, smallest_, origins, lifetime);
  AbsUnits()[smallest_] = abs_units;
  FindSmallest();
}

TopEvidence::ColdSlot& TopEvidence::ColdSlotOf(uint32_t slot) {
  if (cold_ == nullptr) {
    cold_ = std::make_unique<ColdSlot[]>(capacity_);
  }
  return cold_[slot];
}

void TopEvidence::Fill(const MetricValue& value, std::string_view report_id, bool down_weighted,
                       uint32_t slot, EvidenceOrigins* origins,
                       EvidenceOrigins::NameLifetime lifetime) {
  const EvidenceRef& origin = value.evidence;
  Item& item = items_[slot];
  item.value_units = value.value.units();
  item.span_begin = origin.span.begin;
  item.span_end = origin.span.end;
  item.origin = origins->Intern({origin.field_key, origin.source, origin.paired_key},
                                static_cast<size_t>(value.metric), lifetime);
  uint8_t flags = down_weighted ? kDownWeighted : 0;
  if (origin.approximate) {
    flags |= kHasApproximate;
    ColdSlotOf(slot).approximate = *origin.approximate;
  }

  size_t quote_end = report_id.size() + origin.quote.size();
  size_t texts_end = quote_end + origin.paired_quote.size();
  if (texts_end <= kInlineBytes) {
    item.report_id_end = static_cast<uint8_t>(report_id.size());
    item.quote_end = static_cast<uint8_t>(quote_end);
    item.texts_end = static_cast<uint8_t>(texts_end);
    CopyShortBytes(report_id.data(), report_id.size(), item.texts);
    CopyShortBytes(origin.quote.data(), origin.quote.size(), item.texts + report_id.size());
    CopyShortBytes(origin.paired_quote.data(), origin.paired_quote.size(), item.texts + quote_end);
  } else {
    flags |= kTextsInColdSlot;
    ColdSlot& cold = ColdSlotOf(slot);
    cold.texts.assign(report_id);
    cold.texts.append(origin.quote);
    cold.texts.append(origin.paired_quote);
    cold.report_id_end = static_cast<uint32_t>(report_id.size());
    cold.quote_end = static_cast<uint32_t>(quote_end);
  }
  item.flags = flags;
}

void TopEvidence::FindSmallest() {
  // Two passes without data-dependent branches. Values arrive in no particular order, so a
  // branch per comparison is often mispredicted.
  const int64_t* abs_units = AbsUnits();
  int64_t smallest_units = abs_units[0];
  for (uint32_t i = 1; i < size_; ++i) {
    smallest_units = std::min(smallest_units, abs_units[i]);
  }
  uint32_t smallest = 0;
  for (uint32_t i = 0; i < size_; ++i) {
    smallest = abs_units[i] == smallest_units ? i : smallest;
  }
  smallest_ = smallest;
  smallest_units_ = smallest_units;
}

TopEvidence::ItemKey TopEvidence::KeyOf(const EvidenceOrigins& origins, uint32_t slot) const {
  const Item& item = items_[slot];
  std::string_view report_id(item.texts, item.report_id_end);
  if ((item.flags & kTextsInColdSlot) != 0) {
    report_id = std::string_view(cold_[slot].texts).substr(0, cold_[slot].report_id_end);
  }
  EvidenceOrigins::Names names = origins.Get(item.origin);
  return {report_id, names.field_key, {item.span_begin, item.span_end}, names.source};
}

void TopEvidence::AppendItemTo(const EvidenceOrigins& origins, Decimal down_weight, uint32_t slot,
                               std::vector<Evidence>* out) const {
  const Item& item = items_[slot];
  std::string_view texts(item.texts, item.texts_end);
  size_t report_id_end = item.report_id_end;
  size_t quote_end = item.quote_end;
  if ((item.flags & kTextsInColdSlot) != 0) {
    texts = cold_[slot].texts;
    report_id_end = cold_[slot].report_id_end;
    quote_end = cold_[slot].quote_end;
  }
  // Rebuilt as Normalize found it, so ToEvidence composes the quote as it always does.
  EvidenceOrigins::Names names = origins.Get(item.origin);
  MetricValue value;
  value.value = Decimal::FromUnits(item.value_units);
  value.evidence.field_key = names.field_key;
  value.evidence.source = names.source;
  value.evidence.span = {item.span_begin, item.span_end};
  value.evidence.quote = texts.substr(report_id_end, quote_end - report_id_end);
  value.evidence.paired_key = names.paired_key;
  value.evidence.paired_quote = texts.substr(quote_end);
  if ((item.flags & kHasApproximate) != 0) {
    value.evidence.approximate = cold_[slot].approximate;
  }
  Evidence& evidence = out->emplace_back(value.ToEvidence(texts.substr(0, report_id_end)));
  if ((item.flags & kDownWeighted) != 0 && down_weight != Decimal::FromInt(1)) {
    evidence.weight = down_weight;
    evidence.counted = value.value * down_weight;
  }
}

void TopEvidence::AppendTo(const EvidenceOrigins& origins, Decimal down_weight,
                           std::vector<Evidence>* out) const {
  for (uint32_t i = 0; i < size_; ++i) {
    AppendItemTo(origins, down_weight, i, out);
  }
}

}  // namespace logbridge::scoring
