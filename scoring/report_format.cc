// Report serializers. JSON goes through nlohmann/json, whose default object type keeps keys
// sorted; CSV and the table are written by hand.
#include "scoring/report_format.h"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <vector>

#include <nlohmann/json.hpp>

namespace logbridge::scoring {
namespace {

using Json = nlohmann::json;

Json DecimalJson(Decimal value) {
  if (value.units() % Decimal::kScale == 0) {
    return value.units() / Decimal::kScale;
  }
  return value.ToDouble();
}

Json OptionalJson(const std::optional<Decimal>& value) {
  return value ? DecimalJson(*value) : Json(nullptr);
}

Json FlagJson(const Flag& flag) {
  return {{"code", flag.code},
          {"severity", SeverityName(flag.severity)},
          {"field", flag.field},
          {"message", flag.message}};
}

Json EvidenceJson(const Evidence& evidence) {
  Json approximate = nullptr;
  if (evidence.approximate) {
    approximate = {{"low", DecimalJson(evidence.approximate->low)},
                   {"high", DecimalJson(evidence.approximate->high)}};
  }
  return {{"report_id", evidence.report_id},
          {"field", evidence.field_key},
          {"source", evidence.source},
          {"span", {evidence.span.begin, evidence.span.end}},
          {"quote", evidence.quote},
          {"value", DecimalJson(evidence.value)},
          {"weight", DecimalJson(evidence.weight)},
          {"counted", DecimalJson(evidence.counted)},
          {"approximate", std::move(approximate)}};
}

// Whether an ignored match has no value to show: an identifier or an unreadable number.
bool HasNoValue(const IgnoredMatch& match) {
  return match.reason == "identifier" || match.reason == "unreadable";
}

Json IgnoredJson(const IgnoredMatch& match) {
  return {{"report_id", match.report_id},
          {"field", match.field_key},
          {"rule", match.rule},
          {"metric", match.metric},
          {"span", {match.span.begin, match.span.end}},
          {"quote", match.quote},
          {"reason", match.reason},
          {"replaced_by", match.replaced_by.empty() ? Json(nullptr) : Json(match.replaced_by)},
          {"value", HasNoValue(match) ? Json(nullptr) : DecimalJson(match.value)}};
}

Json KpiJson(const KpiScore& kpi) {
  Json evidence = Json::array();
  for (const Evidence& item : kpi.evidence) {
    evidence.push_back(EvidenceJson(item));
  }
  return {{"name", kpi.name},
          {"metric", kpi.metric},
          {"weight", DecimalJson(kpi.weight)},
          {"effective_weight", DecimalJson(kpi.effective_weight)},
          {"has_data", kpi.has_data},
          {"raw", kpi.has_data ? DecimalJson(kpi.raw) : Json(nullptr)},
          {"curve_on", kpi.curve_on_achievement ? "achievement" : "value"},
          {"target", OptionalJson(kpi.target)},
          {"configured_target", OptionalJson(kpi.configured_target)},
          {"target_share", kpi.target_share.empty() ? Json(nullptr) : Json(kpi.target_share)},
          {"achievement", OptionalJson(kpi.achievement)},
          {"fraction", DecimalJson(kpi.fraction)},
          {"points", DecimalJson(kpi.points)},
          {"value_count", kpi.value_count},
          {"evidence", std::move(evidence)},
          {"evidence_omitted", kpi.evidence_omitted}};
}

Json ReportJson(const ScoreReport& report) {
  Json kpis = Json::array();
  for (const KpiScore& kpi : report.kpis) {
    kpis.push_back(KpiJson(kpi));
  }
  Json flagged = Json::array();
  for (const FlaggedLog& log : report.flagged_logs) {
    Json flags = Json::array();
    for (const Flag& flag : log.flags) {
      flags.push_back(FlagJson(flag));
    }
    flagged.push_back({{"report_id", log.report_id},
                       {"create_time", log.create_time.value},
                       {"decision", LogDecisionName(log.decision)},
                       {"flags", std::move(flags)}});
  }
  Json ignored = Json::array();
  for (const IgnoredMatch& match : report.ignored) {
    ignored.push_back(IgnoredJson(match));
  }
  return {{"person_id", report.person_id},
          {"person_name", report.person_name},
          {"dept_name", report.dept_name},
          {"role", report.role},
          {"period", report.period.Label()},
          {"period_kind", PeriodKindName(report.period.kind)},
          {"total", DecimalJson(report.total)},
          {"logs_counted", report.logs_counted},
          {"logs_down_weighted", report.logs_down_weighted},
          {"logs_excluded", report.logs_excluded},
          {"kpis", std::move(kpis)},
          {"flagged_logs", std::move(flagged)},
          {"ignored", std::move(ignored)},
          {"ignored_omitted", report.ignored_omitted}};
}

std::string CsvField(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) {
    return std::string(text);
  }
  std::string quoted = "\"";
  for (char c : text) {
    quoted += c;
    if (c == '"') {
      quoted += '"';
    }
  }
  return quoted + "\"";
}

std::string OptionalText(const std::optional<Decimal>& value, int digits) {
  return value ? FormatFixed(*value, digits) : "";
}

// Columns a UTF-8 string occupies in a terminal: two for East Asian wide characters.
size_t DisplayWidth(std::string_view text) {
  size_t width = 0;
  for (size_t i = 0; i < text.size();) {
    unsigned char lead = static_cast<unsigned char>(text[i]);
    size_t length = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3 : 4;
    // Three-byte sequences from U+1100 up cover CJK ideographs, kana, Hangul and full-width
    // forms, which terminals draw two columns wide.
    width += (length >= 3 && lead >= 0xE1) ? 2 : 1;
    i += length;
  }
  return width;
}

std::string Pad(std::string_view text, size_t width) {
  std::string out(text);
  size_t used = DisplayWidth(text);
  if (used < width) {
    out.append(width - used, ' ');
  }
  return out;
}

size_t CountFlags(const ScoreReport& report) {
  size_t count = 0;
  for (const FlaggedLog& log : report.flagged_logs) {
    count += log.flags.size();
  }
  return count;
}

std::string ReportHeading(const ScoreReport& report) {
  std::string heading = report.period.Label() + "  " + report.person_id;
  if (!report.person_name.empty() || !report.dept_name.empty()) {
    heading += " (" + report.person_name +
               (report.dept_name.empty() ? "" : ", " + report.dept_name) + ")";
  }
  heading += report.role.empty() ? "  no role" : "  role " + report.role;
  return heading + "  total " + FormatFixed(report.total, 2);
}

void AppendFlagLines(const ScoreReport& report, std::string* out) {
  for (const FlaggedLog& log : report.flagged_logs) {
    for (const Flag& flag : log.flags) {
      *out += "    " + log.report_id + " [" + std::string(LogDecisionName(log.decision)) + "] " +
              flag.code + " (" + std::string(SeverityName(flag.severity)) + ")" +
              (flag.field.empty() ? "" : " " + flag.field) + ": " + flag.message + "\n";
    }
  }
}

// Returns "target 23333.3333 (month target 100000 x 7/30)", or "target 20" when unscaled.
std::string TargetText(const KpiScore& kpi, PeriodKind target_period) {
  std::string text = "target " + kpi.target->ToString();
  if (kpi.configured_target) {
    text += " (" + std::string(PeriodKindName(target_period)) + " target " +
            kpi.configured_target->ToString() + " x " + kpi.target_share + ")";
  }
  return text;
}

std::string EvidenceLine(const Evidence& item) {
  std::string line = "    " + item.report_id + " " + item.field_key + " [" +
                     std::to_string(item.span.begin) + "," + std::to_string(item.span.end) +
                     ") " + item.source + ": \"" + item.quote + "\" = " + item.value.ToString();
  if (item.weight != Decimal::FromInt(1)) {
    line += " x " + item.weight.ToString() + " = " + item.counted.ToString() + " (down_weighted)";
  }
  if (item.approximate && item.approximate->low == item.approximate->high) {
    line += " (approximate: written as about " + item.approximate->low.ToString() + ")";
  } else if (item.approximate) {
    line += " (approximate: " + item.approximate->low.ToString() + " to " +
            item.approximate->high.ToString() + ", midpoint counted)";
  }
  return line + "\n";
}

void AppendIgnoredLines(const ScoreReport& report, std::string* out) {
  for (const IgnoredMatch& match : report.ignored) {
    *out += "    " + match.report_id + " " + match.field_key + " [" +
            std::to_string(match.span.begin) + "," + std::to_string(match.span.end) + ") " +
            match.rule + ": \"" + match.quote + "\" " +
            (match.replaced_by.empty() ? match.reason : "replaced by " + match.replaced_by) +
            ", not counted (" +
            match.metric +
            (HasNoValue(match) ? "" : " " + match.value.ToString()) + ")\n";
  }
  if (report.ignored_omitted > 0) {
    *out += "    ... and " + std::to_string(report.ignored_omitted) + " more\n";
  }
}

// Appends the KPI table of one report: a header, then per KPI its name, raw value, target,
// achievement and points. Each column but the last is at least its usual width and two columns
// wider than its widest cell, so a long name or value never runs into the next column.
void AppendKpiRows(const ScoreReport& report, std::string* out) {
  if (report.kpis.empty()) {
    return;
  }
  std::vector<std::array<std::string, 5>> rows;
  rows.reserve(report.kpis.size() + 1);
  rows.push_back({"KPI", "raw", "target", "achieved", "points"});
  for (const KpiScore& kpi : report.kpis) {
    rows.push_back({kpi.name, kpi.has_data ? kpi.raw.ToString() : "no data",
                    kpi.target ? kpi.target->ToString() : "-",
                    kpi.achievement ? FormatFixed(*kpi.achievement, 1) + "%" : "-",
                    FormatFixed(kpi.points, 2) + " / " + FormatFixed(kpi.effective_weight, 2)});
  }

  std::array<size_t, 4> widths = {16, 14, 14, 10};
  for (const auto& row : rows) {
    for (size_t column = 0; column < widths.size(); ++column) {
      widths[column] = std::max(widths[column], DisplayWidth(row[column]) + 2);
    }
  }
  for (const auto& row : rows) {
    *out += "  ";
    for (size_t column = 0; column < widths.size(); ++column) {
      *out += Pad(row[column], widths[column]);
    }
    *out += row.back() + "\n";
  }
}

}  // namespace

std::string FormatFixed(Decimal value, int digits) {
  int64_t divisor = 1;
  for (int i = digits; i < 4; ++i) {
    divisor *= 10;
  }
  int64_t units = value.units();
  int64_t magnitude = std::llabs(units);
  int64_t rounded = (magnitude + divisor / 2) / divisor;
  int64_t scale = Decimal::kScale / divisor;
  std::string text = std::to_string(rounded / scale);
  if (digits > 0) {
    std::string fraction = std::to_string(rounded % scale);
    text += "." + std::string(static_cast<size_t>(digits) - fraction.size(), '0') + fraction;
  }
  return (units < 0 && rounded != 0 ? "-" : "") + text;
}

std::string ReportsToJson(const std::vector<ScoreReport>& reports) {
  Json list = Json::array();
  for (const ScoreReport& report : reports) {
    list.push_back(ReportJson(report));
  }
  return Json{{"reports", std::move(list)}}.dump(2) + "\n";
}

std::string ReportsToCsv(const std::vector<ScoreReport>& reports) {
  std::string out =
      "period,person_id,person_name,dept_name,role,kpi,metric,weight,raw,target,achievement,"
      "points,total,logs_counted,logs_down_weighted,logs_excluded,flags\n";
  for (const ScoreReport& report : reports) {
    std::string head = CsvField(report.period.Label()) + "," + CsvField(report.person_id) + "," +
                       CsvField(report.person_name) + "," + CsvField(report.dept_name) + "," +
                       CsvField(report.role) + ",";
    std::string tail = "," + FormatFixed(report.total, 2) + "," +
                       std::to_string(report.logs_counted) + "," +
                       std::to_string(report.logs_down_weighted) + "," +
                       std::to_string(report.logs_excluded) + "," +
                       std::to_string(CountFlags(report)) + "\n";
    if (report.kpis.empty()) {
      out += head + ",,,,,,," + tail.substr(1);
      continue;
    }
    for (const KpiScore& kpi : report.kpis) {
      out += head + CsvField(kpi.name) + "," + CsvField(kpi.metric) + "," +
             kpi.weight.ToString() + "," + (kpi.has_data ? kpi.raw.ToString() : "") + "," +
             (kpi.target ? kpi.target->ToString() : "") + "," + OptionalText(kpi.achievement, 2) +
             "," +
             FormatFixed(kpi.points, 2) + tail;
    }
  }
  return out;
}

std::string ReportsToTable(const std::vector<ScoreReport>& reports) {
  std::string out;
  for (const ScoreReport& report : reports) {
    out += ReportHeading(report) + "\n";
    AppendKpiRows(report, &out);
    for (const KpiScore& kpi : report.kpis) {
      if (kpi.configured_target) {
        out += "  targets of sum and count KPIs are " +
               std::string(PeriodKindName(report.target_period)) + " targets x " +
               kpi.target_share + "\n";
        break;
      }
    }
    out += "  logs: " + std::to_string(report.logs_counted) + " counted, " +
           std::to_string(report.logs_down_weighted) + " down-weighted, " +
           std::to_string(report.logs_excluded) + " excluded; " +
           std::to_string(CountFlags(report)) + (CountFlags(report) == 1 ? " flag\n" : " flags\n");
    if (int64_t uncounted = static_cast<int64_t>(report.ignored.size()) + report.ignored_omitted;
        uncounted > 0) {
      out += "  " + std::to_string(uncounted) +
             " rule match(es) not counted (planned, negated, other_section, running_total, "
             "earlier_value, identifier, unreadable, or replaced by a typed field); explain "
             "lists them\n";
    }
    AppendFlagLines(report, &out);
    out += "\n";
  }
  return out;
}

std::string ExplainReport(const ScoreReport& report) {
  std::string out = ReportHeading(report) + " of 100\n";
  if (report.role.empty()) {
    out += "  No role applies: the person is not in [people] and no role lists the templates of "
           "their logs.\n";
  }
  for (const KpiScore& kpi : report.kpis) {
    out += "\nKPI " + kpi.name + " (metric " + kpi.metric + ", weight " + kpi.weight.ToString();
    if (kpi.effective_weight != kpi.weight) {
      out += ", re-normalized to " + FormatFixed(kpi.effective_weight, 2);
    }
    out += ")\n";
    if (!kpi.has_data) {
      out += "  no data in this period: 0 points\n";
      continue;
    }
    out += "  raw value " + kpi.raw.ToString() + " from " + std::to_string(kpi.value_count) +
           " value(s)";
    if (kpi.aggregation == Aggregation::kMean) {
      out += " (weighted mean " + kpi.mean_sum.ToString() + " / " + kpi.mean_weight.ToString() +
             ")";
    } else if (kpi.aggregation != Aggregation::kSum) {
      out += " (" + std::string(AggregationName(kpi.aggregation)) + ")";
    }
    if (kpi.target) {
      out += ", " + TargetText(kpi, report.target_period);
    }
    if (kpi.achievement) {
      out += ", achievement " + FormatFixed(*kpi.achievement, 2) + "%";
    }
    out += kpi.curve_on_achievement ? "\n  curve gives " : "\n  curve on the raw value gives ";
    out += FormatFixed(kpi.fraction, 4) + " x " + FormatFixed(kpi.effective_weight, 2) + " = " +
           FormatFixed(kpi.points, 2) + " points\n";
    for (const Evidence& item : kpi.evidence) {
      out += EvidenceLine(item);
    }
    if (kpi.evidence_omitted > 0) {
      out += "    ... and " + std::to_string(kpi.evidence_omitted) + " more\n";
    }
  }
  out += "\nTotal " + FormatFixed(report.total, 2) + "\n";
  if (!report.ignored.empty()) {
    out += "\nMatched by a rule but not counted:\n";
    AppendIgnoredLines(report, &out);
  }
  if (!report.flagged_logs.empty()) {
    out += "\nFlags:\n";
    AppendFlagLines(report, &out);
  }
  return out;
}

}  // namespace logbridge::scoring
