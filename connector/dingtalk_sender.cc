// Outbox delivery through the DingTalk client, and metered-call accounting.
#include "connector/dingtalk_sender.h"

#include <algorithm>
#include <map>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "connector/calendar.h"
#include "connector/metrics.h"
#include "dingtalk/client.h"

namespace logbridge::connector {
namespace {

using nlohmann::json;

// Metered report paths of the client; every other metered call is a message.
constexpr const char* kReportPaths[] = {
    "/topapi/report/list",          "/topapi/report/template/listbyuserid",
    "/topapi/report/template/getbyname", "/topapi/report/receiver/list",
    "/topapi/report/comment/list",
};

int64_t ClientReportCalls(const dingtalk::Client& client) {
  int64_t calls = 0;
  for (const char* path : kReportPaths) {
    calls += client.MonthlyCalls(path);
  }
  return calls;
}

std::string StringMember(const json& object, const char* key) {
  auto found = object.find(key);
  if (found == object.end() || !found->is_string()) {
    return "";
  }
  return found->get<std::string>();
}

Result<std::map<std::string, std::string>> StringMap(const json& object, const char* key) {
  std::map<std::string, std::string> values;
  auto found = object.find(key);
  if (found == object.end()) {
    return values;
  }
  if (!found->is_object()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     std::string("payload member \"") + key + "\" must be an object of strings");
  }
  for (const auto& [name, value] : found->items()) {
    if (!value.is_string()) {
      return MakeError(ErrorCode::kInvalidArgument, std::string("payload member \"") + key +
                                                        "." + name + "\" must be a string");
    }
    values[name] = value.get<std::string>();
  }
  return values;
}

Result<dingtalk::MarkdownMessage> MarkdownOf(const json& payload) {
  dingtalk::MarkdownMessage markdown{StringMember(payload, "title"), StringMember(payload, "text")};
  if (markdown.title.empty() || markdown.text.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "a markdown payload needs non-empty string members \"title\" and \"text\"");
  }
  return markdown;
}

std::string JoinIds(const std::vector<int64_t>& ids) {
  std::string joined;
  for (int64_t id : ids) {
    joined += (joined.empty() ? "" : ",") + std::to_string(id);
  }
  return joined;
}

}  // namespace

CallBudget::CallBudget(Store& store, const dingtalk::Client& client, const Clock& clock,
                       int64_t monthly_budget, double message_reserve)
    : store_(store),
      client_(client),
      clock_(clock),
      monthly_budget_(monthly_budget),
      message_reserve_(std::clamp(message_reserve, 0.0, 0.9)) {}

Status CallBudget::Record() {
  std::lock_guard<std::mutex> lock(mutex_);
  const std::string month = ShanghaiMonthKey(clock_.Now());
  const int64_t total = client_.MonthlyCallsTotal();
  const int64_t report = ClientReportCalls(client_);
  // The client's counter starts again at zero each month, so a new month, or a count below
  // the baseline, restarts the baselines at zero.
  if (month != month_ || total < last_total_ || report < last_report_) {
    month_ = month;
    last_total_ = 0;
    last_report_ = 0;
  }
  const int64_t report_delta = report - last_report_;
  const int64_t message_delta = (total - last_total_) - report_delta;
  if (report_delta > 0) {
    Status added = store_.AddApiCalls(month, kReportFamily, report_delta);
    if (!added.ok()) {
      return added;
    }
  }
  if (message_delta > 0) {
    Status added = store_.AddApiCalls(month, kMessageFamily, message_delta);
    if (!added.ok()) {
      return added;
    }
  }
  last_total_ = total;
  last_report_ = report;
  return OkStatus();
}

Result<int64_t> CallBudget::UsedThisMonth() {
  return store_.ApiCallsInMonth(ShanghaiMonthKey(clock_.Now()));
}

Result<int64_t> CallBudget::ReportCallsThisMonth() {
  return store_.ApiCallsInMonth(ShanghaiMonthKey(clock_.Now()), kReportFamily);
}

int64_t CallBudget::PollLimit() const {
  return monthly_budget_ - static_cast<int64_t>(monthly_budget_ * message_reserve_);
}

Result<bool> CallBudget::PollMayCall() {
  Result<int64_t> used = UsedThisMonth();
  if (!used.ok()) {
    return used.error();
  }
  return *used < PollLimit();
}

Result<bool> CallBudget::MessageMayCall() {
  Result<int64_t> used = UsedThisMonth();
  if (!used.ok()) {
    return used.error();
  }
  return *used < monthly_budget_;
}

Result<int64_t> CallBudget::ProjectedMonthEnd() {
  Result<int64_t> used = UsedThisMonth();
  if (!used.ok()) {
    return used.error();
  }
  return ProjectMonthEndCalls(*used, clock_.Now());
}

Result<std::chrono::milliseconds> CallBudget::PollInterval(double calls_per_poll,
                                                           std::chrono::milliseconds min_interval,
                                                           std::chrono::milliseconds max_interval) {
  Result<int64_t> used = UsedThisMonth();
  if (!used.ok()) {
    return used.error();
  }
  const EpochMs now = clock_.Now();
  const Date today = ShanghaiDate(now);
  const Date next_month_first =
      std::chrono::year_month_day{today.year() / today.month() / 1} + std::chrono::months(1);
  const std::chrono::milliseconds left_in_month = ShanghaiStartOfDay(next_month_first) - now;

  const int64_t left_calls = PollLimit() - *used;
  if (left_calls <= 0) {
    return std::max(left_in_month, min_interval);
  }
  const double polls_left = static_cast<double>(left_calls) / std::max(calls_per_poll, 1.0);
  auto spread = std::chrono::milliseconds(
      static_cast<int64_t>(static_cast<double>(left_in_month.count()) / polls_left));
  return std::clamp(spread, min_interval, max_interval);
}

DingTalkSender::DingTalkSender(dingtalk::Client& client, CallBudget* budget,
                               DingTalkSenderOptions options)
    : client_(client), budget_(budget), options_(std::move(options)) {}

Result<SendReceipt> DingTalkSender::Send(const OutgoingMessage& message) {
  if (budget_ != nullptr) {
    Result<bool> may = budget_->MessageMayCall();
    if (!may.ok()) {
      return may.error();
    }
    if (!*may) {
      return MakeError(ErrorCode::kResourceExhausted,
                       "the monthly call budget of " + std::to_string(budget_->monthly_budget()) +
                           " metered calls is used up; message " + message.idempotency_key +
                           " waits for the next month or a larger budget");
    }
  }
  Result<SendReceipt> sent = SendNow(message);
  if (budget_ != nullptr) {
    // NOTE: a failure to record is not returned, because the message itself went out; the
    // next Record picks up the same calls from the client's counter.
    (void)budget_->Record();
  }
  return sent;
}

Result<SendReceipt> DingTalkSender::SendNow(const OutgoingMessage& message) {
  json payload = json::parse(message.payload_json, nullptr, false);
  if (payload.is_discarded() || !payload.is_object()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "payload of message " + message.idempotency_key + " is not a JSON object");
  }

  switch (message.kind) {
    case MessageKind::kWorkNotification: {
      Result<dingtalk::MarkdownMessage> markdown = MarkdownOf(payload);
      if (!markdown.ok()) {
        return markdown.error();
      }
      dingtalk::WorkNoticeRecipients to;
      to.userids.push_back(message.recipient);
      Result<std::vector<int64_t>> tasks = client_.SendWorkNotice(to, *markdown);
      if (!tasks.ok()) {
        return tasks.error();
      }
      return SendReceipt{JoinIds(*tasks)};
    }
    case MessageKind::kRobotMessage: {
      Result<dingtalk::MarkdownMessage> markdown = MarkdownOf(payload);
      if (!markdown.ok()) {
        return markdown.error();
      }
      Result<dingtalk::RobotSendResult> sent =
          client_.SendRobotMarkdown({message.recipient}, *markdown);
      if (!sent.ok()) {
        return sent.error();
      }
      std::string keys;
      for (const std::string& key : sent->process_query_keys) {
        keys += (keys.empty() ? "" : ",") + key;
      }
      return SendReceipt{keys};
    }
    case MessageKind::kCard: {
      Result<std::map<std::string, std::string>> params = StringMap(payload, "params");
      if (!params.ok()) {
        return params.error();
      }
      dingtalk::CardDelivery card;
      card.out_track_id = StringMember(payload, "out_track_id");
      if (card.out_track_id.empty()) {
        card.out_track_id = message.idempotency_key;
      }
      card.card_template_id = StringMember(payload, "card_template_id");
      if (card.card_template_id.empty()) {
        card.card_template_id = options_.card_template_id;
      }
      card.params = std::move(*params);
      card.robot_userids.push_back(message.recipient);
      card.callback_type = options_.card_callback_type;
      Result<std::vector<dingtalk::CardDeliverResult>> delivered =
          client_.CreateAndDeliverCard(card);
      if (!delivered.ok()) {
        return delivered.error();
      }
      for (const dingtalk::CardDeliverResult& space : *delivered) {
        if (!space.success) {
          return MakeError(ErrorCode::kFailedPrecondition,
                           "card " + card.out_track_id + " was not delivered to " +
                               message.recipient + ": " + space.error_message);
        }
      }
      return SendReceipt{card.out_track_id};
    }
    case MessageKind::kCardUpdate: {
      Result<std::map<std::string, std::string>> params = StringMap(payload, "params");
      if (!params.ok()) {
        return params.error();
      }
      const std::string out_track_id = StringMember(payload, "out_track_id");
      if (out_track_id.empty()) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "card update " + message.idempotency_key + " has no \"out_track_id\"");
      }
      Status updated = client_.UpdateCard(out_track_id, *params, /*by_key=*/true);
      if (!updated.ok()) {
        return updated.error();
      }
      return SendReceipt{out_track_id};
    }
    case MessageKind::kWebhook: {
      Result<dingtalk::MarkdownMessage> markdown = MarkdownOf(payload);
      if (!markdown.ok()) {
        return markdown.error();
      }
      if (options_.webhook_url.empty()) {
        return MakeError(ErrorCode::kFailedPrecondition,
                         "webhook message " + message.idempotency_key +
                             " cannot be sent: no group robot webhook URL is configured");
      }
      std::vector<std::string> at_userids;
      auto at = payload.find("at_userids");
      if (at != payload.end() && at->is_array()) {
        for (const json& userid : *at) {
          if (userid.is_string()) {
            at_userids.push_back(userid.get<std::string>());
          }
        }
      }
      Status posted = client_.SendWebhookMarkdown(options_.webhook_url, options_.webhook_secret,
                                                  *markdown, at_userids);
      if (!posted.ok()) {
        return posted.error();
      }
      return SendReceipt{"webhook"};
    }
  }
  return MakeError(ErrorCode::kInternal, "unknown message kind");
}

}  // namespace logbridge::connector
