// Tests that ScanNumbers with marks records the position of every marked code point, inside
// numbers and skipped runs too, and finds the same numbers as the plain scan.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <catch2/catch.hpp>

#include "scoring/numerals.h"
#include "scoring/text.h"

namespace logbridge::scoring {
namespace {

TEST_CASE("scan marks every marked position", "[numerals]") {
  constexpr std::u32string_view kMarked = U",.-家3约";
  CodePointFilter filter;
  for (char32_t cp : kMarked) {
    filter.Add(cp);
  }
  ScanMarks marks(filter);
  UnitTable units;
  ScanOptions options;
  options.keep_identifiers = true;

  // Digits, separators and dashes inside read numbers, a rejected date and a hedge word.
  const std::vector<std::string> texts = {
      "拜访3家，签约1,200元。约3.5万元,好", "2026-11-03拜访33家", "", "3", "没有数字的句子",
      "3-5家，约30万元左右。"};
  FoldBuffer text;
  for (const std::string& input : texts) {
    INFO("text: " << input);
    Fold(input, &text);
    std::vector<int32_t> expected;
    for (size_t i = 0; i < text.folded.size(); ++i) {
      if (kMarked.find(text.folded[i]) != std::u32string_view::npos) {
        expected.push_back(static_cast<int32_t>(i));
      }
    }

    std::vector<NumberMatch> numbers;
    std::vector<int32_t> marked;
    ScanNumbers(text, units, options, marks, &numbers, &marked);
    std::vector<NumberMatch> plain;
    ScanNumbers(text, units, options, &plain);

    CHECK(marked == expected);
    REQUIRE(numbers.size() == plain.size());
    for (size_t i = 0; i < numbers.size(); ++i) {
      CHECK(numbers[i].begin == plain[i].begin);
      CHECK(numbers[i].end == plain[i].end);
      CHECK(numbers[i].low == plain[i].low);
    }
  }
}

TEST_CASE("scan marks include number starts", "[numerals]") {
  CodePointFilter filter;
  filter.Add(U'家');
  ScanMarks marks(filter);
  CHECK(marks.marks().MayContain(U'家'));
  CHECK_FALSE(marks.marks().MayContain(U'3'));
  CHECK(marks.marks_or_starts().MayContain(U'家'));
  CHECK(marks.marks_or_starts().MayContain(U'3'));
  CHECK(marks.marks_or_starts().MayContain(U'三'));
  CHECK_FALSE(marks.marks_or_starts().MayContain(U'客'));
}

}  // namespace
}  // namespace logbridge::scoring
