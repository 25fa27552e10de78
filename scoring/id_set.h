// IdSet: a set of 32-bit ids for counting distinct values that an engine-wide table has already
// turned into small integers. The first kInlineIds ids are stored inside the object, in two cache
// lines, and a lookup scans them. A larger set moves to an open-addressing array on the heap.
// Move-only value type; a moved-from set must be assigned before use. Not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

namespace logbridge::scoring {

class alignas(64) IdSet {
 public:
  static constexpr uint32_t kInlineIds = 28;

  IdSet() = default;
  IdSet(IdSet&&) noexcept = default;
  IdSet& operator=(IdSet&&) noexcept = default;

  // Inserts an id. Returns true when it was not in the set yet.
  // REQUIRES: id < UINT32_MAX, because heap slots store id + 1 and 0 marks an empty slot.
  bool Insert(uint32_t id) {
    if (heap_ == nullptr) {
      for (uint32_t i = 0; i < size_; ++i) {
        if (inline_[i] == id) {
          return false;
        }
      }
      if (size_ < kInlineIds) {
        inline_[size_++] = id;
        return true;
      }
      Grow();  // moves the inline ids to the heap
    }
    if ((size_ + 1) * 4 > capacity_ * 3) {
      Grow();
    }
    uint32_t* slot = FindSlot(heap_.get(), capacity_, id);
    if (*slot != 0) {
      return false;
    }
    *slot = id + 1;
    ++size_;
    return true;
  }

  bool Contains(uint32_t id) const {
    if (heap_ != nullptr) {
      return *FindSlot(heap_.get(), capacity_, id) != 0;
    }
    for (uint32_t i = 0; i < size_; ++i) {
      if (inline_[i] == id) {
        return true;
      }
    }
    return false;
  }

  size_t size() const { return size_; }

 private:
  // Returns the heap slot that contains id, or the empty slot where it belongs, probing linearly
  // from a multiplicative hash. The array is never full, so the loop ends.
  static uint32_t* FindSlot(uint32_t* slots, uint32_t capacity, uint32_t id) {
    uint32_t mask = capacity - 1;
    uint32_t index = static_cast<uint32_t>((uint64_t{id} * 0x9E3779B97F4A7C15ULL) >> 32) & mask;
    while (slots[index] != 0 && slots[index] != id + 1) {
      index = (index + 1) & mask;
    }
    return &slots[index];
  }

  // Doubles the heap slots (64 at first, taking the inline ids) and reinserts every id.
  void Grow() {
    uint32_t capacity = heap_ == nullptr ? 64 : 2 * capacity_;
    auto slots = std::make_unique<uint32_t[]>(capacity);  // zeroed: all empty
    if (heap_ == nullptr) {
      for (uint32_t i = 0; i < size_; ++i) {
        *FindSlot(slots.get(), capacity, inline_[i]) = inline_[i] + 1;
      }
    } else {
      for (uint32_t i = 0; i < capacity_; ++i) {
        if (heap_[i] != 0) {
          *FindSlot(slots.get(), capacity, heap_[i] - 1) = heap_[i];
        }
      }
    }
    heap_ = std::move(slots);
    capacity_ = capacity;
  }

  uint32_t size_ = 0;
  uint32_t capacity_ = 0;  // heap slots, a power of two, or 0 while the ids are inline
  uint32_t inline_[kInlineIds] = {};  // [0, size_) in use while heap_ is null
  std::unique_ptr<uint32_t[]> heap_;  // id + 1 per used slot, 0 when empty
};

}  // namespace logbridge::scoring
