// The score, explain and check-config subcommands: offline scoring of exported DingTalk logs
// against a config file. Results go to stdout; errors and notes go to stderr.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
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

// The records read from the input files, and the files that contain none.
struct InputRecords {
  std::vector<LogRecord> records;
  std::vector<std::string> empty_files;
};

// Returns an error naming the file when path does not exist, is a directory or cannot be
// opened; label names the file in the message, such as "--config file".
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

// Reads every input file; duplicates of a report id keep the most recently modified version.
// Returns records sorted by create time, then report id, as the engine expects.
Result<InputRecords> ReadInputs(const std::vector<std::string>& paths) {
  InputRecords input;
  std::map<std::string, LogRecord> by_id;
  for (const std::string& path : paths) {
    std::ifstream file(path, std::ios::binary);
    if (!file) {
      return MakeError(ErrorCode::kNotFound,
                       "--input file \"" + path + "\" cannot be read; check the path and "
                       "permissions");
    }
    std::ostringstream text;
    text << file.rdbuf();
    Result<std::vector<LogRecord>> records = scoring::ParseLogRecords(text.str(), path);
    if (!records.ok()) {
      return records.error();
    }
    if (records->empty()) {
      input.empty_files.push_back(path);
    }
    for (LogRecord& record : *records) {
      auto [slot, inserted] = by_id.try_emplace(record.report_id, record);
      if (!inserted && record.modified_time > slot->second.modified_time) {
        slot->second = std::move(record);
      }
    }
  }
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

// Returns "1 log" or "12 logs".
std::string CountLogs(int64_t count) {
  return std::to_string(count) + (count == 1 ? " log" : " logs");
}

// Returns "12 logs of templates not in the config: 周报 (12), 行政周报 (3)" and the other skip
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
      names += (names.empty() ? "" : ", ") + (name.empty() ? "(no template name)" : name) +
               " (" + std::to_string(count) + ")";
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
  for (const LogRecord& record : input->records) {
    scoring::LogOutcome outcome = engine.Add(record);
    if (outcome.decision != scoring::LogDecision::kSkipped) {
      ++scored;
      continue;
    }
    if (engine.config().FindTemplate(record.template_name) == nullptr) {
      ++skipped.unknown_templates[record.template_name];
      ++skipped.unknown_template_total;
    } else {
      ++skipped.other[outcome.skip_reason];
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
  std::cout << path << ": OK (" << config->templates.size() << " templates, "
            << config->rules.size() << " rules, " << config->metrics.size() << " metrics, "
            << config->roles.size() << " roles)\n";
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
