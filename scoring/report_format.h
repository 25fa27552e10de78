// Output of score reports as JSON, CSV, a text table, and a per-person explanation that quotes
// the evidence behind every point. Deterministic: the same reports give byte-identical text,
// because reports, KPIs and evidence are already sorted and numbers use fixed formats.
// Stateless; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "scoring/score.h"

namespace logbridge::scoring {

// Returns {"reports": [...]} with every field of every report, evidence and flags included.
// Object keys are sorted; decimals are JSON numbers (integers when whole).
std::string ReportsToJson(const std::vector<ScoreReport>& reports);

// Returns one CSV row per report and KPI (a report without KPIs gets one row), with a header.
// Fields follow RFC 4180 quoting.
std::string ReportsToCsv(const std::vector<ScoreReport>& reports);

// Returns a text table per report: KPIs with raw value, target, achievement and points, the
// total, and the flagged logs. Achievement is "-" for a KPI whose curve is on the raw value.
// Columns are aligned for CJK text (two columns per ideograph).
std::string ReportsToTable(const std::vector<ScoreReport>& reports);

// Returns the explanation of one report: every KPI's arithmetic and each evidence item with
// its report id, field, span and quoted text, then the matches that did not count and why.
std::string ExplainReport(const ScoreReport& report);

// Formats a decimal with exactly `digits` fractional digits, rounding half away from zero.
std::string FormatFixed(Decimal value, int digits);

}  // namespace logbridge::scoring
