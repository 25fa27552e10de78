// The service: component wiring, the scheduler and shutdown.
#include "connector/service.h"

#include <algorithm>
#include <atomic>
#include <utility>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "connector/admin_api.h"
#include "connector/callback_server.h"
#include "connector/card_actions.h"
#include "connector/event_inbox.h"
#include "connector/robot_commands.h"
#include "connector/stream_intake.h"
#include "dingtalk/client.h"
#include "dingtalk/stream_client.h"
#include "scoring/config.h"

namespace logbridge::connector {
namespace {

using nlohmann::json;

constexpr char kRosterRefreshedKey[] = "roster.refreshed_at";
constexpr std::chrono::hours kRosterEvery{24};
constexpr std::chrono::seconds kMaxRealWait{60};

// Contact events make the roster stale; every other event is acknowledged and dropped.
class ContactEventHandler final : public EventHandler {
 public:
  explicit ContactEventHandler(std::atomic<bool>& roster_stale) : roster_stale_(roster_stale) {}

  Status Handle(const InboxEvent& event) override {
    const std::string& type = event.event_type;
    if (type.rfind("user_", 0) == 0 || type.rfind("org_dept_", 0) == 0) {
      roster_stale_.store(true);
    }
    return OkStatus();
  }

 private:
  std::atomic<bool>& roster_stale_;
};

// The robot's "my score" reads the newest stored score of the person.
class StoredScoreLookup final : public ScoreLookup {
 public:
  StoredScoreLookup(Store& store, ScoreKeeper& scores, const Clock& clock)
      : store_(store), scores_(scores), clock_(clock) {}

  Result<ScoreSummary> CurrentScore(const std::string& user_id) override {
    const EpochMs now = clock_.Now();
    // The current period first, then the one before it.
    for (EpochMs at : {now, EpochMs(now.value - std::chrono::milliseconds(std::chrono::days(31))
                                                   .count())}) {
      const std::string period = scores_.PeriodLabelAt(at);
      Result<std::optional<ScoreRecord>> score = store_.GetScore(user_id, period);
      if (!score.ok()) {
        return score.error();
      }
      if (score->has_value()) {
        return Summarize(**score);
      }
    }
    return MakeError(ErrorCode::kNotFound, "no score for " + user_id + " yet");
  }

 private:
  static ScoreSummary Summarize(const ScoreRecord& score) {
    ScoreSummary summary{score.period, score.total, {}};
    json breakdown = json::parse(score.breakdown_json, nullptr, false);
    if (!breakdown.is_object() || !breakdown.contains("kpis") || !breakdown["kpis"].is_array()) {
      return summary;
    }
    for (const json& kpi : breakdown["kpis"]) {
      auto text = [&](const char* key) {
        return kpi.contains(key) && kpi[key].is_string() ? kpi[key].get<std::string>() : "";
      };
      summary.lines.push_back(
          ScoreLine{text("kpi"), text("points"), text("weight"),
                    text("raw") + (text("target").empty() ? "" : " / " + text("target"))});
    }
    return summary;
  }

  Store& store_;
  ScoreKeeper& scores_;
  const Clock& clock_;
};

std::atomic<bool> g_roster_stale{false};

}  // namespace

Service::Service(ServiceOptions options)
    : options_(std::move(options)),
      clock_(options_.clock != nullptr ? options_.clock : &system_clock_) {}

Service::~Service() { Shutdown(); }

Result<std::unique_ptr<Service>> Service::Create(ServiceOptions options) {
  std::unique_ptr<Service> service(new Service(std::move(options)));
  Status built = service->Build();
  if (!built.ok()) {
    return built.error();
  }
  return service;
}

Status Service::Build() {
  const ServiceConfig& config = options_.config;

  scoring_ = options_.scoring;
  if (scoring_ == nullptr) {
    Result<scoring::Config> loaded = scoring::LoadConfigFile(config.scoring_config_path);
    if (!loaded.ok()) {
      return loaded.error();
    }
    scoring_ = std::make_shared<const scoring::Config>(std::move(*loaded));
  }
  if (options_.calendar.has_value()) {
    calendar_ = std::move(*options_.calendar);
  } else {
    Result<WorkdayCalendar> loaded = WorkdayCalendar::LoadDirectory(config.holidays_dir);
    if (!loaded.ok()) {
      return loaded.error();
    }
    calendar_ = std::move(*loaded);
  }
  calendar_.SetLeaves(config.leaves);

  Result<std::unique_ptr<Store>> store = Store::Open(StoreOptions{config.store_path});
  if (!store.ok()) {
    return store.error();
  }
  store_ = std::move(*store);
  if (!config.leaves.empty()) {
    Status saved = store_->ReplaceLeaves(config.leaves);
    if (!saved.ok()) {
      return saved;
    }
  }

  dingtalk::ClientOptions client_options;
  client_options.oapi_base_url = config.dingtalk.oapi_base_url;
  client_options.api_base_url = config.dingtalk.api_base_url;
  client_options.app_key = config.dingtalk.app_key;
  client_options.app_secret = options_.secrets.app_secret;
  client_options.agent_id = config.dingtalk.agent_id;
  client_options.robot_code = config.dingtalk.robot_code;
  client_options.clock = clock_;
  client_options.throttle.calls_per_second = options_.client_calls_per_second;
  if (options_.client_sleep) {
    client_options.retry.sleep = options_.client_sleep;
  }
  Result<std::unique_ptr<dingtalk::Client>> client =
      dingtalk::Client::Create(std::move(client_options));
  if (!client.ok()) {
    return client.error();
  }
  client_ = std::move(*client);

  budget_ = std::make_unique<CallBudget>(*store_, *client_, *clock_,
                                         config.sync.monthly_call_budget);
  // Card clicks come back the way the card was created: over Stream only in pure Stream mode,
  // because in mode both the HTTP card route is registered and keeps receiving them.
  const char* card_callback_type =
      config.dingtalk.callback_mode == CallbackMode::kStream ? "STREAM" : "HTTP";
  sender_ = std::make_unique<DingTalkSender>(
      *client_, budget_.get(),
      DingTalkSenderOptions{config.dingtalk.card_template_id, card_callback_type});
  outbox_ = std::make_unique<Outbox>(*store_, *sender_, *clock_, config.outbox);

  PollerOptions poller_options;
  poller_options.templates = config.sync.templates;
  poller_options.overlap = config.sync.overlap_window;
  poller_ = std::make_unique<Poller>(*store_, *client_, *budget_, *clock_, poller_options);
  poller_->SetChangeHandler(
      [this](const std::vector<StoredChange>& changes) { return HandleChanges(changes); });

  ScoreKeeperOptions score_options;
  score_options.cards = config.score_cards;
  score_options.feedback = config.feedback;
  scores_ = std::make_unique<ScoreKeeper>(*store_, *outbox_, calendar_, *clock_, scoring_,
                                          score_options);
  approvals_ = std::make_unique<Approvals>(
      *store_, *outbox_, scores_.get(), *clock_,
      ApprovalsOptions{config.approvals, config.dingtalk.card_template_id});
  reminders_ = std::make_unique<Reminders>(*store_, *outbox_, calendar_, *clock_,
                                           RemindersOptions{config.reminders});
  score_lookup_ = std::make_unique<StoredScoreLookup>(*store_, *scores_, *clock_);
  return OkStatus();
}

Status Service::Start() {
  const ServiceConfig& config = options_.config;
  Result<int> recovered = outbox_->RecoverInterrupted();
  if (!recovered.ok()) {
    return recovered.error();
  }
  if (*recovered > 0) {
    ServiceLogger()->info("outbox: {} messages interrupted by the last stop were resolved",
                          *recovered);
  }
  Result<std::vector<AnalyzedLog>> pending =
      scores_->AnalyzePending(clock_->Now() - config.sync.overlap_window);
  if (!pending.ok()) {
    return pending.error();
  }
  Result<ApprovalReport> considered = approvals_->Consider(*pending);
  if (!considered.ok()) {
    return considered.error();
  }

  if (options_.start_callback_server && config.callback_enabled) {
    Status intake = StartCallbackIntake();
    if (!intake.ok()) {
      return intake;
    }
    if (config.http_callbacks()) {
      Status server = StartCallbackServer();
      if (!server.ok()) {
        return server;
      }
    }
    if (config.stream_callbacks()) {
      Status stream = StartStreamClient();
      if (!stream.ok()) {
        return stream;
      }
    }
  }

  if (options_.start_admin_api) {
    AdminApiOptions admin_options{config.admin.bind, config.admin.port,
                                  options_.secrets.admin_token, config.sync.monthly_call_budget,
                                  config.dingtalk.stream_ready_grace};
    admin_api_ = std::make_unique<AdminApi>(admin_options, *store_, metrics_, *clock_);
    ScoreKeeper* scores = scores_.get();
    admin_api_->SetScoreReportProvider(
        [scores](std::string_view period) { return scores->ComputePeriod(period); });
    if (stream_client_ != nullptr) {
      // Shutdown stops the admin API before it destroys the client this pointer refers to.
      dingtalk::StreamClient* client = stream_client_.get();
      admin_api_->SetStreamStatsProvider([client] { return client->Stats(); });
    }
    Result<int> port = admin_api_->Start();
    if (!port.ok()) {
      return port.error();
    }
    admin_port_ = *port;
  }
  return OkStatus();
}

Status Service::StartCallbackIntake() {
  const ServiceConfig& config = options_.config;
  event_handler_ = std::make_unique<ContactEventHandler>(g_roster_stale);
  EventInboxOptions inbox_options;
  inbox_options.database_path = config.store_path;
  Result<std::unique_ptr<EventInbox>> inbox =
      EventInbox::Open(inbox_options, event_handler_.get(), clock_);
  if (!inbox.ok()) {
    return inbox.error();
  }
  inbox_ = std::move(*inbox);
  CardActionOptions card_options;
  card_options.database_path = config.store_path;
  Result<std::unique_ptr<CardActionService>> cards =
      CardActionService::Open(card_options, approvals_.get(), clock_);
  if (!cards.ok()) {
    return cards.error();
  }
  card_actions_ = std::move(*cards);
  robot_ = std::make_unique<RobotCommandService>(score_lookup_.get());
  return OkStatus();
}

Status Service::StartCallbackServer() {
  const ServiceConfig& config = options_.config;
  CallbackServerOptions server_options;
  server_options.bind = config.callback.bind;
  server_options.port = config.callback.port;
  server_options.apps.push_back(CallbackApp{
      config.dingtalk.app_key,
      dingtalk::CallbackCryptoConfig{options_.secrets.callback_token,
                                     options_.secrets.callback_aes_key, config.dingtalk.app_key}});
  server_options.card_api_secret = options_.secrets.card_api_secret;
  server_options.robot_app_secret = options_.secrets.app_secret;
  Result<std::unique_ptr<CallbackServer>> server = CallbackServer::Create(
      server_options, inbox_.get(), card_actions_.get(), robot_.get(), clock_);
  if (!server.ok()) {
    return server.error();
  }
  callback_server_ = std::move(*server);
  Result<int> port = callback_server_->Start();
  if (!port.ok()) {
    return port.error();
  }
  callback_port_ = *port;
  ServiceLogger()->info("callback server listening on {}:{}", config.callback.bind,
                        callback_port_);
  return OkStatus();
}

Status Service::StartStreamClient() {
  const DingTalkSettings& dingtalk = options_.config.dingtalk;
  StreamIntakeOptions intake_options;
  intake_options.app_name = dingtalk.app_key;
  // Robot replies go only to a sessionWebhook on the oapi host, where DingTalk's URLs point.
  intake_options.session_webhook_prefix = dingtalk.oapi_base_url + "/";
  Result<std::unique_ptr<StreamIntake>> intake = StreamIntake::Create(
      intake_options, inbox_.get(), card_actions_.get(), robot_.get(), clock_);
  if (!intake.ok()) {
    return intake.error();
  }
  stream_intake_ = std::move(*intake);

  dingtalk::StreamClientOptions client_options;
  client_options.api_base_url =
      dingtalk.stream_base_url.empty() ? dingtalk.api_base_url : dingtalk.stream_base_url;
  client_options.client_id = dingtalk.app_key;
  client_options.client_secret = options_.secrets.app_secret;
  client_options.clock = clock_;
  Result<std::unique_ptr<dingtalk::StreamClient>> client =
      dingtalk::StreamClient::Create(std::move(client_options), stream_intake_.get());
  if (!client.ok()) {
    return client.error();
  }
  stream_client_ = std::move(*client);
  return stream_client_->Start();
}

void Service::Shutdown() {
  // The Stream client stops first because its handler writes to the inbox and card actions.
  if (stream_client_ != nullptr) {
    stream_client_->Stop();
    const dingtalk::StreamClientStats stats = stream_client_->Stats();
    ServiceLogger()->info(
        "stream mode: stopped after {} connections, {} frames, {} duplicates, {} handler "
        "failures",
        stats.connections, stats.frames_received, stats.duplicates, stats.handler_failures);
  }
  if (callback_server_ != nullptr) {
    callback_server_->Stop();
  }
  if (admin_api_ != nullptr) {
    admin_api_->Stop();
  }
  stream_client_.reset();
}

Status Service::HandleChanges(const std::vector<StoredChange>& changes) {
  Result<std::vector<AnalyzedLog>> analyzed = scores_->Analyze(changes);
  if (!analyzed.ok()) {
    return analyzed.error();
  }
  totals_.feedback_checked += static_cast<int64_t>(analyzed->size());
  Result<ApprovalReport> considered = approvals_->Consider(*analyzed);
  if (!considered.ok()) {
    return considered.error();
  }
  totals_.approvals_created += considered->created;
  return OkStatus();
}

Status Service::RefreshRosterIfDue(EpochMs now) {
  Result<std::optional<std::string>> refreshed = store_->GetState(kRosterRefreshedKey);
  if (!refreshed.ok()) {
    return refreshed.error();
  }
  int64_t last = 0;
  if (refreshed->has_value()) {
    last = std::strtoll((*refreshed)->c_str(), nullptr, 10);
  }
  const bool stale = g_roster_stale.exchange(false);
  if (refreshed->has_value() && !stale && now - EpochMs(last) < kRosterEvery) {
    return OkStatus();
  }
  Result<RosterReport> roster = poller_->RefreshRoster();
  if (!roster.ok()) {
    ServiceLogger()->warn("roster: refresh failed: {}; the old roster stays in use",
                          roster.error().ToString());
    metrics_.CountError("roster");
    return OkStatus();
  }
  totals_.roster_refreshes += 1;
  return store_->SetState(kRosterRefreshedKey, std::to_string(now.value));
}

void Service::RecordPoll(const Result<SyncRunReport>& polled, EpochMs now) {
  const SyncSettings& sync = options_.config.sync;
  std::chrono::milliseconds wait = sync.min_poll_interval;
  if (!polled.ok()) {
    totals_.poll_failures += 1;
    const ErrorCode code = polled.error().code;
    metrics_.RecordSyncFailure(now, code == ErrorCode::kResourceExhausted ? "quota"
                                    : code == ErrorCode::kUnavailable ||
                                            code == ErrorCode::kDeadlineExceeded
                                        ? "network"
                                        : std::string(ErrorCodeName(code)));
    ServiceLogger()->warn("sync: poll failed: {}; retrying in {} min", polled.error().ToString(),
                          sync.min_poll_interval.count());
  } else {
    totals_.polls += 1;
    totals_.logs_inserted += polled->inserted;
    totals_.logs_changed += polled->changed;
    if (polled->budget_paused) {
      totals_.polls_paused_by_budget += 1;
      ServiceLogger()->warn("sync: the call budget leaves nothing for polling; paused");
    }
    if (polled->complete()) {
      last_poll_finished_ = now;
      metrics_.RecordSyncSuccess(now);
    }
    Result<std::chrono::milliseconds> interval =
        budget_->PollInterval(std::max(poller_->calls_per_poll(), 1.0),
                              sync.min_poll_interval, sync.max_poll_interval);
    if (interval.ok()) {
      wait = *interval;
    }
  }
  next_poll_at_ = clock_->Now() + wait;
}

void Service::RunPoll(EpochMs now) {
  Result<SyncRunReport> polled = poller_->PollOnce();
  RecordPoll(polled, now);
}

Result<SyncRunReport> Service::PollNow() {
  const EpochMs now = clock_->Now();
  Status roster = RefreshRosterIfDue(now);
  if (!roster.ok()) {
    return roster.error();
  }
  Result<SyncRunReport> polled = poller_->PollOnce();
  RecordPoll(polled, now);
  return polled;
}

Status Service::DispatchOutbox() {
  for (int batch = 0; batch < 100; ++batch) {
    Result<DispatchReport> dispatched = outbox_->DispatchDue();
    if (!dispatched.ok()) {
      return dispatched.error();
    }
    totals_.messages_sent += dispatched->sent;
    totals_.message_retries += dispatched->retried;
    totals_.messages_failed += dispatched->failed;
    if (dispatched->failed > 0) {
      metrics_.CountError("outbox_send");
    }
    if (dispatched->sent + dispatched->retried + dispatched->failed <
        options_.config.outbox.batch_size) {
      break;
    }
  }
  return OkStatus();
}

Result<EpochMs> Service::RunDue() {
  const EpochMs now = clock_->Now();
  Status roster = RefreshRosterIfDue(now);
  if (!roster.ok()) {
    return roster.error();
  }

  const bool poll_due = !next_poll_at_.has_value() || now >= *next_poll_at_;
  if (poll_due) {
    RunPoll(now);
  }

  Result<ApprovalReport> expired = approvals_->ExpireDue();
  if (expired.ok()) {
    totals_.approvals_escalated += expired->escalated;
    totals_.approvals_expired += expired->expired;
  } else {
    ServiceLogger()->error("approvals: expiry failed: {}", expired.error().ToString());
  }

  Result<ReminderReport> reminded = reminders_->RunDue(last_poll_finished_);
  if (reminded.ok() && reminded->needs_poll && !poll_due) {
    // A deadline's grace period ended after the last poll: poll first, so logs written in the
    // grace period count, then remind. A poll that just ran and paused for the budget is not
    // repeated; the reminders wait for the next one.
    RunPoll(now);
    reminded = reminders_->RunDue(last_poll_finished_);
  }
  if (reminded.ok()) {
    totals_.reminders += reminded->reminders;
    totals_.digests += reminded->digests;
  } else {
    ServiceLogger()->error("reminders: failed: {}", reminded.error().ToString());
  }

  Result<ScoreCardReport> cards = scores_->RunDue();
  if (cards.ok()) {
    totals_.score_cards += cards->person_cards;
    totals_.team_summaries += cards->team_summaries;
    totals_.corrections += cards->corrections;
  } else {
    ServiceLogger()->error("score cards: failed: {}", cards.error().ToString());
  }

  Status dispatched = DispatchOutbox();
  if (!dispatched.ok()) {
    return dispatched.error();
  }

  // The next wake-up: the earliest due task.
  EpochMs next = next_poll_at_.value_or(now + options_.config.sync.min_poll_interval);
  Result<std::optional<EpochMs>> reminder_due = reminders_->NextDue();
  if (reminder_due.ok() && reminder_due->has_value()) {
    next = std::min(next, **reminder_due);
  }
  Result<std::optional<EpochMs>> approval_due = approvals_->NextDeadline();
  if (approval_due.ok() && approval_due->has_value()) {
    next = std::min(next, **approval_due);
  }
  next = std::min(next, scores_->NextSendTime());
  Result<int64_t> depth = outbox_->Depth();
  if (depth.ok() && *depth > 0) {
    next = std::min(next, now + options_.dispatch_interval);
  }
  next = std::min(next, now + kRosterEvery);
  return std::max(next, now + std::chrono::milliseconds(1));
}

Status Service::Run() {
  ServiceLogger()->info("service running; budget {} metered calls a month",
                        options_.config.sync.monthly_call_budget);
  while (true) {
    {
      std::lock_guard<std::mutex> lock(stop_mutex_);
      if (stop_requested_) {
        break;
      }
    }
    Result<EpochMs> next = RunDue();
    std::chrono::milliseconds wait = options_.config.sync.min_poll_interval;
    if (next.ok()) {
      wait = *next - clock_->Now();
    } else {
      ServiceLogger()->error("scheduler: {}; retrying in {} min", next.error().ToString(),
                             options_.config.sync.min_poll_interval.count());
    }
    wait = std::clamp(wait, std::chrono::milliseconds(1),
                      std::chrono::milliseconds(kMaxRealWait));
    std::unique_lock<std::mutex> lock(stop_mutex_);
    stop_changed_.wait_for(lock, wait, [this] { return stop_requested_; });
  }
  ServiceLogger()->info("service stopping");
  Shutdown();
  ServiceLogger()->info("service stopped");
  return OkStatus();
}

void Service::Stop() {
  poller_->RequestStop();
  {
    std::lock_guard<std::mutex> lock(stop_mutex_);
    stop_requested_ = true;
  }
  stop_changed_.notify_all();
}

Result<SyncRunReport> Service::Backfill(EpochMs since) {
  Status roster = RefreshRosterIfDue(clock_->Now());
  if (!roster.ok()) {
    return roster.error();
  }
  Result<SyncRunReport> filled = poller_->Backfill(since);
  if (!filled.ok()) {
    return filled.error();
  }
  totals_.logs_inserted += filled->inserted;
  totals_.logs_changed += filled->changed;
  Status dispatched = DispatchOutbox();
  if (!dispatched.ok()) {
    return dispatched.error();
  }
  return filled;
}

}  // namespace logbridge::connector
