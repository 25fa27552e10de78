// Rational arithmetic with overflow checks on every product and sum. Each operation first tries
// 64-bit integers, because 128-bit division is a slow library call, and repeats the work in 128
// bits when an operand or an intermediate value does not fit. Both paths compute the same exact
// values, so the result does not depend on which one ran.
#include "scoring/rational.h"

#include <cstdint>
#include <limits>

namespace logbridge::scoring {
namespace {

using Wide = Rational::Wide;

// Returns whether the 64-bit path can take a value: it fits in int64_t and is not its most
// negative value, so negating it and taking its magnitude cannot overflow.
bool FitsIn64(Wide value) {
  return value > std::numeric_limits<int64_t>::min() &&
         value <= std::numeric_limits<int64_t>::max();
}

// Returns |value|. REQUIRES: |value| fits in Integer (not the most negative value).
template <typename Integer>
Integer Magnitude(Integer value) {
  return value < 0 ? -value : value;
}

// REQUIRES: neither value is the most negative value of Integer.
template <typename Integer>
Integer GreatestCommonDivisor(Integer a, Integer b) {
  a = Magnitude(a);
  b = Magnitude(b);
  while (b != 0) {
    Integer rest = a % b;
    a = b;
    b = rest;
  }
  return a;
}

// Floor division and its remainder, which is never negative. The remainder comes from %, not
// from dividend - quotient x divisor, because that product can overflow when the dividend is
// close to the most negative value. REQUIRES: divisor > 0.
template <typename Integer>
void FloorDivide(Integer dividend, Integer divisor, Integer* quotient, Integer* remainder) {
  Integer whole = dividend / divisor;
  Integer rest = dividend % divisor;
  if (rest < 0) {
    --whole;
    rest += divisor;
  }
  *quotient = whole;
  *remainder = rest;
}

// Compares a / b with c / d by their continued fractions, so no product can overflow. Every
// later value is at most the magnitude of an input, so inputs that fit in Integer keep fitting.
// REQUIRES: b > 0 and d > 0.
template <typename Integer>
int CompareFractions(Integer a, Integer b, Integer c, Integer d) {
  while (true) {
    Integer whole_a = 0;
    Integer rest_a = 0;  // in [0, b)
    Integer whole_c = 0;
    Integer rest_c = 0;
    FloorDivide(a, b, &whole_a, &rest_a);
    FloorDivide(c, d, &whole_c, &rest_c);
    if (whole_a != whole_c) {
      return whole_a < whole_c ? -1 : 1;
    }
    if (rest_a == 0 || rest_c == 0) {
      return rest_a == rest_c ? 0 : (rest_a == 0 ? -1 : 1);
    }
    // rest_a / b < rest_c / d exactly when d / rest_c < b / rest_a.
    Integer next_a = d;
    Integer next_b = rest_c;
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

// ToDecimal's arithmetic in 64 bits. Returns nullopt when a step overflows, and then the 128-bit
// path decides. REQUIRES: denominator > 0, and neither value is the most negative int64_t.
std::optional<int64_t> Rational::UnitsOf64(int64_t numerator, int64_t denominator) {
  int64_t whole = numerator / denominator;
  int64_t rest = Magnitude(numerator % denominator);
  int64_t scaled_rest = 0;
  int64_t whole_units = 0;
  if (__builtin_mul_overflow(rest, Decimal::kScale, &scaled_rest) ||
      __builtin_mul_overflow(whole, Decimal::kScale, &whole_units)) {
    return std::nullopt;
  }
  int64_t rest_units = scaled_rest / denominator;
  int64_t left_over = scaled_rest % denominator;
  if (left_over >= denominator - left_over) {
    ++rest_units;  // half or more of the last unit
  }
  int64_t units = 0;
  bool overflow = numerator < 0 ? __builtin_sub_overflow(whole_units, rest_units, &units)
                                : __builtin_add_overflow(whole_units, rest_units, &units);
  if (overflow) {
    return std::nullopt;
  }
  return units;
}

Rational Rational::Overflowed() {
  Rational value;
  value.overflowed_ = true;
  return value;
}

bool Rational::Make64(int64_t numerator, int64_t denominator, Rational* out) {
  constexpr int64_t kMinimum = std::numeric_limits<int64_t>::min();
  if (denominator == 0 || numerator == kMinimum || denominator == kMinimum) {
    return false;
  }
  if (denominator < 0) {
    numerator = -numerator;
    denominator = -denominator;
  }
  int64_t divisor = GreatestCommonDivisor(numerator, denominator);
  out->numerator_ = numerator / divisor;
  out->denominator_ = denominator / divisor;
  out->overflowed_ = false;
  return true;
}

Rational Rational::Make(Wide numerator, Wide denominator) {
  Rational value;
  if (FitsIn64(numerator) && FitsIn64(denominator) &&
      Make64(static_cast<int64_t>(numerator), static_cast<int64_t>(denominator), &value)) {
    return value;
  }
  if (denominator == 0) {
    return Overflowed();
  }
  if (denominator < 0) {
    numerator = -numerator;
    denominator = -denominator;
  }
  Wide divisor = GreatestCommonDivisor(numerator, denominator);
  value.numerator_ = numerator / divisor;
  value.denominator_ = denominator / divisor;
  return value;
}

std::optional<Rational::Operands64> Rational::Narrow(const Rational& other) const {
  if (!FitsIn64(numerator_) || !FitsIn64(denominator_) || !FitsIn64(other.numerator_) ||
      !FitsIn64(other.denominator_)) {
    return std::nullopt;
  }
  return Operands64{static_cast<int64_t>(numerator_), static_cast<int64_t>(denominator_),
                    static_cast<int64_t>(other.numerator_),
                    static_cast<int64_t>(other.denominator_)};
}

bool Rational::Add64(const Operands64& operands, Rational* sum) {
  const auto& [numerator, denominator, other_numerator, other_denominator] = operands;
  int64_t divisor = GreatestCommonDivisor(denominator, other_denominator);
  int64_t left = 0;
  int64_t right = 0;
  int64_t total = 0;
  int64_t common = 0;
  if (__builtin_mul_overflow(numerator, other_denominator / divisor, &left) ||
      __builtin_mul_overflow(other_numerator, denominator / divisor, &right) ||
      __builtin_add_overflow(left, right, &total) ||
      __builtin_mul_overflow(denominator / divisor, other_denominator, &common)) {
    return false;
  }
  return Make64(total, common, sum);
}

bool Rational::Multiply64(const Operands64& operands, Rational* product) {
  const auto& [numerator, denominator, other_numerator, other_denominator] = operands;
  int64_t first = GreatestCommonDivisor(numerator, other_denominator);
  int64_t second = GreatestCommonDivisor(other_numerator, denominator);
  first = first == 0 ? 1 : first;
  second = second == 0 ? 1 : second;
  int64_t top = 0;
  int64_t bottom = 0;
  if (__builtin_mul_overflow(numerator / first, other_numerator / second, &top) ||
      __builtin_mul_overflow(denominator / second, other_denominator / first, &bottom)) {
    return false;
  }
  return Make64(top, bottom, product);
}

Rational Rational::operator+(const Rational& other) const {
  if (overflowed_ || other.overflowed_) {
    return Overflowed();
  }
  std::optional<Operands64> narrow = Narrow(other);
  Rational fast;
  if (narrow && Add64(*narrow, &fast)) {
    return fast;
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
  std::optional<Operands64> narrow = Narrow(other);
  Rational fast;
  if (narrow && Multiply64(*narrow, &fast)) {
    return fast;
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
  if (std::optional<Operands64> narrow = Narrow(other)) {
    return CompareFractions(narrow->numerator, narrow->denominator, narrow->other_numerator,
                            narrow->other_denominator);
  }
  return CompareFractions(numerator_, denominator_, other.numerator_, other.denominator_);
}

std::optional<Decimal> Rational::ToDecimal() const {
  if (overflowed_) {
    return std::nullopt;
  }
  if (FitsIn64(numerator_) && FitsIn64(denominator_)) {
    if (std::optional<int64_t> units =
            UnitsOf64(static_cast<int64_t>(numerator_), static_cast<int64_t>(denominator_))) {
      return Decimal::FromUnits(*units);
    }
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
