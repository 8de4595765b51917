#pragma once
// One material's replication: the event loop, stores, pipelines and metrics (docs/model.md).
// Materials couple only through shocks, which are sampled before the run, and euro totals, which
// the Simulator adds up; so each material runs on its own queue.

#include <span>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "core/event_queue.hpp"
#include "models/allocation.hpp"
#include "models/discount.hpp"
#include "models/metrics.hpp"
#include "models/network.hpp"
#include "models/shocks.hpp"
#include "models/trajectory.hpp"

namespace crisp {

using Spell = std::pair<double, double>;  // [start, end) of a shortage

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

// A refinery that ran dry processes only what arrives until its input buffer holds this fraction
// of its target again (docs/model.md "Refinery input buffers: running dry").
inline constexpr double kRestartFraction = 0.01;

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
  void record(Trajectory* out) { trajectory_ = out; }

  // After run(): the shortage spells per report region, and the euro metrics per region.
  const std::vector<std::vector<Spell>>& spells() const { return spells_; }
  const RunStats& stats() const { return stats_; }

 private:
  enum class Release { idle, armed, releasing };

  struct Stockpile {
    double level = 0, inflow = 0, release = 0;
    Release state = Release::idle;
    bool refilling = false, ever_released = false;
    double last_release_end = 0;
    double min_frac = 1;
    double cost = 0;
    double net_cost = 0;  // at the horizon: cost less what is left, credited at the base price
    std::uint64_t crossing_version = 0, release_version = 0;  // lazy deletion stamps
    double scheduled_net = 0;
  };

  struct RegionTally {
    double unmet = 0, demand = 0, released = 0;  // current rates
    double unmet_t = 0, demand_t = 0, released_t = 0;
    double shortage_days = 0, longest = 0, peak = 0, loss = 0;
    bool in_spell = false;
    double spell_start = 0;
  };

  void reset(std::span<const ShockOccurrence> shocks);
  void apply(const Event& e);
  bool is_stale(const Event& e) const;
  void recompute_shock_factors();
  void recompute_targets();
  void update_share(int edge);
  void market_review();
  bool may_refill(std::size_t stockpile) const;
  void update_price();
  double demand_now(int consumer) const;
  void advance(double t1);
  void solve_day0();
  void settle();

  // settle() steps, in docs/model.md order.
  void sum_inflows();
  void update_stockpile_states();
  void compute_releases();
  void compute_requirements();
  double requirement_of(int consumer, bool& refill) const;
  bool settle_arrivals();
  double inflow_of(int node) const;
  void run_allocation();
  void schedule_arrivals();
  void compute_store_flows();
  void schedule_crossings();
  void track_resourcing();

  // Buffers held at their target over a zero lead time (docs/model.md "Zero lead times: buffers
  // held at their target").
  bool holdable(int n) const;
  void choose_held();
  void solve_held();
  void solve_hold(int n);
  double hold_balance(int n) const;
  double evaluate_hold(int n, double fraction);

  double consumer_gap(int c) const;
  bool buffer_empty(int n) const;
  bool reviews() const;
  double restart_level(int refinery) const;
  void schedule(double time, std::uint32_t kind, std::uint32_t target, std::uint64_t version,
                double value);
  void close_spells(double t);
  // Trajectory samples at the sample times before t1 (inclusive of t1 when `through`).
  void sample_until(double t1, bool through);
  void finish(std::span<double> out);

  EngineOptions options_;
  const Scenario& scenario_;
  const MaterialNet& net_;
  const MetricLayout& layout_;
  Discount discount_;
  Allocator alloc_;
  EventQueue queue_;
  double t_ = 0;
  int year_ = 0;

  // Shocks reaching this material, and which are active.
  std::vector<ShockOccurrence> occurrences_;
  std::vector<int> active_;       // occurrences in force
  std::vector<int> announced_;    // export restrictions announced but not yet biting
  std::vector<char> restricted_;  // per node: an active restriction covers its exports
  std::vector<double> capacity_factor_, surge_;  // per node
  std::vector<double> pass_, extra_delay_;       // per edge
  std::vector<double> quota_, quota_pass_;       // per edge: quota cap, share of excess passing
  std::vector<double> base_flow_;                // per edge: day-0 shipments (quota basis)
  std::vector<char> spot_blocked_;               // per spot pair
  std::vector<double> share_;                    // per edge: the contract share in force

  // Policy nodes on standby, and the market.
  std::vector<char> online_, activation_pending_;  // per node
  std::vector<double> extra_capacity_;             // per node: supply expansion so far
  double price_multiple_ = 1, price_peak_ = 1, substitution_ = 0, high_price_since_ = -1;
  double price_recheck_time_ = -1;  // the instant last settled again for a new price
  // With a zero lead time the instant is settled again after that too (what was shipped arrives
  // at once): the price its stockpile refills read stays the one they read then (docs/model.md
  // "Zero lead times: buffers held at their target").
  double refill_price_ = 1, refill_price_time_ = -1;

  // Pipelines: what each edge / spot pair ships now (and with which lead), and what arrives.
  std::vector<double> ship_, ship_lead_, arrive_;  // per edge
  std::vector<double> spot_ship_, spot_arrive_;    // per spot pair

  // Nodes.
  std::vector<double> demand_, level_, target_, base_target_, refill_rate_;
  std::vector<double> inflow_, release_, unmet_, net_rate_, scheduled_net_, availability_,
      capacity_;
  std::vector<double> requirement_in_;  // consumer requirements handed to allocation
  std::vector<std::uint64_t> store_version_, resourcing_version_;
  std::vector<double> short_since_;
  std::vector<double> refill_latch_time_;  // per node: when its buffer refill last started
  std::vector<char> refill_latched_;       // per node: that was at the current instant
  std::vector<char> ready_;
  std::vector<char> dry_;     // per refinery: ran dry, not yet back at its restart level
  std::vector<int> touched_;  // nodes an arrival reached at the current instant
  // Per node: the fraction of its buffer refill a buffer held at its target asks for, NaN when it
  // is not held. Only a material with a zero lead time (zero_lead_) holds any.
  std::vector<double> hold_;
  std::vector<int> held_;
  bool zero_lead_ = false;
  RunStats stats_;
  std::uint64_t event_budget_ = 0;
  std::uint64_t shock_events_ = 0;  // what reset() scheduled for the shocks (NoProgress)

  std::vector<Stockpile> stockpiles_;
  std::vector<double> costs_;                    // per lever cost, discounted euros so far
  std::vector<std::vector<double>> country_in_;  // [region][country]: tonnes arrived
  std::vector<double> region_in_;                // [region]: tonnes arrived
  std::vector<RegionTally> regions_;
  std::vector<std::vector<Spell>> spells_;
  Trajectory* trajectory_ = nullptr;
  int next_sample_ = 0;
};

}  // namespace crisp
