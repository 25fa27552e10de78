// HTTP(S) transport to one base URL, with a pool of keep-alive connections so several threads
// can send at once. Knows nothing of DingTalk: callers classify statuses and bodies.
// Thread-safe. httplib stays inside http_transport.cc.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"

namespace logbridge::dingtalk {

enum class HttpMethod { kGet, kPost, kPut };

struct HttpRequest {
  HttpMethod method = HttpMethod::kPost;
  std::string target;  // path and query, appended to the base URL's path
  std::string body;    // sent as application/json when not empty
  std::vector<std::pair<std::string, std::string>> headers;
};

struct HttpResponse {
  int status = 0;
  std::string body;
  std::string request_id;  // the x-acs-request-id header, empty when absent
};

struct TransportOptions {
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds read_timeout{30000};
  bool verify_certificates = true;  // HTTPS only; keep on outside tests
  std::string ca_cert_path;         // PEM bundle; empty = the system's default store
  size_t max_idle_connections = 8;
};

class HttpTransport {
 public:
  // Parses `base_url` ("http[s]://host[:port][/prefix]").
  // Errors: kInvalidArgument naming the URL when the scheme or host is missing.
  static Result<std::unique_ptr<HttpTransport>> Create(const std::string& base_url,
                                                       TransportOptions options);
  ~HttpTransport();

  // Sends one request. An HTTP error status is a successful Send: only transport failures are
  // errors. Errors: kDeadlineExceeded when no response came within the timeouts, kUnavailable
  // when the connection failed or dropped, kFailedPrecondition when the server certificate
  // failed verification. Messages never contain the request target (it may carry a token).
  Result<HttpResponse> Send(const HttpRequest& request);

 private:
  struct Pool;
  explicit HttpTransport(std::unique_ptr<Pool> pool);

  std::unique_ptr<Pool> pool_;
};

}  // namespace logbridge::dingtalk
