// Tests for the two forms of a FoldBuffer: the one-to-one form of typical text and the full
// form of text that ICU, the ellipsis or a dropped space folds. Every accessor is checked
// against the input decoded by the test itself.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>
#include <unicode/normalizer2.h>
#include <unicode/unistr.h>

#include "scoring/text.h"
#include "scoring/utf8_count.h"

namespace logbridge::scoring {
namespace {

// A code point of valid UTF-8 input and the byte offset where it starts.
struct Decoded {
  std::u32string code_points;
  std::vector<int32_t> offsets;  // one per code point, then the input's size
};

// Decodes valid UTF-8 without the decoder under test.
Decoded DecodeValid(std::string_view input) {
  Decoded decoded;
  for (size_t pos = 0; pos < input.size();) {
    auto lead = static_cast<unsigned char>(input[pos]);
    size_t length = Utf8SequenceLength(lead);
    char32_t cp = lead;
    if (length > 1) {
      cp = lead & (0x7F >> length);
    }
    for (size_t b = 1; b < length; ++b) {
      cp = (cp << 6) | (static_cast<unsigned char>(input[pos + b]) & 0x3F);
    }
    decoded.code_points.push_back(cp);
    decoded.offsets.push_back(static_cast<int32_t>(pos));
    pos += length;
  }
  decoded.offsets.push_back(static_cast<int32_t>(input.size()));
  return decoded;
}

// Checks OriginalLength, OriginalAt, OriginalByteOf and OriginalBytesOf against the decoded
// input, and that cp_byte points at the UTF-8 of each folded code point.
void CheckAccessors(std::string_view input, const FoldBuffer& buffer) {
  INFO("input: " << input);
  Decoded decoded = DecodeValid(input);
  REQUIRE(OriginalLength(buffer) == static_cast<int32_t>(decoded.code_points.size()));
  for (int32_t i = 0; i < OriginalLength(buffer); ++i) {
    INFO("original code point " << i);
    CHECK(OriginalAt(buffer, i) == decoded.code_points[i]);
    CHECK(OriginalByteOf(buffer, i) == decoded.offsets[i]);
  }
  CHECK(OriginalByteOf(buffer, OriginalLength(buffer)) == static_cast<int32_t>(input.size()));
  for (int32_t begin = 0; begin <= OriginalLength(buffer); ++begin) {
    for (int32_t end = begin; end <= OriginalLength(buffer); ++end) {
      INFO("original span " << begin << " to " << end);
      std::pair<int32_t, int32_t> bytes = OriginalBytesOf(buffer, Span{begin, end});
      CHECK(bytes.first == decoded.offsets[begin]);
      CHECK(bytes.second == decoded.offsets[end]);
    }
  }

  REQUIRE(buffer.cp_byte.size() == buffer.folded.size() + 1);
  CHECK(buffer.cp_byte.back() == static_cast<int32_t>(buffer.utf8.size()));
  for (size_t i = 0; i < buffer.folded.size(); ++i) {
    INFO("folded code point " << i);
    std::string expected;
    AppendUtf8(buffer.folded[i], &expected);
    CHECK(buffer.utf8.substr(buffer.cp_byte[i], buffer.cp_byte[i + 1] - buffer.cp_byte[i]) ==
          expected);
    int32_t origin = OriginOf(buffer, static_cast<int32_t>(i));
    CHECK(origin >= 0);
    CHECK(origin < OriginalLength(buffer));
  }
}

TEST_CASE("Fold keeps plain text one to one", "[text]") {
  FoldBuffer buffer;
  std::string input = "上午拜访3家客户, 签约2.5万元。";
  Fold(input, &buffer);
  CHECK(buffer.one_to_one);
  CHECK(buffer.changes.empty());
  CHECK(buffer.utf8 == input);
  CHECK(buffer.utf8.data() == input.data());
  CHECK(OriginOf(buffer, 4) == 4);
  CheckAccessors(input, buffer);
}

TEST_CASE("Fold lists full-width forms as changes", "[text]") {
  FoldBuffer buffer;
  std::string input = "拜访３家，签约１笔￥5";
  Fold(input, &buffer);
  REQUIRE(buffer.one_to_one);
  CHECK(buffer.utf8 == "拜访3家,签约1笔\u00A55");
  REQUIRE(buffer.changes.size() == 4);
  CHECK(buffer.changes[0].index == 2);
  CHECK(buffer.changes[0].original == U'３');
  CHECK(buffer.changes[0].byte_shift == 2);
  CHECK(buffer.changes[3].index == 9);
  CHECK(buffer.changes[3].original == 0xFFE5);
  CHECK(buffer.changes[3].byte_shift == 7);  // U+FFE5 is 3 bytes and U+00A5 is 2
  CHECK(OriginalAt(buffer, 4) == U'，');
  CHECK(OriginalAt(buffer, 5) == U'签');
  CHECK(OriginalByteOf(buffer, 5) == 15);
  CheckAccessors(input, buffer);
}

TEST_CASE("Fold copies runs around changes", "[text]") {
  // Runs of every length from 0 to 40 bytes before, between and after two full-width commas,
  // made of ASCII letters, ideographs or both, so that every copy path gets short, 16 to 32
  // byte and longer runs.
  const std::string pieces[] = {"a", "客", "b户"};
  for (const std::string& piece : pieces) {
    for (int length = 0; length <= 40; ++length) {
      std::string run;
      while (static_cast<int>(run.size()) + static_cast<int>(piece.size()) <= length) {
        run += piece;
      }
      std::string input = run + "，" + run + "，" + run;
      std::string expected = run + "," + run + "," + run;
      FoldBuffer buffer;
      Fold(input, &buffer);
      REQUIRE(buffer.one_to_one);
      CHECK(buffer.utf8 == expected);
      CHECK(buffer.changes.size() == 2);
      CheckAccessors(input, buffer);
    }
  }
}

TEST_CASE("Fold mixes ideographs and punctuation", "[text]") {
  // A lead byte outside E4..E9 (。 is E3 80 82) before runs of ideographs with 16 or more
  // bytes left, and a hexagram symbol of U+4DC0..U+4DFF, which the table leaves to ICU.
  FoldBuffer buffer;
  std::string input = "。上午拜访三家客户。签约。今日工作顺利完成。";
  Fold(input, &buffer);
  REQUIRE(buffer.one_to_one);
  CHECK(buffer.utf8 == input);
  CheckAccessors(input, buffer);

  std::string hexagram = "。䷀拜访三家客户签约今日工作顺利";
  Fold(hexagram, &buffer);
  CHECK(View(buffer.folded).substr(0, 3) == U"。䷀拜");
  CheckAccessors(hexagram, buffer);
}

TEST_CASE("OriginalSpan of one-to-one text", "[text]") {
  // The inline path for one-to-one text must give what the general mapping gives, including
  // for empty, reversed and out-of-range bounds.
  FoldBuffer buffer;
  Fold("拜访３家，签约1笔", &buffer);
  REQUIRE(buffer.one_to_one);
  auto length = static_cast<int32_t>(buffer.folded.size());
  for (int32_t begin = 0; begin <= length + 2; ++begin) {
    for (int32_t end = 0; end <= length + 2; ++end) {
      INFO("begin " << begin << ", end " << end);
      CHECK(OriginalSpan(buffer, begin, end) == OriginalSpanOfExpanded(buffer, begin, end));
    }
  }
}

TEST_CASE("Fold maps text with many changes", "[text]") {
  // More changes than the accessors scan one by one, so they use a binary search.
  FoldBuffer buffer;
  std::string input = "签约１２３４５６７８９０元，拜访３家，共４次";
  Fold(input, &buffer);
  REQUIRE(buffer.one_to_one);
  CHECK(buffer.utf8 == "签约1234567890元,拜访3家,共4次");
  CHECK(buffer.changes.size() == 14);
  CHECK(OriginalAt(buffer, 11) == U'０');
  CHECK(OriginalByteOf(buffer, 12) == 36);
  CheckAccessors(input, buffer);
}

TEST_CASE("Fold expands a dropped space", "[text]") {
  // The ideographic space folds to a space, which is then dropped before the scale word.
  FoldBuffer buffer;
  std::string input = "签约５\u3000万元，拜访３家";
  Fold(input, &buffer);
  CHECK_FALSE(buffer.one_to_one);
  CHECK(buffer.utf8 == "签约5万元,拜访3家");
  CHECK(OriginOf(buffer, 3) == 4);
  CHECK(OriginalAt(buffer, 3) == U'\u3000');
  CheckAccessors(input, buffer);
}

TEST_CASE("Fold finds spaces in ASCII runs", "[text]") {
  // ASCII runs of 3 to 22 bytes end with the space before 万, and the ideographs after them
  // leave 8 or more bytes, so that the runs are read eight at a time.
  for (int letters = 0; letters < 20; ++letters) {
    std::string input = "签约" + std::string(static_cast<size_t>(letters), 'a') +
                        " 5 万元，拜访3家客户，计划下周再跟进";
    INFO("letters before the number: " << letters);
    FoldBuffer buffer;
    Fold(input, &buffer);
    CHECK_FALSE(buffer.one_to_one);
    std::u32string expected = U"签约" + std::u32string(static_cast<size_t>(letters), U'a') +
                              U" 5万元,拜访3家客户,计划下周再跟进";
    CHECK(View(buffer.folded) == expected);
    CheckAccessors(input, buffer);
  }

  // A tab right after a run of digits, and ASCII without any space.
  FoldBuffer buffer;
  std::string tabbed = "签约12345678\t万元，计划下周再跟进";
  Fold(tabbed, &buffer);
  CHECK(View(buffer.folded) == U"签约12345678万元,计划下周再跟进");
  std::string plain = "order ABC-12345678, 3家客户，计划下周再跟进";
  Fold(plain, &buffer);
  REQUIRE(buffer.one_to_one);
  CHECK(buffer.utf8 == "order ABC-12345678, 3家客户,计划下周再跟进");
  CheckAccessors(plain, buffer);
}

TEST_CASE("Fold keeps a space that starts no scale", "[text]") {
  FoldBuffer buffer;
  std::string input = "拜访 3家，共 2 次";
  Fold(input, &buffer);
  CHECK(buffer.one_to_one);
  CHECK(buffer.utf8 == "拜访 3家,共 2 次");
  CheckAccessors(input, buffer);
}

TEST_CASE("Fold uses the full form for the ellipsis", "[text]") {
  FoldBuffer buffer;
  std::string input = "好……３个";
  Fold(input, &buffer);
  CHECK_FALSE(buffer.one_to_one);
  CHECK(buffer.utf8 == "好......3个");
  CHECK(OriginOf(buffer, 7) == 3);
  CheckAccessors(input, buffer);
}

TEST_CASE("Fold switches forms in one buffer", "[text]") {
  const std::string texts[] = {"好……３个", "拜访３家，签约", "①个", "", "签约５ 万元",
                               "拜访3家"};
  FoldBuffer buffer;
  for (const std::string& text : texts) {
    Fold(text, &buffer);
    CheckAccessors(text, buffer);
  }
}

TEST_CASE("Fold checks ideographs five at a time", "[text]") {
  // Runs longer and shorter than five, next to ASCII, at the end of the text, and around a
  // character that starts like an ideograph but is not one (U+4DC0, E4 B7 80).
  const std::string texts[] = {
      "上午拜访客户签约合同并整理报价单确认采购",
      "客户签约合同3家报价单整理确认后发给采购",
      "拜访客户\u4DC0签约合同整理报价单确认采购",
      "一二三四五六七八九十",
      "报价单确认采购部门经理签字盖章回传",
  };
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc = icu::Normalizer2::getNFKCInstance(status);
  REQUIRE(U_SUCCESS(status));
  FoldBuffer buffer;
  for (const std::string& text : texts) {
    INFO("text: " << text);
    Fold(text, &buffer);
    icu::UnicodeString normalized;
    nfkc->normalize(icu::UnicodeString::fromUTF8(text), normalized, status);
    REQUIRE(U_SUCCESS(status));
    std::string expected;
    normalized.toUTF8String(expected);
    CHECK(buffer.utf8 == expected);
    CheckAccessors(text, buffer);
    // The table does not cover U+4DC0, so that text goes through ICU.
    CHECK(buffer.one_to_one == (text.find("\u4DC0") == std::string::npos));
  }
}

TEST_CASE("Fold decodes every ideograph block", "[text]") {
  // Runs of every length up to 13 over U+4000..U+4DBF and U+4E00..U+9FFF, so that the four
  // decoded together see every lead byte (E4 to E9) and many continuation byte values. Each
  // text starts with 0 to 2 ASCII bytes, which shift the runs against the 16-byte checks.
  std::vector<char32_t> ideographs;
  for (char32_t cp = 0x4000; cp <= 0x4DBF; cp += 7) {
    ideographs.push_back(cp);
  }
  for (char32_t cp = 0x4E00; cp <= 0x9FFF; cp += 13) {
    ideographs.push_back(cp);
  }
  ideographs.push_back(0x9FFF);

  FoldBuffer buffer;
  size_t next = 0;
  int texts = 0;
  while (next < ideographs.size()) {
    std::string text(static_cast<size_t>(texts % 3), 'a');
    std::u32string expected(text.begin(), text.end());
    for (int run = 0; run < 40 && next < ideographs.size(); ++run) {
      for (int i = 0; i < run % 14 && next < ideographs.size(); ++i, ++next) {
        AppendUtf8(ideographs[next], &text);
        expected.push_back(ideographs[next]);
      }
      text += '7';
      expected.push_back(U'7');
    }
    ++texts;
    Fold(text, &buffer);
    INFO("text " << texts);
    REQUIRE(buffer.one_to_one);
    CHECK(std::u32string(View(buffer.folded)) == expected);
    CHECK(buffer.utf8 == text);
    CheckAccessors(text, buffer);
  }
  CHECK(texts >= 5);
}

TEST_CASE("Fold replaces a cut sequence in a run", "[text]") {
  FoldBuffer buffer;
  Fold("客户签约\xE5\x90合同报价单确认采购", &buffer);
  CHECK_FALSE(buffer.well_formed);
  CHECK(buffer.utf8 == "客户签约\uFFFD\uFFFD合同报价单确认采购");
  CHECK(OriginalLength(buffer) == 15);
  CHECK(OriginalByteOf(buffer, 6) == 14);
}

}  // namespace
}  // namespace logbridge::scoring
