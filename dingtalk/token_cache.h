// Cache of one app's access token for one API family. The token is refreshed a margin before it
// expires, and concurrent callers that find it stale share one fetch. Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

#include "base/result.h"
#include "base/time.h"

namespace logbridge::dingtalk {

struct AccessToken {
  std::string value;
  EpochMs expires_at;
};

class TokenCache {
 public:
  using Fetcher = std::function<Result<AccessToken>()>;

  // `clock` must outlive the cache. `refresh_margin` is how long before expiry a token counts as
  // stale. `fetch` is called with the cache's lock held, so it must not call back into it.
  TokenCache(const Clock* clock, std::chrono::milliseconds refresh_margin, Fetcher fetch);

  // Returns the cached token, fetching a new one when none is cached or it is stale.
  // Errors: those of the fetcher; nothing is cached then.
  Result<std::string> Get();

  // Drops `token` if it is still the cached one. Passing the token that failed (rather than
  // dropping unconditionally) keeps a token another thread has just fetched.
  void Invalidate(const std::string& token);

  // Number of successful fetches so far.
  int64_t fetch_count() const;

 private:
  const Clock* const clock_;
  const std::chrono::milliseconds refresh_margin_;
  const Fetcher fetch_;

  mutable std::mutex mutex_;
  AccessToken token_;  // empty value = nothing cached
  int64_t fetch_count_ = 0;
};

}  // namespace logbridge::dingtalk
