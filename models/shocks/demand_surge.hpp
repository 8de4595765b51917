#pragma once
// The demand surge (docs/model.md "Shocks"): the consumers of the listed regions (of some
// materials) want (1 + severity) times their demand while it lasts; a surge has no natural size,
// so its table must give a severity. The kind is this header and demand_surge.cpp (see
// shock_kind.hpp); models/shocks/kinds.hpp lists it.

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "models/shocks/shock_kind.hpp"

namespace crisp {

// What only a demand surge has (ShockSpec::own); it uses ShockSpec's materials.
struct DemandSurgeSpec {
  std::vector<std::string> regions;  // the consumer regions whose demand surges
};

struct DemandSurgeShock {
  using Spec = DemandSurgeSpec;
  static constexpr std::string_view kName = "demand_surge";
  static constexpr std::array<std::string_view, 2> kKeys = {"regions", "materials"};
  static constexpr ShockTiming kTiming{.severity_meaning = "the demand increase"};

  static void reach(const ShockSpec& spec, const Scenario& sc, const MaterialNet& net,
                    ShockReach& out);
  static std::string describe(const ShockSpec& spec, const Scenario& sc);
  static ShockSchedule schedule(const DemandSurgeSpec& /*own*/) { return {}; }
  static void effect(const ShockSpec& spec, const ShockReach& reach, const ShockOccurrence& o,
                     ShockFactors& f);
};

}  // namespace crisp
