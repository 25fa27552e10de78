// Rational: an exact fraction of two 128-bit integers, for the few results that Decimal would
// otherwise round more than once, such as a KPI's points (raw x 100 / target, read through a
// curve, times a re-normalized weight). A result that does not fit in 128 bits sets an
// overflow mark instead of wrapping. Later operations keep the mark, and ToDecimal then
// returns nullopt, so the caller can fall back to Decimal arithmetic. Value type;
// thread-compatible.
#pragma once

#include <cstdint>
#include <optional>

#include "scoring/decimal.h"

namespace logbridge::scoring {

class Rational {
 public:
  // GCC and Clang provide 128-bit integers on 64-bit targets, and __extension__ keeps
  // -Wpedantic quiet about them.
  __extension__ using Wide = __int128;

  constexpr Rational() = default;  // zero
  explicit Rational(Decimal value);  // exactly value.units() / Decimal::kScale
  static Rational FromInt(int64_t whole) { return Rational(Decimal::FromInt(whole)); }

  bool overflowed() const { return overflowed_; }

  // Exact sum, difference, product and quotient in lowest terms. Division by zero and a result
  // that does not fit set the overflow mark.
  Rational operator+(const Rational& other) const;
  Rational operator-(const Rational& other) const;
  Rational operator*(const Rational& other) const;
  Rational operator/(const Rational& other) const;

  // Compares exactly through continued fractions, so no product overflows.
  // REQUIRES: neither value is overflowed.
  bool operator<(const Rational& other) const { return Compare(other) < 0; }
  bool operator<=(const Rational& other) const { return Compare(other) <= 0; }
  bool operator>(const Rational& other) const { return Compare(other) > 0; }
  bool operator>=(const Rational& other) const { return Compare(other) >= 0; }

  // Returns the value rounded half away from zero to four fractional digits, or nullopt when it
  // is overflowed or outside Decimal's range.
  std::optional<Decimal> ToDecimal() const;

 private:
  // Returns -1, 0 or 1 as this is less than, equal to or greater than other.
  int Compare(const Rational& other) const;
  // Returns numerator / denominator in lowest terms, or an overflowed value.
  static Rational Make(Wide numerator, Wide denominator);

  // The 64-bit paths of Make, +, * and ToDecimal. Each returns false (or nullopt) when a value
  // or an intermediate result does not fit in int64_t, and the caller then repeats the step in
  // 128 bits, so results never depend on the path taken.
  static bool Make64(int64_t numerator, int64_t denominator, Rational* out);
  // The numerators and denominators of this and another value, narrowed to int64_t.
  struct Operands64 {
    int64_t numerator;
    int64_t denominator;
    int64_t other_numerator;
    int64_t other_denominator;
  };
  // Returns the operands of this and other, or nullopt when one does not fit the 64-bit paths.
  std::optional<Operands64> Narrow(const Rational& other) const;
  static bool Add64(const Operands64& operands, Rational* sum);
  static bool Multiply64(const Operands64& operands, Rational* product);
  static std::optional<int64_t> UnitsOf64(int64_t numerator, int64_t denominator);
  static Rational Overflowed();

  Wide numerator_ = 0;
  Wide denominator_ = 1;  // positive, and coprime with numerator_
  bool overflowed_ = false;
};

}  // namespace logbridge::scoring
