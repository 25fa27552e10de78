// Tests of the standalone sandbox program's servers: the Stream gateway it starts next to the
// sandbox accepts the sandbox's apps, so a Stream client configured like the service connects.
#include "dingtalk/sandbox/sandbox_program.h"

#include <chrono>

#include <catch2/catch.hpp>

#include "dingtalk/stream_client.h"

namespace logbridge::dingtalk {
namespace {

constexpr std::chrono::milliseconds kWait{5000};

class NullHandler final : public StreamHandler {
 public:
  Status OnEvent(const StreamFrame&) override { return OkStatus(); }
  Result<std::string> OnCallback(const StreamFrame&) override { return std::string("null"); }
};

SandboxProgramOptions ProgramWithApp(const SandboxApp& app) {
  SandboxProgramOptions options;
  options.sandbox.apps = {app};
  return options;
}

std::unique_ptr<StreamClient> ClientFor(const std::string& base_url, const SandboxApp& app,
                                        StreamHandler* handler) {
  StreamClientOptions options;
  options.api_base_url = base_url;
  options.client_id = app.app_key;
  options.client_secret = app.app_secret;
  options.backoff.initial = std::chrono::milliseconds(50);
  options.backoff.max = std::chrono::milliseconds(200);
  Result<std::unique_ptr<StreamClient>> client = StreamClient::Create(options, handler);
  REQUIRE(client.ok());
  return std::move(*client);
}

TEST_CASE("Sandbox program serves stream gateway", "[sandbox]") {
  SandboxApp app{"program-key", "program-secret", 42, "program-robot"};
  Result<SandboxProgram> program = StartSandboxProgram(ProgramWithApp(app));
  REQUIRE(program.ok());
  REQUIRE(program->sandbox != nullptr);
  REQUIRE(program->gateway != nullptr);
  CHECK(program->gateway->port() != program->sandbox->port());

  NullHandler handler;
  std::unique_ptr<StreamClient> client = ClientFor(program->gateway->base_url(), app, &handler);
  REQUIRE(client->Start().ok());
  REQUIRE(client->WaitForConnections(1, kWait));
  CHECK(client->Stats().connected);
  REQUIRE(program->gateway->WaitForConnections(1, kWait));
  REQUIRE(program->gateway->Connections().size() == 1);
  CHECK(program->gateway->Connections()[0].client_id == "program-key");

  std::string message_id = program->gateway->PushEvent("user_add_org", R"({"userId":["u1"]})");
  CHECK(program->gateway->WaitForAck(message_id, kWait));
  client->Stop();
  program->Stop();
}

TEST_CASE("Sandbox program gateway rejects other secret", "[sandbox]") {
  SandboxApp app{"program-key", "program-secret", 42, "program-robot"};
  Result<SandboxProgram> program = StartSandboxProgram(ProgramWithApp(app));
  REQUIRE(program.ok());

  NullHandler handler;
  SandboxApp wrong = app;
  wrong.app_secret = "not-the-secret";
  std::unique_ptr<StreamClient> client = ClientFor(program->gateway->base_url(), wrong, &handler);
  REQUIRE(client->Start().ok());
  CHECK_FALSE(client->WaitForConnections(1, std::chrono::milliseconds(500)));
  CHECK(program->gateway->rejected_opens() >= 1);
  CHECK(client->Stats().failed_attempts >= 1);
  client->Stop();
}

TEST_CASE("Sandbox program without stream gateway", "[sandbox]") {
  SandboxProgramOptions options;
  options.stream_gateway = false;
  Result<SandboxProgram> program = StartSandboxProgram(std::move(options));
  REQUIRE(program.ok());
  CHECK(program->sandbox != nullptr);
  CHECK(program->gateway == nullptr);
}

}  // namespace
}  // namespace logbridge::dingtalk
