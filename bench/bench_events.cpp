// Events, instants and full settles per material-year of the bundled default (or any experiment),
// over many replications: the search for runaway event cascades (issue 8). Every distinct
// material run of every replication counts once. Prints one JSON object.
// Usage: bench_events [REPLICATIONS [FIRST [EXPERIMENT]]] (defaults 1000, 0, the bundled default)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "models/shocks.hpp"
#include "policies/apply_policy.hpp"
#include "sim/experiment/experiment.hpp"
#include "sim/runner/material_runs.hpp"

using namespace crisp;

int main(int argc, char** argv) {
  const long n = argc > 1 ? std::atol(argv[1]) : 1000;
  const long first = argc > 2 ? std::atol(argv[2]) : 0;
  const std::string file =
      argc > 3 ? argv[3] : CRISP_SOURCE_DIR "/experiments/nl-critical-materials.toml";
  const Experiment x = load_experiment_file(file);
  const std::vector<AppliedPolicy> applied = apply_design(x.scenario, make_design(x));
  const MaterialRuns runs(applied);
  MaterialRuns::Worker worker(runs);
  const auto stride = static_cast<std::size_t>(runs.layout().size());
  std::vector<double> out(applied.size() * stride);
  const double years = x.scenario.horizon_days / kDaysPerYear;

  double events = 0, instants = 0, settles = 0, most = 0;
  long most_replication = -1, most_run = -1;
  const auto start = std::chrono::steady_clock::now();
  for (long r = first; r < first + n; ++r) {
    worker.run(sample_shocks(x.scenario, x.scenario.seed, static_cast<std::uint64_t>(r)),
               out.data(), stride);
    for (int k = 0; k < runs.runs(); ++k) {
      const RunStats& s = worker.stats(k);
      events += static_cast<double>(s.events);
      instants += static_cast<double>(s.instants);
      settles += static_cast<double>(s.settles);
      if (static_cast<double>(s.events) / years > most) {
        most = static_cast<double>(s.events) / years;
        most_replication = r;
        most_run = k;
      }
    }
  }
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double material_years = static_cast<double>(n) * runs.runs() * years;
  std::printf(
      "{\"experiment\": \"%s\", \"replications\": %ld, \"first\": %ld, \"distinct_runs\": %d, "
      "\"policy_sets\": %zu, \"events_per_material_year\": %.1f, "
      "\"instants_per_material_year\": %.1f, \"settles_per_material_year\": %.1f, "
      "\"max_events_per_material_year\": %.1f, \"max_at_replication\": %ld, "
      "\"max_at_run\": %ld, \"wall_s\": %.2f, \"replication_years_per_s\": %.0f}\n",
      x.scenario.name.c_str(), n, first, runs.runs(), applied.size(), events / material_years,
      instants / material_years, settles / material_years, most, most_replication, most_run, secs,
      static_cast<double>(n) * static_cast<double>(applied.size()) * years / secs);
  return 0;
}
