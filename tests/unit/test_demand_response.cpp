// The demand response and stepped price (docs/model.md "Demand response and a stepped price"),
// by hand. One mine of 1 t/day serves one consumer asking 2 t/day at the base price, with no lead
// time, no buffer and no discounting, so tightness is the consumer's unserved share and every
// figure follows from the steps' multiples.
#include <cmath>

#include <catch2/catch.hpp>

#include <algorithm>
#include <string_view>

#include "models/market.hpp"
#include "models/material_sim.hpp"
#include "models/network.hpp"
#include "models/simulator.hpp"
#include "models/trajectory.hpp"
#include "scenario_builder.hpp"

using namespace crisp;

TEST_CASE("demand falls as m^-e and the value given up is the area under the demand curve",
          "[demand_response]") {
  // A(m, e) = integral from m^-e to 1 of q^(-1/e) dq: (m^(3e) - 1) / 3 at e = 0.25.
  CHECK(demand_response(4.0, 0.25) == Approx(1 / std::sqrt(2.0)).epsilon(1e-15));
  CHECK(given_up_value(4.0, 0.25) == Approx((std::pow(4.0, 0.75) - 1) / 3).epsilon(1e-14));
  CHECK(given_up_value(4.0, 1.0) == Approx(std::log(4.0)).epsilon(1e-15));
  // Continuous through e = 1 (expm1): the limit of e (m^(1-e) - 1) / (1 - e) is ln m.
  CHECK(given_up_value(4.0, 1.0 + 1e-12) == Approx(std::log(4.0)).epsilon(1e-9));
  // e = 2: 2 (m^-1 - 1) / -1 = 2 (1 - 1/m); the tonnes given up are 1 - m^-2.
  CHECK(given_up_value(4.0, 2.0) == Approx(1.5).epsilon(1e-15));
  CHECK(demand_response(4.0, 0.0) == 1.0);
  CHECK(given_up_value(4.0, 0.0) == 0.0);
}

TEST_CASE("a stepped price moves toward its target by partial adjustment", "[demand_response]") {
  MarketSpec m;
  m.enabled = true;
  m.price_elasticity = 0.5;
  m.price_cap_multiple = 10;
  m.price_step_days = 7;
  CHECK(stepped_multiple(m, 1.0, 0.5) == Approx(4.0));  // T = 0: the target at once
  m.price_adjust_days = 7;
  CHECK(stepped_multiple(m, 1.0, 0.5) == Approx(4.0 - 3.0 / std::exp(1.0)).epsilon(1e-14));
  CHECK(stepped_multiple(m, 4.0, 0.0) == Approx(1.0 + 3.0 / std::exp(1.0)).epsilon(1e-14));
}

TEST_CASE("substitution never falls below its irreversible share of the highest reached",
          "[demand_response]") {
  SubstitutionSpec s;
  s.enabled = true;
  s.irreversible_share = 0.5;
  CHECK(substitution_floor(s, 0.02, 0.1) == Approx(0.05));
  CHECK(substitution_floor(s, 0.08, 0.1) == Approx(0.08));
  s.irreversible_share = 0;
  CHECK(substitution_floor(s, 0.02, 0.1) == 0.02);
}

namespace {

// Demand 2 t/day at the base price, 1 t/day of supply; a price step every 7 days over 14 days,
// so exactly one step (day 7; the step at the horizon is not taken).
test::ScenarioBuilder one_step(double demand_elasticity, double adjust_days) {
  test::ScenarioBuilder b(14);
  b.add_material("m", /*price*/ 1000, /*voll*/ 10000, /*resourcing delay*/ 1e9, /*spot lead*/ 0);
  MaterialSpec& m = b.s.materials[0];
  m.market.enabled = true;
  m.market.price_elasticity = 0.5;
  m.market.price_cap_multiple = 10;
  m.market.price_step_days = 7;
  m.market.price_adjust_days = adjust_days;
  m.market.demand_elasticity = demand_elasticity;
  const int mine = b.node("mine", NodeKind::mine, "CL", 365);
  const int users = b.node("users", NodeKind::consumer, "NL", 730);
  b.edge(mine, users, 1.0, 0);
  return b;
}

std::vector<double> run(const Scenario& s, MetricLayout& layout) {
  Simulator sim(s, PolicyEffects{});
  layout = sim.layout();
  std::vector<double> out(sim.layout().size());
  sim.run({}, out);
  return out;
}

}  // namespace

TEST_CASE("one consumer, one price step: demand, unmet and the value given up by hand",
          "[demand_response]") {
  // Days 0-7: tightness 1 - 1/2 = 0.5 throughout, so step 1 (day 7) sets m1 = 0.5^(-1/0.5) = 4.
  // Days 7-14: demand 2 * 4^-0.25 = sqrt(2) t/day against 1 t/day of supply.
  MetricLayout l;
  const std::vector<double> out = run(one_step(0.25, 0).s, l);
  auto metric = [&](Metric m) { return out[l.slot(0, 0, m)]; };
  const double d1 = std::sqrt(2.0);
  CHECK(metric(Metric::price_peak_multiple) == Approx(4.0).epsilon(1e-12));
  CHECK(metric(Metric::unmet_t) == Approx(7 * 1.0 + 7 * (d1 - 1)).epsilon(1e-12));
  CHECK(metric(Metric::demand_given_up_t) == Approx(7 * (2 - d1)).epsilon(1e-12));
  // p0 * D_ref * A(4, 0.25) a day for 7 days: 1000 * 2 * (4^0.75 - 1) / 3 * 7.
  const double value = 1000 * 2 * (std::pow(4.0, 0.75) - 1) / 3 * 7;
  CHECK(metric(Metric::demand_given_up_eur) == Approx(value).epsilon(1e-12));
  CHECK(metric(Metric::loss_eur) == Approx(10000 * 7 * d1).epsilon(1e-12));
  CHECK(metric(Metric::total_cost_eur) == Approx(10000 * 7 * d1 + value).epsilon(1e-12));
  // Demand over the horizon is what was asked for after the response: unmet_frac reads it.
  CHECK(metric(Metric::unmet_frac) == Approx(7 * d1 / (7 * 2 + 7 * d1)).epsilon(1e-12));
  // Material "all" carries the euros.
  CHECK(out[l.slot(l.all_material(), 0, Metric::demand_given_up_eur)] ==
        Approx(value).epsilon(1e-12));
}

TEST_CASE("partial adjustment: the first step moves the price 1 - exp(-h/T) of the way",
          "[demand_response]") {
  MetricLayout l;
  const std::vector<double> out = run(one_step(1.0, 7).s, l);
  auto metric = [&](Metric m) { return out[l.slot(0, 0, m)]; };
  const double m1 = 4 - 3 / std::exp(1.0);  // 4 + (1 - 4) e^-1
  const double d1 = 2 / m1;                 // e = 1
  CHECK(metric(Metric::price_peak_multiple) == Approx(m1).epsilon(1e-12));
  // 2 / 2.896 = 0.69 t/day: under the supply, so nothing is unmet after the step.
  REQUIRE(d1 < 1);
  CHECK(metric(Metric::unmet_t) == Approx(7.0).epsilon(1e-12));
  CHECK(metric(Metric::demand_given_up_t) == Approx(7 * (2 - d1)).epsilon(1e-12));
  CHECK(metric(Metric::demand_given_up_eur) == Approx(1000 * 2 * std::log(m1) * 7).epsilon(1e-12));
}

TEST_CASE("a stepped price with no demand response changes no tonne", "[demand_response]") {
  // The price steps, but demand does not answer it: unmet is that of the instant rule.
  MetricLayout l;
  const std::vector<double> out = run(one_step(0, 0).s, l);
  CHECK(out[l.slot(0, 0, Metric::unmet_t)] == Approx(14.0).epsilon(1e-12));
  CHECK(out[l.slot(0, 0, Metric::demand_given_up_t)] == 0.0);
  CHECK(out[l.slot(0, 0, Metric::price_peak_multiple)] == Approx(4.0).epsilon(1e-12));
}

TEST_CASE("stock building on the rise still to come, and destocking once it is gone, by hand",
          "[demand_response]") {
  // A mine of 1 t/day serves a consumer of 0.5 t/day with no buffer of its own; an outage takes
  // 0.75 of the mine on days 0-7, so step 1 (day 7) sees tightness 0.5: target m* = 0.5^(-1/0.5)
  // = 4, and with exp(-h/T) = 1/2 the price moves halfway, m_1 = 2.5. The rise still to come is
  // 1 - 2.5/4 = 0.375, so the consumer targets 0.375 H = 3.75 days, 1.875 t, refilled at 1.875 /
  // 10 = 0.1875 t/day. The mine meets its 0.6875 t/day, so step 2 (day 14) sees no shortfall:
  // m* = 1 below m_2 = 1.75, nothing more to come, the target returns to 0 with 7 x 0.1875 =
  // 1.3125 t built, and the consumer asks for 0.5 - 10 * 0.5 / 10 = 0 while it draws them down,
  // 2.625 days at 0.5 t/day, back at its target on day 16.625.
  test::ScenarioBuilder b(28);
  b.add_material("m", 1000, 10000, /*resourcing delay*/ 1e9, /*spot lead*/ 0);
  MaterialSpec& m = b.s.materials[0];
  m.market.enabled = true;
  m.market.price_elasticity = 0.5;
  m.market.price_step_days = 7;
  m.market.price_adjust_days = 7 / std::log(2.0);
  m.market.stock_building_days = 10;
  const int mine = b.node("mine", NodeKind::mine, "CL", 365);
  const int users = b.node("users", NodeKind::consumer, "NL", 182.5, /*buffer*/ 0);
  b.s.nodes[users].buffer_refill_days = 10;
  b.edge(mine, users, 1.0, 0);
  b.shock(test::outage_of("mine"));
  const std::vector<ShockOccurrence> outage{{0, 0, 7, 0.75, 0}};

  const std::vector<MaterialNet> nets = compile_networks(b.s, PolicyEffects{});
  const MetricLayout layout = make_layout(b.s);
  MaterialSim sim(b.s, nets[0], layout);
  Trajectory tr;
  tr.step = 1.0;
  sim.record(&tr);
  std::vector<double> out(static_cast<std::size_t>(layout.size()));
  sim.run(outage, out);
  auto series = [&](std::string_view name, int day) {
    const auto q = std::find(kTrajectorySeries.begin(), kTrajectorySeries.end(), name) -
                   kTrajectorySeries.begin();
    return tr.at(0, static_cast<int>(q), day);
  };
  CHECK(out[layout.slot(0, 0, Metric::unmet_t)] == Approx(0.25 * 7).epsilon(1e-12));
  CHECK(out[layout.slot(0, 0, Metric::price_peak_multiple)] == Approx(2.5).epsilon(1e-12));
  CHECK(series("buffer", 7) == Approx(0.0).margin(1e-12));
  CHECK(series("buffer", 10) == Approx(3 * 0.1875).epsilon(1e-12));
  CHECK(series("buffer", 14) == Approx(1.3125).epsilon(1e-12));
  CHECK(series("inflow", 15) == Approx(0.0).margin(1e-12));  // destocking: it buys nothing
  CHECK(series("buffer", 16) == Approx(0.3125).epsilon(1e-12));
  CHECK(series("buffer", 17) == Approx(0.0).margin(1e-12));
  CHECK(series("inflow", 18) == Approx(0.5).epsilon(1e-12));  // back to its demand
  CHECK(series("price_multiple", 20) == Approx(1.75).epsilon(1e-12));
  CHECK(series("price_multiple", 22) == Approx(1.375).epsilon(1e-12));
}
