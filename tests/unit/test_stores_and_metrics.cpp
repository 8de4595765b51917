// Store crossings, stockpile rules and every metric on cases worked by hand (docs/model.md). One
// mine ships 1 t/day to one consumer over a 10-day lead time; the consumer holds 15 days of buffer
// and refills it at target / 60 = 0.25 t/day.
#include <cmath>

#include <catch2/catch.hpp>

#include "models/simulator.hpp"
#include "scenario_builder.hpp"

using namespace crisp;
using crisp::test::ScenarioBuilder;

namespace {

constexpr double kPrice = 1000, kVoll = 10000;

struct Chain {
  ScenarioBuilder b{365};
  int mine, users;
  Chain() {
    b.add_material("m", kPrice, kVoll, /*resourcing delay*/ 1000, /*spot lead*/ 5);
    mine = b.node("mine", NodeKind::mine, "CN", 3650);
    users = b.node("users", NodeKind::consumer, "NL", 365, /*buffer days*/ 15);
    b.edge(mine, users, 1.0, 10, {"suez"});
  }
  // An outage of severity 1 on the mine from day 100 to day 130.
  std::vector<ShockOccurrence> outage() {
    b.shock(test::outage_of("mine"));
    return {{0, 100, 30, 1.0, 0}};
  }
};

struct Result {
  MetricLayout layout;
  std::vector<double> v;
  double get(Metric m, int material = 0, int region = 0) const {
    return v[layout.slot(material, region, m)];
  }
};

Result simulate(const Scenario& s, const std::vector<StockpileSpec>& stockpiles,
                const std::vector<ShockOccurrence>& shocks) {
  Simulator sim(s, stockpiles);
  Result r{sim.layout(), std::vector<double>(sim.layout().size())};
  sim.run(shocks, r.v);
  return r;
}

StockpileSpec stockpile_nl(double size_days) {
  StockpileSpec sp;
  sp.name = "stockpile NL m";
  sp.regions = {"NL"};
  sp.material = 0;
  sp.size_days = size_days;
  sp.delay_days = 0;
  sp.max_rate_days = 1.0;
  sp.refill_after_days = 0;
  sp.refill_rate_days = 0.1;
  sp.holding_cost_per_year = 0.365;  // 0.1 % of the value a day: easy to integrate by hand
  return sp;
}

}  // namespace

TEST_CASE("no shock, no shortage: day 0 is a steady state", "[engine][metrics]") {
  Chain c;
  const Result r = simulate(c.b.s, {}, {});
  CHECK(r.get(Metric::unmet_t) == 0.0);
  CHECK(r.get(Metric::shortage_days) == 0.0);
  CHECK(r.get(Metric::loss_eur) == 0.0);
  CHECK(std::isnan(r.get(Metric::stock_min_frac)));
  CHECK(r.get(Metric::price_peak_multiple) == 1.0);
}

TEST_CASE("an outage drains the pipeline, then the buffer, then leaves demand unmet",
          "[engine][metrics]") {
  Chain c;
  const auto shocks = c.outage();
  const Result r = simulate(c.b.s, {}, shocks);
  // Shipments stop on day 100 and arrivals on day 110; the 15-day buffer is empty on day 125;
  // shipments resume on day 130 and arrive on day 140: 15 days unmet at 1 t/day.
  CHECK(r.get(Metric::unmet_t) == Approx(15.0).epsilon(1e-9));
  CHECK(r.get(Metric::unmet_frac) == Approx(15.0 / 365.0).epsilon(1e-9));
  CHECK(r.get(Metric::shortage_days) == Approx(15.0).epsilon(1e-9));
  CHECK(r.get(Metric::longest_shortage_days) == Approx(15.0).epsilon(1e-9));
  CHECK(r.get(Metric::peak_shortfall_frac) == Approx(1.0));
  CHECK(r.get(Metric::loss_eur) == Approx(15.0 * kVoll).epsilon(1e-9));
  CHECK(r.get(Metric::policy_cost_eur) == 0.0);
  CHECK(r.get(Metric::total_cost_eur) == Approx(15.0 * kVoll).epsilon(1e-9));
  CHECK(r.get(Metric::stock_released_t) == 0.0);
  // Material "all": the same, as there is one material.
  CHECK(r.get(Metric::shortage_days, 1) == Approx(15.0).epsilon(1e-9));
  CHECK(r.get(Metric::loss_eur, 1) == Approx(15.0 * kVoll).epsilon(1e-9));
}

TEST_CASE("loss is discounted continuously to day 0", "[engine][metrics]") {
  Chain c;
  c.b.s.discount_rate = 0.05;
  const auto shocks = c.outage();
  const Result r = simulate(c.b.s, {}, shocks);
  const double delta = std::log(1.05) / 365.0;
  const double expected = kVoll * (std::exp(-delta * 125) - std::exp(-delta * 140)) / delta;
  CHECK(r.get(Metric::loss_eur) == Approx(expected).epsilon(1e-9));
}

TEST_CASE("a chokepoint's extra delay empties the arrival stream for the extra days",
          "[engine][metrics]") {
  Chain c;
  ShockSpec k;
  k.name = "suez";
  k.set_kind<ChokepointSpec>().route = "suez";
  k.arrival = ArrivalKind::replay;
  k.severity = Fixed{0};
  c.b.shock(k);
  // Days 100-150, 20 extra days: nothing arrives on days 110-130; the buffer covers 15 of them.
  const Result r = simulate(c.b.s, {}, {{0, 100, 50, 0.0, 20}});
  CHECK(r.get(Metric::unmet_t) == Approx(5.0).epsilon(1e-9));
  CHECK(r.get(Metric::shortage_days) == Approx(5.0).epsilon(1e-9));
}

TEST_CASE("a stockpile releases on the shortfall trigger, runs dry, refills and is costed",
          "[engine][stockpile]") {
  Chain c;
  const auto shocks = c.outage();
  const Result r = simulate(c.b.s, {stockpile_nl(10)}, shocks);
  // The buffer empties on day 125; 10 days of stock cover days 125-135; days 135-140 go unmet.
  CHECK(r.get(Metric::unmet_t) == Approx(5.0).epsilon(1e-9));
  CHECK(r.get(Metric::shortage_days) == Approx(5.0).epsilon(1e-9));
  CHECK(r.get(Metric::stock_released_t) == Approx(10.0).epsilon(1e-9));
  CHECK(r.get(Metric::stock_min_frac) == Approx(0.0).margin(1e-12));
  // Refill from day 140 at 0.1 t/day on top of demand and the buffer's 0.25 t/day. Arrivals of
  // 1.35 t/day from day 150 fill the buffer first (2.5 t in by day 150, full on day
  // 150 + 12.5 / 0.35); then 0.35 t/day reaches the stockpile for 10 days (3.5 t), then 0.1 t/day
  // until it is full 65 days later. With no discounting the trades cancel (bought 10 + 10, sold
  // 10, 10 left), so the cost is the holding cost: 0.1 % a day of the value held.
  const double full_buffer = 150 + 12.5 / 0.35;
  const double held = 10 * 125 + 0.5 * 10 * 10 + 0.5 * 3.5 * 10 + 0.5 * (3.5 + 10) * 65 +
                      10 * (365 - (full_buffer + 10 + 65));
  CHECK(r.get(Metric::policy_cost_eur) == Approx(0.001 * kPrice * held).epsilon(1e-9));
  CHECK(r.get(Metric::total_cost_eur) == Approx(5.0 * kVoll + 0.001 * kPrice * held).epsilon(1e-9));
}

TEST_CASE("release delay and rate cap", "[engine][stockpile]") {
  Chain c;
  const auto shocks = c.outage();
  StockpileSpec sp = stockpile_nl(30);
  sp.delay_days = 4;       // released from day 129 instead of 125
  sp.max_rate_days = 0.5;  // at most 0.5 t/day
  const Result r = simulate(c.b.s, {sp}, shocks);
  // Days 125-129: all 4 t unmet; days 129-140: 0.5 t/day of 1 unmet.
  CHECK(r.get(Metric::unmet_t) == Approx(4 + 0.5 * 11).epsilon(1e-9));
  CHECK(r.get(Metric::stock_released_t) == Approx(0.5 * 11).epsilon(1e-9));
  CHECK(r.get(Metric::peak_shortfall_frac) == Approx(1.0));
  CHECK(r.get(Metric::shortage_days) == Approx(15.0).epsilon(1e-9));
}

TEST_CASE("the supply-drop trigger releases ahead of the private buffer", "[engine][stockpile]") {
  Chain c;
  const auto shocks = c.outage();
  StockpileSpec sp = stockpile_nl(10);
  sp.trigger = ReleaseTrigger::supply_drop;
  sp.threshold = 0.9;
  const Result r = simulate(c.b.s, {sp}, shocks);
  // Arrivals stop on day 110: the stockpile covers days 110-120, the buffer days 120-135, and
  // days 135-140 go unmet.
  CHECK(r.get(Metric::unmet_t) == Approx(5.0).epsilon(1e-9));
  CHECK(r.get(Metric::stock_released_t) == Approx(10.0).epsilon(1e-9));
  CHECK(r.get(Metric::longest_shortage_days) == Approx(5.0).epsilon(1e-9));
}

TEST_CASE("a zero lead time settles: a buffer refill at target does not flip for ever",
          "[engine]") {
  // With no lead time a buffer at target that is drawn down asks for its refill, the refill
  // arrives at once, and the buffer is no longer drawn down: the refill must stand for the
  // instant rather than flip off and on without end.
  Chain c;
  c.b.s.edges[0].lead_time_days = 0;
  ShockSpec surge;
  surge.name = "surge";
  surge.set_kind<DemandSurgeSpec>().regions = {"NL"};
  surge.arrival = ArrivalKind::replay;
  c.b.shock(surge);
  const Result r = simulate(c.b.s, {}, {{0, 100, 30, 0.2, 0}});
  CHECK(r.get(Metric::unmet_t) == 0.0);  // the mine has spare capacity and ships at once
}
