#pragma once
// Turns a finished run into what the results file holds (README "Results file").

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "models/scenario.hpp"
#include "policies/policy_set.hpp"
#include "sim/results/results_file.hpp"
#include "sim/runner/monte_carlo.hpp"

namespace crisp {

struct RunProvenance {
  std::string crisp_version, git_commit, command_line, experiment_toml;
  std::uint64_t seed = 0;
};

// Everything but the metrics: attributes, /policies, /scenario.
ResultsContent make_results_header(const Scenario& scenario, const PolicyDesign& design,
                                   std::int64_t replications, const RunProvenance& provenance);
// The header and the metrics of a run that kept its values (RunOptions::keep_values).
ResultsContent make_results_content(const Scenario& scenario, const PolicyDesign& design,
                                    const RunResult& result, const RunProvenance& provenance);

// An empty series of metric `name` with its units and description (models/metrics.hpp).
MetricSeries metric_series(const std::string& group, const std::string& region,
                           const std::string& name);

// Every series the results file holds, in the order it writes them: for each material (then
// "all"), each report region, each metric (for "all" only the metrics it has), with its slot.
void for_each_series(const MetricLayout& layout,
                     const std::function<void(const std::string& group, const std::string& region,
                                              const std::string& name, int slot)>& visit);

// Whether every replication's value of metric `name` is finite: all but `stock_min_frac`, which
// is NaN where no stockpile serves the region (docs/results-format.md). What merge and --resume
// check a part's and a journal's values by.
bool metric_is_finite(std::string_view name);
// The same for each slot of `layout`: 1 where a stored series must be finite (slots not stored,
// such as unmet_t of "all", are 0).
std::vector<char> finite_slots(const MetricLayout& layout);

}  // namespace crisp
