#pragma once
// The time-stepped oracle: an independent second implementation of the crisp model
// (docs/model.md) with a fixed time step, used only by the tests to
// check the event-driven engine (models/simulator.hpp). It shares no code with models/*.cpp or
// policies/*.cpp: only the scenario types, the shock occurrence type and the metric layout
// (header-only).
//
// Scheme, per step [t, t + dt):
//   1. shocks active at t (start <= t < start + duration, in whole steps), with the export
//      restriction mechanics (announce window, licence delay, leakage); market reviews at
//      multiples of review_days (substitution, expansion) using the price multiple in force;
//      standby nodes whose activation time has come; a stepped market's price step at k h (its
//      target m*_k from the step's requirement-weighted tightness, partial adjustment toward it
//      to m_k) and, with stock_building_days H, the consumers' buffer targets raised by
//      E_k = H max(0, 1 - m_k / m*_k) days of day-0 demand until the next step (a buffer above
//      its target destocks);
//      yearly demand steps and the demand response to the multiple in force;
//   2. arrivals of the step: what each contract edge / spot pair shipped lead steps earlier
//      (a chokepoint's extra delay in force when a shipment was sent is part of its lead);
//   3. the allocation instant of docs/model.md, on the state at t: stockpile state (refill
//      allowed by the price multiple in force), releases, consumer requirements, refinery
//      rationing + spot, refinery input requirement, mine rationing + spot; then the tightness
//      and price multiple of each material (when the new multiple pauses or resumes a stockpile
//      refill, the refill follows it and the instant is allocated again); a stepped market
//      instead adds the allocation's requirement and shortfall to its step's integrals;
//   4. ship; integrate stores, metrics and costs over the step at those constant rates.
// Within a step the stores are integrated exactly for constant rates: a buffer that runs dry
// part-way covers the first part of the step and the rest is unmet (so a spell starts at the
// right time and no material is created), a refinery cannot ship more in the step than its input
// buffer plus inflow, a stockpile cannot release more than it holds, and surplus fills the buffer
// to target before the rest goes to a refilling stockpile. What a step cannot resolve is the
// *decision* a mid-step crossing would trigger in the event-driven engine (a stockpile trigger, a
// re-allocation when a store empties or fills, the start of a short spell, a standby activation
// at a time off the grid): those take effect at the next step, up to dt late (the shortfall
// trigger and gap look ahead instead: a buffer that runs dry within the step counts as empty for
// the whole step, which avoids a sub-step spike of unmet demand that peak_shortfall_frac would
// record). Delays (resourcing, stockpile
// release, refill, licence, leakage, announce) count whole steps. A lead time below one step (0)
// is taken as one step.

#include <span>
#include <string>
#include <vector>

#include "models/metrics.hpp"
#include "models/scenario.hpp"
#include "models/shocks.hpp"

// The layout the oracle writes: materials in scenario order, report regions in
// s.report_regions order (the same definition as crisp::make_layout).
crisp::MetricLayout stepped_oracle_layout(const crisp::Scenario& s);

// The index of Metric::max_country_share in models/metrics.hpp, or -1 while that header does not
// define it (the oracle computes the metric either way; see SteppedOracleTrace).
int stepped_oracle_max_country_share_metric();
// The indices of Metric::demand_given_up_t and Metric::demand_given_up_eur, or -1 while
// models/metrics.hpp does not define them (the oracle computes them either way: see the trace).
int stepped_oracle_demand_given_up_t_metric();
int stepped_oracle_demand_given_up_eur_metric();

// What the oracle saw, for hand-computed anchors on quantities that are not metrics. Day-sampled
// series are indexed [day][...] for every whole day d < horizon, sampled at the step starting at
// d, after that instant's allocation (levels: before the step's integration, i.e. at time d).
struct SteppedOracleTrace {
  std::vector<std::vector<double>> edge_rate;        // [day][edge]: contract shipping rate, t/day
  std::vector<std::vector<double>> edge_shipped;     // [day][edge]: t shipped over [0, d)
  std::vector<std::vector<double>> node_capacity;    // [day][node]: t/day (0 on standby)
  std::vector<std::vector<double>> node_shipped;     // [day][node]: t shipped over [0, d)
  std::vector<std::vector<double>> level;            // [day][node]: buffer level, t
  std::vector<std::vector<double>> target;           // [day][node]: buffer target now, t
  std::vector<std::vector<double>> stockpile_level;  // [day][stockpile], t
  std::vector<std::vector<double>> price_multiple;   // [day][material]
  // [day][material]: a stepped market's target m*_k of the step in force (1 before the first
  // step and without price steps)
  std::vector<std::vector<double>> price_target;
  std::vector<std::vector<double>> substitution;  // [day][material]
  // Whole run.
  std::vector<double> price_peak;                      // [material]
  std::vector<std::vector<double>> max_country_share;  // [material][report region]
  // Demand given up to the price (docs/model.md "Demand response and a stepped price"):
  // tonnes [material][report region], discounted euros [material incl. "all" last][region].
  std::vector<std::vector<double>> demand_given_up_t, demand_given_up_eur;
  std::vector<double> activation_day;   // [node]: when a standby node started (NaN: never / n.a.)
  std::vector<double> first_unmet_day;  // [node]: consumers' first unmet demand (NaN: never)
  std::vector<double> lever_cost;  // [PolicyEffects::costs index]: discounted euros, all regions
};

// Simulates one replication with a fixed step dt_days (choose 1/2^p of a day so that whole-day
// times fall exactly on the grid) and writes stepped_oracle_layout(s).size() values to out.
// Slots of material "all" for metrics not in kAllMaterialMetrics are NaN. `trace`, when given,
// receives the series above.
void run_stepped_oracle(const crisp::Scenario& s, const crisp::PolicyEffects& effects,
                        const std::vector<crisp::ShockOccurrence>& shocks, double dt_days,
                        std::span<double> out, SteppedOracleTrace* trace = nullptr);

// Stockpiles only (the levers before PolicyEffects existed).
void run_stepped_oracle(const crisp::Scenario& s,
                        const std::vector<crisp::StockpileSpec>& stockpiles,
                        const std::vector<crisp::ShockOccurrence>& shocks, double dt_days,
                        std::span<double> out, SteppedOracleTrace* trace = nullptr);
