// The sandbox's server core: start and stop, request dispatch for both API families, tokens,
// the QPS limit and monthly quota, and fault injection. Endpoint handlers live in
// sandbox_reports.cc, sandbox_contacts.cc, sandbox_messages.cc and sandbox_admin.cc.

#include "dingtalk/sandbox/sandbox.h"

#include <chrono>
#include <thread>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "dingtalk/sandbox/calendar.h"
#include "dingtalk/sandbox/sandbox_impl.h"
#include "dingtalk/sandbox/sandbox_json.h"
#include "dingtalk/sandbox/stream_gateway.h"

namespace logbridge::dingtalk {
namespace {

using nlohmann::json;

constexpr std::string_view kV1Prefix = "/v1.0/";
constexpr std::string_view kStreamOpenPath = "/v1.0/gateway/connections/open";

// The sandbox's logger, "sandbox". Registration can race with another thread, and spdlog
// reports that by throwing, so the loser takes the registered logger.
std::shared_ptr<spdlog::logger> Logger() {
  static std::shared_ptr<spdlog::logger> logger = [] {
    if (std::shared_ptr<spdlog::logger> existing = spdlog::get("sandbox")) {
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

bool IsLoopbackHost(const std::string& host) {
  return host == "127.0.0.1" || host == "localhost" || host == "::1";
}

// The start of a JSON response cut off mid-value, as a failing proxy would deliver it.
constexpr std::string_view kTruncatedJson =
    R"({"errcode":0,"errmsg":"ok","result":{"data_list":[{"report_id":"17)";

// Message texts of the oapi errcodes the sandbox returns when a fault names only a code.
std::string OapiMessageFor(int64_t errcode) {
  switch (errcode) {
    case -1:
      return "系统繁忙";
    case 88:
      return "鉴权异常";
    case 60011:
      return "没有调用该接口的权限";
    case 90002:
      return "接口调用超过全局限流";
    case 90018:
      return "当前应用调用该接口超过每秒限流";
    case 90019:
      return "当前企业调用该接口超过每秒限流";
    case 90020:
      return "企业接口调用次数超过每月限额";
    default:
      return "sandbox injected error";
  }
}

Status ValidateOptions(const SandboxOptions& options) {
  if (!IsLoopbackHost(options.host)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "sandbox host " + options.host + " is not a loopback address; use 127.0.0.1");
  }
  if (options.port < 0 || options.port > 65535) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "sandbox port " + std::to_string(options.port) + " is outside 0..65535");
  }
  if (options.token_lifetime.count() <= 0) {
    return MakeError(
        ErrorCode::kInvalidArgument,
        "token_lifetime " + std::to_string(options.token_lifetime.count()) + " s must be positive");
  }
  if (options.qps_limit < 0 || options.monthly_quota < 0) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "qps_limit and monthly_quota must be 0 (off) or positive");
  }
  std::set<std::string> app_keys;
  for (const SandboxApp& app : options.apps) {
    if (app.app_key.empty() || app.app_secret.empty()) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "every sandbox app needs a non-empty app_key and app_secret");
    }
    if (!app_keys.insert(app.app_key).second) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "sandbox app_key " + app.app_key + " is registered twice");
    }
  }
  return OkStatus();
}

}  // namespace

SandboxReply Sandbox::Impl::OapiOk(json fields) {
  SandboxReply reply;
  reply.body = std::move(fields);
  reply.body["errcode"] = 0;
  reply.body["errmsg"] = "ok";
  return reply;
}

SandboxReply Sandbox::Impl::OapiError(int64_t errcode, const std::string& errmsg) {
  SandboxReply reply;
  reply.body = {{"errcode", errcode}, {"errmsg", errmsg}};
  return reply;
}

SandboxReply Sandbox::Impl::V1Ok(json body) {
  SandboxReply reply;
  reply.body = std::move(body);
  return reply;
}

SandboxReply Sandbox::Impl::V1Error(int32_t status, const std::string& code,
                                    const std::string& message) {
  SandboxReply reply;
  reply.status = status;
  reply.body = {{"code", code}, {"message", message}};
  return reply;
}

SandboxReply Sandbox::Impl::InvalidParameter(SandboxApi family, const std::string& message) {
  if (family == SandboxApi::kV1) {
    return V1Error(400, "invalidParameter", message);
  }
  return OapiError(40035, "不合法的参数: " + message);
}

SandboxApp DefaultSandboxApp() {
  return SandboxApp{"dingsandboxappkey", "sandbox-app-secret", 3000000001, "dingsandboxrobot"};
}

// ---------------------------------------------------------------------------------------------
// Construction, start and stop.

Sandbox::Impl::Impl(SandboxOptions options)
    : options_(std::move(options)),
      clock_(options_.clock != nullptr ? options_.clock : &system_clock_),
      apps_(options_.apps),
      rng_(options_.seed) {
  if (apps_.empty()) {
    apps_.push_back(DefaultSandboxApp());
  }
  current_tokens_.resize(apps_.size());

  // Cursors are sequence numbers run through a keyed bijection on 62 bits, so they look like
  // large opaque integers and a forged one rarely decodes to a real position.
  cursor_key_ = (rng_() & ((1ULL << 62) - 1)) | (1ULL << 61);
  cursor_multiplier_ = rng_() | 1ULL;
  cursor_inverse_ = cursor_multiplier_;
  for (int i = 0; i < 6; ++i) {
    cursor_inverse_ *= 2 - cursor_multiplier_ * cursor_inverse_;  // Newton step mod 2^64
  }

  org_ = options_.organization;
  for (size_t i = 0; i < org_.users.size(); ++i) {
    user_index_[org_.users[i].userid] = i;
  }
  for (size_t i = 0; i < org_.departments.size(); ++i) {
    department_index_[org_.departments[i].dept_id] = i;
  }
  IndexReports(std::move(org_.reports));
  org_.reports.clear();
  SynthesizeBulkLogs();
  faults_ = options_.faults;
  if (options_.callbacks) {
    pusher_ = std::make_unique<CallbackPusher>(*options_.callbacks, clock_);
  }
  next_task_id_ = 256000000000 + static_cast<int64_t>(rng_() % 1000000000);
  RegisterRoutes();
}

Sandbox::Impl::~Impl() { Stop(); }

Status Sandbox::Impl::Listen() {
  RegisterAdminRoutes();
  server_.Post("/robot/send", [this](const httplib::Request& request, httplib::Response& response) {
    ServeWebhook(request, response);
  });
  server_.Post(std::string(kStreamOpenPath),
               [this](const httplib::Request& request, httplib::Response& response) {
                 ServeStreamOpen(request, response);
               });
  auto serve = [this](const httplib::Request& request, httplib::Response& response) {
    Serve(request, response);
  };
  server_.Get(".*", serve);
  server_.Post(".*", serve);
  server_.Put(".*", serve);
  server_.Delete(".*", serve);
  // Without TCP_NODELAY each small reply waits on the peer's delayed ACK (about 40 ms on
  // Linux), which caps a paged sync at a few hundred logs a second.
  server_.set_tcp_nodelay(true);

  if (options_.port == 0) {
    port_ = server_.bind_to_any_port(options_.host);
  } else if (server_.bind_to_port(options_.host, options_.port)) {
    port_ = options_.port;
  } else {
    port_ = -1;
  }
  if (port_ <= 0) {
    return MakeError(ErrorCode::kUnavailable, "sandbox cannot bind " + options_.host + ":" +
                                                  std::to_string(options_.port) +
                                                  "; choose a free port or 0 for an ephemeral one");
  }
  server_thread_ = std::thread([this] { server_.listen_after_bind(); });

  // Stop only works once the accept loop runs, so wait for it before handing out the sandbox.
  while (!server_.is_running()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  Logger()->info("dingtalk sandbox listening on {}:{} with {} reports, {} users", options_.host,
                 port_, reports_.size(), org_.users.size());
  return OkStatus();
}

void Sandbox::Impl::Stop() {
  if (server_thread_.joinable()) {
    server_.stop();
    server_thread_.join();
    Logger()->info("dingtalk sandbox on port {} stopped", port_);
  }
}

void Sandbox::Impl::AddRoute(const std::string& method, const std::string& path, Route route) {
  routes_[{method, path}] = route;
}

void Sandbox::Impl::RegisterRoutes() {
  AddRoute("GET", "/gettoken", {false, false, &Impl::GetToken});
  AddRoute("POST", "/v1.0/oauth2/accessToken", {false, false, &Impl::V1AccessToken});

  AddRoute("POST", "/topapi/report/list", {true, true, &Impl::ReportList});
  AddRoute("POST", "/topapi/report/simplelist", {true, true, &Impl::ReportSimpleList});
  AddRoute("POST", "/topapi/report/template/listbyuserid",
           {true, true, &Impl::TemplateListByUserid});
  AddRoute("POST", "/topapi/report/template/getbyname", {true, true, &Impl::TemplateGetByName});
  AddRoute("POST", "/topapi/report/receiver/list", {true, true, &Impl::ReceiverList});
  AddRoute("POST", "/topapi/report/comment/list", {true, true, &Impl::CommentList});

  // Contacts APIs are exempt from the monthly quota.
  AddRoute("POST", "/topapi/v2/department/listsub", {true, false, &Impl::DepartmentListSub});
  AddRoute("POST", "/topapi/v2/department/get", {true, false, &Impl::DepartmentGet});
  AddRoute("POST", "/topapi/v2/user/list", {true, false, &Impl::UserList});
  AddRoute("POST", "/topapi/v2/user/get", {true, false, &Impl::UserGet});

  AddRoute("POST", "/topapi/message/corpconversation/asyncsend_v2",
           {true, true, &Impl::WorkNoticeSend});
  AddRoute("POST", "/topapi/message/corpconversation/getsendresult",
           {true, true, &Impl::WorkNoticeResult});
  AddRoute("POST", "/v1.0/robot/oToMessages/batchSend", {true, true, &Impl::RobotBatchSend});
  AddRoute("POST", "/v1.0/card/instances/createAndDeliver",
           {true, true, &Impl::CardCreateAndDeliver});
  AddRoute("PUT", "/v1.0/card/instances", {true, true, &Impl::CardUpdate});
}

// ---------------------------------------------------------------------------------------------
// Dispatch.

void Sandbox::Impl::Serve(const httplib::Request& request, httplib::Response& response) {
  SandboxCall call;
  call.path = request.path;
  call.family = request.path.rfind(kV1Prefix, 0) == 0 ? SandboxApi::kV1 : SandboxApi::kOapi;

  Route route;
  {
    std::lock_guard<std::mutex> lock(mu_);
    call_counts_[request.path] += 1;
    auto it = routes_.find({request.method, request.path});
    if (it == routes_.end()) {
      WriteReply(call, NoRouteReply(call, request.method), response);
      return;
    }
    route = it->second;
  }

  // Faults act like the gateway in front of the platform, before authentication.
  if (std::optional<Fault> fault = TakeFault(request.path)) {
    if (ApplyFault(*fault, call, response)) {
      return;
    }
  }

  // The body: JSON, or form fields and query parameters (the official curl examples for the
  // report APIs post a form).
  bool form_body =
      request.get_header_value("Content-Type").rfind("application/x-www-form-urlencoded", 0) == 0;
  if (request.method == "GET" || form_body) {
    call.body = json::object();
    for (const auto& [name, value] : request.params) {
      if (name != "access_token") {
        call.body[name] = value;
      }
    }
  } else if (request.body.empty()) {
    call.body = json::object();
  } else {
    std::optional<json> parsed = SandboxJson::Parse(request.body);
    if (!parsed || !parsed->is_object()) {
      WriteReply(call, InvalidParameter(call.family, "request body is not a JSON object"),
                 response);
      return;
    }
    call.body = std::move(*parsed);
  }

  std::lock_guard<std::mutex> lock(mu_);
  call.now = Now();
  if (route.needs_token) {
    if (std::optional<SandboxReply> rejection = Authenticate(request, call)) {
      WriteReply(call, std::move(*rejection), response);
      return;
    }
    if (std::optional<SandboxReply> rejection = CheckLimits(route, call)) {
      WriteReply(call, std::move(*rejection), response);
      return;
    }
  }
  WriteReply(call, (this->*route.handler)(call), response);
}

void Sandbox::Impl::ServeStreamOpen(const httplib::Request& request, httplib::Response& response) {
  StreamGateway* gateway = nullptr;
  {
    std::lock_guard<std::mutex> lock(mu_);
    gateway = gateway_;
    if (gateway != nullptr) {
      call_counts_[request.path] += 1;
    }
  }
  if (gateway == nullptr) {
    Serve(request, response);
    return;
  }
  // NOTE: faults do not apply to this route, because the gateway's own route has none.
  StreamOpenResponse answer = gateway->OpenConnection(request.body);
  response.status = answer.status;
  response.set_content(answer.body, "application/json");
}

SandboxReply Sandbox::Impl::NoRouteReply(const SandboxCall& call,
                                        const std::string& method) const {
  const std::string request_line = method + " " + call.path;
  if (call.family == SandboxApi::kV1) {
    return V1Error(404, "NotFound", request_line + " is not an API the sandbox serves");
  }
  // oapi errors carry errcode and errmsg with HTTP 200, so a wrong method or path does too.
  // NOTE: the documentation of these APIs names no errcode for a wrong method or path. 43001,
  // 43002 and 404 are the entries of DingTalk's global error code table for "needs GET",
  // "needs POST" and "URI not found", and the live gateway may respond differently.
  for (const auto& [key, route] : routes_) {
    if (key.second != call.path) {
      continue;
    }
    const std::string& expected = key.first;
    const bool wants_get = expected == "GET";
    return OapiError(wants_get ? 43001 : 43002,
                     std::string(wants_get ? "需要GET请求" : "需要POST请求") + ": " +
                         request_line + " is not allowed; send it as " + expected);
  }
  return OapiError(404, "请求的URI地址不存在: " + request_line +
                            " is not an API the sandbox serves; check the path");
}

void Sandbox::Impl::WriteReply(const SandboxCall& call, SandboxReply reply,
                               httplib::Response& response) {
  std::string request_id = NewRequestId();
  bool failed = reply.status >= 400;
  if (call.family == SandboxApi::kOapi) {
    reply.body["request_id"] = request_id;
    failed = failed || SandboxJson::Int64(reply.body, "errcode").value_or(0) != 0;
  } else if (failed) {
    reply.body["requestid"] = request_id;
  }
  // Rejections are the point of a sandbox, so they log at debug, not warn.
  if (failed) {
    Logger()->debug("rejected {} request_id={} status={} body={}", call.path, request_id,
                    reply.status, reply.body.dump(-1, ' ', false, json::error_handler_t::replace));
  }
  response.status = reply.status;
  response.set_content(reply.body.dump(-1, ' ', false, json::error_handler_t::replace),
                       "application/json;charset=utf-8");
}

std::string Sandbox::Impl::NewRequestId() {
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string id(12, 'a');
  for (char& c : id) {
    c = kAlphabet[rng_() % (sizeof(kAlphabet) - 1)];
  }
  return id;
}

// ---------------------------------------------------------------------------------------------
// Faults.

std::optional<Fault> Sandbox::Impl::TakeFault(const std::string& path) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto it = faults_.begin(); it != faults_.end(); ++it) {
    if (it->count == 0 || path.rfind(it->path, 0) != 0) {
      continue;
    }
    if (it->probability < 1.0 &&
        std::uniform_real_distribution<double>(0.0, 1.0)(rng_) >= it->probability) {
      continue;
    }
    Fault fired = *it;
    if (it->count > 0 && --it->count == 0) {
      faults_.erase(it);
    }
    return fired;
  }
  return std::nullopt;
}

// Applies a fault that fired on `call`. Returns true when the response is complete, and false
// when the call should go on, as after a slow response or for a cursor fault the handler applies.
bool Sandbox::Impl::ApplyFault(const Fault& fault, SandboxCall& call, httplib::Response& response) {
  Logger()->debug("injecting fault kind={} on {}", static_cast<int>(fault.kind), call.path);
  switch (fault.kind) {
    case FaultKind::kSlowResponse:
      std::this_thread::sleep_for(fault.delay);
      return false;
    case FaultKind::kStuckCursor:
      call.stuck_cursor = true;
      return false;
    case FaultKind::kServerError:
      response.status = fault.http_status;
      response.set_content("sandbox injected server error", "text/plain");
      return true;
    case FaultKind::kMalformedJson:
      response.status = 200;
      response.set_content(std::string(kTruncatedJson), "application/json;charset=utf-8");
      return true;
    case FaultKind::kDropConnection:
      // The provider fails before writing, so the client gets headers promising a body and then
      // a closed connection.
      response.set_content_provider(
          64, "application/json",
          [](size_t /*offset*/, size_t /*length*/, httplib::DataSink& /*sink*/) { return false; });
      return true;
    case FaultKind::kPunish: {
      std::lock_guard<std::mutex> lock(mu_);
      json body = {{"status", 1111},
                   {"wait", 5},
                   {"source", "x5"},
                   {"punish", "deny"},
                   {"uuid", NewRequestId()}};
      response.status = 200;
      response.set_content(body.dump(), "application/json");
      return true;
    }
    case FaultKind::kPermissionDenied: {
      std::lock_guard<std::mutex> lock(mu_);
      if (call.family == SandboxApi::kV1) {
        WriteReply(call,
                   V1Error(403, "Forbidden.AccessDenied.AccessTokenPermissionDenied",
                           "没有调用该接口的权限, 请在开发者后台申请接口权限"),
                   response);
        return true;
      }
      SandboxReply reply = OapiError(fault.errcode, OapiMessageFor(fault.errcode));
      if (fault.errcode == 88) {
        reply.body["sub_code"] = fault.sub_code.empty() ? "60011" : fault.sub_code;
        reply.body["sub_msg"] = OapiMessageFor(60011);
      }
      WriteReply(call, std::move(reply), response);
      return true;
    }
    case FaultKind::kErrorCode: {
      std::lock_guard<std::mutex> lock(mu_);
      SandboxReply reply =
          call.family == SandboxApi::kV1
              ? V1Error(fault.http_status, fault.sub_code.empty() ? "systemError" : fault.sub_code,
                        "sandbox injected error")
              : OapiError(fault.errcode, OapiMessageFor(fault.errcode));
      WriteReply(call, std::move(reply), response);
      return true;
    }
  }
  return false;
}

void Sandbox::Impl::AddFault(Fault fault) {
  std::lock_guard<std::mutex> lock(mu_);
  faults_.push_back(std::move(fault));
}

void Sandbox::Impl::ClearFaults() {
  std::lock_guard<std::mutex> lock(mu_);
  faults_.clear();
}

// ---------------------------------------------------------------------------------------------
// Authentication and limits.

std::optional<SandboxReply> Sandbox::Impl::Authenticate(const httplib::Request& request,
                                                        SandboxCall& call) {
  bool v1 = call.family == SandboxApi::kV1;
  std::string token = v1 ? request.get_header_value("x-acs-dingtalk-access-token")
                         : request.get_param_value("access_token");
  if (token.empty()) {
    return v1 ? V1Error(401, "Unauthorized", "缺少 x-acs-dingtalk-access-token 请求头")
              : OapiError(41001, "缺少access_token参数");
  }
  auto it = tokens_.find(token);
  if (it == tokens_.end()) {
    return v1 ? V1Error(400, "InvalidAuthentication", "不合法的access_token")
              : OapiError(40014, "不合法的access_token");
  }
  if (it->second.expires_at <= call.now) {
    return v1 ? V1Error(400, "InvalidAuthentication", "不合法的access_token")
              : OapiError(42001, "access_token超时");
  }
  call.app_index = it->second.app_index;
  return std::nullopt;
}

std::optional<SandboxReply> Sandbox::Impl::CheckLimits(const Route& route, SandboxCall& call) {
  bool v1 = call.family == SandboxApi::kV1;
  if (options_.qps_limit > 0) {
    auto& [second, calls] = qps_windows_[{call.app_index, call.path}];
    int64_t now_second = call.now.value / 1000;
    if (second != now_second) {
      second = now_second;
      calls = 0;
    }
    if (calls >= options_.qps_limit) {
      return v1 ? V1Error(403, "Forbidden.AccessDenied.QpsLimitForAppkeyAndApi",
                          "应用调用该接口超过每秒限流, 请稍后重试")
                : OapiError(90018, OapiMessageFor(90018));
    }
    ++calls;
  }

  if (!route.metered) {
    return std::nullopt;
  }
  CivilDate date = CivilFromDays(ShanghaiDay(call.now));
  int64_t month = date.year * 12LL + date.month;
  if (month != quota_month_) {
    quota_month_ = month;
    quota_used_ = 0;
  }
  if (options_.monthly_quota > 0 && quota_used_ >= options_.monthly_quota) {
    return v1 ? V1Error(403, "Forbidden.AccessDenied.ApiCountLimitForOrg",
                        "企业本月接口调用次数已用完")
              : OapiError(90020, OapiMessageFor(90020));
  }
  ++quota_used_;
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// Tokens. One token per app serves both families, as the platform's tokens do.

Result<std::string> Sandbox::Impl::IssueToken(const std::string& app_key,
                                              const std::string& app_secret, EpochMs now) {
  for (size_t i = 0; i < apps_.size(); ++i) {
    if (apps_[i].app_key != app_key || apps_[i].app_secret != app_secret) {
      continue;
    }
    std::string& current = current_tokens_[i];
    auto it = tokens_.find(current);
    if (current.empty() || it == tokens_.end() || it->second.expires_at <= now) {
      static constexpr char kHex[] = "0123456789abcdef";
      current.assign(32, '0');
      for (char& c : current) {
        c = kHex[rng_() % 16];
      }
    }
    // Fetching again while the token is valid returns it with a fresh lifetime.
    tokens_[current] = Token{static_cast<int32_t>(i), now + options_.token_lifetime};
    return current;
  }
  return MakeError(ErrorCode::kUnauthenticated, "unknown app key or wrong app secret");
}

SandboxReply Sandbox::Impl::GetToken(SandboxCall& call) {
  Result<std::string> token =
      IssueToken(SandboxJson::String(call.body, "appkey").value_or(""),
                 SandboxJson::String(call.body, "appsecret").value_or(""), call.now);
  if (!token.ok()) {
    // NOTE: 40089 is the code commonly reported for a wrong appkey or appsecret; the fact
    // sheet this sandbox follows does not list it.
    return OapiError(40089, "不合法的corpid或corpsecret");
  }
  return OapiOk({{"access_token", *token},
                 {"expires_in", static_cast<int64_t>(options_.token_lifetime.count())}});
}

SandboxReply Sandbox::Impl::V1AccessToken(SandboxCall& call) {
  Result<std::string> token =
      IssueToken(SandboxJson::String(call.body, "appKey").value_or(""),
                 SandboxJson::String(call.body, "appSecret").value_or(""), call.now);
  if (!token.ok()) {
    return V1Error(400, "invalidClientIdOrSecret", "无效的clientId或者clientSecret");
  }
  return V1Ok({{"accessToken", *token},
               {"expireIn", static_cast<int64_t>(options_.token_lifetime.count())}});
}

void Sandbox::Impl::ExpireTokens() {
  std::lock_guard<std::mutex> lock(mu_);
  EpochMs now = Now();
  for (auto& [token, state] : tokens_) {
    state.expires_at = now;
  }
}

// ---------------------------------------------------------------------------------------------
// Counters and lookups.

int64_t Sandbox::Impl::CallCount(const std::string& path) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = call_counts_.find(path);
  return it == call_counts_.end() ? 0 : it->second;
}

int64_t Sandbox::Impl::MonthlyUsage() const {
  std::lock_guard<std::mutex> lock(mu_);
  return quota_used_;
}

void Sandbox::Impl::SetMonthlyUsage(int64_t calls) {
  std::lock_guard<std::mutex> lock(mu_);
  CivilDate date = CivilFromDays(ShanghaiDay(Now()));
  quota_month_ = date.year * 12LL + date.month;
  quota_used_ = calls;
}

const User* Sandbox::Impl::FindUser(const std::string& userid) const {
  auto it = user_index_.find(userid);
  return it == user_index_.end() ? nullptr : &org_.users[it->second];
}

const Department* Sandbox::Impl::FindDepartment(int64_t dept_id) const {
  auto it = department_index_.find(dept_id);
  return it == department_index_.end() ? nullptr : &org_.departments[it->second];
}

const Template* Sandbox::Impl::FindTemplate(const std::string& name) const {
  for (const Template& report_template : org_.templates) {
    if (report_template.name == name) {
      return &report_template;
    }
  }
  return nullptr;
}

// ---------------------------------------------------------------------------------------------
// Sandbox: the public face forwards to Impl.

Result<std::unique_ptr<Sandbox>> Sandbox::Start(SandboxOptions options) {
  if (Status valid = ValidateOptions(options); !valid.ok()) {
    return valid.error();
  }
  auto impl = std::make_unique<Impl>(std::move(options));
  if (Status listening = impl->Listen(); !listening.ok()) {
    return listening.error();
  }
  return std::unique_ptr<Sandbox>(new Sandbox(std::move(impl)));
}

Sandbox::Sandbox(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Sandbox::~Sandbox() { impl_->Stop(); }

int32_t Sandbox::port() const { return impl_->port(); }
std::string Sandbox::base_url() const { return "http://127.0.0.1:" + std::to_string(port()); }
void Sandbox::Stop() { impl_->Stop(); }
void Sandbox::AddFault(Fault fault) { impl_->AddFault(std::move(fault)); }
void Sandbox::ClearFaults() { impl_->ClearFaults(); }

Result<std::string> Sandbox::WriteReport(
    const std::string& userid, const std::string& template_name,
    const std::vector<std::pair<std::string, std::string>>& fields,
    std::optional<EpochMs> create_time) {
  return impl_->WriteReport(userid, template_name, fields, create_time);
}

Status Sandbox::EditReport(const std::string& report_id,
                           const std::vector<std::pair<std::string, std::string>>& fields,
                           std::optional<EpochMs> modified_time) {
  return impl_->EditReport(report_id, fields, modified_time);
}

Status Sandbox::ClickCard(const std::string& out_track_id, const std::string& userid,
                          const std::string& action_id,
                          const std::map<std::string, std::string>& params) {
  return impl_->ClickCard(out_track_id, userid, action_id, params);
}

Status Sandbox::SendRobotMessage(const std::string& userid, const std::string& text) {
  return impl_->SendRobotMessage(userid, text);
}

Status Sandbox::PushEvent(const std::string& event_json) { return impl_->PushEvent(event_json); }
void Sandbox::SetStreamGateway(StreamGateway* gateway) { impl_->SetStreamGateway(gateway); }
CallbackPusher* Sandbox::pusher() { return impl_->pusher(); }
void Sandbox::ExpireTokens() { impl_->ExpireTokens(); }
std::vector<RecordedMessage> Sandbox::Messages() const { return impl_->Messages(); }
std::vector<RecordedCard> Sandbox::Cards() const { return impl_->Cards(); }
std::vector<RecordedAction> Sandbox::Actions() const { return impl_->Actions(); }
int64_t Sandbox::CallCount(const std::string& path) const { return impl_->CallCount(path); }
int64_t Sandbox::MonthlyUsage() const { return impl_->MonthlyUsage(); }
void Sandbox::SetMonthlyUsage(int64_t calls) { impl_->SetMonthlyUsage(calls); }
size_t Sandbox::report_count() const { return impl_->report_count(); }

}  // namespace logbridge::dingtalk
