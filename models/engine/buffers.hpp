#pragma once
// The private buffers of one material's nodes (docs/model.md "Stores"): each consumer's buffer,
// drawn by its demand, and each refinery's input buffer, drawn by its output, which runs dry and
// restarts. Both are indexed by node (the allocation reads them so); a buffer's level moves
// linearly at its net rate between events, and its next change is the crossing it schedules.

#include <cstdint>
#include <span>
#include <vector>

#include "core/event_queue.hpp"
#include "models/allocation.hpp"
#include "models/engine/demand.hpp"
#include "models/engine/levels.hpp"
#include "models/network.hpp"

namespace crisp {
// A refinery that ran dry processes only what arrives until its input buffer holds this fraction
// of its target again (docs/model.md "Refinery input buffers: running dry").
inline constexpr double kRestartFraction = 0.01;
}  // namespace crisp

namespace crisp::engine {

struct ShockState;
class Stockpiles;

struct Buffers {
  explicit Buffers(const MaterialNet& net);

  // Day-0 demand; consumer buffers full at their targets (refineries' come from day 0's
  // allocation: set_refinery_targets).
  void reset();
  void set_refinery_targets(const Allocator& alloc);
  // Demand grows a year.
  void grow();
  // Consumer targets: buffer_days of day-0 demand, raised during an announced restriction's
  // window for the buyers it covers (pre-emptive buying).
  // `extra_days` of day-0 demand on every consumer's target: stock building while the price
  // rises (docs/model.md "Demand response and a stepped price").
  void retarget(const ShockState& shocks, const Scenario& scenario, double extra_days);

  // A consumer's buffer is empty at level 0. A refinery's is empty from the moment it runs dry
  // until it holds its restart level again (docs/model.md "Refinery input buffers: running dry").
  bool empty(int n) const { return dry[n] || level[n] <= tol_of(target[n]); }
  double restart_level(int refinery) const { return kRestartFraction * target[refinery]; }
  // A refinery buffer found at 0 is dry, whether or not a crossing brought it there.
  void mark_dry();
  // What a releasing stockpile would cover at consumer c: D - a.
  double gap(int c, const DemandNow& demand) const;
  // A buffer at its target (not empty, with a refill to ask for) that some supplier can reach at
  // the same instant: a contract edge whose lead time is 0 now, or spot with a zero lead time.
  bool holdable(int n, std::span<const double> extra_delay) const;

  // Where material goes at each store (docs/model.md "Consumers: where material goes"): the net
  // rate of every buffer, unmet demand, and the surplus that refills a stockpile.
  void compute_flows(const DemandNow& demand, Stockpiles& stockpiles, const Allocator& alloc);
  // Levels over [t, t + dt), at constant rates.
  void advance(double dt) {
    for (std::size_t n = 0; n < net.nodes.size(); ++n)
      level[n] += net_rate[n] * dt;
  }
  // A crossing event of buffer n (its version current): the level it reached.
  void cross(int n, double value);
  // A buffer's crossing moves only when its net rate changes beyond rounding (or one just fired).
  void schedule_crossings(double t, double horizon, EventQueue& queue);

  const MaterialNet& net;
  int year = 0;
  std::vector<double> demand;  // per consumer: grown demand, before surge and substitution
  std::vector<double> level, target, base_target, refill_rate;
  std::vector<double> inflow, release, unmet, net_rate;
  std::vector<double> scheduled_net;      // the net rate the pending crossing was computed for
  std::vector<std::uint64_t> version;     // lazy deletion stamp of the pending crossing
  std::vector<double> requirement_in;     // consumer requirements handed to allocation
  std::vector<double> refill_latch_time;  // when its buffer refill last started
  std::vector<char> refill_latched;       // that was at the current instant
  std::vector<char> dry;  // per refinery: ran dry, not yet back at its restart level

 private:
  void schedule_crossing(int n, double t, double horizon, EventQueue& queue);
};

}  // namespace crisp::engine
