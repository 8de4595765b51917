// The chokepoint's reach, description and effect (models/shocks/chokepoint.hpp).

#include "models/shocks/chokepoint.hpp"

#include <fmt/format.h>

#include "models/network.hpp"
#include "models/shocks.hpp"

namespace crisp {

void ChokepointShock::reach(const ShockSpec& shock, const Scenario& sc, const MaterialNet& net,
                            ShockReach& out) {
  const std::string& route = shock.as<ChokepointSpec>().route;
  int e = 0;
  for (const EdgeSpec& edge : sc.edges) {
    if (sc.nodes[edge.from].material != net.material) continue;
    if (shock_detail::contains(edge.routes, route)) out.edges.push_back(e);
    ++e;
  }
}

std::string ChokepointShock::describe(const ShockSpec& k, const Scenario& /*sc*/) {
  return fmt::format("route {}", k.as<ChokepointSpec>().route);
}

void ChokepointShock::effect(const ShockSpec& /*spec*/, const ShockReach& reach,
                             const ShockOccurrence& o, ShockFactors& f) {
  const double keep = 1.0 - o.severity;
  for (int e : reach.edges) {
    f.pass[e] *= keep;
    f.extra_delay[e] += o.extra_delay;
  }
}

}  // namespace crisp
