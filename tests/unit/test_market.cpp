// Market response (docs/model.md "Market response") on hand-worked cases.
// One mine of 1 t/day serves one consumer asking 2 t/day, with no lead time and no buffer, so
// tightness is 0.5 and the unmet rate is 2 * (1 - substitution) - capacity, day by day.
#include <cmath>

#include <catch2/catch.hpp>

#include "models/market.hpp"
#include "models/simulator.hpp"
#include "scenario_builder.hpp"

using namespace crisp;

TEST_CASE("the price multiple follows (1 - tightness)^(-1/elasticity) under its cap", "[market]") {
  MarketSpec m;
  m.enabled = true;
  m.price_elasticity = 0.5;
  m.price_cap_multiple = 10;
  CHECK(price_multiple(m, 0.0) == 1.0);
  CHECK(price_multiple(m, 0.5) == Approx(4.0));
  CHECK(price_multiple(m, 0.2) == Approx(1.5625));
  CHECK(price_multiple(m, 0.9) == Approx(10.0));  // 100 capped at 10
  CHECK(price_multiple(m, 1.0) == Approx(10.0));
  m.enabled = false;
  CHECK(price_multiple(m, 0.5) == 1.0);
}

TEST_CASE("substitution rises at its rate while prices are high, to its cap, and falls back",
          "[market]") {
  SubstitutionSpec s;
  s.enabled = true;
  s.rate_per_year = 0.365;  // 0.03 per 30-day review
  s.max_fraction = 0.1;
  s.threshold = 0.5;
  double f = 0;
  f = substitution_after_review(s, f, 2.0, 30);
  CHECK(f == Approx(0.03));
  for (int i = 0; i < 10; ++i)
    f = substitution_after_review(s, f, 2.0, 30);
  CHECK(f == Approx(0.1));                       // capped
  f = substitution_after_review(s, f, 1.4, 30);  // below 1 + threshold: falls at the same rate
  CHECK(f == Approx(0.07));
}

namespace {

test::ScenarioBuilder tight_market(double years) {
  test::ScenarioBuilder b(years * 365);
  b.add_material("m", 1000, 10000, /*resourcing delay*/ 1e9, /*spot lead*/ 0);
  MaterialSpec& m = b.s.materials[0];
  m.market.enabled = true;
  m.market.price_elasticity = 0.5;
  m.market.price_cap_multiple = 10;
  m.market.review_days = 30;
  const int mine = b.node("mine", NodeKind::mine, "CL", 365);
  const int users = b.node("users", NodeKind::consumer, "NL", 730);
  b.edge(mine, users, 1.0, 0);
  return b;
}

double run_metric(const Scenario& s, Metric metric) {
  Simulator sim(s, PolicyEffects{});
  std::vector<double> out(sim.layout().size());
  sim.run({}, out);
  return out[sim.layout().slot(0, 0, metric)];
}

}  // namespace

TEST_CASE("supply expansion adds rate * world demand a year, stepped at reviews", "[market]") {
  test::ScenarioBuilder b = tight_market(1);
  ExpansionSpec& x = b.s.materials[0].expansion;
  x.enabled = true;
  x.rate_per_year = 0.04;
  x.delay_days = 0;
  x.threshold = 0.5;
  // Reviews on days 30, 60, ..., 360 each add g = 0.04 * 30/365 * 2 t/day of capacity, so the
  // unmet rate is 1 - k g after the k-th: 30 * sum_{k<12} (1 - k g) + 5 (1 - 12 g).
  const double g = 0.04 * 30 / 365.0 * 2;
  CHECK(run_metric(b.s, Metric::unmet_t) == Approx(365 - 2040 * g).epsilon(1e-9));
  CHECK(run_metric(b.s, Metric::price_peak_multiple) == Approx(4.0));  // tightness 0.5 at first
}

TEST_CASE("substitution lowers demand at its rate up to its cap", "[market]") {
  test::ScenarioBuilder b = tight_market(4);
  SubstitutionSpec& sub = b.s.materials[0].substitution;
  sub.enabled = true;
  sub.rate_per_year = 0.1;
  sub.max_fraction = 0.3;
  sub.threshold = 0.5;
  // After the k-th review (day 30 k) demand is 2 (1 - s_k), s_k = min(0.3, 0.1 * 30 k / 365);
  // prices stay high throughout (tightness >= 1 - 1/1.4 gives a multiple of 1.96 > 1.5).
  double expected = 0;
  const double horizon = 4 * 365;
  for (int k = 0; 30.0 * k < horizon; ++k) {
    const double s_k = std::min(0.3, 0.1 * 30 * k / 365.0);
    const double length = std::min(30.0 * (k + 1), horizon) - 30.0 * k;
    expected += (2 * (1 - s_k) - 1) * length;
  }
  CHECK(run_metric(b.s, Metric::unmet_t) == Approx(expected).epsilon(1e-9));
}
