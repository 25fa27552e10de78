// Tests for Stream mode: frame and ACK wire format, the backoff formula, and the client against
// the sandbox gateway over loopback (tickets, events, callbacks, pings, disconnects, drops,
// redelivery and bad credentials).

#include <atomic>
#include <mutex>
#include <thread>

#include <arpa/inet.h>
#include <catch2/catch.hpp>
#include <httplib.h>
#include <netinet/in.h>
#include <nlohmann/json.hpp>
#include <sys/socket.h>
#include <unistd.h>

#include "dingtalk/sandbox/sandbox.h"
#include "dingtalk/sandbox/stream_gateway.h"
#include "dingtalk/stream_client.h"

namespace logbridge::dingtalk {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;

constexpr milliseconds kWait{5000};

// Records every frame; fails the next `fail_events` events and responds to callbacks with
// `callback_response`.
class RecordingHandler final : public StreamHandler {
 public:
  Status OnEvent(const StreamFrame& frame) override {
    std::lock_guard<std::mutex> lock(mutex_);
    events_.push_back(frame);
    if (fail_events_ > 0) {
      --fail_events_;
      return MakeError(ErrorCode::kUnavailable, "inbox busy");
    }
    return OkStatus();
  }

  Result<std::string> OnCallback(const StreamFrame& frame) override {
    std::lock_guard<std::mutex> lock(mutex_);
    callbacks_.push_back(frame);
    if (frame.topic() == "/v1.0/unknown") {
      return MakeError(ErrorCode::kNotFound, "topic not supported");
    }
    return callback_response_;
  }

  void FailNextEvents(int count) {
    std::lock_guard<std::mutex> lock(mutex_);
    fail_events_ = count;
  }
  void SetCallbackResponse(std::string response) {
    std::lock_guard<std::mutex> lock(mutex_);
    callback_response_ = std::move(response);
  }
  std::vector<StreamFrame> events() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return events_;
  }
  std::vector<StreamFrame> callbacks() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return callbacks_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<StreamFrame> events_;
  std::vector<StreamFrame> callbacks_;
  int fail_events_ = 0;
  std::string callback_response_ = "null";
};

StreamGatewayOptions FastGateway() {
  StreamGatewayOptions options;
  options.redelivery_timeout = milliseconds(150);
  options.disconnect_grace = milliseconds(100);
  return options;
}

StreamClientOptions FastClient(const StreamGateway& gateway) {
  SandboxApp app = DefaultSandboxApp();
  StreamClientOptions options;
  options.api_base_url = gateway.base_url();
  options.client_id = app.app_key;
  options.client_secret = app.app_secret;
  options.backoff.initial = milliseconds(20);
  options.backoff.max = milliseconds(200);
  options.connect_timeout = milliseconds(2000);
  options.http_timeout = milliseconds(2000);
  return options;
}

// A gateway, a recording handler and a started client connected to the gateway.
struct Connected {
  explicit Connected(StreamGatewayOptions gateway_options = FastGateway(),
                     std::vector<StreamSubscription> subscriptions = DefaultStreamSubscriptions()) {
    gateway = std::move(StreamGateway::Start(std::move(gateway_options)).value());
    StreamClientOptions options = FastClient(*gateway);
    options.subscriptions = std::move(subscriptions);
    client = std::move(StreamClient::Create(options, &handler).value());
    REQUIRE(client->Start().ok());
    REQUIRE(client->WaitForConnections(1, kWait));
    REQUIRE(gateway->WaitForConnections(1, kWait));
  }

  std::unique_ptr<StreamGateway> gateway;
  RecordingHandler handler;
  std::unique_ptr<StreamClient> client;
};

// Returns the acknowledgements the gateway recorded for `message_id`, in arrival order.
std::vector<StreamAck> AcksOf(const StreamGateway& gateway, const std::string& message_id) {
  std::vector<StreamAck> acks;
  for (const RecordedStreamAck& recorded : gateway.Acks()) {
    if (recorded.ack.message_id == message_id) {
      acks.push_back(recorded.ack);
    }
  }
  return acks;
}

StreamDeliveryState DeliveryOf(const StreamGateway& gateway, const std::string& message_id) {
  for (const StreamDeliveryState& state : gateway.Deliveries()) {
    if (state.message_id == message_id) {
      return state;
    }
  }
  FAIL("no delivery state for " << message_id);
  return {};
}

httplib::Result PostOpen(const StreamGateway& gateway, const std::string& secret) {
  httplib::Client http("127.0.0.1", gateway.port());
  json body = {{"clientId", DefaultSandboxApp().app_key},
               {"clientSecret", secret},
               {"subscriptions", {{{"type", "EVENT"}, {"topic", "*"}}}}};
  return http.Post("/v1.0/gateway/connections/open", body.dump(), "application/json");
}

// Sends a WebSocket upgrade for `ticket` over a plain socket and returns the HTTP status.
int UpgradeStatus(int port, const std::string& ticket) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    ::close(fd);
    return -1;
  }
  std::string request = "GET /connect?ticket=" + ticket +
                        " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                        "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                        "Sec-WebSocket-Version: 13\r\n\r\n";
  ::send(fd, request.data(), request.size(), 0);
  char reply[64] = {};
  ssize_t received = ::recv(fd, reply, sizeof(reply) - 1, 0);
  ::close(fd);
  std::string status_line(reply, received > 0 ? static_cast<size_t>(received) : 0);
  return status_line.size() >= 12 ? std::stoi(status_line.substr(9, 3)) : -1;
}

TEST_CASE("stream frame parses headers and data", "[stream]") {
  Result<StreamFrame> frame = ParseStreamFrame(
      R"({"specVersion":"1.0","type":"EVENT","headers":{"topic":"*","messageId":"m1",)"
      R"("eventType":"user_add_org","eventBornTime":1685501863357},)"
      R"("data":"{\"userId\":[\"u1\"]}"})");
  REQUIRE(frame.ok());
  CHECK(frame->type == StreamFrameType::kEvent);
  CHECK(frame->message_id() == "m1");
  CHECK(frame->topic() == "*");
  CHECK(frame->Header("eventType") == "user_add_org");
  CHECK(frame->Header("eventBornTime") == "1685501863357");
  CHECK(frame->Header("missing").empty());
  CHECK(frame->data == R"({"userId":["u1"]})");

  Result<StreamFrame> again = ParseStreamFrame(StreamFrameJson(*frame));
  REQUIRE(again.ok());
  CHECK(again->headers == frame->headers);
  CHECK(again->data == frame->data);
}

TEST_CASE("stream frame rejects malformed input", "[stream]") {
  CHECK(ParseStreamFrame("not json").error().code == ErrorCode::kDataLoss);
  CHECK(ParseStreamFrame("[1]").error().code == ErrorCode::kDataLoss);
  Result<StreamFrame> bad_type =
      ParseStreamFrame(R"({"type":"PUSH","headers":{"messageId":"m"},"data":"{}"})");
  CHECK(bad_type.error().message.find("PUSH") != std::string::npos);
  CHECK_FALSE(ParseStreamFrame(R"({"type":"EVENT","headers":{},"data":"{}"})").ok());
  CHECK_FALSE(ParseStreamFrame(R"({"type":"EVENT","headers":{"messageId":"m"},"data":{}})").ok());
  CHECK_FALSE(ParseStreamFrame(R"({"type":"EVENT","headers":"x","data":"{}"})").ok());
}

TEST_CASE("stream ACK round trips", "[stream]") {
  StreamAck ack{500, "m7", "busy", R"({"status":"LATER"})"};
  std::string text = StreamAckJson(ack);
  json wire = json::parse(text);
  CHECK(wire["headers"]["messageId"] == "m7");
  CHECK(wire["headers"]["contentType"] == "application/json");
  CHECK(wire["data"].is_string());

  Result<StreamAck> parsed = ParseStreamAck(text);
  REQUIRE(parsed.ok());
  CHECK(parsed->code == 500);
  CHECK(parsed->message_id == "m7");
  CHECK(parsed->message == "busy");
  CHECK(parsed->data == R"({"status":"LATER"})");
  CHECK_FALSE(ParseStreamAck(R"({"code":200,"headers":{},"data":""})").ok());
}

TEST_CASE("stream backoff doubles up to the cap", "[stream]") {
  StreamBackoff backoff;  // 1 s doubling to 60 s, jitter up to 20 percent
  CHECK(StreamBackoffDelay(backoff, 0, 0.0) == milliseconds(1000));
  CHECK(StreamBackoffDelay(backoff, 1, 0.0) == milliseconds(2000));
  CHECK(StreamBackoffDelay(backoff, 5, 0.0) == milliseconds(32000));
  CHECK(StreamBackoffDelay(backoff, 6, 0.0) == milliseconds(60000));
  CHECK(StreamBackoffDelay(backoff, 1000, 0.0) == milliseconds(60000));
  CHECK(StreamBackoffDelay(backoff, 0, 0.5) == milliseconds(1100));
  CHECK(StreamBackoffDelay(backoff, 6, 0.5) == milliseconds(66000));
}

TEST_CASE("stream client options are validated", "[stream]") {
  RecordingHandler handler;
  StreamClientOptions options;
  options.client_id = "key";
  CHECK(StreamClient::Create(options, &handler).error().message.find("client_secret") !=
        std::string::npos);
  options.client_secret = "secret";
  options.subscriptions = {{"EVENT", "user_add_org"}};
  CHECK(StreamClient::Create(options, &handler).error().code == ErrorCode::kInvalidArgument);
  options.subscriptions = DefaultStreamSubscriptions();
  options.api_base_url = "ftp://example";
  CHECK_FALSE(StreamClient::Create(options, &handler).ok());
  options.api_base_url = "https://api.dingtalk.com";
  CHECK(StreamClient::Create(options, &handler).ok());
}

TEST_CASE("stream gateway tickets are single use and expire", "[stream]") {
  ManualClock clock(EpochMs(1'700'000'000'000));
  StreamGatewayOptions options = FastGateway();
  options.clock = &clock;
  auto gateway = std::move(StreamGateway::Start(options).value());

  httplib::Result opened = PostOpen(*gateway, DefaultSandboxApp().app_secret);
  REQUIRE(opened);
  REQUIRE(opened->status == 200);
  json body = json::parse(opened->body);
  CHECK(body["endpoint"] == "ws://127.0.0.1:" + std::to_string(gateway->port()) + "/connect");
  std::string ticket = body["ticket"];
  CHECK(UpgradeStatus(gateway->port(), ticket) == 101);
  CHECK(UpgradeStatus(gateway->port(), ticket) == 401);

  httplib::Result second = PostOpen(*gateway, DefaultSandboxApp().app_secret);
  REQUIRE(second);
  clock.Advance(milliseconds(90001));
  CHECK(UpgradeStatus(gateway->port(), json::parse(second->body)["ticket"]) == 401);
  CHECK(gateway->tickets_issued() == 2);
  CHECK(gateway->rejected_upgrades() == 2);
}

TEST_CASE("stream gateway rejects bad credentials", "[stream]") {
  auto gateway = std::move(StreamGateway::Start(FastGateway()).value());
  httplib::Result opened = PostOpen(*gateway, "wrong-secret");
  REQUIRE(opened);
  CHECK(opened->status == 401);
  json body = json::parse(opened->body);
  CHECK(body["code"] == "authFailed");
  CHECK(body.contains("requestid"));

  RecordingHandler handler;
  StreamClientOptions options = FastClient(*gateway);
  options.client_secret = "wrong-secret";
  std::atomic<int> jitter_draws{0};
  options.random_unit = [&jitter_draws] {
    jitter_draws.fetch_add(1);
    return 0.0;
  };
  auto client = std::move(StreamClient::Create(options, &handler).value());
  REQUIRE(client->Start().ok());
  CHECK_FALSE(client->WaitForConnections(1, milliseconds(400)));
  client->Stop();
  StreamClientStats stats = client->Stats();
  CHECK(stats.failed_attempts >= 2);
  CHECK(stats.tickets_opened == 0);
  CHECK(stats.last_error.find("authFailed") != std::string::npos);
  CHECK(stats.last_error.find("wrong-secret") == std::string::npos);
  CHECK(gateway->rejected_opens() >= 3);
  CHECK(jitter_draws.load() == stats.failed_attempts);
}

TEST_CASE("stream client subscribes default topics", "[stream]") {
  Connected connected;
  std::vector<StreamConnectionInfo> connections = connected.gateway->Connections();
  REQUIRE(connections.size() == 1);
  CHECK(connections[0].client_id == DefaultSandboxApp().app_key);
  REQUIRE(connections[0].subscriptions.size() == 3);
  CHECK(connections[0].subscriptions[0].type == "EVENT");
  CHECK(connections[0].subscriptions[0].topic == "*");
  CHECK(connections[0].subscriptions[1].topic == kStreamRobotTopic);
  CHECK(connections[0].subscriptions[2].topic == kStreamCardTopic);
  CHECK(connected.client->Stats().tickets_opened == 1);
  CHECK(connected.client->Stats().connected);
}

TEST_CASE("stream event is delivered and acknowledged", "[stream]") {
  Connected connected;
  std::string message_id =
      connected.gateway->PushEvent("user_add_org", R"({"userId":["u1"]})", "evt-1");
  REQUIRE(connected.gateway->WaitForAck(message_id, kWait));

  std::vector<StreamFrame> events = connected.handler.events();
  REQUIRE(events.size() == 1);
  CHECK(events[0].Header("eventId") == "evt-1");
  CHECK(events[0].Header("eventType") == "user_add_org");
  CHECK(events[0].data == R"({"userId":["u1"]})");

  std::vector<StreamAck> acks = AcksOf(*connected.gateway, message_id);
  REQUIRE(acks.size() == 1);
  CHECK(acks[0].code == 200);
  CHECK(json::parse(acks[0].data)["status"] == "SUCCESS");
  CHECK(DeliveryOf(*connected.gateway, message_id).deliveries == 1);
}

TEST_CASE("stream callback ACK carries the response", "[stream]") {
  Connected connected;
  connected.handler.SetCallbackResponse(R"({"cardData":{"cardParamMap":{"status":"ok"}}})");
  std::string card = connected.gateway->PushCallback(std::string(kStreamCardTopic), "{}");
  REQUIRE(connected.gateway->WaitForAck(card, kWait));
  std::vector<StreamAck> acks = AcksOf(*connected.gateway, card);
  REQUIRE(acks.size() == 1);
  CHECK(acks[0].code == 200);
  CHECK(json::parse(acks[0].data)["response"]["cardData"]["cardParamMap"]["status"] == "ok");

  connected.handler.SetCallbackResponse("not json");
  std::string broken = connected.gateway->PushCallback(std::string(kStreamRobotTopic), "{}");
  REQUIRE(connected.gateway->WaitForAckCount(2, kWait));
  std::vector<StreamAck> broken_acks = AcksOf(*connected.gateway, broken);
  REQUIRE(broken_acks.size() == 1);
  CHECK(broken_acks[0].code == 500);
  CHECK(json::parse(broken_acks[0].data)["response"].is_null());
}

TEST_CASE("stream ping is echoed", "[stream]") {
  Connected connected;
  std::vector<StreamFrame> pings = connected.gateway->SendPing();
  REQUIRE(pings.size() == 1);
  REQUIRE(connected.gateway->WaitForAck(pings[0].message_id(), kWait));
  std::vector<StreamAck> acks = AcksOf(*connected.gateway, pings[0].message_id());
  REQUIRE(acks.size() == 1);
  CHECK(acks[0].code == 200);
  CHECK(acks[0].data == pings[0].data);
  CHECK(json::parse(acks[0].data).contains("opaque"));
  CHECK(connected.client->Stats().pings == 1);
}

TEST_CASE("stream gateway pings on an interval", "[stream]") {
  StreamGatewayOptions options = FastGateway();
  options.ping_interval = milliseconds(30);
  Connected connected(options);
  REQUIRE(connected.gateway->WaitForAckCount(3, kWait));
  for (const RecordedStreamAck& recorded : connected.gateway->Acks()) {
    CHECK(recorded.ack.code == 200);
    CHECK(json::parse(recorded.ack.data).contains("opaque"));
  }
  CHECK(connected.client->Stats().pings >= 3);
}

TEST_CASE("stream disconnect reconnects with a new ticket", "[stream]") {
  Connected connected;
  connected.gateway->SendDisconnect();
  REQUIRE(connected.client->WaitForConnections(2, kWait));
  CHECK(connected.client->Stats().disconnects == 1);
  CHECK(connected.gateway->tickets_issued() == 2);

  REQUIRE(connected.gateway->WaitForConnections(1, kWait));
  std::string message_id = connected.gateway->PushEvent("user_leave_org", "{}");
  CHECK(connected.gateway->WaitForAck(message_id, kWait));
}

TEST_CASE("stream drop reconnects and delivers", "[stream]") {
  Connected connected;
  connected.gateway->DropConnections();
  std::string message_id = connected.gateway->PushEvent("org_dept_create", R"({"deptId":[7]})");
  REQUIRE(connected.client->WaitForConnections(2, kWait));
  REQUIRE(connected.gateway->WaitForAck(message_id, kWait));
  CHECK(connected.client->Stats().tickets_opened == 2);
  CHECK(connected.handler.events().size() == 1);
}

TEST_CASE("stream redelivery of a lost ACK is deduped", "[stream]") {
  Connected connected;
  connected.gateway->LoseNextAcks(1);
  std::string message_id = connected.gateway->PushEvent("user_add_org", "{}", "evt-dup");
  REQUIRE(connected.gateway->WaitForAck(message_id, kWait));

  CHECK(connected.handler.events().size() == 1);
  CHECK(DeliveryOf(*connected.gateway, message_id).deliveries == 2);
  CHECK(connected.client->Stats().duplicates == 1);

  // A callback redelivered after a lost ACK gets the stored response again.
  connected.handler.SetCallbackResponse(R"({"cardData":{"cardParamMap":{"n":"1"}}})");
  connected.gateway->LoseNextAcks(1);
  std::string card = connected.gateway->PushCallback(std::string(kStreamCardTopic), "{}");
  REQUIRE(connected.gateway->WaitForAck(card, kWait));
  CHECK(connected.handler.callbacks().size() == 1);
  std::vector<StreamAck> acks = AcksOf(*connected.gateway, card);
  REQUIRE(acks.size() == 1);
  CHECK(json::parse(acks[0].data)["response"]["cardData"]["cardParamMap"]["n"] == "1");
}

TEST_CASE("stream handler failure acknowledges LATER", "[stream]") {
  Connected connected;
  connected.handler.FailNextEvents(1);
  std::string message_id = connected.gateway->PushEvent("user_add_org", "{}", "evt-later");
  REQUIRE(connected.gateway->WaitForAck(message_id, kWait));

  CHECK(connected.handler.events().size() == 2);
  std::vector<StreamAck> acks = AcksOf(*connected.gateway, message_id);
  REQUIRE(acks.size() == 2);
  CHECK(acks[0].code == 500);
  CHECK(json::parse(acks[0].data)["status"] == "LATER");
  CHECK(acks[1].code == 200);
  CHECK(json::parse(acks[1].data)["status"] == "SUCCESS");
  CHECK(connected.client->Stats().handler_failures == 1);
}

TEST_CASE("stream unsubscribed topic stays queued", "[stream]") {
  Connected connected;
  std::string message_id = connected.gateway->PushCallback("/v1.0/unknown", "{}");
  std::this_thread::sleep_for(milliseconds(200));
  CHECK(DeliveryOf(*connected.gateway, message_id).deliveries == 0);
  CHECK(connected.handler.callbacks().empty());
}

TEST_CASE("stream unsupported topic gets 404", "[stream]") {
  std::vector<StreamSubscription> subscriptions = DefaultStreamSubscriptions();
  subscriptions.push_back({"CALLBACK", "/v1.0/unknown"});
  Connected connected(FastGateway(), subscriptions);
  std::string message_id = connected.gateway->PushCallback("/v1.0/unknown", "{}");
  REQUIRE(connected.gateway->WaitForAckCount(1, kWait));
  std::vector<StreamAck> acks = AcksOf(*connected.gateway, message_id);
  REQUIRE(acks.size() == 1);
  CHECK(acks[0].code == 404);
}


// Polls Stats until `done` returns true or kWait passes.
template <typename Predicate>
StreamClientStats WaitForStats(const StreamClient& client, Predicate done) {
  auto deadline = std::chrono::steady_clock::now() + kWait;
  StreamClientStats stats = client.Stats();
  while (!done(stats) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(10));
    stats = client.Stats();
  }
  return stats;
}

TEST_CASE("stream stats track disconnected time", "[stream]") {
  const EpochMs start(1771041600000);
  ManualClock clock(start);
  auto gateway = std::move(StreamGateway::Start(FastGateway()).value());
  RecordingHandler handler;
  StreamClientOptions options = FastClient(*gateway);
  options.clock = &clock;
  auto client = std::move(StreamClient::Create(options, &handler).value());
  CHECK_FALSE(client->Stats().disconnected_since.has_value());  // not started

  REQUIRE(client->Start().ok());
  REQUIRE(client->WaitForConnections(1, kWait));
  StreamClientStats connected = client->Stats();
  CHECK(connected.connected);
  CHECK_FALSE(connected.disconnected_since.has_value());
  CHECK(connected.consecutive_failures == 0);

  // The gateway goes away: the client records when it lost the connection and counts retries.
  clock.Advance(milliseconds(30000));
  gateway->Stop();
  StreamClientStats lost =
      WaitForStats(*client, [](const StreamClientStats& stats) {
        return stats.consecutive_failures >= 2;
      });
  CHECK_FALSE(lost.connected);
  REQUIRE(lost.disconnected_since.has_value());
  CHECK(*lost.disconnected_since == start + milliseconds(30000));
  CHECK(lost.consecutive_failures >= 2);
  CHECK_FALSE(lost.last_error.empty());
  client->Stop();
  CHECK_FALSE(client->Stats().disconnected_since.has_value());
}

TEST_CASE("stream failure text redacts the secret", "[stream]") {
  // A server that echoes the request body, secret included, in its error message.
  httplib::Server server;
  server.Post("/v1.0/gateway/connections/open",
              [](const httplib::Request& request, httplib::Response& response) {
                response.status = 400;
                json body = {{"code", "invalidParameter"}, {"message", request.body}};
                response.set_content(body.dump(), "application/json");
              });
  int port = server.bind_to_any_port("127.0.0.1");
  REQUIRE(port > 0);
  std::thread serving([&server] { server.listen_after_bind(); });

  RecordingHandler handler;
  StreamClientOptions options;
  options.api_base_url = "http://127.0.0.1:" + std::to_string(port);
  options.client_id = "echo-key";
  options.client_secret = "echoed-secret-value";
  options.backoff.initial = milliseconds(20);
  options.backoff.max = milliseconds(100);
  auto client = std::move(StreamClient::Create(options, &handler).value());
  REQUIRE(client->Start().ok());
  StreamClientStats stats = WaitForStats(
      *client, [](const StreamClientStats& current) { return current.failed_attempts >= 1; });
  client->Stop();
  server.stop();
  serving.join();

  REQUIRE(stats.failed_attempts >= 1);
  INFO(stats.last_error);
  CHECK(stats.last_error.find("invalidParameter") != std::string::npos);
  CHECK(stats.last_error.find("echoed-secret-value") == std::string::npos);
  CHECK(stats.last_error.find("<redacted>") != std::string::npos);
}

}  // namespace
}  // namespace logbridge::dingtalk
