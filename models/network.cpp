#include "models/network.hpp"

#include <algorithm>
#include <array>
#include <stdexcept>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "models/shocks/kinds.hpp"

namespace crisp {

namespace {

bool contains(const std::vector<std::string>& list, const std::string& x) {
  return std::find(list.begin(), list.end(), x) != list.end();
}

void add_nodes(const Scenario& s, MaterialNet& net, std::vector<int>& local_of) {
  for (int i = 0; i < static_cast<int>(s.nodes.size()); ++i) {
    const NodeSpec& n = s.nodes[i];
    if (n.material != net.material) continue;
    local_of[i] = static_cast<int>(net.nodes.size());
    NetNode x;
    x.scenario_index = i;
    x.kind = n.kind;
    x.capacity = n.capacity_tpy / kDaysPerYear;
    x.yield = n.yield;
    x.buffer_days = n.buffer_days;
    x.buffer_refill_days = n.buffer_refill_days;
    x.demand0 = n.demand_tpy / kDaysPerYear;
    x.growth = n.growth_per_year;
    x.demand_elasticity = n.demand_elasticity >= 0
                              ? n.demand_elasticity
                              : s.materials[n.material].market.demand_elasticity;
    x.resourcing_delay = net.spec.resourcing_delay_days;
    x.standby = n.standby;
    x.activation_days = n.activation_days;
    const auto country = std::find(net.countries.begin(), net.countries.end(), n.country);
    x.country = static_cast<int>(country - net.countries.begin());
    if (country == net.countries.end()) net.countries.push_back(n.country);
    if (n.kind == NodeKind::consumer) net.world_demand0 += x.demand0;
    net.nodes.push_back(x);
    auto& by_kind = n.kind == NodeKind::mine       ? net.mines
                    : n.kind == NodeKind::refinery ? net.refineries
                                                   : net.consumers;
    by_kind.push_back(local_of[i]);
    boost::add_vertex(net.graph);
  }
}

void add_edges(const Scenario& s, MaterialNet& net, const std::vector<int>& local_of) {
  net.in_edges.assign(net.nodes.size(), {});
  net.out_edges.assign(net.nodes.size(), {});
  for (const EdgeSpec& e : s.edges) {
    if (s.nodes[e.from].material != net.material) continue;
    const int id = static_cast<int>(net.edges.size());
    const NetEdge x{local_of[e.from],
                    local_of[e.to],
                    e.share,
                    e.lead_time_days,
                    e.switch_node >= 0 ? local_of[e.switch_node] : -1,
                    e.standby_share};
    net.edges.push_back(x);
    boost::add_edge(x.from, x.to, id, net.graph);
    NetNode& buyer = net.nodes[x.to];
    (net.nodes[x.from].kind == NodeKind::mine ? buyer.buys_from_mines
                                              : buyer.buys_from_refineries) = true;
  }
  // In- and out-lists come from the graph, in edge-index order so allocation sums are fixed.
  const auto index = boost::get(boost::edge_index, net.graph);
  for (int v = 0; v < static_cast<int>(net.nodes.size()); ++v) {
    for (auto [it, end] = boost::in_edges(v, net.graph); it != end; ++it)
      net.in_edges[v].push_back(index[*it]);
    for (auto [it, end] = boost::out_edges(v, net.graph); it != end; ++it)
      net.out_edges[v].push_back(index[*it]);
    std::sort(net.in_edges[v].begin(), net.in_edges[v].end());
    std::sort(net.out_edges[v].begin(), net.out_edges[v].end());
  }
}

// Spot partners: every supplier of a kind the buyer already has a contract with. The pairs are
// numbered, never listed (models/spot_pairs.hpp): O(nodes), where the lists were suppliers x
// buyers.
void add_spot_pairs(MaterialNet& net) {
  auto block = [&](const std::vector<int>& suppliers, bool NetNode::*buys) {
    SpotBlock k;
    k.suppliers = suppliers;
    for (int b = 0; b < static_cast<int>(net.nodes.size()); ++b)
      if (net.nodes[b].*buys) k.buyers.push_back(b);
    return k;
  };
  net.spot_pairs = SpotPairs(block(net.refineries, &NetNode::buys_from_refineries),
                             block(net.mines, &NetNode::buys_from_mines));
  const std::array<SpotBlock, 2>& blocks = net.spot_pairs.blocks();
  std::vector<SpotPairIds> by_supplier(net.nodes.size()), by_buyer(net.nodes.size());
  std::array<std::vector<int>, 2> position;  // per block, per node: its place among the buyers
  for (std::size_t k = 0; k < 2; ++k) {
    const SpotBlock& b = blocks[k];
    const int n = static_cast<int>(b.buyers.size());
    for (std::size_t i = 0; i < b.suppliers.size(); ++i)
      by_supplier[b.suppliers[i]] =
          SpotPairIds({b.base + static_cast<int>(i) * n, n, 1}, SpotPairIds::Run{});
    position[k].assign(net.nodes.size(), -1);
    for (int j = 0; j < n; ++j)
      position[k][b.buyers[j]] = j;
  }
  for (std::size_t v = 0; v < net.nodes.size(); ++v) {
    std::array<SpotPairIds::Run, 2> runs{};
    for (std::size_t k = 0; k < 2; ++k)
      if (position[k][v] >= 0)
        runs[k] = {blocks[k].base + position[k][v], static_cast<int>(blocks[k].suppliers.size()),
                   static_cast<int>(blocks[k].buyers.size())};
    by_buyer[v] = SpotPairIds(runs[0], runs[1]);
  }
  net.spot_by_supplier = SpotPairIndex(std::move(by_supplier));
  net.spot_by_buyer = SpotPairIndex(std::move(by_buyer));
}

// What each shock reaches here: its kind's reach (models/shocks/<kind>.hpp).
void add_shock_reach(const Scenario& s, MaterialNet& net) {
  net.shocks.assign(s.shocks.size(), {});
  for (std::size_t k = 0; k < s.shocks.size(); ++k)
    resolve_shock_reach(s.shocks[k], s, net, net.shocks[k]);
}

// Consumer regions, with any group among them replaced by its members.
std::vector<std::string> expand_groups(const Scenario& s, const std::vector<std::string>& regions) {
  std::vector<std::string> out;
  for (const std::string& r : regions)
    for (const std::string& m : s.member_regions(r))
      if (!contains(out, m)) out.push_back(m);
  return out;
}

// The largest early-warning lead over `regions` for this material.
double warning_lead(const Scenario& s, const std::vector<EarlyWarningSpec>& warnings, int material,
                    const std::vector<std::string>& regions) {
  double lead = 0;
  for (const EarlyWarningSpec& w : warnings) {
    if (w.material >= 0 && w.material != material) continue;
    const std::vector<std::string> warned = expand_groups(s, w.regions);
    for (const std::string& r : regions)
      if (contains(warned, r)) lead = std::max(lead, w.lead_days);
  }
  return lead;
}

void add_policy_settings(const Scenario& s, const PolicyEffects& effects, MaterialNet& net) {
  for (int c : net.consumers) {
    const std::string& region = s.nodes[net.nodes[c].scenario_index].region;
    net.nodes[c].resourcing_delay =
        std::max(0.0, net.spec.resourcing_delay_days -
                          warning_lead(s, effects.early_warnings, net.material, {region}));
  }
  for (NetStockpile& sp : net.stockpiles)
    sp.delay =
        std::max(0.0, sp.spec.delay_days - warning_lead(s, effects.early_warnings, net.material,
                                                        expand_groups(s, sp.spec.regions)));
  for (int v = 0; v < static_cast<int>(net.nodes.size()); ++v) {
    NetNode& node = net.nodes[v];
    if (!node.standby) continue;
    net.standby_nodes.push_back(v);
    const std::string& owner = s.nodes[node.scenario_index].owner_region;
    for (int c : net.consumers)
      if (s.nodes[net.nodes[c].scenario_index].region == owner) node.owner_consumers.push_back(c);
  }
}

int local_node(const Scenario& s, const MaterialNet& net, const std::string& id) {
  for (int v = 0; v < static_cast<int>(net.nodes.size()); ++v)
    if (s.nodes[net.nodes[v].scenario_index].id == id) return v;
  throw std::invalid_argument(
      fmt::format("a policy cost names node '{}', which the {} network lacks", id, net.spec.name));
}

// Each report region's part of a cost: the day-0 demand of the lever's regions that lies in it
// (equal parts per lever region when they have no demand of this material).
std::vector<double> region_weights(const Scenario& s, const MaterialNet& net,
                                   const std::vector<std::string>& lever_regions) {
  std::vector<double> demand(lever_regions.size(), 0.0);
  for (int c : net.consumers) {
    const std::string& region = s.nodes[net.nodes[c].scenario_index].region;
    for (std::size_t i = 0; i < lever_regions.size(); ++i)
      if (lever_regions[i] == region) demand[i] += net.nodes[c].demand0;
  }
  double total = 0;
  for (double d : demand)
    total += d;
  std::vector<double> weight(s.report_regions.size(), 0.0);
  for (std::size_t r = 0; r < s.report_regions.size(); ++r) {
    const std::vector<std::string> members = s.member_regions(s.report_regions[r]);
    for (std::size_t i = 0; i < lever_regions.size(); ++i)
      if (contains(members, lever_regions[i]))
        weight[r] +=
            total > 0 ? demand[i] / total : 1.0 / static_cast<double>(lever_regions.size());
  }
  return weight;
}

void add_costs(const Scenario& s, const PolicyEffects& effects, MaterialNet& net) {
  for (const LeverCost& cost : effects.costs) {
    if (cost.material != net.material) continue;
    NetCost x;
    x.fixed = cost.eur_per_year / kDaysPerYear;
    x.standby = cost.standby_eur_per_year / kDaysPerYear;
    x.per_t = cost.eur_per_t;
    if (!cost.node.empty()) x.node = local_node(s, net, cost.node);
    for (std::size_t i = 0; i < cost.edges.size(); ++i) {
      const int from = local_node(s, net, cost.edges[i].first);
      const int to = local_node(s, net, cost.edges[i].second);
      const auto& out = net.out_edges[from];
      const auto e =
          std::find_if(out.begin(), out.end(), [&](int e) { return net.edges[e].to == to; });
      if (e == out.end())
        throw std::invalid_argument(
            fmt::format("a policy cost names edge '{} -> {}', which does not exist",
                        cost.edges[i].first, cost.edges[i].second));
      x.edges.push_back(*e);
      x.edge_per_t.push_back(cost.edge_eur_per_t[i]);
    }
    x.region_weight = region_weights(s, net, expand_groups(s, cost.regions));
    net.costs.push_back(std::move(x));
  }
}

void add_stockpiles(const Scenario& s, const std::vector<StockpileSpec>& stockpiles,
                    MaterialNet& net) {
  for (const StockpileSpec& spec : stockpiles) {
    if (spec.material != net.material) continue;
    NetStockpile sp;
    sp.spec = spec;
    const int id = static_cast<int>(net.stockpiles.size());
    for (int c : net.consumers) {
      if (!contains(spec.regions, s.nodes[net.nodes[c].scenario_index].region)) continue;
      if (net.nodes[c].stockpile >= 0)
        throw std::invalid_argument(fmt::format(
            "consumer '{}' is served by two stockpiles ('{}' and '{}'); a consumer may draw on one",
            s.nodes[net.nodes[c].scenario_index].id,
            net.stockpiles[net.nodes[c].stockpile].spec.name, spec.name));
      net.nodes[c].stockpile = id;
      sp.consumers.push_back(c);
      sp.demand0 += net.nodes[c].demand0;
    }
    if (sp.consumers.empty())
      throw std::invalid_argument(
          fmt::format("stockpile '{}' serves no consumer of its material in regions {}", spec.name,
                      fmt::join(spec.regions, ", ")));
    for (int c : sp.consumers)
      sp.weights.push_back(sp.demand0 > 0 ? net.nodes[c].demand0 / sp.demand0
                                          : 1.0 / static_cast<double>(sp.consumers.size()));
    for (std::size_t i = 0; i < sp.consumers.size(); ++i)
      net.nodes[sp.consumers[i]].stockpile_weight = sp.weights[i];
    sp.target = spec.size_t_abs >= 0 ? spec.size_t_abs : spec.size_days * sp.demand0;
    sp.cap = spec.max_rate_days * sp.demand0;
    sp.refill_rate = spec.refill_rate_days * sp.demand0;
    net.stockpiles.push_back(std::move(sp));
  }
}

void add_report_regions(const Scenario& s, MaterialNet& net) {
  const std::size_t regions = s.report_regions.size();
  net.region_consumers.assign(regions, {});
  net.region_own_country.assign(regions, std::vector<char>(net.countries.size(), 0));
  net.region_stockpile_weight.assign(regions, std::vector<double>(net.stockpiles.size(), 0.0));
  for (std::size_t r = 0; r < regions; ++r) {
    const std::vector<std::string> members = s.member_regions(s.report_regions[r]);
    for (int c : net.consumers)
      if (contains(members, s.nodes[net.nodes[c].scenario_index].region)) {
        net.region_consumers[r].push_back(c);
        net.region_own_country[r][net.nodes[c].country] = 1;
      }
    for (std::size_t k = 0; k < net.stockpiles.size(); ++k) {
      const NetStockpile& sp = net.stockpiles[k];
      for (std::size_t i = 0; i < sp.consumers.size(); ++i)
        if (contains(members, s.nodes[net.nodes[sp.consumers[i]].scenario_index].region))
          net.region_stockpile_weight[r][k] += sp.weights[i];
    }
  }
}

}  // namespace

std::vector<MaterialNet> compile_networks(const Scenario& s, const PolicyEffects& effects,
                                          ShockReaches reaches) {
  std::vector<MaterialNet> nets(s.materials.size());
  std::vector<int> local_of(s.nodes.size(), -1);
  for (int m = 0; m < static_cast<int>(s.materials.size()); ++m) {
    MaterialNet& net = nets[m];
    net.material = m;
    net.spec = s.materials[m];
    add_nodes(s, net, local_of);
    add_edges(s, net, local_of);
    add_spot_pairs(net);
    if (reaches == ShockReaches::resolve)
      add_shock_reach(s, net);
    else
      net.shocks.assign(s.shocks.size(), {});
    add_stockpiles(s, effects.stockpiles, net);
    add_policy_settings(s, effects, net);
    add_costs(s, effects, net);
    add_report_regions(s, net);
  }
  return nets;
}

}  // namespace crisp
