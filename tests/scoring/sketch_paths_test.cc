// Checks that every sketch path this processor runs returns the scalar reference's sketch and
// bins, on texts that take each branch of the decoder and each buffer boundary of the hashing.
#include "scoring/sketch_paths.h"

#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

namespace logbridge::scoring {
namespace {

// Pieces of each kind the decoder distinguishes: CJK ideographs, ASCII letters and digits,
// ASCII and CJK punctuation, full-width forms, 2-byte and 4-byte sequences, and invalid UTF-8
// (stray continuation bytes, bytes never valid, truncated and overlong sequences, surrogates).
const std::vector<std::string> kPieces = {
    "拜", "访", "客", "户", "签约", "万元", "今天上午", "a", "Z", "7", "0", " ", ".", "-", "\n",
    "，", "。", "、", "　", "（", "）", "ａ", "Ｂ", "１", "！", "：", "\xC3\xA9", "\xD0\x96",
    "\xF0\x9F\x98\x80", "\xF0\xA0\x80\x80", "\x80", "\xBF", "\xFF", "\xC0", "\xE6", "\xE6\x8B",
    "\xF0\x9F", "\xE0\x81\x81", "\xE0\x80\xA0", "\xE3\x81\x82", "\xEE\x80\x80", "\xEF\xBC\x81",
    "\xE4\x00\x41", "\xE2\x80\x94", "\xED\xA0\x80", "\xE3\x80\x80"};

// Compares every path with the scalar one on text.
void CheckPathsAgree(const std::string& text) {
  uint64_t expected_bins = 0;
  Sketch expected = ScalarSketch(text, &expected_bins);
  for (const SketchPath& path : SketchPaths()) {
    INFO("path " << path.name << ", text of " << text.size() << " bytes: " << text);
    uint64_t bins = 0;
    Sketch sketch = path.function(text, &bins);
    CHECK(sketch == expected);
    CHECK(bins == expected_bins);
  }
}

TEST_CASE("sketch paths agree on short texts", "[validate]") {
  if (SketchPaths().size() == 1) {
    WARN("this processor runs only the scalar sketch path");
  }
  // Every text of zero to three pieces from a small alphabet, which covers the texts that have
  // fewer than three kept characters and need the short-text hash.
  const std::vector<std::string> alphabet = {"拜", "a", "，", "ａ", "\xF0\x9F\x98\x80", "\xFF",
                                             "\xE6", " "};
  CheckPathsAgree("");
  for (const std::string& first : alphabet) {
    CheckPathsAgree(first);
    for (const std::string& second : alphabet) {
      CheckPathsAgree(first + second);
      for (const std::string& third : alphabet) {
        CheckPathsAgree(first + second + third);
      }
    }
  }
}

TEST_CASE("sketch paths agree on random texts", "[validate]") {
  std::mt19937_64 random(14);
  for (int round = 0; round < 4000; ++round) {
    // Most texts have the length of a work log, and every tenth is long enough to fill the
    // fast path's key buffer more than once.
    size_t count = random() % (round % 10 == 0 ? 1200 : 60);
    std::string text;
    for (size_t i = 0; i < count; ++i) {
      text += kPieces[random() % kPieces.size()];
    }
    CheckPathsAgree(text);
  }
}

TEST_CASE("sketch paths agree on random bytes", "[validate]") {
  std::mt19937_64 random(41);
  for (int round = 0; round < 2000; ++round) {
    std::string text(random() % 80, '\0');
    for (char& byte : text) {
      byte = static_cast<char>(random());
    }
    CheckPathsAgree(text);
  }
}

// Texts whose 3-gram count lands on and around multiples of eight and of the fast path's key
// buffer, which hashes in steps of eight and holds a few hundred keys.
TEST_CASE("sketch paths agree near buffer sizes", "[validate]") {
  for (size_t grams : {1, 7, 8, 9, 15, 16, 17, 255, 256, 257, 511, 512, 513, 1000}) {
    std::string text;
    for (size_t i = 0; i < grams + 2; ++i) {
      // Distinct characters from the CJK block, so every 3-gram is distinct.
      char32_t cp = 0x4E00 + static_cast<char32_t>(i);
      text += static_cast<char>(0xE0 | (cp >> 12));
      text += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      text += static_cast<char>(0x80 | (cp & 0x3F));
    }
    CheckPathsAgree(text);
  }
}

}  // namespace
}  // namespace logbridge::scoring
