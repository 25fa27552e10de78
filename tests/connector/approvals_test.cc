// Tests of approvals: which logs need one, the card sent to the manager, approve and reject
// clicks, escalation to the manager's manager, expiry, and edits that close an old approval.

#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <vector>

#include "connector/approvals.h"
#include "connector/outbox.h"
#include "connector/store.h"
#include "tests/connector/outbox_test_support.h"

namespace logbridge::connector {
namespace {

using testing::OpenMemoryStore;
using testing::QueuedWithPrefix;
using testing::UnusedSender;

constexpr char kRawLog[] =
    R"({"report_id":"r1","template_name":"销售日报","creator_id":"a1","creator_name":"张三",)"
    R"("create_time":1771059600000,"modified_time":1771059600000,)"
    R"("contents":[{"key":"今日工作","sort":"0","type":"1","value":"签约一笔15万元订单"}]})";

class ApprovalsFixture {
 public:
  explicit ApprovalsFixture(ApprovalSettings settings = {}) : clock_(EpochMs(1771059600000)) {
    store_ = OpenMemoryStore();
    outbox_ = std::make_unique<Outbox>(*store_, sender_, clock_);
    std::vector<Person> people = {
        Person{"a1", "张三", "销售代表", {2}, "m1", true},
        Person{"m1", "王经理", "销售经理", {2}, "d1", true},
        Person{"d1", "赵总监", "销售总监", {1}, "", true},
    };
    REQUIRE(store_->ReplaceRoster(people, {}).ok());
    REQUIRE(store_->UpsertLogVersion(
                      RawLog{"r1", kRawLog, "销售日报", "a1", clock_.Now(), clock_.Now()},
                      clock_.Now())
                .ok());
    settings.expire_after = std::chrono::hours(48);
    settings.max_escalations = 1;
    approvals_ = std::make_unique<Approvals>(*store_, *outbox_, nullptr, clock_,
                                             ApprovalsOptions{settings, ""});
  }

  static AnalyzedLog Log(int64_t version, std::vector<FlagRecord> flags) {
    AnalyzedLog log;
    log.report_id = "r1";
    log.version = version;
    log.outcome = version == 1 ? UpsertOutcome::kInserted : UpsertOutcome::kChanged;
    log.creator_id = "a1";
    log.template_name = "销售日报";
    log.work_date = "2026-02-14";
    log.flags = std::move(flags);
    return log;
  }

  static FlagRecord Warning() {
    return FlagRecord{"amount_jump", "warning", "今日工作", "金额是此前最大订单的 3 倍", 0, 0};
  }

  std::vector<OutboxMessage> Queued(const std::string& prefix) {
    return QueuedWithPrefix(*store_, clock_.Now(), prefix);
  }

  Approval Only() {
    Result<std::vector<Approval>> all = store_->ListApprovals(ApprovalFilter{});
    REQUIRE(all.ok());
    REQUIRE(all->size() == 1);
    return all->front();
  }

  ManualClock clock_;
  UnusedSender sender_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Outbox> outbox_;
  std::unique_ptr<Approvals> approvals_;
};

TEST_CASE_METHOD(ApprovalsFixture, "flagged log gets an approval card", "[service]") {
  Result<ApprovalReport> report = approvals_->Consider({Log(1, {Warning()})});
  REQUIRE(report.ok());
  CHECK(report->created == 1);
  Approval approval = Only();
  CHECK(approval.manager_id == "m1");
  CHECK(approval.rule == "flagged");
  CHECK(approval.status == ApprovalStatus::kPending);
  CHECK(approval.out_track_id == "apv.r1.v1");

  std::vector<OutboxMessage> cards = Queued("card/");
  REQUIRE(cards.size() == 1);
  CHECK(cards[0].kind == MessageKind::kCard);
  CHECK(cards[0].recipient == "m1");
  CHECK(cards[0].payload_json.find("金额是此前最大订单的 3 倍") != std::string::npos);
  CHECK(cards[0].payload_json.find("签约一笔15万元订单") != std::string::npos);

  // Considering the same version again creates nothing.
  Result<ApprovalReport> again = approvals_->Consider({Log(1, {Warning()})});
  REQUIRE(again.ok());
  CHECK(again->created == 0);
}

TEST_CASE_METHOD(ApprovalsFixture, "info flag needs no approval", "[service]") {
  FlagRecord info{"late", "info", "", "晚于截止时间提交", 0, 0};
  Result<ApprovalReport> report = approvals_->Consider({Log(1, {info})});
  REQUIRE(report.ok());
  CHECK(report->created == 0);
  CHECK(Queued("card/").empty());
}

TEST_CASE("amount over the limit needs approval", "[service]") {
  ApprovalSettings settings;
  settings.flagged = false;
  settings.amount_field = "签约金额";
  settings.amount_over = "100000";
  ApprovalsFixture fixture(settings);
  AnalyzedLog small = ApprovalsFixture::Log(1, {});
  small.values = {ExtractedValue{"签约金额", "sales", "80000", "", 0, 3, "field"}};
  Result<ApprovalReport> none = fixture.approvals_->Consider({small});
  REQUIRE(none.ok());
  CHECK(none->created == 0);

  AnalyzedLog large = ApprovalsFixture::Log(1, {ApprovalsFixture::Warning()});
  large.values = {ExtractedValue{"签约金额", "sales", "150000", "", 0, 3, "field"}};
  Result<ApprovalReport> report = fixture.approvals_->Consider({large});
  REQUIRE(report.ok());
  CHECK(report->created == 1);
  CHECK(fixture.Only().rule == "amount");
}

TEST_CASE_METHOD(ApprovalsFixture, "reject needs a reason", "[service]") {
  REQUIRE(approvals_->Consider({Log(1, {Warning()})}).ok());
  CHECK(approvals_->RecipientOf("apv.r1.v1") == std::optional<std::string>("m1"));
  CHECK(approvals_->IsKnownAction(kRejectAction));
  CHECK_FALSE(approvals_->IsKnownAction("delete"));

  Result<CardDecision> no_reason =
      approvals_->Apply(CardAction{"apv.r1.v1", "m1", "", kRejectAction, {}});
  REQUIRE_FALSE(no_reason.ok());
  CHECK(no_reason.error().code == ErrorCode::kInvalidArgument);
  CHECK(Only().status == ApprovalStatus::kPending);

  Result<CardDecision> rejected = approvals_->Apply(
      CardAction{"apv.r1.v1", "m1", "", kRejectAction, {{kReasonParam, "合同金额对不上"}}});
  REQUIRE(rejected.ok());
  CHECK(rejected->card_data["status"] == "已驳回");
  Approval approval = Only();
  CHECK(approval.status == ApprovalStatus::kRejected);
  CHECK(approval.reason == "合同金额对不上");
  CHECK(approval.decided_by == "m1");
  Result<std::optional<StoredLog>> log = store_->GetLatestLog("r1");
  REQUIRE(log.ok());
  CHECK((*log)->status == "rejected");

  std::vector<OutboxMessage> told = Queued("rejected/");
  REQUIRE(told.size() == 1);
  CHECK(told[0].recipient == "a1");
  CHECK(told[0].payload_json.find("合同金额对不上") != std::string::npos);

  Result<CardDecision> second =
      approvals_->Apply(CardAction{"apv.r1.v1", "m1", "", kApproveAction, {}});
  REQUIRE_FALSE(second.ok());
  CHECK(second.error().code == ErrorCode::kFailedPrecondition);
}

TEST_CASE_METHOD(ApprovalsFixture, "approve keeps the log active", "[service]") {
  REQUIRE(approvals_->Consider({Log(1, {Warning()})}).ok());
  Result<CardDecision> approved =
      approvals_->Apply(CardAction{"apv.r1.v1", "m1", "", kApproveAction, {}});
  REQUIRE(approved.ok());
  CHECK(approved->card_data["status"] == "已通过");
  CHECK(Only().status == ApprovalStatus::kApproved);
  Result<std::optional<StoredLog>> log = store_->GetLatestLog("r1");
  REQUIRE(log.ok());
  CHECK((*log)->status == "active");
  Result<std::vector<AuditEntry>> audit = store_->ListAudit(10);
  REQUIRE(audit.ok());
  REQUIRE(audit->size() == 1);
  CHECK(audit->front().action == "approval.approve");
}

TEST_CASE_METHOD(ApprovalsFixture, "unanswered approval escalates then expires", "[service]") {
  REQUIRE(approvals_->Consider({Log(1, {Warning()})}).ok());
  Result<std::optional<EpochMs>> deadline = approvals_->NextDeadline();
  REQUIRE(deadline.ok());
  CHECK(**deadline == clock_.Now() + std::chrono::hours(48));

  clock_.Advance(std::chrono::hours(47));
  Result<ApprovalReport> early = approvals_->ExpireDue();
  REQUIRE(early.ok());
  CHECK(early->escalated == 0);

  clock_.Advance(std::chrono::hours(2));
  Result<ApprovalReport> escalated = approvals_->ExpireDue();
  REQUIRE(escalated.ok());
  CHECK(escalated->escalated == 1);
  Approval approval = Only();
  CHECK(approval.status == ApprovalStatus::kEscalated);
  CHECK(approval.manager_id == "d1");
  CHECK(Queued("card/apv.r1.v1.e1").size() == 1);
  CHECK(approvals_->RecipientOf("apv.r1.v1.e1") == std::optional<std::string>("d1"));

  clock_.Advance(std::chrono::hours(49));
  Result<ApprovalReport> expired = approvals_->ExpireDue();
  REQUIRE(expired.ok());
  CHECK(expired->expired == 1);
  CHECK(Only().status == ApprovalStatus::kExpired);
  Result<std::optional<EpochMs>> none = approvals_->NextDeadline();
  REQUIRE(none.ok());
  CHECK_FALSE(none->has_value());
}

TEST_CASE_METHOD(ApprovalsFixture, "edit closes the old approval", "[service]") {
  REQUIRE(approvals_->Consider({Log(1, {Warning()})}).ok());
  clock_.Advance(std::chrono::hours(3));
  std::string edited = kRawLog;
  edited.replace(edited.find("签约一笔15万元订单"), std::string("签约一笔15万元订单").size(),
                 "签约一笔5万元订单");
  REQUIRE(store_->UpsertLogVersion(RawLog{"r1", edited, "销售日报", "a1",
                                          EpochMs(1771059600000), clock_.Now()},
                                   clock_.Now())
              .ok());
  Result<ApprovalReport> report = approvals_->Consider({Log(2, {})});
  REQUIRE(report.ok());
  CHECK(report->superseded == 1);
  CHECK(report->created == 0);
  Approval approval = Only();
  CHECK(approval.status == ApprovalStatus::kExpired);
  CHECK(Queued("card-status/").size() == 1);
}

}  // namespace
}  // namespace logbridge::connector
