// EvidenceOrigins: ids of field key, source and paired key triples, and the names they return.
#include "scoring/evidence_origins.h"

#include <string>
#include <vector>

#include <catch2/catch.hpp>

namespace logbridge::scoring {
namespace {

TEST_CASE("evidence origins give one id per triple", "[evidence_origins]") {
  EvidenceOrigins origins;
  uint32_t visits = origins.Intern({"今日工作", "visits_done", ""}, 0);
  uint32_t deals = origins.Intern({"今日工作", "deals_done", ""}, 0);
  uint32_t saving = origins.Intern({"实际用时", "time_saving", "计划用时"}, 0);
  CHECK(visits == 0);
  CHECK(deals == 1);
  CHECK(saving == 2);
  CHECK(origins.Intern({"今日工作", "visits_done", ""}, 0) == visits);
  CHECK(origins.size() == 3);

  EvidenceOrigins::Names names = origins.Get(saving);
  CHECK(names.field_key == "实际用时");
  CHECK(names.source == "time_saving");
  CHECK(names.paired_key == "计划用时");
  CHECK(origins.Get(visits).paired_key.empty());
}

TEST_CASE("evidence origins split names exactly", "[evidence_origins]") {
  // The same bytes split differently between the names are different triples.
  EvidenceOrigins origins;
  uint32_t first = origins.Intern({"ab", "c", ""}, 0);
  uint32_t second = origins.Intern({"a", "bc", ""}, 0);
  uint32_t third = origins.Intern({"a", "b", "c"}, 0);
  uint32_t empty = origins.Intern({"", "", ""}, 0);
  CHECK(first != second);
  CHECK(second != third);
  CHECK(first != third);
  CHECK(origins.size() == 4);
  CHECK(origins.Get(second).source == "bc");
  CHECK(origins.Get(empty).field_key.empty());
}

TEST_CASE("evidence origins reused memory", "[evidence_origins]") {
  // A caller's buffer contains one name and later another at the same address: the text
  // decides, not the address.
  EvidenceOrigins origins;
  std::string key = "客户名称";
  uint32_t customer = origins.Intern({key, "field", ""}, 0);
  key.replace(0, key.size(), "成交金额");
  uint32_t amount = origins.Intern({key, "field", ""}, 0);
  CHECK(customer != amount);
  CHECK(origins.Get(customer).field_key == "客户名称");
  CHECK(origins.Get(amount).field_key == "成交金额");
  CHECK(origins.Intern({key, "field", ""}, 0) == amount);
}

TEST_CASE("evidence origins hints share ids", "[evidence_origins]") {
  // Three triples taking turns under one hint, more than it remembers, and the same names under
  // other hints: each triple keeps one id.
  EvidenceOrigins origins;
  std::string keys[] = {"今日工作", "成交金额", "客户名称"};
  uint32_t ids[3];
  for (size_t i = 0; i < 3; ++i) {
    ids[i] = origins.Intern({keys[i], "field", ""}, 5);
  }
  for (int round = 0; round < 4; ++round) {
    for (size_t i = 0; i < 3; ++i) {
      INFO("round " << round << ", key " << keys[i]);
      CHECK(origins.Intern({keys[i], "field", ""}, 5) == ids[i]);
      CHECK(origins.Intern({keys[i], "field", ""}, 5 + static_cast<size_t>(round) * 32) == ids[i]);
      CHECK(origins.Intern({keys[i], "field", ""}, i) == ids[i]);
    }
  }
  CHECK(origins.size() == 3);
}

TEST_CASE("evidence origins compare long names", "[evidence_origins]") {
  // Names are compared byte by byte, by words or by memcmp depending on their size: a change in
  // any byte at the same address gives another id.
  EvidenceOrigins origins;
  for (size_t size : {size_t{1}, size_t{3}, size_t{4}, size_t{7}, size_t{8}, size_t{11}, size_t{16},
                      size_t{17}, size_t{40}}) {
    INFO("size " << size);
    std::string key(size, 'k');
    uint32_t before = origins.Intern({key, "rule", ""}, 1);
    CHECK(origins.Intern({key, "rule", ""}, 1) == before);
    for (size_t changed : {size_t{0}, size / 2, size - 1}) {
      key[changed] = 'x';
      uint32_t after = origins.Intern({key, "rule", ""}, 1);
      CHECK(after != before);
      CHECK(origins.Get(after).field_key == key);
      key[changed] = 'k';
    }
  }
}

TEST_CASE("evidence origins lasting names", "[evidence_origins]") {
  using Lifetime = EvidenceOrigins::NameLifetime;
  EvidenceOrigins origins;
  std::string key = "客户名称";
  std::string other = "成交金额";
  uint32_t customer = origins.Intern({key, "field", ""}, 2, Lifetime::kOrigins);
  uint32_t amount = origins.Intern({other, "field", ""}, 2, Lifetime::kOrigins);
  CHECK(customer != amount);
  // Both lifetimes find the same ids, from the recent views and from the text.
  CHECK(origins.Intern({key, "field", ""}, 2, Lifetime::kCall) == customer);
  CHECK(origins.Intern({key, "field", ""}, 2, Lifetime::kOrigins) == customer);
  CHECK(origins.Intern({other, "field", ""}, 2, Lifetime::kOrigins) == amount);
  std::string copy = key;
  CHECK(origins.Intern({copy, "field", ""}, 2, Lifetime::kOrigins) == customer);
  CHECK(origins.size() == 2);

  // key's views become the most recent ones again.
  CHECK(origins.Intern({key, "field", ""}, 2, Lifetime::kOrigins) == customer);
  // A hit on the same views takes the recent id without reading the text, which is why
  // kOrigins requires text that stays unchanged. The same change under kCall gives a new id.
  key.replace(0, key.size(), "客户编号");
  CHECK(origins.Intern({key, "field", ""}, 2, Lifetime::kOrigins) == customer);
  CHECK(origins.Intern({key, "field", ""}, 2, Lifetime::kCall) != customer);
}

TEST_CASE("evidence origins many triples", "[evidence_origins]") {
  // More triples than the recent slots, each interned twice: ids stay dense and stable while
  // the table grows.
  EvidenceOrigins origins;
  std::vector<std::string> keys;
  for (int i = 0; i < 200; ++i) {
    keys.push_back("field-" + std::to_string(i));
  }
  for (size_t i = 0; i < keys.size(); ++i) {
    CHECK(origins.Intern({keys[i], "rule", ""}, 0) == i);
  }
  for (size_t i = 0; i < keys.size(); ++i) {
    INFO("key " << keys[i]);
    CHECK(origins.Intern({keys[i], "rule", ""}, 0) == i);
    CHECK(origins.Get(static_cast<uint32_t>(i)).field_key == keys[i]);
  }
  CHECK(origins.size() == keys.size());
}

}  // namespace
}  // namespace logbridge::scoring
