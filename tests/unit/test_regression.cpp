// Regression cases: whole experiments whose every summary mean is pinned to a reference file, so
// that a change of behaviour is always a decision, never an accident. When a change is meant to
// move results, rerun with CRISP_UPDATE_REFERENCE=1 and commit the new reference with the reason.
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "core/stats.hpp"
#include "sim/experiment/experiment.hpp"
#include "sim/runner/monte_carlo.hpp"

using namespace crisp;

namespace {

// "policy|material|region|metric" -> mean over replications.
std::map<std::string, double> summary_means(const std::string& experiment,
                                            std::int64_t replications) {
  const Experiment x = load_experiment_file(experiment);
  const PolicyDesign design = expand_grid(x.levers);
  RunOptions options;
  options.replications = replications;
  options.seed = x.scenario.seed;
  const RunResult result = run_monte_carlo(x.scenario, design, options);
  std::map<std::string, double> out;
  const MetricLayout& l = result.layout;
  for (std::int64_t p = 0; p < result.policies; ++p)
    for (int m = 0; m < l.material_slots(); ++m)
      for (int r = 0; r < static_cast<int>(l.regions.size()); ++r)
        for (int k = 0; k < kMetricCount; ++k) {
          const double mean =
              summarize(result.series(p, l.slot(m, r, static_cast<Metric>(k)))).mean;
          if (std::isnan(mean)) continue;
          const std::string material = m == l.all_material() ? "all" : l.materials[m];
          out[fmt::format("{}|{}|{}|{}", design.sets[p].label, material, l.regions[r],
                          kMetricNames[k])] = mean;
        }
  return out;
}

void check_against_reference(const std::string& experiment, const std::string& reference,
                             std::int64_t replications) {
  const auto now = summary_means(experiment, replications);
  if (std::getenv("CRISP_UPDATE_REFERENCE") != nullptr) {
    std::ofstream f(reference);
    for (const auto& [key, value] : now)
      f << key << "\t" << fmt::format("{:.17g}", value) << "\n";
    WARN("reference rewritten: " << reference);
    return;
  }
  std::ifstream f(reference);
  REQUIRE(f.good());
  std::map<std::string, double> ref;
  std::string line;
  while (std::getline(f, line)) {
    const auto tab = line.find('\t');
    ref[line.substr(0, tab)] = std::stod(line.substr(tab + 1));
  }
  // Metrics added since the reference was written are new keys; every old one must hold.
  REQUIRE(now.size() >= ref.size());
  for (const auto& [key, value] : ref) {
    INFO(key);
    REQUIRE(now.count(key) == 1);
    CHECK(now.at(key) == Approx(value).epsilon(1e-9).margin(1e-9));
  }
}

}  // namespace

TEST_CASE("regression: the small command-line experiment", "[regression]") {
  check_against_reference(CRISP_SOURCE_DIR "/tests/cases/cli/small.toml",
                          CRISP_SOURCE_DIR "/tests/cases/regression/small.tsv", 60);
}

TEST_CASE("regression: the bundled example", "[regression]") {
  check_against_reference(CRISP_SOURCE_DIR "/experiments/example.toml",
                          CRISP_SOURCE_DIR "/tests/cases/regression/example.tsv", 60);
}
