// The chunked count relies on one fact: when every continuation byte (10xxxxxx) sits exactly
// where a preceding lead byte announces one, and nowhere else, a reader stepping by lead
// lengths lands on every other byte. The count is then the number of bytes that are not
// continuation bytes, which needs no walk from one sequence to the next.
#include "scoring/utf8_count.h"

#include <cstring>

#if defined(__x86_64__)
#include <emmintrin.h>  // every x86-64 processor has SSE2
#endif

namespace logbridge::scoring {
namespace {

#if defined(__x86_64__)
// Returns 0xFF in each byte of value that is threshold or more, as unsigned bytes, and 0 in
// the others.
inline __m128i AtLeast(__m128i value, unsigned char threshold) {
  return _mm_cmpeq_epi8(_mm_max_epu8(value, _mm_set1_epi8(static_cast<char>(threshold))), value);
}

// Continuation bytes that the lead bytes before them announce. Byte j of back1, back2 and
// back3 is the byte one, two and three places before byte j.
inline __m128i Announced(__m128i back1, __m128i back2, __m128i back3) {
  return _mm_or_si128(_mm_or_si128(AtLeast(back1, 0xC0), AtLeast(back2, 0xE0)),
                      AtLeast(back3, 0xF0));
}

// Adds the 16 byte counters of counts to the two 64-bit lanes of sum.
inline __m128i AddByteCounts(__m128i sum, __m128i counts) {
  return _mm_add_epi64(sum, _mm_sad_epu8(counts, _mm_setzero_si128()));
}

inline int64_t LaneTotal(__m128i sum) {
  return _mm_cvtsi128_si64(sum) + _mm_cvtsi128_si64(_mm_unpackhi_epi64(sum, sum));
}
#endif

}  // namespace

CodePointCounts CountCodePointsByStep(std::string_view text) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  size_t size = text.size();
  CodePointCounts counts;
  for (size_t i = 0; i < size;) {
    unsigned char lead = bytes[i];
    bool space = lead == ' ' || lead == '\t' || lead == '\n' || lead == '\r';
    // U+3000 is E3 80 80. A sequence cut short by the end of the text is not a space.
    space = space ||
            (lead == 0xE3 && i + 2 < size && bytes[i + 1] == 0x80 && bytes[i + 2] == 0x80);
    ++counts.code_points;
    counts.content += space ? 0 : 1;
    i += Utf8SequenceLength(lead);
  }
  return counts;
}

CodePointCounts CountCodePoints(std::string_view text) {
#if !defined(__x86_64__)
  return CountCodePointsByStep(text);
#else
  // Below this the chunk setup costs more than stepping.
  if (text.size() < 24) {
    return CountCodePointsByStep(text);
  }
  // Each chunk of 16 bytes is read with the three bytes before it (from the chunk before, or
  // zero before the text), so that a lead byte checks the continuation bytes after it even
  // across chunks. The last chunk is padded with zero bytes, and after it the leads of the
  // last chunk must announce nothing.
  size_t size = text.size();
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  const __m128i zero = _mm_setzero_si128();
  __m128i previous = zero;
  __m128i broken = zero;
  // Each chunk adds 0 or 1 to each byte counter, because it subtracts a mask byte of 0 or -1.
  // So the counters move into the 64-bit sums before any can pass 255.
  constexpr int kMaxChunksPerCount = 255;
  __m128i continuation_bytes = zero;
  __m128i space_bytes = zero;
  __m128i continuations = zero;
  __m128i spaces = zero;
  int counted_chunks = 0;

  for (size_t offset = 0; offset < size; offset += 16) {
    __m128i chunk;
    if (size - offset >= 16) {
      chunk = _mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes + offset));
    } else {
      unsigned char padded[16] = {};
      std::memcpy(padded, bytes + offset, size - offset);
      chunk = _mm_loadu_si128(reinterpret_cast<const __m128i*>(padded));
    }
    __m128i back1 = _mm_or_si128(_mm_slli_si128(chunk, 1), _mm_srli_si128(previous, 15));
    __m128i back2 = _mm_or_si128(_mm_slli_si128(chunk, 2), _mm_srli_si128(previous, 14));
    __m128i back3 = _mm_or_si128(_mm_slli_si128(chunk, 3), _mm_srli_si128(previous, 13));

    // As signed bytes, the continuation bytes 80..BF are -128..-65. F8..FF are one-byte
    // sequences for the stepping reader but would announce three continuation bytes here.
    __m128i continuation = _mm_cmplt_epi8(chunk, _mm_set1_epi8(-64));
    broken = _mm_or_si128(broken, _mm_xor_si128(continuation, Announced(back1, back2, back3)));
    broken = _mm_or_si128(broken, AtLeast(chunk, 0xF8));
    continuation_bytes = _mm_sub_epi8(continuation_bytes, continuation);

    __m128i space = _mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(chunk, _mm_set1_epi8(' ')),
                     _mm_cmpeq_epi8(chunk, _mm_set1_epi8('\t'))),
        _mm_or_si128(_mm_cmpeq_epi8(chunk, _mm_set1_epi8('\n')),
                     _mm_cmpeq_epi8(chunk, _mm_set1_epi8('\r'))));
    // U+3000 is E3 80 80, counted at its last byte.
    __m128i x80 = _mm_set1_epi8(static_cast<char>(0x80));
    __m128i ideographic_space =
        _mm_and_si128(_mm_and_si128(_mm_cmpeq_epi8(back2, _mm_set1_epi8(static_cast<char>(0xE3))),
                                    _mm_cmpeq_epi8(back1, x80)),
                      _mm_cmpeq_epi8(chunk, x80));
    space_bytes = _mm_sub_epi8(space_bytes, _mm_or_si128(space, ideographic_space));
    previous = chunk;
    if (++counted_chunks == kMaxChunksPerCount) {
      continuations = AddByteCounts(continuations, continuation_bytes);
      spaces = AddByteCounts(spaces, space_bytes);
      continuation_bytes = zero;
      space_bytes = zero;
      counted_chunks = 0;
    }
  }
  continuations = AddByteCounts(continuations, continuation_bytes);
  spaces = AddByteCounts(spaces, space_bytes);

  __m128i announced_after_end = Announced(_mm_srli_si128(previous, 15),
                                          _mm_srli_si128(previous, 14),
                                          _mm_srli_si128(previous, 13));
  broken = _mm_or_si128(broken, announced_after_end);
  if (_mm_movemask_epi8(broken) != 0) {
    return CountCodePointsByStep(text);
  }
  // The zero padding bytes are not continuation bytes, so only the text's bytes count.
  CodePointCounts counts;
  counts.code_points = static_cast<int32_t>(static_cast<int64_t>(size) - LaneTotal(continuations));
  counts.content = counts.code_points - static_cast<int32_t>(LaneTotal(spaces));
  counts.regular = true;
  return counts;
#endif
}

}  // namespace logbridge::scoring
