// Order claims for the duplicate_order check: the first claim of each order (a customer and an
// exact amount) within a sliding window of days. Claims live in a ring in the order they were
// made, so expired ones leave from the front and their slots, report id buffers included, are
// reused. Memory follows the claims in the window, not the log count. Not thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/time.h"
#include "scoring/flat_table.h"

namespace logbridge::scoring {

// An order: a customer by its interned id and an exact amount in Decimal units.
struct OrderKey {
  int32_t customer = 0;
  int64_t units = 0;
  bool operator==(const OrderKey&) const = default;
};

struct OrderKeyHash {
  size_t operator()(const OrderKey& key) const;
};

class OrderClaims {
 public:
  struct Claim {
    OrderKey key;
    int32_t person = 0;  // the claimant, as the caller's interned person id
    EpochMs create_time;
    std::string report_id;
  };

  // REQUIRES: window is positive.
  explicit OrderClaims(std::chrono::milliseconds window) : window_(window) {}

  // Returns the remembered claim of key, or nullptr. The pointer is valid until the next Add.
  const Claim* Find(const OrderKey& key) const;

  // Starts loading the memory that Find(key) and the next Add read, which is the index entries of
  // key and of the oldest claim (Add removes that one when it has expired). A hint only.
  void Prefetch(const OrderKey& key) const;

  // Remembers a claim of key unless one is remembered already, because the first claimant
  // keeps the order. Then removes the claims at the front of the ring made before the window
  // that ends at create_time, or at the last remembered claim's time when that is later. So a
  // claim fed out of time order leaves only when it reaches the front.
  void Add(const OrderKey& key, int32_t person, std::string_view report_id, EpochMs create_time);

  // The number of claims remembered.
  size_t size() const { return static_cast<size_t>(end_ - begin_); }

 private:
  Claim& SlotOf(uint64_t sequence) { return slots_[sequence & (slots_.size() - 1)]; }
  void Grow();

  const std::chrono::milliseconds window_;
  // Claims get consecutive sequence numbers. The live ones, [begin_, end_), sit in slot
  // sequence mod slots_.size(), which is zero or a power of two.
  std::vector<Claim> slots_;
  uint64_t begin_ = 0;
  uint64_t end_ = 0;
  FlatTable<OrderKey, uint64_t, OrderKeyHash> sequence_of_;
};

}  // namespace logbridge::scoring
