#pragma once
// One material's network, compiled for the hot loop. The graph is held in Boost.Graph (a
// bidirectional adjacency list, so in- and out-edges are both cheap); the simulator reads the flat
// arrays derived from it, which also hold what each shock and stockpile touches.

#include <string>
#include <vector>

#include <boost/graph/adjacency_list.hpp>

#include "models/scenario.hpp"
#include "models/spot_pairs.hpp"

namespace crisp {

struct NetNode {
  int scenario_index = 0;
  NodeKind kind = NodeKind::mine;
  double capacity = 0;  // t/day
  double yield = 1;
  double buffer_days = 0;
  double buffer_refill_days = 60;
  double demand0 = 0;            // t/day on day 0 (consumers)
  double growth = 0;             // per year
  double demand_elasticity = 0;  // consumers: the node's own, else the material's
  int stockpile = -1;            // consumers: the stockpile serving it, -1 when none
  double stockpile_weight = 0;   // consumers: their share of that stockpile's day-0 demand
  bool buys_from_refineries = false, buys_from_mines = false;
  double resourcing_delay = 0;  // buyers: the material's, shortened by early warning
  int country = 0;              // index into MaterialNet::countries
  // A standby node: capacity 0 until activation_days after the first unmet demand at one of
  // `owner_consumers`.
  bool standby = false;
  double activation_days = 0;
  std::vector<int> owner_consumers;
};

struct NetEdge {
  int from = 0, to = 0;  // local node indices
  double share = 0, lead = 0;
  int switch_node = -1;  // while this standby node is inactive the edge uses standby_share
  double standby_share = 0;
};

struct NetStockpile {
  StockpileSpec spec;
  std::vector<int> consumers;   // local node indices
  std::vector<double> weights;  // day-0 demand shares of the consumers (sum 1)
  double demand0 = 0;           // their day-0 demand, t/day
  double target = 0, cap = 0, refill_rate = 0;
  double delay = 0;  // release delay, shortened by early warning
};

// A lever's cost inside this material (docs/model.md "Policy levers"), in euros per day.
struct NetCost {
  double fixed = 0;
  int node = -1;  // per-tonne charge on what it ships; standby charge while inactive
  double per_t = 0, standby = 0;
  std::vector<int> edges;  // per-tonne charges on contract flows
  std::vector<double> edge_per_t;
  std::vector<double> region_weight;  // per report region: its part of the cost
};

// What one scenario shock does inside this material.
struct ShockReach {
  std::vector<int> nodes;       // outage: capacity factor
  std::vector<int> edges;       // export_restriction, chokepoint: contract edges covered
  std::vector<int> spot_pairs;  // export_restriction: spot pairs blocked
  std::vector<int> consumers;   // demand_surge; export_restriction: buyers it covers (announce)
  bool touches() const {
    return !nodes.empty() || !edges.empty() || !spot_pairs.empty() || !consumers.empty();
  }
};

using NetGraph =
    boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS, boost::no_property,
                          boost::property<boost::edge_index_t, int>>;

struct MaterialNet {
  int material = 0;
  MaterialSpec spec;
  NetGraph graph;
  std::vector<NetNode> nodes;
  std::vector<NetEdge> edges;
  std::vector<std::vector<int>> in_edges, out_edges;  // per node, edge indices
  SpotPairs spot_pairs;  // grouped by supplier; implicit (models/spot_pairs.hpp)
  SpotPairIndex spot_by_supplier, spot_by_buyer;
  std::vector<int> refineries, mines, consumers;  // local indices, in scenario order
  std::vector<NetStockpile> stockpiles;
  std::vector<NetCost> costs;
  std::vector<ShockReach> shocks;      // per scenario shock
  std::vector<std::string> countries;  // of this material's nodes, by first appearance
  std::vector<int> standby_nodes;
  double world_demand0 = 0;  // t/day, every consumer on day 0
  // Per report region: its consumers of this material, and each stockpile's cost weight in it.
  std::vector<std::vector<int>> region_consumers;
  std::vector<std::vector<double>> region_stockpile_weight;  // [region][stockpile]
  // Per report region: whether each country is one of its own (for max_country_share).
  std::vector<std::vector<char>> region_own_country;
};

// Whether compile_networks resolves what each shock reaches. The day-0 balance has no shock, and
// an export restriction's reach visits every spot pair (suppliers x buyers: 80 million at 20 000
// nodes, two thirds of `crisp check`'s time when it was resolved there).
enum class ShockReaches { resolve, skip };

// Throws std::invalid_argument when the policy set cannot apply to the scenario (for example two
// stockpiles serving the same consumer). With ShockReaches::skip every net.shocks[k] is empty.
std::vector<MaterialNet> compile_networks(const Scenario& s, const PolicyEffects& effects,
                                          ShockReaches reaches = ShockReaches::resolve);

}  // namespace crisp
