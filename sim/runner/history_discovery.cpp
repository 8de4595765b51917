#include "sim/runner/history_discovery.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <variant>

#include <fmt/format.h>

#include "models/shocks.hpp"
#include "sim/core/prim.hpp"
#include "sim/runner/shock_table.hpp"

namespace crisp {

int set_material(const PolicySet& set, const MetricLayout& layout) {
  int material = -2;  // none seen yet
  for (const LeverSpec& spec : set.levers) {
    const int m = std::visit([](const auto& s) { return static_cast<int>(s.material); }, spec);
    if (m < 0 || (material != -2 && m != material)) return layout.all_material();
    material = m;
  }
  return material < 0 ? layout.all_material() : material;
}

std::vector<std::pair<std::string, Table>> discover_histories(
    const DiscoverySpec& spec, const Scenario& scenario, const PolicyDesign& design,
    const MetricLayout& layout, std::uint64_t seed, std::int64_t replications,
    const SeriesOf& series) {
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  // The features: each shock's days in force and longest spell, replication by replication.
  const std::size_t K = scenario.shocks.size();
  std::vector<std::string> names;
  for (const ShockSpec& k : scenario.shocks)
    names.push_back(k.name + ".days");
  for (const ShockSpec& k : scenario.shocks)
    names.push_back(k.name + ".longest_days");
  std::vector<std::vector<double>> columns(2 * K);
  for (std::int64_t r = 0; r < replications; ++r) {
    const auto draws = sample_shocks(scenario, seed, static_cast<std::uint64_t>(r));
    const std::vector<ShockDays> f = shock_features(draws, scenario);
    for (std::size_t k = 0; k < K; ++k) {
      columns[k].push_back(f[k].days);
      columns[K + k].push_back(f[k].longest);
    }
  }
  const int region =
      static_cast<int>(std::find(layout.regions.begin(), layout.regions.end(), spec.region) -
                       layout.regions.begin());
  const std::string metric(kMetricNames[static_cast<std::size_t>(spec.metric)]);

  std::vector<std::int64_t> ids, bound_ids;
  std::vector<std::string> labels, materials, criteria, sentences, bound_features;
  std::vector<double> share, density, coverage, mass, lower, upper;
  const auto R = static_cast<std::size_t>(replications);
  for (std::size_t p = 1; p < design.sets.size(); ++p) {
    int m = set_material(design.sets[p], layout);
    if (!spec.material.empty()) {
      m = layout.all_material();
      for (int i = 0; i < layout.all_material(); ++i)
        if (layout.materials[static_cast<std::size_t>(i)] == spec.material) m = i;
    }
    const std::string material =
        m == layout.all_material() ? "all" : layout.materials[static_cast<std::size_t>(m)];
    const std::vector<double> values = series(layout.slot(m, region, spec.metric));
    std::vector<std::uint8_t> fails(R);
    std::size_t failing = 0;
    for (std::size_t r = 0; r < R; ++r) {
      fails[r] = values[p * R + r] > spec.above ? 1 : 0;
      failing += fails[r];
    }
    ids.push_back(static_cast<std::int64_t>(p));
    labels.push_back(design.sets[p].label);
    materials.push_back(material);
    criteria.push_back(fmt::format("{} {} {} > {:g}", spec.region,
                                   material == "all" ? "all materials" : material, metric,
                                   spec.above));
    share.push_back(static_cast<double>(failing) / static_cast<double>(R));
    if (failing == 0 || failing == R || K == 0) {
      sentences.push_back(failing == 0   ? "fails in no history"
                          : failing == R ? "fails in every history"
                                         : "the scenario has no shocks to explain its failures");
      density.push_back(kNaN);
      coverage.push_back(kNaN);
      mass.push_back(kNaN);
      continue;
    }
    PrimResult result;
    try {
      result = prim(names, columns, fails, kDiscoveryPrim);
    } catch (const std::invalid_argument& e) {  // too few points to peel, say
      sentences.push_back(fmt::format("no box: {}", e.what()));
      density.push_back(kNaN);
      coverage.push_back(kNaN);
      mass.push_back(kNaN);
      continue;
    }
    sentences.push_back(describe_box(names, result.box, {"fails", "histories", "failures"}));
    density.push_back(result.box.density);
    coverage.push_back(result.box.coverage);
    mass.push_back(result.box.mass);
    for (std::size_t j : result.box.restricted_dims()) {
      bound_ids.push_back(static_cast<std::int64_t>(p));
      bound_features.push_back(names[j]);
      lower.push_back(result.box.lo[j]);
      upper.push_back(result.box.hi[j]);
    }
  }
  return {{"histories", Table{{"policy", ids},
                              {"label", labels},
                              {"material", materials},
                              {"criterion", criteria},
                              {"share_failing", share},
                              {"box_density", density},
                              {"box_coverage", coverage},
                              {"box_mass", mass},
                              {"sentence", sentences}}},
          {"history_bounds", Table{{"policy", bound_ids},
                                   {"feature", bound_features},
                                   {"lower", lower},
                                   {"upper", upper}}}};
}

}  // namespace crisp
