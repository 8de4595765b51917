#pragma once
// The parallel Monte Carlo runner. A work unit is a block of replications with every policy set;
// a unit's results depend only on the experiment and the replication numbers, never on which
// thread runs it, so every dataset is bit-identical for any thread count.

#include <algorithm>
#include <cstdint>
#include <functional>
#include <vector>

#include "models/material_sim.hpp"
#include "models/metrics.hpp"
#include "models/scenario.hpp"
#include "policies/policy_set.hpp"

namespace crisp {

struct RunOptions {
  std::int64_t replications = 100;
  std::uint64_t seed = 1;
  int threads = 0;               // 0: all cores
  std::int64_t block_size = 32;  // replications per work unit (each with every policy set)
  // Simulate each distinct material run of a replication once (docs/model.md "Shared material
  // runs"); off only to check that sharing changes nothing.
  bool share_material_runs = true;
  EngineOptions engine;  // skips that cannot change a result, all on by default
  // One part of a sharded run: only the blocks b with b % shard_count == shard_index - 1 are
  // simulated; the other replications' values are NaN.
  std::int64_t shard_index = 1, shard_count = 1;
  // Blocks already done (a resumed run): not simulated; their values are the caller's to fill.
  std::vector<char> done_blocks;
};

// Blocks of `block` replications: how many `replications` make, and block b's replications
// [first, last) (the last block may be short).
inline std::int64_t block_count(std::int64_t replications, std::int64_t block) {
  return (replications + block - 1) / block;
}
struct BlockRange {
  std::int64_t first, last;
};
inline BlockRange block_range(std::int64_t b, std::int64_t block, std::int64_t replications) {
  return {b * block, std::min((b + 1) * block, replications)};
}

struct RunResult {
  MetricLayout layout;
  std::int64_t policies = 0, replications = 0;
  std::vector<double> values;        // [policy][replication][slot], slot from `layout`
  std::vector<std::int64_t> blocks;  // the blocks simulated, ascending (all, unless sharded)

  const double* at(std::int64_t policy, std::int64_t replication) const {
    return values.data() + (policy * replications + replication) * layout.size();
  }
  // One metric across replications for a policy set, in replication order.
  std::vector<double> series(std::int64_t policy, int slot) const;
};

// Called after each finished work unit (a block of replications, every policy set) with (units
// done, units in all); from a worker thread, never concurrently.
using ProgressFn = std::function<void(std::int64_t, std::int64_t)>;
struct RunResult;
// Called from a worker thread when block b is finished, with the result being filled: block b's
// values are complete and no other thread writes them (the journal records them). Called
// concurrently for different blocks.
using BlockFn = std::function<void(std::int64_t block, const RunResult& result)>;

// Throws std::invalid_argument when a policy set cannot apply to the scenario.
RunResult run_monte_carlo(const Scenario& scenario, const PolicyDesign& design,
                          const RunOptions& options, const ProgressFn& progress = {},
                          const BlockFn& finished = {});

}  // namespace crisp
