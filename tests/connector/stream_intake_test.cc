// Tests for the Stream intake: events stored in the inbox once, card decisions returned in the
// ACK, robot replies posted to the sessionWebhook and unsupported topics. The last test runs end
// to end through the sandbox Stream gateway and the Stream client over loopback.

#include "connector/stream_intake.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "connector/card_actions.h"
#include "connector/event_inbox.h"
#include "connector/robot_commands.h"
#include "dingtalk/sandbox/sandbox.h"
#include "dingtalk/sandbox/stream_gateway.h"
#include "tests/connector/callback_test_support.h"

namespace logbridge::connector {
namespace {

using dingtalk::StreamFrame;
using dingtalk::StreamFrameType;
using nlohmann::json;
using std::chrono::milliseconds;

constexpr milliseconds kWait{5000};

StreamFrame EventFrame(const std::string& event_id, const std::string& data) {
  StreamFrame frame;
  frame.type = StreamFrameType::kEvent;
  frame.headers = {{"topic", "*"},
                   {"messageId", "m-" + event_id},
                   {"eventId", event_id},
                   {"eventType", "user_add_org"},
                   {"eventBornTime", "1700000000000"}};
  frame.data = data;
  return frame;
}

StreamFrame CallbackFrame(std::string_view topic, const std::string& data) {
  StreamFrame frame;
  frame.type = StreamFrameType::kCallback;
  frame.headers = {{"topic", std::string(topic)}, {"messageId", "m-callback"}};
  frame.data = data;
  return frame;
}

std::string ClickData(const std::string& user_id, const std::string& action_id) {
  json content = {{"cardPrivateData", {{"actionIds", {action_id}}, {"params", {{"n", 1}}}}}};
  return json({{"outTrackId", "approval-42"},
               {"userId", user_id},
               {"corpId", "dingcorp"},
               {"content", content.dump()}})
      .dump();
}

std::string RobotData(const std::string& message_id, const std::string& text,
                      const std::string& webhook) {
  return json({{"msgtype", "text"},
               {"text", {{"content", text}}},
               {"msgId", message_id},
               {"senderStaffId", "sales-7"},
               {"senderNick", "张三"},
               {"sessionWebhook", webhook},
               {"robotCode", "dingsandboxrobot"}})
      .dump();
}

// The services behind the intake: an inbox on a temporary database, card actions with the fake
// card handler and robot commands with the fake scores.
struct Services {
  Services() : clock(EpochMs(1'700'000'000'000)), robot(&scores) {
    inbox = std::move(EventInbox::Open({database.path()}, &events, &clock).value());
    cards = std::move(CardActionService::Open({database.path()}, &card_handler, &clock).value());
  }

  std::unique_ptr<StreamIntake> Intake(StreamIntakeOptions options = {"stream-app"}) {
    return std::move(
        StreamIntake::Create(std::move(options), inbox.get(), cards.get(), &robot, &clock).value());
  }

  ManualClock clock;
  testing::TempDatabase database;
  testing::RecordingHandler events;
  testing::FakeCardHandler card_handler;
  testing::FakeScores scores;
  RobotCommandService robot;
  std::unique_ptr<EventInbox> inbox;
  std::unique_ptr<CardActionService> cards;
};

TEST_CASE("stream intake stores an event once", "[stream]") {
  Services services;
  auto intake = services.Intake();
  StreamFrame frame = EventFrame("evt-1", R"({"userId":["u1"]})");
  REQUIRE(intake->OnEvent(frame).ok());
  REQUIRE(intake->OnEvent(frame).ok());
  REQUIRE(services.inbox->WaitIdle(kWait));

  InboxCounts counts = services.inbox->Counts().value();
  CHECK(counts.total == 1);
  CHECK(counts.processed == 1);
  CHECK(services.events.CallsFor("id:evt-1") == 1);
  CHECK(services.events.TypeFor("id:evt-1") == "user_add_org");
  CHECK(services.events.AppFor("id:evt-1") == "stream-app");
}

TEST_CASE("stream intake keys events without id", "[stream]") {
  Services services;
  auto intake = services.Intake();
  REQUIRE(intake->OnEvent(EventFrame("", R"({"a":1})")).ok());
  REQUIRE(intake->OnEvent(EventFrame("", R"({"a":2})")).ok());
  REQUIRE(services.inbox->WaitIdle(kWait));
  CHECK(services.inbox->Counts().value().total == 2);
  for (const auto& [key, calls] : services.events.Calls()) {
    CHECK(key.rfind("hash:user_add_org|1700000000000|", 0) == 0);
    CHECK(calls == 1);
  }
}

TEST_CASE("stream intake applies card clicks", "[stream]") {
  Services services;
  auto intake = services.Intake();
  Result<std::string> response = intake->OnCallback(
      CallbackFrame(dingtalk::kStreamCardTopic, ClickData("manager-1", "approve")));
  REQUIRE(response.ok());
  json decision = json::parse(*response);
  CHECK(decision["cardData"]["cardParamMap"]["status"] == "已同意");
  CHECK(decision["cardData"]["cardParamMap"]["decided_by"] == "manager-1");
  CHECK(services.card_handler.applied() == 1);
}

TEST_CASE("stream intake drops rejected clicks", "[stream]") {
  Services services;
  auto intake = services.Intake();
  for (const std::string& data :
       {ClickData("someone-else", "approve"), ClickData("manager-1", "delete"),
        std::string(R"({"outTrackId":"approval-42"})"), std::string("not json")}) {
    Result<std::string> response =
        intake->OnCallback(CallbackFrame(dingtalk::kStreamCardTopic, data));
    REQUIRE(response.ok());
    CHECK(*response == "null");
  }
  CHECK(services.card_handler.applied() == 0);
}

TEST_CASE("stream intake rejects unsupported topics", "[stream]") {
  Services services;
  auto intake = services.Intake();
  Result<std::string> response = intake->OnCallback(CallbackFrame("/v1.0/graph/api/invoke", "{}"));
  REQUIRE_FALSE(response.ok());
  CHECK(response.error().code == ErrorCode::kNotFound);

  Result<std::unique_ptr<StreamIntake>> no_services =
      StreamIntake::Create({"stream-app"}, services.inbox.get(), nullptr, nullptr, &services.clock);
  REQUIRE(no_services.ok());
  CHECK((*no_services)->OnCallback(CallbackFrame(dingtalk::kStreamCardTopic, "{}")).error().code ==
        ErrorCode::kNotFound);
  CHECK(StreamIntake::Create({""}, services.inbox.get(), nullptr, nullptr, &services.clock)
            .error()
            .code == ErrorCode::kInvalidArgument);
}

TEST_CASE("stream intake posts robot replies", "[stream]") {
  testing::LoopbackServer webhook;
  std::mutex mutex;
  std::vector<std::string> posted;
  webhook.server().Post("/robot/sendBySession",
                        [&](const httplib::Request& request, httplib::Response& response) {
                          std::lock_guard<std::mutex> lock(mutex);
                          posted.push_back(request.body);
                          response.set_content("{\"errcode\":0}", "application/json");
                        });
  Services services;
  StreamIntakeOptions options{"stream-app"};
  options.session_webhook_prefix = testing::LoopbackUrl(webhook.port(), "/robot/");
  auto intake = services.Intake(options);

  std::string url = testing::LoopbackUrl(webhook.port(), "/robot/sendBySession?session=abc");
  Result<std::string> response = intake->OnCallback(
      CallbackFrame(dingtalk::kStreamRobotTopic, RobotData("msg-1", "我的得分", url)));
  REQUIRE(response.ok());
  CHECK(*response == "null");
  // A second delivery of the same message gets no second reply.
  REQUIRE(intake
              ->OnCallback(
                  CallbackFrame(dingtalk::kStreamRobotTopic, RobotData("msg-1", "我的得分", url)))
              .ok());
  // A webhook outside the prefix gets no post.
  REQUIRE(
      intake
          ->OnCallback(CallbackFrame(dingtalk::kStreamRobotTopic,
                                     RobotData("msg-2", "我的得分", "http://example.invalid/x")))
          .ok());

  std::lock_guard<std::mutex> lock(mutex);
  REQUIRE(posted.size() == 1);
  json reply = json::parse(posted[0]);
  CHECK(reply["msgtype"] == "markdown");
  CHECK(reply["markdown"]["text"].get<std::string>().find("86.5") != std::string::npos);
}

TEST_CASE("stream intake end to end through the gateway", "[stream]") {
  Services services;
  auto intake = services.Intake();
  dingtalk::StreamGatewayOptions gateway_options;
  gateway_options.redelivery_timeout = milliseconds(200);
  auto gateway = std::move(dingtalk::StreamGateway::Start(gateway_options).value());

  dingtalk::SandboxApp app = dingtalk::DefaultSandboxApp();
  dingtalk::StreamClientOptions client_options;
  client_options.api_base_url = gateway->base_url();
  client_options.client_id = app.app_key;
  client_options.client_secret = app.app_secret;
  client_options.backoff.initial = milliseconds(20);
  auto client = std::move(dingtalk::StreamClient::Create(client_options, intake.get()).value());
  REQUIRE(client->Start().ok());
  REQUIRE(client->WaitForConnections(1, kWait));

  std::string event = gateway->PushEvent("user_add_org", R"({"userId":["u9"]})", "evt-e2e");
  std::string click = gateway->PushCallback(std::string(dingtalk::kStreamCardTopic),
                                            ClickData("manager-1", "reject"));
  REQUIRE(gateway->WaitForAck(event, kWait));
  REQUIRE(gateway->WaitForAck(click, kWait));
  REQUIRE(services.inbox->WaitIdle(kWait));
  client->Stop();

  CHECK(services.events.CallsFor("id:evt-e2e") == 1);
  CHECK(services.card_handler.applied() == 1);
  CHECK(gateway->Acks().size() == 2);
  for (const dingtalk::RecordedStreamAck& recorded : gateway->Acks()) {
    json data = json::parse(recorded.ack.data);
    if (recorded.ack.message_id == event) {
      CHECK(data["status"] == "SUCCESS");
    }
    if (recorded.ack.message_id == click) {
      CHECK(data["response"]["cardData"]["cardParamMap"]["status"] == "已驳回");
    }
  }
}

}  // namespace
}  // namespace logbridge::connector
