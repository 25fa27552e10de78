// End-to-end tests of the connector service against the in-process sandbox over loopback HTTP,
// on the demo's generated organization and a ManualClock: sync without loss or duplicates,
// feedback and approval cards, clicks through the callback endpoint, score cards with the
// stored numbers, scores over the admin API before any card run, outbox retries under injected
// failures, the call budget, and Stream mode against the sandbox's Stream gateway.

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <string>
#include <thread>

#include <httplib.h>
#include <nlohmann/json.hpp>
#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>

#include "connector/calendar.h"
#include "connector/demo.h"
#include "connector/log_feedback.h"
#include "connector/metrics.h"
#include "connector/service.h"
#include "dingtalk/sandbox/sandbox.h"
#include "dingtalk/sandbox/stream_gateway.h"
#include "dingtalk/stream_client.h"

namespace logbridge::connector {
namespace {

// A data directory removed when the test ends.
class TempDir {
 public:
  TempDir() {
    std::random_device seed;
    path_ = (std::filesystem::temp_directory_path() /
             ("logbridge-e2e-" + std::to_string(seed()) + std::to_string(seed())))
                .string();
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::unique_ptr<DemoEnvironment> MakeEnvironment(const TempDir& dir,
                                                 std::function<void(ServiceConfig&)> adjust = {},
                                                 bool start_admin_api = false) {
  DemoEnvironmentOptions options;
  options.people = 12;
  options.months = 1;
  options.seed = 7;
  options.data_dir = dir.path();
  options.holidays_dir = std::string(LOGBRIDGE_SOURCE_DIR) + "/config/holidays";
  options.adjust = std::move(adjust);
  options.start_admin_api = start_admin_api;
  Result<std::unique_ptr<DemoEnvironment>> environment = DemoEnvironment::Create(options);
  REQUIRE(environment.ok());
  REQUIRE((*environment)->StartService().ok());
  return std::move(*environment);
}

// Report ids of generated logs the sandbox returns by `now` on a first poll: created and last
// modified before now.
std::set<std::string> VisibleReports(const DemoEnvironment& environment, EpochMs now) {
  std::set<std::string> ids;
  for (const dingtalk::Report& report : environment.organization().reports) {
    if (report.create_time <= now && report.modified_time <= now) {
      ids.insert(report.report_id);
    }
  }
  return ids;
}

std::vector<StoredLog> AllLogs(Store& store) {
  LogFilter filter;
  filter.limit = 1000000;
  Result<std::vector<StoredLog>> logs = store.ListLogs(filter);
  REQUIRE(logs.ok());
  return *logs;
}

// Messages the sandbox recorded for one user whose content contains `text`.
int CountMessages(dingtalk::Sandbox& sandbox, const std::string& userid, const std::string& text) {
  int count = 0;
  for (const dingtalk::RecordedMessage& message : sandbox.Messages()) {
    bool to_user = false;
    for (const std::string& delivered : message.delivered_userids) {
      to_user = to_user || delivered == userid;
    }
    if (to_user && message.content_json.find(text) != std::string::npos) {
      count += 1;
    }
  }
  return count;
}

// Copies the service logger's lines at info level and above while it lives.
class ServiceLogCapture {
 public:
  ServiceLogCapture()
      : sink_(std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(10000)),
        level_(ServiceLogger()->level()) {
    ServiceLogger()->sinks().push_back(sink_);
    ServiceLogger()->set_level(spdlog::level::info);
  }
  ~ServiceLogCapture() {
    std::vector<spdlog::sink_ptr>& sinks = ServiceLogger()->sinks();
    sinks.erase(std::remove(sinks.begin(), sinks.end(), sink_), sinks.end());
    ServiceLogger()->set_level(level_);
  }

  // Returns the number of captured lines that contain `text`.
  int CountLines(const std::string& text) const {
    int count = 0;
    for (const std::string& line : sink_->last_formatted()) {
      count += line.find(text) != std::string::npos ? 1 : 0;
    }
    return count;
  }

 private:
  std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> sink_;
  spdlog::level::level_enum level_;
};

// Runs the scheduler once a minute, so messages held back by the per-minute limits go out.
void DispatchForMinutes(DemoEnvironment& environment, int minutes) {
  for (int i = 0; i < minutes; ++i) {
    environment.clock().Advance(std::chrono::minutes(1));
    REQUIRE(environment.service().RunDue().ok());
  }
}

TEST_CASE("sync stores every visible log once", "[e2e]") {
  TempDir dir;
  std::unique_ptr<DemoEnvironment> environment = MakeEnvironment(dir);
  environment->clock().Set(environment->start() + std::chrono::days(5));

  Result<EpochMs> next = environment->service().RunDue();
  REQUIRE(next.ok());
  const std::set<std::string> expected = VisibleReports(*environment, environment->clock().Now());
  REQUIRE(expected.size() > 20);

  std::vector<StoredLog> logs = AllLogs(environment->service().store());
  std::set<std::string> stored;
  for (const StoredLog& log : logs) {
    stored.insert(log.raw.report_id);
    CHECK(log.version == 1);
    CHECK_FALSE(log.normalized_json.empty());
  }
  CHECK(stored == expected);
  CHECK(logs.size() == expected.size());

  // A later poll reads only what changed since; nothing is stored twice.
  environment->clock().Advance(std::chrono::hours(2));
  Result<SyncRunReport> again = environment->service().PollNow();
  REQUIRE(again.ok());
  CHECK(AllLogs(environment->service().store()).size() ==
        VisibleReports(*environment, environment->clock().Now()).size());
}

TEST_CASE("restart after stop between pages loses nothing", "[e2e]") {
  TempDir dir;
  std::unique_ptr<DemoEnvironment> environment = MakeEnvironment(dir);
  environment->clock().Set(environment->start() + std::chrono::days(6));

  // Stop the first poll right after its first committed page, then restart the service.
  Poller& poller = environment->service().poller();
  int pages = 0;
  poller.SetChangeHandler([&](const std::vector<StoredChange>&) {
    if (++pages == 1) {
      poller.RequestStop();
    }
    return OkStatus();
  });
  Result<SyncRunReport> first = poller.PollOnce();
  REQUIRE(first.ok());
  CHECK(first->interrupted);
  CHECK(first->pages == 1);
  const size_t after_first = AllLogs(environment->service().store()).size();
  CHECK(after_first > 0);

  environment->StopService();
  REQUIRE(environment->StartService().ok());
  Result<SyncRunReport> resumed = environment->service().PollNow();
  REQUIRE(resumed.ok());
  CHECK(resumed->complete());
  CHECK(resumed->unchanged == 0);  // resumed after the committed page, not from the start

  const std::set<std::string> expected = VisibleReports(*environment, environment->clock().Now());
  std::vector<StoredLog> logs = AllLogs(environment->service().store());
  std::set<std::string> stored;
  for (const StoredLog& log : logs) {
    stored.insert(log.raw.report_id);
    CHECK(log.version == 1);
  }
  CHECK(logs.size() == stored.size());
  CHECK(stored == expected);
  CHECK(static_cast<size_t>(first->inserted + resumed->inserted) == expected.size());
}

TEST_CASE("edited log is stored as a new version", "[e2e]") {
  TempDir dir;
  std::unique_ptr<DemoEnvironment> environment = MakeEnvironment(dir);
  environment->clock().Set(environment->start() + std::chrono::days(3));
  REQUIRE(environment->service().RunDue().ok());
  std::vector<StoredLog> logs = AllLogs(environment->service().store());
  REQUIRE_FALSE(logs.empty());
  const StoredLog& target = logs.front();

  environment->clock().Advance(std::chrono::hours(1));
  nlohmann::json raw = nlohmann::json::parse(target.raw.raw_json);
  const std::string field = raw["contents"][0]["key"].get<std::string>();
  REQUIRE(environment->sandbox()
              .EditReport(target.raw.report_id, {{field, "补充了今天拜访的3家客户和签约情况"}},
                          environment->clock().Now())
              .ok());
  environment->clock().Advance(std::chrono::minutes(30));
  Result<SyncRunReport> polled = environment->service().PollNow();
  REQUIRE(polled.ok());
  CHECK(polled->changed == 1);

  Result<std::vector<StoredLog>> history =
      environment->service().store().GetLogHistory(target.raw.report_id);
  REQUIRE(history.ok());
  REQUIRE(history->size() == 2);
  CHECK((*history)[0].version == 1);
  CHECK((*history)[1].version == 2);
  CHECK((*history)[1].raw.raw_json.find("补充了今天拜访的3家客户") != std::string::npos);
  CHECK_FALSE((*history)[1].normalized_json.empty());
}

TEST_CASE("flagged logs get feedback and cards", "[e2e]") {
  TempDir dir;
  // The first poll reads a week back. The feedback window covers all of it here, so each
  // flagged log counts as new. The default window's cut-off is tested in sync_test.cc.
  const std::chrono::hours window(24 * 10);
  std::unique_ptr<DemoEnvironment> environment = MakeEnvironment(
      dir, [window](ServiceConfig& config) { config.feedback.max_log_age = window; });
  environment->clock().Set(environment->start() + std::chrono::days(9));
  REQUIRE(environment->service().RunDue().ok());
  DispatchForMinutes(*environment, 10);
  Store& store = environment->service().store();

  // Every pending approval's card reached the sandbox, addressed by its outTrackId.
  ApprovalFilter pending;
  pending.status = ApprovalStatus::kPending;
  Result<std::vector<Approval>> approvals = store.ListApprovals(pending);
  REQUIRE(approvals.ok());
  REQUIRE_FALSE(approvals->empty());
  std::set<std::string> cards;
  for (const dingtalk::RecordedCard& card : environment->sandbox().Cards()) {
    cards.insert(card.out_track_id);
  }
  for (const Approval& approval : *approvals) {
    CHECK(cards.count(approval.out_track_id) == 1);
    CHECK_FALSE(approval.manager_id.empty());
  }

  // Each flagged log whose flags an edit can clear got a notice. A log flagged only for
  // lateness got none, since no edit changes when it was submitted.
  LogFilter flagged;
  flagged.flagged_only = true;
  Result<std::vector<StoredLog>> logs = store.ListLogs(flagged);
  REQUIRE(logs.ok());
  REQUIRE_FALSE(logs->empty());
  const EpochMs now = environment->clock().Now();
  int64_t fixable_logs = 0;
  int64_t late_only_logs = 0;
  for (const StoredLog& log : *logs) {
    REQUIRE(now - log.raw.create_time <= window);
    Result<std::vector<FlagRecord>> flags = store.ListFlags(log.raw.report_id, log.version);
    REQUIRE(flags.ok());
    bool fixable = false;
    for (const FlagRecord& flag : *flags) {
      fixable = fixable || EditCanClear(flag.kind);
    }
    if (fixable) {
      fixable_logs += 1;
      CHECK(CountMessages(environment->sandbox(), log.raw.creator_id, "日志需要补充或修改") >= 1);
    } else {
      late_only_logs += 1;
    }
  }
  CHECK(late_only_logs > 0);
  Result<std::map<std::string, int64_t>> sent = store.CountSentMessagesByPurpose();
  REQUIRE(sent.ok());
  const int64_t feedback_sent = sent->count("feedback") == 1 ? sent->at("feedback") : 0;
  CHECK(feedback_sent == fixable_logs);
}

TEST_CASE("rejection click through the callback endpoint", "[e2e]") {
  TempDir dir;
  std::unique_ptr<DemoEnvironment> environment = MakeEnvironment(dir);
  environment->clock().Set(environment->start() + std::chrono::days(9));
  REQUIRE(environment->service().RunDue().ok());
  Store& store = environment->service().store();
  ApprovalFilter pending;
  pending.status = ApprovalStatus::kPending;
  Result<std::vector<Approval>> approvals = store.ListApprovals(pending);
  REQUIRE(approvals.ok());
  REQUIRE(approvals->size() >= 2);
  const Approval rejected = (*approvals)[0];
  const Approval approved = (*approvals)[1];

  CHECK(environment->PushCardClick(rejected.out_track_id, rejected.manager_id, kRejectAction,
                                   {{kReasonParam, "金额与合同不符"}}));
  CHECK(environment->PushCardClick(approved.out_track_id, approved.manager_id, kApproveAction,
                                   {}));
  // Someone other than the approver cannot decide.
  CHECK_FALSE(environment->PushCardClick(approved.out_track_id, approved.author_id,
                                         kRejectAction, {{kReasonParam, "x"}}));

  Result<std::optional<Approval>> after = store.GetApproval(rejected.id);
  REQUIRE(after.ok());
  REQUIRE(after->has_value());
  CHECK((*after)->status == ApprovalStatus::kRejected);
  CHECK((*after)->reason == "金额与合同不符");
  CHECK((*after)->decided_by == rejected.manager_id);
  Result<std::optional<StoredLog>> log = store.GetLatestLog(rejected.report_id);
  REQUIRE(log.ok());
  CHECK((*log)->status == "rejected");
  Result<std::optional<Approval>> other = store.GetApproval(approved.id);
  REQUIRE(other.ok());
  CHECK((*other)->status == ApprovalStatus::kApproved);

  // The author gets the reason once the outbox dispatches.
  DispatchForMinutes(*environment, 10);
  CHECK(CountMessages(environment->sandbox(), rejected.author_id, "金额与合同不符") == 1);
}

TEST_CASE("score cards carry the stored totals", "[e2e]") {
  TempDir dir;
  std::unique_ptr<DemoEnvironment> environment = MakeEnvironment(dir);
  // 2026-09-01 is a Tuesday; the week 2026-W37 (Sep 7-13) is complete on Monday Sep 14, and
  // its cards go out at 09:00.
  environment->clock().Set(environment->start() + std::chrono::days(13) + std::chrono::hours(8));
  REQUIRE(environment->service().RunDue().ok());
  environment->clock().Advance(std::chrono::hours(2));
  REQUIRE(environment->service().RunDue().ok());

  Result<std::vector<ScoreRecord>> scores = environment->service().store().ListScores("2026-W37");
  REQUIRE(scores.ok());
  REQUIRE(scores->size() >= 5);
  for (const ScoreRecord& score : *scores) {
    CHECK(CountMessages(environment->sandbox(), score.person_id,
                        "2026-W37 绩效得分：" + score.total) == 1);
  }
  CHECK(environment->service().totals().team_summaries >= 1);
}

TEST_CASE("outbox retries injected send failures", "[e2e]") {
  TempDir dir;
  std::unique_ptr<DemoEnvironment> environment = MakeEnvironment(dir);
  environment->clock().Set(environment->start() + std::chrono::days(1));
  REQUIRE(environment->service().RunDue().ok());

  // Six failing responses use up the client's own attempts, so the outbox has to retry.
  dingtalk::Fault fault;
  fault.kind = dingtalk::FaultKind::kServerError;
  fault.path = "/topapi/message/corpconversation/asyncsend_v2";
  fault.count = 6;
  environment->sandbox().AddFault(fault);
  Result<std::vector<Person>> people = environment->service().store().ListPeople();
  REQUIRE(people.ok());
  REQUIRE_FALSE(people->empty());
  const std::string recipient = people->front().userid;
  Result<EnqueueOutcome> queued = environment->service().outbox().Enqueue(
      NewMessage{"test/retry", MessageKind::kWorkNotification, recipient,
                 R"({"title":"测试","text":"重试测试消息"})", std::nullopt});
  REQUIRE(queued.ok());

  REQUIRE(environment->service().RunDue().ok());
  Result<std::optional<OutboxMessage>> message =
      environment->service().store().GetMessage(queued->id);
  REQUIRE(message.ok());
  CHECK((*message)->status == MessageStatus::kPending);
  CHECK((*message)->attempts == 1);
  CHECK(CountMessages(environment->sandbox(), recipient, "重试测试消息") == 0);

  environment->clock().Advance(std::chrono::minutes(10));
  REQUIRE(environment->service().RunDue().ok());
  message = environment->service().store().GetMessage(queued->id);
  REQUIRE(message.ok());
  CHECK((*message)->status == MessageStatus::kSent);
  CHECK((*message)->attempts == 2);
  CHECK(CountMessages(environment->sandbox(), recipient, "重试测试消息") == 1);
}

TEST_CASE("used budget pauses polling without failing", "[e2e]") {
  TempDir dir;
  std::unique_ptr<DemoEnvironment> environment =
      MakeEnvironment(dir, [](ServiceConfig& config) { config.sync.monthly_call_budget = 100; });
  environment->clock().Set(environment->start() + std::chrono::days(2));
  Store& store = environment->service().store();
  const std::string month = ShanghaiMonthKey(environment->clock().Now());
  REQUIRE(store.AddApiCalls(month, "report", 95).ok());

  REQUIRE(environment->service().RunDue().ok());
  const ServiceTotals& totals = environment->service().totals();
  CHECK(totals.polls_paused_by_budget == 1);
  CHECK(totals.poll_failures == 0);
  CHECK(environment->sandbox().CallCount("/topapi/report/list") == 0);
  REQUIRE(environment->service().next_poll_at().has_value());
  CHECK(*environment->service().next_poll_at() - environment->clock().Now() >
        std::chrono::hours(24 * 20));

  Result<int64_t> used = store.ApiCallsInMonth(month);
  REQUIRE(used.ok());
  CHECK(*used == 95);
}

TEST_CASE("budget is spread over the month", "[e2e]") {
  TempDir dir;
  std::unique_ptr<DemoEnvironment> environment = MakeEnvironment(dir);
  environment->clock().Set(environment->start() + std::chrono::days(2));
  REQUIRE(environment->service().RunDue().ok());
  CallBudget& budget = environment->service().budget();
  Result<int64_t> used = budget.UsedThisMonth();
  REQUIRE(used.ok());
  CHECK(*used >= 5);  // one report/list call per template at least
  CHECK(*used == environment->sandbox().MonthlyUsage());

  // 5 calls a poll from 4500 left for polling over 28 days is about one poll every 45 min.
  Result<std::chrono::milliseconds> interval =
      budget.PollInterval(5, std::chrono::minutes(15), std::chrono::hours(6));
  REQUIRE(interval.ok());
  CHECK(*interval > std::chrono::minutes(30));
  CHECK(*interval < std::chrono::minutes(60));
}

// A Stream gateway on loopback that redelivers quickly, for the Stream mode tests.
std::unique_ptr<dingtalk::StreamGateway> StartGateway() {
  dingtalk::StreamGatewayOptions options;
  options.redelivery_timeout = std::chrono::milliseconds(500);
  Result<std::unique_ptr<dingtalk::StreamGateway>> gateway =
      dingtalk::StreamGateway::Start(options);
  REQUIRE(gateway.ok());
  return std::move(*gateway);
}

std::function<void(ServiceConfig&)> UseGateway(const dingtalk::StreamGateway& gateway,
                                               CallbackMode mode) {
  const std::string url = gateway.base_url();
  return [url, mode](ServiceConfig& config) {
    config.dingtalk.callback_mode = mode;
    config.dingtalk.stream_base_url = url;
  };
}

// The data of a card click as the Stream card topic carries it.
std::string StreamClickData(const Approval& approval, const std::string& action,
                            const std::string& reason) {
  nlohmann::json params = {{kReasonParam, reason}};
  nlohmann::json content = {{"cardPrivateData", {{"actionIds", {action}}, {"params", params}}}};
  return nlohmann::json({{"outTrackId", approval.out_track_id},
                         {"userId", approval.manager_id},
                         {"corpId", "dingsandboxcorp"},
                         {"content", content.dump()}})
      .dump();
}

TEST_CASE("stream mode service receives events and clicks", "[e2e]") {
  constexpr std::chrono::milliseconds kWait{5000};
  std::unique_ptr<dingtalk::StreamGateway> gateway = StartGateway();
  TempDir dir;
  std::unique_ptr<DemoEnvironment> environment =
      MakeEnvironment(dir, UseGateway(*gateway, CallbackMode::kStream));
  Service& service = environment->service();
  REQUIRE(service.stream_client() != nullptr);
  CHECK(service.callback_port() == 0);  // no HTTP endpoint in Stream mode
  REQUIRE(service.stream_client()->WaitForConnections(1, kWait));
  // The client counts its connection when the upgrade response arrives, which can be before the
  // gateway's thread records it, so the gateway side is waited for too.
  REQUIRE(gateway->WaitForConnections(1, kWait));
  REQUIRE(gateway->Connections().size() == 1);
  CHECK(gateway->Connections()[0].client_id == dingtalk::DefaultSandboxApp().app_key);

  environment->clock().Set(environment->start() + std::chrono::days(9));
  REQUIRE(service.RunDue().ok());
  DispatchForMinutes(*environment, 10);
  const int64_t refreshes = service.totals().roster_refreshes;

  // A contact event is acknowledged, stored and handled: the next run refreshes the roster
  // although the daily refresh is not due.
  const std::string event =
      gateway->PushEvent("user_add_org", R"({"userId":["new-hire"]})", "evt-stream-1");
  REQUIRE(gateway->WaitForAck(event, kWait));
  const auto deadline = std::chrono::steady_clock::now() + kWait;
  while (service.totals().roster_refreshes == refreshes &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    REQUIRE(service.RunDue().ok());
  }
  CHECK(service.totals().roster_refreshes == refreshes + 1);

  // Approval cards ask for their clicks over Stream, and a click that arrives there decides.
  std::vector<dingtalk::RecordedCard> cards = environment->sandbox().Cards();
  REQUIRE_FALSE(cards.empty());
  for (const dingtalk::RecordedCard& card : cards) {
    CHECK(card.callback_type == "STREAM");
  }
  ApprovalFilter pending;
  pending.status = ApprovalStatus::kPending;
  Result<std::vector<Approval>> approvals = service.store().ListApprovals(pending);
  REQUIRE(approvals.ok());
  REQUIRE_FALSE(approvals->empty());
  const Approval approval = approvals->front();
  const std::string click =
      gateway->PushCallback(std::string(dingtalk::kStreamCardTopic),
                            StreamClickData(approval, kRejectAction, "请补充客户名称"));
  REQUIRE(gateway->WaitForAck(click, kWait));

  Result<std::optional<Approval>> decided = service.store().GetApproval(approval.id);
  REQUIRE(decided.ok());
  REQUIRE(decided->has_value());
  CHECK((*decided)->status == ApprovalStatus::kRejected);
  CHECK((*decided)->reason == "请补充客户名称");
  bool acknowledged = false;
  for (const dingtalk::RecordedStreamAck& recorded : gateway->Acks()) {
    if (recorded.ack.message_id != click) {
      continue;
    }
    acknowledged = true;
    CHECK(recorded.ack.code == 200);
    nlohmann::json data = nlohmann::json::parse(recorded.ack.data);
    CHECK(data["response"]["cardData"]["cardParamMap"]["status"] == "已驳回");
  }
  CHECK(acknowledged);
}

TEST_CASE("stream mode stops with the service", "[e2e]") {
  constexpr std::chrono::milliseconds kWait{5000};
  std::unique_ptr<dingtalk::StreamGateway> gateway = StartGateway();
  TempDir dir;
  std::unique_ptr<DemoEnvironment> environment =
      MakeEnvironment(dir, UseGateway(*gateway, CallbackMode::kBoth));
  Service& service = environment->service();
  CHECK(service.callback_port() > 0);  // mode both keeps the HTTP endpoint
  REQUIRE(service.stream_client() != nullptr);
  REQUIRE(service.stream_client()->WaitForConnections(1, kWait));

  // Stop is what the serve command's signal thread calls on SIGTERM.
  std::thread runner([&service] { CHECK(service.Run().ok()); });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  service.Stop();
  runner.join();

  CHECK(service.stream_client() == nullptr);
  const auto deadline = std::chrono::steady_clock::now() + kWait;
  while (!gateway->Connections().empty() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  CHECK(gateway->Connections().empty());
}

TEST_CASE("http mode starts no stream client", "[e2e]") {
  TempDir dir;
  std::unique_ptr<DemoEnvironment> environment = MakeEnvironment(dir);
  CHECK(environment->service().stream_client() == nullptr);
  CHECK(environment->service().callback_port() > 0);
}

TEST_CASE("admin API scores a period without cards", "[e2e]") {
  TempDir dir;
  std::unique_ptr<DemoEnvironment> environment;
  {
    ServiceLogCapture log;
    environment = MakeEnvironment(dir, {}, true);
    CHECK(log.CountLines("admin API listening on 127.0.0.1:") == 1);
  }
  // Thursday of the first full week, whose cards are not due until next Monday.
  environment->clock().Set(environment->start() + std::chrono::days(9));
  REQUIRE(environment->service().RunDue().ok());
  const std::string week = environment->service().scores().PeriodLabelAt(
      environment->clock().Now());
  Result<std::vector<ScoreRecord>> stored = environment->service().store().ListScores(week);
  REQUIRE(stored.ok());
  REQUIRE(stored->empty());

  httplib::Client client("127.0.0.1", environment->service().admin_port());
  client.set_connection_timeout(std::chrono::seconds(5));
  httplib::Headers headers{{"Authorization", "Bearer " + environment->admin_token()}};
  httplib::Result result = client.Get(("/api/scores?period=" + week).c_str(), headers);
  REQUIRE(result);
  INFO(result->body);
  REQUIRE(result->status == 200);
  nlohmann::json body = nlohmann::json::parse(result->body);
  REQUIRE(body["reports"].size() >= 5);
  for (const nlohmann::json& report : body["reports"]) {
    CHECK(report["period"] == week);
    CHECK(report["total"].is_number());
  }
}

}  // namespace
}  // namespace logbridge::connector
