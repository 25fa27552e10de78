// Scoring curves: how a KPI's raw value or achievement becomes a fraction of the KPI's weight.
// A curve is piecewise linear through points, or a staircase of step bands, for higher-is-better
// or lower-is-better KPIs, with a cap. Value type; thread-compatible.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "scoring/decimal.h"
#include "scoring/rational.h"

namespace logbridge::scoring {

struct CurvePoint {
  Decimal x;         // raw value, or achievement in percent of target
  Decimal fraction;  // fraction of the KPI weight earned at x: 0 is nothing, 1 is full weight
  bool operator==(const CurvePoint&) const = default;
};

struct Curve {
  enum class Kind { kLinear, kBands };
  Kind kind = Kind::kLinear;
  // True when x is achievement in percent of the target; false when x is the raw value.
  bool on_achievement = true;
  // For a lower-is-better KPI the fractions fall as x grows (value curves only; achievement is
  // already target / value, so it always rises as the KPI improves).
  bool lower_is_better = false;
  // Points in increasing x. Linear: straight lines between points; past the best end the last
  // segment extends up to the cap, past the worst end the end point's fraction stays. Bands: a
  // value earns the fraction of the best band whose threshold it reaches.
  std::vector<CurvePoint> points = {{Decimal::FromInt(0), Decimal::FromInt(0)},
                                    {Decimal::FromInt(100), Decimal::FromInt(1)}};
  Decimal cap = Decimal::FromInt(1);  // the largest fraction a KPI can earn

  // Returns the fraction of the weight earned at x, within [0, cap], rounded once to four
  // fractional digits. REQUIRES: Check() returned nullopt.
  Decimal Fraction(Decimal x) const;

  // Returns the exact fraction earned at x, so that a caller can multiply it by a weight
  // before the one rounding step. The result is overflowed when x is or when an intermediate
  // value does not fit. REQUIRES: Check() returned nullopt.
  Rational ExactFraction(const Rational& x) const;

  // Returns a description of what is wrong (too few points, x not increasing, fractions not
  // monotone in the KPI's direction, a negative fraction or cap), or nullopt when usable.
  std::optional<std::string> Check() const;

  // Whether fractions fall as x grows.
  bool Falling() const { return lower_is_better && !on_achievement; }
};

}  // namespace logbridge::scoring
