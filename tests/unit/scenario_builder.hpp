#pragma once
// Terse construction of small scenarios for hand-worked tests (no TOML involved).

#include <algorithm>
#include <string>
#include <vector>

#include "models/scenario.hpp"

namespace crisp::test {

struct ScenarioBuilder {
  Scenario s;

  // One material, "m", with the given economics; add_material replaces them.
  explicit ScenarioBuilder(double horizon_days = 365) {
    s.name = "test";
    s.horizon_days = horizon_days;
    s.discount_rate = 0;
    add_material("m");
  }
  ScenarioBuilder& add_material(const std::string& name, double price = 1000, double voll = 10000,
                                double resourcing_delay = 30, double spot_lead = 5) {
    MaterialSpec m;
    m.name = name;
    m.price_eur_per_t = price;
    m.value_of_lost_load_eur_per_t = voll;
    m.resourcing_delay_days = resourcing_delay;
    m.spot_lead_time_days = spot_lead;
    s.materials.assign(1, m);
    return *this;
  }
  int node(const std::string& id, NodeKind kind, const std::string& country,
           double capacity_or_demand_tpy, double buffer_days = 0, int material = 0) {
    NodeSpec n;
    n.id = id;
    n.kind = kind;
    n.material = material;
    n.country = country;
    n.region = country;
    if (kind == NodeKind::consumer)
      n.demand_tpy = capacity_or_demand_tpy;
    else
      n.capacity_tpy = capacity_or_demand_tpy;
    n.buffer_days = buffer_days;
    s.nodes.push_back(n);
    if (kind == NodeKind::consumer && std::find(s.report_regions.begin(), s.report_regions.end(),
                                                country) == s.report_regions.end())
      s.report_regions.push_back(country);
    return static_cast<int>(s.nodes.size()) - 1;
  }
  void edge(int from, int to, double share, double lead, std::vector<std::string> routes = {}) {
    s.edges.push_back({from, to, share, lead, std::move(routes)});
  }
  int shock(ShockSpec k) {
    s.shocks.push_back(std::move(k));
    return static_cast<int>(s.shocks.size()) - 1;
  }
};

inline ShockSpec outage_of(const std::string& node_id) {
  ShockSpec k;
  k.name = "outage " + node_id;
  k.set_kind<OutageSpec>().nodes = {node_id};
  k.arrival = ArrivalKind::replay;
  return k;
}

}  // namespace crisp::test
