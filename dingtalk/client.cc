// Client construction and counters. The API groups live in reports.cc, contacts.cc and
// messages.cc; the shared call path is ApiCaller.
#include "dingtalk/client.h"

#include "dingtalk/api_caller.h"

namespace logbridge::dingtalk {

Result<std::unique_ptr<Client>> Client::Create(ClientOptions options) {
  Result<std::unique_ptr<ApiCaller>> caller = ApiCaller::Create(std::move(options));
  if (!caller.ok()) {
    return caller.error();
  }
  return std::unique_ptr<Client>(new Client(std::move(caller).value()));
}

Client::Client(std::unique_ptr<ApiCaller> caller) : caller_(std::move(caller)) {}

Client::~Client() = default;

int64_t Client::MonthlyCalls(const std::string& path) const {
  return caller_->counter().CallsThisMonth(path);
}

int64_t Client::MonthlyCallsTotal() const { return caller_->counter().TotalThisMonth(); }

int64_t Client::TokenFetches() const { return caller_->TokenFetches(); }

}  // namespace logbridge::dingtalk
