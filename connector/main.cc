// logbridge: the command-line entry point. Parses the command line with CLI11 and runs one
// subcommand; the subcommands live in the *_command.cc files beside this one.
#include <CLI/CLI.hpp>

#include <iostream>

#include "connector/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"logbridge: DingTalk work logs to validated, traceable performance scores"};
  app.require_subcommand(1);
  int exit_code = logbridge::connector::kExitOk;

  // Subcommand registrations.
  logbridge::connector::AddScoringCommands(app, &exit_code);
  logbridge::connector::AddServiceCommands(app, &exit_code);

  // CLI11 reports an unknown word in the command's place as a missing subcommand, so a typo
  // such as `scroe` is named here instead.
  if (argc > 1 && argv[1][0] != '-') {
    bool known = false;
    for (const CLI::App* command : app.get_subcommands({})) {
      known = known || command->get_name() == argv[1];
    }
    if (!known) {
      std::cerr << "logbridge: unknown command \"" << argv[1]
                << "\"; run `logbridge --help` for the list of commands\n";
      return logbridge::connector::kExitUsage;
    }
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    int code = app.exit(error);
    return code == 0 ? 0 : logbridge::connector::kExitUsage;
  }
  return exit_code;
}
