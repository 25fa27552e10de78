// Custom group robot webhook. The robot's URL carries its own access_token, so the call skips the
// app token; the signature comes from signature.h. Not metered: the robot has its own limit of 20
// messages a minute (errcode 410100).
#include "base/time.h"
#include "dingtalk/api_caller.h"
#include "dingtalk/client.h"
#include "dingtalk/signature.h"
#include "dingtalk/utf8_limits.h"

namespace logbridge::dingtalk {

Status Client::SendWebhookMarkdown(const std::string& webhook_url, const std::string& secret,
                                   const MarkdownMessage& message,
                                   const std::vector<std::string>& at_userids) {
  if (webhook_url.find("access_token=") == std::string::npos) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "webhook URL has no access_token parameter; copy the robot's full URL");
  }
  std::vector<std::string> parts = SplitUtf8Lines(message.text, kMaxMarkdownTextBytes);
  if (parts.empty()) {
    parts.emplace_back();
  }

  for (size_t i = 0; i < parts.size(); ++i) {
    std::string title = message.title;
    if (parts.size() > 1) {
      title += " (" + std::to_string(i + 1) + "/" + std::to_string(parts.size()) + ")";
    }
    ApiRequest request;
    request.family = ApiFamily::kWebhook;
    request.method = HttpMethod::kPost;
    request.path = "/robot/send";
    request.with_token = false;
    // Signed per part: the platform rejects timestamps more than an hour old, and retries of
    // one part reuse its signature well within that.
    request.webhook_url = webhook_url;
    if (!secret.empty()) {
      request.webhook_url += "&" + CustomRobotWebhookQuery(secret, caller_->options().clock->Now());
    }
    request.body = nlohmann::json{{"msgtype", "markdown"},
                                  {"markdown", {{"title", title}, {"text", parts[i]}}},
                                  {"at", {{"atUserIds", at_userids}, {"isAtAll", false}}}};
    Result<nlohmann::json> answer = caller_->Call(request);
    if (!answer.ok()) {
      return answer.error();
    }
  }
  return OkStatus();
}

}  // namespace logbridge::dingtalk
