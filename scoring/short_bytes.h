// Copies and comparisons of short byte strings, such as ids, field keys and quotes kept per
// person and period. Most are shorter than 16 bytes, and a call to memcpy or memcmp for each
// costs more than two overlapping word accesses. Stateless; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace logbridge::scoring {

// Returns the sizeof(Word) bytes at bytes, read without an alignment requirement.
template <typename Word>
Word LoadWord(const void* bytes) {
  Word word;
  std::memcpy(&word, bytes, sizeof(word));
  return word;
}

// Copies size bytes from `from` to `to`, which must not overlap.
inline void CopyShortBytes(const char* from, size_t size, char* to) {
  auto copy_head_and_tail = [&]<typename Word>(Word head) {
    Word tail = LoadWord<Word>(from + size - sizeof(Word));
    std::memcpy(to, &head, sizeof(head));
    std::memcpy(to + size - sizeof(Word), &tail, sizeof(tail));
  };
  if (size >= 16) {
    std::memcpy(to, from, size);
  } else if (size >= 8) {
    copy_head_and_tail(LoadWord<uint64_t>(from));
  } else if (size >= 4) {
    copy_head_and_tail(LoadWord<uint32_t>(from));
  } else {
    for (size_t i = 0; i < size; ++i) {
      to[i] = from[i];
    }
  }
}

// Returns whether the size bytes at a equal the size bytes at b.
inline bool EqualShortBytes(const void* a, const void* b, size_t size) {
  const auto* left = static_cast<const unsigned char*>(a);
  const auto* right = static_cast<const unsigned char*>(b);
  if (size > 16) {
    return std::memcmp(left, right, size) == 0;
  }
  if (size >= 8) {
    return LoadWord<uint64_t>(left) == LoadWord<uint64_t>(right) &&
           LoadWord<uint64_t>(left + size - 8) == LoadWord<uint64_t>(right + size - 8);
  }
  if (size >= 4) {
    return LoadWord<uint32_t>(left) == LoadWord<uint32_t>(right) &&
           LoadWord<uint32_t>(left + size - 4) == LoadWord<uint32_t>(right + size - 4);
  }
  for (size_t i = 0; i < size; ++i) {
    if (left[i] != right[i]) {
      return false;
    }
  }
  return true;
}

}  // namespace logbridge::scoring
