// Export-restriction mechanics (docs/model.md) on hand-worked cases: one
// Chinese mine serves one Dutch consumer of 1 t/day with no lead time; a restriction on
// "foreign" buyers bites from day 100 for 100 days at severity 0.5.
#include <catch2/catch.hpp>

#include "models/simulator.hpp"
#include "scenario_builder.hpp"

using namespace crisp;

namespace {

struct Case {
  test::ScenarioBuilder b{365};
  ShockSpec k;
  Case(double buffer_days = 0) {
    b.add_material("m", 1000, 10000, /*resourcing delay*/ 1e9, /*spot lead*/ 0);
    const int mine = b.node("cn-mine", NodeKind::mine, "CN", 3650);
    const int users = b.node("nl-users", NodeKind::consumer, "NL", 365, buffer_days);
    b.edge(mine, users, 1.0, 0);
    k.name = "controls";
    k.set_kind<ExportRestrictionSpec>();
    k.arrival = ArrivalKind::replay;
    k.country = "CN";
  }
  ExportRestrictionSpec& own() { return k.as<ExportRestrictionSpec>(); }
  double unmet(double duration = 100, double severity = 0.5) {
    b.s.shocks = {k};
    Simulator sim(b.s, PolicyEffects{});
    std::vector<double> out(sim.layout().size());
    const std::vector<ShockOccurrence> shocks{{0, 100, duration, severity, 0}};
    sim.run(shocks, out);
    return out[sim.layout().slot(0, 0, Metric::unmet_t)];
  }
};

}  // namespace

TEST_CASE("a restriction passes 1 - severity of the covered requests", "[export]") {
  Case c;
  CHECK(c.unmet() == Approx(50.0).epsilon(1e-9));
}

TEST_CASE("licence delay: nothing passes, then the nominal severity", "[export]") {
  Case c;
  c.own().licence_delay_days = 30;
  // 30 days at zero exports, then 70 days at half: 30 + 35 t unmet.
  CHECK(c.unmet() == Approx(65.0).epsilon(1e-9));
}

TEST_CASE("leakage delivers its share of the withheld volume after its delay", "[export]") {
  Case c;
  c.own().leakage = 0.4;
  c.own().leakage_delay_days = 50;
  // 50 days with 0.5 t/day withheld, then 50 days with 0.5 * (1 - 0.4) = 0.3 t/day.
  CHECK(c.unmet() == Approx(25.0 + 15.0).epsilon(1e-9));
}

TEST_CASE("an announced restriction brings pre-emptive buying before it bites", "[export]") {
  Case plain(10), announced(10);
  announced.own().announce_days = 30;
  announced.own().max_buffer_days = 40;
  // Severity 1 for 60 days. Unannounced: the 10-day buffer covers 10 days, 50 t go unmet.
  CHECK(plain.unmet(60, 1.0) == Approx(50.0).epsilon(1e-9));
  // Announced on day 70: the buyer raises its target to 40 days and asks 40/60 t/day more, so its
  // buffer holds 10 + 30 * 40/60 = 30 t on day 100, covering 30 days: 30 t unmet.
  CHECK(announced.unmet(60, 1.0) == Approx(30.0).epsilon(1e-9));
}

// mode = "quota" (docs/model.md "Export quotas"): the edge may ship at most (1 - f) of its day-0
// 1 t/day, whatever the buyer asks.
TEST_CASE("a quota without stocks cuts as much as a share", "[export]") {
  Case c;
  c.own().quota = true;
  CHECK(c.unmet() == Approx(50.0).epsilon(1e-9));
  c.own().licence_delay_days = 30;
  CHECK(c.unmet() == Approx(30.0 + 35.0).epsilon(1e-9));
}

TEST_CASE("a buyer drawing its stock orders through a share cut but not through a quota",
          "[export]") {
  // A 20-day buffer (20 t) refilled over the default 60 days asks 1/3 t/day more once drawn.
  Case share(20), quota(20);
  quota.own().quota = true;
  // Share: half of 4/3 t/day passes, the buffer drains at 1/3 t/day and lasts 60 days; the last
  // 40 days are 1/3 t/day short.
  CHECK(share.unmet() == Approx(40.0 / 3).epsilon(1e-9));
  // Quota: 0.5 t/day passes, the buffer lasts 40 days; the last 60 days are 0.5 t/day short.
  CHECK(quota.unmet() == Approx(30.0).epsilon(1e-9));
  // Leakage 0.4 from day 50 passes 0.4 of the 5/6 t/day asked above the quota: the buffer is empty
  // on day 40, 10 days 0.5 t/day short, then 50 days 1 - (0.5 + 0.4 * 5/6) = 1/6 t/day short.
  quota.own().leakage = 0.4;
  quota.own().leakage_delay_days = 50;
  CHECK(quota.unmet() == Approx(5.0 + 50.0 / 6).epsilon(1e-9));
}
