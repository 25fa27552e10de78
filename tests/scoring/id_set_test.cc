// IdSet: inserts report whether an id was new, lookups find exactly the inserted ids, and the
// set keeps them all as it grows.
#include "scoring/id_set.h"

#include <cstdint>
#include <utility>

#include <catch2/catch.hpp>

namespace logbridge::scoring {
namespace {

TEST_CASE("id set starts empty", "[id_set]") {
  IdSet set;
  CHECK(set.size() == 0);
  CHECK_FALSE(set.Contains(0));
  CHECK_FALSE(set.Contains(7));
}

TEST_CASE("id set inserts once", "[id_set]") {
  IdSet set;
  CHECK(set.Insert(0));
  CHECK(set.Insert(5));
  CHECK_FALSE(set.Insert(0));
  CHECK_FALSE(set.Insert(5));
  CHECK(set.size() == 2);
  CHECK(set.Contains(0));
  CHECK(set.Contains(5));
  CHECK_FALSE(set.Contains(1));
}

TEST_CASE("id set keeps ids across growth", "[id_set]") {
  IdSet set;
  // Multiples of 1024 share low bits, so they also exercise probing past taken slots.
  for (uint32_t i = 0; i < 1000; ++i) {
    REQUIRE(set.Insert(i * 1024));
  }
  CHECK(set.size() == 1000);
  for (uint32_t i = 0; i < 1000; ++i) {
    CHECK(set.Contains(i * 1024));
    CHECK_FALSE(set.Contains(i * 1024 + 1));
  }
  for (uint32_t i = 0; i < 1000; ++i) {
    CHECK_FALSE(set.Insert(i * 1024));
  }
  CHECK(set.size() == 1000);
}

TEST_CASE("id set moves inline ids to heap", "[id_set]") {
  // The insert after kInlineIds ids moves them to the heap; all stay findable on both sides.
  IdSet set;
  for (uint32_t i = 0; i < IdSet::kInlineIds; ++i) {
    REQUIRE(set.Insert(100 + i));
  }
  CHECK_FALSE(set.Insert(100));
  CHECK(set.size() == IdSet::kInlineIds);
  CHECK(set.Insert(7));
  CHECK(set.size() == IdSet::kInlineIds + 1);
  CHECK(set.Contains(7));
  for (uint32_t i = 0; i < IdSet::kInlineIds; ++i) {
    CHECK(set.Contains(100 + i));
    CHECK_FALSE(set.Insert(100 + i));
  }
  CHECK_FALSE(set.Contains(99));
  CHECK(set.size() == IdSet::kInlineIds + 1);
}

TEST_CASE("id set takes largest id", "[id_set]") {
  IdSet set;
  uint32_t largest = UINT32_MAX - 1;
  CHECK(set.Insert(largest));
  CHECK(set.Contains(largest));
  CHECK_FALSE(set.Contains(0));
  CHECK_FALSE(set.Insert(largest));
}

TEST_CASE("id set moves", "[id_set]") {
  IdSet small;
  small.Insert(3);
  small.Insert(9);
  IdSet moved = std::move(small);
  CHECK(moved.size() == 2);
  CHECK(moved.Contains(3));
  CHECK(moved.Contains(9));
  CHECK(moved.Insert(4));
  CHECK(moved.size() == 3);

  IdSet large;
  for (uint32_t i = 0; i < 100; ++i) {
    large.Insert(i);
  }
  moved = std::move(large);
  CHECK(moved.size() == 100);
  CHECK(moved.Contains(99));
  CHECK_FALSE(moved.Contains(3000));
}

}  // namespace
}  // namespace logbridge::scoring
