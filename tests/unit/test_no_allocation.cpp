// A replication in steady state allocates no memory (issue 8): once a worker has simulated a
// replication, simulating it again, every instant of every distinct material run, asks the heap
// for nothing. Counted by replacing the global operator new for this test binary; the count is
// kept only while a test switches it on, on its own thread. The same count bounds what refusing
// a too-large design costs (issue 17).
#include <catch2/catch.hpp>

#include <cstdlib>
#include <new>
#include <string>

#include <fmt/format.h>

#include "models/shocks.hpp"
#include "policies/apply_policy.hpp"
#include "sim/experiment/experiment.hpp"
#include "sim/runner/material_runs.hpp"

namespace {
thread_local bool counting = false;
thread_local long allocations = 0;
thread_local std::size_t allocated_bytes = 0;
}  // namespace

// AddressSanitizer keeps its own operator new, and a replacement here would mix with it; the
// count is taken in the other builds.
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kCounted = false;
#else
constexpr bool kCounted = true;
void* operator new(std::size_t n) {
  if (counting) {
    ++allocations;
    allocated_bytes += n;
  }
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

// Limits before work (issue 17): a grid of 1 000 x 1 000 values is refused from the lengths of
// its lists, before any of its million policy sets is built (which took 615 MB).
TEST_CASE("a grid past the most policy sets is refused before it is built", "[design]") {
  if (!kCounted) {
    WARN("not counted under AddressSanitizer");
    return;
  }
  std::string values;
  for (int i = 0; i < 1000; ++i)
    values += (i ? ", " : "") + std::to_string(i);
  const std::string text = fmt::format(R"([experiment]
name = "grid"
[[material]]
name = "gallium"
price_eur_per_t = 1
value_of_lost_load_eur_per_t = 1
[[node]]
id = "mine"
kind = "mine"
material = "gallium"
country = "CN"
capacity_tpy = 10
[[node]]
id = "users"
kind = "consumer"
material = "gallium"
country = "NL"
demand_tpy = 5
[[edge]]
from = "mine"
to = "users"
share = 1
lead_time_days = 5
[[policy]]
kind = "stockpile"
regions = ["NL"]
material = "gallium"
size_days = [{0}]
release = {{ delay_days = [{0}] }}
)",
                                       values);
  allocated_bytes = 0;
  counting = true;
  std::string message;
  try {
    load_experiment_text(text, "grid.toml");
  } catch (const InputError& e) {
    message = e.what();
  }
  counting = false;
  INFO(message);
  CHECK(
      message.starts_with("grid.toml:24:1: policy 'stockpile NL gallium': its lists make the "
                          "grid of the [[policy]] lists 1e+06 policy sets, more than 100000"));
  CHECK(allocated_bytes < 20'000'000);  // the parsed text and its two lists: a few MB
}
