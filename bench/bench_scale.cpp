// Where the time and memory of one experiment go, phase by phase: loading the file, the day-0
// balance and the CRMA tables that `crisp check` prints, compiling the simulator (every policy
// set's networks), and REPLICATIONS replications on one thread. Each phase's wall time and the
// peak memory (RSS) reached by its end; events per replication. Prints one JSON object.
//
// Usage: bench_scale EXPERIMENT [REPLICATIONS]   (default 10)

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "models/baseline.hpp"
#include "models/crma.hpp"
#include "models/network.hpp"
#include "models/shocks.hpp"
#include "policies/apply_policy.hpp"
#include "sim/experiment/experiment.hpp"
#include "sim/runner/material_runs.hpp"

using namespace crisp;

namespace {

long peak_kib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;  // KiB on Linux
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3) {
    std::fprintf(stderr, "usage: %s EXPERIMENT [REPLICATIONS]\n", argv[0]);
    return 2;
  }
  const long replications = argc > 2 ? std::atol(argv[2]) : 10;
  using Clock = std::chrono::steady_clock;
  std::string phases;
  auto start = Clock::now();
  auto phase = [&](const char* name) {
    const auto now = Clock::now();
    phases += fmt::format("{}\"{}\": {{\"wall_s\": {:.3f}, \"peak_kib\": {}}}",
                          phases.empty() ? "" : ", ", name,
                          std::chrono::duration<double>(now - start).count(), peak_kib());
    start = now;
  };

  const Experiment x = load_experiment_file(argv[1]);
  phase("load");
  std::size_t spot_pairs = 0;
  for (const MaterialNet& net : compile_networks(x.scenario, PolicyEffects{}))
    spot_pairs += net.spot_pairs.size();
  phase("networks");
  const std::vector<NodeBalance> balance = baseline_balance(x.scenario);
  phase("baseline");
  const CrmaIndicators crma = crma_indicators(x.scenario);
  phase("crma");
  const std::vector<AppliedPolicy> applied = apply_design(x.scenario, make_design(x));
  const MaterialRuns runs(applied);
  MaterialRuns::Worker worker(runs);
  const auto stride = static_cast<std::size_t>(runs.layout().size());
  std::vector<double> out(applied.size() * stride);
  phase("simulator");
  double events = 0;
  for (long r = 0; r < replications; ++r) {
    worker.run(sample_shocks(x.scenario, x.scenario.seed, static_cast<std::uint64_t>(r)),
               out.data(), stride);
    for (int k = 0; k < runs.runs(); ++k)
      events += static_cast<double>(worker.stats(k).events);
  }
  phase("run");
  fmt::print(
      "{{\"experiment\": \"{}\", \"nodes\": {}, \"edges\": {}, \"spot_pairs\": {}, "
      "\"policy_sets\": {}, \"replications\": {}, \"horizon_days\": {}, "
      "\"events_per_replication\": {:.0f}, \"balance_rows\": {}, \"crma_materials\": {}, {}}}\n",
      x.scenario.name, x.scenario.nodes.size(), x.scenario.edges.size(), spot_pairs, applied.size(),
      replications, x.scenario.horizon_days,
      replications > 0 ? events / static_cast<double>(replications) : 0.0, balance.size(),
      crma.materials.size(), phases);
  return 0;
}
