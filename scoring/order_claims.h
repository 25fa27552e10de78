// Order claims for the duplicate_order check: the first claim of each order (a customer and an
// exact amount) within a sliding window of days. Claims live in a ring in the order they were
// made, so expired ones leave from the front and their slots, report id buffers included, are
// reused. Each customer has its own small index from amount to claim, so a lookup reads the
// few cache lines of one customer instead of a table of every claim in the window. Memory
// follows the claims in the window and the customer count, not the log count. Not thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/time.h"
#include "scoring/huge_pages.h"

namespace logbridge::scoring {

// An order: a customer by its interned id and an exact amount in Decimal units. Customer ids
// are small non-negative integers, because they index a vector.
struct OrderKey {
  int32_t customer = 0;
  int64_t units = 0;
  bool operator==(const OrderKey&) const = default;
};

class OrderClaims {
 public:
  struct Claim {
    OrderKey key;
    int32_t person = 0;  // the claimant, as the caller's interned person id
    EpochMs create_time;
    std::string report_id;
  };

  // REQUIRES: window is positive.
  explicit OrderClaims(std::chrono::milliseconds window) : window_(window) {}

  // Returns the remembered claim of key, or nullptr. The pointer is valid until the next Add.
  // REQUIRES: key.customer >= 0, here and in every member below.
  const Claim* Find(const OrderKey& key) const;

  // Starts loading the memory that Find(key) reads: the customer's index header, and the
  // index entry where the probe for key starts unless the customer has many claims. A hint
  // only.
  void Prefetch(const OrderKey& key) const;
  // Starts loading the claim that Find(key) returns, if any. It reads the customer's index, so
  // it is best called a while after Prefetch(key). A hint only.
  void PrefetchClaim(const OrderKey& key) const;

  // Remembers a claim of key unless one is remembered already, because the first claimant
  // keeps the order. Then removes the claims at the front of the ring made before the window
  // that ends at create_time, or at the last remembered claim's time when that is later. So a
  // claim fed out of time order leaves only when it reaches the front.
  void Add(const OrderKey& key, int32_t person, std::string_view report_id, EpochMs create_time);

  // The number of claims remembered.
  size_t size() const { return static_cast<size_t>(end_ - begin_); }

  // Claims per chunk of the ring: 32,768 of 64 bytes, one 2 MiB huge page. So a ring with any
  // claim takes at least 2 MiB.
  static constexpr uint64_t kChunkClaims = kHugePageSize / sizeof(Claim);
  static_assert(kChunkClaims * sizeof(Claim) == kHugePageSize, "a chunk fills one huge page");
  // Index entries each customer has in its inline block. A customer whose index needs more
  // moves it to a heap array of its own.
  static constexpr uint32_t kInlineEntries = 32;
  // Customers per inline block: 4,096 x 32 entries of 16 bytes, one 2 MiB huge page.
  static constexpr size_t kCustomersPerBlock = 4096;

 private:
  // An index entry: an amount and the sequence number of its claim. A claim that left the ring
  // keeps its entry until the customer's index is rebuilt, so an entry counts only while its
  // sequence number lies in [begin_, end_). kEmptySlot marks an unused entry.
  static constexpr uint64_t kEmptySlot = ~uint64_t{0};
  struct Entry {
    int64_t units = 0;
    uint64_t sequence = kEmptySlot;
  };
  // One customer's index: linear probing over a power-of-two array, where occupied counts the
  // entries in use, expired ones included. The array is the customer's inline block unless
  // spilled is set.
  struct CustomerIndex {
    std::unique_ptr<Entry[]> spilled;
    uint32_t capacity = kInlineEntries;
    uint32_t occupied = 0;
  };

  // The deleter of a chunk, which destroys its kChunkClaims claims and frees their huge page.
  struct ChunkDelete {
    void operator()(Claim* claims) const;
  };
  using Chunk = std::unique_ptr<Claim[], ChunkDelete>;
  // Returns a chunk of kChunkClaims default claims in huge page memory.
  static Chunk NewChunk();
  // An inline block of kCustomersPerBlock x kInlineEntries entries in huge page memory, and its
  // deleter.
  struct BlockDelete {
    void operator()(Entry* entries) const;
  };
  using Block = std::unique_ptr<Entry[], BlockDelete>;

  // REQUIRES: sequence lies in [begin_, end_], and for end_ its chunk is prepared.
  Claim& SlotOf(uint64_t sequence) {
    return chunks_[(sequence / kChunkClaims) & (chunks_.size() - 1)][sequence % kChunkClaims];
  }
  const Claim& SlotOf(uint64_t sequence) const {
    return chunks_[(sequence / kChunkClaims) & (chunks_.size() - 1)][sequence % kChunkClaims];
  }
  bool IsLive(uint64_t sequence) const { return sequence - begin_ < end_ - begin_; }
  // Returns the customer's inline block, which exists for every customer below
  // customers_.size().
  Entry* InlineEntriesOf(size_t customer) const {
    return inline_blocks_[customer / kCustomersPerBlock].get() +
           (customer % kCustomersPerBlock) * kInlineEntries;
  }
  const Entry* EntriesOf(size_t customer) const {
    const CustomerIndex& index = customers_[customer];
    return index.spilled ? index.spilled.get() : InlineEntriesOf(customer);
  }
  Entry* EntriesOf(size_t customer) {
    CustomerIndex& index = customers_[customer];
    return index.spilled ? index.spilled.get() : InlineEntriesOf(customer);
  }
  // Returns the position of units among capacity entries, or of the free entry where it
  // belongs when it has none.
  static size_t Probe(const Entry* entries, uint32_t capacity, int64_t units);
  // Returns the entry of units, adding a free one (sequence kEmptySlot) when it has none.
  Entry* EntryFor(size_t customer, int64_t units);
  // Rebuilds a customer's index with its live entries only, in an array sized for them and
  // the next one.
  void Rebuild(size_t customer);

  // Starts loading the claim slots that the next Add reads: the one it fills and the one at
  // the front of the ring after begin_. A hint only.
  void PrefetchNextSlots() const;

  // Makes the chunk of sequence end_ ready for writing when end_ starts a chunk. The chunk in
  // its ring position is reused when it contains only expired claims. Otherwise the ring of chunk
  // pointers doubles, which moves pointers but no claim.
  void PrepareChunk();

  const std::chrono::milliseconds window_;
  // Claims get consecutive sequence numbers. The live ones, [begin_, end_), sit at position
  // sequence mod kChunkClaims of chunk (sequence / kChunkClaims) mod chunks_.size(), which is
  // zero or a power of two. Chunks never move, so the ring never copies a claim, and a chunk
  // whose claims all expired is reused, report id buffers included.
  std::vector<Chunk> chunks_;
  uint64_t begin_ = 0;
  uint64_t end_ = 0;
  // Indexed by OrderKey::customer. Each inline block has kInlineEntries for each of
  // kCustomersPerBlock customers, so the start of a probe has an address known from the key
  // alone. Blocks are allocated as customers arrive and never move, so adding customers copies
  // no entries.
  std::vector<CustomerIndex> customers_;
  std::vector<Block> inline_blocks_;
  std::vector<Entry> live_entries_;  // Rebuild's scratch, reused
};

}  // namespace logbridge::scoring
