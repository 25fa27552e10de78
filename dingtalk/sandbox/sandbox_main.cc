// dingtalk-sandbox: runs the offline DingTalk platform standalone on loopback, seeded from an
// organization file or a generated one, with its Stream mode gateway on a second port, or
// writes a generated organization file and exits.

#include <atomic>
#include <chrono>
#include <csignal>
#include <thread>

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include "dingtalk/sandbox/org_generator.h"
#include "dingtalk/sandbox/sandbox.h"
#include "dingtalk/sandbox/sandbox_program.h"

namespace {

std::atomic<bool> stop_requested{false};

void RequestStop(int /*signal*/) { stop_requested = true; }

}  // namespace

int main(int argc, char** argv) {
  using namespace logbridge;
  using namespace logbridge::dingtalk;

  CLI::App app{"Offline DingTalk Open Platform sandbox (oapi and v1.0 on one loopback port)"};
  std::string org_path;
  std::string generate_path;
  std::string start_text = "2026-09-01";
  OrgGeneratorOptions generator;
  generator.seed = 20260901;
  SandboxProgramOptions program_options;
  SandboxOptions& options = program_options.sandbox;
  options.port = 8790;
  program_options.stream_port = 8791;
  bool no_stream_gateway = false;
  int64_t token_lifetime_s = 7200;
  SandboxApp sandbox_app = DefaultSandboxApp();
  SandboxWebhookRobot webhook{"sandbox-webhook-token", ""};
  CallbackTargets callbacks;

  app.add_option("--org", org_path, "Organization JSON file to serve (default: generate one)");
  app.add_option("--port", options.port, "TCP port on 127.0.0.1; 0 picks a free one")
      ->capture_default_str();
  app.add_option("--stream-port", program_options.stream_port,
                 "TCP port on 127.0.0.1 of the Stream mode gateway (connections/open and the "
                 "WebSocket); --port serves connections/open too and returns this port's "
                 "WebSocket endpoint; 0 picks a free one")
      ->capture_default_str();
  app.add_flag("--no-stream-gateway", no_stream_gateway,
               "Do not serve the Stream mode gateway; connections/open then gets 404 on --port");
  std::string push_mode = "http";
  app.add_option("--push-mode", push_mode,
                 "How the app receives events and robot messages: http (to --event-url and "
                 "--robot-url) or stream (as Stream frames through the gateway). Card clicks "
                 "follow each card's callbackType instead")
      ->check(CLI::IsMember({"http", "stream"}))
      ->capture_default_str();
  app.add_option("--generate-org", generate_path,
                 "Write a generated organization JSON file to this path and exit");
  app.add_option("--seed", generator.seed, "Generator seed")->capture_default_str();
  app.add_option("--people", generator.people, "Generated people, managers included")
      ->capture_default_str();
  app.add_option("--months", generator.months, "Generated months of workday logs")
      ->capture_default_str();
  app.add_option("--start", start_text, "First day of generated logs, YYYY-MM-DD")
      ->capture_default_str();
  app.add_option("--token-lifetime", token_lifetime_s, "Access token lifetime in seconds")
      ->capture_default_str();
  app.add_option("--qps-limit", options.qps_limit, "Calls per app per API per second; 0 = off")
      ->capture_default_str();
  app.add_option("--monthly-quota", options.monthly_quota,
                 "Metered calls per calendar month; 0 = off")
      ->capture_default_str();
  app.add_option("--bulk-logs", options.bulk.count,
                 "Synthesize this many extra logs in memory, for benchmarks")
      ->capture_default_str();
  app.add_option("--app-key", sandbox_app.app_key, "App key the sandbox accepts")
      ->capture_default_str();
  app.add_option("--app-secret", sandbox_app.app_secret, "App secret the sandbox accepts")
      ->capture_default_str();
  app.add_option("--agent-id", sandbox_app.agent_id, "Agent id of the app")->capture_default_str();
  app.add_option("--robot-code", sandbox_app.robot_code, "Robot code of the app")
      ->capture_default_str();
  app.add_option("--webhook-token", webhook.access_token, "Custom robot webhook access_token")
      ->capture_default_str();
  app.add_option("--webhook-secret", webhook.secret,
                 "Custom robot signing secret (SEC...); empty turns signature checks off");
  app.add_option("--event-url", callbacks.event_url, "URL receiving encrypted event pushes");
  app.add_option("--event-token", callbacks.token, "Event callback token");
  app.add_option("--aes-key", callbacks.aes_key, "Event callback aes key (43 characters)");
  app.add_option("--owner-key", callbacks.owner_key, "Event callback owner key (the app key)");
  app.add_option("--card-url", callbacks.card_url, "URL receiving card button callbacks");
  app.add_option("--card-secret", callbacks.card_api_secret, "Card callback api secret");
  app.add_option("--robot-url", callbacks.robot_url, "URL receiving robot message callbacks");
  app.add_option("--robot-secret", callbacks.robot_app_secret, "Robot callback app secret");
  CLI11_PARSE(app, argc, argv);

  Result<int64_t> start_day = scoring::ParseDay(start_text);
  if (!start_day.ok()) {
    spdlog::error("--start: {}; write the date as YYYY-MM-DD", start_day.error().message);
    return 2;
  }
  generator.start = CivilFromDays(*start_day);

  if (!generate_path.empty() || org_path.empty()) {
    Result<Organization> generated = GenerateOrganization(generator);
    if (!generated.ok()) {
      spdlog::error("cannot generate the organization: {}", generated.error().ToString());
      return 2;
    }
    if (!generate_path.empty()) {
      Status saved = SaveOrganization(*generated, generate_path);
      if (!saved.ok()) {
        spdlog::error("{}", saved.error().ToString());
        return 1;
      }
      spdlog::info("wrote {} users, {} reports and {} anomalies to {}", generated->users.size(),
                   generated->reports.size(), generated->truth.size(), generate_path);
      return 0;
    }
    options.organization = std::move(*generated);
  } else {
    Result<Organization> loaded = LoadOrganization(org_path);
    if (!loaded.ok()) {
      spdlog::error("{}", loaded.error().ToString());
      return 2;
    }
    options.organization = std::move(*loaded);
  }

  options.token_lifetime = std::chrono::seconds(token_lifetime_s);
  sandbox_app.push_mode = push_mode == "stream" ? SandboxPushMode::kStream : SandboxPushMode::kHttp;
  if (sandbox_app.push_mode == SandboxPushMode::kStream && no_stream_gateway) {
    spdlog::error("--push-mode stream needs the Stream gateway; drop --no-stream-gateway");
    return 2;
  }
  options.apps = {sandbox_app};
  options.webhook_robots = {webhook};
  if (!callbacks.event_url.empty() || !callbacks.card_url.empty() || !callbacks.robot_url.empty()) {
    callbacks.robot_code = sandbox_app.robot_code;
    options.callbacks = callbacks;
  }

  program_options.stream_gateway = !no_stream_gateway;
  Result<SandboxProgram> program = StartSandboxProgram(std::move(program_options));
  if (!program.ok()) {
    spdlog::error("{}", program.error().ToString());
    return 1;
  }
  std::signal(SIGINT, RequestStop);
  std::signal(SIGTERM, RequestStop);
  spdlog::info("serving {} (admin endpoint under /sandbox/); stop with Ctrl-C",
               program->sandbox->base_url());
  if (program->gateway != nullptr) {
    spdlog::info("serving the Stream mode gateway on {}, and connections/open on both ports; "
                 "events and robot messages go out by {}",
                 program->gateway->base_url(), push_mode);
  }
  while (!stop_requested) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  program->Stop();
  return 0;
}
