// Log analysis with the scoring engine, period scores, score cards and corrections.
#include "connector/score_cards.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <map>
#include <set>
#include <system_error>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "connector/log_feedback.h"
#include "connector/metrics.h"
#include "scoring/config.h"
#include "scoring/log_record.h"
#include "scoring/period.h"
#include "scoring/score.h"

namespace logbridge::connector {
namespace {

using nlohmann::json;

constexpr int kMaxLogsPerReplay = 1000000;
constexpr size_t kEvidencePerKpi = 3;
constexpr char kChangedPeriodsKey[] = "scorecards.changed";

std::string SentKey(std::string_view period) {
  return "scorecards.sent." + std::string(period);
}

// The state entry that contains the edit deadline a feedback notice stated, in epoch ms, so that a
// later change of fix_within does not move the deadline of a notice already sent.
std::string NoticeDeadlineKey(std::string_view notice_key) {
  return "feedback.deadline." + std::string(notice_key);
}

scoring::PeriodKind PeriodKindOf(ScorePeriod period) {
  return period == ScorePeriod::kMonth ? scoring::PeriodKind::kMonth : scoring::PeriodKind::kWeek;
}

std::string DayText(int64_t day) {
  scoring::CivilDate date = scoring::CivilFromDays(day);
  char buffer[16];
  std::snprintf(buffer, sizeof(buffer), "%04d-%02d-%02d", date.year, date.month, date.day);
  return buffer;
}

// "2026-02-14 18:00" in Shanghai time.
std::string MinuteText(EpochMs instant) {
  const int64_t local_ms = instant.value + scoring::kShanghaiOffsetMs;
  const int64_t day = local_ms >= 0 ? local_ms / scoring::kMsPerDay
                                    : (local_ms - scoring::kMsPerDay + 1) / scoring::kMsPerDay;
  const int64_t minute_of_day = (local_ms - day * scoring::kMsPerDay) / 60000;
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%s %02d:%02d", DayText(day).c_str(),
                static_cast<int>(minute_of_day / 60), static_cast<int>(minute_of_day % 60));
  return buffer;
}

json ParseObject(std::string_view text) {
  json parsed = json::parse(text, nullptr, false);
  return parsed.is_object() || parsed.is_array() ? parsed : json::object();
}

std::string TextOf(const json& object, const char* key) {
  if (!object.is_object()) {
    return "";
  }
  auto found = object.find(key);
  return found != object.end() && found->is_string() ? found->get<std::string>() : "";
}

// The array member `key` of an object, or an empty array.
json ArrayMember(const json& object, const char* key) {
  if (!object.is_object()) {
    return json::array();
  }
  auto found = object.find(key);
  return found != object.end() && found->is_array() ? *found : json::array();
}

// A stored log with its record parsed.
struct LoadedLog {
  StoredLog stored;
  scoring::LogRecord record;
};

// Latest versions of the logs created in [from, to), oldest first. Logs whose raw JSON no
// longer parses are skipped with a warning; they stay stored for audit.
Result<std::vector<LoadedLog>> LoadLogs(Store& store, EpochMs from, EpochMs to) {
  LogFilter filter;
  filter.created_from = from;
  filter.created_to = to;
  filter.limit = kMaxLogsPerReplay;
  Result<std::vector<StoredLog>> stored = store.ListLogs(filter);
  if (!stored.ok()) {
    return stored.error();
  }
  std::vector<LoadedLog> logs;
  logs.reserve(stored->size());
  for (auto it = stored->rbegin(); it != stored->rend(); ++it) {
    Result<std::vector<scoring::LogRecord>> records =
        scoring::ParseLogRecords(it->raw.raw_json, it->raw.report_id);
    if (!records.ok() || records->empty()) {
      ServiceLogger()->warn("score: log {} v{} is not a valid report record; skipped: {}",
                            it->raw.report_id, it->version,
                            records.ok() ? "empty" : records.error().message);
      continue;
    }
    logs.push_back(LoadedLog{std::move(*it), std::move(records->front())});
  }
  std::stable_sort(logs.begin(), logs.end(), [](const LoadedLog& a, const LoadedLog& b) {
    return a.record.create_time < b.record.create_time;
  });
  return logs;
}

std::vector<FlagRecord> ToFlagRecords(const std::vector<scoring::Flag>& flags) {
  std::vector<FlagRecord> records;
  for (const scoring::Flag& flag : flags) {
    records.push_back(FlagRecord{flag.code, std::string(scoring::SeverityName(flag.severity)),
                                 flag.field, flag.message, 0, 0});
  }
  return records;
}

std::vector<ExtractedValue> ToValues(const scoring::Config& config,
                                     const scoring::NormalizedLog& log) {
  std::vector<ExtractedValue> values;
  for (const scoring::MetricValue& value : log.values) {
    std::string metric = value.metric >= 0 && value.metric < static_cast<int>(config.metrics.size())
                             ? config.metrics[value.metric].name
                             : "";
    values.push_back(ExtractedValue{std::string(value.evidence.field_key), metric,
                                    value.value.ToString(), "", value.evidence.span.begin,
                                    value.evidence.span.end, std::string(value.evidence.source)});
  }
  return values;
}

std::string NormalizedJson(const scoring::NormalizedLog& log) {
  json missing = json::array();
  for (const std::string& key : log.missing_fields) {
    missing.push_back(key);
  }
  return json{{"work_date", DayText(log.work_day)},
              {"template_configured", log.spec != nullptr},
              {"text_chars", log.text_chars},
              {"customer", log.customer},
              {"missing_fields", std::move(missing)}}
      .dump();
}

json BreakdownJson(const scoring::ScoreReport& report, const std::string& name) {
  json kpis = json::array();
  for (const scoring::KpiScore& kpi : report.kpis) {
    kpis.push_back({{"kpi", kpi.name},
                    {"metric", kpi.metric},
                    {"weight", kpi.effective_weight.ToString()},
                    {"has_data", kpi.has_data},
                    {"raw", kpi.raw.ToString()},
                    {"target", kpi.target ? kpi.target->ToString() : ""},
                    {"achievement", kpi.achievement ? kpi.achievement->ToString() : ""},
                    {"points", kpi.points.ToString()}});
  }
  json flagged = json::array();
  for (const scoring::FlaggedLog& log : report.flagged_logs) {
    json codes = json::array();
    for (const scoring::Flag& flag : log.flags) {
      codes.push_back(flag.code);
    }
    flagged.push_back({{"report_id", log.report_id},
                       {"decision", std::string(scoring::LogDecisionName(log.decision))},
                       {"flags", std::move(codes)}});
  }
  return {{"name", name},
          {"role", report.role},
          {"kpis", std::move(kpis)},
          {"logs_counted", report.logs_counted},
          {"logs_down_weighted", report.logs_down_weighted},
          {"logs_excluded", report.logs_excluded},
          {"logs_flagged", report.logs_flagged},
          {"flagged_logs", std::move(flagged)}};
}

// Returns the number of flagged logs in a stored breakdown. flagged_logs lists only the first
// ones, and rows written before logs_flagged existed have only the list.
int FlaggedLogCount(const json& breakdown) {
  if (breakdown.is_object() && breakdown.contains("logs_flagged") &&
      breakdown["logs_flagged"].is_number_integer()) {
    return breakdown["logs_flagged"].get<int>();
  }
  return static_cast<int>(ArrayMember(breakdown, "flagged_logs").size());
}

json EvidenceJson(const scoring::ScoreReport& report) {
  json evidence = json::array();
  for (const scoring::KpiScore& kpi : report.kpis) {
    for (size_t i = 0; i < kpi.evidence.size() && i < kEvidencePerKpi; ++i) {
      const scoring::Evidence& item = kpi.evidence[i];
      evidence.push_back({{"kpi", kpi.name},
                          {"report_id", item.report_id},
                          {"field", item.field_key},
                          {"source", item.source},
                          {"span", {item.span.begin, item.span.end}},
                          {"quote", item.quote},
                          {"value", item.value.ToString()}});
    }
  }
  return evidence;
}

// The markdown body of a person's score card.
std::string PersonCardText(std::string_view period, const ScoreRecord& score) {
  json breakdown = ParseObject(score.breakdown_json);
  std::string text = "### " + std::string(period) + " 绩效得分：" + score.total + "\n\n";
  text += "| 指标 | 实际 | 目标 | 得分 |\n| --- | --- | --- | --- |\n";
  for (const json& kpi : ArrayMember(breakdown, "kpis")) {
    text += "| " + TextOf(kpi, "kpi") + " | " + TextOf(kpi, "raw") + " | " +
            (TextOf(kpi, "target").empty() ? "-" : TextOf(kpi, "target")) + " | " +
            TextOf(kpi, "points") + " / " + TextOf(kpi, "weight") + " |\n";
  }
  json evidence = ParseObject(score.evidence_json);
  if (evidence.is_array() && !evidence.empty()) {
    text += "\n**主要依据**\n\n";
    size_t shown = 0;
    for (const json& item : evidence) {
      if (++shown > 4) {
        break;
      }
      text += "- " + TextOf(item, "kpi") + "：「" + TextOf(item, "quote") + "」（" +
              TextOf(item, "field") + "）\n";
    }
  }
  if (int flagged = FlaggedLogCount(breakdown); flagged > 0) {
    text += "\n有 " + std::to_string(flagged) + " 篇日志被标记，详见日志反馈。\n";
  }
  return text;
}

int FlaggedCount(const ScoreRecord& score) {
  return FlaggedLogCount(ParseObject(score.breakdown_json));
}

// The markdown body of a manager's team summary: totals, distribution, flagged logs.
std::string TeamSummaryText(std::string_view period, const std::vector<const ScoreRecord*>& team) {
  int buckets[4] = {0, 0, 0, 0};  // >= 90, [75, 90), [60, 75), < 60
  scoring::Decimal sum;
  scoring::Decimal best = scoring::Decimal::FromInt(-1);
  scoring::Decimal worst = scoring::Decimal::FromInt(1000000);
  int flagged = 0;
  for (const ScoreRecord* score : team) {
    scoring::Decimal total = scoring::Decimal::Parse(score->total).value_or(scoring::Decimal());
    sum = sum + total;
    best = std::max(best, total);
    worst = std::min(worst, total);
    const double points = total.ToDouble();
    int bucket = 3;
    if (points >= 90) {
      bucket = 0;
    } else if (points >= 75) {
      bucket = 1;
    } else if (points >= 60) {
      bucket = 2;
    }
    buckets[bucket] += 1;
    flagged += FlaggedCount(*score);
  }

  const scoring::Decimal mean =
      team.empty() ? scoring::Decimal()
                   : sum / scoring::Decimal::FromInt(static_cast<int64_t>(team.size()));
  std::string text = "### " + std::string(period) + " 团队绩效汇总\n\n";
  text += "人数 " + std::to_string(team.size()) + "，平均 " + mean.ToString() + "，最高 " +
          best.ToString() + "，最低 " + worst.ToString() + "\n\n";
  text += "分布：90 分以上 " + std::to_string(buckets[0]) + " 人；75-90 分 " +
          std::to_string(buckets[1]) + " 人；60-75 分 " + std::to_string(buckets[2]) +
          " 人；60 分以下 " + std::to_string(buckets[3]) + " 人\n\n";
  text += "被标记的日志：" + std::to_string(flagged) + " 篇\n\n";
  text += "| 成员 | 得分 | 标记 |\n| --- | --- | --- |\n";
  for (const ScoreRecord* score : team) {
    std::string name = TextOf(ParseObject(score->breakdown_json), "name");
    text += "| " + (name.empty() ? score->person_id : name) + " | " + score->total + " | " +
            std::to_string(FlaggedCount(*score)) + " |\n";
  }
  return text;
}

std::string MarkdownPayload(std::string_view title, std::string_view text) {
  return json{{"title", title}, {"text", text}}.dump();
}

}  // namespace

ScoreKeeper::ScoreKeeper(Store& store, Outbox& outbox, const WorkdayCalendar& calendar,
                         const Clock& clock, std::shared_ptr<const scoring::Config> config,
                         ScoreKeeperOptions options)
    : store_(store),
      outbox_(outbox),
      calendar_(calendar),
      clock_(clock),
      config_(std::move(config)),
      options_(std::move(options)) {}

ScoreKeeper::~ScoreKeeper() = default;

std::string ScoreKeeper::PeriodLabelAt(EpochMs instant) const {
  return scoring::PeriodContaining(PeriodKindOf(options_.cards.period), instant).Label();
}

Result<std::vector<AnalyzedLog>> ScoreKeeper::Analyze(const std::vector<StoredChange>& changes) {
  return AnalyzeVersions(changes);
}

Result<std::vector<AnalyzedLog>> ScoreKeeper::AnalyzePending(EpochMs from) {
  LogFilter filter;
  filter.created_from = from;
  filter.limit = kMaxLogsPerReplay;
  Result<std::vector<StoredLog>> logs = store_.ListLogs(filter);
  if (!logs.ok()) {
    return logs.error();
  }
  std::vector<StoredChange> pending;
  for (const StoredLog& log : *logs) {
    if (log.normalized_json.empty()) {
      pending.push_back(StoredChange{log.raw.report_id, log.version,
                                     log.version == 1 ? UpsertOutcome::kInserted
                                                      : UpsertOutcome::kChanged});
    }
  }
  if (pending.empty()) {
    return std::vector<AnalyzedLog>{};
  }
  ServiceLogger()->info("score: analyzing {} logs stored without analysis", pending.size());
  return AnalyzeVersions(pending);
}

Result<std::vector<AnalyzedLog>> ScoreKeeper::AnalyzeVersions(
    const std::vector<StoredChange>& changes) {
  std::map<std::string, const StoredChange*> wanted;
  EpochMs earliest = clock_.Now();
  for (const StoredChange& change : changes) {
    Result<std::optional<StoredLog>> latest = store_.GetLatestLog(change.report_id);
    if (!latest.ok()) {
      return latest.error();
    }
    if (!latest->has_value()) {
      continue;
    }
    wanted[change.report_id] = &change;
    earliest = std::min(earliest, (*latest)->raw.create_time);
  }
  if (wanted.empty()) {
    return std::vector<AnalyzedLog>{};
  }

  // Replay the recent history, then every log after the earliest change, through one engine.
  Result<std::vector<LoadedLog>> logs =
      LoadLogs(store_, earliest - options_.history, EpochMs(INT64_MAX));
  if (!logs.ok()) {
    return logs.error();
  }
  scoring::EngineOptions engine_options;
  engine_options.period_kind = PeriodKindOf(options_.cards.period);
  scoring::Engine engine(config_, engine_options);
  Status allowed = AllowRequestedEdits(engine, earliest - options_.history);
  if (!allowed.ok()) {
    return allowed.error();
  }

  std::vector<AnalyzedLog> analyzed;
  for (const LoadedLog& log : *logs) {
    scoring::NormalizedLog normalized = engine.Normalize(log.record);
    std::vector<scoring::Flag> flags = engine.Validate(normalized);
    auto change = wanted.find(log.stored.raw.report_id);
    if (change == wanted.end()) {
      continue;
    }
    scoring::LogOutcome outcome = engine.Aggregate(normalized, flags);

    AnalyzedLog result;
    result.report_id = log.stored.raw.report_id;
    result.version = log.stored.version;
    result.outcome = change->second->outcome;
    result.creator_id = log.record.creator_id;
    result.template_name = log.record.template_name;
    result.create_time = log.record.create_time;
    result.work_date = DayText(normalized.work_day);
    result.period = scoring::PeriodOfDay(engine_options.period_kind, normalized.work_day).Label();
    result.flags = ToFlagRecords(flags);
    result.values = ToValues(*config_, normalized);

    Status saved = store_.SaveAnalysis(LogAnalysis{result.report_id, result.version,
                                                   NormalizedJson(normalized), result.values,
                                                   result.flags});
    if (!saved.ok()) {
      return saved.error();
    }
    if (result.outcome == UpsertOutcome::kInserted && !result.flags.empty()) {
      Status sent = SendFeedback(result);
      if (!sent.ok()) {
        return sent.error();
      }
    }
    Status marked = MarkPeriodChanged(result.period);
    if (!marked.ok()) {
      return marked.error();
    }
    analyzed.push_back(std::move(result));
  }
  return analyzed;
}

Status ScoreKeeper::SendFeedback(const AnalyzedLog& log) {
  const FeedbackSettings& feedback = options_.feedback;
  const EpochMs now = clock_.Now();
  // A log older than the window comes from a backfill or a long outage. Requesting an edit of
  // it now would only spend the monthly call budget.
  if (!feedback.enabled || now - log.create_time > feedback.max_log_age) {
    return OkStatus();
  }
  const EpochMs deadline = now + feedback.fix_within;
  std::optional<std::string> text = FeedbackText(
      FeedbackRequest{log.work_date, log.template_name, log.flags, MinuteText(deadline)});
  if (!text.has_value()) {
    return OkStatus();
  }
  NewMessage message;
  message.idempotency_key = "feedback/" + log.report_id + "/v" + std::to_string(log.version);
  message.kind = MessageKind::kWorkNotification;
  message.recipient = log.creator_id;
  message.payload_json = MarkdownPayload("日志需要修改", *text);
  Result<EnqueueOutcome> queued = outbox_.Enqueue(message);
  if (!queued.ok()) {
    return queued.error();
  }
  if (!queued->inserted) {
    return OkStatus();  // the notice exists already, with the deadline it stated then
  }
  return store_.SetState(NoticeDeadlineKey(message.idempotency_key),
                         std::to_string(deadline.value));
}

Status ScoreKeeper::AllowRequestedEdits(scoring::Engine& engine, EpochMs since) const {
  constexpr std::string_view kPrefix = "feedback/";
  Result<std::vector<SentMessageTimes>> notices = store_.ListSentMessageTimes(kPrefix, since);
  if (!notices.ok()) {
    return notices.error();
  }
  // A notice's key is "feedback/<report id>/v<version>" (SendFeedback). Edits count from its
  // delivery on, until the deadline it stated, which SendFeedback stored. A notice queued
  // without that entry (by an earlier release, or when the service stopped between the two
  // writes) falls back to its creation time plus today's fix_within.
  for (const SentMessageTimes& notice : *notices) {
    const std::string& key = notice.idempotency_key;
    size_t version = key.rfind("/v");
    if (version == std::string::npos || version <= kPrefix.size()) {
      continue;
    }
    Result<std::optional<std::string>> stated = store_.GetState(NoticeDeadlineKey(key));
    if (!stated.ok()) {
      return stated.error();
    }
    EpochMs deadline = notice.created_at + options_.feedback.fix_within;
    int64_t stated_ms = 0;
    if (stated->has_value()) {
      const std::string& text = **stated;
      auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), stated_ms);
      if (error == std::errc() && end == text.data() + text.size()) {
        deadline = EpochMs(stated_ms);
      }
    }
    engine.AllowEdits(key.substr(kPrefix.size(), version - kPrefix.size()), notice.sent_at,
                      deadline);
  }
  return OkStatus();
}

Status ScoreKeeper::MarkPeriodChanged(const std::string& period) {
  Result<std::optional<std::string>> sent = store_.GetState(SentKey(period));
  if (!sent.ok()) {
    return sent.error();
  }
  if (!sent->has_value()) {
    return OkStatus();  // cards not sent yet: they will carry the new scores
  }
  Result<std::optional<std::string>> stored = store_.GetState(kChangedPeriodsKey);
  if (!stored.ok()) {
    return stored.error();
  }
  json changed = stored->has_value() ? ParseObject(**stored) : json::array();
  if (!changed.is_array()) {
    changed = json::array();
  }
  for (const json& label : changed) {
    if (label == period) {
      return OkStatus();
    }
  }
  changed.push_back(period);
  return store_.SetState(kChangedPeriodsKey, changed.dump());
}

Status ScoreKeeper::MarkLogChanged(std::string_view report_id) {
  Result<std::optional<StoredLog>> log = store_.GetLatestLog(report_id);
  if (!log.ok()) {
    return log.error();
  }
  if (!log->has_value()) {
    return MakeError(ErrorCode::kNotFound, "no stored log " + std::string(report_id));
  }
  std::string work_date = TextOf(ParseObject((*log)->normalized_json), "work_date");
  Result<int64_t> day = scoring::ParseDay(work_date);
  const scoring::PeriodKind kind = PeriodKindOf(options_.cards.period);
  const std::string period = day.ok() ? scoring::PeriodOfDay(kind, *day).Label()
                                      : PeriodLabelAt((*log)->raw.create_time);
  return MarkPeriodChanged(period);
}

Result<std::vector<scoring::ScoreReport>> ScoreKeeper::ComputePeriod(
    std::string_view period_label) const {
  Result<scoring::Period> period = scoring::ParsePeriod(period_label);
  if (!period.ok()) {
    return period.error();
  }
  Result<std::vector<LoadedLog>> logs = LoadLogs(store_, period->start() - options_.history,
                                                 period->end() + options_.late_logs);
  if (!logs.ok()) {
    return logs.error();
  }

  scoring::EngineOptions engine_options;
  engine_options.only_period = *period;
  scoring::Engine engine(config_, engine_options);
  Status allowed = AllowRequestedEdits(engine, period->start() - options_.history);
  if (!allowed.ok()) {
    return allowed.error();
  }
  // The logs go through AddBatch, which overlaps one log's memory loads with another's work, in
  // batches that bound the outcomes kept at a time. An exclusion applies to the logs fed after
  // it, so the logs gathered before a rejected one are fed first.
  constexpr size_t kBatch = 4096;
  std::vector<const scoring::LogRecord*> pending;
  std::vector<scoring::LogOutcome> outcomes;
  for (const LoadedLog& log : *logs) {
    if (log.stored.status == "rejected" || pending.size() == kBatch) {
      engine.AddBatch(pending, &outcomes);
      pending.clear();
    }
    if (log.stored.status == "rejected") {
      engine.ExcludeReport(log.stored.raw.report_id);
    }
    pending.push_back(&log.record);
  }
  engine.AddBatch(pending, &outcomes);

  Result<std::vector<Person>> people = store_.ListPeople();
  if (!people.ok()) {
    return people.error();
  }
  std::map<std::string, std::string> names;
  for (const Person& person : *people) {
    names[person.userid] = person.name;
  }
  std::vector<scoring::ScoreReport> reports = engine.Reports();
  for (scoring::ScoreReport& report : reports) {
    auto name = names.find(report.person_id);
    if (name != names.end()) {
      report.person_name = name->second;
    }
  }
  return reports;
}

Result<std::vector<ScoreRecord>> ScoreKeeper::ScorePeriod(std::string_view period_label) {
  Result<std::vector<scoring::ScoreReport>> reports = ComputePeriod(period_label);
  if (!reports.ok()) {
    return reports.error();
  }
  std::vector<ScoreRecord> records;
  const EpochMs now = clock_.Now();
  for (const scoring::ScoreReport& report : *reports) {
    records.push_back(ScoreRecord{report.person_id, std::string(period_label),
                                  report.total.ToString(),
                                  BreakdownJson(report, report.person_name).dump(),
                                  EvidenceJson(report).dump(), now});
  }
  std::sort(records.begin(), records.end(), [](const ScoreRecord& a, const ScoreRecord& b) {
    return a.person_id < b.person_id;
  });
  Status replaced = store_.ReplaceScores(period_label, records);
  if (!replaced.ok()) {
    return replaced.error();
  }
  return records;
}

EpochMs ScoreKeeper::SendTimeAfter(EpochMs instant) const {
  const scoring::Period period =
      scoring::PeriodContaining(PeriodKindOf(options_.cards.period), instant);
  const ScoreCardSettings& cards = options_.cards;
  int64_t day = period.end_day;
  if (cards.period == ScorePeriod::kWeek) {
    // IsoWeekday: 1 = Monday ... 7 = Sunday; send_weekday: 0 = Sunday ... 6 = Saturday.
    const int32_t wanted = cards.send_weekday == 0 ? 7 : static_cast<int32_t>(cards.send_weekday);
    while (scoring::IsoWeekday(day) != wanted) {
      day += 1;
    }
  } else {
    day += std::max<int64_t>(static_cast<int64_t>(cards.send_day) - 1, 0);
  }
  return scoring::ShanghaiDayStart(day) +
         std::chrono::minutes(cards.send_hour * 60 + cards.send_minute);
}

EpochMs ScoreKeeper::NextSendTime() const {
  const EpochMs now = clock_.Now();
  const scoring::Period current =
      scoring::PeriodContaining(PeriodKindOf(options_.cards.period), now);
  const EpochMs previous_send = SendTimeAfter(current.start() - std::chrono::milliseconds(1));
  return previous_send > now ? previous_send : SendTimeAfter(now);
}

Result<ScoreCardReport> ScoreKeeper::RunDue() {
  ScoreCardReport report;
  if (!options_.cards.enabled) {
    return report;
  }
  const EpochMs now = clock_.Now();
  const scoring::PeriodKind kind = PeriodKindOf(options_.cards.period);
  const scoring::Period current = scoring::PeriodContaining(kind, now);
  const scoring::Period previous =
      scoring::PeriodContaining(kind, current.start() - std::chrono::milliseconds(1));
  const std::string label = previous.Label();

  Result<std::optional<std::string>> sent = store_.GetState(SentKey(label));
  if (!sent.ok()) {
    return sent.error();
  }
  if (!sent->has_value() && now >= SendTimeAfter(previous.start())) {
    Result<std::vector<ScoreRecord>> scores = ScorePeriod(label);
    if (!scores.ok()) {
      return scores.error();
    }
    Result<int> cards = SendCards(label, *scores, report);
    if (!cards.ok()) {
      return cards.error();
    }
    report.periods_sent.push_back(label);
    ServiceLogger()->info("score cards: period {}: {} person cards, {} team summaries", label,
                          report.person_cards, report.team_summaries);
  }

  Result<std::optional<std::string>> changed = store_.GetState(kChangedPeriodsKey);
  if (!changed.ok()) {
    return changed.error();
  }
  if (changed->has_value()) {
    json periods = ParseObject(**changed);
    for (const json& period : periods) {
      if (!period.is_string()) {
        continue;
      }
      Result<int> corrected = SendCorrections(period.get<std::string>(), report);
      if (!corrected.ok()) {
        return corrected.error();
      }
    }
    Status cleared = store_.SetState(kChangedPeriodsKey, "[]");
    if (!cleared.ok()) {
      return cleared.error();
    }
  }
  return report;
}

Result<int> ScoreKeeper::SendCards(const std::string& period,
                                   const std::vector<ScoreRecord>& scores,
                                   ScoreCardReport& report) {
  Result<std::vector<Person>> people = store_.ListPeople();
  if (!people.ok()) {
    return people.error();
  }
  std::map<std::string, std::string> manager_of;
  for (const Person& person : *people) {
    manager_of[person.userid] = person.manager_id;
  }

  json totals = json::object();
  std::map<std::string, std::vector<const ScoreRecord*>> teams;
  for (const ScoreRecord& score : scores) {
    NewMessage card;
    card.idempotency_key = "scorecard/" + period + "/" + score.person_id;
    card.recipient = score.person_id;
    card.payload_json = MarkdownPayload(period + " 绩效得分", PersonCardText(period, score));
    Result<EnqueueOutcome> queued = outbox_.Enqueue(card);
    if (!queued.ok()) {
      return queued.error();
    }
    report.person_cards += 1;
    totals[score.person_id] = score.total;
    const std::string& manager = manager_of[score.person_id];
    if (!manager.empty()) {
      teams[manager].push_back(&score);
    }
  }
  for (const auto& [manager, team] : teams) {
    NewMessage summary;
    summary.idempotency_key = "team/" + period + "/" + manager;
    summary.recipient = manager;
    summary.payload_json = MarkdownPayload(period + " 团队绩效汇总", TeamSummaryText(period, team));
    Result<EnqueueOutcome> queued = outbox_.Enqueue(summary);
    if (!queued.ok()) {
      return queued.error();
    }
    report.team_summaries += 1;
  }
  Status recorded = store_.SetState(SentKey(period), totals.dump());
  if (!recorded.ok()) {
    return recorded.error();
  }
  return report.person_cards;
}

Result<int> ScoreKeeper::SendCorrections(const std::string& period, ScoreCardReport& report) {
  Result<std::optional<std::string>> sent = store_.GetState(SentKey(period));
  if (!sent.ok()) {
    return sent.error();
  }
  if (!sent->has_value()) {
    return 0;
  }
  json totals = ParseObject(**sent);
  Result<std::vector<ScoreRecord>> scores = ScorePeriod(period);
  if (!scores.ok()) {
    return scores.error();
  }

  int corrections = 0;
  for (const ScoreRecord& score : *scores) {
    const std::string before = TextOf(totals, score.person_id.c_str());
    if (before == score.total) {
      continue;
    }
    std::string text = "### " + period + " 得分更正：" + (before.empty() ? "无" : before) +
                       " → " + score.total +
                       "\n\n逾期提交、修改过的日志或审批结果改变了这一期的得分。\n\n" +
                       PersonCardText(period, score);
    NewMessage correction;
    correction.idempotency_key =
        "correction/" + period + "/" + score.person_id + "/" + score.total;
    correction.recipient = score.person_id;
    correction.payload_json = MarkdownPayload(period + " 得分更正", text);
    Result<EnqueueOutcome> queued = outbox_.Enqueue(correction);
    if (!queued.ok()) {
      return queued.error();
    }
    totals[score.person_id] = score.total;
    corrections += 1;
  }
  report.corrections += corrections;
  if (corrections > 0) {
    ServiceLogger()->info("score cards: period {}: {} corrections", period, corrections);
  }
  Status recorded = store_.SetState(SentKey(period), totals.dump());
  if (!recorded.ok()) {
    return recorded.error();
  }
  return corrections;
}

}  // namespace logbridge::connector
