// Client of the DingTalk Open Platform: access tokens, work logs (reports), contacts, work
// notifications, robot messages, interactive cards and custom robot webhooks. Every call goes
// through one per-path token bucket, one retry policy and one classification of platform errors.
// Thread-safe: one Client per app, shared by every thread of the daemon.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"
#include "base/time.h"
#include "dingtalk/throttle.h"

namespace logbridge::dingtalk {

class ApiCaller;

// Retry policy for transient failures (errcode -1, HTTP 5xx, timeouts, dropped connections) and
// throttling responses (90018, 90002, 90019, v1.0 403 QpsLimit, non-JSON or "punish" bodies).
// The n-th retry waits min(max_backoff, base * 2^(n-1) * (1 + jitter * r)) with r uniform in
// [0, 1), where base is throttle_backoff after a throttling response and initial_backoff otherwise.
struct RetryOptions {
  int max_attempts = 6;  // sends per call, counting the first
  std::chrono::milliseconds initial_backoff{200};
  std::chrono::milliseconds throttle_backoff{1000};  // the platform counts QPS in 1 s windows
  std::chrono::milliseconds max_backoff{30000};
  double jitter = 0.5;
  SleepFunction sleep;             // default: std::this_thread::sleep_for
  std::function<double()> random;  // uniform in [0, 1); default: a seeded std::mt19937_64
};

struct ClientOptions {
  std::string oapi_base_url = "https://oapi.dingtalk.com";
  std::string api_base_url = "https://api.dingtalk.com";
  std::string app_key;
  std::string app_secret;  // never logged
  int64_t agent_id = 0;    // work notifications
  std::string robot_code;  // robot one-to-one messages and cards

  const Clock* clock = nullptr;  // not owned; default: the system clock
  std::chrono::milliseconds token_refresh_margin{std::chrono::minutes(5)};
  ThrottleOptions throttle;
  RetryOptions retry;

  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds read_timeout{30000};
  bool verify_certificates = true;  // HTTPS; turn off only for a test server
  std::string ca_cert_path;         // PEM bundle; empty = the system's store
};

// ---- Work logs ----

// Largest create-time window the client sends in one report/list query. The platform rejects
// windows over 180 days, so longer queries are split into windows of at most this length.
inline constexpr std::chrono::milliseconds kMaxReportWindow = std::chrono::days(179);
inline constexpr int kMaxReportPageSize = 20;

// Position in a report listing, enough to resume after the page it describes was stored.
struct ReportCheckpoint {
  EpochMs window_start;  // create-time window being read
  EpochMs window_end;
  int64_t next_cursor = 0;       // cursor of the next page in this window
  bool window_complete = false;  // true when this window has no more pages
};

struct ReportQuery {
  EpochMs start_time;  // create-time window, any length; split into kMaxReportWindow pieces
  EpochMs end_time;
  std::optional<EpochMs> modified_start_time;  // filter on last-modified time, both or neither
  std::optional<EpochMs> modified_end_time;
  std::string template_name;               // empty = every template
  std::string userid;                      // empty = every author
  int page_size = kMaxReportPageSize;      // 1..20
  std::optional<ReportCheckpoint> resume;  // continue after this checkpoint
};

// One log. `json` is the platform's record as received (contents, creator, dept_name, ...).
struct ReportRecord {
  std::string report_id;  // a string on the platform (hex in its examples)
  EpochMs create_time;
  EpochMs modified_time;
  std::string json;
};

struct ReportPage {
  std::vector<ReportRecord> records;
  ReportCheckpoint checkpoint;  // where to resume once these records are stored
};

// Called once per page, in order. Returning an error stops the listing with that error.
using ReportPageHandler = std::function<Status(const ReportPage&)>;

struct ReportTemplate {
  std::string name;
  std::string report_code;  // template id
  std::string icon_url;
  std::string url;
};

struct ReportTemplateField {
  std::string field_name;
  int64_t sort = 0;
  int64_t type = 0;
};

struct TemplateDetail {
  std::string id;
  std::string name;
  std::vector<ReportTemplateField> fields;
  std::vector<std::string> default_receiver_userids;
  std::string json;  // the whole result as received
};

struct ReportCommentEntry {
  std::string userid;
  std::string content;
  std::string create_time;  // "yyyy-MM-dd HH:mm:ss" in China Standard Time, as sent
};

// ---- Contacts ----

struct DepartmentNode {
  int64_t dept_id = 0;
  int64_t parent_id = 0;
  std::string name;
};

struct UserProfile {
  std::string userid;
  std::string name;
  std::string title;
  std::string job_number;
  std::vector<int64_t> dept_ids;
  bool leader = false;  // leader of the listed department (member lists only)
  bool active = true;
  std::string manager_userid;  // user detail only; empty when no direct manager is set
  std::string json;            // the record as received
};

// ---- Messages ----

inline constexpr size_t kMaxWorkNoticeBytes = 2048;  // serialized `msg` object
// NOTE: the platform documents 5000 characters for work-notice markdown and no limit for robot
// or webhook markdown; 5000 bytes is applied to all three as a conservative guess.
inline constexpr size_t kMaxMarkdownTextBytes = 5000;
inline constexpr size_t kMaxCardValueBytes = 1024;
inline constexpr size_t kMaxCardKeyBytes = 100;
inline constexpr size_t kMaxWorkNoticeUsersPerCall = 100;
inline constexpr size_t kMaxWorkNoticeDeptsPerCall = 20;
inline constexpr size_t kMaxRobotUsersPerCall = 20;

struct WorkNoticeRecipients {
  std::vector<std::string> userids;
  std::vector<int64_t> dept_ids;
  bool to_all_users = false;
};

struct MarkdownMessage {
  std::string title;
  std::string text;
};

struct ActionCardButton {
  std::string title;
  std::string url;
};

// A card with one whole-card link (single_title/single_url) or with buttons.
struct ActionCardMessage {
  std::string title;
  std::string markdown;
  std::string single_title;
  std::string single_url;
  std::vector<ActionCardButton> buttons;
  bool buttons_horizontal = false;
};

struct OaMessage {
  std::string message_url;
  std::string pc_message_url;
  std::string head_bgcolor = "FFBBBBBB";  // ARGB hex, no 0x
  std::string head_text;
  std::string title;
  std::vector<std::pair<std::string, std::string>> form;  // key/value rows
  std::string content;
  std::string author;
  std::string status_value;  // status bar; shown only for 5 users or fewer
  std::string status_bg;
};

struct SendResult {
  std::vector<std::string> invalid_userids;
  std::vector<std::string> forbidden_userids;
  std::vector<std::string> failed_userids;
  std::vector<std::string> read_userids;
  std::vector<std::string> unread_userids;
  std::vector<std::pair<std::string, int64_t>> forbidden_codes;  // userid, flow-control code
};

struct RobotSendResult {
  std::vector<std::string> process_query_keys;  // one per call
  std::vector<std::string> invalid_userids;
  std::vector<std::string> flow_controlled_userids;
};

// A card sent with createAndDeliver to users' robot chats and/or one group chat.
struct CardDelivery {
  std::string card_template_id;
  std::string out_track_id;  // caller-chosen unique id; sending it again makes no second card
  std::map<std::string, std::string> params;  // cardParamMap; values over 1 KB are truncated
  std::vector<std::string> robot_userids;     // IM_ROBOT spaces, by userid
  std::string open_conversation_id;           // IM_GROUP space; empty = none
  std::string callback_type = "STREAM";       // "STREAM" or "HTTP"
  std::string callback_route_key;             // HTTP mode only
};

struct CardDeliverResult {
  std::string space_id;
  bool success = false;
  std::string error_message;
};

class Client {
 public:
  // Errors: kInvalidArgument naming the option when a base URL, the app key or the secret is
  // invalid or missing, or a rate or retry setting is out of range.
  static Result<std::unique_ptr<Client>> Create(ClientOptions options);
  ~Client();

  // Reports: topapi/report/list over [start_time, end_time], split into windows of at most
  // kMaxReportWindow, each paged with `size` <= 20 until has_more is false. Pages reach
  // `on_page` in order with a checkpoint. Errors: kInvalidArgument for an inverted window or a
  // bad page size. kDataLoss when a page has has_more but no next_cursor, or a cursor repeats:
  // the window is abandoned and the caller resumes from the last checkpoint. Call errors as for
  // every API.
  Status ListReports(const ReportQuery& query, const ReportPageHandler& on_page);

  // Templates visible to `userid` (empty = all), template/listbyuserid paged 100 at a time.
  Result<std::vector<ReportTemplate>> ListReportTemplates(const std::string& userid);
  // template/getbyname as seen by `userid`. kNotFound when no template has that name.
  Result<TemplateDetail> GetReportTemplate(const std::string& userid,
                                           const std::string& template_name);
  // Userids a log was shared with (receiver/list, group receivers expanded).
  Result<std::vector<std::string>> ListReportReceivers(const std::string& report_id);
  Result<std::vector<ReportCommentEntry>> ListReportComments(const std::string& report_id);

  // Contacts (exempt from the monthly quota). The whole department tree below the root
  // department 1, walked breadth-first with listsub; the root itself is not listed.
  Result<std::vector<DepartmentNode>> ListDepartments();
  // Direct members of one department (topapi/v2/user/list, 100 a page).
  Result<std::vector<UserProfile>> ListDepartmentUsers(int64_t dept_id);
  // One user with manager_userid (topapi/v2/user/get). kNotFound for an unknown userid.
  Result<UserProfile> GetUser(const std::string& userid);

  // Work notification (asyncsend_v2). Userids go 100 a call and dept ids 20 a call. A markdown
  // text that does not fit 2048 bytes is split on line boundaries into several messages, while
  // an action card or OA body is truncated on a line or character boundary. Returns every
  // task_id.
  // kInvalidArgument when there is no recipient or agent_id is unset.
  Result<std::vector<int64_t>> SendWorkNotice(const WorkNoticeRecipients& to,
                                              const MarkdownMessage& message);
  Result<std::vector<int64_t>> SendWorkNotice(const WorkNoticeRecipients& to,
                                              const ActionCardMessage& message);
  Result<std::vector<int64_t>> SendWorkNotice(const WorkNoticeRecipients& to,
                                              const OaMessage& message);
  Result<SendResult> GetSendResult(int64_t task_id);

  // Robot one-to-one messages (batchSend), 20 userids a call. Markdown over 5000 bytes is split
  // on line boundaries.
  Result<RobotSendResult> SendRobotMarkdown(const std::vector<std::string>& userids,
                                            const MarkdownMessage& message);
  Result<RobotSendResult> SendRobotActionCard(const std::vector<std::string>& userids,
                                              const ActionCardMessage& message);

  // Interactive cards. kInvalidArgument for a missing template or track id, no space, or a
  // param key over 100 bytes.
  Result<std::vector<CardDeliverResult>> CreateAndDeliverCard(const CardDelivery& card);
  // Updates card data; `by_key` keeps params not named in `params`.
  Status UpdateCard(const std::string& out_track_id,
                    const std::map<std::string, std::string>& params, bool by_key);

  // Custom group robot webhook: signs the call (timestamp + sign, HMAC-SHA256 with `secret`;
  // empty = unsigned robot) and posts a markdown message. `webhook_url` is the robot's full URL
  // with its access_token; it never reaches a log line.
  Status SendWebhookMarkdown(const std::string& webhook_url, const std::string& secret,
                             const MarkdownMessage& message,
                             const std::vector<std::string>& at_userids);

  // Calls this month (UTC+8) to one metered API path, e.g. "/topapi/report/list", and to all.
  // Reports and messages are metered, while tokens, contacts and webhooks are not. Once the
  // platform reports the monthly quota used up (90020), metered calls fail at once with
  // kResourceExhausted until the month changes or the client is created again.
  int64_t MonthlyCalls(const std::string& path) const;
  int64_t MonthlyCallsTotal() const;
  // Token fetches so far, both families together.
  int64_t TokenFetches() const;

 private:
  explicit Client(std::unique_ptr<ApiCaller> caller);

  std::unique_ptr<ApiCaller> caller_;
};

}  // namespace logbridge::dingtalk
