// The standalone sandbox program's servers: the DingTalk API sandbox and, unless turned off, the
// Stream mode gateway on a second loopback port accepting the same app keys and secrets.
// dingtalk-sandbox and its tests start them through StartSandboxProgram. Not thread-safe;
// each server is thread-safe on its own.
#pragma once

#include <cstdint>
#include <memory>

#include "base/result.h"
#include "dingtalk/sandbox/sandbox.h"
#include "dingtalk/sandbox/stream_gateway.h"

namespace logbridge::dingtalk {

struct SandboxProgramOptions {
  SandboxOptions sandbox;
  // Serve connections/open (on both ports) and the WebSocket for Stream mode.
  bool stream_gateway = true;
  int32_t stream_port = 0;     // the gateway's port on sandbox.host; 0 picks an ephemeral port
};

struct SandboxProgram {
  // Declared before the sandbox, so it is destroyed after the sandbox that points to it.
  std::unique_ptr<StreamGateway> gateway;  // null when the gateway is turned off
  std::unique_ptr<Sandbox> sandbox;

  // Detaches the gateway from the sandbox, stops the gateway, then the sandbox; idempotent.
  void Stop();
};

// Starts the sandbox and then the gateway, which accepts every app of options.sandbox.apps
// (DefaultSandboxApp() when empty), and attaches the gateway to the sandbox: the sandbox's port
// then serves connections/open too, and apps and cards that ask for Stream get their simulated
// user actions through the gateway. Errors: those of Sandbox::Start and StreamGateway::Start;
// nothing keeps running after an error.
Result<SandboxProgram> StartSandboxProgram(SandboxProgramOptions options);

}  // namespace logbridge::dingtalk
