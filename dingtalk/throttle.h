// Client-side rate control for DingTalk calls: a token bucket per API path that keeps each path
// below the platform's per-app QPS limit, and a per-month counter of calls to metered APIs.
// Both classes are thread-safe; time comes from the injected Clock so tests can drive it.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "base/time.h"

namespace logbridge::dingtalk {

// Sleeps the calling thread; injected so tests can advance a ManualClock instead.
using SleepFunction = std::function<void(std::chrono::milliseconds)>;

// Token bucket settings. A path found in `per_path_calls_per_second` uses that rate instead of
// the default. Paths are written as the client sends them, e.g. "/topapi/report/list".
struct ThrottleOptions {
  // The platform allows 20 calls/s per app and API in 1 s windows. 19.2 uses 96% of that and
  // leaves a 4% margin for clock skew between us and the platform.
  double calls_per_second = 19.2;
  int burst = 1;                   // calls allowed back to back after an idle period
  std::map<std::string, double> per_path_calls_per_second;
};

// Spaces calls per path. Acquire() reserves the next free slot under a lock and sleeps outside
// it, so concurrent callers on one path queue in order and callers on other paths never wait.
class PathThrottle {
 public:
  // `clock` and `sleep` must outlive this object.
  PathThrottle(ThrottleOptions options, const Clock* clock, SleepFunction sleep);

  // Blocks until a call to `path` may be sent.
  void Acquire(const std::string& path);

  // Holds every call to `path` until at least `until`: used after the platform returned a
  // throttling code, so all threads back off together.
  void PauseUntil(const std::string& path, EpochMs until);

 private:
  double IntervalMs(const std::string& path) const;

  const ThrottleOptions options_;
  const Clock* const clock_;
  const SleepFunction sleep_;

  std::mutex mutex_;
  // Theoretical arrival time (fractional epoch ms) of the next call per path.
  std::map<std::string, double> next_slot_ms_;
};

// Calls to metered APIs per calendar month in China Standard Time (UTC+8, no daylight saving),
// the period of the platform's monthly quota.
class MonthlyCallCounter {
 public:
  explicit MonthlyCallCounter(const Clock* clock) : clock_(clock) {}

  // Counts one call to `path` in the current month.
  void Record(const std::string& path);

  // Calls to `path` this month; 0 for paths never called.
  int64_t CallsThisMonth(const std::string& path) const;

  // Calls to every metered path this month, summed.
  int64_t TotalThisMonth() const;

  // Month index (years * 12 + month - 1) of `time` in UTC+8.
  static int64_t MonthIndex(EpochMs time);

 private:
  // Starts a new month's counts when the clock has moved into another month. REQUIRES: mutex_.
  void RollOver() const;

  const Clock* const clock_;

  mutable std::mutex mutex_;
  mutable int64_t month_ = -1;
  mutable std::map<std::string, int64_t> counts_;
};

}  // namespace logbridge::dingtalk
