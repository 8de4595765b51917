// The bundled default experiment, experiments/nl-critical-materials.toml: it loads, its day-0
// network serves every consumer in full within every supplier's capacity, it runs short of
// nothing without shocks, and its stage concentrations are the data rows it was built from
// (docs/crm_facts.csv).
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "models/baseline.hpp"
#include "models/crma.hpp"
#include "models/metrics.hpp"
#include "policies/policy_set.hpp"
#include "sim/experiment/experiment.hpp"
#include "sim/runner/monte_carlo.hpp"

using namespace crisp;

namespace {

const Experiment& nl_scenario() {
  static const Experiment x =
      load_experiment_file(CRISP_SOURCE_DIR "/experiments/nl-critical-materials.toml");
  return x;
}

const MaterialCrma& crma_of(const CrmaIndicators& c, const std::string& material) {
  for (const MaterialCrma& m : c.materials)
    if (m.name == material) return m;
  FAIL("no material " << material);
  return c.materials.front();
}

// The share of `country` in a stage's day-0 capacity (0 when it has none).
double share_of(const StageConcentration& stage, const std::string& country) {
  for (const CountryShare& c : stage.shares)
    if (c.country == country) return c.share;
  return 0;
}

}  // namespace

TEST_CASE("NL scenario: six materials, six regions, a 20-set sweep", "[nl]") {
  const Experiment& x = nl_scenario();
  const Scenario& s = x.scenario;
  const std::vector<std::string> materials = {"cobalt",  "gallium",          "germanium",
                                              "lithium", "natural_graphite", "rare_earths"};
  for (const std::string& m : materials) {
    INFO(m);
    REQUIRE(s.find_material(m) >= 0);
  }
  CHECK(s.materials.size() == materials.size());
  CHECK(s.report_regions == std::vector<std::string>{"NL", "EU"});
  CHECK(s.member_regions("EU") == std::vector<std::string>{"NL", "EU-other"});
  // Every material has consumers in each of the six regions.
  for (int m = 0; m < static_cast<int>(s.materials.size()); ++m) {
    for (const char* region : {"NL", "EU-other", "CN", "US", "JP-KR", "RoW"}) {
      int n = 0;
      for (const NodeSpec& node : s.nodes)
        n += node.kind == NodeKind::consumer && node.material == m && node.region == region;
      INFO(s.materials[m].name << " " << region);
      CHECK(n == 1);
    }
  }
  const PolicyDesign design = expand_grid(x.levers);
  CHECK(design.sets.size() == 20);  // stockpile 5 sizes x refining 2 x early warning 2
  CHECK(design.sets[0].label == "baseline");
}

TEST_CASE("NL scenario: the day-0 balance serves every consumer within every capacity", "[nl]") {
  const Scenario& s = nl_scenario().scenario;
  const std::vector<NodeBalance> balance = baseline_balance(s);
  REQUIRE(balance.size() == s.nodes.size());
  for (const NodeBalance& b : balance) {
    const NodeSpec& node = s.nodes[b.node];
    INFO(node.id << ": requested " << b.requested_tpy << ", supplied " << b.supplied_tpy
                 << ", capacity " << b.capacity_tpy);
    if (node.kind == NodeKind::consumer) {
      CHECK(b.capacity_tpy == Approx(node.demand_tpy));
      CHECK(b.supplied_tpy == Approx(b.capacity_tpy).epsilon(1e-9));  // fully served
    } else {
      CHECK(b.requested_tpy <= b.capacity_tpy * (1 + 1e-9));  // nobody asked above capacity
      CHECK(b.supplied_tpy == Approx(b.requested_tpy).epsilon(1e-9));
    }
  }
}

TEST_CASE("NL scenario: without shocks no material runs short anywhere, under any policy set",
          "[nl]") {
  const Experiment& x = nl_scenario();
  Scenario s = x.scenario;
  s.shocks.clear();
  s.report_regions = {"NL", "EU-other", "CN", "US", "JP-KR", "RoW", "EU"};
  const PolicyDesign design = expand_grid(x.levers);
  RunOptions options;
  options.replications = 2;
  options.seed = s.seed;
  options.threads = 2;
  const RunResult result = run_monte_carlo(s, design, options);
  REQUIRE(result.layout.regions.size() == s.report_regions.size());
  REQUIRE(result.policies == 20);
  REQUIRE(result.replications == 2);
  for (std::int64_t p = 0; p < result.policies; ++p) {
    for (int m = 0; m < static_cast<int>(result.layout.materials.size()); ++m) {
      for (int r = 0; r < static_cast<int>(result.layout.regions.size()); ++r) {
        for (std::int64_t rep = 0; rep < result.replications; ++rep) {
          const double* v = result.at(p, rep);
          INFO(design.sets[p].label << " / " << result.layout.materials[m] << " / "
                                    << result.layout.regions[r] << " / replication " << rep);
          CHECK(v[result.layout.slot(m, r, Metric::unmet_t)] == 0);
          CHECK(v[result.layout.slot(m, r, Metric::shortage_days)] == 0);
          CHECK(v[result.layout.slot(m, r, Metric::price_peak_multiple)] == Approx(1));
        }
      }
    }
  }
}

TEST_CASE("NL scenario: single-country stage shares are the data rows'", "[nl]") {
  const CrmaIndicators c = crma_indicators(nl_scenario().scenario);
  constexpr double kPoint = 0.01;  // within a percentage point
  struct Expect {
    const char* material;
    bool refinery;  // the refinery stage, else the mine stage
    const char* country;
    double share;
    const char* row;  // the crm_facts.csv row it comes from
  };
  const std::vector<Expect> expected = {
      // gallium,mine,primary production China,750 (99%),t,2024e,CN,U25 (of 760 t world)
      {"gallium", false, "CN", 750.0 / 760.0, "U25 gallium primary"},
      // cobalt,mine,DRC/...,220k(76%)/...,t,2024e,countries,U25 (of 290 kt world)
      {"cobalt", false, "CD", 220.0 / 290.0, "U25 cobalt mine"},
      // cobalt,refine,refined output by country CN/FI/...,170.9/18.2/.../4.1 (244.5 kt),2023
      {"cobalt", true, "CN", 170.9 / 244.5, "secondary dataset cobalt refined 2023"},
      // rare_earths,mine,China/US/Burma/...,270k(69%)/45k/31k/13k/13k/13k,t REO (of 390 kt)
      {"rare_earths", false, "CN", 270.0 / 390.0, "U25 rare earths mine"},
      // rare_earths,refine,separation/refining China share,90-92%,KAL (IEA) / U25
      {"rare_earths", true, "CN", 0.90, "KAL/U25 separation"},
      // graphite_nat,mine,China/...,1270k(79%)/...,t,2024e,GRA (of 1,600 kt world)
      {"natural_graphite", false, "CN", 1270.0 / 1600.0, "GRA natural graphite mine"},
      // graphite_nat,refine,battery-grade (spherical/anode) China,>90%,IEA25
      {"natural_graphite", true, "CN", 0.90, "IEA25 anode (> 90 %)"},
      // germanium,refine,China/Canada/Russia/Belgium,180/20/6/4 (86/10/3/2%),t,2022,UOFR
      {"germanium", true, "CN", 180.0 / 210.0, "UOFR germanium refined"},
      // lithium,mine,Australia/...,88k(37%)/...,t Li,2024e,U25 (of 240 kt)
      {"lithium", false, "AU", 88.0 / 240.0, "U25 lithium mine"},
      // lithium,refine,chemical refining China share,~65-70%,IEA25 (midpoint)
      {"lithium", true, "CN", 0.675, "IEA25 lithium refining"},
  };
  for (const Expect& e : expected) {
    const MaterialCrma& m = crma_of(c, e.material);
    const StageConcentration& stage = e.refinery ? m.refinery : m.mine;
    INFO(e.material << (e.refinery ? " refinery" : " mine") << " " << e.country << " vs " << e.row);
    REQUIRE_FALSE(stage.empty());
    CHECK(stage.largest().country == e.country);
    CHECK(share_of(stage, e.country) == Approx(e.share).margin(kPoint));
  }
}
