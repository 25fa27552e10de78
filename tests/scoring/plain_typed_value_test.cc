// Tests for ReadPlainTypedValue, the direct reader of common typed values: it must agree with
// ParseQuantity on every text it reads, and leave every other text to ParseQuantity.
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <catch2/catch.hpp>

#include "scoring/extract.h"

namespace logbridge::scoring {
namespace {

// Numbers of every length from one to ten digits, with and without a leading zero.
std::vector<std::string> GeneratedNumbers() {
  std::vector<std::string> numbers = {"0", "00", "08", "1", "9", "10", "99999999", "100000000"};
  std::mt19937_64 random(17);
  for (int digits = 1; digits <= 10; ++digits) {
    for (int i = 0; i < 12; ++i) {
      std::string number;
      for (int d = 0; d < digits; ++d) {
        number += static_cast<char>('0' + random() % 10);
      }
      numbers.push_back(number);
    }
  }
  return numbers;
}

TEST_CASE("ReadPlainTypedValue agrees with ParseQuantity", "[extract]") {
  const QuantityKind kinds[] = {QuantityKind::kAmount, QuantityKind::kDuration,
                                QuantityKind::kCount, QuantityKind::kPercent};
  const std::string_view default_units[] = {"",   "元", "万元", "千元", "w",  "K",  "亿元",
                                            "块", "小时", "天",  "分钟", "周", "h",  "个",
                                            "次", "%",  "％",  "万",  "小时整"};
  const std::string_view written_units[] = {"",   "元",   "万元", "千元", "w",    "K",
                                            "块", "小时", "天",   "分钟", "h",    "个",
                                            "%",  "元整", " 元",  "小时 ", "万元左右"};
  std::vector<std::string> numbers = GeneratedNumbers();
  int read = 0;
  int compared = 0;
  for (QuantityKind kind : kinds) {
    for (std::string_view default_unit : default_units) {
      for (std::string_view written_unit : written_units) {
        for (const std::string& number : numbers) {
          std::string text = number + std::string(written_unit);
          INFO("text " << text << ", kind " << static_cast<int>(kind) << ", default unit "
                       << default_unit);
          std::optional<PlainTypedValue> plain = ReadPlainTypedValue(text, kind, default_unit);
          ++compared;
          if (!plain) {
            continue;
          }
          ++read;
          std::optional<Quantity> expected = ParseQuantity(text, kind, default_unit);
          REQUIRE(expected.has_value());
          CHECK_FALSE(expected->approximate);
          CHECK(plain->value.ToString() == expected->Value().ToString());
          CHECK(expected->span.begin == 0);
          CHECK(plain->code_points == expected->span.end);
        }
      }
    }
  }
  // The direct path must cover a good share of the texts, or the comparison proves little.
  CHECK(read > 2000);
  CHECK(compared > read);
}

TEST_CASE("ReadPlainTypedValue reads the common forms", "[extract]") {
  std::optional<PlainTypedValue> amount = ReadPlainTypedValue("35000", QuantityKind::kAmount, "元");
  REQUIRE(amount.has_value());
  CHECK(amount->value == Decimal::FromInt(35000));
  CHECK(amount->code_points == 5);

  std::optional<PlainTypedValue> hours =
      ReadPlainTypedValue("8小时", QuantityKind::kDuration, "小时");
  REQUIRE(hours.has_value());
  CHECK(hours->value == Decimal::FromInt(8));
  CHECK(hours->code_points == 3);

  std::optional<PlainTypedValue> scaled = ReadPlainTypedValue("5", QuantityKind::kAmount, "万元");
  REQUIRE(scaled.has_value());
  CHECK(scaled->value == Decimal::FromInt(50000));
}

TEST_CASE("ReadPlainTypedValue leaves other forms", "[extract]") {
  CHECK_FALSE(ReadPlainTypedValue("8小时", QuantityKind::kDuration, "天").has_value());
  CHECK_FALSE(ReadPlainTypedValue("1.5小时", QuantityKind::kDuration, "小时").has_value());
  CHECK_FALSE(ReadPlainTypedValue("5000元整", QuantityKind::kAmount, "元").has_value());
  CHECK_FALSE(ReadPlainTypedValue("080", QuantityKind::kAmount, "元").has_value());
  CHECK_FALSE(ReadPlainTypedValue("123456789", QuantityKind::kAmount, "元").has_value());
  CHECK_FALSE(ReadPlainTypedValue("80", QuantityKind::kPercent, "%").has_value());
  CHECK_FALSE(ReadPlainTypedValue("3个", QuantityKind::kCount, "个").has_value());
  CHECK_FALSE(ReadPlainTypedValue("", QuantityKind::kAmount, "元").has_value());
  // A unit of another kind makes ParseQuantity return nullopt, so it is left to it.
  CHECK_FALSE(ReadPlainTypedValue("8", QuantityKind::kAmount, "小时").has_value());
}

}  // namespace
}  // namespace logbridge::scoring
