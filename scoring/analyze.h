// Aggregates for charts, computed from score reports: workload trend per person and period,
// the distribution of KPI achievement, and efficiency compared across people and departments.
// Pure data with a deterministic JSON form, so a web page or a card can draw it. Stateless.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "scoring/score.h"

namespace logbridge::scoring {

// One point of a person's workload series: the logs and KPI raw values in one period.
struct WorkloadPoint {
  std::string period;  // period label, e.g. "2026-W45"
  int64_t logs = 0;    // counted plus down-weighted logs
  std::vector<std::pair<std::string, Decimal>> kpi_values;  // KPI name -> raw value, with data
  Decimal total;
};

struct WorkloadSeries {
  std::string person_id;
  std::string person_name;
  std::vector<WorkloadPoint> points;  // in period order
};

// Achievement of one KPI across reports, counted in buckets of 20 percentage points:
// [0, 20), [20, 40), ... [100, 120) and 120 or more.
struct AchievementDistribution {
  std::string role;
  std::string kpi;
  std::vector<int64_t> buckets = std::vector<int64_t>(7, 0);
  int64_t without_data = 0;  // reports where the KPI had no data or no target
};

// Mean total score and mean achievement of a group (one person, or one department).
struct EfficiencyRow {
  std::string group;  // person id, or department name
  std::string label;  // person name, or department name
  int64_t reports = 0;
  Decimal mean_total;
  Decimal mean_achievement;  // over KPIs with an achievement; 0 when none
};

struct Analysis {
  std::vector<WorkloadSeries> workload;                // by person id
  std::vector<AchievementDistribution> distribution;   // by role, then KPI config order
  std::vector<EfficiencyRow> people;                   // by mean total, highest first
  std::vector<EfficiencyRow> departments;              // by mean total, highest first
};

// Computes every aggregate. Reports are usually one Engine's output for one period kind.
Analysis Analyze(const std::vector<ScoreReport>& reports);

// Returns the analysis as JSON with sorted keys; decimals are JSON numbers.
std::string AnalysisToJson(const Analysis& analysis);

}  // namespace logbridge::scoring
