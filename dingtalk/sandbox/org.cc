// JSON load and save of an organization file. Parsing stops at the first bad field and names
// it by its path, such as "users[3].dept_ids".

#include "dingtalk/sandbox/org.h"

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "dingtalk/sandbox/sandbox_json.h"

namespace logbridge::dingtalk {
namespace {

using nlohmann::json;

// Reads typed fields from one JSON object and keeps the first error, so a parser can read
// every field and check once at the end.
class FieldReader {
 public:
  FieldReader(const json& object, std::string path, std::string* first_error)
      : object_(object), path_(std::move(path)), first_error_(first_error) {
    if (!object_.is_object()) {
      Fail("", "must be a JSON object");
    }
  }

  std::string String(std::string_view key, bool required = true) {
    std::optional<std::string> value = SandboxJson::String(object_, key);
    if (!value && required) {
      Fail(key, "is missing or not a string");
    }
    return value.value_or("");
  }

  int64_t Int(std::string_view key, bool required = true, int64_t fallback = 0) {
    std::optional<int64_t> value = SandboxJson::Int64(object_, key);
    if (!value && (required || SandboxJson::Find(object_, key) != nullptr)) {
      Fail(key, "is missing or not an integer");
    }
    return value.value_or(fallback);
  }

  bool Bool(std::string_view key, bool fallback) {
    std::optional<bool> value = SandboxJson::Bool(object_, key);
    if (!value && SandboxJson::Find(object_, key) != nullptr) {
      Fail(key, "is not a boolean");
    }
    return value.value_or(fallback);
  }

  // Returns the array at `key`, or an empty array when it is absent.
  const json& Array(std::string_view key) {
    static const json kEmpty = json::array();
    const json* field = SandboxJson::Find(object_, key);
    if (field == nullptr) {
      return kEmpty;
    }
    if (!field->is_array()) {
      Fail(key, "is not an array");
      return kEmpty;
    }
    return *field;
  }

  std::vector<std::string> Strings(std::string_view key) {
    std::vector<std::string> values;
    for (const json& item : Array(key)) {
      if (!item.is_string()) {
        Fail(key, "must contain only strings");
        break;
      }
      values.push_back(item.get<std::string>());
    }
    return values;
  }

  std::vector<int64_t> Ints(std::string_view key) {
    std::vector<int64_t> values;
    for (const json& item : Array(key)) {
      if (!item.is_number_integer()) {
        Fail(key, "must contain only integers");
        break;
      }
      values.push_back(item.get<int64_t>());
    }
    return values;
  }

  std::string ChildPath(std::string_view key, size_t index) const {
    return path_ + (path_.empty() ? "" : ".") + std::string(key) + "[" + std::to_string(index) +
           "]";
  }

 private:
  void Fail(std::string_view key, std::string_view problem) {
    if (!first_error_->empty()) {
      return;
    }
    std::string where = path_;
    if (!key.empty()) {
      where += (where.empty() ? "" : ".") + std::string(key);
    }
    *first_error_ =
        "organization field " + (where.empty() ? "<root>" : where) + " " + std::string(problem);
  }

  const json& object_;
  std::string path_;
  std::string* first_error_;
};

Department ParseDepartment(FieldReader& reader) {
  Department department;
  department.dept_id = reader.Int("dept_id");
  department.parent_id = reader.Int("parent_id", /*required=*/false);
  department.name = reader.String("name");
  department.manager_userids = reader.Strings("manager_userids");
  return department;
}

User ParseUser(FieldReader& reader) {
  User user;
  user.userid = reader.String("userid");
  user.unionid = reader.String("unionid", /*required=*/false);
  user.name = reader.String("name");
  user.title = reader.String("title", /*required=*/false);
  user.job_number = reader.String("job_number", /*required=*/false);
  user.dept_ids = reader.Ints("dept_ids");
  user.manager_userid = reader.String("manager_userid", /*required=*/false);
  user.leader = reader.Bool("leader", false);
  user.active = reader.Bool("active", true);
  user.hired_date = EpochMs(reader.Int("hired_date", /*required=*/false));
  return user;
}

Template ParseTemplate(FieldReader& reader, std::string* error) {
  Template report_template;
  report_template.id = reader.String("id");
  report_template.name = reader.String("name");
  report_template.icon_url = reader.String("icon_url", /*required=*/false);
  report_template.url = reader.String("url", /*required=*/false);
  report_template.dept_ids = reader.Ints("dept_ids");
  const json& fields = reader.Array("fields");
  for (size_t i = 0; i < fields.size(); ++i) {
    FieldReader field_reader(fields[i], reader.ChildPath("fields", i), error);
    TemplateField field;
    field.field_name = field_reader.String("field_name");
    field.sort = static_cast<int32_t>(field_reader.Int("sort"));
    field.type = static_cast<int32_t>(field_reader.Int("type", /*required=*/false, 1));
    report_template.fields.push_back(std::move(field));
  }
  return report_template;
}

Report ParseReport(FieldReader& reader, std::string* error) {
  Report report;
  report.report_id = reader.String("report_id");
  report.template_name = reader.String("template_name");
  report.creator_id = reader.String("creator_id");
  report.creator_name = reader.String("creator_name", /*required=*/false);
  report.dept_name = reader.String("dept_name", /*required=*/false);
  report.create_time = EpochMs(reader.Int("create_time"));
  report.modified_time =
      EpochMs(reader.Int("modified_time", /*required=*/false, report.create_time.value));
  report.remark = reader.String("remark", /*required=*/false);
  report.receiver_userids = reader.Strings("receiver_userids");

  const json& contents = reader.Array("contents");
  for (size_t i = 0; i < contents.size(); ++i) {
    FieldReader field_reader(contents[i], reader.ChildPath("contents", i), error);
    ReportField field;
    field.key = field_reader.String("key");
    field.sort = static_cast<int32_t>(field_reader.Int("sort", /*required=*/false, 0));
    field.type = static_cast<int32_t>(field_reader.Int("type", /*required=*/false, 1));
    field.value = field_reader.String("value", /*required=*/false);
    report.contents.push_back(std::move(field));
  }

  const json& comments = reader.Array("comments");
  for (size_t i = 0; i < comments.size(); ++i) {
    FieldReader comment_reader(comments[i], reader.ChildPath("comments", i), error);
    ReportComment comment;
    comment.userid = comment_reader.String("userid");
    comment.content = comment_reader.String("content");
    comment.create_time = EpochMs(comment_reader.Int("create_time"));
    report.comments.push_back(std::move(comment));
  }
  return report;
}

Anomaly ParseAnomaly(FieldReader& reader) {
  Anomaly anomaly;
  anomaly.kind = reader.String("kind");
  anomaly.userid = reader.String("userid");
  anomaly.report_id = reader.String("report_id", /*required=*/false);
  anomaly.date = reader.String("date", /*required=*/false);
  anomaly.detail = reader.String("detail", /*required=*/false);
  return anomaly;
}

// Parses every element of root[key] with `parse`, stopping at the first error.
template <typename T, typename ParseFn>
void ParseList(FieldReader& root, std::string_view key, std::string* error, std::vector<T>* out,
               ParseFn parse) {
  const json& items = root.Array(key);
  for (size_t i = 0; i < items.size() && error->empty(); ++i) {
    FieldReader reader(items[i], root.ChildPath(key, i), error);
    out->push_back(parse(reader));
  }
}

json ToJson(const Department& department) {
  return {{"dept_id", department.dept_id},
          {"parent_id", department.parent_id},
          {"name", department.name},
          {"manager_userids", department.manager_userids}};
}

json ToJson(const User& user) {
  return {{"userid", user.userid},
          {"unionid", user.unionid},
          {"name", user.name},
          {"title", user.title},
          {"job_number", user.job_number},
          {"dept_ids", user.dept_ids},
          {"manager_userid", user.manager_userid},
          {"leader", user.leader},
          {"active", user.active},
          {"hired_date", user.hired_date.value}};
}

json ToJson(const Template& report_template) {
  json fields = json::array();
  for (const TemplateField& field : report_template.fields) {
    fields.push_back(
        {{"field_name", field.field_name}, {"sort", field.sort}, {"type", field.type}});
  }
  return {{"id", report_template.id},
          {"name", report_template.name},
          {"icon_url", report_template.icon_url},
          {"url", report_template.url},
          {"dept_ids", report_template.dept_ids},
          {"fields", std::move(fields)}};
}

json ToJson(const Report& report) {
  json contents = json::array();
  for (const ReportField& field : report.contents) {
    contents.push_back(
        {{"key", field.key}, {"sort", field.sort}, {"type", field.type}, {"value", field.value}});
  }
  json comments = json::array();
  for (const ReportComment& comment : report.comments) {
    comments.push_back({{"userid", comment.userid},
                        {"content", comment.content},
                        {"create_time", comment.create_time.value}});
  }
  return {{"report_id", report.report_id},
          {"template_name", report.template_name},
          {"creator_id", report.creator_id},
          {"creator_name", report.creator_name},
          {"dept_name", report.dept_name},
          {"create_time", report.create_time.value},
          {"modified_time", report.modified_time.value},
          {"remark", report.remark},
          {"contents", std::move(contents)},
          {"receiver_userids", report.receiver_userids},
          {"comments", std::move(comments)}};
}

json ToJson(const Anomaly& anomaly) {
  return {{"kind", anomaly.kind},
          {"userid", anomaly.userid},
          {"report_id", anomaly.report_id},
          {"date", anomaly.date},
          {"detail", anomaly.detail}};
}

template <typename T>
json ListToJson(const std::vector<T>& items) {
  json list = json::array();
  for (const T& item : items) {
    list.push_back(ToJson(item));
  }
  return list;
}

}  // namespace

Result<Organization> ParseOrganization(std::string_view json_text) {
  std::optional<json> parsed = SandboxJson::Parse(json_text);
  if (!parsed) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "organization file is not valid JSON; regenerate it with "
                     "dingtalk-sandbox --generate-org");
  }

  std::string error;
  FieldReader root(*parsed, "", &error);
  Organization organization;
  organization.corp_id = root.String("corp_id", /*required=*/false);
  if (organization.corp_id.empty()) {
    organization.corp_id = Organization().corp_id;
  }
  ParseList(root, "departments", &error, &organization.departments,
            [](FieldReader& reader) { return ParseDepartment(reader); });
  ParseList(root, "users", &error, &organization.users,
            [](FieldReader& reader) { return ParseUser(reader); });
  ParseList(root, "templates", &error, &organization.templates,
            [&error](FieldReader& reader) { return ParseTemplate(reader, &error); });
  ParseList(root, "reports", &error, &organization.reports,
            [&error](FieldReader& reader) { return ParseReport(reader, &error); });
  ParseList(root, "truth", &error, &organization.truth,
            [](FieldReader& reader) { return ParseAnomaly(reader); });
  if (!error.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, error);
  }
  return organization;
}

Result<Organization> LoadOrganization(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    return MakeError(ErrorCode::kNotFound,
                     "cannot open organization file " + path + "; check the --org path");
  }
  std::ostringstream text;
  text << file.rdbuf();
  Result<Organization> organization = ParseOrganization(text.str());
  if (!organization.ok()) {
    return MakeError(organization.error().code, path + ": " + organization.error().message);
  }
  return organization;
}

std::string SerializeOrganization(const Organization& organization) {
  json root = {{"corp_id", organization.corp_id},
               {"departments", ListToJson(organization.departments)},
               {"users", ListToJson(organization.users)},
               {"templates", ListToJson(organization.templates)},
               {"reports", ListToJson(organization.reports)},
               {"truth", ListToJson(organization.truth)}};
  return root.dump(2);
}

Status SaveOrganization(const Organization& organization, const std::string& path) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  if (!file) {
    return MakeError(ErrorCode::kNotFound,
                     "cannot write organization file " + path + "; check the directory exists");
  }
  file << SerializeOrganization(organization) << '\n';
  if (!file.flush()) {
    return MakeError(ErrorCode::kUnavailable, "failed to write organization file " + path);
  }
  return OkStatus();
}

}  // namespace logbridge::dingtalk
