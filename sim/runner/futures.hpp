#pragma once
// Runs over futures (the experiment's [futures]; docs/model.md "Futures", docs/results-format.md
// "/futures"): every policy set simulated in every sampled future on the same replications, then
// per set its net benefit in each future, its robustness over the futures (mean, regret,
// satisficing) and the global sensitivity of its net benefit to the uncertain parameters.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "models/futures.hpp"
#include "sim/results/results_file.hpp"
#include "sim/runner/monte_carlo.hpp"

namespace crisp {

// The futures of a run, in the design's order: their unit-cube points, their factors and the
// worlds they make. Throws std::invalid_argument when a future's scaled scenario is not valid.
struct FuturesPlan {
  std::int64_t futures = 0, parameters = 0, replications = 0;
  std::vector<double> points;   // [future][parameter] in (0, 1)
  std::vector<double> factors;  // [future][parameter]
  std::vector<World> worlds;
};
FuturesPlan plan_futures(const Scenario& scenario, const PolicyDesign& design,
                         const FuturesSpec& spec, std::uint64_t seed,
                         std::int64_t default_replications);

// Future f's total cost of the judged region and material for every policy set, [policy]
// [replication] row-major, replications in order.
using FutureCosts = std::function<std::vector<double>(std::int64_t future)>;

// Everything /futures holds, from every future's costs. `meets_demand` per future (world 1.. of
// BlockSimulator::meets_demand). Deterministic: the same costs give the same bits.
FuturesContent futures_content(const FuturesSpec& spec, const FuturesPlan& plan,
                               const std::vector<std::string>& labels,
                               const std::vector<char>& meets_demand, std::uint64_t seed,
                               const FutureCosts& costs);

// A part of a sharded futures run (crisp run --shard I/N) keeps the judged costs of its futures'
// blocks in /futures/part_costs (future, policy, replication, total_cost_eur), from which crisp
// merge assembles every future's costs. The table of the blocks `blocks` (of BlockPlan numbering,
// futures' only), their costs read by `block_costs(b)` as [policy][replication in block].
Table part_costs_table(const BlockPlan& plan, const std::vector<std::int64_t>& blocks,
                       std::int64_t policies,
                       const std::function<std::vector<double>(std::int64_t)>& block_costs);
// Every future's costs ([future] -> [policy][replication]) from the parts' tables, each checked:
// a row outside the run, of a block its part does not own, given twice, a cost not finite, or a
// cost missing is an error (std::invalid_argument naming the part).
std::vector<std::vector<double>> costs_from_parts(const BlockPlan& plan, std::int64_t policies,
                                                  const std::vector<std::string>& files,
                                                  const std::vector<Table>& tables);

// What a run prints of /futures: the robustness of each set and the parameters that decide.
std::string futures_text(const FuturesContent& content);

// The judged slot: total_cost_eur of spec.region and spec.material in `layout`.
int futures_slot(const FuturesSpec& spec, const MetricLayout& layout);

}  // namespace crisp
