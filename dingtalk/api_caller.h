// The one path every DingTalk call takes: token, per-path throttle, monthly counter, send,
// classify, then retry, refetch the token or fail. Internal to the dingtalk client (it exposes
// nlohmann::json): include only from .cc files. Thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/result.h"
#include "dingtalk/api_errors.h"
#include "dingtalk/client.h"
#include "dingtalk/http_transport.h"
#include "dingtalk/throttle.h"
#include "dingtalk/token_cache.h"

namespace logbridge::dingtalk {

struct ApiRequest {
  ApiFamily family = ApiFamily::kOapi;
  HttpMethod method = HttpMethod::kPost;
  std::string path;  // e.g. "/topapi/report/list": throttle key, counter key and log field
  std::vector<std::pair<std::string, std::string>> query;  // added to the URL, percent-encoded
  std::optional<nlohmann::json> body;
  bool metered = false;     // counts against the organization's monthly quota
  bool with_token = true;   // false for the token endpoints themselves
  std::string webhook_url;  // kWebhook only: the full URL, which carries the robot's token
};

// Builds a request with a JSON body and the app token.
ApiRequest JsonRequest(ApiFamily family, HttpMethod method, std::string path, nlohmann::json body,
                       bool metered);

// Pages a list API whose result object carries `has_more` and `next_cursor`: sends `body` with
// `cursor_field` set to 0, then to each next_cursor, until has_more is false or next_cursor is
// absent. `take` receives each page's `result` object. Errors: the call's, or kDataLoss when
// the result is missing or next_cursor does not advance.
Status ForEachPage(ApiCaller& caller, ApiRequest request, const std::string& cursor_field,
                   const std::function<void(const nlohmann::json&)>& take);

class ApiCaller {
 public:
  // Errors: kInvalidArgument naming the option that is invalid.
  static Result<std::unique_ptr<ApiCaller>> Create(ClientOptions options);

  // Sends `request` and returns the parsed body of a successful response. Retries transient and
  // throttling failures up to retry.max_attempts sends, and a rejected token once with a
  // fresh token. After a quota error, every metered call this month fails at once with the same
  // kResourceExhausted error.
  Result<nlohmann::json> Call(const ApiRequest& request);

  const ClientOptions& options() const { return options_; }
  const MonthlyCallCounter& counter() const { return counter_; }
  int64_t TokenFetches() const;

 private:
  explicit ApiCaller(ClientOptions options);

  Result<AccessToken> FetchOapiToken();
  // Reads the token and its lifetime in seconds from a token endpoint's response.
  Result<AccessToken> ReadToken(Result<nlohmann::json> response, std::string_view token_key,
                                std::string_view expires_key) const;
  Result<AccessToken> FetchV1Token();
  TokenCache& TokenCacheFor(ApiFamily family);

  // Sends once, logs the call and classifies the response.
  ClassifiedResponse SendOnce(const ApiRequest& request, const std::string& token, int attempt);
  Result<HttpRequest> BuildHttpRequest(const ApiRequest& request, const std::string& token,
                                       HttpTransport** transport,
                                       std::unique_ptr<HttpTransport>& webhook_transport);
  std::chrono::milliseconds Backoff(std::chrono::milliseconds base, int retry);
  Result<nlohmann::json> StopForQuota(const ClassifiedResponse& answer);

  ClientOptions options_;
  std::unique_ptr<HttpTransport> oapi_;
  std::unique_ptr<HttpTransport> v1_;
  PathThrottle throttle_;
  MonthlyCallCounter counter_;
  std::unique_ptr<TokenCache> oapi_token_;
  std::unique_ptr<TokenCache> v1_token_;

  std::mutex random_mutex_;
  std::mt19937_64 random_engine_;

  std::mutex quota_mutex_;
  int64_t quota_exhausted_month_ = -1;
  Error quota_error_;
};

}  // namespace logbridge::dingtalk
