// PackedStrings: a fixed number of short strings stored back to back, inline when they fit and
// in one reused heap buffer when they do not, so that a record kept per person and period can
// be overwritten without allocating. Value type; not thread-safe.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace logbridge::scoring {

// kParts strings, stored inside the object while their total size is at most kInlineBytes.
template <size_t kParts, size_t kInlineBytes = 64>
class PackedStrings {
 public:
  // Copies the parts; a later Assign reuses the heap buffer of an earlier one.
  void Assign(const std::array<std::string_view, kParts>& parts) {
    size_t total = 0;
    for (size_t i = 0; i < kParts; ++i) {
      total += parts[i].size();
      ends_[i] = static_cast<uint32_t>(total);
    }
    char* out = inline_.data();
    if (total > kInlineBytes) {
      heap_.resize(total);
      out = heap_.data();
    }
    for (std::string_view part : parts) {
      if (!part.empty()) {
        std::memcpy(out, part.data(), part.size());
        out += part.size();
      }
    }
  }

  // REQUIRES: index < kParts.
  std::string_view Part(size_t index) const {
    uint32_t begin = index == 0 ? 0 : ends_[index - 1];
    const char* data = ends_.back() <= kInlineBytes ? inline_.data() : heap_.data();
    return std::string_view(data + begin, ends_[index] - begin);
  }

 private:
  std::array<uint32_t, kParts> ends_{};  // the end offset of each part
  std::array<char, kInlineBytes> inline_{};
  std::string heap_;  // used when the parts do not fit inline
};

}  // namespace logbridge::scoring
