// UTF-8 decoding and NFKC folding with a map back to original code points. The table path
// covers typical Chinese work-log text, which is NFKC apart from full-width punctuation, so
// most texts never reach ICU.
#include "scoring/text.h"

#include <algorithm>
#include <cstring>
#include <iterator>

#if defined(__x86_64__)
#include <emmintrin.h>  // every x86-64 processor has SSE2
#endif

#include <unicode/bytestream.h>
#include <unicode/edits.h>
#include <unicode/normalizer2.h>
#include <unicode/stringpiece.h>

#include "scoring/short_bytes.h"

namespace logbridge::scoring {
namespace {

constexpr char32_t kReplacement = 0xFFFD;

// Decodes one code point at bytes[pos]. An ill-formed sequence returns U+FFFD and consumes
// one byte, so every invalid byte becomes one replacement character.
inline char32_t DecodeAt(std::string_view bytes, size_t* pos) {
  auto byte = [&](size_t i) { return static_cast<unsigned char>(bytes[i]); };
  unsigned char lead = byte(*pos);
  if (lead < 0x80) {
    ++*pos;
    return lead;
  }
  int length = 0;
  char32_t cp = 0;
  char32_t min = 0;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2, cp = lead & 0x1F, min = 0x80;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3, cp = lead & 0x0F, min = 0x800;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4, cp = lead & 0x07, min = 0x10000;
  } else {
    ++*pos;
    return kReplacement;
  }
  if (*pos + length > bytes.size()) {
    ++*pos;
    return kReplacement;
  }
  for (int i = 1; i < length; ++i) {
    unsigned char next = byte(*pos + i);
    if ((next & 0xC0) != 0x80) {
      ++*pos;
      return kReplacement;
    }
    cp = (cp << 6) | (next & 0x3F);
  }
  // Overlong forms, surrogates and values past U+10FFFF are ill-formed.
  if (cp < min || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) {
    ++*pos;
    return kReplacement;
  }
  *pos += length;
  return cp;
}

// DecodeAt with the two common cases inline: ASCII and a well-formed 3-byte sequence, which
// covers the CJK ideographs and punctuation of typical work-log text.
inline char32_t DecodeFast(std::string_view bytes, size_t* pos) {
  auto lead = static_cast<unsigned char>(bytes[*pos]);
  if (lead < 0x80) {
    ++*pos;
    return lead;
  }
  if ((lead & 0xF0) == 0xE0 && *pos + 2 < bytes.size()) {
    auto second = static_cast<unsigned char>(bytes[*pos + 1]);
    auto third = static_cast<unsigned char>(bytes[*pos + 2]);
    char32_t cp = ((lead & 0x0F) << 12) | ((second & 0x3F) << 6) | (third & 0x3F);
    if ((second & 0xC0) == 0x80 && (third & 0xC0) == 0x80 && cp >= 0x800 &&
        (cp < 0xD800 || cp > 0xDFFF)) {
      *pos += 3;
      return cp;
    }
  }
  return DecodeAt(bytes, pos);
}

// Whether NFKC leaves cp unchanged and cp cannot combine with a neighbour. The test suite
// checks this table against ICU.
bool IsStableByTable(char32_t cp) {
  if (cp < 0x80) {
    return true;
  }
  if ((cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF)) {
    return true;
  }
  switch (cp) {
    case 0x00A5:  // ¥
    case 0x00B7:  // ·
    case 0x2014:  // —
    case 0x2018:
    case 0x2019:
    case 0x201C:
    case 0x201D:
    case 0x3001:  // 、
    case 0x3002:  // 。
      return true;
    default:
      return cp >= 0x300A && cp <= 0x3011;  // 《》〈〉「」『』【】
  }
}

// Whether bytes[pos] starts a well-formed three-byte sequence for a code point in U+4000 to
// U+9FFF other than U+4DC0 to U+4DFF (the Yijing hexagram symbols): the CJK ideographs and
// the end of extension A, which IsStableByTable accepts. Such a sequence has lead byte E4 to
// E9, so it is never overlong or a surrogate, and a lead of E4 with B7 next is the excluded
// block.
inline bool IsCommonIdeograph(std::string_view bytes, size_t pos) {
  auto lead = static_cast<unsigned char>(bytes[pos]);
  if (lead < 0xE4 || lead > 0xE9 || pos + 2 >= bytes.size()) {
    return false;
  }
  auto second = static_cast<unsigned char>(bytes[pos + 1]);
  auto third = static_cast<unsigned char>(bytes[pos + 2]);
  return (second & 0xC0) == 0x80 && (third & 0xC0) == 0x80 && !(lead == 0xE4 && second == 0xB7);
}

// Whether bytes[pos] starts the UTF-8 of a full-width ASCII form (U+FF01 to U+FF5E), whose
// bytes are EF BC 81 to EF BC BF or EF BD 80 to EF BD 9E.
inline bool IsFullWidthAscii(std::string_view bytes, size_t pos) {
  if (static_cast<unsigned char>(bytes[pos]) != 0xEF || pos + 2 >= bytes.size()) {
    return false;
  }
  auto second = static_cast<unsigned char>(bytes[pos + 1]);
  auto third = static_cast<unsigned char>(bytes[pos + 2]);
  return (second == 0xBC && third >= 0x81 && third <= 0xBF) ||
         (second == 0xBD && third >= 0x80 && third <= 0x9E);
}

#if defined(__x86_64__)
// Tests the five three-byte sequences that start at bytes[0], [3], [6], [9] and [12] as
// IsCommonIdeograph does, and returns a mask with bit 3k set when sequence k passes. REQUIRES:
// 16 bytes are readable at bytes.
inline uint32_t CommonIdeographStarts(const unsigned char* bytes) {
  __m128i chunk = _mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes));
  // As signed bytes, the continuation bytes 80..BF are -128..-65.
  auto continuation =
      static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmplt_epi8(chunk, _mm_set1_epi8(-64))));
  // Flipping the top bit maps the leads E4..E9 to the signed bytes 0x64..0x69.
  __m128i flipped = _mm_xor_si128(chunk, _mm_set1_epi8(static_cast<char>(0x80)));
  __m128i in_range = _mm_and_si128(_mm_cmpgt_epi8(flipped, _mm_set1_epi8(0x63)),
                                   _mm_cmplt_epi8(flipped, _mm_set1_epi8(0x6A)));
  auto lead = static_cast<uint32_t>(_mm_movemask_epi8(in_range));
  auto e4 = static_cast<uint32_t>(
      _mm_movemask_epi8(_mm_cmpeq_epi8(chunk, _mm_set1_epi8(static_cast<char>(0xE4)))));
  auto b7 = static_cast<uint32_t>(
      _mm_movemask_epi8(_mm_cmpeq_epi8(chunk, _mm_set1_epi8(static_cast<char>(0xB7)))));
  constexpr uint32_t kSequenceStarts = 0x1249;  // bits 0, 3, 6, 9 and 12
  return lead & (continuation >> 1) & (continuation >> 2) & ~(e4 & (b7 >> 1)) & kSequenceStarts;
}

// Returns how many of the sequences that CommonIdeographStarts tested pass in a row from the
// first one, 0 to 5.
inline int IdeographRun(uint32_t starts) {
  // Bit 15 stops the count after the fifth sequence, whose bit is 12.
  uint32_t first_failed = static_cast<uint32_t>(__builtin_ctz((~starts & 0x1249) | 0x8000));
  return static_cast<int>(first_failed / 3);
}

// Decodes the four three-byte sequences at bytes[0], [3], [6] and [9] into code_points[0..3]
// and stores their offsets, byte_offset plus 0, 3, 6 and 9, into offsets[0..3]. A caller that
// keeps fewer than four ignores the rest, which are garbage unless they are ideographs.
// REQUIRES: 16 bytes are readable at bytes, and four entries are writable at code_points and
// at offsets.
inline void DecodeFourIdeographs(const unsigned char* bytes, int32_t byte_offset,
                                 char32_t* code_points, int32_t* offsets) {
  __m128i chunk = _mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes));
  // Lane k gets the bytes 3k to 3k + 3 (the last one belongs to the next sequence), by
  // interleaving the chunk shifted by 0, 3, 6 and 9 bytes.
  __m128i first_two = _mm_unpacklo_epi32(chunk, _mm_srli_si128(chunk, 3));
  __m128i last_two = _mm_unpacklo_epi32(_mm_srli_si128(chunk, 6), _mm_srli_si128(chunk, 9));
  __m128i lanes = _mm_unpacklo_epi64(first_two, last_two);
  // In each lane the lead byte is bits 0-7, the second byte bits 8-15 and the third bits
  // 16-23: 1110aaaa 10bbbbbb 10cccccc becomes aaaabbbbbbcccccc.
  __m128i high = _mm_slli_epi32(_mm_and_si128(lanes, _mm_set1_epi32(0x0F)), 12);
  __m128i middle = _mm_and_si128(_mm_srli_epi32(lanes, 2), _mm_set1_epi32(0x0FC0));
  __m128i low = _mm_and_si128(_mm_srli_epi32(lanes, 16), _mm_set1_epi32(0x3F));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(code_points),
                   _mm_or_si128(_mm_or_si128(high, middle), low));
  __m128i starts = _mm_add_epi32(_mm_set1_epi32(byte_offset), _mm_setr_epi32(0, 3, 6, 9));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(offsets), starts);
}

// Widens the run of ASCII bytes that starts bytes[0..7] and returns its length, 0 to 8. For a
// run of 2 or more it stores eight lanes into code_points[0..7] and byte_offset plus 0 to 7
// into offsets[0..7], of which a caller keeps the run, and sets *space when the run has a
// space or a tab. A lone ASCII byte costs less on the scalar path, so below 2 it stores nothing.
// REQUIRES: 8 bytes are readable at bytes, and eight entries are writable at code_points and at
// offsets.
inline int WidenAsciiRun(const unsigned char* bytes, int32_t byte_offset, char32_t* code_points,
                         int32_t* offsets, bool* space) {
  __m128i chunk = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(bytes));
  // The upper eight lanes of chunk are zero, so bit 8 stops the count after the eighth byte.
  auto non_ascii = static_cast<uint32_t>(_mm_movemask_epi8(chunk)) | 0x100;
  auto run = static_cast<int>(__builtin_ctz(non_ascii));
  if (run < 2) {
    return run;
  }
  __m128i zero = _mm_setzero_si128();
  __m128i halves = _mm_unpacklo_epi8(chunk, zero);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(code_points), _mm_unpacklo_epi16(halves, zero));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(code_points + 4), _mm_unpackhi_epi16(halves, zero));
  __m128i base = _mm_set1_epi32(byte_offset);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(offsets),
                   _mm_add_epi32(base, _mm_setr_epi32(0, 1, 2, 3)));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(offsets + 4),
                   _mm_add_epi32(base, _mm_setr_epi32(4, 5, 6, 7)));
  __m128i blank = _mm_or_si128(_mm_cmpeq_epi8(chunk, _mm_set1_epi8(' ')),
                               _mm_cmpeq_epi8(chunk, _mm_set1_epi8('\t')));
  auto in_run = (uint32_t{1} << run) - 1;
  *space = (static_cast<uint32_t>(_mm_movemask_epi8(blank)) & in_run) != 0;
  return run;
}
#endif

void SetIdentityOrigin(FoldBuffer* out) {
  out->origin.resize(out->folded.size());
  for (size_t i = 0; i < out->origin.size(); ++i) {
    out->origin[i] = static_cast<int32_t>(i);
  }
}

// Fills out->cp_byte from out->utf8, for the paths that do not compute it while folding.
void IndexCodePoints(FoldBuffer* out) {
  out->cp_byte.clear();
  for (size_t pos = 0; pos < out->utf8.size();) {
    out->cp_byte.push_back(static_cast<int32_t>(pos));
    DecodeAt(out->utf8, &pos);
  }
  out->cp_byte.push_back(static_cast<int32_t>(out->utf8.size()));
}

void EncodeFolded(FoldBuffer* out) {
  out->folded_utf8.clear();
  for (char32_t cp : out->folded) {
    AppendUtf8(cp, &out->folded_utf8);
  }
  out->utf8 = out->folded_utf8;
}

// Whether cp may follow a scale word that ends a number: a currency word, 多, 余, 左 (左右),
// another scale, punctuation or a space. Other characters mean the scale character starts a
// word instead, as in 万科, 万达 or 千克.
bool EndsScaledNumber(char32_t cp) {
  constexpr std::u32string_view kFollowers = U"元块圆多余左万亿千百";
  if (kFollowers.find(cp) != std::u32string_view::npos) {
    return true;
  }
  if (cp < 0x80) {
    return !(cp >= U'0' && cp <= U'9') && !(cp >= U'a' && cp <= U'z') &&
           !(cp >= U'A' && cp <= U'Z');
  }
  return cp >= 0x3000 && cp <= 0x303F;  // CJK punctuation, such as 、 and 。
}

// Fills original, origin and original_byte from the one-to-one form and clears one_to_one,
// for a step that moves code points.
void ExpandOneToOne(FoldBuffer* out) {
  auto size = static_cast<int32_t>(out->folded.size());
  out->original.resize(out->folded.size());
  out->origin.resize(out->folded.size());
  out->original_byte.resize(out->folded.size() + 1);
  for (int32_t i = 0; i <= size; ++i) {
    out->original_byte[i] = OriginalByteOf(*out, i);
  }
  for (int32_t i = 0; i < size; ++i) {
    out->original[i] = out->folded[i];
    out->origin[i] = i;
  }
  for (const FoldChange& change : out->changes) {
    out->original[change.index] = change.original;
  }
  out->changes.clear();
  out->one_to_one = false;
}

// Drops the spaces and tabs between the digits and scale words of one number from
// out->folded, so that "5 万元" and "2 万 3 千元" read like "5万元" and "2万3千元" and a quote
// still shows the text as written. Such a number is a chain: digits, a scale word (万, 亿, 千 or
// 百), and optionally more digits and a lower scale word, with spaces allowed between
// the parts. Its last scale word must end the number (EndsScaledNumber) with no digit after it
// across spaces, and a number that follows a scale word across spaces starts no chain. So
// 2026 万科, 2 万 3 家 and 2 万 3 千克 stay as written. Rebuilds utf8 and cp_byte when a space
// was dropped, and returns whether one was.
bool DropSpacesBeforeScale(FoldBuffer* out) {
  constexpr int kNoScaleYet = 5;  // above every scale rank
  CodePointBuffer& folded = out->folded;
  const size_t size = folded.size();
  auto is_digit = [](char32_t cp) { return cp >= U'0' && cp <= U'9'; };
  auto is_space = [](char32_t cp) { return cp == U' ' || cp == U'\t'; };
  auto skip_spaces = [&](size_t at) {
    while (at < size && is_space(folded[at])) {
      ++at;
    }
    return at;
  };
  auto skip_number = [&](size_t at) {
    while (at < size && (is_digit(folded[at]) || folded[at] == U'.')) {
      ++at;
    }
    return at;
  };
  // Ranks 亿 4, 万 3, 千 2, 百 1 and anything else 0. Each later scale word of a chain must be
  // lower (1万 2 千 3 百元).
  auto scale_rank = [](char32_t cp) {
    switch (cp) {
      case U'亿':
        return 4;
      case U'万':
        return 3;
      case U'千':
        return 2;
      case U'百':
        return 1;
      default:
        return 0;
    }
  };

  // Returns the end of the chain whose first digit is folded[start], or start when the digits
  // there start none.
  auto chain_end = [&](size_t start) {
    size_t at = skip_number(start);
    int previous_rank = kNoScaleYet;
    while (true) {
      size_t scale = skip_spaces(at);
      int rank = scale < size ? scale_rank(folded[scale]) : 0;
      size_t next = scale + 1;
      // A digit right after the scale word continues the chain (2 万3 千元).
      bool digit_follows = next < size && is_digit(folded[next]);
      if (rank == 0 || rank >= previous_rank ||
          (next < size && !digit_follows && !EndsScaledNumber(folded[next]))) {
        return start;
      }
      size_t digit = skip_spaces(next);
      if (digit == size || !is_digit(folded[digit])) {
        return next;
      }
      previous_rank = rank;
      at = skip_number(digit);
    }
  };

  // Returns whether the kept text ends with a scale word and spaces, as before the 3 of 2 万 3 家.
  // Joining only that second number to a scale after it would misread it.
  auto after_scale = [&folded, &is_space](size_t kept_length) {
    size_t before = kept_length;
    while (before > 0 && is_space(folded[before - 1])) {
      --before;
    }
    if (before == kept_length || before == 0) {
      return false;
    }
    char32_t cp = folded[before - 1];
    return cp == U'万' || cp == U'亿' || cp == U'千' || cp == U'百';
  };

  // Reads before it writes: kept_length never passes i, so a chain is found in the original
  // text, and after_scale looks back at the text as kept.
  size_t kept_length = 0;
  for (size_t i = 0; i < size;) {
    bool starts_number = is_digit(folded[i]) &&
                         (kept_length == 0 || (!is_digit(folded[kept_length - 1]) &&
                                               folded[kept_length - 1] != U'.'));
    size_t end = starts_number && !after_scale(kept_length) ? chain_end(i) : i;
    bool chain = end > i;
    if (!chain) {
      end = i + 1;
    }
    for (; i < end; ++i) {
      if (chain && is_space(folded[i])) {
        // Until the first space is dropped every code point stays in place, so a one-to-one
        // fold needs its origin only from here on.
        if (out->one_to_one) {
          ExpandOneToOne(out);
        }
        continue;
      }
      folded[kept_length] = folded[i];
      if (!out->one_to_one) {
        out->origin[kept_length] = out->origin[i];
      }
      ++kept_length;
    }
  }

  if (kept_length == folded.size()) {
    return false;
  }
  folded.resize(kept_length);
  out->origin.resize(kept_length);
  EncodeFolded(out);
  IndexCodePoints(out);
  return true;
}

// Runs ICU NFKC over the (valid) UTF-8 of out->original and rebuilds folded and origin from
// the fine-grained edits, which pair each changed source range with its replacement.
void FoldWithIcu(std::string_view source, FoldBuffer* out) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc = icu::Normalizer2::getNFKCInstance(status);
  if (U_FAILURE(status)) {
    // NOTE: ICU fails here only when its data is missing; the text is then used unfolded.
    out->folded = out->original;
    SetIdentityOrigin(out);
    EncodeFolded(out);
    return;
  }

  icu::StringPiece piece(source.data(), static_cast<int32_t>(source.size()));
  if (nfkc->isNormalizedUTF8(piece, status) && U_SUCCESS(status)) {
    out->folded = out->original;
    SetIdentityOrigin(out);
    out->utf8 = source;
    return;
  }

  status = U_ZERO_ERROR;
  std::string normalized;
  icu::StringByteSink<std::string> sink(&normalized);
  icu::Edits edits;
  nfkc->normalizeUTF8(0, piece, sink, &edits, status);
  if (U_FAILURE(status)) {
    normalized.assign(source);
    edits.reset();
  }

  // Source byte offset -> original code point index, for mapping edit positions.
  std::vector<int32_t> source_cp(source.size() + 1, 0);
  int32_t index = 0;
  for (size_t pos = 0; pos < source.size();) {
    size_t start = pos;
    DecodeAt(source, &pos);
    for (size_t b = start; b < pos; ++b) {
      source_cp[b] = index;
    }
    ++index;
  }
  source_cp[source.size()] = index;

  out->folded.clear();
  out->origin.clear();
  auto append_range = [&](int32_t dest_begin, int32_t dest_length, int32_t source_begin,
                          bool unchanged) {
    for (size_t pos = dest_begin; pos < static_cast<size_t>(dest_begin + dest_length);) {
      size_t cp_start = pos;
      out->folded.push_back(DecodeAt(normalized, &pos));
      size_t source_byte = unchanged ? source_begin + (cp_start - dest_begin) : source_begin;
      out->origin.push_back(source_cp[source_byte]);
    }
  };
  if (U_FAILURE(status)) {
    append_range(0, static_cast<int32_t>(normalized.size()), 0, true);
  } else {
    icu::Edits::Iterator it = edits.getFineIterator();
    UErrorCode iter_status = U_ZERO_ERROR;
    while (it.next(iter_status) && U_SUCCESS(iter_status)) {
      append_range(it.destinationIndex(), it.newLength(), it.sourceIndex(), !it.hasChange());
    }
  }
  out->folded_utf8.swap(normalized);
  out->utf8 = out->folded_utf8;
}

// Copies size bytes from `from` to `to`, which must not overlap. A run between two full-width
// commas is often a clause of five to ten ideographs, 16 to 32 bytes, which two overlapping
// 16-byte moves copy in fewer instructions than a call to memcpy.
inline void CopyRun(const char* from, size_t size, char* to) {
#if defined(__x86_64__)
  if (size >= 16 && size <= 32) {
    __m128i head = _mm_loadu_si128(reinterpret_cast<const __m128i*>(from));
    __m128i tail = _mm_loadu_si128(reinterpret_cast<const __m128i*>(from + size - 16));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(to), head);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(to + size - 16), tail);
    return;
  }
#endif
  CopyShortBytes(from, size, to);
}

// Shrinks buffer to size elements. For elements without a destructor erase only moves the
// end and is inlined, where resize, which can also grow, is a call (about 30 instructions
// under callgrind).
// REQUIRES: size <= buffer->size().
template <typename Buffer>
void ShrinkTo(Buffer* buffer, size_t size) {
  buffer->erase(buffer->begin() + static_cast<std::ptrdiff_t>(size), buffer->end());
}

// Folds input by table when every code point folds to exactly one code point, writing only
// folded and cp_byte per code point. The folded UTF-8 is the input itself until a code point
// changes. After that the unchanged runs between changes are copied whole. Returns false,
// leaving *out to be refilled, for anything else: invalid UTF-8, U+FFFD, the ellipsis, or a
// code point that the table does not cover.
bool FoldOneToOne(std::string_view input, FoldBuffer* out) {
  const size_t size = input.size();
  out->folded.resize(size);
  out->cp_byte.resize(size + 1);
  out->changes.clear();
  char32_t* folded = out->folded.data();
  int32_t* cp_byte = out->cp_byte.data();
  const auto* bytes = reinterpret_cast<const unsigned char*>(input.data());
  size_t count = 0;
  int32_t shift = 0;  // bytes the folded UTF-8 is shorter than the input so far
  size_t copied = 0;  // input bytes before this are in folded_utf8, once a code point changed
  bool saw_space = false;
  for (size_t pos = 0; pos < size;) {
    unsigned char lead = bytes[pos];
    if (lead < 0x80) {
#if defined(__x86_64__)
      // Runs of ASCII, such as the digits of an amount, are widened up to eight at a time.
      // Each code point takes at least one byte, so with 8 bytes left the buffers have room
      // for eight more entries.
      if (size - pos >= 8) {
        bool space = false;
        int run = WidenAsciiRun(bytes + pos, static_cast<int32_t>(pos) - shift, folded + count,
                                cp_byte + count, &space);
        if (run >= 2) {
          saw_space |= space;
          count += static_cast<size_t>(run);
          pos += static_cast<size_t>(run);
          continue;
        }
      }
#endif
      saw_space |= lead == ' ' || lead == '\t';
      folded[count] = lead;
      cp_byte[count] = static_cast<int32_t>(pos) - shift;
      ++count;
      ++pos;
      continue;
    }
#if defined(__x86_64__)
    // Runs of ideographs are checked five at a time. Up to four at the front of the run are
    // decoded together, and a fifth one alone, which costs less than another round of checks.
    // Each code point takes at least one byte, so with 16 bytes left the buffers, sized by the
    // input, have room for five more entries. An ideograph's lead byte is E4 to E9, so a run
    // cannot start at any other lead, such as EF of the full-width comma or E3 of 。, and the
    // vector checks are skipped there.
    if (static_cast<unsigned char>(lead - 0xE4) <= 0xE9 - 0xE4 && size - pos >= 16) {
      int run = IdeographRun(CommonIdeographStarts(bytes + pos));
      if (run > 0) {
        DecodeFourIdeographs(bytes + pos, static_cast<int32_t>(pos) - shift, folded + count,
                             cp_byte + count);
        if (run == 5) {
          const unsigned char* fifth = bytes + pos + 12;
          folded[count + 4] = ((fifth[0] & 0x0F) << 12) | ((fifth[1] & 0x3F) << 6) |
                              (fifth[2] & 0x3F);
          cp_byte[count + 4] = static_cast<int32_t>(pos + 12) - shift;
        }
        count += static_cast<size_t>(run);
        pos += 3 * static_cast<size_t>(run);
        continue;
      }
    }
#endif
    if (IsCommonIdeograph(input, pos)) {
      folded[count] = ((lead & 0x0F) << 12) | ((bytes[pos + 1] & 0x3F) << 6) |
                      (bytes[pos + 2] & 0x3F);
      cp_byte[count] = static_cast<int32_t>(pos) - shift;
      ++count;
      pos += 3;
      continue;
    }
    size_t start = pos;
    char32_t cp = 0;
    char32_t ascii = 0;
    if (IsFullWidthAscii(input, pos)) {
      // The full-width comma U+FF0C and its kin are the common change, so they are decoded
      // without DecodeFast's checks.
      cp = ((lead & 0x0F) << 12) | ((bytes[pos + 1] & 0x3F) << 6) | (bytes[pos + 2] & 0x3F);
      ascii = cp - 0xFEE0;
      pos += 3;
    } else {
      cp = DecodeFast(input, &pos);
      if (cp == kReplacement) {
        return false;
      }
      // U+3000 and U+FFE5 change too, and the table of stable code points contains neither.
      ascii = FullWidthToAscii(cp);
      if (ascii == 0) {
        if (!IsStableByTable(cp)) {
          return false;
        }
        folded[count] = cp;
        cp_byte[count] = static_cast<int32_t>(start) - shift;
        ++count;
        continue;
      }
    }

    // A changed code point: copy the run before it, then write its folded form.
    if (out->changes.empty() && out->folded_utf8.size() < size) {
      out->folded_utf8.resize(size);  // only grows, because resize zeroes what it adds
    }
    char* folded_bytes = out->folded_utf8.data();
    auto folded_start = static_cast<int32_t>(start) - shift;
    CopyRun(input.data() + copied, start - copied,
            folded_bytes + (copied - static_cast<size_t>(shift)));
    int32_t folded_length = 1;
    if (ascii < 0x80) {
      folded_bytes[folded_start] = static_cast<char>(ascii);
    } else {  // U+FFE5 -> U+00A5
      folded_bytes[folded_start] = static_cast<char>(0xC0 | (ascii >> 6));
      folded_bytes[folded_start + 1] = static_cast<char>(0x80 | (ascii & 0x3F));
      folded_length = 2;
    }
    saw_space = saw_space || ascii == U' ';
    folded[count] = ascii;
    cp_byte[count] = folded_start;
    shift += static_cast<int32_t>(pos - start) - folded_length;
    out->changes.push_back(FoldChange{static_cast<int32_t>(count), cp, shift});
    ++count;
    copied = pos;
  }

  ShrinkTo(&out->folded, count);
  ShrinkTo(&out->cp_byte, count + 1);
  cp_byte[count] = static_cast<int32_t>(size) - shift;
  if (out->changes.empty()) {
    out->utf8 = input;
  } else {
    CopyRun(input.data() + copied, size - copied,
            out->folded_utf8.data() + (copied - static_cast<size_t>(shift)));
    out->utf8 = std::string_view(out->folded_utf8.data(), size - static_cast<size_t>(shift));
  }
  out->well_formed = true;
  out->one_to_one = true;
  out->original.clear();
  out->origin.clear();
  out->original_byte.clear();
  if (saw_space) {
    DropSpacesBeforeScale(out);
  }
  return true;
}

}  // namespace

void AppendUtf8(char32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

char32_t FullWidthToAscii(char32_t cp) {
  if (cp >= 0xFF01 && cp <= 0xFF5E) {
    return cp - 0xFEE0;
  }
  if (cp == 0x3000) {
    return U' ';
  }
  if (cp == 0xFFE5) {
    return 0x00A5;
  }
  return 0;
}

void Fold(std::string_view input, FoldBuffer* out) {
  if (FoldOneToOne(input, out)) {
    return;
  }
  out->one_to_one = false;
  out->changes.clear();

  // Decode, fold by table where possible, and write the folded UTF-8 in the same pass. No
  // table entry makes more code points or bytes than its UTF-8 input has (… is 3 bytes and
  // becomes "..."), so every buffer sized by the input is large enough. Writes go through
  // raw pointers because this loop is the hot path of Extract.
  out->original.resize(input.size());
  out->folded.resize(input.size());
  out->origin.resize(input.size());
  // folded_utf8 only grows here, because std::string::resize zeroes what it adds; utf8 marks
  // the bytes in use.
  if (out->folded_utf8.size() < input.size()) {
    out->folded_utf8.resize(input.size());
  }
  out->cp_byte.resize(input.size() + 1);
  out->original_byte.resize(input.size() + 1);
  char32_t* original = out->original.data();
  int32_t* original_byte = out->original_byte.data();
  char32_t* folded = out->folded.data();
  int32_t* origin = out->origin.data();
  int32_t* cp_byte = out->cp_byte.data();
  char* folded_bytes = out->folded_utf8.data();
  size_t count = 0;
  size_t folded_count = 0;
  size_t byte_count = 0;
  bool valid = true;
  bool by_table = true;
  bool changed = false;
  bool saw_space = false;  // DropSpacesBeforeScale has work only after a space
  auto emit = [&](char32_t cp) {
    folded[folded_count] = cp;
    origin[folded_count] = static_cast<int32_t>(count);
    cp_byte[folded_count] = static_cast<int32_t>(byte_count);
    ++folded_count;
  };
  const auto* bytes = reinterpret_cast<const unsigned char*>(input.data());
  const size_t size = input.size();
  for (size_t pos = 0; pos < size;) {
    // ASCII and the common CJK ideographs fold to themselves and make up most work-log text,
    // so runs of them are copied in this inner loop without the checks of the general path.
    while (by_table && pos < size) {
      unsigned char lead = bytes[pos];
      if (lead < 0x80) {
        saw_space |= lead == ' ' || lead == '\t';
        original[count] = lead;
        original_byte[count] = static_cast<int32_t>(pos);
        emit(lead);
        folded_bytes[byte_count++] = static_cast<char>(lead);
        ++count;
        ++pos;
        continue;
      }
      if (!IsCommonIdeograph(input, pos)) {
        break;
      }
      unsigned char second = bytes[pos + 1];
      unsigned char third = bytes[pos + 2];
      char32_t cp = ((lead & 0x0F) << 12) | ((second & 0x3F) << 6) | (third & 0x3F);
      original[count] = cp;
      original_byte[count] = static_cast<int32_t>(pos);
      emit(cp);
      folded_bytes[byte_count] = static_cast<char>(lead);
      folded_bytes[byte_count + 1] = static_cast<char>(second);
      folded_bytes[byte_count + 2] = static_cast<char>(third);
      byte_count += 3;
      ++count;
      pos += 3;
    }
    if (pos >= size) {
      break;
    }
    size_t start = pos;
    char32_t cp = DecodeFast(input, &pos);
    if (cp == kReplacement && !(pos - start == 3 && input.substr(start, 3) == "\xEF\xBF\xBD")) {
      valid = false;
    }
    original[count] = cp;
    original_byte[count] = static_cast<int32_t>(start);
    if (!by_table) {
      ++count;
      continue;
    }
    if (IsStableByTable(cp)) {
      emit(cp);
      size_t length = pos - start;
      folded_bytes[byte_count] = input[start];
      if (length == 3) {  // CJK ideographs and punctuation, the common case
        folded_bytes[byte_count + 1] = input[start + 1];
        folded_bytes[byte_count + 2] = input[start + 2];
      } else {
        for (size_t b = 1; b < length; ++b) {
          folded_bytes[byte_count + b] = input[start + b];
        }
      }
      byte_count += length;
    } else if (char32_t ascii = FullWidthToAscii(cp); ascii != 0) {
      saw_space = saw_space || ascii == U' ';
      emit(ascii);
      if (ascii < 0x80) {
        folded_bytes[byte_count++] = static_cast<char>(ascii);
      } else {  // U+FFE5 -> U+00A5
        folded_bytes[byte_count++] = static_cast<char>(0xC0 | (ascii >> 6));
        folded_bytes[byte_count++] = static_cast<char>(0x80 | (ascii & 0x3F));
      }
      changed = true;
    } else if (cp == 0x2026) {  // … (two of them are the Chinese ellipsis) -> "..."
      for (int dot = 0; dot < 3; ++dot) {
        emit(U'.');
        folded_bytes[byte_count++] = '.';
      }
      changed = true;
    } else {
      by_table = false;
    }
    ++count;
  }
  out->original.resize(count);
  original_byte[count] = static_cast<int32_t>(input.size());
  out->original_byte.resize(count + 1);
  out->well_formed = valid;

  if (by_table && valid) {
    out->folded.resize(folded_count);
    out->origin.resize(folded_count);
    cp_byte[folded_count] = static_cast<int32_t>(byte_count);
    out->cp_byte.resize(folded_count + 1);
    if (changed) {
      out->utf8 = std::string_view(out->folded_utf8.data(), byte_count);
    } else {
      out->utf8 = input;
    }
    if (saw_space) {
      DropSpacesBeforeScale(out);
    }
    return;
  }

  out->folded.clear();
  out->origin.clear();
  if (valid) {
    FoldWithIcu(input, out);
    if (!DropSpacesBeforeScale(out)) {
      IndexCodePoints(out);
    }
    return;
  }
  std::string repaired;
  for (char32_t cp : out->original) {
    AppendUtf8(cp, &repaired);
  }
  FoldWithIcu(repaired, out);
  // FoldWithIcu may point utf8 at its source; keep a copy that outlives this call.
  if (out->utf8.data() == repaired.data()) {
    out->folded_utf8 = std::move(repaired);
    out->utf8 = out->folded_utf8;
  }
  if (!DropSpacesBeforeScale(out)) {
    IndexCodePoints(out);
  }
}

int32_t CodePointAt(const FoldBuffer& text, size_t byte) {
  auto it = std::lower_bound(text.cp_byte.begin(), text.cp_byte.end(), static_cast<int32_t>(byte));
  return static_cast<int32_t>(it - text.cp_byte.begin());
}

namespace {

// Typical text has a few changes (its full-width commas), which a plain loop passes in fewer
// instructions than a binary search takes. Up to this many changes are searched by the loop.
constexpr size_t kMaxLinearSearch = 8;

// Returns the first change of a one-to-one fold at code point i or after it.
std::vector<FoldChange>::const_iterator FirstChangeFrom(const FoldBuffer& text, int32_t i) {
  if (text.changes.size() <= kMaxLinearSearch) {
    auto change = text.changes.begin();
    while (change != text.changes.end() && change->index < i) {
      ++change;
    }
    return change;
  }
  return std::lower_bound(
      text.changes.begin(), text.changes.end(), i,
      [](const FoldChange& entry, int32_t index) { return entry.index < index; });
}

}  // namespace

char32_t OriginalAt(const FoldBuffer& text, int32_t i) {
  if (!text.one_to_one) {
    return text.original[i];
  }
  auto change = FirstChangeFrom(text, i);
  return change != text.changes.end() && change->index == i ? change->original : text.folded[i];
}

int32_t OriginalByteOf(const FoldBuffer& text, int32_t i) {
  if (!text.one_to_one) {
    return text.original_byte[i];
  }
  // The folded text is shorter by the shift of the last change before i.
  auto after = FirstChangeFrom(text, i);
  int32_t shift = after == text.changes.begin() ? 0 : std::prev(after)->byte_shift;
  return text.cp_byte[i] + shift;
}

std::pair<int32_t, int32_t> OriginalBytesOf(const FoldBuffer& text, Span span) {
  if (!text.one_to_one) {
    return {text.original_byte[span.begin], text.original_byte[span.end]};
  }
  if (text.changes.size() <= kMaxLinearSearch) {
    // One walk of the few changes finds the last one before each end of the span.
    int32_t begin_shift = 0;
    int32_t end_shift = 0;
    for (const FoldChange& change : text.changes) {
      if (change.index >= span.end) {
        break;
      }
      end_shift = change.byte_shift;
      if (change.index < span.begin) {
        begin_shift = change.byte_shift;
      }
    }
    return {text.cp_byte[span.begin] + begin_shift, text.cp_byte[span.end] + end_shift};
  }
  auto shift_before = [&text](std::vector<FoldChange>::const_iterator after) {
    return after == text.changes.begin() ? 0 : std::prev(after)->byte_shift;
  };
  auto after_begin = FirstChangeFrom(text, span.begin);
  auto after_end = after_begin;
  while (after_end != text.changes.end() && after_end->index < span.end) {
    ++after_end;
  }
  return {text.cp_byte[span.begin] + shift_before(after_begin),
          text.cp_byte[span.end] + shift_before(after_end)};
}

Span OriginalSpanOfExpanded(const FoldBuffer& text, int32_t begin, int32_t end) {
  int32_t original_length = OriginalLength(text);
  auto folded_length = static_cast<int32_t>(text.folded.size());
  if (begin >= folded_length) {
    return Span{original_length, original_length};
  }
  Span span;
  span.begin = OriginOf(text, begin);
  if (end <= begin) {
    span.end = span.begin;
  } else if (end >= folded_length) {
    span.end = original_length;
  } else {
    // The next folded code point starts where this range's sources end, unless both came
    // from one expanded character (… -> ...), in which case the range ends after it.
    span.end = std::max(OriginOf(text, end), OriginOf(text, end - 1) + 1);
  }
  return span;
}

}  // namespace logbridge::scoring
