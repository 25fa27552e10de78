// DingTalk Stream mode: the app opens a WebSocket to the platform and receives events, robot
// messages and card callbacks as JSON frames, acknowledging each by messageId. StreamClient owns
// one background thread that opens tickets, connects, dispatches frames to a StreamHandler and
// reconnects with backoff. Its public methods are thread-safe; Beast stays in stream_client.cc.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "base/time.h"

namespace logbridge::dingtalk {

// Topics of the CALLBACK frames logbridge subscribes to.
inline constexpr std::string_view kStreamRobotTopic = "/v1.0/im/bot/messages/get";
inline constexpr std::string_view kStreamCardTopic = "/v1.0/card/instances/callback";

enum class StreamFrameType { kSystem, kEvent, kCallback };

// Returns "SYSTEM", "EVENT" or "CALLBACK", the `type` value on the wire.
std::string_view StreamFrameTypeName(StreamFrameType type);

// One downstream frame. `data` is the frame's data string, so it contains JSON text that callers
// parse themselves (the wire format encodes the payload as a JSON string inside JSON).
struct StreamFrame {
  StreamFrameType type = StreamFrameType::kSystem;
  std::map<std::string, std::string> headers;  // topic, messageId, eventId, eventType, ...
  std::string data;

  // Returns the header's value, or "" when absent.
  const std::string& Header(const std::string& name) const;
  const std::string& topic() const { return Header("topic"); }
  const std::string& message_id() const { return Header("messageId"); }
};

// Parses a downstream frame. Header values that are numbers are kept as their decimal text.
// Errors: kDataLoss when the text is not a JSON object, kInvalidArgument naming the field when
// `type` is unknown, `headers` is not an object, `data` is not a string, or messageId is missing.
Result<StreamFrame> ParseStreamFrame(std::string_view text);

// Builds a downstream frame; the sandbox gateway and tests use it to send what the platform sends.
std::string StreamFrameJson(const StreamFrame& frame);

// One upstream acknowledgement: {"code", "headers": {messageId, contentType}, "message", "data"}.
struct StreamAck {
  int code = 200;  // 200 ok, 404 topic not supported, 500 handler failed
  std::string message_id;
  std::string message = "OK";
  std::string data;  // JSON text sent as a string
};

std::string StreamAckJson(const StreamAck& ack);

// Parses an acknowledgement, for the sandbox gateway. Errors: kDataLoss when not a JSON object,
// kInvalidArgument when code, headers.messageId or data is missing or of the wrong type.
Result<StreamAck> ParseStreamAck(std::string_view text);

// A topic the connection subscribes to. EVENT topics must be "*": the developer console, not the
// subscription, chooses which events arrive.
struct StreamSubscription {
  std::string type;  // "EVENT" or "CALLBACK"
  std::string topic;
};

// EVENT "*" plus CALLBACK for robot messages and card callbacks.
std::vector<StreamSubscription> DefaultStreamSubscriptions();

// The application's processing of frames. Methods run on the client's thread, one frame at a
// time, so a slow handler delays later frames and their acknowledgements.
class StreamHandler {
 public:
  virtual ~StreamHandler() = default;

  // Processes one EVENT frame. OK acknowledges with status SUCCESS. An error acknowledges with
  // code 500 and status LATER, the platform's signal to deliver the event again later.
  virtual Status OnEvent(const StreamFrame& frame) = 0;

  // Processes one CALLBACK frame and returns the JSON text of the `response` value: "null" for
  // robot messages, the card update object for card callbacks. An error acknowledges with code
  // 404 when its code is kNotFound (topic not supported) and code 500 otherwise.
  virtual Result<std::string> OnCallback(const StreamFrame& frame) = 0;
};

// Delay before reconnect attempt `failures` (0 for the first attempt after a connection ended):
// min(initial * 2^failures, max) plus jitter * random_unit * that delay, where random_unit is in
// [0, 1). With the defaults: 1 s, 2 s, 4 s, ... up to 60 s, each plus up to 20 percent.
struct StreamBackoff {
  std::chrono::milliseconds initial{1000};
  std::chrono::milliseconds max{60000};
  double jitter = 0.2;
};
std::chrono::milliseconds StreamBackoffDelay(const StreamBackoff& backoff, int failures,
                                             double random_unit);

struct StreamClientOptions {
  // Where connections/open is posted: https://api.dingtalk.com, or the sandbox gateway's URL.
  std::string api_base_url = "https://api.dingtalk.com";
  std::string client_id;      // the app key
  std::string client_secret;  // the app secret; never logged
  std::vector<StreamSubscription> subscriptions = DefaultStreamSubscriptions();
  std::string user_agent = "logbridge-stream/1.0";

  StreamBackoff backoff;
  // Returns a number in [0, 1) for the backoff jitter; unset uses a seeded std::mt19937_64.
  std::function<double()> random_unit;

  // Dedupe window. A frame whose key (eventId for EVENT, messageId for CALLBACK) was handled
  // within dedupe_ttl is acknowledged again without calling the handler. The window keeps at
  // most dedupe_capacity keys and forgets the oldest first.
  std::chrono::milliseconds dedupe_ttl = std::chrono::minutes(5);
  size_t dedupe_capacity = 100000;

  std::chrono::milliseconds http_timeout{10000};     // connections/open request
  std::chrono::milliseconds connect_timeout{10000};  // TCP, TLS and WebSocket handshake
  // Without any inbound data for this long the connection counts as dropped. A WebSocket ping
  // goes out after half of it, so a quiet but healthy connection replies in time.
  std::chrono::milliseconds idle_timeout{120000};
  // wss:// endpoints verify the server certificate and host name against this PEM bundle, or
  // the system's default store when empty. There is no switch to turn verification off.
  std::string ca_cert_path;

  const Clock* clock = nullptr;  // dedupe window; null = system clock. Must outlive the client.
};

// Connection counters, for tests, metrics and the admin API.
struct StreamClientStats {
  int64_t tickets_opened = 0;    // successful connections/open calls
  int64_t connections = 0;       // WebSocket handshakes that succeeded
  int64_t frames_received = 0;   // every parsed frame, SYSTEM ones included
  int64_t duplicates = 0;        // frames acknowledged from the dedupe window
  int64_t handler_failures = 0;  // LATER and code 500/404 acknowledgements
  int64_t pings = 0;             // SYSTEM ping frames echoed
  int64_t disconnects = 0;       // SYSTEM disconnect frames received
  int64_t failed_attempts = 0;   // open or connect attempts that failed
  // Attempts that failed since the latest successful handshake, or since Start before one.
  int64_t consecutive_failures = 0;
  bool connected = false;
  // When the client was last without a connection: Start before the first handshake, then the
  // end of the latest connection. Empty while connected and before Start. Read from `clock`.
  std::optional<EpochMs> disconnected_since;
  // The latest failure, "" when none. Any occurrence of the client secret is replaced with
  // "<redacted>", so the text can go to logs and metrics.
  std::string last_error;
};

class StreamClient {
 public:
  // Validates the options. `handler` must outlive the client.
  // Errors: kInvalidArgument naming the empty credential, a bad URL, an EVENT subscription whose
  // topic is not "*", an unknown subscription type or a non-positive backoff.
  static Result<std::unique_ptr<StreamClient>> Create(StreamClientOptions options,
                                                      StreamHandler* handler);

  ~StreamClient();  // calls Stop

  StreamClient(const StreamClient&) = delete;
  StreamClient& operator=(const StreamClient&) = delete;

  // Starts the background thread, which connects and keeps reconnecting until Stop.
  // Errors: kFailedPrecondition when already started.
  Status Start();

  // Closes the connection, abandons any backoff wait and joins the thread. A frame being
  // handled finishes first, and so does a connections/open request in flight (at most
  // http_timeout). Idempotent.
  void Stop();

  // Blocks until `connections` WebSocket handshakes have succeeded since Start, or `timeout`
  // passes; returns true when reached.
  bool WaitForConnections(int64_t connections, std::chrono::milliseconds timeout) const;

  StreamClientStats Stats() const;

 private:
  struct Impl;
  explicit StreamClient(std::unique_ptr<Impl> impl);

  std::unique_ptr<Impl> impl_;
};

}  // namespace logbridge::dingtalk
