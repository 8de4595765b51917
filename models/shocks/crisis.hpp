#pragma once
// The crisis (docs/model.md "Shocks"): it has no effect of its own; each time it arrives it
// starts each of its children (shocks that are not crises) with that child's probability. Its
// table has no duration, severity or events. The kind is this header and crisis.cpp (see
// shock_kind.hpp); models/shocks/kinds.hpp lists it. The sampler (models/shocks.cpp) starts the
// children.

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "models/shocks/shock_kind.hpp"

namespace crisp {

// A shock a crisis may start, with the probability that one of its arrivals does.
struct CrisisChild {
  int shock = 0;  // index into Scenario::shocks
  double probability = 1.0;
};

// What only a crisis has (ShockSpec::own).
struct CrisisSpec {
  std::vector<CrisisChild> children;  // the shocks each arrival may start
};

struct CrisisShock {
  using Spec = CrisisSpec;
  static constexpr std::string_view kName = "crisis";
  static constexpr std::array<std::string_view, 1> kKeys = {"children"};
  static constexpr ShockTiming kTiming{.timed = false};

  // A crisis acts only through the children it starts: it reaches nothing and has no effect.
  static void reach(const ShockSpec& /*spec*/, const Scenario& /*sc*/, const MaterialNet& /*net*/,
                    ShockReach& /*out*/) {}
  static std::string describe(const ShockSpec& spec, const Scenario& sc);
  static ShockSchedule schedule(const CrisisSpec& /*own*/) { return {}; }
  static void effect(const ShockSpec& /*spec*/, const ShockReach& /*reach*/,
                     const ShockOccurrence& /*o*/, ShockFactors& /*f*/) {}
};

}  // namespace crisp
