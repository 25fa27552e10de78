// The service subcommands: `serve` runs the connector until SIGTERM, `sync --since` backfills
// logs once, and `demo` plays the sandbox scenario and prints what happened.
#include <pthread.h>
#include <signal.h>

#include <iostream>
#include <string>
#include <thread>

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include "connector/commands.h"
#include "connector/demo.h"
#include "connector/service.h"
#include "connector/service_config.h"

namespace logbridge::connector {
namespace {

// Blocks SIGINT and SIGTERM in this thread and every thread started after it, so only a
// sigwait thread receives them.
sigset_t BlockTerminationSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

// Loads the config and secrets, or prints what is wrong and returns the exit code.
Result<ServiceOptions> LoadOptions(const std::string& config_path) {
  Result<ServiceConfig> config = LoadServiceConfig(config_path);
  if (!config.ok()) {
    return config.error();
  }
  spdlog::set_level(spdlog::level::from_str(config->log_level));
  SecretSources sources{ProcessEnvironment(), config->secrets_file, CurrentUid()};
  Result<Secrets> secrets = LoadSecrets(sources, config->http_callbacks());
  if (!secrets.ok()) {
    return secrets.error();
  }
  ServiceOptions options;
  options.config = std::move(*config);
  options.secrets = std::move(*secrets);
  return options;
}

int Serve(const std::string& config_path) {
  Result<ServiceOptions> options = LoadOptions(config_path);
  if (!options.ok()) {
    std::cerr << "logbridge serve: " << options.error().message << "\n";
    return kExitConfig;
  }
  sigset_t signals = BlockTerminationSignals();
  Result<std::unique_ptr<Service>> service = Service::Create(std::move(*options));
  if (!service.ok()) {
    std::cerr << "logbridge serve: " << service.error().ToString() << "\n";
    return service.error().code == ErrorCode::kInvalidArgument ? kExitConfig : kExitFailure;
  }
  Status started = (*service)->Start();
  if (!started.ok()) {
    std::cerr << "logbridge serve: " << started.error().ToString() << "\n";
    return kExitFailure;
  }

  // SIGTERM or SIGINT stops the scheduler; Run returns once in-flight work is done.
  Service* running = service->get();
  std::thread signal_thread([signals, running] {
    int received = 0;
    sigwait(&signals, &received);
    spdlog::info("received signal {}; stopping", received);
    running->Stop();
  });
  Status ran = (*service)->Run();
  if (signal_thread.joinable()) {
    // Run only returns after Stop, which the signal thread called.
    signal_thread.join();
  }
  if (!ran.ok()) {
    std::cerr << "logbridge serve: " << ran.error().ToString() << "\n";
    return kExitFailure;
  }
  return kExitOk;
}

int Backfill(const std::string& config_path, const std::string& since_text) {
  Result<Date> since = ParseDate(since_text);
  if (!since.ok()) {
    std::cerr << "logbridge sync: --since: " << since.error().message << "\n";
    return kExitUsage;
  }
  // The backfill reads [since, now), so a day that starts after now leaves nothing to read.
  if (ShanghaiStartOfDay(*since) > SystemClock().Now()) {
    std::cerr << "logbridge sync: --since " << since_text
              << " is in the future; give a past date\n";
    return kExitUsage;
  }
  Result<ServiceOptions> options = LoadOptions(config_path);
  if (!options.ok()) {
    std::cerr << "logbridge sync: " << options.error().message << "\n";
    return kExitConfig;
  }
  options->start_admin_api = false;
  options->start_callback_server = false;
  Result<std::unique_ptr<Service>> service = Service::Create(std::move(*options));
  if (!service.ok()) {
    std::cerr << "logbridge sync: " << service.error().ToString() << "\n";
    return service.error().code == ErrorCode::kInvalidArgument ? kExitConfig : kExitFailure;
  }
  Status started = (*service)->Start();
  if (!started.ok()) {
    std::cerr << "logbridge sync: " << started.error().ToString() << "\n";
    return kExitFailure;
  }
  Result<SyncRunReport> filled = (*service)->Backfill(ShanghaiStartOfDay(*since));
  if (!filled.ok()) {
    std::cerr << "logbridge sync: " << filled.error().ToString()
              << "\nPages already committed are kept; run the same command again to resume.\n";
    return kExitFailure;
  }
  std::cout << "backfill since " << since_text << ": " << filled->pages << " pages, "
            << filled->inserted << " new logs, " << filled->changed << " changed, "
            << filled->unchanged << " unchanged, " << filled->report_calls
            << " report/list calls\n";
  if (filled->budget_paused) {
    std::cout << "stopped early: the monthly call budget leaves nothing for polling; run again "
                 "next month or raise sync.monthly_call_budget\n";
  }
  return kExitOk;
}

int Demo(const DemoOptions& options) {
  DemoOptions run = options;
  run.progress = &std::cout;

  // Every option is checked before the banner, so a bad one prints only its error.
  Status valid = ValidateDemoOptions(run);
  if (!valid.ok()) {
    std::cerr << "logbridge demo: " << valid.error().message << "\n";
    return kExitUsage;
  }
  Result<std::string> holidays = ResolveDemoHolidaysDir(
      run.holidays_dir, DemoHolidaysCandidates(CurrentExecutablePath()));
  if (!holidays.ok()) {
    std::cerr << "logbridge demo: " << holidays.error().message << "\n";
    return kExitConfig;
  }
  run.holidays_dir = *holidays;

  if (run.stay) {
    BlockTerminationSignals();
  }
  std::cout << "logbridge demo: " << run.people << " people, " << run.weeks
            << (run.weeks == 1 ? " simulated week, seed " : " simulated weeks, seed ") << run.seed
            << ", holidays from " << run.holidays_dir << "\n"
            << std::flush;
  Result<DemoSummary> summary = RunDemo(run);
  if (!summary.ok()) {
    std::cerr << "logbridge demo: " << summary.error().message << "\n";
    return summary.error().code == ErrorCode::kInvalidArgument ? kExitUsage : kExitFailure;
  }
  if (!run.stay) {
    std::cout << FormatDemoSummary(*summary);
  }
  return kExitOk;
}

}  // namespace

void AddServiceCommands(CLI::App& app, int* exit_code) {
  auto config_path = std::make_shared<std::string>();
  CLI::App* serve = app.add_subcommand(
      "serve", "Run the connector: poll DingTalk, send reminders, approvals and score cards, "
               "serve the callback endpoint and admin API until SIGTERM");
  serve->add_option("--config", *config_path, "service config file (TOML)")->required();
  serve->callback([config_path, exit_code] { *exit_code = Serve(*config_path); });

  auto sync_config = std::make_shared<std::string>();
  auto since = std::make_shared<std::string>();
  CLI::App* sync = app.add_subcommand(
      "sync", "Backfill: read every log created since a date on the configured templates, once");
  sync->add_option("--config", *sync_config, "service config file (TOML)")->required();
  sync->add_option("--since", *since, "first Shanghai date to read, YYYY-MM-DD")->required();
  sync->callback([sync_config, since, exit_code] { *exit_code = Backfill(*sync_config, *since); });

  auto demo_options = std::make_shared<DemoOptions>();
  CLI::App* demo = app.add_subcommand(
      "demo", "Play several weeks of a generated organization against the built-in sandbox and "
              "print what the connector did");
  demo->add_option("--data-dir", demo_options->data_dir,
                   "directory for the demo database; default: a new temporary directory");
  demo->add_option("--weeks", demo_options->weeks, "simulated weeks, 1 to 12")
      ->default_val(4);
  demo->add_option("--seed", demo_options->seed, "seed of the organization and the simulation")
      ->check(CLI::Validator(
          [](const std::string& text) {
            return !text.empty() && text[0] == '-'
                       ? "seed " + text + " is negative; use a whole number of 0 or more"
                       : std::string();
          },
          "SEED>=0"))
      ->default_val(1);
  demo->add_option("--people", demo_options->people, "people in the organization, 10 to 500")
      ->default_val(40);
  demo->add_option("--holidays", demo_options->holidays_dir,
                   "directory of holiday files, one <year>.toml each; default: the installed "
                   "share/logbridge/holidays, else the source tree's config/holidays, else "
                   "/etc/logbridge/holidays");
  demo->add_flag("--stay", demo_options->stay,
                 "keep the admin API up after the summary until Ctrl-C");
  auto demo_verbose = std::make_shared<bool>(false);
  demo->add_flag("--verbose", *demo_verbose,
                 "log every sync, approval and message at info level; by default only warnings "
                 "and errors are logged, so the summary stays readable");
  demo->callback([demo_options, demo_verbose, exit_code] {
    spdlog::set_level(*demo_verbose ? spdlog::level::info : spdlog::level::warn);
    *exit_code = Demo(*demo_options);
  });
}

}  // namespace logbridge::connector
