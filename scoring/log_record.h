// LogRecord: one DingTalk work log as topapi/report/list returns it in result.data_list[].
// The parser accepts whole API responses, bare data_list arrays, single records and JSON Lines,
// reads scalars sent as numbers or as strings, and keeps fields it does not know. Value types;
// the parser is stateless and thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "base/time.h"

namespace logbridge::scoring {

// One item of contents[]: a template field and the text the author entered.
struct LogField {
  std::string key;    // the template field title, e.g. "今日完成工作"
  int32_t sort = -1;  // field order in the template; -1 when absent
  std::string type;   // DingTalk's field type code, kept raw ("1" is text)
  std::string value;  // the author's text, UTF-8
};

struct LogRecord {
  std::string report_id;
  std::string template_name;
  std::string creator_id;  // the author's userid; the only identity used for scoring
  std::string creator_name;
  std::string dept_name;
  EpochMs create_time;
  EpochMs modified_time;  // equals create_time when the log was never edited
  std::string remark;
  std::vector<LogField> contents;
  // Fields of the record that this struct does not model (images, latitude, ...), as a JSON
  // object in compact form; "{}" when there are none.
  std::string unknown_fields = "{}";

  // Returns the field with this key, or else the field whose sort equals fallback_sort
  // (when fallback_sort >= 0), or nullptr.
  const LogField* FindField(std::string_view key, int32_t fallback_sort = -1) const;
};

// Parses the records in a JSON text: a topapi/report/list response ({"result":{"data_list":
// [...]}}), a bare array of data_list items, one item, or JSON Lines with one item or response
// per line. source names the input in errors. The error names the source, the record index and
// the field, and nothing is returned, so one bad record rejects the whole text.
Result<std::vector<LogRecord>> ParseLogRecords(std::string_view json_text,
                                               std::string_view source = "input");

// The records of one exported file and, when it contains topapi/report/list responses, the
// paging state of the last one.
struct LogExport {
  std::vector<LogRecord> records;
  bool has_more = false;    // the last response has has_more true, so the export is partial
  std::string next_cursor;  // that response's next_cursor, as text; empty when absent
};

// Parses like ParseLogRecords and also reads result.has_more and result.next_cursor. When the
// text is neither one JSON value nor JSON Lines (its first line is not a JSON value on its
// own), the error gives the line, column and reason of the whole-text parse.
Result<LogExport> ParseLogExport(std::string_view json_text, std::string_view source = "input");

// Serializes one record in the data_list item shape, unknown fields included.
std::string LogRecordToJson(const LogRecord& record);

}  // namespace logbridge::scoring
