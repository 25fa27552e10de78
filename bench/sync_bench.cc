// Benchmark of a full work-log sync through the DingTalk client against the in-process sandbox
// over loopback HTTP. It prints logs per second and calls per log, whose floor is 1/20 because a
// full report/list page contains 20 logs. With the sandbox's per-app QPS limit on, it then prints
// the achieved call rate against the allowed one and the throttling errors the caller saw.
// Usage: sync_bench [logs=200000] [throttled_seconds=30] [client_rate] [qps_limit=20], where
// client_rate defaults to the client's own default throttle rate.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include <spdlog/spdlog.h>

#include "dingtalk/client.h"
#include "dingtalk/sandbox/sandbox.h"

namespace logbridge::dingtalk {
namespace {

constexpr char kReportList[] = "/topapi/report/list";
constexpr int64_t kDayMs = 24LL * 3600 * 1000;
constexpr int32_t kSpanDays = 365;  // two window splits at 179 days

struct SyncFigures {
  int64_t logs = 0;
  int64_t pages = 0;
  double seconds = 0;
  Status status;
};

std::unique_ptr<Sandbox> StartSandbox(int64_t logs, int32_t qps_limit, EpochMs end) {
  SandboxOptions options;
  options.bulk.count = logs;
  options.bulk.days = kSpanDays;
  options.bulk.end = end;
  options.qps_limit = qps_limit;
  auto sandbox = Sandbox::Start(std::move(options));
  if (!sandbox.ok()) {
    std::fprintf(stderr, "sandbox failed to start: %s\n", sandbox.error().ToString().c_str());
    std::exit(1);
  }
  return std::move(sandbox).value();
}

std::unique_ptr<Client> MakeClient(const Sandbox& sandbox, double rate) {
  SandboxApp app = DefaultSandboxApp();
  ClientOptions options;
  options.oapi_base_url = sandbox.base_url();
  options.api_base_url = sandbox.base_url();
  options.app_key = app.app_key;
  options.app_secret = app.app_secret;
  options.throttle.calls_per_second = rate;
  auto client = Client::Create(std::move(options));
  if (!client.ok()) {
    std::fprintf(stderr, "client options rejected: %s\n", client.error().ToString().c_str());
    std::exit(1);
  }
  return std::move(client).value();
}

// Lists the whole span, stopping early once `max_seconds` have passed (0 = no limit).
SyncFigures Sync(Client& client, EpochMs end, double max_seconds) {
  ReportQuery query;
  query.start_time = EpochMs(end.value - kSpanDays * kDayMs);
  query.end_time = end;
  SyncFigures figures;
  auto started = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  };
  figures.status = client.ListReports(query, [&](const ReportPage& page) -> Status {
    figures.logs += static_cast<int64_t>(page.records.size());
    ++figures.pages;
    if (max_seconds > 0 && elapsed() >= max_seconds) {
      return MakeError(ErrorCode::kDeadlineExceeded, "time budget used");
    }
    return OkStatus();
  });
  figures.seconds = elapsed();
  return figures;
}

void RunUnthrottled(int64_t logs, EpochMs end) {
  auto sandbox = StartSandbox(logs, 0, end);
  auto client = MakeClient(*sandbox, 0);
  SyncFigures figures = Sync(*client, end, 0);
  int64_t calls = sandbox->CallCount(kReportList);
  double per_log = figures.logs > 0 ? static_cast<double>(calls) / figures.logs : 0;
  std::printf("unthrottled sync\n");
  std::printf("  status            %s\n",
              figures.status.ok() ? "ok" : figures.status.error().ToString().c_str());
  std::printf("  logs              %lld of %lld\n", static_cast<long long>(figures.logs),
              static_cast<long long>(logs));
  std::printf("  seconds           %.2f\n", figures.seconds);
  std::printf("  logs/s            %.0f\n", figures.logs / figures.seconds);
  std::printf("  report/list calls %lld\n", static_cast<long long>(calls));
  std::printf("  calls per log     %.5f (floor 0.05000, %.2f%% above it)\n", per_log,
              (per_log / 0.05 - 1) * 100);
}

void RunThrottled(double seconds, double client_rate, int32_t qps_limit, EpochMs end) {
  // Enough logs that the time budget, not the data, ends the run.
  int64_t logs = static_cast<int64_t>(seconds * qps_limit * 20 * 1.5) + 1000;
  auto sandbox = StartSandbox(logs, qps_limit, end);
  auto client = MakeClient(*sandbox, client_rate);
  SyncFigures figures = Sync(*client, end, seconds);
  int64_t calls = sandbox->CallCount(kReportList);
  double achieved = figures.pages / figures.seconds;
  bool stopped_by_budget =
      !figures.status.ok() && figures.status.error().message == "time budget used";
  bool throttle_error = !figures.status.ok() && !stopped_by_budget &&
                        figures.status.error().code == ErrorCode::kResourceExhausted;
  std::printf("throttled sync (sandbox limit %d calls/s per app and API, client bucket %.1f/s)\n",
              qps_limit, client_rate);
  std::printf("  seconds           %.2f\n", figures.seconds);
  std::printf("  pages             %lld (%lld logs)\n", static_cast<long long>(figures.pages),
              static_cast<long long>(figures.logs));
  std::printf("  achieved rate     %.2f calls/s = %.1f%% of the allowed %d\n", achieved,
              achieved / qps_limit * 100, qps_limit);
  std::printf("  throttled responses %lld (retried by the client)\n",
              static_cast<long long>(calls - figures.pages));
  std::printf("  unhandled throttling errors %d\n", throttle_error ? 1 : 0);
  if (!figures.status.ok() && !stopped_by_budget) {
    std::printf("  error             %s\n", figures.status.error().ToString().c_str());
  }
}

}  // namespace
}  // namespace logbridge::dingtalk

int main(int argc, char** argv) {
  using namespace logbridge;
  int64_t logs = argc > 1 ? std::atoll(argv[1]) : 200000;
  double throttled_seconds = argc > 2 ? std::atof(argv[2]) : 30;
  double client_rate =
      argc > 3 ? std::atof(argv[3]) : dingtalk::ThrottleOptions{}.calls_per_second;
  int32_t qps_limit = argc > 4 ? std::atoi(argv[4]) : 20;
  if (logs <= 0 || throttled_seconds < 0 || client_rate < 0 || qps_limit <= 0) {
    std::fprintf(stderr,
                 "usage: sync_bench [logs > 0] [throttled_seconds >= 0] [client_rate >= 0] "
                 "[qps_limit > 0]\n");
    return 2;
  }
  spdlog::set_level(spdlog::level::warn);

  EpochMs end = SystemClock().Now();
  dingtalk::RunUnthrottled(logs, end);
  if (throttled_seconds > 0) {
    dingtalk::RunThrottled(throttled_seconds, client_rate, qps_limit, end);
  }
  return 0;
}
