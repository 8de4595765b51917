#pragma once
// The experiment's [output] timeseries (docs/results-format.md "/timeseries"): trajectories of
// the first K replications of every policy set. They are simulated once more at the end of a
// run, with recording on: the engine is deterministic and a replication's history depends only
// on (seed, replication), so these are the trajectories of the run's own replications, the same
// for any threads, ranks, shards or resume, and they cost the main run nothing.

#include <cstdint>

#include "models/scenario.hpp"
#include "policies/policy_set.hpp"
#include "sim/results/results_file.hpp"
#include "sim/runner/monte_carlo.hpp"

namespace crisp {

// Replications [0, min(K, options.replications)) of every policy set, sampled every `step_days`.
// Throws std::invalid_argument as run_monte_carlo does.
TimeseriesContent record_timeseries(const Scenario& scenario, const PolicyDesign& design,
                                    const RunOptions& options, std::int64_t K, double step_days);

}  // namespace crisp
