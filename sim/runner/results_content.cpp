#include "sim/runner/results_content.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "models/shocks/kinds.hpp"

namespace crisp {

namespace {

const char* to_string(ArrivalKind a) {
  switch (a) {
    case ArrivalKind::poisson:
      return "poisson";
    case ArrivalKind::fixed_start:
      return "start_day";
    case ArrivalKind::replay:
      return "events";
    case ArrivalKind::child:
      return "crisis child";
  }
  return "?";
}

// What a shock hits, in its kind's words (models/shocks/<kind>.hpp).
std::string target_of(const Scenario& s, const ShockSpec& k) {
  return describe_shock(k, s);
}

Table node_table(const Scenario& s) {
  std::vector<std::string> id, kind, material, country, region;
  std::vector<double> capacity, yield, buffer, demand, growth;
  for (const NodeSpec& n : s.nodes) {
    id.push_back(n.id);
    kind.push_back(to_string(n.kind));
    material.push_back(s.materials[n.material].name);
    country.push_back(n.country);
    region.push_back(n.region);
    capacity.push_back(n.capacity_tpy);
    yield.push_back(n.yield);
    buffer.push_back(n.buffer_days);
    demand.push_back(n.demand_tpy);
    growth.push_back(n.growth_per_year);
  }
  return {{"id", id},
          {"kind", kind},
          {"material", material},
          {"country", country},
          {"region", region},
          {"capacity_tpy", capacity},
          {"yield", yield},
          {"buffer_days", buffer},
          {"demand_tpy", demand},
          {"growth_per_year", growth}};
}

Table edge_table(const Scenario& s) {
  std::vector<std::string> from, to, material, routes;
  std::vector<double> share, lead;
  for (const EdgeSpec& e : s.edges) {
    from.push_back(s.nodes[e.from].id);
    to.push_back(s.nodes[e.to].id);
    material.push_back(s.materials[s.nodes[e.from].material].name);
    routes.push_back(fmt::format("{}", fmt::join(e.routes, ",")));
    share.push_back(e.share);
    lead.push_back(e.lead_time_days);
  }
  return {{"from", from},           {"to", to},        {"material", material}, {"share", share},
          {"lead_time_days", lead}, {"routes", routes}};
}

Table shock_table(const Scenario& s) {
  std::vector<std::string> name, kind, arrival, duration, severity, target;
  std::vector<double> rate, start;
  for (const ShockSpec& k : s.shocks) {
    name.push_back(k.name);
    kind.push_back(to_string(k.kind));
    arrival.push_back(to_string(k.arrival));
    rate.push_back(k.arrival == ArrivalKind::poisson ? k.rate_per_year : NAN);
    start.push_back(k.arrival == ArrivalKind::fixed_start ? k.start_day : NAN);
    duration.push_back(k.arrival == ArrivalKind::replay ? "events" : describe(k.duration));
    severity.push_back(k.arrival == ArrivalKind::replay ? "events" : describe(k.severity));
    target.push_back(target_of(s, k));
  }
  return {{"name", name},          {"kind", kind},       {"arrival", arrival},
          {"rate_per_year", rate}, {"start_day", start}, {"duration_days", duration},
          {"severity", severity},  {"target", target}};
}

Table policy_table(const PolicyDesign& design) {
  std::vector<std::int64_t> id;
  std::vector<std::string> label;
  std::vector<std::vector<double>> params(design.columns.size());
  for (const PolicySet& set : design.sets) {
    id.push_back(set.id);
    label.push_back(set.label);
    for (std::size_t c = 0; c < design.columns.size(); ++c)
      params[c].push_back(set.params[c]);
  }
  Table t{{"id", id}, {"label", label}};
  for (std::size_t c = 0; c < design.columns.size(); ++c)
    t.push_back({design.columns[c], params[c]});
  return t;
}

// What each lever column of /policies is (docs/results-format.md "/policies"), one entry per
// column: "" and NaN for id and label.
Table policy_column_attributes(const PolicyDesign& design, const Scenario& scenario) {
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  std::vector<std::string> kind(2), lever(2), field(2), regions(2), material(2), unit(2), range(2),
      alternative(2);
  std::vector<double> lo(2, kNaN), hi(2, kNaN), off(2, kNaN);
  for (const PolicyColumn& c : design.column_info) {
    kind.push_back(c.kind);
    lever.push_back(c.lever);
    field.push_back(c.field);
    material.push_back(c.material < 0 ? "all" : scenario.materials.at(c.material).name);
    // As the experiment file names them (groups not expanded): the middle of the lever's name,
    // "<kind> <regions joined by +> <material>".
    const std::size_t head = c.kind.size() + 1, tail = material.back().size() + 1;
    regions.push_back(
        c.lever.size() > head + tail ? c.lever.substr(head, c.lever.size() - head - tail) : "");
    unit.push_back(std::string(c.unit));
    range.push_back(c.range.describe());
    lo.push_back(c.range.lo);
    hi.push_back(c.range.hi);
    off.push_back(c.off);
    alternative.push_back(c.alternative);
  }
  return {{"column_kind", kind},
          {"column_lever", lever},
          {"column_field", field},
          {"column_regions", regions},
          {"column_material", material},
          {"column_unit", unit},
          {"column_range", range},
          {"column_min", lo},
          {"column_max", hi},
          {"column_off", off},
          {"column_alternative", alternative}};
}

}  // namespace

MetricSeries metric_series(const std::string& group, const std::string& region,
                           const std::string& name) {
  MetricSeries m{group, region, name, {}};
  const auto k = std::find(kMetricNames.begin(), kMetricNames.end(), name) - kMetricNames.begin();
  if (k < kMetricCount) {
    m.units = kMetricUnits[static_cast<std::size_t>(k)];
    m.description = kMetricDescriptions[static_cast<std::size_t>(k)];
  }
  return m;
}

void for_each_series(const MetricLayout& layout,
                     const std::function<void(const std::string& group, const std::string& region,
                                              const std::string& name, int slot)>& visit) {
  for (int m = 0; m < layout.material_slots(); ++m) {
    const bool all = m == layout.all_material();
    for (int r = 0; r < static_cast<int>(layout.regions.size()); ++r) {
      for (int k = 0; k < kMetricCount; ++k) {
        const auto metric = static_cast<Metric>(k);
        if (all && std::find(kAllMaterialMetrics.begin(), kAllMaterialMetrics.end(), metric) ==
                       kAllMaterialMetrics.end())
          continue;
        visit(all ? std::string("all") : layout.materials[m], layout.regions[r],
              std::string(kMetricNames[k]), layout.slot(m, r, metric));
      }
    }
  }
}

bool metric_is_finite(std::string_view name) {
  return name != kMetricNames[static_cast<int>(Metric::stock_min_frac)];
}

std::vector<char> finite_slots(const MetricLayout& layout) {
  std::vector<char> out(static_cast<std::size_t>(layout.size()), 0);
  for_each_series(layout,
                  [&](const std::string&, const std::string&, const std::string& name, int slot) {
                    out[static_cast<std::size_t>(slot)] = metric_is_finite(name);
                  });
  return out;
}

ResultsContent make_results_header(const Scenario& scenario, const PolicyDesign& design,
                                   std::int64_t replications, const RunProvenance& provenance) {
  ResultsContent c;
  RootAttributes& a = c.attributes;
  a.crisp_version = provenance.crisp_version;
  a.git_commit = provenance.git_commit;
  a.created_utc = fmt::format(
      "{:%Y-%m-%dT%H:%M:%SZ}",
      fmt::gmtime(std::chrono::system_clock::to_time_t(std::chrono::system_clock::now())));
  a.command_line = provenance.command_line;
  a.experiment_toml = provenance.experiment_toml;
  a.seed = provenance.seed;
  a.replications = replications;
  a.horizon_days = scenario.horizon_days;
  a.report_regions = scenario.report_regions;
  c.policies = std::ssize(design.sets);
  c.replications = replications;
  c.policy_table = policy_table(design);
  c.policy_column_attributes = policy_column_attributes(design, scenario);
  c.scenario_nodes = node_table(scenario);
  c.scenario_edges = edge_table(scenario);
  c.scenario_shocks = shock_table(scenario);
  return c;
}

ResultsContent make_results_content(const Scenario& scenario, const PolicyDesign& design,
                                    const RunResult& result, const RunProvenance& provenance) {
  ResultsContent c = make_results_header(scenario, design, result.replications, provenance);
  for_each_series(result.layout, [&](const std::string& group, const std::string& region,
                                     const std::string& name, int slot) {
    MetricSeries series = metric_series(group, region, name);
    series.values.reserve(static_cast<std::size_t>(result.policies * result.replications));
    for (std::int64_t p = 0; p < result.policies; ++p)
      for (std::int64_t rep = 0; rep < result.replications; ++rep)
        series.values.push_back(result.at(p, rep)[slot]);
    c.metrics.push_back(std::move(series));
  });
  return c;
}

}  // namespace crisp
