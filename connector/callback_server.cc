// Routes of the callback endpoint. Each handler checks the platform signature before anything
// else, and every rejection logs one line naming the cause, the route and the peer address.
// Secrets and decrypted payloads are never logged.

#include "connector/callback_server.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <set>
#include <thread>

#include <httplib.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "connector/callback_log.h"
#include "connector/card_actions.h"
#include "connector/event_inbox.h"
#include "connector/robot_commands.h"
#include "dingtalk/signature.h"

namespace logbridge::connector {
namespace {

using nlohmann::json;

// Timestamps below this are epoch seconds (legacy pushes), above it epoch milliseconds.
constexpr int64_t kSecondsMillisecondsBoundary = 100'000'000'000;

// Requests served on one keep-alive connection before the server closes it.
constexpr size_t kKeepAliveMaxRequests = 10000;

// Response timeout when posting a robot reply to its sessionWebhook.
constexpr auto kSessionWebhookTimeout = std::chrono::seconds(3);

// Validation events the platform sends when a URL is registered. They get a reply but are
// never stored.
bool IsUrlCheck(std::string_view event_type) {
  return event_type == "check_url" || event_type == "check_create_suite_url" ||
         event_type == "check_update_suite_url";
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// Returns the value of the first key equal to `name` ignoring ASCII case, or nullptr. Legacy
// events vary the casing of keys such as CorpId and TimeStamp.
const json* FindIgnoreCase(const json& object, std::string_view name) {
  for (auto it = object.begin(); it != object.end(); ++it) {
    if (EqualsIgnoreCase(it.key(), name)) {
      return &it.value();
    }
  }
  return nullptr;
}

// Returns a scalar field as text: strings as they are, numbers in decimal, else "".
std::string ScalarText(const json& object, std::string_view name) {
  const json* value = FindIgnoreCase(object, name);
  if (value == nullptr) {
    return "";
  }
  if (value->is_string()) {
    return value->get<std::string>();
  }
  if (value->is_number()) {
    return value->dump();
  }
  return "";
}

void Answer(httplib::Response& response, int status, const std::string& message) {
  response.status = status;
  response.set_content(
      json({{"error", message}}).dump(-1, ' ', false, json::error_handler_t::replace),
      "application/json");
}

// Returns the first non-empty query parameter among `names`.
std::string FirstParam(const httplib::Request& request, std::initializer_list<const char*> names) {
  for (const char* name : names) {
    std::string value = request.get_param_value(name);
    if (!value.empty()) {
      return value;
    }
  }
  return "";
}

}  // namespace

struct CallbackServer::Impl {
  struct OpenedApp {
    std::string name;
    dingtalk::CallbackCrypto crypto;
  };

  CallbackServerOptions options;
  std::vector<OpenedApp> apps;
  EventInbox* inbox = nullptr;
  CardActionService* cards = nullptr;
  RobotCommandService* robot = nullptr;
  const Clock* clock = nullptr;

  httplib::Server server;
  std::thread thread;
  bool started = false;

  void HandleEvent(const httplib::Request& request, httplib::Response& response);
  void HandleCard(const httplib::Request& request, httplib::Response& response);
  void HandleRobot(const httplib::Request& request, httplib::Response& response);
  Status CheckFreshness(std::string_view timestamp) const;
  void ReplySuccess(const OpenedApp& app, httplib::Response& response) const;
  bool PostToSessionWebhook(const RobotMessage& message, const std::string& body) const;
};

Result<std::unique_ptr<CallbackServer>> CallbackServer::Create(CallbackServerOptions options,
                                                               EventInbox* inbox,
                                                               CardActionService* cards,
                                                               RobotCommandService* robot,
                                                               const Clock* clock) {
  if (inbox == nullptr || clock == nullptr) {
    return MakeError(ErrorCode::kInvalidArgument, "callback server needs an inbox and a clock");
  }
  if (options.apps.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "callback server has no apps; configure at least one app's token, aes_key "
                     "and owner_key");
  }
  if (options.max_timestamp_skew.count() <= 0) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "callback max_timestamp_skew is " +
                         std::to_string(options.max_timestamp_skew.count()) +
                         " ms; it must be positive (the default is one hour)");
  }
  if (!options.card_api_secret.empty() && cards == nullptr) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "callback card route has a secret but no card action service");
  }
  if (!options.robot_app_secret.empty() && robot == nullptr) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "callback robot route has a secret but no robot command service");
  }

  auto impl = std::make_unique<Impl>();
  std::set<std::string> names;
  for (const CallbackApp& app : options.apps) {
    if (!names.insert(app.name).second) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "callback app name \"" + app.name + "\" is used twice; names must differ");
    }
    Result<dingtalk::CallbackCrypto> crypto = dingtalk::CallbackCrypto::Create(app.crypto);
    if (!crypto.ok()) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "callback app \"" + app.name + "\": " + crypto.error().message);
    }
    impl->apps.push_back({app.name, std::move(*crypto)});
  }
  impl->options = std::move(options);
  impl->inbox = inbox;
  impl->cards = cards;
  impl->robot = robot;
  impl->clock = clock;
  return std::unique_ptr<CallbackServer>(new CallbackServer(std::move(impl)));
}

CallbackServer::CallbackServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

CallbackServer::~CallbackServer() { Stop(); }

Result<int> CallbackServer::Start() {
  Impl& impl = *impl_;
  if (impl.started) {
    return MakeError(ErrorCode::kFailedPrecondition, "callback server is already started");
  }
  int threads = std::max(1, impl.options.threads);
  impl.server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  impl.server.set_payload_max_length(impl.options.max_body_bytes);
  // Without TCP_NODELAY, Nagle's algorithm holds back the response body until the peer's
  // delayed ACK, adding about 40 ms to every response on Linux.
  impl.server.set_tcp_nodelay(true);
  // httplib 0.11 closes a keep-alive connection after 5 requests by default, and a client
  // sending into the closing connection gets a failure. Connections are reused far longer.
  impl.server.set_keep_alive_max_count(kKeepAliveMaxRequests);

  impl.server.Post(impl.options.event_path,
                   [&impl](const httplib::Request& request, httplib::Response& response) {
                     impl.HandleEvent(request, response);
                   });
  if (!impl.options.card_api_secret.empty()) {
    impl.server.Post(impl.options.card_path,
                     [&impl](const httplib::Request& request, httplib::Response& response) {
                       impl.HandleCard(request, response);
                     });
  }
  if (!impl.options.robot_app_secret.empty()) {
    impl.server.Post(impl.options.robot_path,
                     [&impl](const httplib::Request& request, httplib::Response& response) {
                       impl.HandleRobot(request, response);
                     });
  }

  int port = impl.options.port;
  if (port == 0) {
    port = impl.server.bind_to_any_port(impl.options.bind);
  } else if (!impl.server.bind_to_port(impl.options.bind, port)) {
    port = -1;
  }
  if (port < 0) {
    return MakeError(ErrorCode::kUnavailable, "callback server cannot bind " + impl.options.bind +
                                                  ":" + std::to_string(impl.options.port) +
                                                  "; choose a free port or another address");
  }

  impl.started = true;
  impl.thread = std::thread([&impl] { impl.server.listen_after_bind(); });
  while (!impl.server.is_running() && impl.thread.joinable()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  CallbackLogger()->info(
      "callback server listening on {}:{} ({} apps, card route {}, robot "
      "route {})",
      impl.options.bind, port, impl.apps.size(),
      impl.options.card_api_secret.empty() ? "off" : "on",
      impl.options.robot_app_secret.empty() ? "off" : "on");
  return port;
}

void CallbackServer::Stop() {
  Impl& impl = *impl_;
  if (!impl.started) {
    return;
  }
  impl.server.stop();
  impl.thread.join();
  impl.started = false;
  CallbackLogger()->info("callback server stopped");
}

Status CallbackServer::Impl::CheckFreshness(std::string_view timestamp) const {
  Result<EpochMs> parsed = dingtalk::ParseEpochMs(timestamp, "callback query timestamp");
  if (!parsed.ok()) {
    return parsed.error();
  }
  EpochMs sent = *parsed;
  if (sent.value < kSecondsMillisecondsBoundary) {
    sent = EpochMs(sent.value * 1000);
  }
  auto skew = std::chrono::abs(clock->Now() - sent);
  if (skew > options.max_timestamp_skew) {
    return MakeError(ErrorCode::kUnauthenticated,
                     "stale timestamp " + std::string(timestamp) + ": " +
                         std::to_string(skew.count()) + " ms from the server clock, more than " +
                         std::to_string(options.max_timestamp_skew.count()) + " ms");
  }
  return OkStatus();
}

void CallbackServer::Impl::ReplySuccess(const OpenedApp& app, httplib::Response& response) const {
  dingtalk::SealedMessage sealed = app.crypto.Seal("success", clock->Now());
  response.status = 200;
  response.set_content(dingtalk::SealedMessageJson(sealed), "application/json");
}

void CallbackServer::Impl::HandleEvent(const httplib::Request& request,
                                       httplib::Response& response) {
  std::string signature = FirstParam(request, {"msg_signature", "signature"});
  std::string timestamp = FirstParam(request, {"timestamp", "timeStamp"});
  std::string nonce = request.get_param_value("nonce");
  if (signature.empty() || timestamp.empty() || nonce.empty()) {
    CallbackLogger()->warn(
        "event callback from {} rejected: missing msg_signature, timestamp or "
        "nonce query parameter",
        request.remote_addr);
    Answer(response, 400, "missing msg_signature (or signature), timestamp or nonce");
    return;
  }
  json body = json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (!body.is_object() || !body.contains("encrypt") || !body["encrypt"].is_string()) {
    CallbackLogger()->warn(
        "event callback from {} rejected: body is not JSON with an encrypt "
        "string",
        request.remote_addr);
    Answer(response, 400, "body must be a JSON object with an encrypt string");
    return;
  }
  const std::string& encrypt = body["encrypt"].get_ref<const std::string&>();

  // Signature first, for every app: tokens decide which apps can have sent this.
  std::vector<const OpenedApp*> candidates;
  for (const OpenedApp& app : apps) {
    if (app.crypto.VerifySignature(signature, timestamp, nonce, encrypt)) {
      candidates.push_back(&app);
    }
  }
  if (candidates.empty()) {
    CallbackLogger()->warn(
        "event callback from {} rejected: bad_signature (no configured app's "
        "token matches; timestamp {}, nonce {})",
        request.remote_addr, timestamp.substr(0, 20), nonce.substr(0, 32));
    Answer(response, 401, "signature does not match");
    return;
  }
  Status fresh = CheckFreshness(timestamp);
  if (!fresh.ok()) {
    CallbackLogger()->warn("event callback from {} for app {} rejected: {}", request.remote_addr,
                           candidates.front()->name, fresh.error().message);
    Answer(response, 401, fresh.error().message);
    return;
  }

  const OpenedApp* matched = nullptr;
  std::string message;
  dingtalk::EnvelopeFault fault = dingtalk::EnvelopeFault::kNone;
  std::string fault_message;
  for (const OpenedApp* app : candidates) {
    Result<std::string> decrypted = app->crypto.Decrypt(encrypt, &fault);
    if (decrypted.ok()) {
      matched = app;
      message = std::move(*decrypted);
      break;
    }
    fault_message = decrypted.error().message;
  }
  if (matched == nullptr) {
    int status = fault == dingtalk::EnvelopeFault::kWrongOwner ? 403 : 400;
    CallbackLogger()->warn("event callback from {} for app {} rejected: {}: {}",
                           request.remote_addr, candidates.front()->name,
                           dingtalk::EnvelopeFaultName(fault), fault_message);
    Answer(response, status, std::string(dingtalk::EnvelopeFaultName(fault)));
    return;
  }

  json event = json::parse(message, nullptr, /*allow_exceptions=*/false);
  if (!event.is_object()) {
    CallbackLogger()->warn(
        "event callback from {} for app {} rejected: decrypted payload is not "
        "a JSON object",
        request.remote_addr, matched->name);
    Answer(response, 400, "decrypted payload is not a JSON object");
    return;
  }
  std::string event_type = ScalarText(event, "EventType");
  if (IsUrlCheck(event_type)) {
    CallbackLogger()->info("event callback: {} for app {} acknowledged", event_type, matched->name);
    ReplySuccess(*matched, response);
    return;
  }

  InboxEvent inbox_event;
  inbox_event.event_id = ScalarText(event, "eventId");
  inbox_event.event_type = event_type;
  inbox_event.app_name = matched->name;
  std::string event_time = ScalarText(event, "EventTime");
  if (event_time.empty()) {
    event_time = ScalarText(event, "TimeStamp");
  }
  inbox_event.dedupe_key = DedupeKeyFor(inbox_event.event_id, event_type, event_time, message);
  inbox_event.payload = std::move(message);
  inbox_event.received_at = clock->Now();
  std::string dedupe_key = inbox_event.dedupe_key;

  Result<AcceptOutcome> accepted = inbox->Accept(std::move(inbox_event));
  if (!accepted.ok()) {
    // Not stored: a 5xx makes the platform retry the push later.
    CallbackLogger()->error("event callback {} ({}) for app {} not stored: {}", dedupe_key,
                            event_type, matched->name, accepted.error().message);
    Answer(response, 503, "event not stored; retry later");
    return;
  }
  CallbackLogger()->debug("event callback {} ({}) for app {} {}", dedupe_key, event_type,
                          matched->name,
                          *accepted == AcceptOutcome::kStored ? "stored" : "duplicate");
  ReplySuccess(*matched, response);
}

void CallbackServer::Impl::HandleCard(const httplib::Request& request,
                                      httplib::Response& response) {
  Status verified = dingtalk::VerifyCardCallback(
      options.card_api_secret, request.get_header_value("x-ddpaas-signature-timestamp"),
      request.get_header_value("x-ddpaas-signature"), clock->Now(), options.card_max_skew);
  if (!verified.ok()) {
    CallbackLogger()->warn("card callback from {} rejected: {}", request.remote_addr,
                           verified.error().message);
    Answer(response, HttpStatusFor(verified.error().code), verified.error().message);
    return;
  }
  Result<CardAction> action = ParseCardAction(request.body);
  if (!action.ok()) {
    CallbackLogger()->warn("card callback from {} rejected: {}", request.remote_addr,
                           action.error().message);
    Answer(response, 400, action.error().message);
    return;
  }
  Result<CardDecision> decision = cards->Apply(*action);
  if (!decision.ok()) {
    CallbackLogger()->warn("card callback for card {} by {} action {} rejected: {}",
                           action->out_track_id, action->user_id, action->action_id,
                           decision.error().ToString());
    Answer(response, HttpStatusFor(decision.error().code), decision.error().message);
    return;
  }
  response.status = 200;
  response.set_content(CardDecisionJson(*decision), "application/json");
}

void CallbackServer::Impl::HandleRobot(const httplib::Request& request,
                                       httplib::Response& response) {
  Status verified =
      dingtalk::VerifyRobotCallback(options.robot_app_secret, request.get_header_value("timestamp"),
                                    request.get_header_value("sign"), clock->Now());
  if (!verified.ok()) {
    CallbackLogger()->warn("robot callback from {} rejected: {}", request.remote_addr,
                           verified.error().message);
    Answer(response, HttpStatusFor(verified.error().code), verified.error().message);
    return;
  }
  Result<RobotMessage> message = ParseRobotMessage(request.body);
  if (!message.ok()) {
    CallbackLogger()->warn("robot callback from {} rejected: {}", request.remote_addr,
                           message.error().message);
    Answer(response, 400, message.error().message);
    return;
  }

  std::optional<RobotReply> reply = robot->Reply(*message);
  response.status = 200;
  if (!reply) {
    response.set_content("{}", "application/json");
    return;
  }
  std::string reply_body = RobotReplyJson(*reply);
  if (PostToSessionWebhook(*message, reply_body)) {
    response.set_content("{}", "application/json");
    return;
  }
  response.set_content(reply_body, "application/json");
}

bool CallbackServer::Impl::PostToSessionWebhook(const RobotMessage& message,
                                                const std::string& body) const {
  const std::string& url = message.session_webhook;
  if (url.empty() || options.session_webhook_prefix.empty() ||
      url.rfind(options.session_webhook_prefix, 0) != 0) {
    return false;
  }
  if (message.session_webhook_expires.value != 0 &&
      message.session_webhook_expires < clock->Now()) {
    CallbackLogger()->info("robot message {}: sessionWebhook expired; replying in the response",
                           message.message_id);
    return false;
  }

  size_t scheme_end = url.find("://");
  size_t path_start = url.find('/', scheme_end == std::string::npos ? 0 : scheme_end + 3);
  std::string origin = url.substr(0, path_start);
  std::string target = path_start == std::string::npos ? "/" : url.substr(path_start);
  httplib::Client client(origin);
  client.set_connection_timeout(kSessionWebhookTimeout);
  client.set_read_timeout(kSessionWebhookTimeout);
  httplib::Result result = client.Post(target, body, "application/json");
  if (!result || result->status != 200) {
    CallbackLogger()->warn(
        "robot message {}: posting the reply to sessionWebhook failed ({}); "
        "replying in the response",
        message.message_id,
        result ? "HTTP " + std::to_string(result->status) : httplib::to_string(result.error()));
    return false;
  }
  return true;
}

}  // namespace logbridge::connector
