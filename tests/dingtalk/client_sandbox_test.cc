// Tests of the DingTalk client against the in-process sandbox over loopback HTTP: paging, token
// expiry, throttling, injected faults, quota, permission errors, contacts and every message
// kind. Client and sandbox share a ManualClock that the client's sleeps advance, so backoff and
// rate limits cost no real time.

#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "dingtalk/client.h"
#include "dingtalk/sandbox/sandbox.h"

namespace logbridge::dingtalk {
namespace {

constexpr int64_t kStartMs = 1749945600000;  // 2025-06-15T00:00:00Z
constexpr int64_t kDayMs = 24LL * 3600 * 1000;
constexpr char kReportList[] = "/topapi/report/list";

// A small organization: root, two departments and a team under sales, `user_count` users in
// sales with u0 as everyone's manager, the daily template, and one log with receivers and
// comments.
Organization MakeOrganization(int user_count) {
  Organization org;
  org.departments = {{1, 0, "示例公司", {}},
                     {2, 1, "销售部", {"u0"}},
                     {3, 1, "研发部", {}},
                     {4, 2, "华东销售组", {}}};
  for (int i = 0; i < user_count; ++i) {
    User user;
    user.userid = "u" + std::to_string(i);
    user.unionid = "union" + std::to_string(i);
    user.name = "员工" + std::to_string(i);
    user.title = "销售";
    user.dept_ids = {2};
    user.manager_userid = i == 0 ? "" : "u0";
    user.leader = i == 0;
    org.users.push_back(user);
  }
  Template daily;
  daily.id = "tpl-daily";
  daily.name = "日报";
  daily.fields = {{"今日完成工作", 0, 1}, {"明日计划", 1, 1}};
  org.templates.push_back(daily);

  Report report;
  report.report_id = "r-seeded";
  report.template_name = "日报";
  report.creator_id = "u1";
  report.creator_name = "员工1";
  report.dept_name = "销售部";
  report.create_time = EpochMs(kStartMs + kDayMs);  // after every listed window
  report.modified_time = report.create_time;
  report.contents = {{"今日完成工作", 0, 1, "拜访客户3家"}, {"明日计划", 1, 1, "整理报价"}};
  report.receiver_userids = {"u0", "u2"};
  report.comments = {{"u0", "不错，继续跟进", EpochMs(kStartMs + kDayMs + 3600000)}};
  org.reports.push_back(report);
  return org;
}

// A sandbox and a client wired to it, sharing one ManualClock.
struct Harness {
  ManualClock clock{EpochMs(kStartMs)};
  std::unique_ptr<Sandbox> sandbox;
  std::unique_ptr<Client> client;
  std::vector<int64_t> sleeps_ms;
  std::mutex sleeps_mutex;
};

SandboxOptions BulkSandbox(int64_t logs, int32_t days) {
  SandboxOptions options;
  options.organization = MakeOrganization(3);
  options.bulk.count = logs;
  options.bulk.days = days;
  options.bulk.end = EpochMs(kStartMs);
  return options;
}

std::unique_ptr<Harness> StartHarness(SandboxOptions sandbox_options,
                                      const std::function<void(ClientOptions&)>& adjust = {}) {
  auto harness = std::make_unique<Harness>();
  sandbox_options.clock = &harness->clock;
  auto sandbox = Sandbox::Start(std::move(sandbox_options));
  REQUIRE(sandbox.ok());
  harness->sandbox = std::move(sandbox).value();

  SandboxApp app = DefaultSandboxApp();
  ClientOptions options;
  options.oapi_base_url = harness->sandbox->base_url();
  options.api_base_url = harness->sandbox->base_url();
  options.app_key = app.app_key;
  options.app_secret = app.app_secret;
  options.agent_id = app.agent_id;
  options.robot_code = app.robot_code;
  options.clock = &harness->clock;
  options.read_timeout = std::chrono::milliseconds(2000);
  Harness* raw = harness.get();
  options.retry.sleep = [raw](std::chrono::milliseconds delay) {
    {
      std::lock_guard<std::mutex> lock(raw->sleeps_mutex);
      raw->sleeps_ms.push_back(delay.count());
    }
    raw->clock.Advance(delay);
  };
  options.retry.random = [] { return 0.5; };
  if (adjust) {
    adjust(options);
  }
  auto client = Client::Create(std::move(options));
  REQUIRE(client.ok());
  harness->client = std::move(client).value();
  return harness;
}

struct Listing {
  Status status;
  std::vector<ReportRecord> records;
  std::vector<ReportCheckpoint> checkpoints;
  std::set<std::string> unique_ids() const {
    std::set<std::string> ids;
    for (const ReportRecord& record : records) {
      ids.insert(record.report_id);
    }
    return ids;
  }
};

Listing ListAll(Client& client, ReportQuery query,
                const std::function<void(const ReportPage&)>& also = {}) {
  Listing listing;
  listing.status = client.ListReports(query, [&](const ReportPage& page) {
    listing.records.insert(listing.records.end(), page.records.begin(), page.records.end());
    listing.checkpoints.push_back(page.checkpoint);
    if (also) {
      also(page);
    }
    return OkStatus();
  });
  return listing;
}

ReportQuery LastDays(int days) {
  ReportQuery query;
  query.start_time = EpochMs(kStartMs - days * kDayMs);
  query.end_time = EpochMs(kStartMs);
  return query;
}

// ---- Reports ----

TEST_CASE("ListReports pages every log once", "[client]") {
  auto harness = StartHarness(BulkSandbox(95, 30));
  Listing listing = ListAll(*harness->client, LastDays(30));
  REQUIRE(listing.status.ok());
  CHECK(listing.records.size() == 95);
  CHECK(listing.unique_ids().size() == 95);
  CHECK(listing.checkpoints.size() == 5);
  CHECK(harness->sandbox->CallCount(kReportList) == 5);
  CHECK(harness->client->MonthlyCalls(kReportList) == 5);
  CHECK(listing.checkpoints.back().window_complete);
  CHECK_FALSE(listing.checkpoints.front().window_complete);

  const ReportRecord& first = listing.records.front();
  CHECK(first.create_time.value > 0);
  nlohmann::json parsed = nlohmann::json::parse(first.json);
  CHECK(parsed["report_id"] == first.report_id);
  CHECK(parsed["contents"].is_array());
}

TEST_CASE("ListReports splits long windows", "[client]") {
  // 60 logs over 400 days need three windows of at most 179 days. The sandbox rejects any
  // request spanning more than 180 days, so success shows every window was small enough.
  auto harness = StartHarness(BulkSandbox(60, 400));
  Listing listing = ListAll(*harness->client, LastDays(400));
  REQUIRE(listing.status.ok());
  CHECK(listing.unique_ids().size() == 60);
  std::set<std::pair<int64_t, int64_t>> windows;
  for (const ReportCheckpoint& checkpoint : listing.checkpoints) {
    CHECK(checkpoint.window_end - checkpoint.window_start <= kMaxReportWindow);
    windows.insert({checkpoint.window_start.value, checkpoint.window_end.value});
  }
  CHECK(windows.size() == 3);
}

TEST_CASE("ListReports resumes from a checkpoint", "[client]") {
  auto harness = StartHarness(BulkSandbox(70, 20));
  std::vector<ReportRecord> first_part;
  ReportCheckpoint stop_at;
  Status stopped = harness->client->ListReports(LastDays(20), [&](const ReportPage& page) {
    first_part.insert(first_part.end(), page.records.begin(), page.records.end());
    stop_at = page.checkpoint;
    return MakeError(ErrorCode::kUnavailable, "store went away");  // stop after one page
  });
  CHECK(stopped.error().message == "store went away");
  CHECK(first_part.size() == 20);

  ReportQuery resumed = LastDays(20);
  resumed.resume = stop_at;
  Listing rest = ListAll(*harness->client, resumed);
  REQUIRE(rest.status.ok());
  std::set<std::string> ids = rest.unique_ids();
  for (const ReportRecord& record : first_part) {
    CHECK(ids.insert(record.report_id).second);  // no log is read twice
  }
  CHECK(ids.size() == 70);
}

TEST_CASE("ListReports filters by modified time", "[client]") {
  auto harness = StartHarness(BulkSandbox(0, 1));
  Result<std::string> edited = harness->sandbox->WriteReport(
      "u2", "日报", {{"今日完成工作", "初稿"}}, EpochMs(kStartMs - 5 * kDayMs));
  REQUIRE(edited.ok());
  REQUIRE(
      harness->sandbox->EditReport(*edited, {{"今日完成工作", "修改后"}}, EpochMs(kStartMs - 1000))
          .ok());

  ReportQuery query = LastDays(30);
  query.modified_start_time = EpochMs(kStartMs - kDayMs);
  query.modified_end_time = EpochMs(kStartMs);
  Listing listing = ListAll(*harness->client, query);
  REQUIRE(listing.status.ok());
  REQUIRE(listing.records.size() == 1);
  CHECK(listing.records[0].report_id == *edited);
  CHECK(listing.records[0].modified_time.value == kStartMs - 1000);

  query.modified_end_time.reset();
  CHECK(harness->client->ListReports(query, [](const ReportPage&) { return OkStatus(); })
            .error()
            .code == ErrorCode::kInvalidArgument);
}

TEST_CASE("Stuck cursor aborts the window", "[client]") {
  auto harness = StartHarness(BulkSandbox(70, 20));
  Listing listing = ListAll(*harness->client, LastDays(20), [&](const ReportPage&) {
    harness->sandbox->AddFault(Fault{FaultKind::kStuckCursor, kReportList, 1});
  });
  REQUIRE_FALSE(listing.status.ok());
  CHECK(listing.status.error().code == ErrorCode::kDataLoss);
  CHECK_THAT(listing.status.error().message, Catch::Contains("does not advance"));
  CHECK(listing.records.size() == 20);  // the first page was delivered, the stuck one was not

  ReportQuery resumed = LastDays(20);
  resumed.resume = listing.checkpoints.back();
  Listing rest = ListAll(*harness->client, resumed);
  REQUIRE(rest.status.ok());
  CHECK(rest.records.size() == 50);
}

TEST_CASE("Report templates receivers and comments", "[client]") {
  auto harness = StartHarness(BulkSandbox(0, 1));
  auto templates = harness->client->ListReportTemplates("");
  REQUIRE(templates.ok());
  REQUIRE(templates->size() == 1);
  CHECK((*templates)[0].name == "日报");
  CHECK((*templates)[0].report_code == "tpl-daily");

  auto detail = harness->client->GetReportTemplate("u1", "日报");
  REQUIRE(detail.ok());
  REQUIRE(detail->fields.size() == 2);
  CHECK(detail->fields[1].field_name == "明日计划");
  CHECK(detail->fields[1].sort == 1);

  auto receivers = harness->client->ListReportReceivers("r-seeded");
  REQUIRE(receivers.ok());
  CHECK(*receivers == std::vector<std::string>{"u0", "u2"});

  auto comments = harness->client->ListReportComments("r-seeded");
  REQUIRE(comments.ok());
  REQUIRE(comments->size() == 1);
  CHECK((*comments)[0].content == "不错，继续跟进");
  CHECK((*comments)[0].userid == "u0");
}

// ---- Tokens ----

TEST_CASE("Token expiring mid-sync is refetched", "[client]") {
  auto harness = StartHarness(BulkSandbox(100, 10));
  int pages = 0;
  Listing listing = ListAll(*harness->client, LastDays(10), [&](const ReportPage&) {
    if (++pages == 2) {
      harness->sandbox->ExpireTokens();  // the platform drops the token the client has cached
    }
  });
  REQUIRE(listing.status.ok());
  CHECK(listing.unique_ids().size() == 100);
  CHECK(harness->client->TokenFetches() == 2);
  CHECK(harness->sandbox->CallCount("/gettoken") == 2);
  CHECK(harness->sandbox->CallCount(kReportList) == 6);  // 5 pages and one rejected call
}

TEST_CASE("Token refreshed before expiry", "[client]") {
  SandboxOptions options = BulkSandbox(100, 10);
  options.token_lifetime = std::chrono::seconds(600);
  auto harness = StartHarness(options);  // default margin: 5 minutes
  int pages = 0;
  Listing listing = ListAll(*harness->client, LastDays(10), [&](const ReportPage&) {
    if (++pages == 2) {
      harness->clock.Advance(std::chrono::seconds(400));  // inside the margin, not expired
    }
  });
  REQUIRE(listing.status.ok());
  CHECK(harness->client->TokenFetches() == 2);
  CHECK(harness->sandbox->CallCount(kReportList) == 5);  // no call was rejected
}

TEST_CASE("Revoked token is retried once", "[client]") {
  auto harness = StartHarness(BulkSandbox(0, 1));
  REQUIRE(harness->client->GetUser("u1").ok());
  harness->sandbox->ExpireTokens();
  auto user = harness->client->GetUser("u1");
  REQUIRE(user.ok());
  CHECK(harness->client->TokenFetches() == 2);
  CHECK(harness->sandbox->CallCount("/topapi/v2/user/get") == 3);
}

TEST_CASE("Concurrent callers share one fetch", "[client]") {
  auto harness = StartHarness(BulkSandbox(0, 1));
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      if (!harness->client->GetUser("u1").ok()) {
        ++failures;
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  CHECK(failures == 0);
  CHECK(harness->client->TokenFetches() == 1);
  CHECK(harness->sandbox->CallCount("/gettoken") == 1);
}

TEST_CASE("Wrong app secret is rejected", "[client]") {
  auto harness = StartHarness(BulkSandbox(0, 1),
                              [](ClientOptions& client) { client.app_secret = "not-the-secret"; });
  auto user = harness->client->GetUser("u1");
  REQUIRE_FALSE(user.ok());
  CHECK(user.error().code == ErrorCode::kUnauthenticated);
  CHECK_THAT(user.error().message, Catch::Contains("app_secret"));
  CHECK_THAT(user.error().message, !Catch::Contains("not-the-secret"));
}

// ---- Throttling, faults, quota ----

TEST_CASE("Throttled calls back off and recover", "[client]") {
  SandboxOptions options = BulkSandbox(200, 10);
  options.qps_limit = 4;
  // The client's own bucket is off, so the sandbox's limit is what slows it down.
  auto harness =
      StartHarness(options, [](ClientOptions& client) { client.throttle.calls_per_second = 0; });
  Listing listing = ListAll(*harness->client, LastDays(10));
  REQUIRE(listing.status.ok());
  CHECK(listing.unique_ids().size() == 200);
  int64_t calls = harness->sandbox->CallCount(kReportList);
  CHECK(calls > 10);  // some calls got errcode 90018 and were sent again
  CHECK_FALSE(harness->sleeps_ms.empty());
}

TEST_CASE("Client bucket stays under the limit", "[client]") {
  SandboxOptions options = BulkSandbox(200, 10);
  options.qps_limit = 4;
  auto harness =
      StartHarness(options, [](ClientOptions& client) { client.throttle.calls_per_second = 4; });
  EpochMs started = harness->clock.Now();
  Listing listing = ListAll(*harness->client, LastDays(10));
  REQUIRE(listing.status.ok());
  CHECK(harness->sandbox->CallCount(kReportList) == 10);                     // none rejected
  CHECK(harness->clock.Now() - started >= std::chrono::milliseconds(2250));  // 9 gaps of 250 ms
}

TEST_CASE("Each injected fault is retried", "[client]") {
  struct Case {
    const char* name;
    Fault fault;
  };
  std::vector<Case> cases = {
      {"server error", Fault{FaultKind::kServerError, kReportList, 2}},
      {"malformed json", Fault{FaultKind::kMalformedJson, kReportList, 2}},
      {"dropped connection", Fault{FaultKind::kDropConnection, kReportList, 2}},
      {"punish body", Fault{FaultKind::kPunish, kReportList, 2}},
      {"busy errcode", Fault{FaultKind::kErrorCode, kReportList, 2, 1.0, 200, {}, -1}},
      {"global qps errcode", Fault{FaultKind::kErrorCode, kReportList, 2, 1.0, 200, {}, 90002}},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    SandboxOptions options = BulkSandbox(30, 5);
    options.faults = {c.fault};
    auto harness = StartHarness(options);
    Listing listing = ListAll(*harness->client, LastDays(5));
    REQUIRE(listing.status.ok());
    CHECK(listing.unique_ids().size() == 30);
    CHECK(harness->sandbox->CallCount(kReportList) == 4);  // 2 pages and 2 faults
    CHECK(harness->sleeps_ms.size() >= 2);
  }
}

TEST_CASE("Slow response times out and retries", "[client]") {
  SandboxOptions options = BulkSandbox(10, 5);
  options.faults = {
      Fault{FaultKind::kSlowResponse, kReportList, 1, 1.0, 200, std::chrono::milliseconds(1500)}};
  auto harness = StartHarness(
      options, [](ClientOptions& client) { client.read_timeout = std::chrono::milliseconds(300); });
  Listing listing = ListAll(*harness->client, LastDays(5));
  REQUIRE(listing.status.ok());
  CHECK(listing.records.size() == 10);
  CHECK(harness->sandbox->CallCount(kReportList) == 2);
}

TEST_CASE("Persistent fault gives up", "[client]") {
  SandboxOptions options = BulkSandbox(10, 5);
  options.faults = {Fault{FaultKind::kServerError, kReportList, -1, 1.0, 503}};
  auto harness = StartHarness(options);
  Listing listing = ListAll(*harness->client, LastDays(5));
  REQUIRE_FALSE(listing.status.ok());
  CHECK(listing.status.error().code == ErrorCode::kUnavailable);
  CHECK_THAT(listing.status.error().message, Catch::Contains("gave up after 6 attempts"));
  CHECK(harness->sandbox->CallCount(kReportList) == 6);
  // Backoff doubles from 200 ms with the jitter factor fixed at 1.25: 250, 500, 1000, 2000, 4000.
  CHECK(harness->sleeps_ms == std::vector<int64_t>{250, 500, 1000, 2000, 4000});
}

TEST_CASE("Monthly quota stops metered calls", "[client]") {
  SandboxOptions options = BulkSandbox(100, 10);
  options.monthly_quota = 3;
  auto harness = StartHarness(options);
  Listing listing = ListAll(*harness->client, LastDays(10));
  REQUIRE_FALSE(listing.status.ok());
  CHECK(listing.status.error().code == ErrorCode::kResourceExhausted);
  CHECK_THAT(listing.status.error().message, Catch::Contains("monthly API call quota"));
  CHECK(listing.records.size() == 60);
  CHECK(harness->sandbox->CallCount(kReportList) == 4);  // not retried

  // Later metered calls this month fail without a request; contacts are exempt.
  auto templates = harness->client->ListReportTemplates("");
  CHECK(templates.error().code == ErrorCode::kResourceExhausted);
  CHECK(harness->sandbox->CallCount("/topapi/report/template/listbyuserid") == 0);
  CHECK(harness->client->ListDepartments().ok());
  CHECK(harness->client->MonthlyCalls("/topapi/v2/department/listsub") == 0);
}

TEST_CASE("Permission error names the grant", "[client]") {
  SandboxOptions options = BulkSandbox(10, 5);
  options.faults = {
      Fault{FaultKind::kPermissionDenied, kReportList, -1, 1.0, 403, {}, 88, "60011"}};
  auto harness = StartHarness(options);
  Listing listing = ListAll(*harness->client, LastDays(5));
  REQUIRE_FALSE(listing.status.ok());
  CHECK(listing.status.error().code == ErrorCode::kPermissionDenied);
  CHECK_THAT(listing.status.error().message, Catch::Contains("qyapi_report_query"));
  CHECK(harness->sandbox->CallCount(kReportList) == 1);
}

// ---- Contacts ----

TEST_CASE("Department tree is walked", "[client]") {
  auto harness = StartHarness(BulkSandbox(0, 1));
  auto departments = harness->client->ListDepartments();
  REQUIRE(departments.ok());
  std::set<int64_t> ids;
  for (const DepartmentNode& department : *departments) {
    ids.insert(department.dept_id);
    if (department.dept_id == 4) {
      CHECK(department.parent_id == 2);
      CHECK(department.name == "华东销售组");
    }
  }
  CHECK(ids == std::set<int64_t>{2, 3, 4});
  CHECK(harness->client->MonthlyCallsTotal() == 0);
}

TEST_CASE("Department users page by hundred", "[client]") {
  SandboxOptions options;
  options.organization = MakeOrganization(250);
  auto harness = StartHarness(options);
  auto users = harness->client->ListDepartmentUsers(2);
  REQUIRE(users.ok());
  CHECK(users->size() == 250);
  CHECK(harness->sandbox->CallCount("/topapi/v2/user/list") == 3);

  auto user = harness->client->GetUser("u7");
  REQUIRE(user.ok());
  CHECK(user->manager_userid == "u0");
  CHECK(user->dept_ids == std::vector<int64_t>{2});
  auto boss = harness->client->GetUser("u0");
  REQUIRE(boss.ok());
  CHECK(boss->manager_userid.empty());
}

// ---- Messages ----

std::string ChineseLines(int lines) {
  std::string text;
  for (int i = 0; i < lines; ++i) {
    text += "第" + std::to_string(i) + "条：本周拜访客户五家，签约金额十二万元，请及时补充日志。\n";
  }
  return text;
}

TEST_CASE("Work notice splits long markdown", "[client]") {
  SandboxOptions options;
  options.organization = MakeOrganization(250);
  auto harness = StartHarness(options);
  WorkNoticeRecipients to;
  for (int i = 0; i < 250; ++i) {
    to.userids.push_back("u" + std::to_string(i));
  }
  std::string text = ChineseLines(60);  // about 5.5 KB, more than one 2048-byte message
  auto task_ids = harness->client->SendWorkNotice(to, MarkdownMessage{"日志提醒", text});
  REQUIRE(task_ids.ok());

  std::vector<RecordedMessage> messages = harness->sandbox->Messages();
  size_t parts = messages.size() / 3;  // 250 users go out in calls of 100, 100 and 50
  REQUIRE(parts >= 3);
  CHECK(messages.size() == parts * 3);
  CHECK(task_ids->size() == messages.size());
  std::string joined;
  for (size_t i = 0; i < messages.size(); ++i) {
    CHECK(messages[i].content_json.size() <= kMaxWorkNoticeBytes);
    if (i % 3 == 0) {
      joined +=
          nlohmann::json::parse(messages[i].content_json)["markdown"]["text"].get<std::string>();
      CHECK(messages[i].delivered_userids.size() == 100);
    }
  }
  CHECK(joined == text);
}

TEST_CASE("Work notice action card truncated", "[client]") {
  auto harness = StartHarness(BulkSandbox(0, 1));
  ActionCardMessage card;
  card.title = "请确认本周评分";
  card.markdown = ChineseLines(40);
  card.single_title = "查看详情";
  card.single_url = "https://example.invalid/score";
  auto sent = harness->client->SendWorkNotice(WorkNoticeRecipients{{"u1"}, {}, false}, card);
  REQUIRE(sent.ok());
  std::vector<RecordedMessage> messages = harness->sandbox->Messages();
  REQUIRE(messages.size() == 1);
  CHECK(messages[0].content_json.size() <= kMaxWorkNoticeBytes);
  std::string markdown = nlohmann::json::parse(messages[0].content_json)["action_card"]["markdown"];
  CHECK(card.markdown.compare(0, markdown.size() - 3, markdown, 0, markdown.size() - 3) == 0);
  CHECK(markdown.substr(markdown.size() - 3) == "…");
}

TEST_CASE("Work notice needs a recipient", "[client]") {
  auto harness = StartHarness(BulkSandbox(0, 1));
  auto sent =
      harness->client->SendWorkNotice(WorkNoticeRecipients{}, MarkdownMessage{"标题", "正文"});
  REQUIRE_FALSE(sent.ok());
  CHECK(sent.error().code == ErrorCode::kInvalidArgument);
  CHECK(harness->sandbox->Messages().empty());
}

TEST_CASE("Work notice OA and send result", "[client]") {
  auto harness = StartHarness(BulkSandbox(0, 1));
  OaMessage oa;
  oa.message_url = "https://example.invalid/approve";
  oa.head_text = "绩效";
  oa.title = "本周得分待确认";
  oa.form = {{"得分", "86"}, {"排名", "3"}};
  oa.content = "请在周五前确认。";
  auto sent =
      harness->client->SendWorkNotice(WorkNoticeRecipients{{"u1", "nobody"}, {}, false}, oa);
  REQUIRE(sent.ok());
  REQUIRE(sent->size() == 1);
  auto result = harness->client->GetSendResult((*sent)[0]);
  REQUIRE(result.ok());
  CHECK(result->invalid_userids == std::vector<std::string>{"nobody"});
}

TEST_CASE("Robot markdown goes twenty a call", "[client]") {
  SandboxOptions options;
  options.organization = MakeOrganization(45);
  auto harness = StartHarness(options);
  std::vector<std::string> userids;
  for (int i = 0; i < 45; ++i) {
    userids.push_back("u" + std::to_string(i));
  }
  auto sent =
      harness->client->SendRobotMarkdown(userids, MarkdownMessage{"提醒", "请提交今日日志"});
  REQUIRE(sent.ok());
  CHECK(sent->process_query_keys.size() == 3);
  std::vector<RecordedMessage> messages = harness->sandbox->Messages();
  REQUIRE(messages.size() == 3);
  CHECK(messages[0].msg_type == "sampleMarkdown");
  CHECK(messages[0].delivered_userids.size() == 20);
  CHECK(messages[2].delivered_userids.size() == 5);
}

TEST_CASE("Robot action card with buttons", "[client]") {
  auto harness = StartHarness(BulkSandbox(0, 1));
  ActionCardMessage card;
  card.title = "评分申诉";
  card.markdown = "是否接受本周评分？";
  card.buttons = {{"接受", "https://example.invalid/a"}, {"申诉", "https://example.invalid/b"}};
  auto sent = harness->client->SendRobotActionCard({"u1"}, card);
  REQUIRE(sent.ok());
  std::vector<RecordedMessage> messages = harness->sandbox->Messages();
  REQUIRE(messages.size() == 1);
  CHECK(messages[0].msg_type == "sampleActionCard2");
}

TEST_CASE("Card values truncated at 1 KB", "[client]") {
  auto harness = StartHarness(BulkSandbox(0, 1));
  std::string long_value = ChineseLines(30);
  CardDelivery card;
  card.card_template_id = "score-card";
  card.out_track_id = "track-1";
  card.params = {{"summary", long_value}, {"score", "86"}};
  card.robot_userids = {"u1"};
  auto delivered = harness->client->CreateAndDeliverCard(card);
  REQUIRE(delivered.ok());
  REQUIRE(delivered->size() == 1);
  CHECK((*delivered)[0].success);

  std::vector<RecordedCard> cards = harness->sandbox->Cards();
  REQUIRE(cards.size() == 1);
  const std::string& stored = cards[0].card_params.at("summary");
  CHECK(stored.size() <= kMaxCardValueBytes);
  CHECK(stored.substr(stored.size() - 3) == "…");
  CHECK(long_value.compare(0, stored.size() - 3, stored, 0, stored.size() - 3) == 0);

  REQUIRE(harness->client->UpdateCard("track-1", {{"score", "90"}}, true).ok());
  cards = harness->sandbox->Cards();
  CHECK(cards[0].card_params.at("score") == "90");
  CHECK(cards[0].card_params.count("summary") == 1);
  CHECK(cards[0].update_count == 1);
}

TEST_CASE("Webhook message is signed", "[client]") {
  SandboxOptions options = BulkSandbox(0, 1);
  options.webhook_robots = {{"robot-token", "SECtestsecret"}};
  auto harness = StartHarness(options);
  std::string url = harness->sandbox->base_url() + "/robot/send?access_token=robot-token";
  REQUIRE(harness->client
              ->SendWebhookMarkdown(url, "SECtestsecret",
                                    MarkdownMessage{"日报汇总", "今日提交率 95%"}, {"u1"})
              .ok());
  std::vector<RecordedMessage> messages = harness->sandbox->Messages();
  REQUIRE(messages.size() == 1);
  CHECK(messages[0].channel == "webhook");

  Status wrong =
      harness->client->SendWebhookMarkdown(url, "SECwrong", MarkdownMessage{"t", "x"}, {});
  REQUIRE_FALSE(wrong.ok());
  CHECK_THAT(wrong.error().message, Catch::Contains("310000"));
  CHECK_THAT(wrong.error().message, !Catch::Contains("robot-token"));
}

}  // namespace
}  // namespace logbridge::dingtalk
