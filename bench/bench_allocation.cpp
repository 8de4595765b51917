// One crisp::Allocator::allocate pass (one allocation instant) on each material of the bundled
// default experiment and on synthetic networks, in two variants:
// - quiet: QuietInputs as they come (day-0 demand and capacity, no shock, nobody ready for
//   spot), the common instant: contracts and rationing only;
// - short_spot: every buyer is ready for spot and the first supplier of each stage, and every
//   third after it, has half its capacity, so rationing leaves buyers short and the spot rounds
//   run.
//
// Counters: s_per_edge, the time per contract edge of the material (the console shows it with an
// SI prefix: 4n is 4 ns); edges and spot_pairs, the network's size; spot_trades, the spot pairs
// that traded in the pass (0 in the quiet variant).

#include <cstdio>
#include <cstdlib>
#include <deque>
#include <functional>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include "bench/synthetic_network.hpp"
#include "models/allocation.hpp"
#include "models/network.hpp"
#include "sim/experiment/experiment.hpp"

namespace {

using crisp::MaterialNet;
using crisp::QuietInputs;

QuietInputs quiet(const MaterialNet& net) {
  return QuietInputs(net);
}

QuietInputs short_spot(const MaterialNet& net) {
  QuietInputs q(net);
  for (int v : net.refineries)
    q.ready[v] = 1;
  for (int v : net.consumers)
    q.ready[v] = 1;
  // view() passes availability as capacity too: an outage, not an empty input buffer.
  for (const std::vector<int>* stage : {&net.mines, &net.refineries})
    for (std::size_t i = 0; i < stage->size(); i += 3)
      q.availability[(*stage)[i]] *= 0.5;
  return q;
}

void allocate(benchmark::State& state, const MaterialNet& net,
              const std::function<QuietInputs(const MaterialNet&)>& make_inputs) {
  const QuietInputs inputs = make_inputs(net);
  const crisp::AllocationInput in = inputs.view();
  crisp::Allocator alloc(net);
  alloc.allocate(in);  // once untimed: what the pass does, for the counters
  int trades = 0;
  for (double f : alloc.spot_flow)
    trades += f > 0;
  for (auto _ : state) {
    alloc.allocate(in);
    benchmark::DoNotOptimize(alloc.edge_flow.data());
    benchmark::ClobberMemory();
  }
  const auto edges = static_cast<double>(net.edges.size());
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * edges));
  state.counters["s_per_edge"] = benchmark::Counter(
      edges, benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
  state.counters["edges"] = edges;
  state.counters["spot_pairs"] = static_cast<double>(net.spot_pairs.size());
  state.counters["spot_trades"] = trades;
}

// Networks live here for the whole run: an Allocator keeps a pointer to its network.
std::deque<std::vector<MaterialNet>> networks;

void register_material(const std::string& label, const MaterialNet& net) {
  benchmark::RegisterBenchmark(("Allocate/quiet/" + label).c_str(), allocate, std::cref(net),
                               quiet);
  benchmark::RegisterBenchmark(("Allocate/short_spot/" + label).c_str(), allocate, std::cref(net),
                               short_spot);
}

}  // namespace

int main(int argc, char** argv) {
  // The bundled default experiment, one benchmark pair per material.
  const crisp::Experiment x =
      crisp::load_experiment_file(CRISP_SOURCE_DIR "/experiments/nl-critical-materials.toml");
  networks.push_back(crisp::compile_networks(x.scenario, crisp::PolicyEffects{}));
  for (const MaterialNet& net : networks.back())
    register_material(net.spec.name, net);

  // Synthetic networks: the default bench size, and one five times larger.
  for (const auto& [nodes, edges] : {std::pair{200, 1000}, std::pair{1000, 5000}}) {
    const crisp::Scenario s = crisp::synthetic_scenario(nodes, edges, 1);
    if (const std::string why = crisp::day0_shortfall(s); !why.empty()) {
      std::fprintf(stderr, "bench_allocation: synthetic network %dx%d is not balanced: %s\n", nodes,
                   edges, why.c_str());
      std::abort();
    }
    networks.push_back(crisp::compile_networks(s, crisp::PolicyEffects{}));
    register_material(fmt::format("synthetic-{}x{}", nodes, edges), networks.back().front());
  }

  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
