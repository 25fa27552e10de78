// Rational arithmetic with overflow checks on every 128-bit product and sum.
#include "scoring/rational.h"

#include <limits>

namespace logbridge::scoring {
namespace {

using Wide = Rational::Wide;

Wide Magnitude(Wide value) { return value < 0 ? -value : value; }

Wide GreatestCommonDivisor(Wide a, Wide b) {
  a = Magnitude(a);
  b = Magnitude(b);
  while (b != 0) {
    Wide rest = a % b;
    a = b;
    b = rest;
  }
  return a;
}

// Floor division, so that the remainder is never negative. REQUIRES: divisor > 0.
Wide FloorDivide(Wide dividend, Wide divisor) {
  Wide quotient = dividend / divisor;
  return dividend % divisor < 0 ? quotient - 1 : quotient;
}

// Compares a / b with c / d by their continued fractions, so no product can overflow.
// REQUIRES: b > 0 and d > 0.
int CompareFractions(Wide a, Wide b, Wide c, Wide d) {
  while (true) {
    Wide whole_a = FloorDivide(a, b);
    Wide whole_c = FloorDivide(c, d);
    if (whole_a != whole_c) {
      return whole_a < whole_c ? -1 : 1;
    }
    Wide rest_a = a - whole_a * b;  // in [0, b)
    Wide rest_c = c - whole_c * d;
    if (rest_a == 0 || rest_c == 0) {
      return rest_a == rest_c ? 0 : (rest_a == 0 ? -1 : 1);
    }
    // rest_a / b < rest_c / d exactly when d / rest_c < b / rest_a.
    Wide next_a = d;
    Wide next_b = rest_c;
    c = b;
    d = rest_a;
    a = next_a;
    b = next_b;
  }
}

}  // namespace

Rational::Rational(Decimal value) {
  *this = Make(value.units(), Decimal::kScale);
}

Rational Rational::Overflowed() {
  Rational value;
  value.overflowed_ = true;
  return value;
}

Rational Rational::Make(Wide numerator, Wide denominator) {
  if (denominator == 0) {
    return Overflowed();
  }
  if (denominator < 0) {
    numerator = -numerator;
    denominator = -denominator;
  }
  Wide divisor = GreatestCommonDivisor(numerator, denominator);
  Rational value;
  value.numerator_ = numerator / divisor;
  value.denominator_ = denominator / divisor;
  return value;
}

Rational Rational::operator+(const Rational& other) const {
  if (overflowed_ || other.overflowed_) {
    return Overflowed();
  }
  Wide divisor = GreatestCommonDivisor(denominator_, other.denominator_);
  Wide left = 0;
  Wide right = 0;
  Wide sum = 0;
  Wide denominator = 0;
  if (__builtin_mul_overflow(numerator_, other.denominator_ / divisor, &left) ||
      __builtin_mul_overflow(other.numerator_, denominator_ / divisor, &right) ||
      __builtin_add_overflow(left, right, &sum) ||
      __builtin_mul_overflow(denominator_ / divisor, other.denominator_, &denominator)) {
    return Overflowed();
  }
  return Make(sum, denominator);
}

Rational Rational::operator-(const Rational& other) const {
  Rational negated = other;
  negated.numerator_ = -negated.numerator_;
  return *this + negated;
}

Rational Rational::operator*(const Rational& other) const {
  if (overflowed_ || other.overflowed_) {
    return Overflowed();
  }
  // Cancelling across first keeps the products small.
  Wide first = GreatestCommonDivisor(numerator_, other.denominator_);
  Wide second = GreatestCommonDivisor(other.numerator_, denominator_);
  first = first == 0 ? 1 : first;
  second = second == 0 ? 1 : second;
  Wide numerator = 0;
  Wide denominator = 0;
  if (__builtin_mul_overflow(numerator_ / first, other.numerator_ / second, &numerator) ||
      __builtin_mul_overflow(denominator_ / second, other.denominator_ / first, &denominator)) {
    return Overflowed();
  }
  return Make(numerator, denominator);
}

Rational Rational::operator/(const Rational& other) const {
  if (overflowed_ || other.overflowed_ || other.numerator_ == 0) {
    return Overflowed();
  }
  Rational inverse;
  inverse.numerator_ = other.denominator_;
  inverse.denominator_ = other.numerator_;
  if (inverse.denominator_ < 0) {
    inverse.numerator_ = -inverse.numerator_;
    inverse.denominator_ = -inverse.denominator_;
  }
  return *this * inverse;
}

int Rational::Compare(const Rational& other) const {
  return CompareFractions(numerator_, denominator_, other.numerator_, other.denominator_);
}

std::optional<Decimal> Rational::ToDecimal() const {
  if (overflowed_) {
    return std::nullopt;
  }
  // units = numerator x kScale / denominator, rounded half away from zero; the whole part and
  // the remainder are scaled apart so that only a huge denominator can overflow.
  Wide whole = numerator_ / denominator_;
  Wide rest = Magnitude(numerator_ % denominator_);
  Wide scaled_rest = 0;
  Wide whole_units = 0;
  if (__builtin_mul_overflow(rest, Wide{Decimal::kScale}, &scaled_rest) ||
      __builtin_mul_overflow(whole, Wide{Decimal::kScale}, &whole_units)) {
    return std::nullopt;
  }
  Wide rest_units = scaled_rest / denominator_;
  Wide left_over = scaled_rest % denominator_;
  if (left_over >= denominator_ - left_over) {
    ++rest_units;  // half or more of the last unit
  }
  Wide units = numerator_ < 0 ? whole_units - rest_units : whole_units + rest_units;
  if (units > std::numeric_limits<int64_t>::max() || units < std::numeric_limits<int64_t>::min()) {
    return std::nullopt;
  }
  return Decimal::FromUnits(static_cast<int64_t>(units));
}

}  // namespace logbridge::scoring
