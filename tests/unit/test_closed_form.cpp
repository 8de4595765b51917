// The closed-form check of the issue: one supplier, one consumer, no buffer, outages of severity
// 1 arriving as a Poisson process (rate lambda) with exponential durations (mean mu). The number
// of outages in progress is then an M/M/infinity queue: Poisson with mean lambda * mu in steady
// state, so the long-run share of time with none, which is the share of demand met, is
// exp(-lambda * mu). With a zero lead time nothing lags, so unmet_frac -> 1 - exp(-lambda * mu).
#include <cmath>

#include <catch2/catch.hpp>

#include "models/shocks.hpp"
#include "models/simulator.hpp"
#include "scenario_builder.hpp"

using namespace crisp;

TEST_CASE("unmet fraction under Poisson outages matches the M/G/infinity closed form",
          "[engine][closed-form]") {
  const double years = 50, rate_per_year = 4, mean_days = 30;
  test::ScenarioBuilder b(years * 365);
  b.add_material("m", 1000, 10000, /*resourcing delay*/ 1e9, /*spot lead*/ 0);
  const int mine = b.node("mine", NodeKind::mine, "CD", 365);
  const int users = b.node("users", NodeKind::consumer, "NL", 365, /*buffer*/ 0);
  b.edge(mine, users, 1.0, /*lead*/ 0);
  ShockSpec k = test::outage_of("mine");
  k.arrival = ArrivalKind::poisson;
  k.rate_per_year = rate_per_year;
  k.duration = Exponential{mean_days};
  k.severity = Fixed{1.0};
  b.shock(k);

  const int R = 800;
  Simulator sim(b.s, PolicyEffects{});
  std::vector<double> out(sim.layout().size());
  const int slot = sim.layout().slot(0, 0, Metric::unmet_frac);
  double sum = 0, sum2 = 0;
  for (int r = 0; r < R; ++r) {
    sim.run(sample_shocks(b.s, 99, r), out);
    sum += out[slot];
    sum2 += out[slot] * out[slot];
  }
  const double mean = sum / R;
  const double se = std::sqrt((sum2 / R - mean * mean) / (R - 1));
  // Outages overlap freely (an M/G/infinity queue that starts empty): at day t the number in
  // progress is Poisson with mean lambda mu (1 - exp(-t / mu)) for exponential durations, and the
  // consumer is short whenever it is positive. The expected unmet fraction is the time average
  // of P(short at t) over the horizon (Simpson's rule, far finer than the interval); in steady
  // state it would be 1 - exp(-lambda mu).
  const double lambda = rate_per_year / 365.0, horizon = years * 365;
  auto short_at = [&](double t) {
    return 1 - std::exp(-lambda * mean_days * (1 - std::exp(-t / mean_days)));
  };
  const int steps = 200000;  // even
  const double h = horizon / steps;
  double integral = short_at(0) + short_at(horizon);
  for (int i = 1; i < steps; ++i)
    integral += (i % 2 == 1 ? 4 : 2) * short_at(i * h);
  const double expected = integral * h / 3 / horizon;
  const double steady = 1 - std::exp(-lambda * mean_days);
  INFO("simulated " << mean << " +- " << 2.576 * se << " (99 %), closed form " << expected
                    << " (steady state " << steady << ")");
  CHECK(std::abs(mean - expected) <= 2.576 * se);
  CHECK(se < 0.002);  // the interval is tight enough to mean something
}
