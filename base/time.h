// Time types shared by every module: a strong type for epoch milliseconds and an injectable
// clock, so tests and the demo can play weeks in seconds. Business dates are computed in
// Asia/Shanghai by scoring/period.h, never from the server's time zone.
#pragma once

#include <atomic>
#include <chrono>
#include <compare>
#include <cstdint>

namespace logbridge {

// Milliseconds since 1970-01-01T00:00:00Z, as DingTalk sends timestamps.
struct EpochMs {
  int64_t value = 0;

  constexpr EpochMs() = default;
  constexpr explicit EpochMs(int64_t ms) : value(ms) {}
  constexpr auto operator<=>(const EpochMs&) const = default;

  constexpr EpochMs operator+(std::chrono::milliseconds delta) const {
    return EpochMs(value + delta.count());
  }
  constexpr EpochMs operator-(std::chrono::milliseconds delta) const {
    return EpochMs(value - delta.count());
  }
  constexpr std::chrono::milliseconds operator-(EpochMs other) const {
    return std::chrono::milliseconds(value - other.value);
  }
};

// Source of the current time. Implementations must be thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual EpochMs Now() const = 0;
};

// The system's wall clock.
class SystemClock final : public Clock {
 public:
  EpochMs Now() const override {
    auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
    return EpochMs(std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch).count());
  }
};

// A clock that moves only through Set and Advance. Thread-safe; used by tests and the demo.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(EpochMs start) : now_(start.value) {}
  EpochMs Now() const override { return EpochMs(now_.load()); }
  void Set(EpochMs now) { now_.store(now.value); }
  void Advance(std::chrono::milliseconds delta) { now_.fetch_add(delta.count()); }

 private:
  std::atomic<int64_t> now_;
};

}  // namespace logbridge
