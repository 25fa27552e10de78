// Tests of `logbridge demo`: one simulated week of a small organization runs end to end and the
// summary's numbers agree with each other and with the budget.

#include <catch2/catch.hpp>

#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "connector/demo.h"

namespace logbridge::connector {
namespace {

TEST_CASE("demo week runs end to end", "[e2e]") {
  std::random_device seed;
  const std::string dir = (std::filesystem::temp_directory_path() /
                           ("logbridge-demo-test-" + std::to_string(seed())))
                              .string();
  DemoOptions options;
  options.data_dir = dir;
  options.weeks = 1;
  options.people = 12;
  options.seed = 3;
  options.holidays_dir = std::string(LOGBRIDGE_SOURCE_DIR) + "/config/holidays";
  Result<DemoSummary> summary = RunDemo(options);
  REQUIRE(summary.ok());

  CHECK(summary->people == 12);
  CHECK(summary->logs_synced > 30);
  CHECK(summary->logs_synced <= summary->sandbox_logs);
  CHECK(summary->log_versions >= summary->logs_synced);
  CHECK(summary->polls > 10);
  CHECK(summary->calls_used > 0);
  CHECK(summary->calls_used <= summary->monthly_budget);
  CHECK_FALSE(summary->flags_by_kind.empty());
  CHECK(summary->messages_sent > 0);
  CHECK(summary->messages_in_sandbox > 0);
  CHECK(summary->score_cards == static_cast<int64_t>(summary->scores.size()));
  CHECK(std::filesystem::exists(summary->database_path));

  // Everyone in the roster is counted once: scored with a role, scored without one, or
  // without a score because they wrote no log (the top manager has no template).
  size_t with_role = 0;
  size_t without_role = 0;
  for (const DemoScoreRow& row : summary->scores) {
    (row.role.empty() ? without_role : with_role) += 1;
  }
  CHECK(with_role > 0);
  CHECK(static_cast<int64_t>(with_role + without_role + summary->people_without_score.size()) ==
        summary->people);
  CHECK_FALSE(summary->people_without_score.empty());

  const std::string text = FormatDemoSummary(*summary);
  CHECK(text.find("logs synced") != std::string::npos);
  CHECK(text.find(summary->database_path) != std::string::npos);
  CHECK(text.find("scores for " + summary->score_period) != std::string::npos);
  CHECK(text.find(std::to_string(with_role) + " people with a scored role; " +
                  std::to_string(without_role) + " without one; " +
                  std::to_string(summary->people_without_score.size()) +
                  " with no log in the period") != std::string::npos);

  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
}

TEST_CASE("demo rejects weeks out of range", "[e2e]") {
  DemoOptions options;
  options.weeks = 0;
  Result<DemoSummary> summary = RunDemo(options);
  REQUIRE_FALSE(summary.ok());
  CHECK(summary.error().code == ErrorCode::kInvalidArgument);
  CHECK(summary.error().message.find("--weeks 0") != std::string::npos);
  CHECK(summary.error().message.find("1 to 12") != std::string::npos);

  options.weeks = 1;
  options.people = 5;
  Status people = ValidateDemoOptions(options);
  REQUIRE_FALSE(people.ok());
  CHECK(people.error().message.find("--people 5") != std::string::npos);
  CHECK(people.error().message.find("10 to 500") != std::string::npos);
  options.people = 10;
  CHECK(ValidateDemoOptions(options).ok());
}

// A scratch directory removed when the test ends.
struct ScratchDir {
  ScratchDir() {
    std::random_device seed;
    path = std::filesystem::temp_directory_path() /
           ("logbridge-holidays-test-" + std::to_string(seed()));
    std::filesystem::create_directories(path);
  }
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
  std::filesystem::path path;
};

TEST_CASE("demo finds installed holidays", "[e2e]") {
  ScratchDir prefix;
  const std::filesystem::path installed = prefix.path / "share" / "logbridge" / "holidays";
  std::filesystem::create_directories(installed);
  std::filesystem::copy_file(std::string(LOGBRIDGE_SOURCE_DIR) + "/config/holidays/2026.toml",
                             installed / "2026.toml");

  std::vector<std::string> candidates =
      DemoHolidaysCandidates((prefix.path / "bin" / "logbridge").string());
  REQUIRE(candidates.size() == 3);
  CHECK(std::filesystem::path(candidates[0]) == installed);
  CHECK(candidates[1] == std::string(LOGBRIDGE_SOURCE_DIR) + "/config/holidays");
  CHECK(candidates[2] == "/etc/logbridge/holidays");

  Result<std::string> found = ResolveDemoHolidaysDir("", candidates);
  REQUIRE(found.ok());
  CHECK(std::filesystem::path(*found) == installed);

  // Without an executable path the source tree comes first.
  CHECK(DemoHolidaysCandidates("").front() ==
        std::string(LOGBRIDGE_SOURCE_DIR) + "/config/holidays");
}

TEST_CASE("demo names missing holidays", "[e2e]") {
  ScratchDir scratch;
  const std::string missing = (scratch.path / "no-such-dir").string();

  Result<std::string> requested = ResolveDemoHolidaysDir(missing, {});
  REQUIRE_FALSE(requested.ok());
  CHECK(requested.error().code == ErrorCode::kNotFound);
  CHECK(requested.error().message.find("--holidays " + missing) != std::string::npos);

  const std::string other = (scratch.path / "also-missing").string();
  Result<std::string> searched = ResolveDemoHolidaysDir("", {missing, other});
  REQUIRE_FALSE(searched.ok());
  CHECK(searched.error().code == ErrorCode::kNotFound);
  CHECK(searched.error().message.find(missing) != std::string::npos);
  CHECK(searched.error().message.find(other) != std::string::npos);
  CHECK(searched.error().message.find("--holidays") != std::string::npos);

  // A directory without the demo's year would make every weekday a workday.
  const std::filesystem::path old_years = scratch.path / "old";
  std::filesystem::create_directories(old_years);
  std::filesystem::copy_file(std::string(LOGBRIDGE_SOURCE_DIR) + "/config/holidays/2025.toml",
                             old_years / "2025.toml");
  Result<std::string> stale = ResolveDemoHolidaysDir(old_years.string(), {});
  REQUIRE_FALSE(stale.ok());
  CHECK(stale.error().code == ErrorCode::kInvalidArgument);
  CHECK(stale.error().message.find(old_years.string()) != std::string::npos);
  CHECK(stale.error().message.find("2026.toml") != std::string::npos);

  DemoOptions options;
  options.holidays_dir = missing;
  Result<DemoSummary> summary = RunDemo(options);
  REQUIRE_FALSE(summary.ok());
  CHECK(summary.error().message.find(missing) != std::string::npos);
}

}  // namespace
}  // namespace logbridge::connector
