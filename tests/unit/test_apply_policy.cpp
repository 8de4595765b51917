// Applying levers to a scenario (docs/model.md "Policy levers other than stockpiles"): each
// transform on a small network worked by hand, with every buyer's shares still summing to 1.

#include <cmath>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "policies/apply_detail.hpp"
#include "policies/apply_policy.hpp"
#include "scenario_builder.hpp"

namespace {

using namespace crisp;
using crisp::test::ScenarioBuilder;

// A CN mine and an AU mine; refineries in CN (cn-ref), JP (jp-ref) and KR (kr-ref); consumers
// nl-a (6 t/yr: 0.7 cn-ref, 0.3 au-mine), nl-b (4 t/yr: cn-ref) and de (10 t/yr: cn-ref).
struct Net {
  ScenarioBuilder b;
  Net() {
    const int cn_mine = b.node("cn-mine", NodeKind::mine, "CN", 1000);
    const int au_mine = b.node("au-mine", NodeKind::mine, "AU", 500);
    const int cn_ref = b.node("cn-ref", NodeKind::refinery, "CN", 800);
    const int jp_ref = b.node("jp-ref", NodeKind::refinery, "JP", 100);
    const int kr_ref = b.node("kr-ref", NodeKind::refinery, "KR", 100);
    const int nl_a = b.node("nl-a", NodeKind::consumer, "NL", 6);
    const int nl_b = b.node("nl-b", NodeKind::consumer, "NL", 4);
    const int de = b.node("de", NodeKind::consumer, "DE", 10);
    b.edge(cn_mine, cn_ref, 1, 10);
    b.edge(cn_mine, jp_ref, 1, 20);
    b.edge(cn_mine, kr_ref, 1, 20);
    b.edge(cn_ref, nl_a, 0.7, 35);
    b.edge(au_mine, nl_a, 0.3, 40);
    b.edge(cn_ref, nl_b, 1, 35);
    b.edge(cn_ref, de, 1, 30);
  }
  const Scenario& s() const { return b.s; }
};

PolicySet set_of(std::vector<LeverSpec> levers) {
  PolicySet set;
  set.id = 1;
  set.levers = std::move(levers);
  return set;
}

// The edge from -> to; fails the test when there is none.
const EdgeSpec& edge(const Scenario& s, const std::string& from, const std::string& to) {
  const int f = s.find_node(from), t = s.find_node(to);
  for (const auto& e : s.edges) {
    if (e.from == f && e.to == t) return e;
  }
  FAIL("no edge " << from << " -> " << to);
  return s.edges.front();
}

bool has_edge(const Scenario& s, const std::string& from, const std::string& to) {
  const int f = s.find_node(from), t = s.find_node(to);
  for (const auto& e : s.edges) {
    if (e.from == f && e.to == t) return true;
  }
  return false;
}

// Every buyer's shares sum to 1, both as they are and while its switch node is on standby.
void require_shares_sum_to_one(const Scenario& s) {
  std::map<int, double> active, standby;
  for (const auto& e : s.edges) {
    active[e.to] += e.share;
    standby[e.to] += e.switch_node >= 0 ? e.standby_share : e.share;
  }
  for (const auto& [buyer, sum] : active) {
    INFO("buyer " << s.nodes[buyer].id);
    CHECK(sum == Approx(1).margin(1e-12));
    CHECK(standby[buyer] == Approx(1).margin(1e-12));
  }
}

RefiningSpec refining(double capacity_tpy) {
  RefiningSpec r;
  r.name = "refining NL m";
  r.region = "NL";
  r.capacity_tpy = capacity_tpy;
  r.feedstock = {{"cn-mine", 0.6}, {"au-mine", 0.4}};
  return r;
}

}  // namespace

TEST_CASE("the capex annuity repays the investment over the lifetime", "[policy]") {
  CHECK(apply_detail::annuity(1000 * 10, 0.05, 20) == Approx(802.43).margin(0.005));
  CHECK(apply_detail::annuity(1000 * 10, 0, 20) == 500);
  CHECK(apply_detail::annuity(0, 0.05, 20) == 0);
}

TEST_CASE("stockpiles and early warnings go to the effects", "[policy]") {
  Net net;
  ScenarioBuilder& b = net.b;
  MaterialSpec other = b.s.materials[0];
  other.name = "n";
  b.s.materials.push_back(other);

  StockpileSpec sp;
  sp.name = "stockpile NL m";
  sp.regions = {"NL"};
  sp.size_days = 30;
  EarlyWarningSpec ew;
  ew.name = "early_warning NL all";
  ew.regions = {"NL"};
  ew.lead_days = 10;
  ew.cost_per_year = 1000;
  const AppliedPolicy a = apply_policy(b.s, set_of({sp, ew}));

  CHECK(a.scenario.nodes.size() == b.s.nodes.size());
  CHECK(a.scenario.edges.size() == b.s.edges.size());
  REQUIRE(a.effects.stockpiles.size() == 1);
  CHECK(a.effects.stockpiles[0].size_days == 30);
  REQUIRE(a.effects.early_warnings.size() == 1);
  CHECK(a.effects.early_warnings[0].lead_days == 10);
  // Every material: the cost in equal parts.
  REQUIRE(a.effects.costs.size() == 2);
  for (int m = 0; m < 2; ++m) {
    CHECK(a.effects.costs[m].lever == "early_warning NL all");
    CHECK(a.effects.costs[m].material == m);
    CHECK(a.effects.costs[m].regions == std::vector<std::string>{"NL"});
    CHECK(a.effects.costs[m].eur_per_year == 500);
  }

  ew.material = 1;
  const AppliedPolicy one = apply_policy(b.s, set_of({ew}));
  REQUIRE(one.effects.costs.size() == 1);
  CHECK(one.effects.costs[0].material == 1);
  CHECK(one.effects.costs[0].eur_per_year == 1000);

  // An off lever does nothing.
  ew.lead_days = 0;
  CHECK(apply_policy(b.s, set_of({ew})).effects.early_warnings.empty());
}

TEST_CASE("a domestic refinery serves its customers first", "[policy]") {
  Net net;

  SECTION("capacity below the customers' demand: s = 5 / 10") {
    const AppliedPolicy a = apply_policy(net.s(), set_of({refining(5)}));
    const Scenario& s = a.scenario;
    const int r = s.find_node("refining NL m");
    REQUIRE(r == static_cast<int>(net.s().nodes.size()));
    const NodeSpec& n = s.nodes[r];
    CHECK(n.kind == NodeKind::refinery);
    CHECK(n.country == "NL");
    CHECK(n.region == "NL");
    CHECK(n.owner_region == "NL");
    CHECK(n.capacity_tpy == 5);
    CHECK(n.yield == 1);
    CHECK(n.buffer_days == 0);
    CHECK_FALSE(n.standby);

    CHECK(edge(s, "cn-mine", "refining NL m").share == 0.6);
    CHECK(edge(s, "au-mine", "refining NL m").share == 0.4);
    CHECK(edge(s, "au-mine", "refining NL m").lead_time_days == 30);
    CHECK(edge(s, "refining NL m", "nl-a").share == 0.5);
    CHECK(edge(s, "refining NL m", "nl-a").lead_time_days == 7);
    CHECK(edge(s, "refining NL m", "nl-b").share == 0.5);
    CHECK(edge(s, "cn-ref", "nl-a").share == Approx(0.35));
    CHECK(edge(s, "au-mine", "nl-a").share == Approx(0.15));
    CHECK(edge(s, "cn-ref", "nl-b").share == 0.5);
    CHECK(edge(s, "cn-ref", "de").share == 1);  // not a customer
    CHECK_FALSE(has_edge(s, "refining NL m", "de"));
    for (const auto& e : s.edges) {
      CHECK(e.switch_node == -1);
    }
    require_shares_sum_to_one(s);
  }

  SECTION("capacity above the customers' demand: it supplies all of it") {
    const Scenario s = apply_policy(net.s(), set_of({refining(20)})).scenario;
    CHECK(edge(s, "refining NL m", "nl-a").share == 1);
    CHECK(edge(s, "refining NL m", "nl-b").share == 1);
    CHECK(edge(s, "cn-ref", "nl-a").share == 0);
    CHECK(edge(s, "au-mine", "nl-a").share == 0);
    require_shares_sum_to_one(s);
  }

  SECTION("only the listed customers: s = 2 / 4") {
    RefiningSpec r = refining(2);
    r.customers = {"nl-b"};
    const Scenario s = apply_policy(net.s(), set_of({r})).scenario;
    CHECK(edge(s, "refining NL m", "nl-b").share == 0.5);
    CHECK(edge(s, "cn-ref", "nl-b").share == 0.5);
    CHECK_FALSE(has_edge(s, "refining NL m", "nl-a"));
    CHECK(edge(s, "cn-ref", "nl-a").share == 0.7);
    require_shares_sum_to_one(s);
  }

  SECTION("on standby the customers keep their old shares until it starts") {
    RefiningSpec r = refining(5);
    r.standby = true;
    r.activation_days = 90;
    const Scenario s = apply_policy(net.s(), set_of({r})).scenario;
    const int node = s.find_node("refining NL m");
    CHECK(s.nodes[node].standby);
    CHECK(s.nodes[node].activation_days == 90);
    CHECK(s.nodes[node].capacity_tpy == 5);  // the engine holds it at 0 until activation

    const EdgeSpec& mine = edge(s, "refining NL m", "nl-a");
    CHECK(mine.share == 0.5);
    CHECK(mine.standby_share == 0);
    CHECK(mine.switch_node == node);
    const EdgeSpec& cn = edge(s, "cn-ref", "nl-a");
    CHECK(cn.share == Approx(0.35));
    CHECK(cn.standby_share == 0.7);
    CHECK(cn.switch_node == node);
    const EdgeSpec& au = edge(s, "au-mine", "nl-a");
    CHECK(au.share == Approx(0.15));
    CHECK(au.standby_share == 0.3);
    CHECK(au.switch_node == node);
    CHECK(edge(s, "cn-ref", "nl-b").standby_share == 1);
    CHECK(edge(s, "cn-ref", "de").switch_node == -1);
    CHECK(edge(s, "cn-mine", "refining NL m").switch_node == -1);
    require_shares_sum_to_one(s);
  }
}

TEST_CASE("a refinery's costs: capex annuity, opex per tonne, standby", "[policy]") {
  Net net;
  net.b.s.discount_rate = 0.05;
  RefiningSpec r = refining(10);
  r.capex_eur_per_tpy = 1000;
  r.lifetime_years = 20;
  r.opex_premium_eur_per_t = 2500;
  r.standby_cost_per_year = 40000;

  const AppliedPolicy operating = apply_policy(net.s(), set_of({r}));
  REQUIRE(operating.effects.costs.size() == 1);
  const LeverCost& c = operating.effects.costs[0];
  CHECK(c.lever == "refining NL m");
  CHECK(c.material == 0);
  CHECK(c.regions == std::vector<std::string>{"NL"});
  CHECK(c.eur_per_year == Approx(802.43).margin(0.005));
  CHECK(c.node == "refining NL m");
  CHECK(c.eur_per_t == 2500);
  CHECK(c.standby_eur_per_year == 0);  // never on standby
  CHECK(c.edges.empty());

  r.standby = true;
  const AppliedPolicy standby = apply_policy(net.s(), set_of({r}));
  CHECK(standby.effects.costs[0].standby_eur_per_year == 40000);
}

TEST_CASE("diversification caps a supplier country and moves the excess by spare capacity",
          "[policy]") {
  // nl buys 100 t/yr: 0.9 from cn-ref, 0.1 from jp-ref. Day-0 spare: jp-ref 310 - 10 = 300,
  // kr-ref 100 - 0 = 100, so 3:1.
  ScenarioBuilder b;
  const int mine = b.node("mine", NodeKind::mine, "AU", 10000);
  const int cn = b.node("cn-ref", NodeKind::refinery, "CN", 1000);
  const int jp = b.node("jp-ref", NodeKind::refinery, "JP", 310);
  const int kr = b.node("kr-ref", NodeKind::refinery, "KR", 100);
  const int nl = b.node("nl", NodeKind::consumer, "NL", 100);
  b.edge(mine, cn, 1, 10);
  b.edge(mine, jp, 1, 10);
  b.edge(mine, kr, 1, 10);
  b.edge(cn, nl, 0.9, 35);
  b.edge(jp, nl, 0.1, 40);

  DiversificationSpec d;
  d.name = "diversification NL m";
  d.regions = {"NL"};
  d.max_country_share = 0.65;
  d.alternatives = {"jp-ref", "kr-ref"};
  d.premium_eur_per_t = 100;
  d.lead_time_days = 25;
  const AppliedPolicy a = apply_policy(b.s, set_of({d}));
  const Scenario& s = a.scenario;

  CHECK(edge(s, "cn-ref", "nl").share == Approx(0.65));
  CHECK(edge(s, "jp-ref", "nl").share == Approx(0.1 + 0.1875));
  CHECK(edge(s, "jp-ref", "nl").lead_time_days == 40);  // the existing contract
  CHECK(edge(s, "kr-ref", "nl").share == Approx(0.0625));
  CHECK(edge(s, "kr-ref", "nl").lead_time_days == 25);  // a new one
  require_shares_sum_to_one(s);

  // Each edge that gained share charges premium * added / new share per tonne it carries.
  REQUIRE(a.effects.costs.size() == 1);
  const LeverCost& c = a.effects.costs[0];
  CHECK(c.lever == "diversification NL m");
  CHECK(c.regions == std::vector<std::string>{"NL"});
  CHECK(c.eur_per_year == 0);
  CHECK(c.node.empty());
  REQUIRE(c.edges.size() == 2);
  CHECK(c.edges[0] == std::pair<std::string, std::string>{"jp-ref", "nl"});
  CHECK(c.edge_eur_per_t[0] == Approx(100 * 0.1875 / 0.2875));
  CHECK(c.edges[1] == std::pair<std::string, std::string>{"kr-ref", "nl"});
  CHECK(c.edge_eur_per_t[1] == Approx(100));

  SECTION("a consumer within the cap is left alone") {
    d.max_country_share = 0.95;
    const AppliedPolicy loose = apply_policy(b.s, set_of({d}));
    CHECK(edge(loose.scenario, "cn-ref", "nl").share == 0.9);
    CHECK_FALSE(has_edge(loose.scenario, "kr-ref", "nl"));
    CHECK(loose.effects.costs.empty());
  }
  SECTION("an alternative in the capped country is passed over") {
    const int cn2 = b.node("cn-ref-2", NodeKind::refinery, "CN", 5000);
    b.edge(mine, cn2, 1, 10);
    d.alternatives = {"cn-ref-2", "kr-ref"};
    const Scenario t = apply_policy(b.s, set_of({d})).scenario;
    CHECK_FALSE(has_edge(t, "cn-ref-2", "nl"));
    CHECK(edge(t, "kr-ref", "nl").share == Approx(0.25));
  }
  SECTION("alternatives of a kind the consumer does not buy from are refused") {
    d.alternatives = {"mine"};
    CHECK_THROWS_AS(apply_policy(b.s, set_of({d})), std::invalid_argument);
  }
}

TEST_CASE("recycling supplies a share of each region's demand from home", "[policy]") {
  Net net;
  RecyclingSpec r;
  r.name = "recycling NL+DE m";
  r.regions = {"NL", "DE"};
  r.rate = 0.2;
  r.capex_eur_per_tpy = 100;
  r.opex_eur_per_t = 300;
  const AppliedPolicy a = apply_policy(net.s(), set_of({r}));
  const Scenario& s = a.scenario;

  const int nl = s.find_node("recycling NL m"), de = s.find_node("recycling DE m");
  REQUIRE(nl >= 0);
  REQUIRE(de >= 0);
  CHECK(s.nodes[nl].kind == NodeKind::mine);
  CHECK(s.nodes[nl].country == "NL");
  CHECK(s.nodes[nl].owner_region == "NL");
  CHECK(s.nodes[nl].capacity_tpy == Approx(0.2 * 10));  // nl-a 6 + nl-b 4
  CHECK(s.nodes[de].capacity_tpy == Approx(0.2 * 10));
  CHECK(edge(s, "recycling NL m", "nl-a").share == 0.2);
  CHECK(edge(s, "recycling NL m", "nl-a").lead_time_days == 7);
  CHECK(edge(s, "recycling NL m", "nl-b").share == 0.2);
  CHECK(edge(s, "recycling DE m", "de").share == 0.2);
  CHECK_FALSE(has_edge(s, "recycling NL m", "de"));
  CHECK(edge(s, "cn-ref", "nl-a").share == Approx(0.56));
  CHECK(edge(s, "au-mine", "nl-a").share == Approx(0.24));
  CHECK(edge(s, "cn-ref", "nl-b").share == Approx(0.8));
  CHECK(edge(s, "cn-mine", "cn-ref").share == 1);  // a refinery's feedstock is untouched
  require_shares_sum_to_one(s);

  // Discount rate 0: the annuity is capex * capacity / lifetime.
  REQUIRE(a.effects.costs.size() == 2);
  CHECK(a.effects.costs[0].node == "recycling NL m");
  CHECK(a.effects.costs[0].eur_per_year == Approx(100 * 2.0 / 20));
  CHECK(a.effects.costs[0].eur_per_t == 300);
  CHECK(a.effects.costs[0].regions == std::vector<std::string>{"NL", "DE"});
  CHECK(a.effects.costs[1].node == "recycling DE m");
}

TEST_CASE("levers apply in a fixed order, whatever the set's order", "[policy]") {
  Net net;
  DiversificationSpec d;
  d.name = "diversification NL m";
  d.regions = {"NL"};
  d.max_country_share = 0.5;
  d.alternatives = {"jp-ref", "kr-ref"};
  RecyclingSpec rec;
  rec.name = "recycling NL m";
  rec.regions = {"NL"};
  rec.rate = 0.1;
  RefiningSpec ref = refining(4);
  ref.standby = true;

  const Scenario one = apply_policy(net.s(), set_of({ref, rec, d})).scenario;
  const Scenario two = apply_policy(net.s(), set_of({d, ref, rec})).scenario;
  REQUIRE(one.edges.size() == two.edges.size());
  for (std::size_t i = 0; i < one.edges.size(); ++i) {
    CHECK(one.edges[i].from == two.edges[i].from);
    CHECK(one.edges[i].to == two.edges[i].to);
    CHECK(one.edges[i].share == two.edges[i].share);
    CHECK(one.edges[i].standby_share == two.edges[i].standby_share);
  }
  require_shares_sum_to_one(one);
  // nl-b: CN 1.0 capped to 0.5, +0.25 each to jp-ref and kr-ref (equal spare); then recycling
  // 0.1; then the refinery's 0.4 of the rest.
  CHECK(edge(one, "cn-ref", "nl-b").standby_share == Approx(0.5 * 0.9));
  CHECK(edge(one, "cn-ref", "nl-b").share == Approx(0.5 * 0.9 * 0.6));
  CHECK(edge(one, "recycling NL m", "nl-b").share == Approx(0.1 * 0.6));
  CHECK(edge(one, "refining NL m", "nl-b").share == Approx(0.4));
}

TEST_CASE("a lever that cannot apply is an invalid argument", "[policy]") {
  Net net;
  const auto fails = [&](const LeverSpec& lever, const std::string& says) {
    try {
      apply_policy(net.s(), set_of({lever}));
    } catch (const std::invalid_argument& e) {
      CHECK_THAT(e.what(), Catch::Matchers::Contains(says));
      return;
    }
    FAIL("no error; expected: " << says);
  };
  RefiningSpec r = refining(5);
  r.feedstock = {{"cn-mine", 0.6}, {"nope", 0.4}};
  fails(r, "feedstock 'nope' is not a mine of 'm'");
  r.feedstock = {{"cn-mine", 0.6}, {"au-mine", 0.3}};
  fails(r, "feedstock shares must sum to 1, got 0.9");
  r = refining(5);
  r.customers = {"de"};
  fails(r, "customer 'de' is not a consumer of 'm' in region 'NL'");
  r = refining(5);
  r.region = "FR";
  fails(r, "region 'FR' has no consumer of 'm'");

  DiversificationSpec d;
  d.name = "diversification NL m";
  d.regions = {"NL"};
  d.alternatives = {"nl-a"};
  fails(d, "alternative 'nl-a' is not a mine or refinery of 'm'");

  // The ids of the nodes a lever adds must be new.
  net.b.node("recycling NL m", NodeKind::mine, "NL", 1);
  RecyclingSpec rec;
  rec.name = "recycling NL m";
  rec.regions = {"NL"};
  rec.rate = 0.1;
  fails(rec, "'recycling NL m', has the id of a node already in the scenario");
}
