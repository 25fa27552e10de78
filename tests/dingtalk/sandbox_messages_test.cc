// Sandbox messages and admin endpoint: work notifications with silent drops, robot messages,
// cards, signed custom robot webhooks, and simulated users through /sandbox/.

#include <mutex>
#include <thread>

#include <catch2/catch.hpp>

#include "dingtalk/signature.h"
#include "tests/dingtalk/sandbox_fixture.h"

namespace logbridge::dingtalk {
namespace {

using nlohmann::json;

json Markdown(const std::string& text) {
  return {{"msgtype", "markdown"}, {"markdown", {{"title", "提醒"}, {"text", text}}}};
}

json Notice(const std::string& userids, const json& msg) {
  return {{"agent_id", DefaultSandboxApp().agent_id}, {"userid_list", userids}, {"msg", msg}};
}

TEST_CASE("work notice is recorded", "[sandbox]") {
  SandboxFixture fixture;
  json sent = fixture.Oapi("/topapi/message/corpconversation/asyncsend_v2",
                           Notice("u1,u2,ghost", Markdown("请提交今天的日报")));
  REQUIRE(sent["errcode"] == 0);
  CHECK(sent["task_id"].get<int64_t>() > (int64_t{1} << 32));

  std::vector<RecordedMessage> messages = fixture.sandbox().Messages();
  REQUIRE(messages.size() == 1);
  CHECK(messages[0].channel == "work_notice");
  CHECK(messages[0].msg_type == "markdown");
  CHECK(messages[0].delivered_userids == std::vector<std::string>{"u1", "u2"});
  CHECK(messages[0].invalid_userids == std::vector<std::string>{"ghost"});
}

TEST_CASE("duplicate work notice is dropped silently", "[sandbox]") {
  SandboxFixture fixture;
  std::string token = fixture.Token();
  json body = Notice("u1", Markdown("同一条内容"));
  json first = fixture.Oapi("/topapi/message/corpconversation/asyncsend_v2", body, token);
  json second = fixture.Oapi("/topapi/message/corpconversation/asyncsend_v2", body, token);
  REQUIRE(second["errcode"] == 0);  // the platform returns success

  json result = fixture.Oapi(
      "/topapi/message/corpconversation/getsendresult",
      {{"agent_id", DefaultSandboxApp().agent_id}, {"task_id", second["task_id"]}}, token);
  REQUIRE(result["errcode"] == 0);
  const json& forbidden = result["send_result"]["forbidden_list"];
  REQUIRE(forbidden.size() == 1);
  CHECK(forbidden[0]["code"] == "143106");
  CHECK(forbidden[0]["userid"] == "u1");

  json first_result = fixture.Oapi(
      "/topapi/message/corpconversation/getsendresult",
      {{"agent_id", DefaultSandboxApp().agent_id}, {"task_id", first["task_id"]}}, token);
  CHECK(first_result["send_result"]["unread_user_id_list"] == json::array({"u1"}));

  // The next day the same content goes through again.
  fixture.clock().Advance(std::chrono::hours(24));
  token = fixture.Token();
  json next_day = fixture.Oapi("/topapi/message/corpconversation/asyncsend_v2", body, token);
  CHECK(fixture.sandbox().Messages().back().delivered_userids.size() == 1);
}

TEST_CASE("daily cap drops notices", "[sandbox]") {
  SandboxOptions options;
  options.daily_messages_per_user = 2;
  SandboxFixture fixture(std::move(options));
  std::string token = fixture.Token();
  for (int i = 0; i < 3; ++i) {
    fixture.Oapi("/topapi/message/corpconversation/asyncsend_v2",
                 Notice("u1", Markdown("第" + std::to_string(i) + "条")), token);
  }
  std::vector<RecordedMessage> messages = fixture.sandbox().Messages();
  REQUIRE(messages.size() == 3);
  CHECK(messages[2].dropped_userids == std::vector<std::string>{"u1"});
}

TEST_CASE("work notice limits", "[sandbox]") {
  SandboxFixture fixture;
  std::string token = fixture.Token();
  std::string many;
  for (int i = 0; i < 101; ++i) {
    many += (i > 0 ? "," : "") + std::string("u") + std::to_string(i);
  }
  CHECK(fixture.Oapi("/topapi/message/corpconversation/asyncsend_v2", Notice(many, Markdown("x")),
                     token)["errcode"] == 40035);

  // 700 Chinese characters are 2100 bytes in UTF-8, over the 2048-byte msg limit.
  std::string long_text;
  for (int i = 0; i < 700; ++i) {
    long_text += "字";
  }
  CHECK(fixture.Oapi("/topapi/message/corpconversation/asyncsend_v2",
                     Notice("u1", Markdown(long_text)), token)["errcode"] == 40035);

  json wrong_agent = Notice("u1", Markdown("x"));
  wrong_agent["agent_id"] = 1;
  CHECK(fixture.Oapi("/topapi/message/corpconversation/asyncsend_v2", wrong_agent,
                     token)["errcode"] == 40035);

  json bad_card = Notice("u1", {{"msgtype", "action_card"}, {"action_card", {{"title", "t"}}}});
  CHECK(fixture.Oapi("/topapi/message/corpconversation/asyncsend_v2", bad_card, token)["errcode"] ==
        40035);

  json oa = Notice("u1", {{"msgtype", "oa"},
                          {"oa",
                           {{"message_url", "https://example.invalid/a"},
                            {"head", {{"bgcolor", "FFBBBBBB"}, {"text", "审批"}}},
                            {"body", {{"title", "请审批本周绩效"}}}}}});
  CHECK(fixture.Oapi("/topapi/message/corpconversation/asyncsend_v2", oa, token)["errcode"] == 0);
}

TEST_CASE("robot batch send", "[sandbox]") {
  SandboxFixture fixture;
  std::string token = fixture.Token();
  json body = {{"robotCode", DefaultSandboxApp().robot_code},
               {"userIds", {"u1", "ghost"}},
               {"msgKey", "sampleMarkdown"},
               {"msgParam", json{{"title", "提醒"}, {"text", "请补写日报"}}.dump()}};
  auto [status, sent] = fixture.V1("POST", "/v1.0/robot/oToMessages/batchSend", body, token);
  REQUIRE(status == 200);
  CHECK_FALSE(sent["processQueryKey"].get<std::string>().empty());
  CHECK(sent["invalidStaffIdList"] == json::array({"ghost"}));

  json too_many = body;
  too_many["userIds"] = json::array();
  for (int i = 0; i < 21; ++i) {
    too_many["userIds"].push_back("u1");
  }
  auto [over_status, over] =
      fixture.V1("POST", "/v1.0/robot/oToMessages/batchSend", too_many, token);
  CHECK(over_status == 400);
  CHECK(over.contains("requestid"));

  json bad_param = body;
  bad_param["msgParam"] = json{{"title", "缺正文"}}.dump();
  CHECK(fixture.V1("POST", "/v1.0/robot/oToMessages/batchSend", bad_param, token).first == 400);
}

TEST_CASE("cards are created once and updated", "[sandbox]") {
  SandboxFixture fixture;
  std::string token = fixture.Token();
  json create = {{"cardTemplateId", "score.card"},
                 {"outTrackId", "score-u1-2026w36"},
                 {"openSpaceId", "dtv1.card//IM_ROBOT.u1"},
                 {"callbackType", "HTTP"},
                 {"cardData", {{"cardParamMap", {{"score", "86"}, {"rank", "3"}}}}}};
  auto [status, created] =
      fixture.V1("POST", "/v1.0/card/instances/createAndDeliver", create, token);
  REQUIRE(status == 200);
  CHECK(created["result"]["deliverResults"][0]["success"] == true);

  auto [again_status, again] =
      fixture.V1("POST", "/v1.0/card/instances/createAndDeliver", create, token);
  CHECK(again_status == 400);
  CHECK(again["code"] == "param.cardAlreadyExist");

  json by_key = {{"outTrackId", "score-u1-2026w36"},
                 {"cardData", {{"cardParamMap", {{"score", "90"}}}}},
                 {"cardUpdateOptions", {{"updateCardDataByKey", true}}}};
  CHECK(fixture.V1("PUT", "/v1.0/card/instances", by_key, token).first == 200);
  std::vector<RecordedCard> cards = fixture.sandbox().Cards();
  REQUIRE(cards.size() == 1);
  CHECK(cards[0].card_params.at("score") == "90");
  CHECK(cards[0].card_params.at("rank") == "3");
  CHECK(cards[0].update_count == 1);

  json overwrite = {{"outTrackId", "score-u1-2026w36"},
                    {"cardData", {{"cardParamMap", {{"score", "91"}}}}}};
  fixture.V1("PUT", "/v1.0/card/instances", overwrite, token);
  CHECK(fixture.sandbox().Cards()[0].card_params.count("rank") == 0);
}

TEST_CASE("card parameters are checked", "[sandbox]") {
  SandboxFixture fixture;
  std::string token = fixture.Token();
  json create = {{"cardTemplateId", "t"},
                 {"outTrackId", "c1"},
                 {"openSpaceId", "dtv1.card//IM_ROBOT.u1"},
                 {"cardData", {{"cardParamMap", {{"score", 86}}}}}};
  CHECK(fixture.V1("POST", "/v1.0/card/instances/createAndDeliver", create, token).first == 400);

  create["cardData"]["cardParamMap"]["score"] = std::string(1025, 'x');
  CHECK(fixture.V1("POST", "/v1.0/card/instances/createAndDeliver", create, token).first == 400);

  create["cardData"]["cardParamMap"]["score"] = "86";
  create["openSpaceId"] = "IM_ROBOT.u1";
  auto [status, body] = fixture.V1("POST", "/v1.0/card/instances/createAndDeliver", create, token);
  CHECK(status == 400);
  CHECK(body["code"] == "param.openSpaceIdInvalid");

  create.erase("outTrackId");
  create["openSpaceId"] = "dtv1.card//IM_ROBOT.u1";
  CHECK(fixture.V1("POST", "/v1.0/card/instances/createAndDeliver", create, token).second["code"] ==
        "param.outTrackIdEmpty");
}

TEST_CASE("webhook checks signature and rate", "[sandbox]") {
  SandboxOptions options;
  options.webhook_robots = {{"robot-token", "SECsandbox"}};
  SandboxFixture fixture(std::move(options));
  EpochMs now = fixture.clock().Now();
  std::string body = json{{"msgtype", "text"}, {"text", {{"content", "本周绩效已出"}}}}.dump();
  auto post = [&](EpochMs timestamp, const std::string& sign) {
    std::string path =
        "/robot/send?access_token=robot-token&timestamp=" + std::to_string(timestamp.value) +
        "&sign=" + PercentEncode(sign);
    return json::parse(fixture.client().Post(path, body, "application/json")->body);
  };
  auto sign = [](EpochMs timestamp) {
    return HmacSha256Base64("SECsandbox", std::to_string(timestamp.value) + "\nSECsandbox");
  };

  CHECK(post(now, sign(now))["errcode"] == 0);
  CHECK(post(now, "bad")["errcode"] == 310000);
  EpochMs old = now - std::chrono::minutes(61);
  CHECK(post(old, sign(old))["errcode"] == 310000);

  for (int i = 1; i < 20; ++i) {
    CHECK(post(now, sign(now))["errcode"] == 0);
  }
  CHECK(post(now, sign(now))["errcode"] == 410100);
  // Throttled for ten minutes, not just until the minute passes.
  fixture.clock().Advance(std::chrono::minutes(5));
  now = fixture.clock().Now();
  CHECK(post(now, sign(now))["errcode"] == 410100);
  fixture.clock().Advance(std::chrono::minutes(6));
  now = fixture.clock().Now();
  CHECK(post(now, sign(now))["errcode"] == 0);

  auto unknown = fixture.client().Post("/robot/send?access_token=nope", body, "application/json");
  CHECK(json::parse(unknown->body)["errcode"] == 400106);
  size_t webhook_messages = 0;
  for (const RecordedMessage& message : fixture.sandbox().Messages()) {
    webhook_messages += message.channel == "webhook" ? 1 : 0;
  }
  CHECK(webhook_messages == 21);
}

TEST_CASE("admin writes and edits logs", "[sandbox]") {
  SandboxFixture fixture;
  auto [status, written] = fixture.Admin(
      "/sandbox/reports",
      {{"userid", "u1"}, {"template_name", "日报"}, {"fields", {{"今日工作", "拜访3家"}}}});
  REQUIRE(status == 200);
  std::string report_id = written["report_id"];

  json list = {{"start_time", (SandboxTestStart() - std::chrono::hours(1)).value},
               {"end_time", (SandboxTestStart() + std::chrono::hours(1)).value},
               {"cursor", 0},
               {"size", 20}};
  json page = fixture.Oapi("/topapi/report/list", list);
  REQUIRE(page["result"]["data_list"].size() == 1);
  CHECK(page["result"]["data_list"][0]["report_id"] == report_id);

  fixture.clock().Advance(std::chrono::hours(3));
  auto [edit_status, edited] = fixture.Admin(
      "/sandbox/reports/edit", {{"report_id", report_id}, {"fields", {{"今日工作", "拜访5家"}}}});
  CHECK(edit_status == 200);
  page = fixture.Oapi("/topapi/report/list", list);
  const json& report = page["result"]["data_list"][0];
  CHECK(report["contents"][0]["value"] == "拜访5家");
  CHECK(report["modified_time"] == fixture.clock().Now().value);

  auto [bad_status, bad] = fixture.Admin(
      "/sandbox/reports",
      {{"userid", "ghost"}, {"template_name", "日报"}, {"fields", {{"今日工作", "x"}}}});
  CHECK(bad_status == 404);
  CHECK(bad["error"].get<std::string>().find("ghost") != std::string::npos);
}

TEST_CASE("admin sets and clears faults", "[sandbox]") {
  SandboxFixture fixture;
  auto [status, added] =
      fixture.Admin("/sandbox/faults",
                    {{"kind", "error_code"}, {"path", "/topapi/v2/user/get"}, {"errcode", 90002}});
  REQUIRE(status == 200);
  CHECK(fixture.Oapi("/topapi/v2/user/get", {{"userid", "u1"}})["errcode"] == 90002);

  json listed = json::parse(fixture.client().Get("/sandbox/faults")->body);
  CHECK(listed["faults"].size() == 1);
  fixture.client().Delete("/sandbox/faults");
  CHECK(fixture.Oapi("/topapi/v2/user/get", {{"userid", "u1"}})["errcode"] == 0);

  auto [bad_status, bad] = fixture.Admin("/sandbox/faults", {{"kind", "meteor"}});
  CHECK(bad_status == 400);
  CHECK(bad["error"].get<std::string>().find("meteor") != std::string::npos);
}

TEST_CASE("admin records user actions", "[sandbox]") {
  SandboxFixture fixture;
  std::string token = fixture.Token();
  fixture.V1("POST", "/v1.0/card/instances/createAndDeliver",
             {{"cardTemplateId", "t"},
              {"outTrackId", "approve-1"},
              {"openSpaceId", "dtv1.card//IM_ROBOT.mgr"},
              {"cardData", {{"cardParamMap", {{"title", "请审批"}}}}}},
             token);

  auto [click_status, clicked] =
      fixture.Admin("/sandbox/cards/click", {{"out_track_id", "approve-1"},
                                             {"userid", "mgr"},
                                             {"action_id", "accept"},
                                             {"params", {{"action", "accept"}}}});
  CHECK(click_status == 200);
  CHECK(
      fixture.Admin("/sandbox/cards/click", {{"out_track_id", "nope"}, {"userid", "mgr"}}).first ==
      404);
  CHECK(fixture.Admin("/sandbox/robot/messages", {{"userid", "u1"}, {"text", "我的分数"}}).first ==
        200);
  CHECK(fixture.Admin("/sandbox/events", {{"event", {{"EventType", "user_add_org"}}}}).first ==
        200);

  std::vector<RecordedAction> actions = fixture.sandbox().Actions();
  REQUIRE(actions.size() == 3);
  CHECK(actions[0].kind == "card_click");
  CHECK(json::parse(actions[0].detail_json)["params"]["action"] == "accept");
  CHECK(actions[1].kind == "robot_message");
  CHECK(actions[2].kind == "event");

  json cards = json::parse(fixture.client().Get("/sandbox/cards")->body);
  CHECK(cards["cards"][0]["out_track_id"] == "approve-1");
}

TEST_CASE("admin counters and token expiry", "[sandbox]") {
  SandboxOptions options;
  options.monthly_quota = 100;
  SandboxFixture fixture(std::move(options));
  std::string token = fixture.Token();
  json list = {{"start_time", SandboxTestStart().value},
               {"end_time", SandboxTestStart().value + 1000},
               {"cursor", 0},
               {"size", 20}};
  fixture.Oapi("/topapi/report/list", list, token);

  json counters = json::parse(fixture.client().Get("/sandbox/counters")->body);
  CHECK(counters["calls"]["/topapi/report/list"] == 1);
  CHECK(counters["monthly_usage"] == 1);

  CHECK(fixture.Admin("/sandbox/counters", {{"advance", 99}}).second["monthly_usage"] == 100);
  CHECK(fixture.Oapi("/topapi/report/list", list, token)["errcode"] == 90020);

  fixture.Admin("/sandbox/counters", {{"monthly_usage", 0}});
  fixture.Admin("/sandbox/tokens/expire", json::object());
  CHECK(fixture.Oapi("/topapi/report/list", list, token)["errcode"] == 42001);
}

TEST_CASE("card click is pushed", "[sandbox]") {
  // A loopback receiver standing in for the connector's card callback URL.
  httplib::Server receiver;
  std::mutex received_mutex;
  std::vector<std::string> received;
  receiver.Post("/card", [&](const httplib::Request& request, httplib::Response& response) {
    std::lock_guard<std::mutex> lock(received_mutex);
    received.push_back(request.body);
    response.set_content("{}", "application/json");
  });
  int port = receiver.bind_to_any_port("127.0.0.1");
  std::thread receiver_thread([&receiver] { receiver.listen_after_bind(); });

  SandboxOptions options;
  CallbackTargets targets;
  targets.card_url = "http://127.0.0.1:" + std::to_string(port) + "/card";
  options.callbacks = targets;
  {
    SandboxFixture fixture(std::move(options));
    REQUIRE(fixture.sandbox().pusher() != nullptr);
    fixture.V1("POST", "/v1.0/card/instances/createAndDeliver",
               {{"cardTemplateId", "t"},
                {"outTrackId", "approve-7"},
                {"openSpaceId", "dtv1.card//IM_ROBOT.mgr"},
                {"cardData", {{"cardParamMap", {{"title", "请审批"}}}}}},
               fixture.Token());
    REQUIRE(fixture.sandbox().ClickCard("approve-7", "mgr", "accept", {{"action", "accept"}}).ok());
    CHECK(fixture.sandbox().pusher()->WaitIdle(std::chrono::seconds(5)));
  }
  receiver.stop();
  receiver_thread.join();

  std::lock_guard<std::mutex> lock(received_mutex);
  REQUIRE(received.size() == 1);
  CHECK(received[0].find("approve-7") != std::string::npos);
  CHECK(received[0].find("accept") != std::string::npos);
}

}  // namespace
}  // namespace logbridge::dingtalk
