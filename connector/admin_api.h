// The admin HTTP API (cpp-httplib): /healthz, /readyz, /metrics and JSON views of people, logs
// with flags, and scores with evidence. It binds to loopback unless configured otherwise and
// requires "Authorization: Bearer <token>" on every path except /healthz. The AdminApi serves
// on its own thread; it borrows the store, metrics and clock, which must outlive it.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "base/time.h"
#include "connector/metrics.h"
#include "connector/store.h"
#include "scoring/score.h"

namespace logbridge::connector {

struct AdminApiOptions {
  std::string bind = "127.0.0.1";
  int port = 0;              // 0 picks an ephemeral port
  std::string bearer_token;  // required; never logged
  int64_t monthly_call_budget = 5000;
  // How long /readyz stays ready after the Stream mode connection drops, while the client
  // reconnects (its backoff starts at 1 s and doubles, so about 4 attempts fit in 30 s).
  std::chrono::milliseconds stream_grace{30000};
};

// Returns the Stream mode client's current counters.
using StreamStatsProvider = std::function<dingtalk::StreamClientStats()>;

// Computes the score reports of one period from the stored logs, e.g.
// ScoreKeeper::ComputePeriod. Called on the server's thread.
using ScoreReportProvider =
    std::function<Result<std::vector<scoring::ScoreReport>>(std::string_view period)>;

// Produces the JSON of one analysis chart, e.g. chart "kpi_distribution" for period
// "2026-W07". Fails with kNotFound for an unknown chart.
using ChartProvider =
    std::function<Result<std::string>(std::string_view chart, std::string_view period)>;

// Routes, all GET:
//   /healthz                      200 "ok", no token
//   /readyz                       200 when a store query succeeds, the latest sync succeeded
//                                 and, with a StreamStatsProvider, EvaluateStreamReadiness is ready
//   /metrics                      Prometheus text, with logbridge_stream_* given a provider
//   /api/people                   roster
//   /api/logs?person=&period=&flagged=1   latest log versions with their flags
//   /api/scores?period=           {"reports": [...]} computed on each request by the
//                                 ScoreReportProvider, in the JSON of `logbridge score --format
//                                 json` (scoring::ReportsToJson); 404 without a provider
//   /api/charts/<name>?period=    from the ChartProvider; 404 without one
// Errors are JSON {"error": {"code": "...", "message": "..."}} with HttpStatusFor(code).
class AdminApi {
 public:
  AdminApi(AdminApiOptions options, Store& store, Metrics& metrics, const Clock& clock);
  ~AdminApi();

  AdminApi(const AdminApi&) = delete;
  AdminApi& operator=(const AdminApi&) = delete;

  // Call before Start.
  void SetChartProvider(ChartProvider provider);
  // Call before Start.
  void SetScoreReportProvider(ScoreReportProvider provider);
  // Call before Start, in Stream mode only; the provider is called on the server's thread.
  void SetStreamStatsProvider(StreamStatsProvider provider);

  // Binds and starts serving on a background thread. Returns the bound port. Fails with
  // kInvalidArgument for an empty token and kUnavailable when the address cannot be bound.
  Result<int> Start();

  // Stops serving and joins the thread. Safe to call twice.
  void Stop();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// Compares two strings in time that depends only on their lengths, not their contents.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace logbridge::connector
