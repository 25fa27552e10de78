// The block count relies on one fact: when every continuation byte (10xxxxxx) sits exactly
// where a preceding lead byte announces one, and nowhere else, a reader stepping by lead
// lengths lands on every other byte. The count is then the number of bytes that are not
// continuation bytes, which needs no walk from one sequence to the next.
#include "scoring/utf8_count.h"

#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>  // every x86-64 processor has SSE2
#endif

namespace logbridge::scoring {
namespace {

#if defined(__SSE2__)
// Bit masks over 64 bytes of text, bit i for byte i.
struct BlockMasks {
  uint64_t continuation = 0;  // 80..BF
  uint64_t lead2 = 0;         // C0..FF: announces at least one continuation byte
  uint64_t lead3 = 0;         // E0..FF: at least two
  uint64_t lead4 = 0;         // F0..FF: three
  uint64_t invalid = 0;       // F8..FF: one-byte sequences for the stepping reader
  uint64_t space = 0;         // ASCII space, tab, line feed, carriage return
  uint64_t e3 = 0;            // E3, the lead byte of U+3000
  uint64_t x80 = 0;           // 80, its continuation bytes
};

BlockMasks Classify(const unsigned char* block) {
  BlockMasks masks;
  const __m128i zero = _mm_setzero_si128();
  for (int part = 0; part < 4; ++part) {
    __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(block + 16 * part));
    auto bits = [part](__m128i lanes) {
      return static_cast<uint64_t>(static_cast<uint32_t>(_mm_movemask_epi8(lanes)))
             << (16 * part);
    };
    // As signed bytes, 80..BF are -128..-65 and C0..FF are -64..-1.
    __m128i negative = _mm_cmplt_epi8(bytes, zero);
    auto at_least = [&](int threshold) {
      return bits(_mm_and_si128(_mm_cmpgt_epi8(bytes, _mm_set1_epi8(static_cast<char>(threshold - 1))),
                                negative));
    };
    masks.continuation |= bits(_mm_cmplt_epi8(bytes, _mm_set1_epi8(-64)));
    masks.lead2 |= at_least(-64);
    masks.lead3 |= at_least(-32);
    masks.lead4 |= at_least(-16);
    masks.invalid |= at_least(-8);
    __m128i space = _mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(bytes, _mm_set1_epi8(' ')),
                     _mm_cmpeq_epi8(bytes, _mm_set1_epi8('\t'))),
        _mm_or_si128(_mm_cmpeq_epi8(bytes, _mm_set1_epi8('\n')),
                     _mm_cmpeq_epi8(bytes, _mm_set1_epi8('\r'))));
    masks.space |= bits(space);
    masks.e3 |= bits(_mm_cmpeq_epi8(bytes, _mm_set1_epi8(static_cast<char>(0xE3))));
    masks.x80 |= bits(_mm_cmpeq_epi8(bytes, _mm_set1_epi8(static_cast<char>(0x80))));
  }
  return masks;
}

int CountBits(uint64_t bits) { return __builtin_popcountll(bits); }
#endif

// Length in bytes of the UTF-8 sequence that starts with this byte; 1 for stray bytes.
size_t SequenceLength(unsigned char lead) {
  static constexpr uint8_t kLengths[32] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
                                           1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 4, 1};
  return kLengths[lead >> 3];
}

}  // namespace

CodePointCounts CountCodePointsByStep(std::string_view text) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  size_t size = text.size();
  CodePointCounts counts;
  for (size_t i = 0; i < size;) {
    unsigned char lead = bytes[i];
    bool space = lead == ' ' || lead == '\t' || lead == '\n' || lead == '\r';
    // U+3000 is E3 80 80; a sequence cut short by the end of the text is not a space.
    space = space ||
            (lead == 0xE3 && i + 2 < size && bytes[i + 1] == 0x80 && bytes[i + 2] == 0x80);
    ++counts.code_points;
    counts.content += space ? 0 : 1;
    i += SequenceLength(lead);
  }
  return counts;
}

CodePointCounts CountCodePoints(std::string_view text) {
#if !defined(__SSE2__)
  return CountCodePointsByStep(text);
#else
  // Below this the block setup costs more than stepping.
  if (text.size() < 24) {
    return CountCodePointsByStep(text);
  }
  // Each block's lead bytes check the continuation bytes of the next, so the masks of the
  // last three bytes carry over. The last block is padded with zero bytes, and after it the
  // carried leads must announce nothing.
  size_t size = text.size();
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  uint64_t broken = 0;
  uint64_t carried_expected = 0;  // continuation bits the last block announces for this one
  uint64_t carried_e3 = 0;        // bits 0..1: E3 two or one byte before this block
  uint64_t carried_x80 = 0;       // bit 0: 80 right before this block
  int non_continuation = 0;
  int spaces = 0;
  size_t padding = 0;

  for (size_t offset = 0; offset < size; offset += 64) {
    unsigned char padded[64];
    const unsigned char* block = bytes + offset;
    if (size - offset < 64) {
      std::memset(padded, 0, sizeof(padded));
      std::memcpy(padded, block, size - offset);
      block = padded;
      padding = 64 - (size - offset);
    }

    BlockMasks masks = Classify(block);
    uint64_t expected = carried_expected | (masks.lead2 << 1) | (masks.lead3 << 2) |
                        (masks.lead4 << 3);
    broken |= (expected ^ masks.continuation) | masks.invalid;
    uint64_t ideographic_space = ((masks.e3 << 2) | carried_e3) &
                                 ((masks.x80 << 1) | carried_x80) & masks.x80;
    non_continuation += CountBits(~masks.continuation);
    spaces += CountBits(masks.space) + CountBits(ideographic_space);
    carried_expected = (masks.lead2 >> 63) | (masks.lead3 >> 62) | (masks.lead4 >> 61);
    carried_e3 = masks.e3 >> 62;
    carried_x80 = masks.x80 >> 63;
  }

  if (broken != 0 || carried_expected != 0) {
    return CountCodePointsByStep(text);
  }
  // The zero padding bytes are not continuation bytes, so they were counted too.
  CodePointCounts counts;
  counts.code_points = non_continuation - static_cast<int>(padding);
  counts.content = counts.code_points - spaces;
  return counts;
#endif
}

}  // namespace logbridge::scoring
