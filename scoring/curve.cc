// Curve evaluation in exact fractions, so 4.5 on a 3 -> 0, 5 -> 1 curve is exactly 0.75 and
// 5 visits of a target of 12 earn exactly 5/12 of the weight.
#include "scoring/curve.h"

#include <algorithm>

namespace logbridge::scoring {
namespace {

// The curve arithmetic, written once for Decimal (rounding after each product and quotient) and
// for Rational (exact). Number needs +, -, *, /, the comparisons and construction from Decimal.
template <typename Number>
Number Clamp(const Number& value, Decimal cap) {
  Number zero(Decimal::FromInt(0));
  Number top(cap);
  if (value < zero) {
    return zero;
  }
  return top < value ? top : value;
}

template <typename Number>
Number Interpolate(const CurvePoint& a, const CurvePoint& b, const Number& x) {
  Number ax(a.x);
  Number fraction(a.fraction);
  return fraction + (x - ax) * (Number(b.fraction) - fraction) / (Number(b.x) - ax);
}

template <typename Number>
Number BandFraction(const std::vector<CurvePoint>& bands, bool falling, const Number& x) {
  if (falling) {
    // Lower is better: the first (lowest) threshold that x does not exceed.
    for (const CurvePoint& band : bands) {
      if (x <= Number(band.x)) {
        return Number(band.fraction);
      }
    }
    return Number(Decimal::FromInt(0));
  }
  Decimal fraction = Decimal::FromInt(0);
  for (const CurvePoint& band : bands) {
    if (x >= Number(band.x)) {
      fraction = band.fraction;
    }
  }
  return Number(fraction);
}

template <typename Number>
Number Evaluate(const Curve& curve, const Number& x) {
  const std::vector<CurvePoint>& points = curve.points;
  if (curve.kind == Curve::Kind::kBands) {
    return Clamp(BandFraction(points, curve.Falling(), x), curve.cap);
  }

  const CurvePoint& first = points.front();
  const CurvePoint& last = points.back();
  // The worse end keeps its fraction; the better end extends its last segment up to the cap.
  if (x <= Number(first.x)) {
    return Clamp(curve.Falling() ? Interpolate(points[0], points[1], x) : Number(first.fraction),
                 curve.cap);
  }
  if (x >= Number(last.x)) {
    size_t n = points.size();
    return Clamp(
        curve.Falling() ? Number(last.fraction) : Interpolate(points[n - 2], points[n - 1], x),
        curve.cap);
  }
  for (size_t i = 1; i < points.size(); ++i) {
    if (x <= Number(points[i].x)) {
      return Clamp(Interpolate(points[i - 1], points[i], x), curve.cap);
    }
  }
  return Clamp(Number(last.fraction), curve.cap);
}

}  // namespace

Decimal Curve::Fraction(Decimal x) const {
  if (std::optional<Decimal> exact = ExactFraction(Rational(x)).ToDecimal()) {
    return *exact;
  }
  return Evaluate(*this, x);  // an intermediate value overflowed; round at each step instead
}

Rational Curve::ExactFraction(const Rational& x) const {
  if (x.overflowed()) {
    return x;  // comparisons need valid values
  }
  return Evaluate(*this, x);
}

std::optional<std::string> Curve::Check() const {
  size_t minimum = kind == Kind::kBands ? 1 : 2;
  if (points.size() < minimum) {
    return kind == Kind::kBands ? "a band curve needs at least one [threshold, fraction] band"
                                : "a linear curve needs at least two [x, fraction] points";
  }
  if (cap < Decimal::FromInt(0)) {
    return "cap " + cap.ToString() + " is negative";
  }
  for (size_t i = 0; i < points.size(); ++i) {
    if (points[i].fraction < Decimal::FromInt(0)) {
      return "fraction " + points[i].fraction.ToString() + " at x = " + points[i].x.ToString() +
             " is negative";
    }
    if (i == 0) {
      continue;
    }
    const CurvePoint& before = points[i - 1];
    if (points[i].x <= before.x) {
      return "x values must increase, but " + points[i].x.ToString() + " follows " +
             before.x.ToString();
    }
    bool wrong_way = Falling() ? points[i].fraction > before.fraction
                               : points[i].fraction < before.fraction;
    if (wrong_way) {
      return std::string("the curve is not monotone: fraction ") + points[i].fraction.ToString() +
             " at x = " + points[i].x.ToString() + (Falling() ? " rises above " : " falls below ") +
             before.fraction.ToString() + " at x = " + before.x.ToString() +
             (Falling() ? " on a lower-is-better curve" : " on a higher-is-better curve");
    }
  }
  return std::nullopt;
}

}  // namespace logbridge::scoring
