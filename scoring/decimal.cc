// Decimal parsing, formatting and the rounding arithmetic. Products and quotients go through
// 128-bit intermediates, so they are exact before the single rounding step.
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
  return Decimal(Saturate(DivideRounded(static_cast<Wide>(units_) * other.units_, kScale)));
}

Decimal Decimal::operator/(Decimal other) const {
  return Decimal(Saturate(DivideRounded(static_cast<Wide>(units_) * kScale, other.units_)));
}

std::optional<Decimal> Decimal::CheckedMultiply(Decimal other) const {
  return CheckedFromWide(DivideRounded(static_cast<Wide>(units_) * other.units_, kScale));
}

std::optional<Decimal> Decimal::CheckedDivide(Decimal other) const {
  if (other.units_ == 0) {
    return std::nullopt;
  }
  return CheckedFromWide(DivideRounded(static_cast<Wide>(units_) * kScale, other.units_));
}

}  // namespace logbridge::scoring
