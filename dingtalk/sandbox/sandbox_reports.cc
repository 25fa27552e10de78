// Work-log endpoints of the sandbox: report/list and simplelist with opaque cursors,
// templates, receivers and comments, plus writing and editing logs as a simulated user and
// synthesizing bulk logs for benchmarks.

#include <algorithm>

#include "dingtalk/sandbox/calendar.h"
#include "dingtalk/sandbox/sandbox_impl.h"
#include "dingtalk/sandbox/sandbox_json.h"

namespace logbridge::dingtalk {
namespace {

using nlohmann::json;

constexpr int64_t kMaxWindowMs = 180 * kMsPerDay;
constexpr int64_t kMaxReportPageSize = 20;
constexpr int64_t kMaxTemplatePageSize = 100;
constexpr int64_t kMaxReceiverPageSize = 100;
constexpr int64_t kMaxCommentPageSize = 20;
constexpr size_t kMaxValueChars = 1000;  // the platform truncates longer field values
constexpr uint64_t kCursorMask = (1ULL << 62) - 1;

// Cuts UTF-8 text to at most `max_chars` code points, never inside a character.
std::string TruncateUtf8(const std::string& text, size_t max_chars) {
  size_t chars = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      if (chars == max_chars) {
        return text.substr(0, i);
      }
      ++chars;
    }
  }
  return text;
}

std::string FormatDateTime(EpochMs time) {
  int64_t day = ShanghaiDay(time);
  int64_t ms_of_day = time.value + kShanghaiOffsetMs - day * kMsPerDay;
  int64_t seconds = ms_of_day / 1000;
  char clock[16];
  std::snprintf(clock, sizeof(clock), " %02d:%02d:%02d", static_cast<int>(seconds / 3600),
                static_cast<int>(seconds / 60 % 60), static_cast<int>(seconds % 60));
  return FormatDate(CivilFromDays(day)) + clock;
}

json ReportToJson(const Report& report, bool with_contents) {
  json item = {{"report_id", report.report_id},   {"template_name", report.template_name},
               {"creator_id", report.creator_id}, {"creator_name", report.creator_name},
               {"dept_name", report.dept_name},   {"create_time", report.create_time.value},
               {"remark", report.remark}};
  if (!with_contents) {
    return item;
  }
  item["modified_time"] = report.modified_time.value;
  json contents = json::array();
  for (const ReportField& field : report.contents) {
    contents.push_back({{"key", field.key},
                        {"sort", std::to_string(field.sort)},
                        {"type", std::to_string(field.type)},
                        {"value", TruncateUtf8(field.value, kMaxValueChars)}});
  }
  item["contents"] = std::move(contents);
  return item;
}

// The JSON text of a request field for an error message, or "(missing)".
std::string RenderField(const json& body, std::string_view key) {
  const json* field = SandboxJson::Find(body, key);
  return field == nullptr ? "(missing)" : field->dump();
}

// Checks report/list's cursor: required, and 0 or a next_cursor this server issued, which all
// lie in 0..kCursorMask.
std::optional<SandboxReply> CheckReportCursor(const SandboxCall& call,
                                              std::optional<int64_t> cursor) {
  constexpr char kFix[] = "; send 0 for the first page, then the previous page's next_cursor";
  if (SandboxJson::Find(call.body, "cursor") == nullptr) {
    return Sandbox::Impl::InvalidParameter(call.family, std::string("cursor is required") + kFix);
  }
  if (!cursor || *cursor < 0 || static_cast<uint64_t>(*cursor) > kCursorMask) {
    return Sandbox::Impl::InvalidParameter(
        call.family, "cursor " + RenderField(call.body, "cursor") + " is outside 0.." +
                         std::to_string(kCursorMask) + kFix);
  }
  return std::nullopt;
}

// Reads an optional page offset and size for the offset-paged report APIs.
std::optional<SandboxReply> ReadOffsetPage(const SandboxCall& call, int64_t max_size,
                                           int64_t* offset, int64_t* size) {
  *offset = SandboxJson::Int64(call.body, "offset").value_or(0);
  *size = SandboxJson::Int64(call.body, "size").value_or(max_size);
  if (*offset < 0) {
    return Sandbox::Impl::InvalidParameter(call.family,
                                           "offset " + std::to_string(*offset) + " is negative");
  }
  if (*size < 1 || *size > max_size) {
    return Sandbox::Impl::InvalidParameter(
        call.family, "size " + std::to_string(*size) + " must be 1.." + std::to_string(max_size));
  }
  return std::nullopt;
}

// Fills an offset-paged result: `list_key` gets items [offset, offset+size) of `items`.
json OffsetPage(const json& items, int64_t offset, int64_t size, const char* list_key) {
  json page = json::array();
  int64_t total = static_cast<int64_t>(items.size());
  for (int64_t i = offset; i < total && i < offset + size; ++i) {
    page.push_back(items[static_cast<size_t>(i)]);
  }
  bool has_more = offset + size < total;
  json result = {{list_key, std::move(page)}, {"has_more", has_more}};
  if (has_more) {
    result["next_cursor"] = offset + size;
  }
  return result;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Storage and cursors.

void Sandbox::Impl::IndexReports(std::vector<Report> reports) {
  std::sort(reports.begin(), reports.end(), [](const Report& a, const Report& b) {
    return std::tie(a.create_time, a.report_id) < std::tie(b.create_time, b.report_id);
  });
  for (Report& report : reports) {
    InsertReport(std::move(report));
  }
}

void Sandbox::Impl::InsertReport(Report report) {
  auto seq = static_cast<uint32_t>(reports_.size());
  report_seq_[report.report_id] = seq;
  EpochMs create_time = report.create_time;
  reports_.push_back(std::move(report));

  // The new sequence number is the largest, so it goes after every report with the same time.
  auto position = std::upper_bound(
      report_order_.begin(), report_order_.end(), create_time,
      [this](EpochMs time, uint32_t other) { return time < reports_[other].create_time; });
  report_order_.insert(position, seq);
}

int64_t Sandbox::Impl::EncodeCursor(uint32_t seq) const {
  uint64_t mixed = ((static_cast<uint64_t>(seq) ^ cursor_key_) * cursor_multiplier_) & kCursorMask;
  return static_cast<int64_t>(mixed);
}

std::optional<uint32_t> Sandbox::Impl::DecodeCursor(int64_t cursor) const {
  if (cursor <= 0 || static_cast<uint64_t>(cursor) > kCursorMask) {
    return std::nullopt;
  }
  uint64_t seq = ((static_cast<uint64_t>(cursor) * cursor_inverse_) & kCursorMask) ^ cursor_key_;
  if (seq >= reports_.size()) {
    return std::nullopt;
  }
  return static_cast<uint32_t>(seq);
}

std::string Sandbox::Impl::NewReportId(EpochMs create_time) {
  char id[32];
  do {
    std::snprintf(id, sizeof(id), "%011llx%07llx",
                  static_cast<unsigned long long>(create_time.value),
                  static_cast<unsigned long long>(rng_() & 0xFFFFFFF));
  } while (report_seq_.count(id) > 0);
  return id;
}

size_t Sandbox::Impl::report_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return reports_.size();
}

// ---------------------------------------------------------------------------------------------
// report/list and report/simplelist.

SandboxReply Sandbox::Impl::ReportList(SandboxCall& call) { return ReportPage(call, true); }
SandboxReply Sandbox::Impl::ReportSimpleList(SandboxCall& call) { return ReportPage(call, false); }

SandboxReply Sandbox::Impl::ReportPage(SandboxCall& call, bool with_contents) {
  std::optional<int64_t> start_time = SandboxJson::Int64(call.body, "start_time");
  std::optional<int64_t> end_time = SandboxJson::Int64(call.body, "end_time");
  std::optional<int64_t> cursor = SandboxJson::Int64(call.body, "cursor");
  std::optional<int64_t> size = SandboxJson::Int64(call.body, "size");
  if (!start_time || !end_time) {
    return InvalidParameter(call.family, "start_time and end_time (ms) are required");
  }
  if (*end_time < *start_time) {
    return InvalidParameter(call.family, "end_time is before start_time");
  }
  if (*end_time - *start_time > kMaxWindowMs) {
    return InvalidParameter(call.family,
                            "start_time..end_time spans more than 180 days; "
                            "split the window");
  }
  if (std::optional<SandboxReply> bad = CheckReportCursor(call, cursor)) {
    return *bad;
  }
  if (!size || *size < 1 || *size > kMaxReportPageSize) {
    return InvalidParameter(call.family, "size " + RenderField(call.body, "size") +
                                             " is outside 1.." +
                                             std::to_string(kMaxReportPageSize));
  }
  std::string template_name = SandboxJson::String(call.body, "template_name").value_or("");
  std::string userid = SandboxJson::String(call.body, "userid").value_or("");
  std::optional<int64_t> modified_start =
      with_contents ? SandboxJson::Int64(call.body, "modified_start_time") : std::nullopt;
  std::optional<int64_t> modified_end =
      with_contents ? SandboxJson::Int64(call.body, "modified_end_time") : std::nullopt;

  // Find where the page starts: the window's start, or just after the cursor's report in the
  // (create_time, sequence number) order report_order_ keeps.
  auto position = std::lower_bound(
      report_order_.begin(), report_order_.end(), EpochMs(*start_time),
      [this](uint32_t seq, EpochMs time) { return reports_[seq].create_time < time; });
  if (*cursor != 0) {
    std::optional<uint32_t> last_seq = DecodeCursor(*cursor);
    if (!last_seq) {
      return InvalidParameter(
          call.family, "cursor " + std::to_string(*cursor) + " was not issued by this server");
    }
    auto last_key = std::make_pair(reports_[*last_seq].create_time, *last_seq);
    auto after_cursor =
        std::upper_bound(report_order_.begin(), report_order_.end(), last_key,
                         [this](const std::pair<EpochMs, uint32_t>& key, uint32_t other) {
                           return key < std::make_pair(reports_[other].create_time, other);
                         });
    position = std::max(position, after_cursor);
  }

  // NOTE: the window is taken as inclusive at both ends. The platform's documentation does not
  // state it, and a client that deduplicates by report_id is safe either way.
  json data_list = json::array();
  std::optional<uint32_t> last_returned;
  bool has_more = false;
  for (auto it = position; it != report_order_.end(); ++it) {
    const Report& report = reports_[*it];
    if (report.create_time.value > *end_time) {
      break;
    }
    if ((!userid.empty() && report.creator_id != userid) ||
        (!template_name.empty() && report.template_name != template_name) ||
        (modified_start && report.modified_time.value < *modified_start) ||
        (modified_end && report.modified_time.value > *modified_end)) {
      continue;
    }
    if (static_cast<int64_t>(data_list.size()) == *size) {
      has_more = true;
      break;
    }
    data_list.push_back(ReportToJson(report, with_contents));
    last_returned = *it;
  }

  json result = {{"data_list", std::move(data_list)}, {"size", *size}, {"has_more", has_more}};
  if (call.stuck_cursor) {
    result["has_more"] = true;
    result["next_cursor"] = *cursor;
  } else if (has_more || with_contents) {
    // report/list always carries next_cursor (its documented example does even on the last
    // page); simplelist omits it when finished.
    result["next_cursor"] = last_returned ? EncodeCursor(*last_returned) : *cursor;
  }
  return OapiOk({{"result", std::move(result)}});
}

// ---------------------------------------------------------------------------------------------
// Templates, receivers, comments.

SandboxReply Sandbox::Impl::TemplateListByUserid(SandboxCall& call) {
  int64_t offset = 0;
  int64_t size = 0;
  if (std::optional<SandboxReply> bad =
          ReadOffsetPage(call, kMaxTemplatePageSize, &offset, &size)) {
    return *bad;
  }
  std::string userid = SandboxJson::String(call.body, "userid").value_or("");
  const User* user = nullptr;
  if (!userid.empty()) {
    user = FindUser(userid);
    if (user == nullptr) {
      return OapiError(33012, "无效的USERID: " + userid);
    }
  }

  json templates = json::array();
  for (const Template& report_template : org_.templates) {
    bool visible =
        user == nullptr || report_template.dept_ids.empty() ||
        std::any_of(user->dept_ids.begin(), user->dept_ids.end(), [&](int64_t dept) {
          return std::find(report_template.dept_ids.begin(), report_template.dept_ids.end(),
                           dept) != report_template.dept_ids.end();
        });
    if (visible) {
      templates.push_back({{"name", report_template.name},
                           {"icon_url", report_template.icon_url},
                           {"report_code", report_template.id},
                           {"url", report_template.url}});
    }
  }
  json result = OffsetPage(templates, offset, size, "template_list");
  result.erase("has_more");  // listbyuserid signals the end only by a missing next_cursor
  return OapiOk({{"result", std::move(result)}});
}

SandboxReply Sandbox::Impl::TemplateGetByName(SandboxCall& call) {
  std::string userid = SandboxJson::String(call.body, "userid").value_or("");
  std::string template_name = SandboxJson::String(call.body, "template_name").value_or("");
  if (userid.empty() || template_name.empty()) {
    return InvalidParameter(call.family, "userid and template_name are required");
  }
  const User* user = FindUser(userid);
  if (user == nullptr) {
    return OapiError(33012, "无效的USERID: " + userid);
  }
  const Template* report_template = FindTemplate(template_name);
  if (report_template == nullptr) {
    // NOTE: the platform's errcode for an unknown template name is not documented.
    return OapiError(400002, "无效的参数: 模板不存在 " + template_name);
  }

  json fields = json::array();
  for (const TemplateField& field : report_template->fields) {
    fields.push_back(
        {{"field_name", field.field_name}, {"sort", field.sort}, {"type", field.type}});
  }
  json receivers = json::array();
  if (const User* manager = FindUser(user->manager_userid)) {
    receivers.push_back({{"user_name", manager->name}, {"userid", manager->userid}});
  }
  return OapiOk({{"result",
                  {{"id", report_template->id},
                   {"name", report_template->name},
                   {"fields", std::move(fields)},
                   {"default_receivers", std::move(receivers)},
                   {"user_name", user->name},
                   {"userid", user->userid}}}});
}

SandboxReply Sandbox::Impl::ReportItemPage(SandboxCall& call, int64_t max_size,
                                           const char* list_key,
                                           json (*items_of)(const Report& report)) {
  int64_t offset = 0;
  int64_t size = 0;
  if (std::optional<SandboxReply> bad = ReadOffsetPage(call, max_size, &offset, &size)) {
    return *bad;
  }
  std::string report_id = SandboxJson::String(call.body, "report_id").value_or("");
  auto it = report_seq_.find(report_id);
  if (it == report_seq_.end()) {
    return OapiError(400002, "无效的参数: 日志不存在 report_id=" + report_id);
  }
  json items = items_of(reports_[it->second]);
  SandboxReply reply = OapiOk({{"result", OffsetPage(items, offset, size, list_key)}});
  reply.body["success"] = true;
  return reply;
}

SandboxReply Sandbox::Impl::ReceiverList(SandboxCall& call) {
  return ReportItemPage(call, kMaxReceiverPageSize, "userid_list",
                        [](const Report& report) { return json(report.receiver_userids); });
}

SandboxReply Sandbox::Impl::CommentList(SandboxCall& call) {
  return ReportItemPage(call, kMaxCommentPageSize, "comments", [](const Report& report) {
    json comments = json::array();
    for (const ReportComment& comment : report.comments) {
      comments.push_back({{"content", comment.content},
                          {"create_time", FormatDateTime(comment.create_time)},
                          {"userid", comment.userid}});
    }
    return comments;
  });
}

// ---------------------------------------------------------------------------------------------
// Simulated users writing and editing logs.

Result<std::string> Sandbox::Impl::WriteReport(
    const std::string& userid, const std::string& template_name,
    const std::vector<std::pair<std::string, std::string>>& fields,
    std::optional<EpochMs> create_time) {
  std::lock_guard<std::mutex> lock(mu_);
  const User* user = FindUser(userid);
  if (user == nullptr) {
    return MakeError(ErrorCode::kNotFound, "user " + userid + " is not in the organization");
  }
  const Template* report_template = FindTemplate(template_name);
  if (report_template == nullptr) {
    return MakeError(ErrorCode::kNotFound, "template " + template_name + " does not exist");
  }

  Report report;
  report.template_name = template_name;
  report.creator_id = user->userid;
  report.creator_name = user->name;
  if (!user->dept_ids.empty()) {
    if (const Department* department = FindDepartment(user->dept_ids.front())) {
      report.dept_name = department->name;
    }
  }
  report.create_time = create_time.value_or(Now());
  report.modified_time = report.create_time;
  if (!user->manager_userid.empty()) {
    report.receiver_userids.push_back(user->manager_userid);
  }
  for (const auto& [key, value] : fields) {
    auto field = std::find_if(report_template->fields.begin(), report_template->fields.end(),
                              [&key](const TemplateField& f) { return f.field_name == key; });
    if (field == report_template->fields.end()) {
      return MakeError(ErrorCode::kNotFound,
                       "template " + template_name + " has no field named " + key);
    }
    report.contents.push_back(ReportField{key, field->sort, field->type, value});
  }
  std::sort(report.contents.begin(), report.contents.end(),
            [](const ReportField& a, const ReportField& b) { return a.sort < b.sort; });

  report.report_id = NewReportId(report.create_time);
  std::string report_id = report.report_id;
  InsertReport(std::move(report));
  return report_id;
}

Status Sandbox::Impl::EditReport(const std::string& report_id,
                                 const std::vector<std::pair<std::string, std::string>>& fields,
                                 std::optional<EpochMs> modified_time) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = report_seq_.find(report_id);
  if (it == report_seq_.end()) {
    return MakeError(ErrorCode::kNotFound, "report " + report_id + " does not exist");
  }
  Report& report = reports_[it->second];
  const Template* report_template = FindTemplate(report.template_name);

  for (const auto& [key, value] : fields) {
    auto existing = std::find_if(report.contents.begin(), report.contents.end(),
                                 [&key](const ReportField& f) { return f.key == key; });
    if (existing != report.contents.end()) {
      existing->value = value;
      continue;
    }
    // A field left empty at first can be filled in by an edit.
    const TemplateField* field = nullptr;
    if (report_template != nullptr) {
      for (const TemplateField& candidate : report_template->fields) {
        if (candidate.field_name == key) {
          field = &candidate;
        }
      }
    }
    if (field == nullptr) {
      return MakeError(ErrorCode::kNotFound, "report " + report_id + " has no field named " + key);
    }
    report.contents.push_back(ReportField{key, field->sort, field->type, value});
  }
  std::sort(report.contents.begin(), report.contents.end(),
            [](const ReportField& a, const ReportField& b) { return a.sort < b.sort; });
  report.modified_time = std::max(report.create_time, modified_time.value_or(Now()));
  return OkStatus();
}

// ---------------------------------------------------------------------------------------------
// Bulk logs for benchmarks.

void Sandbox::Impl::SynthesizeBulkLogs() {
  const BulkLogOptions& bulk = options_.bulk;
  if (bulk.count <= 0) {
    return;
  }
  static constexpr const char* kTasks[] = {"拜访客户", "整理需求", "修复缺陷", "准备周会材料",
                                           "跟进合同", "编写测试", "处理报销", "电话回访"};
  static constexpr const char* kPlans[] = {"继续跟进", "提交评审", "安排上线", "约客户面谈"};

  std::vector<std::pair<std::string, std::string>> creators;  // (userid, name)
  for (const User& user : org_.users) {
    creators.emplace_back(user.userid, user.name);
  }
  if (creators.empty()) {
    for (int i = 0; i < 500; ++i) {
      creators.emplace_back("bulk" + std::to_string(i), "员工" + std::to_string(i));
    }
  }

  EpochMs end = bulk.end.value > 0 ? bulk.end : Now();
  int64_t span_ms = std::max<int64_t>(1, bulk.days) * kMsPerDay;
  int64_t step_ms = std::max<int64_t>(1, span_ms / bulk.count);
  reports_.reserve(reports_.size() + static_cast<size_t>(bulk.count));
  report_order_.reserve(reports_.capacity());
  for (int64_t i = 0; i < bulk.count; ++i) {
    const auto& [userid, name] = creators[static_cast<size_t>(i) % creators.size()];
    Report report;
    report.create_time = EpochMs(end.value - span_ms + i * step_ms);
    report.modified_time = report.create_time;
    report.report_id = NewReportId(report.create_time);
    report.template_name = "日报";
    report.creator_id = userid;
    report.creator_name = name;
    report.dept_name = "销售部";
    report.contents = {
        {"今日工作", 0, 1, std::string(kTasks[rng_() % 8]) + std::to_string(rng_() % 9 + 1) + "项"},
        {"明日计划", 1, 1, kPlans[rng_() % 4]},
    };
    InsertReport(std::move(report));
  }
}

}  // namespace logbridge::dingtalk
