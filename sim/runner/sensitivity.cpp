#include "sim/runner/sensitivity.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/stats.hpp"
#include "sim/runner/results_content.hpp"

namespace crisp {

namespace {

constexpr std::array<double Summary::*, kSensitivityStatistics.size()> kMembers = {
    &Summary::mean, &Summary::ci95_lo, &Summary::ci95_hi, &Summary::p_positive, &Summary::cvar95};

class Gatherer {
 public:
  Gatherer(const MetricLayout& layout, std::size_t runs, std::size_t policies)
      : runs_(runs), policies_(policies) {
    for (const char* statistic : kSensitivityStatistics) {
      content_.statistics.emplace_back(statistic, std::vector<MetricSeries>{});
    }
    for_each_series(layout, [&](const std::string& group, const std::string& region,
                                const std::string& name, int slot) {
      slots_.push_back(slot);
      for (auto& [statistic, series] : content_.statistics) {
        MetricSeries m = metric_series(group, region, name);
        m.values.assign(runs * policies, 0.0);
        series.push_back(std::move(m));
      }
    });
    content_.runs = static_cast<std::int64_t>(runs);
  }

  void add(std::size_t run, const RunResult& result) {
    for (std::size_t k = 0; k < slots_.size(); ++k) {
      for (std::size_t p = 0; p < policies_; ++p) {
        const Summary s = summarize(result.series(static_cast<std::int64_t>(p), slots_[k]));
        for (std::size_t i = 0; i < kMembers.size(); ++i) {
          content_.statistics[i].second[k].values[run * policies_ + p] = s.*kMembers[i];
        }
      }
    }
  }

  SensitivityContent take(Table run_table) {
    content_.run_table = std::move(run_table);
    return std::move(content_);
  }

 private:
  std::size_t runs_, policies_;
  std::vector<int> slots_;
  SensitivityContent content_;
};

}  // namespace

SensitivityContent run_sensitivity(const Scenario& scenario, const PolicyDesign& design,
                                   const SensitivitySpec& spec, const RunOptions& options,
                                   const RunResult& unscaled, const ProgressFn& progress) {
  const std::vector<SensitivityRun> runs = sensitivity_runs(spec);
  const auto policies = static_cast<std::size_t>(unscaled.policies);
  Gatherer gatherer(unscaled.layout, runs.size(), policies);
  gatherer.add(0, unscaled);

  std::vector<std::int64_t> ids, meets;
  std::vector<std::string> parameters;
  std::vector<double> factors;
  RunOptions checked = options;  // every run's network checked without shocks (docs/model.md)
  checked.check_demand = true;
  checked.replications = 0;  // run 0's check alone: it was simulated before
  meets.push_back(run_monte_carlo(scenario, design, checked).meets_demand ? 1 : 0);
  checked.replications = options.replications;
  for (std::size_t s = 0; s < runs.size(); ++s) {
    ids.push_back(static_cast<std::int64_t>(s));
    parameters.push_back(runs[s].parameter < 0 ? "" : spec.parameters[runs[s].parameter].name);
    factors.push_back(runs[s].factor);
    if (s == 0) continue;
    const SensitivityParameter& parameter = spec.parameters[runs[s].parameter];
    const Scenario scaled = scale_parameter(scenario, parameter, runs[s].factor);
    const PolicyDesign scaled_design =
        parameter.target == SensitivityParameter::Target::lever
            ? scale_lever_field(design, parameter.owner, parameter.field, runs[s].factor)
            : design;
    const auto before = static_cast<std::int64_t>(s - 1);
    const auto scaled_runs = static_cast<std::int64_t>(runs.size() - 1);
    ProgressFn step;
    if (progress) {
      step = [&](std::int64_t done, std::int64_t total) {
        progress(before * total + done, scaled_runs * total);
      };
    }
    const RunResult result = run_monte_carlo(scaled, scaled_design, checked, step);
    meets.push_back(result.meets_demand ? 1 : 0);
    gatherer.add(s, result);
  }
  return gatherer.take({{"run", ids},
                        {"parameter", parameters},
                        {"factor", factors},
                        {"meets_demand_without_shocks", meets}});
}

}  // namespace crisp
