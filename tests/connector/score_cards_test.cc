// Tests of the score keeper: analysis of stored logs with feedback, sent only for recent logs
// and never when turned off. Period scores without rejected logs, computed or stored. Score
// cards and team summaries after the period, and corrections when a late log changes a period
// whose cards were sent.

#include <catch2/catch.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "connector/calendar.h"
#include "connector/outbox.h"
#include "connector/score_cards.h"
#include "connector/store.h"
#include "tests/connector/outbox_test_support.h"
#include "scoring/config.h"

namespace logbridge::connector {
namespace {

using testing::Day;
using testing::OpenMemoryStore;
using testing::QueuedWithPrefix;
using testing::UnusedSender;

constexpr char kRules[] = R"toml(
period = "week"
target_period = "week"
[metrics.sales]
aggregation = "sum"
[[templates]]
name = "销售日报"
  [[templates.fields]]
  key = "日期"
  type = "date"
  work_date = true
  [[templates.fields]]
  key = "签约金额"
  type = "amount"
  unit = "元"
  metric = "sales"
  [[templates.fields]]
  key = "今日工作"
  type = "text"
  required = true
  extract = false
[roles.sales]
templates = ["销售日报"]
  [[roles.sales.kpis]]
  name = "销售额"
  metric = "sales"
  weight = 100
  target = 100000
[validation]
min_chars = 10
)toml";

class ScoreFixture {
 public:
  explicit ScoreFixture(FeedbackSettings feedback = {}, const std::string& rules_text = kRules)
      : clock_(ShanghaiTime(Day(2026, 2, 9), 9, 0)) {
    store_ = OpenMemoryStore();
    outbox_ = std::make_unique<Outbox>(*store_, sender_, clock_);
    REQUIRE(store_
                ->ReplaceRoster({Person{"a1", "张三", "销售代表", {2}, "m1", true},
                                 Person{"m1", "王经理", "销售经理", {2}, "", true}},
                                {})
                .ok());
    StartKeeper(feedback, rules_text);
  }

  // Replaces the score keeper with one that has these settings and the same store, as a
  // restart with an edited config does.
  void StartKeeper(FeedbackSettings feedback, const std::string& rules_text) {
    Result<scoring::Config> rules = scoring::LoadConfigString(rules_text, "test rules");
    REQUIRE(rules.ok());
    ScoreKeeperOptions options;
    options.cards.period = ScorePeriod::kWeek;
    options.cards.send_weekday = 1;
    options.cards.send_hour = 9;
    options.feedback = feedback;
    keeper_ = std::make_unique<ScoreKeeper>(
        *store_, *outbox_, calendar_, clock_,
        std::make_shared<const scoring::Config>(std::move(*rules)), options);
  }

  // Stores a 销售日报 of a1, or a new version of it when `modified` is set, and analyzes it.
  // Returns the change.
  StoredChange Write(const std::string& id, Date work_date, EpochMs created,
                     const std::string& amount, const std::string& work,
                     std::optional<EpochMs> modified = std::nullopt, int32_t version = 1) {
    EpochMs modified_time = modified.value_or(created);
    nlohmann::json record = {
        {"report_id", id},           {"template_name", "销售日报"},
        {"creator_id", "a1"},        {"creator_name", "张三"},
        {"create_time", created.value}, {"modified_time", modified_time.value},
        {"contents",
         {{{"key", "日期"}, {"sort", "0"}, {"type", "1"}, {"value", FormatDate(work_date)}},
          {{"key", "签约金额"}, {"sort", "1"}, {"type", "1"}, {"value", amount}},
          {{"key", "今日工作"}, {"sort", "2"}, {"type", "1"}, {"value", work}}}}};
    Result<UpsertOutcome> stored = store_->UpsertLogVersion(
        RawLog{id, record.dump(), "销售日报", "a1", created, modified_time}, modified_time);
    REQUIRE(stored.ok());
    StoredChange change{id, version, *stored};
    Result<std::vector<AnalyzedLog>> analyzed = keeper_->Analyze({change});
    REQUIRE(analyzed.ok());
    REQUIRE(analyzed->size() == 1);
    return change;
  }

  std::vector<OutboxMessage> Queued(const std::string& prefix) {
    return QueuedWithPrefix(*store_, clock_.Now(), prefix);
  }

  ManualClock clock_;
  UnusedSender sender_;
  WorkdayCalendar calendar_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Outbox> outbox_;
  std::unique_ptr<ScoreKeeper> keeper_;
};

// The rules with a 21:00 deadline on the 销售日报, for the edited_late checks.
std::string RulesWithDeadline() {
  std::string rules = kRules;
  const std::string anchor = "name = \"销售日报\"\n";
  rules.insert(rules.find(anchor) + anchor.size(),
               "deadline = { period = \"day\", time = \"21:00\" }\n");
  return rules;
}

// The fixture with feedback notices turned off, as [feedback] enabled = false does.
class NoFeedbackFixture : public ScoreFixture {
 public:
  NoFeedbackFixture() : ScoreFixture(FeedbackSettings{false}) {}
};

constexpr char kWork[] = "拜访了两家客户，完成合同评审并签约";

TEST_CASE_METHOD(ScoreFixture, "period score from stored logs", "[service]") {
  Write("r1", Day(2026, 2, 9), ShanghaiTime(Day(2026, 2, 9), 18, 0), "50000", kWork);
  Write("r2", Day(2026, 2, 10), ShanghaiTime(Day(2026, 2, 10), 18, 0), "30000", kWork);
  Result<std::vector<ScoreRecord>> scores = keeper_->ScorePeriod("2026-W07");
  REQUIRE(scores.ok());
  REQUIRE(scores->size() == 1);
  CHECK((*scores)[0].person_id == "a1");
  CHECK((*scores)[0].total == "80");
  CHECK((*scores)[0].evidence_json.find("r1") != std::string::npos);

  // A rejected log leaves the score.
  REQUIRE(store_->SetLogStatus("r1", "rejected").ok());
  scores = keeper_->ScorePeriod("2026-W07");
  REQUIRE(scores.ok());
  REQUIRE(scores->size() == 1);
  CHECK((*scores)[0].total == "30");
}

TEST_CASE_METHOD(ScoreFixture, "flagged new log gets feedback", "[service]") {
  Write("r1", Day(2026, 2, 9), ShanghaiTime(Day(2026, 2, 9), 18, 0), "", "");  // required blank
  std::vector<OutboxMessage> feedback = Queued("feedback/");
  REQUIRE(feedback.size() == 1);
  CHECK(feedback[0].idempotency_key == "feedback/r1/v1");
  CHECK(feedback[0].recipient == "a1");
  CHECK(feedback[0].payload_json.find("2026-02-09") != std::string::npos);
  Result<std::vector<FlagRecord>> flags = store_->ListFlags("r1", 1);
  REQUIRE(flags.ok());
  CHECK_FALSE(flags->empty());

  // The notice is in Chinese, and the English flag messages stay in the store.
  CHECK(feedback[0].payload_json.find("必填项「今日工作」缺失或为空。") != std::string::npos);
  for (const FlagRecord& flag : *flags) {
    INFO(flag.message);
    CHECK(feedback[0].payload_json.find(flag.message) == std::string::npos);
  }
}

TEST_CASE_METHOD(ScoreFixture, "old flagged log gets no feedback", "[service]") {
  // Analyzed 11 days after it was written, as a backfill does.
  clock_.Set(ShanghaiTime(Day(2026, 2, 20), 9, 0));
  Write("r1", Day(2026, 2, 9), ShanghaiTime(Day(2026, 2, 9), 18, 0), "", "");
  CHECK(Queued("feedback/").empty());
  Result<std::vector<FlagRecord>> flags = store_->ListFlags("r1", 1);
  REQUIRE(flags.ok());
  CHECK_FALSE(flags->empty());

  // A log written within the window still gets one.
  Write("r2", Day(2026, 2, 19), ShanghaiTime(Day(2026, 2, 19), 18, 0), "", "");
  std::vector<OutboxMessage> feedback = Queued("feedback/");
  REQUIRE(feedback.size() == 1);
  CHECK(feedback[0].idempotency_key == "feedback/r2/v1");
}

TEST_CASE_METHOD(NoFeedbackFixture, "disabled feedback sends nothing", "[service]") {
  Write("r1", Day(2026, 2, 9), ShanghaiTime(Day(2026, 2, 9), 18, 0), "", "");
  CHECK(Queued("feedback/").empty());
  Result<std::vector<FlagRecord>> flags = store_->ListFlags("r1", 1);
  REQUIRE(flags.ok());
  CHECK_FALSE(flags->empty());
}

// The fixture with a deadline, so that edits can be late.
class DeadlineFixture : public ScoreFixture {
 public:
  DeadlineFixture() : ScoreFixture(FeedbackSettings{}, RulesWithDeadline()) {}

  // Marks every queued feedback notice sent, as the dispatcher does once DingTalk accepts it.
  void SendNotices() {
    for (const OutboxMessage& message : Queued("feedback/")) {
      REQUIRE(store_->ClaimMessage(message.id, clock_.Now()).ok());
      REQUIRE(store_->MarkMessageSent(message.id, clock_.Now(), "task-1").ok());
    }
  }

  bool EditedLate(const std::string& id, int32_t version) {
    Result<std::vector<FlagRecord>> flags = store_->ListFlags(id, version);
    REQUIRE(flags.ok());
    for (const FlagRecord& flag : *flags) {
      if (flag.kind == "edited_late") {
        return true;
      }
    }
    return false;
  }
};

TEST_CASE_METHOD(DeadlineFixture, "edit a notice requested is not late", "[service]") {
  // r1 and r2 are missing their work text, so each gets a notice at 18:05 that gives the
  // default 24 hours to fix it. r3 has no flag and gets none.
  EpochMs evening = ShanghaiTime(Day(2026, 2, 9), 18, 0);
  clock_.Set(ShanghaiTime(Day(2026, 2, 9), 18, 5));
  Write("r1", Day(2026, 2, 9), evening, "50000", "");
  Write("r2", Day(2026, 2, 9), evening, "40000", "");
  Write("r3", Day(2026, 2, 9), evening, "30000", kWork);
  REQUIRE(Queued("feedback/").size() == 2);
  SendNotices();

  // r4 was edited at 08:00, before the service first saw it at 08:30, so its notice cannot have
  // asked for that edit.
  clock_.Set(ShanghaiTime(Day(2026, 2, 10), 8, 30));
  Write("r4", Day(2026, 2, 9), evening, "20000", "", ShanghaiTime(Day(2026, 2, 10), 8, 0));
  REQUIRE(Queued("feedback/").size() == 1);
  SendNotices();

  // r1 and r3 are edited the next morning, r2 two days later, all after the 21:00 deadline.
  clock_.Set(ShanghaiTime(Day(2026, 2, 10), 10, 0));
  Write("r1", Day(2026, 2, 9), evening, "50000", kWork, clock_.Now(), 2);
  Write("r3", Day(2026, 2, 9), evening, "35000", kWork, clock_.Now(), 2);
  clock_.Set(ShanghaiTime(Day(2026, 2, 11), 10, 0));
  Write("r2", Day(2026, 2, 9), evening, "40000", kWork, clock_.Now(), 2);

  CHECK_FALSE(EditedLate("r1", 2));
  CHECK(EditedLate("r2", 2));
  CHECK(EditedLate("r3", 2));
  CHECK(EditedLate("r4", 1));

  // The period's scores agree: r1 alone is not flagged edited_late.
  Result<std::vector<scoring::ScoreReport>> reports = keeper_->ComputePeriod("2026-W07");
  REQUIRE(reports.ok());
  REQUIRE(reports->size() == 1);
  std::vector<std::string> edited_late;
  for (const scoring::FlaggedLog& log : (*reports)[0].flagged_logs) {
    for (const scoring::Flag& flag : log.flags) {
      if (flag.code == "edited_late") {
        edited_late.push_back(log.report_id);
      }
    }
  }
  CHECK(edited_late == std::vector<std::string>{"r2", "r3", "r4"});
}

TEST_CASE_METHOD(DeadlineFixture, "sent notice keeps its deadline", "[service]") {
  // r1 and r2 get notices at 18:05 that give the default 24 hours: until 18:05 the next day.
  EpochMs evening = ShanghaiTime(Day(2026, 2, 9), 18, 0);
  clock_.Set(ShanghaiTime(Day(2026, 2, 9), 18, 5));
  Write("r1", Day(2026, 2, 9), evening, "50000", "");
  Write("r2", Day(2026, 2, 9), evening, "40000", "");
  REQUIRE(Queued("feedback/").size() == 2);
  SendNotices();

  // Restarts with another fix_within and stores an edit of `id` made at `edited`.
  auto edit_after_restart = [&](std::chrono::hours fix_within, const std::string& id,
                                const std::string& amount, EpochMs edited) {
    FeedbackSettings feedback;
    feedback.fix_within = fix_within;
    StartKeeper(feedback, RulesWithDeadline());
    clock_.Set(edited);
    Write(id, Day(2026, 2, 9), evening, amount, kWork, edited, 2);
  };

  // The admin shortens the window to one hour. r1's fix the next morning is still within the
  // 24 hours its notice stated.
  edit_after_restart(std::chrono::hours(1), "r1", "50000", ShanghaiTime(Day(2026, 2, 10), 10, 0));
  CHECK_FALSE(EditedLate("r1", 2));

  // Then to three days. r2's fix two days later is past the 24 hours its notice stated.
  edit_after_restart(std::chrono::hours(72), "r2", "40000", ShanghaiTime(Day(2026, 2, 11), 10, 0));
  CHECK(EditedLate("r2", 2));
}

TEST_CASE_METHOD(ScoreFixture, "period computed without storing", "[service]") {
  Write("r1", Day(2026, 2, 9), ShanghaiTime(Day(2026, 2, 9), 18, 0), "50000", kWork);
  Write("r2", Day(2026, 2, 10), ShanghaiTime(Day(2026, 2, 10), 18, 0), "30000", kWork);
  REQUIRE(store_->SetLogStatus("r2", "rejected").ok());

  Result<std::vector<scoring::ScoreReport>> reports = keeper_->ComputePeriod("2026-W07");
  REQUIRE(reports.ok());
  REQUIRE(reports->size() == 1);
  CHECK((*reports)[0].person_id == "a1");
  CHECK((*reports)[0].person_name == "张三");
  CHECK((*reports)[0].period.Label() == "2026-W07");
  CHECK((*reports)[0].total.ToString() == "50");
  Result<std::vector<ScoreRecord>> stored = store_->ListScores("2026-W07");
  REQUIRE(stored.ok());
  CHECK(stored->empty());

  CHECK_FALSE(keeper_->ComputePeriod("February").ok());
}

TEST_CASE_METHOD(ScoreFixture, "cards go out after the period", "[service]") {
  Write("r1", Day(2026, 2, 9), ShanghaiTime(Day(2026, 2, 9), 18, 0), "50000", kWork);
  clock_.Set(ShanghaiTime(Day(2026, 2, 16), 8, 59));
  Result<ScoreCardReport> early = keeper_->RunDue();
  REQUIRE(early.ok());
  CHECK(early->periods_sent.empty());
  CHECK(keeper_->NextSendTime() == ShanghaiTime(Day(2026, 2, 16), 9, 0));

  clock_.Set(ShanghaiTime(Day(2026, 2, 16), 9, 5));
  Result<ScoreCardReport> sent = keeper_->RunDue();
  REQUIRE(sent.ok());
  REQUIRE(sent->periods_sent.size() == 1);
  CHECK(sent->periods_sent[0] == "2026-W07");
  CHECK(sent->person_cards == 1);
  CHECK(sent->team_summaries == 1);
  std::vector<OutboxMessage> cards = Queued("scorecard/2026-W07/a1");
  REQUIRE(cards.size() == 1);
  CHECK(cards[0].payload_json.find("绩效得分：50") != std::string::npos);
  std::vector<OutboxMessage> team = Queued("team/2026-W07/m1");
  REQUIRE(team.size() == 1);
  CHECK(team[0].payload_json.find("人数 1") != std::string::npos);

  // Sent once.
  Result<ScoreCardReport> again = keeper_->RunDue();
  REQUIRE(again.ok());
  CHECK(again->periods_sent.empty());
}

TEST_CASE_METHOD(ScoreFixture, "late log corrects a closed period", "[service]") {
  Write("r1", Day(2026, 2, 9), ShanghaiTime(Day(2026, 2, 9), 18, 0), "50000", kWork);
  clock_.Set(ShanghaiTime(Day(2026, 2, 16), 9, 5));
  REQUIRE(keeper_->RunDue().ok());

  // Written on Tuesday for last Thursday.
  clock_.Set(ShanghaiTime(Day(2026, 2, 17), 10, 0));
  Write("r2", Day(2026, 2, 12), clock_.Now(), "50000", kWork);
  Result<ScoreCardReport> corrected = keeper_->RunDue();
  REQUIRE(corrected.ok());
  CHECK(corrected->corrections == 1);
  std::vector<OutboxMessage> corrections = Queued("correction/2026-W07/a1/");
  REQUIRE(corrections.size() == 1);
  CHECK(corrections[0].payload_json.find("50 → 100") != std::string::npos);

  Result<std::optional<ScoreRecord>> stored = store_->GetScore("a1", "2026-W07");
  REQUIRE(stored.ok());
  CHECK((*stored)->total == "100");
}

}  // namespace
}  // namespace logbridge::connector
