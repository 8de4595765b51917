#include "models/engine/pipelines.hpp"

#include <algorithm>
#include <cmath>

#include "models/engine/event_kinds.hpp"
#include "models/engine/levels.hpp"

namespace crisp::engine {

Pipelines::Pipelines(const MaterialNet& net) : net(net) {
  ship_rate.resize(net.edges.size());
  ship_lead.resize(net.edges.size());
  arrive.resize(net.edges.size());
  spot_ship.resize(net.spot_pairs.size());
  spot_arrive.resize(net.spot_pairs.size());
}

void Pipelines::reset() {
  std::fill(ship_rate.begin(), ship_rate.end(), 0.0);
  std::fill(arrive.begin(), arrive.end(), 0.0);
  std::fill(spot_ship.begin(), spot_ship.end(), 0.0);
  std::fill(spot_arrive.begin(), spot_arrive.end(), 0.0);
  for (std::size_t e = 0; e < net.edges.size(); ++e)
    ship_lead[e] = net.edges[e].lead;
}

void Pipelines::fill(const Allocator& alloc) {
  arrive = alloc.edge_flow;
  spot_arrive = alloc.spot_flow;
  ship_rate = alloc.edge_flow;
  spot_ship = alloc.spot_flow;
}

void Pipelines::ship(const Allocator& alloc, std::span<const double> extra_delay, double t,
                     EventQueue& queue) {
  for (std::uint32_t e = 0; e < net.edges.size(); ++e) {
    const double rate = same_rate(alloc.edge_flow[e], ship_rate[e], net.world_demand0)
                            ? ship_rate[e]
                            : alloc.edge_flow[e];
    const double lead = net.edges[e].lead + extra_delay[e];
    if (rate == ship_rate[e] && lead == ship_lead[e]) continue;
    if (lead == ship_lead[e]) {
      schedule(queue, t + lead, kArrivalEdge, e, 0, rate - ship_rate[e]);
    } else {
      if (ship_rate[e] != 0) schedule(queue, t + ship_lead[e], kArrivalEdge, e, 0, -ship_rate[e]);
      if (rate != 0) schedule(queue, t + lead, kArrivalEdge, e, 0, rate);
    }
    ship_rate[e] = rate;
    ship_lead[e] = lead;
  }
  const double spot_lead = net.spec.spot_lead_time_days;
  for (std::uint32_t p = 0; p < net.spot_pairs.size(); ++p) {
    const double rate = alloc.spot_flow[p];
    if (same_rate(rate, spot_ship[p], net.world_demand0)) continue;
    schedule(queue, t + spot_lead, kArrivalSpot, p, 0, rate - spot_ship[p]);
    spot_ship[p] = rate;
  }
}

}  // namespace crisp::engine
