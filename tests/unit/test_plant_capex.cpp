// Economies of scale in plant capex (docs/model.md "Economies of scale in plant capex"): the
// capex of a refinery or recycler scaled from its reference capacity by the cost-capacity
// exponent, worked by hand, and exponent 1 giving exactly the linear figure of before.

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "policies/apply_detail.hpp"
#include "policies/apply_policy.hpp"
#include "policies/policy_set.hpp"
#include "scenario_builder.hpp"

namespace {

using namespace crisp;
using crisp::test::ScenarioBuilder;

// A CN mine feeding a CN refinery that supplies nl (370 t/yr) and de (1 000 t/yr).
struct Net {
  ScenarioBuilder b;
  Net() {
    const int mine = b.node("cn-mine", NodeKind::mine, "CN", 10000);
    const int ref = b.node("cn-ref", NodeKind::refinery, "CN", 10000);
    const int nl = b.node("nl", NodeKind::consumer, "NL", 370);
    const int de = b.node("de", NodeKind::consumer, "DE", 1000);
    b.edge(mine, ref, 1, 10);
    b.edge(ref, nl, 1, 35);
    b.edge(ref, de, 1, 30);
  }
};

PolicySet set_of(std::vector<LeverSpec> levers) {
  PolicySet set;
  set.id = 1;
  set.levers = std::move(levers);
  return set;
}

// The case: a 370 t/yr refinery priced from a 9 000 t/yr plant at EUR 20 000 per t/yr.
RefiningSpec small_refinery(double exponent) {
  RefiningSpec r;
  r.name = "refining NL m";
  r.region = "NL";
  r.capacity_tpy = 370;
  r.feedstock = {{"cn-mine", 1}};
  r.capex_eur_per_tpy = 20000;
  r.capex_reference_tpy = 9000;
  r.capex_scale_exponent = exponent;
  r.lifetime_years = 20;
  return r;
}

// capex = 20 000 x 9 000 x (370 / 9 000)^0.6: 370 / 9 000 = 0.0411111, ln = -3.1914769,
// x 0.6 = -1.9148861, exp = 0.1473586; x 1.8e8 = EUR 26 524 550.56, 3.58 times the linear
// 20 000 x 370 = EUR 7 400 000 (EUR 71 688 per t/yr instead of 20 000).
constexpr double kSixTenthsCapex = 26524550.563733157;
// At 5 % over 20 years the annuity factor is 0.05 / (1 - 1.05^-20) = 0.05 / (1 - 0.3768895)
// = 0.0802426: EUR 2 128 398.56 a year (linear: 7 400 000 x 0.0802426 = EUR 593 795.15).
constexpr double kSixTenthsAnnuity = 2128398.5613042577;
constexpr double kLinearAnnuity = 593795.1452111155;

}  // namespace

TEST_CASE("the six-tenths rule prices a small plant by hand", "[policy][capex]") {
  CHECK(apply_detail::plant_capex_eur(20000, 370, 9000, 0.6) ==
        Approx(kSixTenthsCapex).epsilon(1e-12));
  // At the reference capacity the exponent does not matter.
  CHECK(apply_detail::plant_capex_eur(20000, 9000, 9000, 0.6) == Approx(1.8e8).epsilon(1e-12));
  // Twice the reference at 0.5: 20 000 x 9 000 x sqrt(2) = EUR 254 558 441.2.
  CHECK(apply_detail::plant_capex_eur(20000, 18000, 9000, 0.5) ==
        Approx(254558441.22715712).epsilon(1e-12));
  CHECK(apply_detail::plant_capex_eur(20000, 0, 9000, 0.6) == 0);
}

TEST_CASE("exponent 1 gives exactly the linear capex, whatever the reference", "[policy][capex]") {
  for (double reference : {0.0, 1.0, 370.0, 9000.0, 1e12}) {
    CHECK(apply_detail::plant_capex_eur(20000, 370, reference, 1) == 20000.0 * 370.0);
  }
  // The lever's cost line: bit for bit the annuity of capex_eur_per_tpy x capacity.
  Net net;
  net.b.s.discount_rate = 0.05;
  RefiningSpec linear = small_refinery(1);
  const double expected = apply_detail::annuity(20000.0 * 370.0, 0.05, 20);
  CHECK(expected == Approx(kLinearAnnuity).epsilon(1e-12));
  CHECK(apply_policy(net.b.s, set_of({linear})).effects.costs.at(0).eur_per_year == expected);
  linear.capex_reference_tpy = 0;  // the default: not given, and not needed at exponent 1
  CHECK(apply_policy(net.b.s, set_of({linear})).effects.costs.at(0).eur_per_year == expected);
}

TEST_CASE("a refinery's cost line carries the annuity of its scaled capex", "[policy][capex]") {
  Net net;
  net.b.s.discount_rate = 0.05;
  const AppliedPolicy a = apply_policy(net.b.s, set_of({small_refinery(0.6)}));
  REQUIRE(a.effects.costs.size() == 1);
  const LeverCost& c = a.effects.costs[0];
  CHECK(c.node == "refining NL m");
  CHECK(c.eur_per_year == Approx(kSixTenthsAnnuity).epsilon(1e-12));
  CHECK(c.eur_per_year / kLinearAnnuity == Approx(3.584398724828805).epsilon(1e-12));
  // The scale changes the cost only, not the plant.
  CHECK(a.scenario.nodes[a.scenario.find_node("refining NL m")].capacity_tpy == 370);
}

TEST_CASE("recycling scales each region's plant on its own capacity", "[policy][capex]") {
  // rate 0.25: NL 0.25 x 370 = 92.5 t/yr, DE 0.25 x 1 000 = 250 t/yr. Reference 100 t/yr at
  // EUR 1 000 per t/yr, exponent 0.5: NL 1 000 x 100 x sqrt(0.925) = EUR 96 176.92, DE
  // 1 000 x 100 x sqrt(2.5) = EUR 158 113.88 (EUR 632 per t/yr: above the reference, cheaper).
  // Discount rate 0: the annuity is capex / 20.
  Net net;
  RecyclingSpec r;
  r.name = "recycling NL+DE m";
  r.regions = {"NL", "DE"};
  r.rate = 0.25;
  r.capex_eur_per_tpy = 1000;
  r.capex_reference_tpy = 100;
  r.capex_scale_exponent = 0.5;
  const AppliedPolicy a = apply_policy(net.b.s, set_of({r}));
  REQUIRE(a.effects.costs.size() == 2);
  CHECK(a.effects.costs[0].node == "recycling NL m");
  CHECK(a.effects.costs[0].eur_per_year == Approx(1000 * 100 * std::sqrt(0.925) / 20));
  CHECK(a.effects.costs[0].eur_per_year == Approx(4808.846).margin(0.001));
  CHECK(a.effects.costs[1].node == "recycling DE m");
  CHECK(a.effects.costs[1].eur_per_year == Approx(7905.694).margin(0.001));
  // Exponent 1: the linear 1 000 x 92.5 / 20 and 1 000 x 250 / 20, exactly.
  r.capex_scale_exponent = 1;
  const AppliedPolicy linear = apply_policy(net.b.s, set_of({r}));
  CHECK(linear.effects.costs[0].eur_per_year == 1000 * (0.25 * 370) / 20);
  CHECK(linear.effects.costs[1].eur_per_year == 1000 * (0.25 * 1000) / 20);
}

TEST_CASE("a capacity sweep scales each of its values", "[policy][capex]") {
  // capacity_tpy = [370, 9000, 18000] at exponent 0.6, discount rate 0: capex / 20 each.
  Net net;
  RefiningSpec r = small_refinery(0.6);
  const PolicyDesign d = expand_grid({Lever{r, {{"capacity_tpy", {370, 9000, 18000}}}}});
  REQUIRE(d.sets.size() == 4);
  std::vector<double> yearly;
  for (std::size_t i = 1; i < d.sets.size(); ++i) {
    yearly.push_back(apply_policy(net.b.s, d.sets[i]).effects.costs.at(0).eur_per_year);
  }
  CHECK(yearly[0] == Approx(kSixTenthsCapex / 20).epsilon(1e-12));
  CHECK(yearly[1] == Approx(1.8e8 / 20).epsilon(1e-12));  // at the reference: linear
  // 2^0.6 = 1.5157166: twice the capacity for 1.52 times the capex.
  CHECK(yearly[2] == Approx(1.8e8 * 1.515716566510398 / 20).epsilon(1e-12));
}

TEST_CASE("a capex scale out of range is refused when applied", "[policy][capex]") {
  // The reader refuses these in a file; a design set, sensitivity factor or future may still set
  // or scale them.
  Net net;
  const auto message = [&](RefiningSpec r) -> std::string {
    try {
      apply_policy(net.b.s, set_of({r}));
    } catch (const std::invalid_argument& e) {
      return e.what();
    }
    return "";
  };
  CHECK(message(small_refinery(1.2)) ==
        "policy 'refining NL m': capex_scale_exponent must be in (0, 1], got 1.2");
  CHECK(message(small_refinery(0)) ==
        "policy 'refining NL m': capex_scale_exponent must be in (0, 1], got 0");
  CHECK(message(small_refinery(std::numeric_limits<double>::quiet_NaN())) ==
        "policy 'refining NL m': capex_scale_exponent must be in (0, 1], got nan");
  RefiningSpec no_reference = small_refinery(0.6);
  no_reference.capex_reference_tpy = 0;
  CHECK(message(no_reference) ==
        "policy 'refining NL m': capex_scale_exponent 0.6 needs capex_reference_tpy > 0 (the "
        "capacity whose capex capex_eur_per_tpy states), got 0");
  RecyclingSpec rec;
  rec.name = "recycling NL m";
  rec.regions = {"NL"};
  rec.rate = 0.1;
  rec.capex_scale_exponent = 1.5;
  CHECK_THROWS_WITH(apply_policy(net.b.s, set_of({rec})),
                    "policy 'recycling NL m': capex_scale_exponent must be in (0, 1], got 1.5");
}
