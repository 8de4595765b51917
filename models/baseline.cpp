#include "models/baseline.hpp"

#include <limits>

#include "models/allocation.hpp"
#include "models/network.hpp"

namespace crisp {

std::vector<NodeBalance> baseline_balance(const Scenario& s) {
  std::vector<NodeBalance> out;
  for (const MaterialNet& net : compile_networks(s, PolicyEffects{})) {
    const std::size_t n = net.nodes.size();
    std::vector<double> requirement(n), availability(n), pass(net.edges.size(), 1.0), share;
    std::vector<double> level(n), target(n), inflow(n, std::numeric_limits<double>::infinity()),
        refill(n);
    std::vector<char> blocked(net.spot_pairs.size(), 0), ready(n, 0);
    for (const NetEdge& e : net.edges)
      share.push_back(e.share);  // standby contracts as built
    for (std::size_t v = 0; v < n; ++v) {
      requirement[v] = net.nodes[v].demand0;
      availability[v] = net.nodes[v].capacity;
    }
    Allocator alloc(net);
    AllocationInput in;
    in.consumer_requirement = requirement;
    in.availability = in.capacity = availability;
    in.share = share;
    in.pass = pass;
    in.spot_blocked = blocked;
    in.spot_ready = ready;
    in.buffer_level = level;
    in.buffer_target = target;
    in.inflow = inflow;
    in.refill_rate = refill;
    alloc.allocate(in);
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
