// Tests for the event route of the callback endpoint, driven by the sandbox pusher over real
// loopback HTTP: URL checks, storage before acknowledgement, duplicates, retries, slow
// handlers, forged and stale requests, wrong owners and several apps on one endpoint.

#include "connector/callback_server.h"

#include <catch2/catch.hpp>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "dingtalk/sandbox/callback_pusher.h"
#include "tests/connector/callback_test_support.h"

namespace logbridge::connector {
namespace {

using dingtalk::CallbackPusher;
using dingtalk::CallbackTargets;
using dingtalk::PushAttempt;
using std::chrono::milliseconds;
using testing::kAppOne;
using testing::kAppTwo;
using testing::RecordingHandler;
using testing::TempDatabase;

// A callback endpoint for apps one and two on the event route.
struct EventEndpoint : testing::CallbackEndpoint {
  explicit EventEndpoint(const Clock* clock, int fixed_port = 0) : CallbackEndpoint(clock) {
    CallbackServerOptions options;
    options.port = fixed_port;
    Start(options);
  }

  std::string Url() const { return CallbackEndpoint::Url("/dingtalk/events"); }
};

CallbackTargets TargetsFor(const dingtalk::CallbackCryptoConfig& app, const std::string& url) {
  CallbackTargets targets;
  targets.event_url = url;
  targets.token = app.token;
  targets.aes_key = app.aes_key;
  targets.owner_key = app.owner_key;
  targets.first_retry = milliseconds(50);
  targets.second_retry = milliseconds(100);
  targets.response_timeout = milliseconds(2000);
  return targets;
}

std::string Event(const std::string& event_id) {
  return R"({"EventType":"user_add_org","EventTime":1700000000000,"CorpId":"dingcorp","eventId":")" +
         event_id + R"(","UserId":["u1"]})";
}

TEST_CASE("Endpoint answers check_url without storing", "[callback]") {
  SystemClock clock;
  EventEndpoint endpoint(&clock);
  CallbackPusher pusher(TargetsFor(kAppOne, endpoint.Url()), &clock);
  uint64_t url_check = pusher.PushEvent(R"({"EventType":"check_url"})");
  uint64_t suite_check = pusher.PushEvent(
      R"({"EventType":"check_create_suite_url","Random":"LPIdSnlF","TestSuiteKey":"s"})");
  REQUIRE(pusher.WaitIdle(milliseconds(5000)));

  for (uint64_t id : {url_check, suite_check}) {
    std::vector<PushAttempt> attempts = pusher.AttemptsOf(id);
    REQUIRE(attempts.size() == 1);
    CHECK(attempts[0].accepted);  // the pusher verified the encrypted "success"
  }
  Result<InboxCounts> counts = endpoint.inbox->Counts();
  REQUIRE(counts.ok());
  CHECK(counts->total == 0);
}

TEST_CASE("Endpoint stores and processes an event", "[callback]") {
  SystemClock clock;
  EventEndpoint endpoint(&clock);
  CallbackPusher pusher(TargetsFor(kAppOne, endpoint.Url()), &clock);
  uint64_t id = pusher.PushEvent(Event("evt-100"));
  REQUIRE(pusher.WaitIdle(milliseconds(5000)));
  REQUIRE(endpoint.inbox->WaitIdle(milliseconds(5000)));

  std::vector<PushAttempt> attempts = pusher.AttemptsOf(id);
  REQUIRE(attempts.size() == 1);
  CHECK(attempts[0].accepted);
  CHECK(endpoint.events.CallsFor("id:evt-100") == 1);
  CHECK(endpoint.events.AppFor("id:evt-100") == "app-one");
  CHECK(endpoint.events.TypeFor("id:evt-100") == "user_add_org");
}

TEST_CASE("Endpoint stores unknown event types", "[callback]") {
  SystemClock clock;
  EventEndpoint endpoint(&clock);
  CallbackPusher pusher(TargetsFor(kAppOne, endpoint.Url()), &clock);
  uint64_t id = pusher.PushEvent(R"({"EventType":"brand_new_event","eventId":"new-1"})");
  REQUIRE(pusher.WaitIdle(milliseconds(5000)));
  REQUIRE(endpoint.inbox->WaitIdle(milliseconds(5000)));
  CHECK(pusher.AttemptsOf(id).at(0).accepted);
  CHECK(endpoint.events.TypeFor("id:new-1") == "brand_new_event");
}

TEST_CASE("Endpoint dedupes repeated pushes", "[callback]") {
  SystemClock clock;
  EventEndpoint endpoint(&clock);
  CallbackTargets targets = TargetsFor(kAppOne, endpoint.Url());
  targets.sender_threads = 8;
  CallbackPusher pusher(targets, &clock);

  // Ten concurrent copies of one event, and a legacy event without eventId sent twice.
  for (int i = 0; i < 10; ++i) {
    pusher.PushEvent(Event("dup-1"));
  }
  std::string legacy =
      R"({"EventType":"chat_update_title","TimeStamp":"1700000000000","ChatId":"c1"})";
  pusher.PushEvent(legacy);
  pusher.PushEvent(legacy);
  REQUIRE(pusher.WaitIdle(milliseconds(5000)));
  REQUIRE(endpoint.inbox->WaitIdle(milliseconds(5000)));

  for (const PushAttempt& attempt : pusher.Attempts()) {
    CHECK(attempt.accepted);
  }
  CHECK(endpoint.events.CallsFor("id:dup-1") == 1);
  CHECK(endpoint.events.Calls().size() == 2);
  Result<InboxCounts> counts = endpoint.inbox->Counts();
  REQUIRE(counts.ok());
  CHECK(counts->total == 2);
}

TEST_CASE("Endpoint receives a retry after downtime", "[callback]") {
  SystemClock clock;
  int port = 0;
  {
    EventEndpoint probe(&clock);
    port = probe.port;
  }
  CallbackTargets targets = TargetsFor(kAppOne, testing::LoopbackUrl(port, "/dingtalk/events"));
  targets.first_retry = milliseconds(300);
  CallbackPusher pusher(targets, &clock);
  uint64_t id = pusher.PushEvent(Event("late-1"));

  // The first attempt finds no server; the retry 300 ms later reaches the restarted endpoint.
  std::this_thread::sleep_for(milliseconds(50));
  EventEndpoint endpoint(&clock, port);
  REQUIRE(pusher.WaitIdle(milliseconds(5000)));
  REQUIRE(endpoint.inbox->WaitIdle(milliseconds(5000)));

  std::vector<PushAttempt> attempts = pusher.AttemptsOf(id);
  REQUIRE(attempts.size() == 2);
  CHECK(!attempts[0].accepted);
  CHECK(attempts[0].http_status == 0);
  CHECK(attempts[1].accepted);
  CHECK(endpoint.events.CallsFor("id:late-1") == 1);
}

TEST_CASE("Endpoint acknowledges before slow processing", "[callback]") {
  SystemClock clock;
  EventEndpoint endpoint(&clock);
  endpoint.events.set_delay(milliseconds(300));
  CallbackTargets targets = TargetsFor(kAppOne, endpoint.Url());
  targets.response_timeout = milliseconds(1000);
  CallbackPusher pusher(targets, &clock);
  for (int i = 0; i < 5; ++i) {
    pusher.PushEvent(Event("slow-" + std::to_string(i)));
  }
  // Five events at 300 ms each take 1.5 s to process, longer than the response timeout, yet
  // every push is acknowledged at once because acknowledgement waits only for the commit.
  REQUIRE(pusher.WaitIdle(milliseconds(5000)));
  std::vector<PushAttempt> attempts = pusher.Attempts();
  CHECK(attempts.size() == 5);
  for (const PushAttempt& attempt : attempts) {
    CHECK(attempt.accepted);
    CHECK(attempt.attempt == 1);
  }
  REQUIRE(endpoint.inbox->WaitIdle(milliseconds(5000)));
  CHECK(endpoint.events.Calls().size() == 5);
}

TEST_CASE("Endpoint rejects forged requests", "[callback]") {
  SystemClock clock;
  EventEndpoint endpoint(&clock);
  Result<dingtalk::CallbackCrypto> crypto = dingtalk::CallbackCrypto::Create(kAppOne);
  REQUIRE(crypto.ok());
  dingtalk::SealedMessage sealed = crypto->Seal(Event("forged-1"), clock.Now());
  httplib::Client client("127.0.0.1", endpoint.port);
  auto post = [&](const std::string& signature, const std::string& encrypt) {
    std::string target = "/dingtalk/events?msg_signature=" + signature +
                         "&timestamp=" + sealed.timestamp + "&nonce=" + sealed.nonce;
    return client.Post(target.c_str(), nlohmann::json({{"encrypt", encrypt}}).dump(),
                       "application/json");
  };

  SECTION("wrong signature") {
    auto result = post(std::string(40, 'a'), sealed.encrypt);
    REQUIRE(result);
    CHECK(result->status == 401);
  }
  SECTION("tampered ciphertext") {
    std::string tampered = sealed.encrypt;
    tampered[5] = tampered[5] == 'A' ? 'B' : 'A';
    auto result = post(sealed.msg_signature, tampered);
    REQUIRE(result);
    CHECK(result->status == 401);
  }
  SECTION("signed with an unknown token") {
    dingtalk::CallbackCryptoConfig stranger = kAppOne;
    stranger.token = "stranger";
    Result<dingtalk::CallbackCrypto> other = dingtalk::CallbackCrypto::Create(stranger);
    REQUIRE(other.ok());
    dingtalk::SealedMessage forged = other->Seal(Event("forged-2"), clock.Now());
    std::string target = "/dingtalk/events?msg_signature=" + forged.msg_signature +
                         "&timestamp=" + forged.timestamp + "&nonce=" + forged.nonce;
    auto result =
        client.Post(target.c_str(), dingtalk::SealedMessageJson(forged), "application/json");
    REQUIRE(result);
    CHECK(result->status == 401);
  }
  SECTION("missing query parameters") {
    auto result = client.Post("/dingtalk/events", nlohmann::json({{"encrypt", "x"}}).dump(),
                              "application/json");
    REQUIRE(result);
    CHECK(result->status == 400);
  }
  SECTION("body without encrypt") {
    std::string target = "/dingtalk/events?msg_signature=" + sealed.msg_signature +
                         "&timestamp=" + sealed.timestamp + "&nonce=" + sealed.nonce;
    auto result = client.Post(target.c_str(), "not json", "application/json");
    REQUIRE(result);
    CHECK(result->status == 400);
  }
  REQUIRE(endpoint.inbox->WaitIdle(milliseconds(5000)));
  CHECK(endpoint.events.Calls().empty());
}

TEST_CASE("Endpoint accepts legacy parameter names", "[callback]") {
  SystemClock clock;
  EventEndpoint endpoint(&clock);
  Result<dingtalk::CallbackCrypto> crypto = dingtalk::CallbackCrypto::Create(kAppTwo);
  REQUIRE(crypto.ok());
  dingtalk::SealedMessage sealed = crypto->Seal(Event("legacy-1"), clock.Now());
  httplib::Client client("127.0.0.1", endpoint.port);
  std::string target = "/dingtalk/events?signature=" + sealed.msg_signature +
                       "&timeStamp=" + sealed.timestamp + "&nonce=" + sealed.nonce;
  auto result = client.Post(target.c_str(), nlohmann::json({{"encrypt", sealed.encrypt}}).dump(),
                            "application/json");
  REQUIRE(result);
  CHECK(result->status == 200);

  // The reply is the encrypted "success", signed over exactly the strings it carries.
  nlohmann::json reply = nlohmann::json::parse(result->body);
  CHECK(reply.size() == 4);
  Result<std::string> opened = crypto->Open(
      reply.at("msg_signature").get<std::string>(), reply.at("timeStamp").get<std::string>(),
      reply.at("nonce").get<std::string>(), reply.at("encrypt").get<std::string>());
  REQUIRE(opened.ok());
  CHECK(*opened == "success");
}

TEST_CASE("Endpoint rejects a stale timestamp", "[callback]") {
  ManualClock server_clock(EpochMs(1700000000000) + std::chrono::hours(2));
  ManualClock pusher_clock(EpochMs(1700000000000));
  EventEndpoint endpoint(&server_clock);
  CallbackTargets targets = TargetsFor(kAppOne, endpoint.Url());
  targets.first_retry = milliseconds(5);
  targets.second_retry = milliseconds(5);
  CallbackPusher pusher(targets, &pusher_clock);
  uint64_t id = pusher.PushEvent(Event("stale-1"));
  REQUIRE(pusher.WaitIdle(milliseconds(5000)));

  std::vector<PushAttempt> attempts = pusher.AttemptsOf(id);
  REQUIRE(attempts.size() == 3);
  CHECK(attempts[0].http_status == 401);
  CHECK(attempts[0].response_body.find("stale timestamp") != std::string::npos);
  Result<InboxCounts> counts = endpoint.inbox->Counts();
  REQUIRE(counts.ok());
  CHECK(counts->total == 0);
}

TEST_CASE("Endpoint rejects a wrong owner key", "[callback]") {
  SystemClock clock;
  EventEndpoint endpoint(&clock);
  CallbackTargets targets = TargetsFor(kAppOne, endpoint.Url());
  targets.owner_key = "dingsomeoneelse00001";
  targets.first_retry = milliseconds(5);
  targets.second_retry = milliseconds(5);
  CallbackPusher pusher(targets, &clock);
  uint64_t id = pusher.PushEvent(Event("owner-1"));
  REQUIRE(pusher.WaitIdle(milliseconds(5000)));

  std::vector<PushAttempt> attempts = pusher.AttemptsOf(id);
  REQUIRE(attempts.size() == 3);
  CHECK(attempts[0].http_status == 403);
  CHECK(attempts[0].response_body.find("wrong_owner") != std::string::npos);
}

TEST_CASE("Endpoint serves several apps", "[callback]") {
  SystemClock clock;
  EventEndpoint endpoint(&clock);
  CallbackPusher first(TargetsFor(kAppOne, endpoint.Url()), &clock);
  CallbackPusher second(TargetsFor(kAppTwo, endpoint.Url()), &clock);
  first.PushEvent(Event("multi-1"));
  second.PushEvent(Event("multi-2"));
  REQUIRE(first.WaitIdle(milliseconds(5000)));
  REQUIRE(second.WaitIdle(milliseconds(5000)));
  REQUIRE(endpoint.inbox->WaitIdle(milliseconds(5000)));

  CHECK(first.Attempts().at(0).accepted);
  CHECK(second.Attempts().at(0).accepted);
  CHECK(endpoint.events.AppFor("id:multi-1") == "app-one");
  CHECK(endpoint.events.AppFor("id:multi-2") == "app-two");
}

TEST_CASE("Endpoint config is validated", "[callback]") {
  SystemClock clock;
  TempDatabase database;
  RecordingHandler handler;
  EventInboxOptions inbox_options;
  inbox_options.database_path = database.path();
  Result<std::unique_ptr<EventInbox>> inbox = EventInbox::Open(inbox_options, &handler, &clock);
  REQUIRE(inbox.ok());

  SECTION("no apps") {
    Result<std::unique_ptr<CallbackServer>> server =
        CallbackServer::Create({}, inbox->get(), nullptr, nullptr, &clock);
    REQUIRE(!server.ok());
    CHECK(server.error().message.find("no apps") != std::string::npos);
  }
  SECTION("bad aes key names the app") {
    CallbackServerOptions options;
    dingtalk::CallbackCryptoConfig broken = kAppOne;
    broken.aes_key = "tooshort";
    options.apps = {{"app-broken", broken}};
    Result<std::unique_ptr<CallbackServer>> server =
        CallbackServer::Create(options, inbox->get(), nullptr, nullptr, &clock);
    REQUIRE(!server.ok());
    CHECK(server.error().message.find("app-broken") != std::string::npos);
    CHECK(server.error().message.find("tooshort") == std::string::npos);
  }
  SECTION("duplicate app names") {
    CallbackServerOptions options;
    options.apps = {{"same", kAppOne}, {"same", kAppTwo}};
    CHECK(!CallbackServer::Create(options, inbox->get(), nullptr, nullptr, &clock).ok());
  }
}

}  // namespace
}  // namespace logbridge::connector
