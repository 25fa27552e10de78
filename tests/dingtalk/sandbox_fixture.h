// Test support for the sandbox suites: a small organization, a sandbox on an ephemeral port
// driven by a ManualClock, and a loopback HTTP client that speaks both API families.
#pragma once

#include <memory>
#include <string>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "base/time.h"
#include "dingtalk/sandbox/calendar.h"
#include "dingtalk/sandbox/sandbox.h"

namespace logbridge::dingtalk {

// 2026-09-01 10:00 in Asia/Shanghai.
inline EpochMs SandboxTestStart() { return ShanghaiTime(DaysFromCivil({2026, 9, 1}), 10, 0); }

// Root (1) with 销售部 (2) and 研发部 (3); mgr leads 销售部 and manages everyone else.
inline Organization SmallOrganization() {
  Organization org;
  org.departments = {{1, 0, "测试公司", {}}, {2, 1, "销售部", {"mgr"}}, {3, 1, "研发部", {}}};
  auto user = [](std::string id, std::string name, int64_t dept, std::string manager) {
    User u;
    u.userid = std::move(id);
    u.unionid = "union-" + u.userid;
    u.name = std::move(name);
    u.dept_ids = {dept};
    u.manager_userid = std::move(manager);
    return u;
  };
  org.users = {user("mgr", "王经理", 2, ""), user("u1", "张三", 2, "mgr"),
               user("u2", "李四", 2, "mgr"), user("u3", "赵六", 3, "mgr")};
  org.users[0].leader = true;
  org.templates = {
      {"tpl-daily", "日报", "", "", {{"今日工作", 0, 1}, {"明日计划", 1, 1}}, {}},
      {"tpl-weekly", "周报", "", "", {{"本周总结", 0, 1}}, {}},
  };
  return org;
}

class SandboxFixture {
 public:
  explicit SandboxFixture(SandboxOptions options = {}) : clock_(SandboxTestStart()) {
    if (options.organization.users.empty()) {
      options.organization = SmallOrganization();
    }
    options.clock = &clock_;
    Result<std::unique_ptr<Sandbox>> started = Sandbox::Start(std::move(options));
    if (!started.ok()) {
      throw std::runtime_error(started.error().ToString());
    }
    sandbox_ = std::move(*started);
    client_ = std::make_unique<httplib::Client>("127.0.0.1", sandbox_->port());
    client_->set_read_timeout(5, 0);
  }

  Sandbox& sandbox() { return *sandbox_; }
  ManualClock& clock() { return clock_; }
  httplib::Client& client() { return *client_; }

  // Fetches an oapi token for the default app.
  std::string Token() {
    SandboxApp app = DefaultSandboxApp();
    auto response =
        client_->Get(("/gettoken?appkey=" + app.app_key + "&appsecret=" + app.app_secret).c_str());
    return nlohmann::json::parse(response->body).value("access_token", "");
  }

  // POSTs JSON to an oapi path with the token in the query; returns the parsed body.
  nlohmann::json Oapi(const std::string& path, const nlohmann::json& body,
                      const std::string& token) {
    auto response =
        client_->Post((path + "?access_token=" + token).c_str(), body.dump(), "application/json");
    if (!response) {
      return nlohmann::json{{"transport_error", httplib::to_string(response.error())}};
    }
    return nlohmann::json::parse(response->body);
  }
  nlohmann::json Oapi(const std::string& path, const nlohmann::json& body) {
    return Oapi(path, body, Token());
  }

  // Sends JSON to a v1.0 path with the token header; returns (status, parsed body).
  std::pair<int, nlohmann::json> V1(const std::string& method, const std::string& path,
                                    const nlohmann::json& body, const std::string& token) {
    httplib::Headers headers = {{"x-acs-dingtalk-access-token", token}};
    auto response = method == "PUT"
                        ? client_->Put(path.c_str(), headers, body.dump(), "application/json")
                        : client_->Post(path.c_str(), headers, body.dump(), "application/json");
    return {response->status, nlohmann::json::parse(response->body)};
  }

  // POSTs JSON to an admin path; returns (status, parsed body).
  std::pair<int, nlohmann::json> Admin(const std::string& path, const nlohmann::json& body) {
    auto response = client_->Post(path.c_str(), body.dump(), "application/json");
    return {response->status, nlohmann::json::parse(response->body)};
  }

 private:
  ManualClock clock_;
  std::unique_ptr<Sandbox> sandbox_;
  std::unique_ptr<httplib::Client> client_;
};

}  // namespace logbridge::dingtalk
