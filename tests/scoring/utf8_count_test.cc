// CountCodePoints: the chunked count agrees with the stepping reference on valid text of every
// length around the chunk size, on white space and on invalid UTF-8 anywhere in a chunk.
#include "scoring/utf8_count.h"

#include <string>
#include <string_view>
#include <vector>

#include <catch2/catch.hpp>

namespace logbridge::scoring {
namespace {

void CheckAgainstStepping(const std::string& text) {
  CodePointCounts chunked = CountCodePoints(text);
  CodePointCounts step = CountCodePointsByStep(text);
  INFO("text of " << text.size() << " bytes");
  CHECK(chunked.code_points == step.code_points);
  CHECK(chunked.content == step.content);
}

TEST_CASE("utf8 count of valid text", "[utf8_count]") {
  CHECK(CountCodePoints("").code_points == 0);
  CHECK(CountCodePoints("").content == 0);

  // 10 code points, 2 of them white space (a space and U+3000), over the 24-byte threshold.
  std::string text = "拜访 3家客户\u3000签约";
  CodePointCounts counts = CountCodePoints(text + text + text);
  CHECK(counts.code_points == 30);
  CHECK(counts.content == 24);
}

TEST_CASE("utf8 count across chunk edges", "[utf8_count]") {
  // Mixed 1-, 2-, 3- and 4-byte sequences and white space, cut at every code point, so that
  // sequences and U+3000 straddle the edges of 16-byte chunks.
  std::string unit = "a\u00e9\t中\u3000\U0001F600 \n\r,";
  std::string text;
  while (text.size() < 200) {
    text += unit;
  }
  for (size_t size = 0; size <= text.size(); ++size) {
    if ((static_cast<unsigned char>(text[size < text.size() ? size : 0]) & 0xC0) == 0x80) {
      continue;  // not a code point boundary
    }
    CheckAgainstStepping(text.substr(0, size));
  }
}

TEST_CASE("utf8 count of near-space bytes", "[utf8_count]") {
  // Every ASCII byte, and sequences that share two of U+3000's bytes E3 80 80, at each lane of
  // the first two chunks. Only tab, line feed, carriage return, space and U+3000 are white space.
  std::vector<std::string> probes = {"\xE3\x80\x81", "\xE3\x81\x80", "\xE2\x80\x80",
                                     "\xE3\x80\x80", "\xE3\x80\x80\xE3\x80\x80"};
  for (int byte = 0; byte < 0x80; ++byte) {
    probes.emplace_back(1, static_cast<char>(byte));
  }
  const std::string base(40, 'x');
  for (const std::string& probe : probes) {
    for (size_t at = 0; at <= 36; ++at) {
      std::string text = base.substr(0, at) + probe + base.substr(at);
      INFO("probe of " << probe.size() << " bytes at " << at);
      CHECK(CountCodePoints(text).regular);
      CheckAgainstStepping(text);
    }
  }
}

TEST_CASE("utf8 count of invalid text", "[utf8_count]") {
  // Each invalid sequence at every offset of a 100-byte ASCII and CJK text: stray
  // continuation bytes, leads cut short inside and at the end, F8..FF and overlong C0.
  std::string base;
  while (base.size() < 100) {
    base += "客户ab";
  }
  const std::string kInvalid[] = {"\x80", "\xBF\xBF", "\xE4\xB8", "\xE4" "a", "\xF0\x9F\x98",
                                  "\xF8\x80\x80\x80", "\xFF", "\xC0\x80", "\xE3\x80"};
  for (const std::string& bad : kInvalid) {
    for (size_t at = 0; at <= base.size(); ++at) {
      CheckAgainstStepping(base.substr(0, at) + bad + base.substr(at));
      CheckAgainstStepping(base.substr(0, at) + bad);
    }
  }
}

// Whether every continuation byte of text sits where a lead byte before it announces one, and
// no byte is F8 or more, found by stepping from lead to lead.
bool RegularByStep(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    auto lead = static_cast<unsigned char>(text[i]);
    if ((lead & 0xC0) == 0x80 || lead >= 0xF8) {
      return false;
    }
    size_t length = Utf8SequenceLength(lead);
    for (size_t b = 1; b < length; ++b) {
      if (i + b >= text.size() || (static_cast<unsigned char>(text[i + b]) & 0xC0) != 0x80) {
        return false;
      }
    }
    i += length;
  }
  return true;
}

TEST_CASE("utf8 count finds irregular bytes", "[utf8_count]") {
  // Each invalid sequence at every offset of text longer than the stepping threshold, and the
  // valid text cut at every byte. The chunked count must mark exactly the regular ones.
  std::string base;
  while (base.size() < 70) {
    base += "客户aé😀";
  }
  const std::string kBreaks[] = {"\x80", "\xE4\xB8", "\xE4" "a", "\xF0\x9F\x98", "\xF8", "\xFF",
                                 "\xC0\x80", "\xDF"};
  int regular = 0;
  for (size_t at = 0; at <= base.size(); ++at) {
    std::string cut = base.substr(0, at);
    if (cut.size() >= 24) {
      INFO("cut at " << at);
      CHECK(CountCodePoints(cut).regular == RegularByStep(cut));
      regular += RegularByStep(cut) ? 1 : 0;
    }
    for (const std::string& bad : kBreaks) {
      std::string text = base.substr(0, at) + bad + base.substr(at);
      INFO("break at " << at << ", " << text.size() << " bytes");
      CHECK(CountCodePoints(text).regular == RegularByStep(text));
    }
  }
  CHECK(regular > 10);
}

TEST_CASE("utf8 count of leads at the end", "[utf8_count]") {
  // Every length from 30 to 52 bytes, so that 32 and 48 fill whole chunks of 16 bytes and the
  // others end inside a chunk, with last bytes that start a sequence the end cuts short. The
  // tail then has no new byte, or has the cut lead among bytes already counted.
  const std::string kLeads[] = {"\xC3", "\xE4", "\xE4\xB8", "\xF0", "\xF0\x9F", "\xF0\x9F\x98"};
  for (size_t size = 30; size <= 52; ++size) {
    for (const std::string& lead : kLeads) {
      std::string text = std::string(size - lead.size(), 'x') + lead;
      INFO(size << " bytes ending in " << lead.size() << " lead bytes");
      CHECK_FALSE(CountCodePoints(text).regular);
      CheckAgainstStepping(text);
      // The whole sequence makes the same text regular.
      std::string whole = text + std::string(Utf8SequenceLength(static_cast<unsigned char>(
                                                 lead[0])) - lead.size(), '\x80');
      CHECK(CountCodePoints(whole).regular);
      CheckAgainstStepping(whole);
    }
  }
}

TEST_CASE("utf8 count marks regular text", "[utf8_count]") {
  std::string text = "拜访 3家客户\u3000签约 ok 拜访 3家客户";
  CodePointCounts counts = CountCodePoints(text);
  CHECK(counts.regular);
  CHECK(CountLeadBytes(text) == counts.code_points);
  CHECK(CountLeadBytes(std::string_view(text).substr(3, 8)) == 4);  // 访, space, 3 and 家

  CHECK_FALSE(CountCodePoints(text + "\x80").regular);
  CHECK_FALSE(CountCodePoints("\xE4" + text).regular);
  CHECK_FALSE(CountCodePoints(text + "\xE4").regular);
  CHECK_FALSE(CountCodePoints("short").regular);  // stepped, not checked
  CHECK_FALSE(CountCodePointsByStep(text).regular);
  CHECK(CountLeadBytes("") == 0);
}

TEST_CASE("CountLeadBytes at every alignment", "[utf8_count]") {
  // Every byte value, so that words of eight bytes see each pattern of bits 7 and 6, then CJK
  // text. Each slice is checked against a count one byte at a time.
  std::string text;
  for (int byte = 0; byte < 256; ++byte) {
    text.push_back(static_cast<char>(byte));
  }
  text += "拜访3家客户，签约5万元\u3000ok";
  for (size_t begin = 0; begin < text.size(); begin += 3) {
    for (size_t size = 0; size <= 40 && begin + size <= text.size(); ++size) {
      std::string_view slice = std::string_view(text).substr(begin, size);
      int32_t expected = 0;
      for (char byte : slice) {
        expected += (static_cast<unsigned char>(byte) & 0xC0) != 0x80 ? 1 : 0;
      }
      INFO("begin " << begin << ", size " << size);
      CHECK(CountLeadBytes(slice) == expected);
    }
  }
}

TEST_CASE("utf8 count steps like a reader", "[utf8_count]") {
  // A cut-short lead swallows the byte after it: E4 'a' 'b' is one code point, then nothing.
  std::string text(40, 'x');
  text += "\xE4" "ab";
  CHECK(CountCodePoints(text).code_points == 41);
  // A stray continuation byte counts as one.
  CHECK(CountCodePoints(std::string(40, 'x') + "\x80").code_points == 41);
}

TEST_CASE("utf8 count of a long text", "[utf8_count]") {
  // Longer than 255 chunks of 16 bytes, after which the chunked count moves its byte counters
  // into wider sums.
  std::string text;
  while (text.size() < 9000) {
    text += "拜访3家客户，签约 5万元\u3000\t回款\n";
  }
  CodePointCounts chunked = CountCodePoints(text);
  CodePointCounts stepped = CountCodePointsByStep(text);
  CHECK(chunked.regular);
  CHECK(chunked.code_points == stepped.code_points);
  CHECK(chunked.content == stepped.content);
}

}  // namespace
}  // namespace logbridge::scoring
