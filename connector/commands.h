// Registration of logbridge's subcommands. Each Add*Commands function adds its subcommands to
// the CLI11 app. When one of them runs, its callback stores the process exit code in *exit_code,
// and the README's exit-code table lists those codes.
#pragma once

namespace CLI {
class App;
}

namespace logbridge::connector {

// Process exit codes, documented in the README.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // the command failed (I/O, network, store, no log scored)
inline constexpr int kExitUsage = 2;    // bad command line
inline constexpr int kExitConfig = 3;   // config or input file missing, unreadable or invalid

// Adds score, explain and check-config: offline scoring of exported logs against a config.
void AddScoringCommands(CLI::App& app, int* exit_code);

// Adds serve, sync and demo: the connector service, a one-off backfill, and the sandbox demo.
void AddServiceCommands(CLI::App& app, int* exit_code);

}  // namespace logbridge::connector
