// The connector's one adapter for toml++ (3.3, built with exceptions): converts a parse
// exception into a Result, so no other code catches toml++ exceptions. Internal to the
// connector's .cc files; never include it from a public header, because toml++ is heavy.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <toml++/toml.h>

#include "base/result.h"

namespace logbridge::connector {

// Parses TOML text. The error reads "SOURCE:LINE:COLUMN: <toml++ description>".
inline Result<toml::table> ParseToml(std::string_view text, std::string_view source_name) {
  try {
    return toml::parse(text, source_name);
  } catch (const toml::parse_error& error) {
    const toml::source_position& begin = error.source().begin;
    return MakeError(ErrorCode::kInvalidArgument,
                     std::string(source_name) + ":" + std::to_string(begin.line) + ":" +
                         std::to_string(begin.column) +
                         ": invalid TOML: " + std::string(error.description()));
  }
}

// The line a node was read from, or 0 for a node built in code.
inline int64_t TomlLine(const toml::node& node) { return node.source().begin.line; }

}  // namespace logbridge::connector
