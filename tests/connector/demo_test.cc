// Tests of `logbridge demo`: one simulated week of a small organization runs end to end and the
// summary's numbers agree with each other and with the budget.

#include <catch2/catch.hpp>

#include <filesystem>
#include <random>
#include <string>

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

  const std::string text = FormatDemoSummary(*summary);
  CHECK(text.find("logs synced") != std::string::npos);
  CHECK(text.find(summary->database_path) != std::string::npos);
  CHECK(text.find("scores for " + summary->score_period) != std::string::npos);

  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
}

TEST_CASE("demo rejects weeks out of range", "[e2e]") {
  DemoOptions options;
  options.weeks = 0;
  Result<DemoSummary> summary = RunDemo(options);
  REQUIRE_FALSE(summary.ok());
  CHECK(summary.error().code == ErrorCode::kInvalidArgument);
  CHECK(summary.error().message.find("--weeks") != std::string::npos);
}

}  // namespace
}  // namespace logbridge::connector
