// Tests for the client's local rules that need no server: UTF-8 byte limits on Chinese text,
// the per-path token bucket, the monthly call counter, the error classification table and the
// webhook signature vector.

#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "dingtalk/api_errors.h"
#include "dingtalk/signature.h"
#include "dingtalk/throttle.h"
#include "dingtalk/utf8_limits.h"

namespace logbridge::dingtalk {
namespace {

// True when `text` is well-formed UTF-8 (no cut character at either end or inside).
bool IsValidUtf8(const std::string& text) {
  size_t pos = 0;
  while (pos < text.size()) {
    unsigned char lead = static_cast<unsigned char>(text[pos]);
    size_t length = lead < 0x80           ? 1
                    : (lead >> 5) == 0x6  ? 2
                    : (lead >> 4) == 0xE  ? 3
                    : (lead >> 3) == 0x1E ? 4
                                          : 0;
    if (length == 0 || pos + length > text.size()) {
      return false;
    }
    for (size_t i = 1; i < length; ++i) {
      if ((static_cast<unsigned char>(text[pos + i]) & 0xC0) != 0x80) {
        return false;
      }
    }
    pos += length;
  }
  return true;
}

TEST_CASE("Utf8Prefix never cuts a character", "[client]") {
  std::string text = "今日完成拜访客户3家";  // 3-byte characters around ASCII digits
  for (size_t max = 0; max <= text.size(); ++max) {
    std::string prefix(Utf8Prefix(text, max));
    CHECK(prefix.size() <= max);
    CHECK(IsValidUtf8(prefix));
    CHECK(text.compare(0, prefix.size(), prefix) == 0);
  }
  CHECK(Utf8Prefix("今日", 5) == "今");
  CHECK(Utf8Prefix("今日", 6) == "今日");
}

TEST_CASE("TruncateUtf8 marks cut text", "[client]") {
  CHECK(TruncateUtf8("短", 10) == "短");
  std::string cut = TruncateUtf8("今日完成拜访客户", 10);
  CHECK(cut == "今日…");  // 6 bytes of text fit before the 3-byte ellipsis
  CHECK(cut.size() <= 10);
  CHECK(IsValidUtf8(cut));
}

TEST_CASE("JsonEscapedSize counts escapes", "[client]") {
  CHECK(JsonEscapedSize("abc") == 3);
  CHECK(JsonEscapedSize("日报") == 6);
  CHECK(JsonEscapedSize("a\nb") == 4);
  CHECK(JsonEscapedSize("\"\\") == 4);
  CHECK(JsonEscapedSize(std::string(1, '\x01')) == 6);
}

TEST_CASE("SplitUtf8Lines keeps lines whole", "[client]") {
  std::string text;
  for (int i = 0; i < 40; ++i) {
    text += "第" + std::to_string(i) + "行：今天跟进了三个客户，签约金额十二万元。\n";
  }
  std::vector<std::string> parts = SplitUtf8Lines(text, 300);
  REQUIRE(parts.size() > 1);
  std::string joined;
  for (const std::string& part : parts) {
    CHECK(JsonEscapedSize(part) <= 300);
    CHECK(IsValidUtf8(part));
    CHECK(part.back() == '\n');  // every line here is shorter than the limit
    joined += part;
  }
  CHECK(joined == text);
}

TEST_CASE("SplitUtf8Lines cuts an overlong line", "[client]") {
  std::string line;
  for (int i = 0; i < 100; ++i) {
    line += "客户";
  }
  std::vector<std::string> parts = SplitUtf8Lines(line, 64);
  REQUIRE(parts.size() == 10);  // 600 bytes in parts of 21 characters (63 bytes)
  std::string joined;
  for (const std::string& part : parts) {
    CHECK(part.size() <= 64);
    CHECK(IsValidUtf8(part));
    joined += part;
  }
  CHECK(joined == line);
}

TEST_CASE("TruncateToEscapedSize ends on a line", "[client]") {
  std::string text = "第一行内容\n第二行内容\n第三行内容\n";
  std::string cut = TruncateToEscapedSize(text, 40);
  CHECK(cut == "第一行内容\n第二行内容\n…");
  CHECK(JsonEscapedSize(cut) <= 40);
  CHECK(TruncateToEscapedSize(text, 200) == text);
}

TEST_CASE("PathThrottle spaces calls per path", "[client]") {
  ManualClock clock(EpochMs(1'000'000));
  std::vector<int64_t> sleeps;
  PathThrottle throttle(ThrottleOptions{10.0, 1, {}}, &clock, [&](std::chrono::milliseconds delay) {
    sleeps.push_back(delay.count());
    clock.Advance(delay);
  });
  for (int i = 0; i < 5; ++i) {
    throttle.Acquire("/topapi/report/list");
  }
  CHECK(clock.Now().value == 1'000'400);  // 10 calls/s: the 5th call leaves 400 ms later
  CHECK(sleeps == std::vector<int64_t>{100, 100, 100, 100});

  // Another path has its own bucket and does not wait.
  sleeps.clear();
  throttle.Acquire("/topapi/v2/user/list");
  CHECK(sleeps.empty());
}

TEST_CASE("PathThrottle honours a pause", "[client]") {
  ManualClock clock(EpochMs(0));
  PathThrottle throttle(ThrottleOptions{}, &clock,
                        [&](std::chrono::milliseconds delay) { clock.Advance(delay); });
  throttle.Acquire("/a");
  throttle.PauseUntil("/a", EpochMs(5000));
  throttle.Acquire("/a");
  CHECK(clock.Now().value == 5000);
}

TEST_CASE("PathThrottle allows a burst", "[client]") {
  ManualClock clock(EpochMs(0));
  int sleeps = 0;
  PathThrottle throttle(ThrottleOptions{20.0, 3, {}}, &clock, [&](std::chrono::milliseconds delay) {
    ++sleeps;
    clock.Advance(delay);
  });
  clock.Advance(std::chrono::seconds(10));
  for (int i = 0; i < 3; ++i) {
    throttle.Acquire("/a");
  }
  CHECK(sleeps == 0);
  throttle.Acquire("/a");
  CHECK(sleeps == 1);
}

TEST_CASE("MonthlyCallCounter rolls over in UTC+8", "[client]") {
  // 2025-01-31T15:59:59.999Z is 23:59:59.999 on Jan 31 in China; one ms later it is February.
  ManualClock clock(EpochMs(1738339199999));
  MonthlyCallCounter counter(&clock);
  counter.Record("/topapi/report/list");
  counter.Record("/topapi/report/list");
  counter.Record("/topapi/message/corpconversation/asyncsend_v2");
  CHECK(counter.CallsThisMonth("/topapi/report/list") == 2);
  CHECK(counter.TotalThisMonth() == 3);
  CHECK(MonthlyCallCounter::MonthIndex(clock.Now()) == 2025 * 12 + 0);

  clock.Advance(std::chrono::milliseconds(1));
  CHECK(MonthlyCallCounter::MonthIndex(clock.Now()) == 2025 * 12 + 1);
  CHECK(counter.CallsThisMonth("/topapi/report/list") == 0);
  CHECK(counter.TotalThisMonth() == 0);
}

HttpResponse Answer(int status, std::string body) {
  HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

TEST_CASE("ClassifyResponse maps oapi codes", "[client]") {
  struct Case {
    std::string body;
    CallOutcome outcome;
  };
  std::vector<Case> cases = {
      {R"({"errcode":0,"errmsg":"ok"})", CallOutcome::kOk},
      {R"({"errcode":"0","errmsg":"ok"})", CallOutcome::kOk},
      {R"({"errcode":42001,"errmsg":"expired"})", CallOutcome::kTokenInvalid},
      {R"({"errcode":88,"sub_code":"40014","sub_msg":"bad token"})", CallOutcome::kTokenInvalid},
      {R"({"errcode":90018,"errmsg":"qps"})", CallOutcome::kThrottled},
      {R"({"errcode":90002,"errmsg":"qps"})", CallOutcome::kThrottled},
      {R"({"errcode":90019,"errmsg":"qps"})", CallOutcome::kThrottled},
      {R"({"errcode":90020,"errmsg":"quota"})", CallOutcome::kQuotaExhausted},
      {R"({"errcode":-1,"errmsg":"busy"})", CallOutcome::kTransient},
      {R"({"errcode":60011,"errmsg":"no permission"})", CallOutcome::kFailed},
      {R"({"status":1111,"wait":5,"source":"x5","punish":"deny"})", CallOutcome::kThrottled},
      {"<html>banned</html>", CallOutcome::kThrottled},
      {R"({"errcode":0,"result":{)", CallOutcome::kThrottled},
  };
  for (const Case& c : cases) {
    CAPTURE(c.body);
    ClassifiedResponse classified =
        ClassifyResponse(ApiFamily::kOapi, "/topapi/report/list", Answer(200, c.body));
    CHECK(classified.outcome == c.outcome);
  }
  CHECK(ClassifyResponse(ApiFamily::kOapi, "/x", Answer(502, "")).outcome ==
        CallOutcome::kTransient);
}

TEST_CASE("ClassifyResponse maps v1.0 codes", "[client]") {
  struct Case {
    int status;
    std::string code;
    CallOutcome outcome;
  };
  std::vector<Case> cases = {
      {400, "InvalidAuthentication", CallOutcome::kTokenInvalid},
      {401, "Unauthorized", CallOutcome::kTokenInvalid},
      {403, "Forbidden.AccessDenied.QpsLimitForAppkeyAndApi", CallOutcome::kThrottled},
      {403, "Forbidden.AccessDenied.QpsLimitForApi", CallOutcome::kThrottled},
      {403, "Forbidden.AccessDenied.ApiCountLimitForOrg", CallOutcome::kQuotaExhausted},
      {403, "Forbidden.AccessDenied.AccessTokenPermissionDenied", CallOutcome::kFailed},
      {403, "Forbidden.AccessDenied.IpNotInWhiteList", CallOutcome::kFailed},
      {400, "param.outTrackIdEmpty", CallOutcome::kFailed},
      {503, "ServiceUnavailable", CallOutcome::kTransient},
  };
  for (const Case& c : cases) {
    CAPTURE(c.status, c.code);
    std::string body = R"({"code":")" + c.code + R"(","message":"m","requestid":"r1"})";
    ClassifiedResponse classified = ClassifyResponse(
        ApiFamily::kV1, "/v1.0/robot/oToMessages/batchSend", Answer(c.status, body));
    CHECK(classified.outcome == c.outcome);
  }
}

TEST_CASE("Permission errors name the fix", "[client]") {
  ClassifiedResponse denied = ClassifyResponse(
      ApiFamily::kOapi, "/topapi/report/list",
      Answer(200, R"({"errcode":88,"errmsg":"auth","sub_code":"60011","sub_msg":"no perm"})"));
  CHECK(denied.outcome == CallOutcome::kFailed);
  CHECK(denied.error.code == ErrorCode::kPermissionDenied);
  CHECK_THAT(denied.error.message, Catch::Contains("qyapi_report_query"));

  ClassifiedResponse ip = ClassifyResponse(
      ApiFamily::kV1, "/v1.0/card/instances",
      Answer(403, R"({"code":"Forbidden.AccessDenied.IpNotInWhiteList","message":"1.2.3.4"})"));
  CHECK(ip.error.code == ErrorCode::kPermissionDenied);
  CHECK_THAT(ip.error.message, Catch::Contains("allow-list"));
  CHECK_THAT(ip.error.message, Catch::Contains("1.2.3.4"));
}

TEST_CASE("Webhook query signs known vector", "[client]") {
  // Computed independently: HMAC-SHA256 of "1577262236757\nthis is secret", Base64.
  std::string query = CustomRobotWebhookQuery("this is secret", EpochMs(1577262236757));
  CHECK(query == "timestamp=1577262236757&sign=hmPWwU%2B7lVdm3ZZz0r9tSfx0L4Q26jWOZr9%2BGs6EZQM%3D");
}

}  // namespace
}  // namespace logbridge::dingtalk
