#include "sim/runner/monte_carlo.hpp"

#include <algorithm>
#include <atomic>
#include <limits>
#include <memory>
#include <mutex>
#include <stdexcept>

#include <fmt/format.h>
#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include "models/shocks.hpp"
#include "policies/apply_policy.hpp"
#include "sim/runner/material_runs.hpp"

namespace crisp {

std::vector<double> RunResult::series(std::int64_t policy, int slot) const {
  std::vector<double> out(static_cast<std::size_t>(replications));
  for (std::int64_t r = 0; r < replications; ++r)
    out[r] = at(policy, r)[slot];
  return out;
}

RunResult run_monte_carlo(const Scenario& scenario, const PolicyDesign& design,
                          const RunOptions& options, const ProgressFn& progress,
                          const BlockFn& finished) {
  // Apply and compile every policy set once up front: a set that cannot apply fails before any
  // work, and every worker reads the same networks.
  const std::vector<AppliedPolicy> applied = apply_design(scenario, design);
  const MaterialRuns runs(applied, options.share_material_runs);

  RunResult result;
  result.layout = runs.layout();
  result.policies = static_cast<std::int64_t>(design.sets.size());
  result.replications = options.replications;
  const auto slots = static_cast<std::size_t>(result.layout.size());
  result.values.assign(static_cast<std::size_t>(result.policies * result.replications) * slots,
                       options.shard_count > 1 ? std::numeric_limits<double>::quiet_NaN() : 0.0);

  // A work unit is a block of replications with every policy set: its results depend only on the
  // experiment and the replication numbers, never on the thread that runs it.
  const std::int64_t block = std::max<std::int64_t>(1, options.block_size);
  const std::int64_t all_blocks = block_count(options.replications, block);
  std::vector<std::int64_t> todo;
  for (std::int64_t b = options.shard_index - 1; b < all_blocks; b += options.shard_count) {
    result.blocks.push_back(b);
    if (static_cast<std::size_t>(b) >= options.done_blocks.size() || !options.done_blocks[b])
      todo.push_back(b);
  }
  const auto units = static_cast<std::int64_t>(todo.size());
  std::atomic<std::int64_t> done{0};
  std::mutex progress_mutex;
  tbb::enumerable_thread_specific<std::unique_ptr<MaterialRuns::Worker>> workers;

  auto run_unit = [&](std::int64_t unit) {
    auto& worker = workers.local();
    if (!worker) worker = std::make_unique<MaterialRuns::Worker>(runs, options.engine);
    const std::int64_t b = todo[static_cast<std::size_t>(unit)];
    const auto [first, last] = block_range(b, block, options.replications);
    for (std::int64_t r = first; r < last; ++r) {
      const auto shocks = sample_shocks(scenario, options.seed, static_cast<std::uint64_t>(r));
      try {
        // Policy set p's row of replication r is at (p * replications + r) * slots.
        worker->run(shocks, result.values.data() + static_cast<std::size_t>(r) * slots,
                    static_cast<std::size_t>(result.replications) * slots);
      } catch (const NoProgress& e) {
        throw std::runtime_error(fmt::format("{} (replication {}, seed {}); please report it",
                                             e.what(), r, options.seed));
      }
    }
    if (finished) finished(b, result);
    const std::int64_t count = ++done;
    if (progress) {
      std::lock_guard lock(progress_mutex);
      progress(count, units);
    }
  };

  const int threads =
      options.threads > 0 ? options.threads : tbb::this_task_arena::max_concurrency();
  tbb::task_arena arena(threads);
  arena.execute([&] {
    tbb::parallel_for(tbb::blocked_range<std::int64_t>(0, units, 1),
                      [&](const tbb::blocked_range<std::int64_t>& range) {
                        for (std::int64_t u = range.begin(); u != range.end(); ++u)
                          run_unit(u);
                      });
  });
  return result;
}

}  // namespace crisp
