// Organization generator and organization files: determinism, structure, injected anomalies
// matching the logs, the workday calendar, and JSON round trips.

#include <algorithm>
#include <map>
#include <set>

#include <catch2/catch.hpp>

#include "dingtalk/sandbox/calendar.h"
#include "dingtalk/sandbox/org.h"
#include "dingtalk/sandbox/org_generator.h"
#include "dingtalk/sandbox/sandbox.h"

namespace logbridge::dingtalk {
namespace {

const Organization& DefaultGenerated() {
  static const Organization kOrganization = [] {
    OrgGeneratorOptions options;
    options.seed = 7;
    Result<Organization> org = GenerateOrganization(options);
    REQUIRE(org.ok());
    return *org;
  }();
  return kOrganization;
}

const Report* FindReport(const Organization& org, const std::string& report_id) {
  for (const Report& report : org.reports) {
    if (report.report_id == report_id) {
      return &report;
    }
  }
  return nullptr;
}

std::string FieldValue(const Report& report, const std::string& key) {
  for (const ReportField& field : report.contents) {
    if (field.key == key) {
      return field.value;
    }
  }
  return "<absent>";
}

TEST_CASE("shanghai local times and dates", "[sandbox]") {
  int64_t day = DaysFromCivil({2026, 9, 1});
  CHECK(FormatDate(CivilFromDays(day)) == "2026-09-01");
  CHECK(FormatDate(CivilFromDays(DaysFromCivil({2024, 2, 29}) + 1)) == "2024-03-01");
  CHECK(ShanghaiDay(ShanghaiTime(day, 23, 59, 59)) == day);
  CHECK(ShanghaiDay(ShanghaiTime(day, 0, 0)) == day);
  // 2026-09-01 08:00 Shanghai is midnight UTC.
  CHECK(ShanghaiTime(day, 8, 0).value == day * kMsPerDay);
}

TEST_CASE("national day holiday calendar", "[sandbox]") {
  CHECK_FALSE(IsChinaWorkday(DaysFromCivil({2026, 10, 1})));
  CHECK_FALSE(IsChinaWorkday(DaysFromCivil({2026, 10, 7})));
  CHECK(IsChinaWorkday(DaysFromCivil({2026, 10, 8})));
  CHECK(IsChinaWorkday(DaysFromCivil({2026, 10, 10})));  // make-up Saturday
  CHECK_FALSE(IsChinaWorkday(DaysFromCivil({2026, 10, 11})));
  CHECK(IsChinaWorkday(DaysFromCivil({2026, 9, 30})));
}

TEST_CASE("generator is deterministic", "[sandbox]") {
  OrgGeneratorOptions options;
  options.seed = 42;
  options.people = 20;
  options.months = 1;
  Result<Organization> first = GenerateOrganization(options);
  Result<Organization> second = GenerateOrganization(options);
  REQUIRE(first.ok());
  REQUIRE(second.ok());
  CHECK(SerializeOrganization(*first) == SerializeOrganization(*second));

  options.seed = 43;
  Result<Organization> other = GenerateOrganization(options);
  REQUIRE(other.ok());
  CHECK(SerializeOrganization(*first) != SerializeOrganization(*other));
}

TEST_CASE("generator rejects bad sizes", "[sandbox]") {
  OrgGeneratorOptions options;
  options.people = 3;
  Result<Organization> small = GenerateOrganization(options);
  REQUIRE_FALSE(small.ok());
  CHECK(small.error().code == ErrorCode::kInvalidArgument);
  CHECK(small.error().message.find("people 3") != std::string::npos);
  options.people = 60;
  options.months = 0;
  CHECK_FALSE(GenerateOrganization(options).ok());
}

TEST_CASE("generated organization structure", "[sandbox]") {
  const Organization& org = DefaultGenerated();
  CHECK(org.users.size() == 60);
  REQUIRE(org.departments.size() == 5);
  std::set<std::string> names;
  for (const Department& department : org.departments) {
    names.insert(department.name);
    CHECK(department.manager_userids.size() == 1);
  }
  CHECK(names.count("销售部") == 1);
  CHECK(names.count("研发部") == 1);
  CHECK(names.count("行政部") == 1);
  CHECK(names.count("产品部") == 1);

  std::set<std::string> userids;
  for (const User& user : org.users) {
    userids.insert(user.userid);
  }
  int without_manager = 0;
  for (const User& user : org.users) {
    if (user.manager_userid.empty()) {
      ++without_manager;
    } else {
      CHECK(userids.count(user.manager_userid) == 1);
    }
  }
  CHECK(without_manager == 1);  // only the general manager

  std::map<std::string, std::vector<std::string>> fields;
  for (const Template& report_template : org.templates) {
    for (const TemplateField& field : report_template.fields) {
      fields[report_template.name].push_back(field.field_name);
    }
  }
  auto has = [&fields](const std::string& name, const std::string& key) {
    const auto& list = fields[name];
    return std::find(list.begin(), list.end(), key) != list.end();
  };
  CHECK(has("销售日报", "签约金额"));
  CHECK(has("销售日报", "客户满意度"));
  CHECK(has("研发日报", "bug解决数量"));
  CHECK(has("研发日报", "代码提交量"));
  CHECK(has("行政日报", "服务对象"));
  CHECK(has("产品日报", "原型设计进度"));
  CHECK(fields.count("周报") == 1);
}

TEST_CASE("generated logs fall on workdays", "[sandbox]") {
  const Organization& org = DefaultGenerated();
  CHECK(org.reports.size() > 3000);
  int64_t first = DaysFromCivil({2026, 9, 1});
  int64_t end = DaysFromCivil({2026, 12, 1});
  for (const Report& report : org.reports) {
    int64_t day = ShanghaiDay(report.create_time);
    CHECK(IsChinaWorkday(day));
    CHECK(day >= first);
    CHECK(day < end);
    CHECK(report.modified_time >= report.create_time);
  }
  bool any_on_make_up_day =
      std::any_of(org.reports.begin(), org.reports.end(), [](const Report& r) {
        return ShanghaiDay(r.create_time) == DaysFromCivil({2026, 10, 10});
      });
  CHECK(any_on_make_up_day);
}

TEST_CASE("generated text varies", "[sandbox]") {
  const Organization& org = DefaultGenerated();
  std::set<std::string> work_texts;
  std::set<std::string> amount_forms;
  size_t sales_logs = 0;
  for (const Report& report : org.reports) {
    if (report.template_name != "销售日报") {
      continue;
    }
    ++sales_logs;
    work_texts.insert(FieldValue(report, "今日工作"));
    std::string amount = FieldValue(report, "签约金额");
    if (amount.find("万") != std::string::npos) {
      amount_forms.insert("万");
    } else if (amount.find('w') != std::string::npos) {
      amount_forms.insert("w");
    } else if (amount.find('k') != std::string::npos) {
      amount_forms.insert("k");
    } else if (amount.find("元") != std::string::npos) {
      amount_forms.insert("元");
    }
  }
  REQUIRE(sales_logs > 500);
  CHECK(work_texts.size() > sales_logs * 9 / 10);
  CHECK(amount_forms.size() == 4);
}

TEST_CASE("every anomaly kind is injected", "[sandbox]") {
  const Organization& org = DefaultGenerated();
  std::map<std::string, int> counts;
  for (const Anomaly& anomaly : org.truth) {
    counts[anomaly.kind] += 1;
  }
  for (std::string_view kind : kAnomalyKinds) {
    INFO(kind);
    CHECK(counts[std::string(kind)] >= 2);
  }
}

TEST_CASE("anomalies match their logs", "[sandbox]") {
  const Organization& org = DefaultGenerated();
  std::map<std::string, std::vector<const Anomaly*>> duplicate_orders;
  for (const Anomaly& anomaly : org.truth) {
    INFO(anomaly.kind << " " << anomaly.report_id << " " << anomaly.detail);
    if (anomaly.kind == "skipped_day") {
      CHECK(anomaly.report_id.empty());
      Result<int64_t> day = scoring::ParseDay(anomaly.date);
      REQUIRE(day.ok());
      bool wrote = std::any_of(org.reports.begin(), org.reports.end(), [&](const Report& r) {
        return r.creator_id == anomaly.userid && r.template_name != "周报" &&
               ShanghaiDay(r.create_time) == *day;
      });
      CHECK_FALSE(wrote);
      continue;
    }
    const Report* report = FindReport(org, anomaly.report_id);
    REQUIRE(report != nullptr);
    CHECK(report->creator_id == anomaly.userid);
    if (anomaly.kind == "late") {
      CHECK(report->create_time >= ShanghaiTime(ShanghaiDay(report->create_time), 20, 0));
    } else if (anomaly.kind == "edited") {
      CHECK(ShanghaiDay(report->modified_time) > ShanghaiDay(report->create_time));
    } else if (anomaly.kind == "empty") {
      for (const ReportField& field : report->contents) {
        CHECK(field.value.find_first_not_of(' ') == std::string::npos);
      }
    } else if (anomaly.kind == "missing_field") {
      const Template* report_template = nullptr;
      for (const Template& t : org.templates) {
        if (t.name == report->template_name) {
          report_template = &t;
        }
      }
      REQUIRE(report_template != nullptr);
      CHECK(report->contents.size() + 1 == report_template->fields.size());
    } else if (anomaly.kind == "unit_slip") {
      std::string amount = FieldValue(*report, "签约金额");
      CHECK(amount.find_first_not_of("0123456789") == std::string::npos);
      CHECK(anomaly.detail.find("written " + amount) != std::string::npos);
    } else if (anomaly.kind == "duplicate_order") {
      duplicate_orders[anomaly.detail].push_back(&anomaly);
    }
  }
  REQUIRE_FALSE(duplicate_orders.empty());
  for (const auto& [detail, claims] : duplicate_orders) {
    INFO(detail);
    REQUIRE(claims.size() == 2);
    CHECK(claims[0]->userid != claims[1]->userid);
  }
}

TEST_CASE("copy paste repeats a previous log", "[sandbox]") {
  const Organization& org = DefaultGenerated();
  int checked = 0;
  for (const Anomaly& anomaly : org.truth) {
    if (anomaly.kind != "copy_paste") {
      continue;
    }
    const Report* copy = FindReport(org, anomaly.report_id);
    REQUIRE(copy != nullptr);
    bool found_original = false;
    for (const Report& earlier : org.reports) {
      if (earlier.creator_id == copy->creator_id && earlier.create_time < copy->create_time &&
          earlier.template_name == copy->template_name &&
          earlier.contents.size() == copy->contents.size() &&
          std::equal(
              earlier.contents.begin(), earlier.contents.end(), copy->contents.begin(),
              [](const ReportField& a, const ReportField& b) { return a.value == b.value; })) {
        found_original = true;
      }
    }
    CHECK(found_original);
    ++checked;
  }
  CHECK(checked >= 2);
}

TEST_CASE("organization json round trip", "[sandbox]") {
  OrgGeneratorOptions options;
  options.people = 12;
  options.months = 1;
  Result<Organization> org = GenerateOrganization(options);
  REQUIRE(org.ok());
  std::string text = SerializeOrganization(*org);
  Result<Organization> parsed = ParseOrganization(text);
  REQUIRE(parsed.ok());
  CHECK(SerializeOrganization(*parsed) == text);
}

TEST_CASE("organization parse errors name the field", "[sandbox]") {
  Result<Organization> bad = ParseOrganization(R"({"users":[{"userid":"a","name":"甲"},
                                                           {"userid":"b"}]})");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message.find("users[1].name") != std::string::npos);
  CHECK_FALSE(ParseOrganization("{not json").ok());
  Result<Organization> missing = LoadOrganization("/nonexistent/org.json");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == ErrorCode::kNotFound);
}

TEST_CASE("sandbox serves a generated organization", "[sandbox]") {
  SandboxOptions options;
  options.organization = DefaultGenerated();
  Result<std::unique_ptr<Sandbox>> sandbox = Sandbox::Start(std::move(options));
  REQUIRE(sandbox.ok());
  CHECK((*sandbox)->report_count() == DefaultGenerated().reports.size());
}

}  // namespace
}  // namespace logbridge::dingtalk
