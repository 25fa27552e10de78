// TopEvidence: which contributions a bounded evidence list keeps, how ties and replacements are
// counted, and what Evidence it gives back.
#include "scoring/top_evidence.h"

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

namespace logbridge::scoring {
namespace {

// A value as Normalize would produce it; the texts must outlive the value.
MetricValue MakeValue(int64_t whole, std::string_view quote) {
  MetricValue value;
  value.metric = 0;
  value.value = Decimal::FromInt(whole);
  value.evidence.field_key = "今日工作";
  value.evidence.source = "visits_done";
  value.evidence.span = {2, 2 + static_cast<int32_t>(whole % 7)};
  value.evidence.quote = quote;
  return value;
}

std::vector<Evidence> KeptEvidence(const TopEvidence& top, const EvidenceOrigins& origins,
                                   Decimal down_weight = Decimal::FromInt(1)) {
  std::vector<Evidence> evidence;
  top.AppendTo(origins, down_weight, &evidence);
  return evidence;
}

TEST_CASE("top evidence keeps all below cap", "[top_evidence]") {
  EvidenceOrigins origins;
  TopEvidence top;
  top.Offer(MakeValue(3, "三"), "r1", false, 4, &origins);
  top.Offer(MakeValue(-8, "负八"), "r2", false, 4, &origins);
  std::vector<Evidence> evidence = KeptEvidence(top, origins);
  REQUIRE(evidence.size() == 2);
  CHECK(evidence[0].report_id == "r1");
  CHECK(evidence[0].field_key == "今日工作");
  CHECK(evidence[0].source == "visits_done");
  CHECK(evidence[0].quote == "三");
  CHECK(evidence[0].value == Decimal::FromInt(3));
  CHECK(evidence[0].counted == Decimal::FromInt(3));
  CHECK(evidence[1].report_id == "r2");
  CHECK(evidence[1].value == Decimal::FromInt(-8));
  CHECK(top.omitted() == 0);
}

TEST_CASE("top evidence replaces smallest absolute", "[top_evidence]") {
  EvidenceOrigins origins;
  TopEvidence top;
  top.Offer(MakeValue(5, "a"), "r1", false, 3, &origins);
  top.Offer(MakeValue(1, "b"), "r2", false, 3, &origins);
  top.Offer(MakeValue(-4, "c"), "r3", false, 3, &origins);
  // 2 is larger than 1 and replaces r2 in its slot. -2 equals the smallest kept value and is not
  // kept, and 1 is smaller.
  top.Offer(MakeValue(2, "d"), "r4", false, 3, &origins);
  top.Offer(MakeValue(-2, "e"), "r5", false, 3, &origins);
  top.Offer(MakeValue(1, "f"), "r6", false, 3, &origins);
  std::vector<Evidence> evidence = KeptEvidence(top, origins);
  REQUIRE(evidence.size() == 3);
  CHECK(evidence[0].report_id == "r1");
  CHECK(evidence[1].report_id == "r4");
  CHECK(evidence[1].quote == "d");
  CHECK(evidence[2].report_id == "r3");
  CHECK(top.omitted() == 3);
}

TEST_CASE("top evidence evicts last of equal smallest", "[top_evidence]") {
  EvidenceOrigins origins;
  TopEvidence top;
  top.Offer(MakeValue(2, "a"), "r1", false, 3, &origins);
  top.Offer(MakeValue(2, "b"), "r2", false, 3, &origins);
  top.Offer(MakeValue(2, "c"), "r3", false, 3, &origins);
  top.Offer(MakeValue(9, "d"), "r4", false, 3, &origins);
  top.Offer(MakeValue(7, "e"), "r5", false, 3, &origins);
  std::vector<Evidence> evidence = KeptEvidence(top, origins);
  REQUIRE(evidence.size() == 3);
  CHECK(evidence[0].report_id == "r1");
  CHECK(evidence[1].report_id == "r5");
  CHECK(evidence[2].report_id == "r4");
  CHECK(top.omitted() == 2);
}

TEST_CASE("top evidence grows past first slots", "[top_evidence]") {
  // 40 values, more than the 16 slots allocated first, kept in the order offered.
  EvidenceOrigins origins;
  TopEvidence top;
  std::vector<std::string> ids;
  for (int i = 0; i < 40; ++i) {
    ids.push_back("report-" + std::to_string(i));
  }
  for (int i = 0; i < 40; ++i) {
    top.Offer(MakeValue(i + 1, "q"), ids[static_cast<size_t>(i)], false, 40, &origins);
  }
  std::vector<Evidence> evidence = KeptEvidence(top, origins);
  REQUIRE(evidence.size() == 40);
  for (size_t i = 0; i < evidence.size(); ++i) {
    CHECK(evidence[i].report_id == ids[i]);
    CHECK(evidence[i].value == Decimal::FromInt(static_cast<int64_t>(i) + 1));
  }
  CHECK(top.omitted() == 0);

  // Full now: 41 replaces 1, the smallest, and a second 2 equals the new smallest.
  top.Offer(MakeValue(41, "q"), "report-41", false, 40, &origins);
  top.Offer(MakeValue(2, "q"), "report-2-again", false, 40, &origins);
  evidence = KeptEvidence(top, origins);
  REQUIRE(evidence.size() == 40);
  CHECK(evidence[0].report_id == "report-41");
  CHECK(evidence[1].report_id == "report-1");
  CHECK(top.omitted() == 2);
}

TEST_CASE("top evidence grows with long texts", "[top_evidence]") {
  // Quotes too long for an item's inline buffer live on the heap. Growing from 16 to 32 to 33
  // slots moves them into new blocks, and each must still read back whole.
  EvidenceOrigins origins;
  TopEvidence top;
  std::vector<std::string> quotes;
  std::vector<std::string> ids;
  for (int i = 0; i < 33; ++i) {
    quotes.push_back(std::string(80 + static_cast<size_t>(i), static_cast<char>('a' + i % 26)));
    ids.push_back("report-" + std::to_string(i));
  }
  for (size_t i = 0; i < quotes.size(); ++i) {
    top.Offer(MakeValue(static_cast<int64_t>(i) + 1, quotes[i]), ids[i], false, 33, &origins);
  }
  std::vector<Evidence> evidence = KeptEvidence(top, origins);
  REQUIRE(evidence.size() == 33);
  for (size_t i = 0; i < evidence.size(); ++i) {
    INFO("slot " << i);
    CHECK(evidence[i].report_id == ids[i]);
    CHECK(evidence[i].quote == quotes[i]);
  }
}

TEST_CASE("top evidence moves with its items", "[top_evidence]") {
  EvidenceOrigins origins;
  TopEvidence top;
  top.Offer(MakeValue(3, "三"), "r1", false, 2, &origins);
  top.Offer(MakeValue(5, "五"), "r2", false, 2, &origins);
  top.Offer(MakeValue(4, "四"), "r3", false, 2, &origins);
  TopEvidence moved = std::move(top);
  std::vector<Evidence> evidence = KeptEvidence(moved, origins);
  REQUIRE(evidence.size() == 2);
  CHECK(evidence[0].report_id == "r3");
  CHECK(evidence[1].report_id == "r2");
  CHECK(moved.omitted() == 1);

  // The smallest kept value moved too: 4 is not kept again, 6 replaces it.
  moved.Offer(MakeValue(4, "四"), "r4", false, 2, &origins);
  moved.Offer(MakeValue(6, "六"), "r5", false, 2, &origins);
  evidence = KeptEvidence(moved, origins);
  REQUIRE(evidence.size() == 2);
  CHECK(evidence[0].report_id == "r5");
  CHECK(evidence[0].quote == "六");
  CHECK(evidence[1].report_id == "r2");
  CHECK(moved.omitted() == 3);
}

TEST_CASE("top evidence with zero cap counts only", "[top_evidence]") {
  EvidenceOrigins origins;
  TopEvidence top;
  top.Offer(MakeValue(2, "a"), "r1", false, 0, &origins);
  top.Offer(MakeValue(3, "b"), "r2", false, 0, &origins);
  CHECK(top.size() == 0);
  CHECK(KeptEvidence(top, origins).empty());
  CHECK(top.omitted() == 2);
}

TEST_CASE("top evidence weights down weighted items", "[top_evidence]") {
  EvidenceOrigins origins;
  TopEvidence top;
  top.Offer(MakeValue(4, "a"), "r1", true, 2, &origins);
  top.Offer(MakeValue(6, "b"), "r2", false, 2, &origins);
  std::vector<Evidence> evidence = KeptEvidence(top, origins, Decimal::FromUnits(5000));
  REQUIRE(evidence.size() == 2);
  CHECK(evidence[0].weight == Decimal::FromUnits(5000));
  CHECK(evidence[0].counted == Decimal::FromInt(2));
  CHECK(evidence[1].weight == Decimal::FromInt(1));
  CHECK(evidence[1].counted == Decimal::FromInt(6));

  std::vector<Evidence> unit = KeptEvidence(top, origins, Decimal::FromInt(1));
  CHECK(unit[0].weight == Decimal::FromInt(1));
  CHECK(unit[0].counted == Decimal::FromInt(4));
}

TEST_CASE("top evidence composes paired quote", "[top_evidence]") {
  MetricValue value = MakeValue(20, "1.6小时");
  value.evidence.field_key = "实际用时";
  value.evidence.source = "time_saving";
  value.evidence.paired_key = "计划用时";
  value.evidence.paired_quote = "2小时";
  value.evidence.approximate = ValueRange{Decimal::FromInt(10), Decimal::FromInt(30)};
  EvidenceOrigins origins;
  TopEvidence top;
  top.Offer(value, "a-report-id-long-enough-to-leave-the-inline-buffer-behind", false, 1,
            &origins);
  std::vector<Evidence> evidence = KeptEvidence(top, origins);
  REQUIRE(evidence.size() == 1);
  CHECK(evidence[0].report_id == "a-report-id-long-enough-to-leave-the-inline-buffer-behind");
  CHECK(evidence[0].quote == value.evidence.Quote());
  CHECK(evidence[0].quote == "计划用时 2小时 → 实际用时 1.6小时");
  CHECK(evidence[0].span == value.evidence.span);
  REQUIRE(evidence[0].approximate.has_value());
  CHECK(evidence[0].approximate->low == Decimal::FromInt(10));
  CHECK(evidence[0].approximate->high == Decimal::FromInt(30));
}

TEST_CASE("top evidence reuses slot after long texts", "[top_evidence]") {
  // One slot: a value whose texts and range live in the cold slot, then a larger one with short
  // texts and no range, then a long one again. Each must read back only its own texts.
  EvidenceOrigins origins;
  TopEvidence top;
  std::string long_quote(60, 'x');
  MetricValue first = MakeValue(1, long_quote);
  first.evidence.approximate = ValueRange{Decimal::FromInt(0), Decimal::FromInt(2)};
  top.Offer(first, "r1", false, 1, &origins);
  top.Offer(MakeValue(2, "short"), "r2", false, 1, &origins);
  std::vector<Evidence> evidence = KeptEvidence(top, origins);
  REQUIRE(evidence.size() == 1);
  CHECK(evidence[0].report_id == "r2");
  CHECK(evidence[0].quote == "short");
  CHECK_FALSE(evidence[0].approximate.has_value());

  std::string longer_quote(70, 'y');
  top.Offer(MakeValue(3, longer_quote), "r3", false, 1, &origins);
  evidence = KeptEvidence(top, origins);
  REQUIRE(evidence.size() == 1);
  CHECK(evidence[0].report_id == "r3");
  CHECK(evidence[0].quote == longer_quote);
}

TEST_CASE("top evidence texts at inline limit", "[top_evidence]") {
  // Report id, quote and paired quote of 40 bytes in total fit the item, and 41 bytes do not.
  for (size_t quote_size : {size_t{0}, size_t{28}, size_t{29}}) {
    INFO("quote size " << quote_size);
    EvidenceOrigins origins;
    TopEvidence top;
    std::string quote(quote_size, 'q');
    MetricValue value = MakeValue(5, quote);
    value.evidence.paired_key = "计划用时";
    value.evidence.paired_quote = "2小时";  // 7 bytes
    top.Offer(value, "r-001", false, 1, &origins);  // 5 bytes
    std::vector<Evidence> evidence = KeptEvidence(top, origins);
    REQUIRE(evidence.size() == 1);
    CHECK(evidence[0].report_id == "r-001");
    CHECK(evidence[0].quote == value.evidence.Quote());
  }
}

TEST_CASE("top evidence keeps names per item", "[top_evidence]") {
  // Items from different fields and sources in one list each keep their own names.
  EvidenceOrigins origins;
  TopEvidence top;
  MetricValue typed = MakeValue(7, "7");
  typed.evidence.field_key = "成交金额";
  typed.evidence.source = "field";
  top.Offer(MakeValue(3, "三"), "r1", false, 3, &origins);
  top.Offer(typed, "r2", false, 3, &origins);
  std::vector<Evidence> evidence = KeptEvidence(top, origins);
  REQUIRE(evidence.size() == 2);
  CHECK(evidence[0].field_key == "今日工作");
  CHECK(evidence[0].source == "visits_done");
  CHECK(evidence[1].field_key == "成交金额");
  CHECK(evidence[1].source == "field");
  CHECK(origins.size() == 2);
}

// Offers a fixed pseudo-random sequence of values, many of them equal, to a list and to a plain
// model of its rule. The model appends below the cap. Above it, an offer larger than the
// smallest absolute value replaces the last slot with that value. Checks that both keep the
// same report ids in slot order.
void CheckAgainstModel(size_t cap) {
  EvidenceOrigins origins;
  TopEvidence top;
  std::vector<std::pair<int64_t, std::string>> model;
  std::vector<std::string> report_ids;
  uint64_t state = 12345;
  for (int i = 0; i < 200; ++i) {
    report_ids.push_back("r" + std::to_string(i));
  }
  for (int i = 0; i < 200; ++i) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    int64_t whole = static_cast<int64_t>(state >> 59) - 16;  // -16 to 15
    MetricValue value = MakeValue(whole, "q");
    top.Offer(value, report_ids[static_cast<size_t>(i)], false, cap, &origins);

    int64_t abs_whole = whole < 0 ? -whole : whole;
    if (model.size() < cap) {
      model.emplace_back(abs_whole, report_ids[static_cast<size_t>(i)]);
      continue;
    }
    size_t smallest = 0;
    for (size_t slot = 1; slot < model.size(); ++slot) {
      if (model[slot].first <= model[smallest].first) {
        smallest = slot;
      }
    }
    if (cap > 0 && abs_whole > model[smallest].first) {
      model[smallest] = {abs_whole, report_ids[static_cast<size_t>(i)]};
    }
  }
  std::vector<Evidence> evidence = KeptEvidence(top, origins);
  REQUIRE(evidence.size() == model.size());
  for (size_t slot = 0; slot < model.size(); ++slot) {
    INFO("cap " << cap << ", slot " << slot);
    CHECK(evidence[slot].report_id == model[slot].second);
  }
}

TEST_CASE("top evidence matches plain model", "[top_evidence]") {
  for (size_t cap : {0, 1, 2, 3, 10, 17, 40}) {
    CheckAgainstModel(cap);
  }
}

TEST_CASE("top evidence item keys and appends", "[top_evidence]") {
  EvidenceOrigins origins;
  TopEvidence top;
  // The second report id and quote are too long for the item's inline bytes, so its texts are
  // in the cold slot.
  std::string long_id(30, 'x');
  std::string long_quote = "今天上午拜访了三家客户";
  MetricValue paired = MakeValue(6, "1.8天");
  paired.evidence.field_key = "实际用时";
  paired.evidence.source = "time_saving";
  paired.evidence.paired_key = "计划用时";
  paired.evidence.paired_quote = "2天";
  top.Offer(MakeValue(3, "三"), "r1", false, 4, &origins);
  top.Offer(MakeValue(4, long_quote), long_id, true, 4, &origins);
  top.Offer(paired, "r3", false, 4, &origins);
  REQUIRE(top.size() == 3);

  TopEvidence::ItemKey first = top.KeyOf(origins, 0);
  CHECK(first.report_id == "r1");
  CHECK(first.field_key == "今日工作");
  CHECK(first.source == "visits_done");
  CHECK(first.span.begin == 2);
  CHECK(first.span.end == 5);
  TopEvidence::ItemKey cold = top.KeyOf(origins, 1);
  CHECK(cold.report_id == long_id);
  CHECK(cold.span.end == 6);
  TopEvidence::ItemKey third = top.KeyOf(origins, 2);
  CHECK(third.field_key == "实际用时");
  CHECK(third.source == "time_saving");

  // Appending single slots in any order gives the Evidence that AppendTo gives for them.
  Decimal down_weight = *Decimal::Parse("0.5");
  std::vector<Evidence> all;
  top.AppendTo(origins, down_weight, &all);
  std::vector<Evidence> reversed;
  for (uint32_t slot : {2U, 1U, 0U}) {
    top.AppendItemTo(origins, down_weight, slot, &reversed);
  }
  REQUIRE(all.size() == 3);
  REQUIRE(reversed.size() == 3);
  for (size_t i = 0; i < 3; ++i) {
    const Evidence& expected = all[i];
    const Evidence& actual = reversed[2 - i];
    INFO("slot " << i);
    CHECK(actual.report_id == expected.report_id);
    CHECK(actual.field_key == expected.field_key);
    CHECK(actual.source == expected.source);
    CHECK(actual.quote == expected.quote);
    CHECK(actual.value == expected.value);
    CHECK(actual.weight == expected.weight);
    CHECK(actual.counted == expected.counted);
  }
  CHECK(reversed[1].quote == long_quote);
  CHECK(reversed[1].weight == down_weight);
  CHECK(reversed[1].counted == Decimal::FromInt(2));
  CHECK(reversed[0].quote == "计划用时 2天 → 实际用时 1.8天");
}

TEST_CASE("top evidence counts every offer", "[top_evidence]") {
  // The engine reads a metric's value count as size() + omitted(). So every offer must add one
  // to exactly one of them, whether it is appended, replaces an item, is rejected or meets cap 0.
  for (size_t cap : {0, 1, 3, 20}) {
    INFO("cap " << cap);
    TopEvidence top;
    EvidenceOrigins origins;
    const int64_t wholes[] = {4, -9, 4, 1, 12, -12, 3, 0, 7, 7, 2, 30};
    int64_t offers = 0;
    for (int64_t whole : wholes) {
      top.Offer(MakeValue(whole, "q"), "r", whole % 2 == 0, cap, &origins);
      ++offers;
      CHECK(static_cast<int64_t>(top.size()) + top.omitted() == offers);
    }
    CHECK(top.size() == std::min<size_t>(cap, std::size(wholes)));
  }
}

}  // namespace
}  // namespace logbridge::scoring
