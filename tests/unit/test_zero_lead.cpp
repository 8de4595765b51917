// Zero lead times (docs/model.md "Zero lead times: buffers held at their target"): an instant whose
// shipments arrive at once is solved, not cascaded, and its results are the limit of small
// positive lead times.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <string>

#include "models/material_sim.hpp"
#include "models/shocks.hpp"
#include "models/simulator.hpp"
#include "scenario_builder.hpp"
#include "sim/experiment/experiment.hpp"
#include "sim/runner/monte_carlo.hpp"

using namespace crisp;
using crisp::test::ScenarioBuilder;

namespace {

// Two mines feed two refineries, which serve two consumers; every store holds a month. An outage
// of the larger mine and then of one refinery ration both stages, so buffers at their targets
// compete for rationed supply: with a positive lead time they switch their refills on and off.
Scenario rationed_chain(double lead) {
  ScenarioBuilder b(730);
  b.add_material("m", 1000, 10000, 30, lead);
  const int m1 = b.node("m1", NodeKind::mine, "A", 700);
  const int m2 = b.node("m2", NodeKind::mine, "B", 500);
  const int r1 = b.node("r1", NodeKind::refinery, "A", 600, 30);
  const int r2 = b.node("r2", NodeKind::refinery, "B", 500, 30);
  const int c1 = b.node("c1", NodeKind::consumer, "C", 500, 30);
  const int c2 = b.node("c2", NodeKind::consumer, "D", 400, 30);
  b.edge(m1, r1, 0.7, lead);
  b.edge(m2, r1, 0.3, lead);
  b.edge(m1, r2, 0.4, lead);
  b.edge(m2, r2, 0.6, lead);
  b.edge(r1, c1, 0.6, lead);
  b.edge(r2, c1, 0.4, lead);
  b.edge(r1, c2, 0.5, lead);
  b.edge(r2, c2, 0.5, lead);
  ShockSpec mine = test::outage_of("m1");
  mine.events = {{100, 150, 0.8}};
  b.shock(mine);
  ShockSpec refinery = test::outage_of("r2");
  refinery.events = {{400, 90, 0.9}};
  b.shock(refinery);
  b.s.event_budget = 1000000;  // a small positive lead time switches refills every few leads
  return b.s;
}

// One replication of `s` (its shocks are replays: every replication is the same).
std::vector<double> run_once(const Scenario& s, MetricLayout& layout) {
  Simulator sim(s, std::vector<StockpileSpec>{});
  layout = sim.layout();
  std::vector<double> out(layout.size());
  sim.run(sample_shocks(s, 1, 0), out);
  return out;
}

// The bundled default with every lead time (contracts and spot) set to `lead`.
// The default with every lead time `lead`, its markets' price set at each instant: a stepped
// price integrates the tightness and demand answers it, so the small differences between a hold
// and a switching refill are carried forward and can tip a threshold later (docs/model.md "Work
// skipped"); the limit tested here is the allocation's.
Experiment default_with_lead(double lead) {
  Experiment x = load_experiment_file(CRISP_SOURCE_DIR "/experiments/nl-critical-materials.toml");
  for (EdgeSpec& e : x.scenario.edges)
    e.lead_time_days = lead;
  for (MaterialSpec& m : x.scenario.materials) {
    m.spot_lead_time_days = lead;
    m.market.price_step_days = m.market.price_adjust_days = 0;
    m.market.demand_elasticity = m.market.stock_building_days = 0;
  }
  for (NodeSpec& n : x.scenario.nodes)
    n.demand_elasticity = 0;
  return x;
}

}  // namespace

TEST_CASE("zero lead times are the limit of small ones: a rationed chain", "[zero-lead]") {
  MetricLayout layout;
  const std::vector<double> zero = run_once(rationed_chain(0), layout);
  const std::vector<double> milli = run_once(rationed_chain(1e-3), layout);
  const std::vector<double> centi = run_once(rationed_chain(1e-2), layout);
  const int d = 1;  // region D: c2 goes short when the refinery is out
  for (Metric k : {Metric::unmet_t, Metric::shortage_days, Metric::loss_eur}) {
    const int slot = layout.slot(0, d, k);
    INFO(kMetricNames[static_cast<int>(k)] << ": lead 0 " << zero[slot] << ", 1e-3 " << milli[slot]
                                           << ", 1e-2 " << centi[slot]);
    CHECK(zero[slot] > 0);  // the case does go short
    const double near = std::abs(milli[slot] - zero[slot]),
                 far = std::abs(centi[slot] - zero[slot]);
    CHECK(near <= 1e-3 * zero[slot]);  // measured: 4.4e-4 relative
    CHECK(near < 0.3 * far);           // and shrinking with the lead (measured: 7.5 times)
  }
}

TEST_CASE("the bundled default runs with every lead time 0, near its results at 0.01 days",
          "[zero-lead]") {
  // Every policy set, every material: before the hold, replication 0 stopped on the event budget
  // (rare-earth refineries switching their refills every 1e-9 days).
  const Experiment zero = default_with_lead(0);
  RunOptions options;
  options.replications = 10;
  options.seed = zero.scenario.seed;
  const RunResult all_sets = run_monte_carlo(zero.scenario, make_design(zero), options);
  REQUIRE(all_sets.policies == 20);

  // The baseline at 0 and at 0.01 days, replication by replication.
  Experiment centi = default_with_lead(1e-2);
  centi.scenario.event_budget = 1000000;  // refills switching every few hundredths of a day
  PolicyDesign baseline = make_design(centi);
  baseline.sets.resize(1);
  const RunResult small = run_monte_carlo(centi.scenario, baseline, options);
  const MetricLayout& layout = all_sets.layout;
  for (int region = 0; region < static_cast<int>(layout.regions.size()); ++region)
    for (Metric k : {Metric::shortage_days, Metric::loss_eur}) {
      const int slot = layout.slot(layout.all_material(), region, k);
      double sum0 = 0, sum2 = 0, worst = 0;
      for (std::int64_t r = 0; r < options.replications; ++r) {
        const double a = all_sets.at(0, r)[slot], b = small.at(0, r)[slot];
        sum0 += a;
        sum2 += b;
        worst = std::max(worst, std::abs(a - b) / std::max(std::abs(a), 1e-300));
      }
      INFO(layout.regions[region] << " " << kMetricNames[static_cast<int>(k)] << ": mean "
                                  << sum0 / 10 << " at lead 0, " << sum2 / 10
                                  << " at 0.01; worst replication " << worst << " relative");
      CHECK(sum0 > 0);
      // Measured: the worst replication 3.1 % (NL and EU shortage days; 0.53 % with the markets
      // before their calibration, whose price elasticities were 4 to 18 times the fitted 0.064
      // to 0.1: the multiple (1 - tau)^(-1/e) now moves further for the same small shortfall).
      // Not closer, and not to the bit: a positive lead averages refills switching on and off,
      // the hold solves for their average, and pro-rata shares of a switching request are not
      // the shares of its average.
      CHECK(std::abs(sum0 - sum2) <= 0.005 * sum0);
      CHECK(worst <= 0.05);
    }
}

TEST_CASE("the bundled default at lead 0 is near its results at 0.001 days", "[zero-lead]") {
  // The baseline only, 3 replications: at 1e-3 days the refills switch every few thousandths of a
  // day (about 6.5 CPU-seconds a replication). The all-material totals of each report region.
  RunOptions options;
  options.replications = 3;
  Experiment zero = default_with_lead(0), milli = default_with_lead(1e-3);
  options.seed = zero.scenario.seed;
  milli.scenario.event_budget = 10000000;
  PolicyDesign baseline = make_design(zero);
  baseline.sets.resize(1);
  const RunResult at0 = run_monte_carlo(zero.scenario, baseline, options);
  const RunResult at_milli = run_monte_carlo(milli.scenario, baseline, options);
  const MetricLayout& layout = at0.layout;
  for (int region = 0; region < static_cast<int>(layout.regions.size()); ++region)
    for (Metric k : {Metric::shortage_days, Metric::loss_eur}) {
      const int slot = layout.slot(layout.all_material(), region, k);
      double sum0 = 0, sum3 = 0;
      for (std::int64_t r = 0; r < options.replications; ++r) {
        sum0 += at0.at(0, r)[slot];
        sum3 += at_milli.at(0, r)[slot];
      }
      INFO(layout.regions[region] << " " << kMetricNames[static_cast<int>(k)] << ": " << sum0
                                  << " at lead 0, " << sum3 << " at 0.001 days");
      CHECK(sum0 > 0);
      CHECK(std::abs(sum0 - sum3) <= 2e-3 * sum0);  // measured: 2.5e-4 and 1.2e-4 relative
    }
}
