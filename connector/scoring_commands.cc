// The score, explain and check-config subcommands: offline scoring of exported DingTalk logs
// against a config file. Results go to stdout; errors and notes go to stderr.
#include <CLI/CLI.hpp>
#include <algorithm>
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

struct ScoringArgs {
  std::string config;
  std::vector<std::string> inputs;
  std::string period;
  std::string format = "table";
  std::string person;
};

// Reads every input file; duplicates of a report id keep the most recently modified version.
// Returns records sorted by create time, then report id, as the engine expects.
Result<std::vector<LogRecord>> ReadInputs(const std::vector<std::string>& paths) {
  std::map<std::string, LogRecord> by_id;
  for (const std::string& path : paths) {
    std::ifstream file(path, std::ios::binary);
    if (!file) {
      return MakeError(ErrorCode::kNotFound,
                       "cannot read input file \"" + path + "\"; check the path and permissions");
    }
    std::ostringstream text;
    text << file.rdbuf();
    Result<std::vector<LogRecord>> records = scoring::ParseLogRecords(text.str(), path);
    if (!records.ok()) {
      return records.error();
    }
    for (LogRecord& record : *records) {
      auto [slot, inserted] = by_id.try_emplace(record.report_id, record);
      if (!inserted && record.modified_time > slot->second.modified_time) {
        slot->second = std::move(record);
      }
    }
  }
  std::vector<LogRecord> sorted;
  sorted.reserve(by_id.size());
  for (auto& [id, record] : by_id) {
    sorted.push_back(std::move(record));
  }
  std::sort(sorted.begin(), sorted.end(), [](const LogRecord& a, const LogRecord& b) {
    return a.create_time != b.create_time ? a.create_time < b.create_time
                                          : a.report_id < b.report_id;
  });
  return sorted;
}

// Loads config and inputs, scores them, and returns the engine; prints the error and sets
// *exit_code on failure.
std::optional<scoring::Engine> ScoreInputs(const ScoringArgs& args, int* exit_code) {
  Result<scoring::Config> config = scoring::LoadConfigFile(args.config);
  if (!config.ok()) {
    std::cerr << "error: " << config.error().message << "\n"
              << "Run `logbridge check-config " << args.config << "` after fixing it.\n";
    *exit_code = kExitConfig;
    return std::nullopt;
  }

  scoring::EngineOptions options;
  options.period_kind = config->period;
  if (!args.period.empty()) {
    Result<scoring::Period> period = scoring::ParsePeriod(args.period);
    if (!period.ok()) {
      std::cerr << "error: --period: " << period.error().message << "\n";
      *exit_code = kExitUsage;
      return std::nullopt;
    }
    options.only_period = *period;
  }

  Result<std::vector<LogRecord>> records = ReadInputs(args.inputs);
  if (!records.ok()) {
    std::cerr << "error: " << records.error().message << "\n";
    *exit_code = records.error().code == ErrorCode::kNotFound ? kExitFailure : kExitConfig;
    return std::nullopt;
  }

  scoring::Engine engine(std::make_shared<const scoring::Config>(std::move(config).value()),
                         options);
  std::map<std::string, int> skipped;  // reason -> count; a period filter skips many
  for (const LogRecord& record : *records) {
    scoring::LogOutcome outcome = engine.Add(record);
    if (outcome.decision == scoring::LogDecision::kSkipped) {
      ++skipped[outcome.skip_reason];
    }
  }
  for (const auto& [reason, count] : skipped) {
    std::cerr << "note: " << count << " log(s) not scored: " << reason << "\n";
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

void AddScoringOptions(CLI::App* command, ScoringArgs* args) {
  command->add_option("--config", args->config, "scoring config file (TOML)")
      ->required()
      ->check(CLI::ExistingFile);
  command
      ->add_option("--input", args->inputs,
                   "log file: a topapi/report/list response, a data_list array or JSON Lines; "
                   "repeat for several files")
      ->required()
      ->check(CLI::ExistingFile);
}

}  // namespace

void AddScoringCommands(CLI::App& app, int* exit_code) {
  auto score_args = std::make_shared<ScoringArgs>();
  CLI::App* score =
      app.add_subcommand("score", "score logs per person and period: KPIs, total and flags");
  AddScoringOptions(score, score_args.get());
  score->add_option("--period", score_args->period,
                    "score only this period: 2026-11-03, 2026-W45, 2026-11 or 2026-Q4 "
                    "(default: every period of the config's period kind)");
  score->add_option("--format", score_args->format, "output format: table, json or csv")
      ->check(CLI::IsMember({"table", "json", "csv"}));
  score->callback([score_args, exit_code] { RunScore(*score_args, exit_code); });

  auto explain_args = std::make_shared<ScoringArgs>();
  CLI::App* explain = app.add_subcommand(
      "explain", "show one person's points for a period with the log text behind each");
  AddScoringOptions(explain, explain_args.get());
  explain->add_option("--person", explain_args->person, "the person's creator_id")->required();
  explain
      ->add_option("--period", explain_args->period,
                   "the period: 2026-11-03, 2026-W45, 2026-11 or 2026-Q4")
      ->required()
      ->check([](const std::string& text) {
        Result<scoring::Period> period = scoring::ParsePeriod(text);
        return period.ok() ? std::string() : period.error().message;
      });
  explain->callback([explain_args, exit_code] { RunExplain(*explain_args, exit_code); });

  auto config_path = std::make_shared<std::string>();
  CLI::App* check = app.add_subcommand(
      "check-config", "check a scoring config and list every problem with line, key and fix");
  check->add_option("file", *config_path, "scoring config file (TOML)")
      ->required()
      ->check(CLI::ExistingFile);
  check->callback([config_path, exit_code] { RunCheckConfig(*config_path, exit_code); });
}

}  // namespace logbridge::connector
