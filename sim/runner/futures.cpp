#include "sim/runner/futures.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <span>
#include <stdexcept>
#include <type_traits>

#include <fmt/format.h>

#include "core/sensitivity_indices.hpp"
#include "core/stats.hpp"
#include "sim/runner/discovery_rows.hpp"

namespace crisp {

FuturesPlan plan_futures(const Scenario& scenario, const PolicyDesign& design,
                         const FuturesSpec& spec, std::uint64_t seed,
                         std::int64_t default_replications) {
  FuturesPlan plan;
  plan.futures = futures_count(spec);
  plan.parameters = static_cast<std::int64_t>(spec.parameters.size());
  plan.replications = spec.replications > 0 ? spec.replications : default_replications;
  plan.points = futures_points(spec, seed);
  const auto k = static_cast<std::size_t>(plan.parameters);
  plan.factors.resize(plan.points.size());
  for (std::size_t i = 0; i < plan.points.size(); ++i)
    plan.factors[i] = factor_at(spec.parameters[i % k], plan.points[i]);
  for (std::int64_t f = 0; f < plan.futures; ++f) {
    const std::vector<double> factors(
        plan.factors.begin() + static_cast<std::ptrdiff_t>(f * k),
        plan.factors.begin() + static_cast<std::ptrdiff_t>((f + 1) * k));
    World w{future_scenario(scenario, spec, factors), design};
    for (std::size_t i = 0; i < k; ++i) {
      const SensitivityParameter& p = spec.parameters[i].parameter;
      if (p.target == SensitivityParameter::Target::lever)
        w.design = scale_lever_field(std::move(w.design), p.owner, p.field, factors[i]);
    }
    plan.worlds.push_back(std::move(w));
  }
  return plan;
}

int futures_slot(const FuturesSpec& spec, const MetricLayout& layout) {
  const int r =
      static_cast<int>(std::find(layout.regions.begin(), layout.regions.end(), spec.region) -
                       layout.regions.begin());
  int m = layout.all_material();
  for (int i = 0; i < layout.all_material(); ++i)
    if (layout.materials[static_cast<std::size_t>(i)] == spec.material) m = i;
  if (r >= static_cast<int>(layout.regions.size()))
    throw std::logic_error("futures: the judged region is not a report region");
  return layout.slot(m, r, Metric::total_cost_eur);
}

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Net benefit of every set in every future: [future][policy].
struct Outcomes {
  std::size_t futures = 0, policies = 0;
  std::vector<double> mean, lo, hi, cost;
  double at(const std::vector<double>& v, std::size_t f, std::size_t p) const {
    return v[f * policies + p];
  }
};

Outcomes outcomes(std::int64_t futures, std::size_t policies, std::int64_t replications,
                  const FutureCosts& costs) {
  Outcomes o;
  o.futures = static_cast<std::size_t>(futures);
  o.policies = policies;
  const auto R = static_cast<std::size_t>(replications);
  for (std::int64_t f = 0; f < futures; ++f) {
    const std::vector<double> c = costs(f);
    if (c.size() != policies * R) throw std::logic_error("futures: a future's costs are missing");
    const std::span<const double> baseline(c.data(), R);
    for (std::size_t p = 0; p < policies; ++p) {
      const std::span<const double> set(c.data() + p * R, R);
      const PairedDiff d = paired_difference(baseline, set);  // baseline - set: net benefit
      o.mean.push_back(p == 0 ? 0.0 : d.diff_mean);
      o.lo.push_back(p == 0 ? 0.0 : d.diff_ci95_lo);
      o.hi.push_back(p == 0 ? 0.0 : d.diff_ci95_hi);
      o.cost.push_back(std::accumulate(set.begin(), set.end(), 0.0) / static_cast<double>(R));
    }
  }
  return o;
}

Table settings_table(const FuturesSpec& spec, const FuturesPlan& plan, std::int64_t judged,
                     bool over_all) {
  return {{"method", std::vector<std::string>{to_string(spec.method)}},
          {"samples", std::vector<std::int64_t>{spec.samples}},
          {"levels",
           std::vector<std::int64_t>{spec.method == FuturesSpec::Method::morris ? spec.levels : 0}},
          {"futures", std::vector<std::int64_t>{plan.futures}},
          {"replications", std::vector<std::int64_t>{plan.replications}},
          {"region", std::vector<std::string>{spec.region}},
          {"material", std::vector<std::string>{spec.material}},
          {"futures_judged", std::vector<std::int64_t>{judged}},
          {"judged_over",
           std::vector<std::string>{over_all ? "every future (none meets demand without shocks)"
                                             : "the futures that meet demand without shocks"}}};
}

Table parameters_table(const FuturesSpec& spec) {
  std::vector<std::string> names, scales;
  std::vector<double> lo, hi;
  for (const UncertainParameter& u : spec.parameters) {
    names.push_back(u.parameter.name);
    scales.emplace_back(u.log ? "log" : "linear");
    lo.push_back(u.min);
    hi.push_back(u.max);
  }
  return {{"parameter", names}, {"min_factor", lo}, {"max_factor", hi}, {"scale", scales}};
}

Table futures_table(const FuturesSpec& spec, const FuturesPlan& plan,
                    const std::vector<char>& meets_demand) {
  std::vector<std::int64_t> ids, meets;
  for (std::int64_t f = 0; f < plan.futures; ++f) {
    ids.push_back(f);
    meets.push_back(meets_demand[static_cast<std::size_t>(f)] ? 1 : 0);
  }
  Table t = {{"future", ids}, {"meets_demand_without_shocks", meets}};
  const auto k = static_cast<std::size_t>(plan.parameters);
  for (std::size_t i = 0; i < k; ++i) {
    std::vector<double> column;
    for (std::int64_t f = 0; f < plan.futures; ++f)
      column.push_back(plan.factors[static_cast<std::size_t>(f) * k + i]);
    t.push_back({spec.parameters[i].parameter.name, std::move(column)});
  }
  return t;
}

Table net_benefit_table(const Outcomes& o) {
  std::vector<std::int64_t> future, policy;
  for (std::size_t f = 0; f < o.futures; ++f)
    for (std::size_t p = 0; p < o.policies; ++p) {
      future.push_back(static_cast<std::int64_t>(f));
      policy.push_back(static_cast<std::int64_t>(p));
    }
  return {{"future", future},    {"policy", policy},    {"net_benefit_eur", o.mean},
          {"ci95_lo_eur", o.lo}, {"ci95_hi_eur", o.hi}, {"total_cost_eur", o.cost}};
}

struct Robust {
  std::vector<double> mean, sd, worst, mean_regret, max_regret, share_pays, share_positive;
};

Robust robustness(const Outcomes& o, const std::vector<std::size_t>& judged) {
  Robust r;
  const auto n = static_cast<double>(judged.size());
  std::vector<double> best(o.futures, -std::numeric_limits<double>::infinity());
  for (std::size_t f : judged)
    for (std::size_t p = 0; p < o.policies; ++p)
      best[f] = std::max(best[f], o.at(o.mean, f, p));
  for (std::size_t p = 0; p < o.policies; ++p) {
    double sum = 0, worst = std::numeric_limits<double>::infinity(), regret = 0, most = 0;
    double pays = 0, positive = 0;
    for (std::size_t f : judged) {
      const double v = o.at(o.mean, f, p);
      sum += v;
      worst = std::min(worst, v);
      regret += best[f] - v;
      most = std::max(most, best[f] - v);
      if (p > 0 && o.at(o.lo, f, p) > 0) pays += 1;
      if (p > 0 && v > 0) positive += 1;
    }
    const double mean = sum / n;
    double ss = 0;
    for (std::size_t f : judged)
      ss += (o.at(o.mean, f, p) - mean) * (o.at(o.mean, f, p) - mean);
    r.mean.push_back(mean);
    r.sd.push_back(judged.size() > 1 ? std::sqrt(ss / (n - 1)) : kNaN);
    r.worst.push_back(worst);
    r.mean_regret.push_back(regret / n);
    r.max_regret.push_back(most);
    r.share_pays.push_back(pays / n);
    r.share_positive.push_back(positive / n);
  }
  return r;
}

// The set that does best by `value` (largest, or smallest when `low`); ties to the higher
// `then` (the mean net benefit: of sets that all pay in every future, the one that pays most),
// then to the lower id.
std::size_t best_by(const std::vector<double>& value, bool low, const std::vector<double>& then,
                    std::size_t from = 0) {
  std::size_t best = from;
  for (std::size_t p = from; p < value.size(); ++p) {
    const bool better = low ? value[p] < value[best] : value[p] > value[best];
    if (better || (value[p] == value[best] && then[p] > then[best])) best = p;
  }
  return best;
}

// One output's Sobol indices (or Morris effects) as rows of the sensitivity table.
struct SensitivityRows {
  std::vector<std::string> output, parameter;
  std::vector<double> a, a_lo, a_hi, b, b_lo, b_hi, variance;

  void add(const std::string& out, const FuturesSpec& spec, std::span<const double> y,
           std::uint64_t seed) {
    const auto k = spec.parameters.size();
    const BootstrapOptions boot{1000, seed, 0.95};
    std::vector<double> fa(k, kNaN), fa_lo(k, kNaN), fa_hi(k, kNaN), fb(k, kNaN), fb_lo(k, kNaN),
        fb_hi(k, kNaN);
    double var = kNaN;
    try {
      if (spec.method == FuturesSpec::Method::morris) {
        const MorrisDesign design = morris_design(static_cast<std::size_t>(spec.samples), k,
                                                  static_cast<std::size_t>(spec.levels), seed);
        const std::vector<MorrisEffect> e = morris_effects(design, y, boot);
        for (std::size_t i = 0; i < k; ++i) {
          fa[i] = e[i].mu_star;
          fa_lo[i] = e[i].mu_star_ci.lo;
          fa_hi[i] = e[i].mu_star_ci.hi;
          fb[i] = e[i].mu;
          fb_lo[i] = fb_hi[i] = e[i].sigma;
        }
      } else {
        const SobolIndices s = sobol_indices(y, static_cast<std::size_t>(spec.samples), k, boot);
        var = s.variance;
        for (std::size_t i = 0; i < k; ++i) {
          fa[i] = s.first[i].value;
          fa_lo[i] = s.first[i].ci.lo;
          fa_hi[i] = s.first[i].ci.hi;
          fb[i] = s.total[i].value;
          fb_lo[i] = s.total[i].ci.lo;
          fb_hi[i] = s.total[i].ci.hi;
        }
      }
    } catch (const std::invalid_argument&) {
      var = 0;  // a constant output: nothing to apportion; the indices stay NaN
    }
    for (std::size_t i = 0; i < k; ++i) {
      output.push_back(out);
      parameter.push_back(spec.parameters[i].parameter.name);
      a.push_back(fa[i]);
      a_lo.push_back(fa_lo[i]);
      a_hi.push_back(fa_hi[i]);
      b.push_back(fb[i]);
      b_lo.push_back(fb_lo[i]);
      b_hi.push_back(fb_hi[i]);
      variance.push_back(var);
    }
  }

  Table table(bool morris) const {
    if (morris)
      return {{"output", output},
              {"parameter", parameter},
              {"mu_star", a},
              {"mu_star_ci95_lo", a_lo},
              {"mu_star_ci95_hi", a_hi},
              {"mu", b},
              {"sigma", b_lo}};
    return {{"output", output},      {"parameter", parameter}, {"first_order", a},
            {"first_ci95_lo", a_lo}, {"first_ci95_hi", a_hi},  {"total", b},
            {"total_ci95_lo", b_lo}, {"total_ci95_hi", b_hi},  {"variance", variance}};
  }
};

// Scenario discovery over the judged futures: for each acting set, PRIM's box of the parameters
// where it does not pay (net benefit <= 0), in /futures/discovery and /futures/discovery_bounds.
void discover(FuturesContent& c, const FuturesSpec& spec, const FuturesPlan& plan,
              const Outcomes& o, const std::vector<std::size_t>& judged,
              const std::vector<std::string>& labels) {
  const auto k = static_cast<std::size_t>(plan.parameters);
  std::vector<std::string> names;
  for (const UncertainParameter& u : spec.parameters)
    names.push_back(u.parameter.name + " (factor)");
  std::vector<std::vector<double>> columns(k);
  for (std::size_t f : judged)
    for (std::size_t i = 0; i < k; ++i)
      columns[i].push_back(plan.factors[f * k + i]);
  std::vector<std::string> parameters;
  for (const UncertainParameter& u : spec.parameters)
    parameters.push_back(u.parameter.name);
  DiscoveryRows rows(names, std::move(columns), parameters,
                     {"does not pay", "futures", "futures where it does not pay"});
  std::vector<std::string> label;
  for (std::size_t p = 1; p < o.policies; ++p) {
    std::vector<std::uint8_t> fails;
    for (std::size_t f : judged)
      fails.push_back(o.at(o.mean, f, p) <= 0 ? 1 : 0);
    label.push_back(labels[p]);
    rows.add(static_cast<std::int64_t>(p), fails, "pays in every future judged",
             "pays in no future judged");
  }
  c.tables.emplace_back("discovery", Table{{"policy", rows.policy},
                                           {"label", label},
                                           {"share_not_paying", rows.share},
                                           {"box_density", rows.density},
                                           {"box_coverage", rows.coverage},
                                           {"box_mass", rows.mass},
                                           {"sentence", rows.sentence}});
  c.tables.emplace_back("discovery_bounds", Table{{"policy", rows.bound_policy},
                                                  {"parameter", rows.bound_input},
                                                  {"lower_factor", rows.lower},
                                                  {"upper_factor", rows.upper}});
}

}  // namespace

FuturesContent futures_content(const FuturesSpec& spec, const FuturesPlan& plan,
                               const std::vector<std::string>& labels,
                               const std::vector<char>& meets_demand, std::uint64_t seed,
                               const FutureCosts& costs) {
  const Outcomes o = outcomes(plan.futures, labels.size(), plan.replications, costs);
  std::vector<std::size_t> judged;
  for (std::size_t f = 0; f < o.futures; ++f)
    if (meets_demand[f]) judged.push_back(f);
  const bool over_all = judged.empty();
  if (over_all) {
    judged.resize(o.futures);
    std::iota(judged.begin(), judged.end(), std::size_t{0});
  }
  const Robust r = robustness(o, judged);

  FuturesContent c;
  c.tables.emplace_back(
      "settings", settings_table(spec, plan, static_cast<std::int64_t>(judged.size()), over_all));
  c.tables.emplace_back("parameters", parameters_table(spec));
  c.tables.emplace_back("futures", futures_table(spec, plan, meets_demand));
  c.tables.emplace_back("net_benefit", net_benefit_table(o));

  std::vector<std::int64_t> ids;
  for (std::size_t p = 0; p < o.policies; ++p)
    ids.push_back(static_cast<std::int64_t>(p));
  c.tables.emplace_back("robustness", Table{{"policy", ids},
                                            {"label", labels},
                                            {"mean_net_benefit_eur", r.mean},
                                            {"sd_net_benefit_eur", r.sd},
                                            {"worst_net_benefit_eur", r.worst},
                                            {"mean_regret_eur", r.mean_regret},
                                            {"max_regret_eur", r.max_regret},
                                            {"share_pays", r.share_pays},
                                            {"share_positive", r.share_positive}});

  // The most robust set by each measure; satisficing among the sets that act (not the baseline).
  const std::size_t by_mean = best_by(r.mean, false, r.mean);
  const std::size_t by_regret = best_by(r.max_regret, true, r.mean);
  const std::size_t by_pays = o.policies > 1 ? best_by(r.share_pays, false, r.mean, 1) : 0;
  // No set pays with 95 % confidence in any future: satisficing names none (policy -1).
  const bool none_pays = r.share_pays[by_pays] == 0;
  const std::string pays_label = none_pays ? std::string("none") : labels[by_pays];
  c.tables.emplace_back(
      "best",
      Table{{"measure",
             std::vector<std::string>{"mean_net_benefit_eur", "max_regret_eur", "share_pays"}},
            {"policy",
             std::vector<std::int64_t>{
                 static_cast<std::int64_t>(by_mean), static_cast<std::int64_t>(by_regret),
                 none_pays ? std::int64_t{-1} : static_cast<std::int64_t>(by_pays)}},
            {"label", std::vector<std::string>{labels[by_mean], labels[by_regret], pays_label}},
            {"value", std::vector<double>{r.mean[by_mean], r.max_regret[by_regret],
                                          r.share_pays[by_pays]}}});

  // Global sensitivity of each acting set's net benefit, and of the difference between the two
  // sets of highest mean net benefit (which assumption decides between them).
  SensitivityRows rows;
  std::vector<double> y(o.futures);
  for (std::size_t p = 1; p < o.policies; ++p) {
    for (std::size_t f = 0; f < o.futures; ++f)
      y[f] = o.at(o.mean, f, p);
    rows.add(labels[p], spec, y, seed);
  }
  if (o.policies > 1) {
    std::vector<std::size_t> order(o.policies);
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return r.mean[a] > r.mean[b]; });
    for (std::size_t f = 0; f < o.futures; ++f)
      y[f] = o.at(o.mean, f, order[0]) - o.at(o.mean, f, order[1]);
    rows.add(fmt::format("{} minus {}", labels[order[0]], labels[order[1]]), spec, y, seed);
  }
  const bool morris = spec.method == FuturesSpec::Method::morris;
  c.tables.emplace_back(morris ? "morris" : "sobol", rows.table(morris));
  discover(c, spec, plan, o, judged, labels);
  return c;
}

namespace {

const Column& column(const Table& t, std::string_view name) {
  for (const Column& c : t)
    if (c.name == name) return c;
  throw std::runtime_error(fmt::format("/futures: a table lacks its column '{}'", name));
}
// A column's strings, or its numbers as doubles (a table read back from a file holds every
// number as a double).
template <class T>
std::vector<T> values(const Table& t, std::string_view name) {
  const auto& v = column(t, name).values;
  if constexpr (std::is_same_v<T, std::string>) {
    if (const auto* text = std::get_if<std::vector<std::string>>(&v)) return *text;
  } else {
    if (const auto* d = std::get_if<std::vector<double>>(&v))
      return std::vector<T>(d->begin(), d->end());
    if (const auto* i = std::get_if<std::vector<std::int64_t>>(&v))
      return std::vector<T>(i->begin(), i->end());
  }
  throw std::runtime_error(fmt::format("/futures: column '{}' is of the wrong type", name));
}
const Table& table(const FuturesContent& c, std::string_view name) {
  for (const auto& [n, t] : c.tables)
    if (n == name) return t;
  throw std::runtime_error(fmt::format("/futures: no table '{}'", name));
}

}  // namespace

std::string futures_text(const FuturesContent& c) {
  constexpr double kMillion = 1e6;
  // A table read back from a file is checked here: every column the text uses, of one length.
  auto columns = [&](std::string_view name, std::size_t rows, const auto&... keys) {
    const Table& t = table(c, name);
    for (const char* key : {keys...})
      if (std::visit([](const auto& v) { return v.size(); }, column(t, key).values) != rows)
        throw std::runtime_error(
            fmt::format("/futures/{}: column '{}' has not {} rows", name, key, rows));
    return t;
  };
  const Table settings = columns("settings", 1, "futures", "method", "replications", "region",
                                 "material", "futures_judged", "judged_over");
  const std::size_t P = values<std::string>(table(c, "robustness"), "label").size();
  const Table robust = columns("robustness", P, "mean_net_benefit_eur", "worst_net_benefit_eur",
                               "mean_regret_eur", "max_regret_eur", "share_pays");
  std::string out = fmt::format(
      "futures: {} ({} design, {} replications each), net benefit of {} / {} in million EUR; "
      "judged over {} futures: {}\n",
      values<std::int64_t>(settings, "futures")[0], values<std::string>(settings, "method")[0],
      values<std::int64_t>(settings, "replications")[0], values<std::string>(settings, "region")[0],
      values<std::string>(settings, "material")[0],
      values<std::int64_t>(settings, "futures_judged")[0],
      values<std::string>(settings, "judged_over")[0]);
  const std::vector<std::string> labels = values<std::string>(robust, "label");
  std::size_t width = 6;
  for (const std::string& l : labels)
    width = std::min<std::size_t>(60, std::max(width, l.size()));
  out += fmt::format("{:<{}}  {:>9}  {:>9}  {:>10}  {:>10}  {:>9}\n", "policy", width, "mean",
                     "worst", "mean regr.", "max regret", "pays (%)");
  const auto mean = values<double>(robust, "mean_net_benefit_eur");
  const auto worst = values<double>(robust, "worst_net_benefit_eur");
  const auto regret = values<double>(robust, "mean_regret_eur");
  const auto most = values<double>(robust, "max_regret_eur");
  const auto pays = values<double>(robust, "share_pays");
  for (std::size_t p = 0; p < P; ++p)
    out += fmt::format("{:<{}}  {:>9.2f}  {:>9.2f}  {:>10.2f}  {:>10.2f}  {:>9.0f}\n",
                       labels[p].substr(0, width), width, mean[p] / kMillion, worst[p] / kMillion,
                       regret[p] / kMillion, most[p] / kMillion, 100 * pays[p]);
  const std::size_t B = values<std::string>(table(c, "best"), "measure").size();
  const Table best = columns("best", B, "label");
  const std::vector<std::string> measures = values<std::string>(best, "measure");
  const std::vector<std::string> best_labels = values<std::string>(best, "label");
  for (std::size_t i = 0; i < B; ++i)
    out += fmt::format("most robust by {}: {}\n", measures[i], best_labels[i]);
  // Which assumptions decide between the two sets of highest mean: the three largest total
  // indices (or Morris mu*) of the "A minus B" output, when the content has them.
  for (const auto& [name, t] : c.tables) {
    if (name != "sobol" && name != "morris") continue;
    const bool sobol = name == "sobol";
    const char* index = sobol ? "total" : "mu_star";
    const std::size_t n = values<std::string>(t, "output").size();
    const Table checked = columns(name, n, "parameter", index);
    const auto outputs = values<std::string>(checked, "output");
    const auto parameters = values<std::string>(checked, "parameter");
    const auto indices = values<double>(checked, index);
    std::vector<std::size_t> rows;
    for (std::size_t r = 0; r < n; ++r)
      if (outputs[r].find(" minus ") != std::string::npos && std::isfinite(indices[r]))
        rows.push_back(r);
    if (rows.empty()) continue;
    std::stable_sort(rows.begin(), rows.end(),
                     [&](std::size_t a, std::size_t b) { return indices[a] > indices[b]; });
    rows.resize(std::min<std::size_t>(rows.size(), 3));
    std::string top;
    for (std::size_t r : rows)
      top += fmt::format("{}{} {:.2g}", top.empty() ? "" : ", ", parameters[r], indices[r]);
    out += fmt::format("what decides {} ({} {}): {}\n", outputs[rows.front()],
                       sobol ? "Sobol total index" : "Morris mu*",
                       sobol ? "over the futures" : "per whole range", top);
  }
  return out;
}

Table part_costs_table(const BlockPlan& plan, const std::vector<std::int64_t>& blocks,
                       std::int64_t policies,
                       const std::function<std::vector<double>(std::int64_t)>& block_costs) {
  std::vector<std::int64_t> future, policy, replication;
  std::vector<double> cost;
  for (std::int64_t b : blocks) {
    const int w = plan.world(b);
    if (w == 0) continue;
    const auto [first, last] = plan.range(b);
    const std::vector<double> c = block_costs(b);
    const std::int64_t n = last - first;
    for (std::int64_t p = 0; p < policies; ++p)
      for (std::int64_t i = 0; i < n; ++i) {
        future.push_back(w - 1);
        policy.push_back(p);
        replication.push_back(first + i);
        cost.push_back(c[static_cast<std::size_t>(p * n + i)]);
      }
  }
  return {{"future", future},
          {"policy", policy},
          {"replication", replication},
          {"total_cost_eur", cost}};
}

std::vector<std::vector<double>> costs_from_parts(const BlockPlan& plan, std::int64_t policies,
                                                  const std::vector<std::string>& files,
                                                  const std::vector<Table>& tables) {
  const auto worlds = static_cast<std::int64_t>(plan.replications.size());
  std::vector<std::vector<double>> costs;
  for (std::int64_t w = 1; w < worlds; ++w)
    costs.emplace_back(
        static_cast<std::size_t>(policies * plan.replications[static_cast<std::size_t>(w)]), kNaN);
  const auto count = static_cast<std::int64_t>(files.size());
  for (std::size_t part = 0; part < files.size(); ++part) {
    const Table& t = tables[part];
    auto number = [&](std::string_view name) -> const std::vector<double>& {
      for (const Column& c : t)
        if (c.name == name)
          if (const auto* v = std::get_if<std::vector<double>>(&c.values)) return *v;
      throw std::invalid_argument(
          fmt::format("{}: /futures/part_costs has no column '{}'", files[part], name));
    };
    const auto& future = number("future");
    const auto& policy = number("policy");
    const auto& replication = number("replication");
    const auto& cost = number("total_cost_eur");
    for (std::size_t i = 0; i < future.size(); ++i) {
      const double f = future[i], p = policy[i], r = replication[i];
      const auto bad = [&](std::string_view why) {
        throw std::invalid_argument(
            fmt::format("{}: /futures/part_costs row {} (future {}, policy {}, replication {}) {}",
                        files[part], i, f, p, r, why));
      };
      if (!(f >= 0 && f < static_cast<double>(worlds - 1) && f == std::floor(f)) ||
          !(p >= 0 && p < static_cast<double>(policies) && p == std::floor(p)))
        bad("is not one of the run's");
      const auto w = static_cast<std::size_t>(f) + 1;
      const std::int64_t R = plan.replications[w];
      if (!(r >= 0 && r < static_cast<double>(R) && r == std::floor(r)))
        bad("is not one of the run's");
      const std::int64_t block =
          plan.first_block[w] + static_cast<std::int64_t>(r) / plan.block_size;
      if (block % count != static_cast<std::int64_t>(part)) bad("is of a block another part owns");
      if (!std::isfinite(cost[i])) bad("holds a cost that is not finite");
      double& slot = costs[w - 1][static_cast<std::size_t>(p) * static_cast<std::size_t>(R) +
                                  static_cast<std::size_t>(r)];
      if (!std::isnan(slot)) bad("is given twice");
      slot = cost[i];
    }
  }
  for (std::size_t f = 0; f < costs.size(); ++f)
    for (double v : costs[f])
      if (std::isnan(v))
        throw std::invalid_argument(
            fmt::format("the parts lack some costs of future {}: a part is missing rows of "
                        "/futures/part_costs",
                        f));
  return costs;
}

}  // namespace crisp
