// Contacts endpoints of the sandbox: the department tree one level at a time, department
// detail, department members in pages of at most 100, and user detail with manager_userid.

#include <algorithm>

#include "dingtalk/sandbox/sandbox_impl.h"
#include "dingtalk/sandbox/sandbox_json.h"

namespace logbridge::dingtalk {
namespace {

using nlohmann::json;

constexpr int64_t kMaxUserPageSize = 100;

SandboxReply DepartmentNotFound(int64_t dept_id) {
  return Sandbox::Impl::OapiError(60003, "部门不存在: dept_id=" + std::to_string(dept_id));
}

bool InDepartment(const User& user, int64_t dept_id) {
  return std::find(user.dept_ids.begin(), user.dept_ids.end(), dept_id) != user.dept_ids.end();
}

// The fields v2/user/list and v2/user/get share.
json UserSummary(const User& user) {
  return {{"userid", user.userid},
          {"unionid", user.unionid},
          {"name", user.name},
          {"title", user.title},
          {"job_number", user.job_number},
          {"dept_id_list", user.dept_ids},
          {"active", user.active},
          {"admin", false},
          {"boss", false},
          {"hired_date", user.hired_date.value},
          {"exclusive_account", false}};
}

}  // namespace

SandboxReply Sandbox::Impl::DepartmentListSub(SandboxCall& call) {
  int64_t dept_id = SandboxJson::Int64(call.body, "dept_id").value_or(kRootDepartmentId);
  if (FindDepartment(dept_id) == nullptr) {
    return DepartmentNotFound(dept_id);
  }
  json children = json::array();
  for (const Department& department : org_.departments) {
    if (department.parent_id == dept_id && department.dept_id != dept_id) {
      children.push_back({{"dept_id", department.dept_id},
                          {"name", department.name},
                          {"parent_id", department.parent_id},
                          {"create_dept_group", true},
                          {"auto_add_user", true}});
    }
  }
  return OapiOk({{"result", std::move(children)}});
}

SandboxReply Sandbox::Impl::DepartmentGet(SandboxCall& call) {
  std::optional<int64_t> dept_id = SandboxJson::Int64(call.body, "dept_id");
  if (!dept_id) {
    return InvalidParameter(call.family, "dept_id is required");
  }
  const Department* department = FindDepartment(*dept_id);
  if (department == nullptr) {
    return DepartmentNotFound(*dept_id);
  }
  int64_t members = std::count_if(org_.users.begin(), org_.users.end(),
                                  [&](const User& user) { return InDepartment(user, *dept_id); });
  json result = {{"dept_id", department->dept_id},
                 {"name", department->name},
                 {"dept_manager_userid_list", department->manager_userids},
                 {"create_dept_group", true},
                 {"auto_add_user", true},
                 {"member_count", members}};
  if (department->dept_id != kRootDepartmentId) {
    result["parent_id"] = department->parent_id;
  }
  return OapiOk({{"result", std::move(result)}});
}

SandboxReply Sandbox::Impl::UserList(SandboxCall& call) {
  std::optional<int64_t> dept_id = SandboxJson::Int64(call.body, "dept_id");
  std::optional<int64_t> cursor = SandboxJson::Int64(call.body, "cursor");
  std::optional<int64_t> size = SandboxJson::Int64(call.body, "size");
  if (!dept_id || !cursor || !size) {
    return InvalidParameter(call.family, "dept_id, cursor and size are required");
  }
  if (*size < 1 || *size > kMaxUserPageSize) {
    return InvalidParameter(call.family, "size " + std::to_string(*size) + " must be 1..100");
  }
  if (*cursor < 0) {
    return InvalidParameter(call.family, "cursor " + std::to_string(*cursor) + " is negative");
  }
  if (FindDepartment(*dept_id) == nullptr) {
    return DepartmentNotFound(*dept_id);
  }

  // The platform's member cursor is an offset into the department's direct members.
  std::vector<const User*> members;
  for (const User& user : org_.users) {
    if (InDepartment(user, *dept_id)) {
      members.push_back(&user);
    }
  }
  json list = json::array();
  auto total = static_cast<int64_t>(members.size());
  for (int64_t i = *cursor; i < total && i < *cursor + *size; ++i) {
    const User& user = *members[static_cast<size_t>(i)];
    json item = UserSummary(user);
    item["dept_order"] = i;
    item["leader"] = user.leader && !user.dept_ids.empty() && user.dept_ids.front() == *dept_id;
    list.push_back(std::move(item));
  }
  bool has_more = *cursor + *size < total;
  json result = {{"has_more", has_more}, {"list", std::move(list)}};
  if (call.stuck_cursor) {
    result["has_more"] = true;
    result["next_cursor"] = *cursor;
  } else if (has_more) {
    result["next_cursor"] = *cursor + *size;
  }
  return OapiOk({{"result", std::move(result)}});
}

SandboxReply Sandbox::Impl::UserGet(SandboxCall& call) {
  std::string userid = SandboxJson::String(call.body, "userid").value_or("");
  if (userid.empty()) {
    return InvalidParameter(call.family, "userid is required");
  }
  const User* user = FindUser(userid);
  if (user == nullptr) {
    return OapiError(33012, "无效的USERID: " + userid);
  }

  json result = UserSummary(*user);
  json dept_orders = json::array();
  json leader_in_dept = json::array();
  for (size_t i = 0; i < user->dept_ids.size(); ++i) {
    dept_orders.push_back({{"dept_id", user->dept_ids[i]}, {"order", static_cast<int64_t>(i)}});
    leader_in_dept.push_back({{"dept_id", user->dept_ids[i]}, {"leader", user->leader && i == 0}});
  }
  result["dept_order_list"] = std::move(dept_orders);
  result["leader_in_dept"] = std::move(leader_in_dept);
  result["role_list"] = json::array();
  result["senior"] = false;
  result["real_authed"] = true;
  // The platform sends manager_userid only when a direct manager is set.
  if (!user->manager_userid.empty()) {
    result["manager_userid"] = user->manager_userid;
  }
  return OapiOk({{"result", std::move(result)}});
}

}  // namespace logbridge::dingtalk
