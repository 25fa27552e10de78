// The chunked count relies on one fact: when every continuation byte (10xxxxxx) sits exactly
// where a preceding lead byte announces one, and nowhere else, a reader stepping by lead
// lengths lands on every other byte. The count is then the number of bytes that are not
// continuation bytes, which needs no walk from one sequence to the next.
#include "scoring/utf8_count.h"

#include <algorithm>
#include <cstring>

#if defined(__x86_64__)
#include <emmintrin.h>  // every x86-64 processor has SSE2
#endif

namespace logbridge::scoring {
namespace {

#if defined(__x86_64__)
// Adds the 16 byte counters of counts to the two 64-bit lanes of sum.
inline __m128i AddByteCounts(__m128i sum, __m128i counts) {
  return _mm_add_epi64(sum, _mm_sad_epu8(counts, _mm_setzero_si128()));
}

inline int64_t LaneTotal(__m128i sum) {
  return _mm_cvtsi128_si64(sum) + _mm_cvtsi128_si64(_mm_unpackhi_epi64(sum, sum));
}

// The running state of the chunked count.
struct ChunkCounts {
  // 0xFF in each byte lane where every chunk so far had a continuation byte exactly where a
  // lead byte announced one.
  __m128i placed = _mm_set1_epi8(-1);
  __m128i max_byte = _mm_setzero_si128();
  // Per lane, the continuation bytes and white space seen since the last flush.
  __m128i continuation_bytes = _mm_setzero_si128();
  __m128i space_bytes = _mm_setzero_si128();
  __m128i continuations = _mm_setzero_si128();  // 64-bit sums of flushed counts
  __m128i spaces = _mm_setzero_si128();
};

// Each chunk adds 0 or 1 to each byte counter of ChunkCounts, so the counters move into the
// 64-bit sums before any can pass 255.
constexpr size_t kMaxChunksPerFlush = 255;

inline __m128i Load(const unsigned char* at) {
  return _mm_loadu_si128(reinterpret_cast<const __m128i*>(at));
}

// Counts the 16 bytes of chunk into *counts. Lane k of back1, back2 and back3 is the byte one,
// two and three bytes before lane k of chunk. Only the lanes where counted is 0xFF add to the
// continuation and white space counts, but every lane is checked.
inline void CountChunk(__m128i chunk, __m128i back1, __m128i back2, __m128i back3,
                       __m128i counted, ChunkCounts* counts) {
  // As signed bytes, the continuation bytes 80..BF are -128..-65. A byte is announced when
  // the byte one before is C0 or more, two before E0 or more, or three before F0 or more.
  // Subtracting BF, DF and EF with saturation leaves a nonzero byte exactly there.
  __m128i continuation = _mm_cmplt_epi8(chunk, _mm_set1_epi8(-64));
  __m128i announcers =
      _mm_or_si128(_mm_or_si128(_mm_subs_epu8(back1, _mm_set1_epi8(static_cast<char>(0xBF))),
                                _mm_subs_epu8(back2, _mm_set1_epi8(static_cast<char>(0xDF)))),
                   _mm_subs_epu8(back3, _mm_set1_epi8(static_cast<char>(0xEF))));
  __m128i unannounced = _mm_cmpeq_epi8(announcers, _mm_setzero_si128());
  counts->placed = _mm_and_si128(counts->placed, _mm_xor_si128(continuation, unannounced));
  counts->max_byte = _mm_max_epu8(counts->max_byte, chunk);
  counts->continuation_bytes =
      _mm_sub_epi8(counts->continuation_bytes, _mm_and_si128(continuation, counted));

  // Tab 09 and carriage return 0D differ only in bit 2, and no other byte becomes 0D when that
  // bit is set, so one compare finds both.
  __m128i space = _mm_or_si128(
      _mm_cmpeq_epi8(_mm_or_si128(chunk, _mm_set1_epi8(0x04)), _mm_set1_epi8('\r')),
      _mm_or_si128(_mm_cmpeq_epi8(chunk, _mm_set1_epi8('\n')),
                   _mm_cmpeq_epi8(chunk, _mm_set1_epi8(' '))));
  // U+3000 is E3 80 80, counted at its last byte. In regular text both bytes after E3 are
  // continuation bytes, which have bit 7 set, so their OR is 80 only when both are 80. Other
  // text is counted by stepping, so this count is used only where the shortcut is exact.
  __m128i ideographic_space = _mm_and_si128(
      _mm_cmpeq_epi8(back2, _mm_set1_epi8(static_cast<char>(0xE3))),
      _mm_cmpeq_epi8(_mm_or_si128(back1, chunk), _mm_set1_epi8(static_cast<char>(0x80))));
  counts->space_bytes = _mm_sub_epi8(
      counts->space_bytes, _mm_and_si128(_mm_or_si128(space, ideographic_space), counted));
}

// Moves the byte counters of *counts into the 64-bit sums.
inline void Flush(ChunkCounts* counts) {
  counts->continuations = AddByteCounts(counts->continuations, counts->continuation_bytes);
  counts->spaces = AddByteCounts(counts->spaces, counts->space_bytes);
  counts->continuation_bytes = _mm_setzero_si128();
  counts->space_bytes = _mm_setzero_si128();
}

// Counts the 16 bytes at chunk_bytes into *counts. REQUIRES: chunk_bytes[-3] to
// chunk_bytes[15] are readable.
inline void CountChunk(const unsigned char* chunk_bytes, ChunkCounts* counts) {
  CountChunk(Load(chunk_bytes), Load(chunk_bytes - 1), Load(chunk_bytes - 2),
             Load(chunk_bytes - 3), _mm_set1_epi8(-1), counts);
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

#if defined(__x86_64__)
// Legacy SSE instructions overwrite one operand, so the SSE2 build copies registers around most
// operations. The AVX clone runs the same operations in the three-operand VEX encoding, and the
// dynamic loader picks a clone for the processor.
__attribute__((target_clones("avx", "default")))
#endif
CodePointCounts CountCodePoints(std::string_view text) {
#if !defined(__x86_64__)
  return CountCodePointsByStep(text);
#else
  // Below this the chunk setup costs more than stepping.
  if (text.size() < 24) {
    return CountCodePointsByStep(text);
  }
  // Each chunk of 16 bytes is read with the three bytes before it, so that a lead byte checks
  // the continuation bytes after it even across chunks. The first chunk takes zero bytes
  // before the text by shifting its lanes instead. The tail is read as the last 16 bytes, and
  // only its lanes past the chunks before it are counted.
  size_t size = text.size();
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  ChunkCounts chunked;
  __m128i first = Load(bytes);
  CountChunk(first, _mm_slli_si128(first, 1), _mm_slli_si128(first, 2), _mm_slli_si128(first, 3),
             _mm_set1_epi8(-1), &chunked);
  // The full chunks are counted in blocks with a flush after each, so that the loop keeps no
  // count of chunks. The first block follows the first chunk, and the tail chunk comes after
  // the last flush, so a block of kMaxChunksPerFlush - 2 chunks keeps every counter in range.
  // A chunk at offset is full when offset + 16 <= size, that is offset < size - 15.
  size_t offset = 16;
  while (offset < size - 15) {
    size_t block_end = std::min(offset + 16 * (kMaxChunksPerFlush - 2), size - 15);
    for (; offset < block_end; offset += 16) {
      CountChunk(bytes + offset, &chunked);
    }
    Flush(&chunked);
  }
  if (offset < size) {
    // Lane k of the last 16 bytes is new when k >= 16 - rest. The lanes are 0 to 15, so the
    // signed compare is exact.
    const auto rest = static_cast<char>(size - offset);
    const __m128i lanes = _mm_setr_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    const unsigned char* last = bytes + size - 16;
    CountChunk(Load(last), Load(last - 1), Load(last - 2), Load(last - 3),
               _mm_cmpgt_epi8(lanes, _mm_set1_epi8(static_cast<char>(15 - rest))), &chunked);
  }
  // A lead byte among the last three bytes must not announce a byte past the end. C0 and up
  // announces at least one, E0 and up two, and F0 and up three.
  bool cut_short = bytes[size - 1] >= 0xC0 || bytes[size - 2] >= 0xE0 || bytes[size - 3] >= 0xF0;

  __m128i continuations = AddByteCounts(chunked.continuations, chunked.continuation_bytes);
  __m128i spaces = AddByteCounts(chunked.spaces, chunked.space_bytes);
  // F8..FF are one-byte sequences for the stepping reader but would announce three
  // continuation bytes here. Subtracting F7 with saturation leaves nonzero bytes only there.
  __m128i above_f7 = _mm_subs_epu8(chunked.max_byte, _mm_set1_epi8(static_cast<char>(0xF7)));
  bool high_byte = _mm_movemask_epi8(_mm_cmpeq_epi8(above_f7, _mm_setzero_si128())) != 0xFFFF;
  if (_mm_movemask_epi8(chunked.placed) != 0xFFFF || high_byte || cut_short) {
    return CountCodePointsByStep(text);
  }
  CodePointCounts counts;
  counts.code_points = static_cast<int32_t>(static_cast<int64_t>(size) - LaneTotal(continuations));
  counts.content = counts.code_points - static_cast<int32_t>(LaneTotal(spaces));
  counts.regular = true;
  return counts;
#endif
}

}  // namespace logbridge::scoring
