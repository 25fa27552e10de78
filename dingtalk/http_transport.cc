// cpp-httplib behind HttpTransport. One httplib::Client serves one request at a time (it locks
// per request), so the pool lends each sender its own client and keeps idle ones for reuse.
#include "dingtalk/http_transport.h"

#include <mutex>

#include <httplib.h>

namespace logbridge::dingtalk {

struct HttpTransport::Pool {
  std::string scheme_host_port;
  std::string path_prefix;
  TransportOptions options;

  std::mutex mutex;
  std::vector<std::unique_ptr<httplib::Client>> idle;

  std::unique_ptr<httplib::Client> Borrow() {
    {
      std::lock_guard<std::mutex> lock(mutex);
      if (!idle.empty()) {
        auto client = std::move(idle.back());
        idle.pop_back();
        return client;
      }
    }
    auto client = std::make_unique<httplib::Client>(scheme_host_port);
    client->set_connection_timeout(options.connect_timeout);
    client->set_read_timeout(options.read_timeout);
    client->set_write_timeout(options.read_timeout);
    client->set_keep_alive(true);
    client->set_tcp_nodelay(
        true);  // headers and body go in separate writes; Nagle would delay the body
    client->enable_server_certificate_verification(options.verify_certificates);
    if (!options.ca_cert_path.empty()) {
      client->set_ca_cert_path(options.ca_cert_path);
    }
    return client;
  }

  void Return(std::unique_ptr<httplib::Client> client) {
    std::lock_guard<std::mutex> lock(mutex);
    if (idle.size() < options.max_idle_connections) {
      idle.push_back(std::move(client));
    }
  }
};

Result<std::unique_ptr<HttpTransport>> HttpTransport::Create(const std::string& base_url,
                                                             TransportOptions options) {
  size_t scheme_end = base_url.find("://");
  std::string scheme = scheme_end == std::string::npos ? "" : base_url.substr(0, scheme_end);
  if (scheme != "http" && scheme != "https") {
    return MakeError(ErrorCode::kInvalidArgument,
                     "base URL '" + base_url + "' must start with http:// or https://");
  }
  size_t host_start = scheme_end + 3;
  size_t path_start = base_url.find('/', host_start);
  if (path_start == std::string::npos) {
    path_start = base_url.size();
  }
  if (path_start == host_start) {
    return MakeError(ErrorCode::kInvalidArgument, "base URL '" + base_url + "' has no host");
  }

  auto pool = std::make_unique<Pool>();
  pool->scheme_host_port = base_url.substr(0, path_start);
  pool->path_prefix = base_url.substr(path_start);
  while (!pool->path_prefix.empty() && pool->path_prefix.back() == '/') {
    pool->path_prefix.pop_back();
  }
  pool->options = std::move(options);
  return std::unique_ptr<HttpTransport>(new HttpTransport(std::move(pool)));
}

HttpTransport::HttpTransport(std::unique_ptr<Pool> pool) : pool_(std::move(pool)) {}

HttpTransport::~HttpTransport() = default;

namespace {

Error TransportError(httplib::Error error, std::chrono::steady_clock::duration elapsed,
                     const TransportOptions& options) {
  auto elapsed_ms = std::chrono::duration_cast<std::chrono::milliseconds>(elapsed);
  std::string detail =
      httplib::to_string(error) + " after " + std::to_string(elapsed_ms.count()) + " ms";
  switch (error) {
    case httplib::Error::ConnectionTimeout:
      return MakeError(ErrorCode::kDeadlineExceeded, "connecting timed out: " + detail);
    case httplib::Error::SSLServerVerification:
      return MakeError(ErrorCode::kFailedPrecondition,
                       "server certificate verification failed (" + detail +
                           "); set ca_cert_path to a bundle that contains the issuing CA");
    case httplib::Error::Read:
      // httplib reports a read timeout and a dropped connection alike, so the elapsed time
      // separates them.
      if (elapsed_ms >= options.read_timeout) {
        return MakeError(ErrorCode::kDeadlineExceeded,
                         "timed out waiting for the response: " + detail);
      }
      return MakeError(ErrorCode::kUnavailable, "connection dropped: " + detail);
    default:
      return MakeError(ErrorCode::kUnavailable, "request failed: " + detail);
  }
}

}  // namespace

Result<HttpResponse> HttpTransport::Send(const HttpRequest& request) {
  std::string target = pool_->path_prefix + request.target;
  httplib::Headers headers(request.headers.begin(), request.headers.end());
  auto client = pool_->Borrow();

  auto started = std::chrono::steady_clock::now();
  auto send = [&]() {
    switch (request.method) {
      case HttpMethod::kGet:
        return client->Get(target, headers);
      case HttpMethod::kPut:
        return client->Put(target, headers, request.body, "application/json");
      case HttpMethod::kPost:
        break;
    }
    return client->Post(target, headers, request.body, "application/json");
  };
  httplib::Result result = send();
  auto elapsed = std::chrono::steady_clock::now() - started;

  if (!result) {
    // A failed client may hold a broken socket; drop it instead of returning it to the pool.
    return TransportError(result.error(), elapsed, pool_->options);
  }
  HttpResponse response;
  response.status = result->status;
  response.body = std::move(result->body);
  response.request_id = result->get_header_value("x-acs-request-id");
  pool_->Return(std::move(client));
  return response;
}

}  // namespace logbridge::dingtalk
