#pragma once
// The time-stepped oracle: an independent second implementation of the crisp model
// (../shared/design/MODEL.md, docs/model.md) with a fixed time step, used only by the tests to
// check the event-driven engine (models/simulator.hpp). It shares no code with models/*.cpp: only
// the scenario types, the shock occurrence type and the metric layout (header-only).
//
// Scheme, per step [t, t + dt):
//   1. shocks active at t (start <= t < start + duration, in whole steps), yearly demand steps;
//   2. arrivals of the step: what each contract edge / spot pair shipped lead steps earlier
//      (a chokepoint's extra delay in force when a shipment was sent is part of its lead);
//   3. the allocation instant of docs/model.md, on the state at t: stockpile state, releases,
//      consumer requirements, refinery rationing + spot, refinery input requirement, mine
//      rationing + spot;
//   4. ship; integrate stores and metrics over the step at those constant rates.
// Within a step the stores are integrated exactly for constant rates: a buffer that runs dry
// part-way covers the first part of the step and the rest is unmet (so a spell starts at the
// right time and no material is created), a refinery cannot ship more in the step than its input
// buffer plus inflow, a stockpile cannot release more than it holds, and surplus fills the buffer
// to target before the rest goes to a refilling stockpile. What a step cannot resolve is the
// *decision* a mid-step crossing would trigger in the event-driven engine (a stockpile trigger, a
// re-allocation when a store empties or fills, the start of a short spell): those take effect at
// the next step, up to dt late (the shortfall trigger and gap look ahead instead: a buffer that
// runs dry within the step counts as empty for the whole step, which avoids a sub-step spike of
// unmet demand that peak_shortfall_frac would record). Delays (resourcing, stockpile release,
// refill) count whole steps. A lead time below one step (0) is taken as one step.

#include <span>
#include <vector>

#include "models/metrics.hpp"
#include "models/scenario.hpp"
#include "models/shocks.hpp"

// The layout the oracle writes: materials in scenario order, report regions in
// s.report_regions order (the same definition as crisp::make_layout).
crisp::MetricLayout stepped_oracle_layout(const crisp::Scenario& s);

// Simulates one replication with a fixed step dt_days (choose 1/2^p of a day so that whole-day
// times fall exactly on the grid) and writes stepped_oracle_layout(s).size() values to out.
// Slots of material "all" for metrics not in kAllMaterialMetrics are NaN.
void run_stepped_oracle(const crisp::Scenario& s,
                        const std::vector<crisp::StockpileSpec>& stockpiles,
                        const std::vector<crisp::ShockOccurrence>& shocks, double dt_days,
                        std::span<double> out);
