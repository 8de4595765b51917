// The recycling lever (docs/model.md "Policy levers other than stockpiles"): a home source in
// each region supplying `rate` of its consumers' requirement.
// One file holds the kind (policies/levers/lever_kind.hpp): its spec, name and keys, then its
// applier and its reader, each in a section compiled once where what it needs is known.
#ifndef CRISP_POLICIES_LEVERS_RECYCLING_HPP
#define CRISP_POLICIES_LEVERS_RECYCLING_HPP

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "policies/levers/lever_kind.hpp"

namespace crisp {

struct RecyclingSpec {
  std::string name;  // "recycling <regions> <material>"
  std::vector<std::string> regions;
  int material = 0;
  double rate = 0;  // fraction of each region's demand
  double capex_eur_per_tpy = 0;
  double lifetime_years = 20;
  double opex_eur_per_t = 0;
  double lead_time_days = 7;
};

struct RecyclingLever {
  using Spec = RecyclingSpec;
  static constexpr std::string_view kName = "recycling";
  static constexpr std::array<std::string_view, 7> kKeys = {
      "regions",        "material",       "rate",          "capex_eur_per_tpy",
      "lifetime_years", "opex_eur_per_t", "lead_time_days"};
  static constexpr std::array<Field<Spec>, 5> kFields{{
      {"rate", &Spec::rate},
      {"capex_eur_per_tpy", &Spec::capex_eur_per_tpy},
      {"lifetime_years", &Spec::lifetime_years},
      {"opex_eur_per_t", &Spec::opex_eur_per_t},
      {"lead_time_days", &Spec::lead_time_days},
  }};
  // After diversification (which works on the contracts the file gives), before refining: both
  // recycling and refining put home supply ahead of the rescaled contracts.
  static constexpr int kApplyOrder = 2;

  static bool is_off(const Spec& s) { return s.rate == 0; }
  static std::vector<std::string> added_node_ids(const Spec& spec, const Scenario& sc);  // below
  static void apply(const Spec& spec, AppliedPolicy& out);                               // below
  static Lever read(const experiment_detail::LeverInput& in);                            // below
};

}  // namespace crisp

#endif  // CRISP_POLICIES_LEVERS_RECYCLING_HPP

#ifdef CRISP_LEVER_APPLIERS  // compiled once, in policies/levers/appliers.cpp
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
#endif  // CRISP_LEVER_APPLIERS

#ifdef CRISP_LEVER_READERS  // compiled once, in sim/experiment/lever_readers.cpp
#include <fmt/format.h>

#include "sim/experiment/lever_reader.hpp"

namespace crisp::recycling_reader {

using namespace experiment_detail;
using toml_input::above;
using toml_input::at_least;
using toml_input::capped;

toml_input::Range closed_open(double lo, double hi) {
  return toml_input::Range{.lo = lo, .hi = hi, .hi_open = true};
}

}  // namespace crisp::recycling_reader

namespace crisp {

Lever RecyclingLever::read(const experiment_detail::LeverInput& in) {
  using namespace recycling_reader;
  const auto& [t, sc, catalog, fields] = in;
  Lever lever;
  start_regional_lever<RecyclingSpec>(lever, t, sc, catalog, "recycling", false);

  LeverNumbers numbers(lever, catalog, fields);
  numbers.require(t, "rate", closed_open(0, 1));
  numbers.read(t, "capex_eur_per_tpy", capped(0, kMaxEur));
  numbers.read(t, "lifetime_years", above(0));
  numbers.read(t, "opex_eur_per_t", capped(0, kMaxEur));
  numbers.read(t, "lead_time_days", at_least(0));
  numbers.finish();
  return lever;
}

}  // namespace crisp
#endif  // CRISP_LEVER_READERS
