// Person histories in fixed-size records. The records are value-initialized when their block
// is allocated, so an empty history is all zeros and needs no further set-up.
#include "scoring/person_histories.h"

#include <algorithm>
#include <memory>

#include "scoring/prefetch.h"

namespace logbridge::scoring {
namespace {

// Returns the first position in sorted[0, count) whose value is not below amount (kUpper
// false) or is above it (kUpper true), as std::lower_bound and std::upper_bound do. The halving
// chooses its side with a select the compiler can turn into a conditional move, because amounts
// arrive in random order and a branch there would mispredict about every other step.
template <bool kUpper>
Decimal* Bound(Decimal* sorted, size_t count, Decimal amount) {
  if (count == 0) {
    return sorted;
  }
  Decimal* base = sorted;
  while (count > 1) {
    size_t half = count / 2;
    bool right = kUpper ? !(amount < base[half]) : base[half] < amount;
    base = right ? base + half : base;
    count -= half;
  }
  bool past = kUpper ? !(amount < *base) : *base < amount;
  return base + (past ? 1 : 0);
}

// Returns the log2 of the people per block: the most people whose records fit in one huge page,
// rounded down to a power of two so that a person's block and row take a shift and a mask.
int BlockShift(size_t bytes_per_person) {
  int shift = 0;
  while ((bytes_per_person << (shift + 1)) <= kHugePageSize && shift < 20) {
    ++shift;
  }
  return shift;
}

// Rounds a byte offset up to a whole cache line, so that each array of a block starts on one.
size_t LineAligned(size_t bytes) { return (bytes + 63) / 64 * 64; }

}  // namespace

PersonHistories::PersonHistories(size_t window, size_t amount_capacity)
    : window_(window),
      amount_capacity_(amount_capacity),
      hot_stride_(kHeaderWords + 2 * window),
      block_shift_(BlockShift(hot_stride_ * sizeof(uint64_t) +
                              2 * amount_capacity * sizeof(Decimal) +
                              window * (sizeof(Sketch) + sizeof(std::string)))) {}

PersonHistories::~PersonHistories() {
  size_t reports = (size_t{1} << block_shift_) * window_;
  for (Block& block : blocks_) {
    std::destroy_n(block.reports, reports);
  }
}

int32_t PersonHistories::Add() {
  size_t people = size_t{1} << block_shift_;
  if (size_ % people == 0) {
    // The four arrays share one region, each from a cache line boundary. Value construction
    // makes every record zeros and empty strings, which is an empty history.
    size_t hot_bytes = LineAligned(people * hot_stride_ * sizeof(uint64_t));
    size_t amount_bytes = LineAligned(people * 2 * amount_capacity_ * sizeof(Decimal));
    size_t sketch_bytes = LineAligned(people * window_ * sizeof(Sketch));
    size_t report_bytes = people * window_ * sizeof(std::string);
    Block block;
    block.memory = HugePageMemory(hot_bytes + amount_bytes + sketch_bytes + report_bytes);
    std::byte* at = block.memory.data();
    block.hot = reinterpret_cast<uint64_t*>(at);
    std::uninitialized_value_construct_n(block.hot, people * hot_stride_);
    at += hot_bytes;
    block.amounts = reinterpret_cast<Decimal*>(at);
    std::uninitialized_value_construct_n(block.amounts, people * 2 * amount_capacity_);
    at += amount_bytes;
    block.sketches = reinterpret_cast<Sketch*>(at);
    std::uninitialized_value_construct_n(block.sketches, people * window_);
    at += sketch_bytes;
    block.reports = reinterpret_cast<std::string*>(at);
    std::uninitialized_value_construct_n(block.reports, people * window_);
    blocks_.push_back(std::move(block));
  }
  return static_cast<int32_t>(size_++);
}

void PersonHistories::Prefetch(int32_t person) const {
  // The value hashes are read only for the rare slot whose bins pass, and PrefetchNextWrites
  // loads the one that AddRecent writes.
  const char* hot = reinterpret_cast<const char*>(Hot(person));
  const char* hot_end = hot + (kHeaderWords + window_) * sizeof(uint64_t);
  for (const char* line = hot; line < hot_end; line += 64) {
    StartLoad(line);
  }
  StartLoad(hot_end - 1);
  const char* sorted = reinterpret_cast<const char*>(Amounts(person) + amount_capacity_);
  const char* sorted_end = sorted + amount_capacity_ * sizeof(Decimal);
  for (const char* line = sorted; line < sorted_end; line += 64) {
    StartLoad(line);
  }
  StartLoad(sorted_end - 1);
}

void PersonHistories::PrefetchNextWrites(int32_t person) const {
  // AddAmount reads the oldest amount of a full ring before it overwrites it. Prefetch loads
  // only the sorted half, so that read used to wait for memory.
  const uint64_t* header = Header(person);
  uint64_t amounts = header[1] & 0xFFFFFFFF;
  size_t ring_slot = static_cast<size_t>(amounts < amount_capacity_ ? amounts : header[1] >> 32);
  StartLoadForWrite(Amounts(person) + ring_slot);
  if (window_ == 0) {
    return;
  }
  uint64_t count = header[0] & 0xFFFFFFFF;
  size_t slot = static_cast<size_t>(count < window_ ? count : header[0] >> 32);
  StartLoadForWrite(Hot(person) + kHeaderWords + window_ + slot);
  const char* sketch = reinterpret_cast<const char*>(Sketches(person) + slot);
  StartLoadForWrite(sketch);
  StartLoadForWrite(sketch + sizeof(Sketch) - 1);
  StartLoadForWrite(Reports(person) + slot);
}

PersonHistories::Recent PersonHistories::recent(int32_t person, size_t slot) const {
  const uint64_t* hot = Hot(person);
  return Recent{hot[kHeaderWords + slot], hot[kHeaderWords + window_ + slot],
                Sketches(person) + slot, Reports(person) + slot};
}

void PersonHistories::AddRecent(int32_t person, uint64_t bins, uint64_t values,
                                const Sketch& sketch, std::string_view report_id) {
  uint64_t* hot = Hot(person);
  uint64_t count = hot[0] & 0xFFFFFFFF;
  uint64_t next = hot[0] >> 32;
  size_t slot = 0;
  if (count < window_) {
    slot = static_cast<size_t>(count);
    ++count;
  } else {
    slot = static_cast<size_t>(next);
    next = (next + 1) % window_;
  }
  hot[0] = count | (next << 32);
  hot[kHeaderWords + slot] = bins;
  hot[kHeaderWords + window_ + slot] = values;
  Sketches(person)[slot] = sketch;
  Reports(person)[slot].assign(report_id);
}

void PersonHistories::AddAmount(int32_t person, Decimal amount) {
  uint64_t* hot = Hot(person);
  uint64_t count = hot[1] & 0xFFFFFFFF;
  uint64_t next = hot[1] >> 32;
  Decimal* ring = Amounts(person);
  Decimal* sorted = ring + amount_capacity_;
  if (count < amount_capacity_) {
    Decimal* at = Bound<true>(sorted, count, amount);
    std::copy_backward(at, sorted + count, sorted + count + 1);
    *at = amount;
    ring[count] = amount;
    hot[1] = (count + 1) | (next << 32);
    return;
  }

  // Full: the oldest amount leaves and the new one enters, so only the values between their
  // two positions move, by one.
  Decimal oldest = ring[next];
  ring[next] = amount;
  hot[1] = count | (((next + 1) % amount_capacity_) << 32);
  Decimal* leaving = Bound<false>(sorted, amount_capacity_, oldest);
  Decimal* after = Bound<true>(sorted, amount_capacity_, amount);
  if (after > leaving) {
    std::copy(leaving + 1, after, leaving);
    *(after - 1) = amount;
  } else {
    std::copy_backward(after, leaving, leaving + 1);
    *after = amount;
  }
}

}  // namespace logbridge::scoring
