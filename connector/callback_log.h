// The spdlog logger of the callback subsystem (endpoint, inbox, card actions, robot commands),
// named "callback". Thread-safe; created on first use.
#pragma once

#include <memory>

namespace spdlog {
class logger;
}

namespace logbridge::connector {

// Returns the "callback" logger, registering it with spdlog on first use.
std::shared_ptr<spdlog::logger> CallbackLogger();

}  // namespace logbridge::connector
