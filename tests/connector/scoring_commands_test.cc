// Tests of the score, explain and check-config subcommands, and of sync's argument checks, run
// through CLI11 as the logbridge binary runs them: exit codes and the messages on standard
// error for bad input.
#include "connector/commands.h"

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <catch2/catch.hpp>

#include "base/time.h"
#include "connector/calendar.h"

namespace logbridge::connector {
namespace {

const std::string kSalesConfig = std::string(LOGBRIDGE_SOURCE_DIR) + "/config/sales.toml";
const std::string kSalesLogs =
    std::string(LOGBRIDGE_SOURCE_DIR) + "/config/samples/sales_logs.json";

// A temporary directory, removed with its files at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "logbridge-scoring-cli-XXXXXX").string();
    path_ = mkdtemp(pattern.data());
  }
  ~TempDir() { std::filesystem::remove_all(path_); }

  // Writes a file in the directory and returns its path.
  std::string Write(const std::string& name, const std::string& text) const {
    std::string path = path_ + "/" + name;
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

 private:
  std::string path_;
};

// The exit code and output of one command line.
struct Run {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Parses and runs a subcommand the way main does, capturing stdout and stderr.
Run RunCommand(std::vector<std::string> args) {
  args.insert(args.begin(), "logbridge");
  std::vector<const char*> argv;
  for (const std::string& arg : args) {
    argv.push_back(arg.c_str());
  }
  Run run;
  std::ostringstream out;
  std::ostringstream err;
  std::streambuf* old_out = std::cout.rdbuf(out.rdbuf());
  std::streambuf* old_err = std::cerr.rdbuf(err.rdbuf());
  CLI::App app{"logbridge"};
  app.require_subcommand(1);
  run.exit_code = kExitOk;
  AddScoringCommands(app, &run.exit_code);
  AddServiceCommands(app, &run.exit_code);
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::ParseError& error) {
    run.exit_code = app.exit(error) == 0 ? kExitOk : kExitUsage;
  }
  std::cout.rdbuf(old_out);
  std::cerr.rdbuf(old_err);
  run.out = out.str();
  run.err = err.str();
  return run;
}

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST_CASE("score of sample logs succeeds", "[scoring_commands]") {
  Run run = RunCommand({"score", "--config", kSalesConfig, "--input", kSalesLogs});
  INFO(run.err);
  CHECK(run.exit_code == kExitOk);
  CHECK(Contains(run.out, "zhangsan"));
  CHECK(Contains(run.err,
                 "note: not scored: 1 log of templates not in the config: \"行政周报\" (1)"));
}

TEST_CASE("score of empty input exits 1", "[scoring_commands]") {
  TempDir dir;
  std::string empty_file = dir.Write("empty.json", "");
  std::string empty_list = dir.Write("list.json", R"({"errcode":0,"result":{"data_list":[]}})");
  for (const std::string& input : {empty_file, empty_list}) {
    Run run = RunCommand({"score", "--config", kSalesConfig, "--input", input});
    INFO(run.err);
    CHECK(run.exit_code == kExitFailure);
    CHECK(run.out.empty());
    CHECK(Contains(run.err, "error: no log scored: the input contains no log records (" + input));
  }
}

TEST_CASE("score of unknown templates exits 1", "[scoring_commands]") {
  TempDir dir;
  std::string logs = dir.Write("weekly.json", R"([
      {"report_id":"w1","template_name":"周报","creator_id":"u1","create_time":1793500000000},
      {"report_id":"w2","template_name":"周报","creator_id":"u2","create_time":1793500000000},
      {"report_id":"w3","template_name":"月报","creator_id":"u2","create_time":1793500000000}])");
  Run run = RunCommand({"score", "--config", kSalesConfig, "--input", logs});
  INFO(run.err);
  CHECK(run.exit_code == kExitFailure);
  CHECK(run.out.empty());
  CHECK(Contains(run.err, "error: no log scored: 3 logs of templates not in the config: "
                          "\"周报\" (2), \"月报\" (1)"));
}

TEST_CASE("unknown template name is quoted", "[scoring_commands]") {
  TempDir dir;
  std::string logs = dir.Write("space.json", R"([
      {"report_id":"s1","template_name":"销售日报 ","creator_id":"u1","create_time":1793500000000}])");
  Run run = RunCommand({"score", "--config", kSalesConfig, "--input", logs});
  INFO(run.err);
  CHECK(run.exit_code == kExitFailure);
  CHECK(Contains(run.err, "1 log of templates not in the config: \"销售日报 \" (1)"));
}

TEST_CASE("score outside every log's period exits 1", "[scoring_commands]") {
  Run run = RunCommand(
      {"score", "--config", kSalesConfig, "--input", kSalesLogs, "--period", "2030-01"});
  INFO(run.err);
  CHECK(run.exit_code == kExitFailure);
  CHECK(Contains(run.err, "14 logs outside period 2030-01"));
  CHECK(Contains(run.err, "check that --period covers"));
}

TEST_CASE("missing files get our message", "[scoring_commands]") {
  TempDir dir;
  std::string logs = dir.Write("logs.json", "[]");
  Run no_config = RunCommand({"score", "--config", "no-such.toml", "--input", logs});
  CHECK(no_config.exit_code == kExitConfig);
  CHECK(Contains(no_config.err, "error: --config file \"no-such.toml\" does not exist"));

  Run no_input = RunCommand({"explain", "--config", kSalesConfig, "--input", "no-such.json",
                             "--person", "zhangsan", "--period", "2026-11"});
  CHECK(no_input.exit_code == kExitConfig);
  CHECK(Contains(no_input.err, "error: --input file \"no-such.json\" does not exist"));

  Run no_file = RunCommand({"check-config", "no-such.toml"});
  CHECK(no_file.exit_code == kExitConfig);
  CHECK(Contains(no_file.err, "config file \"no-such.toml\" does not exist"));

  Run directory = RunCommand({"score", "--config", kSalesConfig, "--input", "/"});
  CHECK(directory.exit_code == kExitConfig);
  CHECK(Contains(directory.err, "--input file \"/\" is a directory"));
}

TEST_CASE("empty period is rejected", "[scoring_commands]") {
  for (const char* command : {"score", "explain"}) {
    INFO(command);
    std::vector<std::string> args = {command, "--config", kSalesConfig, "--input", kSalesLogs,
                                     "--period", ""};
    if (std::string(command) == "explain") {
      args.insert(args.end(), {"--person", "zhangsan"});
    }
    Run run = RunCommand(args);
    INFO(run.err);
    CHECK(run.exit_code == kExitUsage);
    CHECK(run.out.empty());
    CHECK(Contains(run.err, "error: --period: invalid period \"\""));
    CHECK(Contains(run.err, "2026-W45"));
  }
}

TEST_CASE("error response input is named", "[scoring_commands]") {
  TempDir dir;
  std::string response = dir.Write("error.json", R"({"errcode":88,"errmsg":"no permission"})");
  Run run = RunCommand({"score", "--config", kSalesConfig, "--input", response});
  CHECK(run.exit_code == kExitConfig);
  CHECK(Contains(run.err, "DingTalk returned errcode 88: no permission; this is an error "
                          "response, not logs"));
}

TEST_CASE("partial export is noted", "[scoring_commands]") {
  TempDir dir;
  std::string page = dir.Write("page1.json", R"({"errcode":0,"result":{"has_more":true,
      "next_cursor":"c-42","data_list":[{"report_id":"w1","template_name":"销售日报",
      "creator_id":"u1","create_time":1793615400000,
      "contents":[{"key":"今日工作","value":"拜访客户3家，跟进合同"}]}]}})");
  Run run = RunCommand({"score", "--config", kSalesConfig, "--input", page});
  INFO(run.err);
  CHECK(run.exit_code == kExitOk);
  CHECK(Contains(run.err, "note: " + page + " is an incomplete export"));
  CHECK(Contains(run.err, "next_cursor c-42"));

  Run complete = RunCommand({"score", "--config", kSalesConfig, "--input", kSalesLogs});
  CHECK_FALSE(Contains(complete.err, "incomplete export"));
}

TEST_CASE("repeated report ids are noted", "[scoring_commands]") {
  Run twice =
      RunCommand({"score", "--config", kSalesConfig, "--input", kSalesLogs, "--input", kSalesLogs});
  INFO(twice.err);
  CHECK(twice.exit_code == kExitOk);
  CHECK(Contains(twice.err, "note: 15 report ids appeared more than once in the input (15 "
                            "duplicates"));
  CHECK_FALSE(Contains(twice.err, "different content"));

  TempDir dir;
  auto log = [](const std::string& text, int64_t modified) {
    return R"([{"report_id":"w1","template_name":"销售日报","creator_id":"u1",
        "create_time":1793615400000,"modified_time":)" +
           std::to_string(modified) + R"(,"contents":[{"key":"今日工作","value":")" + text +
           R"("}]}])";
  };
  std::string old_version = dir.Write("old.json", log("拜访客户3家，跟进合同", 1793615400000));
  std::string new_version = dir.Write("new.json", log("拜访客户4家，跟进合同", 1793619000000));
  Run differ =
      RunCommand({"score", "--config", kSalesConfig, "--input", new_version, "--input",
                  old_version, "--format", "csv"});
  INFO(differ.err);
  CHECK(differ.exit_code == kExitOk);
  CHECK(Contains(differ.err, "note: 1 report id appeared more than once"));
  CHECK(Contains(differ.err, "report w1 has versions with different content; scored the version "
                             "from " + new_version));
  CHECK(Contains(differ.err, "latest modified_time, 2026-11-02 19:30"));
  CHECK(Contains(differ.out, ",4,"));  // the 4 visits of the later version
}

TEST_CASE("check-config counts are pluralized", "[scoring_commands]") {
  Run run = RunCommand({"check-config", kSalesConfig});
  INFO(run.err);
  CHECK(run.exit_code == kExitOk);
  CHECK(Contains(run.out, "(1 template, 2 rules, 5 metrics, 1 role)"));
}

TEST_CASE("explain with empty person is usage", "[scoring_commands]") {
  Run run = RunCommand({"explain", "--config", kSalesConfig, "--input", kSalesLogs, "--person",
                        "", "--period", "2026-11"});
  CHECK(run.exit_code == kExitUsage);
  CHECK(run.out.empty());
  CHECK(Contains(run.err, "error: --person is empty"));
}

TEST_CASE("sync rejects a future since date", "[scoring_commands]") {
  // Tomorrow in Shanghai time, whatever the real date is when the test runs. The check comes
  // before the config is read, so the config path need not exist.
  const std::chrono::sys_days today(ShanghaiDate(SystemClock().Now()));
  const std::string tomorrow = FormatDate(Date(today + std::chrono::days(1)));
  Run run = RunCommand({"sync", "--config", "/nonexistent/logbridge.toml", "--since", tomorrow});
  CHECK(run.exit_code == kExitUsage);
  CHECK(run.err ==
        "logbridge sync: --since " + tomorrow + " is in the future; give a past date\n");
  CHECK(run.out.empty());
}

}  // namespace
}  // namespace logbridge::connector
