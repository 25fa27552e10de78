// TextHash: a fast, non-cryptographic hash of byte strings for the engine's FlatTables, whose
// keys are short ids and names. It reads eight bytes at a time and folds each 128-bit product,
// and is inline, so hashing a 10-byte id takes a few multiplies. Stateless; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace logbridge::scoring {

// Returns a 64-bit hash of the bytes of text. The same bytes give the same hash in every run and
// on every machine of one byte order. There is no seed, so it is no defence against keys chosen
// to collide.
inline uint64_t HashText(std::string_view text) {
  // Multiplies two words and folds the 128-bit product, so every input bit reaches the result.
  auto mix = [](uint64_t a, uint64_t b) {
    __extension__ using Wide = unsigned __int128;
    Wide product = static_cast<Wide>(a ^ 0xa0761d6478bd642fULL) *
                                (b ^ 0xe7037ed1a0b428dbULL);
    return static_cast<uint64_t>(product) ^ static_cast<uint64_t>(product >> 64);
  };
  const char* data = text.data();
  size_t size = text.size();
  uint64_t hash = mix(0x8ebc6af09c88c6e3ULL, size);
  for (; size >= 8; data += 8, size -= 8) {
    uint64_t word;
    std::memcpy(&word, data, 8);
    hash = mix(hash, word);
  }
  uint64_t tail = 0;
  if (size > 0) {
    std::memcpy(&tail, data, size);
  }
  return mix(hash, tail);
}

// A transparent hasher for FlatTable and the standard containers: strings and string views hash
// alike, so a table of strings can be searched with a view.
struct TextHash {
  using is_transparent = void;
  size_t operator()(std::string_view text) const { return HashText(text); }
};

}  // namespace logbridge::scoring
