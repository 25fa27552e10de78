// The claim ring and the per-customer indexes. A slot is overwritten rather than destroyed when
// its claim expires, so a report id reuses the buffer of the claim that held the slot before.
// Expiry only moves the front of the ring: index entries of expired claims stop counting at
// once and leave their index at its next rebuild, so expiry reads no index.
#include "scoring/order_claims.h"

#include <algorithm>
#include <memory>
#include <utility>

#include "scoring/prefetch.h"

namespace logbridge::scoring {
namespace {

// The home slot of an amount before masking. Amounts are often round, so their low bits vary
// little; the multiply by an odd constant and the fold spread them over the low bits.
size_t HomeSlot(int64_t units) {
  uint64_t mixed = static_cast<uint64_t>(units) * 0x9E3779B97F4A7C15ULL;
  return static_cast<size_t>(mixed ^ (mixed >> 32));
}

}  // namespace

void OrderClaims::ChunkDelete::operator()(Claim* claims) const {
  std::destroy_n(claims, kChunkClaims);
  FreeHugePages(reinterpret_cast<std::byte*>(claims), kChunkClaims * sizeof(Claim));
}

OrderClaims::Chunk OrderClaims::NewChunk() {
  std::byte* memory = AllocateHugePages(kChunkClaims * sizeof(Claim));
  Claim* claims = reinterpret_cast<Claim*>(memory);
  std::uninitialized_value_construct_n(claims, kChunkClaims);
  return Chunk(claims);
}

void OrderClaims::BlockDelete::operator()(Entry* entries) const {
  FreeHugePages(reinterpret_cast<std::byte*>(entries),
                kCustomersPerBlock * kInlineEntries * sizeof(Entry));
}

size_t OrderClaims::Probe(const Entry* entries, uint32_t capacity, int64_t units) {
  size_t mask = capacity - 1;
  for (size_t slot = HomeSlot(units) & mask;; slot = (slot + 1) & mask) {
    if (entries[slot].sequence == kEmptySlot || entries[slot].units == units) {
      return slot;
    }
  }
}

const OrderClaims::Claim* OrderClaims::Find(const OrderKey& key) const {
  size_t customer = static_cast<size_t>(key.customer);
  if (customer >= customers_.size()) {
    return nullptr;
  }
  const Entry* entries = EntriesOf(customer);
  const Entry& entry = entries[Probe(entries, customers_[customer].capacity, key.units)];
  return IsLive(entry.sequence) ? &SlotOf(entry.sequence) : nullptr;
}

void OrderClaims::Prefetch(const OrderKey& key) const {
  size_t customer = static_cast<size_t>(key.customer);
  if (customer >= customers_.size()) {
    return;
  }
  // Both addresses follow from the key, so the two loads overlap.
  StartLoad(&customers_[customer]);
  StartLoad(InlineEntriesOf(customer) + (HomeSlot(key.units) & (kInlineEntries - 1)));
}

void OrderClaims::PrefetchClaim(const OrderKey& key) const {
  size_t customer = static_cast<size_t>(key.customer);
  if (customer >= customers_.size()) {
    return;
  }
  const Entry* entries = EntriesOf(customer);
  const Entry& entry = entries[Probe(entries, customers_[customer].capacity, key.units)];
  if (IsLive(entry.sequence)) {
    StartLoad(&SlotOf(entry.sequence));
  }
}

OrderClaims::Entry* OrderClaims::EntryFor(size_t customer, int64_t units) {
  CustomerIndex& index = customers_[customer];
  Entry* entries = EntriesOf(customer);
  Entry* entry = &entries[Probe(entries, index.capacity, units)];
  if (entry->sequence != kEmptySlot) {
    return entry;
  }
  // At most 3/4 of the entries are in use, so probe runs stay short and one is always free.
  if ((index.occupied + 1) * 4 > index.capacity * 3) {
    Rebuild(customer);
    entries = EntriesOf(customer);
    entry = &entries[Probe(entries, index.capacity, units)];
  }
  entry->units = units;
  ++index.occupied;
  return entry;
}

void OrderClaims::Rebuild(size_t customer) {
  CustomerIndex& index = customers_[customer];
  const Entry* entries = EntriesOf(customer);
  live_entries_.clear();
  for (uint32_t i = 0; i < index.capacity; ++i) {
    if (IsLive(entries[i].sequence)) {
      live_entries_.push_back(entries[i]);
    }
  }
  // After a rebuild at most half of the entries are used, so the next rebuild comes after at
  // least capacity / 4 additions. An index whose size stays keeps its array.
  uint32_t capacity = kInlineEntries;
  while ((live_entries_.size() + 1) * 2 > capacity) {
    capacity *= 2;
  }
  if (capacity == kInlineEntries) {
    index.spilled.reset();
  } else if (capacity != index.capacity || !index.spilled) {
    index.spilled = std::make_unique_for_overwrite<Entry[]>(capacity);
  }
  index.capacity = capacity;
  Entry* rebuilt = EntriesOf(customer);
  std::fill_n(rebuilt, capacity, Entry{});
  index.occupied = 0;
  for (const Entry& entry : live_entries_) {
    rebuilt[Probe(rebuilt, capacity, entry.units)] = entry;
    ++index.occupied;
  }
}

void OrderClaims::Add(const OrderKey& key, int32_t person, std::string_view report_id,
                      EpochMs create_time) {
  size_t customer = static_cast<size_t>(key.customer);
  if (customer >= customers_.size()) {
    customers_.resize(customer + 1);
    while (inline_blocks_.size() * kCustomersPerBlock < customers_.size()) {
      // Every entry is Entry{}, which marks it free.
      std::byte* memory = AllocateHugePages(kCustomersPerBlock * kInlineEntries * sizeof(Entry));
      Entry* entries = reinterpret_cast<Entry*>(memory);
      std::uninitialized_value_construct_n(entries, kCustomersPerBlock * kInlineEntries);
      inline_blocks_.push_back(Block(entries));
    }
  }
  Entry* entry = EntryFor(customer, key.units);
  if (!IsLive(entry->sequence)) {
    if (end_ % kChunkClaims == 0) {
      PrepareChunk();
    }
    entry->sequence = end_;
    Claim& claim = SlotOf(end_);
    claim.key = key;
    claim.person = person;
    claim.create_time = create_time;
    claim.report_id.assign(report_id);
    ++end_;
  }

  EpochMs newest = std::max(create_time, SlotOf(end_ - 1).create_time);
  EpochMs oldest = newest - window_;
  while (begin_ != end_ && SlotOf(begin_).create_time < oldest) {
    ++begin_;
  }
  PrefetchNextSlots();
}

void OrderClaims::PrefetchNextSlots() const {
  // The slot the next claim fills, unless it starts a chunk that PrepareChunk may replace.
  // Writing its report id reads the slot's old string first, so it would wait for the load.
  if (end_ % kChunkClaims != 0) {
    StartLoadForWrite(&SlotOf(end_));
  }
  // The claim that expires next, which the next Add reads. It was written a whole window ago.
  if (end_ - begin_ > 1) {
    StartLoad(&SlotOf(begin_ + 1));
  }
}

void OrderClaims::PrepareChunk() {
  uint64_t first_live = begin_ / kChunkClaims;
  uint64_t next = end_ / kChunkClaims;
  // The chunks from first_live to next must each have a ring position of their own.
  if (next - first_live + 1 > chunks_.size()) {
    size_t count = std::max<size_t>(4, 2 * chunks_.size());
    while (next - first_live + 1 > count) {
      count *= 2;
    }
    std::vector<Chunk> larger(count);
    for (uint64_t chunk = first_live; chunk < next; ++chunk) {
      larger[chunk & (count - 1)] = std::move(chunks_[chunk & (chunks_.size() - 1)]);
    }
    chunks_ = std::move(larger);
  }
  Chunk& chunk = chunks_[next & (chunks_.size() - 1)];
  if (!chunk) {
    chunk = NewChunk();
  }
}

}  // namespace logbridge::scoring
