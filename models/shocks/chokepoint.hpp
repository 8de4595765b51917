#pragma once
// The chokepoint shock (docs/model.md "Shocks"): the contract edges whose routes name its route
// pass only (1 - severity) of their requests and take extra_delay_days longer while it lasts; by
// default it only delays (severity 0). The kind is this header and chokepoint.cpp (see
// shock_kind.hpp); models/shocks/kinds.hpp lists it.

#include <array>
#include <string>
#include <string_view>

#include "core/random.hpp"
#include "models/shocks/shock_kind.hpp"

namespace crisp {

// What only a chokepoint has (ShockSpec::own).
struct ChokepointSpec {
  std::string route;                    // the route tag of the edges it reaches
  Distribution extra_delay = Fixed{0};  // days added to their lead times while it lasts
};

struct ChokepointShock {
  using Spec = ChokepointSpec;
  static constexpr std::string_view kName = "chokepoint";
  static constexpr std::array<std::string_view, 2> kKeys = {"route", "extra_delay_days"};
  static constexpr ShockTiming kTiming{.default_severity = 0.0};

  static void reach(const ShockSpec& spec, const Scenario& sc, const MaterialNet& net,
                    ShockReach& out);
  static std::string describe(const ShockSpec& spec, const Scenario& sc);
  static ShockSchedule schedule(const ChokepointSpec& /*own*/) { return {}; }
  static void effect(const ShockSpec& spec, const ShockReach& reach, const ShockOccurrence& o,
                     ShockFactors& f);
};

}  // namespace crisp
