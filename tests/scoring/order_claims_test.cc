// Order claims: the first claim of an order wins, claims expire in the order they were made,
// and the ring keeps every live claim while it grows and reuses slots.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <string>

#include "scoring/order_claims.h"

namespace logbridge::scoring {
namespace {

constexpr int64_t kDayMs = 24LL * 3600 * 1000;

EpochMs Day(int64_t day) { return EpochMs(1790000000000 + day * kDayMs); }

TEST_CASE("first claim of an order wins", "[order_claims]") {
  OrderClaims claims(std::chrono::hours(24 * 10));
  CHECK(claims.Find({1, 500}) == nullptr);
  claims.Add({1, 500}, 7, "r1", Day(0));
  claims.Add({1, 500}, 8, "r2", Day(1));
  const OrderClaims::Claim* claim = claims.Find({1, 500});
  REQUIRE(claim != nullptr);
  CHECK(claim->person == 7);
  CHECK(claim->report_id == "r1");
  CHECK(claim->create_time == Day(0));
  CHECK(claims.size() == 1);
  // Another customer or another amount is another order.
  CHECK(claims.Find({2, 500}) == nullptr);
  CHECK(claims.Find({1, 501}) == nullptr);
}

TEST_CASE("claims expire after the window", "[order_claims]") {
  OrderClaims claims(std::chrono::hours(24 * 10));
  claims.Add({1, 100}, 1, "r1", Day(0));
  claims.Add({2, 100}, 1, "r2", Day(5));
  claims.Add({3, 100}, 1, "r3", Day(10));
  CHECK(claims.size() == 3);  // a claim exactly one window old stays
  claims.Add({4, 100}, 1, "r4", Day(11));
  CHECK(claims.Find({1, 100}) == nullptr);
  CHECK(claims.Find({2, 100}) != nullptr);
  CHECK(claims.size() == 3);
  // A repeated claim of a remembered order moves the window too.
  claims.Add({4, 100}, 2, "r5", Day(16));
  CHECK(claims.Find({2, 100}) == nullptr);
  CHECK(claims.Find({3, 100}) != nullptr);
  // An expired order can be claimed again, by someone else.
  claims.Add({1, 100}, 3, "r6", Day(17));
  REQUIRE(claims.Find({1, 100}) != nullptr);
  CHECK(claims.Find({1, 100})->person == 3);
}

TEST_CASE("late claim leaves from the front", "[order_claims]") {
  OrderClaims claims(std::chrono::hours(24 * 10));
  claims.Add({1, 100}, 1, "r1", Day(20));
  // Fed after a newer claim, an old claim still waits behind it in the ring.
  claims.Add({2, 100}, 1, "r2", Day(0));
  CHECK(claims.size() == 2);
  CHECK(claims.Find({2, 100}) != nullptr);
  claims.Add({3, 100}, 1, "r3", Day(31));
  CHECK(claims.size() == 1);
  CHECK(claims.Find({1, 100}) == nullptr);
  CHECK(claims.Find({2, 100}) == nullptr);
  CHECK(claims.Find({3, 100}) != nullptr);
}

TEST_CASE("ring grows and reuses slots", "[order_claims]") {
  OrderClaims claims(std::chrono::hours(24 * 100));
  // 1,000 live claims force several growths while the front also moves.
  for (int day = 0; day < 1000; ++day) {
    std::string report = "report-with-a-long-identifier-" + std::to_string(day);
    claims.Add({day % 7, day}, day, report, Day(day));
  }
  CHECK(claims.size() == 101);
  for (int day = 0; day < 1000; ++day) {
    const OrderClaims::Claim* claim = claims.Find({day % 7, day});
    INFO("day " << day);
    if (day < 899) {
      CHECK(claim == nullptr);
      continue;
    }
    REQUIRE(claim != nullptr);
    CHECK(claim->person == day);
    CHECK(claim->report_id == "report-with-a-long-identifier-" + std::to_string(day));
    CHECK(claim->create_time == Day(day));
  }
}

TEST_CASE("ring reuses expired chunks", "[order_claims]") {
  // About 2.5 chunks of live claims span three or four chunks while the front moves through
  // ten chunks' worth, so chunks are reused several times.
  constexpr int kChunk = static_cast<int>(OrderClaims::kChunkClaims);
  constexpr int kLive = kChunk * 5 / 2;
  constexpr int kDays = kChunk * 10;
  OrderClaims claims(std::chrono::hours(24 * kLive));
  auto report_of = [](int day) {
    return "report-with-a-long-identifier-" + std::to_string(day);
  };
  for (int day = 0; day < kDays; ++day) {
    claims.Add({day % 11, day}, day, report_of(day), Day(day));
    if (day % 9973 == 0) {
      INFO("day " << day);
      CHECK(claims.size() == static_cast<size_t>(std::min(day, kLive) + 1));
    }
  }
  for (int day = 0; day < kDays; ++day) {
    const OrderClaims::Claim* claim = claims.Find({day % 11, day});
    if (day < kDays - kLive - 1) {
      if (claim != nullptr) {
        FAIL("day " << day << " should have expired");
      }
      continue;
    }
    if (claim == nullptr) {
      FAIL("day " << day << " is missing");
    }
    CHECK(claim->person == day);
    CHECK(claim->report_id == report_of(day));
    CHECK(claim->create_time == Day(day));
  }
}

TEST_CASE("many live claims survive growth", "[order_claims]") {
  OrderClaims claims(std::chrono::hours(24 * 1000));
  for (int i = 0; i < 5000; ++i) {
    claims.Add({i % 13, i}, i, "r" + std::to_string(i), Day(0));
  }
  CHECK(claims.size() == 5000);
  int found = 0;
  for (int i = 0; i < 5000; ++i) {
    const OrderClaims::Claim* claim = claims.Find({i % 13, i});
    if (claim != nullptr && claim->person == i && claim->report_id == "r" + std::to_string(i)) {
      ++found;
    }
  }
  CHECK(found == 5000);
}

TEST_CASE("claims of many customers", "[order_claims]") {
  // Customers span several inline blocks, the newest arriving first, and customer 700 spills
  // to the heap.
  constexpr int kCustomers = 3 * static_cast<int>(OrderClaims::kCustomersPerBlock) + 100;
  OrderClaims claims(std::chrono::hours(24 * 1000));
  for (int customer = kCustomers - 1; customer >= 0; --customer) {
    claims.Add({customer, 100}, customer, "r" + std::to_string(customer), Day(0));
    claims.Add({customer, 200}, customer + 1, "s" + std::to_string(customer), Day(0));
  }
  for (int amount = 0; amount < 100; ++amount) {
    claims.Add({700, 1000 + amount}, amount, "t" + std::to_string(amount), Day(0));
  }
  CHECK(claims.size() == 2 * kCustomers + 100);
  for (int customer = 0; customer < kCustomers; ++customer) {
    INFO("customer " << customer);
    claims.Prefetch({customer, 100});
    claims.PrefetchClaim({customer, 100});
    claims.PrefetchClaim({customer, 300});
    const OrderClaims::Claim* first = claims.Find({customer, 100});
    REQUIRE(first != nullptr);
    CHECK(first->person == customer);
    CHECK(first->report_id == "r" + std::to_string(customer));
    const OrderClaims::Claim* second = claims.Find({customer, 200});
    REQUIRE(second != nullptr);
    CHECK(second->person == customer + 1);
    CHECK(claims.Find({customer, 300}) == nullptr);
  }
  for (int amount = 0; amount < 100; ++amount) {
    const OrderClaims::Claim* claim = claims.Find({700, 1000 + amount});
    REQUIRE(claim != nullptr);
    CHECK(claim->report_id == "t" + std::to_string(amount));
  }
  claims.PrefetchClaim({kCustomers, 100});
  CHECK(claims.Find({kCustomers, 100}) == nullptr);
}

TEST_CASE("prefetch changes no claim", "[order_claims]") {
  OrderClaims claims(std::chrono::hours(24 * 10));
  claims.Prefetch({1, 100});  // empty: no table and no ring yet
  CHECK(claims.size() == 0);
  claims.Add({1, 100}, 4, "r1", Day(0));
  claims.Prefetch({1, 100});
  claims.Prefetch({2, 100});
  CHECK(claims.size() == 1);
  REQUIRE(claims.Find({1, 100}) != nullptr);
  CHECK(claims.Find({1, 100})->person == 4);
  CHECK(claims.Find({2, 100}) == nullptr);
}

TEST_CASE("one customer's index rebuilds", "[order_claims]") {
  OrderClaims claims(std::chrono::hours(24 * 10));
  // One claim a day for one customer: expired entries pile up in its index until a rebuild
  // drops them, and the live ones must survive every rebuild.
  for (int day = 0; day < 400; ++day) {
    claims.Add({0, 1000 + day}, day, "r" + std::to_string(day), Day(day));
  }
  CHECK(claims.size() == 11);
  for (int day = 0; day < 400; ++day) {
    INFO("day " << day);
    const OrderClaims::Claim* claim = claims.Find({0, 1000 + day});
    if (day < 389) {
      CHECK(claim == nullptr);
      continue;
    }
    REQUIRE(claim != nullptr);
    CHECK(claim->person == day);
    CHECK(claim->report_id == "r" + std::to_string(day));
  }
}

TEST_CASE("expired order reclaimed in place", "[order_claims]") {
  OrderClaims claims(std::chrono::hours(24 * 10));
  claims.Add({5, 700}, 1, "r1", Day(0));
  claims.Add({5, 800}, 1, "r2", Day(20));  // r1 expires, but its index entry stays
  CHECK(claims.Find({5, 700}) == nullptr);
  // The stale entry of 700 is reused, and a second claim of it does not replace the first.
  claims.Add({5, 700}, 2, "r3", Day(21));
  claims.Add({5, 700}, 3, "r4", Day(22));
  REQUIRE(claims.Find({5, 700}) != nullptr);
  CHECK(claims.Find({5, 700})->person == 2);
  CHECK(claims.Find({5, 700})->report_id == "r3");
  CHECK(claims.size() == 2);
}

TEST_CASE("unseen customer ids find nothing", "[order_claims]") {
  OrderClaims claims(std::chrono::hours(24 * 10));
  CHECK(claims.Find({0, 100}) == nullptr);
  claims.Add({40, 100}, 1, "r1", Day(0));
  // Ids below the largest one seen have empty indexes, and larger ones have none.
  CHECK(claims.Find({0, 100}) == nullptr);
  CHECK(claims.Find({39, 100}) == nullptr);
  CHECK(claims.Find({41, 100}) == nullptr);
  REQUIRE(claims.Find({40, 100}) != nullptr);
  CHECK(claims.Find({40, 100})->key == OrderKey{40, 100});
}

TEST_CASE("amounts colliding in one index", "[order_claims]") {
  OrderClaims claims(std::chrono::hours(24 * 1000));
  // Round amounts and negative ones share low bits, so they test the probe runs.
  for (int64_t i = 0; i < 3000; ++i) {
    int64_t units = (i % 2 == 0 ? 1 : -1) * i * 500000;
    claims.Add({1, units}, static_cast<int32_t>(i), "r" + std::to_string(i), Day(0));
  }
  CHECK(claims.size() == 3000);
  for (int64_t i = 0; i < 3000; ++i) {
    int64_t units = (i % 2 == 0 ? 1 : -1) * i * 500000;
    const OrderClaims::Claim* claim = claims.Find({1, units});
    INFO("amount " << units);
    REQUIRE(claim != nullptr);
    CHECK(claim->person == i);
  }
  CHECK(claims.Find({1, 250000}) == nullptr);
}

TEST_CASE("spilled index moves back inline", "[order_claims]") {
  OrderClaims claims(std::chrono::hours(24 * 10));
  // 200 claims on one day move customer 3's index out of its inline block.
  for (int i = 0; i < 200; ++i) {
    claims.Add({3, i}, i, "a" + std::to_string(i), Day(0));
  }
  CHECK(claims.size() == 200);
  // Then one claim a day for customers 3 and 4: expired entries pile up until a rebuild finds
  // few live ones and moves the index back into the block next to customer 4's.
  for (int day = 20; day < 600; ++day) {
    claims.Add({3, 1000 + day}, day, "b" + std::to_string(day), Day(day));
    claims.Add({4, 1000 + day}, -day, "c" + std::to_string(day), Day(day));
  }
  CHECK(claims.size() == 22);
  CHECK(claims.Find({3, 5}) == nullptr);
  for (int day = 589; day < 600; ++day) {
    INFO("day " << day);
    const OrderClaims::Claim* mine = claims.Find({3, 1000 + day});
    const OrderClaims::Claim* neighbor = claims.Find({4, 1000 + day});
    REQUIRE(mine != nullptr);
    REQUIRE(neighbor != nullptr);
    CHECK(mine->person == day);
    CHECK(neighbor->person == -day);
  }
  CHECK(claims.Find({3, 1000 + 588}) == nullptr);
}

}  // namespace
}  // namespace logbridge::scoring
