// Stream mode wire format and the client's connection loop. The worker thread drives Beast's
// asynchronous operations one at a time on a per-connection io_context, so Stop can interrupt
// any wait with io_context::stop and completion handlers never outlive their state.
#include "dingtalk/stream_client.h"

#include <algorithm>
#include <cctype>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <random>
#include <thread>
#include <unordered_map>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "dingtalk/http_transport.h"
#include "dingtalk/json_fields.h"

namespace logbridge::dingtalk {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;
using nlohmann::json;

constexpr char kOpenPath[] = "/v1.0/gateway/connections/open";

const SystemClock kSystemClock;

// The Stream subsystem's logger. spdlog throws when two threads register one name at once; the
// loser takes the winner's logger.
std::shared_ptr<spdlog::logger> Logger() {
  static std::shared_ptr<spdlog::logger> logger = [] {
    if (auto existing = spdlog::get("stream")) {
      return existing;
    }
    try {
      return spdlog::stderr_color_mt("stream");
    } catch (const spdlog::spdlog_ex&) {
      return spdlog::get("stream");
    }
  }();
  return logger;
}

// Replaces every occurrence of `secret` in `text` with "<redacted>". A server may echo the
// request, and failure text goes to logs and /metrics.
std::string RedactSecret(std::string text, const std::string& secret) {
  if (secret.empty()) {
    return text;
  }
  constexpr std::string_view kRedacted = "<redacted>";
  for (size_t at = text.find(secret); at != std::string::npos;
       at = text.find(secret, at + kRedacted.size())) {
    text.replace(at, secret.size(), kRedacted);
  }
  return text;
}

std::optional<StreamFrameType> FrameTypeFromName(std::string_view name) {
  if (name == "SYSTEM") {
    return StreamFrameType::kSystem;
  }
  if (name == "EVENT") {
    return StreamFrameType::kEvent;
  }
  if (name == "CALLBACK") {
    return StreamFrameType::kCallback;
  }
  return std::nullopt;
}

// Percent-encodes everything but RFC 3986 unreserved characters.
std::string UrlEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string encoded;
  for (unsigned char c : text) {
    if (std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.' || c == '~') {
      encoded.push_back(static_cast<char>(c));
    } else {
      encoded.push_back('%');
      encoded.push_back(kHex[c >> 4]);
      encoded.push_back(kHex[c & 15]);
    }
  }
  return encoded;
}

// The WebSocket's address, parsed from the endpoint that connections/open returned.
struct WsTarget {
  bool tls = false;
  std::string host;
  std::string port;
  std::string target;  // path and query, ticket included
};

Result<WsTarget> ParseWsTarget(const std::string& endpoint, const std::string& ticket) {
  WsTarget parsed;
  size_t scheme_end = endpoint.find("://");
  std::string scheme = scheme_end == std::string::npos ? "" : endpoint.substr(0, scheme_end);
  if (scheme != "ws" && scheme != "wss") {
    return MakeError(ErrorCode::kDataLoss,
                     "Stream endpoint '" + endpoint + "' must start with ws:// or wss://");
  }
  parsed.tls = scheme == "wss";
  size_t host_start = scheme_end + 3;
  size_t path_start = std::min(endpoint.find_first_of("/?", host_start), endpoint.size());
  std::string authority = endpoint.substr(host_start, path_start - host_start);
  size_t colon = authority.rfind(':');
  if (colon != std::string::npos && authority.find(']', colon) == std::string::npos) {
    parsed.host = authority.substr(0, colon);
    parsed.port = authority.substr(colon + 1);
  } else {
    parsed.host = authority;
    parsed.port = parsed.tls ? "443" : "80";
  }
  if (parsed.host.empty() || parsed.port.empty()) {
    return MakeError(ErrorCode::kDataLoss, "Stream endpoint '" + endpoint + "' has no host");
  }
  parsed.target = endpoint.substr(path_start);
  if (parsed.target.empty() || parsed.target.front() == '?') {
    parsed.target.insert(0, "/");
  }
  parsed.target += parsed.target.find('?') == std::string::npos ? "?ticket=" : "&ticket=";
  parsed.target += UrlEncode(ticket);
  return parsed;
}

// Keys handled recently and the callback response sent for each, for DedupeWindow.
class DedupeWindow {
 public:
  DedupeWindow(std::chrono::milliseconds ttl, size_t capacity) : ttl_(ttl), capacity_(capacity) {}

  // Returns the response stored for `key`, or nullopt when the key is unknown or expired.
  std::optional<std::string> Find(const std::string& key, EpochMs now) {
    Evict(now);
    auto found = entries_.find(key);
    if (found == entries_.end()) {
      return std::nullopt;
    }
    return found->second.response;
  }

  void Insert(const std::string& key, std::string response, EpochMs now) {
    Evict(now);
    EpochMs expires = now + ttl_;
    entries_.insert_or_assign(key, Entry{expires, std::move(response)});
    order_.emplace_back(expires, key);
    while (entries_.size() > capacity_ && !order_.empty()) {
      EraseOldest();
    }
  }

 private:
  struct Entry {
    EpochMs expires;
    std::string response;
  };

  void Evict(EpochMs now) {
    while (!order_.empty() && order_.front().first <= now) {
      EraseOldest();
    }
  }

  // Erases the oldest key unless a later Insert of the same key extended it.
  void EraseOldest() {
    auto found = entries_.find(order_.front().second);
    if (found != entries_.end() && found->second.expires == order_.front().first) {
      entries_.erase(found);
    }
    order_.pop_front();
  }

  std::chrono::milliseconds ttl_;
  size_t capacity_;
  std::unordered_map<std::string, Entry> entries_;
  std::deque<std::pair<EpochMs, std::string>> order_;
};

// A ticket from connections/open. The ticket is a credential and is never logged.
struct Ticket {
  std::string endpoint;
  std::string ticket;
};

// The outcome of one connection attempt.
struct ConnectionEnd {
  bool established = false;  // the WebSocket handshake succeeded
  std::string reason;
};

Status ValidateSubscriptions(const std::vector<StreamSubscription>& subscriptions) {
  if (subscriptions.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "Stream subscriptions are empty; subscribe to EVENT \"*\" or a CALLBACK "
                     "topic");
  }
  for (const StreamSubscription& subscription : subscriptions) {
    if (subscription.type == "EVENT" && subscription.topic != "*") {
      return MakeError(ErrorCode::kInvalidArgument,
                       "Stream EVENT subscription topic is \"" + subscription.topic +
                           "\"; it must be \"*\" (events are chosen in the developer console)");
    }
    if (subscription.type != "EVENT" && subscription.type != "CALLBACK") {
      return MakeError(ErrorCode::kInvalidArgument, "Stream subscription type \"" +
                                                        subscription.type +
                                                        "\" is unknown; use EVENT or CALLBACK");
    }
    if (subscription.topic.empty()) {
      return MakeError(ErrorCode::kInvalidArgument, "Stream CALLBACK subscription has no topic");
    }
  }
  return OkStatus();
}

}  // namespace

std::string_view StreamFrameTypeName(StreamFrameType type) {
  switch (type) {
    case StreamFrameType::kSystem:
      return "SYSTEM";
    case StreamFrameType::kEvent:
      return "EVENT";
    case StreamFrameType::kCallback:
      return "CALLBACK";
  }
  return "SYSTEM";
}

const std::string& StreamFrame::Header(const std::string& name) const {
  static const std::string kEmpty;
  auto found = headers.find(name);
  return found == headers.end() ? kEmpty : found->second;
}

Result<StreamFrame> ParseStreamFrame(std::string_view text) {
  Result<json> parsed = ParseJson(text);
  if (!parsed.ok()) {
    return MakeError(ErrorCode::kDataLoss, "Stream frame: " + parsed.error().message);
  }
  const json& root = *parsed;
  if (!root.is_object()) {
    return MakeError(ErrorCode::kDataLoss, "Stream frame is not a JSON object");
  }

  StreamFrame frame;
  std::string type_name = ReadString(root, "type");
  std::optional<StreamFrameType> type = FrameTypeFromName(type_name);
  if (!type) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "Stream frame type \"" + type_name + "\" is not SYSTEM, EVENT or CALLBACK");
  }
  frame.type = *type;

  auto headers = root.find("headers");
  if (headers == root.end() || !headers->is_object()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "Stream frame headers are missing or not an "
                     "object");
  }
  for (auto it = headers->begin(); it != headers->end(); ++it) {
    frame.headers[it.key()] =
        it.value().is_string() ? it.value().get<std::string>() : DumpJson(it.value());
  }
  if (frame.message_id().empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "Stream frame has no headers.messageId");
  }

  auto data = root.find("data");
  if (data == root.end() || !data->is_string()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "Stream frame " + frame.message_id() + ": data is missing or not a string");
  }
  frame.data = data->get<std::string>();
  return frame;
}

std::string StreamFrameJson(const StreamFrame& frame) {
  json headers = json::object();
  for (const auto& [name, value] : frame.headers) {
    headers[name] = value;
  }
  return DumpJson({{"specVersion", "1.0"},
                   {"type", StreamFrameTypeName(frame.type)},
                   {"headers", std::move(headers)},
                   {"data", frame.data}});
}

std::string StreamAckJson(const StreamAck& ack) {
  return DumpJson(
      {{"code", ack.code},
       {"headers", {{"messageId", ack.message_id}, {"contentType", "application/json"}}},
       {"message", ack.message},
       {"data", ack.data}});
}

Result<StreamAck> ParseStreamAck(std::string_view text) {
  Result<json> parsed = ParseJson(text);
  if (!parsed.ok()) {
    return MakeError(ErrorCode::kDataLoss, "Stream ACK: " + parsed.error().message);
  }
  const json& root = *parsed;
  if (!root.is_object()) {
    return MakeError(ErrorCode::kDataLoss, "Stream ACK is not a JSON object");
  }
  StreamAck ack;
  std::optional<int64_t> code = ReadInt64(root, "code");
  if (!code) {
    return MakeError(ErrorCode::kInvalidArgument, "Stream ACK has no integer code");
  }
  ack.code = static_cast<int>(*code);
  auto headers = root.find("headers");
  if (headers != root.end()) {
    ack.message_id = ReadString(*headers, "messageId");
  }
  if (ack.message_id.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "Stream ACK has no headers.messageId");
  }
  auto data = root.find("data");
  if (data == root.end() || !data->is_string()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "Stream ACK " + ack.message_id + ": data is missing or not a string");
  }
  ack.data = data->get<std::string>();
  ack.message = ReadString(root, "message");
  return ack;
}

std::vector<StreamSubscription> DefaultStreamSubscriptions() {
  return {{"EVENT", "*"},
          {"CALLBACK", std::string(kStreamRobotTopic)},
          {"CALLBACK", std::string(kStreamCardTopic)}};
}

std::chrono::milliseconds StreamBackoffDelay(const StreamBackoff& backoff, int failures,
                                             double random_unit) {
  int64_t delay = backoff.initial.count();
  for (int i = 0; i < failures && delay < backoff.max.count(); ++i) {
    delay *= 2;
  }
  delay = std::min(delay, backoff.max.count());
  double unit = std::clamp(random_unit, 0.0, 1.0);
  return std::chrono::milliseconds(delay + static_cast<int64_t>(backoff.jitter * unit * delay));
}

struct StreamClient::Impl {
  // Immutable after Create.
  StreamClientOptions options;
  StreamHandler* handler = nullptr;
  const Clock* clock = nullptr;
  std::unique_ptr<HttpTransport> transport;

  // Used by the worker thread only.
  DedupeWindow dedupe{std::chrono::minutes(5), 1};
  std::mt19937_64 random{std::random_device{}()};

  // Guarded by mutex.
  mutable std::mutex mutex;
  mutable std::condition_variable changed;
  bool started = false;
  bool stopping = false;
  net::io_context* active_io = nullptr;  // the running connection's, for Stop
  StreamClientStats stats;

  std::thread worker;

  void Run();
  Result<Ticket> OpenTicket();
  ConnectionEnd Connect(const Ticket& ticket);
  template <typename WebSocket>
  ConnectionEnd Session(net::io_context& io, WebSocket& ws, const WsTarget& target);
  template <typename WebSocket>
  std::optional<std::string> ServeFrames(net::io_context& io, WebSocket& ws);
  // Returns the acknowledgement to send for `frame`, or nullopt for frames that need none.
  std::optional<StreamAck> Dispatch(const StreamFrame& frame);
  StreamAck HandleEvent(const StreamFrame& frame);
  StreamAck HandleCallback(const StreamFrame& frame);

  // Runs the io_context until the operation that `start` begins completes; returns its error,
  // or operation_aborted when Stop interrupted the wait.
  template <typename Operation>
  beast::error_code Await(net::io_context& io, Operation&& start);

  bool Attach(net::io_context* io);
  void Detach();
  double NextRandomUnit();
  void Count(int64_t StreamClientStats::*counter);
  // Counts a failed attempt and stores its reason with the secret redacted; returns that text.
  std::string RecordFailure(const std::string& reason);
  bool SleepUnlessStopped(std::chrono::milliseconds delay);
};

Result<std::unique_ptr<StreamClient>> StreamClient::Create(StreamClientOptions options,
                                                           StreamHandler* handler) {
  if (handler == nullptr) {
    return MakeError(ErrorCode::kInvalidArgument, "Stream client needs a handler");
  }
  if (options.client_id.empty() || options.client_secret.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     std::string("Stream client_") + (options.client_id.empty() ? "id" : "secret") +
                         " is empty; set the app key and app secret of the DingTalk app");
  }
  if (Status valid = ValidateSubscriptions(options.subscriptions); !valid.ok()) {
    return valid.error();
  }
  if (options.backoff.initial.count() <= 0 || options.backoff.max < options.backoff.initial ||
      options.backoff.jitter < 0) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "Stream backoff initial " + std::to_string(options.backoff.initial.count()) +
                         " ms, max " + std::to_string(options.backoff.max.count()) +
                         " ms: initial must be positive, max at least initial, jitter >= 0");
  }
  if (options.idle_timeout.count() <= 0 || options.connect_timeout.count() <= 0) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "Stream idle_timeout and connect_timeout must be positive");
  }

  TransportOptions transport_options;
  transport_options.connect_timeout = options.http_timeout;
  transport_options.read_timeout = options.http_timeout;
  transport_options.ca_cert_path = options.ca_cert_path;
  transport_options.max_idle_connections = 1;
  Result<std::unique_ptr<HttpTransport>> transport =
      HttpTransport::Create(options.api_base_url, transport_options);
  if (!transport.ok()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "Stream api_base_url: " + transport.error().message);
  }

  auto impl = std::make_unique<Impl>();
  impl->handler = handler;
  impl->clock = options.clock != nullptr ? options.clock : &kSystemClock;
  impl->transport = std::move(*transport);
  impl->dedupe = DedupeWindow(options.dedupe_ttl, std::max<size_t>(1, options.dedupe_capacity));
  impl->options = std::move(options);
  return std::unique_ptr<StreamClient>(new StreamClient(std::move(impl)));
}

StreamClient::StreamClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

StreamClient::~StreamClient() { Stop(); }

Status StreamClient::Start() {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  if (impl_->started) {
    return MakeError(ErrorCode::kFailedPrecondition, "Stream client is already started");
  }
  impl_->started = true;
  impl_->stopping = false;
  impl_->stats.disconnected_since = impl_->clock->Now();
  impl_->worker = std::thread([impl = impl_.get()] { impl->Run(); });
  return OkStatus();
}

void StreamClient::Stop() {
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    if (!impl_->started) {
      return;
    }
    impl_->stopping = true;
    if (impl_->active_io != nullptr) {
      impl_->active_io->stop();
    }
  }
  impl_->changed.notify_all();
  impl_->worker.join();

  std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->started = false;
  impl_->stats.connected = false;
  impl_->stats.disconnected_since.reset();
}

bool StreamClient::WaitForConnections(int64_t connections,
                                      std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(impl_->mutex);
  return impl_->changed.wait_for(lock, timeout,
                                 [&] { return impl_->stats.connections >= connections; });
}

StreamClientStats StreamClient::Stats() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->stats;
}

void StreamClient::Impl::Run() {
  Logger()->info("stream client {} starting against {}", options.client_id, options.api_base_url);
  int failures = 0;
  while (true) {
    ConnectionEnd end;
    Result<Ticket> ticket = OpenTicket();
    if (ticket.ok()) {
      end = Connect(*ticket);
    } else {
      end.reason = ticket.error().ToString();
    }
    {
      std::lock_guard<std::mutex> lock(mutex);
      if (stats.connected) {
        stats.disconnected_since = clock->Now();
      }
      stats.connected = false;
      if (stopping) {
        break;
      }
    }

    // A connection that was up resets the backoff; each failed attempt doubles it.
    failures = end.established ? 0 : failures + 1;
    std::chrono::milliseconds delay =
        StreamBackoffDelay(options.backoff, std::max(0, failures - 1), NextRandomUnit());
    if (end.established) {
      Logger()->info("stream client {}: connection ended ({}); reconnecting in {} ms",
                     options.client_id, end.reason, delay.count());
    } else {
      std::string reason = RecordFailure(end.reason);
      Logger()->warn("stream client {}: attempt {} failed: {}; retrying in {} ms",
                     options.client_id, failures, reason, delay.count());
    }
    if (!SleepUnlessStopped(delay)) {
      break;
    }
  }
  Logger()->info("stream client {} stopped", options.client_id);
}

Result<Ticket> StreamClient::Impl::OpenTicket() {
  json subscriptions = json::array();
  for (const StreamSubscription& subscription : options.subscriptions) {
    subscriptions.push_back({{"type", subscription.type}, {"topic", subscription.topic}});
  }
  HttpRequest request;
  request.method = HttpMethod::kPost;
  request.target = kOpenPath;
  request.body = DumpJson({{"clientId", options.client_id},
                           {"clientSecret", options.client_secret},
                           {"subscriptions", std::move(subscriptions)},
                           {"ua", options.user_agent}});
  request.headers.emplace_back("Accept", "application/json");

  Result<HttpResponse> response = transport->Send(request);
  if (!response.ok()) {
    return MakeError(response.error().code, "connections/open: " + response.error().message);
  }
  Result<json> body = ParseJson(response->body);
  if (response->status != 200) {
    std::string code = body.ok() ? ReadString(*body, "code") : "";
    std::string message = body.ok() ? ReadString(*body, "message") : "";
    ErrorCode error = response->status == 401 || response->status == 403
                          ? ErrorCode::kUnauthenticated
                          : ErrorCode::kUnavailable;
    return MakeError(error, "connections/open returned HTTP " + std::to_string(response->status) +
                                " " + code + " " + message +
                                (error == ErrorCode::kUnauthenticated
                                     ? "; check the client id and secret of the app"
                                     : ""));
  }
  if (!body.ok()) {
    return MakeError(ErrorCode::kDataLoss, "connections/open: " + body.error().message);
  }
  Ticket ticket{ReadString(*body, "endpoint"), ReadString(*body, "ticket")};
  if (ticket.endpoint.empty() || ticket.ticket.empty()) {
    return MakeError(ErrorCode::kDataLoss, "connections/open response lacks endpoint or ticket");
  }
  Count(&StreamClientStats::tickets_opened);
  return ticket;
}

bool StreamClient::Impl::Attach(net::io_context* io) {
  std::lock_guard<std::mutex> lock(mutex);
  if (stopping) {
    return false;
  }
  active_io = io;
  return true;
}

void StreamClient::Impl::Detach() {
  std::lock_guard<std::mutex> lock(mutex);
  active_io = nullptr;
}

ConnectionEnd StreamClient::Impl::Connect(const Ticket& ticket) {
  Result<WsTarget> target = ParseWsTarget(ticket.endpoint, ticket.ticket);
  if (!target.ok()) {
    return {false, target.error().message};
  }

  // Declared first so it is destroyed last: its destructor drops handlers still queued.
  net::io_context io;
  if (!Attach(&io)) {
    return {false, "stopped"};
  }
  ConnectionEnd end;
  // NOTE: no test covers this wss:// branch, because the sandbox gateway serves ws:// only.
  if (target->tls) {
    net::ssl::context tls(net::ssl::context::tls_client);
    tls.set_verify_mode(net::ssl::verify_peer);
    beast::error_code error;
    if (options.ca_cert_path.empty()) {
      tls.set_default_verify_paths(error);
    } else {
      tls.load_verify_file(options.ca_cert_path, error);
    }
    if (error) {
      end.reason = "loading CA certificates failed: " + error.message();
    } else {
      websocket::stream<beast::ssl_stream<beast::tcp_stream>> ws(io, tls);
      ws.next_layer().set_verify_callback(net::ssl::host_name_verification(target->host));
      end = Session(io, ws, *target);
    }
  } else {
    websocket::stream<beast::tcp_stream> ws(io);
    end = Session(io, ws, *target);
  }
  Detach();
  return end;
}

template <typename Operation>
beast::error_code StreamClient::Impl::Await(net::io_context& io, Operation&& start) {
  struct Outcome {
    bool done = false;
    beast::error_code error;
  };
  auto outcome = std::make_shared<Outcome>();
  start([outcome](beast::error_code error, auto&&...) {
    outcome->done = true;
    outcome->error = error;
  });
  {
    std::lock_guard<std::mutex> lock(mutex);
    if (stopping) {
      return net::error::operation_aborted;
    }
    io.restart();
  }
  // run_one, not run: Beast's idle timer may stay queued after the operation completes.
  while (!outcome->done && io.run_one() > 0) {
  }
  return outcome->done ? outcome->error : net::error::operation_aborted;
}

template <typename WebSocket>
ConnectionEnd StreamClient::Impl::Session(net::io_context& io, WebSocket& ws,
                                          const WsTarget& target) {
  constexpr bool kTls = !std::is_same_v<WebSocket, websocket::stream<beast::tcp_stream>>;
  beast::error_code error;
  tcp::resolver resolver(io);
  auto addresses = resolver.resolve(target.host, target.port, error);
  if (error) {
    return {false, "resolving " + target.host + " failed: " + error.message()};
  }

  auto& tcp_layer = beast::get_lowest_layer(ws);
  tcp_layer.expires_after(options.connect_timeout);
  error = Await(io, [&](auto done) { tcp_layer.async_connect(addresses, std::move(done)); });
  if (error) {
    return {false,
            "connecting to " + target.host + ":" + target.port + " failed: " + error.message()};
  }
  if constexpr (kTls) {
    if (!SSL_set_tlsext_host_name(ws.next_layer().native_handle(), target.host.c_str())) {
      return {false, "setting the TLS server name failed"};
    }
    error = Await(io, [&](auto done) {
      ws.next_layer().async_handshake(net::ssl::stream_base::client, std::move(done));
    });
    if (error) {
      return {false, "TLS handshake with " + target.host + " failed: " + error.message()};
    }
  }

  // From here the WebSocket's own timeouts apply: handshake, idle with keep-alive pings.
  tcp_layer.expires_never();
  websocket::stream_base::timeout timeouts{};
  timeouts.handshake_timeout = options.connect_timeout;
  timeouts.idle_timeout = options.idle_timeout;
  timeouts.keep_alive_pings = true;
  ws.set_option(timeouts);
  ws.set_option(websocket::stream_base::decorator([this](websocket::request_type& request) {
    request.set(beast::http::field::user_agent, options.user_agent);
  }));
  std::string host_header = target.host + ":" + target.port;
  error = Await(io, [&](auto done) { ws.async_handshake(host_header, target.target, done); });
  if (error) {
    return {false, "WebSocket handshake with " + target.host + " failed: " + error.message()};
  }

  {
    std::lock_guard<std::mutex> lock(mutex);
    ++stats.connections;
    stats.connected = true;
    stats.consecutive_failures = 0;
    stats.disconnected_since.reset();
  }
  changed.notify_all();
  Logger()->info("stream client {} connected to {}:{}", options.client_id, target.host,
                 target.port);
  std::optional<std::string> reason = ServeFrames(io, ws);
  return {true, reason.value_or("closed")};
}

template <typename WebSocket>
std::optional<std::string> StreamClient::Impl::ServeFrames(net::io_context& io, WebSocket& ws) {
  beast::flat_buffer buffer;
  while (true) {
    buffer.clear();
    beast::error_code error = Await(io, [&](auto done) { ws.async_read(buffer, done); });
    if (error) {
      return "read failed: " + error.message();
    }
    std::string text = beast::buffers_to_string(buffer.data());
    Result<StreamFrame> frame = ParseStreamFrame(text);
    if (!frame.ok()) {
      // Without a messageId there is nothing to acknowledge; the frame is skipped.
      Logger()->warn("stream client {}: skipping frame: {}", options.client_id,
                     frame.error().message);
      continue;
    }
    Count(&StreamClientStats::frames_received);

    if (frame->type == StreamFrameType::kSystem && frame->topic() == "disconnect") {
      Count(&StreamClientStats::disconnects);
      Logger()->info("stream client {}: server asked to disconnect: {}", options.client_id,
                     frame->data);
      Await(io, [&](auto done) { ws.async_close(websocket::close_code::normal, done); });
      return "server disconnect";
    }
    std::optional<StreamAck> ack = Dispatch(*frame);
    if (!ack) {
      continue;
    }
    std::string reply = StreamAckJson(*ack);
    ws.text(true);
    error = Await(io, [&](auto done) { ws.async_write(net::buffer(reply), done); });
    if (error) {
      return "writing the ACK of " + ack->message_id + " failed: " + error.message();
    }
  }
}

std::optional<StreamAck> StreamClient::Impl::Dispatch(const StreamFrame& frame) {
  switch (frame.type) {
    case StreamFrameType::kSystem:
      if (frame.topic() == "ping") {
        Count(&StreamClientStats::pings);
        return StreamAck{200, frame.message_id(), "OK", frame.data};
      }
      Logger()->debug("stream client {}: ignoring SYSTEM topic {}", options.client_id,
                      frame.topic());
      return std::nullopt;
    case StreamFrameType::kEvent:
      return HandleEvent(frame);
    case StreamFrameType::kCallback:
      return HandleCallback(frame);
  }
  return std::nullopt;
}

StreamAck StreamClient::Impl::HandleEvent(const StreamFrame& frame) {
  const std::string& event_id = frame.Header("eventId");
  std::string key = "event:" + (event_id.empty() ? frame.message_id() : event_id);
  StreamAck ack{200, frame.message_id(), "OK",
                DumpJson({{"status", "SUCCESS"}, {"message", "success"}})};
  if (dedupe.Find(key, clock->Now())) {
    Count(&StreamClientStats::duplicates);
    Logger()->debug("stream event {} (message {}) is a repeat; acknowledged again", event_id,
                    frame.message_id());
    return ack;
  }

  Status handled = handler->OnEvent(frame);
  if (!handled.ok()) {
    Count(&StreamClientStats::handler_failures);
    Logger()->warn("stream event {} ({}, message {}) failed; asking for redelivery: {}", event_id,
                   frame.Header("eventType"), frame.message_id(), handled.error().ToString());
    return StreamAck{500, frame.message_id(), handled.error().message,
                     DumpJson({{"status", "LATER"}, {"message", handled.error().message}})};
  }
  dedupe.Insert(key, ack.data, clock->Now());
  return ack;
}

StreamAck StreamClient::Impl::HandleCallback(const StreamFrame& frame) {
  std::string key = "callback:" + frame.message_id();
  if (std::optional<std::string> stored = dedupe.Find(key, clock->Now())) {
    Count(&StreamClientStats::duplicates);
    Logger()->debug("stream callback {} on {} is a repeat; acknowledged again", frame.message_id(),
                    frame.topic());
    return StreamAck{200, frame.message_id(), "OK", *stored};
  }

  Result<std::string> response = handler->OnCallback(frame);
  Result<json> response_json = json();
  if (response.ok()) {
    response_json = ParseJson(*response);
  } else {
    response_json = response.error();
  }
  if (!response_json.ok()) {
    Count(&StreamClientStats::handler_failures);
    int code = response_json.error().code == ErrorCode::kNotFound ? 404 : 500;
    Logger()->warn("stream callback {} on {} answered {}: {}", frame.message_id(), frame.topic(),
                   code, response_json.error().ToString());
    return StreamAck{code, frame.message_id(), response_json.error().message,
                     DumpJson({{"response", nullptr}})};
  }
  StreamAck ack{200, frame.message_id(), "OK", DumpJson({{"response", *response_json}})};
  dedupe.Insert(key, ack.data, clock->Now());
  return ack;
}

double StreamClient::Impl::NextRandomUnit() {
  if (options.random_unit) {
    return options.random_unit();
  }
  return std::uniform_real_distribution<double>(0.0, 1.0)(random);
}

void StreamClient::Impl::Count(int64_t StreamClientStats::*counter) {
  std::lock_guard<std::mutex> lock(mutex);
  ++(stats.*counter);
}

std::string StreamClient::Impl::RecordFailure(const std::string& reason) {
  std::lock_guard<std::mutex> lock(mutex);
  ++stats.failed_attempts;
  ++stats.consecutive_failures;
  stats.last_error = RedactSecret(reason, options.client_secret);
  return stats.last_error;
}

bool StreamClient::Impl::SleepUnlessStopped(std::chrono::milliseconds delay) {
  std::unique_lock<std::mutex> lock(mutex);
  return !changed.wait_for(lock, delay, [this] { return stopping; });
}

}  // namespace logbridge::dingtalk
