#include "dingtalk/sandbox/sandbox_program.h"

#include <utility>
#include <vector>

namespace logbridge::dingtalk {

void SandboxProgram::Stop() {
  if (sandbox != nullptr) {
    sandbox->SetStreamGateway(nullptr);
  }
  if (gateway != nullptr) {
    gateway->Stop();
  }
  if (sandbox != nullptr) {
    sandbox->Stop();
  }
}

Result<SandboxProgram> StartSandboxProgram(SandboxProgramOptions options) {
  std::vector<SandboxApp> apps = options.sandbox.apps;
  if (apps.empty()) {
    apps.push_back(DefaultSandboxApp());
  }
  StreamGatewayOptions gateway_options;
  gateway_options.host = options.sandbox.host;
  gateway_options.port = options.stream_port;
  gateway_options.clock = options.sandbox.clock;
  for (const SandboxApp& app : apps) {
    gateway_options.apps.push_back({app.app_key, app.app_secret});
  }

  SandboxProgram program;
  Result<std::unique_ptr<Sandbox>> sandbox = Sandbox::Start(std::move(options.sandbox));
  if (!sandbox.ok()) {
    return sandbox.error();
  }
  program.sandbox = std::move(*sandbox);
  if (!options.stream_gateway) {
    return program;
  }

  Result<std::unique_ptr<StreamGateway>> gateway = StreamGateway::Start(gateway_options);
  if (!gateway.ok()) {
    program.Stop();
    return gateway.error();
  }
  program.gateway = std::move(*gateway);
  program.sandbox->SetStreamGateway(program.gateway.get());
  return program;
}

}  // namespace logbridge::dingtalk
