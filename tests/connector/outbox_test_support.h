// Shared pieces of the tests that read queued messages from the store: a sender that fails every
// call, an in-memory store, a calendar date and the queued messages with one key prefix.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "connector/calendar.h"
#include "connector/outbox.h"
#include "connector/store.h"

namespace logbridge::connector::testing {

// A sender that fails every call, because these tests read the queued messages and deliver none.
class UnusedSender final : public MessageSender {
 public:
  Result<SendReceipt> Send(const OutgoingMessage&) override {
    return MakeError(ErrorCode::kInternal, "UnusedSender does not send; read the queued messages from the store");
  }
};

inline Date Day(int year, unsigned month, unsigned day) {
  return Date{std::chrono::year(year), std::chrono::month(month), std::chrono::day(day)};
}

inline std::unique_ptr<Store> OpenMemoryStore() {
  Result<std::unique_ptr<Store>> store = Store::Open(StoreOptions{":memory:"});
  REQUIRE(store.ok());
  return std::move(*store);
}

// Returns the queued messages due within a year of now whose idempotency key starts with prefix.
inline std::vector<OutboxMessage> QueuedWithPrefix(Store& store, EpochMs now,
                                                   const std::string& prefix) {
  Result<std::vector<OutboxMessage>> due = store.ListDueMessages(now + std::chrono::days(365), 1000);
  REQUIRE(due.ok());
  std::vector<OutboxMessage> matching;
  for (const OutboxMessage& message : *due) {
    if (message.idempotency_key.rfind(prefix, 0) == 0) {
      matching.push_back(message);
    }
  }
  return matching;
}

}  // namespace logbridge::connector::testing
