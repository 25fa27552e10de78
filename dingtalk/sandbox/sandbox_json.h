// Lenient readers for JSON object fields, shared by the sandbox's sources. DingTalk examples
// send numbers and booleans both as JSON scalars and as strings, so each reader accepts both.
// Internal to dingtalk/sandbox: it includes nlohmann/json, so no public header may include it.
#pragma once

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace logbridge::dingtalk {

// Grouped in a struct so the names cannot clash with the client's JSON helpers in the same
// namespace.
struct SandboxJson {
  // Parses JSON text without throwing; returns nullopt on a syntax error.
  static std::optional<nlohmann::json> Parse(std::string_view text) {
    nlohmann::json parsed = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (parsed.is_discarded()) {
      return std::nullopt;
    }
    return parsed;
  }

  static const nlohmann::json* Find(const nlohmann::json& object, std::string_view key) {
    if (!object.is_object()) {
      return nullptr;
    }
    auto it = object.find(key);
    if (it == object.end() || it->is_null()) {
      return nullptr;
    }
    return &*it;
  }

  // Reads a string field; numbers are converted to their decimal text.
  static std::optional<std::string> String(const nlohmann::json& object, std::string_view key) {
    const nlohmann::json* field = Find(object, key);
    if (field == nullptr) {
      return std::nullopt;
    }
    if (field->is_string()) {
      return field->get<std::string>();
    }
    if (field->is_number_integer()) {
      return std::to_string(field->get<int64_t>());
    }
    return std::nullopt;
  }

  // Reads an integer field given as a JSON integer or as a string of decimal digits.
  static std::optional<int64_t> Int64(const nlohmann::json& object, std::string_view key) {
    const nlohmann::json* field = Find(object, key);
    if (field == nullptr) {
      return std::nullopt;
    }
    if (field->is_number_integer()) {
      return field->get<int64_t>();
    }
    if (field->is_string()) {
      const std::string& text = field->get_ref<const std::string&>();
      int64_t value = 0;
      auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
      if (error == std::errc() && end == text.data() + text.size() && !text.empty()) {
        return value;
      }
    }
    return std::nullopt;
  }

  // Reads a boolean field given as true/false or as the strings "true"/"false".
  static std::optional<bool> Bool(const nlohmann::json& object, std::string_view key) {
    const nlohmann::json* field = Find(object, key);
    if (field == nullptr) {
      return std::nullopt;
    }
    if (field->is_boolean()) {
      return field->get<bool>();
    }
    if (field->is_string()) {
      if (*field == "true") {
        return true;
      }
      if (*field == "false") {
        return false;
      }
    }
    return std::nullopt;
  }
};

}  // namespace logbridge::dingtalk
