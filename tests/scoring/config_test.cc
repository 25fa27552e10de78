// Config loading: the shipped examples load, and each kind of mistake is reported with its
// line, key and fix, all problems at once.
#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "scoring/config.h"
#include "scoring/log_record.h"
#include "scoring/normalize.h"

namespace logbridge::scoring {
namespace {

constexpr std::string_view kValid = R"(
[metrics.sales]
aggregation = "sum"

[[templates]]
name = "日报"
  [[templates.fields]]
  key = "金额"
  type = "amount"
  unit = "万元"
  metric = "sales"

[roles.sales]
templates = ["日报"]
  [[roles.sales.kpis]]
  name = "销售额"
  metric = "sales"
  weight = 100
  target = 100000
)";

// Returns the problems of a config made from kValid with one text replaced.
std::vector<ConfigProblem> ProblemsAfter(std::string_view from, std::string_view to) {
  std::string text(kValid);
  size_t at = text.find(from);
  REQUIRE(at != std::string::npos);
  text.replace(at, from.size(), to);
  return CheckConfigString(text, "test.toml");
}

// Returns the problems of kValid with text appended.
std::vector<ConfigProblem> ProblemsWith(std::string_view appended) {
  return CheckConfigString(std::string(kValid) + std::string(appended), "test.toml");
}

bool HasProblem(const std::vector<ConfigProblem>& problems, std::string_view key,
                std::string_view message_part) {
  for (const ConfigProblem& problem : problems) {
    if (problem.key == key && problem.message.find(message_part) != std::string::npos) {
      return true;
    }
  }
  return false;
}

std::string Describe(const std::vector<ConfigProblem>& problems) {
  std::string text;
  for (const ConfigProblem& problem : problems) {
    text += problem.ToString() + "\n";
  }
  return text;
}

TEST_CASE("valid config loads", "[config]") {
  Result<Config> config = LoadConfigString(kValid, "test.toml");
  INFO((config.ok() ? "" : config.error().message));
  REQUIRE(config.ok());
  CHECK(config->source == "test.toml");
  CHECK(config->period == PeriodKind::kMonth);
  REQUIRE(config->FindTemplate("日报") != nullptr);
  CHECK(config->FindTemplate("日报")->fields[0].unit == "万元");
  CHECK(config->FindMetric("sales") == 0);
  CHECK(config->RoleForLog("anyone", "日报")->name == "sales");
  CHECK(config->RoleForLog("anyone", "周报") == nullptr);
  CHECK(config->RoleForLog("anyone", *config->FindTemplate("日报"))->name == "sales");
  CHECK(config->validation.min_chars == 10);
  CHECK(config->validation.boilerplate.size() == 2);
}

TEST_CASE("shipped example configs load", "[config]") {
  for (std::string_view name : {"sales", "rnd", "admin", "product"}) {
    std::string path = std::string(LOGBRIDGE_SOURCE_DIR) + "/config/" + std::string(name) + ".toml";
    std::vector<ConfigProblem> problems = CheckConfigFile(path);
    INFO(path << "\n" << Describe(problems));
    CHECK(problems.empty());
  }
}

TEST_CASE("product example counts people interviewed", "[config]") {
  std::string path = std::string(LOGBRIDGE_SOURCE_DIR) + "/config/product.toml";
  std::ifstream file(path);
  std::ostringstream text;
  text << file.rdbuf();
  Result<Config> config = LoadConfigString(text.str(), path);
  REQUIRE(config.ok());
  Result<std::vector<LogRecord>> records = ParseLogRecords(
      R"([{"report_id":"p1","template_name":"产品周报","creator_id":"u1","create_time":1764547200000,
          "contents":[{"key":"用户调研结果","value":"访谈5个用户，调研了3个竞品，回访2位客户"}]}])");
  REQUIRE(records.ok());
  NormalizedLog log = Normalize(*config, records->front());
  std::vector<std::string_view> quotes;
  for (const MetricValue& value : log.values) {
    quotes.push_back(value.evidence.quote);
  }
  CHECK(quotes == std::vector<std::string_view>{"访谈5个用户", "回访2位"});
}

TEST_CASE("weights must sum to 100", "[config]") {
  std::vector<ConfigProblem> problems = ProblemsAfter("weight = 100", "weight = 90");
  INFO(Describe(problems));
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].key == "roles.sales.kpis");
  CHECK(problems[0].message == "weights sum to 90 (90), not 100");
  CHECK(problems[0].file == "test.toml");
  CHECK(problems[0].line > 0);
  CHECK(problems[0].fix.find("100") != std::string::npos);
}

TEST_CASE("kpi without metric is reported", "[config]") {
  std::vector<ConfigProblem> problems = ProblemsAfter("  metric = \"sales\"\n  weight", "  weight");
  INFO(Describe(problems));
  CHECK(HasProblem(problems, "roles.sales.kpis[0].metric", "no metric"));
}

TEST_CASE("metric without source is reported", "[config]") {
  std::vector<ConfigProblem> problems =
      ProblemsAfter("[metrics.sales]", "[metrics.unused]\naggregation = \"sum\"\n[metrics.sales]");
  INFO(Describe(problems));
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].key == "metrics.unused");
  CHECK(problems[0].line == 2);
  CHECK(problems[0].message.find("no template field and no rule") != std::string::npos);
}

TEST_CASE("non monotone curve is reported", "[config]") {
  std::vector<ConfigProblem> problems = ProblemsAfter(
      "target = 100000", "target = 100000\n  curve = { points = [[0, 0], [50, 0.8], [100, 0.5]] }");
  INFO(Describe(problems));
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].key == "roles.sales.kpis[0].curve.points");
  CHECK(problems[0].message.find("not monotone") != std::string::npos);

  std::vector<ConfigProblem> falling = ProblemsAfter(
      "target = 100000",
      "target = 100000\n  lower_is_better = true\n  curve = { points = [[1, 1], [5, 0]] }");
  INFO(Describe(falling));
  CHECK(falling.empty());
}

TEST_CASE("invalid pattern is reported", "[config]") {
  std::vector<ConfigProblem> problems = ProblemsAfter(
      "[roles.sales]", "[[rules]]\nname = \"bad\"\nmetric = \"sales\"\npattern = \"签约(\"\n"
                       "kind = \"amount\"\n[roles.sales]");
  INFO(Describe(problems));
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].key == "rules[0].pattern");
  CHECK(problems[0].message.find("bad") != std::string::npos);
  CHECK(problems[0].fix.find("RE2") != std::string::npos);
}

TEST_CASE("unknown references are reported", "[config]") {
  std::vector<ConfigProblem> problems =
      ProblemsAfter("templates = [\"日报\"]", "templates = [\"周报\"]\n[people]\n\"u1\" = \"boss\"");
  INFO(Describe(problems));
  CHECK(HasProblem(problems, "roles.sales.templates", "周报"));
  CHECK(HasProblem(problems, "people.u1", "boss"));
}

TEST_CASE("undefined person role hides target checks", "[config]") {
  std::vector<ConfigProblem> problems =
      ProblemsWith("[people]\n\"u1\" = \"salse\"\n[targets.u1]\n\"销售额\" = 150000\n");
  INFO(Describe(problems));
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].key == "people.u1");
  CHECK(problems[0].message == "names role \"salse\", which is not defined");
}

TEST_CASE("unknown target KPI lists names", "[config]") {
  std::vector<ConfigProblem> problems =
      ProblemsWith("[people]\n\"u1\" = \"sales\"\n[targets.u1]\n\"销售\" = 150000\n");
  INFO(Describe(problems));
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].key == "targets.u1.销售");
  CHECK(problems[0].message ==
        "no KPI of the person's role is named \"销售\" (the role's KPIs: 销售额)");
}

TEST_CASE("invalid values are quoted", "[config]") {
  std::vector<ConfigProblem> problems =
      ProblemsWith("[validation]\ndown_weight = 2\nmin_chars = \"x\"\n");
  INFO(Describe(problems));
  CHECK(HasProblem(problems, "validation.down_weight", "invalid value 2: must be from 0 to 1"));
  CHECK(HasProblem(problems, "validation.min_chars",
                   "invalid value \"x\": must be a whole number from 0 to 10000"));
  std::vector<ConfigProblem> zero = ProblemsAfter("target = 100000", "target = 0");
  CHECK(HasProblem(zero, "roles.sales.kpis[0].target", "invalid value 0: must be greater than 0"));
}

TEST_CASE("target period loads and is checked", "[config]") {
  Result<Config> month = LoadConfigString(kValid);
  REQUIRE(month.ok());
  CHECK(month->target_period == PeriodKind::kMonth);
  Result<Config> week = LoadConfigString("target_period = \"week\"\n" + std::string(kValid));
  REQUIRE(week.ok());
  CHECK(week->target_period == PeriodKind::kWeek);

  std::vector<ConfigProblem> problems =
      CheckConfigString("target_period = \"fortnight\"\n" + std::string(kValid));
  INFO(Describe(problems));
  CHECK(HasProblem(problems, "target_period", "invalid value \"fortnight\""));
}

TEST_CASE("duplicate field key is reported", "[config]") {
  std::vector<ConfigProblem> problems =
      ProblemsAfter("  metric = \"sales\"\n",
                    "  metric = \"sales\"\n  [[templates.fields]]\n  key = \"金额\"\n"
                    "  type = \"count\"\n");
  INFO(Describe(problems));
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].key == "templates[0].fields[1].key");
  CHECK(problems[0].message ==
        "field key \"金额\" is already used by the field at line 7 of template \"日报\"");
  CHECK(problems[0].line == 13);
  CHECK(problems[0].fix.find("its own key") != std::string::npos);
  // The same key in two templates is fine.
  CHECK(ProblemsWith("\n[[templates]]\nname = \"周报\"\n  [[templates.fields]]\n"
                     "  key = \"金额\"\n  type = \"amount\"\n  metric = \"sales\"\n")
            .empty());
}

TEST_CASE("misspelled key is reported", "[config]") {
  std::vector<ConfigProblem> problems = ProblemsAfter("weight = 100", "wieght = 100");
  INFO(Describe(problems));
  CHECK(HasProblem(problems, "roles.sales.kpis[0].wieght", "unknown key"));
  CHECK(HasProblem(problems, "roles.sales.kpis[0].weight", "missing"));
}

TEST_CASE("every problem is reported at once", "[config]") {
  std::string text(kValid);
  text += "\n[validation]\nduplicate_similarity = 1.5\n[validation.actions]\nlate = \"ignore\"\n"
          "typo = \"exclude\"\n";
  std::string_view unit = "unit = \"万元\"";
  text.replace(text.find(unit), unit.size(), "unit = \"公斤\"");
  std::vector<ConfigProblem> problems = CheckConfigString(text, "test.toml");
  INFO(Describe(problems));
  CHECK(HasProblem(problems, "templates[0].fields[0].unit", "公斤"));
  CHECK(HasProblem(problems, "validation.duplicate_similarity", "at most 1"));
  CHECK(HasProblem(problems, "validation.actions.late", "invalid action"));
  CHECK(HasProblem(problems, "validation.actions.typo", "not a flag code"));
  Result<Config> config = LoadConfigString(text, "test.toml");
  REQUIRE_FALSE(config.ok());
  CHECK(config.error().message.find("4 problem(s)") != std::string::npos);
}

TEST_CASE("config problems quote the value", "[config]") {
  std::string text(kValid);
  text += "\n[validation.actions]\nlate = \"ignore\"\n";
  std::string_view unit = "unit = \"万元\"";
  text.replace(text.find(unit), unit.size(), "unit = \"美元\"");
  std::vector<ConfigProblem> problems = CheckConfigString(text, "test.toml");
  INFO(Describe(problems));
  CHECK(HasProblem(problems, "validation.actions.late", "invalid action \"ignore\""));
  // The fix lists the units that are read and states that other currencies are not.
  CHECK(HasProblem(problems, "templates[0].fields[0].unit", "美元"));
  bool names_units = false;
  for (const ConfigProblem& problem : problems) {
    if (problem.key == "templates[0].fields[0].unit") {
      names_units = problem.ToString().find("人民币") != std::string::npos &&
                    problem.ToString().find("万元") != std::string::npos &&
                    problem.ToString().find("not converted") != std::string::npos;
    }
  }
  CHECK(names_units);
}

TEST_CASE("config rejects empty pattern and bad numbers", "[config]") {
  std::string empty_pattern(kValid);
  empty_pattern += "\n[[rules]]\nname = \"nothing\"\nmetric = \"sales\"\npattern = \"\"\n";
  std::vector<ConfigProblem> problems = CheckConfigString(empty_pattern, "test.toml");
  INFO(Describe(problems));
  CHECK(HasProblem(problems, "rules[0].pattern", "never match"));

  std::string negative_cap(kValid);
  negative_cap += "  curve = { points = [[0, 0], [100, 1]], cap = -1 }\n";
  problems = CheckConfigString(negative_cap, "test.toml");
  INFO(Describe(problems));
  CHECK(HasProblem(problems, "roles.sales.kpis[0].curve.cap", "negative"));

  std::string long_weight(kValid);
  std::string_view weight = "weight = 100";
  long_weight.replace(long_weight.find(weight), weight.size(), "weight = 40.123456");
  problems = CheckConfigString(long_weight, "test.toml");
  INFO(Describe(problems));
  CHECK(HasProblem(problems, "roles.sales.kpis[0].weight", "not a number"));
}

TEST_CASE("invalid target is reported once", "[config]") {
  for (std::string_view target : {"target = 1e300", "target = \"abc\""}) {
    std::vector<ConfigProblem> problems = ProblemsAfter("target = 100000", target);
    INFO(Describe(problems));
    CHECK(HasProblem(problems, "roles.sales.kpis[0].target", "not a number"));
    CHECK(problems.size() == 1);
  }
  std::vector<ConfigProblem> missing = ProblemsAfter("target = 100000", "");
  CHECK(HasProblem(missing, "roles.sales.kpis[0].target", "needs a target"));
}

TEST_CASE("toml syntax error names line", "[config]") {
  std::vector<ConfigProblem> problems = CheckConfigString("period = \"month\"\n[metrics\n", "x.toml");
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].line == 2);
  CHECK(problems[0].message.find("invalid TOML") != std::string::npos);
}

TEST_CASE("missing config file is reported", "[config]") {
  std::vector<ConfigProblem> problems = CheckConfigFile("/nonexistent/scoring.toml");
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].message.find("/nonexistent/scoring.toml") != std::string::npos);
}

TEST_CASE("person target overrides role", "[config]") {
  std::string text(kValid);
  text += "\n[people]\n\"u1\" = \"sales\"\n[targets.u1]\n\"销售额\" = 150000\n";
  Result<Config> config = LoadConfigString(text, "test.toml");
  INFO((config.ok() ? "" : config.error().message));
  REQUIRE(config.ok());
  const KpiSpec& kpi = config->roles[0].kpis[0];
  CHECK(*config->TargetFor("u1", kpi) == Decimal::FromInt(150000));
  CHECK(*config->TargetFor("u2", kpi) == Decimal::FromInt(100000));
}

TEST_CASE("template role resolved at load", "[config]") {
  std::string text(kValid);
  text += "\n[[templates]]\nname = \"周报\"\n[[templates.fields]]\nkey = \"备注\"\n";
  Result<Config> config = LoadConfigString(text, "test.toml");
  INFO((config.ok() ? "" : config.error().message));
  REQUIRE(config.ok());
  const TemplateSpec* daily = config->FindTemplate("日报");
  const TemplateSpec* weekly = config->FindTemplate("周报");
  REQUIRE(daily != nullptr);
  REQUIRE(weekly != nullptr);
  CHECK(daily->role_index == 0);
  CHECK(weekly->role_index == -1);
  CHECK(config->RoleForLog("anyone", *daily) == &config->roles[0]);
  CHECK(config->RoleForLog("anyone", *weekly) == nullptr);
}

TEST_CASE("person role looked up by view", "[config]") {
  std::string text(kValid);
  text += "\n[people]\n\"u1\" = \"sales\"\n";
  Result<Config> config = LoadConfigString(text, "test.toml");
  INFO((config.ok() ? "" : config.error().message));
  REQUIRE(config.ok());
  // No role lists 周报, so only the person's own role gives one. The views are not
  // null-terminated, so a lookup that read past their end would miss.
  std::string ids = "u1x";
  const RoleSpec* role = config->RoleForLog(std::string_view(ids).substr(0, 2), "周报");
  REQUIRE(role != nullptr);
  CHECK(role->name == "sales");
  CHECK(config->RoleForLog(std::string_view(ids).substr(0, 1), "周报") == nullptr);
  CHECK(config->RoleForLog(ids, "周报") == nullptr);
  CHECK(config->RoleForLog("u1", *config->FindTemplate("日报"))->name == "sales");
  CHECK(*config->TargetFor(std::string_view(ids).substr(0, 2), config->roles[0].kpis[0]) ==
        Decimal::FromInt(100000));
}

TEST_CASE("deadline time is shanghai", "[config]") {
  Deadline deadline{PeriodKind::kDay, 21 * 60, 0};
  int64_t day = DaysFromCivil({2026, 11, 3});
  // 2026-11-03 21:00 in Shanghai is 13:00 UTC.
  CHECK(deadline.For(day).value == ShanghaiDayStart(day).value + 21 * 3600 * 1000);
  Deadline weekly{PeriodKind::kWeek, 10 * 60, 1};
  // The week of Tuesday 2026-11-03 ends Sunday 2026-11-08; one day later is Monday 10:00.
  CHECK(weekly.For(day).value ==
        ShanghaiDayStart(DaysFromCivil({2026, 11, 9})).value + 10 * 3600 * 1000);
}

}  // namespace
}  // namespace logbridge::scoring
