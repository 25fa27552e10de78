// Log record parsing: response and array shapes, numbers sent as strings, unknown fields kept,
// JSON Lines, and errors that name the record and field.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "scoring/log_record.h"

namespace logbridge::scoring {
namespace {

constexpr std::string_view kResponse = R"({"errcode":0,"errmsg":"ok","request_id":"x",
 "result":{"has_more":false,"next_cursor":2862455276,"size":1,"data_list":[
  {"report_id":"175da","template_name":"日报","creator_id":"user123","creator_name":"张三",
   "dept_name":"开放平台,市场部","create_time":1605680704000,"modified_time":"1605680705000",
   "remark":"备注","images":["a.jpg"],"latitude":"31.2",
   "contents":[{"key":"今日完成工作","sort":"0","type":"1","value":"拜访3家"},
               {"key":"数量","sort":1,"type":1,"value":42}]}]}})";

TEST_CASE("record from whole response", "[log_record]") {
  Result<std::vector<LogRecord>> records = ParseLogRecords(kResponse, "response.json");
  REQUIRE(records.ok());
  REQUIRE(records->size() == 1);
  const LogRecord& record = records->front();
  CHECK(record.report_id == "175da");
  CHECK(record.creator_id == "user123");
  CHECK(record.dept_name == "开放平台,市场部");
  CHECK(record.create_time.value == 1605680704000);
  CHECK(record.modified_time.value == 1605680705000);
  REQUIRE(record.contents.size() == 2);
  CHECK(record.contents[0].sort == 0);
  CHECK(record.contents[1].sort == 1);
  CHECK(record.contents[1].type == "1");
  CHECK(record.contents[1].value == "42");
}

TEST_CASE("record keeps unknown fields", "[log_record]") {
  Result<std::vector<LogRecord>> records = ParseLogRecords(kResponse);
  REQUIRE(records.ok());
  nlohmann::json unknown = nlohmann::json::parse(records->front().unknown_fields);
  CHECK(unknown["images"][0] == "a.jpg");
  CHECK(unknown["latitude"] == "31.2");
  CHECK_FALSE(unknown.contains("report_id"));

  nlohmann::json round_trip = nlohmann::json::parse(LogRecordToJson(records->front()));
  CHECK(round_trip["images"][0] == "a.jpg");
  CHECK(round_trip["contents"][0]["value"] == "拜访3家");
}

TEST_CASE("record from bare array and lines", "[log_record]") {
  std::string_view array = R"([{"report_id":"a","creator_id":"u","create_time":1760000000001},
                               {"report_id":"b","creator_id":"u","create_time":1760000000002}])";
  Result<std::vector<LogRecord>> from_array = ParseLogRecords(array);
  REQUIRE(from_array.ok());
  CHECK(from_array->size() == 2);
  // modified_time defaults to create_time when absent.
  CHECK(from_array->at(1).modified_time.value == 1760000000002);

  std::string_view lines = "{\"report_id\":\"a\",\"creator_id\":\"u\",\"create_time\":1760000000001}\n\n"
                           "{\"report_id\":\"b\",\"creator_id\":\"v\",\"create_time\":1760000000002}\n";
  Result<std::vector<LogRecord>> from_lines = ParseLogRecords(lines);
  REQUIRE(from_lines.ok());
  REQUIRE(from_lines->size() == 2);
  CHECK(from_lines->at(1).creator_id == "v");
}

TEST_CASE("record errors name the field", "[log_record]") {
  Result<std::vector<LogRecord>> no_creator =
      ParseLogRecords(R"([{"report_id":"a","create_time":1760000000001}])", "logs.json");
  REQUIRE_FALSE(no_creator.ok());
  CHECK(no_creator.error().message.find("logs.json: record 0") != std::string::npos);
  CHECK(no_creator.error().message.find("creator_id") != std::string::npos);

  Result<std::vector<LogRecord>> bad_time =
      ParseLogRecords(R"([{"report_id":"a","creator_id":"u","create_time":"yesterday"}])");
  REQUIRE_FALSE(bad_time.ok());
  CHECK(bad_time.error().message.find("create_time") != std::string::npos);
  CHECK(bad_time.error().message.find("yesterday") != std::string::npos);

  Result<std::vector<LogRecord>> negative = ParseLogRecords(
      R"([{"report_id":"a","creator_id":"u","create_time":1760000000001,"modified_time":-1}])");
  REQUIRE_FALSE(negative.ok());
  CHECK(negative.error().message.find("\"modified_time\": -1 is before 2000-01-01") !=
        std::string::npos);

  Result<std::vector<LogRecord>> seconds = ParseLogRecords(
      R"([{"report_id":"a","creator_id":"u","create_time":1764547200}])", "logs.json");
  REQUIRE_FALSE(seconds.ok());
  CHECK(seconds.error().message ==
        "logs.json: record 0, field \"create_time\": 1764547200 looks like epoch seconds, and "
        "DingTalk times are epoch milliseconds; multiply it by 1000");

  Result<std::vector<LogRecord>> no_key = ParseLogRecords(
      R"([{"report_id":"a","creator_id":"u","create_time":1760000000001,
           "contents":[{"value":"拜访3家"}]}])");
  REQUIRE_FALSE(no_key.ok());
  CHECK(no_key.error().message.find("{\"value\":\"拜访3家\"} has neither key nor sort") !=
        std::string::npos);

  Result<std::vector<LogRecord>> no_time =
      ParseLogRecords(R"([{"report_id":"a","creator_id":"u"}])");
  REQUIRE_FALSE(no_time.ok());
  CHECK(no_time.error().message.find("\"create_time\": missing in report a") !=
        std::string::npos);

  Result<std::vector<LogRecord>> bad_line = ParseLogRecords(
      "{\"report_id\":\"a\",\"creator_id\":\"u\",\"create_time\":1760000000001}\n{oops\n", "x.jsonl");
  REQUIRE_FALSE(bad_line.ok());
  CHECK(bad_line.error().message.find("x.jsonl: line 2") != std::string::npos);

  Result<std::vector<LogRecord>> no_list = ParseLogRecords(R"({"errcode":0,"result":{}})");
  REQUIRE_FALSE(no_list.ok());
  CHECK(no_list.error().message.find("data_list") != std::string::npos);
}

TEST_CASE("pretty JSON error names its line", "[log_record]") {
  // A missing comma after "u" on line 3: the parser stops at the next key.
  std::string_view pretty = "[\n  {\"report_id\": \"a\",\n   \"creator_id\": \"u\"\n"
                            "   \"create_time\": 1760000000001}\n]\n";
  Result<std::vector<LogRecord>> parsed = ParseLogRecords(pretty, "pretty.json");
  REQUIRE_FALSE(parsed.ok());
  const std::string& message = parsed.error().message;
  INFO(message);
  // nlohmann reports the column of the end of the token where it stopped.
  CHECK(message.find("pretty.json: invalid JSON at line 4, column 16: ") == 0);
  CHECK(message.find("syntax error") != std::string::npos);
  CHECK(message.find("line 1") == std::string::npos);
}

TEST_CASE("empty object is not a list", "[log_record]") {
  Result<std::vector<LogRecord>> parsed = ParseLogRecords("{}", "empty.json");
  REQUIRE_FALSE(parsed.ok());
  INFO(parsed.error().message);
  CHECK(parsed.error().message.find("empty.json: the JSON object is not a report/list response "
                                    "or data_list") == 0);
}

TEST_CASE("export reads paging state", "[log_record]") {
  Result<LogExport> complete = ParseLogExport(kResponse);
  REQUIRE(complete.ok());
  CHECK_FALSE(complete->has_more);
  CHECK(complete->records.size() == 1);

  std::string partial(kResponse);
  partial.replace(partial.find("\"has_more\":false"), 16, "\"has_more\":true");
  Result<LogExport> more = ParseLogExport(partial, "page1.json");
  REQUIRE(more.ok());
  CHECK(more->has_more);
  CHECK(more->next_cursor == "2862455276");
}

TEST_CASE("record rejects DingTalk error responses", "[log_record]") {
  Result<std::vector<LogRecord>> error = ParseLogRecords(
      R"({"errcode":88,"errmsg":"ding talk error[subcode=40078,submsg=不存在的临时授权码]",
          "request_id":"x"})",
      "export.json");
  REQUIRE_FALSE(error.ok());
  const std::string& message = error.error().message;
  INFO(message);
  CHECK(message.find("export.json: DingTalk returned errcode 88: ding talk error[subcode=40078") ==
        0);
  CHECK(message.find("this is an error response, not logs, so the log export failed") !=
        std::string::npos);
  CHECK(message.find("report_id") == std::string::npos);

  // An empty result does not make it a list response.
  Result<std::vector<LogRecord>> with_result = ParseLogRecords(
      R"({"errcode":88,"errmsg":"no permission","result":{}})", "err.json");
  REQUIRE_FALSE(with_result.ok());
  CHECK(with_result.error().message.find(
            "err.json: DingTalk returned errcode 88: no permission; this is an error response") ==
        0);

  // The code may come as a string, and the error may be one line of a JSON Lines file.
  Result<std::vector<LogRecord>> string_code =
      ParseLogRecords("{\"errcode\":\"40014\",\"errmsg\":\"不合法的access_token\"}\n", "x.jsonl");
  REQUIRE_FALSE(string_code.ok());
  CHECK(string_code.error().message.find("errcode 40014: 不合法的access_token") !=
        std::string::npos);

  // errcode 0 is a success: its missing data_list is the problem reported.
  Result<std::vector<LogRecord>> ok_code = ParseLogRecords(R"({"errcode":0,"errmsg":"ok"})");
  REQUIRE_FALSE(ok_code.ok());
  CHECK(ok_code.error().message.find("errcode") == std::string::npos);
}

TEST_CASE("find field by key or sort", "[log_record]") {
  LogRecord record;
  record.contents = {{"今日工作", 0, "1", "a"}, {"明日计划", 1, "1", "b"}};
  CHECK(record.FindField("明日计划")->value == "b");
  CHECK(record.FindField("renamed", 1)->value == "b");
  CHECK(record.FindField("renamed") == nullptr);
  CHECK(record.FindField("renamed", 5) == nullptr);
}

}  // namespace
}  // namespace logbridge::scoring
