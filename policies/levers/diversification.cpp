// The diversification lever's applier and reader (diversification.hpp).

#include "policies/levers/diversification.hpp"

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

  LeverCost cost = cost_line(spec.name, spec.material, spec.regions);  // per tonne on edges
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

namespace crisp {

DiversificationSpec DiversificationLever::read(LeverFields& in) {
  using K = DiversificationLever;
  DiversificationSpec spec = start_regional<K>(in, false);
  const Scenario& sc = in.scenario();
  const auto suppliers =
      node_ids(sc, spec.material, [](const NodeSpec& n) { return n.kind != NodeKind::consumer; });
  spec.alternatives =
      in.node_list("alternatives", "a list of mine and refinery ids", true, suppliers,
                   fmt::format("a mine or refinery of '{}'", sc.materials[spec.material].name));
  read_number<K>(in, spec, "max_country_share");
  read_number<K>(in, spec, "premium_eur_per_t");
  read_number<K>(in, spec, "lead_time_days");
  return spec;
}

}  // namespace crisp
