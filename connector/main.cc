// logbridge: the command-line entry point. Parses the command line with CLI11 and runs one
// subcommand; the subcommands live in the *_command.cc files beside this one.
#include <CLI/CLI.hpp>

#include "connector/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"logbridge: DingTalk work logs to validated, traceable performance scores"};
  app.require_subcommand(1);
  int exit_code = logbridge::connector::kExitOk;

  // Subcommand registrations.
  logbridge::connector::AddScoringCommands(app, &exit_code);
  logbridge::connector::AddServiceCommands(app, &exit_code);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    int code = app.exit(error);
    return code == 0 ? 0 : logbridge::connector::kExitUsage;
  }
  return exit_code;
}
