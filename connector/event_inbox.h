// The durable inbox of DingTalk event callbacks: each accepted event is committed to SQLite
// (table callback_events in the connector's database file) before the callback is acknowledged,
// then handed once to an EventHandler on a background thread. One writer thread owns the
// database connection and commits events in groups. EventInbox is thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "base/time.h"

namespace logbridge::connector {

// One decrypted event callback.
struct InboxEvent {
  std::string dedupe_key;  // "id:<eventId>", or "hash:<type>|<time>|<sha1>"; see DedupeKeyFor
  std::string event_id;    // empty for legacy pushes without eventId
  std::string event_type;  // the EventType value, stored even when no handler handles it
  std::string app_name;    // the configured app whose credentials opened the envelope
  std::string payload;     // the decrypted JSON, byte for byte
  EpochMs received_at;
};

// Returns the key that makes platform retries of one event collide: the eventId when present,
// else the event type, its time (EventTime or TimeStamp, as sent) and a SHA-1 of the payload.
std::string DedupeKeyFor(std::string_view event_id, std::string_view event_type,
                         std::string_view event_time, std::string_view payload);

// Processes stored events. Implemented by the connector's event logic and by test doubles.
class EventHandler {
 public:
  virtual ~EventHandler() = default;

  // Processes one event; called from the inbox's processor thread, one event at a time. An
  // error is retried up to EventInboxOptions::max_handler_attempts times, then the event is
  // marked failed. Must tolerate an unknown event_type (return OK to acknowledge it).
  virtual Status Handle(const InboxEvent& event) = 0;
};

struct EventInboxOptions {
  std::string database_path;  // the connector's SQLite file; ":memory:" is rejected
  int max_batch = 512;        // events committed in one transaction at most
  std::chrono::milliseconds busy_timeout{5000};
  int max_handler_attempts = 3;
  std::chrono::milliseconds handler_retry_delay{500};
};

enum class AcceptOutcome {
  kStored,     // first delivery: committed and queued for processing
  kDuplicate,  // the dedupe key was already stored: nothing written, nothing processed
};

// Row counts of callback_events by status.
struct InboxCounts {
  int64_t total = 0;
  int64_t pending = 0;    // stored, not yet processed
  int64_t processed = 0;  // the handler returned OK
  int64_t failed = 0;     // the handler failed max_handler_attempts times
};

class EventInbox {
 public:
  // Opens the database (WAL mode, synchronous=FULL), creates callback_events when missing and
  // queues rows still pending from an earlier run. `handler` and `clock` must outlive the
  // inbox. Errors: kInvalidArgument for an unusable path, kUnavailable when SQLite fails.
  static Result<std::unique_ptr<EventInbox>> Open(EventInboxOptions options, EventHandler* handler,
                                                  const Clock* clock);

  // Finishes the writes already queued, then stops. Events not yet processed stay pending in
  // the database and are processed after the next Open.
  ~EventInbox();

  EventInbox(const EventInbox&) = delete;
  EventInbox& operator=(const EventInbox&) = delete;

  // Stores `event` unless its dedupe key is already stored, and returns once the transaction
  // containing it has committed. Concurrent calls share one commit. Errors: kUnavailable when
  // the commit failed (nothing was stored, so the caller returns a 5xx and the platform retries).
  Result<AcceptOutcome> Accept(InboxEvent event);

  // Returns the row counts, read through a separate connection.
  Result<InboxCounts> Counts() const;

  // Blocks until every stored event handed to the processor has been handled and its status
  // committed, or `timeout` passes; returns true when idle.
  bool WaitIdle(std::chrono::milliseconds timeout) const;

  // Number of commits so far; with group commit this is far below the number of events.
  int64_t commit_count() const { return commit_count_.load(); }

 private:
  struct State;
  struct StatusUpdate;
  EventInbox(EventInboxOptions options, EventHandler* handler, const Clock* clock);
  Status Start();
  void WriterLoop();
  void ProcessorLoop();
  // Runs the handler with retries; returns nullopt when shutdown interrupted the retries.
  std::optional<StatusUpdate> HandleWithRetries(const InboxEvent& event);

  const EventInboxOptions options_;
  EventHandler* const handler_;
  const Clock* const clock_;
  std::unique_ptr<State> state_;
  std::atomic<int64_t> commit_count_{0};
};

}  // namespace logbridge::connector
