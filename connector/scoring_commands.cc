// The score, explain and check-config subcommands: offline scoring of exported DingTalk logs
// against a config file. Results go to stdout; errors and notes go to stderr.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <span>
#include <sstream>
#include <string>
#include <vector>

#include "connector/commands.h"
#include "scoring/config.h"
#include "scoring/log_record.h"
#include "scoring/report_format.h"
#include "scoring/score.h"

namespace logbridge::connector {
namespace {

using scoring::LogRecord;

// Evidence items and flagged logs that explain keeps per report: more than a person writes in
// a quarter, so in practice all of them.
constexpr size_t kExplainLimit = 10000;

struct ScoringArgs {
  std::string config;
  std::vector<std::string> inputs;
  std::string period;
  bool period_given = false;  // set from the command line, so that --period "" is rejected
  std::string format = "table";
  std::string person;
};

// The records read from the input files, the files that contain none, and notes about the
// input for standard error: incomplete exports and report ids given more than once.
struct InputRecords {
  std::vector<LogRecord> records;
  std::vector<std::string> empty_files;
  std::vector<std::string> notes;
};

// Returns "1 log" or "12 logs".
std::string CountLogs(int64_t count) {
  return std::to_string(count) + (count == 1 ? " log" : " logs");
}

// Returns "1 template" or "3 templates" for a count and a singular noun.
std::string CountOf(size_t count, std::string_view noun) {
  return std::to_string(count) + " " + std::string(noun) + (count == 1 ? "" : "s");
}

// Returns a time as "2026-11-03 21:30" in Asia/Shanghai, the zone of every business date.
std::string ShanghaiMinute(EpochMs time) {
  constexpr int64_t kMsPerMinute = 60 * 1000;
  constexpr int64_t kMinutesPerDay = 24 * 60;
  constexpr int64_t kShanghaiOffsetMinutes = 8 * 60;
  int64_t day = scoring::ShanghaiDay(time);
  int64_t minutes = time.value / kMsPerMinute + kShanghaiOffsetMinutes;
  int64_t minute_of_day = ((minutes % kMinutesPerDay) + kMinutesPerDay) % kMinutesPerDay;
  char clock[8];
  std::snprintf(clock, sizeof(clock), "%02d:%02d", static_cast<int>(minute_of_day / 60),
                static_cast<int>(minute_of_day % 60));
  return scoring::PeriodOfDay(scoring::PeriodKind::kDay, day).Label() + " " + clock;
}

// A report id read more than once: how often, and whether the versions differ.
struct RepeatedReport {
  std::string kept_from;    // the input file of the version that is scored
  int64_t copies = 1;
  bool differs = false;     // some copy's content differs from another's
  bool same_modified_time = false;  // differing copies with equal modified_time
};

// Returns the notes about report ids read more than once: one line with the count, and one
// per report id whose copies differ, naming the version that was kept and why.
std::vector<std::string> DescribeRepeats(const std::map<std::string, RepeatedReport>& repeats,
                                         const std::map<std::string, LogRecord>& by_id) {
  std::vector<std::string> notes;
  int64_t repeated = 0;
  int64_t extra_copies = 0;
  for (const auto& [id, repeat] : repeats) {
    if (repeat.copies > 1) {
      ++repeated;
      extra_copies += repeat.copies - 1;
    }
  }
  if (repeated == 0) {
    return notes;
  }
  notes.push_back(CountOf(static_cast<size_t>(repeated), "report id") +
                  " appeared more than once in the input (" +
                  CountOf(static_cast<size_t>(extra_copies), "duplicate") +
                  ", from a file given twice or overlapping exports); each report was scored "
                  "once");
  for (const auto& [id, repeat] : repeats) {
    if (!repeat.differs) {
      continue;
    }
    const LogRecord& scored = by_id.at(id);
    std::string reason = repeat.same_modified_time
                          ? "the first one read, because the versions have the same "
                            "modified_time"
                          : "the one with the latest modified_time, " +
                                ShanghaiMinute(scored.modified_time) + " (Asia/Shanghai)";
    notes.push_back("report " + id + " has versions with different content; scored the "
                    "version from " + repeat.kept_from + ": " + reason);
  }
  return notes;
}

// Returns an error naming the file when path does not exist, is a directory or cannot be
// opened. The message calls the file by label, such as "--config file".
Status CheckReadableFile(const std::string& path, std::string_view label) {
  std::error_code error;
  std::filesystem::file_status status = std::filesystem::status(path, error);
  if (!std::filesystem::exists(status)) {
    return MakeError(ErrorCode::kNotFound, std::string(label) + " \"" + path +
                                               "\" does not exist; check the path, which is "
                                               "relative to the current directory");
  }
  if (std::filesystem::is_directory(status)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     std::string(label) + " \"" + path + "\" is a directory; name a file in it");
  }
  if (!std::ifstream(path, std::ios::binary)) {
    return MakeError(ErrorCode::kPermissionDenied,
                     std::string(label) + " \"" + path +
                         "\" cannot be read; check its permissions");
  }
  return OkStatus();
}

// Reads every input file; duplicates of a report id keep the most recently modified version,
// and input.notes reports each repeat. Returns records sorted by create time, then report id, as the engine
// expects.
Result<InputRecords> ReadInputs(const std::vector<std::string>& paths) {
  InputRecords input;
  std::map<std::string, LogRecord> by_id;
  std::map<std::string, RepeatedReport> repeats;
  for (const std::string& path : paths) {
    std::ifstream file(path, std::ios::binary);
    if (!file) {
      return MakeError(ErrorCode::kNotFound,
                       "--input file \"" + path + "\" cannot be read; check the path and "
                       "permissions");
    }
    std::ostringstream text;
    text << file.rdbuf();
    Result<scoring::LogExport> parsed = scoring::ParseLogExport(text.str(), path);
    if (!parsed.ok()) {
      return parsed.error();
    }
    std::vector<LogRecord>& records = parsed->records;
    if (records.empty()) {
      input.empty_files.push_back(path);
    }
    if (parsed->has_more) {
      input.notes.push_back(
          path + " is an incomplete export: its last response has has_more true" +
          (parsed->next_cursor.empty() ? std::string()
                                       : " and next_cursor " + parsed->next_cursor) +
          ", so later pages are missing from the scores; fetch them from that cursor and pass "
          "them too");
    }
    for (LogRecord& record : records) {
      auto [slot, inserted] = by_id.try_emplace(record.report_id, record);
      RepeatedReport& repeat = repeats[record.report_id];
      if (inserted) {
        repeat.kept_from = path;
        continue;
      }
      ++repeat.copies;
      if (scoring::LogRecordToJson(record) == scoring::LogRecordToJson(slot->second)) {
        continue;
      }
      repeat.differs = true;
      if (record.modified_time > slot->second.modified_time) {
        slot->second = std::move(record);
        repeat.kept_from = path;
        repeat.same_modified_time = false;
      } else if (record.modified_time == slot->second.modified_time) {
        repeat.same_modified_time = true;
      }
    }
  }
  std::vector<std::string> repeat_notes = DescribeRepeats(repeats, by_id);
  input.notes.insert(input.notes.end(), repeat_notes.begin(), repeat_notes.end());
  input.records.reserve(by_id.size());
  for (auto& [id, record] : by_id) {
    input.records.push_back(std::move(record));
  }
  std::sort(input.records.begin(), input.records.end(),
            [](const LogRecord& a, const LogRecord& b) {
              return a.create_time != b.create_time ? a.create_time < b.create_time
                                                    : a.report_id < b.report_id;
            });
  return input;
}

// Counts of logs the engine skipped, by cause, for the notes and the "no log scored" error.
struct SkippedLogs {
  std::map<std::string, int64_t> unknown_templates;  // template name -> logs
  std::map<std::string, int64_t> other;              // the engine's skip reason -> logs
  int64_t unknown_template_total = 0;
};

// Returns "12 logs of templates not in the config: "周报" (12), "行政周报" (3)" and the other skip
// reasons, joined by "; ". When with_fixes is true, each cause ends with what to do about it.
std::string DescribeSkipped(const SkippedLogs& skipped, bool with_fixes) {
  std::vector<std::string> parts;
  if (skipped.unknown_template_total > 0) {
    std::vector<std::pair<std::string, int64_t>> templates(skipped.unknown_templates.begin(),
                                                           skipped.unknown_templates.end());
    std::stable_sort(templates.begin(), templates.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    std::string names;
    for (const auto& [name, count] : templates) {
      // A quoted name shows white space that would make it look like a name in the config.
      std::string label = name.empty() ? "(no template name)" : "\"" + name + "\"";
      names += (names.empty() ? "" : ", ") + label + " (" + std::to_string(count) + ")";
    }
    parts.push_back(CountLogs(skipped.unknown_template_total) +
                    " of templates not in the config: " + names +
                    (with_fixes ? " (add the templates to the config, or score these logs "
                                  "with the config that has them)"
                                : ""));
  }
  for (const auto& [reason, count] : skipped.other) {
    parts.push_back(CountLogs(count) + " " + reason);
  }
  std::string text;
  for (const std::string& part : parts) {
    text += (text.empty() ? "" : "; ") + part;
  }
  return text;
}

// Returns why no log was scored: the input has no records, or every record was skipped.
std::string DescribeNothingScored(const InputRecords& input, const SkippedLogs& skipped) {
  if (!input.records.empty()) {
    return DescribeSkipped(skipped, /*with_fixes=*/true);
  }
  std::string files;
  for (const std::string& path : input.empty_files) {
    files += (files.empty() ? "" : ", ") + path;
  }
  return "the input contains no log records (" + files +
         ": an empty file or an empty data_list); export the logs again and pass that file";
}

// Loads config and inputs, scores them, and returns the engine; prints the error and sets
// *exit_code on failure, including when no log was scored.
std::optional<scoring::Engine> ScoreInputs(const ScoringArgs& args, int* exit_code) {
  if (Status readable = CheckReadableFile(args.config, "--config file"); !readable.ok()) {
    std::cerr << "error: " << readable.error().message << "\n";
    *exit_code = kExitConfig;
    return std::nullopt;
  }
  for (const std::string& input : args.inputs) {
    if (Status readable = CheckReadableFile(input, "--input file"); !readable.ok()) {
      std::cerr << "error: " << readable.error().message << "\n";
      *exit_code = kExitConfig;
      return std::nullopt;
    }
  }

  Result<scoring::Config> config = scoring::LoadConfigFile(args.config);
  if (!config.ok()) {
    std::cerr << "error: " << config.error().message << "\n"
              << "Run `logbridge check-config " << args.config << "` after fixing it.\n";
    *exit_code = kExitConfig;
    return std::nullopt;
  }

  scoring::EngineOptions options;
  options.period_kind = config->period;
  if (!args.person.empty()) {
    // explain shows one person's period in full, so it keeps every contribution and flag.
    options.max_evidence_per_kpi = kExplainLimit;
    options.max_flagged_logs_per_report = kExplainLimit;
  }
  if (args.period_given) {
    Result<scoring::Period> period = scoring::ParsePeriod(args.period);
    if (!period.ok()) {
      std::cerr << "error: --period: " << period.error().message << "\n";
      *exit_code = kExitUsage;
      return std::nullopt;
    }
    options.only_period = *period;
  }

  Result<InputRecords> input = ReadInputs(args.inputs);
  if (!input.ok()) {
    std::cerr << "error: " << input.error().message << "\n";
    *exit_code = kExitConfig;
    return std::nullopt;
  }

  scoring::Engine engine(std::make_shared<const scoring::Config>(std::move(config).value()),
                         options);
  SkippedLogs skipped;
  int64_t scored = 0;  // counted, down-weighted or excluded by a flag: each is in a report
  // AddBatch overlaps one log's memory loads with another's work. Batches bound the outcomes
  // kept at a time.
  constexpr size_t kScoreBatch = 4096;
  std::span<const LogRecord> records = input->records;
  std::vector<scoring::LogOutcome> outcomes;
  for (size_t first = 0; first < records.size(); first += kScoreBatch) {
    std::span<const LogRecord> batch =
        records.subspan(first, std::min(kScoreBatch, records.size() - first));
    engine.AddBatch(batch, &outcomes);
    for (size_t i = 0; i < batch.size(); ++i) {
      const scoring::LogOutcome& outcome = outcomes[i];
      if (outcome.decision != scoring::LogDecision::kSkipped) {
        ++scored;
        continue;
      }
      if (engine.config().FindTemplate(batch[i].template_name) == nullptr) {
        ++skipped.unknown_templates[batch[i].template_name];
        ++skipped.unknown_template_total;
      } else {
        ++skipped.other[outcome.skip_reason];
      }
    }
  }

  if (scored == 0) {
    std::string reason = DescribeNothingScored(*input, skipped);
    if (options.only_period && !skipped.other.empty()) {
      reason += "; check that --period covers the work dates of the logs";
    }
    std::cerr << "error: no log scored: " << reason << "\n";
    *exit_code = kExitFailure;
    return std::nullopt;
  }
  for (const std::string& path : input->empty_files) {
    std::cerr << "note: " << path << " contains no log records\n";
  }
  for (const std::string& note : input->notes) {
    std::cerr << "note: " << note << "\n";
  }
  if (std::string notes = DescribeSkipped(skipped, /*with_fixes=*/false); !notes.empty()) {
    std::cerr << "note: not scored: " << notes << "\n";
  }
  *exit_code = kExitOk;
  return engine;
}

void RunScore(const ScoringArgs& args, int* exit_code) {
  std::optional<scoring::Engine> engine = ScoreInputs(args, exit_code);
  if (!engine) {
    return;
  }
  std::vector<scoring::ScoreReport> reports = engine->Reports();
  if (args.format == "json") {
    std::cout << scoring::ReportsToJson(reports);
  } else if (args.format == "csv") {
    std::cout << scoring::ReportsToCsv(reports);
  } else {
    std::cout << scoring::ReportsToTable(reports);
  }
}

void RunExplain(const ScoringArgs& args, int* exit_code) {
  std::optional<scoring::Engine> engine = ScoreInputs(args, exit_code);
  if (!engine) {
    return;
  }
  // ScoreInputs parsed the period already, so this cannot fail.
  Result<scoring::Period> period = scoring::ParsePeriod(args.period);
  std::optional<scoring::ScoreReport> report = engine->ReportFor(args.person, *period);
  if (!report) {
    std::cerr << "error: no scored log of person \"" << args.person << "\" in period "
              << args.period << "; check --person (a creator_id, not a name) and --period\n";
    *exit_code = kExitFailure;
    return;
  }
  std::cout << scoring::ExplainReport(*report);
}

void RunCheckConfig(const std::string& path, int* exit_code) {
  if (Status readable = CheckReadableFile(path, "config file"); !readable.ok()) {
    std::cerr << "error: " << readable.error().message << "\n";
    *exit_code = kExitConfig;
    return;
  }
  std::vector<scoring::ConfigProblem> problems = scoring::CheckConfigFile(path);
  if (!problems.empty()) {
    for (const scoring::ConfigProblem& problem : problems) {
      std::cerr << problem.ToString() << "\n";
    }
    std::cerr << problems.size() << " problem(s) found in " << path << "\n";
    *exit_code = kExitConfig;
    return;
  }
  Result<scoring::Config> config = scoring::LoadConfigFile(path);
  std::cout << path << ": OK (" << CountOf(config->templates.size(), "template") << ", "
            << CountOf(config->rules.size(), "rule") << ", "
            << CountOf(config->metrics.size(), "metric") << ", "
            << CountOf(config->roles.size(), "role") << ")\n";
  *exit_code = kExitOk;
}

// The file options are checked when the command runs, not by CLI11, so that a missing file
// gets our message and the exit code of an invalid file.
void AddScoringOptions(CLI::App* command, ScoringArgs* args) {
  command->add_option("--config", args->config, "scoring config file (TOML)")->required();
  command
      ->add_option("--input", args->inputs,
                   "log file: a topapi/report/list response, a data_list array or JSON Lines; "
                   "repeat for several files")
      ->required();
}

}  // namespace

void AddScoringCommands(CLI::App& app, int* exit_code) {
  auto score_args = std::make_shared<ScoringArgs>();
  CLI::App* score =
      app.add_subcommand("score", "score logs per person and period: KPIs, total and flags");
  AddScoringOptions(score, score_args.get());
  CLI::Option* period = score->add_option(
      "--period", score_args->period,
      "score only this period: 2026-11-03, 2026-W45, 2026-11 or 2026-Q4 "
      "(default: every period of the config's period kind)");
  score->add_option("--format", score_args->format, "output format: table, json or csv")
      ->check(CLI::IsMember({"table", "json", "csv"}));
  score->callback([score_args, period, exit_code] {
    score_args->period_given = period->count() > 0;
    RunScore(*score_args, exit_code);
  });

  auto explain_args = std::make_shared<ScoringArgs>();
  CLI::App* explain = app.add_subcommand(
      "explain", "show one person's points for a period with the log text behind each");
  AddScoringOptions(explain, explain_args.get());
  explain->add_option("--person", explain_args->person, "the person's creator_id")->required();
  explain
      ->add_option("--period", explain_args->period,
                   "the period: 2026-11-03, 2026-W45, 2026-11 or 2026-Q4")
      ->required();
  explain->callback([explain_args, exit_code] {
    if (explain_args->person.empty()) {
      std::cerr << "error: --person is empty; pass the person's creator_id, such as zhangsan\n";
      *exit_code = kExitUsage;
      return;
    }
    explain_args->period_given = true;
    RunExplain(*explain_args, exit_code);
  });

  auto config_path = std::make_shared<std::string>();
  CLI::App* check = app.add_subcommand(
      "check-config", "check a scoring config and list every problem with line, key and fix");
  check->add_option("file", *config_path, "scoring config file (TOML)")->required();
  check->callback([config_path, exit_code] { RunCheckConfig(*config_path, exit_code); });
}

}  // namespace logbridge::connector
