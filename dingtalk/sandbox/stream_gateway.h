// The sandbox's Stream mode gateway: POST /v1.0/gateway/connections/open and the WebSocket
// endpoint /connect on one loopback port, with single-use tickets, EVENT and CALLBACK pushes,
// pings, redelivery of unacknowledged frames and fault injection (disconnect, drop, lost ACKs).
// Every public method is thread-safe; one io thread serves all connections until Stop.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "base/time.h"
#include "dingtalk/stream_client.h"

namespace logbridge::dingtalk {

// Credentials connections/open accepts.
struct StreamGatewayApp {
  std::string client_id;
  std::string client_secret;
};

struct StreamGatewayOptions {
  std::string host = "127.0.0.1";      // loopback only
  int32_t port = 0;                    // 0 picks an ephemeral port
  std::vector<StreamGatewayApp> apps;  // empty accepts DefaultSandboxApp()'s key and secret
  const Clock* clock = nullptr;        // ticket expiry and frame times; null = system clock
  std::chrono::milliseconds ticket_lifetime{90000};  // DingTalk: 90 s, single use
  // An EVENT or CALLBACK frame without a successful ACK this long after it was sent is sent
  // again (same messageId and eventId), at most max_deliveries times in all. Measured on the
  // steady clock so a ManualClock does not stall it.
  std::chrono::milliseconds redelivery_timeout{5000};
  int32_t max_deliveries = 5;
  // How long after a SYSTEM disconnect frame the gateway closes the connection; DingTalk waits
  // about 10 s.
  std::chrono::milliseconds disconnect_grace{10000};
  // Every connection gets a SYSTEM ping this often, checked on the redelivery tick; 0 = only
  // when SendPing is called.
  std::chrono::milliseconds ping_interval{0};
  uint64_t seed = 1;  // seeds tickets and message ids
};

// An acknowledgement the gateway received.
struct RecordedStreamAck {
  StreamAck ack;
  uint64_t connection_id = 0;
  EpochMs at;
};

// The delivery state of one pushed EVENT or CALLBACK frame.
struct StreamDeliveryState {
  std::string message_id;
  StreamFrameType type = StreamFrameType::kEvent;
  int32_t deliveries = 0;     // times sent over a connection
  bool acknowledged = false;  // an ACK with code 200 (and status SUCCESS for events) arrived
  bool abandoned = false;     // max_deliveries reached without a successful ACK
};

// The response to a connections/open request: the HTTP status and the JSON body.
struct StreamOpenResponse {
  int32_t status = 200;
  std::string body;
};

// A live WebSocket connection.
struct StreamConnectionInfo {
  uint64_t connection_id = 0;
  std::string client_id;
  std::vector<StreamSubscription> subscriptions;
};

class StreamGateway {
 public:
  // Binds and starts serving. Errors: kInvalidArgument for a non-loopback host or a
  // non-positive timeout, kUnavailable when the port cannot be bound.
  static Result<std::unique_ptr<StreamGateway>> Start(StreamGatewayOptions options);

  ~StreamGateway();  // calls Stop
  StreamGateway(const StreamGateway&) = delete;
  StreamGateway& operator=(const StreamGateway&) = delete;

  // Closes every connection and joins the io thread; idempotent.
  void Stop();

  int32_t port() const;
  std::string base_url() const;  // "http://127.0.0.1:<port>", the client's api_base_url

  // Handles the body of a POST /v1.0/gateway/connections/open as this gateway's own route does
  // and issues a ticket on success. The response names this gateway's WebSocket URL, so the
  // sandbox's API port can serve the open call as api.dingtalk.com does.
  StreamOpenResponse OpenConnection(const std::string& request_body);

  // Queues an EVENT frame (topic "*") with headers eventType, eventId (generated when empty),
  // eventBornTime, eventCorpId and eventUnifiedAppId, and `data_json` as its data. It goes to
  // one connection subscribed to EVENT, now or when one connects. A non-empty `client_id`
  // limits it to connections opened by that app and fills eventUnifiedAppId. An empty one lets
  // any subscribed connection take it, and eventUnifiedAppId is the first app. Returns the
  // frame's messageId.
  std::string PushEvent(const std::string& event_type, const std::string& data_json,
                        const std::string& event_id = "", const std::string& client_id = "");

  // Queues a CALLBACK frame on `topic` for a connection subscribed to that topic, with
  // `client_id` routing and naming the app (header appId) as for PushEvent. Returns the
  // frame's messageId.
  std::string PushCallback(const std::string& topic, const std::string& data_json,
                           const std::string& client_id = "");

  // Sends a SYSTEM ping with a fresh opaque value to every connection; returns the frames sent.
  std::vector<StreamFrame> SendPing();

  // Sends a SYSTEM disconnect to every connection and closes each after disconnect_grace.
  void SendDisconnect(const std::string& reason = "connection is expired");

  // Closes every connection's socket at once, without a WebSocket close frame.
  void DropConnections();

  // Discards the next `count` ACKs as if they were lost on the way.
  void LoseNextAcks(int32_t count);

  std::vector<RecordedStreamAck> Acks() const;
  std::vector<StreamDeliveryState> Deliveries() const;
  std::vector<StreamConnectionInfo> Connections() const;
  int64_t tickets_issued() const;
  int64_t rejected_opens() const;     // connections/open rejected with 401 or 400
  int64_t rejected_upgrades() const;  // WebSocket upgrades with an unknown, used or stale ticket

  // Blocks until at least `count` connections are open, or `timeout` passes.
  bool WaitForConnections(size_t count, std::chrono::milliseconds timeout) const;
  // Blocks until the frame `message_id` is acknowledged successfully, or `timeout` passes.
  bool WaitForAck(const std::string& message_id, std::chrono::milliseconds timeout) const;
  // Blocks until `count` ACKs have been recorded in all, or `timeout` passes.
  bool WaitForAckCount(size_t count, std::chrono::milliseconds timeout) const;

  class Impl;

 private:
  explicit StreamGateway(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace logbridge::dingtalk
