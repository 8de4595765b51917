#pragma once
// One-at-a-time sensitivity runs (the experiment's [sensitivity]; docs/results-format.md
// "/sensitivity"): the scenario with one parameter scaled, run on every policy set with the same
// replications and seed as the main run (common random numbers), reduced to a few statistics
// per run, policy set and metric.

#include <array>

#include "models/sensitivity.hpp"
#include "sim/results/results_file.hpp"
#include "sim/runner/monte_carlo.hpp"

namespace crisp {

// The statistics /sensitivity holds, in the order written; each is the /summary column of the
// same name (core/stats.hpp), over the run's replications.
inline constexpr std::array<const char*, 5> kSensitivityStatistics = {"mean", "ci95_lo", "ci95_hi",
                                                                      "p_positive", "cvar95"};

// Runs 1.. of sensitivity_runs(spec) and gathers them with run 0, `unscaled` (the main run of
// the scenario as given, made with the same design and options). `progress` counts the work
// units of all scaled runs together. Throws std::invalid_argument as run_monte_carlo does, or
// when a parameter cannot be scaled.
SensitivityContent run_sensitivity(const Scenario& scenario, const PolicyDesign& design,
                                   const SensitivitySpec& spec, const RunOptions& options,
                                   const RunResult& unscaled, const ProgressFn& progress = {});

}  // namespace crisp
