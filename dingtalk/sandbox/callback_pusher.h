// The sandbox's outgoing callbacks: encrypted events, card button clicks and robot messages,
// sent over real HTTP to configured URLs and retried on the platform's schedule. Every attempt
// is recorded for tests and the admin endpoint. Thread-safe; worker threads live from
// construction until destruction, which abandons retries still waiting.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "base/time.h"
#include "dingtalk/callback_crypto.h"

namespace logbridge::dingtalk {

// Destinations and credentials of the pushes. An empty URL disables that kind of push, and its
// attempts are recorded as failed with a message naming the missing URL.
struct CallbackTargets {
  // Encrypted event callbacks (POST ?msg_signature&timestamp&nonce, body {"encrypt"}).
  std::string event_url, token, aes_key, owner_key;
  // Interactive card HTTP callbacks, signed with x-ddpaas-signature when the secret is set.
  std::string card_url, card_api_secret;
  // Robot message callbacks, signed with the timestamp and sign headers.
  std::string robot_url, robot_app_secret;
  // Delays before the second and third attempt. DingTalk waits 10 s and then 30 s.
  std::chrono::milliseconds first_retry{10000}, second_retry{30000};

  // Response timeout of one attempt. DingTalk documents a 2500 ms deadline for events.
  std::chrono::milliseconds response_timeout{2500};
  // Robot messages: the sessionWebhook URL the receiver may reply to, and the robot's code.
  std::string robot_session_webhook;
  std::string robot_code = "dingsandboxrobot";
  // Concurrent senders, so one slow receiver does not hold back other pushes.
  int sender_threads = 4;
};

// Returns the JSON body of a card button click as the platform sends it, both as the HTTP
// callback body and as the data of a Stream CALLBACK frame. `corp_id` fills corpId.
std::string CardActionJson(const std::string& out_track_id, const std::string& corp_id,
                           const std::string& user_id, const std::string& action_id,
                           const std::map<std::string, std::string>& params);

// The sender and robot of a one-to-one text message to a robot.
struct RobotMessageFields {
  std::string sender_staff_id;
  std::string sender_nick;
  std::string text;
  std::string corp_id;          // senderCorpId and chatbotCorpId
  std::string session_webhook;  // where the receiver may post a reply; may be empty
  std::string robot_code;
  EpochMs now;  // createAt; the sessionWebhook expires 90 minutes later
};

// Returns the JSON body of a robot message as the platform sends it over HTTP and as the data
// of a Stream CALLBACK frame, with a fresh random msgId and conversationId.
std::string RobotMessageJson(const RobotMessageFields& fields);

enum class PushKind { kEvent, kCardAction, kRobotMessage };

// Returns "event", "card_action" or "robot_message".
std::string_view PushKindName(PushKind kind);

// One HTTP delivery attempt.
struct PushAttempt {
  uint64_t push_id = 0;  // the same for every attempt of one push
  PushKind kind = PushKind::kEvent;
  int attempt = 1;        // 1 for the first delivery, 2 and 3 for retries
  EpochMs sent_at;        // from the injected clock
  int http_status = 0;    // 0 when no response arrived
  bool accepted = false;  // HTTP 200 and, for events, an encrypted "success" that verifies
  std::string error;      // why the attempt was not accepted; empty when accepted
  std::string request_body;
  std::string response_body;
};

class CallbackPusher {
 public:
  // Starts the sender threads. `clock` must outlive the pusher; it stamps signatures and
  // attempts, while retry delays run on the steady clock so a ManualClock does not stall them.
  CallbackPusher(CallbackTargets targets, const Clock* clock);
  ~CallbackPusher();

  CallbackPusher(const CallbackPusher&) = delete;
  CallbackPusher& operator=(const CallbackPusher&) = delete;

  // Each Push* queues one delivery (up to three attempts) and returns its push id at once.
  // PushEvent encrypts `event_json` unchanged; the caller includes eventId when it wants one.
  uint64_t PushEvent(std::string event_json);
  uint64_t PushCardAction(std::string out_track_id, std::string user_id, std::string action_id,
                          std::map<std::string, std::string> params);
  uint64_t PushRobotMessage(std::string sender_staff_id, std::string sender_nick, std::string text);

  // Returns a copy of every attempt so far, in the order they finished.
  std::vector<PushAttempt> Attempts() const;
  // Returns the attempts of one push.
  std::vector<PushAttempt> AttemptsOf(uint64_t push_id) const;
  // Returns the attempts as a JSON array (bodies included), for the sandbox admin endpoint.
  std::string AttemptsJson() const;

  // Blocks until no push is queued or in flight, or `timeout` passes; returns true when idle.
  bool WaitIdle(std::chrono::milliseconds timeout) const;

 private:
  struct Delivery;
  using SteadyTime = std::chrono::steady_clock::time_point;

  uint64_t Enqueue(PushKind kind, std::string payload);
  void SenderLoop();
  PushAttempt Send(const Delivery& delivery, int attempt);
  PushAttempt SendEvent(const Delivery& delivery);
  PushAttempt SendCardAction(const Delivery& delivery);
  PushAttempt SendRobotMessage(const Delivery& delivery);
  void Record(PushAttempt attempt);

  // Immutable after construction.
  const CallbackTargets targets_;
  const Clock* const clock_;
  std::optional<CallbackCrypto> crypto_;  // empty when the event credentials are invalid
  std::string crypto_error_;              // why crypto_ is empty

  // Guarded by mutex_.
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::multimap<SteadyTime, std::shared_ptr<Delivery>> queue_;
  std::vector<PushAttempt> attempts_;
  uint64_t next_push_id_ = 1;
  int in_flight_ = 0;
  bool stopping_ = false;

  std::vector<std::thread> senders_;
};

}  // namespace logbridge::dingtalk
