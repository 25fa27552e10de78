// Tests for robot chat commands: command recognition, score and help replies, repeated
// deliveries, and the signed robot route pushed by the sandbox pusher, including replies posted
// to a sessionWebhook.

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "connector/callback_server.h"
#include "connector/robot_commands.h"
#include "dingtalk/sandbox/callback_pusher.h"
#include "tests/connector/callback_test_support.h"

namespace logbridge::connector {
namespace {

using dingtalk::CallbackPusher;
using dingtalk::CallbackTargets;
using dingtalk::PushAttempt;
using std::chrono::milliseconds;
using testing::FakeScores;

constexpr char kRobotSecret[] = "robot-app-secret";

RobotMessage Message(const std::string& id, const std::string& staff_id, const std::string& text) {
  RobotMessage message;
  message.message_id = id;
  message.sender_staff_id = staff_id;
  message.text = text;
  return message;
}

TEST_CASE("Robot command recognition", "[callback]") {
  CHECK(ParseRobotCommand("我的得分") == RobotCommand::kScore);
  CHECK(ParseRobotCommand("  @绩效助手 我的得分 ") == RobotCommand::kScore);
  CHECK(ParseRobotCommand("\u3000我的得分\n") == RobotCommand::kScore);
  CHECK(ParseRobotCommand("Score") == RobotCommand::kScore);
  CHECK(ParseRobotCommand("帮助") == RobotCommand::kHelp);
  CHECK(ParseRobotCommand("HELP") == RobotCommand::kHelp);
  CHECK(ParseRobotCommand("？") == RobotCommand::kHelp);
  CHECK(ParseRobotCommand("今天天气") == RobotCommand::kUnknown);
  CHECK(ParseRobotCommand("") == RobotCommand::kUnknown);
}

TEST_CASE("Robot replies with score breakdown", "[callback]") {
  FakeScores scores;
  RobotCommandService service(&scores);
  std::optional<RobotReply> reply = service.Reply(Message("m1", "sales-7", "我的得分"));
  REQUIRE(reply);
  CHECK(reply->markdown.find("2026-W48") != std::string::npos);
  CHECK(reply->markdown.find("86.5") != std::string::npos);
  CHECK(reply->markdown.find("销售额: 36.5 / 40 (签约 3 单)") != std::string::npos);
  CHECK(reply->markdown.find("客户拜访: 50 / 60") != std::string::npos);
}

TEST_CASE("Robot replies without a score", "[callback]") {
  FakeScores scores;
  RobotCommandService service(&scores);
  std::optional<RobotReply> reply = service.Reply(Message("m2", "new-hire", "我的得分"));
  REQUIRE(reply);
  CHECK(reply->markdown.find("暂无得分") != std::string::npos);
}

TEST_CASE("Robot replies with help", "[callback]") {
  FakeScores scores;
  RobotCommandService service(&scores);
  std::optional<RobotReply> help = service.Reply(Message("m3", "sales-7", "help"));
  REQUIRE(help);
  CHECK(help->markdown.find("我的得分") != std::string::npos);
  std::optional<RobotReply> unknown = service.Reply(Message("m4", "sales-7", "写周报"));
  REQUIRE(unknown);
  CHECK(unknown->markdown.find("没有识别") != std::string::npos);
}

TEST_CASE("Robot ignores a repeated message", "[callback]") {
  FakeScores scores;
  RobotCommandService service(&scores);
  CHECK(service.Reply(Message("same", "sales-7", "我的得分")).has_value());
  CHECK(!service.Reply(Message("same", "sales-7", "我的得分")).has_value());
}

TEST_CASE("Robot message parsing", "[callback]") {
  Result<RobotMessage> message = ParseRobotMessage(
      R"({"msgtype":"text","text":{"content":" 我的得分"},"msgId":"msg1","senderStaffId":"u7",)"
      R"("senderNick":"张三","sessionWebhook":"https://oapi.dingtalk.com/robot/sendBySession?s=1",)"
      R"("sessionWebhookExpiredTime":1700000000000})");
  REQUIRE(message.ok());
  CHECK(message->text == " 我的得分");
  CHECK(message->sender_nick == "张三");
  CHECK(message->session_webhook_expires == EpochMs(1700000000000));
  CHECK(!ParseRobotMessage(R"({"msgId":"m"})").ok());
  CHECK(!ParseRobotMessage("[]").ok());
}

// A callback endpoint with the robot route enabled.
struct RobotEndpoint : testing::CallbackEndpoint {
  RobotEndpoint(const Clock* clock, const std::string& webhook_prefix)
      : CallbackEndpoint(clock), robot(&scores) {
    CallbackServerOptions options;
    options.robot_app_secret = kRobotSecret;
    options.session_webhook_prefix = webhook_prefix;
    Start(options, nullptr, &robot);
  }

  CallbackTargets Targets(const std::string& secret) const {
    CallbackTargets targets = FastRetries();
    targets.robot_url = Url("/dingtalk/robot");
    targets.robot_app_secret = secret;
    return targets;
  }

  FakeScores scores;
  RobotCommandService robot;
};

TEST_CASE("Robot route returns the reply", "[callback]") {
  SystemClock clock;
  RobotEndpoint endpoint(&clock, "https://oapi.dingtalk.com/");
  CallbackPusher pusher(endpoint.Targets(kRobotSecret), &clock);
  uint64_t id = pusher.PushRobotMessage("sales-7", "李四", "@绩效助手 我的得分");
  REQUIRE(pusher.WaitIdle(milliseconds(5000)));

  std::vector<PushAttempt> attempts = pusher.AttemptsOf(id);
  REQUIRE(attempts.size() == 1);
  REQUIRE(attempts[0].accepted);
  nlohmann::json reply = nlohmann::json::parse(attempts[0].response_body);
  CHECK(reply.at("msgtype") == "markdown");
  CHECK(reply.at("markdown").at("text").get<std::string>().find("86.5") != std::string::npos);
}

TEST_CASE("Robot route posts to sessionWebhook", "[callback]") {
  testing::LoopbackServer webhook;
  std::mutex mutex;
  std::string posted;
  webhook.server().Post("/robot/sendBySession",
                        [&](const httplib::Request& request, httplib::Response& response) {
                          std::lock_guard lock(mutex);
                          posted = request.body;
                          response.set_content(R"({"errcode":0})", "application/json");
                        });
  std::string prefix = testing::LoopbackUrl(webhook.port(), "/robot/");

  SystemClock clock;
  RobotEndpoint endpoint(&clock, prefix);
  CallbackTargets targets = endpoint.Targets(kRobotSecret);
  targets.robot_session_webhook = prefix + "sendBySession?session=abc";
  CallbackPusher pusher(targets, &clock);
  uint64_t id = pusher.PushRobotMessage("sales-7", "李四", "帮助");
  REQUIRE(pusher.WaitIdle(milliseconds(5000)));

  REQUIRE(pusher.AttemptsOf(id).at(0).accepted);
  CHECK(pusher.AttemptsOf(id).at(0).response_body == "{}");
  std::lock_guard lock(mutex);
  REQUIRE(!posted.empty());
  CHECK(
      nlohmann::json::parse(posted).at("markdown").at("text").get<std::string>().find("我的得分") !=
      std::string::npos);
}

TEST_CASE("Robot route rejects a bad sign", "[callback]") {
  SystemClock clock;
  RobotEndpoint endpoint(&clock, "https://oapi.dingtalk.com/");
  CallbackPusher pusher(endpoint.Targets("guessed-secret"), &clock);
  uint64_t id = pusher.PushRobotMessage("sales-7", "李四", "我的得分");
  REQUIRE(pusher.WaitIdle(milliseconds(5000)));
  CHECK(pusher.AttemptsOf(id).at(0).http_status == 401);
}

TEST_CASE("Robot route rejects a stale timestamp", "[callback]") {
  ManualClock server_clock(EpochMs(1700000000000) + std::chrono::minutes(61));
  ManualClock pusher_clock(EpochMs(1700000000000));
  RobotEndpoint endpoint(&server_clock, "https://oapi.dingtalk.com/");
  CallbackPusher pusher(endpoint.Targets(kRobotSecret), &pusher_clock);
  uint64_t id = pusher.PushRobotMessage("sales-7", "李四", "我的得分");
  REQUIRE(pusher.WaitIdle(milliseconds(5000)));
  CHECK(pusher.AttemptsOf(id).at(0).http_status == 401);
  CHECK(pusher.AttemptsOf(id).at(0).response_body.find("timestamp") != std::string::npos);
}

}  // namespace
}  // namespace logbridge::connector
