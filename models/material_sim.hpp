#pragma once
// One material's replication (docs/model.md): the event loop that asks the components in
// models/engine/ (stores, pipelines, shocks, market, tally) when they next change, advances them
// to each instant, and runs the settle sequence. Materials couple only through shocks, which are
// sampled before the run, and euro totals, which the Simulator adds up; so each material runs on
// its own queue.

#include <span>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "core/event_queue.hpp"
#include "models/allocation.hpp"
#include "models/engine/buffers.hpp"
#include "models/engine/held_buffers.hpp"
#include "models/engine/market_state.hpp"
#include "models/engine/pipelines.hpp"
#include "models/engine/resourcing.hpp"
#include "models/engine/shock_state.hpp"
#include "models/engine/stockpiles.hpp"
#include "models/engine/tally.hpp"
#include "models/metrics.hpp"
#include "models/network.hpp"
#include "models/shocks.hpp"
#include "models/trajectory.hpp"

namespace crisp {

// Thrown when one simulated day takes more events than the progress budget (docs/model.md
// "Progress"); the runner adds the replication and seed to the message. When the shocks alone
// scheduled more events than the budget (`shock_events` > `budget`), the input made them, not
// the engine, and the runner says which keys to change.
struct NoProgress : std::runtime_error {
  NoProgress(const std::string& material, double day, std::uint64_t budget,
             std::uint64_t shock_events);
  std::string material;
  double day;
  std::uint64_t budget, shock_events;
};

// What a run cost, for the bench and the progress tests.
struct RunStats {
  std::uint64_t events = 0;    // events popped, stale ones included
  std::uint64_t instants = 0;  // distinct times with an event that is not stale
  std::uint64_t settles = 0;   // instants solved in full (allocation and all)
};

// Work the engine may skip because it cannot change a result; each is on by default and can be
// turned off to check that (tests/unit/test_engine_skips.cpp).
struct EngineOptions {
  bool drop_stale = true;      // superseded crossings and timers cost no settle
  bool local_arrivals = true;  // arrivals that change no allocation input move only stores
};

class MaterialSim {
 public:
  MaterialSim(const Scenario& scenario, const MaterialNet& net, const MetricLayout& layout,
              EngineOptions options = {});

  // `shocks` is the whole replication's history; only occurrences that reach this material act.
  void run(std::span<const ShockOccurrence> shocks, std::span<double> metrics_out);

  // Record the next runs' trajectories into `out` (nullptr: stop recording); out->step set, the
  // rest is sized by run().
  void record(Trajectory* out) { tally_.record(out); }

  // After run(): the shortage spells per report region, and the euro metrics per region.
  const std::vector<std::vector<Spell>>& spells() const { return tally_.spells(); }
  const RunStats& stats() const { return stats_; }

 private:
  void reset(std::span<const ShockOccurrence> shocks);
  // The one place an event acts: each kind's line calls the component that owns its state.
  void apply(const Event& e);
  // By the kind's staleness rule (models/engine/event_kinds.hpp).
  bool is_stale(const Event& e) const;
  void recompute_shock_factors();
  void recompute_targets() { buffers_.retarget(shocks_, scenario_, market_.stock_building_days()); }
  engine::DemandNow demand() const {
    return {buffers_.demand, shocks_.surge, market_.substitution, market_.response,
            market_.given_up_value};
  }
  // Every store and the tally over [t_, t1), at the rates settled at t_.
  void advance(double t1);
  void solve_day0();
  void settle();

  // settle() steps, in docs/model.md order.
  void sum_inflows();
  void compute_requirements();
  double requirement_of(int consumer, bool& refill) const;
  bool settle_arrivals();
  void run_allocation();
  void compute_store_flows();
  void schedule_crossings();
  // Buffers held at their target over a zero lead time: what reaches held buffer n at this
  // instant less what it uses, and that after allocating again with it asking for `fraction`.
  double hold_balance(int n) const;
  double hold_use(int n) const;
  double evaluate_hold(int n, double fraction);

  EngineOptions options_;
  const Scenario& scenario_;
  const MaterialNet& net_;
  Allocator alloc_;
  EventQueue queue_;
  double t_ = 0;

  // The components, each owning its state (models/engine/).
  engine::ShockState shocks_;
  engine::MarketState market_;
  engine::Pipelines pipes_;
  engine::Buffers buffers_;
  engine::Stockpiles stockpiles_;
  engine::Resourcing resourcing_;
  engine::HeldBuffers held_;
  engine::Tally tally_;

  std::vector<double> availability_, capacity_;  // per node: allocation inputs
  std::vector<int> touched_;                     // nodes an arrival reached at the current instant
  std::vector<int> refilling_now_;  // settle_arrivals: the consumers whose requirement refills
  bool zero_lead_ = false;          // some shipment can arrive at the instant it is sent
  RunStats stats_;
  std::uint64_t event_budget_ = 0;
  std::uint64_t shock_events_ = 0;  // what reset() scheduled for the shocks (NoProgress)
};

}  // namespace crisp
