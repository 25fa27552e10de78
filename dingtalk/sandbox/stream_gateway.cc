// The Stream gateway runs Beast's asynchronous HTTP and WebSocket servers on one io thread.
// Sessions live on that thread only. The state that public methods read (tickets, frames, ACKs,
// connection list) is guarded by one mutex, and public methods that send post work to the thread.
#include "dingtalk/sandbox/stream_gateway.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "dingtalk/json_fields.h"
#include "dingtalk/sandbox/sandbox.h"

namespace logbridge::dingtalk {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;
using nlohmann::json;
using SteadyTime = std::chrono::steady_clock::time_point;

constexpr std::string_view kOpenPath = "/v1.0/gateway/connections/open";
constexpr std::string_view kConnectPath = "/connect";
constexpr char kCorpId[] = "dingsandboxcorp";

const SystemClock kSystemClock;

// The sandbox's logger, "sandbox"; the loser of a registration race takes the winner's logger.
std::shared_ptr<spdlog::logger> Logger() {
  static std::shared_ptr<spdlog::logger> logger = [] {
    if (auto existing = spdlog::get("sandbox")) {
      return existing;
    }
    try {
      return spdlog::stderr_color_mt("sandbox");
    } catch (const spdlog::spdlog_ex&) {
      return spdlog::get("sandbox");
    }
  }();
  return logger;
}

bool IsLoopback(const std::string& host) {
  return host == "127.0.0.1" || host == "::1" || host == "localhost";
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

// Returns the percent-decoded value of `name` in the query of `target`, or "" when absent.
std::string QueryValue(std::string_view target, std::string_view name) {
  size_t query = target.find('?');
  while (query != std::string_view::npos) {
    size_t start = query + 1;
    size_t end = std::min(target.find('&', start), target.size());
    std::string_view pair = target.substr(start, end - start);
    if (pair.substr(0, name.size()) == name && pair.size() > name.size() &&
        pair[name.size()] == '=') {
      std::string decoded;
      std::string_view raw = pair.substr(name.size() + 1);
      for (size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] == '%' && i + 2 < raw.size() && HexValue(raw[i + 1]) >= 0 &&
            HexValue(raw[i + 2]) >= 0) {
          decoded.push_back(static_cast<char>(HexValue(raw[i + 1]) * 16 + HexValue(raw[i + 2])));
          i += 2;
        } else {
          decoded.push_back(raw[i] == '+' ? ' ' : raw[i]);
        }
      }
      return decoded;
    }
    query = end < target.size() ? end : std::string_view::npos;
  }
  return "";
}

// A connection's subscriptions decide which pushed frames it may receive.
bool Subscribes(const std::vector<StreamSubscription>& subscriptions, const StreamFrame& frame) {
  for (const StreamSubscription& subscription : subscriptions) {
    if (frame.type == StreamFrameType::kEvent && subscription.type == "EVENT") {
      return true;
    }
    if (frame.type == StreamFrameType::kCallback && subscription.type == "CALLBACK" &&
        subscription.topic == frame.topic()) {
      return true;
    }
  }
  return false;
}

// Returns true when `ack` completes its frame: code 200, and status SUCCESS for events.
bool IsSuccessfulAck(const StreamAck& ack, StreamFrameType type) {
  if (ack.code != 200) {
    return false;
  }
  if (type != StreamFrameType::kEvent) {
    return true;
  }
  Result<json> data = ParseJson(ack.data);
  return data.ok() && ReadString(*data, "status") == "SUCCESS";
}

class WsSession;

}  // namespace

class StreamGateway::Impl {
 public:
  explicit Impl(StreamGatewayOptions options);

  Status Listen();
  void Shutdown();

  // HTTP side: OpenConnection runs on the io thread, Open on any thread.
  http::response<http::string_body> OpenConnection(const http::request<http::string_body>& request);
  StreamOpenResponse Open(const std::string& request_body);
  // Returns the ticket's owner and subscriptions, removing the ticket; nullopt when the ticket
  // is unknown, already used or expired.
  std::optional<StreamConnectionInfo> RedeemTicket(const std::string& ticket);
  void CountRejectedUpgrade();

  // WebSocket side, on the io thread.
  // Remembers a connection from the moment its upgrade request is read, so that Shutdown also
  // closes one whose WebSocket handshake has not finished yet.
  void Track(const std::shared_ptr<WsSession>& session);
  void Register(const std::shared_ptr<WsSession>& session);
  void Unregister(uint64_t connection_id);
  void OnAck(uint64_t connection_id, const std::string& text);
  void Pump();
  void ScheduleTick();
  // Sends a ping to every connection when ping_interval has passed since the last round.
  void PingIfDue();

  // Called from any thread. A non-empty `client_id` limits delivery to that app's connections.
  std::string Queue(StreamFrame frame, std::string client_id);
  std::string NextId(std::string_view prefix);
  StreamFrame SystemFrame(const std::string& topic, std::string data);

  struct PendingFrame {
    StreamFrame frame;
    StreamDeliveryState state;
    SteadyTime last_sent;
    std::string client_id;  // the only app whose connections may receive it; empty = any
  };

  // Immutable after construction.
  const StreamGatewayOptions options_;
  const Clock* const clock_;
  std::vector<StreamGatewayApp> apps_;
  std::chrono::milliseconds tick_;

  net::io_context io_;
  tcp::acceptor acceptor_{io_};
  net::steady_timer timer_{io_};
  std::thread thread_;
  int32_t port_ = 0;
  bool stopped_ = false;

  // Used on the io thread only.
  std::map<uint64_t, std::shared_ptr<WsSession>> sessions_;
  // Every connection since its upgrade, registered or not. Track prunes the expired entries.
  std::vector<std::weak_ptr<WsSession>> tracked_;
  SteadyTime last_ping_;

  // Guarded by mutex_.
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::mt19937_64 random_;
  struct TicketInfo {
    std::string client_id;
    std::vector<StreamSubscription> subscriptions;
    EpochMs issued_at;
  };
  std::map<std::string, TicketInfo> tickets_;
  std::map<std::string, PendingFrame> frames_;  // by messageId
  std::vector<std::string> frame_order_;        // messageIds in push order
  std::vector<RecordedStreamAck> acks_;
  std::vector<StreamConnectionInfo> connections_;
  uint64_t next_connection_id_ = 1;
  int32_t acks_to_lose_ = 0;
  int64_t tickets_issued_ = 0;
  int64_t rejected_opens_ = 0;
  int64_t rejected_upgrades_ = 0;
};

namespace {

// One WebSocket connection. Lives on the io thread; outgoing frames are queued so only one
// write is in flight at a time, as Beast requires.
class WsSession : public std::enable_shared_from_this<WsSession> {
 public:
  WsSession(tcp::socket socket, StreamConnectionInfo info, StreamGateway::Impl* gateway)
      : ws_(std::move(socket)), info_(std::move(info)), gateway_(gateway) {}

  const StreamConnectionInfo& info() const { return info_; }

  void Accept(http::request<http::string_body> request) {
    request_ = std::move(request);
    ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
    ws_.async_accept(request_, [self = shared_from_this()](beast::error_code error) {
      if (error) {
        Logger()->warn("stream gateway connection {}: WebSocket accept failed: {}",
                       self->info_.connection_id, error.message());
        return;
      }
      self->gateway_->Register(self);
      self->Read();
    });
  }

  void Send(std::string text) {
    outbox_.push_back(std::move(text));
    if (outbox_.size() == 1) {
      WriteNext();
    }
  }

  // Closes after `grace`, with a WebSocket close frame.
  void CloseAfter(std::chrono::milliseconds grace) {
    auto timer = std::make_shared<net::steady_timer>(ws_.get_executor(), grace);
    timer->async_wait([self = shared_from_this(), timer](beast::error_code error) {
      if (error || self->closed_) {
        return;
      }
      self->ws_.async_close(websocket::close_code::going_away, [self](beast::error_code) {});
    });
  }

  // Closes the socket without a close frame, as a network failure would.
  void Drop() {
    if (closed_) {
      return;
    }
    closed_ = true;
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).socket().shutdown(tcp::socket::shutdown_both, ignored);
    beast::get_lowest_layer(ws_).socket().close(ignored);
  }

 private:
  void Read() {
    ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code error, size_t) {
      if (error) {
        self->closed_ = true;
        self->gateway_->Unregister(self->info_.connection_id);
        return;
      }
      std::string text = beast::buffers_to_string(self->buffer_.data());
      self->buffer_.consume(self->buffer_.size());
      self->gateway_->OnAck(self->info_.connection_id, text);
      self->Read();
    });
  }

  void WriteNext() {
    ws_.text(true);
    ws_.async_write(net::buffer(outbox_.front()),
                    [self = shared_from_this()](beast::error_code error, size_t) {
                      self->outbox_.pop_front();
                      if (error) {
                        self->outbox_.clear();
                        return;
                      }
                      if (!self->outbox_.empty()) {
                        self->WriteNext();
                      }
                    });
  }

  websocket::stream<beast::tcp_stream> ws_;
  http::request<http::string_body> request_;  // the upgrade request, kept until accepted
  beast::flat_buffer buffer_;
  std::deque<std::string> outbox_;
  StreamConnectionInfo info_;
  StreamGateway::Impl* gateway_;
  bool closed_ = false;
};

// One HTTP connection: serves connections/open (keep-alive) or upgrades to a WsSession.
class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(tcp::socket socket, StreamGateway::Impl* gateway)
      : stream_(std::move(socket)), gateway_(gateway) {}

  void Read() {
    request_ = {};
    stream_.expires_after(std::chrono::seconds(30));
    http::async_read(stream_, buffer_, request_,
                     [self = shared_from_this()](beast::error_code error, size_t) {
                       if (!error) {
                         self->Route();
                       }
                     });
  }

 private:
  void Route() {
    std::string_view target(request_.target().data(), request_.target().size());
    std::string_view path = target.substr(0, target.find('?'));
    if (websocket::is_upgrade(request_)) {
      Upgrade(path == kConnectPath ? QueryValue(target, "ticket") : "");
      return;
    }
    if (request_.method() == http::verb::post && path == kOpenPath) {
      Write(gateway_->OpenConnection(request_));
      return;
    }
    Write(ErrorResponse(http::status::not_found, "notFound",
                        "no route " + std::string(path) + " in the Stream gateway"));
  }

  void Upgrade(const std::string& ticket) {
    std::optional<StreamConnectionInfo> info =
        ticket.empty() ? std::nullopt : gateway_->RedeemTicket(ticket);
    if (!info) {
      gateway_->CountRejectedUpgrade();
      Logger()->warn("stream gateway: WebSocket upgrade rejected: ticket missing, used or expired");
      auto response = ErrorResponse(http::status::unauthorized, "invalidTicket",
                                    "ticket is missing, already used or expired; open a new one");
      response.keep_alive(false);
      Write(std::move(response));
      return;
    }
    stream_.expires_never();
    auto session =
        std::make_shared<WsSession>(stream_.release_socket(), std::move(*info), gateway_);
    gateway_->Track(session);
    session->Accept(std::move(request_));
  }

  http::response<http::string_body> ErrorResponse(http::status status, const std::string& code,
                                                  const std::string& message) {
    http::response<http::string_body> response{status, request_.version()};
    response.set(http::field::content_type, "application/json");
    response.body() = DumpJson({{"code", code}, {"message", message}});
    response.keep_alive(request_.keep_alive());
    response.prepare_payload();
    return response;
  }

  void Write(http::response<http::string_body> response) {
    auto shared = std::make_shared<http::response<http::string_body>>(std::move(response));
    http::async_write(stream_, *shared,
                      [self = shared_from_this(), shared](beast::error_code error, size_t) {
                        if (error || !shared->keep_alive()) {
                          beast::error_code ignored;
                          self->stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
                          return;
                        }
                        self->Read();
                      });
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> request_;
  StreamGateway::Impl* gateway_;
};

void Accept(StreamGateway::Impl* gateway) {
  gateway->acceptor_.async_accept([gateway](beast::error_code error, tcp::socket socket) {
    if (error) {
      return;  // the acceptor was closed by Stop
    }
    std::make_shared<HttpSession>(std::move(socket), gateway)->Read();
    Accept(gateway);
  });
}

}  // namespace

StreamGateway::Impl::Impl(StreamGatewayOptions options)
    : options_(std::move(options)),
      clock_(options_.clock != nullptr ? options_.clock : &kSystemClock),
      apps_(options_.apps),
      tick_(std::clamp(options_.redelivery_timeout / 5, std::chrono::milliseconds(5),
                       std::chrono::milliseconds(1000))),
      random_(options_.seed) {
  if (apps_.empty()) {
    SandboxApp app = DefaultSandboxApp();
    apps_.push_back({app.app_key, app.app_secret});
  }
}

Status StreamGateway::Impl::Listen() {
  beast::error_code error;
  tcp::endpoint endpoint(
      net::ip::make_address(options_.host == "localhost" ? "127.0.0.1" : options_.host, error),
      static_cast<uint16_t>(options_.port));
  if (!error) {
    acceptor_.open(endpoint.protocol(), error);
  }
  if (!error) {
    acceptor_.set_option(net::socket_base::reuse_address(true), error);
    acceptor_.bind(endpoint, error);
  }
  if (!error) {
    acceptor_.listen(net::socket_base::max_listen_connections, error);
  }
  if (error) {
    return MakeError(ErrorCode::kUnavailable, "Stream gateway cannot listen on " + options_.host +
                                                  ":" + std::to_string(options_.port) + ": " +
                                                  error.message() + "; choose a free port");
  }
  port_ = acceptor_.local_endpoint().port();
  Accept(this);
  ScheduleTick();
  thread_ = std::thread([this] { io_.run(); });
  Logger()->info("stream gateway listening on {}:{}", options_.host, port_);
  return OkStatus();
}

void StreamGateway::Impl::Shutdown() {
  if (stopped_) {
    return;
  }
  stopped_ = true;
  net::post(io_, [this] {
    beast::error_code ignored;
    acceptor_.close(ignored);
    timer_.cancel();
    for (auto& [id, session] : sessions_) {
      session->Drop();
    }
    sessions_.clear();
    // A client can see its handshake succeed before the accept handler here has registered
    // the connection. Such a connection would otherwise stay open, silent, until the gateway
    // object is destroyed.
    for (const std::weak_ptr<WsSession>& tracked : tracked_) {
      if (std::shared_ptr<WsSession> session = tracked.lock()) {
        session->Drop();
      }
    }
    tracked_.clear();
    io_.stop();
  });
  thread_.join();
  std::lock_guard<std::mutex> lock(mutex_);
  connections_.clear();
  Logger()->info("stream gateway on port {} stopped", port_);
}

http::response<http::string_body> StreamGateway::Impl::OpenConnection(
    const http::request<http::string_body>& request) {
  StreamOpenResponse answer = Open(request.body());
  http::response<http::string_body> response{static_cast<http::status>(answer.status),
                                             request.version()};
  response.set(http::field::content_type, "application/json");
  response.keep_alive(request.keep_alive());
  response.body() = std::move(answer.body);
  response.prepare_payload();
  return response;
}

StreamOpenResponse StreamGateway::Impl::Open(const std::string& request_body) {
  auto answer = [](http::status status, const json& body) {
    return StreamOpenResponse{static_cast<int32_t>(status), DumpJson(body)};
  };

  Result<json> body = ParseJson(request_body);
  std::vector<StreamSubscription> subscriptions;
  if (body.ok() && body->is_object()) {
    for (const json& item : ReadArray(*body, "subscriptions")) {
      subscriptions.push_back({ReadString(item, "type"), ReadString(item, "topic")});
    }
  }
  std::lock_guard<std::mutex> lock(mutex_);
  if (!body.ok() || !body->is_object() || subscriptions.empty()) {
    ++rejected_opens_;
    return answer(http::status::bad_request,
                  {{"code", "invalidParameter"},
                   {"message",
                    "body must be a JSON object with clientId, clientSecret and a "
                    "non-empty subscriptions array"}});
  }
  std::string client_id = ReadString(*body, "clientId");
  std::string client_secret = ReadString(*body, "clientSecret");
  bool known = std::any_of(apps_.begin(), apps_.end(), [&](const StreamGatewayApp& app) {
    return app.client_id == client_id && app.client_secret == client_secret;
  });
  if (!known) {
    ++rejected_opens_;
    Logger()->warn("stream gateway: connections/open for client {} rejected: authFailed",
                   client_id);
    return answer(http::status::unauthorized,
                  {{"code", "authFailed"}, {"message", "鉴权失败"}, {"requestid", NextId("req-")}});
  }

  std::string ticket = NextId("ticket-");
  tickets_[ticket] = TicketInfo{client_id, std::move(subscriptions), clock_->Now()};
  ++tickets_issued_;
  return answer(http::status::ok,
                {{"endpoint", "ws://" + options_.host + ":" + std::to_string(port_) +
                                  std::string(kConnectPath)},
                 {"ticket", ticket}});
}

std::optional<StreamConnectionInfo> StreamGateway::Impl::RedeemTicket(const std::string& ticket) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto found = tickets_.find(ticket);
  if (found == tickets_.end()) {
    return std::nullopt;
  }
  TicketInfo info = std::move(found->second);
  tickets_.erase(found);  // single use, whether it is still valid or not
  if (clock_->Now() - info.issued_at > options_.ticket_lifetime) {
    return std::nullopt;
  }
  return StreamConnectionInfo{next_connection_id_++, info.client_id, std::move(info.subscriptions)};
}

void StreamGateway::Impl::CountRejectedUpgrade() {
  std::lock_guard<std::mutex> lock(mutex_);
  ++rejected_upgrades_;
}

void StreamGateway::Impl::Track(const std::shared_ptr<WsSession>& session) {
  std::erase_if(tracked_,
                [](const std::weak_ptr<WsSession>& tracked) { return tracked.expired(); });
  tracked_.push_back(session);
}

void StreamGateway::Impl::Register(const std::shared_ptr<WsSession>& session) {
  sessions_[session->info().connection_id] = session;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    connections_.push_back(session->info());
  }
  changed_.notify_all();
  Logger()->info("stream gateway: connection {} opened by client {}", session->info().connection_id,
                 session->info().client_id);
  Pump();  // frames queued while no connection was open
}

void StreamGateway::Impl::Unregister(uint64_t connection_id) {
  sessions_.erase(connection_id);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    std::erase_if(connections_, [connection_id](const StreamConnectionInfo& info) {
      return info.connection_id == connection_id;
    });
  }
  changed_.notify_all();
  Logger()->info("stream gateway: connection {} closed", connection_id);
}

void StreamGateway::Impl::OnAck(uint64_t connection_id, const std::string& text) {
  Result<StreamAck> ack = ParseStreamAck(text);
  if (!ack.ok()) {
    Logger()->warn("stream gateway: connection {} sent an invalid ACK: {}", connection_id,
                   ack.error().message);
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (acks_to_lose_ > 0) {
      --acks_to_lose_;
      Logger()->info("stream gateway: ACK of {} lost on purpose", ack->message_id);
      return;
    }
    auto frame = frames_.find(ack->message_id);
    if (frame != frames_.end() && IsSuccessfulAck(*ack, frame->second.state.type)) {
      frame->second.state.acknowledged = true;
    }
    acks_.push_back({std::move(*ack), connection_id, clock_->Now()});
  }
  changed_.notify_all();
}

void StreamGateway::Impl::Pump() {
  SteadyTime now = std::chrono::steady_clock::now();
  std::lock_guard<std::mutex> lock(mutex_);
  for (const std::string& message_id : frame_order_) {
    PendingFrame& pending = frames_.at(message_id);
    StreamDeliveryState& state = pending.state;
    if (state.acknowledged || state.abandoned ||
        (state.deliveries > 0 && now - pending.last_sent < options_.redelivery_timeout)) {
      continue;
    }
    if (state.deliveries >= options_.max_deliveries) {
      state.abandoned = true;
      Logger()->warn("stream gateway: frame {} abandoned after {} deliveries", message_id,
                     state.deliveries);
      continue;
    }
    auto session = std::find_if(sessions_.begin(), sessions_.end(), [&](const auto& entry) {
      const StreamConnectionInfo& info = entry.second->info();
      return (pending.client_id.empty() || info.client_id == pending.client_id) &&
             Subscribes(info.subscriptions, pending.frame);
    });
    if (session == sessions_.end()) {
      continue;  // stays queued until a subscribed connection opens
    }
    StreamFrame frame = pending.frame;
    if (frame.type == StreamFrameType::kCallback) {
      frame.headers["connectionId"] = std::to_string(session->first);
    }
    ++state.deliveries;
    pending.last_sent = now;
    session->second->Send(StreamFrameJson(frame));
  }
}

void StreamGateway::Impl::ScheduleTick() {
  timer_.expires_after(tick_);
  timer_.async_wait([this](beast::error_code error) {
    if (error) {
      return;
    }
    Pump();
    PingIfDue();
    ScheduleTick();
  });
}

void StreamGateway::Impl::PingIfDue() {
  SteadyTime now = std::chrono::steady_clock::now();
  if (options_.ping_interval.count() <= 0 || now - last_ping_ < options_.ping_interval) {
    return;
  }
  last_ping_ = now;
  for (auto& [id, session] : sessions_) {
    std::string opaque;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      opaque = NextId("");
    }
    session->Send(StreamFrameJson(SystemFrame("ping", DumpJson({{"opaque", opaque}}))));
  }
}

std::string StreamGateway::Impl::NextId(std::string_view prefix) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(prefix);
  uint64_t high = random_();
  uint64_t low = random_();
  for (int i = 0; i < 16; ++i) {
    id.push_back(kHex[(high >> (i * 4)) & 15]);
  }
  for (int i = 0; i < 16; ++i) {
    id.push_back(kHex[(low >> (i * 4)) & 15]);
  }
  return id;
}

std::string StreamGateway::Impl::Queue(StreamFrame frame, std::string client_id) {
  std::string message_id;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    message_id = frame.message_id();
    PendingFrame pending{std::move(frame), {}, SteadyTime(), std::move(client_id)};
    pending.state.message_id = message_id;
    pending.state.type = pending.frame.type;
    frames_.emplace(message_id, std::move(pending));
    frame_order_.push_back(message_id);
  }
  net::post(io_, [this] { Pump(); });
  return message_id;
}

StreamFrame StreamGateway::Impl::SystemFrame(const std::string& topic, std::string data) {
  StreamFrame frame;
  frame.type = StreamFrameType::kSystem;
  std::lock_guard<std::mutex> lock(mutex_);
  frame.headers = {{"topic", topic},
                   {"messageId", NextId("sys-")},
                   {"contentType", "application/json"},
                   {"time", std::to_string(clock_->Now().value)}};
  frame.data = std::move(data);
  return frame;
}

Result<std::unique_ptr<StreamGateway>> StreamGateway::Start(StreamGatewayOptions options) {
  if (!IsLoopback(options.host)) {
    return MakeError(ErrorCode::kInvalidArgument, "Stream gateway host " + options.host +
                                                      " is not a loopback address; use "
                                                      "127.0.0.1");
  }
  if (options.redelivery_timeout.count() <= 0 || options.ticket_lifetime.count() <= 0 ||
      options.max_deliveries <= 0) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "Stream gateway redelivery_timeout, ticket_lifetime and max_deliveries "
                     "must be positive");
  }
  auto impl = std::make_unique<Impl>(std::move(options));
  if (Status listening = impl->Listen(); !listening.ok()) {
    return listening.error();
  }
  return std::unique_ptr<StreamGateway>(new StreamGateway(std::move(impl)));
}

StreamGateway::StreamGateway(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

StreamGateway::~StreamGateway() { Stop(); }

void StreamGateway::Stop() { impl_->Shutdown(); }

int32_t StreamGateway::port() const { return impl_->port_; }

std::string StreamGateway::base_url() const {
  return "http://" + impl_->options_.host + ":" + std::to_string(impl_->port_);
}

StreamOpenResponse StreamGateway::OpenConnection(const std::string& request_body) {
  return impl_->Open(request_body);
}

std::string StreamGateway::PushEvent(const std::string& event_type, const std::string& data_json,
                                     const std::string& event_id, const std::string& client_id) {
  StreamFrame frame;
  frame.type = StreamFrameType::kEvent;
  std::string now = std::to_string(impl_->clock_->Now().value);
  {
    std::lock_guard<std::mutex> lock(impl_->mutex_);
    frame.headers = {{"topic", "*"},
                     {"messageId", impl_->NextId("msg-")},
                     {"contentType", "application/json"},
                     {"time", now},
                     {"eventType", event_type},
                     {"eventId", event_id.empty() ? impl_->NextId("evt-") : event_id},
                     {"eventBornTime", now},
                     {"eventCorpId", kCorpId},
                     {"eventUnifiedAppId",
                      client_id.empty() ? impl_->apps_.front().client_id : client_id}};
  }
  frame.data = data_json;
  return impl_->Queue(std::move(frame), client_id);
}

std::string StreamGateway::PushCallback(const std::string& topic, const std::string& data_json,
                                        const std::string& client_id) {
  StreamFrame frame;
  frame.type = StreamFrameType::kCallback;
  {
    std::lock_guard<std::mutex> lock(impl_->mutex_);
    frame.headers = {{"topic", topic},
                     {"messageId", impl_->NextId("msg-")},
                     {"contentType", "application/json"},
                     {"time", std::to_string(impl_->clock_->Now().value)},
                     {"appId", client_id.empty() ? impl_->apps_.front().client_id : client_id}};
  }
  frame.data = data_json;
  return impl_->Queue(std::move(frame), client_id);
}

std::vector<StreamFrame> StreamGateway::SendPing() {
  std::vector<StreamFrame> frames;
  for (const StreamConnectionInfo& connection : Connections()) {
    std::string opaque;
    {
      std::lock_guard<std::mutex> lock(impl_->mutex_);
      opaque = impl_->NextId("");
    }
    StreamFrame frame = impl_->SystemFrame("ping", DumpJson({{"opaque", opaque}}));
    frames.push_back(frame);
    net::post(impl_->io_,
              [impl = impl_.get(), id = connection.connection_id, text = StreamFrameJson(frame)] {
                auto session = impl->sessions_.find(id);
                if (session != impl->sessions_.end()) {
                  session->second->Send(text);
                }
              });
  }
  return frames;
}

void StreamGateway::SendDisconnect(const std::string& reason) {
  StreamFrame frame = impl_->SystemFrame("disconnect", DumpJson({{"reason", reason}}));
  net::post(impl_->io_, [impl = impl_.get(), text = StreamFrameJson(frame)] {
    for (auto& [id, session] : impl->sessions_) {
      session->Send(text);
      session->CloseAfter(impl->options_.disconnect_grace);
    }
  });
}

void StreamGateway::DropConnections() {
  net::post(impl_->io_, [impl = impl_.get()] {
    for (auto& [id, session] : impl->sessions_) {
      session->Drop();
    }
  });
}

void StreamGateway::LoseNextAcks(int32_t count) {
  std::lock_guard<std::mutex> lock(impl_->mutex_);
  impl_->acks_to_lose_ = count;
}

std::vector<RecordedStreamAck> StreamGateway::Acks() const {
  std::lock_guard<std::mutex> lock(impl_->mutex_);
  return impl_->acks_;
}

std::vector<StreamDeliveryState> StreamGateway::Deliveries() const {
  std::lock_guard<std::mutex> lock(impl_->mutex_);
  std::vector<StreamDeliveryState> states;
  for (const std::string& message_id : impl_->frame_order_) {
    states.push_back(impl_->frames_.at(message_id).state);
  }
  return states;
}

std::vector<StreamConnectionInfo> StreamGateway::Connections() const {
  std::lock_guard<std::mutex> lock(impl_->mutex_);
  return impl_->connections_;
}

int64_t StreamGateway::tickets_issued() const {
  std::lock_guard<std::mutex> lock(impl_->mutex_);
  return impl_->tickets_issued_;
}

int64_t StreamGateway::rejected_opens() const {
  std::lock_guard<std::mutex> lock(impl_->mutex_);
  return impl_->rejected_opens_;
}

int64_t StreamGateway::rejected_upgrades() const {
  std::lock_guard<std::mutex> lock(impl_->mutex_);
  return impl_->rejected_upgrades_;
}

bool StreamGateway::WaitForConnections(size_t count, std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(impl_->mutex_);
  return impl_->changed_.wait_for(lock, timeout,
                                  [&] { return impl_->connections_.size() >= count; });
}

bool StreamGateway::WaitForAck(const std::string& message_id,
                               std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(impl_->mutex_);
  return impl_->changed_.wait_for(lock, timeout, [&] {
    auto frame = impl_->frames_.find(message_id);
    if (frame != impl_->frames_.end()) {
      return frame->second.state.acknowledged;
    }
    return std::any_of(impl_->acks_.begin(), impl_->acks_.end(), [&](const RecordedStreamAck& ack) {
      return ack.ack.message_id == message_id && ack.ack.code == 200;
    });
  });
}

bool StreamGateway::WaitForAckCount(size_t count, std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(impl_->mutex_);
  return impl_->changed_.wait_for(lock, timeout, [&] { return impl_->acks_.size() >= count; });
}

}  // namespace logbridge::dingtalk
