#include "sim/runner/monte_carlo.hpp"

#include <algorithm>
#include <atomic>
#include <mutex>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include "models/shocks.hpp"
#include "models/simulator.hpp"
#include "policies/apply_policy.hpp"

namespace crisp {

std::vector<double> RunResult::series(std::int64_t policy, int slot) const {
  std::vector<double> out(static_cast<std::size_t>(replications));
  for (std::int64_t r = 0; r < replications; ++r)
    out[r] = at(policy, r)[slot];
  return out;
}

RunResult run_monte_carlo(const Scenario& scenario, const PolicyDesign& design,
                          const RunOptions& options, const ProgressFn& progress) {
  // Apply every policy set once up front: a set that cannot apply fails before any work.
  std::vector<AppliedPolicy> applied;
  for (const PolicySet& set : design.sets) {
    applied.push_back(apply_policy(scenario, set));
    Simulator(applied.back().scenario, applied.back().effects);
  }

  RunResult result;
  result.layout = make_layout(scenario);
  result.policies = static_cast<std::int64_t>(design.sets.size());
  result.replications = options.replications;
  const auto slots = static_cast<std::size_t>(result.layout.size());
  result.values.assign(static_cast<std::size_t>(result.policies * result.replications) * slots,
                       0.0);

  const std::int64_t block = std::max<std::int64_t>(1, options.block_size);
  const std::int64_t blocks = (options.replications + block - 1) / block;
  const std::int64_t units = result.policies * blocks;
  std::atomic<std::int64_t> done{0};
  std::mutex progress_mutex;

  auto run_unit = [&](std::int64_t unit) {
    const std::int64_t policy = unit / blocks;
    const std::int64_t first = (unit % blocks) * block;
    const std::int64_t last = std::min(first + block, options.replications);
    Simulator sim(applied[policy].scenario, applied[policy].effects);
    for (std::int64_t r = first; r < last; ++r) {
      const auto shocks = sample_shocks(scenario, options.seed, static_cast<std::uint64_t>(r));
      double* out =
          result.values.data() + static_cast<std::size_t>(policy * result.replications + r) * slots;
      sim.run(shocks, std::span<double>(out, slots));
    }
    const std::int64_t finished = ++done;
    if (progress) {
      std::lock_guard lock(progress_mutex);
      progress(finished, units);
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
