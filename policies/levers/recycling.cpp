// The recycling lever (docs/model.md "Policy levers other than stockpiles"): a home source in
// each region supplying `rate` of its consumers' requirement.

#include <algorithm>

#include <fmt/format.h>

#include "policies/apply_detail.hpp"
#include "policies/levers/recycling.hpp"

namespace crisp {

using namespace apply_detail;

void RecyclingLever::apply(const RecyclingSpec& spec, AppliedPolicy& out) {
  check_material(out.scenario, spec.material, spec.name);
  Scenario& s = out.scenario;
  const std::string& material = s.materials[spec.material].name;
  int added = 0;
  for (const auto& region : spec.regions) {
    const std::vector<int> consumers = consumers_in(s, spec.material, {region});
    if (consumers.empty()) continue;  // a group's member without this material

    NodeSpec n;
    n.id = fmt::format("recycling {} {}", region, material);
    n.kind = NodeKind::mine;
    n.material = spec.material;
    n.country = region;
    n.region = region;
    n.owner_region = region;
    n.capacity_tpy = spec.rate * demand_tpy(s, consumers);
    const int node = add_node(s, n, spec.name);
    ++added;

    for (EdgeSpec& e : s.edges) {
      if (std::find(consumers.begin(), consumers.end(), e.to) == consumers.end()) continue;
      e.share *= 1 - spec.rate;
      e.standby_share *= 1 - spec.rate;  // the recycled share holds on standby too
    }
    for (int c : consumers) {
      add_edge(s, node, c, spec.rate, spec.lead_time_days);
    }

    LeverCost cost;
    cost.lever = spec.name;
    cost.material = spec.material;
    cost.regions = spec.regions;
    cost.eur_per_year =
        annuity(spec.capex_eur_per_tpy, n.capacity_tpy, s.discount_rate, spec.lifetime_years);
    cost.node = n.id;
    cost.eur_per_t = spec.opex_eur_per_t;
    out.effects.costs.push_back(std::move(cost));
  }
  if (added == 0) fail(spec.name, fmt::format("its regions hold no consumer of '{}'", material));
}

}  // namespace crisp
