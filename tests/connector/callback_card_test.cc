// Tests for card button callbacks: parsing the JSON-in-a-string content, recipient and action
// checks, idempotent application, and the signed card route pushed by the sandbox pusher.

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "connector/callback_server.h"
#include "connector/card_actions.h"
#include "dingtalk/sandbox/callback_pusher.h"
#include "tests/connector/callback_test_support.h"

namespace logbridge::connector {
namespace {

using dingtalk::CallbackPusher;
using dingtalk::CallbackTargets;
using dingtalk::PushAttempt;
using std::chrono::milliseconds;
using testing::FakeCardHandler;
using testing::TempDatabase;

constexpr char kCardSecret[] = "card-api-secret";

std::unique_ptr<CardActionService> OpenService(const std::string& path, CardActionHandler* handler,
                                               const Clock* clock) {
  Result<std::unique_ptr<CardActionService>> service =
      CardActionService::Open({path}, handler, clock);
  REQUIRE(service.ok());
  return std::move(*service);
}

CardAction Click(const std::string& user_id, const std::string& action_id) {
  return {"approval-42", user_id, "dingcorp", action_id, {{"reason", "ok"}}};
}

TEST_CASE("Card action parses content", "[callback]") {
  std::string body = R"({"type":"actionCallback","outTrackId":"approval-42","corpId":"dingcorp",)"
                     R"("userId":"manager-1","content":"{\"cardPrivateData\":{\"actionIds\":)"
                     R"([\"approve\"],\"params\":{\"decision\":\"accept\",\"score\":5}}}"})";
  Result<CardAction> action = ParseCardAction(body);
  REQUIRE(action.ok());
  CHECK(action->out_track_id == "approval-42");
  CHECK(action->user_id == "manager-1");
  CHECK(action->corp_id == "dingcorp");
  CHECK(action->action_id == "approve");
  CHECK(action->params.at("decision") == "accept");
  CHECK(action->params.at("score") == "5");
}

TEST_CASE("Card action falls back to value", "[callback]") {
  std::string body = R"({"outTrackId":"c1","userId":"u1",)"
                     R"("value":"{\"cardPrivateData\":{\"actionIds\":[\"reject\"]}}"})";
  Result<CardAction> action = ParseCardAction(body);
  REQUIRE(action.ok());
  CHECK(action->action_id == "reject");
  CHECK(action->params.empty());
}

TEST_CASE("Card action rejects malformed bodies", "[callback]") {
  for (std::string body :
       {std::string("not json"), std::string(R"({"userId":"u1","content":"{}"})"),
        std::string(R"({"outTrackId":"c1","userId":"u1"})"),
        std::string(R"({"outTrackId":"c1","userId":"u1","content":"{\"cardPrivateData\":{}}"})"),
        std::string(R"({"outTrackId":"c1","userId":"u1","content":"not json"})")}) {
    Result<CardAction> action = ParseCardAction(body);
    REQUIRE(!action.ok());
    CHECK(action.error().code == ErrorCode::kInvalidArgument);
  }
}

TEST_CASE("Card decision JSON updates by key", "[callback]") {
  nlohmann::json body =
      nlohmann::json::parse(CardDecisionJson({{{"status", "已同意"}}, {{"button_state", "done"}}}));
  CHECK(body.at("cardData").at("cardParamMap").at("status") == "已同意");
  CHECK(body.at("userPrivateData").at("cardParamMap").at("button_state") == "done");
  CHECK(body.at("cardUpdateOptions").at("updateCardDataByKey") == true);
  CHECK(body.at("cardUpdateOptions").at("updatePrivateDataByKey") == true);
}

TEST_CASE("Card service applies a click once", "[callback]") {
  TempDatabase database;
  FakeCardHandler handler;
  SystemClock clock;
  auto service = OpenService(database.path(), &handler, &clock);

  Result<CardDecision> first = service->Apply(Click("manager-1", "approve"));
  REQUIRE(first.ok());
  CHECK(first->card_data.at("status") == "已同意");
  Result<CardDecision> repeat = service->Apply(Click("manager-1", "approve"));
  REQUIRE(repeat.ok());
  CHECK(repeat->card_data == first->card_data);
  CHECK(repeat->user_private_data == first->user_private_data);
  CHECK(handler.applied() == 1);

  // The record survives a restart of the service.
  service.reset();
  auto reopened = OpenService(database.path(), &handler, &clock);
  REQUIRE(reopened->Apply(Click("manager-1", "approve")).ok());
  CHECK(handler.applied() == 1);
}

TEST_CASE("Card service rejects other users", "[callback]") {
  TempDatabase database;
  FakeCardHandler handler;
  SystemClock clock;
  auto service = OpenService(database.path(), &handler, &clock);

  Result<CardDecision> decision = service->Apply(Click("intruder-9", "approve"));
  REQUIRE(!decision.ok());
  CHECK(decision.error().code == ErrorCode::kPermissionDenied);
  CHECK(decision.error().message.find("intruder-9") != std::string::npos);
  CHECK(handler.applied() == 0);
}

TEST_CASE("Card service rejects unknown actions", "[callback]") {
  TempDatabase database;
  FakeCardHandler handler;
  SystemClock clock;
  auto service = OpenService(database.path(), &handler, &clock);

  Result<CardDecision> unknown_action = service->Apply(Click("manager-1", "delete_everything"));
  REQUIRE(!unknown_action.ok());
  CHECK(unknown_action.error().code == ErrorCode::kInvalidArgument);

  CardAction unknown_card = Click("manager-1", "approve");
  unknown_card.out_track_id = "no-such-card";
  Result<CardDecision> missing = service->Apply(unknown_card);
  REQUIRE(!missing.ok());
  CHECK(missing.error().code == ErrorCode::kNotFound);
  CHECK(handler.applied() == 0);
}

// A callback endpoint with the card route enabled.
struct CardEndpoint : testing::CallbackEndpoint {
  explicit CardEndpoint(const Clock* clock) : CallbackEndpoint(clock) {
    cards = OpenService(database.path(), &handler, clock);
    CallbackServerOptions options;
    options.card_api_secret = kCardSecret;
    Start(options, cards.get());
  }

  CallbackTargets Targets(const std::string& secret) const {
    CallbackTargets targets = FastRetries();
    targets.card_url = Url("/dingtalk/card");
    targets.card_api_secret = secret;
    return targets;
  }

  FakeCardHandler handler;
  std::unique_ptr<CardActionService> cards;
};

TEST_CASE("Card route updates the card", "[callback]") {
  SystemClock clock;
  CardEndpoint endpoint(&clock);
  CallbackPusher pusher(endpoint.Targets(kCardSecret), &clock);
  uint64_t first = pusher.PushCardAction("approval-42", "manager-1", "approve", {{"k", "v"}});
  REQUIRE(pusher.WaitIdle(milliseconds(5000)));
  uint64_t repeat = pusher.PushCardAction("approval-42", "manager-1", "approve", {{"k", "v"}});
  REQUIRE(pusher.WaitIdle(milliseconds(5000)));

  for (uint64_t id : {first, repeat}) {
    std::vector<PushAttempt> attempts = pusher.AttemptsOf(id);
    REQUIRE(attempts.size() == 1);
    REQUIRE(attempts[0].accepted);
    nlohmann::json body = nlohmann::json::parse(attempts[0].response_body);
    CHECK(body.at("cardData").at("cardParamMap").at("status") == "已同意");
  }
  CHECK(endpoint.handler.applied() == 1);
}

TEST_CASE("Card route rejects forged and foreign clicks", "[callback]") {
  SystemClock clock;
  CardEndpoint endpoint(&clock);

  CallbackPusher forger(endpoint.Targets("guessed-secret"), &clock);
  uint64_t forged = forger.PushCardAction("approval-42", "manager-1", "approve", {});
  CallbackPusher pusher(endpoint.Targets(kCardSecret), &clock);
  uint64_t foreign = pusher.PushCardAction("approval-42", "intruder-9", "approve", {});
  uint64_t unknown = pusher.PushCardAction("approval-42", "manager-1", "explode", {});
  REQUIRE(forger.WaitIdle(milliseconds(5000)));
  REQUIRE(pusher.WaitIdle(milliseconds(5000)));

  CHECK(forger.AttemptsOf(forged).at(0).http_status == 401);
  CHECK(pusher.AttemptsOf(foreign).at(0).http_status == 403);
  CHECK(pusher.AttemptsOf(unknown).at(0).http_status == 400);
  CHECK(endpoint.handler.applied() == 0);
}

}  // namespace
}  // namespace logbridge::connector
