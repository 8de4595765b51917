#include "models/engine/buffers.hpp"

#include <algorithm>
#include <cmath>

#include "models/engine/event_kinds.hpp"
#include "models/engine/levels.hpp"
#include "models/engine/shock_state.hpp"
#include "models/engine/stockpiles.hpp"
#include "models/shocks/kinds.hpp"

namespace crisp::engine {

Buffers::Buffers(const MaterialNet& net) : net(net) {
  const std::size_t n = net.nodes.size();
  base_target.resize(n);
  for (auto* v : {&demand, &level, &target, &refill_rate, &inflow, &release, &unmet, &net_rate,
                  &scheduled_net, &requirement_in, &refill_latch_time})
    v->resize(n);
  version.resize(n);
  refill_latched.resize(n);
  dry.resize(n);
}

void Buffers::reset() {
  year = 0;
  std::fill(release.begin(), release.end(), 0.0);
  std::fill(unmet.begin(), unmet.end(), 0.0);
  std::fill(net_rate.begin(), net_rate.end(), 0.0);
  std::fill(scheduled_net.begin(), scheduled_net.end(), 0.0);
  std::fill(version.begin(), version.end(), 0);
  std::fill(refill_latch_time.begin(), refill_latch_time.end(), -1.0);
  std::fill(dry.begin(), dry.end(), 0);
  for (std::size_t n = 0; n < net.nodes.size(); ++n) {
    const NetNode& node = net.nodes[n];
    demand[n] = node.demand0;
    // Consumer targets are known now; refinery targets come from the day-0 allocation.
    base_target[n] = node.kind == NodeKind::consumer ? node.buffer_days * node.demand0 : 0.0;
    target[n] = base_target[n];
    level[n] = target[n];
    refill_rate[n] = target[n] / node.buffer_refill_days;
  }
}

void Buffers::set_refinery_targets(const Allocator& alloc) {
  for (int r : net.refineries) {
    target[r] = net.nodes[r].buffer_days * alloc.shipped[r] / net.nodes[r].yield;
    level[r] = target[r];
    refill_rate[r] = target[r] / net.nodes[r].buffer_refill_days;
  }
}

void Buffers::grow() {
  ++year;
  for (int c : net.consumers)
    demand[c] = net.nodes[c].demand0 * std::pow(1.0 + net.nodes[c].growth, year);
}

void Buffers::retarget(const ShockState& shocks, const Scenario& scenario, double extra_days) {
  for (int c : net.consumers) {
    const NetNode& node = net.nodes[c];
    double t = base_target[c] + extra_days * node.demand0;
    for (int i : shocks.announced) {
      const ShockSpec& k = scenario.shocks[shocks.occurrences[i].shock];
      const auto& covered = net.shocks[shocks.occurrences[i].shock].consumers;
      if (std::find(covered.begin(), covered.end(), c) == covered.end()) continue;
      const double topped = schedule_of(k).announced_buffer_days;
      const double days = topped > 0 ? topped : node.buffer_days;
      t = std::max(t, days * node.demand0);
    }
    if (t == target[c]) continue;
    target[c] = t;
    refill_rate[c] = t / node.buffer_refill_days;
    scheduled_net[c] = kNaN;  // the crossing moves with the target
  }
}

void Buffers::mark_dry() {
  for (int r : net.refineries)
    if (level[r] <= tol_of(target[r])) dry[r] = 1;
}

double Buffers::gap(int c, const DemandNow& demand_now) const {
  return std::max(0.0, demand_now(c) - inflow[c]);
}

bool Buffers::holdable(int n, std::span<const double> extra_delay) const {
  if (refill_rate[n] <= 0 || empty(n)) return false;
  if (std::abs(level[n] - target[n]) > tol_of(target[n])) return false;
  if (net.spec.spot_lead_time_days == 0 && !net.spot_by_buyer[n].empty()) return true;
  for (int e : net.in_edges[n])
    if (net.edges[e].lead + extra_delay[e] == 0) return true;
  return false;
}

void Buffers::compute_flows(const DemandNow& demand_now, Stockpiles& stockpiles,
                            const Allocator& alloc) {
  stockpiles.clear_inflows();
  for (int c : net.consumers) {
    const double d = demand_now(c);
    const double surplus = inflow[c] + release[c] - d;
    unmet[c] = 0;
    net_rate[c] = 0;
    if (surplus >= -tol_of(d)) {
      const double extra = std::max(0.0, surplus);
      const int k = net.nodes[c].stockpile;
      const bool buffer_low = level[c] < target[c] - tol_of(target[c]);
      if (!buffer_low && k >= 0 && stockpiles[k].refilling)
        stockpiles[k].inflow += extra;
      else
        net_rate[c] = extra;
    } else if (!empty(c)) {
      net_rate[c] = surplus;
    } else {
      unmet[c] = -surplus;
    }
  }
  for (int r : net.refineries) {
    net_rate[r] = inflow[r] - alloc.shipped[r] / net.nodes[r].yield;
    if (empty(r) && net_rate[r] < 0) net_rate[r] = 0;  // rounding: it cannot go below 0
  }
}

void Buffers::cross(int n, double value) {
  if (value == kRestartCrossing) {
    level[n] = restart_level(n);
    dry[n] = 0;
  } else {
    level[n] = value == kEmptyCrossing ? 0.0 : target[n];
    if (value == kEmptyCrossing && net.nodes[n].kind == NodeKind::refinery) dry[n] = 1;
  }
  scheduled_net[n] = kNaN;  // force a new crossing to be scheduled
}

// A crossing recomputed for a rate one ulp away would land a rounding away from the one pending,
// and the two would split one instant in two.
[[gnu::always_inline]] inline void Buffers::schedule_crossing(int n, double t, double horizon,
                                                              EventQueue& queue) {
  if (same_rate(net_rate[n], scheduled_net[n])) return;
  scheduled_net[n] = net_rate[n];
  ++version[n];
  double kind = 0;
  const double dt =
      time_to_crossing(level[n], target[n], net_rate[n], kind, dry[n] ? restart_level(n) : 0.0);
  if (t + dt < horizon) schedule(queue, t + dt, kNodeCrossing, n, version[n], kind);
}

void Buffers::schedule_crossings(double t, double horizon, EventQueue& queue) {
  for (int n : net.consumers)
    schedule_crossing(n, t, horizon, queue);
  for (int n : net.refineries)
    schedule_crossing(n, t, horizon, queue);
}

}  // namespace crisp::engine
