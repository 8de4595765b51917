#pragma once
// The parallel Monte Carlo runner. A work unit is a block of replications with every policy set;
// a unit's results depend only on the experiment and the replication numbers, never on which
// thread (or MPI rank) runs it, so every dataset is bit-identical for any thread or rank count.

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <vector>

#include "models/material_sim.hpp"
#include "models/metrics.hpp"
#include "models/scenario.hpp"
#include "policies/apply_policy.hpp"
#include "policies/policy_set.hpp"

namespace crisp {

class MaterialRunCache;

struct RunOptions {
  std::int64_t replications = 100;
  std::uint64_t seed = 1;
  int threads = 0;               // 0: all cores
  std::int64_t block_size = 32;  // replications per work unit (Scenario::block_replications)
  // Simulate each distinct material run of a replication once (docs/model.md "Shared material
  // runs"); off only to check that sharing changes nothing.
  bool share_material_runs = true;
  EngineOptions engine;  // skips that cannot change a result, all on by default
  // One part of a sharded run: only the blocks b with b % shard_count == shard_index - 1 are
  // simulated; the other replications' values are NaN.
  std::int64_t shard_index = 1, shard_count = 1;
  // Blocks already done (a resumed run): not simulated; their values are the caller's to fill.
  std::vector<char> done_blocks;
  // Material runs kept across runs (crisp optimise; sim/runner/material_runs.hpp); null: none.
  MaterialRunCache* material_cache = nullptr;
  // The replications of each world after the scenario as given (the futures of [futures];
  // BlockPlan): empty for a run of the scenario alone.
  std::vector<std::int64_t> world_replications;
  // Check the scenario as given (world 0) for demand it cannot meet without shocks
  // (BlockSimulator::meets_demand), as every further world is checked: a [sensitivity] run.
  bool check_demand = false;
  // Keep every value in RunResult::values. Off for a streamed run (crisp run): each block goes
  // to the BlockFn and is forgotten, so memory does not grow with the replications.
  bool keep_values = true;
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

// A world a run simulates after the scenario as given: one future of [futures] (docs/model.md
// "Futures"), with its own scenario, lever values and replications. Replication r of every
// world draws from the same random streams (seed, r): common random numbers across worlds.
struct World {
  Scenario scenario;
  PolicyDesign design;
};

// Where a run's blocks lie: world 0 (the scenario as given) first, then each further world in
// order, each cut into blocks of block_size replications. A block's number is its place in this
// order; sharding, resuming and MPI hand out these numbers as for a run of one world.
struct BlockPlan {
  std::int64_t block_size = 32;
  std::vector<std::int64_t> replications;  // per world
  std::vector<std::int64_t> first_block;   // per world, then the number of blocks in all

  std::int64_t blocks() const { return first_block.back(); }
  int world(std::int64_t block) const;
  // The world's replications block `block` holds.
  BlockRange range(std::int64_t block) const;
};
BlockPlan block_plan(const RunOptions& options);

// The blocks a run simulates, ascending: those of its shard, less those already done.
std::vector<std::int64_t> blocks_to_run(const RunOptions& options);

// A finished block's metrics, slot-major: the value of (slot s, policy set p, replication r) is
// values[(s * policies + p) * n + (r - first)], n the block's replications. One series of one
// block is contiguous, which is how the journal stores blocks and the results are assembled.
using BlockFn = std::function<void(std::int64_t block, std::span<const double> values)>;
// Called after each finished work unit with (units done, units in all); never concurrently.
using ProgressFn = std::function<void(std::int64_t, std::int64_t)>;
// Hands out the next block to simulate, or -1 when there is none; called from worker threads,
// never concurrently.
using NextBlockFn = std::function<std::int64_t()>;

struct RunResult {
  MetricLayout layout;
  std::int64_t policies = 0, replications = 0;
  std::vector<double> values;        // [policy][replication][slot] (RunOptions::keep_values)
  std::vector<std::int64_t> blocks;  // the blocks of this run, ascending (all, unless sharded)
  bool meets_demand = true;          // RunOptions::check_demand: BlockSimulator::meets_demand

  const double* at(std::int64_t policy, std::int64_t replication) const {
    return values.data() + (policy * replications + replication) * layout.size();
  }
  // One metric across replications for a policy set, in replication order.
  std::vector<double> series(std::int64_t policy, int slot) const;
  // Puts a block's slot-major values (BlockFn) for replications [first, first + n) into `values`.
  void store(std::int64_t first, std::size_t n, std::span<const double> block);
};

// An experiment ready to simulate blocks: every policy set applied and compiled once up front
// (a set that cannot apply fails before any work), shared by every thread.
class BlockSimulator {
 public:
  // Throws std::invalid_argument when a policy set cannot apply to the scenario or to a world.
  // `worlds` go with options.world_replications, one for one.
  BlockSimulator(const Scenario& scenario, const PolicyDesign& design, const RunOptions& options,
                 std::vector<World> worlds = {});
  ~BlockSimulator();
  const MetricLayout& layout() const;
  std::int64_t policies() const;
  int threads() const;  // options.threads, or all cores
  // Per world (0: the scenario as given): whether its network meets every consumer's demand in
  // full without shocks, in the baseline policy set (one replication with no shock).
  const std::vector<char>& meets_demand() const;
  // Simulates the blocks `next` hands out on threads() threads until it returns -1; each
  // finished block goes to `finished` (from the thread that simulated it, concurrently for
  // different blocks). An exception from either stops the run: no thread takes a new block,
  // `stopping` is called at once (so that a `next` that waits for blocks can return -1), the
  // blocks under way finish or fail, and the exception of the lowest failed block is rethrown
  // here: which error a run reports does not depend on the threads or the machine's load.
  void run(const NextBlockFn& next, const BlockFn& finished,
           const std::function<void()>& stopping = {}) const;
  // run() over the blocks of `todo`, in that order, until they are done or `*stop` is set:
  // `finished` and then `progress` (blocks done, blocks in `todo`) see each finished block under
  // one lock, never concurrently.
  void run_list(const std::vector<std::int64_t>& todo, const BlockFn& finished,
                const ProgressFn& progress, const std::atomic<bool>* stop = nullptr) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Simulates the blocks of `options` (blocks_to_run). `finished` sees each block's values as
// they are done; `progress` counts them.
RunResult run_monte_carlo(const Scenario& scenario, const PolicyDesign& design,
                          const RunOptions& options, const ProgressFn& progress = {},
                          const BlockFn& finished = {});

}  // namespace crisp
