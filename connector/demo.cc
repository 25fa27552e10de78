// The demo: the sandbox's generated organization, the connector service against it over
// loopback HTTP, and simulated people and managers on a ManualClock.
#include "connector/demo.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <system_error>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "connector/card_actions.h"
#include "connector/metrics.h"
#include "connector/service.h"
#include "dingtalk/sandbox/callback_pusher.h"
#include "dingtalk/sandbox/org_generator.h"
#include "dingtalk/sandbox/sandbox.h"
#include "scoring/config.h"
#include "scoring/decimal.h"
#include "scoring/log_record.h"
#include "scoring/normalize.h"

namespace logbridge::connector {
namespace {

using nlohmann::json;

constexpr char kDemoScoringToml[] = R"toml(
# Demo scoring rules for the sandbox's generated organization: one role per daily template.
period = "week"
target_period = "week"             # the targets below are per week

[metrics.sales]
aggregation = "sum"
[metrics.visits]
aggregation = "sum"
[metrics.efficiency]
aggregation = "mean"
planned_field = "计划用时"
actual_field = "实际用时"
[metrics.customers]
aggregation = "distinct"
[metrics.bugs]
aggregation = "sum"
[metrics.progress]
aggregation = "mean"
[metrics.service_hours]
aggregation = "sum"
[metrics.research]
aggregation = "sum"
[metrics.doc_progress]
aggregation = "max"
[metrics.prototype_progress]
aggregation = "max"

[[templates]]
name = "销售日报"
deadline = { period = "day", time = "20:00" }
  [[templates.fields]]
  key = "客户名称"
  type = "text"
  customer = true
  extract = false
  metric = "customers"
  [[templates.fields]]
  key = "拜访客户数"
  type = "count"
  metric = "visits"
  required = true
  [[templates.fields]]
  key = "签约金额"
  type = "amount"
  unit = "元"
  metric = "sales"
  [[templates.fields]]
  key = "今日工作"
  type = "text"
  required = true
  [[templates.fields]]
  key = "计划用时"
  type = "duration"
  unit = "小时"
  [[templates.fields]]
  key = "实际用时"
  type = "duration"
  unit = "小时"
  [[templates.fields]]
  key = "明日计划"
  type = "text"
  extract = false

[[templates]]
name = "研发日报"
deadline = { period = "day", time = "20:00" }
  [[templates.fields]]
  key = "项目名称"
  type = "text"
  extract = false
  [[templates.fields]]
  key = "任务内容"
  type = "text"
  required = true
  [[templates.fields]]
  key = "完成进度"
  type = "percent"
  metric = "progress"
  [[templates.fields]]
  key = "bug解决数量"
  type = "count"
  metric = "bugs"
  [[templates.fields]]
  key = "明日计划"
  type = "text"
  extract = false

[[templates]]
name = "行政日报"
deadline = { period = "day", time = "20:00" }
  [[templates.fields]]
  key = "事项名称"
  type = "text"
  required = true
  [[templates.fields]]
  key = "处理时间"
  type = "duration"
  unit = "小时"
  metric = "service_hours"
  [[templates.fields]]
  key = "服务对象"
  type = "text"
  extract = false

[[templates]]
name = "产品日报"
deadline = { period = "day", time = "20:00" }
  [[templates.fields]]
  key = "需求文档完成情况"
  type = "text"
  required = true
  [[templates.fields]]
  key = "用户调研结果"
  type = "text"
  [[templates.fields]]
  key = "原型设计进度"
  type = "text"
  [[templates.fields]]
  key = "明日计划"
  type = "text"
  extract = false

[[templates]]
name = "周报"
  [[templates.fields]]
  key = "本周完成工作"
  type = "text"
  required = true
  [[templates.fields]]
  key = "下周计划"
  type = "text"
  extract = false

[[rules]]
name = "deals_signed"
metric = "sales"
pattern = "签约|签单|成交|订单|回款"
kind = "amount"
fields = ["今日工作"]

[[rules]]
name = "user_research"
metric = "research"
pattern = "调研|访谈|回访"
kind = "count"
measure_words = ["位", "个", "家", "次", "场"]
fields = ["用户调研结果"]

[roles.sales]
templates = ["销售日报"]
  [[roles.sales.kpis]]
  name = "销售额"
  metric = "sales"
  weight = 50
  target = 50000
  [[roles.sales.kpis]]
  name = "客户拜访"
  metric = "visits"
  weight = 30
  target = 12
  [[roles.sales.kpis]]
  name = "效率"
  metric = "efficiency"
  weight = 20
  target = 20
  curve = { on = "value", points = [[0, 0], [20, 1]] }

[roles.rnd]
templates = ["研发日报"]
  [[roles.rnd.kpis]]
  name = "缺陷修复"
  metric = "bugs"
  weight = 50
  target = 15
  [[roles.rnd.kpis]]
  name = "任务进度"
  metric = "progress"
  weight = 50
  target = 80

[roles.admin]
templates = ["行政日报"]
  [[roles.admin.kpis]]
  name = "服务时长"
  metric = "service_hours"
  weight = 100
  target = 20

[[rules]]
name = "doc_progress"
metric = "doc_progress"
pattern = "文档完成|需求文档"
kind = "percent"
fields = ["需求文档完成情况"]

[[rules]]
name = "prototype_progress"
metric = "prototype_progress"
pattern = "原型完成|原型"
kind = "percent"
fields = ["原型设计进度"]

[roles.product]
templates = ["产品日报"]
missing = "zero"  # a KPI without data scores 0: a week without doc progress is not full marks
  [[roles.product.kpis]]
  name = "用户调研"
  metric = "research"
  weight = 50
  target = 5
  [[roles.product.kpis]]
  name = "需求文档"
  metric = "doc_progress"
  weight = 25
  target = 100
  [[roles.product.kpis]]
  name = "原型设计"
  metric = "prototype_progress"
  weight = 25
  target = 100

[validation]
min_chars = 10
boilerplate = ["完成日常工作", "今日无工作", "同上", "无"]
amount_multiple = 2
order_metric = "sales"
duplicate_similarity = 0.8
down_weight = 0.5

[validation.actions]
too_short = "exclude"
boilerplate = "exclude"
near_duplicate = "exclude"
duplicate_order = "exclude"
amount_jump = "down_weight"
unit_slip = "report_only"
late = "report_only"
edited_late = "down_weight"
missing_field = "report_only"
)toml";

constexpr const char* kDailyTemplates[] = {"销售日报", "研发日报", "行政日报", "产品日报"};
constexpr char kWeeklyTemplate[] = "周报";

// The generator's logs start on this Shanghai date.
constexpr std::chrono::year_month_day kDemoStart{std::chrono::year(2026), std::chrono::month(9),
                                                 std::chrono::day(1)};

std::string RandomAlnum(std::mt19937_64& random, size_t length) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::uniform_int_distribution<size_t> pick(0, sizeof(kAlphabet) - 2);
  std::string text;
  for (size_t i = 0; i < length; ++i) {
    text += kAlphabet[pick(random)];
  }
  return text;
}

// Returns the value a simulated author writes into a blank or too short field, of the field's kind.
std::string FixedValue(const std::string& key) {
  auto ends_with = [&key](std::string_view suffix) {
    return key.size() >= suffix.size() &&
           key.compare(key.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  if (ends_with("数") || ends_with("数量")) {
    return "1";
  }
  if (ends_with("金额")) {
    return "0元";
  }
  if (ends_with("用时") || ends_with("时间")) {
    return "2小时";
  }
  if (ends_with("进度")) {
    return "50%";
  }
  return "已补充：" + key + "的具体内容见今日工作记录，已与负责人确认";
}

// Simulated people and managers: they act on what the connector sent them.
class DemoUsers {
 public:
  DemoUsers(DemoEnvironment& environment, uint64_t seed, DemoSummary& summary)
      : environment_(environment),
        service_(environment.service()),
        sandbox_(environment.sandbox()),
        clock_(environment.clock()),
        random_(seed * 7919 + 17),
        summary_(summary) {}

  // Managers decide approvals open for at least two hours; some they leave unanswered.
  Status ClickApprovals() {
    const EpochMs now = clock_.Now();
    for (ApprovalStatus status : {ApprovalStatus::kPending, ApprovalStatus::kEscalated}) {
      ApprovalFilter filter;
      filter.status = status;
      Result<std::vector<Approval>> open = service_.store().ListApprovals(filter);
      if (!open.ok()) {
        return open.error();
      }
      for (const Approval& approval : *open) {
        const std::string seen = std::to_string(approval.id) + "/" + approval.manager_id;
        if (now - approval.created_at < std::chrono::hours(2) || !considered_.insert(seen).second) {
          continue;
        }
        const double draw = std::uniform_real_distribution<double>(0, 1)(random_);
        if (draw >= 0.85) {
          continue;  // left unanswered: it escalates, then expires
        }
        const bool reject = draw >= 0.6;
        std::map<std::string, std::string> params;
        if (reject) {
          params[kReasonParam] = draw >= 0.75 ? "金额与合同不符，请核实后修改" : "内容太简单，请写清楚具体完成了什么";
        }
        Click(approval, reject ? kRejectAction : kApproveAction, params);
      }
    }
    return OkStatus();
  }

  // Authors fix most flagged logs a few hours after the feedback, by editing them.
  Status FixFlaggedLogs() {
    const EpochMs now = clock_.Now();
    LogFilter filter;
    filter.flagged_only = true;
    filter.created_from = now - std::chrono::days(3);
    Result<std::vector<StoredLog>> flagged = service_.store().ListLogs(filter);
    if (!flagged.ok()) {
      return flagged.error();
    }
    for (const StoredLog& log : *flagged) {
      if (log.version != 1 || now - log.received_at < std::chrono::hours(3) ||
          !fix_considered_.insert(log.raw.report_id).second) {
        continue;
      }
      if (std::uniform_real_distribution<double>(0, 1)(random_) >= 0.6) {
        continue;
      }
      Result<std::vector<scoring::LogRecord>> records =
          scoring::ParseLogRecords(log.raw.raw_json, log.raw.report_id);
      if (!records.ok() || records->empty()) {
        continue;
      }
      std::vector<std::pair<std::string, std::string>> fields;
      for (const scoring::LogField& field : records->front().contents) {
        if (scoring::TrimSpace(field.value).size() < 9) {  // under three CJK characters
          fields.emplace_back(field.key, FixedValue(field.key));
        }
      }
      if (fields.empty() && !records->front().contents.empty()) {
        const scoring::LogField& first = records->front().contents.front();
        fields.emplace_back(first.key, first.value + "（补充说明：数据已与合同和系统记录核对）");
      }
      Status edited = sandbox_.EditReport(log.raw.report_id, fields, now);
      if (edited.ok()) {
        summary_.edits_made += 1;
      }
    }
    return OkStatus();
  }

 private:
  void Click(const Approval& approval, const std::string& action,
             const std::map<std::string, std::string>& params) {
    if (environment_.PushCardClick(approval.out_track_id, approval.manager_id, action, params)) {
      summary_.clicks += 1;
      return;
    }
    // The endpoint did not accept the push: apply the click directly, so the demo goes on.
    CardAction direct{approval.out_track_id, approval.manager_id, "", action, params};
    Result<CardDecision> applied = service_.approvals().Apply(direct);
    if (applied.ok()) {
      summary_.clicks_direct += 1;
    } else {
      ServiceLogger()->warn("demo: click on {} failed: {}", approval.out_track_id,
                            applied.error().ToString());
    }
  }

  DemoEnvironment& environment_;
  Service& service_;
  dingtalk::Sandbox& sandbox_;
  const ManualClock& clock_;
  std::mt19937_64 random_;
  DemoSummary& summary_;
  std::set<std::string> considered_;
  std::set<std::string> fix_considered_;
};

Status CollectSummary(Service& service, dingtalk::Sandbox& sandbox, EpochMs start, EpochMs end,
                      DemoSummary& summary) {
  Store& store = service.store();
  LogFilter all;
  all.limit = 10000000;
  Result<std::vector<StoredLog>> logs = store.ListLogs(all);
  if (!logs.ok()) {
    return logs.error();
  }
  summary.logs_synced = static_cast<int64_t>(logs->size());
  for (const StoredLog& log : *logs) {
    summary.log_versions += log.version;
    Result<std::vector<FlagRecord>> flags = store.ListFlags(log.raw.report_id, log.version);
    if (!flags.ok()) {
      return flags.error();
    }
    for (const FlagRecord& flag : *flags) {
      summary.flags_by_kind[flag.kind] += 1;
    }
  }

  Result<std::vector<Approval>> approvals = store.ListApprovals(ApprovalFilter{});
  if (!approvals.ok()) {
    return approvals.error();
  }
  for (const Approval& approval : *approvals) {
    summary.approvals_by_status[std::string(ApprovalStatusName(approval.status))] += 1;
  }

  std::set<std::string> months;
  for (EpochMs at = start; at <= end; at = at + std::chrono::days(1)) {
    months.insert(ShanghaiMonthKey(at));
  }
  for (const std::string& month : months) {
    Result<int64_t> calls = store.ApiCallsInMonth(month);
    if (!calls.ok()) {
      return calls.error();
    }
    summary.calls_used += *calls;
  }
  Result<int64_t> projected = service.budget().ProjectedMonthEnd();
  summary.projected_month_end = projected.ok() ? *projected : 0;
  summary.monthly_budget = service.budget().monthly_budget();

  Result<std::vector<Person>> people = store.ListPeople();
  if (!people.ok()) {
    return people.error();
  }
  summary.people = static_cast<int64_t>(people->size());

  const ServiceTotals& totals = service.totals();
  summary.polls = totals.polls;
  summary.reminders = totals.reminders;
  summary.digests = totals.digests;
  summary.score_cards = totals.score_cards;
  summary.team_summaries = totals.team_summaries;
  summary.corrections = totals.corrections;
  summary.messages_sent = totals.messages_sent;
  Result<std::map<std::string, int64_t>> by_purpose = store.CountSentMessagesByPurpose();
  if (!by_purpose.ok()) {
    return by_purpose.error();
  }
  summary.messages_by_purpose = std::move(by_purpose).value();

  for (const dingtalk::RecordedMessage& message : sandbox.Messages()) {
    summary.messages_in_sandbox += 1;
    if (message.content_json.find("日志需要补充或修改") != std::string::npos) {
      summary.feedback_messages += 1;
    }
  }
  summary.cards_in_sandbox = static_cast<int64_t>(sandbox.Cards().size());

  // The score table of the last week whose cards went out.
  summary.score_period = service.scores().PeriodLabelAt(end - std::chrono::days(7));
  Result<std::vector<ScoreRecord>> scores = store.ListScores(summary.score_period);
  if (!scores.ok()) {
    return scores.error();
  }
  for (const ScoreRecord& score : *scores) {
    json breakdown = json::parse(score.breakdown_json, nullptr, false);
    DemoScoreRow row;
    row.person = score.person_id;
    row.total = score.total;
    if (breakdown.is_object()) {
      if (breakdown.contains("name") && breakdown["name"].is_string()) {
        row.person = breakdown["name"].get<std::string>();
      }
      if (breakdown.contains("role") && breakdown["role"].is_string()) {
        row.role = breakdown["role"].get<std::string>();
      }
      if (breakdown.contains("kpis") && breakdown["kpis"].is_array()) {
        for (const json& kpi : breakdown["kpis"]) {
          // A KPI without data carries no weight after re-normalization, so "-" reads better
          // than a 0 that looks like a failed target.
          bool has_data = kpi.value("has_data", true);
          row.kpis.emplace_back(kpi.value("kpi", std::string()),
                                has_data ? kpi.value("points", std::string()) : "-");
        }
      }
    }
    summary.scores.push_back(std::move(row));
  }
  // The engine scores only people with logs in the period, so anyone else has no row.
  std::set<std::string> scored;
  for (const ScoreRecord& score : *scores) {
    scored.insert(score.person_id);
  }
  for (const Person& person : *people) {
    if (scored.count(person.userid) == 0) {
      summary.people_without_score.push_back(person.name.empty() ? person.userid : person.name);
    }
  }
  std::sort(summary.scores.begin(), summary.scores.end(),
            [](const DemoScoreRow& a, const DemoScoreRow& b) {
              return scoring::Decimal::Parse(a.total).value_or(scoring::Decimal()) >
                     scoring::Decimal::Parse(b.total).value_or(scoring::Decimal());
            });
  return OkStatus();
}

constexpr char kHolidaysFix[] =
    "; pass --holidays with a directory of <year>.toml files such as the repository's "
    "config/holidays";

// Loads the demo's holiday calendar. A calendar without the demo's year would treat every
// weekday as a workday and remind people on holidays, so that is an error, not a fallback.
Result<WorkdayCalendar> LoadDemoCalendar(const std::string& directory) {
  std::error_code error;
  if (directory.empty() || !std::filesystem::is_directory(directory, error)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "holiday directory \"" + directory + "\" does not exist" + kHolidaysFix);
  }
  Result<WorkdayCalendar> calendar = WorkdayCalendar::LoadDirectory(directory);
  if (!calendar.ok()) {
    return MakeError(ErrorCode::kInvalidArgument, calendar.error().message);
  }
  const int year = static_cast<int>(kDemoStart.year());
  if (!calendar->Covers(year)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "holiday directory \"" + directory + "\" has no " + std::to_string(year) +
                         ".toml, the year the demo plays in" + kHolidaysFix);
  }
  return calendar;
}

// Blocks until SIGINT or SIGTERM. The caller blocked both signals before starting threads.
void WaitForTermination() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  int received = 0;
  sigwait(&signals, &received);
}

}  // namespace

std::string DemoScoringConfig() { return kDemoScoringToml; }

ServiceConfig DemoServiceConfig(const std::string& base_url, const std::string& data_dir) {
  ServiceConfig config;
  config.source_path = "demo";
  config.store_path = (std::filesystem::path(data_dir) / "logbridge-demo.db").string();
  const dingtalk::SandboxApp app = dingtalk::DefaultSandboxApp();
  config.dingtalk.oapi_base_url = base_url;
  config.dingtalk.api_base_url = base_url;
  config.dingtalk.app_key = app.app_key;
  config.dingtalk.agent_id = app.agent_id;
  config.dingtalk.robot_code = app.robot_code;
  config.dingtalk.card_template_id = "logbridge.approval";

  for (const char* name : kDailyTemplates) {
    config.sync.templates.push_back(name);
    config.reminders.deadlines.push_back(DeadlineRule{name, Cadence::kDaily, 5, 20, 0});
  }
  config.sync.templates.push_back(kWeeklyTemplate);
  config.reminders.deadlines.push_back(DeadlineRule{kWeeklyTemplate, Cadence::kWeekly, 5, 18, 0});
  config.sync.monthly_call_budget = 5000;

  config.approvals.flagged = true;
  config.approvals.amount_field = "签约金额";
  config.approvals.amount_over = "100000";
  config.score_cards.period = ScorePeriod::kWeek;
  config.admin = ListenSettings{"127.0.0.1", 0};
  config.callback = ListenSettings{"127.0.0.1", 0};
  return config;
}

DemoEnvironment::DemoEnvironment(DemoEnvironmentOptions options, EpochMs start)
    : options_(std::move(options)), start_(start), clock_(start) {}

DemoEnvironment::~DemoEnvironment() {
  // The pusher's threads post to the service, so they stop first.
  pusher_.reset();
  StopService();
}

Result<std::unique_ptr<DemoEnvironment>> DemoEnvironment::Create(DemoEnvironmentOptions options) {
  if (options.people < 10 || options.people > 500) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "the demo's people count is " + std::to_string(options.people) +
                         "; use 10 to 500");
  }
  if (options.data_dir.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "the demo needs a data directory");
  }
  std::error_code error;
  std::filesystem::create_directories(options.data_dir, error);
  if (error) {
    return MakeError(ErrorCode::kUnavailable,
                     "cannot create the demo directory " + options.data_dir + ": " +
                         error.message() + "; pass --data-dir with a directory you can write to");
  }
  std::unique_ptr<DemoEnvironment> environment(
      new DemoEnvironment(options, ShanghaiStartOfDay(kDemoStart)));
  DemoEnvironment& env = *environment;

  // The organization and the sandbox.
  dingtalk::OrgGeneratorOptions generator;
  generator.seed = options.seed;
  generator.people = options.people;
  generator.months = std::clamp(options.months, 1, 12);
  generator.start = dingtalk::CivilDate{2026, 9, 1};
  Result<dingtalk::Organization> organization = dingtalk::GenerateOrganization(generator);
  if (!organization.ok()) {
    return organization.error();
  }
  dingtalk::SandboxOptions sandbox_options;
  sandbox_options.clock = &env.clock_;
  env.organization_ = *organization;
  sandbox_options.organization = std::move(*organization);
  sandbox_options.seed = options.seed;
  Result<std::unique_ptr<dingtalk::Sandbox>> sandbox =
      dingtalk::Sandbox::Start(std::move(sandbox_options));
  if (!sandbox.ok()) {
    return sandbox.error();
  }
  env.sandbox_ = std::move(*sandbox);

  // A fresh database, secrets of this run, scoring rules and the holiday calendar.
  env.database_path_ = DemoServiceConfig(env.sandbox_->base_url(), options.data_dir).store_path;
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::filesystem::remove(env.database_path_ + suffix, error);
  }
  std::mt19937_64 secrets_random(options.seed);
  env.secrets_.app_secret = dingtalk::DefaultSandboxApp().app_secret;
  env.secrets_.callback_token = "demo" + RandomAlnum(secrets_random, 12);
  env.secrets_.callback_aes_key = RandomAlnum(secrets_random, 43);
  env.secrets_.admin_token = RandomAlnum(secrets_random, 32);
  env.secrets_.card_api_secret = RandomAlnum(secrets_random, 24);
  env.admin_token_ = env.secrets_.admin_token;
  Result<scoring::Config> rules =
      scoring::LoadConfigString(kDemoScoringToml, "demo scoring rules");
  if (!rules.ok()) {
    return rules.error();
  }
  env.scoring_ = std::make_shared<const scoring::Config>(std::move(*rules));
  Result<WorkdayCalendar> calendar = LoadDemoCalendar(options.holidays_dir);
  if (!calendar.ok()) {
    return calendar.error();
  }
  env.calendar_ = std::move(*calendar);
  return environment;
}

Status DemoEnvironment::StartService() {
  pusher_.reset();
  StopService();
  ServiceOptions service_options;
  service_options.config = DemoServiceConfig(sandbox_->base_url(), options_.data_dir);
  if (options_.adjust) {
    options_.adjust(service_options.config);
  }
  service_options.secrets = secrets_;
  service_options.clock = &clock_;
  service_options.scoring = scoring_;
  service_options.calendar = calendar_;
  service_options.start_admin_api = options_.start_admin_api;
  // The client's throttle and backoff sleeps advance the simulated clock instead of waiting.
  service_options.client_sleep = [this](std::chrono::milliseconds delay) {
    clock_.Advance(delay);
  };
  service_options.client_calls_per_second = 1000;
  service_options.dispatch_interval = std::chrono::minutes(5);
  Result<std::unique_ptr<Service>> service = Service::Create(std::move(service_options));
  if (!service.ok()) {
    return service.error();
  }
  service_ = std::move(*service);
  Status started = service_->Start();
  if (!started.ok()) {
    return started;
  }

  dingtalk::CallbackTargets targets;
  targets.card_url =
      "http://127.0.0.1:" + std::to_string(service_->callback_port()) + "/dingtalk/card";
  targets.card_api_secret = secrets_.card_api_secret;
  targets.first_retry = std::chrono::milliseconds(50);
  targets.second_retry = std::chrono::milliseconds(100);
  targets.sender_threads = 1;
  pusher_ = std::make_unique<dingtalk::CallbackPusher>(targets, &clock_);
  return OkStatus();
}

void DemoEnvironment::StopService() {
  if (service_ != nullptr) {
    service_->Shutdown();
    service_.reset();
  }
}

bool DemoEnvironment::PushCardClick(const std::string& out_track_id, const std::string& userid,
                                    const std::string& action,
                                    const std::map<std::string, std::string>& params) {
  (void)sandbox_->ClickCard(out_track_id, userid, action, params);
  if (pusher_ == nullptr) {
    return false;
  }
  const uint64_t push = pusher_->PushCardAction(out_track_id, userid, action, params);
  pusher_->WaitIdle(std::chrono::seconds(5));
  for (const dingtalk::PushAttempt& attempt : pusher_->AttemptsOf(push)) {
    if (attempt.accepted) {
      return true;
    }
  }
  return false;
}

Status ValidateDemoOptions(const DemoOptions& options) {
  if (options.weeks < 1 || options.weeks > 12) {
    return MakeError(ErrorCode::kInvalidArgument, "--weeks " + std::to_string(options.weeks) +
                                                      " is out of range; use 1 to 12");
  }
  if (options.people < 10 || options.people > 500) {
    return MakeError(ErrorCode::kInvalidArgument, "--people " + std::to_string(options.people) +
                                                      " is out of range; use 10 to 500");
  }
  return OkStatus();
}

std::vector<std::string> DemoHolidaysCandidates(const std::string& executable_path) {
  std::vector<std::string> candidates;
  if (!executable_path.empty()) {
    const std::filesystem::path bin = std::filesystem::path(executable_path).parent_path();
    candidates.push_back(
        (bin.parent_path() / LOGBRIDGE_INSTALL_DATADIR / "logbridge" / "holidays").string());
  }
  candidates.push_back(LOGBRIDGE_SOURCE_HOLIDAYS_DIR);
  candidates.push_back("/etc/logbridge/holidays");
  return candidates;
}

Result<std::string> ResolveDemoHolidaysDir(const std::string& requested,
                                           const std::vector<std::string>& candidates) {
  std::error_code error;
  std::string directory = requested;
  if (directory.empty()) {
    std::string tried;
    for (const std::string& candidate : candidates) {
      if (std::filesystem::is_directory(candidate, error)) {
        directory = candidate;
        break;
      }
      tried += (tried.empty() ? "" : ", ") + candidate;
    }
    if (directory.empty()) {
      return MakeError(ErrorCode::kNotFound, "no holiday directory found (tried " + tried +
                                                 ")" + std::string(kHolidaysFix));
    }
  } else if (!std::filesystem::is_directory(directory, error)) {
    return MakeError(ErrorCode::kNotFound,
                     "--holidays " + directory + " is not a directory" + kHolidaysFix);
  }
  Result<WorkdayCalendar> calendar = LoadDemoCalendar(directory);
  if (!calendar.ok()) {
    return calendar.error();
  }
  return directory;
}

std::string CurrentExecutablePath() {
  std::error_code error;
  std::filesystem::path path = std::filesystem::read_symlink("/proc/self/exe", error);
  return error ? std::string() : path.string();
}

Result<DemoSummary> RunDemo(const DemoOptions& options) {
  Status valid = ValidateDemoOptions(options);
  if (!valid.ok()) {
    return valid.error();
  }
  Result<std::string> holidays_dir = ResolveDemoHolidaysDir(
      options.holidays_dir, DemoHolidaysCandidates(CurrentExecutablePath()));
  if (!holidays_dir.ok()) {
    return holidays_dir.error();
  }
  const auto wall_start = std::chrono::steady_clock::now();
  DemoSummary summary;
  summary.data_dir = options.data_dir;
  if (summary.data_dir.empty()) {
    summary.data_dir = (std::filesystem::temp_directory_path() /
                        ("logbridge-demo-" + std::to_string(::getpid())))
                           .string();
  }

  DemoEnvironmentOptions environment_options;
  environment_options.seed = options.seed;
  environment_options.people = options.people;
  environment_options.months = std::min(12, options.weeks / 4 + 2);
  environment_options.data_dir = summary.data_dir;
  environment_options.holidays_dir = *holidays_dir;
  Result<std::unique_ptr<DemoEnvironment>> created = DemoEnvironment::Create(environment_options);
  if (!created.ok()) {
    return created.error();
  }
  DemoEnvironment& environment = **created;
  Status started = environment.StartService();
  if (!started.ok()) {
    return started.error();
  }
  ManualClock& clock = environment.clock();
  Service* service = &environment.service();
  const EpochMs start = environment.start();
  const EpochMs end = start + std::chrono::days(7 * options.weeks) + std::chrono::hours(10);
  summary.database_path = environment.database_path();
  summary.admin_token = environment.admin_token();
  summary.admin_url = "http://127.0.0.1:" + std::to_string(service->admin_port());
  for (const dingtalk::Report& report : environment.organization().reports) {
    summary.sandbox_logs += report.create_time < end ? 1 : 0;
  }
  DemoUsers users(environment, options.seed, summary);

  // The simulation: run what is due, let people act, move the clock at most an hour.
  int64_t week_reported = 0;
  while (clock.Now() < end) {
    Result<EpochMs> next = service->RunDue();
    if (!next.ok()) {
      return next.error();
    }
    Status clicked = users.ClickApprovals();
    if (!clicked.ok()) {
      return clicked.error();
    }
    Status fixed = users.FixFlaggedLogs();
    if (!fixed.ok()) {
      return fixed.error();
    }
    const EpochMs now = clock.Now();
    clock.Set(std::max(std::min(*next, now + std::chrono::hours(1)),
                       now + std::chrono::milliseconds(1)));

    const int64_t week = (clock.Now() - start) / std::chrono::days(7);
    if (options.progress != nullptr && week > week_reported) {
      week_reported = week;
      const ServiceTotals& totals = service->totals();
      auto counted = [](int64_t count, std::string_view noun) {
        return std::to_string(count) + " " + std::string(noun) + (count == 1 ? "" : "s");
      };
      *options.progress << "  after week " << week << " (totals so far): "
                        << counted(totals.logs_inserted, "log") << " synced, "
                        << counted(totals.approvals_created, "approval") << ", "
                        << counted(totals.reminders, "reminder") << ", "
                        << counted(totals.messages_sent, "message") << " sent\n"
                        << std::flush;
    }
  }
  Result<EpochMs> last = service->RunDue();
  if (!last.ok()) {
    return last.error();
  }

  Status collected = CollectSummary(*service, environment.sandbox(), start, clock.Now(), summary);
  if (!collected.ok()) {
    return collected.error();
  }
  summary.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();

  if (options.stay) {
    if (options.progress != nullptr) {
      *options.progress << FormatDemoSummary(summary)
                        << "\nThe admin API stays up at " << summary.admin_url
                        << " with \"Authorization: Bearer " << summary.admin_token
                        << "\"; press Ctrl-C to stop.\n"
                        << std::flush;
    }
    WaitForTermination();
  }
  return summary;
}

namespace {

// Pads text with spaces to `columns` terminal columns, counting East Asian wide characters
// (CJK ideographs, kana, Hangul, full-width forms: U+1100 and above, roughly) as two columns,
// so that Chinese names line up in the score table.
std::string PadToColumns(const std::string& text, int columns) {
  int width = 0;
  for (size_t i = 0; i < text.size();) {
    auto lead = static_cast<unsigned char>(text[i]);
    size_t length = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3 : 4;
    width += length >= 3 ? 2 : 1;
    i += length;
  }
  return text + std::string(static_cast<size_t>(std::max(1, columns - width)), ' ');
}

// Rounds a stored decimal such as "20.001" to two places for the table ("20"); text that is
// not a decimal is returned unchanged.
std::string RoundForDisplay(const std::string& value) {
  std::optional<scoring::Decimal> number = scoring::Decimal::Parse(value);
  if (!number) {
    return value;
  }
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.2f", number->ToDouble());
  std::string rounded = buffer;
  while (rounded.back() == '0') {
    rounded.pop_back();
  }
  if (rounded.back() == '.') {
    rounded.pop_back();
  }
  return rounded == "-0" ? "0" : rounded;
}

}  // namespace

std::string FormatDemoSummary(const DemoSummary& summary) {
  std::ostringstream out;
  char line[256];
  out << "\nlogbridge demo: what happened\n";
  out << "------------------------------\n";
  std::snprintf(line, sizeof(line), "people in the roster       %lld\n",
                static_cast<long long>(summary.people));
  out << line;
  std::snprintf(line, sizeof(line), "logs synced                %lld of %lld in the sandbox (%lld versions, %lld edits by authors)\n",
                static_cast<long long>(summary.logs_synced),
                static_cast<long long>(summary.sandbox_logs),
                static_cast<long long>(summary.log_versions),
                static_cast<long long>(summary.edits_made));
  out << line;
  std::snprintf(line, sizeof(line), "polls                      %lld\n",
                static_cast<long long>(summary.polls));
  out << line;
  std::snprintf(line, sizeof(line),
                "metered calls used         %lld (budget %lld a month; this month projected %lld)\n",
                static_cast<long long>(summary.calls_used),
                static_cast<long long>(summary.monthly_budget),
                static_cast<long long>(summary.projected_month_end));
  out << line;

  out << "flags by kind             ";
  if (summary.flags_by_kind.empty()) {
    out << " none";
  }
  for (const auto& [kind, count] : summary.flags_by_kind) {
    out << " " << kind << "=" << count;
  }
  out << "\n";
  // Every sent message falls in exactly one purpose, so the parts add up to the total.
  std::snprintf(line, sizeof(line), "messages                   %lld sent:",
                static_cast<long long>(summary.messages_sent));
  out << line;
  for (const auto& [purpose, count] : summary.messages_by_purpose) {
    out << " " << purpose << "=" << count;
  }
  out << "\n";
  out << "approvals                 ";
  if (summary.approvals_by_status.empty()) {
    out << " none";
  }
  for (const auto& [status, count] : summary.approvals_by_status) {
    out << " " << status << "=" << count;
  }
  std::snprintf(line, sizeof(line), " (%lld clicks through the callback endpoint, %lld applied directly)\n",
                static_cast<long long>(summary.clicks),
                static_cast<long long>(summary.clicks_direct));
  out << line;
  std::snprintf(line, sizeof(line), "recorded by the sandbox    %lld messages, %lld cards\n",
                static_cast<long long>(summary.messages_in_sandbox),
                static_cast<long long>(summary.cards_in_sandbox));
  out << line;

  // The five highest and the five lowest totals.
  // People without a scored role (managers who only write 周报, say) have no total to rank.
  std::vector<const DemoScoreRow*> ranked;
  for (const DemoScoreRow& row : summary.scores) {
    if (!row.role.empty()) {
      ranked.push_back(&row);
    }
  }
  out << "\nscores for " << summary.score_period << " (highest and lowest 5 of "
      << ranked.size() << " people with a scored role; "
      << summary.scores.size() - ranked.size() << " without one; "
      << summary.people_without_score.size() << " with no log in the period";
  for (size_t i = 0; i < summary.people_without_score.size() && i < 5; ++i) {
    out << (i == 0 ? ": " : ", ") << summary.people_without_score[i];
  }
  if (summary.people_without_score.size() > 5) {
    out << ", ...";
  }
  out << ")\n";
  for (size_t i = 0; i < ranked.size(); ++i) {
    if (i >= 5 && i + 5 < ranked.size()) {
      continue;
    }
    const DemoScoreRow& row = *ranked[i];
    std::snprintf(line, sizeof(line), "%-8s %6s  ", row.role.c_str(),
                  RoundForDisplay(row.total).c_str());
    out << "  " << PadToColumns(row.person, 10) << line;
    for (const auto& [kpi, points] : row.kpis) {
      out << kpi << " " << RoundForDisplay(points) << "  ";
    }
    out << "\n";
  }

  out << "\ndatabase   " << summary.database_path << "\n";
  out << "admin API  " << summary.admin_url
      << " (stopped; run with --stay to keep it up and print its token)\n";
  std::snprintf(line, sizeof(line), "took       %.1f s\n", summary.wall_seconds);
  out << line;
  return out.str();
}

}  // namespace logbridge::connector
