// A replication in steady state allocates no memory (issue 8): once a worker has simulated a
// replication, simulating it again, every instant of every distinct material run, asks the heap
// for nothing. Counted by replacing the global operator new for this test binary; the count is
// kept only while a test switches it on, on its own thread.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <new>

#include "models/shocks.hpp"
#include "policies/apply_policy.hpp"
#include "sim/experiment/experiment.hpp"
#include "sim/runner/material_runs.hpp"

namespace {
thread_local bool counting = false;
thread_local long allocations = 0;
}  // namespace

// AddressSanitizer keeps its own operator new, and a replacement here would mix with it; the
// count is taken in the other builds.
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kCounted = false;
#else
constexpr bool kCounted = true;
void* operator new(std::size_t n) {
  if (counting) ++allocations;
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}
#endif

using namespace crisp;

TEST_CASE("a replication in steady state allocates nothing", "[steady]") {
  if (!kCounted) {
    WARN("not counted under AddressSanitizer");
    return;
  }
  const Experiment x =
      load_experiment_file(CRISP_SOURCE_DIR "/experiments/nl-critical-materials.toml");
  const std::vector<AppliedPolicy> applied = apply_design(x.scenario, make_design(x));
  const MaterialRuns runs(applied);
  MaterialRuns::Worker worker(runs);
  const auto stride = static_cast<std::size_t>(runs.layout().size());
  std::vector<double> out(applied.size() * stride);
  // Replications with shocks in every material: 2779 (rare earths' crisis), 4 (the most events
  // per material-year among the first 300).
  for (std::uint64_t r : {2779u, 4u}) {
    INFO("replication " << r);
    const auto shocks = sample_shocks(x.scenario, x.scenario.seed, r);
    worker.run(shocks, out.data(), stride);  // warms every buffer up to this history's needs
    std::uint64_t events = 0;
    for (int k = 0; k < runs.runs(); ++k)
      events += worker.stats(k).events;
    allocations = 0;
    counting = true;
    worker.run(shocks, out.data(), stride);
    counting = false;
    CHECK(events > 1000);
    CHECK(allocations == 0);
  }
}
