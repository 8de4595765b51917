// The whole engine on a synthetic network: one Simulator (no policy), one thread, REPLICATIONS
// ten-year histories, each with its own sampled shocks, as a Monte Carlo worker runs them.
// Prints one JSON object on stdout.
//
// A replication the engine gives up on (crisp::NoProgress, its events-per-day guard) is listed in
// "no_progress" with a warning on stderr and left out of wall_s and replication_years_per_s: the
// time it takes to exhaust the guard says nothing about throughput. The run goes on, so one bad
// history does not hide the others' figures.
//
// Usage: bench_synthetic [REPLICATIONS [NODES EDGES [SEED]]]   (defaults 50, 200 1000, 1)

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "bench/synthetic_network.hpp"
#include "models/material_sim.hpp"
#include "models/shocks.hpp"
#include "models/simulator.hpp"

int main(int argc, char** argv) {
  if (argc > 5 || (argc > 1 && std::string(argv[1]) == "--help")) {
    std::fprintf(stderr, "usage: %s [REPLICATIONS [NODES EDGES [SEED]]]\n", argv[0]);
    return 2;
  }
  auto arg = [&](int i, long long fallback) { return argc > i ? std::stoll(argv[i]) : fallback; };
  const long long replications = arg(1, 50);
  const int nodes = static_cast<int>(arg(2, 200));
  const int edges = static_cast<int>(arg(3, 1000));
  const auto seed = static_cast<std::uint64_t>(arg(4, 1));

  const crisp::Scenario scenario = crisp::synthetic_scenario(nodes, edges, seed);
  if (const std::string why = crisp::day0_shortfall(scenario); !why.empty()) {
    std::fprintf(stderr, "bench_synthetic: the synthetic network is not balanced: %s\n",
                 why.c_str());
    std::abort();
  }

  using Clock = std::chrono::steady_clock;
  crisp::Simulator sim(scenario, crisp::PolicyEffects{});
  std::vector<double> metrics(static_cast<std::size_t>(sim.layout().size()));
  double wall_s = 0;
  std::vector<long long> no_progress;
  for (long long r = 0; r < replications; ++r) {
    const auto start = Clock::now();
    const auto shocks = crisp::sample_shocks(scenario, seed, static_cast<std::uint64_t>(r));
    try {
      sim.run(shocks, metrics);
    } catch (const crisp::NoProgress& e) {
      std::fprintf(stderr, "bench_synthetic: replication %lld (seed %llu): %s\n", r,
                   static_cast<unsigned long long>(seed), e.what());
      no_progress.push_back(r);
      continue;
    }
    wall_s += std::chrono::duration<double>(Clock::now() - start).count();
  }

  const auto completed = static_cast<double>(replications - std::ssize(no_progress));
  const double years = completed * scenario.horizon_days / crisp::kDaysPerYear;
  fmt::print(
      "{{\"nodes\": {}, \"edges\": {}, \"seed\": {}, \"replications\": {}, \"no_progress\": [{}], "
      "\"wall_s\": {:.4f}, \"replication_years_per_s\": {:.3f}}}\n",
      nodes, edges, seed, replications, fmt::join(no_progress, ", "), wall_s,
      wall_s > 0 ? years / wall_s : 0.0);
  return 0;
}
