// The work the engine skips (EngineOptions, docs/model.md "Work skipped") cannot change a result:
// every metric of the bundled default and of the lever test case, with and without each skip.
// Skipping an instant's settle keeps every integral over the same intervals; what can differ is
// the last bits of a crossing time computed once more. Values agree to 1e-9 relative: the bound
// docs/model.md "Work skipped" states (the largest seen over 200 replications of the default was
// 9e-10; most values are identical). That holds where the price is set at each instant. A stepped
// price (the default's calibrated markets) integrates the tightness and demand answers it, so a
// last-bit difference is carried forward and can tip a threshold crossed by a hair later (a
// shortage spell's tolerance, a refill pause): there the exact check runs on the default with
// its markets' instant rule, and the default as it is is checked for the same means.
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

// The experiment's scenario; with `instant_rule`, every market's price set at each instant
// (no steps, adjustment, demand response or stock building).
Scenario scenario_of(const Experiment& x, bool instant_rule) {
  Scenario sc = x.scenario;
  if (!instant_rule) return sc;
  for (MaterialSpec& m : sc.materials) {
    m.market.price_step_days = 0;
    m.market.price_adjust_days = 0;
    m.market.demand_elasticity = 0;
    m.market.stock_building_days = 0;
  }
  for (NodeSpec& n : sc.nodes)
    n.demand_elasticity = 0;
  return sc;
}

std::pair<RunResult, RunResult> both(const std::string& file, std::int64_t replications,
                                     bool EngineOptions::*skip, bool instant_rule) {
  const Experiment x = load_experiment_file(file);
  const Scenario sc = scenario_of(x, instant_rule);
  const PolicyDesign design = make_design(x);
  RunOptions options;
  options.replications = replications;
  options.seed = sc.seed;
  RunResult with = run_monte_carlo(sc, design, options);
  options.engine.*skip = false;
  RunResult without = run_monte_carlo(sc, design, options);
  REQUIRE(with.values.size() == without.values.size());
  return {std::move(with), std::move(without)};
}

void check_skip(const std::string& file, std::int64_t replications, bool EngineOptions::*skip,
                bool instant_rule = false) {
  const auto [with, without] = both(file, replications, skip, instant_rule);
  const Worst w = compare(with, without);
  INFO(w.differing << " of " << with.values.size() << " values differ; the worst by " << w.relative
                   << " (slot " << w.index % with.layout.size() << ")");
  CHECK(w.relative < 1e-9);
}

// With stepped prices: every slot's mean over the replications within `tolerance` relative (or
// 1e-6 absolute), and most values as exact as without steps.
void check_skip_means(const std::string& file, std::int64_t replications, bool EngineOptions::*skip,
                      double tolerance) {
  const auto [with, without] = both(file, replications, skip, false);
  const auto slots = static_cast<std::size_t>(with.layout.size());
  const std::size_t sets = with.values.size() / slots / static_cast<std::size_t>(replications);
  double worst = 0;
  for (std::size_t p = 0; p < sets; ++p)
    for (std::size_t k = 0; k < slots; ++k) {
      double a = 0, b = 0;
      for (std::size_t r = 0; r < static_cast<std::size_t>(replications); ++r) {
        const std::size_t i = (p * static_cast<std::size_t>(replications) + r) * slots + k;
        if (!std::isnan(with.values[i])) a += with.values[i];
        if (!std::isnan(without.values[i])) b += without.values[i];
      }
      if (std::abs(a - b) <= 1e-6 * static_cast<double>(replications)) continue;
      worst = std::max(worst, std::abs(a - b) / std::max(std::abs(a), std::abs(b)));
    }
  const Worst w = compare(with, without);
  INFO(w.differing << " of " << with.values.size() << " values differ; the worst mean by "
                   << worst);
  CHECK(worst < tolerance);
  CHECK(static_cast<double>(w.differing) < 0.05 * static_cast<double>(with.values.size()));
}

}  // namespace

TEST_CASE("dropping stale events changes no metric: the bundled default", "[skips]") {
  check_skip(CRISP_SOURCE_DIR "/experiments/nl-critical-materials.toml", 40,
             &EngineOptions::drop_stale, true);
  check_skip_means(CRISP_SOURCE_DIR "/experiments/nl-critical-materials.toml", 40,
                   &EngineOptions::drop_stale, 0.01);
}

TEST_CASE("dropping stale events changes no metric: levers on every material", "[skips]") {
  check_skip(CRISP_SOURCE_DIR "/tests/cases/experiment/levers.toml", 40,
             &EngineOptions::drop_stale);
}

TEST_CASE("settling arrivals locally changes no metric: the bundled default", "[skips]") {
  check_skip(CRISP_SOURCE_DIR "/experiments/nl-critical-materials.toml", 40,
             &EngineOptions::local_arrivals, true);
  check_skip_means(CRISP_SOURCE_DIR "/experiments/nl-critical-materials.toml", 40,
                   &EngineOptions::local_arrivals, 0.01);
}

TEST_CASE("settling arrivals locally changes no metric: levers on every material", "[skips]") {
  check_skip(CRISP_SOURCE_DIR "/tests/cases/experiment/levers.toml", 40,
             &EngineOptions::local_arrivals);
}
