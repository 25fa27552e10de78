// DistinctTexts: inserts report whether a text was new, whether it is stored inline or in the
// overflow table, and the set keeps its texts when it moves.
#include "scoring/distinct_texts.h"

#include <string>
#include <utility>

#include <catch2/catch.hpp>

namespace logbridge::scoring {
namespace {

TEST_CASE("distinct texts start empty", "[distinct_texts]") {
  DistinctTexts texts;
  CHECK(texts.size() == 0);
  CHECK_FALSE(texts.Contains(""));
  CHECK_FALSE(texts.Contains("华为"));
}

TEST_CASE("distinct texts insert once", "[distinct_texts]") {
  DistinctTexts texts;
  CHECK(texts.Insert("华为"));
  CHECK(texts.Insert("华"));
  CHECK(texts.Insert(""));
  CHECK_FALSE(texts.Insert("华为"));
  CHECK_FALSE(texts.Insert("华"));
  CHECK_FALSE(texts.Insert(""));
  CHECK(texts.size() == 3);
  CHECK(texts.Contains("华为"));
  CHECK(texts.Contains(""));
  CHECK_FALSE(texts.Contains("为"));
  CHECK_FALSE(texts.Contains("华为技术"));
}

TEST_CASE("distinct texts compare every length", "[distinct_texts]") {
  // For each length up to 20, texts that differ only in their first or their last byte are
  // both kept, so each compare path looks at both ends.
  for (size_t length = 1; length <= 20; ++length) {
    DistinctTexts texts;
    std::string base(length, 'a');
    std::string first_differs = base;
    first_differs.front() = 'b';
    std::string last_differs = base;
    last_differs.back() = 'c';
    CHECK(texts.Insert(base));
    CHECK(texts.Insert(first_differs));
    CHECK(texts.Insert(last_differs));
    CHECK_FALSE(texts.Insert(base));
    CHECK_FALSE(texts.Insert(first_differs));
    CHECK_FALSE(texts.Insert(last_differs));
    CHECK(texts.size() == 3);
  }
}

TEST_CASE("distinct texts overflow to heap", "[distinct_texts]") {
  // 100 texts of 10 bytes fill the inline bytes after about 21; the rest go to the heap table.
  DistinctTexts texts;
  for (int i = 0; i < 100; ++i) {
    REQUIRE(texts.Insert("客户" + std::to_string(1000 + i)));
  }
  CHECK(texts.size() == 100);
  for (int i = 0; i < 100; ++i) {
    CHECK(texts.Contains("客户" + std::to_string(1000 + i)));
    CHECK_FALSE(texts.Insert("客户" + std::to_string(1000 + i)));
  }
  CHECK_FALSE(texts.Contains("客户999"));
  CHECK(texts.size() == 100);
  // A short text after the overflow began still counts once.
  CHECK(texts.Insert("a"));
  CHECK_FALSE(texts.Insert("a"));
  CHECK(texts.size() == 101);
}

TEST_CASE("distinct texts take long texts", "[distinct_texts]") {
  // A text over 255 bytes has no length byte, so it goes to the heap table. So does one of
  // exactly the inline size, because it does not fit with its length byte.
  DistinctTexts texts;
  std::string long_text(300, 'x');
  std::string inline_sized(DistinctTexts::kInlineBytes, 'y');
  std::string max_length(255, 'z');
  CHECK(texts.Insert(long_text));
  CHECK(texts.Insert(inline_sized));
  CHECK(texts.Insert(max_length));
  CHECK_FALSE(texts.Insert(long_text));
  CHECK_FALSE(texts.Insert(inline_sized));
  CHECK_FALSE(texts.Insert(max_length));
  CHECK(texts.Contains(long_text));
  CHECK_FALSE(texts.Contains(std::string(299, 'x')));
  CHECK(texts.size() == 3);
}

TEST_CASE("distinct texts move", "[distinct_texts]") {
  DistinctTexts texts;
  texts.Insert("京东");
  for (int i = 0; i < 50; ++i) {
    texts.Insert("门店" + std::to_string(i));
  }
  DistinctTexts moved = std::move(texts);
  CHECK(moved.size() == 51);
  CHECK(moved.Contains("京东"));
  CHECK(moved.Contains("门店49"));
  CHECK_FALSE(moved.Insert("门店0"));
  CHECK(moved.Insert("顺丰"));
  CHECK(moved.size() == 52);
}

}  // namespace
}  // namespace logbridge::scoring
