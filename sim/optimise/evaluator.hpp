#pragma once
// Simulates one policy set on a sample of replications through the block engine of crisp run
// (threads, MPI ranks), keeping a few metric slots per replication. Every rank calls evaluate()
// with the same arguments in the same order: rank 0 leads the run and shares the values, so that
// every rank's search takes the same steps. An evaluation already made (in this run, or in the
// journal of a stopped one) is not simulated again.

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "models/scenario.hpp"
#include "policies/policy_set.hpp"
#include "sim/cluster/cluster.hpp"
#include "sim/optimise/evaluation_log.hpp"
#include "sim/runner/material_runs.hpp"
#include "sim/runner/monte_carlo.hpp"

namespace crisp {

// Replications [0, replications) of the streams of `seed`.
struct Sample {
  std::uint64_t seed = 0;
  std::int64_t replications = 0;
};

class Evaluator {
 public:
  // `options` gives threads and block size; `log` is rank 0's journal (null elsewhere, or none).
  Evaluator(const Scenario& scenario, const std::vector<Lever>& levers, const RunOptions& options,
            const Cluster& cluster, EvaluationLog* log);
  // The values of `slots` (MetricLayout slots) of policy set `set` on each replication of
  // `sample`: [replication][slot]. Throws std::invalid_argument when the set cannot apply.
  std::vector<double> evaluate(const PolicySet& set, const Sample& sample,
                               std::span<const int> slots);
  const MetricLayout& layout() const { return layout_; }
  // Replication-years of the distinct evaluations of this run (simulated now, or by the stopped
  // run whose journal it resumed: the same for a resumed run as for one never stopped), and of
  // those simulated by this process.
  double used_years() const { return used_years_; }
  double simulated_years() const { return simulated_years_; }

 private:
  const Scenario& scenario_;
  const std::vector<Lever>& levers_;
  RunOptions options_;
  const Cluster& cluster_;
  EvaluationLog* log_;
  MetricLayout layout_;
  MaterialRunCache material_cache_;  // runs of materials the candidates do not touch
  std::map<std::string, std::vector<double>, std::less<>> done_;  // this run's, on every rank
  double used_years_ = 0, simulated_years_ = 0;
};

}  // namespace crisp
