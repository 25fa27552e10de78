// SQLite store through SQLiteCpp. This file is the only place that catches SQLiteCpp
// exceptions: every public method runs its body under Impl::Run, which takes the connection
// mutex and converts a SQLite::Exception into an Error whose code carries retry meaning.
#include "connector/store.h"

#include <iterator>
#include <mutex>
#include <sstream>
#include <utility>

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

namespace logbridge::connector {
namespace {

// Forward migrations; entry i brings the schema from version i to version i + 1. Never edit a
// shipped entry: append a new one, because databases in the field have run the old ones.
const char* const kMigrations[] = {
    // Version 1: the initial schema.
    R"sql(
CREATE TABLE raw_logs (
  report_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  raw_json TEXT NOT NULL,
  template_name TEXT NOT NULL,
  creator_id TEXT NOT NULL,
  create_time_ms INTEGER NOT NULL,
  modified_time_ms INTEGER NOT NULL,
  received_at_ms INTEGER NOT NULL,
  PRIMARY KEY (report_id, version)
) WITHOUT ROWID;

CREATE TABLE logs (
  report_id TEXT PRIMARY KEY,
  latest_version INTEGER NOT NULL,
  template_name TEXT NOT NULL,
  creator_id TEXT NOT NULL,
  create_time_ms INTEGER NOT NULL,
  modified_time_ms INTEGER NOT NULL,
  status TEXT NOT NULL DEFAULT 'active'
);
CREATE INDEX logs_by_creator ON logs (creator_id, create_time_ms);
CREATE INDEX logs_by_create_time ON logs (create_time_ms);

CREATE TABLE log_analysis (
  report_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  normalized_json TEXT NOT NULL,
  PRIMARY KEY (report_id, version)
) WITHOUT ROWID;

CREATE TABLE extracted_values (
  report_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  field_key TEXT NOT NULL,
  metric TEXT NOT NULL,
  value TEXT NOT NULL,
  unit TEXT NOT NULL,
  span_begin INTEGER NOT NULL,
  span_end INTEGER NOT NULL,
  rule TEXT NOT NULL,
  PRIMARY KEY (report_id, version, seq)
) WITHOUT ROWID;

CREATE TABLE flags (
  report_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  kind TEXT NOT NULL,
  severity TEXT NOT NULL,
  field_key TEXT NOT NULL,
  message TEXT NOT NULL,
  span_begin INTEGER NOT NULL,
  span_end INTEGER NOT NULL,
  PRIMARY KEY (report_id, version, seq)
) WITHOUT ROWID;

CREATE TABLE approvals (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  report_id TEXT NOT NULL,
  report_version INTEGER NOT NULL,
  author_id TEXT NOT NULL,
  manager_id TEXT NOT NULL,
  rule TEXT NOT NULL,
  status TEXT NOT NULL,
  reason TEXT NOT NULL,
  out_track_id TEXT NOT NULL UNIQUE,
  created_at_ms INTEGER NOT NULL,
  deadline_ms INTEGER NOT NULL,
  decided_at_ms INTEGER,
  decided_by TEXT NOT NULL
);
CREATE INDEX approvals_by_status ON approvals (status, deadline_ms);
CREATE INDEX approvals_by_report ON approvals (report_id);

CREATE TABLE scores (
  period TEXT NOT NULL,
  person_id TEXT NOT NULL,
  total TEXT NOT NULL,
  breakdown_json TEXT NOT NULL,
  evidence_json TEXT NOT NULL,
  computed_at_ms INTEGER NOT NULL,
  PRIMARY KEY (period, person_id)
) WITHOUT ROWID;

CREATE TABLE outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  idempotency_key TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  recipient TEXT NOT NULL,
  payload_json TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  created_at_ms INTEGER NOT NULL,
  next_attempt_ms INTEGER NOT NULL,
  claimed_at_ms INTEGER,
  sent_at_ms INTEGER,
  platform_ref TEXT NOT NULL DEFAULT '',
  last_error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_ms);
CREATE INDEX outbox_by_recipient ON outbox (recipient, claimed_at_ms);

CREATE TABLE sync_checkpoints (
  template_name TEXT NOT NULL,
  window TEXT NOT NULL,
  window_start_ms INTEGER NOT NULL,
  window_end_ms INTEGER NOT NULL,
  cursor INTEGER NOT NULL,
  updated_at_ms INTEGER NOT NULL,
  PRIMARY KEY (template_name, window)
) WITHOUT ROWID;

CREATE TABLE people (
  userid TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  title TEXT NOT NULL,
  dept_ids TEXT NOT NULL,
  manager_id TEXT NOT NULL,
  active INTEGER NOT NULL
);

CREATE TABLE departments (
  dept_id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  parent_id INTEGER NOT NULL,
  manager_ids TEXT NOT NULL
);

CREATE TABLE leaves (
  userid TEXT NOT NULL,
  first_date TEXT NOT NULL,
  last_date TEXT NOT NULL
);

CREATE TABLE api_calls (
  month TEXT NOT NULL,
  family TEXT NOT NULL,
  calls INTEGER NOT NULL,
  PRIMARY KEY (month, family)
) WITHOUT ROWID;

CREATE TABLE state (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at_ms INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  detail_json TEXT NOT NULL
);
)sql",
};

constexpr int64_t kLatestSchemaVersion = std::size(kMigrations);

// Columns read by ReadStoredLog, in order.
constexpr const char* kStoredLogSelect = R"sql(
SELECT r.report_id, r.raw_json, r.template_name, r.creator_id, r.create_time_ms,
       r.modified_time_ms, r.version, r.received_at_ms, COALESCE(a.normalized_json, ''),
       l.status,
       (SELECT COUNT(*) FROM flags f WHERE f.report_id = r.report_id AND f.version = r.version)
FROM raw_logs r
JOIN logs l ON l.report_id = r.report_id
LEFT JOIN log_analysis a ON a.report_id = r.report_id AND a.version = r.version
)sql";

constexpr const char* kApprovalSelect = R"sql(
SELECT id, report_id, report_version, author_id, manager_id, rule, status, reason, out_track_id,
       created_at_ms, deadline_ms, decided_at_ms, decided_by
FROM approvals
)sql";

constexpr const char* kOutboxSelect = R"sql(
SELECT id, idempotency_key, kind, recipient, payload_json, status, attempts, created_at_ms,
       next_attempt_ms, claimed_at_ms, sent_at_ms, platform_ref, last_error
FROM outbox
)sql";

constexpr const char* kScoreSelect = R"sql(
SELECT person_id, period, total, breakdown_json, evidence_json, computed_at_ms FROM scores
)sql";

// Maps a SQLite result code onto an error code with the right retry meaning.
ErrorCode CodeForSqlite(int primary_code) {
  switch (primary_code) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
      return ErrorCode::kUnavailable;
    case SQLITE_CONSTRAINT:
      return ErrorCode::kAlreadyExists;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return ErrorCode::kDataLoss;
    default:
      return ErrorCode::kInternal;
  }
}

std::optional<EpochMs> OptionalMs(const SQLite::Column& column) {
  if (column.isNull()) {
    return std::nullopt;
  }
  return EpochMs(column.getInt64());
}

void BindOptionalMs(SQLite::Statement& statement, int index, std::optional<EpochMs> value) {
  if (value) {
    statement.bind(index, value->value);
  } else {
    statement.bind(index);
  }
}

template <typename T>
std::string JoinList(const std::vector<T>& items) {
  std::ostringstream out;
  for (size_t i = 0; i < items.size(); ++i) {
    out << (i == 0 ? "" : ",") << items[i];
  }
  return out.str();
}

std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> items;
  std::istringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (!item.empty()) {
      items.push_back(item);
    }
  }
  return items;
}

StoredLog ReadStoredLog(SQLite::Statement& query) {
  StoredLog log;
  log.raw.report_id = query.getColumn(0).getString();
  log.raw.raw_json = query.getColumn(1).getString();
  log.raw.template_name = query.getColumn(2).getString();
  log.raw.creator_id = query.getColumn(3).getString();
  log.raw.create_time = EpochMs(query.getColumn(4).getInt64());
  log.raw.modified_time = EpochMs(query.getColumn(5).getInt64());
  log.version = query.getColumn(6).getInt64();
  log.received_at = EpochMs(query.getColumn(7).getInt64());
  log.normalized_json = query.getColumn(8).getString();
  log.status = query.getColumn(9).getString();
  log.flag_count = query.getColumn(10).getInt64();
  return log;
}

Approval ReadApproval(SQLite::Statement& query) {
  Approval approval;
  approval.id = query.getColumn(0).getInt64();
  approval.report_id = query.getColumn(1).getString();
  approval.report_version = query.getColumn(2).getInt64();
  approval.author_id = query.getColumn(3).getString();
  approval.manager_id = query.getColumn(4).getString();
  approval.rule = query.getColumn(5).getString();
  // Only ApprovalStatusName writes this column; a name it cannot produce means a damaged row,
  // which reads as pending so that a manager can still decide it.
  approval.status =
      ParseApprovalStatus(query.getColumn(6).getString()).value_or(ApprovalStatus::kPending);
  approval.reason = query.getColumn(7).getString();
  approval.out_track_id = query.getColumn(8).getString();
  approval.created_at = EpochMs(query.getColumn(9).getInt64());
  approval.deadline = EpochMs(query.getColumn(10).getInt64());
  approval.decided_at = OptionalMs(query.getColumn(11));
  approval.decided_by = query.getColumn(12).getString();
  return approval;
}

MessageKind ParseMessageKind(const std::string& name) {
  for (MessageKind kind : {MessageKind::kWorkNotification, MessageKind::kRobotMessage,
                           MessageKind::kCard, MessageKind::kCardUpdate, MessageKind::kWebhook}) {
    if (MessageKindName(kind) == name) {
      return kind;
    }
  }
  return MessageKind::kWorkNotification;
}

MessageStatus ParseMessageStatus(const std::string& name) {
  for (MessageStatus status : {MessageStatus::kPending, MessageStatus::kSending,
                               MessageStatus::kSent, MessageStatus::kFailed}) {
    if (MessageStatusName(status) == name) {
      return status;
    }
  }
  return MessageStatus::kFailed;
}

OutboxMessage ReadOutboxMessage(SQLite::Statement& query) {
  OutboxMessage message;
  message.id = query.getColumn(0).getInt64();
  message.idempotency_key = query.getColumn(1).getString();
  message.kind = ParseMessageKind(query.getColumn(2).getString());
  message.recipient = query.getColumn(3).getString();
  message.payload_json = query.getColumn(4).getString();
  message.status = ParseMessageStatus(query.getColumn(5).getString());
  message.attempts = query.getColumn(6).getInt();
  message.created_at = EpochMs(query.getColumn(7).getInt64());
  message.next_attempt_at = EpochMs(query.getColumn(8).getInt64());
  message.claimed_at = OptionalMs(query.getColumn(9));
  message.sent_at = OptionalMs(query.getColumn(10));
  message.platform_ref = query.getColumn(11).getString();
  message.last_error = query.getColumn(12).getString();
  return message;
}

ScoreRecord ReadScore(SQLite::Statement& query) {
  ScoreRecord score;
  score.person_id = query.getColumn(0).getString();
  score.period = query.getColumn(1).getString();
  score.total = query.getColumn(2).getString();
  score.breakdown_json = query.getColumn(3).getString();
  score.evidence_json = query.getColumn(4).getString();
  score.computed_at = EpochMs(query.getColumn(5).getInt64());
  return score;
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

std::string_view UpsertOutcomeName(UpsertOutcome outcome) {
  switch (outcome) {
    case UpsertOutcome::kInserted:
      return "inserted";
    case UpsertOutcome::kChanged:
      return "changed";
    case UpsertOutcome::kUnchanged:
      return "unchanged";
  }
  return "unchanged";
}

std::string_view ApprovalStatusName(ApprovalStatus status) {
  switch (status) {
    case ApprovalStatus::kPending:
      return "pending";
    case ApprovalStatus::kApproved:
      return "approved";
    case ApprovalStatus::kRejected:
      return "rejected";
    case ApprovalStatus::kExpired:
      return "expired";
    case ApprovalStatus::kEscalated:
      return "escalated";
  }
  return "pending";
}

std::optional<ApprovalStatus> ParseApprovalStatus(std::string_view name) {
  for (ApprovalStatus status :
       {ApprovalStatus::kPending, ApprovalStatus::kApproved, ApprovalStatus::kRejected,
        ApprovalStatus::kExpired, ApprovalStatus::kEscalated}) {
    if (ApprovalStatusName(status) == name) {
      return status;
    }
  }
  return std::nullopt;
}

std::string_view MessageKindName(MessageKind kind) {
  switch (kind) {
    case MessageKind::kWorkNotification:
      return "work_notification";
    case MessageKind::kRobotMessage:
      return "robot_message";
    case MessageKind::kCard:
      return "card";
    case MessageKind::kCardUpdate:
      return "card_update";
    case MessageKind::kWebhook:
      return "webhook";
  }
  return "work_notification";
}

std::string_view MessageStatusName(MessageStatus status) {
  switch (status) {
    case MessageStatus::kPending:
      return "pending";
    case MessageStatus::kSending:
      return "sending";
    case MessageStatus::kSent:
      return "sent";
    case MessageStatus::kFailed:
      return "failed";
  }
  return "failed";
}

class Store::Impl {
 public:
  explicit Impl(const StoreOptions& options)
      : path_(options.path),
        db_(options.path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE, options.busy_timeout_ms) {}

  // Runs body(db) under the connection mutex and converts SQLiteCpp exceptions.
  template <typename Body>
  auto Run(std::string_view operation, Body&& body)
      -> decltype(body(std::declval<SQLite::Database&>())) {
    std::lock_guard<std::mutex> lock(mutex_);
    try {
      return body(db_);
    } catch (const SQLite::Exception& error) {
      return MakeError(
          CodeForSqlite(error.getErrorCode()),
          "store " + std::string(operation) + " failed on " + path_ + ": " + error.what());
    }
  }

  const std::string path_;
  std::mutex mutex_;
  SQLite::Database db_;
};

namespace {

Status Configure(SQLite::Database& db, const std::string& path) {
  // WAL lets readers run during a write. synchronous=NORMAL keeps every commit across a
  // process crash; only a power loss can drop the last commits, and the poller and outbox
  // redo their work idempotently after such a loss.
  std::string mode = db.execAndGet("PRAGMA journal_mode=WAL").getString();
  if (mode != "wal" && path != ":memory:") {
    return MakeError(ErrorCode::kUnavailable, "store " + path +
                                                  " cannot use WAL mode (journal_mode is " + mode +
                                                  "); put the database on a local file system");
  }
  db.exec("PRAGMA synchronous=NORMAL");
  db.exec("PRAGMA foreign_keys=ON");
  return OkStatus();
}

Status Migrate(SQLite::Database& db, const std::string& path) {
  db.exec(
      "CREATE TABLE IF NOT EXISTS schema_versions ("
      " version INTEGER PRIMARY KEY, applied_at_ms INTEGER NOT NULL)");
  int64_t current =
      db.execAndGet("SELECT COALESCE(MAX(version), 0) FROM schema_versions").getInt64();
  if (current > kLatestSchemaVersion) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     "store " + path + " has schema version " + std::to_string(current) +
                         " but this build knows up to " + std::to_string(kLatestSchemaVersion) +
                         "; run a newer logbridge or restore a backup");
  }

  for (int64_t version = current + 1; version <= kLatestSchemaVersion; ++version) {
    SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
    db.exec(kMigrations[version - 1]);
    SQLite::Statement record(db, "INSERT INTO schema_versions VALUES (?, ?)");
    record.bind(1, version);
    record.bind(2, NowMs());
    record.exec();
    transaction.commit();
  }
  return OkStatus();
}

Result<UpsertOutcome> UpsertLocked(SQLite::Database& db, const RawLog& log, EpochMs received_at) {
  if (log.report_id.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "log has an empty report_id; every topapi/report/list item carries one");
  }

  SQLite::Statement latest(db,
                           "SELECT l.latest_version, r.raw_json, l.modified_time_ms FROM logs l "
                           "JOIN raw_logs r ON r.report_id = l.report_id "
                           "AND r.version = l.latest_version WHERE l.report_id = ?");
  latest.bind(1, log.report_id);
  int64_t version = 1;
  UpsertOutcome outcome = UpsertOutcome::kInserted;
  if (latest.executeStep()) {
    // An identical or an older copy (a stale re-poll) changes nothing.
    if (latest.getColumn(1).getString() == log.raw_json ||
        log.modified_time.value < latest.getColumn(2).getInt64()) {
      return UpsertOutcome::kUnchanged;
    }
    version = latest.getColumn(0).getInt64() + 1;
    outcome = UpsertOutcome::kChanged;
  }

  SQLite::Statement insert(db, "INSERT INTO raw_logs VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  insert.bind(1, log.report_id);
  insert.bind(2, version);
  insert.bind(3, log.raw_json);
  insert.bind(4, log.template_name);
  insert.bind(5, log.creator_id);
  insert.bind(6, log.create_time.value);
  insert.bind(7, log.modified_time.value);
  insert.bind(8, received_at.value);
  insert.exec();

  SQLite::Statement upsert(
      db,
      "INSERT INTO logs (report_id, latest_version, template_name, "
      "creator_id, create_time_ms, modified_time_ms) VALUES (?, ?, ?, ?, ?, ?) "
      "ON CONFLICT (report_id) DO UPDATE SET "
      "latest_version = excluded.latest_version, "
      "template_name = excluded.template_name, "
      "modified_time_ms = excluded.modified_time_ms");
  upsert.bind(1, log.report_id);
  upsert.bind(2, version);
  upsert.bind(3, log.template_name);
  upsert.bind(4, log.creator_id);
  upsert.bind(5, log.create_time.value);
  upsert.bind(6, log.modified_time.value);
  upsert.exec();
  return outcome;
}

void SaveCheckpointLocked(SQLite::Database& db, const SyncCheckpoint& checkpoint) {
  SQLite::Statement save(db, "INSERT OR REPLACE INTO sync_checkpoints VALUES (?, ?, ?, ?, ?, ?)");
  save.bind(1, checkpoint.template_name);
  save.bind(2, checkpoint.window);
  save.bind(3, checkpoint.window_start.value);
  save.bind(4, checkpoint.window_end.value);
  save.bind(5, checkpoint.cursor);
  save.bind(6, checkpoint.updated_at.value);
  save.exec();
}

std::vector<StoredLog> QueryLogs(SQLite::Statement& query) {
  std::vector<StoredLog> logs;
  while (query.executeStep()) {
    logs.push_back(ReadStoredLog(query));
  }
  return logs;
}

std::vector<Approval> QueryApprovals(SQLite::Statement& query) {
  std::vector<Approval> approvals;
  while (query.executeStep()) {
    approvals.push_back(ReadApproval(query));
  }
  return approvals;
}

std::vector<OutboxMessage> QueryMessages(SQLite::Statement& query) {
  std::vector<OutboxMessage> messages;
  while (query.executeStep()) {
    messages.push_back(ReadOutboxMessage(query));
  }
  return messages;
}

}  // namespace

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Store::~Store() = default;

Result<std::unique_ptr<Store>> Store::Open(const StoreOptions& options) {
  if (options.path.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "store path is empty; set [store] path to a file such as "
                     "/var/lib/logbridge/logbridge.db");
  }
  std::unique_ptr<Impl> impl;
  try {
    impl = std::make_unique<Impl>(options);
  } catch (const SQLite::Exception& error) {
    return MakeError(ErrorCode::kUnavailable, "cannot open store " + options.path + ": " +
                                                  error.what() +
                                                  "; check that the directory exists and the "
                                                  "service user may write to it");
  }

  Status ready = impl->Run("open", [&](SQLite::Database& db) -> Status {
    Status configured = Configure(db, options.path);
    if (!configured.ok()) {
      return configured;
    }
    return Migrate(db, options.path);
  });
  if (!ready.ok()) {
    return ready.error();
  }
  return std::unique_ptr<Store>(new Store(std::move(impl)));
}

int64_t Store::LatestSchemaVersion() { return kLatestSchemaVersion; }

int64_t Store::SchemaVersion() {
  Result<int64_t> version =
      impl_->Run("schema version", [](SQLite::Database& db) -> Result<int64_t> {
        return db.execAndGet("SELECT COALESCE(MAX(version), 0) FROM schema_versions").getInt64();
      });
  return version.ok() ? *version : 0;
}

Status Store::Ping() {
  return impl_->Run("ping", [](SQLite::Database& db) -> Status {
    db.execAndGet("SELECT 1");
    return OkStatus();
  });
}

// ---- Logs -------------------------------------------------------------------------------

Result<UpsertOutcome> Store::UpsertLogVersion(const RawLog& log, EpochMs received_at) {
  return impl_->Run("upsert log", [&](SQLite::Database& db) -> Result<UpsertOutcome> {
    SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
    Result<UpsertOutcome> outcome = UpsertLocked(db, log, received_at);
    if (outcome.ok()) {
      transaction.commit();
    }
    return outcome;
  });
}

Result<std::vector<UpsertOutcome>> Store::CommitPage(const std::vector<RawLog>& logs,
                                                     const SyncCheckpoint& checkpoint,
                                                     EpochMs received_at) {
  using Outcomes = std::vector<UpsertOutcome>;
  return impl_->Run("commit page", [&](SQLite::Database& db) -> Result<Outcomes> {
    SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
    Outcomes outcomes;
    for (const RawLog& log : logs) {
      Result<UpsertOutcome> outcome = UpsertLocked(db, log, received_at);
      if (!outcome.ok()) {
        return outcome.error();  // the transaction rolls back as it goes out of scope
      }
      outcomes.push_back(*outcome);
    }
    SaveCheckpointLocked(db, checkpoint);
    transaction.commit();
    return outcomes;
  });
}

Result<std::optional<StoredLog>> Store::GetLatestLog(std::string_view report_id) {
  using Found = std::optional<StoredLog>;
  return impl_->Run("get log", [&](SQLite::Database& db) -> Result<Found> {
    SQLite::Statement query(db, std::string(kStoredLogSelect) +
                                    " WHERE r.report_id = ? AND r.version = l.latest_version");
    query.bind(1, std::string(report_id));
    if (!query.executeStep()) {
      return Found();
    }
    return Found(ReadStoredLog(query));
  });
}

Result<std::vector<StoredLog>> Store::GetLogHistory(std::string_view report_id) {
  return impl_->Run("get log history", [&](SQLite::Database& db) -> Result<std::vector<StoredLog>> {
    SQLite::Statement query(
        db, std::string(kStoredLogSelect) + " WHERE r.report_id = ? ORDER BY r.version");
    query.bind(1, std::string(report_id));
    return QueryLogs(query);
  });
}

Result<std::vector<StoredLog>> Store::ListLogs(const LogFilter& filter) {
  return impl_->Run("list logs", [&](SQLite::Database& db) -> Result<std::vector<StoredLog>> {
    std::string sql = std::string(kStoredLogSelect) +
                      " WHERE r.version = l.latest_version"
                      " AND (?1 IS NULL OR l.creator_id = ?1)"
                      " AND (?2 IS NULL OR l.template_name = ?2)"
                      " AND (?3 IS NULL OR l.create_time_ms >= ?3)"
                      " AND (?4 IS NULL OR l.create_time_ms < ?4)";
    if (filter.flagged_only) {
      sql +=
          " AND EXISTS (SELECT 1 FROM flags f WHERE f.report_id = r.report_id"
          " AND f.version = r.version)";
    }
    sql += " ORDER BY l.create_time_ms DESC, l.report_id LIMIT ?5";

    SQLite::Statement query(db, sql);
    if (filter.creator_id) {
      query.bind(1, *filter.creator_id);
    }
    if (filter.template_name) {
      query.bind(2, *filter.template_name);
    }
    BindOptionalMs(query, 3, filter.created_from);
    BindOptionalMs(query, 4, filter.created_to);
    query.bind(5, filter.limit);
    return QueryLogs(query);
  });
}

Status Store::SaveAnalysis(const LogAnalysis& analysis) {
  return impl_->Run("save analysis", [&](SQLite::Database& db) -> Status {
    SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement exists(db, "SELECT 1 FROM raw_logs WHERE report_id = ? AND version = ?");
    exists.bind(1, analysis.report_id);
    exists.bind(2, analysis.version);
    if (!exists.executeStep()) {
      return MakeError(ErrorCode::kNotFound, "log " + analysis.report_id + " version " +
                                                 std::to_string(analysis.version) +
                                                 " is not stored; store the log first");
    }

    for (const char* table : {"log_analysis", "extracted_values", "flags"}) {
      SQLite::Statement clear(
          db, std::string("DELETE FROM ") + table + " WHERE report_id = ? AND version = ?");
      clear.bind(1, analysis.report_id);
      clear.bind(2, analysis.version);
      clear.exec();
    }

    SQLite::Statement normalized(db, "INSERT INTO log_analysis VALUES (?, ?, ?)");
    normalized.bind(1, analysis.report_id);
    normalized.bind(2, analysis.version);
    normalized.bind(3, analysis.normalized_json);
    normalized.exec();

    SQLite::Statement value(db,
                            "INSERT INTO extracted_values VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    for (size_t i = 0; i < analysis.values.size(); ++i) {
      const ExtractedValue& item = analysis.values[i];
      value.bind(1, analysis.report_id);
      value.bind(2, analysis.version);
      value.bind(3, static_cast<int64_t>(i));
      value.bind(4, item.field_key);
      value.bind(5, item.metric);
      value.bind(6, item.value);
      value.bind(7, item.unit);
      value.bind(8, item.span_begin);
      value.bind(9, item.span_end);
      value.bind(10, item.rule);
      value.exec();
      value.reset();
    }

    SQLite::Statement flag(db, "INSERT INTO flags VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    for (size_t i = 0; i < analysis.flags.size(); ++i) {
      const FlagRecord& item = analysis.flags[i];
      flag.bind(1, analysis.report_id);
      flag.bind(2, analysis.version);
      flag.bind(3, static_cast<int64_t>(i));
      flag.bind(4, item.kind);
      flag.bind(5, item.severity);
      flag.bind(6, item.field_key);
      flag.bind(7, item.message);
      flag.bind(8, item.span_begin);
      flag.bind(9, item.span_end);
      flag.exec();
      flag.reset();
    }
    transaction.commit();
    return OkStatus();
  });
}

Result<std::vector<ExtractedValue>> Store::ListValues(std::string_view report_id, int64_t version) {
  using Values = std::vector<ExtractedValue>;
  return impl_->Run("list values", [&](SQLite::Database& db) -> Result<Values> {
    SQLite::Statement query(
        db,
        "SELECT field_key, metric, value, unit, span_begin, span_end, rule "
        "FROM extracted_values WHERE report_id = ? AND version = ? ORDER BY seq");
    query.bind(1, std::string(report_id));
    query.bind(2, version);
    Values values;
    while (query.executeStep()) {
      values.push_back(ExtractedValue{query.getColumn(0).getString(),
                                      query.getColumn(1).getString(),
                                      query.getColumn(2).getString(),
                                      query.getColumn(3).getString(), query.getColumn(4).getInt(),
                                      query.getColumn(5).getInt(), query.getColumn(6).getString()});
    }
    return values;
  });
}

Result<std::vector<FlagRecord>> Store::ListFlags(std::string_view report_id, int64_t version) {
  using Flags = std::vector<FlagRecord>;
  return impl_->Run("list flags", [&](SQLite::Database& db) -> Result<Flags> {
    SQLite::Statement query(db,
                            "SELECT kind, severity, field_key, message, span_begin, span_end "
                            "FROM flags WHERE report_id = ? AND version = ? ORDER BY seq");
    query.bind(1, std::string(report_id));
    query.bind(2, version);
    Flags flags;
    while (query.executeStep()) {
      flags.push_back(FlagRecord{query.getColumn(0).getString(), query.getColumn(1).getString(),
                                 query.getColumn(2).getString(), query.getColumn(3).getString(),
                                 query.getColumn(4).getInt(), query.getColumn(5).getInt()});
    }
    return flags;
  });
}

Status Store::SetLogStatus(std::string_view report_id, std::string_view status) {
  return impl_->Run("set log status", [&](SQLite::Database& db) -> Status {
    SQLite::Statement update(db, "UPDATE logs SET status = ? WHERE report_id = ?");
    update.bind(1, std::string(status));
    update.bind(2, std::string(report_id));
    if (update.exec() == 0) {
      return MakeError(ErrorCode::kNotFound, "log " + std::string(report_id) + " is not stored");
    }
    return OkStatus();
  });
}

// ---- Sync checkpoints --------------------------------------------------------------------

Result<std::optional<SyncCheckpoint>> Store::GetCheckpoint(std::string_view template_name,
                                                           std::string_view window) {
  using Found = std::optional<SyncCheckpoint>;
  return impl_->Run("get checkpoint", [&](SQLite::Database& db) -> Result<Found> {
    SQLite::Statement query(db,
                            "SELECT window_start_ms, window_end_ms, cursor, updated_at_ms "
                            "FROM sync_checkpoints WHERE template_name = ? AND window = ?");
    query.bind(1, std::string(template_name));
    query.bind(2, std::string(window));
    if (!query.executeStep()) {
      return Found();
    }
    return Found(SyncCheckpoint{
        std::string(template_name), std::string(window), EpochMs(query.getColumn(0).getInt64()),
        EpochMs(query.getColumn(1).getInt64()), query.getColumn(2).getInt64(),
        EpochMs(query.getColumn(3).getInt64())});
  });
}

Status Store::SaveCheckpoint(const SyncCheckpoint& checkpoint) {
  return impl_->Run("save checkpoint", [&](SQLite::Database& db) -> Status {
    SaveCheckpointLocked(db, checkpoint);
    return OkStatus();
  });
}

// ---- Approvals ---------------------------------------------------------------------------

Result<int64_t> Store::CreateApproval(const Approval& approval) {
  return impl_->Run("create approval", [&](SQLite::Database& db) -> Result<int64_t> {
    SQLite::Statement exists(db, "SELECT id FROM approvals WHERE out_track_id = ?");
    exists.bind(1, approval.out_track_id);
    if (exists.executeStep()) {
      return MakeError(ErrorCode::kAlreadyExists,
                       "approval with outTrackId " + approval.out_track_id +
                           " already exists (id " + std::to_string(exists.getColumn(0).getInt64()) +
                           ")");
    }

    SQLite::Statement insert(
        db,
        "INSERT INTO approvals (report_id, report_version, author_id, manager_id, rule, status, "
        "reason, out_track_id, created_at_ms, deadline_ms, decided_at_ms, decided_by) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    insert.bind(1, approval.report_id);
    insert.bind(2, approval.report_version);
    insert.bind(3, approval.author_id);
    insert.bind(4, approval.manager_id);
    insert.bind(5, approval.rule);
    insert.bind(6, std::string(ApprovalStatusName(approval.status)));
    insert.bind(7, approval.reason);
    insert.bind(8, approval.out_track_id);
    insert.bind(9, approval.created_at.value);
    insert.bind(10, approval.deadline.value);
    BindOptionalMs(insert, 11, approval.decided_at);
    insert.bind(12, approval.decided_by);
    insert.exec();
    return db.getLastInsertRowid();
  });
}

Result<std::optional<Approval>> Store::GetApproval(int64_t id) {
  using Found = std::optional<Approval>;
  return impl_->Run("get approval", [&](SQLite::Database& db) -> Result<Found> {
    SQLite::Statement query(db, std::string(kApprovalSelect) + " WHERE id = ?");
    query.bind(1, id);
    std::vector<Approval> found = QueryApprovals(query);
    return found.empty() ? Found() : Found(found.front());
  });
}

Result<std::optional<Approval>> Store::GetApprovalByOutTrackId(std::string_view out_track_id) {
  using Found = std::optional<Approval>;
  return impl_->Run("get approval", [&](SQLite::Database& db) -> Result<Found> {
    SQLite::Statement query(db, std::string(kApprovalSelect) + " WHERE out_track_id = ?");
    query.bind(1, std::string(out_track_id));
    std::vector<Approval> found = QueryApprovals(query);
    return found.empty() ? Found() : Found(found.front());
  });
}

Result<std::vector<Approval>> Store::ListApprovals(const ApprovalFilter& filter) {
  return impl_->Run("list approvals", [&](SQLite::Database& db) -> Result<std::vector<Approval>> {
    SQLite::Statement query(db, std::string(kApprovalSelect) +
                                    " WHERE (?1 IS NULL OR status = ?1)"
                                    " AND (?2 IS NULL OR report_id = ?2)"
                                    " AND (?3 IS NULL OR deadline_ms < ?3) ORDER BY id");
    if (filter.status) {
      query.bind(1, std::string(ApprovalStatusName(*filter.status)));
    }
    if (filter.report_id) {
      query.bind(2, *filter.report_id);
    }
    BindOptionalMs(query, 3, filter.deadline_before);
    return QueryApprovals(query);
  });
}

Status Store::TransitionApproval(const ApprovalTransition& transition) {
  return impl_->Run("transition approval", [&](SQLite::Database& db) -> Status {
    bool escalate = transition.to == ApprovalStatus::kEscalated;
    SQLite::Statement update(
        db,
        "UPDATE approvals SET status = ?, reason = ?, decided_by = ?, decided_at_ms = ?, "
        "manager_id = CASE WHEN ? THEN ? ELSE manager_id END, "
        "deadline_ms = COALESCE(?, deadline_ms) WHERE id = ? AND status = ?");
    update.bind(1, std::string(ApprovalStatusName(transition.to)));
    update.bind(2, transition.reason);
    update.bind(3, transition.actor);
    update.bind(4, transition.at.value);
    update.bind(5, escalate ? 1 : 0);
    update.bind(6, transition.new_manager_id);
    BindOptionalMs(update, 7, transition.new_deadline);
    update.bind(8, transition.id);
    update.bind(9, std::string(ApprovalStatusName(transition.from)));
    if (update.exec() == 1) {
      return OkStatus();
    }

    SQLite::Statement current(db, "SELECT status FROM approvals WHERE id = ?");
    current.bind(1, transition.id);
    if (!current.executeStep()) {
      return MakeError(ErrorCode::kNotFound,
                       "approval " + std::to_string(transition.id) + " does not exist");
    }
    return MakeError(ErrorCode::kFailedPrecondition,
                     "approval " + std::to_string(transition.id) + " is " +
                         current.getColumn(0).getString() + ", not " +
                         std::string(ApprovalStatusName(transition.from)) +
                         "; it was decided already");
  });
}

// ---- Scores ------------------------------------------------------------------------------

Status Store::ReplaceScores(std::string_view period, const std::vector<ScoreRecord>& scores) {
  for (const ScoreRecord& score : scores) {
    if (score.period != period) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "score of " + score.person_id + " is for period " + score.period + ", not " +
                           std::string(period) + "; replace one period at a time");
    }
  }
  return impl_->Run("replace scores", [&](SQLite::Database& db) -> Status {
    SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement clear(db, "DELETE FROM scores WHERE period = ?");
    clear.bind(1, std::string(period));
    clear.exec();

    SQLite::Statement insert(db, "INSERT INTO scores VALUES (?, ?, ?, ?, ?, ?)");
    for (const ScoreRecord& score : scores) {
      insert.bind(1, score.period);
      insert.bind(2, score.person_id);
      insert.bind(3, score.total);
      insert.bind(4, score.breakdown_json);
      insert.bind(5, score.evidence_json);
      insert.bind(6, score.computed_at.value);
      insert.exec();
      insert.reset();
    }
    transaction.commit();
    return OkStatus();
  });
}

Result<std::vector<ScoreRecord>> Store::ListScores(std::string_view period) {
  return impl_->Run("list scores", [&](SQLite::Database& db) -> Result<std::vector<ScoreRecord>> {
    SQLite::Statement query(db, std::string(kScoreSelect) + " WHERE period = ? ORDER BY person_id");
    query.bind(1, std::string(period));
    std::vector<ScoreRecord> scores;
    while (query.executeStep()) {
      scores.push_back(ReadScore(query));
    }
    return scores;
  });
}

Result<std::optional<ScoreRecord>> Store::GetScore(std::string_view person_id,
                                                   std::string_view period) {
  using Found = std::optional<ScoreRecord>;
  return impl_->Run("get score", [&](SQLite::Database& db) -> Result<Found> {
    SQLite::Statement query(db, std::string(kScoreSelect) + " WHERE period = ? AND person_id = ?");
    query.bind(1, std::string(period));
    query.bind(2, std::string(person_id));
    if (!query.executeStep()) {
      return Found();
    }
    return Found(ReadScore(query));
  });
}

// ---- Outbox ------------------------------------------------------------------------------

Result<EnqueueOutcome> Store::EnqueueMessage(const OutboxMessage& message) {
  return impl_->Run("enqueue message", [&](SQLite::Database& db) -> Result<EnqueueOutcome> {
    SQLite::Statement insert(
        db,
        "INSERT INTO outbox (idempotency_key, kind, recipient, payload_json, status, attempts, "
        "created_at_ms, next_attempt_ms) VALUES (?, ?, ?, ?, 'pending', 0, ?, ?) "
        "ON CONFLICT (idempotency_key) DO NOTHING");
    insert.bind(1, message.idempotency_key);
    insert.bind(2, std::string(MessageKindName(message.kind)));
    insert.bind(3, message.recipient);
    insert.bind(4, message.payload_json);
    insert.bind(5, message.created_at.value);
    insert.bind(6, message.next_attempt_at.value);
    if (insert.exec() == 1) {
      return EnqueueOutcome{db.getLastInsertRowid(), true};
    }

    SQLite::Statement existing(db, "SELECT id FROM outbox WHERE idempotency_key = ?");
    existing.bind(1, message.idempotency_key);
    existing.executeStep();
    return EnqueueOutcome{existing.getColumn(0).getInt64(), false};
  });
}

Result<std::optional<OutboxMessage>> Store::GetMessage(int64_t id) {
  using Found = std::optional<OutboxMessage>;
  return impl_->Run("get message", [&](SQLite::Database& db) -> Result<Found> {
    SQLite::Statement query(db, std::string(kOutboxSelect) + " WHERE id = ?");
    query.bind(1, id);
    std::vector<OutboxMessage> found = QueryMessages(query);
    return found.empty() ? Found() : Found(found.front());
  });
}

Result<std::vector<OutboxMessage>> Store::ListDueMessages(EpochMs now, int limit) {
  using Messages = std::vector<OutboxMessage>;
  return impl_->Run("list due messages", [&](SQLite::Database& db) -> Result<Messages> {
    SQLite::Statement query(db, std::string(kOutboxSelect) +
                                    " WHERE status = 'pending' AND next_attempt_ms <= ?"
                                    " ORDER BY next_attempt_ms, id LIMIT ?");
    query.bind(1, now.value);
    query.bind(2, limit);
    return QueryMessages(query);
  });
}

Result<std::vector<OutboxMessage>> Store::ListSendingMessages() {
  using Messages = std::vector<OutboxMessage>;
  return impl_->Run("list sending messages", [&](SQLite::Database& db) -> Result<Messages> {
    SQLite::Statement query(db,
                            std::string(kOutboxSelect) + " WHERE status = 'sending' ORDER BY id");
    return QueryMessages(query);
  });
}

Result<std::map<std::string, int64_t>> Store::CountSentMessagesByPurpose() {
  using Counts = std::map<std::string, int64_t>;
  return impl_->Run("count sent messages", [&](SQLite::Database& db) -> Result<Counts> {
    SQLite::Statement query(db,
                            "SELECT CASE WHEN instr(idempotency_key, '/') > 0 "
                            "THEN substr(idempotency_key, 1, instr(idempotency_key, '/') - 1) "
                            "ELSE idempotency_key END AS purpose, COUNT(*) FROM outbox "
                            "WHERE status = 'sent' GROUP BY purpose");
    Counts counts;
    while (query.executeStep()) {
      counts[query.getColumn(0).getString()] = query.getColumn(1).getInt64();
    }
    return counts;
  });
}

Result<std::vector<SentMessageTimes>> Store::ListSentMessageTimes(std::string_view key_prefix,
                                                                 EpochMs since) {
  using Times = std::vector<SentMessageTimes>;
  return impl_->Run("list sent messages", [&](SQLite::Database& db) -> Result<Times> {
    // A key range instead of LIKE, so that the unique index on the key serves the query and
    // '%' or '_' in the prefix match only themselves. "\xff" sorts after every UTF-8 byte.
    SQLite::Statement query(db,
                            "SELECT idempotency_key, created_at_ms, sent_at_ms FROM outbox "
                            "WHERE idempotency_key >= ? AND idempotency_key < ? "
                            "AND status = 'sent' AND created_at_ms >= ? "
                            "ORDER BY idempotency_key");
    query.bind(1, std::string(key_prefix));
    query.bind(2, std::string(key_prefix) + "\xff");
    query.bind(3, since.value);
    Times times;
    while (query.executeStep()) {
      times.push_back({query.getColumn(0).getString(), EpochMs(query.getColumn(1).getInt64()),
                       EpochMs(query.getColumn(2).getInt64())});
    }
    return times;
  });
}

Result<bool> Store::ClaimMessage(int64_t id, EpochMs now) {
  return impl_->Run("claim message", [&](SQLite::Database& db) -> Result<bool> {
    SQLite::Statement claim(db,
                            "UPDATE outbox SET status = 'sending', attempts = attempts + 1, "
                            "claimed_at_ms = ? WHERE id = ? AND status = 'pending'");
    claim.bind(1, now.value);
    claim.bind(2, id);
    return claim.exec() == 1;
  });
}

Status Store::MarkMessageSent(int64_t id, EpochMs now, std::string_view platform_ref) {
  return impl_->Run("mark message sent", [&](SQLite::Database& db) -> Status {
    SQLite::Statement update(db,
                             "UPDATE outbox SET status = 'sent', sent_at_ms = ?, platform_ref = ?, "
                             "last_error = '' WHERE id = ?");
    update.bind(1, now.value);
    update.bind(2, std::string(platform_ref));
    update.bind(3, id);
    if (update.exec() == 0) {
      return MakeError(ErrorCode::kNotFound,
                       "outbox message " + std::to_string(id) + " does not exist");
    }
    return OkStatus();
  });
}

Status Store::MarkMessageFailed(int64_t id, std::string_view error,
                                std::optional<EpochMs> retry_at) {
  return impl_->Run("mark message failed", [&](SQLite::Database& db) -> Status {
    SQLite::Statement update(db,
                             "UPDATE outbox SET status = ?, last_error = ?, "
                             "next_attempt_ms = COALESCE(?, next_attempt_ms) WHERE id = ?");
    update.bind(1, retry_at ? "pending" : "failed");
    update.bind(2, std::string(error));
    BindOptionalMs(update, 3, retry_at);
    update.bind(4, id);
    if (update.exec() == 0) {
      return MakeError(ErrorCode::kNotFound,
                       "outbox message " + std::to_string(id) + " does not exist");
    }
    return OkStatus();
  });
}

Status Store::DeferMessage(int64_t id, EpochMs retry_at) {
  return impl_->Run("defer message", [&](SQLite::Database& db) -> Status {
    SQLite::Statement update(
        db, "UPDATE outbox SET next_attempt_ms = ? WHERE id = ? AND status = 'pending'");
    update.bind(1, retry_at.value);
    update.bind(2, id);
    if (update.exec() == 0) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       "outbox message " + std::to_string(id) + " is not pending");
    }
    return OkStatus();
  });
}

Result<int64_t> Store::CountMessagesClaimedSince(std::string_view recipient, EpochMs since) {
  return impl_->Run("count messages", [&](SQLite::Database& db) -> Result<int64_t> {
    SQLite::Statement query(db,
                            "SELECT COUNT(*) FROM outbox WHERE recipient = ? "
                            "AND status IN ('sending', 'sent') AND claimed_at_ms >= ?");
    query.bind(1, std::string(recipient));
    query.bind(2, since.value);
    query.executeStep();
    return query.getColumn(0).getInt64();
  });
}

Result<int64_t> Store::CountAllMessagesClaimedSince(EpochMs since) {
  return impl_->Run("count messages", [&](SQLite::Database& db) -> Result<int64_t> {
    SQLite::Statement query(db,
                            "SELECT COUNT(*) FROM outbox WHERE status IN ('sending', 'sent') "
                            "AND claimed_at_ms >= ?");
    query.bind(1, since.value);
    query.executeStep();
    return query.getColumn(0).getInt64();
  });
}

Result<int64_t> Store::CountMessages(MessageStatus status) {
  return impl_->Run("count messages", [&](SQLite::Database& db) -> Result<int64_t> {
    SQLite::Statement query(db, "SELECT COUNT(*) FROM outbox WHERE status = ?");
    query.bind(1, std::string(MessageStatusName(status)));
    query.executeStep();
    return query.getColumn(0).getInt64();
  });
}

// ---- Roster ------------------------------------------------------------------------------

Status Store::ReplaceRoster(const std::vector<Person>& people,
                            const std::vector<Department>& departments) {
  return impl_->Run("replace roster", [&](SQLite::Database& db) -> Status {
    SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
    db.exec("DELETE FROM people");
    db.exec("DELETE FROM departments");

    SQLite::Statement person(db, "INSERT INTO people VALUES (?, ?, ?, ?, ?, ?)");
    for (const Person& item : people) {
      person.bind(1, item.userid);
      person.bind(2, item.name);
      person.bind(3, item.title);
      person.bind(4, JoinList(item.dept_ids));
      person.bind(5, item.manager_id);
      person.bind(6, item.active ? 1 : 0);
      person.exec();
      person.reset();
    }

    SQLite::Statement department(db, "INSERT INTO departments VALUES (?, ?, ?, ?)");
    for (const Department& item : departments) {
      department.bind(1, item.dept_id);
      department.bind(2, item.name);
      department.bind(3, item.parent_id);
      department.bind(4, JoinList(item.manager_ids));
      department.exec();
      department.reset();
    }
    transaction.commit();
    return OkStatus();
  });
}

namespace {

std::vector<Person> QueryPeople(SQLite::Statement& query) {
  std::vector<Person> people;
  while (query.executeStep()) {
    Person person;
    person.userid = query.getColumn(0).getString();
    person.name = query.getColumn(1).getString();
    person.title = query.getColumn(2).getString();
    for (const std::string& id : SplitList(query.getColumn(3).getString())) {
      person.dept_ids.push_back(std::stoll(id));
    }
    person.manager_id = query.getColumn(4).getString();
    person.active = query.getColumn(5).getInt() != 0;
    people.push_back(std::move(person));
  }
  return people;
}

}  // namespace

Result<std::vector<Person>> Store::ListPeople() {
  return impl_->Run("list people", [&](SQLite::Database& db) -> Result<std::vector<Person>> {
    SQLite::Statement query(db, "SELECT * FROM people ORDER BY userid");
    return QueryPeople(query);
  });
}

Result<std::optional<Person>> Store::GetPerson(std::string_view userid) {
  using Found = std::optional<Person>;
  return impl_->Run("get person", [&](SQLite::Database& db) -> Result<Found> {
    SQLite::Statement query(db, "SELECT * FROM people WHERE userid = ?");
    query.bind(1, std::string(userid));
    std::vector<Person> found = QueryPeople(query);
    return found.empty() ? Found() : Found(found.front());
  });
}

Result<std::vector<Department>> Store::ListDepartments() {
  using Departments = std::vector<Department>;
  return impl_->Run("list departments", [&](SQLite::Database& db) -> Result<Departments> {
    SQLite::Statement query(db, "SELECT * FROM departments ORDER BY dept_id");
    Departments departments;
    while (query.executeStep()) {
      departments.push_back(
          Department{query.getColumn(0).getInt64(), query.getColumn(1).getString(),
                     query.getColumn(2).getInt64(), SplitList(query.getColumn(3).getString())});
    }
    return departments;
  });
}

// ---- Leave ranges ------------------------------------------------------------------------

Status Store::ReplaceLeaves(const std::vector<LeaveRange>& leaves) {
  return impl_->Run("replace leaves", [&](SQLite::Database& db) -> Status {
    SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
    db.exec("DELETE FROM leaves");
    SQLite::Statement insert(db, "INSERT INTO leaves VALUES (?, ?, ?)");
    for (const LeaveRange& leave : leaves) {
      insert.bind(1, leave.userid);
      insert.bind(2, FormatDate(leave.first));
      insert.bind(3, FormatDate(leave.last));
      insert.exec();
      insert.reset();
    }
    transaction.commit();
    return OkStatus();
  });
}

Result<std::vector<LeaveRange>> Store::ListLeaves() {
  return impl_->Run("list leaves", [&](SQLite::Database& db) -> Result<std::vector<LeaveRange>> {
    SQLite::Statement query(db, "SELECT userid, first_date, last_date FROM leaves ORDER BY rowid");
    std::vector<LeaveRange> leaves;
    while (query.executeStep()) {
      Result<Date> first = ParseDate(query.getColumn(1).getString());
      Result<Date> last = ParseDate(query.getColumn(2).getString());
      if (!first.ok() || !last.ok()) {
        return MakeError(ErrorCode::kDataLoss, "leaves table has an unreadable date for " +
                                                   query.getColumn(0).getString());
      }
      leaves.push_back(LeaveRange{query.getColumn(0).getString(), *first, *last});
    }
    return leaves;
  });
}

// ---- API call counter --------------------------------------------------------------------

Status Store::AddApiCalls(std::string_view month, std::string_view family, int64_t calls) {
  return impl_->Run("add api calls", [&](SQLite::Database& db) -> Status {
    SQLite::Statement add(db,
                          "INSERT INTO api_calls VALUES (?, ?, ?) ON CONFLICT (month, family) "
                          "DO UPDATE SET calls = calls + excluded.calls");
    add.bind(1, std::string(month));
    add.bind(2, std::string(family));
    add.bind(3, calls);
    add.exec();
    return OkStatus();
  });
}

Result<int64_t> Store::ApiCallsInMonth(std::string_view month) {
  return impl_->Run("read api calls", [&](SQLite::Database& db) -> Result<int64_t> {
    SQLite::Statement query(db, "SELECT COALESCE(SUM(calls), 0) FROM api_calls WHERE month = ?");
    query.bind(1, std::string(month));
    query.executeStep();
    return query.getColumn(0).getInt64();
  });
}

Result<int64_t> Store::ApiCallsInMonth(std::string_view month, std::string_view family) {
  return impl_->Run("read api calls", [&](SQLite::Database& db) -> Result<int64_t> {
    SQLite::Statement query(
        db, "SELECT COALESCE(SUM(calls), 0) FROM api_calls WHERE month = ? AND family = ?");
    query.bind(1, std::string(month));
    query.bind(2, std::string(family));
    query.executeStep();
    return query.getColumn(0).getInt64();
  });
}

// ---- State values ------------------------------------------------------------------------

Status Store::SetState(std::string_view key, std::string_view value) {
  return impl_->Run("set state", [&](SQLite::Database& db) -> Status {
    SQLite::Statement set(db, "INSERT OR REPLACE INTO state VALUES (?, ?)");
    set.bind(1, std::string(key));
    set.bind(2, std::string(value));
    set.exec();
    return OkStatus();
  });
}

Result<std::optional<std::string>> Store::GetState(std::string_view key) {
  using Found = std::optional<std::string>;
  return impl_->Run("get state", [&](SQLite::Database& db) -> Result<Found> {
    SQLite::Statement query(db, "SELECT value FROM state WHERE key = ?");
    query.bind(1, std::string(key));
    if (!query.executeStep()) {
      return Found();
    }
    return Found(query.getColumn(0).getString());
  });
}

// ---- Audit trail -------------------------------------------------------------------------

Status Store::AppendAudit(const AuditEntry& entry) {
  return impl_->Run("append audit", [&](SQLite::Database& db) -> Status {
    SQLite::Statement insert(db,
                             "INSERT INTO audit_log (at_ms, actor, action, target, detail_json) "
                             "VALUES (?, ?, ?, ?, ?)");
    insert.bind(1, entry.at.value);
    insert.bind(2, entry.actor);
    insert.bind(3, entry.action);
    insert.bind(4, entry.target);
    insert.bind(5, entry.detail_json);
    insert.exec();
    return OkStatus();
  });
}

Result<std::vector<AuditEntry>> Store::ListAudit(int limit) {
  return impl_->Run("list audit", [&](SQLite::Database& db) -> Result<std::vector<AuditEntry>> {
    SQLite::Statement query(db, "SELECT * FROM audit_log ORDER BY id DESC LIMIT ?");
    query.bind(1, limit);
    std::vector<AuditEntry> entries;
    while (query.executeStep()) {
      entries.push_back(AuditEntry{query.getColumn(0).getInt64(),
                                   EpochMs(query.getColumn(1).getInt64()),
                                   query.getColumn(2).getString(), query.getColumn(3).getString(),
                                   query.getColumn(4).getString(), query.getColumn(5).getString()});
    }
    return entries;
  });
}

}  // namespace logbridge::connector
