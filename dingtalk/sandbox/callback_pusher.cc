// Sender threads share one time-ordered queue: each takes the earliest due delivery, sends it,
// and puts it back with the next retry delay when the receiver did not accept it.

#include "dingtalk/sandbox/callback_pusher.h"

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "dingtalk/signature.h"

namespace logbridge::dingtalk {

struct CallbackPusher::Delivery {
  uint64_t push_id = 0;
  PushKind kind = PushKind::kEvent;
  std::string payload;  // event JSON (encrypted per attempt) or the ready request body
  int attempts_made = 0;
};

namespace {

// NOTE: DingTalk documents the 10 s / 30 s retries for events only. Card and robot callbacks
// are retried the same way here, which is a guess at the platform's behaviour.
constexpr int kMaxAttempts = 3;

struct SplitUrl {
  std::string origin;  // scheme://host[:port]
  std::string target;  // path and query, at least "/"
};

// Splits "http://host:port/path?query" into origin and target; returns nullopt without a
// scheme or host.
std::optional<SplitUrl> SplitHttpUrl(const std::string& url) {
  size_t scheme_end = url.find("://");
  if (scheme_end == std::string::npos || scheme_end == 0) {
    return std::nullopt;
  }
  size_t path_start = url.find('/', scheme_end + 3);
  SplitUrl split;
  split.origin = url.substr(0, path_start);
  split.target = path_start == std::string::npos ? "/" : url.substr(path_start);
  if (split.origin.size() <= scheme_end + 3) {
    return std::nullopt;
  }
  return split;
}

struct HttpOutcome {
  int status = 0;
  std::string body;
  std::string error;  // empty when a response arrived
};

HttpOutcome PostJson(const std::string& url, const std::string& query_suffix,
                     const httplib::Headers& headers, const std::string& body,
                     std::chrono::milliseconds timeout) {
  std::optional<SplitUrl> split = SplitHttpUrl(url);
  if (!split) {
    return {0, "", "push URL \"" + url + "\" has no scheme or host; use http://host:port/path"};
  }
  std::string target = split->target;
  if (!query_suffix.empty()) {
    target += (target.find('?') == std::string::npos ? "?" : "&") + query_suffix;
  }

  httplib::Client client(split->origin);
  client.set_tcp_nodelay(true);
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(timeout);
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(timeout - seconds);
  client.set_connection_timeout(seconds.count(), micros.count());
  client.set_read_timeout(seconds.count(), micros.count());
  client.set_write_timeout(seconds.count(), micros.count());
  httplib::Result result = client.Post(target, headers, body, "application/json");
  if (!result) {
    return {
        0, "",
        "POST " + split->origin + split->target + " failed: " + httplib::to_string(result.error())};
  }
  return {result->status, result->body, ""};
}

// Copies the response into `attempt` and sets its error unless the receiver returned HTTP 200.
void ApplyOutcome(const HttpOutcome& outcome, PushAttempt* attempt) {
  attempt->http_status = outcome.status;
  attempt->response_body = outcome.body;
  if (!outcome.error.empty()) {
    attempt->error = outcome.error;
  } else if (outcome.status != 200) {
    attempt->error = "receiver returned HTTP " + std::to_string(outcome.status);
  }
}

// Checks that an event reply is the encrypted "success" with a valid signature.
std::string CheckEventReply(const CallbackCrypto& crypto, const std::string& body) {
  nlohmann::json reply = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!reply.is_object()) {
    return "event reply is not a JSON object";
  }
  for (const char* field : {"msg_signature", "timeStamp", "nonce", "encrypt"}) {
    if (!reply.contains(field) || !reply[field].is_string()) {
      return std::string("event reply lacks the string field ") + field;
    }
  }
  Result<std::string> opened =
      crypto.Open(reply["msg_signature"].get<std::string>(), reply["timeStamp"].get<std::string>(),
                  reply["nonce"].get<std::string>(), reply["encrypt"].get<std::string>());
  if (!opened.ok()) {
    return "event reply rejected: " + opened.error().message;
  }
  if (*opened != "success") {
    return "event reply decrypts to \"" + opened->substr(0, 64) + "\", expected \"success\"";
  }
  return "";
}

}  // namespace

std::string CardActionJson(const std::string& out_track_id, const std::string& corp_id,
                           const std::string& user_id, const std::string& action_id,
                           const std::map<std::string, std::string>& params) {
  // The platform sends the button's data as a JSON string inside the JSON body, in "content".
  nlohmann::json content = {
      {"cardPrivateData", {{"actionIds", nlohmann::json::array({action_id})}, {"params", params}}}};
  nlohmann::json body = {{"type", "actionCallback"},
                         {"outTrackId", out_track_id},
                         {"corpId", corp_id},
                         {"userId", user_id},
                         {"userIdType", 1},
                         {"spaceType", "im"},
                         {"content", content.dump()}};
  return body.dump();
}

std::string RobotMessageJson(const RobotMessageFields& fields) {
  nlohmann::json body = {
      {"msgtype", "text"},
      {"text", {{"content", fields.text}}},
      {"msgId", "msg" + RandomAlphanumeric(20)},
      {"createAt", fields.now.value},
      {"conversationType", "1"},
      {"conversationId", "cid" + RandomAlphanumeric(16)},
      {"senderId", "$:LWCP_v1:$" + fields.sender_staff_id},
      {"senderNick", fields.sender_nick},
      {"senderStaffId", fields.sender_staff_id},
      {"senderCorpId", fields.corp_id},
      {"sessionWebhook", fields.session_webhook},
      {"sessionWebhookExpiredTime", (fields.now + std::chrono::minutes(90)).value},
      {"isAdmin", false},
      {"chatbotCorpId", fields.corp_id},
      {"chatbotUserId", "$:LWCP_v1:$robot"},
      {"isInAtList", true},
      {"robotCode", fields.robot_code}};
  return body.dump();
}

std::string_view PushKindName(PushKind kind) {
  switch (kind) {
    case PushKind::kEvent:
      return "event";
    case PushKind::kCardAction:
      return "card_action";
    case PushKind::kRobotMessage:
      return "robot_message";
  }
  return "unknown";
}

CallbackPusher::CallbackPusher(CallbackTargets targets, const Clock* clock)
    : targets_(std::move(targets)), clock_(clock) {
  Result<CallbackCrypto> crypto =
      CallbackCrypto::Create({targets_.token, targets_.aes_key, targets_.owner_key});
  if (crypto.ok()) {
    crypto_.emplace(std::move(*crypto));
  } else {
    crypto_error_ = crypto.error().message;
  }

  int threads = std::max(1, targets_.sender_threads);
  for (int i = 0; i < threads; ++i) {
    senders_.emplace_back([this] { SenderLoop(); });
  }
}

CallbackPusher::~CallbackPusher() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  for (std::thread& sender : senders_) {
    sender.join();
  }
}

uint64_t CallbackPusher::PushEvent(std::string event_json) {
  return Enqueue(PushKind::kEvent, std::move(event_json));
}

uint64_t CallbackPusher::PushCardAction(std::string out_track_id, std::string user_id,
                                        std::string action_id,
                                        std::map<std::string, std::string> params) {
  return Enqueue(PushKind::kCardAction,
                 CardActionJson(out_track_id, targets_.owner_key, user_id, action_id, params));
}

uint64_t CallbackPusher::PushRobotMessage(std::string sender_staff_id, std::string sender_nick,
                                          std::string text) {
  RobotMessageFields fields;
  fields.sender_staff_id = std::move(sender_staff_id);
  fields.sender_nick = std::move(sender_nick);
  fields.text = std::move(text);
  fields.corp_id = targets_.owner_key;
  fields.session_webhook = targets_.robot_session_webhook;
  fields.robot_code = targets_.robot_code;
  fields.now = clock_->Now();
  return Enqueue(PushKind::kRobotMessage, RobotMessageJson(fields));
}

uint64_t CallbackPusher::Enqueue(PushKind kind, std::string payload) {
  auto delivery = std::make_shared<Delivery>();
  delivery->kind = kind;
  delivery->payload = std::move(payload);
  uint64_t id = 0;
  {
    std::lock_guard lock(mutex_);
    id = next_push_id_++;
    delivery->push_id = id;
    queue_.emplace(std::chrono::steady_clock::now(), std::move(delivery));
  }
  changed_.notify_all();
  return id;
}

void CallbackPusher::SenderLoop() {
  std::unique_lock lock(mutex_);
  while (true) {
    if (stopping_) {
      return;
    }
    if (queue_.empty()) {
      changed_.wait(lock);
      continue;
    }
    auto earliest = queue_.begin();
    if (earliest->first > std::chrono::steady_clock::now()) {
      changed_.wait_until(lock, earliest->first);
      continue;
    }

    std::shared_ptr<Delivery> delivery = std::move(earliest->second);
    queue_.erase(earliest);
    ++in_flight_;
    int attempt = ++delivery->attempts_made;
    lock.unlock();

    // The HTTP call runs unlocked so other senders and callers proceed meanwhile.
    PushAttempt result = Send(*delivery, attempt);
    bool retry = !result.accepted && attempt < kMaxAttempts;
    Record(std::move(result));

    lock.lock();
    --in_flight_;
    if (retry) {
      auto delay = attempt == 1 ? targets_.first_retry : targets_.second_retry;
      queue_.emplace(std::chrono::steady_clock::now() + delay, std::move(delivery));
    }
    changed_.notify_all();
  }
}

PushAttempt CallbackPusher::Send(const Delivery& delivery, int attempt) {
  PushAttempt result;
  switch (delivery.kind) {
    case PushKind::kEvent:
      result = SendEvent(delivery);
      break;
    case PushKind::kCardAction:
      result = SendCardAction(delivery);
      break;
    case PushKind::kRobotMessage:
      result = SendRobotMessage(delivery);
      break;
  }
  result.push_id = delivery.push_id;
  result.kind = delivery.kind;
  result.attempt = attempt;
  return result;
}

PushAttempt CallbackPusher::SendEvent(const Delivery& delivery) {
  PushAttempt result;
  result.sent_at = clock_->Now();
  if (targets_.event_url.empty()) {
    result.error = "no event_url is configured";
    return result;
  }
  if (!crypto_) {
    result.error = "event credentials are invalid: " + crypto_error_;
    return result;
  }

  // Each attempt is sealed afresh with a new timestamp and nonce, so a receiver's freshness
  // window applies to the attempt, not to the first delivery.
  SealedMessage sealed = crypto_->Seal(delivery.payload, result.sent_at);
  std::string query = "msg_signature=" + sealed.msg_signature + "&timestamp=" + sealed.timestamp +
                      "&nonce=" + sealed.nonce;
  result.request_body = nlohmann::json({{"encrypt", sealed.encrypt}}).dump();
  HttpOutcome outcome =
      PostJson(targets_.event_url, query, {}, result.request_body, targets_.response_timeout);

  ApplyOutcome(outcome, &result);
  if (result.error.empty()) {
    result.error = CheckEventReply(*crypto_, outcome.body);
  }
  result.accepted = result.error.empty();
  return result;
}

PushAttempt CallbackPusher::SendCardAction(const Delivery& delivery) {
  PushAttempt result;
  result.sent_at = clock_->Now();
  result.request_body = delivery.payload;
  if (targets_.card_url.empty()) {
    result.error = "no card_url is configured";
    return result;
  }

  httplib::Headers headers;
  if (!targets_.card_api_secret.empty()) {
    headers.emplace("x-ddpaas-signature-timestamp", std::to_string(result.sent_at.value));
    headers.emplace("x-ddpaas-signature",
                    SignCardCallback(targets_.card_api_secret, result.sent_at));
  }
  HttpOutcome outcome =
      PostJson(targets_.card_url, "", headers, delivery.payload, targets_.response_timeout);
  ApplyOutcome(outcome, &result);
  result.accepted = result.error.empty();
  return result;
}

PushAttempt CallbackPusher::SendRobotMessage(const Delivery& delivery) {
  PushAttempt result;
  result.sent_at = clock_->Now();
  result.request_body = delivery.payload;
  if (targets_.robot_url.empty()) {
    result.error = "no robot_url is configured";
    return result;
  }

  httplib::Headers headers = {
      {"timestamp", std::to_string(result.sent_at.value)},
      {"sign", SignRobotCallback(targets_.robot_app_secret, result.sent_at)}};
  HttpOutcome outcome =
      PostJson(targets_.robot_url, "", headers, delivery.payload, targets_.response_timeout);
  ApplyOutcome(outcome, &result);
  result.accepted = result.error.empty();
  return result;
}

void CallbackPusher::Record(PushAttempt attempt) {
  std::lock_guard lock(mutex_);
  attempts_.push_back(std::move(attempt));
}

std::vector<PushAttempt> CallbackPusher::Attempts() const {
  std::lock_guard lock(mutex_);
  return attempts_;
}

std::vector<PushAttempt> CallbackPusher::AttemptsOf(uint64_t push_id) const {
  std::lock_guard lock(mutex_);
  std::vector<PushAttempt> matching;
  for (const PushAttempt& attempt : attempts_) {
    if (attempt.push_id == push_id) {
      matching.push_back(attempt);
    }
  }
  return matching;
}

std::string CallbackPusher::AttemptsJson() const {
  nlohmann::json list = nlohmann::json::array();
  for (const PushAttempt& attempt : Attempts()) {
    list.push_back({{"push_id", attempt.push_id},
                    {"kind", PushKindName(attempt.kind)},
                    {"attempt", attempt.attempt},
                    {"sent_at", attempt.sent_at.value},
                    {"http_status", attempt.http_status},
                    {"accepted", attempt.accepted},
                    {"error", attempt.error},
                    {"request_body", attempt.request_body},
                    {"response_body", attempt.response_body}});
  }
  // Replace invalid UTF-8 a receiver might have sent, instead of throwing.
  return list.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

bool CallbackPusher::WaitIdle(std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [this] { return queue_.empty() && in_flight_ == 0; });
}

}  // namespace logbridge::dingtalk
