// Code point counts of UTF-8 text, 16 bytes at a time with SSE2 on x86-64 and byte by byte
// elsewhere. Pure functions, safe from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace logbridge::scoring {

struct CodePointCounts {
  int32_t code_points = 0;
  // Code points other than white space: ASCII space, tab, line feed, carriage return and
  // U+3000.
  int32_t content = 0;
  // Whether the chunked count checked that every continuation byte (10xxxxxx) sits where a lead
  // byte announces one, and nowhere else. Every part of such text that starts at a code point
  // then has as many code points as CountLeadBytes returns. False when the text was stepped
  // through instead: when it is shorter than 24 bytes or is not regular.
  bool regular = false;
};

// Returns the length in bytes of the UTF-8 sequence that this lead byte starts, or 1 for a
// byte that starts none. The table is indexed by the top five bits: 110xxxxx leads 2 bytes,
// 1110xxxx 3 and 11110xxx 4.
inline size_t Utf8SequenceLength(unsigned char lead) {
  static constexpr uint8_t kLengths[32] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
                                           1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 4, 1};
  return kLengths[lead >> 3];
}

// Counts the code points of text as a reader that steps over each sequence by the length its
// lead byte announces (110xxxxx 2, 1110xxxx 3, 11110xxx 4, any other byte 1). On valid UTF-8
// that is the number of characters. On invalid input a stray byte counts as one code point,
// and a lead byte cut short by a non-continuation byte or the end swallows the bytes it
// announces. Well-formed text is counted in chunks of 16 bytes, and text that breaks the lead
// and continuation pattern anywhere is counted byte by byte instead.
CodePointCounts CountCodePoints(std::string_view text);

// The byte-by-byte reference for CountCodePoints, which falls back to it. Leaves regular false.
CodePointCounts CountCodePointsByStep(std::string_view text);

// Counts the continuation bytes (10xxxxxx) of word. A continuation byte has bit 7 set and bit 6
// clear, and shifting the word left by one moves each byte's bit 6 into its bit 7. The
// multiplication adds the eight 0-or-1 bytes into the top byte.
inline int32_t CountContinuationBytes(uint64_t word) {
  constexpr uint64_t kHighBits = 0x8080808080808080;
  constexpr uint64_t kOnes = 0x0101010101010101;
  uint64_t continuation = word & ~(word << 1) & kHighBits;
  return static_cast<int32_t>(((continuation >> 7) * kOnes) >> 56);
}

// Counts the bytes of text that are not continuation bytes. For a part of text that
// CountCodePoints found regular, starting at a code point, that is its number of code points,
// and no byte depends on the one before it.
inline int32_t CountLeadBytes(std::string_view text) {
  // Eight bytes at a time. On short field values this takes fewer instructions than the
  // vectorized loop GCC 12 makes of a plain byte loop.
  const char* data = text.data();
  const size_t size = text.size();
  int32_t count = 0;
  size_t i = 0;
  for (; i + sizeof(uint64_t) <= size; i += sizeof(uint64_t)) {
    uint64_t word = 0;
    std::memcpy(&word, data + i, sizeof(word));
    count += 8 - CountContinuationBytes(word);
  }
  // The last 1 to 7 bytes come from overlapping loads instead of a byte loop, because typed
  // field values are often that short (35000, 8小时, 满意). A right shift drops the bytes
  // already counted, leaving zero bytes, which are not continuation bytes.
  const size_t rest = size - i;
  if (rest == 0) {
    return count;
  }
  if (size >= sizeof(uint64_t)) {
    uint64_t last = 0;
    std::memcpy(&last, data + size - sizeof(last), sizeof(last));
    last >>= 8 * (sizeof(last) - rest);
    return count + static_cast<int32_t>(rest) - CountContinuationBytes(last);
  }
  if (rest >= sizeof(uint32_t)) {
    uint32_t head = 0;
    uint32_t tail = 0;
    std::memcpy(&head, data, sizeof(head));
    std::memcpy(&tail, data + rest - sizeof(tail), sizeof(tail));
    // tail overlaps head by 8 - rest bytes, which the shift drops.
    uint64_t word = head | ((uint64_t{tail} >> (8 * (8 - rest))) << 32);
    return static_cast<int32_t>(rest) - CountContinuationBytes(word);
  }
  for (; i < size; ++i) {
    count += static_cast<signed char>(data[i]) >= -64 ? 1 : 0;  // 80..BF are -128..-65
  }
  return count;
}

}  // namespace logbridge::scoring
