// Decimal: an exact fixed-point number with four fractional digits, for amounts, counts and
// percentages mined from logs. Integer arithmetic only, so 0.1 + 0.2 is exactly 0.3 and an
// amount never picks up a floating-point artefact. Value type; thread-compatible.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace logbridge::scoring {

class Decimal {
 public:
  static constexpr int64_t kScale = 10000;  // units per 1; four fractional digits

  constexpr Decimal() = default;
  static constexpr Decimal FromUnits(int64_t units) { return Decimal(units); }
  static constexpr Decimal FromInt(int64_t whole) { return Decimal(whole * kScale); }

  // Parses "123", "-4.5", "0.0001". Returns nullopt on anything else, on more than four
  // fractional digits, or on overflow.
  static std::optional<Decimal> Parse(std::string_view text);

  constexpr int64_t units() const { return units_; }
  double ToDouble() const { return static_cast<double>(units_) / kScale; }
  constexpr Decimal Abs() const { return Decimal(units_ < 0 ? -units_ : units_); }

  // Shortest exact form: "50000", "4.5", "-0.25".
  std::string ToString() const;

  constexpr auto operator<=>(const Decimal&) const = default;
  constexpr Decimal operator+(Decimal other) const { return Decimal(units_ + other.units_); }
  constexpr Decimal operator-(Decimal other) const { return Decimal(units_ - other.units_); }
  constexpr Decimal operator-() const { return Decimal(-units_); }

  // Product and quotient rounded half away from zero to four fractional digits. A result
  // outside the int64 range of units saturates to the nearest limit; use the Checked forms
  // below where overflow must be detected. The inline +, - and unary - do not check.
  // REQUIRES: divisor is not zero.
  Decimal operator*(Decimal other) const;
  Decimal operator/(Decimal other) const;

  // Multiplies by an integer factor such as 10000 for 万. Returns nullopt on overflow.
  std::optional<Decimal> Times(int64_t factor) const {
    int64_t product = 0;
    if (__builtin_mul_overflow(units_, factor, &product)) {
      return std::nullopt;
    }
    return Decimal(product);
  }

  // Sum, product and quotient (rounded as above) that return nullopt on overflow and, for
  // CheckedDivide, on a zero divisor.
  std::optional<Decimal> CheckedAdd(Decimal other) const {
    int64_t sum = 0;
    if (__builtin_add_overflow(units_, other.units_, &sum)) {
      return std::nullopt;
    }
    return Decimal(sum);
  }
  std::optional<Decimal> CheckedMultiply(Decimal other) const;
  std::optional<Decimal> CheckedDivide(Decimal other) const;

 private:
  constexpr explicit Decimal(int64_t units) : units_(units) {}
  int64_t units_ = 0;
};

}  // namespace logbridge::scoring
