// Text folding for the quantity extractor: UTF-8 decoding and ICU NFKC normalization into
// reusable buffers, with the original code-point index of every folded code point.
// Private to the text part of scoring (extract.cc, numerals.cc). A FoldBuffer is owned by one
// thread at a time; Fold keeps its capacity so repeated calls do not allocate.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "scoring/extract.h"

namespace logbridge::scoring {

// An allocator whose construct() without arguments leaves a trivial element uninitialized,
// so that vector::resize() does not zero it. Fold sizes its buffers by the input and then
// writes every element it keeps, so zeroing them first would be wasted work.
template <typename T>
struct UninitializedAllocator : std::allocator<T> {
  template <typename U>
  struct rebind {
    using other = UninitializedAllocator<U>;
  };

  UninitializedAllocator() = default;
  template <typename U>
  explicit UninitializedAllocator(const UninitializedAllocator<U>& /*other*/) noexcept {}

  template <typename U>
  void construct(U* place) noexcept(std::is_nothrow_default_constructible_v<U>) {
    ::new (static_cast<void*>(place)) U;
  }
  template <typename U, typename... Args>
  void construct(U* place, Args&&... args) {
    std::allocator_traits<std::allocator<T>>::construct(*this, place,
                                                        std::forward<Args>(args)...);
  }
};

// Code points, and per code point offsets, that resize() does not zero.
using CodePointBuffer = std::vector<char32_t, UninitializedAllocator<char32_t>>;
using OffsetBuffer = std::vector<int32_t, UninitializedAllocator<int32_t>>;

inline std::u32string_view View(const CodePointBuffer& code_points) {
  return {code_points.data(), code_points.size()};
}

// A code point that Fold changed without changing the number of code points: a full-width
// form folded by table to ASCII, or U+FFE5 folded to U+00A5.
struct FoldChange {
  int32_t index = 0;       // the code point's index, equal in the original and folded text
  char32_t original = 0;   // the code point as written
  // How many bytes shorter the folded UTF-8 is than the input, up to and including this code
  // point.
  int32_t byte_shift = 0;
};

// The output of Fold. Read the original text through OriginalLength, OriginalAt, OriginOf and
// OriginalByteOf, which work in both of the forms that one_to_one selects.
struct FoldBuffer {
  CodePointBuffer folded;           // code points after NFKC
  std::string folded_utf8;          // storage for utf8 when it differs from the input; may be
                                    // longer than utf8
  std::string_view utf8;            // folded text as UTF-8: the input itself or folded_utf8
  OffsetBuffer cp_byte;             // cp_byte[i] = utf8 offset of folded[i]; one extra entry
  bool well_formed = true;          // the input was valid UTF-8
  // Whether every input code point folded to exactly one code point, as in ASCII and CJK text
  // with full-width punctuation. Then origin is the identity, original equals folded except
  // at the code points listed in changes, and original, origin and original_byte are left
  // empty.
  bool one_to_one = false;
  std::vector<FoldChange> changes;  // by index; filled only when one_to_one
  // Filled only when one_to_one is false:
  CodePointBuffer original;         // original code points; invalid UTF-8 bytes as U+FFFD
  OffsetBuffer origin;              // origin[i] = index in original of folded[i]
  // original_byte[i] = input offset of original[i], with one extra entry: the input's size.
  OffsetBuffer original_byte;
};

// Returns the number of code points in the original text.
inline int32_t OriginalLength(const FoldBuffer& text) {
  return static_cast<int32_t>(text.one_to_one ? text.folded.size() : text.original.size());
}

// Returns the index in the original text of folded code point i.
inline int32_t OriginOf(const FoldBuffer& text, int32_t i) {
  return text.one_to_one ? i : text.origin[i];
}

// Returns original code point i as written (U+FFFD for an invalid byte).
char32_t OriginalAt(const FoldBuffer& text, int32_t i);

// Returns the input byte offset of original code point i, or the input's size for i equal to
// OriginalLength.
int32_t OriginalByteOf(const FoldBuffer& text, int32_t i);

// Returns OriginalByteOf for span.begin and for span.end. The changes of a one-to-one fold are
// searched once for both, and from span.begin on one at a time, which suits a short span.
// REQUIRES: 0 <= span.begin <= span.end <= OriginalLength(text).
std::pair<int32_t, int32_t> OriginalBytesOf(const FoldBuffer& text, Span span);

// A set of code points keyed by their low 16 bits (8 KiB), used to skip characters that
// cannot start a word of interest. MayContain is exact in the Basic Multilingual Plane and
// may return true for a code point of another plane.
class CodePointFilter {
 public:
  void Add(char32_t cp) { bits_[(cp & 0xFFFF) >> 6] |= uint64_t{1} << (cp & 63); }
  bool MayContain(char32_t cp) const { return (bits_[(cp & 0xFFFF) >> 6] >> (cp & 63)) & 1; }

 private:
  std::array<uint64_t, 1024> bits_{};
};

// Folds input into out, replacing its previous contents. Text made only of ASCII, CJK
// ideographs, common stable CJK punctuation and full-width ASCII forms is folded by a table
// without calling ICU; anything else goes through ICU's NFKC quick check and, when that
// fails, full NFKC with edit tracking. Valid text that the table folds without the ellipsis
// and without dropping a space comes back with one_to_one set.
void Fold(std::string_view input, FoldBuffer* out);

// Returns the index of the folded code point that starts at utf8 offset byte, or the next one
// when byte falls inside a code point.
int32_t CodePointAt(const FoldBuffer& text, size_t byte);

// Maps a range of folded code points as OriginalSpan does, for text that is not one_to_one.
Span OriginalSpanOfExpanded(const FoldBuffer& text, int32_t begin, int32_t end);

// Maps a half-open range of folded code points to the original code points it came from,
// including any characters NFKC merged into the range's last code point.
inline Span OriginalSpan(const FoldBuffer& text, int32_t begin, int32_t end) {
  if (!text.one_to_one) {
    return OriginalSpanOfExpanded(text, begin, end);
  }
  // Folded and original code points match one to one, so the range is only clipped to the
  // text. Inline, because extraction maps two ranges per match.
  auto length = static_cast<int32_t>(text.folded.size());
  if (begin >= length) {
    return Span{length, length};
  }
  return Span{begin, end <= begin ? begin : std::min(end, length)};
}

// Whether cp is an enclosed alphanumeric such as ① or ⑴, which NFKC folds to plain digits (and
// letters). The dingbat digits such as ❶ have no such folding, so they are never numbers.
inline bool IsEnclosedAlphanumeric(char32_t cp) { return cp >= 0x2460 && cp <= 0x24FF; }

// Appends the UTF-8 encoding of one code point.
void AppendUtf8(char32_t cp, std::string* out);

// The code point that full-width ASCII folds to when it is one of the forms Fold maps by table
// (U+FF01..U+FF5E, U+3000, U+FFE5), or 0 for any other code point.
char32_t FullWidthToAscii(char32_t cp);

}  // namespace logbridge::scoring
