// The diversification lever (docs/model.md "Policy levers other than stockpiles"): a cap on the
// share of a region's supply from one country, the rest moved to alternative suppliers.
// One file holds the kind (policies/levers/lever_kind.hpp): its spec, name and keys, then its
// applier and its reader, each in a section compiled once where what it needs is known.
#ifndef CRISP_POLICIES_LEVERS_DIVERSIFICATION_HPP
#define CRISP_POLICIES_LEVERS_DIVERSIFICATION_HPP

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "policies/levers/lever_kind.hpp"

namespace crisp {

struct DiversificationSpec {
  std::string name;  // "diversification <regions> <material>"
  std::vector<std::string> regions;
  int material = 0;
  double max_country_share = 0.65;
  std::vector<std::string> alternatives;  // supplier ids
  double premium_eur_per_t = 0;
  double lead_time_days = 30;  // of new edges to alternatives
};

struct DiversificationLever {
  using Spec = DiversificationSpec;
  static constexpr std::string_view kName = "diversification";
  static constexpr std::array<std::string_view, 6> kKeys = {"regions",           "material",
                                                            "max_country_share", "alternatives",
                                                            "premium_eur_per_t", "lead_time_days"};
  static constexpr std::array<Field<Spec>, 3> kFields{{
      {"max_country_share", &Spec::max_country_share},
      {"premium_eur_per_t", &Spec::premium_eur_per_t},
      {"lead_time_days", &Spec::lead_time_days},
  }};
  static constexpr int kApplyOrder = 1;  // first of the network levers: on the file's contracts

  static bool is_off(const Spec& s) { return s.max_country_share >= 1; }
  // It adds no nodes.
  static std::vector<std::string> added_node_ids(const Spec&, const Scenario&) { return {}; }
  static void apply(const Spec& spec, AppliedPolicy& out);     // below
  static Lever read(const experiment_detail::LeverInput& in);  // below
};

}  // namespace crisp

#endif  // CRISP_POLICIES_LEVERS_DIVERSIFICATION_HPP

#ifdef CRISP_LEVER_APPLIERS  // compiled once, in policies/levers/appliers.cpp
#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "policies/apply_detail.hpp"

namespace crisp::diversification_applier {

using namespace apply_detail;

std::vector<int> alternatives_of(const DiversificationSpec& spec, const Scenario& s) {
  std::vector<int> out;
  for (const auto& id : spec.alternatives) {
    const int a = s.find_node(id);
    if (a < 0 || s.nodes[a].kind == NodeKind::consumer || s.nodes[a].material != spec.material) {
      fail(spec.name, fmt::format("alternative '{}' is not a mine or refinery of '{}'", id,
                                  s.materials[spec.material].name));
    }
    if (std::find(out.begin(), out.end(), a) == out.end()) out.push_back(a);
  }
  return out;
}

// Scales the consumer's contracts from each country above the cap down to it; returns the share
// taken away and fills `capped` with those countries.
double cap_countries(Scenario& s, const std::vector<std::size_t>& edges, double cap,
                     std::vector<std::string>& capped) {
  constexpr double kTolerance = 1e-12;
  std::map<std::string, double> by_country;
  for (std::size_t e : edges) {
    by_country[s.nodes[s.edges[e].from].country] += s.edges[e].share;
  }
  double excess = 0;
  for (const auto& [country, total] : by_country) {
    if (total <= cap + kTolerance) continue;
    capped.push_back(country);
    excess += total - cap;
    for (std::size_t e : edges) {
      if (s.nodes[s.edges[e].from].country == country) s.edges[e].share *= cap / total;
    }
  }
  return excess;
}

}  // namespace crisp::diversification_applier

namespace crisp {

void DiversificationLever::apply(const DiversificationSpec& spec, AppliedPolicy& out) {
  using namespace diversification_applier;
  check_material(out.scenario, spec.material, spec.name);
  Scenario& s = out.scenario;
  const std::vector<int> alternatives = alternatives_of(spec, s);
  const std::vector<int> consumers = consumers_in(s, spec.material, spec.regions);
  if (consumers.empty()) {
    fail(spec.name,
         fmt::format("its regions hold no consumer of '{}'", s.materials[spec.material].name));
  }
  const std::vector<double> spare = spare_capacity_tpy(s);  // before any change: one pass

  LeverCost cost;
  cost.lever = spec.name;
  cost.material = spec.material;
  cost.regions = spec.regions;
  for (int c : consumers) {
    std::vector<std::size_t> edges;
    bool buys_refined = false, buys_ore = false;
    for (std::size_t e = 0; e < s.edges.size(); ++e) {
      if (s.edges[e].to != c) continue;
      edges.push_back(e);
      (s.nodes[s.edges[e].from].kind == NodeKind::refinery ? buys_refined : buys_ore) = true;
    }
    std::vector<std::string> capped;
    const double excess = cap_countries(s, edges, spec.max_country_share, capped);
    if (excess <= 0) continue;

    // The alternatives it can take the excess to: of a kind it buys from, outside the countries
    // just capped (moving the excess back there would undo the cap).
    std::vector<int> eligible;
    double total_spare = 0;
    for (int a : alternatives) {
      const NodeSpec& n = s.nodes[a];
      const bool kind_ok = n.kind == NodeKind::refinery ? buys_refined : buys_ore;
      if (!kind_ok || std::find(capped.begin(), capped.end(), n.country) != capped.end()) continue;
      eligible.push_back(a);
      total_spare += spare[a];
    }
    if (eligible.empty()) {
      fail(spec.name,
           fmt::format("consumer '{}' buys more than {} from '{}' but none of the alternatives is "
                       "a supplier of a kind it buys from outside that country",
                       s.nodes[c].id, spec.max_country_share, capped.front()));
    }
    for (int a : eligible) {
      // Pro rata to spare capacity; in equal parts when none of them has any.
      const double weight = total_spare > 0 ? spare[a] / total_spare : 1.0 / eligible.size();
      const double added = excess * weight;
      if (added <= 0) continue;
      auto it = std::find_if(s.edges.begin(), s.edges.end(),
                             [&](const EdgeSpec& e) { return e.from == a && e.to == c; });
      if (it == s.edges.end()) {
        add_edge(s, a, c, 0, spec.lead_time_days);
        it = s.edges.end() - 1;
      }
      it->share += added;
      cost.edges.emplace_back(s.nodes[a].id, s.nodes[c].id);
      cost.edge_eur_per_t.push_back(spec.premium_eur_per_t * added / it->share);
    }
  }
  if (!cost.edges.empty()) out.effects.costs.push_back(std::move(cost));
}

}  // namespace crisp
#endif  // CRISP_LEVER_APPLIERS

#ifdef CRISP_LEVER_READERS  // compiled once, in sim/experiment/lever_readers.cpp
#include <algorithm>

#include <fmt/format.h>

#include "sim/experiment/lever_reader.hpp"

namespace crisp::diversification_reader {

using namespace experiment_detail;
using toml_input::at_least;
using toml_input::capped;
using toml_input::left_open;

}  // namespace crisp::diversification_reader

namespace crisp {

Lever DiversificationLever::read(const experiment_detail::LeverInput& in) {
  using namespace diversification_reader;
  const auto& [t, sc, catalog, fields] = in;
  Lever lever;
  auto& spec =
      start_regional_lever<DiversificationSpec>(lever, t, sc, catalog, "diversification", false);

  const auto suppliers =
      node_ids(sc, spec.material, [](const NodeSpec& n) { return n.kind != NodeKind::consumer; });
  const std::string what =
      fmt::format("a mine or refinery of '{}'", sc.materials[spec.material].name);
  const Value alternatives = t.require("alternatives", "a list of mine and refinery ids");
  for (const auto& item : alternatives.list(false)) {
    const std::string id = resolve_among(item, item.string(), suppliers, sc, what).id;
    if (std::find(spec.alternatives.begin(), spec.alternatives.end(), id) !=
        spec.alternatives.end()) {
      item.fail_with(fmt::format("alternatives lists '{}' twice", id));
    }
    spec.alternatives.push_back(id);
  }

  LeverNumbers numbers(lever, catalog, fields);
  numbers.read(t, "max_country_share", left_open(0, 1));
  numbers.read(t, "premium_eur_per_t", capped(0, kMaxEur));
  numbers.read(t, "lead_time_days", at_least(0));
  numbers.finish();
  return lever;
}

}  // namespace crisp
#endif  // CRISP_LEVER_READERS
