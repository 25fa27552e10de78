// Token bucket in the "virtual scheduling" form: each path keeps the time its next call may go
// out, which needs no background refill and orders waiting callers by reservation.
#include "dingtalk/throttle.h"

#include <algorithm>
#include <cmath>

namespace logbridge::dingtalk {

PathThrottle::PathThrottle(ThrottleOptions options, const Clock* clock, SleepFunction sleep)
    : options_(std::move(options)), clock_(clock), sleep_(std::move(sleep)) {}

double PathThrottle::IntervalMs(const std::string& path) const {
  auto found = options_.per_path_calls_per_second.find(path);
  double rate =
      found != options_.per_path_calls_per_second.end() ? found->second : options_.calls_per_second;
  return rate > 0 ? 1000.0 / rate : 0.0;
}

void PathThrottle::Acquire(const std::string& path) {
  double interval = IntervalMs(path);  // 0 when the rate is 0: no spacing, pauses still hold
  double send_at = 0;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    double now = static_cast<double>(clock_->Now().value);
    double& next = next_slot_ms_[path];
    // An idle path may send `burst` calls at once: its slot never lags now by more than that.
    double burst_credit = interval * std::max(0, options_.burst - 1);
    send_at = std::max(next, now - burst_credit);
    next = send_at + interval;
  }
  // Sleep until the slot in whole milliseconds, rounding up so no call leaves early.
  while (true) {
    double wait = send_at - static_cast<double>(clock_->Now().value);
    if (wait <= 0) {
      return;
    }
    sleep_(std::chrono::milliseconds(static_cast<int64_t>(std::ceil(wait))));
  }
}

void PathThrottle::PauseUntil(const std::string& path, EpochMs until) {
  std::lock_guard<std::mutex> lock(mutex_);
  double& next = next_slot_ms_[path];
  next = std::max(next, static_cast<double>(until.value));
}

int64_t MonthlyCallCounter::MonthIndex(EpochMs time) {
  constexpr int64_t kUtc8OffsetMs = 8 * 3600 * 1000;
  using namespace std::chrono;
  sys_days day = floor<days>(sys_time<milliseconds>(milliseconds(time.value + kUtc8OffsetMs)));
  year_month_day date(day);
  return static_cast<int64_t>(static_cast<int>(date.year())) * 12 +
         static_cast<int64_t>(static_cast<unsigned>(date.month())) - 1;
}

void MonthlyCallCounter::RollOver() const {
  int64_t month = MonthIndex(clock_->Now());
  if (month != month_) {
    month_ = month;
    counts_.clear();
  }
}

void MonthlyCallCounter::Record(const std::string& path) {
  std::lock_guard<std::mutex> lock(mutex_);
  RollOver();
  ++counts_[path];
}

int64_t MonthlyCallCounter::CallsThisMonth(const std::string& path) const {
  std::lock_guard<std::mutex> lock(mutex_);
  RollOver();
  auto found = counts_.find(path);
  return found == counts_.end() ? 0 : found->second;
}

int64_t MonthlyCallCounter::TotalThisMonth() const {
  std::lock_guard<std::mutex> lock(mutex_);
  RollOver();
  int64_t total = 0;
  for (const auto& [path, count] : counts_) {
    total += count;
  }
  return total;
}

}  // namespace logbridge::dingtalk
