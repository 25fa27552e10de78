// Lenient readers for DingTalk JSON, whose examples send numbers and booleans either bare or
// quoted, and the single adapter that turns nlohmann::json exceptions into Result errors for
// the client. Internal to the dingtalk client: include only from .cc files.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "base/result.h"

namespace logbridge::dingtalk {

// Parses JSON text. Errors: kDataLoss with the parser's position and reason.
Result<nlohmann::json> ParseJson(std::string_view text);

// Serializes compactly; invalid UTF-8 in strings becomes U+FFFD instead of throwing.
std::string DumpJson(const nlohmann::json& value);

// Reads a JSON scalar as an int64 from an integer or a decimal string; nullopt for anything
// else (floats with a fraction, text, out of range, null).
std::optional<int64_t> AsInt64(const nlohmann::json& value);

// Reads `object[key]` as an int64 from an integer or a decimal string. Returns nullopt when the
// key is missing, null, or not an integer (floats with a fraction, text, out of range).
std::optional<int64_t> ReadInt64(const nlohmann::json& object, std::string_view key);

// Reads `object[key]` as a bool from true/false, "true"/"false" or 0/1 in either form.
std::optional<bool> ReadBool(const nlohmann::json& object, std::string_view key);

// Reads `object[key]` as text from a string or a number; "" when missing or of another type.
std::string ReadString(const nlohmann::json& object, std::string_view key);

// Returns `object[key]` when it is an array, else an empty array.
const nlohmann::json& ReadArray(const nlohmann::json& object, std::string_view key);

}  // namespace logbridge::dingtalk
