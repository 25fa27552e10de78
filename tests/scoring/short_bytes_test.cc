// CopyShortBytes and EqualShortBytes at every size around their word and memcpy thresholds.
#include "scoring/short_bytes.h"

#include <string>

#include <catch2/catch.hpp>

namespace logbridge::scoring {
namespace {

TEST_CASE("short bytes copy every size", "[short_bytes]") {
  // Each size from 0 to 40 copies exactly its bytes and leaves the byte after them alone.
  std::string source;
  for (int i = 0; i < 41; ++i) {
    source.push_back(static_cast<char>('a' + i % 26));
  }
  for (size_t size = 0; size <= 40; ++size) {
    INFO("size " << size);
    std::string target(41, '#');
    CopyShortBytes(source.data(), size, target.data());
    CHECK(target.substr(0, size) == source.substr(0, size));
    CHECK(target[size] == '#');
  }
}

TEST_CASE("short bytes compare every size", "[short_bytes]") {
  // Equal bytes compare equal, and a change in the first, a middle or the last byte does not.
  for (size_t size = 0; size <= 40; ++size) {
    INFO("size " << size);
    std::string left(size, 'k');
    std::string right = left;
    CHECK(EqualShortBytes(left.data(), right.data(), size));
    if (size == 0) {
      continue;
    }
    for (size_t changed : {size_t{0}, size / 2, size - 1}) {
      INFO("changed byte " << changed);
      right[changed] = 'x';
      CHECK_FALSE(EqualShortBytes(left.data(), right.data(), size));
      right[changed] = 'k';
    }
  }
}

}  // namespace
}  // namespace logbridge::scoring
