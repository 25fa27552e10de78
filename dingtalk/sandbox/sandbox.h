// An offline DingTalk Open Platform over real HTTP: both API families (oapi and v1.0) on one
// loopback port, seeded from an organization, with tokens, rate limits, quotas, injectable
// faults and an admin endpoint under /sandbox/. Every public method is thread-safe; the server
// runs on its own threads from Start until Stop or destruction.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "base/time.h"
#include "dingtalk/sandbox/callback_pusher.h"
#include "dingtalk/sandbox/org.h"

namespace logbridge::dingtalk {

class StreamGateway;

// The channel of an app's events and of the messages users send to its robot, which DingTalk
// sets on the event subscription and robot pages of the developer console.
enum class SandboxPushMode {
  kHttp,    // to the URLs of SandboxOptions::callbacks
  kStream,  // as Stream frames through the attached StreamGateway (Sandbox::SetStreamGateway)
};

// An internal app registered with the sandbox.
struct SandboxApp {
  std::string app_key;
  std::string app_secret;
  int64_t agent_id = 0;    // must match `agent_id` in work notifications
  std::string robot_code;  // must match `robotCode` in robot messages and card delivery
  SandboxPushMode push_mode = SandboxPushMode::kHttp;
};

// The app Start registers when SandboxOptions::apps is empty.
SandboxApp DefaultSandboxApp();

// A custom group robot reachable at /robot/send?access_token=<access_token>.
struct SandboxWebhookRobot {
  std::string access_token;
  std::string secret;  // "SEC..." signing secret; empty turns signature checks off
};

enum class FaultKind {
  kServerError,       // responds `http_status` with a plain-text body
  kSlowResponse,      // sleeps `delay`, then responds normally
  kMalformedJson,     // responds 200 with a truncated JSON body
  kDropConnection,    // sends headers, then closes the connection before the body
  kPunish,            // responds with the per-IP ban body {"status":1111,...,"punish":"deny"}
  kStuckCursor,       // a paged list returns has_more with the request's own cursor
  kPermissionDenied,  // oapi `errcode` (60011, or 88 with `sub_code`); v1.0 403
  kErrorCode,         // oapi `errcode` with its message, such as -1 or 90002; v1.0 `http_status`
};

// One injected fault. A request matches when its path starts with `path`, and an empty path
// matches every API path but never /sandbox/. A match fires with `probability` until `count`
// requests have been faulted.
struct Fault {
  FaultKind kind = FaultKind::kServerError;
  std::string path;
  int32_t count = -1;  // requests left to fault; -1 is unlimited
  double probability = 1.0;
  int32_t http_status = 500;
  std::chrono::milliseconds delay{0};
  int32_t errcode = 60011;
  std::string sub_code;
};

// Logs the sandbox synthesizes in memory on start, for benchmarks that need volume fast.
struct BulkLogOptions {
  int64_t count = 0;  // 0 turns bulk mode off
  EpochMs end;        // create times spread over `days` before this; 0 = clock now
  int32_t days = 90;
};

struct SandboxOptions {
  std::string host = "127.0.0.1";
  int32_t port = 0;              // 0 picks an ephemeral port
  const Clock* clock = nullptr;  // not owned; must outlive the sandbox; null = system clock
  std::chrono::seconds token_lifetime{7200};
  int32_t qps_limit = 0;      // calls per app per API path per second; 0 = off
  int64_t monthly_quota = 0;  // metered calls per calendar month (Asia/Shanghai); 0 = off
  int32_t daily_messages_per_user = 500;  // work notifications one user receives per day
  std::vector<SandboxApp> apps;           // empty registers DefaultSandboxApp()
  std::vector<SandboxWebhookRobot> webhook_robots;
  Organization organization;
  std::vector<Fault> faults;
  BulkLogOptions bulk;
  uint64_t seed = 1;  // seeds fault probabilities, ids and cursors
  // Push targets of card clicks, robot messages and events. When unset, they are only recorded.
  std::optional<CallbackTargets> callbacks;
};

// A message the sandbox accepted, from any channel.
struct RecordedMessage {
  std::string channel;       // "work_notice", "robot" or "webhook"
  std::string id;            // task_id, processQueryKey, or a webhook sequence number
  std::string app_key;       // empty for webhook messages
  std::string msg_type;      // msgtype or msgKey, such as "markdown" or "sampleMarkdown"
  std::string content_json;  // the message object as received
  std::vector<std::string> delivered_userids;
  std::vector<std::string> dropped_userids;  // silently not delivered (duplicate or daily cap)
  std::vector<std::string> invalid_userids;
  EpochMs sent_at;
};

// An interactive card created through createAndDeliver, with its latest data.
struct RecordedCard {
  std::string out_track_id;
  std::string card_template_id;
  std::string open_space_id;
  std::string callback_type;
  std::string app_key;
  std::map<std::string, std::string> card_params;
  int32_t update_count = 0;
  EpochMs created_at;
  EpochMs updated_at;
};

// A user action simulated through the admin endpoint or the methods below.
struct RecordedAction {
  std::string kind;  // "card_click", "robot_message" or "event"
  std::string detail_json;
  EpochMs at;
};

class Sandbox {
 public:
  // Starts the server on options.host:options.port and returns once it accepts connections.
  // Fails with kInvalidArgument on bad options (duplicate app keys, non-loopback host) and
  // kUnavailable when the port cannot be bound.
  static Result<std::unique_ptr<Sandbox>> Start(SandboxOptions options);

  ~Sandbox();  // stops the server
  Sandbox(const Sandbox&) = delete;
  Sandbox& operator=(const Sandbox&) = delete;

  int32_t port() const;
  std::string base_url() const;  // "http://127.0.0.1:<port>", serving both API families

  // Stops accepting requests and joins the server thread; idempotent.
  void Stop();

  void AddFault(Fault fault);
  void ClearFaults();

  // Writes a log as `userid` on `template_name` with fields in template order; create and
  // modified times are `create_time`, or the clock's now. Returns the new report_id.
  // Fails with kNotFound for an unknown user or template.
  Result<std::string> WriteReport(const std::string& userid, const std::string& template_name,
                                  const std::vector<std::pair<std::string, std::string>>& fields,
                                  std::optional<EpochMs> create_time = std::nullopt);

  // Replaces the named fields of a log and bumps its modified_time to `modified_time`, or the
  // clock's now. Fails with kNotFound for an unknown report or field.
  Status EditReport(const std::string& report_id,
                    const std::vector<std::pair<std::string, std::string>>& fields,
                    std::optional<EpochMs> modified_time = std::nullopt);

  // Attaches the Stream gateway. This sandbox's port then serves
  // POST /v1.0/gateway/connections/open too, with the gateway's credentials, tickets and errors
  // and its WebSocket endpoint, and the simulated user actions below use the gateway for Stream
  // deliveries. Null detaches it. Not owned: the gateway must stay alive until it is detached or
  // this sandbox stops.
  void SetStreamGateway(StreamGateway* gateway);

  // Records a button click on a card and delivers it the way the card asked for. A card
  // created with callbackType STREAM (the default when the request names none) goes out as a
  // CALLBACK frame on the card callback topic to the connections of the app that created it,
  // when a gateway is attached. Every other click goes to the card callback URL, when
  // callbacks are set. Fails with kNotFound for an unknown card or user.
  Status ClickCard(const std::string& out_track_id, const std::string& userid,
                   const std::string& action_id, const std::map<std::string, std::string>& params);

  // Records a one-to-one text message from a user to the robot of the first app and delivers
  // it: as a CALLBACK frame on the robot topic when that app's push_mode is kStream and a
  // gateway is attached, otherwise to the robot callback URL when callbacks are set.
  // Fails with kNotFound for an unknown user.
  Status SendRobotMessage(const std::string& userid, const std::string& text);

  // Records an event and delivers it to every app. An app whose push_mode is kStream gets an
  // EVENT frame through the attached gateway: headers eventType and eventId come from the
  // event's EventType and eventId (a fresh id when absent), and the data is the event without
  // those two keys. When any other app remains and callbacks are set, the event goes encrypted
  // to the event URL, once. Fails with kInvalidArgument when `event_json` is not a JSON object,
  // or has no string EventType while an app receives by Stream.
  Status PushEvent(const std::string& event_json);

  // Returns the callback pusher, or nullptr when SandboxOptions::callbacks is unset.
  CallbackPusher* pusher();

  // Marks every issued token expired, as if the token lifetime had passed.
  void ExpireTokens();

  std::vector<RecordedMessage> Messages() const;
  std::vector<RecordedCard> Cards() const;
  std::vector<RecordedAction> Actions() const;

  // Counts every request to an API path since start, including rejected ones.
  int64_t CallCount(const std::string& path) const;
  // Counts metered calls in the current month, the figure the monthly quota applies to.
  int64_t MonthlyUsage() const;
  void SetMonthlyUsage(int64_t calls);

  size_t report_count() const;

  class Impl;

 private:
  explicit Sandbox(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace logbridge::dingtalk
