// The connector's HTTP callback endpoint: encrypted event callbacks (stored in the EventInbox
// before they are acknowledged), interactive card clicks and robot chat messages, each route
// checking its platform signature first. Several apps may share the event route; the app whose
// credentials open the envelope is logged. Thread-safe; requests run on the server's threads.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "base/time.h"
#include "dingtalk/callback_crypto.h"

namespace logbridge::connector {

class EventInbox;
class CardActionService;
class RobotCommandService;

// Credentials of one app whose events arrive on the event route.
struct CallbackApp {
  std::string name;  // for logs and the inbox's app_name, e.g. the app key
  dingtalk::CallbackCryptoConfig crypto;
};

struct CallbackServerOptions {
  std::string bind = "127.0.0.1";
  int port = 0;  // 0 picks a free port; Start returns it
  int threads = 16;
  size_t max_body_bytes = 1 << 20;

  // Event route. max_timestamp_skew bounds |now - timestamp| of a signed request; timestamps
  // below 10^11 are read as seconds, larger ones as milliseconds.
  std::string event_path = "/dingtalk/events";
  std::vector<CallbackApp> apps;
  std::chrono::milliseconds max_timestamp_skew = std::chrono::hours(1);

  // Card route, enabled when card_api_secret is set (the apiSecret registered for the route).
  std::string card_path = "/dingtalk/card";
  std::string card_api_secret;
  std::chrono::milliseconds card_max_skew = std::chrono::hours(1);

  // Robot route, enabled when robot_app_secret is set. A reply is posted to the message's
  // sessionWebhook only when that URL starts with session_webhook_prefix; otherwise it is
  // returned as the HTTP response body.
  std::string robot_path = "/dingtalk/robot";
  std::string robot_app_secret;
  std::string session_webhook_prefix = "https://oapi.dingtalk.com/";
};

class CallbackServer {
 public:
  // Validates the options: at least one app, every app's credentials valid (CallbackCrypto
  // rules), distinct app names, a positive skew. `inbox` and `clock` are required; `cards` and
  // `robot` may be null when their routes are disabled. All must outlive the server.
  // Errors: kInvalidArgument naming the app or option.
  static Result<std::unique_ptr<CallbackServer>> Create(CallbackServerOptions options,
                                                        EventInbox* inbox, CardActionService* cards,
                                                        RobotCommandService* robot,
                                                        const Clock* clock);
  ~CallbackServer();  // stops the server

  CallbackServer(const CallbackServer&) = delete;
  CallbackServer& operator=(const CallbackServer&) = delete;

  // Binds and starts serving on a background thread; returns the bound port.
  // Errors: kUnavailable when the address cannot be bound, kFailedPrecondition when started.
  Result<int> Start();

  // Stops accepting requests and waits for the server thread. Idempotent.
  void Stop();

 private:
  struct Impl;
  explicit CallbackServer(std::unique_ptr<Impl> impl);

  std::unique_ptr<Impl> impl_;
};

}  // namespace logbridge::connector
