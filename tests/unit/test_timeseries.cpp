// [output] timeseries (sim/runner/timeseries.hpp): the trajectories of the first K replications
// are those of the run's own replications. Integrated, they give the engine's metric totals: the
// cumulative unmet demand at the horizon is each (policy set, material, region)'s unmet_t.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>

#include "models/trajectory.hpp"
#include "sim/experiment/experiment.hpp"
#include "sim/runner/monte_carlo.hpp"
#include "sim/runner/timeseries.hpp"

using namespace crisp;

TEST_CASE("time series integrate to the run's unmet tonnes, for every set, material and region",
          "[timeseries]") {
  const Experiment x =
      load_experiment_file(CRISP_SOURCE_DIR "/experiments/nl-critical-materials.toml");
  const PolicyDesign design = make_design(x);
  RunOptions options;
  options.replications = 6;
  options.seed = x.scenario.seed;
  const RunResult run = run_monte_carlo(x.scenario, design, options);
  const std::int64_t K = 4;
  const double step = 5;  // divides the 3650-day horizon: the last sample is at the horizon
  const TimeseriesContent ts = record_timeseries(x.scenario, design, options, K, step);
  REQUIRE(ts.replications == K);
  REQUIRE(ts.samples == 731);
  const MetricLayout& l = run.layout;
  REQUIRE(std::ssize(ts.series) ==
          std::ssize(l.materials) * std::ssize(l.regions) * kTrajectorySeriesCount);

  double unmet_total = 0;
  int compared = 0;
  for (const MetricSeries& s : ts.series) {
    if (s.name != "unmet_cum_t") continue;
    const int m = static_cast<int>(std::find(l.materials.begin(), l.materials.end(), s.group) -
                                   l.materials.begin());
    const int r = static_cast<int>(std::find(l.regions.begin(), l.regions.end(), s.region) -
                                   l.regions.begin());
    REQUIRE(m < std::ssize(l.materials));
    REQUIRE(s.units == "t");
    for (std::int64_t p = 0; p < run.policies; ++p)
      for (std::int64_t rep = 0; rep < K; ++rep) {
        const double metric = run.at(p, rep)[l.slot(m, r, Metric::unmet_t)];
        const double* trajectory = s.values.data() + (p * K + rep) * ts.samples;
        CHECK(std::abs(trajectory[ts.samples - 1] - metric) <= 1e-9 * std::max(1.0, metric));
        CHECK(trajectory[0] == 0);
        CHECK(std::is_sorted(trajectory, trajectory + ts.samples));  // it only accumulates
        unmet_total += metric;
        ++compared;
      }
  }
  INFO(compared << " trajectories, " << unmet_total << " t unmet in all");
  CHECK(compared == run.policies * K * std::ssize(l.materials) * std::ssize(l.regions));
  CHECK(unmet_total > 0);  // some shortage happened, so the check compared something
}

TEST_CASE("time series: K above the replications records them all", "[timeseries]") {
  const Experiment x = load_experiment_file(CRISP_SOURCE_DIR "/tests/cases/cli/small.toml");
  RunOptions options;
  options.replications = 3;
  const TimeseriesContent ts = record_timeseries(x.scenario, make_design(x), options, 10, 30);
  CHECK(ts.replications == 3);
}
