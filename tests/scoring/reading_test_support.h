// Shared by the reading tests: the rules of the example sales config, and a check that compares
// what an extractor reads in each text with a short written form of the expected extractions.
#ifndef LOGBRIDGE_TESTS_SCORING_READING_TEST_SUPPORT_H_
#define LOGBRIDGE_TESTS_SCORING_READING_TEST_SUPPORT_H_

#include <initializer_list>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "scoring/extract.h"

namespace logbridge::scoring::reading_check {

// A text, with | for a line break, and what Describe returns for its extractions.
struct Reading {
  const char* text;
  const char* found;
};

// The deal and visit rules of config/sales.toml.
inline const Extractor& SalesRules() {
  static const Extractor kRules = std::move(
      Extractor::Create(
          {{"deals", "sales", "签约|签单|成交|订单|回款", QuantityKind::kAmount, {}, 8},
           {"visits", "visits", "拜访|走访|上门", QuantityKind::kCount, {"家", "位", "个", "次"}, 8}})
          .value());
  return kRules;
}

// Returns "rule=value; " for each extraction, with " planned", " negated", " other",
// " running_total" or " earlier_value" after the value when the work is not counted as done.
inline std::string Describe(const std::vector<Extraction>& found) {
  std::string out;
  for (const Extraction& e : found) {
    out += e.rule + "=" + e.quantity.Value().ToString();
    switch (e.aspect) {
      case Aspect::kDone:
        break;
      case Aspect::kPlanned:
        out += " planned";
        break;
      case Aspect::kNegated:
        out += " negated";
        break;
      case Aspect::kOtherSection:
        out += " other";
        break;
      case Aspect::kRunningTotal:
        out += " running_total";
        break;
      case Aspect::kEarlierValue:
        out += " earlier_value";
        break;
    }
    out += "; ";
  }
  return out;
}

// Checks each reading with the given rules, and names the text of a reading that fails.
inline void CheckReadings(const Extractor& rules, std::initializer_list<Reading> readings) {
  for (const Reading& reading : readings) {
    std::string text = reading.text;
    for (size_t bar = text.find('|'); bar != std::string::npos; bar = text.find('|', bar)) {
      text.replace(bar, 1, "\n");
    }
    INFO("text: " << reading.text);
    CHECK(Describe(rules.Extract(text)) == reading.found);
  }
}

// Checks each reading with SalesRules().
inline void CheckReadings(std::initializer_list<Reading> readings) {
  CheckReadings(SalesRules(), readings);
}

}  // namespace logbridge::scoring::reading_check

#endif  // LOGBRIDGE_TESTS_SCORING_READING_TEST_SUPPORT_H_
