// The refining lever (docs/model.md "Policy levers other than stockpiles"):
// a domestic refinery fed by chosen mines, operating or on standby.
// One file holds the kind (policies/levers/lever_kind.hpp): its spec, name and keys, then its
// applier and its reader, each in a section compiled once where what it needs is known.
#ifndef CRISP_POLICIES_LEVERS_REFINING_HPP
#define CRISP_POLICIES_LEVERS_REFINING_HPP

#include <array>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "policies/levers/lever_kind.hpp"

namespace crisp {

struct RefiningSpec {
  std::string name;  // "refining <region> <material>"
  std::string region;
  int material = 0;
  double capacity_tpy = 0;
  std::vector<std::pair<std::string, double>> feedstock;  // mine id -> share (sum 1)
  std::vector<std::string> customers;  // consumer ids; empty: every consumer of the region
  bool standby = false;                // mode = "standby"
  double activation_days = 0;
  double capex_eur_per_tpy = 0;
  double lifetime_years = 20;
  double opex_premium_eur_per_t = 0;
  double standby_cost_per_year = 0;
  double feedstock_lead_time_days = 30;
  double lead_time_days = 7;  // to its customers
  double yield = 1;
  double buffer_days = 0;
};

struct RefiningLever {
  using Spec = RefiningSpec;
  static constexpr std::string_view kName = "refining";
  static constexpr std::array<std::string_view, 15> kKeys = {"region",
                                                             "material",
                                                             "capacity_tpy",
                                                             "feedstock",
                                                             "customers",
                                                             "mode",
                                                             "activation_days",
                                                             "capex_eur_per_tpy",
                                                             "lifetime_years",
                                                             "opex_premium_eur_per_t",
                                                             "standby_cost_per_year",
                                                             "feedstock_lead_time_days",
                                                             "lead_time_days",
                                                             "yield",
                                                             "buffer_days"};
  static constexpr std::array<Field<Spec>, 10> kFields{{
      {"capacity_tpy", &Spec::capacity_tpy},
      {"activation_days", &Spec::activation_days},
      {"capex_eur_per_tpy", &Spec::capex_eur_per_tpy},
      {"lifetime_years", &Spec::lifetime_years},
      {"opex_premium_eur_per_t", &Spec::opex_premium_eur_per_t},
      {"standby_cost_per_year", &Spec::standby_cost_per_year},
      {"feedstock_lead_time_days", &Spec::feedstock_lead_time_days},
      {"lead_time_days", &Spec::lead_time_days},
      {"yield", &Spec::yield},
      {"buffer_days", &Spec::buffer_days},
  }};
  // Last of the network levers: after diversification and recycling have rescaled the contracts.
  static constexpr int kApplyOrder = 3;

  static bool is_off(const Spec& s) { return s.capacity_tpy == 0; }
  static std::vector<std::string> added_node_ids(const Spec& spec, const Scenario& sc);  // below
  static void apply(const Spec& spec, AppliedPolicy& out);                               // below
  static Lever read(const experiment_detail::LeverInput& in);                            // below
};

}  // namespace crisp

#endif  // CRISP_POLICIES_LEVERS_REFINING_HPP

#ifdef CRISP_LEVER_APPLIERS  // compiled once, in policies/levers/appliers.cpp
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
#endif  // CRISP_LEVER_APPLIERS

#ifdef CRISP_LEVER_READERS  // compiled once, in sim/experiment/lever_readers.cpp
#include <algorithm>
#include <cmath>
#include <tuple>

#include <fmt/format.h>

#include "sim/experiment/lever_reader.hpp"

namespace crisp::refining_reader {

using namespace experiment_detail;
using toml_input::above;
using toml_input::at_least;
using toml_input::capped;
using toml_input::closed;
using toml_input::left_open;

std::string read_refining_region(const Table& t, const Catalog& catalog) {
  const Value v = t.require("region", "a consumer region");
  const std::string name = v.string();
  if (std::find(catalog.group_names.begin(), catalog.group_names.end(), name) !=
      catalog.group_names.end()) {
    v.fail_with(
        fmt::format("region must name a consumer region, not a group, got '{}': a "
                    "refinery belongs to one region",
                    name));
  }
  return catalog.consumer_regions[resolve(v, catalog.consumer_regions, "a consumer region")];
}

// feedstock = { "mine-id" = share, ... }: mines of the material, shares summing to 1.
void read_feedstock(const Table& t, RefiningSpec& spec, const Scenario& sc) {
  constexpr double kShareTolerance = 1e-6;  // as for the shares of [[edge]]s
  const Value v = t.require("feedstock", "a table { \"mine-id\" = share, ... }");
  const Table feedstock = v.table();
  if (feedstock.raw().empty()) v.fail("a non-empty table { \"mine-id\" = share, ... }");
  const auto mines =
      node_ids(sc, spec.material, [](const NodeSpec& n) { return n.kind == NodeKind::mine; });
  const std::string what = fmt::format("a mine of '{}'", sc.materials[spec.material].name);

  std::vector<Value> entries;
  for (const auto& entry : feedstock.raw()) {
    entries.push_back(*feedstock.get(entry.first.str()));
  }
  std::sort(entries.begin(), entries.end(), [](const Value& a, const Value& b) {
    const auto &pa = a.node().source().begin, &pb = b.node().source().begin;
    return std::tie(pa.line, pa.column) < std::tie(pb.line, pb.column);
  });
  double sum = 0;
  for (const Value& share : entries) {
    const std::string id = share.key().substr(std::string("feedstock.").size());
    resolve_among(share.renamed("feedstock key"), id, mines, sc, what);
    const double x = share.number(closed(0, 1));
    spec.feedstock.emplace_back(id, x);
    sum += x;
  }
  if (std::abs(sum - 1) > kShareTolerance) {
    v.fail_with(fmt::format("feedstock shares must sum to 1, got {:.9g}", sum));
  }
}

// customers = ["consumer-id", ...]: consumers of the material in the region; default all of them.
void read_customers(const Table& t, RefiningSpec& spec, const Scenario& sc) {
  const auto v = t.get("customers");
  if (!v) return;
  const auto consumers = node_ids(sc, spec.material, [&](const NodeSpec& n) {
    return n.kind == NodeKind::consumer && n.region == spec.region;
  });
  const std::string what = fmt::format("a consumer of '{}' in region '{}'",
                                       sc.materials[spec.material].name, spec.region);
  for (const auto& item : v->list(false)) {
    const std::string id = resolve_among(item, item.string(), consumers, sc, what).id;
    if (std::find(spec.customers.begin(), spec.customers.end(), id) != spec.customers.end()) {
      item.fail_with(fmt::format("customers lists '{}' twice", id));
    }
    spec.customers.push_back(id);
  }
}

}  // namespace crisp::refining_reader

namespace crisp {

Lever RefiningLever::read(const experiment_detail::LeverInput& in) {
  using namespace refining_reader;
  const auto& [t, sc, catalog, fields] = in;
  Lever lever{RefiningSpec{}, {}};
  auto& spec = std::get<RefiningSpec>(lever.base);
  spec.region = read_refining_region(t, catalog);
  spec.material = resolve_material(t.require("material", "the name of a [[material]]"), sc);
  spec.name = fmt::format("refining {} {}", spec.region, sc.materials[spec.material].name);
  t.set_label(fmt::format("policy '{}'", spec.name));
  const bool has_consumers = !node_ids(sc, spec.material, [&](const NodeSpec& n) {
                                return n.kind == NodeKind::consumer && n.region == spec.region;
                              }).empty();
  if (!has_consumers) {
    t.get("region")->fail_with(fmt::format("region '{}' holds no consumer of '{}'", spec.region,
                                           sc.materials[spec.material].name));
  }
  read_feedstock(t, spec, sc);
  read_customers(t, spec, sc);
  const std::vector<std::string> modes = {"operating", "standby"};
  spec.standby = t.choice_or("mode", "operating", modes) == "standby";
  if (!spec.standby) {
    for (const char* key : {"activation_days", "standby_cost_per_year"}) {
      if (const auto v = t.get(key)) {
        v->fail_with(fmt::format("{} applies only with mode = 'standby'", key));
      }
    }
  }

  LeverNumbers numbers(lever, catalog, fields);
  numbers.require(t, "capacity_tpy", capped(0, kMaxTonnes));
  numbers.read(t, "activation_days", at_least(0));
  numbers.read(t, "capex_eur_per_tpy", capped(0, kMaxEur));
  numbers.read(t, "lifetime_years", above(0));
  numbers.read(t, "opex_premium_eur_per_t", capped(0, kMaxEur));
  numbers.read(t, "standby_cost_per_year", capped(0, kMaxEur));
  numbers.read(t, "feedstock_lead_time_days", at_least(0));
  numbers.read(t, "lead_time_days", at_least(0));
  numbers.read(t, "yield", left_open(0, 1e3));
  numbers.read(t, "buffer_days", at_least(0));
  numbers.finish();
  return lever;
}

}  // namespace crisp
#endif  // CRISP_LEVER_READERS
