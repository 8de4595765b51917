// Each policy lever does what it is for, on a small network (tests/cases/levers/network.toml)
// with fixed shocks: a test here fails if the lever does nothing. The shocks start on fixed days,
// so one replication is the whole story.
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

#include "models/metrics.hpp"
#include "sim/experiment/experiment.hpp"
#include "sim/runner/monte_carlo.hpp"

using namespace crisp;

namespace {

const char* kChinaControls = R"(
[[shock]]
name = "china-controls"
kind = "export_restriction"
country = "CN"
destinations = "foreign"
stage = "refined"
start_day = 100
duration_days = 200
severity = 1.0
)";

struct Outcome {
  RunResult result;
  PolicyDesign design;
  double get(std::int64_t policy, const std::string& region, Metric m) const {
    const MetricLayout& l = result.layout;
    const auto r = std::find(l.regions.begin(), l.regions.end(), region) - l.regions.begin();
    return result.at(policy, 0)[l.slot(0, static_cast<int>(r), m)];
  }
};

Outcome run(const std::string& extra) {
  std::ifstream f(CRISP_SOURCE_DIR "/tests/cases/levers/network.toml");
  std::stringstream text;
  text << f.rdbuf() << extra;
  const Experiment x = load_experiment_text(text.str(), "levers.toml");
  Outcome o{{}, expand_grid(x.levers)};
  RunOptions options;
  options.replications = 1;
  o.result = run_monte_carlo(x.scenario, o.design, options);
  return o;
}

}  // namespace

TEST_CASE("domestic refining lowers unmet demand under a restriction on the main supplier",
          "[levers]") {
  const Outcome o = run(std::string(kChinaControls) + R"(
[[policy]]
kind = "refining"
region = "NL"
material = "gallium"
capacity_tpy = [0, 80]
feedstock = { "au-mine" = 1.0 }
)");
  REQUIRE(o.design.sets.size() == 2);
  const double off = o.get(0, "NL", Metric::unmet_t), on = o.get(1, "NL", Metric::unmet_t);
  INFO("unmet NL: without " << off << " t, with an 80 t/yr refinery " << on << " t");
  CHECK(off > 10);
  CHECK(on < 0.5 * off);
  CHECK(o.get(1, "NL", Metric::policy_cost_eur) >= 0);
}

TEST_CASE("standby refining helps only after its activation delay", "[levers]") {
  const Outcome o = run(std::string(kChinaControls) + R"(
[[policy]]
kind = "refining"
region = "NL"
material = "gallium"
capacity_tpy = 80
feedstock = { "au-mine" = 1.0 }
mode = "standby"
activation_days = [30, 1000]
standby_cost_per_year = 100000
)");
  REQUIRE(o.design.sets.size() == 3);  // baseline, activation 30 days, activation 1000 days
  const double baseline = o.get(0, "NL", Metric::unmet_t);
  const double soon = o.get(1, "NL", Metric::unmet_t), never = o.get(2, "NL", Metric::unmet_t);
  INFO("unmet NL: baseline " << baseline << ", activation 30 d " << soon << ", 1000 d " << never);
  CHECK(never == Approx(baseline).epsilon(1e-12));  // not active within the two years
  CHECK(soon < baseline);
  // The standby cost runs until activation: nearly two years' worth when it never starts.
  CHECK(o.get(2, "NL", Metric::policy_cost_eur) > 1.8 * 100000);
}

TEST_CASE("diversification brings the largest country share to the cap and lowers unmet demand",
          "[levers]") {
  const std::string lever = R"(
[[policy]]
kind = "diversification"
regions = ["NL"]
material = "gallium"
max_country_share = [1.0, 0.65]
alternatives = ["jp-ref"]
)";
  const Outcome calm = run(lever);
  CHECK(calm.get(0, "NL", Metric::max_country_share) == Approx(0.9).epsilon(1e-9));
  CHECK(calm.get(1, "NL", Metric::max_country_share) == Approx(0.65).epsilon(1e-9));
  const Outcome shocked = run(std::string(kChinaControls) + lever);
  CHECK(shocked.get(1, "NL", Metric::unmet_t) < 0.8 * shocked.get(0, "NL", Metric::unmet_t));
}

TEST_CASE("recycling lowers unmet demand and foreign shocks do not reach it", "[levers]") {
  const Outcome o = run(std::string(kChinaControls) + R"(
[[shock]]
name = "japan-controls"
kind = "export_restriction"
country = "JP"
destinations = "foreign"
start_day = 100
duration_days = 200
severity = 1.0

[[policy]]
kind = "recycling"
regions = ["NL"]
material = "gallium"
rate = [0, 0.2]
)");
  // Every foreign supplier is cut off: without recycling nothing arrives at all, with it the
  // recycler still delivers its 20 % of demand.
  CHECK(o.get(0, "NL", Metric::peak_shortfall_frac) == Approx(1.0));
  CHECK(o.get(1, "NL", Metric::peak_shortfall_frac) == Approx(0.8).epsilon(1e-9));
  CHECK(o.get(1, "NL", Metric::unmet_t) < o.get(0, "NL", Metric::unmet_t));
}

TEST_CASE("early warning lowers unmet demand when re-sourcing is the bottleneck", "[levers]") {
  const Outcome o = run(std::string(kChinaControls) + R"(
[[policy]]
kind = "early_warning"
regions = ["NL"]
material = "gallium"
lead_days = [0, 60]
cost_per_year = 50000
)");
  const double slow = o.get(0, "NL", Metric::unmet_t), warned = o.get(1, "NL", Metric::unmet_t);
  INFO("unmet NL: re-sourcing after 90 days " << slow << " t, after 30 days " << warned << " t");
  CHECK(warned < 0.8 * slow);
  CHECK(o.get(1, "NL", Metric::policy_cost_eur) > 0);
}

TEST_CASE("a joint stockpile splits its release over its regions pro rata to their gaps",
          "[levers]") {
  const Outcome o = run(std::string(kChinaControls) + R"(
[[policy]]
kind = "stockpile"
regions = ["EU"]
material = "gallium"
size_days = 60
release = { trigger = "supply_drop", threshold = 0.95, max_rate_days = 1.0 }
)");
  // The Dutch lose 0.9 of 100 t/yr, the Germans 0.5 of 200 t/yr: gaps of 90 and 100 t/yr, so the
  // Dutch get 0.9 of what the Germans get, not the 0.5 their demands would give.
  const double nl = o.get(1, "NL", Metric::stock_released_t),
               de = o.get(1, "DE", Metric::stock_released_t);
  REQUIRE(de > 1);
  CHECK(nl / de == Approx(0.9).epsilon(1e-6));
  CHECK(o.get(1, "EU", Metric::stock_released_t) == Approx(nl + de).epsilon(1e-9));
}
