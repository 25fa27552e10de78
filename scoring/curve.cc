// Curve evaluation in exact decimals, so 4.5 on a 3 -> 0, 5 -> 1 curve is exactly 0.75.
#include "scoring/curve.h"

#include <algorithm>

namespace logbridge::scoring {
namespace {

Decimal Clamp(Decimal value, Decimal cap) {
  return std::clamp(value, Decimal::FromInt(0), cap);
}

Decimal Interpolate(const CurvePoint& a, const CurvePoint& b, Decimal x) {
  return a.fraction + (x - a.x) * (b.fraction - a.fraction) / (b.x - a.x);
}

Decimal BandFraction(const std::vector<CurvePoint>& bands, bool falling, Decimal x) {
  if (falling) {
    // Lower is better: the first (lowest) threshold that x does not exceed.
    for (const CurvePoint& band : bands) {
      if (x <= band.x) {
        return band.fraction;
      }
    }
    return Decimal::FromInt(0);
  }
  Decimal fraction = Decimal::FromInt(0);
  for (const CurvePoint& band : bands) {
    if (x >= band.x) {
      fraction = band.fraction;
    }
  }
  return fraction;
}

}  // namespace

Decimal Curve::Fraction(Decimal x) const {
  if (kind == Kind::kBands) {
    return Clamp(BandFraction(points, Falling(), x), cap);
  }

  const CurvePoint& first = points.front();
  const CurvePoint& last = points.back();
  // The worse end keeps its fraction; the better end extends its last segment up to the cap.
  if (x <= first.x) {
    return Clamp(Falling() ? Interpolate(points[0], points[1], x) : first.fraction, cap);
  }
  if (x >= last.x) {
    size_t n = points.size();
    return Clamp(Falling() ? last.fraction : Interpolate(points[n - 2], points[n - 1], x), cap);
  }
  for (size_t i = 1; i < points.size(); ++i) {
    if (x <= points[i].x) {
      return Clamp(Interpolate(points[i - 1], points[i], x), cap);
    }
  }
  return Clamp(last.fraction, cap);
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
