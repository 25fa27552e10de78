// Delivery of outbox messages through the DingTalk client, and the accounting of metered calls
// against the organization's monthly budget (reports and messages share one quota on the
// standard edition). DingTalkSender and CallBudget borrow the client, store and clock, which
// must outlive them; both are thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

#include "base/result.h"
#include "base/time.h"
#include "connector/outbox.h"
#include "connector/store.h"

namespace logbridge::dingtalk {
class Client;
}

namespace logbridge::connector {

// Family names of the store's monthly call counter.
inline constexpr std::string_view kReportFamily = "report";
inline constexpr std::string_view kMessageFamily = "message";

// Counts metered calls in the store, per Shanghai month and family, and decides whether more
// may be spent. The client counts every send it makes, retries included; Record copies what
// it counted since the previous Record into the store, so counts survive restarts.
class CallBudget {
 public:
  // message_reserve is the share of the budget that polling leaves to messages, in [0, 1).
  CallBudget(Store& store, const dingtalk::Client& client, const Clock& clock,
             int64_t monthly_budget, double message_reserve = 0.1);

  // Adds the client's calls since the previous Record to the store's counter. The report
  // family is every /topapi/report/ path; everything else metered is a message.
  Status Record();

  // Calls counted in the store for the current Shanghai month, all families.
  Result<int64_t> UsedThisMonth();
  // Calls of the report family this month.
  Result<int64_t> ReportCallsThisMonth();

  // Whether polling may make one more call: used < budget - message reserve.
  Result<bool> PollMayCall();
  // Whether a message may be sent: used < budget.
  Result<bool> MessageMayCall();

  // Projected use at the end of the month at the current rate (metrics.h's projection).
  Result<int64_t> ProjectedMonthEnd();

  // Derives the poll interval from what is left: the calls polling may still spend this month
  // are spread evenly over the rest of the month, calls_per_poll at a time, within
  // [min_interval, max_interval]. With nothing left, returns the time until the next month
  // starts (Shanghai time), so polling pauses instead of failing.
  Result<std::chrono::milliseconds> PollInterval(double calls_per_poll,
                                                 std::chrono::milliseconds min_interval,
                                                 std::chrono::milliseconds max_interval);

  int64_t monthly_budget() const { return monthly_budget_; }

 private:
  int64_t PollLimit() const;

  Store& store_;
  const dingtalk::Client& client_;
  const Clock& clock_;
  const int64_t monthly_budget_;
  const double message_reserve_;

  std::mutex mutex_;  // guards the baselines below
  std::string month_;
  int64_t last_total_ = 0;
  int64_t last_report_ = 0;
};

// Settings of DingTalkSender.
struct DingTalkSenderOptions {
  std::string card_template_id;  // used when a card payload names none
  std::string card_callback_type = "HTTP";  // "HTTP" or "STREAM": how card clicks come back
  std::string webhook_url;       // custom group robot for kWebhook messages; never logged
  std::string webhook_secret;    // its "SEC..." signing secret; empty for an unsigned robot
};

// Sends outbox messages with the client. Payloads, by kind:
//   kWorkNotification, kRobotMessage: {"title": "...", "text": "<markdown>"}
//   kCard:       {"out_track_id": "...", "card_template_id": "...", "params": {"k": "v"}}
//                out_track_id defaults to the idempotency key, the template to the option
//   kCardUpdate: {"out_track_id": "...", "params": {"k": "v"}}
//   kWebhook:    {"title": "...", "text": "<markdown>", "at_userids": ["..."]}
// A payload that does not match fails with kInvalidArgument, which the outbox does not retry.
// When the budget allows no more messages this month, Send fails with kResourceExhausted
// before calling DingTalk, so the outbox retries later.
class DingTalkSender final : public MessageSender {
 public:
  // `budget` may be null: then no budget is checked or recorded.
  DingTalkSender(dingtalk::Client& client, CallBudget* budget, DingTalkSenderOptions options);

  Result<SendReceipt> Send(const OutgoingMessage& message) override;

 private:
  Result<SendReceipt> SendNow(const OutgoingMessage& message);

  dingtalk::Client& client_;
  CallBudget* const budget_;
  const DingTalkSenderOptions options_;
};

}  // namespace logbridge::connector
