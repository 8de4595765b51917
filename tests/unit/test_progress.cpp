// Progress is guaranteed (docs/model.md "Progress", "Refinery input buffers: running dry"): the
// replication of the bundled default that once fell into a cascade of arrival events (2779, a
// refinery buffer at the empty boundary flipping at every arrival) runs in bounded events.
#include <catch2/catch.hpp>

#include <algorithm>

#include "models/shocks.hpp"
#include "policies/apply_policy.hpp"
#include "sim/experiment/experiment.hpp"
#include "sim/runner/material_runs.hpp"

using namespace crisp;

TEST_CASE("the default's replication 2779 runs in bounded events", "[progress]") {
  const Experiment x =
      load_experiment_file(CRISP_SOURCE_DIR "/experiments/nl-critical-materials.toml");
  std::vector<AppliedPolicy> applied;
  for (const PolicySet& set : make_design(x).sets)
    applied.push_back(apply_policy(x.scenario, set));
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
