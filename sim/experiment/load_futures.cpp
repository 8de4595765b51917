// Reading [futures] (README "Robust decisions", docs/model.md "Futures"): the uncertain scenario
// parameters, each a factor range, and how the futures are sampled.

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "sim/experiment/sections.hpp"

namespace crisp::experiment_detail {

using toml_input::above;

namespace {

constexpr std::int64_t kMostFutures = 10'000;

UncertainParameter read_parameter(const Table& t, const Scenario& sc,
                                  const std::vector<Lever>& levers) {
  t.check_keys({.allowed = {"name", "min", "max", "scale"}});
  UncertainParameter u;
  const Value name = t.require("name", "a parameter such as \"china-gallium.duration_days\"");
  t.set_label(fmt::format("[[futures.parameter]] '{}'", name.string()));
  u.parameter = resolve_parameter(name, sc, levers);
  u.min = t.number("min", above(0));
  u.max = t.number("max", above(0));
  if (!(u.max > u.min)) t.require("max", "").fail(fmt::format("a factor above min = {:g}", u.min));
  static const std::vector<std::string> scales = {"linear", "log"};
  u.log = t.choice_or("scale", "linear", scales) == "log";
  // Whether the parameter applies (a rate of a shock without Poisson arrivals), then whether
  // its range keeps the scaled values within the limits of their fields: scaling is monotone, so
  // the ends of the range decide.
  try {
    scale_parameter(sc, u.parameter, 1.0);
  } catch (const std::invalid_argument& e) {
    name.fail_with(fmt::format("{}: {}", name.key(), e.what()));
  }
  for (const char* end : {"min", "max"}) {
    const double f = std::string(end) == "min" ? u.min : u.max;
    std::optional<std::string> why;
    try {
      why = past_limit(sc, scale_parameter(sc, u.parameter, f), u.parameter);
    } catch (const std::invalid_argument& e) {
      why = e.what();
    }
    if (why) t.require(end, "").fail_with(fmt::format("{}: times {:g}, {}", end, f, *why));
  }
  return u;
}

// `region`: one of the report regions, the first by default.
std::string judged_region(const Table& t, const Scenario& sc) {
  const auto& regions = sc.report_regions;
  std::string region = t.string_or("region", regions.empty() ? std::string() : regions.front());
  if (std::find(regions.begin(), regions.end(), region) == regions.end())
    t.require("region", "")
        .fail(fmt::format("one of the report regions{}", toml_input::suggest(region, regions)));
  return region;
}

}  // namespace

FuturesSpec read_futures(const Table& t, const Scenario& sc, const std::vector<Lever>& levers) {
  t.check_keys({.allowed = {"method", "samples", "levels", "replications", "region", "material",
                            "parameter"}});
  FuturesSpec spec;
  static const std::vector<std::string> methods = {"sobol", "morris"};
  spec.method = t.choice_or("method", "sobol", methods) == "morris" ? FuturesSpec::Method::morris
                                                                    : FuturesSpec::Method::sobol;
  spec.samples = t.integer_or("samples", spec.samples, 2);
  if (spec.samples > kMostFutures)
    t.require("samples", "").fail(fmt::format("at most {}", kMostFutures));
  spec.levels = t.integer_or("levels", spec.levels, 2);
  if (spec.levels % 2 != 0 || spec.levels > 1000)
    t.require("levels", "").fail("an even number of grid levels, at most 1000 (4 is usual)");
  if (spec.method != FuturesSpec::Method::morris && t.has("levels"))
    t.require("levels", "").fail_with("levels: only method = \"morris\" has grid levels");
  spec.replications = t.integer_or("replications", 0, 1);
  spec.region = judged_region(t, sc);
  std::vector<std::string> materials = {"all"};
  for (const auto& m : sc.materials)
    materials.push_back(m.name);
  spec.material = t.choice_or("material", "all", materials);
  for (const Table& p : toml_input::array_of_tables(t, "parameter", "[[futures.parameter]]")) {
    UncertainParameter u = read_parameter(p, sc, levers);
    for (const auto& q : spec.parameters)
      if (q.parameter.name == u.parameter.name)
        p.require("name", "")
            .fail_with(fmt::format("name: '{}' is given twice in [futures]", u.parameter.name));
    spec.parameters.push_back(std::move(u));
  }
  if (spec.parameters.empty())
    t.fail("[futures] needs at least one [[futures.parameter]] with name, min and max");
  if (spec.parameters.size() > 256)
    t.fail(fmt::format("[futures] has {} parameters; at most 256", spec.parameters.size()));
  // Each future is a world held in memory (a copy of the scenario and policy sets) and checked
  // without shocks before any work: 10 000 of them is hours of work and gigabytes already.
  if (const std::int64_t futures = futures_count(spec); futures > kMostFutures) {
    const std::string why = fmt::format(
        "samples: {} samples of {} parameters make {} futures, more than {}: fewer samples or "
        "parameters",
        spec.samples, spec.parameters.size(), futures, kMostFutures);
    if (t.has("samples")) t.require("samples", "").fail_with(why);
    t.fail(why);
  }
  return spec;
}

DiscoverySpec read_discovery(const Table& t, const Scenario& sc) {
  t.check_keys({.allowed = {"region", "metric", "above", "material"}});
  DiscoverySpec spec;
  spec.region = judged_region(t, sc);
  std::vector<std::string> metrics;
  for (std::string_view m : kMetricNames)
    metrics.emplace_back(m);
  const std::string metric = t.choice_or("metric", "shortage_days", metrics);
  spec.metric =
      static_cast<Metric>(std::find(metrics.begin(), metrics.end(), metric) - metrics.begin());
  spec.above = t.number_or("above", spec.above, toml_input::any_number());
  if (t.has("material")) {
    std::vector<std::string> materials = {"all"};
    for (const auto& m : sc.materials)
      materials.push_back(m.name);
    spec.material = t.choice_or("material", "all", materials);
    const bool material_metric = std::find(kAllMaterialMetrics.begin(), kAllMaterialMetrics.end(),
                                           spec.metric) != kAllMaterialMetrics.end();
    if (spec.material == "all" && !material_metric)
      t.require("metric", "")
          .fail_with(
              fmt::format("metric: '{}' has no value for all materials; name a material", metric));
  }
  return spec;
}

}  // namespace crisp::experiment_detail
