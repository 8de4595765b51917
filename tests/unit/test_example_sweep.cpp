// The bundled example's stockpile sweep (experiments/example.toml): the design it expands to,
// worked by hand from the file; the cost of a stockpile that is never drawn, in closed form; and
// unmet Dutch gallium demand falling as size_days grows.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "core/stats.hpp"
#include "models/metrics.hpp"
#include "sim/experiment/experiment.hpp"
#include "sim/runner/monte_carlo.hpp"

using namespace crisp;

namespace {

double column(const PolicyDesign& design, const PolicySet& set, const std::string& name) {
  const auto it = std::find(design.columns.begin(), design.columns.end(), name);
  REQUIRE(it != design.columns.end());
  return set.params[static_cast<std::size_t>(it - design.columns.begin())];
}

}  // namespace

TEST_CASE("the example's design: a baseline and four stockpile sizes", "[example][stockpile]") {
  const Experiment x = load_experiment_file(CRISP_SOURCE_DIR "/experiments/example.toml");
  const PolicyDesign design = expand_grid(x.levers);
  // One [[policy]] table with one axis, size_days = [0, 30, 60, 90, 180]: five grid points, and
  // the point of size 0 is the baseline (every lever off), kept once as set 0.
  REQUIRE(design.sets.size() == 5);
  const std::vector<std::string> labels = {"baseline", "size_days=30", "size_days=60",
                                           "size_days=90", "size_days=180"};
  const std::vector<double> sizes = {0, 30, 60, 90, 180};
  const std::string lever = "stockpile NL gallium";
  for (std::size_t p = 0; p < design.sets.size(); ++p) {
    const PolicySet& set = design.sets[p];
    INFO(set.label);
    CHECK(set.id == static_cast<int>(p));
    CHECK(set.label == labels[p]);
    if (p == 0) {
      // Off: NaN in every column, no lever on.
      CHECK(set.levers.empty());
      for (const double v : set.params)
        CHECK(std::isnan(v));
      continue;
    }
    REQUIRE(set.levers.size() == 1);
    // The swept field at its grid value, every other field as the file gives it.
    CHECK(column(design, set, lever + ".size_days") == sizes[p]);
    CHECK(column(design, set, lever + ".release.delay_days") == 8);
    CHECK(column(design, set, lever + ".release.max_rate_days") == 1.0);
    CHECK(column(design, set, lever + ".refill.after_days") == 90);
    CHECK(column(design, set, lever + ".refill.rate_days") == 0.1);
    CHECK(column(design, set, lever + ".refill.max_price_multiple") == 1.5);
    CHECK(column(design, set, lever + ".holding_cost_per_year") == 0.04);
  }
}

TEST_CASE("a bigger Dutch gallium stockpile leaves less demand unmet", "[example][stockpile]") {
  const Experiment x = load_experiment_file(CRISP_SOURCE_DIR "/experiments/example.toml");
  const PolicyDesign design = expand_grid(x.levers);
  REQUIRE(design.sets.size() == 5);
  RunOptions options;
  options.replications = 150;
  options.seed = x.scenario.seed;
  const RunResult result = run_monte_carlo(x.scenario, design, options);

  const int gallium = 0, nl = 0;
  REQUIRE(result.layout.materials[gallium] == "gallium");
  REQUIRE(result.layout.regions[nl] == "NL");
  const MetricLayout& l = result.layout;
  const auto series = [&](std::int64_t p, int material, Metric m) {
    return result.series(p, l.slot(material, nl, m));
  };

  // A stockpile that never releases holds its target T from day 0 to the horizon H and costs
  // (docs/model.md "Strategic stockpiles", discounted continuously at d = ln(1 + 0.0225) / 365
  // a day): the fill at the base price P on day 0, holding at 0.04 / 365 * T * P a day, less T
  // valued at P at the horizon:
  //   P T [1 + 0.04 / 365 * (1 - exp(-d H)) / d - exp(-d H)],  exp(-d H) = 1.0225^-10.
  // T is size_days times NL's day-0 gallium demand, 2 t/yr / 365 (nl-ga-users).
  const double P = 460000, H = 3650, d = std::log(1.0225) / 365, end = std::pow(1.0225, -10.0);
  const double per_tonne = P * (1 + 0.04 / 365 * (1 - end) / d - end);
  const std::vector<double> sizes = {0, 30, 60, 90, 180};
  REQUIRE(std::exp(-d * H) == Approx(end).epsilon(1e-14));

  std::vector<double> mean_unmet;
  for (std::int64_t p = 0; p < result.policies; ++p) {
    INFO(design.sets[p].label);
    const std::vector<double> unmet = series(p, gallium, Metric::unmet_t);
    const std::vector<double> cost = series(p, gallium, Metric::policy_cost_eur);
    const std::vector<double> all_cost = series(p, l.all_material(), Metric::policy_cost_eur);
    const std::vector<double> released = series(p, gallium, Metric::stock_released_t);
    const std::vector<double> low = series(p, gallium, Metric::stock_min_frac);
    mean_unmet.push_back(summarize(unmet).mean);
    const double tonnes = sizes[static_cast<std::size_t>(p)] * 2 / 365;
    int untouched = 0;
    for (std::size_t r = 0; r < cost.size(); ++r) {
      // Cobalt has no lever: every policy euro of the region is gallium's.
      CHECK(all_cost[r] == cost[r]);
      if (p == 0) {
        CHECK(cost[r] == 0);
        CHECK(released[r] == 0);
        CHECK(std::isnan(low[r]));  // no stockpile
        continue;
      }
      if (released[r] > 0) continue;
      ++untouched;
      CHECK(low[r] == 1);
      CHECK(cost[r] == Approx(tonnes * per_tonne).epsilon(1e-9));
    }
    // Most replications never draw a stockpile: the closed form was checked on many of them.
    if (p > 0) CHECK(untouched > 50);
  }
  // By hand: exp(-d H) = 0.800510, (1 - exp(-d H)) / d = 3272.44 days, so a tonne held ten years
  // costs 460 000 * 0.558114 = 256 732.22 EUR, and the 30-day stockpile (0.164384 t) 42 202.56.
  CHECK(per_tonne == Approx(256732.22).epsilon(1e-7));
  CHECK(30 * 2 / 365.0 * per_tonne == Approx(42202.56).epsilon(1e-7));

  REQUIRE(mean_unmet[0] > 0.01);  // the baseline does go short: there is something to fix
  for (std::size_t p = 1; p < mean_unmet.size(); ++p) {
    INFO(design.sets[p].label << " vs " << design.sets[p - 1].label << ": mean unmet "
                              << mean_unmet[p] << " t against " << mean_unmet[p - 1] << " t");
    // Same shocks for every policy set (common random numbers), so the order is strict.
    CHECK(mean_unmet[p] < mean_unmet[p - 1]);
  }
}
