#include "outcome_tables.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <variant>

#include <fmt/format.h>

namespace crisp {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

const char* kind_name(DecisionVariable::Kind k) {
  switch (k) {
    case DecisionVariable::Kind::continuous:
      return "continuous";
    case DecisionVariable::Kind::integer:
      return "integer";
    case DecisionVariable::Kind::choice:
      return "choice";
  }
  return "?";
}

// A table built row by row, its columns named as they first appear.
class Rows {
 public:
  void text(const std::string& name, std::string v) { strings(name).push_back(std::move(v)); }
  void number(const std::string& name, double v) { doubles(name).push_back(v); }
  void integer(const std::string& name, std::int64_t v) { ints(name).push_back(v); }
  Table take() { return std::move(table_); }

 private:
  Column& at(const std::string& name, auto empty) {
    for (Column& c : table_)
      if (c.name == name) return c;
    table_.push_back({name, empty});
    return table_.back();
  }
  std::vector<std::string>& strings(const std::string& n) {
    return std::get<std::vector<std::string>>(at(n, std::vector<std::string>{}).values);
  }
  std::vector<double>& doubles(const std::string& n) {
    return std::get<std::vector<double>>(at(n, std::vector<double>{}).values);
  }
  std::vector<std::int64_t>& ints(const std::string& n) {
    return std::get<std::vector<std::int64_t>>(at(n, std::vector<std::int64_t>{}).values);
  }
  Table table_;
};

void answer_row(Rows& t, const DecisionProblem& p, const Answer& a, int policy_set,
                const std::string& role, double bound, bool chosen) {
  t.integer("policy_set", policy_set);
  t.text("label", a.label);
  t.text("role", role);
  t.number("bound", bound);
  t.integer("chosen", chosen ? 1 : 0);
  for (std::size_t i = 0; i < p.variables.size(); ++i)
    t.number(p.variables[i].key, a.x[i]);
  t.number("search_objective", a.searched.objective);
  t.integer("search_feasible", a.searched.feasible ? 1 : 0);
  t.number("objective_mean", a.objective.value);
  t.number("objective_ci95_lo", a.objective.ci95_lo);
  t.number("objective_ci95_hi", a.objective.ci95_hi);
  t.number("net_benefit_mean", a.net_benefit.value);
  t.number("net_benefit_ci95_lo", a.net_benefit.ci95_lo);
  t.number("net_benefit_ci95_hi", a.net_benefit.ci95_hi);
  for (std::size_t j = 0; j < a.constraints.size(); ++j) {
    const Estimate& e = a.constraints[j];
    const std::string c = fmt::format("c{}_", j + 1);
    t.number(c + "estimate", e.value);
    t.number(c + "ci95_lo", e.ci95_lo);
    t.number(c + "ci95_hi", e.ci95_hi);
    t.number(c + "one_sided95", e.one_sided);
    t.integer(c + "met", e.met ? 1 : 0);
  }
  t.integer("confirmed", a.confirmed ? 1 : 0);
  t.integer("round", a.round);
  for (std::size_t j = 0; j < a.search_bounds.size(); ++j)
    t.number(fmt::format("c{}_search_bound", j + 1), a.search_bounds[j]);
}

// The columns of a table read back, by name.
const Column* find(const Table& t, const std::string& name) {
  for (const Column& c : t)
    if (c.name == name) return &c;
  return nullptr;
}
double num(const Table& t, const std::string& name, std::size_t row) {
  const Column* c = find(t, name);
  if (!c) return kNaN;
  if (const auto* d = std::get_if<std::vector<double>>(&c->values)) return d->at(row);
  if (const auto* i = std::get_if<std::vector<std::int64_t>>(&c->values))
    return static_cast<double>(i->at(row));
  return kNaN;
}
std::string str(const Table& t, const std::string& name, std::size_t row) {
  const Column* c = find(t, name);
  if (!c) return "";
  if (const auto* s = std::get_if<std::vector<std::string>>(&c->values)) return s->at(row);
  return "";
}
std::size_t rows(const Table& t) {
  if (t.empty()) return 0;
  return std::visit([](const auto& v) { return v.size(); }, t.front().values);
}

// Euros as "123.4 M EUR"; other units as they are.
std::string amount(double v, bool euros) {
  if (!std::isfinite(v)) return "n/a";
  if (euros) return fmt::format("{:.2f} M EUR", v / 1e6);
  return fmt::format("{:.4g}", v);
}

}  // namespace

OptimiseContent::Problem optimise_tables(const DecisionProblem& p, const ProblemOutcome& o,
                                         const std::vector<int>& policy_sets) {
  OptimiseContent::Problem out{p.name, {}};
  Rows variables;
  for (const DecisionVariable& v : p.variables) {
    variables.text("key", v.key);
    variables.text("kind", kind_name(v.kind));
    variables.number("min", v.kind == DecisionVariable::Kind::choice ? kNaN : v.min);
    variables.number("max", v.kind == DecisionVariable::Kind::choice ? kNaN : v.max);
    variables.text("values", fmt::format("{}", fmt::join(v.values, ", ")));
  }
  out.tables.emplace_back("variables", variables.take());
  if (!p.constraints.empty()) {
    Rows constraints;
    for (const DecisionConstraint& c : p.constraints) {
      constraints.text("label", c.label);
      constraints.text("metric", std::string(kMetricNames[static_cast<int>(c.of.metric)]));
      constraints.text("of", c.of.label);
      constraints.text("statistic", to_string(c.statistic));
      constraints.number("threshold", c.statistic == Statistic::p_exceeds ? c.threshold : kNaN);
      constraints.number("level", c.statistic == Statistic::quantile ? c.level : kNaN);
      constraints.text("sense", c.at_most ? "at_most" : "at_least");
      constraints.number("bound", c.bound);
      constraints.text("frontier", fmt::format("{}", fmt::join(c.frontier, ", ")));
    }
    out.tables.emplace_back("constraints", constraints.take());
  }
  Rows candidates;
  for (const Candidate& c : o.candidates) {
    candidates.text("stage", c.stage);
    candidates.integer("combination", c.combination);
    for (std::size_t i = 0; i < p.variables.size(); ++i)
      candidates.number(p.variables[i].key, c.x[i]);
    candidates.number("objective", c.objective);
    for (std::size_t j = 0; j < c.statistics.size(); ++j)
      candidates.number(fmt::format("c{}_statistic", j + 1), c.statistics[j]);
    candidates.integer("feasible", c.feasible ? 1 : 0);
  }
  out.tables.emplace_back("candidates", candidates.take());
  Rows answers;
  std::size_t row = 0;
  for (std::size_t i = 0; i < o.answers.size(); ++i)
    answer_row(answers, p, o.answers[i], policy_sets[row++], "answer", kNaN,
               static_cast<int>(i) == o.chosen);
  std::vector<double> bound_of(o.frontier_answers.size(), kNaN);
  for (const FrontierPoint& f : o.frontier)
    for (int i : {f.answer, f.closest})
      if (i >= 0) bound_of[static_cast<std::size_t>(i)] = f.bound;
  for (std::size_t i = 0; i < o.frontier_answers.size(); ++i)
    answer_row(answers, p, o.frontier_answers[i], policy_sets[row++], "frontier", bound_of[i],
               false);
  out.tables.emplace_back("answers", answers.take());
  if (!o.gap_optimum.empty()) {
    Rows gap;
    for (std::size_t k = 0; k < o.gap_optimum.size(); ++k) {
      gap.integer("batch", static_cast<std::int64_t>(k + 1));
      gap.number("objective_at_chosen", o.gap_at_chosen[k]);
      gap.number("batch_optimum", o.gap_optimum[k]);
      gap.number("gap", o.gap_at_chosen[k] - o.gap_optimum[k]);
    }
    out.tables.emplace_back("gap", gap.take());
  }
  if (!o.frontier.empty()) {
    Rows frontier;
    const std::size_t first = o.answers.size();
    for (const FrontierPoint& f : o.frontier) {
      frontier.number("bound", f.bound);
      frontier.integer("answer_row",
                       f.answer < 0 ? -1 : static_cast<std::int64_t>(first) + f.answer);
      frontier.integer("closest_row",
                       f.closest < 0 ? -1 : static_cast<std::int64_t>(first) + f.closest);
    }
    out.tables.emplace_back("frontier", frontier.take());
  }
  return out;
}

Table problems_table(const std::vector<DecisionProblem>& problems,
                     const std::vector<ProblemOutcome>& outcomes, std::uint64_t search_seed) {
  Rows t;
  for (std::size_t i = 0; i < problems.size(); ++i) {
    const DecisionProblem& p = problems[i];
    const ProblemOutcome& o = outcomes[i];
    t.text("name", p.name);
    t.text("objective", p.net_benefit
                            ? "maximise net_benefit_eur " +
                                  p.objective.label.substr(p.objective.label.find(' ') + 1)
                            : "minimise mean " + p.objective.label);
    t.text("status", o.status);
    t.integer("chosen_row", o.chosen);
    t.integer("closest_row", o.closest);
    t.integer("search_seed", static_cast<std::int64_t>(search_seed));
    t.integer("search_replications", p.search_replications);
    t.integer("evaluation_seed", static_cast<std::int64_t>(o.evaluation_seed));
    t.integer("evaluation_replications", o.evaluation_replications);
    t.integer("gap_batches", static_cast<std::int64_t>(o.gap_optimum.size()));
    t.number("gap_mean", o.gap_optimum.empty() ? kNaN : o.gap_mean);
    t.number("gap_upper95", o.gap_optimum.empty() ? kNaN : o.gap_upper95);
    t.integer("max_evaluations", p.max_evaluations);
    t.integer("points_searched",
              std::count_if(o.candidates.begin(), o.candidates.end(),
                            [](const Candidate& c) { return c.stage.starts_with("search"); }));
    t.number("replication_years_search", o.years_search);
    t.number("replication_years_evaluation", o.years_evaluation);
    t.number("replication_years_gap", o.years_gap);
    t.number("replication_years_frontier", o.years_frontier);
  }
  return t.take();
}

std::string optimise_text(const ResultsReader& reader) {
  const Table problems = reader.table("/optimise/problems");
  std::string out;
  for (std::size_t i = 0; i < rows(problems); ++i) {
    const std::string name = str(problems, "name", i);
    const std::string base = "/optimise/" + name + "/";
    const Table answers = reader.table(base + "answers");
    const Table constraints = reader.table(base + "constraints");
    const std::string objective = str(problems, "objective", i);
    const bool euros = objective.find("_eur") != std::string::npos;
    const std::string status = str(problems, "status", i);
    out += fmt::format("Optimisation '{}': {}\n", name, objective);
    out += fmt::format(
        "  searched {:.0f} points on {:.0f} replications (seed {:.0f}); judged on {:.0f} fresh "
        "replications (seed {:.0f})\n",
        num(problems, "points_searched", i), num(problems, "search_replications", i),
        num(problems, "search_seed", i), num(problems, "evaluation_replications", i),
        num(problems, "evaluation_seed", i));
    for (std::size_t j = 0; j < rows(constraints); ++j)
      out += fmt::format("  constraint {}: {}\n", j + 1, str(constraints, "label", j));
    out += "  best of each combination (95 % intervals on the fresh replications):\n";
    for (std::size_t r = 0; r < rows(answers); ++r) {
      if (str(answers, "role", r) != "answer") continue;
      std::string line =
          fmt::format("  {} {}\n      objective {} [{}, {}]; net benefit {} [{}, {}]",
                      num(answers, "chosen", r) > 0 ? "*" : " ", str(answers, "label", r),
                      amount(num(answers, "objective_mean", r), euros),
                      amount(num(answers, "objective_ci95_lo", r), euros),
                      amount(num(answers, "objective_ci95_hi", r), euros),
                      amount(num(answers, "net_benefit_mean", r), true),
                      amount(num(answers, "net_benefit_ci95_lo", r), true),
                      amount(num(answers, "net_benefit_ci95_hi", r), true));
      for (std::size_t j = 0; j < rows(constraints); ++j) {
        const std::string c = fmt::format("c{}_", j + 1);
        line += fmt::format("; constraint {}: {:.4g} [{:.4g}, {:.4g}], one-sided 95 % {:.4g}, {}",
                            j + 1, num(answers, c + "estimate", r), num(answers, c + "ci95_lo", r),
                            num(answers, c + "ci95_hi", r), num(answers, c + "one_sided95", r),
                            num(answers, c + "met", r) > 0 ? "met" : "NOT met");
      }
      if (num(answers, "search_feasible", r) == 0) line += " (infeasible on the search sample)";
      out += line + "\n";
    }
    if (status == "infeasible") {
      out += fmt::format(
          "  No policy in the ranges meets the constraints on the search sample; the closest is "
          "{}.\n",
          str(answers, "label", static_cast<std::size_t>(num(problems, "closest_row", i))));
    } else {
      const auto chosen = static_cast<std::size_t>(num(problems, "chosen_row", i));
      out += fmt::format("  chosen (*): {}{}\n", str(answers, "label", chosen),
                         status == "optimal" || rows(constraints) == 0
                             ? ""
                             : " - a constraint is not met at 95 % confidence on the fresh "
                               "replications");
    }
    if (std::isfinite(num(problems, "gap_mean", i)))
      out += fmt::format(
          "  optimality gap: {} on average over {:.0f} independent samples, at most {} (one-sided "
          "95 %)\n",
          amount(num(problems, "gap_mean", i), euros), num(problems, "gap_batches", i),
          amount(num(problems, "gap_upper95", i), euros));
    const Table frontier = reader.table(base + "frontier");
    if (rows(frontier) > 0) {
      out += "  cost-risk frontier (the cheapest policy meeting each bound of the constraint):\n";
      for (std::size_t f = 0; f < rows(frontier); ++f) {
        const double row = num(frontier, "answer_row", f);
        if (row < 0) {
          out += fmt::format("    bound {:g}: no policy in the ranges meets it\n",
                             num(frontier, "bound", f));
          continue;
        }
        const auto r = static_cast<std::size_t>(row);
        out +=
            fmt::format("    bound {:g}: {} - objective {} [{}, {}]{}\n", num(frontier, "bound", f),
                        str(answers, "label", r), amount(num(answers, "objective_mean", r), euros),
                        amount(num(answers, "objective_ci95_lo", r), euros),
                        amount(num(answers, "objective_ci95_hi", r), euros),
                        num(answers, "confirmed", r) > 0 ? "" : " (not met at 95 % confidence)");
      }
    }
    out += fmt::format(
        "  replication-years: search {:.4g}, evaluation {:.4g}, gap {:.4g}, frontier {:.4g}\n",
        num(problems, "replication_years_search", i),
        num(problems, "replication_years_evaluation", i), num(problems, "replication_years_gap", i),
        num(problems, "replication_years_frontier", i));
    out += "\n";
  }
  return out;
}

}  // namespace crisp
