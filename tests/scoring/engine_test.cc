// Engine tests: the worked sales example from config/sales.toml and its sample logs, plus
// aggregation, down-weighting, exclusion, renormalization and streaming behaviour on small
// configs written inline.
#include <catch2/catch.hpp>
#include <fstream>
#include <limits>
#include <memory>
#include <sstream>
#include <vector>

#include "scoring/config.h"
#include "scoring/log_record.h"
#include "scoring/normalize.h"
#include "scoring/report_format.h"
#include "scoring/score.h"

namespace logbridge::scoring {
namespace {

std::string ReadSourceFile(const std::string& relative) {
  std::ifstream file(std::string(LOGBRIDGE_SOURCE_DIR) + "/" + relative);
  REQUIRE(file.good());
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

std::shared_ptr<const Config> LoadSalesConfig() {
  Result<Config> config = LoadConfigString(ReadSourceFile("config/sales.toml"), "sales.toml");
  INFO((config.ok() ? "" : config.error().message));
  REQUIRE(config.ok());
  return std::make_shared<const Config>(std::move(config).value());
}

std::vector<LogRecord> LoadSalesLogs() {
  Result<std::vector<LogRecord>> records =
      ParseLogRecords(ReadSourceFile("config/samples/sales_logs.json"), "sales_logs.json");
  REQUIRE(records.ok());
  return std::move(records).value();
}

Decimal Dec(std::string_view text) { return *Decimal::Parse(text); }

const KpiScore& FindKpi(const ScoreReport& report, std::string_view name) {
  for (const KpiScore& kpi : report.kpis) {
    if (kpi.name == name) {
      return kpi;
    }
  }
  FAIL("no KPI named " << name);
  return report.kpis.front();
}

ScoreReport ScoreSamples(std::string_view person) {
  Engine engine(LoadSalesConfig(), {.only_period = *ParsePeriod("2026-11")});
  for (const LogRecord& record : LoadSalesLogs()) {
    engine.Add(record);
  }
  std::optional<ScoreReport> report = engine.ReportFor(person, *ParsePeriod("2026-11"));
  REQUIRE(report.has_value());
  return *report;
}

TEST_CASE("worked example scores 90", "[engine]") {
  ScoreReport report = ScoreSamples("zhangsan");
  CHECK(report.role == "sales");

  const KpiScore& sales = FindKpi(report, "销售额");
  CHECK(sales.raw == Dec("120000"));
  CHECK(*sales.achievement == Dec("120"));
  CHECK(sales.points == Dec("40"));

  const KpiScore& visits = FindKpi(report, "客户拜访");
  CHECK(visits.raw == Dec("20"));
  CHECK(visits.points == Dec("30"));

  const KpiScore& satisfaction = FindKpi(report, "客户满意度");
  CHECK(satisfaction.raw == Dec("4.5"));
  CHECK(satisfaction.points == Dec("15"));

  const KpiScore& efficiency = FindKpi(report, "效率");
  CHECK(efficiency.raw == Dec("10"));
  CHECK(efficiency.points == Dec("5"));

  CHECK(report.total == Dec("90"));
  CHECK(report.logs_counted == 4);
  CHECK(report.flagged_logs.empty());
}

TEST_CASE("worked example evidence quotes text", "[engine]") {
  ScoreReport report = ScoreSamples("zhangsan");
  const KpiScore& sales = FindKpi(report, "销售额");
  // Three logs: two typed amounts and one amount found only in the free text.
  REQUIRE(sales.evidence.size() == 3);
  const Evidence& from_text = sales.evidence[1];
  CHECK(from_text.report_id == "r-zs-1103");
  CHECK(from_text.field_key == "今日工作");
  CHECK(from_text.source == "deals_signed");
  CHECK(from_text.quote.find("3万元") != std::string::npos);
  CHECK(from_text.value == Dec("30000"));

  const KpiScore& visits = FindKpi(report, "客户拜访");
  REQUIRE(visits.evidence.size() == 4);
  for (const Evidence& item : visits.evidence) {
    CHECK(item.quote.find("计划") == std::string::npos);
  }
}

TEST_CASE("typed amount wins over same text amount", "[engine]") {
  ScoreReport report = ScoreSamples("zhangsan");
  const KpiScore& sales = FindKpi(report, "销售额");
  int from_first_log = 0;
  for (const Evidence& item : sales.evidence) {
    from_first_log += item.report_id == "r-zs-1102" ? 1 : 0;
  }
  CHECK(from_first_log == 1);
}

std::set<std::string> FlagCodes(const ScoreReport& report) {
  std::set<std::string> codes;
  for (const FlaggedLog& log : report.flagged_logs) {
    for (const Flag& flag : log.flags) {
      codes.insert(flag.code);
    }
  }
  return codes;
}

TEST_CASE("requested edit is not edited_late", "[engine]") {
  Engine engine(LoadSalesConfig(), {.only_period = *ParsePeriod("2026-11")});
  // r-ls-1105 was edited at 1793928600000, after its deadline.
  engine.AllowEdits("r-ls-1105", EpochMs(1793872800000), EpochMs(1793928600000));
  for (const LogRecord& record : LoadSalesLogs()) {
    engine.Add(record);
  }
  std::optional<ScoreReport> report = engine.ReportFor("lisi", *ParsePeriod("2026-11"));
  REQUIRE(report.has_value());
  CHECK(FlagCodes(*report).count("edited_late") == 0);
  CHECK(FlagCodes(*report).count("late") == 1);
  CHECK(FlagCodes(ScoreSamples("lisi")).count("edited_late") == 1);
}

TEST_CASE("sample flags reach the report", "[engine]") {
  ScoreReport lisi = ScoreSamples("lisi");
  std::set<std::string> codes = FlagCodes(lisi);
  CHECK(codes.count("late") == 1);
  CHECK(codes.count("edited_late") == 1);
  CHECK(codes.count("unit_slip") == 1);
  CHECK(codes.count("amount_jump") == 1);
  CHECK(codes.count("near_duplicate") == 1);
  CHECK(codes.count("missing_field") == 1);
  CHECK(*FindKpi(lisi, "销售额").target == Dec("150000"));
  // Satisfaction is a weighted mean; the down-weighted log counts half in both parts.
  const KpiScore& satisfaction = FindKpi(lisi, "客户满意度");
  CHECK(satisfaction.aggregation == Aggregation::kMean);
  CHECK(satisfaction.mean_sum == Dec("14.5"));
  CHECK(satisfaction.mean_weight == Dec("3.5"));
  CHECK(ExplainReport(lisi).find("(weighted mean 14.5 / 3.5)") != std::string::npos);

  ScoreReport wangwu = ScoreSamples("wangwu");
  std::set<std::string> wangwu_codes = FlagCodes(wangwu);
  CHECK(wangwu_codes.count("boilerplate") == 1);
  CHECK(wangwu_codes.count("too_short") == 1);
  CHECK(wangwu_codes.count("duplicate_order") == 1);
  CHECK(wangwu.logs_excluded == 3);
  CHECK(wangwu.total == Decimal());
}

TEST_CASE("sample output is byte identical", "[engine]") {
  auto run = [](bool reversed) {
    Engine engine(LoadSalesConfig(), {});
    std::vector<LogRecord> records = LoadSalesLogs();
    if (reversed) {
      // Same logs from a second parse: output must not depend on addresses or hash order.
      records = LoadSalesLogs();
    }
    for (const LogRecord& record : records) {
      engine.Add(record);
    }
    std::vector<ScoreReport> reports = engine.Reports();
    return ReportsToJson(reports) + ReportsToCsv(reports) + ReportsToTable(reports);
  };
  CHECK(run(false) == run(true));
}

constexpr std::string_view kSmallConfig = R"(
[metrics.tasks]
aggregation = "sum"
[metrics.hours]
aggregation = "sum"
[metrics.per_hour]
aggregation = "ratio"
numerator = "tasks"
denominator = "hours"
[metrics.best]
aggregation = "max"
[metrics.worst]
aggregation = "min"
[metrics.projects]
aggregation = "distinct"
[metrics.logs]
aggregation = "count"

[[templates]]
name = "日报"
  [[templates.fields]]
  key = "任务数"
  type = "count"
  metric = "tasks"
  [[templates.fields]]
  key = "工时"
  type = "duration"
  unit = "小时"
  metric = "hours"
  [[templates.fields]]
  key = "得分"
  type = "count"
  metric = "best"
  [[templates.fields]]
  key = "最低"
  type = "count"
  metric = "worst"
  [[templates.fields]]
  key = "项目"
  type = "text"
  metric = "projects"
  [[templates.fields]]
  key = "内容"
  type = "text"
  metric = "logs"

[roles.dev]
templates = ["日报"]
missing = "renormalize"
  [[roles.dev.kpis]]
  name = "产出"
  metric = "tasks"
  weight = 50
  target = 10
  [[roles.dev.kpis]]
  name = "时效"
  metric = "per_hour"
  weight = 30
  target = 1
  [[roles.dev.kpis]]
  name = "缺失"
  metric = "best"
  weight = 20
  target = 5

[validation]
min_chars = 8
[validation.actions]
too_short = "down_weight"
)";

LogRecord SmallLog(std::string id, int64_t day_offset, std::string tasks, std::string hours,
                   std::string project, std::string text = "正常的工作内容描述") {
  LogRecord record;
  record.report_id = std::move(id);
  record.template_name = "日报";
  record.creator_id = "dev1";
  record.create_time = EpochMs(1793615400000 + day_offset * kMsPerDay);
  record.modified_time = record.create_time;
  record.contents = {{"任务数", 0, "1", std::move(tasks)},
                     {"工时", 1, "1", std::move(hours)},
                     {"项目", 2, "1", std::move(project)},
                     {"内容", 3, "1", std::move(text)}};
  return record;
}

std::shared_ptr<const Config> SmallConfig() {
  Result<Config> config = LoadConfigString(kSmallConfig, "small.toml");
  INFO((config.ok() ? "" : config.error().message));
  REQUIRE(config.ok());
  return std::make_shared<const Config>(std::move(config).value());
}

TEST_CASE("aggregations and ratio", "[engine]") {
  Engine engine(SmallConfig(), {});
  engine.Add(SmallLog("a", 0, "4", "8", "alpha"));
  engine.Add(SmallLog("b", 1, "6", "2", "beta"));
  engine.Add(SmallLog("c", 2, "2", "", "alpha"));
  std::vector<ScoreReport> reports = engine.Reports();
  REQUIRE(reports.size() == 1);
  const ScoreReport& report = reports[0];
  CHECK(FindKpi(report, "产出").raw == Dec("12"));
  // 12 tasks over 10 hours.
  CHECK(FindKpi(report, "时效").raw == Dec("1.2"));
  CHECK(report.logs_counted == 3);
}

TEST_CASE("distinct key drops end notes", "[engine]") {
  std::shared_ptr<const Config> config = SmallConfig();
  int projects = -1;
  for (size_t i = 0; i < config->metrics.size(); ++i) {
    if (config->metrics[i].name == "projects") {
      projects = static_cast<int>(i);
    }
  }
  REQUIRE(projects >= 0);
  const std::pair<const char*, const char*> kCases[] = {
      {"市场部", "市场部"},          {"市场部。", "市场部"},     {"市场部（张三）", "市场部"},
      {"市场部 (张三) 。", "市场部"}, {"市场部!", "市场部"},      {"市场部，", "市场部"},
      {"(市场部)", "(市场部)"},       {"。", "。"},               {"市场部、财务部", "市场部、财务部"},
      {"市场(一部)二组", "市场(一部)二组"}};
  for (const auto& [project, key] : kCases) {
    INFO("project: " << project);
    LogRecord record = SmallLog("a", 0, "4", "4", project);
    NormalizedLog log = Normalize(*config, record);
    const MetricValue* value = nullptr;
    for (const MetricValue& item : log.values) {
      if (item.metric == projects) {
        value = &item;
      }
    }
    REQUIRE(value != nullptr);
    CHECK(value->text == key);
    CHECK(value->evidence.quote == project);
  }

  // Three ways of writing 市场部 and one other name count 2, when a KPI counts the projects.
  std::string text(kSmallConfig);
  std::string_view best = "name = \"缺失\"\n  metric = \"best\"";
  size_t at = text.find(best);
  REQUIRE(at != std::string::npos);
  text.replace(at, best.size(), "name = \"缺失\"\n  metric = \"projects\"");
  Result<Config> distinct = LoadConfigString(text, "small.toml");
  INFO((distinct.ok() ? "" : distinct.error().message));
  REQUIRE(distinct.ok());
  Engine engine(std::make_shared<const Config>(std::move(distinct).value()), {});
  engine.Add(SmallLog("a", 0, "4", "4", "市场部"));
  engine.Add(SmallLog("b", 1, "4", "4", "市场部。"));
  engine.Add(SmallLog("c", 2, "4", "4", "市场部（张三）"));
  engine.Add(SmallLog("d", 3, "4", "4", "财务部"));
  std::vector<ScoreReport> reports = engine.Reports();
  REQUIRE(reports.size() == 1);
  CHECK(FindKpi(reports[0], "缺失").raw == Dec("2"));
}

TEST_CASE("renormalize spreads missing weight", "[engine]") {
  Engine engine(SmallConfig(), {});
  engine.Add(SmallLog("a", 0, "10", "10", "alpha"));
  ScoreReport report = engine.Reports().at(0);
  const KpiScore& missing = FindKpi(report, "缺失");
  CHECK_FALSE(missing.has_data);
  CHECK(missing.effective_weight == Decimal());
  // 50 and 30 of the 80 present weight become 62.5 and 37.5 of 100; both fully achieved.
  CHECK(FindKpi(report, "产出").effective_weight == Dec("62.5"));
  CHECK(FindKpi(report, "时效").effective_weight == Dec("37.5"));
  CHECK(report.total == Dec("100"));
}

TEST_CASE("down weighted log counts half", "[engine]") {
  Engine engine(SmallConfig(), {});
  engine.Add(SmallLog("a", 0, "4", "4", "alpha"));
  LogOutcome outcome = engine.Add(SmallLog("b", 1, "4", "4", "beta", "短"));
  CHECK(outcome.decision == LogDecision::kDownWeighted);
  ScoreReport report = engine.Reports().at(0);
  CHECK(FindKpi(report, "产出").raw == Dec("6"));
  CHECK(report.logs_down_weighted == 1);
  REQUIRE(report.flagged_logs.size() == 1);
  CHECK(report.flagged_logs[0].flags[0].code == "too_short");
}

TEST_CASE("excluded report id is skipped", "[engine]") {
  Engine engine(SmallConfig(), {});
  engine.ExcludeReport("b");
  engine.Add(SmallLog("a", 0, "4", "4", "alpha"));
  LogOutcome outcome = engine.Add(SmallLog("b", 1, "5", "4", "beta"));
  CHECK(outcome.decision == LogDecision::kSkipped);
  CHECK(outcome.skip_reason == "report excluded by id");
  CHECK(FindKpi(engine.Reports().at(0), "产出").raw == Dec("4"));
}

TEST_CASE("period filter skips other months", "[engine]") {
  Engine engine(SmallConfig(), {.only_period = *ParsePeriod("2026-W45")});
  // 2026-11-02 is the Monday of ISO week 45; seven days later is week 46.
  CHECK(engine.Add(SmallLog("a", 0, "4", "4", "alpha")).decision == LogDecision::kCounted);
  LogOutcome later = engine.Add(SmallLog("b", 7, "4", "4", "alpha"));
  CHECK(later.decision == LogDecision::kSkipped);
  CHECK(later.skip_reason == "outside period 2026-W45");
  std::vector<ScoreReport> reports = engine.Reports();
  REQUIRE(reports.size() == 1);
  CHECK(reports[0].period.Label() == "2026-W45");
}

TEST_CASE("reports split by week", "[engine]") {
  Engine engine(SmallConfig(), {.period_kind = PeriodKind::kWeek});
  engine.Add(SmallLog("a", 0, "4", "4", "alpha"));
  engine.Add(SmallLog("b", 7, "6", "4", "alpha"));
  std::vector<ScoreReport> reports = engine.Reports();
  REQUIRE(reports.size() == 2);
  CHECK(reports[0].period.Label() == "2026-W45");
  CHECK(reports[1].period.Label() == "2026-W46");
  CHECK(FindKpi(reports[1], "产出").raw == Dec("6"));
}

TEST_CASE("unknown template is skipped", "[engine]") {
  Engine engine(SmallConfig(), {});
  LogRecord record = SmallLog("a", 0, "4", "4", "alpha");
  record.template_name = "周报";
  LogOutcome outcome = engine.Add(record);
  CHECK(outcome.decision == LogDecision::kSkipped);
  CHECK(outcome.skip_reason == "template \"周报\" is not in the config");
  CHECK(engine.Reports().empty());
}

TEST_CASE("a sum past the Decimal limit stays at the limit", "[engine]") {
  // 1000 values of the largest quantity, 10^12 each, add up past the end of Decimal's range
  // (about 9.2 x 10^14). The total must stay at the limit, not wrap around to a negative value.
  Engine engine(SmallConfig(), {});
  for (int i = 0; i < 1000; ++i) {
    engine.Add(SmallLog("log" + std::to_string(i), 0, "1万亿", "1", "p",
                        "第" + std::to_string(i) + "条不同的工作内容描述"));
  }
  ScoreReport report = engine.Reports().at(0);
  const KpiScore& output = FindKpi(report, "产出");
  CHECK(output.value_count == 1000);
  CHECK(output.raw == Decimal::FromUnits(std::numeric_limits<int64_t>::max()));
}

TEST_CASE("evidence list is bounded", "[engine]") {
  Engine engine(SmallConfig(), {.max_evidence_per_kpi = 2});
  for (int i = 0; i < 5; ++i) {
    engine.Add(SmallLog("log" + std::to_string(i), 0, "1", "1", "p", "第" + std::to_string(i) +
                                                                         "条不同的工作内容描述"));
  }
  ScoreReport report = engine.Reports().at(0);
  const KpiScore& output = FindKpi(report, "产出");
  CHECK(output.raw == Dec("5"));
  CHECK(output.evidence.size() == 2);
  CHECK(output.evidence_omitted == 3);
  CHECK(output.value_count == 5);
}

TEST_CASE("flagged log list is bounded", "[engine]") {
  Engine engine(SmallConfig(), {.max_flagged_logs_per_report = 2});
  for (int i = 0; i < 5; ++i) {
    engine.Add(SmallLog("log" + std::to_string(i), 0, "1", "1", "p", "短"));
  }
  ScoreReport report = engine.Reports().at(0);
  REQUIRE(report.flagged_logs.size() == 2);
  CHECK(report.flagged_logs[0].report_id == "log0");
  CHECK(report.flagged_logs[1].report_id == "log1");
  CHECK(report.logs_flagged == 5);
  CHECK(report.flag_counts.at("too_short") == 5);
}

TEST_CASE("bounded evidence keeps largest values", "[engine]") {
  Engine engine(SmallConfig(), {.max_evidence_per_kpi = 2});
  const char* const tasks[] = {"1", "5", "3", "5", "2"};
  for (int i = 0; i < 5; ++i) {
    engine.Add(SmallLog("log" + std::to_string(i), 0, tasks[i], "1", "p",
                        "第" + std::to_string(i) + "条不同的工作内容描述"));
  }
  ScoreReport report = engine.Reports().at(0);
  const KpiScore& output = FindKpi(report, "产出");
  CHECK(output.raw == Dec("16"));
  REQUIRE(output.evidence.size() == 2);
  // Both 5s are kept, sorted by report id; the 1, 3 and 2 are only counted.
  CHECK(output.evidence[0].report_id == "log1");
  CHECK(output.evidence[1].report_id == "log3");
  CHECK(output.evidence[0].value == Dec("5"));
  CHECK(output.evidence[1].value == Dec("5"));
  CHECK(output.evidence_omitted == 3);
}

LogRecord SalesLog(std::string id, std::string work, std::string amount = "") {
  LogRecord record;
  record.report_id = std::move(id);
  record.template_name = "销售日报";
  record.creator_id = "zhangsan";
  record.create_time = EpochMs(1793615400000);  // 2026-11-02, Shanghai
  record.modified_time = record.create_time;
  record.contents = {{"今日工作", 0, "1", std::move(work)}, {"成交金额", 1, "1", std::move(amount)}};
  return record;
}

TEST_CASE("uncounted matches reach the report", "[engine]") {
  Engine engine(LoadSalesConfig(), {});
  engine.Add(SalesLog("r1", "拜访客户3家，明天计划拜访5家，未签约2万元，回款123456789元"));
  ScoreReport report = engine.Reports().at(0);
  CHECK(FindKpi(report, "客户拜访").raw == Dec("3"));
  CHECK_FALSE(FindKpi(report, "销售额").has_data);

  REQUIRE(report.ignored.size() == 3);
  const IgnoredMatch& planned = report.ignored[0];
  CHECK(planned.report_id == "r1");
  CHECK(planned.field_key == "今日工作");
  CHECK(planned.rule == "visits_done");
  CHECK(planned.metric == "visits");
  CHECK(planned.quote == "拜访5家");
  CHECK(planned.reason == "planned");
  CHECK(planned.value == Dec("5"));
  CHECK(report.ignored[1].quote == "签约2万元");
  CHECK(report.ignored[1].reason == "negated");
  CHECK(report.ignored[1].value == Dec("20000"));
  CHECK(report.ignored[2].quote == "回款123456789元");
  CHECK(report.ignored[2].reason == "identifier");
}

TEST_CASE("uncounted match quoted from invalid utf8", "[engine]") {
  // An invalid byte leaves the extraction without byte offsets, so the quote is cut by code
  // points instead; both ways give the same text.
  Engine engine(LoadSalesConfig(), {});
  engine.Add(SalesLog("r1", "拜访客户3家\xff，明天计划拜访5家"));
  ScoreReport report = engine.Reports().at(0);
  REQUIRE(report.ignored.size() == 1);
  CHECK(report.ignored[0].quote == "拜访5家");
  CHECK(report.ignored[0].reason == "planned");
}

TEST_CASE("uncounted matches are bounded", "[engine]") {
  Engine engine(LoadSalesConfig(), {.max_evidence_per_kpi = 2});
  engine.Add(SalesLog("r1", "明天拜访3家，明天拜访4家，明天拜访5家"));
  ScoreReport report = engine.Reports().at(0);
  CHECK(report.ignored.size() == 2);
  CHECK(report.ignored_omitted == 1);
}

TEST_CASE("text amount replaced by typed field", "[engine]") {
  Engine engine(LoadSalesConfig(), {});
  engine.Add(SalesLog("r1", "拜访客户3家，签约5万元", "50000"));
  ScoreReport report = engine.Reports().at(0);
  CHECK(FindKpi(report, "销售额").raw == Dec("50000"));

  REQUIRE(report.ignored.size() == 1);
  const IgnoredMatch& replaced = report.ignored[0];
  CHECK(replaced.report_id == "r1");
  CHECK(replaced.field_key == "今日工作");
  CHECK(replaced.rule == "deals_signed");
  CHECK(replaced.metric == "sales");
  CHECK(replaced.quote == "签约5万元");
  CHECK(replaced.span.begin == 7);
  CHECK(replaced.span.end == 12);
  CHECK(replaced.reason == "replaced");
  CHECK(replaced.replaced_by == "成交金额");
  CHECK(replaced.value == Dec("50000"));

  std::string table = ExplainReport(report);
  CHECK(table.find("\"签约5万元\" replaced by 成交金额, not counted (sales 50000)") !=
        std::string::npos);
}

TEST_CASE("replaced match quoted from invalid utf8", "[engine]") {
  Engine engine(LoadSalesConfig(), {});
  engine.Add(SalesLog("r1", "拜访\xff客户3家，签约5万元", "50000"));
  ScoreReport report = engine.Reports().at(0);
  REQUIRE(report.ignored.size() == 1);
  CHECK(report.ignored[0].quote == "签约5万元");
  CHECK(report.ignored[0].reason == "replaced");
}

TEST_CASE("replaced text range keeps its midpoint", "[engine]") {
  Engine engine(LoadSalesConfig(), {});
  engine.Add(SalesLog("r1", "签约3-5万元", "45000"));
  ScoreReport report = engine.Reports().at(0);
  REQUIRE(report.ignored.size() == 1);
  CHECK(report.ignored[0].reason == "replaced");
  CHECK(report.ignored[0].value == Dec("40000"));
}

TEST_CASE("full list prefers planned to replaced", "[engine]") {
  Engine engine(LoadSalesConfig(), {.max_evidence_per_kpi = 2});
  engine.Add(SalesLog("r1", "签约1万元", "10000"));
  engine.Add(SalesLog("r2", "签约2万元", "20000"));
  engine.Add(SalesLog("r3", "签约3万元", "30000"));
  engine.Add(SalesLog("r4", "明天计划拜访5家"));
  ScoreReport report = engine.Reports().at(0);
  REQUIRE(report.ignored.size() == 2);
  CHECK(report.ignored_omitted == 2);
  int planned = 0;
  for (const IgnoredMatch& match : report.ignored) {
    planned += match.reason == "planned" ? 1 : 0;
  }
  CHECK(planned == 1);
}

TEST_CASE("full list replaces replaced in order", "[engine]") {
  // Each planned match overwrites the first item that is still "replaced", also when a planned
  // item comes first and a replaced match (r5) arrives after the list is full.
  Engine engine(LoadSalesConfig(), {.max_evidence_per_kpi = 3});
  engine.Add(SalesLog("r1", "明天计划拜访1家"));
  engine.Add(SalesLog("r2", "签约2万元", "20000"));
  engine.Add(SalesLog("r3", "签约3万元", "30000"));
  engine.Add(SalesLog("r4", "明天计划拜访4家"));
  engine.Add(SalesLog("r5", "签约5万元", "50000"));
  engine.Add(SalesLog("r6", "明天计划拜访6家"));
  engine.Add(SalesLog("r7", "明天计划拜访7家"));
  ScoreReport report = engine.Reports().at(0);
  REQUIRE(report.ignored.size() == 3);
  CHECK(report.ignored[0].report_id == "r1");
  CHECK(report.ignored[1].report_id == "r4");
  CHECK(report.ignored[2].report_id == "r6");
  for (const IgnoredMatch& match : report.ignored) {
    CHECK(match.reason == "planned");
  }
  CHECK(report.ignored_omitted == 4);
}

TEST_CASE("approximate values are flagged", "[engine]") {
  Engine engine(LoadSalesConfig(), {});
  LogOutcome outcome = engine.Add(SalesLog("r1", "拜访两三个客户，签约十几万"));
  REQUIRE(outcome.flags.size() == 2);
  for (const Flag& flag : outcome.flags) {
    CHECK(flag.code == "approximate_value");
    CHECK(flag.severity == Severity::kInfo);
    CHECK(flag.field == "今日工作");
  }
  CHECK(outcome.flags[0].message.find("\"拜访两三个\" is approximate, from 2 to 3") !=
        std::string::npos);
  CHECK(outcome.flags[1].message.find("midpoint 150000 is the value used") != std::string::npos);

  ScoreReport report = engine.Reports().at(0);
  const KpiScore& sales = FindKpi(report, "销售额");
  CHECK(sales.raw == Dec("150000"));
  REQUIRE(sales.evidence.size() == 1);
  REQUIRE(sales.evidence[0].approximate.has_value());
  CHECK(sales.evidence[0].approximate->low == Dec("110000"));
  CHECK(sales.evidence[0].approximate->high == Dec("190000"));
  CHECK(FindKpi(report, "客户拜访").raw == Dec("2.5"));

  // An exact value carries no range and raises no flag; a typed approximate value does.
  Engine typed(LoadSalesConfig(), {});
  LogOutcome exact = typed.Add(SalesLog("r2", "拜访客户3家，跟进合同"));
  CHECK(exact.flags.empty());
  LogOutcome typed_range = typed.Add(SalesLog("r3", "拜访客户4家，跟进合同细节", "3千多元"));
  REQUIRE(typed_range.flags.size() == 1);
  CHECK(typed_range.flags[0].field == "成交金额");
}

TEST_CASE("approximate value action is configurable", "[engine]") {
  std::string text = ReadSourceFile("config/sales.toml");
  text.replace(text.find("[validation.actions]"), std::string("[validation.actions]").size(),
               "[validation.actions]\napproximate_value = \"exclude\"");
  Result<Config> config = LoadConfigString(text, "sales.toml");
  INFO((config.ok() ? "" : config.error().message));
  REQUIRE(config.ok());
  Engine engine(std::make_shared<const Config>(std::move(config).value()), {});
  CHECK(engine.Add(SalesLog("r1", "拜访两三个客户，跟进合同")).decision == LogDecision::kExcluded);
}

TEST_CASE("typed long digit run is unreadable", "[engine]") {
  Engine engine(LoadSalesConfig(), {});
  LogOutcome outcome = engine.Add(SalesLog("r1", "拜访客户3家，跟进合同", "123456789"));
  REQUIRE(outcome.flags.size() == 1);
  CHECK(outcome.flags[0].code == "unreadable_value");
  CHECK(outcome.flags[0].message.find("more than 8 digits") != std::string::npos);
  CHECK(outcome.flags[0].message.find("123,456,789") != std::string::npos);

  // With separators the same amount is read.
  LogOutcome grouped = engine.Add(SalesLog("r2", "拜访客户4家，跟进合同细节", "123,456,789"));
  CHECK(grouped.flags.empty());
  CHECK(FindKpi(engine.Reports().at(0), "销售额").raw == Dec("123456789"));
}

// Returns the sales config with one text replaced.
std::shared_ptr<const Config> SalesConfigWith(std::string_view from, std::string_view to) {
  std::string text = ReadSourceFile("config/sales.toml");
  size_t at = text.find(from);
  REQUIRE(at != std::string::npos);
  text.replace(at, from.size(), to);
  Result<Config> config = LoadConfigString(text, "sales.toml");
  INFO((config.ok() ? "" : config.error().message));
  REQUIRE(config.ok());
  return std::make_shared<const Config>(std::move(config).value());
}

TEST_CASE("points are rounded once", "[engine]") {
  std::shared_ptr<const Config> config = SalesConfigWith("target = 20\n", "target = 12\n");
  struct VisitsCase {
    const char* visits;
    const char* points;  // 30 x visits / 12, exactly
  };
  const VisitsCase cases[] = {{"5", "12.5"}, {"11", "27.5"}, {"10", "25"}, {"8", "20"}};
  for (const VisitsCase& c : cases) {
    INFO("visits: " << c.visits);
    Engine engine(config, {});
    engine.Add(SalesLog("r1", std::string("拜访客户") + c.visits + "家，跟进合同"));
    const KpiScore& visits = FindKpi(engine.Reports().at(0), "客户拜访");
    CHECK(visits.raw == Dec(c.visits));
    CHECK(visits.points == Dec(c.points));
  }
  Engine engine(config, {});
  engine.Add(SalesLog("r1", "拜访客户5家，跟进合同"));
  CHECK(FindKpi(engine.Reports().at(0), "客户拜访").fraction == Dec("0.4167"));
}

TEST_CASE("mean reaches the curve unrounded", "[engine]") {
  // Satisfaction 较满意, 较满意, 非常满意 is 13/3 on a curve from 3 (0) to 5 (full) worth 20:
  // exactly 40/3 points. Rounding the mean to 4.3333 first would give 13.333.
  Engine engine(LoadSalesConfig(), {});
  const char* ratings[] = {"较满意", "较满意", "非常满意"};
  const char* work[] = {"拜访客户2家，跟进合同", "整理报价单并发给采购部确认", "参加区域销售周会"};
  for (int i = 0; i < 3; ++i) {
    LogRecord record = SalesLog("r" + std::to_string(i), work[i]);
    record.contents.push_back({"客户满意度", 2, "1", ratings[i]});
    engine.Add(record);
  }
  const KpiScore& satisfaction = FindKpi(engine.Reports().at(0), "客户满意度");
  INFO("raw " << satisfaction.raw.ToString() << ", fraction " << satisfaction.fraction.ToString()
              << ", points " << satisfaction.points.ToString() << ", values "
              << satisfaction.value_count);
  CHECK(satisfaction.raw == Dec("4.3333"));
  CHECK(satisfaction.fraction == Dec("0.6667"));
  CHECK(satisfaction.points == Dec("13.3333"));
}

TEST_CASE("down weighted evidence shows counted value", "[engine]") {
  ScoreReport report = ScoreSamples("lisi");
  const KpiScore& sales = FindKpi(report, "销售额");
  CHECK(sales.raw == Dec("225000"));
  Decimal counted_sum;
  const Evidence* down = nullptr;
  for (const Evidence& item : sales.evidence) {
    counted_sum = counted_sum + item.counted;
    if (item.report_id == "r-ls-1105") {
      down = &item;
    }
  }
  CHECK(counted_sum == sales.raw);
  REQUIRE(down != nullptr);
  CHECK(down->value == Dec("300000"));
  CHECK(down->weight == Dec("0.5"));
  CHECK(down->counted == Dec("150000"));

  std::string explained = ExplainReport(report);
  CHECK(explained.find("= 300000 x 0.5 = 150000 (down_weighted)") != std::string::npos);
  std::string json = ReportsToJson({report});
  CHECK(json.find("\"counted\": 150000") != std::string::npos);
}

TEST_CASE("zero planned time is unreadable", "[engine]") {
  Engine engine(LoadSalesConfig(), {});
  LogRecord record = SalesLog("r1", "拜访客户2家，跟进合同");
  record.contents.push_back({"计划用时", 4, "1", "0小时"});
  record.contents.push_back({"实际用时", 5, "1", "2小时"});
  LogOutcome outcome = engine.Add(record);
  REQUIRE(outcome.flags.size() == 1);
  CHECK(outcome.flags[0].code == "unreadable_value");
  CHECK(outcome.flags[0].field == "计划用时");
  CHECK(outcome.flags[0].message.find("A planned time of 0 leaves no time saving to compute") !=
        std::string::npos);
  CHECK_FALSE(FindKpi(engine.Reports().at(0), "效率").has_data);
}

TEST_CASE("zero actual time is unreadable", "[engine]") {
  Engine engine(LoadSalesConfig(), {});
  LogRecord record = SalesLog("r1", "拜访客户2家，跟进合同");
  record.contents.push_back({"计划用时", 4, "1", "2小时"});
  record.contents.push_back({"实际用时", 5, "1", "0"});
  LogOutcome outcome = engine.Add(record);
  REQUIRE(outcome.flags.size() == 1);
  CHECK(outcome.flags[0].code == "unreadable_value");
  CHECK(outcome.flags[0].field == "实际用时");
  CHECK(outcome.flags[0].message.find("An actual time of 0 usually means the field was not "
                                      "filled in, so efficiency got no value") !=
        std::string::npos);
  CHECK_FALSE(FindKpi(engine.Reports().at(0), "效率").has_data);
}

TEST_CASE("time saving quotes both fields", "[engine]") {
  ScoreReport report = ScoreSamples("zhangsan");
  const KpiScore& efficiency = FindKpi(report, "效率");
  const Evidence* saving = nullptr;
  for (const Evidence& item : efficiency.evidence) {
    if (item.report_id == "r-zs-1104") {
      saving = &item;
    }
  }
  REQUIRE(saving != nullptr);
  CHECK(saving->source == "time_saving");
  CHECK(saving->field_key == "实际用时");
  CHECK(saving->quote == "计划用时 2天 → 实际用时 1.8天");
  CHECK(saving->span == Span{0, 4});
  CHECK(saving->value == Dec("10"));
}

TEST_CASE("long digit runs are listed as identifiers", "[engine]") {
  const char* texts[] = {"签约99999999999999999999999元订单", "回款单号13812345678，跟进合同"};
  for (const char* text : texts) {
    INFO("text: " << text);
    Engine engine(LoadSalesConfig(), {});
    engine.Add(SalesLog("r1", text));
    ScoreReport report = engine.Reports().at(0);
    CHECK_FALSE(FindKpi(report, "销售额").has_data);
    REQUIRE(report.ignored.size() == 1);
    CHECK(report.ignored[0].reason == "identifier");
    CHECK(report.ignored[0].metric == "sales");
    CHECK(ExplainReport(report).find("identifier, not counted (sales)") != std::string::npos);
  }
}

TEST_CASE("unreadable values say why", "[engine]") {
  struct UnreadableCase {
    const char* amount;
    const char* because;
    bool identifier_hint;
  };
  const UnreadableCase cases[] = {
      {"999,999,999,999,999,999,999", "too large", false},
      {"999,999,999,999,999,999,999", "1,000,000,000,000 (一万亿)", false},
      {"1,000,000,000,001", "too large", false},
      {"1.5万亿", "too large", false},
      {"500万亿", "too large", false},
      {"0.00001", "5 decimal places", false},
      {"12345678.99999", "round it to 4 decimal places", false},
      {"-5000", "negative", false},
      {"1e300", "Scientific notation", false},
      {"9999999999亿", "too large", false},
      {"123456789", "more than 8 digits", true},
      {"138 1234 5678", "phone or card number", false},
      {"400-800-1234", "phone or card number", false},
      {"0571 8888 6666", "phone or card number", false},
  };
  for (const UnreadableCase& c : cases) {
    INFO("amount: " << c.amount);
    Engine engine(LoadSalesConfig(), {});
    LogOutcome outcome = engine.Add(SalesLog("r1", "拜访客户3家，跟进合同", c.amount));
    REQUIRE(outcome.flags.size() == 1);
    CHECK(outcome.flags[0].code == "unreadable_value");
    INFO("message: " << outcome.flags[0].message);
    CHECK(outcome.flags[0].message.find(c.because) != std::string::npos);
    CHECK((outcome.flags[0].message.find("identifier") != std::string::npos) ==
          c.identifier_hint);
  }

  Engine engine(LoadSalesConfig(), {});
  LogRecord record = SalesLog("r1", "拜访客户3家，跟进合同");
  record.contents.push_back({"客户满意度", 3, "1", "暂停"});
  LogOutcome outcome = engine.Add(record);
  REQUIRE(outcome.flags.size() == 1);
  INFO("message: " << outcome.flags[0].message);
  CHECK(outcome.flags[0].message.find("allowed choices") != std::string::npos);
  CHECK(outcome.flags[0].message.find("较满意") != std::string::npos);
}

TEST_CASE("achievement only for achievement curves", "[engine]") {
  ScoreReport report = ScoreSamples("zhangsan");
  const KpiScore& sales = FindKpi(report, "销售额");
  CHECK(sales.curve_on_achievement);
  CHECK(sales.achievement.has_value());
  // Satisfaction's curve reads the raw 1..5 value, so a percent of target means nothing.
  const KpiScore& satisfaction = FindKpi(report, "客户满意度");
  CHECK_FALSE(satisfaction.curve_on_achievement);
  CHECK_FALSE(satisfaction.achievement.has_value());
  CHECK(satisfaction.points == Dec("15"));
}

// Scores one small log on the given day offset from 2026-11-02 in a period of the given kind.
ScoreReport ScoreSmallIn(std::shared_ptr<const Config> config, PeriodKind kind,
                         int64_t day_offset) {
  Engine engine(std::move(config), {.period_kind = kind});
  engine.Add(SmallLog("a", day_offset, "4", "4", "alpha"));
  return engine.Reports().at(0);
}

TEST_CASE("targets scale to the scored period", "[engine]") {
  // 产出 sums tasks with a month target of 10; November has 30 days and December 31.
  const KpiScore week = FindKpi(ScoreSmallIn(SmallConfig(), PeriodKind::kWeek, 0), "产出");
  CHECK(*week.configured_target == Dec("10"));
  CHECK(week.target_share == "7/30");
  CHECK(*week.target == Dec("10") * Decimal::FromInt(7) / Decimal::FromInt(30));
  // 4 x 100 / (10 x 7/30) = 171.42857..., from the exact target rather than 2.3333.
  CHECK(*week.achievement == Dec("171.4286"));

  // ISO week 49 runs from Monday 2026-11-30 to 2026-12-06.
  const KpiScore straddling = FindKpi(ScoreSmallIn(SmallConfig(), PeriodKind::kWeek, 28), "产出");
  CHECK(straddling.target_share == "1/30 + 6/31");
  CHECK(*straddling.target == Dec("2.2688"));  // 10 x (1/30 + 6/31) = 2.26881...

  const KpiScore day = FindKpi(ScoreSmallIn(SmallConfig(), PeriodKind::kDay, 0), "产出");
  CHECK(day.target_share == "1/30");
  const KpiScore quarter = FindKpi(ScoreSmallIn(SmallConfig(), PeriodKind::kQuarter, 0), "产出");
  CHECK(quarter.target_share == "3");
  CHECK(*quarter.target == Dec("30"));

  // A month is the target period itself, and ratio and max metrics are never scaled.
  ScoreReport month = ScoreSmallIn(SmallConfig(), PeriodKind::kMonth, 0);
  CHECK(*FindKpi(month, "产出").target == Dec("10"));
  CHECK_FALSE(FindKpi(month, "产出").configured_target.has_value());
  ScoreReport week_report = ScoreSmallIn(SmallConfig(), PeriodKind::kWeek, 0);
  CHECK(*FindKpi(week_report, "时效").target == Dec("1"));
  CHECK_FALSE(FindKpi(week_report, "时效").configured_target.has_value());
  CHECK(*FindKpi(week_report, "缺失").target == Dec("5"));
}

TEST_CASE("weekly targets scale to a month", "[engine]") {
  Result<Config> loaded =
      LoadConfigString("target_period = \"week\"\n" + std::string(kSmallConfig), "small.toml");
  REQUIRE(loaded.ok());
  auto config = std::make_shared<const Config>(std::move(loaded).value());
  CHECK(config->target_period == PeriodKind::kWeek);
  // November 2026: weeks 45 to 48 whole, plus Sunday 11-01 and Monday 11-30.
  const KpiScore month = FindKpi(ScoreSmallIn(config, PeriodKind::kMonth, 0), "产出");
  CHECK(month.target_share == "4 + 1/7 + 1/7");
  // 10 x (4 + 2/7) = 42.857142...: the parts are summed exactly and rounded once, where
  // rounding each part first would give 40 + 1.4286 + 1.4286 = 42.8572.
  CHECK(*month.target == Dec("42.8571"));
  const KpiScore week = FindKpi(ScoreSmallIn(config, PeriodKind::kWeek, 0), "产出");
  CHECK_FALSE(week.configured_target.has_value());
  CHECK(*week.target == Dec("10"));
}

TEST_CASE("misplaced separators are listed unreadable", "[engine]") {
  Engine engine(LoadSalesConfig(), {});
  engine.Add(SalesLog("r1", "拜访客户3家，签约5,00元"));
  ScoreReport report = engine.Reports().at(0);
  CHECK_FALSE(FindKpi(report, "销售额").has_data);
  REQUIRE(report.ignored.size() == 1);
  CHECK(report.ignored[0].reason == "unreadable");
  CHECK(report.ignored[0].quote == "签约5,00元");
  std::string explained = ExplainReport(report);
  CHECK(explained.find("\"签约5,00元\" unreadable, not counted (sales)\n") != std::string::npos);
  std::string json = ReportsToJson({report});
  size_t reason = json.find("\"reason\": \"unreadable\"");
  REQUIRE(reason != std::string::npos);
  CHECK(json.compare(json.find("\"value\": ", reason), 13, "\"value\": null") == 0);
}

TEST_CASE("hedged amounts are marked not flagged", "[engine]") {
  Engine engine(LoadSalesConfig(), {});
  LogOutcome outcome = engine.Add(SalesLog("r1", "拜访客户3家，签约约5万元"));
  // The written value counts, so only the evidence is marked and no edit is asked for.
  CHECK(outcome.flags.empty());
  ScoreReport report = engine.Reports().at(0);
  const KpiScore& sales = FindKpi(report, "销售额");
  CHECK(sales.raw == Dec("50000"));
  REQUIRE(sales.evidence.size() == 1);
  CHECK(sales.evidence[0].quote == "签约约5万元");
  std::string explained = ExplainReport(report);
  INFO(explained);
  CHECK(explained.find("\"签约约5万元\" = 50000 (approximate: written as about 50000)") !=
        std::string::npos);
}

// A LogOutcome refilled for log after log must read as the one Aggregate returns for each log,
// after a skipped log with a reason and after a report id longer than any that follows.
TEST_CASE("aggregate refills reused outcome", "[engine]") {
  std::shared_ptr<const Config> config = LoadSalesConfig();
  std::vector<LogRecord> records = LoadSalesLogs();
  REQUIRE(records.size() >= 2);
  LogRecord long_id = records[0];
  long_id.report_id = std::string(40, 'x');
  LogRecord unknown = records[1];
  unknown.report_id = "unknown-template";
  unknown.template_name = "no such template";
  records.insert(records.begin(), {long_id, unknown});

  Engine returning(config, {});
  Engine refilling(config, {});
  LogOutcome reused;
  for (size_t i = 0; i < records.size(); ++i) {
    INFO("log " << i << ", report " << records[i].report_id);
    NormalizedLog returning_log = returning.Normalize(records[i]);
    LogOutcome expected =
        returning.Aggregate(returning_log, returning.Validate(returning_log));
    NormalizedLog refilling_log = refilling.Normalize(records[i]);
    refilling.Aggregate(refilling_log, refilling.Validate(refilling_log), &reused);

    CHECK(reused.report_id == expected.report_id);
    CHECK(reused.person_id == expected.person_id);
    CHECK(reused.period == expected.period);
    CHECK(reused.flags == expected.flags);
    CHECK(reused.decision == expected.decision);
    CHECK(reused.skip_reason == expected.skip_reason);
  }
  CHECK(ReportsToJson(refilling.Reports()) == ReportsToJson(returning.Reports()));
}

}  // namespace
}  // namespace logbridge::scoring
