// A crisis starts its children together, each with its probability (docs/model.md "Shocks").
#include <cmath>
#include <map>

#include <catch2/catch.hpp>

#include "models/shocks.hpp"
#include "scenario_builder.hpp"

using namespace crisp;

TEST_CASE("a crisis starts each child with its probability, at the crisis instant",
          "[shocks][crisis]") {
  test::ScenarioBuilder b(1000 * 365);
  b.node("cn-mine", NodeKind::mine, "CN", 100);
  b.node("cd-mine", NodeKind::mine, "CD", 100);
  ShockSpec crisis;
  crisis.name = "crisis";

  crisis.arrival = ArrivalKind::poisson;
  crisis.rate_per_year = 2;
  crisis.set_kind<CrisisSpec>().children = {{1, 0.3}, {2, 0.7}};
  b.shock(crisis);
  for (const char* node : {"cn-mine", "cd-mine"}) {
    ShockSpec child = test::outage_of(node);
    child.arrival = ArrivalKind::child;
    child.duration = Fixed{10};
    b.shock(child);
  }
  const auto occ = sample_shocks(b.s, 5, 0);
  std::map<double, int> starts;  // crisis instants seen through their children
  int first = 0, second = 0;
  for (const ShockOccurrence& o : occ) {
    REQUIRE(o.shock != 0);  // the crisis itself acts only through its children
    (o.shock == 1 ? first : second) += 1;
    starts[o.start] += 1;
  }
  // About 2000 crises over 1000 years; every child start shares its instant with a crisis, so
  // both children of one crisis share one instant.
  int together = 0;
  for (const auto& [t, n] : starts)
    together += n == 2;
  const double crises = 2000;  // expected arrivals; the count is Poisson(2000): +-4.5 % at 2 sd
  CHECK(std::abs(first / crises - 0.3) < 0.04);
  CHECK(std::abs(second / crises - 0.7) < 0.06);
  // Both start together with probability 0.21 per crisis.
  CHECK(std::abs(together / crises - 0.21) < 0.035);
  CHECK(static_cast<double>(first) / second == Approx(0.3 / 0.7).epsilon(0.15));
}
