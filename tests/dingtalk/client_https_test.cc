// Tests that the client verifies HTTPS certificates: a server with a self-signed certificate is
// rejected by default and accepted once its certificate is given as the CA bundle. The
// certificate is made in the test with OpenSSL, so nothing leaves loopback.

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include <catch2/catch.hpp>
#include <httplib.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include "dingtalk/client.h"

namespace logbridge::dingtalk {
namespace {

bool AddExtension(X509* cert, int nid, const char* value) {
  X509V3_CTX context;
  X509V3_set_ctx_nodb(&context);
  X509V3_set_ctx(&context, cert, cert, nullptr, nullptr, 0);
  X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &context, nid, value);
  if (extension == nullptr) {
    return false;
  }
  bool added = X509_add_ext(cert, extension, -1) == 1;
  X509_EXTENSION_free(extension);
  return added;
}

// Writes a self-signed CA certificate for IP 127.0.0.1 and its key as PEM files.
bool WriteSelfSignedCertificate(const std::string& cert_path, const std::string& key_path) {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_RSA_gen(2048), EVP_PKEY_free);
  std::unique_ptr<X509, decltype(&X509_free)> cert(X509_new(), X509_free);
  if (!key || !cert) {
    return false;
  }
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("127.0.0.1"), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  if (!AddExtension(cert.get(), NID_basic_constraints, "critical,CA:TRUE") ||
      !AddExtension(cert.get(), NID_subject_alt_name, "IP:127.0.0.1") ||
      X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) {
    return false;
  }

  FILE* cert_file = std::fopen(cert_path.c_str(), "w");
  FILE* key_file = std::fopen(key_path.c_str(), "w");
  bool written =
      cert_file != nullptr && key_file != nullptr && PEM_write_X509(cert_file, cert.get()) == 1 &&
      PEM_write_PrivateKey(key_file, key.get(), nullptr, nullptr, 0, nullptr, nullptr) == 1;
  if (cert_file != nullptr) {
    std::fclose(cert_file);
  }
  if (key_file != nullptr) {
    std::fclose(key_file);
  }
  return written;
}

// A minimal HTTPS stand-in for the two oapi endpoints the test calls.
class HttpsServer {
 public:
  HttpsServer(const std::string& cert_path, const std::string& key_path)
      : server_(cert_path.c_str(), key_path.c_str()) {
    server_.Get("/gettoken", [](const httplib::Request&, httplib::Response& response) {
      response.set_content(R"({"errcode":0,"access_token":"tls-token","expires_in":7200})",
                           "application/json");
    });
    server_.Post("/topapi/v2/user/get", [](const httplib::Request&, httplib::Response& response) {
      response.set_content(R"({"errcode":0,"result":{"userid":"u1","name":"员工1"}})",
                           "application/json");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  ~HttpsServer() {
    server_.stop();
    thread_.join();
  }

  bool valid() const { return server_.is_valid() && port_ > 0; }
  std::string base_url() const { return "https://127.0.0.1:" + std::to_string(port_); }

 private:
  httplib::SSLServer server_;
  int port_ = 0;
  std::thread thread_;
};

std::unique_ptr<Client> HttpsClient(const std::string& base_url, const std::string& ca_path) {
  ClientOptions options;
  options.oapi_base_url = base_url;
  options.api_base_url = base_url;
  options.app_key = "key";
  options.app_secret = "secret";
  options.ca_cert_path = ca_path;
  options.retry.sleep = [](std::chrono::milliseconds) {};
  auto client = Client::Create(std::move(options));
  REQUIRE(client.ok());
  return std::move(client).value();
}

TEST_CASE("HTTPS certificate is verified", "[client]") {
  std::filesystem::path dir = std::filesystem::temp_directory_path() /
                              ("logbridge-client-tls-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::string cert_path = (dir / "cert.pem").string();
  std::string key_path = (dir / "key.pem").string();
  REQUIRE(WriteSelfSignedCertificate(cert_path, key_path));

  {
    HttpsServer server(cert_path, key_path);
    REQUIRE(server.valid());

    auto untrusting = HttpsClient(server.base_url(), "");
    auto rejected = untrusting->GetUser("u1");
    REQUIRE_FALSE(rejected.ok());
    CHECK(rejected.error().code == ErrorCode::kFailedPrecondition);
    CHECK_THAT(rejected.error().message, Catch::Contains("ca_cert_path"));

    auto trusting = HttpsClient(server.base_url(), cert_path);
    auto user = trusting->GetUser("u1");
    REQUIRE(user.ok());
    CHECK(user->name == "员工1");
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace logbridge::dingtalk
