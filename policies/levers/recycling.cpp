// The recycling lever's applier and reader (recycling.hpp).

#include "policies/levers/recycling.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "policies/apply_detail.hpp"

namespace crisp::recycling_applier {

using namespace apply_detail;

// The home source of one region.
std::string node_id(const std::string& region, const std::string& material) {
  return fmt::format("recycling {} {}", region, material);
}

}  // namespace crisp::recycling_applier

namespace crisp {

std::vector<std::string> RecyclingLever::added_node_ids(const RecyclingSpec& spec,
                                                        const Scenario& sc) {
  std::vector<std::string> ids;
  for (const auto& region : spec.regions) {
    ids.push_back(recycling_applier::node_id(region, sc.materials[spec.material].name));
  }
  return ids;
}

void RecyclingLever::apply(const RecyclingSpec& spec, AppliedPolicy& out) {
  using namespace recycling_applier;
  check_material(out.scenario, spec.material, spec.name);
  Scenario& s = out.scenario;
  const std::string& material = s.materials[spec.material].name;
  check_capex_scale(spec.name, spec.capex_reference_tpy, spec.capex_scale_exponent);
  int added = 0;
  for (const auto& region : spec.regions) {
    const std::vector<int> consumers = consumers_in(s, spec.material, {region});
    if (consumers.empty()) continue;  // a group's member without this material

    NodeSpec n;
    n.id = node_id(region, material);
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

    // One plant per region: economies of scale apply to each region's capacity on its own.
    const double capex = plant_capex_eur(spec.capex_eur_per_tpy, n.capacity_tpy,
                                         spec.capex_reference_tpy, spec.capex_scale_exponent);
    LeverCost cost = cost_line(spec.name, spec.material, spec.regions,
                               annuity(capex, s.discount_rate, spec.lifetime_years));
    cost.node = n.id;
    cost.eur_per_t = spec.opex_eur_per_t;
    out.effects.costs.push_back(std::move(cost));
  }
  if (added == 0) fail(spec.name, fmt::format("its regions hold no consumer of '{}'", material));
}

}  // namespace crisp

namespace crisp {

RecyclingSpec RecyclingLever::read(LeverFields& in) {
  using K = RecyclingLever;
  RecyclingSpec spec = start_regional<K>(in, false);
  read_number<K>(in, spec, "rate", true);
  read_number<K>(in, spec, "capex_eur_per_tpy");
  read_capex_scale<K>(in, spec);
  read_number<K>(in, spec, "lifetime_years");
  read_number<K>(in, spec, "opex_eur_per_t");
  read_number<K>(in, spec, "lead_time_days");
  return spec;
}

}  // namespace crisp
