#include "regression/summary_table.hpp"

#include <cmath>
#include <fstream>
#include <ostream>
#include <stdexcept>

#include <fmt/format.h>

#include "core/stats.hpp"
#include "sim/experiment/experiment.hpp"
#include "sim/runner/monte_carlo.hpp"

namespace crisp::regression {

const std::vector<Case>& cases() {
  static const std::vector<Case> all = {
      {"small", "tests/cases/cli/small.toml", 60},
      {"example", "experiments/example.toml", 60},
  };
  return all;
}

std::string reference_path(const std::string& source_dir, const Case& c) {
  return source_dir + "/tests/cases/regression/" + c.name + ".tsv";
}

Table summary_means(const std::string& experiment_path, std::int64_t replications) {
  const Experiment x = load_experiment_file(experiment_path);
  const PolicyDesign design = expand_grid(x.levers);
  RunOptions options;
  options.replications = replications;
  options.seed = x.scenario.seed;
  const RunResult result = run_monte_carlo(x.scenario, design, options);
  Table out;
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

void write_table(std::ostream& out, const Table& table) {
  for (const auto& [key, value] : table)
    out << key << "\t" << fmt::format("{:.17g}", value) << "\n";
}

Table read_table(const std::string& path) {
  std::ifstream f(path);
  if (!f) throw std::runtime_error(path + ": cannot be read");
  Table table;
  std::string line;
  for (int n = 1; std::getline(f, line); ++n) {
    const auto tab = line.find('\t');
    std::size_t used = 0;
    double value = 0;
    try {
      if (tab == std::string::npos) throw std::invalid_argument("no tab");
      value = std::stod(line.substr(tab + 1), &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || tab + 1 + used != line.size())
      throw std::runtime_error(fmt::format("{}:{}: not \"key<TAB>number\": {}", path, n, line));
    table[line.substr(0, tab)] = value;
  }
  return table;
}

}  // namespace crisp::regression
