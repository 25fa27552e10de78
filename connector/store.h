// The connector's embedded SQLite store (through SQLiteCpp): raw logs with every version,
// analysis results, approvals, scores, the message outbox, sync checkpoints, the roster, API
// call counters and the admin audit trail. The database runs in WAL mode and its schema
// migrates forward at Open. A Store owns one connection guarded by a mutex, so every method is
// safe to call from any thread; calls are serialized. The callback inbox table in the same file
// belongs to the callback module and is not touched here.
#pragma once

#include <cstdint>
#include <memory>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "base/time.h"
#include "connector/calendar.h"

namespace logbridge::connector {

struct StoreOptions {
  std::string path;            // database file; ":memory:" for a private in-memory store
  int busy_timeout_ms = 5000;  // how long a write waits for another process's lock
};

// ---- Logs -------------------------------------------------------------------------------

// One version of a work log as received from topapi/report/list.
struct RawLog {
  std::string report_id;
  std::string raw_json;  // the data_list item exactly as received
  std::string template_name;
  std::string creator_id;  // DingTalk userid
  EpochMs create_time;
  EpochMs modified_time;
};

enum class UpsertOutcome {
  kInserted,   // first version of this report_id
  kChanged,    // raw_json differs from the latest version: stored as a new version
  kUnchanged,  // identical to the latest version: nothing written
};

std::string_view UpsertOutcomeName(UpsertOutcome outcome);

// A stored version of a log. version counts from 1 per report_id.
struct StoredLog {
  RawLog raw;
  int64_t version = 0;
  EpochMs received_at;
  std::string normalized_json;  // empty until SaveAnalysis
  std::string status;           // "active", or "rejected" after a rejected approval
  int64_t flag_count = 0;       // flags of this version
};

// A value mined from a log field, with where it came from.
struct ExtractedValue {
  std::string field_key;  // the template field title, contents[].key
  std::string metric;     // the metric it feeds
  std::string value;      // exact decimal as text, e.g. "50000"
  std::string unit;
  int32_t span_begin = 0;  // code points in the field's original text, half-open
  int32_t span_end = 0;
  std::string rule;  // extraction rule or "typed field"
};

struct FlagRecord {
  std::string kind;       // e.g. "missing_field", "amount_outlier"
  std::string severity;   // "info", "warning" or "error"
  std::string field_key;  // empty when the flag concerns the whole log
  std::string message;
  int32_t span_begin = 0;
  int32_t span_end = 0;
};

// Analysis of one log version, replaced as a whole by SaveAnalysis.
struct LogAnalysis {
  std::string report_id;
  int64_t version = 0;
  std::string normalized_json;  // typed fields
  std::vector<ExtractedValue> values;
  std::vector<FlagRecord> flags;
};

// Filter of ListLogs; unset members match everything. Only the latest version of each log.
struct LogFilter {
  std::optional<std::string> creator_id;
  std::optional<std::string> template_name;
  std::optional<EpochMs> created_from;  // inclusive
  std::optional<EpochMs> created_to;    // exclusive
  bool flagged_only = false;
  int limit = 1000;
};

// The resume point of one template's poll. window names the pass, e.g. "create" or "modified".
struct SyncCheckpoint {
  std::string template_name;
  std::string window;
  EpochMs window_start;
  EpochMs window_end;
  int64_t cursor = 0;  // next_cursor to resume with; 0 when the window is done
  EpochMs updated_at;
};

// ---- Approvals ----------------------------------------------------------------------------

enum class ApprovalStatus { kPending, kApproved, kRejected, kExpired, kEscalated };

std::string_view ApprovalStatusName(ApprovalStatus status);
std::optional<ApprovalStatus> ParseApprovalStatus(std::string_view name);

struct Approval {
  int64_t id = 0;  // assigned by CreateApproval
  std::string report_id;
  int64_t report_version = 0;
  std::string author_id;
  std::string manager_id;  // who must decide; changes on escalation
  std::string rule;        // the approval rule that matched, e.g. "flagged"
  ApprovalStatus status = ApprovalStatus::kPending;
  std::string reason;        // rejection reason or expiry note
  std::string out_track_id;  // the card's outTrackId; unique
  EpochMs created_at;
  EpochMs deadline;  // expires or escalates after this
  std::optional<EpochMs> decided_at;
  std::string decided_by;
};

struct ApprovalFilter {
  std::optional<ApprovalStatus> status;
  std::optional<std::string> report_id;
  std::optional<EpochMs> deadline_before;  // exclusive
};

// A status change of an approval, applied only if the current status is `from`.
struct ApprovalTransition {
  int64_t id = 0;
  ApprovalStatus from = ApprovalStatus::kPending;
  ApprovalStatus to = ApprovalStatus::kApproved;
  std::string reason;
  std::string actor;  // userid, or "system" for expiry
  EpochMs at;
  std::string new_manager_id;  // kEscalated only: the next approver
  std::optional<EpochMs> new_deadline;
};

// ---- Scores -------------------------------------------------------------------------------

struct ScoreRecord {
  std::string person_id;
  std::string period;          // e.g. "2026-W07" or "2026-02"
  std::string total;           // exact decimal as text
  std::string breakdown_json;  // per-KPI points
  std::string evidence_json;   // log spans behind the points
  EpochMs computed_at;
};

// ---- Outbox -------------------------------------------------------------------------------

enum class MessageKind { kWorkNotification, kRobotMessage, kCard, kCardUpdate, kWebhook };
enum class MessageStatus { kPending, kSending, kSent, kFailed };

std::string_view MessageKindName(MessageKind kind);
std::string_view MessageStatusName(MessageStatus status);

struct OutboxMessage {
  int64_t id = 0;               // assigned by EnqueueMessage
  std::string idempotency_key;  // unique per logical message, e.g. "reminder/日报/u1/2026-02-14"
  MessageKind kind = MessageKind::kWorkNotification;
  std::string recipient;     // userid, or a webhook or conversation id
  std::string payload_json;  // kind-specific body, built by the caller
  MessageStatus status = MessageStatus::kPending;
  int32_t attempts = 0;  // platform calls started
  EpochMs created_at;
  EpochMs next_attempt_at;
  std::optional<EpochMs> claimed_at;
  std::optional<EpochMs> sent_at;
  std::string platform_ref;  // task_id, processQueryKey or outTrackId once sent
  std::string last_error;
};

// When an outbox message was created and when the platform accepted it.
struct SentMessageTimes {
  std::string idempotency_key;
  EpochMs created_at;
  EpochMs sent_at;
};

struct EnqueueOutcome {
  int64_t id = 0;
  bool inserted = false;  // false: the idempotency key existed; nothing written
};

// ---- Roster -------------------------------------------------------------------------------

struct Person {
  std::string userid;
  std::string name;
  std::string title;
  std::vector<int64_t> dept_ids;
  std::string manager_id;  // empty when DingTalk has no direct manager set
  bool active = true;
};

struct Department {
  int64_t dept_id = 0;
  std::string name;
  int64_t parent_id = 0;
  std::vector<std::string> manager_ids;
};

// ---- Audit --------------------------------------------------------------------------------

struct AuditEntry {
  int64_t id = 0;
  EpochMs at;
  std::string actor;   // admin token name, userid or "system"
  std::string action;  // e.g. "approval.reject", "roster.replace"
  std::string target;  // e.g. a report_id
  std::string detail_json;
};

class Store {
 public:
  // Opens or creates the database, turns on WAL, applies pending migrations in one
  // transaction each. Fails with kFailedPrecondition when the file's schema is newer than
  // this build, and kUnavailable when the file cannot be opened.
  static Result<std::unique_ptr<Store>> Open(const StoreOptions& options);
  ~Store();

  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // The schema version after migrations, and the newest one this build supports.
  int64_t SchemaVersion();
  static int64_t LatestSchemaVersion();

  // Runs a trivial query; the readiness probe.
  Status Ping();

  // -- Logs
  // Stores a new version when raw_json differs from the latest stored one. A copy whose
  // modified_time is older than the stored one (a stale re-poll) is kUnchanged. received_at is
  // the time of the poll. Fails with kInvalidArgument for an empty report_id.
  Result<UpsertOutcome> UpsertLogVersion(const RawLog& log, EpochMs received_at);

  // Upserts every log of a page and saves the checkpoint in one transaction: either all of
  // them land or none. Outcomes are in the order of `logs`.
  Result<std::vector<UpsertOutcome>> CommitPage(const std::vector<RawLog>& logs,
                                                const SyncCheckpoint& checkpoint,
                                                EpochMs received_at);

  Result<std::optional<StoredLog>> GetLatestLog(std::string_view report_id);
  // Every version, oldest first.
  Result<std::vector<StoredLog>> GetLogHistory(std::string_view report_id);
  // Latest versions matching the filter, newest create_time first.
  Result<std::vector<StoredLog>> ListLogs(const LogFilter& filter);

  // Replaces the analysis of a log version (normalized fields, values, flags) in one
  // transaction. Fails with kNotFound when that version is not stored.
  Status SaveAnalysis(const LogAnalysis& analysis);
  Result<std::vector<ExtractedValue>> ListValues(std::string_view report_id, int64_t version);
  Result<std::vector<FlagRecord>> ListFlags(std::string_view report_id, int64_t version);

  // Sets the status of every version of a log, e.g. "rejected".
  Status SetLogStatus(std::string_view report_id, std::string_view status);

  // -- Sync checkpoints
  Result<std::optional<SyncCheckpoint>> GetCheckpoint(std::string_view template_name,
                                                      std::string_view window);
  Status SaveCheckpoint(const SyncCheckpoint& checkpoint);

  // -- Approvals
  // Returns the new id. Fails with kAlreadyExists when out_track_id is taken.
  Result<int64_t> CreateApproval(const Approval& approval);
  Result<std::optional<Approval>> GetApproval(int64_t id);
  Result<std::optional<Approval>> GetApprovalByOutTrackId(std::string_view out_track_id);
  Result<std::vector<Approval>> ListApprovals(const ApprovalFilter& filter);
  // Applies the transition. Fails with kFailedPrecondition when the status is no longer
  // `from` (a second click, or an expiry that won the race), kNotFound for an unknown id.
  Status TransitionApproval(const ApprovalTransition& transition);

  // -- Scores
  // Replaces every score of a period with `scores` in one transaction.
  Status ReplaceScores(std::string_view period, const std::vector<ScoreRecord>& scores);
  Result<std::vector<ScoreRecord>> ListScores(std::string_view period);
  Result<std::optional<ScoreRecord>> GetScore(std::string_view person_id, std::string_view period);

  // -- Outbox
  // Inserts a pending message due at message.next_attempt_at. An existing idempotency key is
  // not an error: the outcome has inserted = false and carries the existing id.
  Result<EnqueueOutcome> EnqueueMessage(const OutboxMessage& message);
  Result<std::optional<OutboxMessage>> GetMessage(int64_t id);
  // Pending messages with next_attempt_at <= now, oldest due first.
  Result<std::vector<OutboxMessage>> ListDueMessages(EpochMs now, int limit);
  // Messages in kSending, left by a dispatcher that stopped between claim and confirmation.
  Result<std::vector<OutboxMessage>> ListSendingMessages();
  // Counts sent messages by purpose, which is the first segment of the idempotency key
  // ("reminder", "scorecard", "card" and so on).
  Result<std::map<std::string, int64_t>> CountSentMessagesByPurpose();
  // Returns the times of each sent message whose key starts with key_prefix and that was
  // created at or after `since`, in key order.
  Result<std::vector<SentMessageTimes>> ListSentMessageTimes(std::string_view key_prefix,
                                                             EpochMs since);
  // Moves a pending message to kSending, counts an attempt and records claimed_at = now.
  // Returns false when another caller claimed it first.
  Result<bool> ClaimMessage(int64_t id, EpochMs now);
  Status MarkMessageSent(int64_t id, EpochMs now, std::string_view platform_ref);
  // Back to kPending at retry_at, or to kFailed for good when retry_at is nullopt.
  Status MarkMessageFailed(int64_t id, std::string_view error, std::optional<EpochMs> retry_at);
  // Moves a pending message's next attempt without counting an attempt (rate limits).
  Status DeferMessage(int64_t id, EpochMs retry_at);
  // Messages to `recipient`, sent or being sent, whose latest claim was at or after `since`.
  Result<int64_t> CountMessagesClaimedSince(std::string_view recipient, EpochMs since);
  Result<int64_t> CountAllMessagesClaimedSince(EpochMs since);
  Result<int64_t> CountMessages(MessageStatus status);

  // -- Roster
  // Replaces all people and departments in one transaction.
  Status ReplaceRoster(const std::vector<Person>& people,
                       const std::vector<Department>& departments);
  Result<std::vector<Person>> ListPeople();
  Result<std::optional<Person>> GetPerson(std::string_view userid);
  Result<std::vector<Department>> ListDepartments();

  // -- Leave ranges, replaced as a whole
  Status ReplaceLeaves(const std::vector<LeaveRange>& leaves);
  Result<std::vector<LeaveRange>> ListLeaves();

  // -- API call counter, per Shanghai month ("2026-02") and API family ("report", "message")
  Status AddApiCalls(std::string_view month, std::string_view family, int64_t calls);
  // Calls of every family in a month.
  Result<int64_t> ApiCallsInMonth(std::string_view month);
  Result<int64_t> ApiCallsInMonth(std::string_view month, std::string_view family);

  // -- Small named state values, e.g. "sync.last_ok_ms"
  Status SetState(std::string_view key, std::string_view value);
  Result<std::optional<std::string>> GetState(std::string_view key);

  // -- Audit trail; entry.id is ignored
  Status AppendAudit(const AuditEntry& entry);
  // Newest first.
  Result<std::vector<AuditEntry>> ListAudit(int limit);

 private:
  class Impl;
  explicit Store(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace logbridge::connector
