// Output formats: fixed decimals, JSON fields, CSV quoting, the table and the explanation.
#include <string>
#include <string_view>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "scoring/report_format.h"

namespace logbridge::scoring {
namespace {

Decimal Dec(std::string_view text) { return *Decimal::Parse(text); }

ScoreReport SampleReport() {
  ScoreReport report;
  report.person_id = "zhangsan";
  report.person_name = "张三";
  report.dept_name = "销售部, 华东";
  report.role = "sales";
  report.period = *ParsePeriod("2026-11");

  KpiScore kpi;
  kpi.name = "销售额";
  kpi.metric = "sales";
  kpi.weight = Dec("40");
  kpi.effective_weight = Dec("40");
  kpi.has_data = true;
  kpi.raw = Dec("120000");
  kpi.target = Dec("100000");
  kpi.achievement = Dec("120");
  kpi.fraction = Dec("1");
  kpi.points = Dec("40");
  kpi.value_count = 1;
  kpi.evidence.push_back({"r1", "今日工作", "deals_signed", {8, 15}, "签约5万元", Dec("50000")});
  report.kpis.push_back(kpi);

  KpiScore empty;
  empty.name = "客户拜访";
  empty.metric = "visits";
  empty.weight = Dec("60");
  empty.effective_weight = Dec("60");
  report.kpis.push_back(empty);
  report.total = Dec("40");
  report.logs_counted = 1;
  report.flagged_logs.push_back(
      {"r2", EpochMs(1), LogDecision::kExcluded, {{"too_short", Severity::kWarning, "", "短"}}});
  return report;
}

TEST_CASE("fixed decimal formatting", "[report_format]") {
  CHECK(FormatFixed(Dec("15"), 2) == "15.00");
  CHECK(FormatFixed(Dec("0.125"), 2) == "0.13");
  CHECK(FormatFixed(Dec("-0.125"), 2) == "-0.13");
  CHECK(FormatFixed(Dec("-0.001"), 2) == "0.00");
  CHECK(FormatFixed(Dec("33.3333"), 4) == "33.3333");
  CHECK(FormatFixed(Dec("99.95"), 1) == "100.0");
  CHECK(FormatFixed(Dec("7.5"), 0) == "8");
}

TEST_CASE("json carries evidence and flags", "[report_format]") {
  nlohmann::json json = nlohmann::json::parse(ReportsToJson({SampleReport()}));
  const nlohmann::json& report = json["reports"][0];
  CHECK(report["period"] == "2026-11");
  CHECK(report["total"] == 40);
  CHECK(report["kpis"][0]["achievement"] == 120);
  CHECK(report["kpis"][0]["evidence"][0]["quote"] == "签约5万元");
  CHECK(report["kpis"][0]["evidence"][0]["span"][1] == 15);
  CHECK(report["kpis"][1]["raw"].is_null());
  CHECK(report["flagged_logs"][0]["decision"] == "excluded");
  CHECK(report["flagged_logs"][0]["flags"][0]["code"] == "too_short");
}

TEST_CASE("csv quotes fields with commas", "[report_format]") {
  std::string csv = ReportsToCsv({SampleReport()});
  CHECK(csv.find("2026-11,zhangsan,张三,\"销售部, 华东\",sales,销售额,sales,40,120000,"
                 "100000,120.00,40.00,40.00,1,0,0,1\n") != std::string::npos);
  CHECK(csv.find(",客户拜访,visits,60,,,,0.00,40.00,") != std::string::npos);
}

TEST_CASE("table and explanation text", "[report_format]") {
  std::string table = ReportsToTable({SampleReport()});
  CHECK(table.find("2026-11  zhangsan (张三, 销售部, 华东)  role sales  total 40.00") !=
        std::string::npos);
  CHECK(table.find("no data") != std::string::npos);
  CHECK(table.find("r2 [excluded] too_short (warning): 短") != std::string::npos);
  CHECK(table.find(" excluded; 1 flag\n") != std::string::npos);

  std::string explanation = ExplainReport(SampleReport());
  CHECK(explanation.find("r1 今日工作 [8,15) deals_signed: \"签约5万元\" = 50000") !=
        std::string::npos);
  CHECK(explanation.find("achievement 120.00%") != std::string::npos);
  CHECK(explanation.find("curve gives 1.0000 x 40.00 = 40.00 points") != std::string::npos);
  CHECK(explanation.find("no data in this period: 0 points") != std::string::npos);
}

// The sample report with a value-curve KPI, a week's scaled target, an approximate value and
// a planned match that did not count.
ScoreReport WeekReport() {
  ScoreReport report = SampleReport();
  report.period = *ParsePeriod("2026-W45");
  KpiScore& sales = report.kpis[0];
  sales.configured_target = Dec("100000");
  sales.target = Dec("23333.3333");
  sales.target_share = "7/30";
  sales.evidence[0].quote = "签约十几万";
  sales.evidence[0].approximate = ValueRange{Dec("110000"), Dec("190000")};
  KpiScore& visits = report.kpis[1];
  visits.has_data = true;
  visits.raw = Dec("4");
  visits.target = Dec("5");
  visits.curve_on_achievement = false;
  report.ignored.push_back({"r1", "今日工作", "visits_done", "visits", {10, 14}, "拜访5家",
                            "planned", "", Dec("5")});
  report.ignored_omitted = 2;
  return report;
}

TEST_CASE("explanation shows uncounted text", "[report_format]") {
  std::string explanation = ExplainReport(WeekReport());
  INFO(explanation);
  CHECK(explanation.find("Matched by a rule but not counted:\n    r1 今日工作 [10,14) visits_done: "
                         "\"拜访5家\" planned, not counted (visits 5)\n    ... and 2 more") !=
        std::string::npos);
  CHECK(explanation.find("\"签约十几万\" = 50000 (approximate: 110000 to 190000, midpoint "
                         "counted)") != std::string::npos);
  CHECK(explanation.find("target 23333.3333 (month target 100000 x 7/30)") !=
        std::string::npos);
  CHECK(explanation.find("raw value 4 from 0 value(s), target 5\n  curve on the raw value gives") !=
        std::string::npos);
}

TEST_CASE("explanation shows hedged values", "[report_format]") {
  ScoreReport report = SampleReport();
  report.kpis[0].evidence[0].quote = "签约约5万元";
  report.kpis[0].evidence[0].approximate = ValueRange{Dec("50000"), Dec("50000")};
  std::string explanation = ExplainReport(report);
  INFO(explanation);
  CHECK(explanation.find("\"签约约5万元\" = 50000 (approximate: written as about 50000)") !=
        std::string::npos);
}

TEST_CASE("table hides achievement of value curves", "[report_format]") {
  std::string table = ReportsToTable({WeekReport()});
  INFO(table);
  CHECK(table.find("23333.3333    120.0%") != std::string::npos);
  CHECK(table.find("4             5             -         ") != std::string::npos);
  CHECK(table.find("targets of sum and count KPIs are month targets x 7/30") !=
        std::string::npos);
  CHECK(table.find("  3 rule match(es) not counted (planned, negated, other_section, "
                   "running_total, earlier_value, identifier, unreadable, or replaced by a "
                   "typed field); explain lists them\n") != std::string::npos);
  CHECK(ReportsToTable({SampleReport()}).find("not counted") == std::string::npos);
}

// Returns the display column where each cell of a table line starts, taking cells to be
// separated by two or more spaces and counting a non-ASCII character as two columns.
std::vector<size_t> CellColumns(std::string_view line) {
  std::vector<size_t> columns;
  size_t column = 0;
  size_t spaces = 2;  // the indent counts as a separator
  for (size_t i = 0; i < line.size();) {
    unsigned char lead = static_cast<unsigned char>(line[i]);
    size_t length = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3 : 4;
    if (line[i] == ' ') {
      ++spaces;
    } else {
      if (spaces >= 2) {
        columns.push_back(column);
      }
      spaces = 0;
    }
    column += length == 1 ? 1 : 2;
    i += length;
  }
  return columns;
}

// Returns the lines of the first KPI table in text: the header and one line per KPI.
std::vector<std::string> KpiLines(const std::string& text, size_t kpis) {
  std::vector<std::string> lines;
  size_t begin = text.find("  KPI");
  for (size_t i = 0; i <= kpis && begin != std::string::npos; ++i) {
    size_t end = text.find('\n', begin);
    lines.push_back(text.substr(begin, end - begin));
    begin = end + 1;
  }
  return lines;
}

TEST_CASE("table aligns wide values", "[report_format]") {
  ScoreReport report = SampleReport();
  report.kpis[0].raw = Dec("123456789012.3456");
  report.kpis[0].target = Dec("98765432109.8765");
  report.kpis[0].achievement = Dec("124.9999");
  report.kpis[1].name = "重点客户季度拜访完成数";
  report.kpis[1].has_data = true;
  report.kpis[1].raw = Dec("4");
  report.kpis[1].target = Dec("5");
  report.kpis[1].achievement = Dec("80");
  std::string table = ReportsToTable({report});
  INFO(table);
  std::vector<std::string> lines = KpiLines(table, 2);
  REQUIRE(lines.size() == 3);
  std::vector<size_t> header = CellColumns(lines[0]);
  REQUIRE(header.size() == 5);
  for (size_t row = 1; row < lines.size(); ++row) {
    INFO("row: " << lines[row]);
    CHECK(CellColumns(lines[row]) == header);
  }
  // The widest cells keep two spaces before the next column.
  CHECK(lines[1].find("123456789012.3456  98765432109.8765  ") != std::string::npos);
  CHECK(lines[2].find("重点客户季度拜访完成数  4 ") != std::string::npos);

  // Narrow values keep the usual widths.
  std::vector<std::string> narrow = KpiLines(ReportsToTable({SampleReport()}), 2);
  REQUIRE(narrow.size() == 3);
  CHECK(CellColumns(narrow[0]) == std::vector<size_t>{2, 18, 32, 46, 56});
}

TEST_CASE("csv keeps scaled targets exact", "[report_format]") {
  std::string csv = ReportsToCsv({WeekReport()});
  CHECK(csv.find(",sales,40,120000,23333.3333,120.00,") != std::string::npos);
}

TEST_CASE("json carries uncounted text and ranges", "[report_format]") {
  nlohmann::json json = nlohmann::json::parse(ReportsToJson({WeekReport()}));
  const nlohmann::json& report = json["reports"][0];
  CHECK(report["ignored"][0]["quote"] == "拜访5家");
  CHECK(report["ignored"][0]["reason"] == "planned");
  CHECK(report["ignored"][0]["replaced_by"].is_null());
  CHECK(report["ignored"][0]["span"][0] == 10);
  CHECK(report["ignored_omitted"] == 2);
  const nlohmann::json& sales = report["kpis"][0];
  CHECK(sales["evidence"][0]["approximate"]["low"] == 110000);
  CHECK(sales["evidence"][0]["approximate"]["high"] == 190000);
  CHECK(sales["configured_target"] == 100000);
  CHECK(sales["target_share"] == "7/30");
  CHECK(sales["curve_on"] == "achievement");
  CHECK(report["kpis"][1]["curve_on"] == "value");
  CHECK(report["kpis"][1]["achievement"].is_null());
}

}  // namespace
}  // namespace logbridge::scoring
