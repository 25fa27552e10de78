// nlohmann::json throws on parse errors and on dumping invalid UTF-8; this file is the one place
// in the client that catches those exceptions.
#include "dingtalk/json_fields.h"

#include <charconv>

namespace logbridge::dingtalk {
namespace {

const nlohmann::json* Find(const nlohmann::json& object, std::string_view key) {
  if (!object.is_object()) {
    return nullptr;
  }
  auto found = object.find(key);
  return found == object.end() ? nullptr : &*found;
}

std::optional<int64_t> ParseDecimal(std::string_view text) {
  int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) {
    return std::nullopt;
  }
  return value;
}

}  // namespace

Result<nlohmann::json> ParseJson(std::string_view text) {
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& error) {
    return MakeError(ErrorCode::kDataLoss, std::string("invalid JSON: ") + error.what());
  }
}

std::string DumpJson(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::optional<int64_t> AsInt64(const nlohmann::json& value) {
  if (value.is_number_integer()) {
    if (value.is_number_unsigned() && value.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
      return std::nullopt;
    }
    return value.get<int64_t>();
  }
  if (value.is_number_float()) {
    double number = value.get<double>();
    // 2^63 bounds the cast below; beyond it the conversion would be undefined.
    if (!(number > -9.2e18 && number < 9.2e18) ||
        number != static_cast<double>(static_cast<int64_t>(number))) {
      return std::nullopt;
    }
    return static_cast<int64_t>(number);
  }
  if (value.is_string()) {
    return ParseDecimal(value.get_ref<const std::string&>());
  }
  return std::nullopt;
}

std::optional<int64_t> ReadInt64(const nlohmann::json& object, std::string_view key) {
  const nlohmann::json* field = Find(object, key);
  return field == nullptr ? std::nullopt : AsInt64(*field);
}

std::optional<bool> ReadBool(const nlohmann::json& object, std::string_view key) {
  const nlohmann::json* field = Find(object, key);
  if (field == nullptr) {
    return std::nullopt;
  }
  if (field->is_boolean()) {
    return field->get<bool>();
  }
  if (field->is_number_integer()) {
    return field->get<int64_t>() != 0;
  }
  if (field->is_string()) {
    const std::string& text = field->get_ref<const std::string&>();
    if (text == "true" || text == "1") {
      return true;
    }
    if (text == "false" || text == "0") {
      return false;
    }
  }
  return std::nullopt;
}

std::string ReadString(const nlohmann::json& object, std::string_view key) {
  const nlohmann::json* field = Find(object, key);
  if (field == nullptr) {
    return "";
  }
  if (field->is_string()) {
    return field->get<std::string>();
  }
  if (field->is_number()) {
    return field->dump();
  }
  return "";
}

const nlohmann::json& ReadArray(const nlohmann::json& object, std::string_view key) {
  static const nlohmann::json kEmptyArray = nlohmann::json::array();
  const nlohmann::json* field = Find(object, key);
  return field != nullptr && field->is_array() ? *field : kEmptyArray;
}

}  // namespace logbridge::dingtalk
