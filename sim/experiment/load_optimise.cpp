// Reading [[optimise]] (docs/model.md "Optimisation", README "Finding the best policy"): each
// table a decision problem for `crisp optimise`: its objective, its [[optimise.variable]]s (lever
// keys with a range or a list of choices), the swept keys it holds fixed, and its
// [[optimise.constraint]]s on a statistic of a metric.

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "sim/experiment/sections.hpp"

namespace crisp::experiment_detail {

namespace {

using toml_input::closed;
using toml_input::Range;

const std::vector<std::string> kStatistics = {"mean", "quantile", "cvar95", "p_exceeds"};

// The metric `metric` names, for `t`'s `region` (default: the first report region) and
// `material` (default "all").
// `net_benefit`: the value says "net_benefit_eur", whose metric is total_cost_eur.
MetricChoice read_metric(const Table& t, const Value& metric, const Scenario& sc,
                         bool net_benefit = false) {
  const std::vector<std::string> names(kMetricNames.begin(), kMetricNames.end());
  const std::string name = net_benefit ? "total_cost_eur" : metric.choice(names);
  MetricChoice m;
  m.metric = static_cast<Metric>(std::find(names.begin(), names.end(), name) - names.begin());
  std::vector<std::string> materials;
  for (const MaterialSpec& spec : sc.materials)
    materials.push_back(spec.name);
  materials.push_back("all");
  std::string material = "all";
  if (const auto v = t.get("material")) {
    material = v->choice(materials);
    if (material == "all" && std::find(kAllMaterialMetrics.begin(), kAllMaterialMetrics.end(),
                                       m.metric) == kAllMaterialMetrics.end())
      v->fail_with(fmt::format(
          "metric '{}' exists for one material at a time: name the material (material \"all\" has "
          "shortage_days, longest_shortage_days, loss_eur, policy_cost_eur and total_cost_eur)",
          name));
  } else if (std::find(kAllMaterialMetrics.begin(), kAllMaterialMetrics.end(), m.metric) ==
             kAllMaterialMetrics.end()) {
    metric.fail_with(fmt::format(
        "metric '{}' exists for one material at a time: add material = \"<material>\"", name));
  }
  m.material =
      static_cast<int>(std::find(materials.begin(), materials.end(), material) - materials.begin());
  std::string region = sc.report_regions.front();
  if (const auto v = t.get("region")) region = v->choice(sc.report_regions);
  m.region =
      static_cast<int>(std::find(sc.report_regions.begin(), sc.report_regions.end(), region) -
                       sc.report_regions.begin());
  m.label = fmt::format("{} {} {}", name, region, material);
  return m;
}

DecisionVariable read_variable(const Table& t, const PolicySection& policies,
                               std::vector<std::string>& keys) {
  t.check_keys({.allowed = {"key", "min", "max", "integer", "values"}});
  const Value key_value = t.require("key", "a policy key '<policy name>.<key>' to choose");
  DecisionVariable v;
  v.key = key_value.string();
  t.set_label(fmt::format("variable '{}'", v.key));
  const auto [lever, range] = resolve_column(key_value, v.key, policies, "key");
  v.lever = lever;
  v.field = v.key.substr(lever_name(policies.levers[lever].base).size() + 1);
  if (const std::string why = inapplicable(policies.levers[lever].base, v.field); !why.empty())
    key_value.fail_with(fmt::format("key '{}': {}", v.key, why));
  if (std::find(keys.begin(), keys.end(), v.key) != keys.end())
    key_value.fail_with(fmt::format("key '{}' is already a variable of this problem", v.key));
  keys.push_back(v.key);

  if (const auto values = t.get("values")) {
    for (const char* other : {"min", "max", "integer"})
      if (const auto o = t.get(other))
        o->fail_with(fmt::format("give values (a list of choices) or min and max, not both"));
    for (const Value& item : values->list(false)) {
      const double x = item.number(*range);
      if (std::find(v.values.begin(), v.values.end(), x) != v.values.end())
        item.fail_with(fmt::format("values lists {} twice", x));
      v.values.push_back(x);
    }
    v.kind = DecisionVariable::Kind::choice;
    return v;
  }
  const Value lo = t.require("min", "the smallest value to try (or give values = [...])");
  const Value hi = t.require("max", "the largest value to try");
  v.min = lo.number(*range);
  v.max = hi.number(*range);
  if (std::isinf(v.max)) hi.fail("a finite number (a range to search)");
  if (!(v.max > v.min))
    hi.fail_with(fmt::format(
        "max must be greater than min ({}), got {}: an empty or inverted range", v.min, v.max));
  v.kind = DecisionVariable::Kind::continuous;
  if (const auto integer = t.get("integer")) {
    const auto* b = integer->node().as_boolean();
    if (!b) integer->fail_type("true or false");
    if (b->get()) {
      v.kind = DecisionVariable::Kind::integer;
      if (std::ceil(v.min) > std::floor(v.max))
        hi.fail_with(fmt::format("the range [{}, {}] holds no integer", v.min, v.max));
    }
  }
  return v;
}

DecisionConstraint read_constraint(const Table& t, const Scenario& sc) {
  t.check_keys({.allowed = {"metric", "region", "material", "statistic", "threshold", "level",
                            "at_most", "at_least", "frontier"}});
  DecisionConstraint c;
  const Value metric = t.require("metric", "the name of a metric, such as \"shortage_days\"");
  c.of = read_metric(t, metric, sc);
  const Value statistic =
      t.require("statistic", "one of \"mean\", \"quantile\", \"cvar95\", \"p_exceeds\"");
  const std::string name = statistic.choice(kStatistics);
  c.statistic = name == "mean"       ? Statistic::mean
                : name == "quantile" ? Statistic::quantile
                : name == "cvar95"   ? Statistic::cvar95
                                     : Statistic::p_exceeds;
  if (c.statistic == Statistic::p_exceeds) {
    c.threshold = t.require("threshold", "the value the metric must not exceed (a number)")
                      .number(toml_input::any_number());
  } else if (const auto th = t.get("threshold")) {
    th->fail_with("threshold applies only with statistic = \"p_exceeds\"");
  }
  if (c.statistic == Statistic::quantile) {
    c.level = t.require("level", "the quantile's probability, in (0, 1)")
                  .number(Range{.lo = 0, .hi = 1, .lo_open = true, .hi_open = true});
  } else if (const auto lv = t.get("level")) {
    lv->fail_with("level applies only with statistic = \"quantile\"");
  }
  const auto at_most = t.get("at_most"), at_least = t.get("at_least");
  if (at_most && at_least) at_least->fail_with("give at_most or at_least, not both");
  if (!at_most && !at_least)
    t.fail("missing required key 'at_most' or 'at_least' (the bound on the statistic)");
  const Range bounds =
      c.statistic == Statistic::p_exceeds ? closed(0, 1) : toml_input::any_number();
  c.at_most = at_most.has_value();
  c.bound = (at_most ? *at_most : *at_least).number(bounds);
  if (const auto frontier = t.get("frontier")) {
    for (const Value& item : frontier->list(false)) {
      const double b = item.number(bounds);
      if (std::find(c.frontier.begin(), c.frontier.end(), b) != c.frontier.end())
        item.fail_with(fmt::format("frontier lists {} twice", b));
      c.frontier.push_back(b);
    }
  }
  const std::string op = c.at_most ? "<=" : ">=";
  switch (c.statistic) {
    case Statistic::mean:
      c.label = fmt::format("mean {} {} {:g}", c.of.label, op, c.bound);
      break;
    case Statistic::quantile:
      c.label = fmt::format("quantile {:g} of {} {} {:g}", c.level, c.of.label, op, c.bound);
      break;
    case Statistic::cvar95:
      c.label = fmt::format("CVaR95 of {} {} {:g}", c.of.label, op, c.bound);
      break;
    case Statistic::p_exceeds:
      c.label = fmt::format("P({} > {:g}) {} {:g}", c.of.label, c.threshold, op, c.bound);
      break;
  }
  t.set_label(fmt::format("constraint '{}'", c.label));
  return c;
}

DecisionProblem read_problem(const Table& t, const Scenario& sc, const PolicySection& policies,
                             UniqueNames& names) {
  t.check_keys({.allowed = {"name", "minimise", "maximise", "region", "material",
                            "search_replications", "evaluation_replications", "gap_batches",
                            "max_evaluations", "hold", "variable", "constraint"}});
  DecisionProblem p;
  const Value name = t.require("name", "a name for the problem");
  p.name = names.add(name);
  // The name is a group of the results file's /optimise, beside its table "problems".
  if (p.name.find('/') != std::string::npos || p.name == "." || p.name == ".." ||
      p.name == "problems")
    name.fail(
        "a name without '/', and not '.', '..' or 'problems' (it names a group of the "
        "results file's /optimise)");
  t.set_label(fmt::format("optimise '{}'", p.name));
  const auto minimise = t.get("minimise"), maximise = t.get("maximise");
  if (minimise && maximise) maximise->fail_with("give minimise or maximise, not both");
  if (!minimise && !maximise)
    t.fail(
        "missing required key 'minimise' (a metric whose mean to minimise, such as "
        "\"total_cost_eur\") or maximise = \"net_benefit_eur\"");
  if (maximise) {
    const std::vector<std::string> only = {"net_benefit_eur"};
    maximise->choice(only);
    p.net_benefit = true;
    // Net benefit is the baseline's mean total cost less the policy's: the same optimum as the
    // least total cost, on the same replications.
    p.objective = read_metric(t, *maximise, sc, true);
  } else {
    p.objective = read_metric(t, *minimise, sc);
  }
  p.search_replications = t.integer_or("search_replications", p.search_replications, 10);
  p.evaluation_replications =
      t.integer_or("evaluation_replications", p.evaluation_replications, 10);
  p.gap_batches = t.integer_or("gap_batches", p.gap_batches, 0);
  if (p.gap_batches == 1)
    t.get("gap_batches")
        ->fail("0 (no gap estimate) or an integer >= 2 (independent samples for its interval)");
  for (const char* key : {"search_replications", "evaluation_replications"})
    if (const auto v = t.get(key); v && v->integer(10) > kMaxReplications)
      v->fail(fmt::format("an integer in [10, {}]", kMaxReplications));
  if (const auto v = t.get("gap_batches"); v && v->integer(0) > 1000)
    v->fail("an integer in [2, 1000], or 0");

  std::vector<std::string> keys;
  for (const Table& v : toml_input::array_of_tables(t, "variable", "variable"))
    p.variables.push_back(read_variable(v, policies, keys));
  if (p.variables.empty())
    t.fail("missing [[optimise.variable]]: at least one policy key to choose");
  std::int64_t combinations = 1, searched = 0;
  for (const DecisionVariable& v : p.variables) {
    if (v.kind == DecisionVariable::Kind::choice)
      combinations *= static_cast<std::int64_t>(v.values.size());
    else
      ++searched;
    if (combinations > 1000)
      t.fail(
          "the variables given as values make more than 1000 combinations, each searched: give "
          "fewer values, or a range");
  }
  p.max_evaluations = t.integer_or("max_evaluations", searched == 0 ? 1 : 20 * searched + 20, 1);
  if (const auto v = t.get("max_evaluations");
      v && (p.max_evaluations < searched + 2 || p.max_evaluations > 100'000))
    v->fail(fmt::format("an integer in [{}, 100000] (a search of {} variables needs at least {})",
                        searched + 2, searched, searched + 2));

  if (const auto hold = t.get("hold")) {
    const Table held = hold->table();
    for (const auto& entry : held.raw()) {
      const Value v = *held.get(entry.first.str());
      const std::string key = v.key().substr(std::string("hold.").size());
      const auto [lever, range] = resolve_column(v, key, policies, "hold");
      HeldField h{key, lever, key.substr(lever_name(policies.levers[lever].base).size() + 1),
                  v.renamed(key).number(*range)};
      if (std::find(keys.begin(), keys.end(), key) != keys.end())
        v.fail_with(fmt::format("hold: '{}' is a variable of this problem", key));
      if (const std::string why = inapplicable(policies.levers[lever].base, h.field); !why.empty())
        v.fail_with(fmt::format("hold: '{}': {}", key, why));
      keys.push_back(key);
      p.held.push_back(std::move(h));
    }
  }
  // A key the design sweeps has no one value: the problem must choose it or hold it.
  for (std::size_t i = 0; i < policies.levers.size(); ++i) {
    const Lever& lever = policies.levers[i];
    std::vector<std::string> swept;
    for (const LeverAxis& a : lever.axes)
      swept.push_back(a.field);
    for (const LeverRange& r : lever.ranges)
      swept.push_back(r.field);
    for (const std::string& field : swept) {
      const std::string key = lever_name(lever.base) + "." + field;
      if (std::find(keys.begin(), keys.end(), key) == keys.end())
        t.fail(fmt::format(
            "policy key '{}' is swept by the design: make it a [[optimise.variable]] or hold it "
            "at one value with hold = {{ \"{}\" = ... }}",
            key, key));
    }
  }
  bool frontier = false;
  for (const Table& c : toml_input::array_of_tables(t, "constraint", "constraint")) {
    p.constraints.push_back(read_constraint(c, sc));
    if (!p.constraints.back().frontier.empty()) {
      if (frontier)
        c.get("frontier")
            ->fail_with(
                "only one constraint of a problem may have a frontier (the bounds it steps "
                "through)");
      frontier = true;
    }
  }
  return p;
}

}  // namespace

std::vector<DecisionProblem> read_optimise(const Table& root, const Scenario& sc,
                                           const PolicySection& policies) {
  std::vector<DecisionProblem> problems;
  UniqueNames names("optimise name");
  for (const Table& t : toml_input::array_of_tables(root, "optimise", "optimise"))
    problems.push_back(read_problem(t, sc, policies, names));
  return problems;
}

}  // namespace crisp::experiment_detail
