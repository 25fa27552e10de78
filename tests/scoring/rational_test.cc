// Tests for Rational: exact arithmetic, reduction, comparison and rounding, on small values and
// on values near the int64_t limits, where the 64-bit paths hand over to 128-bit arithmetic.
#include "scoring/rational.h"

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

namespace logbridge::scoring {
namespace {

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();

std::string Format(std::optional<Decimal> value) {
  return value ? value->ToString() : std::string("nullopt");
}

Rational Of(const char* text) { return Rational(*Decimal::Parse(text)); }

// Decimal units on both sides of the points where 64-bit products and sums stop fitting.
const std::vector<int64_t>& EdgeUnits() {
  static const std::vector<int64_t> units = {
      0,          1,           -1,          2,           3,           7,
      5000,       -5000,       9999,        10000,       -10000,      123456789,
      3037000499, 3037000500,  -3037000500, 922337203685477, 922337203685478,
      -922337203685477, -922337203685478, int64_t{1} << 62, -(int64_t{1} << 62),
      kMax / 3,   kMax - 1,    kMax,        kMin + 1,    kMin};
  return units;
}

TEST_CASE("Rational adds and reduces", "[rational]") {
  CHECK(Format((Of("1") / Of("3") + Of("1") / Of("6")).ToDecimal()) == "0.5");
  CHECK(Format((Of("6") / Of("4")).ToDecimal()) == "1.5");
  CHECK(Format((Of("0.1") + Of("0.2")).ToDecimal()) == "0.3");
  CHECK(Format((Of("1") / Of("3") - Of("1") / Of("3")).ToDecimal()) == "0");
  // 2/4 reduces to 1/2, so 2/4 x 2 is exactly 1.
  CHECK(Format((Of("2") / Of("4") * Of("2")).ToDecimal()) == "1");
}

TEST_CASE("Rational rounds negative values away from zero", "[rational]") {
  CHECK(Format((Of("-1") / Of("3")).ToDecimal()) == "-0.3333");
  CHECK(Format((Of("-2") / Of("3")).ToDecimal()) == "-0.6667");
  CHECK(Format((Of("2") / Of("-3")).ToDecimal()) == "-0.6667");
  CHECK(Format((Of("-0.0001") / Of("2")).ToDecimal()) == "-0.0001");
  CHECK(Format((Of("0.0001") / Of("-4")).ToDecimal()) == "0");
}

TEST_CASE("Rational handles zero", "[rational]") {
  Rational zero;
  CHECK(Format(zero.ToDecimal()) == "0");
  CHECK(Format((zero * Of("-7.5")).ToDecimal()) == "0");
  CHECK(Format((zero / Of("3")).ToDecimal()) == "0");
  CHECK(Format((zero + zero).ToDecimal()) == "0");
  CHECK((Of("1") / zero).overflowed());
  CHECK(zero > Of("-0.0001"));
  CHECK(zero < Of("0.0001"));
  CHECK(zero <= Rational());
}

TEST_CASE("Rational compares close fractions", "[rational]") {
  CHECK(Of("1") / Of("3") > Of("0.3333"));
  CHECK(Of("1") / Of("3") < Of("0.3334"));
  CHECK(Of("-1") / Of("3") < Of("-0.3333"));
  Rational tiny = Rational(Decimal::FromUnits(1)) / Rational(Decimal::FromUnits(kMax));
  Rational less_tiny = Rational(Decimal::FromUnits(1)) / Rational(Decimal::FromUnits(kMax - 1));
  CHECK(tiny < less_tiny);
  CHECK(tiny > Rational());
}

TEST_CASE("Rational keeps values past 64 bits exact", "[rational]") {
  Rational big(Decimal::FromUnits(kMax));
  Rational doubled = big * Rational::FromInt(2);
  CHECK_FALSE(doubled.overflowed());
  CHECK(doubled > big);
  CHECK(Format(doubled.ToDecimal()) == "nullopt");  // outside Decimal's range
  CHECK((doubled / Rational::FromInt(2)).ToDecimal() == Decimal::FromUnits(kMax));
  CHECK((doubled - big).ToDecimal() == Decimal::FromUnits(kMax));

  Rational most_negative(Decimal::FromUnits(kMin));
  CHECK(most_negative.ToDecimal() == Decimal::FromUnits(kMin));
  CHECK(most_negative < Rational(Decimal::FromUnits(kMin + 1)));
  CHECK((most_negative + Rational(Decimal::FromUnits(1))).ToDecimal() ==
        Decimal::FromUnits(kMin + 1));
  CHECK(Format((most_negative - Rational(Decimal::FromUnits(1))).ToDecimal()) == "nullopt");
}

TEST_CASE("Rational overflow mark sticks", "[rational]") {
  Rational huge = Rational(Decimal::FromUnits(kMax)) * Rational(Decimal::FromUnits(kMax));
  Rational past = huge * huge;  // about 2^244, past 128 bits
  CHECK(past.overflowed());
  CHECK((past + Of("1")).overflowed());
  CHECK((Of("1") * past).overflowed());
  CHECK(Format(past.ToDecimal()) == "nullopt");
}

// Decimal rounds each product and quotient once from the exact value, as Rational::ToDecimal
// does, so both must agree wherever the result is in range, whichever path computed it.
TEST_CASE("Rational agrees with Decimal at edges", "[rational]") {
  for (int64_t a_units : EdgeUnits()) {
    for (int64_t b_units : EdgeUnits()) {
      Decimal a = Decimal::FromUnits(a_units);
      Decimal b = Decimal::FromUnits(b_units);
      INFO("a units: " << a_units << ", b units: " << b_units);
      CHECK(Format((Rational(a) + Rational(b)).ToDecimal()) == Format(a.CheckedAdd(b)));
      CHECK(Format((Rational(a) * Rational(b)).ToDecimal()) == Format(a.CheckedMultiply(b)));
      if (b_units != 0) {
        CHECK(Format((Rational(a) / Rational(b)).ToDecimal()) == Format(a.CheckedDivide(b)));
      }
      CHECK((Rational(a) < Rational(b)) == (a < b));
      CHECK((Rational(a) >= Rational(b)) == (a >= b));
    }
  }
}

}  // namespace
}  // namespace logbridge::scoring
