// Tests of the admin API over loopback HTTP on an ephemeral port, with a real store.
#include "connector/admin_api.h"

#include <filesystem>
#include <mutex>
#include <string>

#include <catch2/catch.hpp>
#include <httplib.h>
#include <nlohmann/json.hpp>
#include <stdlib.h>

#include "connector/calendar.h"
#include "scoring/report_format.h"

namespace logbridge::connector {
namespace {

using nlohmann::json;

const std::string kToken = "0123456789abcdef-test-token";
// 2026-02-14 12:00 Shanghai.
const EpochMs kNow(1771041600000);

// A store, metrics and a started AdminApi, with a client that sends the token.
class AdminFixture {
 public:
  AdminFixture() : clock_(kNow) {
    std::string pattern = (std::filesystem::temp_directory_path() / "logbridge-admin-XXXXXX");
    dir_ = mkdtemp(pattern.data());
    store_ = std::move(Store::Open(StoreOptions{dir_ + "/admin.db"})).value();
    api_ = std::make_unique<AdminApi>(AdminApiOptions{"127.0.0.1", 0, kToken, 5000}, *store_,
                                      metrics_, clock_);
  }
  ~AdminFixture() {
    api_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  void Start() {
    Result<int> port = api_->Start();
    REQUIRE(port.ok());
    port_ = *port;
  }

  httplib::Result Get(const std::string& path, const std::string& token = kToken) {
    httplib::Client client("127.0.0.1", port_);
    client.set_connection_timeout(std::chrono::seconds(5));
    httplib::Headers headers;
    if (!token.empty()) {
      headers.emplace("Authorization", "Bearer " + token);
    }
    return client.Get(path.c_str(), headers);
  }

  json GetJson(const std::string& path) {
    httplib::Result result = Get(path);
    REQUIRE(result);
    INFO(result->body);
    REQUIRE(result->status == 200);
    return json::parse(result->body);
  }

  Store& store() { return *store_; }
  Metrics& metrics() { return metrics_; }
  AdminApi& api() { return *api_; }

 private:
  std::string dir_;
  ManualClock clock_;
  Metrics metrics_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<AdminApi> api_;
  int port_ = 0;
};

void SeedLogs(Store& store) {
  EpochMs in_week = ShanghaiTime(
      Date{std::chrono::year(2026), std::chrono::month(2), std::chrono::day(12)}, 19, 0);
  REQUIRE(store
              .UpsertLogVersion(RawLog{"r1", R"({"report_id":"r1","remark":"拜访3家"})", "日报",
                                       "u1", in_week, in_week},
                                EpochMs(1))
              .ok());
  REQUIRE(store
              .UpsertLogVersion(
                  RawLog{"r2", R"({"report_id":"r2"})", "日报", "u2", in_week, in_week}, EpochMs(1))
              .ok());
  REQUIRE(store
              .SaveAnalysis(LogAnalysis{
                  "r1",
                  1,
                  R"({"visits":"3"})",
                  {},
                  {FlagRecord{"missing_field", "warning", "明日计划", "明日计划 is empty", 0, 0}}})
              .ok());
}

TEST_CASE("Health needs no token", "[connector]") {
  AdminFixture fixture;
  fixture.Start();
  httplib::Result health = fixture.Get("/healthz", "");
  REQUIRE(health);
  CHECK(health->status == 200);
  CHECK(health->body == "ok\n");
}

TEST_CASE("API rejects missing or wrong token", "[connector]") {
  AdminFixture fixture;
  fixture.Start();
  for (const std::string& token : {std::string(), std::string("wrong"), kToken + "x"}) {
    httplib::Result result = fixture.Get("/api/people", token);
    REQUIRE(result);
    CHECK(result->status == 401);
    CHECK(result->get_header_value("WWW-Authenticate") == "Bearer");
    CHECK(json::parse(result->body)["error"]["code"] == "unauthenticated");
  }
  httplib::Result metrics = fixture.Get("/metrics", "");
  REQUIRE(metrics);
  CHECK(metrics->status == 401);
}

TEST_CASE("Start rejects empty token", "[connector]") {
  ManualClock clock(kNow);
  Metrics metrics;
  std::unique_ptr<Store> store = std::move(Store::Open(StoreOptions{":memory:"})).value();
  AdminApi api(AdminApiOptions{"127.0.0.1", 0, "", 5000}, *store, metrics, clock);
  Result<int> port = api.Start();
  REQUIRE_FALSE(port.ok());
  CHECK(port.error().message.find("LOGBRIDGE_ADMIN_TOKEN") != std::string::npos);
}

TEST_CASE("Readiness follows last sync", "[connector]") {
  AdminFixture fixture;
  fixture.Start();
  httplib::Result before = fixture.Get("/readyz");
  REQUIRE(before);
  CHECK(before->status == 503);
  CHECK(json::parse(before->body)["sync"] == "no successful sync yet");

  fixture.metrics().RecordSyncSuccess(kNow - std::chrono::minutes(5));
  CHECK(fixture.Get("/readyz")->status == 200);

  fixture.metrics().RecordSyncFailure(kNow, "network");
  httplib::Result failed = fixture.Get("/readyz");
  REQUIRE(failed);
  CHECK(failed->status == 503);
  CHECK(json::parse(failed->body)["sync"] == "last sync failed: network");
}

TEST_CASE("Metrics render Prometheus text", "[connector]") {
  AdminFixture fixture;
  REQUIRE(fixture.store().AddApiCalls("2026-02", "report", 1300).ok());
  REQUIRE(fixture.store().AddApiCalls("2026-01", "report", 999).ok());
  OutboxMessage message;
  message.idempotency_key = "k";
  message.recipient = "u1";
  message.payload_json = "{}";
  REQUIRE(fixture.store().EnqueueMessage(message).ok());
  fixture.metrics().RecordSyncSuccess(kNow - std::chrono::seconds(90));
  fixture.metrics().CountError("outbox_send");
  fixture.metrics().CountCallback("card_action");
  fixture.metrics().CountCallback("card_action");
  fixture.Start();

  httplib::Result result = fixture.Get("/metrics");
  REQUIRE(result);
  CHECK(result->status == 200);
  CHECK(result->get_header_value("Content-Type").find("text/plain") == 0);
  const std::string& text = result->body;
  CHECK(text.find("# TYPE logbridge_sync_lag_seconds gauge\nlogbridge_sync_lag_seconds 90\n") !=
        std::string::npos);
  CHECK(text.find("logbridge_api_calls_month_used 1300\n") != std::string::npos);
  CHECK(text.find("logbridge_api_calls_month_budget 5000\n") != std::string::npos);
  // 13.5 days of February's 28 have passed: 1300 * 28 / 13.5 = 2696.3.
  CHECK(text.find("logbridge_api_calls_month_projected 2696\n") != std::string::npos);
  CHECK(text.find("logbridge_outbox_depth 1\n") != std::string::npos);
  CHECK(text.find("logbridge_errors_total{kind=\"outbox_send\"} 1\n") != std::string::npos);
  CHECK(text.find("logbridge_callbacks_received_total{type=\"card_action\"} 2\n") !=
        std::string::npos);
}

// Stream client counters that a test changes while the admin API serves them.
class StreamStatsSource {
 public:
  void Set(dingtalk::StreamClientStats stats) {
    std::lock_guard<std::mutex> lock(mutex_);
    stats_ = std::move(stats);
  }
  dingtalk::StreamClientStats Get() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return stats_;
  }

 private:
  mutable std::mutex mutex_;
  dingtalk::StreamClientStats stats_;
};

dingtalk::StreamClientStats NeverConnected() {
  dingtalk::StreamClientStats stats;
  stats.failed_attempts = 3;
  stats.consecutive_failures = 3;
  stats.disconnected_since = kNow - std::chrono::seconds(5);
  stats.last_error = "connecting to 127.0.0.1:9 failed: Connection refused";
  return stats;
}

TEST_CASE("Readiness follows stream connection", "[connector]") {
  AdminFixture fixture;
  StreamStatsSource source;
  source.Set(NeverConnected());
  fixture.api().SetStreamStatsProvider([&source] { return source.Get(); });
  fixture.metrics().RecordSyncSuccess(kNow - std::chrono::minutes(1));
  fixture.Start();

  httplib::Result never = fixture.Get("/readyz");
  REQUIRE(never);
  CHECK(never->status == 503);
  json never_body = json::parse(never->body);
  CHECK(never_body["ready"] == false);
  CHECK(never_body["sync"] == "ok");
  std::string reason = never_body["stream"];
  CHECK(reason.find("not connected yet, 3 attempts failed") == 0);
  CHECK(reason.find("Connection refused") != std::string::npos);

  dingtalk::StreamClientStats connected;
  connected.connections = 1;
  connected.connected = true;
  source.Set(connected);
  httplib::Result up = fixture.Get("/readyz");
  REQUIRE(up);
  CHECK(up->status == 200);
  CHECK(json::parse(up->body)["stream"] == "connected");

  // Dropped 10 s ago: inside the 30 s grace, so still ready while it reconnects.
  dingtalk::StreamClientStats dropped = connected;
  dropped.connected = false;
  dropped.consecutive_failures = 2;
  dropped.disconnected_since = kNow - std::chrono::seconds(10);
  source.Set(dropped);
  httplib::Result recent = fixture.Get("/readyz");
  REQUIRE(recent);
  CHECK(recent->status == 200);
  CHECK(json::parse(recent->body)["stream"].get<std::string>().find("reconnecting") == 0);

  dropped.disconnected_since = kNow - std::chrono::seconds(45);
  source.Set(dropped);
  httplib::Result long_gone = fixture.Get("/readyz");
  REQUIRE(long_gone);
  CHECK(long_gone->status == 503);
  CHECK(json::parse(long_gone->body)["stream"].get<std::string>().find(
            "disconnected for 45 s, 2 failed reconnects (longer than the 30 s grace)") == 0);
}

TEST_CASE("Readiness ignores stream without provider", "[connector]") {
  AdminFixture fixture;
  fixture.metrics().RecordSyncSuccess(kNow - std::chrono::minutes(1));
  fixture.Start();
  httplib::Result result = fixture.Get("/readyz");
  REQUIRE(result);
  CHECK(result->status == 200);
  CHECK_FALSE(json::parse(result->body).contains("stream"));
  CHECK(fixture.Get("/metrics")->body.find("logbridge_stream_") == std::string::npos);
}

TEST_CASE("Metrics show stream state", "[connector]") {
  AdminFixture fixture;
  StreamStatsSource source;
  dingtalk::StreamClientStats stats = NeverConnected();
  stats.last_error = "HTTP 400 \"bad\"\nsecond line";
  source.Set(stats);
  fixture.api().SetStreamStatsProvider([&source] { return source.Get(); });
  fixture.Start();

  httplib::Result down = fixture.Get("/metrics");
  REQUIRE(down);
  REQUIRE(down->status == 200);
  const std::string& text = down->body;
  CHECK(text.find("logbridge_stream_connected 0\n") != std::string::npos);
  CHECK(text.find("logbridge_stream_disconnected_seconds 5\n") != std::string::npos);
  CHECK(text.find("logbridge_stream_connections_total 0\n") != std::string::npos);
  CHECK(text.find("logbridge_stream_failed_attempts_total 3\n") != std::string::npos);
  CHECK(text.find("logbridge_stream_consecutive_failures 3\n") != std::string::npos);
  CHECK(text.find("logbridge_stream_last_error_info{error=\"HTTP 400 \\\"bad\\\"\\nsecond "
                  "line\"} 1\n") != std::string::npos);

  stats.connected = true;
  stats.connections = 2;
  stats.consecutive_failures = 0;
  stats.disconnected_since.reset();
  stats.last_error.clear();
  source.Set(stats);
  httplib::Result up = fixture.Get("/metrics");
  REQUIRE(up);
  CHECK(up->body.find("logbridge_stream_connected 1\n") != std::string::npos);
  CHECK(up->body.find("logbridge_stream_connections_total 2\n") != std::string::npos);
  CHECK(up->body.find("logbridge_stream_disconnected_seconds") == std::string::npos);
  CHECK(up->body.find("logbridge_stream_last_error_info") == std::string::npos);
}

TEST_CASE("Logs filter by person, period, flags", "[connector]") {
  AdminFixture fixture;
  SeedLogs(fixture.store());
  fixture.Start();

  json all = fixture.GetJson("/api/logs?period=2026-W07");
  CHECK(all.size() == 2);
  CHECK(fixture.GetJson("/api/logs?period=2026-W08").empty());

  json flagged = fixture.GetJson("/api/logs?flagged=1");
  REQUIRE(flagged.size() == 1);
  CHECK(flagged[0]["report_id"] == "r1");
  CHECK(flagged[0]["raw"]["remark"] == "拜访3家");
  CHECK(flagged[0]["normalized"]["visits"] == "3");
  REQUIRE(flagged[0]["flags"].size() == 1);
  CHECK(flagged[0]["flags"][0]["kind"] == "missing_field");

  json person = fixture.GetJson("/api/logs?person=u2");
  REQUIRE(person.size() == 1);
  CHECK(person[0]["report_id"] == "r2");
  CHECK(person[0]["flags"].empty());

  httplib::Result bad = fixture.Get("/api/logs?period=last-week");
  REQUIRE(bad);
  CHECK(bad->status == 400);
  CHECK(json::parse(bad->body)["error"]["message"].get<std::string>().find("last-week") !=
        std::string::npos);
  CHECK(fixture.Get("/api/logs?limit=0")->status == 400);
}

// A report of u1 for 2026-W07 with one KPI that has data and one that has none.
scoring::ScoreReport SampleReport() {
  scoring::ScoreReport report;
  report.person_id = "u1";
  report.person_name = "张三";
  report.role = "sales";
  report.period = *scoring::ParsePeriod("2026-W07");
  scoring::KpiScore visits;
  visits.name = "拜访";
  visits.metric = "visits";
  visits.weight = scoring::Decimal::FromInt(60);
  visits.effective_weight = visits.weight;
  visits.has_data = true;
  visits.raw = scoring::Decimal::FromInt(3);
  visits.points = *scoring::Decimal::Parse("82.5");
  scoring::KpiScore orders = visits;
  orders.name = "签单";
  orders.metric = "orders";
  orders.has_data = false;
  orders.raw = scoring::Decimal();
  orders.points = scoring::Decimal();
  report.kpis = {visits, orders};
  report.total = visits.points;
  return report;
}

TEST_CASE("Scores come from the provider as CLI JSON", "[connector]") {
  AdminFixture fixture;
  std::vector<std::string> requested;
  std::mutex requested_mutex;
  fixture.api().SetScoreReportProvider(
      [&](std::string_view period) -> Result<std::vector<scoring::ScoreReport>> {
        std::lock_guard<std::mutex> lock(requested_mutex);
        requested.emplace_back(period);
        return std::vector<scoring::ScoreReport>{SampleReport()};
      });
  fixture.Start();

  httplib::Result result = fixture.Get("/api/scores?period=2026-W07");
  REQUIRE(result);
  REQUIRE(result->status == 200);
  CHECK(result->body == scoring::ReportsToJson({SampleReport()}));
  json scores = json::parse(result->body);
  REQUIRE(scores["reports"].size() == 1);
  const json& report = scores["reports"][0];
  CHECK(report["total"] == 82.5);
  CHECK(report["kpis"][0]["raw"] == 3);
  CHECK(report["kpis"][0]["points"] == 82.5);
  CHECK(report["kpis"][1]["raw"].is_null());
  CHECK(report["kpis"][1]["points"] == 0);

  // /api/logs and /api/scores accept the same forms, so a quarter is rejected by both.
  httplib::Result quarter = fixture.Get("/api/scores?period=2026-Q4");
  REQUIRE(quarter);
  CHECK(quarter->status == 400);
  CHECK(json::parse(quarter->body)["error"]["message"].get<std::string>().find("2026-Q4") !=
        std::string::npos);
  CHECK(fixture.Get("/api/logs?period=2026-Q4")->status == 400);
  CHECK(fixture.Get("/api/scores")->status == 400);
  std::lock_guard<std::mutex> lock(requested_mutex);
  CHECK(requested == std::vector<std::string>{"2026-W07"});
}

TEST_CASE("Scores fail without a provider", "[connector]") {
  AdminFixture fixture;
  fixture.Start();
  httplib::Result result = fixture.Get("/api/scores?period=2026-W07");
  REQUIRE(result);
  CHECK(result->status == 404);
  CHECK(json::parse(result->body)["error"]["code"] == "not_found");
}

TEST_CASE("People return JSON", "[connector]") {
  AdminFixture fixture;
  REQUIRE(fixture.store().ReplaceRoster({Person{"u1", "张三", "销售", {2}, "m1", true}}, {}).ok());
  fixture.Start();

  json people = fixture.GetJson("/api/people");
  REQUIRE(people.size() == 1);
  CHECK(people[0]["name"] == "张三");
  CHECK(people[0]["manager_id"] == "m1");
}

TEST_CASE("Charts come from the provider", "[connector]") {
  AdminFixture fixture;
  fixture.api().SetChartProvider(
      [](std::string_view chart, std::string_view period) -> Result<std::string> {
        if (chart != "kpi_distribution") {
          return MakeError(ErrorCode::kNotFound, "unknown chart " + std::string(chart));
        }
        return std::string(R"({"period":")") + std::string(period) + R"("})";
      });
  fixture.Start();
  CHECK(fixture.GetJson("/api/charts/kpi_distribution?period=2026-W07")["period"] == "2026-W07");
  CHECK(fixture.Get("/api/charts/other")->status == 404);
  CHECK(fixture.Get("/api/nothing")->status == 404);
}

TEST_CASE("Constant time compare matches equality", "[connector]") {
  CHECK(ConstantTimeEquals("abc", "abc"));
  CHECK_FALSE(ConstantTimeEquals("abc", "abd"));
  CHECK_FALSE(ConstantTimeEquals("abc", "abcd"));
  CHECK_FALSE(ConstantTimeEquals("", "a"));
  CHECK(ConstantTimeEquals("", ""));
}

}  // namespace
}  // namespace logbridge::connector
