// PersonHistories: what the Validator remembers of each person, in fixed-size records at
// offsets computed from the person index and a small table of block addresses. So every part
// of a history can be prefetched as soon as the author is known, without first loading a
// per-person header that contains pointers. A person's duplicate window (bins, value hashes,
// sketches, report ids) and their last order amounts each sit in one contiguous record. The
// records live in blocks of one 2 MiB huge page (larger only when one record is) whose arrays
// never move, so adding people copies no history. Not thread-safe.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "scoring/decimal.h"
#include "scoring/huge_pages.h"

namespace logbridge::scoring {

// A fixed-size summary of a text's character 3-grams, white space and punctuation skipped, for
// estimating how similar two texts are. It is a one-permutation MinHash: each 3-gram's hash
// picks one of kSketchSize bins, and each bin keeps a 16-bit fingerprint of its smallest hash
// (0 marks an empty bin). Comparing two sketches costs kSketchSize integer compares.
inline constexpr size_t kSketchSize = 64;
using Sketch = std::array<uint16_t, kSketchSize>;

class PersonHistories {
 public:
  // One slot of the duplicate window.
  struct Recent {
    uint64_t bins = 0;    // bit b set when the sketch uses bin b
    uint64_t values = 0;  // a hash of the log's counted values
    const Sketch* sketch = nullptr;
    const std::string* report_id = nullptr;
  };

  // window is the number of duplicate window slots (0 turns the window off), and
  // amount_capacity the number of last amounts kept.
  // REQUIRES: amount_capacity > 0.
  PersonHistories(size_t window, size_t amount_capacity);
  PersonHistories(const PersonHistories&) = delete;
  PersonHistories& operator=(const PersonHistories&) = delete;
  ~PersonHistories();

  size_t size() const { return size_; }
  // The people whose records share one block: a power of two that fits a block in 2 MiB.
  size_t people_per_block() const { return size_t{1} << block_shift_; }

  // Appends an empty history and returns its index. Pointers and spans from the accessors
  // below stay valid, because histories never move.
  int32_t Add();

  // Starts loading the header, the duplicate window's bins and the sorted amounts of a person.
  // A hint only.
  void Prefetch(int32_t person) const;
  // Starts loading what AddRecent and AddAmount write next: the duplicate window slot (its
  // sketch, report id and value hash) and the amount ring's position. It reads the record's
  // header, so it is best called a while after Prefetch. A hint only.
  void PrefetchNextWrites(int32_t person) const;

  // The number of used duplicate window slots of a person, at most window.
  size_t recent_count(int32_t person) const { return Header(person)[0] & 0xFFFFFFFF; }
  // The bins of the used slots, in slot order, so a check can rule slots out from 8 bytes each.
  std::span<const uint64_t> recent_bins(int32_t person) const {
    return {Hot(person) + kHeaderWords, recent_count(person)};
  }
  Recent recent(int32_t person, size_t slot) const;
  // Stores a slot: while the window has room the next one, after that the oldest.
  // REQUIRES: the window is on.
  void AddRecent(int32_t person, uint64_t bins, uint64_t values, const Sketch& sketch,
                 std::string_view report_id);

  // The person's last amount_capacity amounts (fewer before that many arrived), ascending.
  std::span<const Decimal> sorted_amounts(int32_t person) const {
    return {Amounts(person) + amount_capacity_, static_cast<size_t>(Header(person)[1] & 0xFFFFFFFF)};
  }
  // Adds an amount and drops the oldest one when amount_capacity are kept already.
  void AddAmount(int32_t person, Decimal amount);

 private:
  // A hot record starts with two header words: the used window slots in the low half and the
  // next slot to overwrite in the high half, then the amount count and the oldest amount's
  // ring position likewise. The window's bins and value hashes follow.
  static constexpr size_t kHeaderWords = 2;
  // The records of people_per_block() people in one HugePageMemory, each array containing one
  // record per person in turn. The arrays never move, so adding people copies no history, and
  // with huge pages a block costs one TLB entry instead of one per 4 KiB of the records.
  struct Block {
    HugePageMemory memory;
    uint64_t* hot = nullptr;        // hot_stride_ words per person
    Decimal* amounts = nullptr;     // 2 * amount_capacity_ per person
    Sketch* sketches = nullptr;     // window_ per person
    std::string* reports = nullptr;  // window_ per person
  };

  const Block& BlockOf(int32_t person) const {
    return blocks_[static_cast<size_t>(person) >> block_shift_];
  }
  Block& BlockOf(int32_t person) { return blocks_[static_cast<size_t>(person) >> block_shift_]; }
  // The position of a person within their block.
  size_t RowOf(int32_t person) const {
    return static_cast<size_t>(person) & ((size_t{1} << block_shift_) - 1);
  }

  const uint64_t* Hot(int32_t person) const {
    return BlockOf(person).hot + RowOf(person) * hot_stride_;
  }
  uint64_t* Hot(int32_t person) { return BlockOf(person).hot + RowOf(person) * hot_stride_; }
  const uint64_t* Header(int32_t person) const { return Hot(person); }
  // A person's amounts: a ring of amount_capacity in arrival order, then the same ascending.
  const Decimal* Amounts(int32_t person) const {
    return BlockOf(person).amounts + RowOf(person) * 2 * amount_capacity_;
  }
  Decimal* Amounts(int32_t person) {
    return BlockOf(person).amounts + RowOf(person) * 2 * amount_capacity_;
  }
  // The first of a person's window_ sketches and report ids.
  const Sketch* Sketches(int32_t person) const {
    return BlockOf(person).sketches + RowOf(person) * window_;
  }
  Sketch* Sketches(int32_t person) {
    return BlockOf(person).sketches + RowOf(person) * window_;
  }
  const std::string* Reports(int32_t person) const {
    return BlockOf(person).reports + RowOf(person) * window_;
  }
  std::string* Reports(int32_t person) {
    return BlockOf(person).reports + RowOf(person) * window_;
  }

  const size_t window_;
  const size_t amount_capacity_;
  const size_t hot_stride_;  // kHeaderWords + 2 * window_
  // A block has 2^block_shift_ people: the largest power of two whose records fit in one huge
  // page, or one person when a single record is larger.
  const int block_shift_;
  size_t size_ = 0;
  std::vector<Block> blocks_;
};

}  // namespace logbridge::scoring
