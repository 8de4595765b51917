// Futures ([futures]; docs/model.md "Futures"): factor ranges, the worlds they make (a region's
// demand, a lever's capex), and the robustness measures over hand-made costs.

#include <cmath>
#include <string>
#include <variant>
#include <vector>

#include <catch2/catch.hpp>

#include "models/futures.hpp"
#include "sim/experiment/experiment.hpp"
#include "sim/runner/futures.hpp"

using namespace crisp;

namespace {

const std::string kCase = CRISP_SOURCE_DIR "/tests/cases/futures/flip.toml";

template <class T>
const std::vector<T>& column(const FuturesContent& c, const std::string& table,
                             const std::string& name) {
  for (const auto& [n, t] : c.tables)
    if (n == table)
      for (const Column& col : t)
        if (col.name == name) return std::get<std::vector<T>>(col.values);
  FAIL("no column " << table << "/" << name);
  throw;
}

}  // namespace

TEST_CASE("a factor range maps the unit interval linearly or in the log", "[futures]") {
  UncertainParameter u;
  u.min = 0.5;
  u.max = 2;
  CHECK(factor_at(u, 0.0) == 0.5);
  CHECK(factor_at(u, 1.0) == 2.0);
  CHECK(factor_at(u, 0.5) == Approx(1.25));
  u.log = true;
  CHECK(factor_at(u, 0.5) == Approx(1.0));  // the geometric middle of 0.5 and 2
  FuturesSpec spec;
  spec.parameters.resize(3);
  spec.samples = 8;
  CHECK(futures_count(spec) == 8 * 5);
  spec.method = FuturesSpec::Method::morris;
  CHECK(futures_count(spec) == 8 * 4);
}

TEST_CASE("a future scales one region's demand and a lever's field, nothing else", "[futures]") {
  const Experiment x = load_experiment_file(kCase);
  const PolicyDesign design = make_design(x);
  FuturesSpec spec = *x.futures;
  // cn-users.demand_tpy (a node) at the factor of the future's point; here also a region's
  // demand and the stockpile's holding cost, as parameters of their own.
  UncertainParameter region, lever;
  region.parameter = {"NL.gallium.demand_tpy", SensitivityParameter::Target::region, 0,
                      "demand_tpy", "NL"};
  region.min = 2;
  region.max = 3;
  lever.parameter = {"stockpile NL gallium.holding_cost_per_year",
                     SensitivityParameter::Target::lever, -1, "holding_cost_per_year",
                     "stockpile NL gallium"};
  lever.min = 1.5;
  lever.max = 2.5;
  spec.parameters.push_back(region);
  spec.parameters.push_back(lever);
  const FuturesPlan plan = plan_futures(x.scenario, design, spec, 1, 10);
  REQUIRE(plan.futures == spec.samples * 6);
  REQUIRE(plan.worlds.size() == static_cast<std::size_t>(plan.futures));
  const int nl = x.scenario.find_node("nl-users"), cn = x.scenario.find_node("cn-users");
  for (std::int64_t f = 0; f < plan.futures; f += 7) {
    const double* factors = plan.factors.data() + f * 4;
    const World& w = plan.worlds[static_cast<std::size_t>(f)];
    CHECK(w.scenario.nodes[nl].demand_tpy == x.scenario.nodes[nl].demand_tpy * factors[2]);
    CHECK(w.scenario.nodes[cn].demand_tpy == x.scenario.nodes[cn].demand_tpy * factors[1]);
    CHECK(w.scenario.materials[0].value_of_lost_load_eur_per_t ==
          x.scenario.materials[0].value_of_lost_load_eur_per_t * factors[0]);
    // The stockpile set's holding cost, scaled; the baseline has no stockpile to scale.
    const auto& stock = std::get<StockpileSpec>(w.design.sets[1].levers.at(0));
    const auto& base = std::get<StockpileSpec>(design.sets[1].levers.at(0));
    CHECK(stock.holding_cost_per_year == base.holding_cost_per_year * factors[3]);
    CHECK(w.design.sets[0].levers.empty());
  }
}

TEST_CASE("robustness over futures, by hand", "[futures]") {
  // Three sets, two futures, two replications; costs constant over replications but for set 2
  // in future 1, so that the intervals are exact where they collapse.
  // Future 0: baseline 10, set 1 costs 7 (benefit 3), set 2 costs 9 (benefit 1).
  // Future 1: baseline 10, set 1 costs 12 (benefit -2), set 2 costs 8 and 10 (benefit 1 mean).
  const std::vector<std::vector<double>> costs = {{10, 10, 7, 7, 9, 9}, {10, 10, 12, 12, 8, 10}};
  FuturesSpec spec;
  spec.samples = 2;
  UncertainParameter u;
  u.parameter.name = "x.rate_per_year";
  u.min = 1;
  u.max = 2;
  spec.parameters = {u};
  FuturesPlan plan;
  plan.futures = 2;  // not a whole Saltelli design: the indices are NaN, the rest is exact
  plan.parameters = 1;
  plan.replications = 2;
  plan.points = {0.25, 0.75};
  plan.factors = {1.25, 1.75};
  const FuturesContent c =
      futures_content(spec, plan, {"baseline", "one", "two"}, {1, 1}, 7,
                      [&](std::int64_t f) { return costs[static_cast<std::size_t>(f)]; });
  const auto& mean = column<double>(c, "robustness", "mean_net_benefit_eur");
  CHECK(mean == std::vector<double>{0, 0.5, 1});
  const auto& worst = column<double>(c, "robustness", "worst_net_benefit_eur");
  CHECK(worst == std::vector<double>{0, -2, 1});
  // Best per future: 3 (set 1), then 1 (set 2). Regrets: baseline 3, 1; set 1: 0, 3; set 2: 2, 0.
  CHECK(column<double>(c, "robustness", "mean_regret_eur") == std::vector<double>{2, 1.5, 1});
  CHECK(column<double>(c, "robustness", "max_regret_eur") == std::vector<double>{3, 3, 2});
  // Set 1 pays surely in future 0 only; set 2 surely in future 0, and in future 1 its interval
  // (1 +- 1.96 x 1) spans 0.
  CHECK(column<double>(c, "robustness", "share_pays") == std::vector<double>{0, 0.5, 0.5});
  // Sets one and two both pay in half the futures: the tie goes to two, of higher mean.
  CHECK(column<std::string>(c, "best", "label") == std::vector<std::string>{"two", "two", "two"});
}
