// A deterministic generator of a realistic organization for the sandbox and the demo: people
// in sales, R&D, admin and product departments with managers, role templates, and months of
// workday logs in varied Chinese, with known anomalies recorded in Organization::truth.
// Pure function of its options; thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "base/result.h"
#include "dingtalk/sandbox/calendar.h"
#include "dingtalk/sandbox/org.h"

namespace logbridge::dingtalk {

struct OrgGeneratorOptions {
  uint64_t seed = 1;
  int32_t people = 60;  // everyone, managers included; at least 10
  int32_t months = 3;   // calendar months of logs from `start`; 1..12
  CivilDate start{2026, 9, 1};
};

// Generates the organization. The same options always give the same JSON. Workdays skip
// weekends and the holidays IsChinaWorkday knows. Every staff member writes the 日报 of their
// department's template on workdays (unless the generator skips the day for them), and
// everyone writes a 周报 on the last workday of each week.
//
// Anomalies injected, each listed once in `truth` with its kind from kAnomalyKinds: empty and
// boilerplate logs, missing fields, unit slips, inflated amounts (over twice the customer's
// largest earlier order), copy-paste of an earlier day, one order claimed by two people, logs
// created after 20:00, logs edited after the next morning's deadline, and skipped days.
//
// Fails with kInvalidArgument when `people` or `months` is out of range.
Result<Organization> GenerateOrganization(const OrgGeneratorOptions& options);

}  // namespace logbridge::dingtalk
