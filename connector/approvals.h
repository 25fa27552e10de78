// Approvals of work logs by the author's manager. Logs matching a configured rule (flagged, an
// amount over a limit, every log of some titles) get an approval and an interactive card with
// the key fields, the flags and approve / reject-with-reason buttons. A click sets the
// approval's status: a rejected log stops counting for scores and its author gets the reason. An
// approval nobody answers before its deadline escalates to the manager's manager, up to
// max_escalations times, then expires. Approvals borrows the store, outbox, score keeper and
// clock, which must outlive it. Its methods are thread-safe: one mutex serializes them, since
// clicks arrive on the callback server's threads.
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "base/time.h"
#include "connector/card_actions.h"
#include "connector/outbox.h"
#include "connector/score_cards.h"
#include "connector/service_config.h"
#include "connector/store.h"

namespace logbridge::connector {

// Button ids on the approval card, and the param that carries a rejection reason.
inline constexpr char kApproveAction[] = "approve";
inline constexpr char kRejectAction[] = "reject";
inline constexpr char kReasonParam[] = "reason";

struct ApprovalsOptions {
  ApprovalSettings settings;
  std::string card_template_id;  // empty: the sender's default template
};

// Counts of one Consider or ExpireDue.
struct ApprovalReport {
  int created = 0;
  int superseded = 0;  // pending approvals of an older version, closed by an edit
  int escalated = 0;
  int expired = 0;
};

// Returns the out_track_id of an approval card: "apv.<report_id>.v<version>", with ".e<n>" for
// the card of the n-th escalation.
std::string ApprovalTrackId(const std::string& report_id, int64_t version, int escalation = 0);

class Approvals final : public CardActionHandler {
 public:
  // `scores` may be null; then decisions do not trigger score corrections.
  Approvals(Store& store, Outbox& outbox, ScoreKeeper* scores, const Clock& clock,
            ApprovalsOptions options);

  // Creates an approval for each analyzed log that matches a rule and has none for its version,
  // and enqueues its card to the author's manager. An edited log first closes the open
  // approval of its older version. Logs whose author has no manager are skipped with a warning.
  Result<ApprovalReport> Consider(const std::vector<AnalyzedLog>& logs);

  // Escalates or expires open approvals whose deadline has passed.
  Result<ApprovalReport> ExpireDue();

  // The earliest deadline of an open approval, or nullopt when none is open.
  Result<std::optional<EpochMs>> NextDeadline();

  // CardActionHandler: the current approver of the card's approval.
  std::optional<std::string> RecipientOf(const std::string& out_track_id) override;
  bool IsKnownAction(const std::string& action_id) override;
  // Approves, or rejects with params["reason"] (required). Errors: kNotFound for an unknown
  // card, kFailedPrecondition when the approval is already decided or expired,
  // kInvalidArgument for a rejection without a reason.
  Result<CardDecision> Apply(const CardAction& action) override;

 private:
  Result<std::optional<Approval>> FindByTrackId(const std::string& out_track_id);
  Result<std::vector<std::string>> MatchingRules(const AnalyzedLog& log);
  Status CreateFor(const AnalyzedLog& log, const std::string& rule, ApprovalReport& report);
  Status CloseOlderVersions(const AnalyzedLog& log, ApprovalReport& report);
  Status EnqueueCard(const Approval& approval, const std::string& out_track_id,
                     const AnalyzedLog* log);
  Status EnqueueCardStatus(const Approval& approval, const std::string& status_text);
  Status Notify(const std::string& key, const std::string& recipient, const std::string& title,
                const std::string& text);

  Store& store_;
  Outbox& outbox_;
  ScoreKeeper* const scores_;
  const Clock& clock_;
  const ApprovalsOptions options_;

  std::mutex mutex_;  // serializes every public method
};

}  // namespace logbridge::connector
