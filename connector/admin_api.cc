// Admin HTTP API on cpp-httplib: bearer-token check, routes and JSON rendering.
#include "connector/admin_api.h"

#include <algorithm>
#include <atomic>
#include <thread>

#include <httplib.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "connector/calendar.h"
#include "scoring/report_format.h"

namespace logbridge::connector {
namespace {

using nlohmann::json;

std::string Dump(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

// Parses stored JSON text for embedding; text that is not JSON is embedded as a string.
json Embed(const std::string& text) {
  if (text.empty()) {
    return nullptr;
  }
  json parsed = json::parse(text, nullptr, false);
  return parsed.is_discarded() ? json(text) : parsed;
}

void SendError(httplib::Response& response, const Error& error) {
  response.status = HttpStatusFor(error.code);
  json body = {{"error", {{"code", ErrorCodeName(error.code)}, {"message", error.message}}}};
  response.set_content(Dump(body), "application/json");
}

void SendJson(httplib::Response& response, const json& body) {
  response.set_content(Dump(body), "application/json");
}

json PersonJson(const Person& person) {
  return {{"userid", person.userid},         {"name", person.name},
          {"title", person.title},           {"dept_ids", person.dept_ids},
          {"manager_id", person.manager_id}, {"active", person.active}};
}

json FlagJson(const FlagRecord& flag) {
  return {{"kind", flag.kind},
          {"severity", flag.severity},
          {"field_key", flag.field_key},
          {"message", flag.message},
          {"span", {flag.span_begin, flag.span_end}}};
}

bool IsTrue(const std::string& value) { return value == "1" || value == "true" || value == "yes"; }

}  // namespace

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  // Every byte of the longer string is visited whatever the contents, so the time depends
  // only on the lengths.
  size_t length = std::max(a.size(), b.size());
  unsigned char difference = a.size() == b.size() ? 0 : 1;
  for (size_t i = 0; i < length; ++i) {
    unsigned char left = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
    unsigned char right = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
    difference |= left ^ right;
  }
  return difference == 0;
}

class AdminApi::Impl {
 public:
  Impl(AdminApiOptions options, Store& store, Metrics& metrics, const Clock& clock)
      : options_(std::move(options)), store_(store), metrics_(metrics), clock_(clock) {}

  ~Impl() { Stop(); }

  Result<int> Start() {
    if (options_.bearer_token.empty()) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "admin API needs a bearer token; set LOGBRIDGE_ADMIN_TOKEN");
    }
    Routes();
    int port = options_.port;
    if (port == 0) {
      port = server_.bind_to_any_port(options_.bind);
    } else if (!server_.bind_to_port(options_.bind, port)) {
      port = -1;
    }
    if (port <= 0) {
      return MakeError(ErrorCode::kUnavailable,
                       "admin API cannot listen on " + options_.bind + ":" +
                           std::to_string(options_.port) +
                           "; free the port or change [admin] bind and port");
    }

    // The socket is bound and listening, so clients may connect before the thread runs.
    thread_ = std::thread([this] {
      server_.listen_after_bind();
      finished_ = true;
    });
    ServiceLogger()->info("admin API listening on {}:{}", options_.bind, port);
    return port;
  }

  void Stop() {
    if (!thread_.joinable()) {
      return;
    }
    // stop() does nothing before the listen loop has started, so repeat it until the thread
    // has left the loop.
    while (!finished_) {
      server_.stop();
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    thread_.join();
    ServiceLogger()->info("admin API stopped");
  }

  ChartProvider chart_provider_;
  ScoreReportProvider score_report_provider_;
  StreamStatsProvider stream_stats_provider_;

 private:
  httplib::Server::HandlerResponse Authorize(const httplib::Request& request,
                                             httplib::Response& response) {
    if (request.path == "/healthz") {
      return httplib::Server::HandlerResponse::Unhandled;
    }
    const std::string header = request.get_header_value("Authorization");
    const std::string_view prefix = "Bearer ";
    bool authorized =
        header.size() > prefix.size() && header.compare(0, prefix.size(), prefix) == 0 &&
        ConstantTimeEquals(std::string_view(header).substr(prefix.size()), options_.bearer_token);
    if (authorized) {
      return httplib::Server::HandlerResponse::Unhandled;
    }
    ServiceLogger()->warn("admin API rejected {} {} from {}: missing or wrong bearer token",
                          request.method, request.path, request.remote_addr);
    response.set_header("WWW-Authenticate", "Bearer");
    SendError(response, MakeError(ErrorCode::kUnauthenticated,
                                  "send the header Authorization: Bearer <LOGBRIDGE_ADMIN_TOKEN>"));
    return httplib::Server::HandlerResponse::Handled;
  }

  void Routes() {
    server_.set_pre_routing_handler(
        [this](const httplib::Request& request, httplib::Response& response) {
          return Authorize(request, response);
        });
    server_.set_error_handler([](const httplib::Request& request, httplib::Response& response) {
      if (response.body.empty()) {
        SendError(response, MakeError(response.status == 404 ? ErrorCode::kNotFound
                                                             : ErrorCode::kInvalidArgument,
                                      "no route for " + request.method + " " + request.path));
      }
    });

    server_.Get("/healthz", [](const httplib::Request&, httplib::Response& response) {
      response.set_content("ok\n", "text/plain");
    });
    server_.Get("/readyz", [this](const httplib::Request&, httplib::Response& response) {
      Readiness(response);
    });
    server_.Get("/metrics", [this](const httplib::Request&, httplib::Response& response) {
      RenderMetrics(response);
    });
    server_.Get("/api/people",
                [this](const httplib::Request&, httplib::Response& response) { People(response); });
    server_.Get("/api/logs", [this](const httplib::Request& request, httplib::Response& response) {
      Logs(request, response);
    });
    server_.Get("/api/scores", [this](const httplib::Request& request,
                                      httplib::Response& response) { Scores(request, response); });
    server_.Get(R"(/api/charts/([A-Za-z0-9_\-]+))",
                [this](const httplib::Request& request, httplib::Response& response) {
                  Chart(request, response);
                });
  }

  void Readiness(httplib::Response& response) {
    Status store = store_.Ping();
    SyncState sync = metrics_.sync_state();
    bool sync_ok =
        sync.last_success && (!sync.last_failure || *sync.last_failure < *sync.last_success);
    bool ready = store.ok() && sync_ok;
    json body = {{"store", store.ok() ? "ok" : store.error().ToString()},
                 {"sync", sync_ok             ? "ok"
                          : sync.last_success ? "last sync failed: " + sync.last_error_kind
                                              : "no successful sync yet"}};
    if (stream_stats_provider_) {
      StreamReadiness stream = EvaluateStreamReadiness(stream_stats_provider_(), clock_.Now(),
                                                       options_.stream_grace);
      ready = ready && stream.ready;
      body["stream"] = stream.reason;
    }
    body["ready"] = ready;
    response.status = ready ? 200 : 503;
    SendJson(response, body);
  }

  void RenderMetrics(httplib::Response& response) {
    MetricsInputs inputs;
    inputs.now = clock_.Now();
    inputs.monthly_call_budget = options_.monthly_call_budget;
    Result<int64_t> calls = store_.ApiCallsInMonth(ShanghaiMonthKey(inputs.now));
    Result<int64_t> depth = store_.CountMessages(MessageStatus::kPending);
    Result<int64_t> failed = store_.CountMessages(MessageStatus::kFailed);
    for (const Result<int64_t>* value : {&calls, &depth, &failed}) {
      if (!value->ok()) {
        ServiceLogger()->error("admin API /metrics cannot read the store: {}",
                               value->error().ToString());
        SendError(response, value->error());
        return;
      }
    }
    inputs.calls_used_this_month = *calls;
    inputs.outbox_depth = *depth;
    inputs.outbox_failed = *failed;
    if (stream_stats_provider_) {
      inputs.stream = stream_stats_provider_();
    }
    response.set_content(metrics_.RenderPrometheus(inputs), "text/plain; version=0.0.4");
  }

  void People(httplib::Response& response) {
    Result<std::vector<Person>> people = store_.ListPeople();
    if (!people.ok()) {
      SendError(response, people.error());
      return;
    }
    json body = json::array();
    for (const Person& person : *people) {
      body.push_back(PersonJson(person));
    }
    SendJson(response, body);
  }

  // Builds the filter from ?person=&period=&template=&flagged=&limit=.
  Result<LogFilter> ReadLogFilter(const httplib::Request& request) {
    LogFilter filter;
    if (request.has_param("person")) {
      filter.creator_id = request.get_param_value("person");
    }
    if (request.has_param("template")) {
      filter.template_name = request.get_param_value("template");
    }
    if (request.has_param("period")) {
      Result<TimeRange> range = ParsePeriod(request.get_param_value("period"));
      if (!range.ok()) {
        return range.error();
      }
      filter.created_from = range->begin;
      filter.created_to = range->end;
    }
    filter.flagged_only = IsTrue(request.get_param_value("flagged"));
    if (request.has_param("limit")) {
      std::string text = request.get_param_value("limit");
      int limit = 0;
      bool digits = !text.empty() && text.size() <= 4 &&
                    text.find_first_not_of("0123456789") == std::string::npos;
      limit = digits ? std::stoi(text) : 0;
      if (limit < 1 || limit > 1000) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "invalid limit \"" + text + "\"; use an integer from 1 to 1000");
      }
      filter.limit = limit;
    }
    return filter;
  }

  void Logs(const httplib::Request& request, httplib::Response& response) {
    Result<LogFilter> filter = ReadLogFilter(request);
    if (!filter.ok()) {
      SendError(response, filter.error());
      return;
    }
    Result<std::vector<StoredLog>> logs = store_.ListLogs(*filter);
    if (!logs.ok()) {
      SendError(response, logs.error());
      return;
    }

    json body = json::array();
    for (const StoredLog& log : *logs) {
      Result<std::vector<FlagRecord>> flags = store_.ListFlags(log.raw.report_id, log.version);
      if (!flags.ok()) {
        SendError(response, flags.error());
        return;
      }
      json flag_list = json::array();
      for (const FlagRecord& flag : *flags) {
        flag_list.push_back(FlagJson(flag));
      }
      body.push_back({{"report_id", log.raw.report_id},
                      {"version", log.version},
                      {"template_name", log.raw.template_name},
                      {"creator_id", log.raw.creator_id},
                      {"create_time_ms", log.raw.create_time.value},
                      {"modified_time_ms", log.raw.modified_time.value},
                      {"status", log.status},
                      {"raw", Embed(log.raw.raw_json)},
                      {"normalized", Embed(log.normalized_json)},
                      {"flags", flag_list}});
    }
    SendJson(response, body);
  }

  // Scores are computed from the stored logs on each request, not read from the scores that
  // a score card run stored, so every period with logs has them, sent or not.
  void Scores(const httplib::Request& request, httplib::Response& response) {
    std::string period = request.get_param_value("period");
    if (period.empty()) {
      SendError(response, MakeError(ErrorCode::kInvalidArgument,
                                    "missing period; add ?period=2026-W07 or ?period=2026-02"));
      return;
    }
    // The same forms as /api/logs: a day, an ISO week or a month.
    Result<TimeRange> range = ParsePeriod(period);
    if (!range.ok()) {
      SendError(response, range.error());
      return;
    }
    if (!score_report_provider_) {
      SendError(response, MakeError(ErrorCode::kNotFound,
                                    "scores are not available: no scoring config is loaded"));
      return;
    }
    Result<std::vector<scoring::ScoreReport>> reports = score_report_provider_(period);
    if (!reports.ok()) {
      if (reports.error().code != ErrorCode::kInvalidArgument) {
        ServiceLogger()->error("admin API /api/scores?period={} failed: {}", period,
                               reports.error().ToString());
      }
      SendError(response, reports.error());
      return;
    }
    response.set_content(scoring::ReportsToJson(*reports), "application/json");
  }

  void Chart(const httplib::Request& request, httplib::Response& response) {
    std::string name = request.matches[1];
    if (!chart_provider_) {
      SendError(response,
                MakeError(ErrorCode::kNotFound,
                          "chart " + name + " is not available: no analysis is configured"));
      return;
    }
    Result<std::string> chart = chart_provider_(name, request.get_param_value("period"));
    if (!chart.ok()) {
      SendError(response, chart.error());
      return;
    }
    response.set_content(*chart, "application/json");
  }

  const AdminApiOptions options_;
  Store& store_;
  Metrics& metrics_;
  const Clock& clock_;

  httplib::Server server_;
  std::thread thread_;
  std::atomic<bool> finished_{false};
};

AdminApi::AdminApi(AdminApiOptions options, Store& store, Metrics& metrics, const Clock& clock)
    : impl_(std::make_unique<Impl>(std::move(options), store, metrics, clock)) {}

AdminApi::~AdminApi() = default;

void AdminApi::SetChartProvider(ChartProvider provider) {
  impl_->chart_provider_ = std::move(provider);
}

void AdminApi::SetScoreReportProvider(ScoreReportProvider provider) {
  impl_->score_report_provider_ = std::move(provider);
}

void AdminApi::SetStreamStatsProvider(StreamStatsProvider provider) {
  impl_->stream_stats_provider_ = std::move(provider);
}

Result<int> AdminApi::Start() { return impl_->Start(); }

void AdminApi::Stop() { impl_->Stop(); }

}  // namespace logbridge::connector
