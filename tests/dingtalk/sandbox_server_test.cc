// Sandbox server: tokens, report paging and validation, contacts, limits and faults, over real
// loopback HTTP with a ManualClock.

#include <set>

#include <catch2/catch.hpp>

#include "tests/dingtalk/sandbox_fixture.h"

namespace logbridge::dingtalk {
namespace {

using nlohmann::json;

constexpr int64_t kDayMs = 86'400'000;

json ListBody(EpochMs start, EpochMs end, int64_t cursor, int64_t size) {
  return {{"start_time", start.value}, {"end_time", end.value}, {"cursor", cursor}, {"size", size}};
}

// Writes `count` daily logs for u1, one minute apart, starting at the fixture's start.
std::vector<std::string> WriteLogs(SandboxFixture& fixture, int count) {
  std::vector<std::string> ids;
  for (int i = 0; i < count; ++i) {
    Result<std::string> id = fixture.sandbox().WriteReport(
        "u1", "日报", {{"今日工作", "拜访客户" + std::to_string(i) + "家"}},
        SandboxTestStart() + std::chrono::minutes(i));
    REQUIRE(id.ok());
    ids.push_back(*id);
  }
  return ids;
}

TEST_CASE("token is reused while valid", "[sandbox]") {
  SandboxFixture fixture;
  std::string first = fixture.Token();
  std::string second = fixture.Token();
  CHECK_FALSE(first.empty());
  CHECK(first == second);

  SandboxApp app = DefaultSandboxApp();
  auto [status, body] = fixture.V1("POST", "/v1.0/oauth2/accessToken",
                                   {{"appKey", app.app_key}, {"appSecret", app.app_secret}}, "");
  CHECK(status == 200);
  CHECK(body["accessToken"] == first);
  CHECK(body["expireIn"] == 7200);
}

TEST_CASE("token errors per family", "[sandbox]") {
  SandboxOptions options;
  options.token_lifetime = std::chrono::seconds(60);
  SandboxFixture fixture(std::move(options));
  json list = ListBody(SandboxTestStart(), SandboxTestStart() + std::chrono::hours(1), 0, 5);

  CHECK(fixture.Oapi("/topapi/report/list", list, "")["errcode"] == 41001);
  CHECK(fixture.Oapi("/topapi/report/list", list, "nosuchtoken")["errcode"] == 40014);

  std::string token = fixture.Token();
  CHECK(fixture.Oapi("/topapi/report/list", list, token)["errcode"] == 0);
  fixture.clock().Advance(std::chrono::seconds(61));
  json expired = fixture.Oapi("/topapi/report/list", list, token);
  CHECK(expired["errcode"] == 42001);
  CHECK(expired.contains("request_id"));

  auto [status, body] = fixture.V1("PUT", "/v1.0/card/instances", {{"outTrackId", "x"}}, token);
  CHECK(status == 400);
  CHECK(body["code"] == "InvalidAuthentication");
  CHECK(body.contains("requestid"));

  std::string renewed = fixture.Token();
  CHECK(renewed != token);
}

TEST_CASE("wrong app secret is rejected", "[sandbox]") {
  SandboxFixture fixture;
  auto response = fixture.client().Get("/gettoken?appkey=dingsandboxappkey&appsecret=wrong");
  CHECK(json::parse(response->body)["errcode"] == 40089);
  auto [status, body] = fixture.V1("POST", "/v1.0/oauth2/accessToken",
                                   {{"appKey", "nope"}, {"appSecret", "nope"}}, "");
  CHECK(status == 400);
  CHECK(body["code"] == "invalidClientIdOrSecret");
}

TEST_CASE("report list pages are complete", "[sandbox]") {
  SandboxFixture fixture;
  std::vector<std::string> written = WriteLogs(fixture, 45);
  std::string token = fixture.Token();

  std::vector<std::string> seen;
  std::set<int64_t> cursors;
  int64_t cursor = 0;
  for (int page = 0; page < 10; ++page) {
    json body = fixture.Oapi(
        "/topapi/report/list",
        ListBody(SandboxTestStart(), SandboxTestStart() + std::chrono::hours(2), cursor, 20),
        token);
    REQUIRE(body["errcode"] == 0);
    const json& result = body["result"];
    for (const json& item : result["data_list"]) {
      seen.push_back(item["report_id"]);
      CHECK(item["contents"][0]["sort"].is_string());
      CHECK(item["contents"][0]["type"] == "1");
    }
    if (!result["has_more"].get<bool>()) {
      break;
    }
    cursor = result["next_cursor"].get<int64_t>();
    CHECK(cursor > 1'000'000);  // opaque, not an offset
    CHECK(cursors.insert(cursor).second);
  }
  CHECK(seen == written);
  CHECK(cursors.size() == 2);
}

TEST_CASE("report list survives inserts while paging", "[sandbox]") {
  SandboxFixture fixture;
  WriteLogs(fixture, 30);
  std::string token = fixture.Token();
  json first = fixture.Oapi(
      "/topapi/report/list",
      ListBody(SandboxTestStart(), SandboxTestStart() + std::chrono::hours(2), 0, 20), token);
  // A log created earlier than everything paged so far must not shift the next page.
  REQUIRE(fixture.sandbox()
              .WriteReport("u2", "日报", {{"今日工作", "补写"}},
                           SandboxTestStart() - std::chrono::minutes(5))
              .ok());
  json second = fixture.Oapi(
      "/topapi/report/list",
      ListBody(SandboxTestStart() - std::chrono::hours(1),
               SandboxTestStart() + std::chrono::hours(2), first["result"]["next_cursor"], 20),
      token);
  CHECK(second["result"]["data_list"].size() == 10);
  CHECK(second["result"]["has_more"] == false);
}

TEST_CASE("report list validates parameters", "[sandbox]") {
  SandboxFixture fixture;
  std::string token = fixture.Token();
  EpochMs start = SandboxTestStart();

  json too_big = fixture.Oapi("/topapi/report/list",
                              ListBody(start, start + std::chrono::hours(1), 0, 21), token);
  CHECK(too_big["errcode"] == 40035);

  json too_long = fixture.Oapi("/topapi/report/list",
                               ListBody(start, EpochMs(start.value + 181 * kDayMs), 0, 20), token);
  CHECK(too_long["errcode"] == 40035);

  json at_limit = fixture.Oapi("/topapi/report/list",
                               ListBody(start, EpochMs(start.value + 180 * kDayMs), 0, 20), token);
  CHECK(at_limit["errcode"] == 0);

  json forged = fixture.Oapi("/topapi/report/list",
                             ListBody(start, start + std::chrono::hours(1), 12345, 20), token);
  CHECK(forged["errcode"] == 40035);

  json missing = fixture.Oapi("/topapi/report/list", {{"cursor", 0}, {"size", 5}}, token);
  CHECK(missing["errcode"] == 40035);
}

TEST_CASE("report list names a bad cursor", "[sandbox]") {
  SandboxFixture fixture;
  std::string token = fixture.Token();
  EpochMs start = SandboxTestStart();
  json body = ListBody(start, start + std::chrono::hours(1), -7, 20);

  json negative = fixture.Oapi("/topapi/report/list", body, token);
  CHECK(negative["errcode"] == 40035);
  std::string message = negative["errmsg"];
  CHECK(message.find("cursor -7") != std::string::npos);
  CHECK(message.find("0..4611686018427387903") != std::string::npos);
  CHECK(message.find("next_cursor") != std::string::npos);
  CHECK(message.find("required") == std::string::npos);

  body["cursor"] = "abc";
  json not_a_number = fixture.Oapi("/topapi/report/list", body, token);
  CHECK(not_a_number["errcode"] == 40035);
  CHECK(not_a_number["errmsg"].get<std::string>().find("cursor \"abc\"") != std::string::npos);

  body.erase("cursor");
  json absent = fixture.Oapi("/topapi/report/list", body, token);
  CHECK(absent["errcode"] == 40035);
  CHECK(absent["errmsg"].get<std::string>().find("cursor is required") != std::string::npos);

  body["cursor"] = 0;
  body["size"] = 21;
  json too_big = fixture.Oapi("/topapi/report/list", body, token);
  CHECK(too_big["errmsg"].get<std::string>().find("size 21 is outside 1..20") !=
        std::string::npos);
}

TEST_CASE("oapi path with wrong method", "[sandbox]") {
  SandboxFixture fixture;
  std::string token = fixture.Token();

  auto get = fixture.client().Get(("/topapi/report/list?access_token=" + token).c_str());
  REQUIRE(get);
  CHECK(get->status == 200);
  json body = json::parse(get->body);
  CHECK(body["errcode"] == 43002);
  CHECK(body["errmsg"].get<std::string>().find("GET /topapi/report/list") != std::string::npos);
  CHECK(body["errmsg"].get<std::string>().find("POST") != std::string::npos);
  CHECK(body.contains("request_id"));
  CHECK_FALSE(body.contains("code"));

  auto post = fixture.client().Post("/gettoken", "{}", "application/json");
  REQUIRE(post);
  CHECK(post->status == 200);
  CHECK(json::parse(post->body)["errcode"] == 43001);

  auto unknown = fixture.client().Get("/topapi/report/nothing");
  REQUIRE(unknown);
  CHECK(unknown->status == 200);
  CHECK(json::parse(unknown->body)["errcode"] == 404);

  // v1.0 paths keep their own shape: HTTP 404 with code and requestid.
  auto v1 = fixture.client().Get("/v1.0/card/instances");
  REQUIRE(v1);
  CHECK(v1->status == 404);
  json v1_body = json::parse(v1->body);
  CHECK(v1_body["code"] == "NotFound");
  CHECK(v1_body.contains("requestid"));
  CHECK_FALSE(v1_body.contains("errcode"));
}

TEST_CASE("report list filters", "[sandbox]") {
  SandboxFixture fixture;
  EpochMs start = SandboxTestStart();
  Sandbox& sandbox = fixture.sandbox();
  REQUIRE(sandbox.WriteReport("u1", "日报", {{"今日工作", "a"}}, start).ok());
  Result<std::string> edited = sandbox.WriteReport("u2", "日报", {{"今日工作", "b"}}, start);
  REQUIRE(edited.ok());
  REQUIRE(sandbox.WriteReport("u2", "周报", {{"本周总结", "c"}}, start).ok());
  REQUIRE(sandbox.EditReport(*edited, {{"明日计划", "补充"}}, start + std::chrono::hours(12)).ok());
  std::string token = fixture.Token();
  json base = ListBody(start - std::chrono::hours(1), start + std::chrono::hours(1), 0, 20);

  json by_user = base;
  by_user["userid"] = "u2";
  CHECK(fixture.Oapi("/topapi/report/list", by_user, token)["result"]["data_list"].size() == 2);

  json by_template = base;
  by_template["template_name"] = "周报";
  json weekly = fixture.Oapi("/topapi/report/list", by_template, token);
  REQUIRE(weekly["result"]["data_list"].size() == 1);
  CHECK(weekly["result"]["data_list"][0]["creator_id"] == "u2");

  json by_modified = base;
  by_modified["modified_start_time"] = (start + std::chrono::hours(6)).value;
  by_modified["modified_end_time"] = (start + std::chrono::hours(24)).value;
  json changed = fixture.Oapi("/topapi/report/list", by_modified, token);
  REQUIRE(changed["result"]["data_list"].size() == 1);
  const json& report = changed["result"]["data_list"][0];
  CHECK(report["report_id"] == *edited);
  CHECK(report["modified_time"] == (start + std::chrono::hours(12)).value);
  CHECK(report["contents"].size() == 2);
}

TEST_CASE("simplelist omits contents and final cursor", "[sandbox]") {
  SandboxFixture fixture;
  WriteLogs(fixture, 3);
  json body =
      fixture.Oapi("/topapi/report/simplelist",
                   ListBody(SandboxTestStart(), SandboxTestStart() + std::chrono::hours(1), 0, 20));
  REQUIRE(body["errcode"] == 0);
  CHECK(body["result"]["data_list"].size() == 3);
  CHECK_FALSE(body["result"]["data_list"][0].contains("contents"));
  CHECK_FALSE(body["result"].contains("next_cursor"));
}

TEST_CASE("templates receivers and comments", "[sandbox]") {
  SandboxFixture fixture;
  std::string report_id = WriteLogs(fixture, 1).front();
  std::string token = fixture.Token();

  json templates = fixture.Oapi("/topapi/report/template/listbyuserid",
                                {{"userid", "u1"}, {"offset", 0}, {"size", 1}}, token);
  REQUIRE(templates["errcode"] == 0);
  CHECK(templates["result"]["template_list"].size() == 1);
  CHECK(templates["result"]["next_cursor"] == 1);

  json detail = fixture.Oapi("/topapi/report/template/getbyname",
                             {{"userid", "u1"}, {"template_name", "日报"}}, token);
  REQUIRE(detail["errcode"] == 0);
  CHECK(detail["result"]["id"] == "tpl-daily");
  CHECK(detail["result"]["fields"][1]["field_name"] == "明日计划");
  CHECK(detail["result"]["fields"][1]["sort"] == 1);
  CHECK(detail["result"]["default_receivers"][0]["userid"] == "mgr");

  json receivers = fixture.Oapi("/topapi/report/receiver/list", {{"report_id", report_id}}, token);
  CHECK(receivers["result"]["userid_list"] == json::array({"mgr"}));
  CHECK(receivers["result"]["has_more"] == false);

  json comments =
      fixture.Oapi("/topapi/report/comment/list", {{"report_id", report_id}, {"size", 21}}, token);
  CHECK(comments["errcode"] == 40035);
}

TEST_CASE("contacts tree and managers", "[sandbox]") {
  SandboxFixture fixture;
  std::string token = fixture.Token();

  json children = fixture.Oapi("/topapi/v2/department/listsub", {{"dept_id", 1}}, token);
  REQUIRE(children["result"].size() == 2);
  CHECK(children["result"][0]["name"] == "销售部");
  CHECK(fixture.Oapi("/topapi/v2/department/listsub", {{"dept_id", 99}}, token)["errcode"] ==
        60003);

  json department = fixture.Oapi("/topapi/v2/department/get", {{"dept_id", 2}}, token);
  CHECK(department["result"]["dept_manager_userid_list"] == json::array({"mgr"}));

  json page =
      fixture.Oapi("/topapi/v2/user/list", {{"dept_id", 2}, {"cursor", 0}, {"size", 2}}, token);
  CHECK(page["result"]["list"].size() == 2);
  CHECK(page["result"]["has_more"] == true);
  json rest =
      fixture.Oapi("/topapi/v2/user/list",
                   {{"dept_id", 2}, {"cursor", page["result"]["next_cursor"]}, {"size", 2}}, token);
  CHECK(rest["result"]["list"].size() == 1);
  CHECK(rest["result"]["has_more"] == false);
  CHECK(fixture.Oapi("/topapi/v2/user/list", {{"dept_id", 2}, {"cursor", 0}, {"size", 101}},
                     token)["errcode"] == 40035);

  json worker = fixture.Oapi("/topapi/v2/user/get", {{"userid", "u1"}}, token);
  CHECK(worker["result"]["manager_userid"] == "mgr");
  json boss = fixture.Oapi("/topapi/v2/user/get", {{"userid", "mgr"}}, token);
  CHECK_FALSE(boss["result"].contains("manager_userid"));
  CHECK(fixture.Oapi("/topapi/v2/user/get", {{"userid", "ghost"}}, token)["errcode"] == 33012);
}

TEST_CASE("qps limit per app and path", "[sandbox]") {
  SandboxOptions options;
  options.qps_limit = 2;
  SandboxFixture fixture(std::move(options));
  std::string token = fixture.Token();
  json body = {{"dept_id", 1}};

  CHECK(fixture.Oapi("/topapi/v2/department/listsub", body, token)["errcode"] == 0);
  CHECK(fixture.Oapi("/topapi/v2/department/listsub", body, token)["errcode"] == 0);
  CHECK(fixture.Oapi("/topapi/v2/department/listsub", body, token)["errcode"] == 90018);
  // Another path has its own window.
  CHECK(fixture.Oapi("/topapi/v2/department/get", body, token)["errcode"] == 0);

  auto [status, v1] = fixture.V1("PUT", "/v1.0/card/instances", {{"outTrackId", "x"}}, token);
  CHECK(status == 400);  // no such card, but admitted
  fixture.V1("PUT", "/v1.0/card/instances", {{"outTrackId", "x"}}, token);
  auto [limited_status, limited] =
      fixture.V1("PUT", "/v1.0/card/instances", {{"outTrackId", "x"}}, token);
  CHECK(limited_status == 403);
  CHECK(limited["code"] == "Forbidden.AccessDenied.QpsLimitForAppkeyAndApi");

  fixture.clock().Advance(std::chrono::seconds(1));
  CHECK(fixture.Oapi("/topapi/v2/department/listsub", body, token)["errcode"] == 0);
}

TEST_CASE("monthly quota stops metered calls", "[sandbox]") {
  SandboxOptions options;
  options.monthly_quota = 2;
  SandboxFixture fixture(std::move(options));
  std::string token = fixture.Token();
  json list = ListBody(SandboxTestStart(), SandboxTestStart() + std::chrono::hours(1), 0, 5);

  CHECK(fixture.Oapi("/topapi/report/list", list, token)["errcode"] == 0);
  CHECK(fixture.Oapi("/topapi/report/list", list, token)["errcode"] == 0);
  CHECK(fixture.Oapi("/topapi/report/list", list, token)["errcode"] == 90020);
  CHECK(fixture.sandbox().MonthlyUsage() == 2);
  // Contacts are exempt.
  CHECK(fixture.Oapi("/topapi/v2/user/get", {{"userid", "u1"}}, token)["errcode"] == 0);

  auto [status, body] = fixture.V1("PUT", "/v1.0/card/instances", {{"outTrackId", "x"}}, token);
  CHECK(status == 403);
  CHECK(body["code"] == "Forbidden.AccessDenied.ApiCountLimitForOrg");

  // A new month starts a new count.
  fixture.clock().Advance(std::chrono::hours(24 * 31));
  token = fixture.Token();
  CHECK(fixture.Oapi("/topapi/report/list", list, token)["errcode"] == 0);
}

TEST_CASE("faults fire by count and path", "[sandbox]") {
  SandboxFixture fixture;
  std::string token = fixture.Token();
  json body = {{"userid", "u1"}};
  fixture.sandbox().AddFault({FaultKind::kServerError, "/topapi/v2/user/get", 1, 1.0, 503});

  auto first = fixture.client().Post("/topapi/v2/user/get?access_token=" + token, body.dump(),
                                     "application/json");
  CHECK(first->status == 503);
  CHECK(fixture.Oapi("/topapi/v2/department/get", {{"dept_id", 1}}, token)["errcode"] == 0);
  CHECK(fixture.Oapi("/topapi/v2/user/get", body, token)["errcode"] == 0);
}

TEST_CASE("each fault kind", "[sandbox]") {
  SandboxFixture fixture;
  std::string token = fixture.Token();
  std::string path = "/topapi/v2/user/get?access_token=" + token;
  std::string body = json{{"userid", "u1"}}.dump();
  auto inject = [&fixture](Fault fault) {
    fault.path = "/topapi/v2/user/get";
    fault.count = 1;
    fixture.sandbox().AddFault(fault);
  };

  SECTION("malformed json") {
    inject({FaultKind::kMalformedJson});
    auto response = fixture.client().Post(path, body, "application/json");
    REQUIRE(response);
    CHECK(json::parse(response->body, nullptr, false).is_discarded());
  }
  SECTION("dropped connection") {
    inject({FaultKind::kDropConnection});
    auto response = fixture.client().Post(path, body, "application/json");
    CHECK_FALSE(response);
  }
  SECTION("punish body") {
    inject({FaultKind::kPunish});
    json punish = json::parse(fixture.client().Post(path, body, "application/json")->body);
    CHECK(punish["punish"] == "deny");
    CHECK(punish["status"] == 1111);
    CHECK_FALSE(punish.contains("errcode"));
  }
  SECTION("permission with sub code") {
    Fault fault{FaultKind::kPermissionDenied};
    fault.errcode = 88;
    fault.sub_code = "60011";
    inject(fault);
    json denied = fixture.Oapi("/topapi/v2/user/get", {{"userid", "u1"}}, token);
    CHECK(denied["errcode"] == 88);
    CHECK(denied["sub_code"] == "60011");
  }
  SECTION("error code") {
    Fault fault{FaultKind::kErrorCode};
    fault.errcode = -1;
    inject(fault);
    CHECK(fixture.Oapi("/topapi/v2/user/get", {{"userid", "u1"}}, token)["errcode"] == -1);
  }
  SECTION("slow response") {
    Fault fault{FaultKind::kSlowResponse};
    fault.delay = std::chrono::milliseconds(1500);
    inject(fault);
    fixture.client().set_read_timeout(0, 300'000);
    CHECK_FALSE(fixture.client().Post(path, body, "application/json"));
  }
  // The fault was used up, so the next call succeeds.
  fixture.client().set_read_timeout(5, 0);
  CHECK(fixture.Oapi("/topapi/v2/user/get", {{"userid", "u1"}}, token)["errcode"] == 0);
}

TEST_CASE("stuck cursor fault repeats the cursor", "[sandbox]") {
  SandboxFixture fixture;
  WriteLogs(fixture, 25);
  std::string token = fixture.Token();
  json list = ListBody(SandboxTestStart(), SandboxTestStart() + std::chrono::hours(1), 0, 20);
  json first = fixture.Oapi("/topapi/report/list", list, token);
  int64_t cursor = first["result"]["next_cursor"];

  fixture.sandbox().AddFault({FaultKind::kStuckCursor, "/topapi/report/list", 1});
  list["cursor"] = cursor;
  json stuck = fixture.Oapi("/topapi/report/list", list, token);
  CHECK(stuck["result"]["has_more"] == true);
  CHECK(stuck["result"]["next_cursor"] == cursor);
}

TEST_CASE("fault probability fires sometimes", "[sandbox]") {
  SandboxFixture fixture;
  std::string token = fixture.Token();
  fixture.sandbox().AddFault({FaultKind::kErrorCode, "/topapi/v2/user/get", -1, 0.5, 500, {}, -1});
  int failures = 0;
  for (int i = 0; i < 40; ++i) {
    if (fixture.Oapi("/topapi/v2/user/get", {{"userid", "u1"}}, token)["errcode"] == -1) {
      ++failures;
    }
  }
  CHECK(failures > 5);
  CHECK(failures < 35);
  CHECK(fixture.sandbox().CallCount("/topapi/v2/user/get") == 40);
}

TEST_CASE("bulk mode synthesizes logs", "[sandbox]") {
  SandboxOptions options;
  options.bulk.count = 5000;
  options.bulk.end = SandboxTestStart();
  options.bulk.days = 10;
  SandboxFixture fixture(std::move(options));
  CHECK(fixture.sandbox().report_count() == 5000);

  std::string token = fixture.Token();
  int64_t cursor = 0;
  size_t total = 0;
  for (int page = 0; page < 1000; ++page) {
    json body = fixture.Oapi(
        "/topapi/report/simplelist",
        ListBody(EpochMs(SandboxTestStart().value - 10 * kDayMs), SandboxTestStart(), cursor, 20),
        token);
    total += body["result"]["data_list"].size();
    if (!body["result"]["has_more"].get<bool>()) {
      break;
    }
    cursor = body["result"]["next_cursor"];
  }
  CHECK(total == 5000);
}

}  // namespace
}  // namespace logbridge::dingtalk
