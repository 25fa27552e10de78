// Text folding for the quantity extractor: UTF-8 decoding and ICU NFKC normalization into
// reusable buffers, with the original code-point index of every folded code point.
// Private to the text part of scoring (extract.cc, numerals.cc). A FoldBuffer is owned by one
// thread at a time; Fold keeps its capacity so repeated calls do not allocate.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "scoring/extract.h"

namespace logbridge::scoring {

struct FoldBuffer {
  std::u32string original;          // original code points; invalid UTF-8 bytes as U+FFFD
  std::u32string folded;            // code points after NFKC
  std::vector<int32_t> origin;      // origin[i] = index in original of folded[i]
  std::string folded_utf8;          // storage for utf8 when it differs from the input
  std::string_view utf8;            // folded text as UTF-8: the input itself or folded_utf8
  std::vector<int32_t> cp_byte;     // cp_byte[i] = utf8 offset of folded[i]; one extra entry
  // original_byte[i] = input offset of original[i], with one extra entry: the input's size.
  std::vector<int32_t> original_byte;
  bool well_formed = true;          // the input was valid UTF-8
};

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
// fails, full NFKC with edit tracking.
void Fold(std::string_view input, FoldBuffer* out);

// Returns the index of the folded code point that starts at utf8 offset byte, or the next one
// when byte falls inside a code point.
int32_t CodePointAt(const FoldBuffer& text, size_t byte);

// Maps a half-open range of folded code points to the original code points it came from,
// including any characters NFKC merged into the range's last code point.
Span OriginalSpan(const FoldBuffer& text, int32_t begin, int32_t end);

// Appends the UTF-8 encoding of one code point.
void AppendUtf8(char32_t cp, std::string* out);

// The code point that full-width ASCII folds to when it is one of the forms Fold maps by table
// (U+FF01..U+FF5E, U+3000, U+FFE5), or 0 for any other code point.
char32_t FullWidthToAscii(char32_t cp);

}  // namespace logbridge::scoring
