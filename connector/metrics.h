// Service metrics for the admin API's /metrics endpoint, rendered in the Prometheus text
// exposition format (version 0.0.4). Counters and sync state live here; values read from the
// store (calls used, outbox depth) are passed in at render time. Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "base/time.h"
#include "dingtalk/stream_client.h"

namespace spdlog {
class logger;
}

namespace logbridge::connector {

// Returns the spdlog logger of the service subsystem (store, outbox, admin API, scheduler),
// named "service" and writing to stderr. Created on first use; thread-safe.
std::shared_ptr<spdlog::logger> ServiceLogger();

// Values read from the store when /metrics is requested.
struct MetricsInputs {
  EpochMs now;
  int64_t calls_used_this_month = 0;
  int64_t monthly_call_budget = 0;
  int64_t outbox_depth = 0;   // pending messages
  int64_t outbox_failed = 0;  // messages that failed for good
  // The Stream mode client's counters; empty when Stream mode is off, which omits the
  // logbridge_stream_* metrics.
  std::optional<dingtalk::StreamClientStats> stream;
};

// Whether the Stream mode client counts as ready, with the reason /readyz shows.
struct StreamReadiness {
  bool ready = false;
  std::string reason;  // "connected", or why not; contains no secret
};

// Ready while connected, and for `grace` after a connection that had been up ends, so a
// reconnect within the backoff's first steps does not flap /readyz. Not ready before the first
// connection, after Stop, or once disconnected longer than `grace` (measured with `now`).
StreamReadiness EvaluateStreamReadiness(const dingtalk::StreamClientStats& stats, EpochMs now,
                                        std::chrono::milliseconds grace);

// Outcome of the latest sync runs.
struct SyncState {
  std::optional<EpochMs> last_success;
  std::optional<EpochMs> last_failure;
  std::string last_error_kind;  // empty after a success
};

// Projects the calls used by the end of the current Shanghai month, assuming the rate so far
// continues: used * month length / elapsed time. Returns `used` in the first minute of a month.
int64_t ProjectMonthEndCalls(int64_t used, EpochMs now);

class Metrics {
 public:
  void RecordSyncSuccess(EpochMs at);
  // kind is a short label such as "network", "quota" or "store".
  void RecordSyncFailure(EpochMs at, std::string_view kind);

  // Counts an error of some subsystem; kind is a short label, e.g. "outbox_send".
  void CountError(std::string_view kind);
  // Counts a received callback; type is the event type, e.g. "card_action".
  void CountCallback(std::string_view type);

  SyncState sync_state() const;

  // Renders every metric. Lag is measured from the last successful sync; before the first
  // one, logbridge_sync_lag_seconds is omitted.
  std::string RenderPrometheus(const MetricsInputs& inputs) const;

 private:
  mutable std::mutex mutex_;
  SyncState sync_;
  std::map<std::string, int64_t, std::less<>> errors_by_kind_;
  std::map<std::string, int64_t, std::less<>> callbacks_by_type_;
};

}  // namespace logbridge::connector
