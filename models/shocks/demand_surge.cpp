// The demand surge's reach, description and effect (models/shocks/demand_surge.hpp).

#include "models/shocks/demand_surge.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "models/network.hpp"
#include "models/shocks.hpp"

namespace crisp {

void DemandSurgeShock::reach(const ShockSpec& shock, const Scenario& sc, const MaterialNet& net,
                             ShockReach& out) {
  const auto& regions = shock.as<DemandSurgeSpec>().regions;
  for (int c : net.consumers)
    if (shock_detail::contains(regions, sc.nodes[net.nodes[c].scenario_index].region) &&
        shock_detail::material_listed(shock.materials, net.material))
      out.consumers.push_back(c);
}

std::string DemandSurgeShock::describe(const ShockSpec& k, const Scenario& sc) {
  return fmt::format("regions {} ({})", fmt::join(k.as<DemandSurgeSpec>().regions, "+"),
                     shock_detail::material_names(k.materials, sc));
}

void DemandSurgeShock::effect(const ShockSpec& /*spec*/, const ShockReach& reach,
                              const ShockOccurrence& o, ShockFactors& f) {
  for (int c : reach.consumers)
    f.surge[c] *= 1.0 + o.severity;
}

}  // namespace crisp
