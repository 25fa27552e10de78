// Tests for Decimal: parsing, formatting, rounding and overflow checks.
#include "scoring/decimal.h"

#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include <catch2/catch.hpp>

namespace logbridge::scoring {
namespace {

std::string Format(std::optional<Decimal> value) {
  return value ? value->ToString() : std::string("nullopt");
}

TEST_CASE("Decimal parses valid forms", "[decimal]") {
  CHECK(Decimal::Parse("123")->units() == 1230000);
  CHECK(Decimal::Parse("-4.5")->units() == -45000);
  CHECK(Decimal::Parse("0.0001")->units() == 1);
  CHECK(Decimal::Parse("007")->units() == 70000);
  CHECK(Decimal::Parse("-0")->units() == 0);
  CHECK(Decimal::Parse("922337203685477.5807")->units() == std::numeric_limits<int64_t>::max());
  CHECK(Decimal::Parse("-922337203685477.5808")->units() ==
        std::numeric_limits<int64_t>::min());
}

TEST_CASE("Decimal rejects malformed text", "[decimal]") {
  const char* cases[] = {"",     "-",    ".5",    "5.",      "1.23456", "1,200",
                         "+5",   "1e3",  " 5",    "5 ",      "1.2.3",   "--1",
                         "abc",  "٣",    "922337203685477.5808", "-922337203685477.5809",
                         "99999999999999999999999999"};
  for (const char* text : cases) {
    INFO("text: " << text);
    CHECK_FALSE(Decimal::Parse(text).has_value());
  }
}

TEST_CASE("Decimal formats shortest exact form", "[decimal]") {
  CHECK(Decimal::FromInt(50000).ToString() == "50000");
  CHECK(Decimal::FromUnits(45000).ToString() == "4.5");
  CHECK(Decimal::FromUnits(-2500).ToString() == "-0.25");
  CHECK(Decimal::FromUnits(1).ToString() == "0.0001");
  CHECK(Decimal::FromUnits(-1).ToString() == "-0.0001");
  CHECK(Decimal::FromUnits(0).ToString() == "0");
  CHECK(Decimal::FromUnits(std::numeric_limits<int64_t>::min()).ToString() ==
        "-922337203685477.5808");
}

TEST_CASE("Decimal round-trips through text", "[decimal]") {
  const char* cases[] = {"0", "1", "-1", "0.1", "12.3456", "-99.9999", "1000000"};
  for (const char* text : cases) {
    INFO("text: " << text);
    CHECK(Format(Decimal::Parse(text)) == text);
  }
}

TEST_CASE("Decimal adds exactly", "[decimal]") {
  Decimal sum = *Decimal::Parse("0.1") + *Decimal::Parse("0.2");
  CHECK(sum == *Decimal::Parse("0.3"));
  CHECK((Decimal::FromInt(3) - Decimal::FromInt(5)).ToString() == "-2");
  CHECK((-Decimal::FromInt(3)).ToString() == "-3");
}

TEST_CASE("Decimal multiplies with rounding", "[decimal]") {
  CHECK((*Decimal::Parse("1.5") * *Decimal::Parse("1.5")).ToString() == "2.25");
  // 0.0005 * 0.5 = 0.00025: half rounds away from zero.
  CHECK((*Decimal::Parse("0.0005") * *Decimal::Parse("0.5")).ToString() == "0.0003");
  CHECK((*Decimal::Parse("-0.0005") * *Decimal::Parse("0.5")).ToString() == "-0.0003");
  CHECK((*Decimal::Parse("0.0001") * *Decimal::Parse("0.4")).ToString() == "0");
}

TEST_CASE("Decimal divides with rounding", "[decimal]") {
  CHECK((Decimal::FromInt(1) / Decimal::FromInt(3)).ToString() == "0.3333");
  CHECK((Decimal::FromInt(2) / Decimal::FromInt(3)).ToString() == "0.6667");
  CHECK((Decimal::FromInt(-2) / Decimal::FromInt(3)).ToString() == "-0.6667");
  CHECK((Decimal::FromInt(2) / Decimal::FromInt(-3)).ToString() == "-0.6667");
  CHECK((Decimal::FromInt(30) / Decimal::FromInt(60)).ToString() == "0.5");
}

TEST_CASE("Decimal saturates unchecked products", "[decimal]") {
  Decimal big = Decimal::FromUnits(std::numeric_limits<int64_t>::max());
  CHECK((big * Decimal::FromInt(2)).units() == std::numeric_limits<int64_t>::max());
  CHECK((big * Decimal::FromInt(-2)).units() == std::numeric_limits<int64_t>::min());
}

TEST_CASE("Decimal checked operations detect overflow", "[decimal]") {
  Decimal big = Decimal::FromUnits(std::numeric_limits<int64_t>::max());
  CHECK_FALSE(big.CheckedAdd(Decimal::FromUnits(1)).has_value());
  CHECK(Format(Decimal::FromInt(2).CheckedAdd(Decimal::FromInt(3))) == "5");
  CHECK_FALSE(big.CheckedMultiply(Decimal::FromInt(2)).has_value());
  CHECK(Format(Decimal::FromInt(4).CheckedMultiply(*Decimal::Parse("2.5"))) == "10");
  CHECK_FALSE(Decimal::FromInt(1).CheckedDivide(Decimal()).has_value());
  CHECK_FALSE(big.CheckedDivide(*Decimal::Parse("0.5")).has_value());
  CHECK(Format(Decimal::FromInt(1).CheckedDivide(Decimal::FromInt(8))) == "0.125");
  CHECK_FALSE(big.Times(10).has_value());
  CHECK(Format(Decimal::Parse("1.5")->Times(10000)) == "15000");
  CHECK(Format(Decimal::FromInt(-3).Times(1000)) == "-3000");
}

// GCC and Clang provide 128-bit integers on 64-bit targets, and __extension__ keeps -Wpedantic
// quiet about them.
__extension__ using Wide = __int128;

// The rounding rule written out on 128-bit values: the exact quotient, moved one unit away from
// zero when the remainder is at least half the divisor. Returns nullopt outside int64_t.
std::optional<int64_t> ReferenceQuotient(Wide dividend, Wide divisor) {
  Wide quotient = dividend / divisor;
  Wide remainder = dividend % divisor;
  Wide remainder_magnitude = remainder < 0 ? -remainder : remainder;
  Wide divisor_magnitude = divisor < 0 ? -divisor : divisor;
  if (2 * remainder_magnitude >= divisor_magnitude) {
    quotient += (dividend < 0) == (divisor < 0) ? 1 : -1;
  }
  if (quotient > std::numeric_limits<int64_t>::max() ||
      quotient < std::numeric_limits<int64_t>::min()) {
    return std::nullopt;
  }
  return static_cast<int64_t>(quotient);
}

std::string FormatUnits(std::optional<int64_t> units) {
  return units ? Decimal::FromUnits(*units).ToString() : std::string("nullopt");
}

// Products and quotients take a 64-bit path when the intermediate product fits and a 128-bit one
// otherwise. These units sit on both sides of that limit and of the int64_t range.
TEST_CASE("Decimal rounds alike near 64-bit limits", "[decimal]") {
  const int64_t max = std::numeric_limits<int64_t>::max();
  const int64_t min = std::numeric_limits<int64_t>::min();
  const int64_t cases[] = {0,          1,          -1,          2,           -2,
                           5000,       -5000,      15000,       -15000,      9999,
                           10000,      -10000,     3037000499,  3037000500,  -3037000499,
                           -3037000500, 922337203685477, 922337203685478, -922337203685477,
                           -922337203685478, int64_t{1} << 62, -(int64_t{1} << 62), max / 3,
                           max - 1,    max,        min + 1,     min};
  for (int64_t a : cases) {
    for (int64_t b : cases) {
      INFO("a units: " << a << ", b units: " << b);
      Decimal left = Decimal::FromUnits(a);
      Decimal right = Decimal::FromUnits(b);
      std::optional<int64_t> product = ReferenceQuotient(Wide{a} * b, Decimal::kScale);
      CHECK(Format(left.CheckedMultiply(right)) == FormatUnits(product));
      int64_t saturated = product ? *product : ((a < 0) != (b < 0) ? min : max);
      CHECK((left * right).units() == saturated);
      if (b == 0) {
        continue;
      }
      std::optional<int64_t> quotient = ReferenceQuotient(Wide{a} * Decimal::kScale, b);
      CHECK(Format(left.CheckedDivide(right)) == FormatUnits(quotient));
      saturated = quotient ? *quotient : ((a < 0) != (b < 0) ? min : max);
      CHECK((left / right).units() == saturated);
    }
  }
}

}  // namespace
}  // namespace logbridge::scoring
