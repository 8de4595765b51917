#include "models/engine/pipelines.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>

#include "models/engine/event_kinds.hpp"
#include "models/engine/levels.hpp"

namespace crisp::engine {

Pipelines::Pipelines(const MaterialNet& net) : net(net) {
  ship_rate.resize(net.edges.size());
  ship_lead.resize(net.edges.size());
  arrive.resize(net.edges.size());
  spot_ship.resize(net.spot_pairs.size());
  spot_arrive.resize(net.spot_pairs.size());
  arriving.resize(net.nodes.size());
}

void Pipelines::reset() {
  std::fill(ship_rate.begin(), ship_rate.end(), 0.0);
  std::fill(arrive.begin(), arrive.end(), 0.0);
  std::fill(spot_ship.begin(), spot_ship.end(), 0.0);
  std::fill(spot_arrive.begin(), spot_arrive.end(), 0.0);
  shipping_.clear();
  for (std::vector<int>& a : arriving)
    a.clear();
  // Pending batches went with the queue; each keeps its capacity for the next run.
  free_batches_.clear();
  for (std::size_t b = batches_.size(); b-- > 0;) {
    batches_[b].clear();
    free_batches_.push_back(static_cast<std::uint32_t>(b));
  }
  for (std::size_t e = 0; e < net.edges.size(); ++e)
    ship_lead[e] = net.edges[e].lead;
}

void Pipelines::fill(const Allocator& alloc) {
  arrive = alloc.edge_flow;
  spot_arrive = alloc.spot_flow;
  ship_rate = alloc.edge_flow;
  spot_ship = alloc.spot_flow;
  shipping_.clear();
  if (!alloc.spot_flow.empty()) {
    trading_pairs(alloc, visit_);
    for (int p : visit_)
      if (spot_ship[static_cast<std::size_t>(p)] != 0) shipping_.push_back(p);
  }
  for (std::vector<int>& a : arriving)
    a.clear();
  for (int p : shipping_)
    arriving[static_cast<std::size_t>(net.spot_pairs[static_cast<std::size_t>(p)].buyer)].push_back(
        p);
}

void Pipelines::note_arriving(int p, int buyer) {
  std::vector<int>& a = arriving[static_cast<std::size_t>(buyer)];
  const auto at = std::lower_bound(a.begin(), a.end(), p);
  const bool listed = at != a.end() && *at == p;
  const bool nonzero = spot_arrive[static_cast<std::size_t>(p)] != 0;
  if (nonzero && !listed) a.insert(at, p);
  if (!nonzero && listed) a.erase(at);
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
  // A spot pair's rate can change only where it ships now or the allocation gave it a flow: visit
  // the union of those, ascending, as a walk over every pair met them (the events' sequence
  // numbers follow that order).
  trading_pairs(alloc, visit_);
  merged_.clear();
  std::set_union(visit_.begin(), visit_.end(), shipping_.begin(), shipping_.end(),
                 std::back_inserter(merged_));
  shipping_.clear();
  if (free_batches_.empty()) {
    free_batches_.push_back(static_cast<std::uint32_t>(batches_.size()));
    batches_.emplace_back();
    // The free list holds every batch at the next reset: room for it now, while batches are
    // made, so that a run in steady state asks the heap for nothing (tests/unit/
    // test_no_allocation.cpp).
    free_batches_.reserve(batches_.size());
  }
  const std::uint32_t b = free_batches_.back();
  std::vector<std::pair<std::uint32_t, double>>& batch = batches_[b];
  for (int q : merged_) {
    const auto p = static_cast<std::uint32_t>(q);
    const double rate = alloc.spot_flow[p];
    if (!same_rate(rate, spot_ship[p], net.world_demand0)) {
      batch.emplace_back(p, rate - spot_ship[p]);
      spot_ship[p] = rate;
    }
    if (spot_ship[p] != 0) shipping_.push_back(q);
  }
  if (batch.empty()) return;
  free_batches_.pop_back();
  schedule(queue, t + net.spec.spot_lead_time_days, kArrivalSpot, b, 0, 0.0);
}

void Pipelines::land_spot_batch(std::uint32_t b, std::vector<int>& touched) {
  std::vector<std::pair<std::uint32_t, double>>& batch = batches_[b];
  for (const auto& [p, change] : batch) {
    const int buyer = net.spot_pairs[p].buyer;
    land(spot_arrive[p], change, buyer);
    note_arriving(static_cast<int>(p), buyer);
    touched.push_back(buyer);
  }
  batch.clear();
  free_batches_.push_back(b);
}

// The pairs of the buyers that traded at the allocation, ascending: block by block, supplier by
// supplier, buyers ascending.
void Pipelines::trading_pairs(const Allocator& alloc, std::vector<int>& out) const {
  out.clear();
  for (std::size_t k = 0; k < 2; ++k) {
    const SpotBlock& block = net.spot_pairs.blocks()[k];
    const int n = static_cast<int>(block.buyers.size());
    for (int i = 0; i < static_cast<int>(block.suppliers.size()); ++i)
      for (int j : alloc.spot_traders(static_cast<int>(k)))
        out.push_back(block.base + i * n + j);
  }
}

}  // namespace crisp::engine
