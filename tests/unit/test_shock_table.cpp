// The shock table of a results file (sim/runner/shock_table.hpp, docs/results-format.md
// "/shocks"): spells joined and clipped as the engine counts them, checked against hand sums.
#include <string>
#include <variant>
#include <vector>

#include <catch2/catch.hpp>

#include "models/shocks.hpp"
#include "scenario_builder.hpp"
#include "sim/runner/shock_table.hpp"

using namespace crisp;

namespace {

ShockOccurrence draw(int shock, double start, double duration, int parent = -1) {
  ShockOccurrence o;
  o.shock = shock;
  o.start = start;
  o.duration = duration;
  o.severity = 1;
  o.parent = parent;
  return o;
}

// Two outages and a crisis whose child is the second outage, on a 100-day horizon.
test::ScenarioBuilder two_outages_and_a_crisis() {
  test::ScenarioBuilder b(100);
  b.node("a", NodeKind::mine, "CN", 10);
  b.node("b", NodeKind::mine, "JP", 10);
  b.shock(test::outage_of("a"));
  ShockSpec child = test::outage_of("b");
  child.arrival = ArrivalKind::child;
  b.shock(child);
  ShockSpec crisis;
  crisis.name = "crisis";

  crisis.arrival = ArrivalKind::poisson;
  crisis.rate_per_year = 3;
  crisis.set_kind<CrisisSpec>().children = {{1, 1.0}};
  b.shock(crisis);
  return b;
}

const std::vector<double>& doubles(const std::vector<ArrayDataset>& table,
                                   const std::string& name) {
  for (const ArrayDataset& a : table)
    if (a.column.name == name) return std::get<std::vector<double>>(a.column.values);
  FAIL("no dataset " << name);
  throw;
}

const std::vector<std::int64_t>& integers(const std::vector<ArrayDataset>& table,
                                          const std::string& name) {
  for (const ArrayDataset& a : table)
    if (a.column.name == name) return std::get<std::vector<std::int64_t>>(a.column.values);
  FAIL("no dataset " << name);
  throw;
}

}  // namespace

TEST_CASE("shock features join overlapping and touching spells and clip them to the horizon",
          "[shocks][shock_table]") {
  const auto b = two_outages_and_a_crisis();
  // Shock 0, given out of order: [15, 30) and [10, 20) overlap, [30, 35) touches them: one spell
  // [10, 35) of 25 days; [50, 50) has no length; [90, 120) is in force until the horizon: 10.
  // Shock 1, started by the crisis (shock 2) twice: [40, 45) and [44, 60) join: 20 days.
  const std::vector<ShockOccurrence> draws = {draw(0, 15, 15),   draw(0, 10, 10), draw(0, 30, 5),
                                              draw(0, 50, 0),    draw(0, 90, 30), draw(1, 40, 5, 2),
                                              draw(1, 44, 16, 2)};
  const std::vector<ShockDays> f = shock_features(draws, b.s);
  REQUIRE(f.size() == 3);
  CHECK(f[0].days == 35.0);
  CHECK(f[0].longest == 25.0);
  CHECK(f[1].days == 20.0);
  CHECK(f[1].longest == 20.0);
  CHECK(f[2].days == 20.0);  // the crisis: its children's spells
  CHECK(f[2].longest == 20.0);
  // No draws: nothing in force.
  const std::vector<ShockDays> none = shock_features({}, b.s);
  CHECK(none[0].days == 0.0);
  CHECK(none[2].longest == 0.0);
}

TEST_CASE("a crisis's children carry it as their parent, other draws none",
          "[shocks][shock_table]") {
  const auto b = two_outages_and_a_crisis();
  int children = 0;
  for (std::uint64_t r = 0; r < 20; ++r)
    for (const ShockOccurrence& o : sample_shocks(b.s, 3, r)) {
      REQUIRE(o.shock == 1);  // shock 0 replays no events; the crisis only starts shock 1
      CHECK(o.parent == 2);
      ++children;
    }
  CHECK(children > 0);  // 3 a year over 100 days, 20 replications: about 16
}

TEST_CASE("a fixed start and duration show exactly those days in the table",
          "[shocks][shock_table]") {
  test::ScenarioBuilder b(365);
  b.node("a", NodeKind::mine, "CN", 10);
  ShockSpec fixed = test::outage_of("a");
  fixed.arrival = ArrivalKind::fixed_start;
  fixed.start_day = 100;
  fixed.duration = Fixed{30};
  b.shock(fixed);
  ShockSpec late = fixed;  // ends past the horizon: 350 + 30 = 380, in force 15 days
  late.name = "late";
  late.start_day = 350;
  b.shock(late);
  const std::vector<ReplicationRange> ranges = {{0, 2}, {5, 7}};
  const std::vector<ArrayDataset> t = make_shock_table(b.s, 11, ranges);
  CHECK(integers(t, "features/replication") == std::vector<std::int64_t>{0, 1, 5, 6});
  CHECK(integers(t, "draws/replication") == std::vector<std::int64_t>{0, 0, 1, 1, 5, 5, 6, 6});
  CHECK(integers(t, "draws/shock") == std::vector<std::int64_t>{0, 1, 0, 1, 0, 1, 0, 1});
  CHECK(integers(t, "draws/parent") == std::vector<std::int64_t>(8, -1));
  CHECK(doubles(t, "draws/start_day") ==
        std::vector<double>{100, 350, 100, 350, 100, 350, 100, 350});
  CHECK(doubles(t, "draws/end_day") == std::vector<double>{130, 380, 130, 380, 130, 380, 130, 380});
  // [K, R'] row-major: shock 0's row, then shock 1's.
  CHECK(doubles(t, "features/days") == std::vector<double>{30, 30, 30, 30, 15, 15, 15, 15});
  CHECK(doubles(t, "features/longest_days") == std::vector<double>{30, 30, 30, 30, 15, 15, 15, 15});
  CHECK(block_replications(std::vector<std::int64_t>{0, 3}, 32, 100) ==
        std::vector<ReplicationRange>{{0, 32}, {96, 100}});
}

TEST_CASE("a scenario without shocks has no draws and features of shape [0, R']",
          "[shocks][shock_table]") {
  test::ScenarioBuilder b(365);
  b.node("a", NodeKind::mine, "CN", 10);
  const std::vector<ReplicationRange> ranges = {{0, 3}};
  const std::vector<ArrayDataset> t = make_shock_table(b.s, 1, ranges);
  CHECK(integers(t, "features/replication") == std::vector<std::int64_t>{0, 1, 2});
  CHECK(doubles(t, "draws/start_day").empty());
  for (const ArrayDataset& a : t) {
    if (a.column.name != "features/days") continue;
    CHECK(a.rows == 0);
    CHECK(a.cols == 3);
  }
}
