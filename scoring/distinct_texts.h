// DistinctTexts: the set of texts that a distinct metric has counted in one cell. Texts are
// stored back to back inside the object, each after a length byte, and found by a linear scan.
// Once they fill kInlineBytes, further texts go to a hash table on the heap. So a set of a dozen
// short texts, such as a person's customers in a month, costs no allocation, and a lookup reads
// only the object's four cache lines. Move-only value type; not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#include "scoring/flat_table.h"
#include "scoring/short_bytes.h"
#include "scoring/text_hash.h"

namespace logbridge::scoring {

class alignas(64) DistinctTexts {
 public:
  static constexpr size_t kInlineBytes = 240;

  DistinctTexts() = default;
  DistinctTexts(DistinctTexts&&) noexcept = default;
  DistinctTexts& operator=(DistinctTexts&&) noexcept = default;

  // Inserts a copy of text. Returns true when it was not in the set yet.
  bool Insert(std::string_view text) {
    if (ContainsInline(text)) {
      return false;
    }
    if (overflow_ == nullptr && text.size() <= 255 && used_ + 1 + text.size() <= kInlineBytes) {
      bytes_[used_] = static_cast<unsigned char>(text.size());
      if (!text.empty()) {
        std::memcpy(bytes_ + used_ + 1, text.data(), text.size());
      }
      used_ += static_cast<uint32_t>(1 + text.size());
      ++size_;
      return true;
    }
    if (overflow_ == nullptr) {
      overflow_ = std::make_unique<FlatTable<std::string, Present, TextHash>>();
    }
    if (!overflow_->TryEmplace(text).second) {
      return false;
    }
    ++size_;
    return true;
  }

  bool Contains(std::string_view text) const {
    return ContainsInline(text) || (overflow_ != nullptr && overflow_->Find(text) != nullptr);
  }

  size_t size() const { return size_; }

 private:
  // The value of the overflow table, which is used as a set.
  struct Present {};

  // Texts of one length, such as 客户 and a number, often differ only in their last bytes, so the
  // scan compares many of them, which EqualShortBytes does without a call to memcmp.
  bool ContainsInline(std::string_view text) const {
    for (uint32_t at = 0; at < used_; at += 1 + bytes_[at]) {
      if (bytes_[at] == text.size() && EqualShortBytes(bytes_ + at + 1, text.data(), text.size())) {
        return true;
      }
    }
    return false;
  }


  uint32_t size_ = 0;  // texts in the set, inline and in overflow_
  uint32_t used_ = 0;  // bytes of bytes_ in use
  // Texts that did not fit inline, or null while all of them did.
  std::unique_ptr<FlatTable<std::string, Present, TextHash>> overflow_;
  // Each inline text as its length in one byte, then its bytes. Only [0, used_) is read.
  unsigned char bytes_[kInlineBytes];
};
static_assert(sizeof(DistinctTexts) == 256);

}  // namespace logbridge::scoring
