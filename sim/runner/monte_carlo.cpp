#include "sim/runner/monte_carlo.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <limits>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/global_control.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include "models/shocks.hpp"
#include "sim/runner/material_runs.hpp"

namespace crisp {

std::vector<double> RunResult::series(std::int64_t policy, int slot) const {
  std::vector<double> out(static_cast<std::size_t>(replications));
  for (std::int64_t r = 0; r < replications; ++r)
    out[r] = at(policy, r)[slot];
  return out;
}

void RunResult::store(std::int64_t first, std::size_t n, std::span<const double> block) {
  const auto slots = static_cast<std::size_t>(layout.size());
  const auto P = static_cast<std::size_t>(policies);
  const auto R = static_cast<std::size_t>(replications);
  for (std::size_t s = 0; s < slots; ++s)
    for (std::size_t p = 0; p < P; ++p)
      for (std::size_t i = 0; i < n; ++i)
        values[(p * R + static_cast<std::size_t>(first) + i) * slots + s] =
            block[(s * P + p) * n + i];
}

std::vector<std::int64_t> blocks_to_run(const RunOptions& options) {
  std::vector<std::int64_t> todo;
  const std::int64_t all = block_count(options.replications, options.block_size);
  for (std::int64_t b = options.shard_index - 1; b < all; b += options.shard_count)
    if (static_cast<std::size_t>(b) >= options.done_blocks.size() || !options.done_blocks[b])
      todo.push_back(b);
  return todo;
}

struct BlockSimulator::Impl {
  const Scenario& scenario;
  RunOptions options;
  std::vector<AppliedPolicy> applied;
  std::unique_ptr<MaterialRuns> runs;

  // One thread's simulators and its block buffers, reused for every block it simulates.
  struct Thread {
    std::unique_ptr<MaterialRuns::Worker> worker;
    std::vector<double> rows;     // [policy][replication in block][slot], as the worker fills
    std::vector<double> columns;  // the same, slot-major (BlockFn)
  };

  void simulate(Thread& t, std::int64_t b, const BlockFn& finished) const {
    if (!t.worker) t.worker = std::make_unique<MaterialRuns::Worker>(*runs, options.engine);
    const auto [first, last] = block_range(b, options.block_size, options.replications);
    const auto n = static_cast<std::size_t>(last - first);
    const auto slots = static_cast<std::size_t>(runs->layout().size());
    const auto policies = static_cast<std::size_t>(runs->policies());
    t.rows.resize(policies * n * slots);
    t.columns.resize(t.rows.size());
    for (std::int64_t r = first; r < last; ++r) {
      const auto shocks = sample_shocks(scenario, options.seed, static_cast<std::uint64_t>(r));
      try {
        // Policy set p's row of replication r is at (p * n + r - first) * slots.
        t.worker->run(shocks, t.rows.data() + static_cast<std::size_t>(r - first) * slots,
                      n * slots, options.seed, r);
      } catch (const NoProgress& e) {
        // The shocks' own events over the budget: the input made them (exit 2, std::
        // invalid_argument, named after the experiment file by the caller). Anything else is a
        // cascade the engine should not make.
        if (e.shock_events > e.budget)
          throw std::invalid_argument(fmt::format(
              "material '{}': its shocks make {} events in replication {} (seed {}), more than "
              "its event budget of {} ([experiment] event_budget {} x {} elements of its "
              "network): raise [experiment] event_budget (at most 1000000), or lower the "
              "shocks' rate_per_year or [experiment] horizon_years",
              e.material, e.shock_events, r, options.seed, e.budget, scenario.event_budget,
              e.budget / std::max<std::uint64_t>(1, scenario.event_budget)));
        throw std::runtime_error(fmt::format("{} (replication {}, seed {}); please report it",
                                             e.what(), r, options.seed));
      }
    }
    for (std::size_t p = 0; p < policies; ++p)
      for (std::size_t i = 0; i < n; ++i)
        for (std::size_t s = 0; s < slots; ++s)
          t.columns[(s * policies + p) * n + i] = t.rows[(p * n + i) * slots + s];
    finished(b, t.columns);
  }
};

BlockSimulator::BlockSimulator(const Scenario& scenario, const PolicyDesign& design,
                               const RunOptions& options)
    : impl_(new Impl{scenario, options, apply_design(scenario, design), nullptr}) {
  impl_->options.block_size = std::max<std::int64_t>(1, options.block_size);
  impl_->runs = std::make_unique<MaterialRuns>(impl_->applied, options.share_material_runs,
                                               options.material_cache);
}

BlockSimulator::~BlockSimulator() = default;

const MetricLayout& BlockSimulator::layout() const {
  return impl_->runs->layout();
}

std::int64_t BlockSimulator::policies() const {
  return impl_->runs->policies();
}

int BlockSimulator::threads() const {
  return impl_->options.threads > 0 ? impl_->options.threads
                                    : tbb::this_task_arena::max_concurrency();
}

void BlockSimulator::run(const NextBlockFn& next, const BlockFn& finished,
                         const std::function<void()>& stopping) const {
  // Every thread pulls blocks until there are none: a slow replication holds up one thread, not
  // a static share of the work.
  const int threads = this->threads();
  std::mutex next_mutex;
  std::atomic<bool> failed{false};  // one thread threw: the others take no new block
  auto work = [&](Impl::Thread& local) {
    for (;;) {
      if (failed) return;
      std::int64_t b = -1;
      {
        const std::lock_guard lock(next_mutex);
        b = next();
      }
      if (b < 0 || failed) return;
      try {
        impl_->simulate(local, b, finished);
      } catch (...) {
        failed = true;
        if (stopping) stopping();
        throw;
      }
    }
  };
#if defined(__SANITIZE_THREAD__)
  // Under ThreadSanitizer, plain threads: Debian's oneTBB is not instrumented, so TSan cannot
  // see its synchronisation and reports races inside it; with std::thread every handover between
  // threads is this file's own (the mutex, the atomic, the join), which is what TSan is here to
  // check (scripts/test).
  std::vector<std::thread> pool;
  std::vector<Impl::Thread> locals(static_cast<std::size_t>(threads));
  std::exception_ptr error;
  std::mutex error_mutex;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      try {
        work(locals[static_cast<std::size_t>(t)]);
      } catch (...) {
        const std::lock_guard lock(error_mutex);
        if (!error) error = std::current_exception();
      }
    });
  for (std::thread& t : pool)
    t.join();
  if (error) std::rethrow_exception(error);
#else
  tbb::enumerable_thread_specific<Impl::Thread> locals;
  // More threads than cores is the user's choice: allow it (without this TBB caps the arena at
  // the cores and prints a warning of its own).
  const tbb::global_control allow(
      tbb::global_control::max_allowed_parallelism,
      static_cast<std::size_t>(std::max(threads, tbb::this_task_arena::max_concurrency())));
  tbb::task_arena arena(threads);
  arena.execute([&] { tbb::parallel_for(0, threads, [&](int) { work(locals.local()); }); });
#endif
}

void BlockSimulator::run_list(const std::vector<std::int64_t>& todo, const BlockFn& finished,
                              const ProgressFn& progress, const std::atomic<bool>* stop) const {
  std::size_t handed = 0;  // run() calls `next` under its own lock
  std::int64_t done = 0;
  std::mutex mutex;
  run(
      [&] {
        if (stop != nullptr && *stop) return std::int64_t{-1};
        return handed < todo.size() ? todo[handed++] : std::int64_t{-1};
      },
      [&](std::int64_t b, std::span<const double> values) {
        const std::lock_guard lock(mutex);
        if (finished) finished(b, values);
        if (progress) progress(++done, static_cast<std::int64_t>(todo.size()));
      });
}

RunResult run_monte_carlo(const Scenario& scenario, const PolicyDesign& design,
                          const RunOptions& options, const ProgressFn& progress,
                          const BlockFn& finished) {
  const BlockSimulator simulator(scenario, design, options);
  RunResult result;
  result.layout = simulator.layout();
  result.policies = simulator.policies();
  result.replications = options.replications;
  const auto slots = static_cast<std::size_t>(result.layout.size());
  const auto policies = static_cast<std::size_t>(result.policies);
  if (options.keep_values)
    result.values.assign(policies * static_cast<std::size_t>(result.replications) * slots,
                         options.shard_count > 1 ? std::numeric_limits<double>::quiet_NaN() : 0.0);
  const std::int64_t block = std::max<std::int64_t>(1, options.block_size);
  for (std::int64_t b = options.shard_index - 1; b < block_count(options.replications, block);
       b += options.shard_count)
    result.blocks.push_back(b);

  simulator.run_list(
      blocks_to_run(options),
      [&](std::int64_t b, std::span<const double> values) {
        const auto [first, last] = block_range(b, block, options.replications);
        if (options.keep_values)
          result.store(first, static_cast<std::size_t>(last - first), values);
        if (finished) finished(b, values);
      },
      progress);
  return result;
}

}  // namespace crisp
