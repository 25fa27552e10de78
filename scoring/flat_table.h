// FlatTable: an open-addressing hash map for the scoring hot path. Entries sit in one array
// probed linearly from their home slot, next to an array of 32-bit hash tags, so a lookup
// usually touches two cache lines and never allocates. std::unordered_map allocates a node per
// entry and chases a pointer per probe, which made it the largest single cost of validation
// and aggregation in bench/score_bench.
//
// Differences from std::unordered_map that callers must respect:
// - Pointers to values are invalidated by any insertion (the array may grow) and by Erase
//   (later entries of the probe run move back).
// - Iteration order is the slot order. It depends only on the sequence of operations, so it is
//   deterministic, but it is not insertion order; sort before producing output.
// - Lookups are heterogeneous: Find(k) works for any k that Hash and Equal accept together with
//   Key, such as a std::string_view for std::string keys with transparent functors.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <tuple>
#include <utility>

#include "scoring/huge_pages.h"
#include "scoring/prefetch.h"

namespace logbridge::scoring {

template <typename Key, typename Value, typename Hash, typename Equal = std::equal_to<>>
class FlatTable {
 public:
  using Entry = std::pair<Key, Value>;

  FlatTable() = default;
  FlatTable(const FlatTable& other) { *this = other; }
  FlatTable(FlatTable&& other) noexcept { Swap(other); }
  FlatTable& operator=(const FlatTable& other) {
    if (this != &other) {
      Clear();
      Reserve(other.size_);
      other.ForEach([this](const Key& key, const Value& value) { TryEmplace(key, value); });
    }
    return *this;
  }
  FlatTable& operator=(FlatTable&& other) noexcept {
    if (this != &other) {
      FlatTable gone(std::move(*this));
      Swap(other);
    }
    return *this;
  }
  ~FlatTable() { Release(); }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  template <typename K>
  Value* Find(const K& key) {
    return FindHashed(key, HashOf(key));
  }
  template <typename K>
  const Value* Find(const K& key) const {
    return FindHashed(key, HashOf(key));
  }

  // Asks the processor to start loading the cache lines where a lookup of key begins, so a
  // caller that knows a key early can overlap the memory access with other work. It changes
  // nothing and is only a hint.
  template <typename K>
  void Prefetch(const K& key) const {
    PrefetchHashed(HashOf(key));
  }

  // Returns the value for key, inserting Value(args...) under Key(key) when it is absent, and
  // whether it inserted. Key(key) is constructed only on insertion, so a lookup by string_view
  // of an existing std::string key copies nothing.
  template <typename K, typename... Args>
  std::pair<Value*, bool> TryEmplace(K&& key, Args&&... args) {
    size_t hash = HashOf(key);
    return TryEmplaceHashed(hash, std::forward<K>(key), std::forward<Args>(args)...);
  }

  // Returns Hash{}(key). The *Hashed calls below take it in place of hashing the key again, so
  // a caller that looks a key up more than once, or in several tables with the same Hash, hashes
  // it once. The hash depends on the key alone, so it stays valid while the table changes.
  template <typename K>
  static size_t HashOf(const K& key) {
    return static_cast<size_t>(Hash{}(key));
  }

  // Find, Prefetch and TryEmplace with the key's hash computed by the caller.
  // REQUIRES: hash == HashOf(key).
  template <typename K>
  Value* FindHashed(const K& key, size_t hash) {
    size_t slot = FindSlot(key, TagOf(hash));
    return slot == kNotFound ? nullptr : &entries_[slot].second;
  }
  template <typename K>
  const Value* FindHashed(const K& key, size_t hash) const {
    size_t slot = FindSlot(key, TagOf(hash));
    return slot == kNotFound ? nullptr : &entries_[slot].second;
  }
  void PrefetchHashed(size_t hash) const {
    if (capacity_ == 0) {
      return;
    }
    size_t slot = TagOf(hash) & (capacity_ - 1);
    StartLoad(&tags_[slot]);
    StartLoad(&entries_[slot]);
  }
  template <typename K, typename... Args>
  std::pair<Value*, bool> TryEmplaceHashed(size_t hash, K&& key, Args&&... args) {
    uint32_t tag = TagOf(hash);
    size_t found = FindSlot(key, tag);
    if (found != kNotFound) {
      return {&entries_[found].second, false};
    }
    if ((size_ + 1) * kLoadDenominator > capacity_ * kLoadNumerator) {
      Grow(capacity_ == 0 ? kMinCapacity : capacity_ * 2);
    }
    size_t slot = FreeSlot(tag);
    std::construct_at(&entries_[slot], std::piecewise_construct,
                      std::forward_as_tuple(std::forward<K>(key)),
                      std::forward_as_tuple(std::forward<Args>(args)...));
    tags_[slot] = tag;
    ++size_;
    return {&entries_[slot].second, true};
  }

  // Removes key and returns whether it was present. Later entries of the same probe run move
  // back one by one, so no tombstones accumulate.
  template <typename K>
  bool Erase(const K& key) {
    size_t slot = FindSlot(key, TagOf(HashOf(key)));
    if (slot == kNotFound) {
      return false;
    }
    std::destroy_at(&entries_[slot]);
    tags_[slot] = 0;
    --size_;
    size_t mask = capacity_ - 1;
    // Backward shift: an entry after the hole moves into it unless its home slot lies
    // cyclically in (hole, entry], where moving it would put it before its home.
    size_t hole = slot;
    for (size_t next = (hole + 1) & mask; tags_[next] != 0; next = (next + 1) & mask) {
      size_t home = tags_[next] & mask;
      bool stays = hole <= next ? (hole < home && home <= next) : (hole < home || home <= next);
      if (stays) {
        continue;
      }
      std::construct_at(&entries_[hole], std::move(entries_[next]));
      std::destroy_at(&entries_[next]);
      tags_[hole] = tags_[next];
      tags_[next] = 0;
      hole = next;
    }
    return true;
  }

  // Makes room for count entries without growing on the way.
  void Reserve(size_t count) {
    size_t capacity = kMinCapacity;
    while (count * kLoadDenominator > capacity * kLoadNumerator) {
      capacity *= 2;
    }
    if (capacity > capacity_) {
      Grow(capacity);
    }
  }

  void Clear() {
    for (size_t i = 0; i < capacity_; ++i) {
      if (tags_[i] != 0) {
        std::destroy_at(&entries_[i]);
        tags_[i] = 0;
      }
    }
    size_ = 0;
  }

  // Calls visit(key, value) for every entry, in slot order.
  template <typename Visit>
  void ForEach(Visit&& visit) const {
    for (size_t i = 0; i < capacity_; ++i) {
      if (tags_[i] != 0) {
        visit(entries_[i].first, entries_[i].second);
      }
    }
  }
  template <typename Visit>
  void ForEach(Visit&& visit) {
    for (size_t i = 0; i < capacity_; ++i) {
      if (tags_[i] != 0) {
        visit(entries_[i].first, entries_[i].second);
      }
    }
  }

 private:
  static constexpr size_t kNotFound = ~size_t{0};
  static constexpr size_t kMinCapacity = 16;
  // At most 4/5 of the slots are used, which keeps linear probe runs short.
  static constexpr size_t kLoadNumerator = 4;
  static constexpr size_t kLoadDenominator = 5;

  // Returns the slot tag: the high 32 bits of the hash times a large odd constant, with the top
  // bit set. So 0 means empty, and tag & mask is the home slot in any table of up to 2^31 slots.
  // The multiply spreads hashes whose low bits vary little, such as small integers.
  static uint32_t TagOf(size_t hash) {
    uint64_t mixed = static_cast<uint64_t>(hash) * 0x9E3779B97F4A7C15ULL;
    return static_cast<uint32_t>(mixed >> 32) | 0x80000000u;
  }

  template <typename K>
  size_t FindSlot(const K& key, uint32_t tag) const {
    if (size_ == 0) {
      return kNotFound;
    }
    size_t mask = capacity_ - 1;
    for (size_t slot = tag & mask;; slot = (slot + 1) & mask) {
      if (tags_[slot] == 0) {
        return kNotFound;
      }
      if (tags_[slot] == tag && Equal{}(entries_[slot].first, key)) {
        return slot;
      }
    }
  }

  size_t FreeSlot(uint32_t tag) const {
    size_t mask = capacity_ - 1;
    size_t slot = tag & mask;
    while (tags_[slot] != 0) {
      slot = (slot + 1) & mask;
    }
    return slot;
  }

  // A table whose tags and entries take at least this many bytes keeps both in one region of
  // huge pages. Then a lookup's two loads share one TLB entry, and a large table spans a few
  // entries instead of one per 4 KiB. A smaller table is allocated as usual, because the region
  // is a whole 2 MiB.
  static constexpr size_t kHugePageTableBytes = size_t{1} << 19;
  static_assert(alignof(Entry) <= 64, "entries start at a cache line after the tags");

  // The bytes of the tags of a table of capacity slots, up to a whole cache line.
  static size_t TagBytes(size_t capacity) { return (capacity * sizeof(uint32_t) + 63) / 64 * 64; }
  static size_t RegionBytes(size_t capacity) {
    return TagBytes(capacity) + capacity * sizeof(Entry);
  }
  static bool UsesHugePages(size_t capacity) {
    return RegionBytes(capacity) >= kHugePageTableBytes;
  }

  // Sets entries_ to uninitialized memory and tags_ to zeros (all empty) for capacity slots.
  void Allocate(size_t capacity) {
    if (UsesHugePages(capacity)) {
      std::byte* region = AllocateHugePages(RegionBytes(capacity));  // zeroed
      tags_ = reinterpret_cast<uint32_t*>(region);
      entries_ = reinterpret_cast<Entry*>(region + TagBytes(capacity));
    } else {
      entries_ = std::allocator<Entry>().allocate(capacity);
      tags_ = new uint32_t[capacity]();
    }
    capacity_ = capacity;
  }

  // Frees what Allocate(capacity) set. The entries must be destroyed already.
  static void Deallocate(Entry* entries, uint32_t* tags, size_t capacity) {
    if (entries == nullptr) {
      return;
    }
    if (UsesHugePages(capacity)) {
      FreeHugePages(reinterpret_cast<std::byte*>(tags), RegionBytes(capacity));
    } else {
      std::allocator<Entry>().deallocate(entries, capacity);
      delete[] tags;
    }
  }

  void Grow(size_t capacity) {
    Entry* old_entries = entries_;
    uint32_t* old_tags = tags_;
    size_t old_capacity = capacity_;
    Allocate(capacity);
    for (size_t i = 0; i < old_capacity; ++i) {
      if (old_tags[i] != 0) {
        size_t slot = FreeSlot(old_tags[i]);
        std::construct_at(&entries_[slot], std::move(old_entries[i]));
        std::destroy_at(&old_entries[i]);
        tags_[slot] = old_tags[i];
      }
    }
    Deallocate(old_entries, old_tags, old_capacity);
  }

  void Release() {
    Clear();
    Deallocate(entries_, tags_, capacity_);
    entries_ = nullptr;
    tags_ = nullptr;
    capacity_ = 0;
  }

  void Swap(FlatTable& other) noexcept {
    std::swap(entries_, other.entries_);
    std::swap(tags_, other.tags_);
    std::swap(capacity_, other.capacity_);
    std::swap(size_, other.size_);
  }

  Entry* entries_ = nullptr;
  uint32_t* tags_ = nullptr;
  size_t capacity_ = 0;  // 0 or a power of two
  size_t size_ = 0;
};

}  // namespace logbridge::scoring
