// The connector service: wires the store, DingTalk client, outbox, poller, analysis, approvals,
// reminders, score cards, admin API and callback server, and drives them from one scheduler
// on an injected clock. `logbridge serve` runs it on the system clock; the demo and the tests
// step it on a ManualClock with RunDue. Stop is thread-safe and may come from a signal thread;
// every other method belongs to the thread that drives the scheduler.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "base/result.h"
#include "base/time.h"
#include "connector/approvals.h"
#include "connector/calendar.h"
#include "connector/dingtalk_sender.h"
#include "connector/metrics.h"
#include "connector/outbox.h"
#include "connector/reminders.h"
#include "connector/score_cards.h"
#include "connector/service_config.h"
#include "connector/store.h"
#include "connector/sync.h"

namespace logbridge::dingtalk {
class Client;
class StreamClient;
}  // namespace logbridge::dingtalk

namespace logbridge::scoring {
struct Config;
}

namespace logbridge::connector {

class AdminApi;
class CallbackServer;
class CardActionService;
class EventInbox;
class EventHandler;
class RobotCommandService;
class ScoreLookup;
class StreamIntake;

struct ServiceOptions {
  ServiceConfig config;
  Secrets secrets;
  const Clock* clock = nullptr;  // not owned; null uses a SystemClock owned by the service
  // Rules for scoring; null loads config.scoring_config_path.
  std::shared_ptr<const scoring::Config> scoring;
  // The holiday calendar; nullopt loads config.holidays_dir.
  std::optional<WorkdayCalendar> calendar;
  // Sleeps of the client's throttle and retries; empty uses real sleeps. The demo passes one
  // that advances its ManualClock, so simulated weeks do not wait in real time.
  std::function<void(std::chrono::milliseconds)> client_sleep;
  double client_calls_per_second = 18.0;
  bool start_admin_api = true;
  bool start_callback_server = true;
  // How often the scheduler looks at the outbox while messages are waiting.
  std::chrono::milliseconds dispatch_interval{std::chrono::seconds(30)};
};

// Counts of the scheduler's work since start, printed by the demo.
struct ServiceTotals {
  int64_t polls = 0;
  int64_t polls_paused_by_budget = 0;
  int64_t poll_failures = 0;
  int64_t logs_inserted = 0;
  int64_t logs_changed = 0;
  int64_t feedback_checked = 0;  // analyzed log versions
  int64_t approvals_created = 0;
  int64_t approvals_escalated = 0;
  int64_t approvals_expired = 0;
  int64_t reminders = 0;
  int64_t digests = 0;
  int64_t score_cards = 0;
  int64_t team_summaries = 0;
  int64_t corrections = 0;
  int64_t messages_sent = 0;
  int64_t message_retries = 0;
  int64_t messages_failed = 0;
  int64_t roster_refreshes = 0;
};

class Service {
 public:
  // Validates the options, opens the store and builds every component; starts nothing.
  // Errors: kInvalidArgument for a bad setting or scoring config, kUnavailable when the store
  // or calendar cannot be opened.
  static Result<std::unique_ptr<Service>> Create(ServiceOptions options);
  ~Service();

  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  // Resolves outbox messages left in flight by an earlier run, analyzes logs stored without
  // analysis, and starts the admin API and, when callbacks are enabled, the channels of
  // [dingtalk] callback_mode: the HTTP callback endpoint, the Stream mode client or both. The
  // Stream client connects in the background and reconnects with backoff, so an unreachable
  // gateway does not fail Start.
  Status Start();

  // Runs every task due now, in order: roster refresh (daily), poll, analysis of new and
  // changed logs, approvals, reminders, score cards, outbox dispatch. Returns when the next
  // task is due. Errors of one task are logged and counted, and the others still run; only a
  // store failure is returned.
  Result<EpochMs> RunDue();

  // Runs RunDue in a loop, waiting on the real clock between runs, until Stop. On Stop the
  // poll stops after the page in flight is committed, the outbox batch in flight finishes,
  // and the servers shut down.
  Status Run();

  // Asks Run to return, and a running poll to stop after its page in flight. Thread-safe, but
  // not async-signal-safe: call it from a thread that waits for signals (sigwait).
  void Stop();

  // Stops the Stream client, which closes its connection after the frame in hand, and the
  // servers. Run calls it on its way out, and so does the destructor. Idempotent.
  void Shutdown();

  // Backfills logs created since `since` (`logbridge sync --since`), analyzing them as they
  // arrive, then dispatches the resulting messages.
  Result<SyncRunReport> Backfill(EpochMs since);

  // Polls now, ignoring the cadence; tests use it to force a poll.
  Result<SyncRunReport> PollNow();

  Store& store() { return *store_; }
  Outbox& outbox() { return *outbox_; }
  Poller& poller() { return *poller_; }
  Approvals& approvals() { return *approvals_; }
  ScoreKeeper& scores() { return *scores_; }
  CallBudget& budget() { return *budget_; }
  Metrics& metrics() { return metrics_; }
  CardActionService* card_actions() { return card_actions_.get(); }
  const ServiceTotals& totals() const { return totals_; }
  int admin_port() const { return admin_port_; }
  int callback_port() const { return callback_port_; }
  // The Stream mode client, or null when Stream mode is off or the service has not started.
  dingtalk::StreamClient* stream_client() { return stream_client_.get(); }
  std::optional<EpochMs> next_poll_at() const { return next_poll_at_; }

 private:
  explicit Service(ServiceOptions options);
  Status Build();
  Status HandleChanges(const std::vector<StoredChange>& changes);
  void RunPoll(EpochMs now);
  void RecordPoll(const Result<SyncRunReport>& polled, EpochMs now);
  Status RefreshRosterIfDue(EpochMs now);
  Status DispatchOutbox();
  Status StartCallbackIntake();
  Status StartCallbackServer();
  Status StartStreamClient();

  ServiceOptions options_;
  const Clock* clock_;
  SystemClock system_clock_;
  Metrics metrics_;
  ServiceTotals totals_;

  std::shared_ptr<const scoring::Config> scoring_;
  WorkdayCalendar calendar_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<dingtalk::Client> client_;
  std::unique_ptr<CallBudget> budget_;
  std::unique_ptr<DingTalkSender> sender_;
  std::unique_ptr<Outbox> outbox_;
  std::unique_ptr<Poller> poller_;
  std::unique_ptr<ScoreKeeper> scores_;
  std::unique_ptr<Approvals> approvals_;
  std::unique_ptr<Reminders> reminders_;

  std::unique_ptr<ScoreLookup> score_lookup_;
  std::unique_ptr<EventHandler> event_handler_;
  std::unique_ptr<EventInbox> inbox_;
  std::unique_ptr<CardActionService> card_actions_;
  std::unique_ptr<RobotCommandService> robot_;
  std::unique_ptr<CallbackServer> callback_server_;
  std::unique_ptr<StreamIntake> stream_intake_;
  // Declared after everything its handler reaches, so it is destroyed first.
  std::unique_ptr<dingtalk::StreamClient> stream_client_;
  std::unique_ptr<AdminApi> admin_api_;
  int admin_port_ = 0;
  int callback_port_ = 0;

  std::optional<EpochMs> next_poll_at_;
  std::optional<EpochMs> last_poll_finished_;

  std::mutex stop_mutex_;
  std::condition_variable stop_changed_;
  bool stop_requested_ = false;
};

}  // namespace logbridge::connector
