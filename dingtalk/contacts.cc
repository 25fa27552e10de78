// Contacts APIs (topapi/v2/department/*, topapi/v2/user/*). The platform exempts them from the
// monthly quota, so they are not counted as metered calls.
#include <deque>
#include <set>

#include "dingtalk/api_caller.h"
#include "dingtalk/client.h"
#include "dingtalk/json_fields.h"

namespace logbridge::dingtalk {
namespace {

ApiRequest ContactsRequest(std::string path, nlohmann::json body) {
  return JsonRequest(ApiFamily::kOapi, HttpMethod::kPost, std::move(path), std::move(body), false);
}

constexpr int64_t kRootDepartment = 1;

UserProfile ParseUser(const nlohmann::json& item) {
  UserProfile user;
  user.userid = ReadString(item, "userid");
  user.name = ReadString(item, "name");
  user.title = ReadString(item, "title");
  user.job_number = ReadString(item, "job_number");
  for (const nlohmann::json& id : ReadArray(item, "dept_id_list")) {
    if (std::optional<int64_t> parsed = AsInt64(id)) {
      user.dept_ids.push_back(*parsed);
    }
  }
  user.leader = ReadBool(item, "leader").value_or(false);
  user.active = ReadBool(item, "active").value_or(true);
  user.manager_userid = ReadString(item, "manager_userid");
  user.json = DumpJson(item);
  return user;
}

}  // namespace

Result<std::vector<DepartmentNode>> Client::ListDepartments() {
  std::vector<DepartmentNode> departments;
  std::deque<int64_t> pending = {kRootDepartment};
  std::set<int64_t> visited = {kRootDepartment};
  while (!pending.empty()) {
    int64_t parent = pending.front();
    pending.pop_front();
    Result<nlohmann::json> answer = caller_->Call(
        ContactsRequest("/topapi/v2/department/listsub", nlohmann::json{{"dept_id", parent}}));
    if (!answer.ok()) {
      return answer.error();
    }
    for (const nlohmann::json& item : ReadArray(*answer, "result")) {
      std::optional<int64_t> dept_id = ReadInt64(item, "dept_id");
      // A department seen twice would make the walk loop; the platform's tree has no cycles,
      // so a repeat is skipped rather than trusted.
      if (!dept_id.has_value() || !visited.insert(*dept_id).second) {
        continue;
      }
      departments.push_back(DepartmentNode{*dept_id, ReadInt64(item, "parent_id").value_or(parent),
                                           ReadString(item, "name")});
      pending.push_back(*dept_id);
    }
  }
  return departments;
}

Result<std::vector<UserProfile>> Client::ListDepartmentUsers(int64_t dept_id) {
  std::vector<UserProfile> users;
  nlohmann::json body = {{"dept_id", dept_id}, {"size", 100}};
  Status listed = ForEachPage(*caller_, ContactsRequest("/topapi/v2/user/list", body), "cursor",
                              [&](const nlohmann::json& result) {
                                for (const nlohmann::json& item : ReadArray(result, "list")) {
                                  users.push_back(ParseUser(item));
                                }
                              });
  if (!listed.ok()) {
    return listed.error();
  }
  return users;
}

Result<UserProfile> Client::GetUser(const std::string& userid) {
  Result<nlohmann::json> answer =
      caller_->Call(ContactsRequest("/topapi/v2/user/get", nlohmann::json{{"userid", userid}}));
  if (!answer.ok()) {
    return answer.error();
  }
  auto result = answer->find("result");
  if (result == answer->end() || !result->is_object()) {
    return MakeError(ErrorCode::kNotFound, "user '" + userid + "' not found");
  }
  return ParseUser(*result);
}

}  // namespace logbridge::dingtalk
