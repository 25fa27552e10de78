// EvidenceOrigins: the field key, source and paired key of kept evidence, interned as one id, so
// that an evidence item stores 4 bytes for the three names instead of copying them. The names
// come from the config in practice, so the table stays as small as the config. Ids are dense
// from 0 and stay valid for the object's life. Not thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "scoring/flat_table.h"
#include "scoring/short_bytes.h"
#include "scoring/text_hash.h"

namespace logbridge::scoring {

class EvidenceOrigins {
 public:
  // The three names of one origin. paired_key is empty unless the value came from two fields.
  struct Names {
    std::string_view field_key;
    std::string_view source;
    std::string_view paired_key;
  };

  // How long the text behind the views of an Intern call stays as it is.
  enum class NameLifetime {
    // For the call only: the caller's memory may contain other names later, so a hit on
    // recent views also compares their text.
    kCall,
    // Unchanged at those addresses while this object lives, as the names of a Config that
    // was built before it and outlives it. Equal views then have equal text, so a hit on
    // recent views reads no text.
    kOrigins,
  };

  EvidenceOrigins() = default;
  EvidenceOrigins(EvidenceOrigins&&) noexcept = default;
  EvidenceOrigins& operator=(EvidenceOrigins&&) noexcept = default;

  // Returns the id of the names, adding them on first use. The names are copied, so the views
  // need to live only for the call. hint groups calls that usually repeat the same names, such
  // as the values of one metric: the last two names of each hint are found without hashing.
  // Only the most recent one is checked inline, because most calls repeat the previous names.
  // REQUIRES for NameLifetime::kOrigins: the text at the views' addresses has not changed since
  // this object was built.
  uint32_t Intern(const Names& names, size_t hint,
                  NameLifetime lifetime = NameLifetime::kCall) {
    size_t pair = (hint % (kRecentSlots / 2)) * 2;
    const Recent& recent = recent_[pair];
    // The view compare stays inline, so that a hit with lasting names makes no call.
    if (SameViews(recent, names) &&
        (lifetime == NameLifetime::kOrigins || StoredEquals(recent.id, names))) {
      return recent.id;
    }
    return InternAfterMiss(names, pair, lifetime);
  }

  // Returns the names of an id that Intern returned. The views stay valid until the next Intern.
  // REQUIRES: id < size().
  Names Get(uint32_t id) const {
    const std::array<std::string, 3>& parts = names_[id];
    return {parts[0], parts[1], parts[2]};
  }

  size_t size() const { return names_.size(); }

 private:
  static constexpr uint32_t kNoId = ~uint32_t{0};
  static constexpr size_t kRecentSlots = 64;

  // The views of a recent call and the id they had. A hit also compares the text with the stored
  // copy, because a caller's memory may contain other names at the same address later.
  struct Recent {
    Names names;
    uint32_t id = kNoId;
  };

  // Returns whether a recent call had the same views and the stored names still equal them.
  // Names of NameLifetime::kOrigins equal them whenever the views do.
  bool IsRecent(const Recent& recent, const Names& names, NameLifetime lifetime) const {
    return SameViews(recent, names) &&
           (lifetime == NameLifetime::kOrigins || StoredEquals(recent.id, names));
  }

  // Returns whether a recent call had the same views, which have the same sizes as the stored
  // names of its id.
  static bool SameViews(const Recent& recent, const Names& names) {
    return recent.id != kNoId && SameView(recent.names.field_key, names.field_key) &&
           SameView(recent.names.source, names.source) &&
           SameView(recent.names.paired_key, names.paired_key);
  }

  // Returns whether the stored names of id have the bytes of names.
  // REQUIRES: the stored names have the sizes of names.
  // Flattened so that the byte comparisons are inlined as well.
  [[gnu::flatten]] bool StoredEquals(uint32_t id, const Names& names) const {
    const std::array<std::string, 3>& stored = names_[id];
    return EqualShortBytes(stored[0].data(), names.field_key.data(), names.field_key.size()) &&
           EqualShortBytes(stored[1].data(), names.source.data(), names.source.size()) &&
           EqualShortBytes(stored[2].data(), names.paired_key.data(), names.paired_key.size());
  }

  static bool SameView(std::string_view a, std::string_view b) {
    return a.data() == b.data() && a.size() == b.size();
  }

  // Finds the id of names that missed recent_[pair] in the other slot of the pair, else by their
  // text. Either way the names then go to recent_[pair], the slot that Intern checks first.
  uint32_t InternAfterMiss(const Names& names, size_t pair, NameLifetime lifetime);
  // Looks the names up by their text, adding them when they are new.
  uint32_t InternSlow(const Names& names);

  // The names of each id.
  std::vector<std::array<std::string, 3>> names_;
  // Each id by its names, each name encoded as its size in four bytes and then its bytes, so
  // that no two triples share a key.
  FlatTable<std::string, uint32_t, TextHash> ids_;
  std::string key_scratch_;  // reused by InternSlow
  // Two slots per hint modulo 32: the views of the hint's last call, then those of the call
  // before it that had other names.
  std::array<Recent, kRecentSlots> recent_{};
};

}  // namespace logbridge::scoring
