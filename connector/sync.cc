// The poller: report/list windows, page commits with checkpoints, resumable runs, roster.
//
// Each template has one run state per mode ("poll" or "backfill") in the store's state table:
// the windows of the run and whether it finished. The checkpoint row (same template, window
// name = mode) stores the position inside the run; cursor -1 means no page of the run has been
// committed yet. A new run first resets the checkpoint, then records its windows, so a crash
// between the two writes only repeats the start of a run.
#include "connector/sync.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <set>
#include <utility>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "connector/metrics.h"

namespace logbridge::connector {
namespace {

using nlohmann::json;

constexpr int64_t kNotStarted = -1;

std::string RunKey(std::string_view template_name, std::string_view mode) {
  return "sync.run." + std::string(mode) + "." + std::string(template_name);
}

std::string LastEndKey(std::string_view template_name) {
  return "sync.last_end." + std::string(template_name);
}

int64_t IntMember(const json& object, const char* key) {
  auto found = object.find(key);
  if (found == object.end() || !found->is_number_integer()) {
    return 0;
  }
  return found->get<int64_t>();
}

bool BoolMember(const json& object, const char* key, bool fallback) {
  auto found = object.find(key);
  if (found == object.end() || !found->is_boolean()) {
    return fallback;
  }
  return found->get<bool>();
}

std::optional<int64_t> ParseInt64(std::string_view text) {
  int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) {
    return std::nullopt;
  }
  return value;
}

std::string TextMember(const json& object, const char* key) {
  auto found = object.find(key);
  if (found == object.end() || !found->is_string()) {
    return "";
  }
  return found->get<std::string>();
}

// The fields the store indexes, read from the record as received.
RawLog ToRawLog(const dingtalk::ReportRecord& record, const std::string& template_name) {
  RawLog raw;
  raw.report_id = record.report_id;
  raw.raw_json = record.json;
  raw.create_time = record.create_time;
  raw.modified_time = record.modified_time;
  raw.template_name = template_name;
  json parsed = json::parse(record.json, nullptr, false);
  if (parsed.is_object()) {
    std::string name = TextMember(parsed, "template_name");
    if (!name.empty()) {
      raw.template_name = name;
    }
    raw.creator_id = TextMember(parsed, "creator_id");
  }
  return raw;
}

// The error a page handler returns to end a listing early; never leaves the poller.
Error StopListing(std::string why) { return MakeError(ErrorCode::kFailedPrecondition, why); }

}  // namespace

struct Poller::RunWindows {
  EpochMs create_start;
  EpochMs create_end;
  std::optional<EpochMs> modified_start;  // set for polls, unset for backfills
  std::optional<EpochMs> modified_end;
  EpochMs since;  // backfill only: the requested start
};

Poller::Poller(Store& store, dingtalk::Client& client, CallBudget& budget, const Clock& clock,
               PollerOptions options)
    : store_(store), client_(client), budget_(budget), clock_(clock), options_(std::move(options)) {}

void Poller::SetChangeHandler(ChangeHandler handler) { on_changes_ = std::move(handler); }

Result<SyncRunReport> Poller::PollOnce() { return RunAll("poll", std::nullopt); }

Result<SyncRunReport> Poller::Backfill(EpochMs since) {
  // Checked before a checkpoint is saved, because a future start would store a run whose
  // windows end before they begin, and every resume would fail on it.
  if (since > clock_.Now()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "backfill start " + FormatDate(ShanghaiDate(since)) +
                         " is in the future; give a past date");
  }
  return RunAll("backfill", since);
}

Result<SyncRunReport> Poller::RunAll(std::string_view mode, std::optional<EpochMs> since) {
  stop_requested_.store(false);
  SyncRunReport report;
  const int64_t calls_before = client_.MonthlyCalls("/topapi/report/list");

  Status outcome = OkStatus();
  for (const std::string& template_name : options_.templates) {
    Result<RunWindows> windows = LoadOrStartRun(template_name, mode, since);
    if (!windows.ok()) {
      outcome = windows.error();
      break;
    }
    outcome = RunTemplate(template_name, mode, *windows, report);
    if (!outcome.ok() || !report.complete()) {
      break;
    }
  }

  report.report_calls = client_.MonthlyCalls("/topapi/report/list") - calls_before;
  (void)budget_.Record();  // a failed record is retried by the next one; calls stay counted
  if (report.complete() && outcome.ok() && mode == "poll") {
    polls_measured_ += 1;
    calls_per_poll_ += (static_cast<double>(report.report_calls) - calls_per_poll_) /
                       static_cast<double>(std::min<int64_t>(polls_measured_, 20));
  }
  if (!outcome.ok()) {
    return outcome.error();
  }
  return report;
}

Result<Poller::RunWindows> Poller::LoadOrStartRun(const std::string& template_name,
                                                  std::string_view mode,
                                                  std::optional<EpochMs> since) {
  const std::string key = RunKey(template_name, mode);
  Result<std::optional<std::string>> stored = store_.GetState(key);
  if (!stored.ok()) {
    return stored.error();
  }
  if (stored->has_value()) {
    json state = json::parse(**stored, nullptr, false);
    const bool same_since = !since.has_value() || IntMember(state, "since") == since->value;
    if (state.is_object() && !BoolMember(state, "done", true) && same_since) {
      RunWindows windows;
      windows.create_start = EpochMs(IntMember(state, "create_start"));
      windows.create_end = EpochMs(IntMember(state, "create_end"));
      windows.since = EpochMs(IntMember(state, "since"));
      if (state.contains("modified_start")) {
        windows.modified_start = EpochMs(IntMember(state, "modified_start"));
        windows.modified_end = EpochMs(IntMember(state, "modified_end"));
      }
      return windows;
    }
  }

  // A new run: derive its windows from where the last finished poll ended.
  const EpochMs now = clock_.Now();
  RunWindows windows;
  windows.create_end = now;
  if (since.has_value()) {
    windows.create_start = *since;
    windows.since = *since;
  } else {
    Result<std::optional<std::string>> last_end = store_.GetState(LastEndKey(template_name));
    if (!last_end.ok()) {
      return last_end.error();
    }
    EpochMs from = now - options_.first_lookback;
    std::optional<int64_t> last_end_ms =
        last_end->has_value() ? ParseInt64(**last_end) : std::nullopt;
    if (last_end_ms.has_value()) {
      from = EpochMs(*last_end_ms) - options_.skew;
    }
    windows.modified_start = from;
    windows.modified_end = now;
    windows.create_start = std::min(from, now - options_.overlap);
  }

  SyncCheckpoint reset{template_name, std::string(mode), windows.create_start,
                       windows.create_end, kNotStarted, now};
  Status saved = store_.SaveCheckpoint(reset);
  if (!saved.ok()) {
    return saved.error();
  }
  json state = {{"create_start", windows.create_start.value},
                {"create_end", windows.create_end.value},
                {"since", windows.since.value},
                {"done", false}};
  if (windows.modified_start.has_value()) {
    state["modified_start"] = windows.modified_start->value;
    state["modified_end"] = windows.modified_end->value;
  }
  Status recorded = store_.SetState(key, state.dump());
  if (!recorded.ok()) {
    return recorded.error();
  }
  return windows;
}

Status Poller::RunTemplate(const std::string& template_name, std::string_view mode,
                           const RunWindows& windows, SyncRunReport& report) {
  Result<std::optional<SyncCheckpoint>> checkpoint =
      store_.GetCheckpoint(template_name, std::string(mode));
  if (!checkpoint.ok()) {
    return checkpoint.error();
  }

  dingtalk::ReportQuery query;
  query.start_time = windows.create_start;
  query.end_time = windows.create_end;
  query.modified_start_time = windows.modified_start;
  query.modified_end_time = windows.modified_end;
  query.template_name = template_name;
  query.page_size = options_.page_size;
  if (checkpoint->has_value() && (*checkpoint)->cursor != kNotStarted) {
    const SyncCheckpoint& at = **checkpoint;
    query.resume = dingtalk::ReportCheckpoint{at.window_start, at.window_end, at.cursor,
                                              at.cursor == 0};
  }

  Result<bool> may_call = budget_.PollMayCall();
  if (!may_call.ok()) {
    return may_call.error();
  }
  if (!*may_call) {
    report.budget_paused = true;
    return OkStatus();
  }

  Status listed = client_.ListReports(query, [&](const dingtalk::ReportPage& page) {
    return CommitReportPage(template_name, mode, page, report);
  });
  if (report.budget_paused || report.interrupted) {
    return OkStatus();
  }
  if (!listed.ok()) {
    ServiceLogger()->warn("sync: listing {} logs stopped: {}; the next poll resumes it",
                          template_name, listed.error().ToString());
    return listed;
  }

  // The run is finished: record where the next poll starts.
  if (windows.modified_end.has_value()) {
    Status saved =
        store_.SetState(LastEndKey(template_name), std::to_string(windows.modified_end->value));
    if (!saved.ok()) {
      return saved;
    }
  }
  json done = {{"create_start", windows.create_start.value},
               {"create_end", windows.create_end.value},
               {"since", windows.since.value},
               {"done", true}};
  return store_.SetState(RunKey(template_name, mode), done.dump());
}

Status Poller::CommitReportPage(const std::string& template_name, std::string_view mode,
                                const dingtalk::ReportPage& page, SyncRunReport& report) {
  const EpochMs now = clock_.Now();
  std::vector<RawLog> logs;
  logs.reserve(page.records.size());
  for (const dingtalk::ReportRecord& record : page.records) {
    logs.push_back(ToRawLog(record, template_name));
  }
  const dingtalk::ReportCheckpoint& at = page.checkpoint;
  SyncCheckpoint checkpoint{template_name, std::string(mode), at.window_start, at.window_end,
                            at.window_complete ? 0 : at.next_cursor, now};

  Result<std::vector<UpsertOutcome>> outcomes = store_.CommitPage(logs, checkpoint, now);
  if (!outcomes.ok()) {
    return outcomes.error();
  }
  report.pages += 1;

  std::vector<StoredChange> changes;
  for (size_t i = 0; i < logs.size(); ++i) {
    switch ((*outcomes)[i]) {
      case UpsertOutcome::kInserted:
        report.inserted += 1;
        break;
      case UpsertOutcome::kChanged:
        report.changed += 1;
        break;
      case UpsertOutcome::kUnchanged:
        report.unchanged += 1;
        continue;
    }
    Result<std::optional<StoredLog>> latest = store_.GetLatestLog(logs[i].report_id);
    if (!latest.ok()) {
      return latest.error();
    }
    if (latest->has_value()) {
      changes.push_back(StoredChange{logs[i].report_id, (*latest)->version, (*outcomes)[i]});
    }
  }
  ServiceLogger()->debug("sync: committed a {} page of {} logs ({} new or changed), cursor {}",
                         template_name, logs.size(), changes.size(), checkpoint.cursor);

  if (!changes.empty() && on_changes_) {
    Status handled = on_changes_(changes);
    if (!handled.ok()) {
      return handled;
    }
  }
  (void)budget_.Record();

  // Stop between pages: the page just committed is the resume point.
  if (stop_requested_.load()) {
    report.interrupted = true;
    return StopListing("stop requested");
  }
  if (!at.window_complete) {
    Result<bool> may_call = budget_.PollMayCall();
    if (may_call.ok() && !*may_call) {
      report.budget_paused = true;
      return StopListing("call budget used");
    }
  }
  return OkStatus();
}

Result<RosterReport> Poller::RefreshRoster() {
  Result<std::vector<dingtalk::DepartmentNode>> departments = client_.ListDepartments();
  if (!departments.ok()) {
    return departments.error();
  }
  // The root department is not listed by ListDepartments, but it has members too.
  std::vector<int64_t> dept_ids = {1};
  std::map<int64_t, int64_t> parent_of;
  for (const dingtalk::DepartmentNode& department : *departments) {
    dept_ids.push_back(department.dept_id);
    parent_of[department.dept_id] = department.parent_id;
  }

  std::map<int64_t, std::vector<std::string>> leaders;
  std::map<std::string, dingtalk::UserProfile> users;
  for (int64_t dept_id : dept_ids) {
    Result<std::vector<dingtalk::UserProfile>> members = client_.ListDepartmentUsers(dept_id);
    if (!members.ok()) {
      return members.error();
    }
    for (dingtalk::UserProfile& member : *members) {
      if (member.leader) {
        leaders[dept_id].push_back(member.userid);
      }
      users.emplace(member.userid, std::move(member));
    }
  }

  RosterReport report;
  std::vector<Person> people;
  for (auto& [userid, user] : users) {
    Result<dingtalk::UserProfile> detail = client_.GetUser(userid);
    if (!detail.ok()) {
      return detail.error();
    }
    Person person{userid, user.name, user.title, detail->dept_ids, detail->manager_userid,
                  user.active};
    if (person.dept_ids.empty()) {
      person.dept_ids = user.dept_ids;
    }
    // Fall back to department leaders, walking up from the first department.
    for (int64_t dept = person.dept_ids.empty() ? 0 : person.dept_ids.front();
         person.manager_id.empty() && dept != 0;
         dept = parent_of.count(dept) > 0 ? parent_of[dept] : 0) {
      for (const std::string& leader : leaders[dept]) {
        if (leader != userid) {
          person.manager_id = leader;
          break;
        }
      }
    }
    if (person.manager_id.empty()) {
      report.without_manager += 1;
    }
    people.push_back(std::move(person));
  }

  std::vector<Department> stored_departments;
  for (const dingtalk::DepartmentNode& department : *departments) {
    stored_departments.push_back(Department{department.dept_id, department.name,
                                            department.parent_id, leaders[department.dept_id]});
  }
  Status replaced = store_.ReplaceRoster(people, stored_departments);
  if (!replaced.ok()) {
    return replaced.error();
  }
  report.people = people.size();
  report.departments = stored_departments.size();
  ServiceLogger()->info("roster: {} people, {} departments, {} without a manager",
                        report.people, report.departments, report.without_manager);
  return report;
}

}  // namespace logbridge::connector
