// The refining lever's applier and reader (refining.hpp).

#include "policies/levers/refining.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "policies/apply_detail.hpp"

namespace crisp::refining_applier {

using namespace apply_detail;

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

}  // namespace crisp::refining_applier

namespace crisp {

std::vector<std::string> RefiningLever::added_node_ids(const RefiningSpec& spec, const Scenario&) {
  return {spec.name};  // the refinery
}

void RefiningLever::apply(const RefiningSpec& spec, AppliedPolicy& out) {
  using namespace refining_applier;
  check_material(out.scenario, spec.material, spec.name);
  check_capex_scale(spec.name, spec.capex_reference_tpy, spec.capex_scale_exponent);
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

  const double capex = plant_capex_eur(spec.capex_eur_per_tpy, spec.capacity_tpy,
                                       spec.capex_reference_tpy, spec.capex_scale_exponent);
  LeverCost cost = cost_line(spec.name, spec.material, {spec.region},
                             annuity(capex, s.discount_rate, spec.lifetime_years));
  cost.node = spec.name;
  cost.eur_per_t = spec.opex_premium_eur_per_t;
  cost.standby_eur_per_year = spec.standby ? spec.standby_cost_per_year : 0;
  out.effects.costs.push_back(std::move(cost));
}

}  // namespace crisp

namespace crisp {

std::string RefiningLever::inapplicable(const RefiningSpec& r, std::string_view field) {
  if ((field == "activation_days" || field == "standby_cost_per_year") && !r.standby) {
    return fmt::format("{} applies only with mode = 'standby'", field);
  }
  return "";
}

namespace {

using K = RefiningLever;

// feedstock = { "mine-id" = share, ... }: mines of the material, shares summing to 1.
void read_feedstock(LeverFields& in, RefiningSpec& spec) {
  constexpr double kShareTolerance = 1e-6;  // as for the shares of [[edge]]s
  const Scenario& sc = in.scenario();
  const auto mines =
      node_ids(sc, spec.material, [](const NodeSpec& n) { return n.kind == NodeKind::mine; });
  spec.feedstock = in.node_numbers("feedstock", "a table { \"mine-id\" = share, ... }", mines,
                                   fmt::format("a mine of '{}'", sc.materials[spec.material].name),
                                   range::closed(0, 1));
  double sum = 0;
  for (const auto& [id, share] : spec.feedstock) {
    sum += share;
  }
  if (std::abs(sum - 1) > kShareTolerance) {
    in.fail_at("feedstock", fmt::format("feedstock shares must sum to 1, got {:.9g}", sum));
  }
}

// customers = ["consumer-id", ...]: consumers of the material in the region; default all of them.
void read_customers(LeverFields& in, RefiningSpec& spec) {
  if (!in.has("customers")) return;
  const Scenario& sc = in.scenario();
  const auto consumers = node_ids(sc, spec.material, [&](const NodeSpec& n) {
    return n.kind == NodeKind::consumer && n.region == spec.region;
  });
  spec.customers = in.node_list("customers", "", false, consumers,
                                fmt::format("a consumer of '{}' in region '{}'",
                                            sc.materials[spec.material].name, spec.region));
}

}  // namespace

RefiningSpec RefiningLever::read(LeverFields& in) {
  const Scenario& sc = in.scenario();
  RefiningSpec spec;
  spec.region = in.consumer_region("region", "a refinery belongs to one region");
  spec.material = in.material("material");
  spec.name = fmt::format("refining {} {}", spec.region, sc.materials[spec.material].name);
  in.set_label(fmt::format("policy '{}'", spec.name));
  const bool has_consumers = !node_ids(sc, spec.material, [&](const NodeSpec& n) {
                                return n.kind == NodeKind::consumer && n.region == spec.region;
                              }).empty();
  if (!has_consumers) {
    in.fail_at("region", fmt::format("region '{}' holds no consumer of '{}'", spec.region,
                                     sc.materials[spec.material].name));
  }
  read_feedstock(in, spec);
  read_customers(in, spec);
  const std::vector<std::string> modes = {"operating", "standby"};
  spec.standby = in.choice("mode", "operating", modes) == "standby";
  if (!spec.standby) {
    for (const char* key : {"activation_days", "standby_cost_per_year"}) {
      if (in.has(key)) in.fail_at(key, fmt::format("{} applies only with mode = 'standby'", key));
    }
  }
  read_number<K>(in, spec, "capacity_tpy", true);
  for (const char* key : {"activation_days", "capex_eur_per_tpy", "lifetime_years",
                          "opex_premium_eur_per_t", "standby_cost_per_year",
                          "feedstock_lead_time_days", "lead_time_days", "yield", "buffer_days"}) {
    read_number<K>(in, spec, key);
  }
  read_capex_scale<K>(in, spec);
  return spec;
}

}  // namespace crisp
