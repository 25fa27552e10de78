// PackedStrings: a fixed number of short strings stored back to back, inline when they fit and
// in one reused heap buffer when they do not, so that a record kept per person and period can
// be overwritten without allocating. Inline parts end at one-byte offsets, so the object is the
// inline buffer plus 16 bytes for up to 7 parts. Value type; a moved-from object must be assigned
// before Part is called. Not thread-safe.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "scoring/short_bytes.h"

namespace logbridge::scoring {

// kParts strings, stored inside the object while their total size is at most kInlineBytes.
template <size_t kParts, size_t kInlineBytes = 64>
class PackedStrings {
  static_assert(kInlineBytes < 256, "inline part ends are stored in one byte each");

 public:
  PackedStrings() = default;
  PackedStrings(const PackedStrings& other) { *this = other; }
  PackedStrings& operator=(const PackedStrings& other) {
    if (this != &other) {
      std::array<std::string_view, kParts> parts;
      for (size_t i = 0; i < kParts; ++i) {
        parts[i] = other.Part(i);
      }
      Assign(parts);
    }
    return *this;
  }
  PackedStrings(PackedStrings&&) noexcept = default;
  PackedStrings& operator=(PackedStrings&&) noexcept = default;

  // Copies the parts; a later Assign reuses the heap buffer of an earlier one.
  // REQUIRES: no part points into this object's own storage.
  void Assign(const std::array<std::string_view, kParts>& parts) {
    size_t total = 0;
    for (std::string_view part : parts) {
      total += part.size();
    }
    on_heap_ = total > kInlineBytes;
    if (on_heap_) {
      uint32_t* ends = HeapEnds(total);
      size_t end = 0;
      for (size_t i = 0; i < kParts; ++i) {
        end += parts[i].size();
        ends[i] = static_cast<uint32_t>(end);
      }
      CopyParts(parts, HeapChars());
      return;
    }
    size_t end = 0;
    for (size_t i = 0; i < kParts; ++i) {
      end += parts[i].size();
      ends_[i] = static_cast<uint8_t>(end);
    }
    CopyParts(parts, inline_);
  }

  // REQUIRES: index < kParts.
  std::string_view Part(size_t index) const {
    if (on_heap_) {
      const uint32_t* ends = heap_.get() + 1;
      uint32_t begin = index == 0 ? 0 : ends[index - 1];
      return std::string_view(HeapChars() + begin, ends[index] - begin);
    }
    uint8_t begin = index == 0 ? 0 : ends_[index - 1];
    return std::string_view(inline_ + begin, static_cast<size_t>(ends_[index] - begin));
  }

 private:
  // The heap buffer is one uint32_t capacity in bytes of text, kParts uint32_t part ends, then
  // the text.
  static constexpr size_t kHeapHeader = (1 + kParts) * sizeof(uint32_t);

  static void CopyParts(const std::array<std::string_view, kParts>& parts, char* out) {
    for (std::string_view part : parts) {
      CopyShortBytes(part.data(), part.size(), out);
      out += part.size();
    }
  }

  // Returns the heap part ends, making room for total bytes of text first.
  uint32_t* HeapEnds(size_t total) {
    uint32_t capacity = heap_ == nullptr ? 0 : heap_[0];
    if (total > capacity) {
      heap_ = std::make_unique_for_overwrite<uint32_t[]>(
          (kHeapHeader + total + sizeof(uint32_t) - 1) / sizeof(uint32_t));
      heap_[0] = static_cast<uint32_t>(total);
    }
    return heap_.get() + 1;
  }
  char* HeapChars() { return reinterpret_cast<char*>(heap_.get()) + kHeapHeader; }
  const char* HeapChars() const { return reinterpret_cast<const char*>(heap_.get()) + kHeapHeader; }

  std::array<uint8_t, kParts> ends_{};  // the end offset of each inline part
  bool on_heap_ = false;                // the parts are in heap_, not inline_
  std::unique_ptr<uint32_t[]> heap_;    // used when the parts do not fit inline; see kHeapHeader
  char inline_[kInlineBytes];           // not initialized: only [0, ends_.back()) is read
};

}  // namespace logbridge::scoring
