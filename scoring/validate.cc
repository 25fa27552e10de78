// The validation checks. Content checks read only the log; history checks read the Validator's
// bounded state. Heuristic thresholds (unit slip, outliers, similarity) use doubles because they
// only decide whether to flag; amounts themselves stay exact decimals.
#include "scoring/validate.h"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <initializer_list>
#include <span>
#include <type_traits>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "scoring/prefetch.h"

namespace logbridge::scoring {
namespace {

constexpr size_t kAmountHistory = 64;
constexpr size_t kDistributionSize = 512;
constexpr int64_t kDistributionRefresh = 32;
// Distribution::Add refreshes a full ring after half of its values changed, which is what the
// general refresh rule gives for a full ring while these hold.
static_assert(kDistributionSize / 2 >= kDistributionRefresh &&
              kDistributionSize > 2 * kDistributionRefresh);
// The factor between a median absolute deviation and a normal distribution's standard deviation.
constexpr double kMadToSigma = 1.4826;

// Formats value with `digits` decimals, as snprintf's "%.*f" into 64 bytes does. std::to_chars
// with a precision is specified to give printf's digits, and it costs a fraction of snprintf.
// Values that are not finite keep snprintf, and so do outputs too long for the buffer, which
// snprintf truncates.
std::string FormatDouble(double value, int digits) {
  char buffer[64];
  if (std::isfinite(value)) {
    auto [end, error] = std::to_chars(buffer, buffer + sizeof(buffer) - 1, value,
                                      std::chars_format::fixed, digits);
    if (error == std::errc()) {
      return std::string(buffer, end);
    }
  }
  std::snprintf(buffer, sizeof(buffer), "%.*f", digits, value);
  return buffer;
}

// Decodes the UTF-8 sequence at *at and moves *at past it. A stray byte becomes U+FFFD.
// Joins parts into one string that is allocated once. Flag messages have up to a dozen parts,
// and appending them one at a time reallocated each message several times.
std::string Concat(std::initializer_list<std::string_view> parts) {
  size_t size = 0;
  for (std::string_view part : parts) {
    size += part.size();
  }
  std::string text;
  text.reserve(size);
  for (std::string_view part : parts) {
    text.append(part);
  }
  return text;
}

char32_t DecodeAt(std::string_view text, size_t* at) {
  size_t i = *at;
  unsigned char lead = static_cast<unsigned char>(text[i]);
  size_t length = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3
                                    : (lead >> 3) == 0x1E ? 4 : 0;
  if (length == 0 || i + length > text.size()) {
    *at = i + 1;
    return U'\uFFFD';
  }
  char32_t cp = length == 1 ? lead : lead & (0x7F >> length);
  for (size_t k = 1; k < length; ++k) {
    cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
  }
  *at = i + length;
  return cp;
}

bool IsSpaceOrPunctuation(char32_t cp) {
  if (cp < 0x80) {
    return !((cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z'));
  }
  // CJK symbols and punctuation, full-width forms' punctuation, general punctuation.
  return (cp >= 0x3000 && cp <= 0x303F) || (cp >= 0xFF01 && cp <= 0xFF0F) ||
         (cp >= 0xFF1A && cp <= 0xFF20) || (cp >= 0x2000 && cp <= 0x206F);
}

// Returns whether text has at least minimum characters other than space and punctuation. It
// stops counting at minimum.
bool HasMeaningfulChars(std::string_view text, int32_t minimum) {
  int32_t count = 0;
  for (size_t i = 0; i < text.size() && count < minimum;) {
    count += IsSpaceOrPunctuation(DecodeAt(text, &i)) ? 0 : 1;
  }
  return count >= minimum;
}

// Mix with its shift count as an argument, which callers always set to 33. SketchWith's BMI2
// form hides the count from GCC, which then keeps it in a register and shifts with shrx. That
// writes another register, so each shift saves the copy that a shift by a constant needs.
__attribute__((always_inline)) inline uint64_t MixWithShift(uint64_t value, uint64_t shift) {
  value ^= value >> shift;
  value *= 0xff51afd7ed558ccdULL;
  value ^= value >> shift;
  value *= 0xc4ceb9fe1a85ec53ULL;
  value ^= value >> shift;
  return value;
}

uint64_t Mix(uint64_t value) { return MixWithShift(value, 33); }

// Returns whether text contains phrase. It looks for the phrase's last byte, because in
// Chinese text a character's final UTF-8 byte recurs far less often than its lead byte, which
// std::string::find looks for. On score_bench's short log texts it also measured about 4% faster
// over the whole validate stage than glibc's memmem.
// REQUIRES: phrase is not empty.
bool Contains(std::string_view text, std::string_view phrase) {
  if (phrase.size() > text.size()) {
    return false;
  }
  size_t before_last = phrase.size() - 1;
  const char* end = text.data() + text.size();
  for (const char* at = text.data() + before_last; at < end; ++at) {
    at = static_cast<const char*>(std::memchr(at, phrase.back(), static_cast<size_t>(end - at)));
    if (at == nullptr) {
      return false;
    }
    if (std::memcmp(at - before_last, phrase.data(), before_last) == 0) {
      return true;
    }
  }
  return false;
}

// ContainedPhrases by one memchr scan per distinct last byte of the phrases. Phrases that end
// in the same byte share a scan, where Contains would scan once per phrase.
uint64_t ContainedPhrasesByLastByte(std::string_view text,
                                    const std::vector<std::string>& phrases) {
  size_t count = std::min<size_t>(phrases.size(), 64);
  uint64_t contained = 0;
  uint64_t scanned = 0;
  for (size_t first = 0; first < count; ++first) {
    if ((scanned >> first) & 1 || phrases[first].empty()) {
      continue;
    }
    char last = phrases[first].back();
    uint64_t pending = 0;
    for (size_t i = first; i < count; ++i) {
      if (!phrases[i].empty() && phrases[i].back() == last) {
        pending |= uint64_t{1} << i;
      }
    }
    scanned |= pending;

    const char* end = text.data() + text.size();
    for (const char* at = text.data(); pending != 0 && at < end; ++at) {
      at = static_cast<const char*>(std::memchr(at, last, static_cast<size_t>(end - at)));
      if (at == nullptr) {
        break;
      }
      size_t length = static_cast<size_t>(at - text.data()) + 1;  // the text up to this byte
      for (uint64_t rest = pending; rest != 0; rest &= rest - 1) {
        size_t i = static_cast<size_t>(std::countr_zero(rest));
        const std::string& phrase = phrases[i];
        if (phrase.size() <= length &&
            std::memcmp(at + 1 - phrase.size(), phrase.data(), phrase.size()) == 0) {
          contained |= uint64_t{1} << i;
          pending &= ~(uint64_t{1} << i);
        }
      }
    }
  }
  return contained;
}

// Fills endings with the distinct final byte pairs of the first min(64, size) phrases and
// returns how many there are, or 0 when a phrase is shorter than two bytes or there are more
// pairs than endings holds.
template <size_t kMaxEndings>
size_t PhraseEndings(const std::vector<std::string>& phrases,
                     std::array<PhraseEnding, kMaxEndings>* endings) {
  size_t count = std::min<size_t>(phrases.size(), 64);
  size_t used = 0;
  for (size_t i = 0; i < count; ++i) {
    const std::string& phrase = phrases[i];
    if (phrase.size() < 2) {
      return 0;
    }
    char before_last = phrase[phrase.size() - 2];
    char last = phrase.back();
    auto same = [&](const PhraseEnding& ending) {
      return ending.before_last == before_last && ending.last == last;
    };
    size_t at = 0;
    while (at < used && !same((*endings)[at])) {
      ++at;
    }
    if (at == used) {
      if (used == kMaxEndings) {
        return 0;
      }
      (*endings)[used++] = {before_last, last, 0};
    }
    (*endings)[at].phrases |= uint64_t{1} << i;
  }
  return used;
}

#if defined(__SSE2__)
// Moves each phrase of candidates that is still pending and that text contains just before
// byte offset end from *pending to *contained.
void MatchPhrasesEndingAt(std::string_view text, size_t end,
                          const std::vector<std::string>& phrases, uint64_t candidates,
                          uint64_t* pending, uint64_t* contained) {
  for (uint64_t rest = candidates & *pending; rest != 0; rest &= rest - 1) {
    size_t i = static_cast<size_t>(std::countr_zero(rest));
    const std::string& phrase = phrases[i];
    if (phrase.size() <= end &&
        std::memcmp(text.data() + end - phrase.size(), phrase.data(), phrase.size()) == 0) {
      *contained |= uint64_t{1} << i;
      *pending &= ~(uint64_t{1} << i);
    }
  }
}
#endif

// Returns a mask with bit i set when text contains phrases[i], for the first 64 phrases.
// endings are the phrases' final byte pairs from PhraseEndings, or empty when it found none.
// With SSE2 and non-empty endings, which a short list of stock phrases gives, one pass over the
// text compares 16 positions at a time with the pairs' final bytes. The scan by last byte calls memchr once
// per distinct byte and again after every false match.
uint64_t ContainedPhrases(std::string_view text, const std::vector<std::string>& phrases,
                          std::span<const PhraseEnding> endings) {
#if defined(__SSE2__)
  size_t ending_count = endings.size();
  if (ending_count == 0) {
    return ContainedPhrasesByLastByte(text, phrases);
  }
  size_t count = std::min<size_t>(phrases.size(), 64);
  uint64_t pending = count == 64 ? ~uint64_t{0} : (uint64_t{1} << count) - 1;
  uint64_t contained = 0;
  // Checks the positions from at on whose byte and the one before it equal a pair.
  auto check_from = [&](size_t at, uint32_t hits) {
    for (; hits != 0; hits &= hits - 1) {
      size_t end = at + static_cast<size_t>(std::countr_zero(hits)) + 1;
      uint64_t candidates = 0;
      for (size_t e = 0; e < ending_count; ++e) {
        bool match = text[end - 1] == endings[e].last && text[end - 2] == endings[e].before_last;
        candidates |= match ? endings[e].phrases : 0;
      }
      MatchPhrasesEndingAt(text, end, phrases, candidates, &pending, &contained);
    }
  };
  // Returns a mask of the 16 positions from at on whose byte is the final byte of a pair.
  auto final_bytes = [&](size_t at) {
    __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + at));
    __m128i equal = _mm_cmpeq_epi8(bytes, _mm_set1_epi8(endings[0].last));
    for (size_t e = 1; e < ending_count; ++e) {
      equal = _mm_or_si128(equal, _mm_cmpeq_epi8(bytes, _mm_set1_epi8(endings[e].last)));
    }
    return static_cast<uint32_t>(_mm_movemask_epi8(equal));
  };

  // A pair ends at byte 1 or later. Most blocks hold no final byte of any pair, so the block
  // test compares final bytes alone. The last block ends at the text's end and skips the
  // positions that the loop checked already.
  if (text.size() < 17) {
    for (size_t at = 1; at < text.size(); ++at) {
      check_from(at, 1);
    }
    return contained;
  }
  size_t at = 1;
  for (; at + 16 <= text.size() && pending != 0; at += 16) {
    check_from(at, final_bytes(at));
  }
  if (at < text.size() && pending != 0) {
    size_t last_block = text.size() - 16;
    uint32_t checked = (uint32_t{1} << (at - last_block)) - 1;
    check_from(last_block, final_bytes(last_block) & ~checked);
  }
  return contained;
#else
  static_cast<void>(endings);
  return ContainedPhrasesByLastByte(text, phrases);
#endif
}

// The median of an ascending, non-empty list.
double SortedMedian(std::span<const Decimal> sorted) {
  size_t middle = sorted.size() / 2;
  if (sorted.size() % 2 == 1) {
    return sorted[middle].ToDouble();
  }
  return (sorted[middle - 1].ToDouble() + sorted[middle].ToDouble()) / 2;
}

// Eight sketch bins as one vector. GCC lowers its operations to SSE2 on x86-64, the baseline
// every Debian amd64 machine has, and to plain loops elsewhere.
using BinVector = uint16_t __attribute__((vector_size(16)));
constexpr size_t kBinsPerVector = sizeof(BinVector) / sizeof(uint16_t);

BinVector LoadBins(const Sketch& sketch, size_t first) {
  BinVector bins;
  std::memcpy(&bins, sketch.data() + first, sizeof(bins));
  return bins;
}

// The bins that either of two sketches uses, and among them those holding the same fingerprint.
struct BinCounts {
  int used = 0;
  int same = 0;
};

BinCounts CountBins(const Sketch& a, const Sketch& b) {
  // A bin is used when either sketch has it, and matches when both hold the same fingerprint.
  // Comparisons give all-ones lanes, so subtracting them counts per lane.
  BinVector used{};
  BinVector same{};
  for (size_t first = 0; first < kSketchSize; first += kBinsPerVector) {
    BinVector x = LoadBins(a, first);
    BinVector y = LoadBins(b, first);
    BinVector zero{};
    auto used_lanes = reinterpret_cast<BinVector>((x | y) != zero);
    auto equal_lanes = reinterpret_cast<BinVector>(x == y) & used_lanes;
    used -= used_lanes;
    same -= equal_lanes;
  }
  BinCounts counts;
  for (size_t lane = 0; lane < kBinsPerVector; ++lane) {
    counts.used += used[lane];
    counts.same += same[lane];
  }
  return counts;
}

// Returns a mask with bit k set when slot k of recent_bins (at most 64 slots) could hold enough
// equal fingerprints for a flag. The bins used by both sketches bound the equal ones from above,
// so a slot passes when they reach min_same for the bins used by either. Most slots fail, so
// this decides most of the duplicate window from 8 bytes per slot.
// The x86-64 baseline lacks the POPCNT instruction, so the compiler builds a clone that uses it
// and one that calls libgcc, and the dynamic loader picks one for the processor.
__attribute__((target_clones("popcnt", "default"))) uint64_t PlausibleSlots(
    uint64_t bins, const uint64_t* recent_bins, size_t count,
    const std::array<uint8_t, kSketchSize + 1>& min_same) {
  // The slots run from the last to the first, so that each result bit enters the mask by a
  // shift by one, which costs less than a shift by the slot's position. Unrolled, four slots
  // share one loop test.
  uint64_t plausible = 0;
#pragma GCC unroll 4
  for (size_t slot = count; slot-- > 0;) {
    int either = __builtin_popcountll(bins | recent_bins[slot]);
    int both = __builtin_popcountll(bins & recent_bins[slot]);
    plausible = (plausible << 1) |
                static_cast<uint64_t>(both >= min_same[static_cast<size_t>(either)]);
  }
  return plausible;
}

}  // namespace

std::optional<double> SimilarityAtLeast(const Sketch& a, const Sketch& b, double threshold) {
  auto [used_total, same_total] = CountBins(a, b);
  if (used_total == 0) {
    return threshold <= 0 ? std::optional<double>(0) : std::nullopt;
  }
  double similarity = static_cast<double>(same_total) / static_cast<double>(used_total);
  return similarity >= threshold ? std::optional(similarity) : std::nullopt;
}

namespace {

// Starts loading the parts of a log that validation reads, so that they load together rather
// than one after another as the checks reach them. A caller that normalizes many logs before
// validating them, as a batch does, finds them out of cache.
void PrefetchLog(const NormalizedLog& log) {
  // The record's fields that validation reads span up to four cache lines.
  if (log.record != nullptr) {
    StartLoad(&log.record->report_id);
    StartLoad(&log.record->creator_id);
    StartLoad(&log.record->create_time);
    StartLoad(&log.record->modified_time);
  }
  auto prefetch_range = [](const void* data, size_t size) {
    const char* begin = static_cast<const char*>(data);
    for (size_t offset = 0; offset < size; offset += 64) {
      StartLoad(begin + offset);
    }
  };
  // Only the metric and the amount at the start of a value are read, unless a flag names the
  // value's field, so each value costs one cache line of the two or three it spans.
  for (const MetricValue& value : log.values) {
    StartLoad(&value.value);
  }
  prefetch_range(log.free_text.data(), log.free_text.size());
  prefetch_range(log.text.data(), log.text.size());

  // The hints above alone left the first reads of the values and the texts waiting for memory
  // in score_bench's staged mode (perf, on a 2-core AMD EPYC VM). Reading one byte of each part
  // starts those misses together, so the log costs one wait instead of one per part.
  auto touch = [](const void* data) {
    char byte = *static_cast<const volatile char*>(data);
    asm volatile("" : : "r"(byte));
  };
  if (!log.values.empty()) {
    touch(log.values.data());
  }
  if (!log.free_text.empty()) {
    touch(log.free_text.data());
  }
  if (!log.text.empty()) {
    touch(log.text.data());
  }
  if (log.record != nullptr) {
    touch(&log.record->create_time);
  }
}

}  // namespace

std::string_view SeverityName(Severity severity) {
  switch (severity) {
    case Severity::kInfo: return "info";
    case Severity::kWarning: return "warning";
    case Severity::kError: return "error";
  }
  return "warning";
}

FlagAction ActionForFlags(const ValidationSpec& spec, const std::vector<Flag>& flags) {
  FlagAction strongest = FlagAction::kReportOnly;
  for (const Flag& flag : flags) {
    strongest = std::max(strongest, spec.ActionFor(flag.code));
  }
  return strongest;
}

namespace {

// Returns whether an ASCII character is skipped: everything but letters and digits.
// REQUIRES: c < 0x80.
bool IsAsciiSkipped(unsigned char c) {
  // One byte per character, so a test is one load and compare, where a two-word bit set takes
  // about six more instructions (GCC 12). Static, because GCC 12 stores a local table on the
  // stack again for every character that SketchInto tests.
  static constexpr std::array<bool, 0x80> kSkipped = [] {
    std::array<bool, 0x80> skipped{};
    for (size_t k = 0; k < skipped.size(); ++k) {
      skipped[k] = !((k >= '0' && k <= '9') || (k >= 'A' && k <= 'Z') || (k >= 'a' && k <= 'z'));
    }
    return skipped;
  }();
  return kSkipped[c];
}

// IsSpaceOrPunctuation for a code point from U+0080 to U+FFFF.
bool IsWideSkipped(char32_t cp) {
  return cp - 0x3000 < 0x40 || cp - 0x2000 < 0x70 || cp - 0xFF01 < 0x0F || cp - 0xFF1A < 0x07;
}

// Returns the code point of the 3-byte UTF-8 sequence at data[0..2]. It loads data[-1..2] as one
// word, and one BMI2 pext keeps the low 4 bits of the first byte and the low 6 bits of the
// others, in order. The shifts and masks that do the same take about six instructions more.
// REQUIRES: the CPU has BMI2, and data[-1] is readable.
// mask is kExtractMask, passed in so that a caller can keep it in a register.
constexpr uint32_t kExtractMask = 0x000F3F3F;
uint64_t DecodeThreeByExtract(const unsigned char* data, uint32_t mask) {
  uint32_t word;
  std::memcpy(&word, data - 1, sizeof(word));
  uint64_t code_point;
  // The swap puts the last byte of the sequence lowest and the byte before it highest. Inline
  // assembly rather than _pext_u32, which only compiles inside a function whose target has
  // BMI2, while SketchWith is inlined into both targets. The 32-bit pext clears the upper half
  // of the 64-bit result, which the compiler would otherwise clear again.
  asm("bswapl %k1\n\tpextl %k2, %k1, %k0" : "=r"(code_point), "+r"(word) : "r"(mask));
  return code_point;
}

// Stores TextSketch(text) in *sketch and the mask of the bins it used in *bins. It writes only
// the used bins, so a caller whose sketch is zeroed already, as a new LogFacts is, saves a second
// zeroing and the copy of a returned sketch. kBmi2 selects DecodeThreeByExtract for 3-byte
// sequences after the first byte of the text.
// REQUIRES: every bin of *sketch is 0, and the CPU has BMI2 when kBmi2 is true.
template <bool kBmi2>
__attribute__((always_inline)) inline void SketchWith(std::string_view text, Sketch* sketch,
                                                      uint64_t* bins) {
  // The fill stores 16 bytes at a time, fully unrolled. As a loop, GCC 12 turns it into rep
  // stosq, which runs 64 iterations of one 8-byte store.
  std::array<uint64_t, kSketchSize> smallest;
  using Lanes = uint64_t __attribute__((vector_size(16)));
  const Lanes all_ones = ~Lanes{};
#pragma GCC unroll 32
  for (size_t first = 0; first < kSketchSize; first += 2) {
    std::memcpy(&smallest[first], &all_ones, sizeof(all_ones));
  }
  // In the BMI2 form, the empty asm statements hide these constants from GCC, which then keeps
  // them in registers. So it loads no mask before each pext, and it picks a bin with bzhi, one
  // instruction where a copy and an and take two.
  uint64_t mix_shift = 33;
  uint32_t extract_mask = kExtractMask;
  uint64_t bin_bits = std::countr_zero(kSketchSize);
  if constexpr (kBmi2) {
    asm("" : "+r"(mix_shift));
    asm("" : "+r"(extract_mask));
    asm("" : "+r"(bin_bits));
  }

  uint64_t used_bins = 0;
  auto add = [&](uint64_t hash) {
    // The low bits pick the bin, and the rest ranks the 3-gram within it. The hashes of one bin
    // share their low bits, so the smallest hash has the smallest rest, and the division waits
    // until the fingerprint.
    size_t bin;
    if constexpr (kBmi2) {
      // hash % kSketchSize, which is a power of two, in one instruction.
      asm("bzhiq %2, %1, %0" : "=r"(bin) : "r"(hash), "r"(bin_bits));
    } else {
      bin = hash % kSketchSize;
    }
    smallest[bin] = std::min(smallest[bin], hash);
    // bts sets the bit in one instruction, where GCC 12 emits three for the shift and or.
    asm("btsq %1, %0" : "+r"(used_bins) : "r"(bin) : "cc");
  };

  // The decode walks a pointer rather than an index, which saves the address computation and a
  // copy of the index per character. last_three is the first position where fewer than three
  // bytes remain.
  const unsigned char* data = reinterpret_cast<const unsigned char*>(text.data());
  const unsigned char* end = data + text.size();
  const unsigned char* last_three = text.size() >= 3 ? end - 2 : data;
  const unsigned char* p = data;
  // Decodes the code point at p into *cp and moves p past it. Returns false for a code point the
  // sketch skips. The common cases, ASCII and 3-byte sequences, decode inline. It is inlined in
  // all loops below, because as a call it costs more than the count it saves. past_first is
  // std::true_type where p > data is known, which lets the BMI2 form read the byte before p.
  auto next_kept = [&](uint64_t* cp, auto past_first) __attribute__((always_inline)) {
    constexpr bool kExtract = kBmi2 && decltype(past_first)::value;
    auto decode_three = [&] __attribute__((always_inline)) {
      if constexpr (kExtract) {
        return DecodeThreeByExtract(p, extract_mask);
      } else {
        return (static_cast<char32_t>(p[0] & 0x0F) << 12) |
               (static_cast<char32_t>(p[1] & 0x3F) << 6) | (p[2] & 0x3F);
      }
    };
    unsigned char lead = *p;
    // A lead byte from E4 to EE starts a code point from U+4000 to U+EFFF, between the skipped
    // ranges, and CJK ideographs are among them. So the lead byte alone keeps most characters
    // of Chinese text, before any decoding.
    if (static_cast<unsigned char>(lead - 0xE4) <= 0xEE - 0xE4 && p < last_three) {
      *cp = decode_three();
      p += 3;
      return true;
    }
    if (lead < 0x80) {
      p += 1;
      *cp = lead;
      return !IsAsciiSkipped(lead);
    }
    if ((lead >> 4) == 0xE && p < last_three) {
      *cp = decode_three();
      p += 3;
      // Code points from U+3040 up to U+FF00 lie between the skipped ranges. An overlong
      // sequence can encode ASCII, which follows the ASCII rule.
      return *cp - 0x3040 < 0xFF01 - 0x3040 ||
             !(*cp < 0x80 ? IsAsciiSkipped(static_cast<unsigned char>(*cp)) : IsWideSkipped(*cp));
    }
    size_t at = static_cast<size_t>(p - data);
    *cp = DecodeAt(text, &at);
    p = data + at;
    return !IsSpaceOrPunctuation(*cp);
  };

  // key contains the last three kept code points, 21 bits each, oldest highest, which is the
  // value a 3-gram hashes. The first two kept code points only fill it, and every later one
  // completes a 3-gram, so the later loops need no count.
  constexpr uint64_t kKeyMask = (uint64_t{1} << 63) - 1;
  uint64_t key = 0;
  size_t seen = 0;
  // 64 bits wide, so that joining it to key needs no widening.
  uint64_t cp = 0;
  while (seen < 2 && p < end) {
    if (next_kept(&cp, std::false_type{})) {
      key = (key << 21) | cp;
      ++seen;
    }
  }
  // While three bytes remain, the compiler drops the bounds checks of the 3-byte paths, which
  // the loop condition already made. The last two bytes take the checked paths.
  while (p < last_three) {
    // Two kept code points came before, so p > data.
    if (next_kept(&cp, std::true_type{})) {
      key = ((key << 21) | cp) & kKeyMask;
      add(MixWithShift(key, mix_shift));
    }
  }
  while (p < end) {
    // Two kept code points came before, so p > data.
    if (next_kept(&cp, std::true_type{})) {
      key = ((key << 21) | cp) & kKeyMask;
      add(MixWithShift(key, mix_shift));
    }
  }
  if (used_bins == 0 && (seen == 1 || seen == 2)) {
    // Too short for a 3-gram, so the one or two characters represent the text.
    uint64_t last = key & 0x1FFFFF;
    uint64_t before = (key >> 21) & 0x1FFFFF;
    add(Mix(seen == 1 ? last * 0x10001ULL : before * 0x10001ULL + last));
  }

  // Visiting only the used bins spares a branch per bin, which mispredicts often because a short
  // text uses about half of the bins.
  static_assert(kSketchSize == 64, "one bit per bin");
  for (uint64_t rest = used_bins; rest != 0; rest &= rest - 1) {
    size_t bin = static_cast<size_t>(std::countr_zero(rest));
    // The fingerprint mixes the smallest hash again, because a minimum has small high bits.
    uint16_t fingerprint =
        static_cast<uint16_t>(MixWithShift(smallest[bin] / kSketchSize, mix_shift));
    (*sketch)[bin] = fingerprint == 0 ? 1 : fingerprint;
  }
  *bins = used_bins;
}

// BMI1 too, which gives blsr and tzcnt for the walk over the used bins.
__attribute__((target("bmi,bmi2"))) void SketchIntoWithBmi2(std::string_view text, Sketch* sketch,
                                                       uint64_t* bins) {
  SketchWith<true>(text, sketch, bins);
}

// Stores TextSketch(text) in *sketch and the mask of the bins it used in *bins, as SketchWith.
// REQUIRES: every bin of *sketch is 0.
void SketchInto(std::string_view text, Sketch* sketch, uint64_t* bins) {
  static const bool has_bmi2 = __builtin_cpu_supports("bmi") && __builtin_cpu_supports("bmi2");
  if (has_bmi2) {
    SketchIntoWithBmi2(text, sketch, bins);
  } else {
    SketchWith<false>(text, sketch, bins);
  }
}

}  // namespace

Sketch TextSketch(std::string_view text) {
  Sketch sketch{};
  uint64_t bins = 0;
  SketchInto(text, &sketch, &bins);
  return sketch;
}

Sketch TextSketchWithoutBmi2(std::string_view text) {
  Sketch sketch{};
  uint64_t bins = 0;
  SketchWith<false>(text, &sketch, &bins);
  return sketch;
}

double SketchSimilarity(const Sketch& a, const Sketch& b) {
  return SimilarityAtLeast(a, b, 0).value_or(0);
}

std::optional<Decimal> MetricTotal(const NormalizedLog& log, int metric) {
  std::optional<Decimal> total;
  for (const MetricValue& value : log.values) {
    if (value.metric == metric) {
      total = total.value_or(Decimal()) + value.value;
    }
  }
  return total;
}

void Validator::Distribution::Add(Decimal value, MedianScratch* scratch) {
  if (values.size() < kDistributionSize) {
    AddWhileFilling(value, scratch);
    return;
  }
  // Full: the value replaces the oldest, and the median waits until half of the values changed,
  // as AddWhileFilling's rule gives for a full ring.
  values[next] = value;
  next = (next + 1) % kDistributionSize;
  if (++added_since_refresh >= static_cast<int64_t>(kDistributionSize / 2)) {
    RefreshFull(scratch);
  }
}

__attribute__((noinline)) void Validator::Distribution::AddWhileFilling(Decimal value,
                                                                        MedianScratch* scratch) {
  values.push_back(value);
  // Small samples are recomputed on every value. Larger ones wait until half of their values
  // changed, because a median of hundreds of values moves little in that time.
  size_t refresh = std::max<size_t>(kDistributionRefresh, values.size() / 2);
  if (values.size() > 2 * kDistributionRefresh &&
      ++added_since_refresh < static_cast<int64_t>(refresh)) {
    return;
  }
  Refresh(scratch);
}

// Out of line, like AddWhileFilling and RefreshFull, because a full distribution refreshes once
// in 256 values and Add without these calls is small enough to inline into its caller's loop.
__attribute__((noinline)) void Validator::Distribution::Refresh(MedianScratch* scratch) {
  added_since_refresh = 0;
  // The values written since the last refresh need not be half of a full ring, so the next
  // RefreshFull reads both halves again.
  sorted_half.valid = false;
  MedianSpread spread = MedianAndSpread(values, scratch);
  median = spread.median;
  mad = spread.mad;
}

__attribute__((noinline)) void Validator::Distribution::RefreshFull(MedianScratch* scratch) {
  // Add refreshes a full ring after exactly half of it was written, which leaves next at the
  // oldest value, so the newest half starts half a ring after it. Refresh, which a filling ring
  // uses, marks sorted_half invalid. So a valid sorted_half is the half that the previous
  // RefreshFull found newest, which is the older half now.
  static_assert(kDistributionSize % 2 == 0);
  added_since_refresh = 0;
  size_t newer_begin = (next + kDistributionSize / 2) % kDistributionSize;
  MedianSpread spread = RingMedianAndSpread(values, newer_begin, &sorted_half, scratch);
  median = spread.median;
  mad = spread.mad;
}

Validator::Distribution* Validator::DistributionsOf(const RoleSpec& role) {
  if (role_values_.empty()) {
    role_values_.resize(config_.roles.size() * config_.metrics.size());
  }
  size_t first = static_cast<size_t>(&role - config_.roles.data()) * config_.metrics.size();
  return role_values_.data() + first;
}

const Validator::Distribution* Validator::DistributionsOf(const RoleSpec& role) const {
  if (role_values_.empty()) {
    return nullptr;
  }
  size_t first = static_cast<size_t>(&role - config_.roles.data()) * config_.metrics.size();
  return role_values_.data() + first;
}

Validator::Validator(const Config& config)
    : config_(config),
      histories_(static_cast<size_t>(std::max(0, config.validation.duplicate_window)),
                 kAmountHistory),
      orders_(std::chrono::hours(24 * kOrderWindowDays)) {
  boilerplate_ending_count_ = PhraseEndings(config_.validation.boilerplate, &boilerplate_endings_);
  metric_totals_.resize(config_.metrics.size());
  // The same division SimilarityAtLeast makes, so the integer compare agrees with it exactly. A
  // similarity of 0 never flags, so at least one bin must match.
  double threshold = config_.validation.duplicate_similarity;
  for (int used = 0; used <= static_cast<int>(kSketchSize); ++used) {
    int same = 1;
    while (same <= used && static_cast<double>(same) / static_cast<double>(used) < threshold) {
      ++same;
    }
    min_same_[static_cast<size_t>(used)] = static_cast<uint8_t>(same);
  }
}

Validator::LogFacts Validator::FactsOf(const NormalizedLog& log) const {
  LogFacts facts = ValueFactsOf(log);
  AddSketch(log, &facts);
  return facts;
}

Validator::LogFacts Validator::ValueFactsOf(const NormalizedLog& log) const {
  LogFacts facts;
  const ValidationSpec& spec = config_.validation;
  // Logs have a few metrics each, so a linear search finds a metric's total fastest. The totals
  // are written by position into the reused buffer, which spares push_back its capacity check
  // and lets the search stop at a count kept in a register.
  LogMetricTotal* totals = metric_totals_.data();
  size_t count = 0;
  size_t order_total = SIZE_MAX;  // the position of the order metric's total
  for (size_t i = 0; i < log.values.size(); ++i) {
    const MetricValue& value = log.values[i];
    facts.values_print += Mix((static_cast<uint64_t>(value.metric) << 56) ^
                              static_cast<uint64_t>(value.value.units()));
    size_t at = 0;
    while (at < count && totals[at].metric != value.metric) {
      ++at;
    }
    if (at < count) {
      totals[at].total = totals[at].total + value.value;
      continue;
    }
    // A log has as many totals as distinct metrics, which the constructor's size covers when
    // every metric is a configured one. Growing keeps any other log correct.
    if (count == metric_totals_.size()) {
      metric_totals_.resize(count + 1);
      totals = metric_totals_.data();
    }
    totals[count] = {value.metric, static_cast<uint32_t>(i), value.value};
    if (value.metric == spec.order_metric_index) {
      order_total = count;
    }
    ++count;
  }
  facts.metric_totals = std::span<const LogMetricTotal>(totals, count);
  if (order_total != SIZE_MAX && totals[order_total].total > Decimal()) {
    facts.order_amount = totals[order_total].total;
  }
  return facts;
}

void Validator::AddSketch(const NormalizedLog& log, LogFacts* facts) const {
  const ValidationSpec& spec = config_.validation;
  if (spec.duplicate_window > 0 && log.text_chars >= spec.min_chars) {
    // A LogFacts starts with an empty sketch, which SketchInto requires.
    SketchInto(log.free_text, &facts->sketch, &facts->used_bins);
  }
}

void Validator::FindOrderCustomer(const NormalizedLog& log, const LogKeyHashes& keys,
                                  LogFacts* facts) const {
  if (!facts->order_amount) {
    return;
  }
  facts->customer = FindCustomer(log, keys);
  if (facts->customer >= 0) {
    PrefetchCustomer(facts->customer, *facts->order_amount);
  }
}

void Validator::PrefetchCustomer(int32_t customer, Decimal amount) const {
  // The customer record and its order index are mostly out of cache, so their loads start
  // before the checks that read them. Customer ids are indexes plus one, so the key needs no
  // load of the record.
  StartLoad(&customers_[static_cast<size_t>(customer)]);
  orders_.Prefetch(OrderKey{customer + 1, amount.units()});
}

int32_t Validator::FindPerson(const NormalizedLog& log, const LogKeyHashes& keys) const {
  const int32_t* found = person_index_.FindHashed(log.record->creator_id, keys.person);
  return found != nullptr ? *found : -1;
}

int32_t Validator::AddPerson(const NormalizedLog& log, const LogKeyHashes& keys) {
  auto [index, added] = person_index_.TryEmplaceHashed(keys.person, log.record->creator_id,
                                                       static_cast<int32_t>(people_.size()));
  if (added) {
    people_.push_back(log.record->creator_id);
    histories_.Add();
  }
  return *index;
}

int32_t Validator::FindCustomer(const NormalizedLog& log, const LogKeyHashes& keys) const {
  if (log.customer.empty()) {
    return -1;
  }
  const int32_t* found = customer_index_.FindHashed(log.customer, keys.customer);
  return found != nullptr ? *found : -1;
}

LogKeyHashes HashLogKeys(const NormalizedLog& log) {
  LogKeyHashes keys;
  keys.person = TextHash{}(log.record->creator_id);
  keys.customer = log.customer.empty() ? 0 : TextHash{}(log.customer);
  return keys;
}

void Validator::StartLoads(const NormalizedLog& log, const LogKeyHashes& keys) const {
  if (log.spec == nullptr) {
    return;  // CheckAndRemember reads no history for it
  }
  person_index_.PrefetchHashed(keys.person);
  if (!log.customer.empty()) {
    customer_index_.PrefetchHashed(keys.customer);
  }
}

void Validator::StartRecordLoads(const NormalizedLog& log, const LogKeyHashes& keys,
                                 LogLookups* found) const {
  *found = LogLookups{};
  if (log.spec == nullptr) {
    return;
  }
  int32_t person = FindPerson(log, keys);
  if (person >= 0) {
    histories_.Prefetch(person);
  }
  found->person = person;
  // FactsOf gives a log an order amount under the same condition.
  if (log.customer.empty()) {
    return;
  }
  std::optional<Decimal> amount = MetricTotal(log, config_.validation.order_metric_index);
  if (!amount || !(*amount > Decimal())) {
    return;
  }
  int32_t customer = FindCustomer(log, keys);
  if (customer >= 0) {
    PrefetchCustomer(customer, *amount);
  }
  found->customer = customer;
}

std::vector<Flag> Validator::Check(const NormalizedLog& log) const {
  std::vector<Flag> flags;
  CheckContent(log, &flags);
  if (log.spec == nullptr) {
    return flags;
  }
  LogKeyHashes keys = HashLogKeys(log);
  LogFacts facts = FactsOf(log);
  FindOrderCustomer(log, keys, &facts);
  const Customer* customer =
      facts.customer >= 0 ? &customers_[static_cast<size_t>(facts.customer)] : nullptr;
  CheckHistory(log, facts, customer, FindPerson(log, keys), &flags);
  return flags;
}

void Validator::Remember(const NormalizedLog& log) {
  if (log.spec == nullptr) {
    return;
  }
  LogKeyHashes keys = HashLogKeys(log);
  LogFacts facts = FactsOf(log);
  FindOrderCustomer(log, keys, &facts);
  Customer* customer =
      facts.customer >= 0 ? &customers_[static_cast<size_t>(facts.customer)] : nullptr;
  RememberWithFacts(log, keys, facts, customer, AddPerson(log, keys));
}

std::vector<Flag> Validator::CheckAndRemember(const NormalizedLog& log) {
  // Hashing the keys waits for the record, so the loads of the log's other parts start first
  // and overlap that wait.
  PrefetchLog(log);
  std::vector<Flag> flags;
  CheckAndRememberLoading(log, HashLogKeys(log), LogLookups{}, &flags);
  return flags;
}

std::vector<Flag> Validator::CheckAndRemember(const NormalizedLog& log, const LogKeyHashes& keys,
                                              const LogLookups& found) {
  std::vector<Flag> flags;
  CheckAndRemember(log, keys, found, &flags);
  return flags;
}

void Validator::CheckAndRemember(const NormalizedLog& log, const LogKeyHashes& keys,
                                 const LogLookups& found, std::vector<Flag>* flags) {
  PrefetchLog(log);
  CheckAndRememberLoading(log, keys, found, flags);
}

void Validator::CheckAndRememberLoading(const NormalizedLog& log, const LogKeyHashes& keys,
                                        const LogLookups& found, std::vector<Flag>* flags) {
  if (log.spec == nullptr) {
    CheckContent(log, flags);
    return;
  }
  // The steps are ordered so that each cache miss overlaps others or work that does not wait
  // for it. Both index lookups miss often, so they start first, and both run before the sketch.
  // A lookup that StartRecordLoads completed has started its loads already.
  bool person_found = found.person >= 0;
  bool customer_found = found.customer >= 0;
  if (!person_found) {
    person_index_.PrefetchHashed(keys.person);
  }
  if (!customer_found && !log.customer.empty()) {
    customer_index_.PrefetchHashed(keys.customer);
  }
  // One lookup serves both steps. A new, empty history checks like a missing one.
  int32_t person = person_found ? found.person : AddPerson(log, keys);
  if (!person_found) {
    histories_.Prefetch(person);
  }
  // The customer lookup needs no amount, so its loads overlap those of the author and the log.
  // Its result is used as FindOrderCustomer would use it. The sketch, which needs no memory
  // beyond the text, then runs while the customer record and order index load.
  int32_t known_customer = customer_found ? found.customer : FindCustomer(log, keys);
  LogFacts facts = ValueFactsOf(log);
  if (facts.order_amount && known_customer >= 0) {
    facts.customer = known_customer;
    if (!customer_found) {
      PrefetchCustomer(known_customer, *facts.order_amount);
    }
  }
  // The slots that the history update writes follow from the author's header. When
  // StartRecordLoads loaded the header a few logs earlier, their loads start now and overlap the
  // sketch. Otherwise the header only just started loading, so it is read after the sketch.
  if (person_found) {
    histories_.PrefetchNextWrites(person);
  }
  // The claim that CheckAmounts reads starts loading here too. Its address is in the customer's
  // order index, which StartRecordLoads loaded.
  if (customer_found && facts.customer >= 0) {
    orders_.PrefetchClaim(OrderKey{facts.customer + 1, facts.order_amount->units()});
  }
  AddSketch(log, &facts);
  CheckContent(log, flags);

  if (!person_found) {
    histories_.PrefetchNextWrites(person);
  }
  Customer* customer =
      facts.customer >= 0 ? &customers_[static_cast<size_t>(facts.customer)] : nullptr;
  CheckHistory(log, facts, customer, person, flags);
  RememberWithFacts(log, keys, facts, customer, person);
}

void Validator::CheckHistory(const NormalizedLog& log, const LogFacts& facts,
                             const Customer* customer, int32_t person,
                             std::vector<Flag>* flags) const {
  if (facts.order_amount) {
    CheckAmounts(log, *facts.order_amount, customer, person, flags);
  }
  CheckOutliers(log, facts, flags);
  CheckDuplicates(log, facts, person, flags);
  CheckDeadline(log, flags);
}

void Validator::CheckContent(const NormalizedLog& log, std::vector<Flag>* flags) const {
  const ValidationSpec& spec = config_.validation;
  if (log.text_chars < spec.min_chars) {
    std::string message =
        log.text_chars == 0
            ? "the log is empty"
            : "the log has " + std::to_string(log.text_chars) + " characters of content, fewer than " +
                  std::to_string(spec.min_chars);
    flags->push_back({std::string(kFlagTooShort), Severity::kWarning, "", message});
  }

  // Boilerplate: a stock phrase with little else around it. Most logs hold none of the
  // phrases, so the text is copied only when one is found.
  std::string rest;
  std::string_view found;
  uint64_t contained = ContainedPhrases(
      log.text, spec.boilerplate,
      std::span<const PhraseEnding>(boilerplate_endings_.data(), boilerplate_ending_count_));
  for (size_t i = 0; i < spec.boilerplate.size(); ++i) {
    const std::string& phrase = spec.boilerplate[i];
    bool has = i < 64 ? ((contained >> i) & 1) != 0 : !phrase.empty() && Contains(log.text, phrase);
    if (!has) {
      continue;
    }
    if (found.empty()) {
      rest = log.text;
    }
    for (size_t at = rest.find(phrase); at != std::string::npos; at = rest.find(phrase)) {
      rest.erase(at, phrase.size());
    }
    found = phrase;
  }
  if (!found.empty() && !HasMeaningfulChars(rest, spec.min_chars)) {
    flags->push_back({std::string(kFlagBoilerplate), Severity::kWarning, "",
                      Concat({"the log is mostly the stock phrase \"", found,
                              "\" with no details"})});
  }

  for (const std::string& key : log.missing_fields) {
    flags->push_back({std::string(kFlagMissingField), Severity::kError, key,
                      Concat({"required field \"", key, "\" is missing or empty"})});
  }
  for (const UnreadableField& field : log.unreadable) {
    flags->push_back({std::string(kFlagUnreadableValue), Severity::kWarning, field.key,
                      "field \"" + field.key + "\" (type " +
                          std::string(FieldTypeName(field.type)) + ") contains \"" + field.value +
                          "\", which was not counted" +
                          (field.hint.empty() ? ", because it does not read as that type"
                                              : ". " + field.hint)});
  }
}

void Validator::CheckAmounts(const NormalizedLog& log, Decimal amount, const Customer* customer,
                             int32_t person, std::vector<Flag>* flags) const {
  const ValidationSpec& spec = config_.validation;
  const std::string& field = spec.order_metric;

  if (customer != nullptr) {
    const Customer& known = *customer;
    if (known.largest > Decimal() && amount > known.jump_above) {
      flags->push_back({std::string(kFlagAmountJump), Severity::kWarning, field,
                        Concat({"amount ", amount.ToString(), " for customer \"", log.customer,
                                "\" is over ", spec.amount_multiple.ToString(),
                                " times the largest earlier amount ", known.largest.ToString(),
                                " (report ", known.largest_report, ")"})});
    }
    // Interned ids compare as the person ids do, and an unknown author has claimed nothing.
    const OrderClaims::Claim* claim = orders_.Find(OrderKey{known.id, amount.units()});
    // Claims expire only when a later claim is added, so the claim found here may be older
    // than the window that ends at this log.
    if (claim != nullptr &&
        claim->create_time < log.record->create_time - std::chrono::hours(24 * kOrderWindowDays)) {
      claim = nullptr;
    }
    if (claim != nullptr && claim->person != person) {
      flags->push_back({std::string(kFlagDuplicateOrder), Severity::kError, field,
                        Concat({"the order of ", amount.ToString(), " from customer \"",
                                log.customer, "\" was already claimed by ",
                                people_[static_cast<size_t>(claim->person)], " in report ",
                                claim->report_id})});
    } else if (claim != nullptr && claim->report_id != log.record->report_id) {
      // The same person again: a new order of the same amount is possible, so it is a warning.
      flags->push_back({std::string(kFlagRepeatedOrder), Severity::kWarning, field,
                        Concat({"the order of ", amount.ToString(), " from customer \"",
                                log.customer,
                                "\" was already claimed by the same person in report ",
                                claim->report_id, "; check that it is a new order"})});
    }
  }

  if (person < 0) {
    return;
  }
  std::span<const Decimal> sorted_amounts = histories_.sorted_amounts(person);
  if (sorted_amounts.empty() ||
      sorted_amounts.size() < static_cast<size_t>(spec.unit_slip_min_history)) {
    return;
  }
  double median = SortedMedian(sorted_amounts);
  if (median <= 0) {
    return;
  }
  double ratio = amount.ToDouble() / median;
  // Within a factor of 3 either way the exponent is below 0.48 in size and rounds to 0, so
  // amounts near the usual one need no logarithm.
  if (ratio > 0.35 && ratio < 3.0) {
    return;
  }
  double exponent = std::log10(ratio);
  double power = std::round(exponent);
  // Off by at least one power of ten and close to an exact power, as when 元 is written for 万元.
  if (power != 0 && std::fabs(exponent - power) <= 0.15) {
    // The relation reads "about 100 times" or "about 1/100 of" in the message.
    std::string factor = FormatDouble(std::pow(10.0, std::fabs(power)), 0);
    flags->push_back({std::string(kFlagUnitSlip), Severity::kWarning, field,
                      Concat({"amount ", amount.ToString(), " is ",
                              power > 0 ? "about " : "about 1/", factor,
                              power > 0 ? " times" : " of", " this person's usual ",
                              FormatDouble(median, 2), "; check the unit (元 or 万元)"})});
  }
}

void Validator::CheckOutliers(const NormalizedLog& log, const LogFacts& facts,
                              std::vector<Flag>* flags) const {
  if (log.role == nullptr) {
    return;
  }
  const Distribution* distributions = DistributionsOf(*log.role);
  for (const LogMetricTotal& sum : facts.metric_totals) {
    const Distribution* distribution =
        distributions == nullptr ? nullptr : &distributions[static_cast<size_t>(sum.metric)];
    if (distribution == nullptr ||
        distribution->values.size() < static_cast<size_t>(config_.validation.outlier_min_samples)) {
      continue;
    }
    double spread = distribution->mad * kMadToSigma;
    if (spread <= 0) {
      continue;  // Most values are equal; a robust z-score is undefined.
    }
    double total = sum.total.ToDouble();
    double score = std::fabs(total - distribution->median) / spread;
    if (score > config_.validation.outlier_threshold) {
      const std::string& name = config_.metrics[sum.metric].name;
      flags->push_back({std::string(kFlagRoleOutlier), Severity::kInfo,
                        std::string(log.values[sum.first].evidence.field_key),
                        Concat({name, " of ", FormatDouble(total, 2), " is far from the ",
                                log.role->name, " role's usual ",
                                FormatDouble(distribution->median, 2), " (robust z-score ",
                                FormatDouble(score, 1), ")"})});
    }
  }
}

void Validator::CheckDuplicates(const NormalizedLog& log, const LogFacts& facts, int32_t person,
                                std::vector<Flag>* flags) const {
  if (log.text_chars < config_.validation.min_chars || config_.validation.duplicate_window == 0 ||
      person < 0) {
    return;
  }
  // The bin counts decide most slots. Only a slot that passes the threshold pays for the
  // division and the report id compare. A copy repeats the values too, so the most similar slot
  // with the log's values wins, and without one the most similar slot at all marks reused text.
  // Among equally similar slots the first wins.
  double best = 0;
  const std::string* best_report = nullptr;
  double best_copy = 0;
  const std::string* copy_report = nullptr;
  std::span<const uint64_t> all_bins = histories_.recent_bins(person);
  for (size_t first = 0; first < all_bins.size(); first += 64) {
    size_t count = std::min<size_t>(64, all_bins.size() - first);
    uint64_t plausible = PlausibleSlots(facts.used_bins, all_bins.data() + first, count, min_same_);
    // Slots are visited in ascending order, so ties still go to the first.
    for (; plausible != 0; plausible &= plausible - 1) {
      size_t slot = first + static_cast<size_t>(std::countr_zero(plausible));
      PersonHistories::Recent recent = histories_.recent(person, slot);
      auto [used, same] = CountBins(facts.sketch, *recent.sketch);
      if (same < min_same_[static_cast<size_t>(used)]) {
        continue;
      }
      double similarity = static_cast<double>(same) / static_cast<double>(used);
      const std::string& report_id = *recent.report_id;
      if (report_id == log.record->report_id) {
        continue;
      }
      if (similarity > best) {
        best = similarity;
        best_report = &report_id;
      }
      if (similarity > best_copy && recent.values == facts.values_print) {
        best_copy = similarity;
        copy_report = &report_id;
      }
    }
  }
  if (copy_report != nullptr) {
    flags->push_back({std::string(kFlagNearDuplicate), Severity::kWarning, "",
                      Concat({"the text is ", FormatDouble(best_copy * 100, 0),
                              "% similar to the same person's earlier report ", *copy_report})});
  } else if (best_report != nullptr) {
    flags->push_back({std::string(kFlagReusedText), Severity::kInfo, "",
                      Concat({"the text is ", FormatDouble(best * 100, 0),
                              "% similar to the same person's earlier report ", *best_report,
                              ", but its counted values differ, so it is not taken for a copy"})});
  }
}

void Validator::CheckDeadline(const NormalizedLog& log, std::vector<Flag>* flags) const {
  if (!log.spec->deadline) {
    return;
  }
  EpochMs due = DeadlineOf(*log.spec->deadline, log.work_day);
  const LogRecord& record = *log.record;
  // A slip under a day is given in minutes. A longer one is given in days and hours, so that a
  // month-old edit does not read as 46581 minutes.
  auto time_after = [due](EpochMs when) {
    int64_t minutes = (when - due).count() / 60000;
    if (minutes < 24 * 60) {
      return std::to_string(minutes) + " minutes";
    }
    int64_t hours = minutes / 60;
    return std::to_string(hours / 24) + (hours / 24 == 1 ? " day" : " days") +
           (hours % 24 == 0 ? "" : " " + std::to_string(hours % 24) + " hours");
  };
  if (record.create_time > due) {
    flags->push_back({std::string(kFlagLate), Severity::kInfo, "",
                      Concat({"submitted ", time_after(record.create_time),
                              " after the deadline"})});
  }
  if (record.modified_time > due && record.modified_time > record.create_time &&
      !EditAllowed(record.report_id, record.modified_time)) {
    flags->push_back({std::string(kFlagEditedLate), Severity::kWarning, "",
                      Concat({"edited ", time_after(record.modified_time),
                              " after the deadline"})});
  }
}

EpochMs Validator::DeadlineOf(const Deadline& deadline, int64_t work_day) const {
  if (!deadline_cache_.valid || deadline_cache_.work_day != work_day ||
      !(deadline_cache_.deadline == deadline)) {
    deadline_cache_ = {true, deadline, work_day, deadline.For(work_day)};
  }
  return deadline_cache_.due;
}

void Validator::AllowEdits(std::string report_id, EpochMs from, EpochMs until) {
  edit_windows_[std::move(report_id)].emplace_back(from, until);
}

bool Validator::EditAllowed(std::string_view report_id, EpochMs when) const {
  auto entry = edit_windows_.find(report_id);
  if (entry == edit_windows_.end()) {
    return false;
  }
  for (const auto& [from, until] : entry->second) {
    if (from <= when && when <= until) {
      return true;
    }
  }
  return false;
}

void Validator::RememberAmount(const NormalizedLog& log, const LogKeyHashes& keys,
                               Decimal amount, Customer* customer, int32_t person) {
  histories_.AddAmount(person, amount);
  if (log.customer.empty()) {
    return;
  }
  if (customer == nullptr) {
    customer_index_.TryEmplaceHashed(keys.customer, log.customer,
                                     static_cast<int32_t>(customers_.size()));
    customer = &customers_.emplace_back();
    customer->id = static_cast<int32_t>(customers_.size());
  }
  if (amount > customer->largest) {
    customer->largest = amount;
    customer->jump_above = amount * config_.validation.amount_multiple;
    customer->largest_report = log.record->report_id;
  }
  orders_.Add(OrderKey{customer->id, amount.units()}, person, log.record->report_id,
              log.record->create_time);
}

void Validator::RememberWithFacts(const NormalizedLog& log, const LogKeyHashes& keys,
                                  const LogFacts& facts, Customer* customer, int32_t person) {
  const ValidationSpec& spec = config_.validation;

  if (spec.duplicate_window > 0 && log.text_chars >= spec.min_chars) {
    histories_.AddRecent(person, facts.used_bins, facts.values_print, facts.sketch,
                         log.record->report_id);
  }

  if (facts.order_amount) {
    RememberAmount(log, keys, *facts.order_amount, customer, person);
  }

  if (log.role == nullptr) {
    return;
  }
  Distribution* distributions = DistributionsOf(*log.role);
  for (const LogMetricTotal& sum : facts.metric_totals) {
    distributions[static_cast<size_t>(sum.metric)].Add(sum.total, &median_scratch_);
  }
}

}  // namespace logbridge::scoring
