// Tests of the sandbox's Stream mode deliveries over loopback: connections/open on the API port,
// card clicks by each card's callbackType, and events and robot messages by the app's push
// mode. The Stream client receives them, and the admin endpoint triggers most of them.
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "dingtalk/sandbox/sandbox_program.h"
#include "dingtalk/stream_client.h"
#include "tests/dingtalk/sandbox_fixture.h"

namespace logbridge::dingtalk {
namespace {

using nlohmann::json;

constexpr std::chrono::milliseconds kWait{5000};

// Records every frame it handles and acknowledges each one as handled.
class RecordingHandler final : public StreamHandler {
 public:
  Status OnEvent(const StreamFrame& frame) override {
    Record(frame);
    return OkStatus();
  }
  Result<std::string> OnCallback(const StreamFrame& frame) override {
    Record(frame);
    return std::string("null");
  }

  // Blocks until `count` frames have arrived, or `timeout` passes; returns the frames so far.
  std::vector<StreamFrame> WaitForFrames(size_t count, std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait_for(lock, timeout, [&] { return frames_.size() >= count; });
    return frames_;
  }

 private:
  void Record(const StreamFrame& frame) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      frames_.push_back(frame);
    }
    changed_.notify_all();
  }

  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<StreamFrame> frames_;
};

// A loopback HTTP receiver standing in for the callback URLs; it records each request's path
// and body.
class Receiver {
 public:
  Receiver() {
    server_.Post(".*", [this](const httplib::Request& request, httplib::Response& response) {
      std::lock_guard<std::mutex> lock(mutex_);
      requests_.emplace_back(request.path, request.body);
      response.set_content("{}", "application/json");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  ~Receiver() {
    server_.stop();
    thread_.join();
  }

  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  std::vector<std::pair<std::string, std::string>> requests() {
    std::lock_guard<std::mutex> lock(mutex_);
    return requests_;
  }

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::mutex mutex_;
  std::vector<std::pair<std::string, std::string>> requests_;
};

// Every HTTP callback kind pointed at `receiver` (/events, /card, /robot), retrying after 10 ms
// because the receiver never returns the encrypted "success" an event push expects.
CallbackTargets ReceiverTargets(const Receiver& receiver) {
  CallbackTargets targets;
  targets.event_url = receiver.url("/events");
  targets.token = "token";
  targets.aes_key = std::string(43, 'a');
  targets.owner_key = DefaultSandboxApp().app_key;
  targets.card_url = receiver.url("/card");
  targets.robot_url = receiver.url("/robot");
  targets.first_retry = std::chrono::milliseconds(10);
  targets.second_retry = std::chrono::milliseconds(10);
  return targets;
}

// The program's servers on the small organization, with one app in `push_mode` and, when
// `callbacks` is set, HTTP callback targets.
SandboxProgram StartProgram(SandboxPushMode push_mode,
                            std::optional<CallbackTargets> callbacks = std::nullopt) {
  SandboxProgramOptions options;
  SandboxApp app = DefaultSandboxApp();
  app.push_mode = push_mode;
  options.sandbox.apps = {app};
  options.sandbox.organization = SmallOrganization();
  options.sandbox.callbacks = std::move(callbacks);
  Result<SandboxProgram> program = StartSandboxProgram(std::move(options));
  REQUIRE(program.ok());
  return std::move(*program);
}

// A started Stream client of the default app that opens its connections at `base_url`.
std::unique_ptr<StreamClient> ConnectedClient(const std::string& base_url, StreamHandler* handler) {
  StreamClientOptions options;
  options.api_base_url = base_url;
  options.client_id = DefaultSandboxApp().app_key;
  options.client_secret = DefaultSandboxApp().app_secret;
  options.backoff.initial = std::chrono::milliseconds(50);
  options.backoff.max = std::chrono::milliseconds(200);
  Result<std::unique_ptr<StreamClient>> client = StreamClient::Create(options, handler);
  REQUIRE(client.ok());
  REQUIRE((*client)->Start().ok());
  REQUIRE((*client)->WaitForConnections(1, kWait));
  return std::move(*client);
}

// The program with every HTTP callback pointed at a receiver, and a Stream client of the app
// connected through the sandbox's API port.
struct StreamScene {
  explicit StreamScene(SandboxPushMode push_mode)
      : program(StartProgram(push_mode, ReceiverTargets(receiver))),
        client(ConnectedClient(program.sandbox->base_url(), &handler)) {}
  ~StreamScene() { client->Stop(); }

  Receiver receiver;
  SandboxProgram program;
  RecordingHandler handler;
  std::unique_ptr<StreamClient> client;
};

// Fetches a v1.0 token of the default app and creates a card for mgr with `callback_type`.
void CreateCard(Sandbox& sandbox, const std::string& out_track_id,
                const std::string& callback_type) {
  httplib::Client client("127.0.0.1", sandbox.port());
  SandboxApp app = DefaultSandboxApp();
  auto token_response = client.Post(
      "/v1.0/oauth2/accessToken",
      json({{"appKey", app.app_key}, {"appSecret", app.app_secret}}).dump(), "application/json");
  REQUIRE(token_response);
  std::string token = json::parse(token_response->body).value("accessToken", "");
  REQUIRE_FALSE(token.empty());
  json card = {{"cardTemplateId", "t"},
               {"outTrackId", out_track_id},
               {"openSpaceId", "dtv1.card//IM_ROBOT.mgr"},
               {"callbackType", callback_type},
               {"cardData", {{"cardParamMap", {{"title", "请审批"}}}}}};
  auto created =
      client.Post("/v1.0/card/instances/createAndDeliver", {{"x-acs-dingtalk-access-token", token}},
                  card.dump(), "application/json");
  REQUIRE(created);
  REQUIRE(created->status == 200);
}

// POSTs `body` to an admin path of the sandbox and returns the HTTP status.
int PostAdmin(Sandbox& sandbox, const std::string& path, const json& body) {
  httplib::Client client("127.0.0.1", sandbox.port());
  auto response = client.Post(path.c_str(), body.dump(), "application/json");
  REQUIRE(response);
  return response->status;
}

// POSTs a connections/open body to `port`; returns the status and the parsed body.
std::pair<int, json> OpenOn(int32_t port, const std::string& body) {
  httplib::Client client("127.0.0.1", port);
  auto response = client.Post("/v1.0/gateway/connections/open", body, "application/json");
  REQUIRE(response);
  return {response->status, json::parse(response->body, nullptr, false)};
}

TEST_CASE("sandbox API port opens stream connections", "[sandbox]") {
  SandboxProgram program = StartProgram(SandboxPushMode::kHttp);
  RecordingHandler handler;
  std::unique_ptr<StreamClient> client = ConnectedClient(program.sandbox->base_url(), &handler);
  CHECK(client->Stats().connected);
  REQUIRE(program.gateway->WaitForConnections(1, kWait));
  REQUIRE(program.gateway->Connections().size() == 1);
  CHECK(program.gateway->Connections()[0].client_id == DefaultSandboxApp().app_key);
  CHECK(program.sandbox->CallCount("/v1.0/gateway/connections/open") >= 1);

  // The response names the gateway's WebSocket, as api.dingtalk.com names another host.
  json open = {{"clientId", DefaultSandboxApp().app_key},
               {"clientSecret", DefaultSandboxApp().app_secret},
               {"subscriptions", {{{"type", "EVENT"}, {"topic", "*"}}}}};
  auto [status, body] = OpenOn(program.sandbox->port(), open.dump());
  CHECK(status == 200);
  CHECK(body["endpoint"] ==
        "ws://127.0.0.1:" + std::to_string(program.gateway->port()) + "/connect");
  CHECK_FALSE(body.value("ticket", "").empty());
  client->Stop();
}

TEST_CASE("sandbox API port open errors match gateway", "[sandbox]") {
  SandboxProgram program = StartProgram(SandboxPushMode::kHttp);
  json wrong = {{"clientId", DefaultSandboxApp().app_key},
                {"clientSecret", "not-the-secret"},
                {"subscriptions", {{{"type", "EVENT"}, {"topic", "*"}}}}};
  for (int32_t port : {program.sandbox->port(), program.gateway->port()}) {
    auto [unauthorized, denied] = OpenOn(port, wrong.dump());
    CHECK(unauthorized == 401);
    CHECK(denied["code"] == "authFailed");
    auto [bad_request, invalid] = OpenOn(port, "not json");
    CHECK(bad_request == 400);
    CHECK(invalid["code"] == "invalidParameter");
  }
  CHECK(program.gateway->rejected_opens() == 4);
}

TEST_CASE("sandbox without gateway has no open route", "[sandbox]") {
  SandboxProgramOptions options;
  options.stream_gateway = false;
  Result<SandboxProgram> program = StartSandboxProgram(std::move(options));
  REQUIRE(program.ok());
  auto [status, body] = OpenOn(program->sandbox->port(), "{}");
  CHECK(status == 404);
  CHECK(body["code"] == "NotFound");
}

TEST_CASE("stream card click arrives over stream", "[sandbox]") {
  StreamScene scene(SandboxPushMode::kHttp);
  CreateCard(*scene.program.sandbox, "stream-card", "STREAM");

  CHECK(PostAdmin(*scene.program.sandbox, "/sandbox/cards/click",
                  {{"out_track_id", "stream-card"},
                   {"userid", "mgr"},
                   {"action_id", "reject"},
                   {"params", {{"reason", "金额不符"}}}}) == 200);
  std::vector<StreamFrame> frames = scene.handler.WaitForFrames(1, kWait);
  REQUIRE(frames.size() == 1);
  CHECK(frames[0].type == StreamFrameType::kCallback);
  CHECK(frames[0].topic() == kStreamCardTopic);
  CHECK(frames[0].Header("appId") == DefaultSandboxApp().app_key);
  json data = json::parse(frames[0].data);
  CHECK(data["type"] == "actionCallback");
  CHECK(data["outTrackId"] == "stream-card");
  CHECK(data["userId"] == "mgr");
  CHECK(data["corpId"] == "dingsandboxcorp");
  json content = json::parse(data["content"].get<std::string>());
  CHECK(content["cardPrivateData"]["actionIds"][0] == "reject");
  CHECK(content["cardPrivateData"]["params"]["reason"] == "金额不符");

  // Nothing went to the HTTP card URL.
  REQUIRE(scene.program.sandbox->pusher() != nullptr);
  CHECK(scene.program.sandbox->pusher()->WaitIdle(kWait));
  CHECK(scene.receiver.requests().empty());
}

TEST_CASE("http card click stays on http", "[sandbox]") {
  StreamScene scene(SandboxPushMode::kStream);
  CreateCard(*scene.program.sandbox, "http-card", "HTTP");

  REQUIRE(scene.program.sandbox->ClickCard("http-card", "mgr", "approve", {}).ok());
  REQUIRE(scene.program.sandbox->pusher()->WaitIdle(kWait));
  std::vector<std::pair<std::string, std::string>> requests = scene.receiver.requests();
  REQUIRE(requests.size() == 1);
  CHECK(requests[0].first == "/card");
  CHECK(json::parse(requests[0].second)["outTrackId"] == "http-card");
  CHECK(scene.program.gateway->Deliveries().empty());
  CHECK(scene.handler.WaitForFrames(1, std::chrono::milliseconds(200)).empty());
}

TEST_CASE("stream app gets robot messages over stream", "[sandbox]") {
  StreamScene scene(SandboxPushMode::kStream);

  CHECK(PostAdmin(*scene.program.sandbox, "/sandbox/robot/messages",
                  {{"userid", "u1"}, {"text", "我的分数"}}) == 200);
  std::vector<StreamFrame> frames = scene.handler.WaitForFrames(1, kWait);
  REQUIRE(frames.size() == 1);
  CHECK(frames[0].type == StreamFrameType::kCallback);
  CHECK(frames[0].topic() == kStreamRobotTopic);
  json data = json::parse(frames[0].data);
  CHECK(data["msgtype"] == "text");
  CHECK(data["text"]["content"] == "我的分数");
  CHECK(data["senderStaffId"] == "u1");
  CHECK(data["senderNick"] == "张三");
  CHECK(data["robotCode"] == DefaultSandboxApp().robot_code);
  CHECK_FALSE(data.value("msgId", "").empty());
}

TEST_CASE("stream app gets events over stream", "[sandbox]") {
  StreamScene scene(SandboxPushMode::kStream);

  json event = {{"EventType", "user_add_org"}, {"eventId", "evt-7"}, {"UserId", {"u2"}}};
  CHECK(PostAdmin(*scene.program.sandbox, "/sandbox/events", {{"event", event}}) == 200);
  std::vector<StreamFrame> frames = scene.handler.WaitForFrames(1, kWait);
  REQUIRE(frames.size() == 1);
  CHECK(frames[0].type == StreamFrameType::kEvent);
  CHECK(frames[0].topic() == "*");
  CHECK(frames[0].Header("eventType") == "user_add_org");
  CHECK(frames[0].Header("eventId") == "evt-7");
  CHECK(frames[0].Header("eventUnifiedAppId") == DefaultSandboxApp().app_key);
  CHECK(json::parse(frames[0].data) == json({{"UserId", {"u2"}}}));

  // An app that receives by Stream gets no HTTP push, and an event without a type is rejected.
  CHECK(scene.program.sandbox->pusher()->WaitIdle(kWait));
  CHECK(scene.receiver.requests().empty());
  CHECK(PostAdmin(*scene.program.sandbox, "/sandbox/events", {{"event", {{"UserId", {"u2"}}}}}) ==
        400);
}

TEST_CASE("http app gets events over http", "[sandbox]") {
  StreamScene scene(SandboxPushMode::kHttp);

  REQUIRE(scene.program.sandbox->PushEvent(R"({"EventType":"user_add_org","UserId":["u2"]})").ok());
  REQUIRE(scene.program.sandbox->SendRobotMessage("u1", "我的分数").ok());
  REQUIRE(scene.program.sandbox->pusher()->WaitIdle(kWait));
  std::set<std::string> paths;
  for (const auto& [path, body] : scene.receiver.requests()) {
    paths.insert(path);
  }
  CHECK(paths == std::set<std::string>{"/events", "/robot"});
  CHECK(scene.program.gateway->Deliveries().empty());
  CHECK(scene.handler.WaitForFrames(1, std::chrono::milliseconds(200)).empty());
}

TEST_CASE("gateway routes frames to the named app", "[sandbox]") {
  SandboxApp first = DefaultSandboxApp();
  SandboxApp second{"second-key", "second-secret", 43, "second-robot"};
  StreamGatewayOptions options;
  options.apps = {{first.app_key, first.app_secret}, {second.app_key, second.app_secret}};
  Result<std::unique_ptr<StreamGateway>> gateway = StreamGateway::Start(options);
  REQUIRE(gateway.ok());

  RecordingHandler first_handler;
  std::unique_ptr<StreamClient> first_client =
      ConnectedClient((*gateway)->base_url(), &first_handler);
  RecordingHandler second_handler;
  StreamClientOptions second_options;
  second_options.api_base_url = (*gateway)->base_url();
  second_options.client_id = second.app_key;
  second_options.client_secret = second.app_secret;
  Result<std::unique_ptr<StreamClient>> second_client =
      StreamClient::Create(second_options, &second_handler);
  REQUIRE(second_client.ok());
  REQUIRE((*second_client)->Start().ok());
  REQUIRE((*second_client)->WaitForConnections(1, kWait));

  for (int i = 0; i < 4; ++i) {
    (*gateway)->PushCallback(std::string(kStreamCardTopic), "{}", second.app_key);
  }
  std::vector<StreamFrame> frames = second_handler.WaitForFrames(4, kWait);
  REQUIRE(frames.size() == 4);
  CHECK(frames[0].Header("appId") == second.app_key);
  CHECK(first_handler.WaitForFrames(1, std::chrono::milliseconds(200)).empty());
  (*second_client)->Stop();
  first_client->Stop();
}

}  // namespace
}  // namespace logbridge::dingtalk
