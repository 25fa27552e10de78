// Chart aggregates. Means use exact decimals and rows are sorted with ties broken by id, so the
// JSON is byte-identical for the same reports.
#include "scoring/analyze.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

namespace logbridge::scoring {
namespace {

using Json = nlohmann::json;

struct Accumulator {
  std::string label;
  int64_t reports = 0;
  Decimal total_sum;
  Decimal achievement_sum;
  int64_t achievements = 0;
};

Json DecimalJson(Decimal value) {
  if (value.units() % Decimal::kScale == 0) {
    return value.units() / Decimal::kScale;
  }
  return value.ToDouble();
}

void AddToGroup(const ScoreReport& report, const std::string& label, Accumulator* group) {
  group->label = label;
  ++group->reports;
  group->total_sum = group->total_sum + report.total;
  for (const KpiScore& kpi : report.kpis) {
    if (kpi.achievement) {
      group->achievement_sum = group->achievement_sum + *kpi.achievement;
      ++group->achievements;
    }
  }
}

std::vector<EfficiencyRow> RankGroups(const std::map<std::string, Accumulator>& groups) {
  std::vector<EfficiencyRow> rows;
  for (const auto& [id, group] : groups) {
    EfficiencyRow row;
    row.group = id;
    row.label = group.label;
    row.reports = group.reports;
    row.mean_total = group.total_sum / Decimal::FromInt(group.reports);
    if (group.achievements > 0) {
      row.mean_achievement = group.achievement_sum / Decimal::FromInt(group.achievements);
    }
    rows.push_back(std::move(row));
  }
  std::stable_sort(rows.begin(), rows.end(), [](const EfficiencyRow& a, const EfficiencyRow& b) {
    return a.mean_total > b.mean_total;
  });
  return rows;
}

size_t BucketOf(Decimal achievement) {
  int64_t bucket = achievement.units() / (Decimal::kScale * 20);
  return static_cast<size_t>(std::clamp<int64_t>(bucket, 0, 6));
}

Json RowsJson(const std::vector<EfficiencyRow>& rows) {
  Json list = Json::array();
  for (const EfficiencyRow& row : rows) {
    list.push_back({{"group", row.group},
                    {"label", row.label},
                    {"reports", row.reports},
                    {"mean_total", DecimalJson(row.mean_total)},
                    {"mean_achievement", DecimalJson(row.mean_achievement)}});
  }
  return list;
}

}  // namespace

Analysis Analyze(const std::vector<ScoreReport>& reports) {
  std::map<std::string, WorkloadSeries> series;
  std::map<std::pair<std::string, std::string>, AchievementDistribution> distributions;
  std::vector<std::pair<std::string, std::string>> distribution_order;
  std::map<std::string, Accumulator> people;
  std::map<std::string, Accumulator> departments;

  std::vector<const ScoreReport*> ordered;
  for (const ScoreReport& report : reports) {
    ordered.push_back(&report);
  }
  std::stable_sort(ordered.begin(), ordered.end(), [](const ScoreReport* a, const ScoreReport* b) {
    return a->period < b->period;
  });

  for (const ScoreReport* report : ordered) {
    WorkloadSeries& person = series[report->person_id];
    person.person_id = report->person_id;
    person.person_name = report->person_name;
    WorkloadPoint point;
    point.period = report->period.Label();
    point.logs = report->logs_counted + report->logs_down_weighted;
    point.total = report->total;
    for (const KpiScore& kpi : report->kpis) {
      if (kpi.has_data) {
        point.kpi_values.emplace_back(kpi.name, kpi.raw);
      }
      auto key = std::make_pair(report->role, kpi.name);
      auto [slot, inserted] = distributions.try_emplace(key);
      if (inserted) {
        slot->second.role = report->role;
        slot->second.kpi = kpi.name;
        distribution_order.push_back(key);
      }
      if (kpi.has_data && kpi.achievement) {
        ++slot->second.buckets[BucketOf(*kpi.achievement)];
      } else {
        ++slot->second.without_data;
      }
    }
    person.points.push_back(std::move(point));

    if (!report->role.empty()) {
      AddToGroup(*report, report->person_name, &people[report->person_id]);
      std::string dept = report->dept_name.empty() ? "(none)" : report->dept_name;
      AddToGroup(*report, dept, &departments[dept]);
    }
  }

  Analysis analysis;
  for (auto& [id, person] : series) {
    analysis.workload.push_back(std::move(person));
  }
  // By role; within a role, KPIs keep the order in which reports list them (config order).
  std::stable_sort(distribution_order.begin(), distribution_order.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& key : distribution_order) {
    analysis.distribution.push_back(distributions[key]);
  }
  analysis.people = RankGroups(people);
  analysis.departments = RankGroups(departments);
  return analysis;
}

std::string AnalysisToJson(const Analysis& analysis) {
  Json workload = Json::array();
  for (const WorkloadSeries& person : analysis.workload) {
    Json points = Json::array();
    for (const WorkloadPoint& point : person.points) {
      Json values = Json::object();
      for (const auto& [name, value] : point.kpi_values) {
        values[name] = DecimalJson(value);
      }
      points.push_back({{"period", point.period},
                        {"logs", point.logs},
                        {"kpis", std::move(values)},
                        {"total", DecimalJson(point.total)}});
    }
    workload.push_back({{"person_id", person.person_id},
                        {"person_name", person.person_name},
                        {"points", std::move(points)}});
  }
  Json distribution = Json::array();
  for (const AchievementDistribution& item : analysis.distribution) {
    distribution.push_back({{"role", item.role},
                            {"kpi", item.kpi},
                            {"bucket_labels",
                             {"0-20", "20-40", "40-60", "60-80", "80-100", "100-120", "120+"}},
                            {"buckets", item.buckets},
                            {"without_data", item.without_data}});
  }
  return Json{{"workload", std::move(workload)},
              {"achievement_distribution", std::move(distribution)},
              {"efficiency_people", RowsJson(analysis.people)},
              {"efficiency_departments", RowsJson(analysis.departments)}}
             .dump(2) +
         "\n";
}

}  // namespace logbridge::scoring
