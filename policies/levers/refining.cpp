// The refining lever (docs/model.md "Policy levers other than stockpiles"): a domestic refinery
// that serves its customers first, up to its capacity.

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "policies/apply_detail.hpp"
#include "policies/levers/refining.hpp"

namespace crisp {

using namespace apply_detail;

namespace {

std::vector<int> customers_of(const RefiningSpec& spec, const Scenario& s) {
  const std::string& material = s.materials[spec.material].name;
  if (spec.customers.empty()) {
    std::vector<int> all = consumers_in(s, spec.material, {spec.region});
    if (all.empty()) {
      fail(spec.name, fmt::format("region '{}' has no consumer of '{}'", spec.region, material));
    }
    return all;
  }
  std::vector<int> out;
  for (const auto& id : spec.customers) {
    const int c = s.find_node(id);
    if (c < 0 || s.nodes[c].kind != NodeKind::consumer || s.nodes[c].material != spec.material ||
        s.nodes[c].region != spec.region) {
      fail(spec.name, fmt::format("customer '{}' is not a consumer of '{}' in region '{}'", id,
                                  material, spec.region));
    }
    if (std::find(out.begin(), out.end(), c) == out.end()) out.push_back(c);
  }
  return out;
}

void add_feedstock(const RefiningSpec& spec, int refinery, Scenario& s) {
  constexpr double kShareTolerance = 1e-6;
  double sum = 0;
  for (const auto& [id, share] : spec.feedstock) {
    const int mine = s.find_node(id);
    if (mine < 0 || s.nodes[mine].kind != NodeKind::mine ||
        s.nodes[mine].material != spec.material) {
      fail(spec.name, fmt::format("feedstock '{}' is not a mine of '{}'", id,
                                  s.materials[spec.material].name));
    }
    if (!(share >= 0 && share <= 1)) {
      fail(spec.name, fmt::format("feedstock share of '{}' must be in [0, 1], got {}", id, share));
    }
    sum += share;
    add_edge(s, mine, refinery, share, spec.feedstock_lead_time_days);
  }
  if (std::abs(sum - 1) > kShareTolerance) {
    fail(spec.name, fmt::format("feedstock shares must sum to 1, got {:.9g}", sum));
  }
}

}  // namespace

void RefiningLever::apply(const RefiningSpec& spec, AppliedPolicy& out) {
  check_material(out.scenario, spec.material, spec.name);
  Scenario& s = out.scenario;
  const std::vector<int> customers = customers_of(spec, s);

  NodeSpec n;
  n.id = spec.name;
  n.kind = NodeKind::refinery;
  n.material = spec.material;
  n.country = spec.region;
  n.region = spec.region;
  n.owner_region = spec.region;
  n.capacity_tpy = spec.capacity_tpy;
  n.yield = spec.yield;
  n.buffer_days = spec.buffer_days;
  n.standby = spec.standby;
  n.activation_days = spec.standby ? spec.activation_days : 0;
  const int refinery = add_node(s, std::move(n), spec.name);
  add_feedstock(spec, refinery, s);

  // Its share of the customers' requirement: all it can supply of their day-0 demand.
  const double demand = demand_tpy(s, customers);
  const double share = demand > 0 ? std::min(spec.capacity_tpy, demand) / demand : 1.0;
  const auto is_customer = [&](int node) {
    return std::find(customers.begin(), customers.end(), node) != customers.end();
  };
  for (EdgeSpec& e : s.edges) {
    if (!is_customer(e.to)) continue;
    if (e.switch_node >= 0) {
      fail(spec.name, fmt::format("customer '{}' already switches contracts for '{}'",
                                  s.nodes[e.to].id, s.nodes[e.switch_node].id));
    }
    if (spec.standby) {
      e.switch_node = refinery;
      e.standby_share = e.share;
    }
    e.share *= 1 - share;
  }
  for (int c : customers) {
    add_edge(s, refinery, c, share, spec.lead_time_days);
    if (spec.standby) {
      s.edges.back().switch_node = refinery;
      s.edges.back().standby_share = 0;
    }
  }

  LeverCost cost;
  cost.lever = spec.name;
  cost.material = spec.material;
  cost.regions = {spec.region};
  cost.eur_per_year =
      annuity(spec.capex_eur_per_tpy, spec.capacity_tpy, s.discount_rate, spec.lifetime_years);
  cost.node = spec.name;
  cost.eur_per_t = spec.opex_premium_eur_per_t;
  cost.standby_eur_per_year = spec.standby ? spec.standby_cost_per_year : 0;
  out.effects.costs.push_back(std::move(cost));
}

}  // namespace crisp
