#pragma once
// Tolerances and crossing times shared by every store of one material's run (docs/model.md
// "Time and events"): a store's level moves linearly between events, and the next event it makes
// is the time its level reaches 0, its target or (a dry refinery buffer) its restart level.

#include <algorithm>
#include <cmath>
#include <limits>

#include "models/allocation.hpp"

namespace crisp::engine {

// The `value` of a crossing event: which level the store reached.
inline constexpr double kEmptyCrossing = 0.0, kTargetCrossing = 1.0, kRestartCrossing = 2.0;
inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Events closer than this (about 0.1 ms) belong to one instant; times computed by division
// (crossings) and by addition (arrivals) may differ by rounding when they mean the same instant.
inline constexpr double kInstantDays = 1e-9;

inline double tol_of(double scale) {
  return kRelTol * std::max(scale, 1e-12);
}

// Two rates that differ by rounding only are one rate: kRelTol of the larger, or of `scale` (the
// material's flow) for rates that are themselves residue of sums over that flow. A rate change is
// an event at the far end of a pipeline, and rounding residue must not make events.
inline bool same_rate(double a, double b, double scale = 0) {
  return std::abs(a - b) <= kRelTol * std::max({std::abs(a), std::abs(b), scale});
}

// Time to the next crossing of 0 or `target` for a level moving at `rate`; infinity when none.
// `kind` is set to the crossing's kind. A dry refinery buffer (restart > 0) crosses `restart`
// first on its way up.
inline double time_to_crossing(double level, double target, double rate, double& kind,
                               double restart = 0) {
  const double tol = tol_of(target);
  if (restart > 0 && rate > 0 && level < restart - tol) {
    kind = kRestartCrossing;
    return (restart - level) / rate;
  }
  if (rate < 0) {
    if (level > target + tol) {
      kind = kTargetCrossing;
      return (level - target) / -rate;
    }
    if (level > tol) {
      kind = kEmptyCrossing;
      return level / -rate;
    }
  } else if (rate > 0 && level < target - tol) {
    kind = kTargetCrossing;
    return (target - level) / rate;
  }
  return std::numeric_limits<double>::infinity();
}

}  // namespace crisp::engine
