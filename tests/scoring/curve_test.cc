// Curve tests: linear interpolation, caps, lower-is-better, step bands and the checks.
#include <catch2/catch.hpp>

#include "scoring/curve.h"

namespace logbridge::scoring {
namespace {

Decimal Dec(std::string_view text) { return *Decimal::Parse(text); }

Curve Linear(std::vector<std::pair<std::string_view, std::string_view>> points) {
  Curve curve;
  curve.on_achievement = false;
  curve.points.clear();
  for (const auto& [x, fraction] : points) {
    curve.points.push_back({Dec(x), Dec(fraction)});
  }
  return curve;
}

TEST_CASE("default curve caps at full", "[curve]") {
  Curve curve;
  CHECK(curve.Fraction(Dec("120")) == Dec("1"));
  CHECK(curve.Fraction(Dec("100")) == Dec("1"));
  CHECK(curve.Fraction(Dec("50")) == Dec("0.5"));
  CHECK(curve.Fraction(Dec("0")) == Dec("0"));
  curve.cap = Dec("1.2");
  CHECK(curve.Fraction(Dec("110")) == Dec("1.1"));
  CHECK(curve.Fraction(Dec("150")) == Dec("1.2"));
}

TEST_CASE("value curve interpolates exactly", "[curve]") {
  Curve satisfaction = Linear({{"3", "0"}, {"5", "1"}});
  CHECK(satisfaction.Fraction(Dec("4.5")) == Dec("0.75"));
  CHECK(satisfaction.Fraction(Dec("2")) == Dec("0"));
  CHECK(satisfaction.Fraction(Dec("5.5")) == Dec("1"));

  Curve efficiency = Linear({{"0", "0"}, {"20", "1"}});
  CHECK(efficiency.Fraction(Dec("10")) == Dec("0.5"));
  // Planned 2 days, done in 1: 50% faster, full marks.
  CHECK(efficiency.Fraction(Dec("50")) == Dec("1"));
  CHECK(efficiency.Fraction(Dec("-10")) == Dec("0"));
}

TEST_CASE("multi point curve uses segment", "[curve]") {
  Curve curve = Linear({{"60", "0"}, {"80", "0.6"}, {"100", "1"}});
  CHECK(curve.Fraction(Dec("70")) == Dec("0.3"));
  CHECK(curve.Fraction(Dec("90")) == Dec("0.8"));
  CHECK(curve.Fraction(Dec("40")) == Dec("0"));
}

TEST_CASE("lower is better curve", "[curve]") {
  Curve response = Linear({{"2", "1"}, {"8", "0"}});
  response.lower_is_better = true;
  REQUIRE_FALSE(response.Check().has_value());
  CHECK(response.Fraction(Dec("5")) == Dec("0.5"));
  CHECK(response.Fraction(Dec("1")) == Dec("1"));
  CHECK(response.Fraction(Dec("10")) == Dec("0"));
}

TEST_CASE("step bands", "[curve]") {
  Curve bands = Linear({{"80", "0.5"}, {"100", "1"}});
  bands.kind = Curve::Kind::kBands;
  CHECK(bands.Fraction(Dec("79.99")) == Dec("0"));
  CHECK(bands.Fraction(Dec("80")) == Dec("0.5"));
  CHECK(bands.Fraction(Dec("99")) == Dec("0.5"));
  CHECK(bands.Fraction(Dec("130")) == Dec("1"));

  Curve falling = Linear({{"1", "1"}, {"3", "0.5"}});
  falling.kind = Curve::Kind::kBands;
  falling.lower_is_better = true;
  CHECK(falling.Fraction(Dec("0.5")) == Dec("1"));
  CHECK(falling.Fraction(Dec("2")) == Dec("0.5"));
  CHECK(falling.Fraction(Dec("4")) == Dec("0"));
}

TEST_CASE("curve check finds problems", "[curve]") {
  CHECK(Linear({{"1", "0"}}).Check()->find("at least two") != std::string::npos);
  CHECK(Linear({{"5", "0"}, {"3", "1"}}).Check()->find("must increase") != std::string::npos);
  CHECK(Linear({{"0", "1"}, {"5", "0"}}).Check()->find("not monotone") != std::string::npos);
  CHECK(Linear({{"0", "-1"}, {"5", "0"}}).Check()->find("negative") != std::string::npos);
  Curve rising_but_lower = Linear({{"0", "0"}, {"5", "1"}});
  rising_but_lower.lower_is_better = true;
  CHECK(rising_but_lower.Check()->find("lower-is-better") != std::string::npos);
}

}  // namespace
}  // namespace logbridge::scoring
