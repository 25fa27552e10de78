// Error codes from the platform's global error code list and its throttling guide. 90018 (per-app
// QPS), 90002 (global QPS), 90019 and the other 9000x codes are throttling, and 90020 is the
// monthly call quota. 60011, 50002, 50004 and 60020 are permission and allow-list errors, and -1
// means the platform is busy.
#include "dingtalk/api_errors.h"

#include "dingtalk/json_fields.h"

namespace logbridge::dingtalk {
namespace {

bool Contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

ClassifiedResponse Make(CallOutcome outcome, ErrorCode code, std::string message) {
  ClassifiedResponse result;
  result.outcome = outcome;
  result.error = MakeError(code, std::move(message));
  return result;
}

std::string PermissionMessage(const std::string& path, const std::string& detail) {
  std::string permission = PermissionFor(path);
  std::string fix = permission.empty() ? "grant the app the permission this API needs"
                                       : "grant the app the permission " + permission;
  return path + ": permission denied (" + detail + "); " + fix +
         " in the developer console (权限管理) and publish the app";
}

std::string AllowListMessage(const std::string& path, const std::string& detail) {
  return path + ": this server's IP is not on the app's allow-list (" + detail +
         "); add the server's egress IP to the app's server IP allow-list (服务器出口IP)";
}

std::string ScopeMessage(const std::string& path, const std::string& detail, bool department) {
  return path + ": " + (department ? "department" : "user") + " outside the app's contact scope (" +
         detail + "); widen the app's contact visibility (通讯录权限范围) to include it";
}

// Classifies an oapi or webhook errcode other than 0.
ClassifiedResponse ClassifyErrcode(const std::string& path, int64_t errcode,
                                   const std::string& errmsg) {
  std::string detail = "errcode " + std::to_string(errcode) + " " + errmsg;
  switch (errcode) {
    case 40001:
    case 40014:
    case 42001:
      return Make(CallOutcome::kTokenInvalid, ErrorCode::kUnauthenticated,
                  path + ": access token rejected (" + detail + ")");
    case 40089:
      return Make(CallOutcome::kFailed, ErrorCode::kUnauthenticated,
                  path + ": app credentials rejected (" + detail +
                      "); check app_key and app_secret against the developer console");
    case 60011:
      return Make(CallOutcome::kFailed, ErrorCode::kPermissionDenied,
                  PermissionMessage(path, detail));
    case 60020:
      return Make(CallOutcome::kFailed, ErrorCode::kPermissionDenied,
                  AllowListMessage(path, detail));
    case 50002:
    case 50004:
      return Make(CallOutcome::kFailed, ErrorCode::kPermissionDenied,
                  ScopeMessage(path, detail, errcode == 50004));
    case 90020:
      return Make(CallOutcome::kQuotaExhausted, ErrorCode::kResourceExhausted,
                  path + ": the organization's monthly API call quota is used up (" + detail +
                      "); metered calls stop until next month or a higher DingTalk edition");
    case 410100:
      return Make(CallOutcome::kFailed, ErrorCode::kResourceExhausted,
                  path + ": custom robot over 20 messages a minute and muted for 10 minutes (" +
                      detail + "); send fewer messages");
    case -1:
      return Make(CallOutcome::kTransient, ErrorCode::kUnavailable,
                  path + ": platform busy (" + detail + ")");
    case 40035:
    case 400002:
    case 33012:
    case 40069:
    case 43004:
    case 43005:
      return Make(CallOutcome::kFailed, ErrorCode::kInvalidArgument,
                  path + ": invalid request parameter (" + detail + ")");
    case 60003:
    case 60121:
      return Make(CallOutcome::kFailed, ErrorCode::kNotFound,
                  path + ": not found (" + detail + ")");
    default:
      break;
  }
  if (errcode >= 90001 && errcode <= 90019) {
    return Make(CallOutcome::kThrottled, ErrorCode::kResourceExhausted,
                path + ": throttled (" + detail + ")");
  }
  return Make(CallOutcome::kFailed, ErrorCode::kFailedPrecondition,
              path + ": DingTalk returned an error (" + detail + ")");
}

ClassifiedResponse ClassifyOapi(const std::string& path, const HttpResponse& response,
                                nlohmann::json body) {
  std::optional<int64_t> errcode = ReadInt64(body, "errcode");
  if (!errcode.has_value() || *errcode == 0) {
    if (response.status >= 200 && response.status < 300) {
      ClassifiedResponse ok;
      ok.outcome = CallOutcome::kOk;
      ok.request_id = ReadString(body, "request_id");
      ok.body = std::move(body);
      return ok;
    }
    if (response.status == 429) {
      return Make(CallOutcome::kThrottled, ErrorCode::kResourceExhausted,
                  path + ": throttled (HTTP 429)");
    }
    return Make(CallOutcome::kFailed, ErrorCode::kFailedPrecondition,
                path + ": unexpected HTTP " + std::to_string(response.status));
  }

  // errcode 88 is a generic authentication error whose sub_code carries the real one.
  int64_t effective = *errcode;
  std::string errmsg = ReadString(body, "errmsg");
  if (effective == 88) {
    std::optional<int64_t> sub_code = ReadInt64(body, "sub_code");
    if (sub_code.has_value()) {
      effective = *sub_code;
      errmsg += " (errcode 88, sub_code " + std::to_string(*sub_code) + " " +
                ReadString(body, "sub_msg") + ")";
    }
  }
  ClassifiedResponse result = ClassifyErrcode(path, effective, errmsg);
  result.code = std::to_string(effective);
  result.request_id = ReadString(body, "request_id");
  result.body = std::move(body);
  return result;
}

ClassifiedResponse ClassifyV1(const std::string& path, const HttpResponse& response,
                              nlohmann::json body) {
  int status = response.status;
  if (status >= 200 && status < 300) {
    ClassifiedResponse ok;
    ok.outcome = CallOutcome::kOk;
    ok.request_id = response.request_id;
    ok.body = std::move(body);
    return ok;
  }
  std::string code = ReadString(body, "code");
  std::string detail =
      "HTTP " + std::to_string(status) + " " + code + " " + ReadString(body, "message");
  ClassifiedResponse result;
  if (status == 401 || (status == 400 && code == "InvalidAuthentication")) {
    result = Make(CallOutcome::kTokenInvalid, ErrorCode::kUnauthenticated,
                  path + ": access token rejected (" + detail + ")");
  } else if (code == "invalidClientIdOrSecret") {
    result = Make(CallOutcome::kFailed, ErrorCode::kUnauthenticated,
                  path + ": app credentials rejected (" + detail +
                      "); check app_key and app_secret against the developer console");
  } else if (Contains(code, "QpsLimit") || Contains(code, "QpmLimit") || status == 429 ||
             Contains(code, "tooFast") || Contains(code, "too.fast") || Contains(code, "busy") ||
             Contains(code, "Busy")) {
    result = Make(CallOutcome::kThrottled, ErrorCode::kResourceExhausted,
                  path + ": throttled (" + detail + ")");
  } else if (Contains(code, "ApiCountLimitForOrg")) {
    result = Make(CallOutcome::kQuotaExhausted, ErrorCode::kResourceExhausted,
                  path + ": the organization's monthly API call quota is used up (" + detail +
                      "); metered calls stop until next month or a higher DingTalk edition");
  } else if (Contains(code, "IpNotInWhiteList")) {
    result =
        Make(CallOutcome::kFailed, ErrorCode::kPermissionDenied, AllowListMessage(path, detail));
  } else if (status == 403) {
    result =
        Make(CallOutcome::kFailed, ErrorCode::kPermissionDenied, PermissionMessage(path, detail));
  } else if (status >= 500) {
    result = Make(CallOutcome::kTransient, ErrorCode::kUnavailable,
                  path + ": server error (" + detail + ")");
  } else if (status == 404) {
    result =
        Make(CallOutcome::kFailed, ErrorCode::kNotFound, path + ": not found (" + detail + ")");
  } else if (status == 400) {
    result = Make(CallOutcome::kFailed, ErrorCode::kInvalidArgument,
                  path + ": invalid request (" + detail + ")");
  } else {
    result = Make(CallOutcome::kFailed, ErrorCode::kFailedPrecondition,
                  path + ": DingTalk returned an error (" + detail + ")");
  }
  result.code = code.empty() ? "http_" + std::to_string(status) : code;
  result.request_id = ReadString(body, "requestid");
  if (result.request_id.empty()) {
    result.request_id = response.request_id;
  }
  result.body = std::move(body);
  return result;
}

}  // namespace

std::string PermissionFor(const std::string& path) {
  struct Grant {
    std::string_view prefix;
    std::string_view permission;
  };
  static constexpr Grant kGrants[] = {
      {"/topapi/report/statistics", "qyapi_report_statistics"},
      {"/topapi/report/create", "qyapi_report_manage"},
      {"/topapi/report/savecontent", "qyapi_report_manage"},
      {"/topapi/report/", "qyapi_report_query"},
      {"/topapi/v2/department/", "qyapi_get_department_list"},
      {"/topapi/v2/user/list", "qyapi_get_department_member"},
      {"/topapi/v2/user/get", "qyapi_get_member"},
      {"/topapi/message/corpconversation/", "qyapi_base"},
      {"/v1.0/robot/", "qyapi_robot_sendmsg"},
      {"/v1.0/card/", "Card.Instance.Write"},
  };
  for (const Grant& grant : kGrants) {
    if (path.rfind(grant.prefix, 0) == 0) {
      return std::string(grant.permission);
    }
  }
  return "";
}

ClassifiedResponse ClassifyResponse(ApiFamily family, const std::string& path,
                                    const HttpResponse& response) {
  if (response.status >= 500) {
    ClassifiedResponse result =
        Make(CallOutcome::kTransient, ErrorCode::kUnavailable,
             path + ": server error HTTP " + std::to_string(response.status));
    result.code = "http_" + std::to_string(response.status);
    return result;
  }
  if (family == ApiFamily::kV1 && response.body.empty()) {
    return ClassifyV1(path, response, nlohmann::json());
  }

  // The platform's IP ban returns an HTML page or a JSON "punish" object instead of its
  // usual shapes; both count as throttling.
  Result<nlohmann::json> body = ParseJson(response.body);
  if (!body.ok() || !body->is_object()) {
    ClassifiedResponse result =
        Make(CallOutcome::kThrottled, ErrorCode::kResourceExhausted,
             path + ": answer is not a JSON object (HTTP " + std::to_string(response.status) +
                 "), taken as throttling");
    result.code = "non_json";
    return result;
  }
  if (body->contains("punish")) {
    ClassifiedResponse result =
        Make(CallOutcome::kThrottled, ErrorCode::kResourceExhausted,
             path + ": IP throttled by the platform (punish " + ReadString(*body, "punish") + ")");
    result.code = "punish";
    return result;
  }
  if (family == ApiFamily::kV1) {
    return ClassifyV1(path, response, std::move(body).value());
  }
  return ClassifyOapi(path, response, std::move(body).value());
}

}  // namespace logbridge::dingtalk
