// The slow path of EvidenceOrigins: a lookup by text when the recent views do not match.
#include "scoring/evidence_origins.h"

namespace logbridge::scoring {
namespace {

// Appends the size of text in four bytes and then text, so that the key of a triple cannot equal
// the key of another triple whatever bytes the names contain.
void AppendSized(std::string_view text, std::string* key) {
  auto size = static_cast<uint32_t>(text.size());
  key->append(reinterpret_cast<const char*>(&size), sizeof(size));
  key->append(text);
}

}  // namespace

uint32_t EvidenceOrigins::InternAfterMiss(const Names& names, size_t pair,
                                          NameLifetime lifetime) {
  Recent& latest = recent_[pair];
  Recent& earlier = recent_[pair + 1];
  uint32_t id = IsRecent(earlier, names, lifetime) ? earlier.id : InternSlow(names);
  earlier = latest;
  latest = {names, id};
  return id;
}

uint32_t EvidenceOrigins::InternSlow(const Names& names) {
  key_scratch_.clear();
  AppendSized(names.field_key, &key_scratch_);
  AppendSized(names.source, &key_scratch_);
  AppendSized(names.paired_key, &key_scratch_);
  auto [id, added] =
      ids_.TryEmplace(std::string_view(key_scratch_), static_cast<uint32_t>(names_.size()));
  if (added) {
    names_.push_back(
        {std::string(names.field_key), std::string(names.source), std::string(names.paired_key)});
  }
  return *id;
}

}  // namespace logbridge::scoring
