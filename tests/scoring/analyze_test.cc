// Chart aggregates: workload series, achievement buckets and ranked efficiency rows.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "scoring/analyze.h"

namespace logbridge::scoring {
namespace {

Decimal Dec(std::string_view text) { return *Decimal::Parse(text); }

ScoreReport Report(std::string person, std::string dept, std::string period,
                   std::optional<std::string_view> achievement, std::string_view total) {
  ScoreReport report;
  report.person_id = person;
  report.person_name = "name-" + person;
  report.dept_name = std::move(dept);
  report.role = "sales";
  report.period = *ParsePeriod(period);
  report.total = Dec(total);
  report.logs_counted = 3;
  KpiScore kpi;
  kpi.name = "销售额";
  kpi.has_data = achievement.has_value();
  kpi.raw = Dec("1000");
  if (achievement) {
    kpi.achievement = Dec(*achievement);
  }
  report.kpis.push_back(kpi);
  return report;
}

TEST_CASE("workload series in period order", "[analyze]") {
  Analysis analysis = Analyze({Report("a", "east", "2026-W46", "50", "40"),
                               Report("a", "east", "2026-W45", "100", "80")});
  REQUIRE(analysis.workload.size() == 1);
  REQUIRE(analysis.workload[0].points.size() == 2);
  CHECK(analysis.workload[0].points[0].period == "2026-W45");
  CHECK(analysis.workload[0].points[0].logs == 3);
  CHECK(analysis.workload[0].points[1].total == Dec("40"));
}

TEST_CASE("achievement buckets", "[analyze]") {
  Analysis analysis = Analyze({Report("a", "east", "2026-11", "0", "0"),
                               Report("b", "east", "2026-11", "99.99", "40"),
                               Report("c", "west", "2026-11", "120", "90"),
                               Report("d", "west", "2026-11", "250", "90"),
                               Report("e", "west", "2026-11", std::nullopt, "0")});
  REQUIRE(analysis.distribution.size() == 1);
  const AchievementDistribution& item = analysis.distribution[0];
  CHECK(item.buckets == std::vector<int64_t>{1, 0, 0, 0, 1, 0, 2});
  CHECK(item.without_data == 1);
}

TEST_CASE("efficiency ranks people and departments", "[analyze]") {
  Analysis analysis = Analyze({Report("a", "east", "2026-11", "50", "30"),
                               Report("b", "west", "2026-11", "100", "90"),
                               Report("c", "west", "2026-11", "80", "70")});
  REQUIRE(analysis.people.size() == 3);
  CHECK(analysis.people[0].group == "b");
  CHECK(analysis.people[2].group == "a");
  REQUIRE(analysis.departments.size() == 2);
  CHECK(analysis.departments[0].group == "west");
  CHECK(analysis.departments[0].mean_total == Dec("80"));
  CHECK(analysis.departments[0].mean_achievement == Dec("90"));
  nlohmann::json json = nlohmann::json::parse(AnalysisToJson(analysis));
  CHECK(json["efficiency_departments"][1]["mean_total"] == 30);
  CHECK(json["achievement_distribution"][0]["kpi"] == "销售额");
}

}  // namespace
}  // namespace logbridge::scoring
