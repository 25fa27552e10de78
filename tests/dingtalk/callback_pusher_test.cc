// Tests for the sandbox callback pusher against small receivers on loopback: signatures and
// bodies of each push kind, retries after a 5xx or an invalid reply, and the attempt record.

#include "dingtalk/sandbox/callback_pusher.h"

#include <atomic>
#include <thread>

#include <catch2/catch.hpp>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "dingtalk/signature.h"

namespace logbridge::dingtalk {
namespace {

using std::chrono::milliseconds;

constexpr char kToken[] = "mryue";
constexpr char kAesKey[] = "Yue0EfdN5900c1ce5cf6A152c63DDe1808a60c5ecd7";
constexpr char kOwnerKey[] = "dingsandboxappkey";

// An httplib server on an ephemeral loopback port, stopped and joined on destruction.
class Receiver {
 public:
  Receiver() {
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) {
      std::this_thread::sleep_for(milliseconds(1));
    }
  }
  ~Receiver() {
    server_.stop();
    thread_.join();
  }
  httplib::Server& server() { return server_; }
  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
};

CallbackTargets FastTargets() {
  CallbackTargets targets;
  targets.token = kToken;
  targets.aes_key = kAesKey;
  targets.owner_key = kOwnerKey;
  targets.first_retry = milliseconds(40);
  targets.second_retry = milliseconds(80);
  targets.response_timeout = milliseconds(1000);
  return targets;
}

CallbackCrypto ReceiverCrypto() {
  Result<CallbackCrypto> crypto = CallbackCrypto::Create({kToken, kAesKey, kOwnerKey});
  REQUIRE(crypto.ok());
  return std::move(*crypto);
}

TEST_CASE("Pusher delivers an encrypted event", "[callback]") {
  Receiver receiver;
  CallbackCrypto crypto = ReceiverCrypto();
  std::mutex mutex;
  std::vector<std::string> received;
  receiver.server().Post("/events", [&](const httplib::Request& request,
                                        httplib::Response& response) {
    std::string encrypt = nlohmann::json::parse(request.body).at("encrypt");
    Result<std::string> opened =
        crypto.Open(request.get_param_value("msg_signature"), request.get_param_value("timestamp"),
                    request.get_param_value("nonce"), encrypt);
    if (!opened.ok()) {
      response.status = 401;
      return;
    }
    {
      std::lock_guard lock(mutex);
      received.push_back(*opened);
    }
    response.set_content(SealedMessageJson(crypto.Seal("success", EpochMs(1))), "application/json");
  });

  ManualClock clock(EpochMs(1700000000000));
  CallbackTargets targets = FastTargets();
  targets.event_url = receiver.Url("/events");
  CallbackPusher pusher(targets, &clock);
  std::string event = R"({"EventType":"user_add_org","eventId":"e1","UserId":["u1"]})";
  uint64_t id = pusher.PushEvent(event);
  REQUIRE(pusher.WaitIdle(milliseconds(5000)));

  std::vector<PushAttempt> attempts = pusher.AttemptsOf(id);
  REQUIRE(attempts.size() == 1);
  CHECK(attempts[0].accepted);
  CHECK(attempts[0].http_status == 200);
  CHECK(attempts[0].error.empty());
  CHECK(attempts[0].sent_at == EpochMs(1700000000000));
  REQUIRE(received.size() == 1);
  CHECK(received[0] == event);
}

TEST_CASE("Pusher retries after a 5xx", "[callback]") {
  Receiver receiver;
  CallbackCrypto crypto = ReceiverCrypto();
  std::atomic<int> calls{0};
  receiver.server().Post("/events", [&](const httplib::Request&, httplib::Response& response) {
    if (calls.fetch_add(1) == 0) {
      response.status = 503;
      return;
    }
    response.set_content(SealedMessageJson(crypto.Seal("success", EpochMs(1))), "application/json");
  });

  SystemClock clock;
  CallbackTargets targets = FastTargets();
  targets.event_url = receiver.Url("/events");
  CallbackPusher pusher(targets, &clock);
  auto started = std::chrono::steady_clock::now();
  uint64_t id = pusher.PushEvent(R"({"EventType":"x","eventId":"e2"})");
  REQUIRE(pusher.WaitIdle(milliseconds(5000)));
  auto elapsed = std::chrono::steady_clock::now() - started;

  std::vector<PushAttempt> attempts = pusher.AttemptsOf(id);
  REQUIRE(attempts.size() == 2);
  CHECK(attempts[0].attempt == 1);
  CHECK(attempts[0].http_status == 503);
  CHECK(!attempts[0].accepted);
  CHECK(attempts[0].error.find("503") != std::string::npos);
  CHECK(attempts[1].attempt == 2);
  CHECK(attempts[1].accepted);
  CHECK(elapsed >= targets.first_retry);
}

TEST_CASE("Pusher rejects an unencrypted reply", "[callback]") {
  Receiver receiver;
  receiver.server().Post("/events", [&](const httplib::Request&, httplib::Response& response) {
    response.set_content("success", "text/plain");
  });

  SystemClock clock;
  CallbackTargets targets = FastTargets();
  targets.event_url = receiver.Url("/events");
  CallbackPusher pusher(targets, &clock);
  uint64_t id = pusher.PushEvent(R"({"EventType":"x"})");
  REQUIRE(pusher.WaitIdle(milliseconds(5000)));

  std::vector<PushAttempt> attempts = pusher.AttemptsOf(id);
  REQUIRE(attempts.size() == 3);
  for (const PushAttempt& attempt : attempts) {
    CHECK(attempt.http_status == 200);
    CHECK(!attempt.accepted);
    CHECK(attempt.error.find("JSON") != std::string::npos);
  }
}

TEST_CASE("Pusher rejects a reply with a wrong signature", "[callback]") {
  Receiver receiver;
  CallbackCrypto crypto = ReceiverCrypto();
  receiver.server().Post("/events", [&](const httplib::Request&, httplib::Response& response) {
    SealedMessage sealed = crypto.Seal("success", EpochMs(1));
    sealed.msg_signature = std::string(40, '0');
    response.set_content(SealedMessageJson(sealed), "application/json");
  });

  SystemClock clock;
  CallbackTargets targets = FastTargets();
  targets.event_url = receiver.Url("/events");
  targets.second_retry = milliseconds(10);
  CallbackPusher pusher(targets, &clock);
  uint64_t id = pusher.PushEvent(R"({"EventType":"x"})");
  REQUIRE(pusher.WaitIdle(milliseconds(5000)));
  std::vector<PushAttempt> attempts = pusher.AttemptsOf(id);
  REQUIRE(attempts.size() == 3);
  CHECK(attempts[2].error.find("signature") != std::string::npos);
}

TEST_CASE("Pusher records an unreachable receiver", "[callback]") {
  int closed_port = 0;
  {
    Receiver receiver;
    closed_port = std::stoi(receiver.Url("").substr(std::string("http://127.0.0.1:").size()));
  }
  SystemClock clock;
  CallbackTargets targets = FastTargets();
  targets.event_url = "http://127.0.0.1:" + std::to_string(closed_port) + "/events";
  targets.first_retry = milliseconds(1);
  targets.second_retry = milliseconds(1);
  CallbackPusher pusher(targets, &clock);
  uint64_t id = pusher.PushEvent("{}");
  REQUIRE(pusher.WaitIdle(milliseconds(5000)));
  std::vector<PushAttempt> attempts = pusher.AttemptsOf(id);
  REQUIRE(attempts.size() == 3);
  CHECK(attempts[0].http_status == 0);
  CHECK(!attempts[0].error.empty());
}

TEST_CASE("Pusher signs card actions", "[callback]") {
  Receiver receiver;
  std::string body;
  Status verified = MakeError(ErrorCode::kInternal, "no request");
  receiver.server().Post(
      "/card", [&](const httplib::Request& request, httplib::Response& response) {
        body = request.body;
        verified = VerifyCardCallback("card-secret",
                                      request.get_header_value("x-ddpaas-signature-timestamp"),
                                      request.get_header_value("x-ddpaas-signature"),
                                      EpochMs(1700000000000), std::chrono::minutes(5));
        response.set_content(R"({"cardData":{"cardParamMap":{"status":"approved"}}})",
                             "application/json");
      });

  ManualClock clock(EpochMs(1700000000000));
  CallbackTargets targets = FastTargets();
  targets.card_url = receiver.Url("/card");
  targets.card_api_secret = "card-secret";
  CallbackPusher pusher(targets, &clock);
  uint64_t id = pusher.PushCardAction("card-1", "user-7", "approve", {{"decision", "accept"}});
  REQUIRE(pusher.WaitIdle(milliseconds(5000)));

  std::vector<PushAttempt> attempts = pusher.AttemptsOf(id);
  REQUIRE(attempts.size() == 1);
  CHECK(attempts[0].accepted);
  CHECK(attempts[0].response_body.find("approved") != std::string::npos);
  CHECK(verified.ok());
  nlohmann::json parsed = nlohmann::json::parse(body);
  CHECK(parsed.at("outTrackId") == "card-1");
  CHECK(parsed.at("userId") == "user-7");
  nlohmann::json content = nlohmann::json::parse(parsed.at("content").get<std::string>());
  CHECK(content.at("cardPrivateData").at("actionIds").at(0) == "approve");
  CHECK(content.at("cardPrivateData").at("params").at("decision") == "accept");
}

TEST_CASE("Pusher signs robot messages", "[callback]") {
  Receiver receiver;
  std::string body;
  Status verified = MakeError(ErrorCode::kInternal, "no request");
  receiver.server().Post("/robot", [&](const httplib::Request& request, httplib::Response&) {
    body = request.body;
    verified = VerifyRobotCallback("robot-secret", request.get_header_value("timestamp"),
                                   request.get_header_value("sign"), EpochMs(1700000000000));
  });

  ManualClock clock(EpochMs(1700000000000));
  CallbackTargets targets = FastTargets();
  targets.robot_url = receiver.Url("/robot");
  targets.robot_app_secret = "robot-secret";
  targets.robot_session_webhook = "http://127.0.0.1:1/session";
  CallbackPusher pusher(targets, &clock);
  uint64_t id = pusher.PushRobotMessage("user-7", "张三", "我的得分");
  REQUIRE(pusher.WaitIdle(milliseconds(5000)));

  REQUIRE(pusher.AttemptsOf(id).size() == 1);
  CHECK(verified.ok());
  nlohmann::json parsed = nlohmann::json::parse(body);
  CHECK(parsed.at("text").at("content") == "我的得分");
  CHECK(parsed.at("senderStaffId") == "user-7");
  CHECK(parsed.at("senderNick") == "张三");
  CHECK(parsed.at("sessionWebhook") == "http://127.0.0.1:1/session");
  CHECK(parsed.at("msgId").get<std::string>().size() > 3);
}

TEST_CASE("Pusher records missing URL and bad key", "[callback]") {
  SystemClock clock;
  CallbackTargets targets = FastTargets();
  targets.first_retry = milliseconds(1);
  targets.second_retry = milliseconds(1);
  targets.aes_key = "short";
  targets.event_url = "http://127.0.0.1:1/events";
  CallbackPusher pusher(targets, &clock);
  uint64_t event = pusher.PushEvent("{}");
  uint64_t card = pusher.PushCardAction("c", "u", "a", {});
  REQUIRE(pusher.WaitIdle(milliseconds(5000)));
  REQUIRE(pusher.AttemptsOf(event).size() == 3);
  CHECK(pusher.AttemptsOf(event)[0].error.find("aes_key") != std::string::npos);
  REQUIRE(pusher.AttemptsOf(card).size() == 3);
  CHECK(pusher.AttemptsOf(card)[0].error.find("card_url") != std::string::npos);

  nlohmann::json listed = nlohmann::json::parse(pusher.AttemptsJson());
  CHECK(listed.size() == 6);
}

}  // namespace
}  // namespace logbridge::dingtalk
