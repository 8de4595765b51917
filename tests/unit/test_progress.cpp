// Progress is guaranteed (docs/model.md "Progress", "Refinery input buffers: running dry"): the
// replication of the bundled default that once fell into a cascade of arrival events (2779, a
// refinery buffer at the empty boundary flipping at every arrival) runs in bounded events.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

#include "models/shocks.hpp"
#include "policies/apply_policy.hpp"
#include "sim/experiment/experiment.hpp"
#include "sim/runner/material_runs.hpp"

using namespace crisp;

TEST_CASE("the default's replication 2779 runs in bounded events", "[progress]") {
  const Experiment x =
      load_experiment_file(CRISP_SOURCE_DIR "/experiments/nl-critical-materials.toml");
  const std::vector<AppliedPolicy> applied = apply_design(x.scenario, make_design(x));
  const MaterialRuns runs(applied);
  MaterialRuns::Worker worker(runs);
  std::vector<double> out(applied.size() * static_cast<std::size_t>(runs.layout().size()));
  const auto shocks = sample_shocks(x.scenario, x.scenario.seed, 2779);
  worker.run(shocks, out.data(), static_cast<std::size_t>(runs.layout().size()));
  const double years = x.scenario.horizon_days / kDaysPerYear;
  double most = 0;
  for (int k = 0; k < runs.runs(); ++k)
    most = std::max(most, static_cast<double>(worker.stats(k).events) / years);
  // A material-year of the default takes about 170 events on average and under 1 000 in any of
  // 20 000 replications (bench/RESULTS.md); the cascade took millions in a few days.
  INFO("most events per material-year: " << most);
  CHECK(most > 10);
  CHECK(most < 2000);
}

namespace {

// The most events any distinct run of `replication` takes per simulated year (policy set 0).
double most_events_per_year(const std::string& file, std::uint64_t seed,
                            std::uint64_t replication) {
  const Experiment x = load_experiment_file(file);
  std::vector<AppliedPolicy> applied{apply_policy(x.scenario, make_design(x).sets.front())};
  const MaterialRuns runs(applied);
  MaterialRuns::Worker worker(runs);
  std::vector<double> out(static_cast<std::size_t>(runs.layout().size()));
  worker.run(sample_shocks(x.scenario, seed, replication), out.data(), out.size());
  double most = 0;
  for (int k = 0; k < runs.runs(); ++k)
    most = std::max(most, static_cast<double>(worker.stats(k).events) /
                              (x.scenario.horizon_days / kDaysPerYear));
  return most;
}

}  // namespace

// Synthetic networks (bench/synthetic_network.cpp) where rates near zero changed by rounding
// residue of the network's flow (1e-12 t/day) at every instant, each change an event at the far
// end of its pipeline: the progress guard stopped them within a simulated day. A rate change
// below 1e-9 of the material's flow is none (docs/model.md "Lead times and pipelines"). These
// replications still take 15 000 events a year (spot buying that switches on and off every
// lead time, a bounded cycle); the guard's budget here is 133 000 a day.
TEST_CASE("rounding residue on near-zero rates makes no events", "[progress]") {
  CHECK(most_events_per_year(CRISP_SOURCE_DIR "/tests/cases/engine/rounding-cascade.toml", 10, 5) <
        50000);
  CHECK(most_events_per_year(CRISP_SOURCE_DIR "/tests/cases/engine/rounding-cascade-yield.toml", 5,
                             12) < 50000);
}
