#include "sim/runner/history_discovery.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <variant>

#include <fmt/format.h>

#include "models/shocks.hpp"
#include "sim/runner/discovery_rows.hpp"
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

  DiscoveryRows rows(names, std::move(columns), names, {"fails", "histories", "failures"});
  std::vector<std::string> labels, materials, criteria;
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
    for (std::size_t r = 0; r < R; ++r)
      fails[r] = values[p * R + r] > spec.above ? 1 : 0;
    labels.push_back(design.sets[p].label);
    materials.push_back(material);
    criteria.push_back(fmt::format("{} {} {} > {:g}", spec.region,
                                   material == "all" ? "all materials" : material, metric,
                                   spec.above));
    rows.add(static_cast<std::int64_t>(p), fails, "fails in no history", "fails in every history");
  }
  return {{"histories", Table{{"policy", rows.policy},
                              {"label", labels},
                              {"material", materials},
                              {"criterion", criteria},
                              {"share_failing", rows.share},
                              {"box_density", rows.density},
                              {"box_coverage", rows.coverage},
                              {"box_mass", rows.mass},
                              {"sentence", rows.sentence}}},
          {"history_bounds", Table{{"policy", rows.bound_policy},
                                   {"feature", rows.bound_input},
                                   {"lower", rows.lower},
                                   {"upper", rows.upper}}}};
}

}  // namespace crisp
