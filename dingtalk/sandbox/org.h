// An organization as the sandbox serves it: departments, users, log templates, work logs, and
// the ground truth of anomalies a generator injected into those logs. Plain values with JSON
// load and save; no locking, so callers share one only read-only or under their own lock.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "base/time.h"

namespace logbridge::dingtalk {

// The root department id DingTalk uses for the whole organization.
inline constexpr int64_t kRootDepartmentId = 1;

struct Department {
  int64_t dept_id = 0;
  int64_t parent_id = 0;  // 0 only for the root department
  std::string name;
  std::vector<std::string> manager_userids;
};

struct User {
  std::string userid;
  std::string unionid;
  std::string name;
  std::string title;
  std::string job_number;
  std::vector<int64_t> dept_ids;
  std::string manager_userid;  // empty when no direct manager is set
  bool leader = false;         // leads its first department
  bool active = true;
  EpochMs hired_date;
};

// A field of a log template, as `template/getbyname` returns it.
struct TemplateField {
  std::string field_name;
  int32_t sort = 0;
  int32_t type = 1;  // 1 is text, the only type the platform documents
};

struct Template {
  std::string id;  // the platform calls this `report_code`
  std::string name;
  std::string icon_url;
  std::string url;
  std::vector<TemplateField> fields;
  std::vector<int64_t> dept_ids;  // departments whose members see it; empty means everyone
};

// One filled field of a log; `sort` and `type` follow the template field.
struct ReportField {
  std::string key;
  int32_t sort = 0;
  int32_t type = 1;
  std::string value;
};

struct ReportComment {
  std::string userid;
  std::string content;
  EpochMs create_time;
};

struct Report {
  std::string report_id;
  std::string template_name;
  std::string creator_id;
  std::string creator_name;
  std::string dept_name;
  EpochMs create_time;
  EpochMs modified_time;
  std::string remark;
  std::vector<ReportField> contents;
  std::vector<std::string> receiver_userids;
  std::vector<ReportComment> comments;
};

// One anomaly the generator injected on purpose, so tests can check that validation finds it.
// `kind` is one of the strings in kAnomalyKinds.
struct Anomaly {
  std::string kind;
  std::string userid;
  std::string report_id;  // empty for anomalies without a log, such as a skipped day
  std::string date;       // business date in Asia/Shanghai, "YYYY-MM-DD"
  std::string detail;
};

inline constexpr std::string_view kAnomalyKinds[] = {
    "empty",      "boilerplate",     "missing_field", "unit_slip", "inflated_amount",
    "copy_paste", "duplicate_order", "late",          "edited",    "skipped_day",
};

struct Organization {
  std::string corp_id = "dingsandboxcorp";
  std::vector<Department> departments;
  std::vector<User> users;
  std::vector<Template> templates;
  std::vector<Report> reports;
  std::vector<Anomaly> truth;
};

// Parses an organization from its JSON text. Fails with kInvalidArgument naming the first
// missing or mistyped field; on failure nothing is returned.
Result<Organization> ParseOrganization(std::string_view json_text);

// Reads and parses an organization file. Fails with kNotFound when the file cannot be opened.
Result<Organization> LoadOrganization(const std::string& path);

// Serializes to JSON with the keys ParseOrganization reads, pretty-printed with two spaces.
std::string SerializeOrganization(const Organization& organization);

// Writes SerializeOrganization's text to `path`, replacing the file.
Status SaveOrganization(const Organization& organization, const std::string& path);

}  // namespace logbridge::dingtalk
