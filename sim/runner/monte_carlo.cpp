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

BlockPlan block_plan(const RunOptions& options) {
  BlockPlan plan;
  plan.block_size = std::max<std::int64_t>(1, options.block_size);
  plan.replications.push_back(options.replications);
  plan.replications.insert(plan.replications.end(), options.world_replications.begin(),
                           options.world_replications.end());
  plan.first_block.push_back(0);
  for (std::int64_t r : plan.replications)
    plan.first_block.push_back(plan.first_block.back() + block_count(r, plan.block_size));
  return plan;
}

int BlockPlan::world(std::int64_t block) const {
  return static_cast<int>(std::upper_bound(first_block.begin(), first_block.end(), block) -
                          first_block.begin()) -
         1;
}

BlockRange BlockPlan::range(std::int64_t block) const {
  const int w = world(block);
  return block_range(block - first_block[static_cast<std::size_t>(w)], block_size,
                     replications[static_cast<std::size_t>(w)]);
}

std::vector<std::int64_t> blocks_to_run(const RunOptions& options) {
  std::vector<std::int64_t> todo;
  const std::int64_t all = block_plan(options).blocks();
  for (std::int64_t b = options.shard_index - 1; b < all; b += options.shard_count)
    if (static_cast<std::size_t>(b) >= options.done_blocks.size() || !options.done_blocks[b])
      todo.push_back(b);
  return todo;
}

namespace {

// One world's policy sets applied and compiled.
struct Compiled {
  std::vector<AppliedPolicy> applied;
  std::unique_ptr<MaterialRuns> runs;  // over `applied`, which must not move
};

std::shared_ptr<const Compiled> compile(const Scenario& scenario, const PolicyDesign& design,
                                        const RunOptions& options, MaterialRunCache* cache) {
  auto c = std::make_shared<Compiled>();
  c->applied = apply_design(scenario, design);
  c->runs = std::make_unique<MaterialRuns>(c->applied, options.share_material_runs, cache);
  return c;
}

// Whether the baseline policy set (0) meets every demand in full in one replication without
// shocks.
bool meets_demand_without_shocks(const Compiled& c, const RunOptions& options) {
  const MetricLayout& layout = c.runs->layout();
  const auto slots = static_cast<std::size_t>(layout.size());
  std::vector<double> row(static_cast<std::size_t>(c.runs->policies()) * slots);
  MaterialRuns::Worker worker(*c.runs, options.engine);
  worker.run({}, row.data(), slots, options.seed, 0);
  constexpr double kServed = 1e-9;  // of demand: rounding, not a shortage
  for (int m = 0; m < layout.all_material(); ++m)
    for (int r = 0; r < static_cast<int>(layout.regions.size()); ++r)
      if (row[static_cast<std::size_t>(layout.slot(m, r, Metric::unmet_frac))] > kServed)
        return false;
  return true;
}

}  // namespace

struct BlockSimulator::Impl {
  const Scenario& scenario;
  RunOptions options;
  BlockPlan plan;
  std::shared_ptr<const Compiled> main;  // world 0
  std::vector<World> worlds;             // worlds 1.. (futures)
  std::vector<char> meets_demand;
  // Worlds 1.. compiled while some thread simulates them: a thread keeps its world's, so at most
  // one per thread lives at a time (blocks are handed out in order, world by world).
  mutable std::mutex cache_mutex;
  mutable std::vector<std::weak_ptr<const Compiled>> cache;

  std::shared_ptr<const Compiled> compiled(int w) const {
    if (w == 0) return main;
    const std::lock_guard lock(cache_mutex);
    auto c = cache[static_cast<std::size_t>(w)].lock();
    if (!c) {
      const World& world = worlds[static_cast<std::size_t>(w - 1)];
      c = compile(world.scenario, world.design, options, nullptr);
      cache[static_cast<std::size_t>(w)] = c;
    }
    return c;
  }
  const Scenario& scenario_of(int w) const {
    return w == 0 ? scenario : worlds[static_cast<std::size_t>(w - 1)].scenario;
  }

  // One thread's simulators and its block buffers, reused for every block it simulates.
  struct Thread {
    int world = -1;
    std::shared_ptr<const Compiled> compiled;
    std::unique_ptr<MaterialRuns::Worker> worker;
    std::vector<double> rows;     // [policy][replication in block][slot], as the worker fills
    std::vector<double> columns;  // the same, slot-major (BlockFn)
  };

  void simulate(Thread& t, std::int64_t b, const BlockFn& finished) const {
    const int w = plan.world(b);
    if (t.world != w) {
      t.worker.reset();
      t.compiled = compiled(w);
      t.world = w;
    }
    if (!t.worker)
      t.worker = std::make_unique<MaterialRuns::Worker>(*t.compiled->runs, options.engine);
    const Scenario& world_scenario = scenario_of(w);
    const auto [first, last] = plan.range(b);
    const auto n = static_cast<std::size_t>(last - first);
    const auto slots = static_cast<std::size_t>(main->runs->layout().size());
    const auto policies = static_cast<std::size_t>(main->runs->policies());
    t.rows.resize(policies * n * slots);
    t.columns.resize(t.rows.size());
    for (std::int64_t r = first; r < last; ++r) {
      const auto shocks =
          sample_shocks(world_scenario, options.seed, static_cast<std::uint64_t>(r));
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
              e.material, e.shock_events, r, options.seed, e.budget, world_scenario.event_budget,
              e.budget / std::max<std::uint64_t>(1, world_scenario.event_budget)));
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
                               const RunOptions& options, std::vector<World> worlds)
    : impl_(new Impl{
          scenario, options, block_plan(options), nullptr, std::move(worlds), {}, {}, {}}) {
  Impl& im = *impl_;
  im.options.block_size = im.plan.block_size;
  if (im.worlds.size() != options.world_replications.size())
    throw std::logic_error("BlockSimulator: one world per entry of world_replications");
  im.main = compile(scenario, design, im.options, options.material_cache);
  im.cache.resize(im.worlds.size() + 1);
  im.meets_demand.push_back((im.worlds.empty() && !options.check_demand) ||
                            meets_demand_without_shocks(*im.main, im.options));
  // Every world compiled once up front, so that a lever a future makes invalid fails before any
  // work, and its demand checked without shocks.
  for (std::size_t w = 0; w < im.worlds.size(); ++w) {
    const auto c = compile(im.worlds[w].scenario, im.worlds[w].design, im.options, nullptr);
    im.meets_demand.push_back(meets_demand_without_shocks(*c, im.options));
  }
}

BlockSimulator::~BlockSimulator() = default;

const MetricLayout& BlockSimulator::layout() const {
  return impl_->main->runs->layout();
}

std::int64_t BlockSimulator::policies() const {
  return impl_->main->runs->policies();
}

const std::vector<char>& BlockSimulator::meets_demand() const {
  return impl_->meets_demand;
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
  std::atomic<bool> failed{false};  // a block failed: no thread takes a new one
  // Every failure, by block. The run then throws the lowest block's, so that the error does not
  // depend on which thread got there first: every block below a failed one was handed out before
  // it (in order) and finishes or fails too.
  std::mutex error_mutex;
  std::int64_t error_block = -1;
  std::exception_ptr error;
  auto work = [&](Impl::Thread& local) {
    for (;;) {
      if (failed) return;
      std::int64_t b = -1;
      try {
        {
          const std::lock_guard lock(next_mutex);
          b = next();
        }
        if (b < 0 || failed) return;
        impl_->simulate(local, b, finished);
      } catch (...) {
        {
          const std::lock_guard lock(error_mutex);
          if (!error || (b >= 0 && (error_block < 0 || b < error_block))) {
            error = std::current_exception();
            error_block = b;
          }
        }
        if (!failed.exchange(true) && stopping) stopping();
        return;
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
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&, t] { work(locals[static_cast<std::size_t>(t)]); });
  for (std::thread& t : pool)
    t.join();
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
  if (error) std::rethrow_exception(error);
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
  result.meets_demand = simulator.meets_demand().front();
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
