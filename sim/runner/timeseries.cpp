#include "sim/runner/timeseries.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "models/shocks.hpp"
#include "policies/apply_policy.hpp"
#include "sim/runner/material_runs.hpp"

namespace crisp {

TimeseriesContent record_timeseries(const Scenario& scenario, const PolicyDesign& design,
                                    const RunOptions& options, std::int64_t K, double step_days) {
  const std::vector<AppliedPolicy> applied = apply_design(scenario, design);
  const MaterialRuns runs(applied, options.share_material_runs);
  MaterialRuns::Worker worker(runs, options.engine);
  const MetricLayout& layout = runs.layout();
  const std::int64_t P = runs.policies();
  K = std::min(K, options.replications);
  const auto T = static_cast<std::int64_t>(std::floor(scenario.horizon_days / step_days)) + 1;

  TimeseriesContent out;
  out.replications = K;
  out.samples = T;
  const auto regions = static_cast<int>(layout.regions.size());
  for (const std::string& material : layout.materials)
    for (const std::string& region : layout.regions)
      for (int q = 0; q < kTrajectorySeriesCount; ++q)
        out.series.push_back({material, region, std::string(kTrajectorySeries[q]),
                              std::vector<double>(static_cast<std::size_t>(P * K * T), 0.0),
                              std::string(kTrajectoryUnits[q]),
                              std::string(kTrajectoryDescriptions[q])});

  Trajectory one;
  one.step = step_days;
  std::vector<Trajectory> trajectories(static_cast<std::size_t>(runs.runs()), one);
  const auto slots = static_cast<std::size_t>(layout.size());
  std::vector<double> metrics(static_cast<std::size_t>(P) * slots);
  for (std::int64_t rep = 0; rep < K; ++rep) {
    const auto shocks = sample_shocks(scenario, options.seed, static_cast<std::uint64_t>(rep));
    worker.run_recorded(shocks, metrics.data(), slots, trajectories);
    for (std::int64_t p = 0; p < P; ++p)
      for (int m = 0; m < static_cast<int>(layout.materials.size()); ++m) {
        Trajectory& tr = trajectories[static_cast<std::size_t>(runs.run_of(p, m))];
        for (int r = 0; r < regions; ++r)
          for (int q = 0; q < kTrajectorySeriesCount; ++q) {
            MetricSeries& series = out.series[static_cast<std::size_t>(
                (m * regions + r) * kTrajectorySeriesCount + q)];
            std::copy_n(&tr.at(r, q, 0), T, series.values.begin() + (p * K + rep) * T);
          }
      }
  }
  return out;
}

}  // namespace crisp
