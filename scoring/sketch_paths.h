// The implementations behind TextSketch, declared for the tests that compare them. Other
// callers use TextSketch (scoring/validate.h), which runs the fastest path the processor
// supports. Each path is a pure function, safe to call from any thread.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "scoring/person_histories.h"

namespace logbridge::scoring {

// Computes text's sketch and sets *bins to the mask of the bins it uses.
using SketchFunction = Sketch (*)(std::string_view text, uint64_t* bins);

struct SketchPath {
  std::string_view name;
  SketchFunction function = nullptr;
};

// The reference path, one 3-gram at a time. Every other path must return the same sketch and
// bins for every text.
Sketch ScalarSketch(std::string_view text, uint64_t* bins);

// Returns the paths this processor can run: ScalarSketch first, the fastest last.
std::span<const SketchPath> SketchPaths();

}  // namespace logbridge::scoring
