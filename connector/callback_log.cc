// Registration of the "callback" logger.

#include "connector/callback_log.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

namespace logbridge::connector {

std::shared_ptr<spdlog::logger> CallbackLogger() {
  // spdlog throws when two threads register the same name at once, so the loser of that race
  // takes the winner's logger.
  static std::shared_ptr<spdlog::logger> logger = [] {
    if (auto existing = spdlog::get("callback")) {
      return existing;
    }
    try {
      return spdlog::stderr_color_mt("callback");
    } catch (const spdlog::spdlog_ex&) {
      return spdlog::get("callback");
    }
  }();
  return logger;
}

}  // namespace logbridge::connector
