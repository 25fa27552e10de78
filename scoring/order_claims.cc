// The claim ring and its index. A slot is overwritten rather than destroyed when its claim
// expires, so a report id reuses the buffer of the claim that held the slot before.
#include "scoring/order_claims.h"

#include <algorithm>
#include <utility>

namespace logbridge::scoring {

size_t OrderKeyHash::operator()(const OrderKey& key) const {
  // Multiplying by odd constants and folding the high half down spreads both fields over the
  // bits that a power-of-two table uses.
  uint64_t value = static_cast<uint64_t>(key.units) * 0x9E3779B97F4A7C15ULL ^
                   static_cast<uint64_t>(static_cast<uint32_t>(key.customer)) * 0xC2B2AE3D27D4EB4FULL;
  return static_cast<size_t>(value ^ (value >> 29));
}

const OrderClaims::Claim* OrderClaims::Find(const OrderKey& key) const {
  const uint64_t* sequence = sequence_of_.Find(key);
  if (sequence == nullptr) {
    return nullptr;
  }
  return &slots_[*sequence & (slots_.size() - 1)];
}

void OrderClaims::Prefetch(const OrderKey& key) const {
  sequence_of_.Prefetch(key);
  if (begin_ != end_) {
    sequence_of_.Prefetch(slots_[begin_ & (slots_.size() - 1)].key);
  }
}

void OrderClaims::Add(const OrderKey& key, int32_t person, std::string_view report_id,
                      EpochMs create_time) {
  bool added = sequence_of_.TryEmplace(key, end_).second;
  if (added) {
    if (size() == slots_.size()) {
      Grow();
    }
    Claim& claim = SlotOf(end_);
    claim.key = key;
    claim.person = person;
    claim.create_time = create_time;
    claim.report_id.assign(report_id);
    ++end_;
  }

  EpochMs newest = std::max(create_time, SlotOf(end_ - 1).create_time);
  EpochMs oldest = newest - window_;
  while (begin_ != end_ && SlotOf(begin_).create_time < oldest) {
    sequence_of_.Erase(SlotOf(begin_).key);
    ++begin_;
  }
}

void OrderClaims::Grow() {
  // Each live claim moves to its slot in the larger ring, and its sequence number stays.
  std::vector<Claim> larger(std::max<size_t>(16, 2 * slots_.size()));
  for (uint64_t sequence = begin_; sequence != end_; ++sequence) {
    larger[sequence & (larger.size() - 1)] = std::move(SlotOf(sequence));
  }
  slots_ = std::move(larger);
}

}  // namespace logbridge::scoring
