// Classification of DingTalk responses into what the caller does next: return, refetch the token,
// back off, stop for the month, or fail. Covers both API families: oapi returns HTTP 200 with an
// errcode envelope, v1.0 returns non-2xx statuses with {"code", "message", "requestid"}.
// Internal to the dingtalk client: include only from .cc files. Stateless and thread-safe.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "base/result.h"
#include "dingtalk/http_transport.h"

namespace logbridge::dingtalk {

enum class ApiFamily {
  kOapi,     // oapi.dingtalk.com: token in the query, errcode envelope
  kV1,       // api.dingtalk.com/v1.0: token in a header, HTTP status errors
  kWebhook,  // a custom robot webhook URL: errcode envelope, no app token
};

enum class CallOutcome {
  kOk,
  kTokenInvalid,    // drop the token, fetch once, send once more
  kThrottled,       // back off the path, then send again
  kQuotaExhausted,  // monthly quota gone: stop, never retry
  kTransient,       // back off, then send again
  kFailed,          // permission, bad request or unknown error: return the error
};

struct ClassifiedResponse {
  CallOutcome outcome = CallOutcome::kFailed;
  nlohmann::json body;     // parsed body; null when the body was not JSON
  std::string request_id;  // the platform's request id, for logs
  std::string code;        // errcode, sub_code or v1.0 code, for logs; "" on success
  Error error;             // set unless outcome is kOk
};

// Classifies one HTTP response to a call of `path` (used in messages and permission hints).
ClassifiedResponse ClassifyResponse(ApiFamily family, const std::string& path,
                                    const HttpResponse& response);

// The permission point an app needs for `path`, e.g. "qyapi_report_query"; "" when unknown.
std::string PermissionFor(const std::string& path);

}  // namespace logbridge::dingtalk
