// The demand surge (docs/model.md "Shocks"): the consumers of the listed regions (of some
// materials) want (1 + severity) times their demand while it lasts; a surge has no natural size,
// so its table must give a severity. One file holds the kind (see shock_kind.hpp);
// models/shocks/kinds.txt lists it.
#ifdef CRISP_SHOCK_FIELDS  // read once, by models/scenario.hpp, before ShockSpec
#include <string>
#include <vector>

namespace crisp {

// What only a demand surge has (ShockSpec holds every kind's fields).
template <>
struct ShockFields<ShockKind::demand_surge> {
  std::vector<std::string> regions;  // the consumer regions whose demand surges
};

}  // namespace crisp
#else

#ifndef CRISP_MODELS_SHOCKS_DEMAND_SURGE_HPP
#define CRISP_MODELS_SHOCKS_DEMAND_SURGE_HPP

#include <array>
#include <string>
#include <string_view>

#include "models/shocks/shock_kind.hpp"

namespace crisp {

struct DemandSurgeShock {
  using Spec = ShockSpec;
  static constexpr ShockKind kKind = ShockKind::demand_surge;
  static constexpr std::string_view kName = "demand_surge";
  static constexpr std::array<std::string_view, 2> kKeys = {"regions", "materials"};
  static constexpr ShockTiming kTiming{.severity_meaning = "the demand increase"};

  static void read(const experiment_detail::ShockInput& in);
  static void reach(const ShockSpec& spec, const Scenario& sc, const MaterialNet& net,
                    ShockReach& out);
  static std::string describe(const ShockSpec& spec, const Scenario& sc);
  static ShockSchedule schedule(const ShockSpec& /*spec*/) { return {}; }
  static void effect(const ShockSpec& spec, const ShockReach& reach, const ShockOccurrence& o,
                     ShockFactors& f);
};

}  // namespace crisp

#endif

#ifdef CRISP_SHOCK_READERS  // compiled once, in sim/experiment/shock_readers.cpp
namespace crisp {
void DemandSurgeShock::read(const experiment_detail::ShockInput& in) {
  using namespace experiment_detail;
  in.s.regions = resolve_regions(in.t.require("regions", "a list of consumer regions and groups"),
                                 in.sc, in.catalog);
  in.s.materials = resolve_materials(in.t, "materials", in.sc);
}
}  // namespace crisp
#endif

#ifdef CRISP_SHOCK_MODELS  // compiled once, in models/shocks/kinds.cpp
namespace crisp {
void DemandSurgeShock::reach(const ShockSpec& shock, const Scenario& sc, const MaterialNet& net,
                             ShockReach& out) {
  for (int c : net.consumers)
    if (shock_detail::contains(shock.regions, sc.nodes[net.nodes[c].scenario_index].region) &&
        shock_detail::material_listed(shock.materials, net.material))
      out.consumers.push_back(c);
}

std::string DemandSurgeShock::describe(const ShockSpec& k, const Scenario& sc) {
  return fmt::format("regions {} ({})", fmt::join(k.regions, "+"),
                     shock_detail::material_names(k.materials, sc));
}
}  // namespace crisp
#endif

#ifdef CRISP_SHOCK_EFFECTS  // compiled once, in models/material_sim.cpp
namespace crisp {
void DemandSurgeShock::effect(const ShockSpec& /*spec*/, const ShockReach& reach,
                              const ShockOccurrence& o, ShockFactors& f) {
  for (int c : reach.consumers)
    f.surge[c] *= 1.0 + o.severity;
}
}  // namespace crisp
#endif

#endif  // CRISP_SHOCK_FIELDS
