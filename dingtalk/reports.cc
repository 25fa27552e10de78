// Work-log APIs (topapi/report/*). All are metered against the monthly quota. report/list
// windows are split below the platform's 180-day limit and its opaque cursors are followed
// until has_more is false.
#include <set>

#include "dingtalk/api_caller.h"
#include "dingtalk/client.h"
#include "dingtalk/json_fields.h"

namespace logbridge::dingtalk {
namespace {

constexpr char kReportListPath[] = "/topapi/report/list";

ApiRequest ReportRequest(std::string path, nlohmann::json body) {
  return JsonRequest(ApiFamily::kOapi, HttpMethod::kPost, std::move(path), std::move(body), true);
}

Status ValidateReportQuery(const ReportQuery& query) {
  if (query.end_time < query.start_time) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "report query end_time " + std::to_string(query.end_time.value) +
                         " is before start_time " + std::to_string(query.start_time.value));
  }
  if (query.page_size < 1 || query.page_size > kMaxReportPageSize) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "report query page_size " + std::to_string(query.page_size) +
                         " is outside 1.." + std::to_string(kMaxReportPageSize));
  }
  if (query.modified_start_time.has_value() != query.modified_end_time.has_value()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "report query sets only one of modified_start_time and modified_end_time; "
                     "set both or neither");
  }
  return OkStatus();
}

Result<ReportRecord> ParseReportRecord(const nlohmann::json& item) {
  ReportRecord record;
  record.report_id = ReadString(item, "report_id");
  if (record.report_id.empty()) {
    return MakeError(ErrorCode::kDataLoss,
                     std::string(kReportListPath) + ": a record in data_list has no report_id");
  }
  record.create_time = EpochMs(ReadInt64(item, "create_time").value_or(0));
  record.modified_time = EpochMs(ReadInt64(item, "modified_time").value_or(0));
  record.json = DumpJson(item);
  return record;
}

// Reads one create-time window from `cursor` on. Stops with kDataLoss when the platform's
// cursor would loop: repeating a cursor could otherwise page forever or skip logs unnoticed.
Status ListReportWindow(ApiCaller& caller, const ReportQuery& query, EpochMs window_start,
                        EpochMs window_end, int64_t cursor, const ReportPageHandler& on_page) {
  nlohmann::json body = {{"start_time", window_start.value},
                         {"end_time", window_end.value},
                         {"size", query.page_size}};
  if (query.modified_start_time.has_value()) {
    body["modified_start_time"] = query.modified_start_time->value;
    body["modified_end_time"] = query.modified_end_time->value;
  }
  if (!query.template_name.empty()) {
    body["template_name"] = query.template_name;
  }
  if (!query.userid.empty()) {
    body["userid"] = query.userid;
  }
  std::string window = "window [" + std::to_string(window_start.value) + ", " +
                       std::to_string(window_end.value) + "]";

  std::set<int64_t> seen_cursors = {cursor};
  while (true) {
    body["cursor"] = cursor;
    Result<nlohmann::json> answer = caller.Call(ReportRequest(kReportListPath, body));
    if (!answer.ok()) {
      return answer.error();
    }
    auto result = answer->find("result");
    if (result == answer->end() || !result->is_object()) {
      return MakeError(ErrorCode::kDataLoss, std::string(kReportListPath) +
                                                 ": response has no result object in " + window);
    }

    ReportPage page;
    for (const nlohmann::json& item : ReadArray(*result, "data_list")) {
      Result<ReportRecord> record = ParseReportRecord(item);
      if (!record.ok()) {
        return record.error();
      }
      page.records.push_back(std::move(record).value());
    }
    bool has_more = ReadBool(*result, "has_more").value_or(false);
    std::optional<int64_t> next_cursor = ReadInt64(*result, "next_cursor");
    if (has_more && !next_cursor.has_value()) {
      return MakeError(ErrorCode::kDataLoss,
                       std::string(kReportListPath) + ": has_more is true but next_cursor is " +
                           "missing after cursor " + std::to_string(cursor) + " in " + window +
                           "; the window was abandoned, resume from the last checkpoint");
    }
    if (has_more && !seen_cursors.insert(*next_cursor).second) {
      return MakeError(ErrorCode::kDataLoss,
                       std::string(kReportListPath) + ": next_cursor " +
                           std::to_string(*next_cursor) + " after cursor " +
                           std::to_string(cursor) + " does not advance in " + window +
                           "; the window was abandoned, resume from the last checkpoint");
    }

    page.checkpoint =
        ReportCheckpoint{window_start, window_end, has_more ? *next_cursor : 0, !has_more};
    if (Status stored = on_page(page); !stored.ok()) {
      return stored;
    }
    if (!has_more) {
      return OkStatus();
    }
    cursor = *next_cursor;
  }
}

}  // namespace

Status Client::ListReports(const ReportQuery& query, const ReportPageHandler& on_page) {
  if (Status valid = ValidateReportQuery(query); !valid.ok()) {
    return valid;
  }

  // Consecutive windows share their boundary millisecond: a log created exactly then is read
  // twice rather than missed, and callers key logs by report_id anyway.
  EpochMs window_start = query.start_time;
  int64_t cursor = 0;
  if (query.resume.has_value()) {
    const ReportCheckpoint& resume = *query.resume;
    window_start = resume.window_complete ? resume.window_end : resume.window_start;
    cursor = resume.window_complete ? 0 : resume.next_cursor;
    if (resume.window_complete && resume.window_end >= query.end_time) {
      return OkStatus();
    }
  }

  while (true) {
    EpochMs window_end = std::min(window_start + kMaxReportWindow, query.end_time);
    Status window = ListReportWindow(*caller_, query, window_start, window_end, cursor, on_page);
    if (!window.ok()) {
      return window;
    }
    if (window_end >= query.end_time) {
      return OkStatus();
    }
    window_start = window_end;
    cursor = 0;
  }
}

Result<std::vector<ReportTemplate>> Client::ListReportTemplates(const std::string& userid) {
  nlohmann::json body = {{"size", 100}};
  if (!userid.empty()) {
    body["userid"] = userid;
  }
  std::vector<ReportTemplate> templates;
  Status listed =
      ForEachPage(*caller_, ReportRequest("/topapi/report/template/listbyuserid", body), "offset",
                  [&](const nlohmann::json& result) {
                    for (const nlohmann::json& item : ReadArray(result, "template_list")) {
                      templates.push_back(
                          ReportTemplate{ReadString(item, "name"), ReadString(item, "report_code"),
                                         ReadString(item, "icon_url"), ReadString(item, "url")});
                    }
                  });
  if (!listed.ok()) {
    return listed.error();
  }
  return templates;
}

Result<TemplateDetail> Client::GetReportTemplate(const std::string& userid,
                                                 const std::string& template_name) {
  nlohmann::json body = {{"userid", userid}, {"template_name", template_name}};
  Result<nlohmann::json> answer =
      caller_->Call(ReportRequest("/topapi/report/template/getbyname", body));
  if (!answer.ok()) {
    return answer.error();
  }
  auto result = answer->find("result");
  if (result == answer->end() || !result->is_object()) {
    return MakeError(ErrorCode::kNotFound,
                     "report template '" + template_name + "' not found for user '" + userid + "'");
  }

  TemplateDetail detail;
  detail.id = ReadString(*result, "id");
  detail.name = ReadString(*result, "name");
  for (const nlohmann::json& field : ReadArray(*result, "fields")) {
    detail.fields.push_back(ReportTemplateField{ReadString(field, "field_name"),
                                                ReadInt64(field, "sort").value_or(0),
                                                ReadInt64(field, "type").value_or(0)});
  }
  for (const nlohmann::json& receiver : ReadArray(*result, "default_receivers")) {
    detail.default_receiver_userids.push_back(ReadString(receiver, "userid"));
  }
  detail.json = DumpJson(*result);
  return detail;
}

Result<std::vector<std::string>> Client::ListReportReceivers(const std::string& report_id) {
  std::vector<std::string> userids;
  nlohmann::json body = {{"report_id", report_id}, {"size", 100}};
  Status listed = ForEachPage(*caller_, ReportRequest("/topapi/report/receiver/list", body),
                              "offset", [&](const nlohmann::json& result) {
                                for (const nlohmann::json& id : ReadArray(result, "userid_list")) {
                                  if (id.is_string()) {
                                    userids.push_back(id.get<std::string>());
                                  }
                                }
                              });
  if (!listed.ok()) {
    return listed.error();
  }
  return userids;
}

Result<std::vector<ReportCommentEntry>> Client::ListReportComments(const std::string& report_id) {
  std::vector<ReportCommentEntry> comments;
  nlohmann::json body = {{"report_id", report_id}, {"size", 20}};
  Status listed = ForEachPage(*caller_, ReportRequest("/topapi/report/comment/list", body),
                              "offset", [&](const nlohmann::json& result) {
                                for (const nlohmann::json& item : ReadArray(result, "comments")) {
                                  comments.push_back(ReportCommentEntry{
                                      ReadString(item, "userid"), ReadString(item, "content"),
                                      ReadString(item, "create_time")});
                                }
                              });
  if (!listed.ok()) {
    return listed.error();
  }
  return comments;
}

}  // namespace logbridge::dingtalk
