// Approval rules, cards, clicks, escalation and expiry.
#include "connector/approvals.h"

#include <algorithm>
#include <charconv>
#include <utility>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "connector/metrics.h"
#include "scoring/decimal.h"
#include "scoring/log_record.h"

namespace logbridge::connector {
namespace {

using nlohmann::json;

constexpr size_t kMaxSummaryBytes = 900;  // a card value may hold 1 KB

std::string EscalationsKey(int64_t approval_id) {
  return "approvals.escalations." + std::to_string(approval_id);
}

// Strips a ".e<n>" escalation suffix: the stored out_track_id of the approval.
std::string BaseTrackId(const std::string& out_track_id) {
  const size_t dot = out_track_id.rfind(".e");
  if (dot == std::string::npos || dot + 2 >= out_track_id.size()) {
    return out_track_id;
  }
  for (size_t i = dot + 2; i < out_track_id.size(); ++i) {
    if (out_track_id[i] < '0' || out_track_id[i] > '9') {
      return out_track_id;
    }
  }
  return out_track_id.substr(0, dot);
}

// Cuts text to at most max_bytes without splitting a UTF-8 character.
std::string CutUtf8(std::string text, size_t max_bytes) {
  if (text.size() <= max_bytes) {
    return text;
  }
  size_t end = max_bytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
    end -= 1;
  }
  text.resize(end);
  return text + "…";
}

// "field: value" lines of a stored log, for the card.
std::string ContentSummary(const StoredLog& log) {
  Result<std::vector<scoring::LogRecord>> records =
      scoring::ParseLogRecords(log.raw.raw_json, log.raw.report_id);
  if (!records.ok() || records->empty()) {
    return "";
  }
  std::string summary;
  for (const scoring::LogField& field : records->front().contents) {
    summary += field.key + "：" + field.value + "\n";
  }
  return CutUtf8(summary, kMaxSummaryBytes);
}

std::string FlagSummary(const std::vector<FlagRecord>& flags) {
  std::string summary;
  for (const FlagRecord& flag : flags) {
    summary += "- " + flag.message + "\n";
  }
  return CutUtf8(summary.empty() ? "无" : summary, kMaxSummaryBytes);
}

std::string RuleText(const std::string& rule) {
  if (rule == "flagged") {
    return "日志被标记";
  }
  if (rule == "amount") {
    return "金额超过审批线";
  }
  return "该岗位的日志需审批";
}

}  // namespace

std::string ApprovalTrackId(const std::string& report_id, int64_t version, int escalation) {
  std::string id = "apv." + report_id + ".v" + std::to_string(version);
  if (escalation > 0) {
    id += ".e" + std::to_string(escalation);
  }
  return id;
}

Approvals::Approvals(Store& store, Outbox& outbox, ScoreKeeper* scores, const Clock& clock,
                     ApprovalsOptions options)
    : store_(store), outbox_(outbox), scores_(scores), clock_(clock), options_(std::move(options)) {}

Result<std::vector<std::string>> Approvals::MatchingRules(const AnalyzedLog& log) {
  const ApprovalSettings& settings = options_.settings;
  std::vector<std::string> rules;
  if (settings.flagged) {
    for (const FlagRecord& flag : log.flags) {
      if (flag.severity == "warning" || flag.severity == "error") {
        rules.push_back("flagged");
        break;
      }
    }
  }
  if (!settings.amount_field.empty()) {
    std::optional<scoring::Decimal> limit = scoring::Decimal::Parse(settings.amount_over);
    for (const ExtractedValue& value : log.values) {
      std::optional<scoring::Decimal> amount = scoring::Decimal::Parse(value.value);
      if (value.field_key == settings.amount_field && limit && amount && *amount > *limit) {
        rules.push_back("amount");
        break;
      }
    }
  }
  if (!settings.roles.empty()) {
    Result<std::optional<Person>> author = store_.GetPerson(log.creator_id);
    if (!author.ok()) {
      return author.error();
    }
    if (author->has_value() && std::find(settings.roles.begin(), settings.roles.end(),
                                         (*author)->title) != settings.roles.end()) {
      rules.push_back("role");
    }
  }
  return rules;
}

Result<ApprovalReport> Approvals::Consider(const std::vector<AnalyzedLog>& logs) {
  std::lock_guard<std::mutex> lock(mutex_);
  ApprovalReport report;
  if (!options_.settings.enabled) {
    return report;
  }
  for (const AnalyzedLog& log : logs) {
    Status closed = CloseOlderVersions(log, report);
    if (!closed.ok()) {
      return closed.error();
    }
    Result<std::vector<std::string>> rules = MatchingRules(log);
    if (!rules.ok()) {
      return rules.error();
    }
    if (rules->empty()) {
      continue;
    }
    std::string joined;
    for (const std::string& rule : *rules) {
      joined += (joined.empty() ? "" : ",") + rule;
    }
    Status created = CreateFor(log, joined, report);
    if (!created.ok()) {
      return created.error();
    }
  }
  return report;
}

Status Approvals::CloseOlderVersions(const AnalyzedLog& log, ApprovalReport& report) {
  ApprovalFilter filter;
  filter.report_id = log.report_id;
  Result<std::vector<Approval>> existing = store_.ListApprovals(filter);
  if (!existing.ok()) {
    return existing.error();
  }
  for (const Approval& approval : *existing) {
    const bool open = approval.status == ApprovalStatus::kPending ||
                      approval.status == ApprovalStatus::kEscalated;
    if (!open || approval.report_version >= log.version) {
      continue;
    }
    ApprovalTransition transition;
    transition.id = approval.id;
    transition.from = approval.status;
    transition.to = ApprovalStatus::kExpired;
    transition.reason = "日志已修改为第 " + std::to_string(log.version) + " 版，本审批失效";
    transition.actor = "system";
    transition.at = clock_.Now();
    Status moved = store_.TransitionApproval(transition);
    if (!moved.ok() && moved.error().code != ErrorCode::kFailedPrecondition) {
      return moved;
    }
    if (moved.ok()) {
      report.superseded += 1;
      Status updated = EnqueueCardStatus(approval, "已失效：日志已修改");
      if (!updated.ok()) {
        return updated;
      }
    }
  }
  return OkStatus();
}

Status Approvals::CreateFor(const AnalyzedLog& log, const std::string& rule,
                            ApprovalReport& report) {
  const std::string track_id = ApprovalTrackId(log.report_id, log.version);
  Result<std::optional<Approval>> existing = store_.GetApprovalByOutTrackId(track_id);
  if (!existing.ok()) {
    return existing.error();
  }
  if (existing->has_value()) {
    return OkStatus();  // this version already has its approval
  }
  Result<std::optional<Person>> author = store_.GetPerson(log.creator_id);
  if (!author.ok()) {
    return author.error();
  }
  if (!author->has_value() || (*author)->manager_id.empty()) {
    ServiceLogger()->warn("approvals: log {} of {} needs approval ({}) but its author has no "
                          "manager in the roster; no card sent",
                          log.report_id, log.creator_id, rule);
    return OkStatus();
  }

  const EpochMs now = clock_.Now();
  Approval approval;
  approval.report_id = log.report_id;
  approval.report_version = log.version;
  approval.author_id = log.creator_id;
  approval.manager_id = (*author)->manager_id;
  approval.rule = rule;
  approval.out_track_id = track_id;
  approval.created_at = now;
  approval.deadline = now + options_.settings.expire_after;
  Result<int64_t> id = store_.CreateApproval(approval);
  if (!id.ok()) {
    return id.error().code == ErrorCode::kAlreadyExists ? OkStatus() : Status(id.error());
  }
  approval.id = *id;
  report.created += 1;
  ServiceLogger()->info("approvals: approval {} for log {} v{} ({}) sent to {}", approval.id,
                        log.report_id, log.version, rule, approval.manager_id);
  return EnqueueCard(approval, track_id, &log);
}

Status Approvals::EnqueueCard(const Approval& approval, const std::string& out_track_id,
                              const AnalyzedLog* log) {
  Result<std::optional<StoredLog>> stored = store_.GetLatestLog(approval.report_id);
  if (!stored.ok()) {
    return stored.error();
  }
  Result<std::optional<Person>> author = store_.GetPerson(approval.author_id);
  if (!author.ok()) {
    return author.error();
  }
  std::vector<FlagRecord> flags;
  if (log != nullptr) {
    flags = log->flags;
  } else {
    Result<std::vector<FlagRecord>> listed =
        store_.ListFlags(approval.report_id, approval.report_version);
    if (!listed.ok()) {
      return listed.error();
    }
    flags = std::move(*listed);
  }

  json params = {
      {"title", "日志审批：" + RuleText(approval.rule)},
      {"author", author->has_value() ? (*author)->name : approval.author_id},
      {"template", stored->has_value() ? (*stored)->raw.template_name : ""},
      {"work_date", log != nullptr ? log->work_date : ""},
      {"summary", stored->has_value() ? ContentSummary(**stored) : ""},
      {"flags", FlagSummary(flags)},
      {"rule", approval.rule},
      {"report_id", approval.report_id},
      {"approval_id", std::to_string(approval.id)},
      {"status", "待审批"},
  };
  NewMessage card;
  card.idempotency_key = "card/" + out_track_id;
  card.kind = MessageKind::kCard;
  card.recipient = approval.manager_id;
  json payload = {{"out_track_id", out_track_id}, {"params", std::move(params)}};
  if (!options_.card_template_id.empty()) {
    payload["card_template_id"] = options_.card_template_id;
  }
  card.payload_json = payload.dump();
  Result<EnqueueOutcome> queued = outbox_.Enqueue(card);
  if (!queued.ok()) {
    return queued.error();
  }
  return OkStatus();
}

Status Approvals::EnqueueCardStatus(const Approval& approval, const std::string& status_text) {
  NewMessage update;
  update.idempotency_key = "card-status/" + approval.out_track_id + "/" + status_text;
  update.kind = MessageKind::kCardUpdate;
  update.recipient = approval.manager_id;
  update.payload_json =
      json{{"out_track_id", approval.out_track_id}, {"params", {{"status", status_text}}}}.dump();
  Result<EnqueueOutcome> queued = outbox_.Enqueue(update);
  if (!queued.ok()) {
    return queued.error();
  }
  return OkStatus();
}

Status Approvals::Notify(const std::string& key, const std::string& recipient,
                         const std::string& title, const std::string& text) {
  NewMessage message;
  message.idempotency_key = key;
  message.kind = MessageKind::kWorkNotification;
  message.recipient = recipient;
  message.payload_json = json{{"title", title}, {"text", text}}.dump();
  Result<EnqueueOutcome> queued = outbox_.Enqueue(message);
  if (!queued.ok()) {
    return queued.error();
  }
  return OkStatus();
}

Result<ApprovalReport> Approvals::ExpireDue() {
  std::lock_guard<std::mutex> lock(mutex_);
  ApprovalReport report;
  const EpochMs now = clock_.Now();
  for (ApprovalStatus status : {ApprovalStatus::kPending, ApprovalStatus::kEscalated}) {
    ApprovalFilter filter;
    filter.status = status;
    filter.deadline_before = now;
    Result<std::vector<Approval>> due = store_.ListApprovals(filter);
    if (!due.ok()) {
      return due.error();
    }
    for (const Approval& approval : *due) {
      Result<std::optional<std::string>> count = store_.GetState(EscalationsKey(approval.id));
      if (!count.ok()) {
        return count.error();
      }
      int escalations = 0;
      if (count->has_value()) {
        std::from_chars((*count)->data(), (*count)->data() + (*count)->size(), escalations);
      }
      Result<std::optional<Person>> manager = store_.GetPerson(approval.manager_id);
      if (!manager.ok()) {
        return manager.error();
      }
      const std::string next_manager =
          manager->has_value() ? (*manager)->manager_id : std::string();

      ApprovalTransition transition;
      transition.id = approval.id;
      transition.from = approval.status;
      transition.actor = "system";
      transition.at = now;
      const bool escalate = escalations < options_.settings.max_escalations &&
                            !next_manager.empty() && next_manager != approval.manager_id;
      if (escalate) {
        transition.to = ApprovalStatus::kEscalated;
        transition.reason = approval.manager_id + " 未在期限内审批，已升级";
        transition.new_manager_id = next_manager;
        transition.new_deadline = now + options_.settings.expire_after;
      } else {
        transition.to = ApprovalStatus::kExpired;
        transition.reason = "无人在期限内审批，已过期";
      }
      Status moved = store_.TransitionApproval(transition);
      if (!moved.ok()) {
        if (moved.error().code == ErrorCode::kFailedPrecondition) {
          continue;  // decided by a click in the meantime
        }
        return moved.error();
      }

      if (escalate) {
        report.escalated += 1;
        Status counted =
            store_.SetState(EscalationsKey(approval.id), std::to_string(escalations + 1));
        if (!counted.ok()) {
          return counted.error();
        }
        Approval escalated = approval;
        escalated.manager_id = next_manager;
        Status sent = EnqueueCard(escalated,
                                  ApprovalTrackId(approval.report_id, approval.report_version,
                                                  escalations + 1),
                                  nullptr);
        if (!sent.ok()) {
          return sent.error();
        }
        ServiceLogger()->info("approvals: approval {} escalated from {} to {}", approval.id,
                              approval.manager_id, next_manager);
      } else {
        report.expired += 1;
        Status updated = EnqueueCardStatus(approval, "已过期");
        if (!updated.ok()) {
          return updated.error();
        }
        ServiceLogger()->info("approvals: approval {} expired unanswered", approval.id);
      }
    }
  }
  return report;
}

Result<std::optional<EpochMs>> Approvals::NextDeadline() {
  std::lock_guard<std::mutex> lock(mutex_);
  std::optional<EpochMs> next;
  for (ApprovalStatus status : {ApprovalStatus::kPending, ApprovalStatus::kEscalated}) {
    ApprovalFilter filter;
    filter.status = status;
    Result<std::vector<Approval>> open = store_.ListApprovals(filter);
    if (!open.ok()) {
      return open.error();
    }
    for (const Approval& approval : *open) {
      next = next.has_value() ? std::min(*next, approval.deadline) : approval.deadline;
    }
  }
  return next;
}

Result<std::optional<Approval>> Approvals::FindByTrackId(const std::string& out_track_id) {
  return store_.GetApprovalByOutTrackId(BaseTrackId(out_track_id));
}

std::optional<std::string> Approvals::RecipientOf(const std::string& out_track_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  Result<std::optional<Approval>> approval = FindByTrackId(out_track_id);
  if (!approval.ok() || !approval->has_value()) {
    return std::nullopt;
  }
  return (*approval)->manager_id;
}

bool Approvals::IsKnownAction(const std::string& action_id) {
  return action_id == kApproveAction || action_id == kRejectAction;
}

Result<CardDecision> Approvals::Apply(const CardAction& action) {
  std::lock_guard<std::mutex> lock(mutex_);
  Result<std::optional<Approval>> found = FindByTrackId(action.out_track_id);
  if (!found.ok()) {
    return found.error();
  }
  if (!found->has_value()) {
    return MakeError(ErrorCode::kNotFound, "no approval has card " + action.out_track_id);
  }
  const Approval& approval = **found;
  const bool reject = action.action_id == kRejectAction;
  auto reason_param = action.params.find(kReasonParam);
  const std::string reason = reason_param != action.params.end() ? reason_param->second : "";
  if (reject && reason.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "a rejection needs a reason: fill in the \"reason\" field of the card");
  }

  ApprovalTransition transition;
  transition.id = approval.id;
  transition.from = approval.status;
  transition.to = reject ? ApprovalStatus::kRejected : ApprovalStatus::kApproved;
  transition.reason = reason;
  transition.actor = action.user_id;
  transition.at = clock_.Now();
  if (approval.status != ApprovalStatus::kPending &&
      approval.status != ApprovalStatus::kEscalated) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     "approval " + std::to_string(approval.id) + " is already " +
                         std::string(ApprovalStatusName(approval.status)));
  }
  Status moved = store_.TransitionApproval(transition);
  if (!moved.ok()) {
    return moved.error();
  }

  Status audited = store_.AppendAudit(AuditEntry{
      0, transition.at, action.user_id, reject ? "approval.reject" : "approval.approve",
      approval.report_id,
      json{{"approval_id", approval.id}, {"version", approval.report_version}, {"reason", reason}}
          .dump()});
  if (!audited.ok()) {
    ServiceLogger()->error("approvals: audit entry for approval {} failed: {}", approval.id,
                           audited.error().ToString());
  }

  CardDecision decision;
  if (reject) {
    Status status = store_.SetLogStatus(approval.report_id, "rejected");
    if (!status.ok()) {
      return status.error();
    }
    Status told = Notify("rejected/" + std::to_string(approval.id), approval.author_id,
                         "日志被驳回",
                         "### 你的日志被驳回\n\n审批人驳回了你的日志（" + approval.report_id +
                             "），这篇日志不再计入得分。\n\n原因：" + reason +
                             "\n\n修改日志后会重新审批。");
    if (!told.ok()) {
      return told.error();
    }
    decision.card_data = {{"status", "已驳回"}, {"reason", reason}};
  } else {
    decision.card_data = {{"status", "已通过"}};
  }
  decision.card_data["decided_by"] = action.user_id;
  if (scores_ != nullptr) {
    // NOTE: this runs on a callback thread while the scheduler may clear the same state key.
    // The store serializes the two writes, so a mark made in between can be lost, and then the
    // correction waits for the next change of that period.
    Status marked = scores_->MarkLogChanged(approval.report_id);
    if (!marked.ok()) {
      ServiceLogger()->warn("approvals: could not mark the period of log {} for correction: {}",
                            approval.report_id, marked.error().ToString());
    }
  }
  ServiceLogger()->info("approvals: approval {} {} by {}", approval.id,
                        reject ? "rejected" : "approved", action.user_id);
  return decision;
}

}  // namespace logbridge::connector
