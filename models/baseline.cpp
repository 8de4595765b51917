#include "models/baseline.hpp"

#include "models/allocation.hpp"
#include "models/network.hpp"

namespace crisp {

std::vector<NodeBalance> baseline_balance(const Scenario& s) {
  std::vector<NodeBalance> out;
  for (const MaterialNet& net : compile_networks(s, PolicyEffects{}, ShockReaches::skip)) {
    const std::size_t n = net.nodes.size();
    Allocator alloc(net, Allocator::SpotFlows::none);  // day 0: nobody buys spot
    alloc.allocate(QuietInputs(net).view());
    std::vector<double> asked(n, 0.0), received(n, 0.0);
    for (std::size_t e = 0; e < net.edges.size(); ++e) {
      asked[net.edges[e].from] += net.edges[e].share * alloc.requirement[net.edges[e].to];
      received[net.edges[e].to] += alloc.edge_flow[e];
    }
    for (std::size_t v = 0; v < n; ++v) {
      const NetNode& node = net.nodes[v];
      NodeBalance b;
      b.node = node.scenario_index;
      const bool consumer = node.kind == NodeKind::consumer;
      b.requested_tpy = (consumer ? alloc.requirement[v] : asked[v]) * kDaysPerYear;
      b.supplied_tpy = (consumer ? received[v] : alloc.shipped[v]) * kDaysPerYear;
      b.capacity_tpy = (consumer ? node.demand0 : node.capacity) * kDaysPerYear;
      out.push_back(b);
    }
  }
  return out;
}

}  // namespace crisp
