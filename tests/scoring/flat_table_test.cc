// Tests for FlatTable: lookups, insertion, erasure with backward shift, growth, heterogeneous
// keys, copies and moves, checked against std::unordered_map over random operations.
#include "scoring/flat_table.h"

#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

namespace logbridge::scoring {
namespace {

struct IntHash {
  size_t operator()(int64_t key) const { return static_cast<size_t>(key); }
};

// A hash with four values only, so probe runs are long and wrap around the array.
struct CollidingHash {
  size_t operator()(int64_t key) const { return static_cast<size_t>(key & 3); }
};

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view key) const { return std::hash<std::string_view>{}(key); }
};

// A value without a default constructor, as a table entry may hold.
struct Counter {
  explicit Counter(int start) : count(start) {}
  int count;
};

template <typename Table>
std::map<int64_t, int64_t> Contents(const Table& table) {
  std::map<int64_t, int64_t> contents;
  table.ForEach([&](int64_t key, int64_t value) { contents[key] = value; });
  return contents;
}

template <typename Hash>
void CheckAgainstStandardMap(uint64_t seed, int64_t key_range) {
  FlatTable<int64_t, int64_t, Hash> table;
  std::unordered_map<int64_t, int64_t> expected;
  std::mt19937_64 random(seed);
  for (int step = 0; step < 20000; ++step) {
    int64_t key = static_cast<int64_t>(random() % static_cast<uint64_t>(key_range));
    switch (random() % 3) {
      case 0: {
        auto [value, inserted] = table.TryEmplace(key, step);
        auto [it, expected_inserted] = expected.try_emplace(key, step);
        REQUIRE(inserted == expected_inserted);
        REQUIRE(*value == it->second);
        break;
      }
      case 1:
        REQUIRE(table.Erase(key) == (expected.erase(key) == 1));
        break;
      default: {
        const int64_t* value = table.Find(key);
        auto it = expected.find(key);
        REQUIRE((value != nullptr) == (it != expected.end()));
        if (value != nullptr) {
          REQUIRE(*value == it->second);
        }
      }
    }
    REQUIRE(table.size() == expected.size());
  }
  std::map<int64_t, int64_t> sorted(expected.begin(), expected.end());
  CHECK(Contents(table) == sorted);
}

TEST_CASE("FlatTable matches unordered_map on random operations", "[flat_table]") {
  CheckAgainstStandardMap<IntHash>(1, 5000);
  CheckAgainstStandardMap<IntHash>(2, 64);
}

TEST_CASE("FlatTable erases within colliding runs", "[flat_table]") {
  // Erasing from the middle of long runs that wrap past the end of the array is where a wrong
  // backward shift would strand an entry behind an empty slot.
  CheckAgainstStandardMap<CollidingHash>(3, 300);
}

TEST_CASE("FlatTable grows into huge pages", "[flat_table]") {
  // 40,000 string entries need 65,536 slots of 44 bytes, past the size at which tags and
  // entries move into one huge page region. The growth on the way moves entries from the heap
  // arrays into such regions and between them, and a copy and a move must keep every entry.
  FlatTable<std::string, int64_t, StringHash> table;
  auto key_of = [](int i) { return "customer-with-a-long-name-" + std::to_string(i); };
  for (int i = 0; i < 40000; ++i) {
    auto [value, inserted] = table.TryEmplace(key_of(i), i);
    REQUIRE(inserted);
    REQUIRE(*value == i);
  }

  for (int i = 0; i < 40000; i += 2) {
    REQUIRE(table.Erase(key_of(i)));
  }

  FlatTable<std::string, int64_t, StringHash> copy(table);
  FlatTable<std::string, int64_t, StringHash> moved(std::move(table));
  CHECK(copy.size() == 20000);
  CHECK(moved.size() == 20000);

  for (int i = 0; i < 40000; ++i) {
    const int64_t* in_copy = copy.Find(key_of(i));
    const int64_t* in_moved = moved.Find(key_of(i));
    if (i % 2 == 0) {
      REQUIRE(in_copy == nullptr);
      REQUIRE(in_moved == nullptr);
      continue;
    }
    REQUIRE(in_copy != nullptr);
    REQUIRE(*in_copy == i);
    REQUIRE(in_moved != nullptr);
    REQUIRE(*in_moved == i);
  }
}

TEST_CASE("FlatTable finds string keys by view", "[flat_table]") {
  FlatTable<std::string, Counter, StringHash> table;
  CHECK(table.Find(std::string_view("user1")) == nullptr);
  auto [first, inserted] = table.TryEmplace(std::string_view("user1"), 1);
  CHECK(inserted);
  first->count += 10;
  auto [again, inserted_again] = table.TryEmplace(std::string_view("user1"), 5);
  CHECK_FALSE(inserted_again);
  CHECK(again->count == 11);
  for (int i = 2; i < 1000; ++i) {
    table.TryEmplace("user" + std::to_string(i), i);
  }
  REQUIRE(table.Find(std::string_view("user1")) != nullptr);
  CHECK(table.Find(std::string_view("user1"))->count == 11);
  CHECK(table.Find(std::string_view("user999"))->count == 999);
  CHECK(table.Find(std::string_view("user1000")) == nullptr);
  CHECK(table.size() == 999);
}

TEST_CASE("FlatTable hashed calls match plain ones", "[flat_table]") {
  using Table = FlatTable<std::string, int, StringHash>;
  Table table;
  size_t first_hash = Table::HashOf(std::string_view("user0"));
  CHECK(first_hash == StringHash{}("user0"));
  CHECK(table.FindHashed(std::string_view("user0"), first_hash) == nullptr);
  table.PrefetchHashed(first_hash);  // an empty table has no slots to load
  auto [first, inserted] = table.TryEmplaceHashed(first_hash, std::string_view("user0"), 0);
  CHECK(inserted);
  CHECK(*first == 0);
  // A hash taken before the table grows still finds its key after growing.
  for (int i = 1; i < 500; ++i) {
    std::string key = "user" + std::to_string(i);
    auto [value, added] = table.TryEmplaceHashed(Table::HashOf(key), key, i);
    CHECK(added);
    CHECK(*value == i);
  }
  const Table& view = table;
  REQUIRE(view.FindHashed(std::string_view("user0"), first_hash) != nullptr);
  CHECK(*view.FindHashed(std::string_view("user0"), first_hash) == 0);
  for (int i = 0; i < 500; i += 37) {
    std::string key = "user" + std::to_string(i);
    table.PrefetchHashed(Table::HashOf(key));
    REQUIRE(table.FindHashed(key, Table::HashOf(key)) != nullptr);
    CHECK(*table.FindHashed(key, Table::HashOf(key)) == *table.Find(key));
  }
  auto [again, added_again] = table.TryEmplaceHashed(first_hash, std::string_view("user0"), 9);
  CHECK_FALSE(added_again);
  CHECK(*again == 0);
  CHECK(table.size() == 500);
}

TEST_CASE("FlatTable copies and moves entries", "[flat_table]") {
  FlatTable<int64_t, int64_t, IntHash> table;
  for (int64_t i = 0; i < 100; ++i) {
    table.TryEmplace(i, i * i);
  }
  FlatTable<int64_t, int64_t, IntHash> copy(table);
  copy.Erase(int64_t{5});
  CHECK(table.size() == 100);
  CHECK(copy.size() == 99);
  CHECK(*table.Find(int64_t{5}) == 25);
  FlatTable<int64_t, int64_t, IntHash> moved(std::move(table));
  CHECK(moved.size() == 100);
  CHECK(*moved.Find(int64_t{9}) == 81);
  copy = std::move(moved);
  CHECK(copy.size() == 100);
  CHECK(*copy.Find(int64_t{5}) == 25);
  copy.Clear();
  CHECK(copy.empty());
  CHECK(copy.Find(int64_t{5}) == nullptr);
  copy.TryEmplace(int64_t{7}, 1);
  CHECK(Contents(copy) == std::map<int64_t, int64_t>{{7, 1}});
}

TEST_CASE("FlatTable Reserve prevents growth", "[flat_table]") {
  FlatTable<int64_t, int64_t, IntHash> table;
  table.Reserve(1000);
  table.TryEmplace(int64_t{1}, 1);
  const int64_t* first = table.Find(int64_t{1});
  for (int64_t i = 2; i <= 1000; ++i) {
    table.TryEmplace(i, i);
  }
  // The array did not move, so the first pointer still points at the entry.
  CHECK(table.Find(int64_t{1}) == first);
  CHECK(table.size() == 1000);
}

}  // namespace
}  // namespace logbridge::scoring
