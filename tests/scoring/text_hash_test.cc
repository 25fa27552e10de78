// HashText: equal bytes hash equal, and texts that differ in one byte, in length or only in
// their tail hash apart.
#include "scoring/text_hash.h"

#include <cstdint>
#include <set>
#include <string>

#include <catch2/catch.hpp>

namespace logbridge::scoring {
namespace {

TEST_CASE("text hash equal for equal bytes", "[text_hash]") {
  std::string id = "0123456789abcdef-dingtalk-report";
  CHECK(HashText(id) == HashText(std::string_view(id)));
  CHECK(HashText(std::string(id)) == HashText(id.c_str()));
  CHECK(HashText("") == HashText(std::string_view()));
  CHECK(TextHash{}(id) == HashText(id));
}

TEST_CASE("text hash separates lengths", "[text_hash]") {
  // Zero bytes read like the zero padding of a tail, so only the length separates these.
  std::set<uint64_t> hashes;
  std::string text;
  for (int i = 0; i <= 24; ++i) {
    hashes.insert(HashText(text));
    text.push_back('\0');
  }
  CHECK(hashes.size() == 25);
}

TEST_CASE("text hash covers every byte", "[text_hash]") {
  // Change each byte of a 21-byte text, in the 8-byte words and in the tail.
  std::string base = "user-0000000000000042";
  std::set<uint64_t> hashes{HashText(base)};
  for (size_t i = 0; i < base.size(); ++i) {
    std::string changed = base;
    changed[i] = static_cast<char>(changed[i] ^ 1);
    hashes.insert(HashText(changed));
  }
  CHECK(hashes.size() == base.size() + 1);
}

TEST_CASE("text hash spreads short ids", "[text_hash]") {
  // Ids such as user0..user9999 differ in few bits, and none may collide.
  std::set<uint64_t> hashes;
  std::set<uint64_t> low_bits;
  for (int i = 0; i < 10000; ++i) {
    uint64_t hash = HashText("user" + std::to_string(i));
    hashes.insert(hash);
    low_bits.insert(hash & 0xffff);
  }
  CHECK(hashes.size() == 10000);
  // 10,000 draws from 65,536 values give about 9,300 distinct ones when the bits are uniform.
  CHECK(low_bits.size() > 9000);
}

}  // namespace
}  // namespace logbridge::scoring
