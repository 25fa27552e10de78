// PackedStrings: parts come back unchanged whether they are stored inline or on the heap, and
// across assignments that move between the two.
#include "scoring/packed_strings.h"

#include <string>

#include <catch2/catch.hpp>

namespace logbridge::scoring {
namespace {

TEST_CASE("packed strings round trip inline", "[packed_strings]") {
  PackedStrings<6> packed;
  packed.Assign({"r1", "今日工作", "", "拜访3家", "", "x"});
  CHECK(packed.Part(0) == "r1");
  CHECK(packed.Part(1) == "今日工作");
  CHECK(packed.Part(2).empty());
  CHECK(packed.Part(3) == "拜访3家");
  CHECK(packed.Part(4).empty());
  CHECK(packed.Part(5) == "x");
}

TEST_CASE("packed strings start empty", "[packed_strings]") {
  PackedStrings<3> packed;
  CHECK(packed.Part(0).empty());
  CHECK(packed.Part(2).empty());
}

TEST_CASE("packed strings spill to heap and back", "[packed_strings]") {
  PackedStrings<3, 8> packed;
  packed.Assign({"report", "0123456789", "end"});
  CHECK(packed.Part(0) == "report");
  CHECK(packed.Part(1) == "0123456789");
  CHECK(packed.Part(2) == "end");

  packed.Assign({"short", "", "x"});
  CHECK(packed.Part(0) == "short");
  CHECK(packed.Part(1).empty());
  CHECK(packed.Part(2) == "x");

  packed.Assign({"", "a much longer text than before", ""});
  CHECK(packed.Part(0).empty());
  CHECK(packed.Part(1) == "a much longer text than before");
  CHECK(packed.Part(2).empty());
}

TEST_CASE("packed strings reuse heap buffer", "[packed_strings]") {
  // A longer set after a shorter one grows the buffer; a shorter one after it reuses it.
  PackedStrings<3, 4> packed;
  packed.Assign({"abcdef", "", "g"});
  CHECK(packed.Part(0) == "abcdef");
  CHECK(packed.Part(1).empty());
  CHECK(packed.Part(2) == "g");
  packed.Assign({"0123456789", "abcdefghij", "klmnopqrst"});
  CHECK(packed.Part(0) == "0123456789");
  CHECK(packed.Part(1) == "abcdefghij");
  CHECK(packed.Part(2) == "klmnopqrst");
  packed.Assign({"x", "yz", "uvw"});
  CHECK(packed.Part(0) == "x");
  CHECK(packed.Part(1) == "yz");
  CHECK(packed.Part(2) == "uvw");
  packed.Assign({"", "", ""});
  CHECK(packed.Part(0).empty());
  CHECK(packed.Part(1).empty());
  CHECK(packed.Part(2).empty());
}

TEST_CASE("packed strings take max inline size", "[packed_strings]") {
  // Inline ends are one byte each, so a 255-byte buffer is the largest allowed.
  PackedStrings<2, 255> packed;
  std::string first(200, 'a');
  std::string second(55, 'b');
  packed.Assign({first, second});
  CHECK(packed.Part(0) == first);
  CHECK(packed.Part(1) == second);
  std::string longer(300, 'c');
  packed.Assign({longer, second});
  CHECK(packed.Part(0) == longer);
  CHECK(packed.Part(1) == second);
}

TEST_CASE("packed strings copy every length", "[packed_strings]") {
  // Lengths 0 to 40 take each copy path: bytes, two 4-byte words, two 8-byte words, memcpy.
  const std::string source = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFG";
  for (size_t length = 0; length <= 40; ++length) {
    PackedStrings<3, 128> packed;
    std::string part = source.substr(1, length);
    packed.Assign({"<", part, ">"});
    CHECK(packed.Part(0) == "<");
    CHECK(packed.Part(1) == part);
    CHECK(packed.Part(2) == ">");
  }
}

TEST_CASE("packed strings fill inline buffer exactly", "[packed_strings]") {
  PackedStrings<2, 8> packed;
  packed.Assign({"1234", "5678"});
  CHECK(packed.Part(0) == "1234");
  CHECK(packed.Part(1) == "5678");
  packed.Assign({"1234", "56789"});
  CHECK(packed.Part(0) == "1234");
  CHECK(packed.Part(1) == "56789");
}

TEST_CASE("packed strings copy keeps parts", "[packed_strings]") {
  PackedStrings<2, 4> inline_copy;
  inline_copy.Assign({"ab", "cd"});
  PackedStrings<2, 4> heap_copy;
  heap_copy.Assign({"abc", "defgh"});
  PackedStrings<2, 4> first = inline_copy;
  PackedStrings<2, 4> second = heap_copy;
  inline_copy.Assign({"zz", "zz"});
  heap_copy.Assign({"zzzz", "zzzz"});
  CHECK(first.Part(0) == "ab");
  CHECK(first.Part(1) == "cd");
  CHECK(second.Part(0) == "abc");
  CHECK(second.Part(1) == "defgh");
}

}  // namespace
}  // namespace logbridge::scoring
