// The poller: reads work logs from topapi/report/list for the configured templates and commits
// each page to the store together with its checkpoint, so a poll stopped at any point resumes
// with no log lost or stored twice. It also refreshes the roster (people, departments,
// managers) from the contacts APIs. A Poller borrows the store, client, budget and clock, which
// must outlive it. PollOnce, Backfill and RefreshRoster must not run concurrently with each
// other; RequestStop may be called from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "base/time.h"
#include "connector/dingtalk_sender.h"
#include "connector/store.h"
#include "dingtalk/client.h"

namespace logbridge::connector {

struct PollerOptions {
  std::vector<std::string> templates;  // template names, e.g. "日报"; each is polled apart
  // Logs created this far back are re-read when modified since the previous poll, so edits
  // and logs that became visible late are picked up.
  std::chrono::milliseconds overlap{std::chrono::hours(48)};
  // Consecutive modified-time windows overlap by this much, against clock skew.
  std::chrono::milliseconds skew{std::chrono::minutes(5)};
  // How far back the very first poll reads.
  std::chrono::milliseconds first_lookback{std::chrono::days(7)};
  int page_size = 20;  // 1..20
};

// A log version that a committed page inserted or changed.
struct StoredChange {
  std::string report_id;
  int64_t version = 0;
  UpsertOutcome outcome = UpsertOutcome::kInserted;
};

// Receives the changes of each page after the page was committed. An error stops the poll;
// the page stays committed.
using ChangeHandler = std::function<Status(const std::vector<StoredChange>& changes)>;

struct SyncRunReport {
  int pages = 0;
  int inserted = 0;
  int changed = 0;
  int unchanged = 0;
  int64_t report_calls = 0;    // report/list calls this run, retries included
  bool budget_paused = false;  // stopped before a call because the budget has none left
  bool interrupted = false;    // stopped by RequestStop after a committed page
  bool complete() const { return !budget_paused && !interrupted; }
};

// Counts of one roster refresh.
struct RosterReport {
  size_t people = 0;
  size_t departments = 0;
  size_t without_manager = 0;
};

class Poller {
 public:
  Poller(Store& store, dingtalk::Client& client, CallBudget& budget, const Clock& clock,
         PollerOptions options);

  // Call before polling; the handler runs on the polling thread.
  void SetChangeHandler(ChangeHandler handler);

  // Polls every template once: logs created since the last poll, and logs created within
  // `overlap` that were modified since then. A poll interrupted earlier (stop, crash, error,
  // budget) is resumed from its checkpoint first, with the same windows. Returns the counts;
  // an error (network, store, handler) leaves the run to be resumed by the next call.
  Result<SyncRunReport> PollOnce();

  // Reads every log created in [since, now) on the configured templates, with no modified
  // filter: `logbridge sync --since`. Resumable like PollOnce; a new Backfill with a different
  // `since` starts over. A `since` after now fails with kInvalidArgument before any call.
  Result<SyncRunReport> Backfill(EpochMs since);

  // Replaces the stored roster with the contacts tree: departments, their members, and each
  // person's direct manager (user detail), falling back to the leader of the person's first
  // department, then of its parent. Contacts calls are not metered.
  Result<RosterReport> RefreshRoster();

  // Asks a running poll to stop once the page in flight is committed. Clears on the next poll.
  void RequestStop() { stop_requested_.store(true); }

  // Average report/list calls per poll so far; the poll cadence is derived from it.
  double calls_per_poll() const { return calls_per_poll_; }

 private:
  struct RunWindows;
  Result<RunWindows> LoadOrStartRun(const std::string& template_name, std::string_view mode,
                                    std::optional<EpochMs> since);
  Status RunTemplate(const std::string& template_name, std::string_view mode,
                     const RunWindows& windows, SyncRunReport& report);
  Status CommitReportPage(const std::string& template_name, std::string_view mode,
                          const dingtalk::ReportPage& page, SyncRunReport& report);
  Result<SyncRunReport> RunAll(std::string_view mode, std::optional<EpochMs> since);

  Store& store_;
  dingtalk::Client& client_;
  CallBudget& budget_;
  const Clock& clock_;
  const PollerOptions options_;
  ChangeHandler on_changes_;

  std::atomic<bool> stop_requested_{false};
  double calls_per_poll_ = 0;
  int64_t polls_measured_ = 0;
};

}  // namespace logbridge::connector
