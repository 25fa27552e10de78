// Code point counts of UTF-8 text, 64 bytes at a time with SSE2. Pure functions, safe from any
// thread.
#pragma once

#include <cstdint>
#include <string_view>

namespace logbridge::scoring {

struct CodePointCounts {
  int32_t code_points = 0;
  // Code points other than white space: ASCII space, tab, line feed, carriage return and
  // U+3000.
  int32_t content = 0;
};

// Counts the code points of text as a reader that steps over each sequence by the length its
// lead byte announces (110xxxxx 2, 1110xxxx 3, 11110xxx 4, any other byte 1). On valid UTF-8
// that is the number of characters. On invalid input a stray byte counts as one code point,
// and a lead byte cut short by a non-continuation byte or the end swallows the bytes it
// announces. Well-formed text is counted in blocks of 64 bytes, and text that breaks the lead
// and continuation pattern anywhere is counted byte by byte instead.
CodePointCounts CountCodePoints(std::string_view text);

// The byte-by-byte reference for CountCodePoints, which falls back to it.
CodePointCounts CountCodePointsByStep(std::string_view text);

}  // namespace logbridge::scoring
