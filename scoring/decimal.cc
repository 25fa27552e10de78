// Decimal parsing, formatting and the rounding arithmetic. Products and quotients are exact
// before the single rounding step: in 64 bits when the intermediate product fits, which avoids
// the slow 128-bit division calls, and in 128 bits otherwise.
#include "scoring/decimal.h"

#include <limits>

namespace logbridge::scoring {
namespace {

// GCC and Clang provide 128-bit integers on 64-bit targets, and __extension__ keeps
// -Wpedantic quiet about them.
__extension__ using Wide = __int128;

constexpr int kFractionDigits = 4;
constexpr Wide kMaxUnits = std::numeric_limits<int64_t>::max();
constexpr Wide kMinUnits = std::numeric_limits<int64_t>::min();

// Divides rounding half away from zero. REQUIRES: divisor != 0.
Wide DivideRounded(Wide dividend, Wide divisor) {
  Wide quotient = dividend / divisor;
  Wide remainder = dividend % divisor;
  if (remainder < 0) {
    remainder = -remainder;
  }
  Wide magnitude = divisor < 0 ? -divisor : divisor;
  if (remainder * 2 >= magnitude) {
    quotient += ((dividend < 0) != (divisor < 0)) ? -1 : 1;
  }
  return quotient;
}

// DivideRounded on 64-bit values, with the same result. Returns false, leaving *quotient unset,
// when the quotient itself would overflow (the most negative value divided by -1).
// REQUIRES: divisor != 0.
bool DivideRounded64(int64_t dividend, int64_t divisor, int64_t* quotient) {
  if (dividend == std::numeric_limits<int64_t>::min() && divisor == -1) {
    return false;
  }
  int64_t whole = dividend / divisor;
  int64_t remainder = dividend % divisor;
  // Magnitudes as unsigned values, so that the most negative divisor has one. Comparing
  // remainder with magnitude - remainder tests remainder x 2 >= magnitude without overflow.
  uint64_t remainder_magnitude =
      remainder < 0 ? 0 - static_cast<uint64_t>(remainder) : static_cast<uint64_t>(remainder);
  uint64_t magnitude =
      divisor < 0 ? 0 - static_cast<uint64_t>(divisor) : static_cast<uint64_t>(divisor);
  if (remainder_magnitude != 0 && remainder_magnitude >= magnitude - remainder_magnitude) {
    // A nonzero remainder means |divisor| >= 2, so |whole| <= 2^62 and this cannot overflow.
    whole += ((dividend < 0) != (divisor < 0)) ? -1 : 1;
  }
  *quotient = whole;
  return true;
}

// Returns product / divisor rounded as DivideRounded does, in 64 bits when the product fits.
// REQUIRES: divisor != 0.
Wide MultiplyDivideRounded(int64_t left, int64_t right, int64_t divisor) {
  int64_t product = 0;
  int64_t quotient = 0;
  if (!__builtin_mul_overflow(left, right, &product) &&
      DivideRounded64(product, divisor, &quotient)) {
    return quotient;
  }
  return DivideRounded(static_cast<Wide>(left) * right, divisor);
}

int64_t Saturate(Wide units) {
  if (units > kMaxUnits) {
    return std::numeric_limits<int64_t>::max();
  }
  if (units < kMinUnits) {
    return std::numeric_limits<int64_t>::min();
  }
  return static_cast<int64_t>(units);
}

std::optional<Decimal> CheckedFromWide(Wide units) {
  if (units > kMaxUnits || units < kMinUnits) {
    return std::nullopt;
  }
  return Decimal::FromUnits(static_cast<int64_t>(units));
}

}  // namespace

std::optional<Decimal> Decimal::Parse(std::string_view text) {
  bool negative = false;
  if (!text.empty() && text.front() == '-') {
    negative = true;
    text.remove_prefix(1);
  }
  size_t dot = text.find('.');
  std::string_view whole = text.substr(0, dot);
  std::string_view fraction = dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1);
  if (whole.empty() || (dot != std::string_view::npos && fraction.empty()) ||
      fraction.size() > kFractionDigits) {
    return std::nullopt;
  }

  // Accumulate the magnitude negated, so the most negative value parses without overflow.
  Wide units = 0;
  for (char c : whole) {
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    units = units * 10 + (c - '0');
    if (units > -kMinUnits) {
      return std::nullopt;
    }
  }
  int fraction_digits = 0;
  for (char c : fraction) {
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    units = units * 10 + (c - '0');
    ++fraction_digits;
  }
  for (; fraction_digits < kFractionDigits; ++fraction_digits) {
    units *= 10;
  }
  return CheckedFromWide(negative ? -units : units);
}

std::string Decimal::ToString() const {
  // Work on the unsigned magnitude so the most negative value formats correctly.
  uint64_t magnitude = units_ < 0 ? 0 - static_cast<uint64_t>(units_) : units_;
  std::string out = std::to_string(magnitude / kScale);
  uint64_t fraction = magnitude % kScale;
  if (fraction != 0) {
    std::string digits = std::to_string(fraction);
    digits.insert(0, kFractionDigits - digits.size(), '0');
    digits.erase(digits.find_last_not_of('0') + 1);
    out += '.';
    out += digits;
  }
  if (units_ < 0) {
    out.insert(0, 1, '-');
  }
  return out;
}

Decimal Decimal::operator*(Decimal other) const {
  return Decimal(Saturate(MultiplyDivideRounded(units_, other.units_, kScale)));
}

Decimal Decimal::operator/(Decimal other) const {
  return Decimal(Saturate(MultiplyDivideRounded(units_, kScale, other.units_)));
}

std::optional<Decimal> Decimal::CheckedMultiply(Decimal other) const {
  return CheckedFromWide(MultiplyDivideRounded(units_, other.units_, kScale));
}

std::optional<Decimal> Decimal::CheckedDivide(Decimal other) const {
  if (other.units_ == 0) {
    return std::nullopt;
  }
  return CheckedFromWide(MultiplyDivideRounded(units_, kScale, other.units_));
}

}  // namespace logbridge::scoring
