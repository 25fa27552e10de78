// Group commit: handler threads queue their event and wait on a future, while the writer thread
// inserts everything queued so far in one transaction and then completes all their futures. With
// synchronous=FULL each commit costs one fsync, shared by the whole group.

#include "connector/event_inbox.h"

#include <condition_variable>
#include <deque>
#include <future>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include <SQLiteCpp/SQLiteCpp.h>
#include <spdlog/spdlog.h>

#include "connector/callback_log.h"
#include "dingtalk/signature.h"

namespace logbridge::connector {
namespace {

constexpr char kSchema[] = R"sql(
CREATE TABLE IF NOT EXISTS callback_events (
  dedupe_key   TEXT PRIMARY KEY,
  event_id     TEXT NOT NULL,
  event_type   TEXT NOT NULL,
  app_name     TEXT NOT NULL,
  payload      TEXT NOT NULL,
  received_at  INTEGER NOT NULL,
  status       TEXT NOT NULL DEFAULT 'pending',
  attempts     INTEGER NOT NULL DEFAULT 0,
  last_error   TEXT NOT NULL DEFAULT '',
  processed_at INTEGER
);
CREATE INDEX IF NOT EXISTS callback_events_by_status ON callback_events (status);
)sql";

constexpr char kInsert[] =
    "INSERT OR IGNORE INTO callback_events "
    "(dedupe_key, event_id, event_type, app_name, payload, received_at) "
    "VALUES (?, ?, ?, ?, ?, ?)";

constexpr char kUpdateStatus[] =
    "UPDATE callback_events SET status = ?, attempts = ?, last_error = ?, processed_at = ? "
    "WHERE dedupe_key = ?";

// The one place that turns SQLiteCpp exceptions into Status values for this file.
template <typename Action>
Status RunSqlite(std::string_view what, Action&& action) {
  try {
    action();
    return OkStatus();
  } catch (const SQLite::Exception& exception) {
    return MakeError(ErrorCode::kUnavailable,
                     "SQLite failed to " + std::string(what) + ": " + exception.what());
  }
}

void ConfigureConnection(SQLite::Database& database, std::chrono::milliseconds busy_timeout) {
  database.setBusyTimeout(static_cast<int>(busy_timeout.count()));
  database.exec("PRAGMA journal_mode=WAL");
  database.exec("PRAGMA synchronous=FULL");
}

}  // namespace

std::string DedupeKeyFor(std::string_view event_id, std::string_view event_type,
                         std::string_view event_time, std::string_view payload) {
  if (!event_id.empty()) {
    return "id:" + std::string(event_id);
  }
  return "hash:" + std::string(event_type) + "|" + std::string(event_time) + "|" +
         dingtalk::Sha1Hex(payload);
}

struct EventInbox::StatusUpdate {
  std::string dedupe_key;
  std::string status;
  int attempts = 0;
  std::string last_error;
  EpochMs processed_at;
};

struct PendingInsert {
  InboxEvent event;
  std::promise<Result<AcceptOutcome>> done;
};

struct EventInbox::State {
  std::unique_ptr<SQLite::Database> database;  // used only by the writer thread after Start
  std::unique_ptr<SQLite::Statement> insert;
  std::unique_ptr<SQLite::Statement> update;

  mutable std::mutex mutex;
  std::condition_variable writer_wakeup;
  std::condition_variable processor_wakeup;
  mutable std::condition_variable idle_changed;
  std::deque<PendingInsert> inserts;
  std::vector<EventInbox::StatusUpdate> updates;
  std::deque<InboxEvent> to_process;
  int64_t unfinished = 0;  // events handed to the processor whose status is not committed
  bool stop_processor = false;
  bool stop_writer = false;

  std::thread writer;
  std::thread processor;
};

Result<std::unique_ptr<EventInbox>> EventInbox::Open(EventInboxOptions options,
                                                     EventHandler* handler, const Clock* clock) {
  if (options.database_path.empty() || options.database_path == ":memory:") {
    return MakeError(ErrorCode::kInvalidArgument,
                     "callback inbox database path is \"" + options.database_path +
                         "\"; set it to the connector's database file so events survive restarts");
  }
  if (options.max_batch < 1 || options.max_handler_attempts < 1) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "callback inbox max_batch (" + std::to_string(options.max_batch) +
                         ") and max_handler_attempts (" +
                         std::to_string(options.max_handler_attempts) + ") must be at least 1");
  }
  std::unique_ptr<EventInbox> inbox(new EventInbox(std::move(options), handler, clock));
  Status started = inbox->Start();
  if (!started.ok()) {
    return started.error();
  }
  return inbox;
}

EventInbox::EventInbox(EventInboxOptions options, EventHandler* handler, const Clock* clock)
    : options_(std::move(options)),
      handler_(handler),
      clock_(clock),
      state_(std::make_unique<State>()) {}

Status EventInbox::Start() {
  std::vector<InboxEvent> recovered;
  Status opened = RunSqlite("open the callback inbox", [&] {
    state_->database = std::make_unique<SQLite::Database>(
        options_.database_path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    ConfigureConnection(*state_->database, options_.busy_timeout);
    state_->database->exec(kSchema);
    state_->insert = std::make_unique<SQLite::Statement>(*state_->database, kInsert);
    state_->update = std::make_unique<SQLite::Statement>(*state_->database, kUpdateStatus);

    SQLite::Statement pending(*state_->database,
                              "SELECT dedupe_key, event_id, event_type, app_name, payload, "
                              "received_at FROM callback_events WHERE status = 'pending' "
                              "ORDER BY received_at");
    while (pending.executeStep()) {
      recovered.push_back({pending.getColumn(0).getString(), pending.getColumn(1).getString(),
                           pending.getColumn(2).getString(), pending.getColumn(3).getString(),
                           pending.getColumn(4).getString(),
                           EpochMs(pending.getColumn(5).getInt64())});
    }
  });
  if (!opened.ok()) {
    return opened;
  }

  if (!recovered.empty()) {
    CallbackLogger()->info("callback inbox: {} events still pending from an earlier run",
                           recovered.size());
  }
  state_->unfinished = static_cast<int64_t>(recovered.size());
  state_->to_process.assign(recovered.begin(), recovered.end());
  state_->writer = std::thread([this] { WriterLoop(); });
  state_->processor = std::thread([this] { ProcessorLoop(); });
  return OkStatus();
}

EventInbox::~EventInbox() {
  {
    std::lock_guard lock(state_->mutex);
    state_->stop_processor = true;
  }
  state_->processor_wakeup.notify_all();
  if (state_->processor.joinable()) {
    state_->processor.join();
  }

  // The writer stops after the processor so the processor's last status update is committed.
  {
    std::lock_guard lock(state_->mutex);
    state_->stop_writer = true;
  }
  state_->writer_wakeup.notify_all();
  if (state_->writer.joinable()) {
    state_->writer.join();
  }
}

Result<AcceptOutcome> EventInbox::Accept(InboxEvent event) {
  std::future<Result<AcceptOutcome>> done;
  {
    std::lock_guard lock(state_->mutex);
    if (state_->stop_writer) {
      return MakeError(ErrorCode::kUnavailable, "callback inbox is shutting down");
    }
    state_->inserts.push_back({std::move(event), {}});
    done = state_->inserts.back().done.get_future();
  }
  state_->writer_wakeup.notify_one();
  return done.get();
}

void EventInbox::WriterLoop() {
  State& state = *state_;
  std::unique_lock lock(state.mutex);
  while (true) {
    state.writer_wakeup.wait(lock, [&] {
      return state.stop_writer || !state.inserts.empty() || !state.updates.empty();
    });
    if (state.inserts.empty() && state.updates.empty()) {
      return;  // stop_writer is set and nothing is left to write
    }

    // Take one group: up to max_batch inserts and every queued status update.
    std::vector<PendingInsert> batch;
    size_t take = std::min(state.inserts.size(), static_cast<size_t>(options_.max_batch));
    for (size_t i = 0; i < take; ++i) {
      batch.push_back(std::move(state.inserts.front()));
      state.inserts.pop_front();
    }
    std::vector<EventInbox::StatusUpdate> updates;
    updates.swap(state.updates);
    lock.unlock();

    std::vector<bool> inserted(batch.size(), false);
    Status committed = RunSqlite("commit callback events", [&] {
      SQLite::Transaction transaction(*state.database);
      for (size_t i = 0; i < batch.size(); ++i) {
        const InboxEvent& event = batch[i].event;
        SQLite::Statement& insert = *state.insert;
        insert.reset();
        insert.bind(1, event.dedupe_key);
        insert.bind(2, event.event_id);
        insert.bind(3, event.event_type);
        insert.bind(4, event.app_name);
        insert.bind(5, event.payload);
        insert.bind(6, static_cast<int64_t>(event.received_at.value));
        inserted[i] = insert.exec() == 1;
      }
      for (const StatusUpdate& update : updates) {
        SQLite::Statement& statement = *state.update;
        statement.reset();
        statement.bind(1, update.status);
        statement.bind(2, update.attempts);
        statement.bind(3, update.last_error);
        statement.bind(4, static_cast<int64_t>(update.processed_at.value));
        statement.bind(5, update.dedupe_key);
        statement.exec();
      }
      transaction.commit();
    });
    commit_count_.fetch_add(1);

    if (!committed.ok()) {
      // Nothing of the group is stored, so callers return a 5xx and the platform retries. Status
      // updates are lost, so their rows stay pending and are processed again after a restart.
      CallbackLogger()->error("callback inbox: {} events and {} status updates not written: {}",
                              batch.size(), updates.size(), committed.error().message);
    }

    lock.lock();
    for (size_t i = 0; i < batch.size(); ++i) {
      if (!committed.ok()) {
        batch[i].done.set_value(committed.error());
        continue;
      }
      if (inserted[i]) {
        state.to_process.push_back(batch[i].event);
        ++state.unfinished;
      }
      batch[i].done.set_value(inserted[i] ? AcceptOutcome::kStored : AcceptOutcome::kDuplicate);
    }
    state.unfinished -= static_cast<int64_t>(updates.size());
    state.processor_wakeup.notify_one();
    state.idle_changed.notify_all();
  }
}

void EventInbox::ProcessorLoop() {
  State& state = *state_;
  std::unique_lock lock(state.mutex);
  while (true) {
    state.processor_wakeup.wait(lock,
                                [&] { return state.stop_processor || !state.to_process.empty(); });
    if (state.stop_processor) {
      return;
    }
    InboxEvent event = std::move(state.to_process.front());
    state.to_process.pop_front();
    lock.unlock();

    std::optional<StatusUpdate> update = HandleWithRetries(event);
    if (!update) {
      return;  // shutting down mid-retry: the row stays pending for the next Open
    }

    lock.lock();
    state.updates.push_back(std::move(*update));
    state.writer_wakeup.notify_one();
  }
}

std::optional<EventInbox::StatusUpdate> EventInbox::HandleWithRetries(const InboxEvent& event) {
  StatusUpdate update{event.dedupe_key, "failed", 0, "", EpochMs()};
  for (int attempt = 1; attempt <= options_.max_handler_attempts; ++attempt) {
    update.attempts = attempt;
    Status handled = handler_->Handle(event);
    if (handled.ok()) {
      update.status = "processed";
      update.last_error.clear();
      update.processed_at = clock_->Now();
      return update;
    }
    update.last_error = handled.error().ToString();
    CallbackLogger()->warn("callback event {} ({}, app {}): handler attempt {} of {} failed: {}",
                           event.dedupe_key, event.event_type, event.app_name, attempt,
                           options_.max_handler_attempts, update.last_error);
    if (attempt == options_.max_handler_attempts) {
      break;
    }
    std::unique_lock lock(state_->mutex);
    bool stopping = state_->processor_wakeup.wait_for(lock, options_.handler_retry_delay,
                                                      [&] { return state_->stop_processor; });
    if (stopping) {
      return std::nullopt;
    }
  }
  CallbackLogger()->error(
      "callback event {} ({}, app {}) failed {} times; its row is marked failed", event.dedupe_key,
      event.event_type, event.app_name, update.attempts);
  update.processed_at = clock_->Now();
  return update;
}

Result<InboxCounts> EventInbox::Counts() const {
  InboxCounts counts;
  Status read = RunSqlite("count callback events", [&] {
    SQLite::Database database(options_.database_path, SQLite::OPEN_READONLY);
    database.setBusyTimeout(static_cast<int>(options_.busy_timeout.count()));
    SQLite::Statement query(database,
                            "SELECT status, COUNT(*) FROM callback_events GROUP BY status");
    while (query.executeStep()) {
      std::string status = query.getColumn(0).getString();
      int64_t count = query.getColumn(1).getInt64();
      counts.total += count;
      if (status == "pending") {
        counts.pending = count;
      } else if (status == "processed") {
        counts.processed = count;
      } else if (status == "failed") {
        counts.failed = count;
      }
    }
  });
  if (!read.ok()) {
    return read.error();
  }
  return counts;
}

bool EventInbox::WaitIdle(std::chrono::milliseconds timeout) const {
  std::unique_lock lock(state_->mutex);
  return state_->idle_changed.wait_for(lock, timeout, [&] {
    return state_->unfinished == 0 && state_->inserts.empty() && state_->updates.empty();
  });
}

}  // namespace logbridge::connector
