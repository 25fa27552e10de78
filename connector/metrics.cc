// Metrics: counters, sync state and their Prometheus text rendering.
#include "connector/metrics.h"

#include <cmath>
#include <sstream>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "connector/calendar.h"

namespace logbridge::connector {
namespace {

// Escapes a label value as the text format requires: backslash, double quote and newline.
std::string EscapeLabel(std::string_view value) {
  std::string escaped;
  for (char c : value) {
    if (c == '\\' || c == '"') {
      escaped += '\\';
      escaped += c;
    } else if (c == '\n') {
      escaped += "\\n";
    } else {
      escaped += c;
    }
  }
  return escaped;
}

void Describe(std::ostringstream& out, std::string_view name, std::string_view type,
              std::string_view help) {
  out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n';
}

void Gauge(std::ostringstream& out, std::string_view name, std::string_view help, double value) {
  Describe(out, name, "gauge", help);
  out << name << ' ' << value << '\n';
}

void LabeledCounter(std::ostringstream& out, std::string_view name, std::string_view help,
                    std::string_view label,
                    const std::map<std::string, int64_t, std::less<>>& values) {
  Describe(out, name, "counter", help);
  for (const auto& [key, count] : values) {
    out << name << '{' << label << "=\"" << EscapeLabel(key) << "\"} " << count << '\n';
  }
}

void Counter(std::ostringstream& out, std::string_view name, std::string_view help,
             int64_t value) {
  Describe(out, name, "counter", help);
  out << name << ' ' << value << '\n';
}

// Cuts `text` to at most `max_bytes` without splitting a UTF-8 sequence.
std::string_view TruncateUtf8(std::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) {
    return text;
  }
  size_t end = max_bytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
    --end;
  }
  return text.substr(0, end);
}

// Maximum bytes of the last-error label value; a longer reason is cut to keep scrapes small.
constexpr size_t kMaxErrorLabelBytes = 200;

void RenderStream(std::ostringstream& out, const dingtalk::StreamClientStats& stream,
                  EpochMs now) {
  Gauge(out, "logbridge_stream_connected", "1 while the Stream mode connection is open, else 0.",
        stream.connected ? 1 : 0);
  if (stream.disconnected_since) {
    Gauge(out, "logbridge_stream_disconnected_seconds",
          "Seconds since the Stream mode client was last connected, or since it started.",
          static_cast<double>((now - *stream.disconnected_since).count()) / 1000.0);
  }
  Counter(out, "logbridge_stream_connections_total",
          "Stream mode WebSocket handshakes that succeeded.", stream.connections);
  Counter(out, "logbridge_stream_failed_attempts_total",
          "Stream mode connection attempts that failed.", stream.failed_attempts);
  Gauge(out, "logbridge_stream_consecutive_failures",
        "Stream mode attempts failed since the latest successful connection.",
        static_cast<double>(stream.consecutive_failures));
  Counter(out, "logbridge_stream_frames_received_total", "Stream mode frames received.",
          stream.frames_received);
  if (!stream.last_error.empty()) {
    Describe(out, "logbridge_stream_last_error_info", "gauge",
             "The latest Stream mode failure (secret redacted) in the error label; always 1.");
    out << "logbridge_stream_last_error_info{error=\""
        << EscapeLabel(TruncateUtf8(stream.last_error, kMaxErrorLabelBytes)) << "\"} 1\n";
  }
}

}  // namespace

StreamReadiness EvaluateStreamReadiness(const dingtalk::StreamClientStats& stats, EpochMs now,
                                        std::chrono::milliseconds grace) {
  if (stats.connected) {
    return {true, "connected"};
  }
  std::string error = stats.last_error.empty() ? "" : "; last error: " + stats.last_error;
  if (!stats.disconnected_since) {
    return {false, "stream client is not running" + error};
  }
  if (stats.connections == 0) {
    return {false, "not connected yet, " + std::to_string(stats.failed_attempts) +
                       " attempts failed" + error};
  }
  const int64_t seconds = (now - *stats.disconnected_since).count() / 1000;
  const std::string down = "disconnected for " + std::to_string(seconds) + " s, " +
                           std::to_string(stats.consecutive_failures) + " failed reconnects";
  if (now - *stats.disconnected_since <= grace) {
    return {true, "reconnecting: " + down + error};
  }
  return {false, down + " (longer than the " + std::to_string(grace.count() / 1000) +
                     " s grace)" + error};
}

std::shared_ptr<spdlog::logger> ServiceLogger() {
  // The function-local static is initialized once even with concurrent callers. Registration
  // throws only if other code registers "service" at the same moment, and nothing else in
  // logbridge registers that name.
  static std::shared_ptr<spdlog::logger> logger = [] {
    std::shared_ptr<spdlog::logger> existing = spdlog::get("service");
    return existing != nullptr ? existing : spdlog::stderr_color_mt("service");
  }();
  return logger;
}

int64_t ProjectMonthEndCalls(int64_t used, EpochMs now) {
  Date today = ShanghaiDate(now);
  Date first = today.year() / today.month() / std::chrono::day(1);
  EpochMs start = ShanghaiStartOfDay(first);
  EpochMs end = ShanghaiStartOfDay(first + std::chrono::months(1));
  std::chrono::milliseconds elapsed = now - start;
  if (elapsed < std::chrono::minutes(1)) {
    return used;
  }
  double month_ms = static_cast<double>((end - start).count());
  return std::llround(static_cast<double>(used) * month_ms / static_cast<double>(elapsed.count()));
}

void Metrics::RecordSyncSuccess(EpochMs at) {
  std::lock_guard<std::mutex> lock(mutex_);
  sync_.last_success = at;
  sync_.last_error_kind.clear();
}

void Metrics::RecordSyncFailure(EpochMs at, std::string_view kind) {
  std::lock_guard<std::mutex> lock(mutex_);
  sync_.last_failure = at;
  sync_.last_error_kind = std::string(kind);
  ++errors_by_kind_[std::string("sync_") + std::string(kind)];
}

void Metrics::CountError(std::string_view kind) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++errors_by_kind_[std::string(kind)];
}

void Metrics::CountCallback(std::string_view type) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++callbacks_by_type_[std::string(type)];
}

SyncState Metrics::sync_state() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return sync_;
}

std::string Metrics::RenderPrometheus(const MetricsInputs& inputs) const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::ostringstream out;
  out.precision(15);  // counts up to 10^15 print exactly, not in e-notation

  if (sync_.last_success) {
    Gauge(out, "logbridge_sync_lag_seconds", "Seconds since the last successful sync.",
          static_cast<double>((inputs.now - *sync_.last_success).count()) / 1000.0);
  }
  bool sync_ok =
      sync_.last_success && (!sync_.last_failure || *sync_.last_failure < *sync_.last_success);
  Gauge(out, "logbridge_sync_ok", "1 when the latest sync succeeded, else 0.", sync_ok ? 1 : 0);

  Gauge(out, "logbridge_api_calls_month_used",
        "Metered DingTalk calls this Shanghai month, all API families.",
        static_cast<double>(inputs.calls_used_this_month));
  Gauge(out, "logbridge_api_calls_month_budget", "Configured monthly call budget.",
        static_cast<double>(inputs.monthly_call_budget));
  Gauge(out, "logbridge_api_calls_month_projected",
        "Calls projected by month end at the rate so far.",
        static_cast<double>(ProjectMonthEndCalls(inputs.calls_used_this_month, inputs.now)));

  Gauge(out, "logbridge_outbox_depth", "Outgoing messages waiting to be sent.",
        static_cast<double>(inputs.outbox_depth));
  Gauge(out, "logbridge_outbox_failed", "Outgoing messages that failed for good.",
        static_cast<double>(inputs.outbox_failed));

  LabeledCounter(out, "logbridge_errors_total", "Errors by kind.", "kind", errors_by_kind_);
  LabeledCounter(out, "logbridge_callbacks_received_total", "Callbacks received by type.", "type",
                 callbacks_by_type_);
  if (inputs.stream) {
    RenderStream(out, *inputs.stream, inputs.now);
  }
  return out.str();
}

}  // namespace logbridge::connector
