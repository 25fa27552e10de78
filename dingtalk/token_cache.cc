// The lock is held across the fetch on purpose: callers that arrive while a fetch is running
// wait for it and then reuse its token instead of starting fetches of their own.
#include "dingtalk/token_cache.h"

namespace logbridge::dingtalk {

TokenCache::TokenCache(const Clock* clock, std::chrono::milliseconds refresh_margin, Fetcher fetch)
    : clock_(clock), refresh_margin_(refresh_margin), fetch_(std::move(fetch)) {}

Result<std::string> TokenCache::Get() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!token_.value.empty() && clock_->Now() + refresh_margin_ < token_.expires_at) {
    return token_.value;
  }
  Result<AccessToken> fetched = fetch_();
  if (!fetched.ok()) {
    return fetched.error();
  }
  token_ = std::move(fetched).value();
  ++fetch_count_;
  return token_.value;
}

void TokenCache::Invalidate(const std::string& token) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (token_.value == token) {
    token_ = AccessToken{};
  }
}

int64_t TokenCache::fetch_count() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return fetch_count_;
}

}  // namespace logbridge::dingtalk
