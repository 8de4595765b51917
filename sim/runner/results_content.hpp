#pragma once
// Turns a finished run into what the results file holds (INTERFACES.md "Results file").

#include <string>

#include "models/scenario.hpp"
#include "policies/policy_set.hpp"
#include "sim/results/results_file.hpp"
#include "sim/runner/monte_carlo.hpp"

namespace crisp {

struct RunProvenance {
  std::string crisp_version, git_commit, command_line, experiment_toml;
  std::uint64_t seed = 0;
};

ResultsContent make_results_content(const Scenario& scenario, const PolicyDesign& design,
                                    const RunResult& result, const RunProvenance& provenance);

}  // namespace crisp
