#pragma once
// In-transit material (docs/model.md "Lead times and pipelines"): what each contract edge and
// spot pair ships now, with which lead time, and what arrives now. A change of shipping rate is
// an arrival event one lead time later; the pipeline's next change is the earliest of those.

#include <cmath>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "core/event_queue.hpp"
#include "models/allocation.hpp"
#include "models/network.hpp"

namespace crisp::engine {

struct Pipelines {
  explicit Pipelines(const MaterialNet& net);

  // Empty pipelines, each edge at its lead time as built.
  void reset();
  // Day 0: every pipeline full at the allocation's flows.
  void fill(const Allocator& alloc);
  // An arrival event: the arrival rate of edge (or spot pair) `target` changes by `value`;
  // returns the node it reaches.
  int land_edge(std::uint32_t e, double value) { return land(arrive[e], value, net.edges[e].to); }
  // The spot pairs whose shipping rate changed at one instant all arrive one spot lead time
  // later, so one event carries them (a batch, in pair order): a spot market of many pairs costs
  // one event per settle, not one per pair. Lands them and appends their buyers to `touched`.
  void land_spot_batch(std::uint32_t batch, std::vector<int>& touched);
  // Node n's arrival rate: its contract edges, then its spot pairs, each in index order.
  double inflow_of(int n) const {
    double sum = 0;
    for (int e : net.in_edges[n])
      sum += arrive[e];
    for (int p : arriving[n])
      sum += spot_arrive[p];
    return sum;
  }
  // Ships at the allocation's flows from t: each change of rate or lead time ends one shipping
  // segment and starts another, which arrive one lead time later.
  void ship(const Allocator& alloc, std::span<const double> extra_delay, double t,
            EventQueue& queue);

  const MaterialNet& net;
  std::vector<double> ship_rate, ship_lead, arrive;  // per edge
  std::vector<double> spot_ship, spot_arrive;        // per spot pair
  // Per buyer, its spot pairs whose spot_arrive is nonzero, ascending: a sum over them adds the
  // nonzero terms of a sum over all its pairs in the same order.
  std::vector<std::vector<int>> arriving;

 private:
  // The arrival rate is a sum of segment starts and ends; snap rounding residue to zero.
  static int land(double& a, double change, int node) {
    a += change;
    if (std::abs(a) <= 1e-9 * std::abs(change)) a = 0.0;
    return node;
  }
  // Keeps pair p in or out of its buyer's `arriving` as its arrival rate is nonzero or zero.
  void note_arriving(int p, int buyer);
  void trading_pairs(const Allocator& alloc, std::vector<int>& out) const;

  // Spot batches: per batch, (pair, change of its arrival rate); the batches free for reuse.
  std::vector<std::vector<std::pair<std::uint32_t, double>>> batches_;
  std::vector<std::uint32_t> free_batches_;
  std::vector<int> shipping_;        // the spot pairs whose spot_ship is nonzero, ascending
  std::vector<int> visit_, merged_;  // scratch of ship()
};

}  // namespace crisp::engine
