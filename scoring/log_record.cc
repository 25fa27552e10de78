// Reads DingTalk log records with nlohmann/json. This file is the adapter for nlohmann's parse
// exceptions: it parses with exceptions off and reports every problem as an Error. Only to
// describe a syntax error does it parse again with exceptions on, and it catches them here.
#include "scoring/log_record.h"

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>

namespace logbridge::scoring {
namespace {

using Json = nlohmann::json;

Error FieldError(std::string_view source, size_t index, std::string_view field,
                 std::string_view problem) {
  return MakeError(ErrorCode::kInvalidArgument,
                   std::string(source) + ": record " + std::to_string(index) + ", field \"" +
                       std::string(field) + "\": " + std::string(problem));
}

// Reads a string, or a number written as its decimal text.
bool ReadText(const Json& value, std::string* out) {
  if (value.is_string()) {
    *out = value.get<std::string>();
    return true;
  }
  if (value.is_number_integer()) {
    *out = std::to_string(value.get<int64_t>());
    return true;
  }
  if (value.is_number()) {
    *out = value.dump();
    return true;
  }
  return value.is_null();
}

// Reads an integer sent as a number or as a string of digits.
bool ReadInteger(const Json& value, int64_t* out) {
  if (value.is_number_integer()) {
    *out = value.get<int64_t>();
    return true;
  }
  if (value.is_number_float()) {
    double number = value.get<double>();
    *out = static_cast<int64_t>(number);
    return static_cast<double>(*out) == number;
  }
  if (!value.is_string()) {
    return false;
  }
  const std::string& text = value.get_ref<const std::string&>();
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return error == std::errc() && end == text.data() + text.size() && !text.empty();
}

// The string member of a record that a JSON field name maps to, or nullptr.
std::string* TextMember(LogRecord& record, std::string_view name) {
  std::pair<std::string_view, std::string*> members[] = {
      {"report_id", &record.report_id},         {"template_name", &record.template_name},
      {"creator_id", &record.creator_id},       {"creator_name", &record.creator_name},
      {"dept_name", &record.dept_name},         {"remark", &record.remark}};
  for (const auto& [member_name, member] : members) {
    if (member_name == name) {
      return member;
    }
  }
  return nullptr;
}

// DingTalk sends times in epoch milliseconds, and no DingTalk log predates 2000-01-01 (this
// bound in milliseconds, Shanghai midnight). A value between this bound divided by 1000 and
// 10^11 is a time in seconds: 10^11 ms is only 1973, while 10^11 s is the year 5138.
constexpr int64_t kEarliestLogMs = 946656000000;

// Returns an error naming the value when ms cannot be a DingTalk log time.
Status CheckEpochMs(int64_t ms, const std::string& text) {
  if (ms >= kEarliestLogMs) {
    return OkStatus();
  }
  if (ms >= kEarliestLogMs / 1000 && ms < 100000000000) {
    return MakeError(ErrorCode::kInvalidArgument,
                     text + " looks like epoch seconds, and DingTalk times are epoch "
                            "milliseconds; multiply it by 1000");
  }
  return MakeError(ErrorCode::kInvalidArgument,
                   text + " is before 2000-01-01, so it is no DingTalk time; write epoch "
                          "milliseconds, such as 1764547200000 for 2025-12-01 08:00 in Shanghai");
}

Result<LogField> ParseField(const Json& item, std::string_view source, size_t index) {
  if (!item.is_object()) {
    return FieldError(source, index, "contents", "each item must be an object with key and value");
  }
  LogField field;
  for (const auto& [name, value] : item.items()) {
    bool ok = true;
    if (name == "key") {
      ok = ReadText(value, &field.key);
    } else if (name == "value") {
      ok = ReadText(value, &field.value);
    } else if (name == "type") {
      ok = ReadText(value, &field.type);
    } else if (name == "sort") {
      int64_t sort = -1;
      ok = value.is_null() || ReadInteger(value, &sort);
      field.sort = static_cast<int32_t>(sort);
    }
    if (!ok) {
      return FieldError(source, index, "contents." + name,
                        "expected a string or number, got " + value.dump());
    }
  }
  if (field.key.empty() && field.sort < 0) {
    return FieldError(source, index, "contents",
                      "the item " + item.dump() +
                          " has neither key nor sort, so no template field matches it; export "
                          "the logs with each field's key");
  }
  return field;
}

Result<LogRecord> ParseRecord(const Json& item, std::string_view source, size_t index) {
  if (!item.is_object()) {
    return FieldError(source, index, "(record)", "expected a JSON object, got " + item.dump());
  }
  LogRecord record;
  Json unknown = Json::object();
  bool has_create = false;
  bool has_modified = false;
  for (const auto& [name, value] : item.items()) {
    std::string* text_target = TextMember(record, name);
    if (text_target != nullptr) {
      if (!ReadText(value, text_target)) {
        return FieldError(source, index, name, "expected a string, got " + value.dump());
      }
    } else if (name == "create_time" || name == "modified_time") {
      int64_t ms = 0;
      if (!ReadInteger(value, &ms)) {
        return FieldError(source, index, name,
                          "expected epoch milliseconds as a number, got " + value.dump());
      }
      if (Status plausible = CheckEpochMs(ms, value.dump()); !plausible.ok()) {
        return FieldError(source, index, name, plausible.error().message);
      }
      (name == "create_time" ? record.create_time : record.modified_time) = EpochMs(ms);
      has_create = has_create || name == "create_time";
      has_modified = has_modified || name == "modified_time";
    } else if (name == "contents") {
      if (!value.is_array()) {
        return FieldError(source, index, name, "expected an array of fields");
      }
      for (const Json& field_item : value) {
        Result<LogField> field = ParseField(field_item, source, index);
        if (!field.ok()) {
          return field.error();
        }
        record.contents.push_back(std::move(field).value());
      }
    } else {
      unknown[name] = value;
    }
  }

  if (record.report_id.empty()) {
    return FieldError(source, index, "report_id", "missing or empty; every log needs its id");
  }
  if (record.creator_id.empty()) {
    return FieldError(source, index, "creator_id",
                      "missing or empty in report " + record.report_id +
                          "; logs are attributed by creator_id only");
  }
  if (!has_create) {
    return FieldError(source, index, "create_time",
                      "missing in report " + record.report_id +
                          "; the scored period comes from it, so export logs with create_time "
                          "(epoch milliseconds)");
  }
  if (!has_modified) {
    record.modified_time = record.create_time;
  }
  record.unknown_fields = unknown.dump();
  return record;
}

// Returns an error for a DingTalk error response such as {"errcode": 88, "errmsg": "..."}:
// a non-zero errcode and no result. Anything else is OK.
Status CheckErrorResponse(const Json& root, std::string_view source) {
  // An error response may carry an empty result ({"errcode":88,...,"result":{}}), so a
  // result without data_list does not make it a list response.
  bool has_list = root.is_object() && root.contains("result") && root["result"].is_object() &&
                  root["result"].contains("data_list");
  if (!root.is_object() || !root.contains("errcode") || has_list || root.contains("report_id")) {
    return OkStatus();
  }
  const Json& code = root["errcode"];
  if (code == 0 || code == "0") {
    return OkStatus();
  }
  std::string message;
  if (auto found = root.find("errmsg"); found != root.end() && !ReadText(*found, &message)) {
    message = found->dump();
  }
  std::string code_text = code.is_string() ? code.get<std::string>() : code.dump();
  return MakeError(ErrorCode::kInvalidArgument,
                   std::string(source) + ": DingTalk returned errcode " + code_text + ": " +
                       (message.empty() ? "(no errmsg)" : message) +
                       "; this is an error response, not logs, so the log export failed. Fix "
                       "the cause that errmsg names (such as a missing permission) and export "
                       "the logs again");
}

// Whether an object has any member of a data_list item, so that it reads as one record.
bool HasRecordMember(const Json& object) {
  for (const char* name : {"report_id", "template_name", "creator_id", "contents",
                           "create_time"}) {
    if (object.contains(name)) {
      return true;
    }
  }
  return false;
}

// Reads has_more and next_cursor of a response's result into *out.
void ReadPaging(const Json& result, LogExport* out) {
  out->has_more = false;
  out->next_cursor.clear();
  if (auto more = result.find("has_more"); more != result.end()) {
    out->has_more = *more == true || *more == "true";
  }
  if (auto cursor = result.find("next_cursor"); cursor != result.end()) {
    ReadText(*cursor, &out->next_cursor);
  }
}

// Appends the records of one parsed JSON value: a response, a data_list array or one record.
// A response also sets the paging state of *out.
Status AppendRecords(const Json& root, std::string_view source, LogExport* out_export) {
  std::vector<LogRecord>* out = &out_export->records;
  if (Status error = CheckErrorResponse(root, source); !error.ok()) {
    return error;
  }
  const Json* list = &root;
  bool response = root.is_object() && !root.contains("report_id") &&
                  (root.contains("result") || root.contains("errcode"));
  if (response) {
    const Json* result = root.contains("result") ? &root["result"] : nullptr;
    if (result == nullptr || !result->is_object() || !result->contains("data_list")) {
      return MakeError(ErrorCode::kInvalidArgument,
                       std::string(source) +
                           ": the response has no result.data_list; pass a topapi/report/list "
                           "response or an array of its data_list items");
    }
    ReadPaging(*result, out_export);
    list = &(*result)["data_list"];
  } else if (root.is_object() && root.contains("data_list")) {
    list = &root["data_list"];
  } else if (root.is_object() && !HasRecordMember(root)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     std::string(source) +
                         ": the JSON object is not a report/list response or data_list, nor a "
                         "log record: it has no result, data_list or report_id. Pass a "
                         "topapi/report/list response, its data_list array or one record");
  }

  if (list->is_object()) {
    Result<LogRecord> record = ParseRecord(*list, source, out->size());
    if (!record.ok()) {
      return record.error();
    }
    out->push_back(std::move(record).value());
    return OkStatus();
  }
  if (!list->is_array()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     std::string(source) + ": expected a JSON object or array of log records");
  }
  for (const Json& item : *list) {
    Result<LogRecord> record = ParseRecord(item, source, out->size());
    if (!record.ok()) {
      return record.error();
    }
    out->push_back(std::move(record).value());
  }
  return OkStatus();
}

// Whether text reads as JSON Lines: its first non-blank line is a JSON value on its own, or it
// has no such line (an empty export). The first line of a pretty-printed document ("{" or "[")
// is not.
bool LooksLikeJsonLines(std::string_view text) {
  size_t start = 0;
  while (start < text.size()) {
    size_t end = std::min(text.find('\n', start), text.size());
    std::string_view line = text.substr(start, end - start);
    if (line.find_first_not_of(" \t\r") != std::string_view::npos) {
      return Json::accept(line);
    }
    start = end + 1;
  }
  return true;
}

// Returns the error of parsing the whole text as one JSON value, with the line and column (in
// characters, from 1) where nlohmann's parser stopped and its reason.
Error DescribeSyntaxError(std::string_view text, std::string_view source) {
  size_t offset = text.size();
  std::string reason = "invalid JSON";
  try {
    Json ignored = Json::parse(text);
  } catch (const Json::parse_error& error) {
    // byte is 1-based: the position of the character that stopped the parser.
    offset = std::min<size_t>(error.byte > 0 ? error.byte - 1 : 0, text.size());
    std::string message = error.what();
    size_t column = message.find("column ");
    size_t colon = column == std::string::npos ? column : message.find(": ", column);
    reason = colon == std::string::npos ? message : message.substr(colon + 2);
  }
  size_t line = 1;
  size_t line_start = 0;
  for (size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  size_t column = 1;
  for (size_t i = line_start; i < offset; ++i) {
    // Count code points: skip UTF-8 continuation bytes.
    column += (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80 ? 1 : 0;
  }
  return MakeError(ErrorCode::kInvalidArgument,
                   std::string(source) + ": invalid JSON at line " + std::to_string(line) +
                       ", column " + std::to_string(column) + ": " + reason +
                       "; fix the file or export it again (JSON Lines needs one record or "
                       "response per line)");
}

}  // namespace

const LogField* LogRecord::FindField(std::string_view key, int32_t fallback_sort) const {
  for (const LogField& field : contents) {
    if (field.key == key) {
      return &field;
    }
  }
  if (fallback_sort < 0) {
    return nullptr;
  }
  for (const LogField& field : contents) {
    if (field.sort == fallback_sort) {
      return &field;
    }
  }
  return nullptr;
}

Result<std::vector<LogRecord>> ParseLogRecords(std::string_view json_text,
                                               std::string_view source) {
  Result<LogExport> parsed = ParseLogExport(json_text, source);
  if (!parsed.ok()) {
    return parsed.error();
  }
  return std::move(parsed->records);
}

Result<LogExport> ParseLogExport(std::string_view json_text, std::string_view source) {
  LogExport records;
  Json root = Json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (!root.is_discarded()) {
    Status status = AppendRecords(root, source, &records);
    if (!status.ok()) {
      return status.error();
    }
    return records;
  }
  if (!LooksLikeJsonLines(json_text)) {
    return DescribeSyntaxError(json_text, source);
  }

  // Not one JSON value: read it as JSON Lines, reporting the first bad line by number.
  size_t line_number = 0;
  size_t start = 0;
  while (start <= json_text.size()) {
    size_t end = json_text.find('\n', start);
    if (end == std::string_view::npos) {
      end = json_text.size();
    }
    std::string_view line = json_text.substr(start, end - start);
    ++line_number;
    start = end + 1;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) {
      continue;
    }
    Json value = Json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (value.is_discarded()) {
      return MakeError(ErrorCode::kInvalidArgument,
                       std::string(source) + ": line " + std::to_string(line_number) +
                           " is not valid JSON; pass one JSON document or one record per line");
    }
    Status status = AppendRecords(value, source, &records);
    if (!status.ok()) {
      return status.error();
    }
  }
  return records;
}

std::string LogRecordToJson(const LogRecord& record) {
  Json item = Json::parse(record.unknown_fields, nullptr, /*allow_exceptions=*/false);
  if (!item.is_object()) {
    item = Json::object();
  }
  item["report_id"] = record.report_id;
  item["template_name"] = record.template_name;
  item["creator_id"] = record.creator_id;
  item["creator_name"] = record.creator_name;
  item["dept_name"] = record.dept_name;
  item["create_time"] = record.create_time.value;
  item["modified_time"] = record.modified_time.value;
  item["remark"] = record.remark;
  Json contents = Json::array();
  for (const LogField& field : record.contents) {
    contents.push_back({{"key", field.key},
                        {"sort", std::to_string(field.sort)},
                        {"type", field.type},
                        {"value", field.value}});
  }
  item["contents"] = std::move(contents);
  return item.dump();
}

}  // namespace logbridge::scoring
