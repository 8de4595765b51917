// The work the engine skips (EngineOptions, docs/model.md "Work skipped") cannot change a result:
// every metric of the bundled default and of the lever test case, with and without each skip.
// Skipping an instant's settle keeps every integral over the same intervals; what can differ is
// the last bits of a crossing time computed once more. Values agree to 1e-9 relative: the bound
// docs/model.md "Work skipped" states (the largest seen over 200 replications of the default was
// 9e-10; most values are identical).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <string>

#include "sim/experiment/experiment.hpp"
#include "sim/runner/monte_carlo.hpp"

using namespace crisp;

namespace {

struct Worst {
  double relative = 0;
  std::size_t index = 0, differing = 0;
};

Worst compare(const RunResult& a, const RunResult& b) {
  Worst w;
  for (std::size_t i = 0; i < a.values.size(); ++i) {
    const double u = a.values[i], v = b.values[i];
    if ((std::isnan(u) && std::isnan(v)) || u == v) continue;
    ++w.differing;
    const double rel = std::abs(u - v) / std::max({std::abs(u), std::abs(v), 1e-300});
    if (rel > w.relative) w = {rel, i, w.differing};
  }
  return w;
}

void check_skip(const std::string& file, std::int64_t replications, bool EngineOptions::*skip) {
  const Experiment x = load_experiment_file(file);
  const PolicyDesign design = make_design(x);
  RunOptions options;
  options.replications = replications;
  options.seed = x.scenario.seed;
  const RunResult with = run_monte_carlo(x.scenario, design, options);
  options.engine.*skip = false;
  const RunResult without = run_monte_carlo(x.scenario, design, options);
  REQUIRE(with.values.size() == without.values.size());
  const Worst w = compare(with, without);
  INFO(w.differing << " of " << with.values.size() << " values differ; the worst by " << w.relative
                   << " (slot " << w.index % with.layout.size() << ")");
  CHECK(w.relative < 1e-9);
}

}  // namespace

TEST_CASE("dropping stale events changes no metric: the bundled default", "[skips]") {
  check_skip(CRISP_SOURCE_DIR "/experiments/nl-critical-materials.toml", 40,
             &EngineOptions::drop_stale);
}

TEST_CASE("dropping stale events changes no metric: levers on every material", "[skips]") {
  check_skip(CRISP_SOURCE_DIR "/tests/cases/experiment/levers.toml", 40,
             &EngineOptions::drop_stale);
}

TEST_CASE("settling arrivals locally changes no metric: the bundled default", "[skips]") {
  check_skip(CRISP_SOURCE_DIR "/experiments/nl-critical-materials.toml", 40,
             &EngineOptions::local_arrivals);
}

TEST_CASE("settling arrivals locally changes no metric: levers on every material", "[skips]") {
  check_skip(CRISP_SOURCE_DIR "/tests/cases/experiment/levers.toml", 40,
             &EngineOptions::local_arrivals);
}
