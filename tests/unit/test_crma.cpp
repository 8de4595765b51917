// CRMA indicators on the day-0 network (models/crma.hpp), worked by hand.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

#include "models/crma.hpp"
#include "scenario_builder.hpp"

using namespace crisp;
using crisp::test::ScenarioBuilder;

namespace {

const RegionCrma& region(const MaterialCrma& m, const std::string& name) {
  for (const RegionCrma& r : m.regions)
    if (r.region == name) return r;
  FAIL("no region " << name);
  return m.regions.front();
}

double share_of(const std::vector<CountryShare>& shares, const std::string& country) {
  for (const CountryShare& c : shares)
    if (c.country == country) return c.share;
  return 0;
}

// Gallium as in the example: CN 750 t and JP 12 t of primary capacity; NL buys 71 % from CN and
// 29 % from JP (2 t/yr), China's users buy at home.
ScenarioBuilder gallium() {
  ScenarioBuilder b;
  b.add_material("gallium");
  const int cn = b.node("cn-mine", NodeKind::mine, "CN", 750);
  const int jp = b.node("jp-mine", NodeKind::mine, "JP", 12);
  const int nl = b.node("nl-users", NodeKind::consumer, "NL", 2);
  const int cn_users = b.node("cn-users", NodeKind::consumer, "CN", 500);
  b.edge(cn, nl, 0.71, 35);
  b.edge(jp, nl, 0.29, 35);
  b.edge(cn, cn_users, 1.0, 10);
  return b;
}

// A refinery chain. Mines CN and AU (100 t each); refineries MY (100 t) buying 25 % CN / 75 % AU,
// and NL (50 t) buying all from AU. DE (40 t) buys 50 % from MY, 25 % from the NL refinery and
// 25 % straight from the CN mine; NL (10 t) buys all from the NL refinery. `cn_capacity` lets the
// CN mine ration.
ScenarioBuilder chain(double cn_capacity = 100) {
  ScenarioBuilder b;
  const int cn = b.node("cn-mine", NodeKind::mine, "CN", cn_capacity);
  const int au = b.node("au-mine", NodeKind::mine, "AU", 100);
  const int my_ref = b.node("my-ref", NodeKind::refinery, "MY", 100);
  const int nl_ref = b.node("nl-ref", NodeKind::refinery, "NL", 50);
  const int de = b.node("de-users", NodeKind::consumer, "DE", 40);
  const int nl = b.node("nl-users", NodeKind::consumer, "NL", 10);
  b.edge(cn, my_ref, 0.25, 20);
  b.edge(au, my_ref, 0.75, 20);
  b.edge(au, nl_ref, 1.0, 30);
  b.edge(my_ref, de, 0.5, 30);
  b.edge(nl_ref, de, 0.25, 5);
  b.edge(cn, de, 0.25, 40);
  b.edge(nl_ref, nl, 1.0, 5);
  return b;
}

}  // namespace

TEST_CASE("CRMA: stage concentration is the largest country's capacity share and the HHI",
          "[crma]") {
  const CrmaIndicators c = crma_indicators(gallium().s);
  REQUIRE(c.materials.size() == 1);
  const MaterialCrma& m = c.materials[0];
  CHECK(m.name == "gallium");
  CHECK(m.mine.capacity_tpy == Approx(762));
  REQUIRE(m.mine.shares.size() == 2);
  CHECK(m.mine.largest().country == "CN");
  CHECK(m.mine.largest().share == Approx(750.0 / 762.0));  // 98.43 %
  CHECK(100 * m.mine.largest().share == Approx(98.4).margin(0.05));
  // HHI by hand: 98.4252^2 + 1.5748^2 = 9687.52 + 2.48 = 9690.0 (= 1e4 * 562644 / 580644).
  CHECK(m.mine.hhi == Approx(9690.0).margin(0.01));
  CHECK(m.refinery.empty());
  CHECK(m.refinery.hhi == 0);
}

TEST_CASE("CRMA: a region supplied 71/29 by CN/JP is above the 65 % cap", "[crma]") {
  const CrmaIndicators c = crma_indicators(gallium().s);
  CHECK_FALSE(c.has_eu);
  const MaterialCrma& m = c.materials[0];
  const RegionCrma& nl = region(m, "NL");
  CHECK(nl.own_countries == std::vector<std::string>{"NL"});
  CHECK(nl.supply_tpy == Approx(2.0));
  CHECK(share_of(nl.supplier_shares, "CN") == Approx(0.71));
  CHECK(share_of(nl.supplier_shares, "JP") == Approx(0.29));
  CHECK(nl.largest_third.country == "CN");
  CHECK(nl.largest_third.share == Approx(0.71));
  CHECK(nl.above_cap);
  CHECK(nl.refined_at_home == 0);  // no refineries at all
  CHECK_FALSE(nl.refined_in_eu.has_value());
  CHECK_FALSE(nl.mined_in_eu.has_value());
  CHECK(nl.largest_third_mined.country == "CN");  // direct mine -> consumer flows count directly
  CHECK(nl.largest_third_mined.share == Approx(0.71));
  CHECK(nl.mined_above_cap);

  // China's users buy only at home: no third country at all.
  const RegionCrma& cn = region(m, "CN");
  CHECK(cn.supply_tpy == Approx(500));
  CHECK(cn.largest_third.country.empty());
  CHECK(cn.largest_third.share == 0);
  CHECK_FALSE(cn.above_cap);

  const std::string text = format_crma(c, "  ");
  CHECK_THAT(text, Catch::Contains("  gallium  mine: CN 98.4 % (HHI 9,690)  refinery: -\n"));
  CHECK_THAT(text, Catch::Contains("    NL: largest third country CN 71.0 % (above the 65 % CRMA "
                                   "cap)  refined at home 0.0 %  refined in the EU n/a  mined: CN "
                                   "71.0 % (above the 65 % CRMA cap)\n"));
  CHECK_THAT(text, Catch::Contains("    CN: largest third country none (all own supply)"));
}

TEST_CASE("CRMA: the mine stage is traced back through the refineries' input shares", "[crma]") {
  const CrmaIndicators c = crma_indicators(chain().s);
  const MaterialCrma& m = c.materials[0];

  // Capacity: mines CN 100, AU 100 (a tie: AU first by name), refineries MY 100, NL 50.
  CHECK(m.mine.largest().country == "AU");
  CHECK(m.mine.largest().share == Approx(0.5));
  CHECK(m.mine.hhi == Approx(5000));
  CHECK(m.refinery.largest().country == "MY");
  CHECK(m.refinery.largest().share == Approx(2.0 / 3.0));
  CHECK(m.refinery.hhi == Approx(1e4 * (4.0 / 9 + 1.0 / 9)));  // 5,555.6

  // DE receives 20 t from MY, 10 t from the NL refinery and 10 t from the CN mine.
  const RegionCrma& de = region(m, "DE");
  CHECK(de.supply_tpy == Approx(40));
  CHECK(share_of(de.supplier_shares, "MY") == Approx(0.5));
  CHECK(share_of(de.supplier_shares, "NL") == Approx(0.25));
  CHECK(share_of(de.supplier_shares, "CN") == Approx(0.25));
  CHECK(de.largest_third.country == "MY");
  CHECK(de.largest_third.share == Approx(0.5));
  CHECK_FALSE(de.above_cap);
  CHECK(de.refined_at_home == 0);
  // Mined: CN = 20 * 0.25 + 10 = 15 t (37.5 %), AU = 20 * 0.75 + 10 = 25 t (62.5 %).
  CHECK(share_of(de.mined_shares, "CN") == Approx(0.375));
  CHECK(share_of(de.mined_shares, "AU") == Approx(0.625));
  CHECK(de.largest_third_mined.country == "AU");
  CHECK_FALSE(de.mined_above_cap);

  // NL refines all it uses at home, but from Australian ore.
  const RegionCrma& nl = region(m, "NL");
  CHECK(nl.refined_at_home == Approx(1.0));
  CHECK(nl.largest_third.country.empty());
  CHECK(nl.largest_third_mined.country == "AU");
  CHECK(nl.largest_third_mined.share == Approx(1.0));
  CHECK(nl.mined_above_cap);
}

TEST_CASE("CRMA: a rationed mine weighs less in a refinery's input", "[crma]") {
  // CN mine 10 t: asked 0.25 * 20 (MY refinery) + 0.25 * 40 (DE direct) = 15 t, fills 2/3.
  // MY's input: CN 5 * 2/3 = 3.333 t, AU 15 t, so CN is 3.333 / 18.333 = 2/11 of it.
  // DE receives MY 20 + NL 10 + CN 6.667 = 36.667 t; mined CN = 20 * 2/11 + 6.667 = 10.303 t.
  const CrmaIndicators c = crma_indicators(chain(10).s);
  const RegionCrma& de = region(c.materials[0], "DE");
  const double total = 20 + 10 + 20.0 / 3;
  CHECK(de.supply_tpy == Approx(total));
  CHECK(share_of(de.supplier_shares, "CN") == Approx(20.0 / 3 / total));
  const double cn_mined = 20 * 2.0 / 11 + 20.0 / 3;
  CHECK(share_of(de.mined_shares, "CN") == Approx(cn_mined / total));
  CHECK(share_of(de.mined_shares, "AU") == Approx(1 - cn_mined / total));
  CHECK(de.largest_third_mined.country == "AU");
  CHECK(de.largest_third_mined.share == Approx(0.719).margin(0.001));
  CHECK(de.mined_above_cap);
}

TEST_CASE("CRMA: a group named EU gives the home and EU refining shares", "[crma]") {
  ScenarioBuilder b = chain();
  b.s.groups["EU"] = {"NL", "DE"};
  b.s.report_regions.push_back("EU");
  const CrmaIndicators c = crma_indicators(b.s);
  CHECK(c.has_eu);
  CHECK(std::find(c.eu_countries.begin(), c.eu_countries.end(), "NL") != c.eu_countries.end());
  CHECK(std::find(c.eu_countries.begin(), c.eu_countries.end(), "MY") == c.eu_countries.end());
  const MaterialCrma& m = c.materials[0];

  // The EU receives 50 t: MY 20, the NL refinery 20 (10 to DE, 10 to NL), the CN mine 10.
  const RegionCrma& eu = region(m, "EU");
  CHECK(eu.own_countries == std::vector<std::string>{"DE", "NL"});
  CHECK(eu.supply_tpy == Approx(50));
  CHECK(eu.largest_third.country == "MY");
  CHECK(eu.largest_third.share == Approx(0.4));
  CHECK_FALSE(eu.above_cap);
  CHECK(eu.refined_at_home == Approx(0.4));
  REQUIRE(eu.refined_in_eu.has_value());
  CHECK(*eu.refined_in_eu == Approx(0.4));  // at the CRMA's 40 % processing benchmark
  // Mined: CN = 20 * 0.25 + 10 = 15 t (30 %), AU = 20 * 0.75 + 20 = 35 t (70 %, above the cap).
  CHECK(share_of(eu.mined_shares, "CN") == Approx(0.3));
  CHECK(eu.largest_third_mined.country == "AU");
  CHECK(eu.largest_third_mined.share == Approx(0.7));
  CHECK(eu.mined_above_cap);
  REQUIRE(eu.mined_in_eu.has_value());
  CHECK(*eu.mined_in_eu == 0);

  // DE alone: its own country is DE, so the NL refinery is foreign to it but inside the EU.
  const RegionCrma& de = region(m, "DE");
  CHECK(de.refined_at_home == 0);
  REQUIRE(de.refined_in_eu.has_value());
  CHECK(*de.refined_in_eu == Approx(0.25));

  const std::string text = format_crma(c, "");
  CHECK_THAT(text, Catch::Contains("m  mine: AU 50.0 % (HHI 5,000)  refinery: MY 66.7 % (HHI "
                                   "5,556)\n"));
  CHECK_THAT(text, Catch::Contains("  EU: largest third country MY 40.0 %  refined at home 40.0 %  "
                                   "refined in the EU 40.0 %  mined: AU 70.0 % (above the 65 % "
                                   "CRMA cap), in the EU 0.0 %\n"));
}

TEST_CASE("CRMA: a member state outside the scenario's EU regions still refines in the EU",
          "[crma]") {
  // EU = [NL, EU-other]; the EU-other consumers buy 30 % from a Finnish refinery, 70 % from CN.
  ScenarioBuilder b;
  const int mine = b.node("cd-mine", NodeKind::mine, "CD", 1000);
  const int fi = b.node("fi-ref", NodeKind::refinery, "FI", 100);
  const int cn = b.node("cn-ref", NodeKind::refinery, "CN", 1000);
  const int users = b.node("eu-users", NodeKind::consumer, "EU-other", 100);
  b.edge(mine, fi, 1.0, 30);
  b.edge(mine, cn, 1.0, 30);
  b.edge(fi, users, 0.3, 10);
  b.edge(cn, users, 0.7, 40);
  b.s.groups["EU"] = {"NL", "EU-other"};
  b.s.report_regions = {"EU"};
  const CrmaIndicators c = crma_indicators(b.s);
  const RegionCrma& eu = region(c.materials[0], "EU");
  // Its own countries are its consumers' (as for the simulator's max_country_share) ...
  CHECK(eu.own_countries == std::vector<std::string>{"EU-other", "NL"});
  CHECK(eu.refined_at_home == 0);
  // ... but Finland is a member state: 30 % is refined in the EU.
  REQUIRE(eu.refined_in_eu.has_value());
  CHECK(*eu.refined_in_eu == Approx(0.3));
  CHECK(eu.largest_third.country == "CN");
  CHECK(eu.largest_third.share == Approx(0.7));
  CHECK(eu.above_cap);
  CHECK(eu.largest_third_mined.country == "CD");
  CHECK(eu.largest_third_mined.share == Approx(1.0));
}
