// `logbridge demo`: starts the sandbox in-process with a generated organization and runs the
// connector service against it over real HTTP on loopback. A simulated clock plays several
// weeks in seconds, while people fix flagged logs and managers click approval cards through the
// sandbox and the callback endpoint. Then it prints what happened. Not
// thread-safe; one demo per process at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "base/result.h"
#include "base/time.h"
#include "connector/service.h"
#include "connector/service_config.h"
#include "dingtalk/sandbox/org.h"

namespace logbridge::dingtalk {
class CallbackPusher;
class Sandbox;
}  // namespace logbridge::dingtalk

namespace logbridge::connector {

// The demo's world, also used by the end-to-end tests: a ManualClock at the start of the
// generated logs, the sandbox serving the generated organization on loopback, and the service
// against it. The service can be stopped and started again on the same database, as a restart.
struct DemoEnvironmentOptions {
  uint64_t seed = 1;
  int people = 40;                               // 10..500
  int months = 2;                                // months of generated logs, 1..12
  std::string data_dir;      // required; the database goes here
  std::string holidays_dir;  // required; must contain 2026.toml, the year the demo plays in
  // Changes the service settings before each start, e.g. a smaller budget.
  std::function<void(ServiceConfig&)> adjust;
  bool start_admin_api = true;
};

class DemoEnvironment {
 public:
  // Generates the organization, starts the sandbox and removes any earlier demo database.
  // Errors: kInvalidArgument for options out of range, a holiday directory that is missing,
  // unreadable or without 2026.toml, each message naming the value.
  static Result<std::unique_ptr<DemoEnvironment>> Create(DemoEnvironmentOptions options);
  ~DemoEnvironment();

  // Builds and starts the service on the database in data_dir.
  Status StartService();
  // Destroys the service, as a process restart would; the database stays.
  void StopService();

  // Pushes a card click to the service's callback endpoint over HTTP, as DingTalk does, after
  // recording it in the sandbox. Returns whether the endpoint accepted it.
  bool PushCardClick(const std::string& out_track_id, const std::string& userid,
                     const std::string& action, const std::map<std::string, std::string>& params);

  // The generated organization as the sandbox started with it; later edits are not applied here.
  const dingtalk::Organization& organization() const { return organization_; }
  ManualClock& clock() { return clock_; }
  EpochMs start() const { return start_; }
  dingtalk::Sandbox& sandbox() { return *sandbox_; }
  Service& service() { return *service_; }
  bool service_running() const { return service_ != nullptr; }
  const std::string& database_path() const { return database_path_; }
  const std::string& admin_token() const { return admin_token_; }

 private:
  DemoEnvironment(DemoEnvironmentOptions options, EpochMs start);

  const DemoEnvironmentOptions options_;
  const EpochMs start_;
  ManualClock clock_;
  std::string database_path_;
  std::string admin_token_;
  dingtalk::Organization organization_;
  Secrets secrets_;
  std::shared_ptr<const scoring::Config> scoring_;
  std::optional<WorkdayCalendar> calendar_;
  std::unique_ptr<dingtalk::Sandbox> sandbox_;
  std::unique_ptr<Service> service_;
  std::unique_ptr<dingtalk::CallbackPusher> pusher_;
};

struct DemoOptions {
  std::string data_dir;  // empty: a new directory under the system's temporary directory
  int weeks = 4;         // simulated weeks, 1..12
  uint64_t seed = 1;     // the organization, the clicks and the edits follow from it
  int people = 40;       // everyone in the generated organization, 10..500
  // Directory of <year>.toml holiday files; empty searches DemoHolidaysCandidates.
  std::string holidays_dir;
  bool stay = false;  // keep the admin API up after the summary until SIGINT or SIGTERM
  std::ostream* progress = nullptr;  // one line per simulated week; null for none
};

// One row of the score table: a person's total and KPI points in the last scored week.
struct DemoScoreRow {
  std::string person;
  std::string role;
  std::string total;
  std::vector<std::pair<std::string, std::string>> kpis;  // KPI name, points
};

struct DemoSummary {
  std::string data_dir;
  std::string database_path;
  std::string admin_url;
  std::string admin_token;
  int64_t people = 0;
  int64_t sandbox_logs = 0;  // logs the sandbox held with a create time in the simulated span
  int64_t logs_synced = 0;   // distinct logs in the store
  int64_t log_versions = 0;  // stored versions; more than logs when edits were synced
  int64_t edits_made = 0;    // flagged logs the simulated authors fixed
  int64_t polls = 0;
  int64_t calls_used = 0;  // metered calls counted in the store, every month of the run
  int64_t monthly_budget = 0;
  int64_t projected_month_end = 0;
  std::map<std::string, int64_t> flags_by_kind;
  int64_t feedback_messages = 0;
  int64_t reminders = 0;
  int64_t digests = 0;
  std::map<std::string, int64_t> approvals_by_status;
  int64_t clicks = 0;         // approval clicks pushed to the callback endpoint
  int64_t clicks_direct = 0;  // clicks applied directly after the push was not accepted
  int64_t score_cards = 0;
  int64_t team_summaries = 0;
  int64_t corrections = 0;
  int64_t messages_sent = 0;
  // Sent messages by the first segment of their idempotency key ("reminder", "scorecard", ...).
  std::map<std::string, int64_t> messages_by_purpose;
  int64_t messages_in_sandbox = 0;
  int64_t cards_in_sandbox = 0;
  std::string score_period;
  std::vector<DemoScoreRow> scores;  // one per person with a log in score_period
  // Names of roster people without a score in score_period because they wrote no log in it,
  // such as the top manager, who has no daily template.
  std::vector<std::string> people_without_score;
  double wall_seconds = 0;
};

// The scoring rules of the demo, written for the generator's templates (销售日报, 研发日报,
// 行政日报, 产品日报 and 周报).
std::string DemoScoringConfig();

// The service settings of the demo against a sandbox at `base_url`, storing in `data_dir`.
ServiceConfig DemoServiceConfig(const std::string& base_url, const std::string& data_dir);

// Checks the ranges of weeks and people, so the command can reject them before it prints
// anything. Errors: kInvalidArgument naming the option, its value and the range.
Status ValidateDemoOptions(const DemoOptions& options);

// The holiday directories the demo looks for when --holidays is not given, in order:
// <executable directory>/../share/logbridge/holidays (what `cmake --install` puts beside
// bin/logbridge), config/holidays of the source tree the binary was built from, and
// /etc/logbridge/holidays (the server install of deploy/README.md).
std::vector<std::string> DemoHolidaysCandidates(const std::string& executable_path);

// Returns the holiday directory to use: `requested`, or the first candidate that is a directory
// when `requested` is empty, after checking that it loads and has the demo's year.
// Errors: kNotFound naming the requested path or every candidate tried, with what to pass
// instead. kInvalidArgument naming the file or directory that does not load or lacks the year.
Result<std::string> ResolveDemoHolidaysDir(const std::string& requested,
                                           const std::vector<std::string>& candidates);

// Returns the path of the running executable, or "" when /proc/self/exe cannot be read.
std::string CurrentExecutablePath();

// Runs the demo. Errors: kInvalidArgument for options out of range, kNotFound when no holiday
// directory is found, or the error of the sandbox, store or service that stopped it.
Result<DemoSummary> RunDemo(const DemoOptions& options);

// Formats the summary as the readable report the command prints.
std::string FormatDemoSummary(const DemoSummary& summary);

}  // namespace logbridge::connector
