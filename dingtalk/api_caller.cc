// Retry loop and token handling shared by every API. Logging: debug for each send, warn for each
// retry, error when a call gives up; the token, the secret and the query string never appear.
#include "dingtalk/api_caller.h"

#include <algorithm>
#include <thread>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "dingtalk/json_fields.h"
#include "dingtalk/signature.h"

namespace logbridge::dingtalk {
namespace {

const SystemClock kSystemClock;

// The module's logger, created on first use. spdlog throws when two threads register the same
// name at once; the loser takes the winner's logger.
std::shared_ptr<spdlog::logger> Logger() {
  static std::shared_ptr<spdlog::logger> logger = [] {
    auto existing = spdlog::get("dingtalk");
    if (existing) {
      return existing;
    }
    try {
      return spdlog::stderr_color_mt("dingtalk");
    } catch (const spdlog::spdlog_ex&) {
      return spdlog::get("dingtalk");
    }
  }();
  return logger;
}

std::string_view MethodName(HttpMethod method) {
  switch (method) {
    case HttpMethod::kGet:
      return "GET";
    case HttpMethod::kPut:
      return "PUT";
    case HttpMethod::kPost:
      break;
  }
  return "POST";
}

std::string EncodeQuery(const std::vector<std::pair<std::string, std::string>>& query) {
  std::string encoded;
  for (const auto& [name, value] : query) {
    encoded += encoded.empty() ? "" : "&";
    encoded += PercentEncode(name) + "=" + PercentEncode(value);
  }
  return encoded;
}

Status ValidateOptions(const ClientOptions& options) {
  auto invalid = [](const std::string& message) {
    return MakeError(ErrorCode::kInvalidArgument, message);
  };
  if (options.app_key.empty()) {
    return invalid("app_key is empty; set it to the app's Client ID (AppKey)");
  }
  if (options.app_secret.empty()) {
    return invalid("app_secret is empty; set it to the app's Client Secret (AppSecret)");
  }
  if (options.throttle.calls_per_second < 0 || options.throttle.burst < 1) {
    return invalid("throttle.calls_per_second must be >= 0 and throttle.burst >= 1, got " +
                   std::to_string(options.throttle.calls_per_second) + " and " +
                   std::to_string(options.throttle.burst));
  }
  if (options.retry.max_attempts < 1) {
    return invalid("retry.max_attempts must be at least 1, got " +
                   std::to_string(options.retry.max_attempts));
  }
  if (options.retry.jitter < 0 || options.retry.jitter > 1) {
    return invalid("retry.jitter must be within [0, 1], got " +
                   std::to_string(options.retry.jitter));
  }
  return OkStatus();
}

}  // namespace

ApiCaller::ApiCaller(ClientOptions options)
    : options_(std::move(options)),
      throttle_(options_.throttle, options_.clock, options_.retry.sleep),
      counter_(options_.clock),
      random_engine_(std::random_device{}()) {
  oapi_token_ = std::make_unique<TokenCache>(options_.clock, options_.token_refresh_margin,
                                             [this] { return FetchOapiToken(); });
  v1_token_ = std::make_unique<TokenCache>(options_.clock, options_.token_refresh_margin,
                                           [this] { return FetchV1Token(); });
}

Result<std::unique_ptr<ApiCaller>> ApiCaller::Create(ClientOptions options) {
  if (Status valid = ValidateOptions(options); !valid.ok()) {
    return valid.error();
  }
  if (options.clock == nullptr) {
    options.clock = &kSystemClock;
  }
  if (!options.retry.sleep) {
    options.retry.sleep = [](std::chrono::milliseconds delay) {
      std::this_thread::sleep_for(delay);
    };
  }
  TransportOptions transport;
  transport.connect_timeout = options.connect_timeout;
  transport.read_timeout = options.read_timeout;
  transport.verify_certificates = options.verify_certificates;
  transport.ca_cert_path = options.ca_cert_path;
  auto oapi = HttpTransport::Create(options.oapi_base_url, transport);
  if (!oapi.ok()) {
    return MakeError(ErrorCode::kInvalidArgument, "oapi_base_url: " + oapi.error().message);
  }
  auto v1 = HttpTransport::Create(options.api_base_url, transport);
  if (!v1.ok()) {
    return MakeError(ErrorCode::kInvalidArgument, "api_base_url: " + v1.error().message);
  }

  std::unique_ptr<ApiCaller> caller(new ApiCaller(std::move(options)));
  caller->oapi_ = std::move(oapi).value();
  caller->v1_ = std::move(v1).value();
  return caller;
}

int64_t ApiCaller::TokenFetches() const {
  return oapi_token_->fetch_count() + v1_token_->fetch_count();
}

TokenCache& ApiCaller::TokenCacheFor(ApiFamily family) {
  return family == ApiFamily::kV1 ? *v1_token_ : *oapi_token_;
}

Result<AccessToken> ApiCaller::ReadToken(Result<nlohmann::json> response,
                                         std::string_view token_key,
                                         std::string_view expires_key) const {
  if (!response.ok()) {
    return response.error();
  }
  std::string token = ReadString(*response, token_key);
  std::optional<int64_t> expires_in = ReadInt64(*response, expires_key);
  if (token.empty() || !expires_in.has_value()) {
    return MakeError(ErrorCode::kDataLoss, "token response lacks " + std::string(token_key) +
                                               " or " + std::string(expires_key));
  }
  return AccessToken{token, options_.clock->Now() + std::chrono::seconds(*expires_in)};
}

Result<AccessToken> ApiCaller::FetchOapiToken() {
  ApiRequest request;
  request.family = ApiFamily::kOapi;
  request.method = HttpMethod::kGet;
  request.path = "/gettoken";
  request.query = {{"appkey", options_.app_key}, {"appsecret", options_.app_secret}};
  request.with_token = false;
  return ReadToken(Call(request), "access_token", "expires_in");
}

Result<AccessToken> ApiCaller::FetchV1Token() {
  ApiRequest request;
  request.family = ApiFamily::kV1;
  request.method = HttpMethod::kPost;
  request.path = "/v1.0/oauth2/accessToken";
  request.body = nlohmann::json{{"appKey", options_.app_key}, {"appSecret", options_.app_secret}};
  request.with_token = false;
  return ReadToken(Call(request), "accessToken", "expireIn");
}

Result<HttpRequest> ApiCaller::BuildHttpRequest(const ApiRequest& request, const std::string& token,
                                                HttpTransport** transport,
                                                std::unique_ptr<HttpTransport>& webhook_transport) {
  HttpRequest http;
  http.method = request.method;
  if (request.body.has_value()) {
    http.body = DumpJson(*request.body);
  }
  std::string query = EncodeQuery(request.query);

  switch (request.family) {
    case ApiFamily::kOapi:
      *transport = oapi_.get();
      if (!token.empty()) {
        query = "access_token=" + PercentEncode(token) + (query.empty() ? "" : "&" + query);
      }
      http.target = request.path;
      break;
    case ApiFamily::kV1:
      *transport = v1_.get();
      if (!token.empty()) {
        http.headers.emplace_back("x-acs-dingtalk-access-token", token);
      }
      http.target = request.path;
      break;
    case ApiFamily::kWebhook: {
      // The webhook URL names its own host; split it into origin and target.
      size_t host_start = request.webhook_url.find("://");
      size_t path_start = host_start == std::string::npos
                              ? std::string::npos
                              : request.webhook_url.find('/', host_start + 3);
      if (path_start == std::string::npos) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "webhook URL must be http[s]://host/path?access_token=...");
      }
      TransportOptions options;
      options.connect_timeout = options_.connect_timeout;
      options.read_timeout = options_.read_timeout;
      options.verify_certificates = options_.verify_certificates;
      options.ca_cert_path = options_.ca_cert_path;
      auto created = HttpTransport::Create(request.webhook_url.substr(0, path_start), options);
      if (!created.ok()) {
        return created.error();
      }
      webhook_transport = std::move(created).value();
      *transport = webhook_transport.get();
      http.target = request.webhook_url.substr(path_start);
      break;
    }
  }
  if (!query.empty()) {
    http.target += (http.target.find('?') == std::string::npos ? "?" : "&") + query;
  }
  return http;
}

ClassifiedResponse ApiCaller::SendOnce(const ApiRequest& request, const std::string& token,
                                       int attempt) {
  HttpTransport* transport = nullptr;
  std::unique_ptr<HttpTransport> webhook_transport;
  Result<HttpRequest> http = BuildHttpRequest(request, token, &transport, webhook_transport);
  if (!http.ok()) {
    ClassifiedResponse failed;
    failed.error = http.error();
    return failed;
  }

  auto started = std::chrono::steady_clock::now();
  Result<HttpResponse> response = transport->Send(*http);
  auto latency_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::steady_clock::now() - started)
                        .count();

  ClassifiedResponse answer;
  if (!response.ok()) {
    // A rejected certificate will not pass on a retry; other transport failures may.
    bool retryable = response.error().code != ErrorCode::kFailedPrecondition;
    answer.outcome = retryable ? CallOutcome::kTransient : CallOutcome::kFailed;
    answer.code = std::string(ErrorCodeName(response.error().code));
    answer.error = MakeError(response.error().code, request.path + ": " + response.error().message);
  } else {
    answer = ClassifyResponse(request.family, request.path, *response);
  }
  Logger()->debug("{} {} attempt={} request_id={} code={} latency_ms={}",
                  MethodName(request.method), request.path, attempt,
                  answer.request_id.empty() ? "-" : answer.request_id,
                  answer.code.empty() ? "0" : answer.code, latency_ms);
  return answer;
}

std::chrono::milliseconds ApiCaller::Backoff(std::chrono::milliseconds base, int retry) {
  double factor = 1.0;
  {
    std::lock_guard<std::mutex> lock(random_mutex_);
    double draw = options_.retry.random
                      ? options_.retry.random()
                      : std::uniform_real_distribution<double>(0.0, 1.0)(random_engine_);
    factor += options_.retry.jitter * std::clamp(draw, 0.0, 1.0);
  }
  double exponential =
      static_cast<double>(base.count()) * static_cast<double>(1LL << std::min(retry - 1, 20));
  double capped =
      std::min(exponential * factor, static_cast<double>(options_.retry.max_backoff.count()));
  return std::chrono::milliseconds(static_cast<int64_t>(capped));
}

Result<nlohmann::json> ApiCaller::StopForQuota(const ClassifiedResponse& answer) {
  int64_t month = MonthlyCallCounter::MonthIndex(options_.clock->Now());
  std::lock_guard<std::mutex> lock(quota_mutex_);
  if (quota_exhausted_month_ != month) {
    quota_exhausted_month_ = month;
    quota_error_ = answer.error;
    Logger()->error("{} (request_id={}); {} metered calls made this month", answer.error.message,
                    answer.request_id, counter_.TotalThisMonth());
  }
  return quota_error_;
}

Result<nlohmann::json> ApiCaller::Call(const ApiRequest& request) {
  if (request.metered) {
    std::lock_guard<std::mutex> lock(quota_mutex_);
    if (quota_exhausted_month_ == MonthlyCallCounter::MonthIndex(options_.clock->Now())) {
      return quota_error_;
    }
  }

  bool token_refetched = false;
  int retries = 0;
  for (int attempt = 1;; ++attempt) {
    std::string token;
    if (request.with_token && request.family != ApiFamily::kWebhook) {
      Result<std::string> fetched = TokenCacheFor(request.family).Get();
      if (!fetched.ok()) {
        return fetched.error();
      }
      token = std::move(fetched).value();
    }
    throttle_.Acquire(request.path);
    if (request.metered) {
      counter_.Record(request.path);
    }

    ClassifiedResponse answer = SendOnce(request, token, attempt);
    switch (answer.outcome) {
      case CallOutcome::kOk:
        return std::move(answer.body);
      case CallOutcome::kFailed:
        Logger()->error("{} (request_id={})", answer.error.message, answer.request_id);
        return answer.error;
      case CallOutcome::kQuotaExhausted:
        return StopForQuota(answer);
      case CallOutcome::kTokenInvalid:
        if (!request.with_token) {
          return MakeError(ErrorCode::kUnauthenticated,
                           answer.error.message + "; check app_key and app_secret");
        }
        if (token_refetched) {
          Logger()->error("{}: a freshly fetched token was rejected too (request_id={})",
                          request.path, answer.request_id);
          return answer.error;
        }
        Logger()->warn("{}: token rejected (code {}), fetching a new one", request.path,
                       answer.code);
        TokenCacheFor(request.family).Invalidate(token);
        token_refetched = true;
        continue;
      case CallOutcome::kThrottled:
      case CallOutcome::kTransient:
        break;
    }

    if (attempt >= options_.retry.max_attempts) {
      Logger()->error("{}: giving up after {} attempts (request_id={})", answer.error.message,
                      attempt, answer.request_id);
      return MakeError(answer.error.code, answer.error.message + " (gave up after " +
                                              std::to_string(attempt) + " attempts)");
    }
    ++retries;
    bool throttled = answer.outcome == CallOutcome::kThrottled;
    auto delay = Backoff(
        throttled ? options_.retry.throttle_backoff : options_.retry.initial_backoff, retries);
    Logger()->warn("{}; retry {} in {} ms (request_id={})", answer.error.message, retries,
                   delay.count(), answer.request_id);
    if (throttled) {
      // Pausing the path holds back every thread calling it, not only this one.
      throttle_.PauseUntil(request.path, options_.clock->Now() + delay);
    } else {
      options_.retry.sleep(delay);
    }
  }
}

ApiRequest JsonRequest(ApiFamily family, HttpMethod method, std::string path, nlohmann::json body,
                       bool metered) {
  ApiRequest request;
  request.family = family;
  request.method = method;
  request.path = std::move(path);
  request.body = std::move(body);
  request.metered = metered;
  return request;
}

Status ForEachPage(ApiCaller& caller, ApiRequest request, const std::string& cursor_field,
                   const std::function<void(const nlohmann::json&)>& take) {
  int64_t cursor = 0;
  while (true) {
    (*request.body)[cursor_field] = cursor;
    Result<nlohmann::json> answer = caller.Call(request);
    if (!answer.ok()) {
      return answer.error();
    }
    auto result = answer->find("result");
    if (result == answer->end() || !result->is_object()) {
      return MakeError(ErrorCode::kDataLoss, request.path + ": response has no result object");
    }
    take(*result);

    std::optional<bool> has_more = ReadBool(*result, "has_more");
    std::optional<int64_t> next_cursor = ReadInt64(*result, "next_cursor");
    if (has_more == false) {
      return OkStatus();
    }
    if (!next_cursor.has_value()) {
      if (has_more == true) {
        return MakeError(ErrorCode::kDataLoss,
                         request.path + ": has_more is true but next_cursor is missing");
      }
      return OkStatus();  // lists without has_more end when next_cursor is absent
    }
    if (*next_cursor <= cursor) {
      return MakeError(ErrorCode::kDataLoss,
                       request.path + ": next_cursor " + std::to_string(*next_cursor) +
                           " does not advance past " + std::to_string(cursor));
    }
    cursor = *next_cursor;
  }
}

}  // namespace logbridge::dingtalk
