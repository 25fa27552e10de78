// The sandbox's server state, shared by its source files (tokens and dispatch, reports,
// contacts, messages, admin). Internal to dingtalk/sandbox: it includes httplib and
// nlohmann/json. Every member below mu_ is guarded by it; API handlers run with it held.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "base/result.h"
#include "base/time.h"
#include "dingtalk/sandbox/org.h"
#include "dingtalk/sandbox/sandbox.h"

namespace logbridge::dingtalk {

enum class SandboxApi { kOapi, kV1 };

// A handler's response. For oapi the body contains errcode, errmsg and the result fields, and
// the dispatcher adds request_id. For v1.0 the dispatcher adds requestid to an error body.
struct SandboxReply {
  int32_t status = 200;
  nlohmann::json body = nlohmann::json::object();
};

struct SandboxCall {
  SandboxApi family = SandboxApi::kOapi;
  std::string path;
  int32_t app_index = -1;     // the calling app; -1 before authentication
  nlohmann::json body;        // the JSON body, or the query parameters of a GET
  bool stuck_cursor = false;  // a kStuckCursor fault matched this call
  EpochMs now;
};

class Sandbox::Impl {
 public:
  explicit Impl(SandboxOptions options);
  ~Impl();

  // Binds the port and starts the server thread; returns once it accepts connections.
  Status Listen();
  void Stop();
  int32_t port() const { return port_; }

  // Operations behind Sandbox's public methods; each takes mu_.
  void AddFault(Fault fault);
  void ClearFaults();
  Result<std::string> WriteReport(const std::string& userid, const std::string& template_name,
                                  const std::vector<std::pair<std::string, std::string>>& fields,
                                  std::optional<EpochMs> create_time);
  Status EditReport(const std::string& report_id,
                    const std::vector<std::pair<std::string, std::string>>& fields,
                    std::optional<EpochMs> modified_time);
  Status ClickCard(const std::string& out_track_id, const std::string& userid,
                   const std::string& action_id, const std::map<std::string, std::string>& params);
  Status SendRobotMessage(const std::string& userid, const std::string& text);
  Status PushEvent(const std::string& event_json);
  void SetStreamGateway(StreamGateway* gateway);
  void ExpireTokens();
  std::vector<RecordedMessage> Messages() const;
  std::vector<RecordedCard> Cards() const;
  std::vector<RecordedAction> Actions() const;
  int64_t CallCount(const std::string& path) const;
  int64_t MonthlyUsage() const;
  void SetMonthlyUsage(int64_t calls);
  size_t report_count() const;
  CallbackPusher* pusher() { return pusher_.get(); }

  // Reply builders. InvalidParameter uses the errcode or code the platform returns for a bad
  // parameter in the call's family.
  static SandboxReply OapiOk(nlohmann::json fields = nlohmann::json::object());
  static SandboxReply OapiError(int64_t errcode, const std::string& errmsg);
  static SandboxReply V1Ok(nlohmann::json body);
  static SandboxReply V1Error(int32_t status, const std::string& code, const std::string& message);
  static SandboxReply InvalidParameter(SandboxApi family, const std::string& message);

 private:
  using Handler = SandboxReply (Impl::*)(SandboxCall&);
  struct Route {
    bool needs_token = true;
    bool metered = true;  // counts against the monthly quota
    Handler handler = nullptr;
  };
  struct Token {
    int32_t app_index = 0;
    EpochMs expires_at;
  };
  struct WorkNoticeTask {
    size_t message_index = 0;
    int32_t app_index = 0;
    std::vector<std::pair<int64_t, std::string>> forbidden;  // (code, userid)
  };
  struct WebhookState {
    std::vector<EpochMs> recent_sends;  // within the last minute
    EpochMs throttled_until;
  };

  // Dispatch (sandbox.cc).
  void RegisterRoutes();
  void AddRoute(const std::string& method, const std::string& path, Route route);
  void Serve(const httplib::Request& request, httplib::Response& response);
  std::optional<Fault> TakeFault(const std::string& path);
  bool ApplyFault(const Fault& fault, SandboxCall& call, httplib::Response& response);
  std::optional<SandboxReply> Authenticate(const httplib::Request& request, SandboxCall& call);
  std::optional<SandboxReply> CheckLimits(const Route& route, SandboxCall& call);
  // The reply to a method and path without a route: the oapi shape (errcode 43001 or 43002 for
  // a known path with another method, 404 for an unknown path) or a v1.0 404 NotFound.
  SandboxReply NoRouteReply(const SandboxCall& call, const std::string& method) const;
  void WriteReply(const SandboxCall& call, SandboxReply reply, httplib::Response& response);
  // Serves POST /v1.0/gateway/connections/open through the attached Stream gateway. Without one
  // the dispatcher replies, as for any path the sandbox does not serve.
  void ServeStreamOpen(const httplib::Request& request, httplib::Response& response);
  std::string NewRequestId();
  EpochMs Now() const { return clock_->Now(); }

  // Tokens (sandbox.cc).
  SandboxReply GetToken(SandboxCall& call);
  SandboxReply V1AccessToken(SandboxCall& call);
  Result<std::string> IssueToken(const std::string& app_key, const std::string& app_secret,
                                 EpochMs now);

  // Reports (sandbox_reports.cc).
  void IndexReports(std::vector<Report> reports);
  void InsertReport(Report report);
  void SynthesizeBulkLogs();
  int64_t EncodeCursor(uint32_t seq) const;
  std::optional<uint32_t> DecodeCursor(int64_t cursor) const;
  SandboxReply ReportList(SandboxCall& call);
  SandboxReply ReportSimpleList(SandboxCall& call);
  SandboxReply ReportPage(SandboxCall& call, bool with_contents);
  SandboxReply TemplateListByUserid(SandboxCall& call);
  SandboxReply TemplateGetByName(SandboxCall& call);
  SandboxReply ReceiverList(SandboxCall& call);
  SandboxReply CommentList(SandboxCall& call);
  // Pages the list `items_of` builds from the report named by report_id (receivers, comments)
  // with the offset and size of the per-report list APIs.
  SandboxReply ReportItemPage(SandboxCall& call, int64_t max_size, const char* list_key,
                              nlohmann::json (*items_of)(const Report& report));
  std::string NewReportId(EpochMs create_time);

  // Contacts (sandbox_contacts.cc).
  SandboxReply DepartmentListSub(SandboxCall& call);
  SandboxReply DepartmentGet(SandboxCall& call);
  SandboxReply UserList(SandboxCall& call);
  SandboxReply UserGet(SandboxCall& call);

  // Messages and cards (sandbox_messages.cc).
  SandboxReply WorkNoticeSend(SandboxCall& call);
  SandboxReply WorkNoticeResult(SandboxCall& call);
  SandboxReply RobotBatchSend(SandboxCall& call);
  SandboxReply CardCreateAndDeliver(SandboxCall& call);
  SandboxReply CardUpdate(SandboxCall& call);
  void ServeWebhook(const httplib::Request& request, httplib::Response& response);

  // Admin endpoint under /sandbox/ (sandbox_admin.cc).
  void RegisterAdminRoutes();

  // Returns whether the app at `app_index` receives events and robot messages by Stream now:
  // its push_mode is kStream and a gateway is attached. Requires mu_ held.
  bool PushesByStream(size_t app_index) const;

  const User* FindUser(const std::string& userid) const;
  const Department* FindDepartment(int64_t dept_id) const;
  const Template* FindTemplate(const std::string& name) const;

  // Set at construction, then read-only.
  const SandboxOptions options_;
  SystemClock system_clock_;
  const Clock* clock_;
  std::vector<SandboxApp> apps_;
  uint64_t cursor_key_ = 0;
  uint64_t cursor_multiplier_ = 0;
  uint64_t cursor_inverse_ = 0;

  httplib::Server server_;
  std::thread server_thread_;
  int32_t port_ = 0;
  std::unique_ptr<CallbackPusher> pusher_;  // null when no callback targets are set

  mutable std::mutex mu_;
  std::map<std::pair<std::string, std::string>, Route> routes_;  // (method, path)
  std::mt19937_64 rng_;
  Organization org_;  // departments, users and templates; reports live in reports_
  std::unordered_map<std::string, size_t> user_index_;
  std::map<int64_t, size_t> department_index_;
  std::vector<Report> reports_;         // indexed by sequence number, never removed
  std::vector<uint32_t> report_order_;  // sequence numbers sorted by (create_time, seq)
  std::unordered_map<std::string, uint32_t> report_seq_;  // report_id -> sequence number
  std::unordered_map<std::string, Token> tokens_;
  std::vector<std::string> current_tokens_;  // per app index
  std::vector<Fault> faults_;
  std::map<std::string, int64_t> call_counts_;
  std::map<std::pair<int32_t, std::string>, std::pair<int64_t, int32_t>> qps_windows_;
  int64_t quota_month_ = 0;
  int64_t quota_used_ = 0;
  std::vector<RecordedMessage> messages_;
  std::map<int64_t, WorkNoticeTask> work_notice_tasks_;
  std::set<std::tuple<int64_t, std::string, size_t>> delivered_contents_;  // (day, user, hash)
  std::map<std::pair<int64_t, std::string>, int32_t> daily_notice_counts_;
  std::map<std::string, RecordedCard> cards_;
  std::vector<RecordedAction> actions_;
  std::map<std::string, WebhookState> webhooks_;
  StreamGateway* gateway_ = nullptr;  // not owned; see Sandbox::SetStreamGateway
  int64_t next_task_id_ = 0;
  int64_t webhook_sequence_ = 0;
};

}  // namespace logbridge::dingtalk
