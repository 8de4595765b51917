#include "optimise.hpp"

#include <algorithm>
#include <cmath>
#include <exception>
#include <functional>
#include <map>
#include <numeric>
#include <optional>

#include <fmt/format.h>
#include <nlopt.hpp>

#include "core/random.hpp"
#include "core/stats.hpp"

namespace crisp {

std::uint64_t derived_seed(std::uint64_t seed, std::uint64_t stream) {
  // 53 bits: exact as a double, as JSON, h5py and the results tables' readers hold numbers.
  return mix64(mix64(seed) ^ mix64(0x6f7074696d697365ULL + stream)) >> 11;  // "optimise"
}

PolicySet decision_set(const std::vector<Lever>& levers, const DecisionProblem& p,
                       const std::vector<double>& x, std::string label) {
  std::vector<ListedValue> values;
  for (const HeldField& h : p.held)
    values.push_back({h.lever, h.field, h.value});
  for (std::size_t i = 0; i < p.variables.size(); ++i)
    values.push_back({p.variables[i].lever, p.variables[i].field, x[i]});
  return set_of(levers, values, std::move(label));
}

namespace {

using Kind = DecisionVariable::Kind;

// "size_days=312.4, lead_days=30": the variables' fields and values.
std::string describe(const DecisionProblem& p, const std::vector<double>& x) {
  std::string out;
  for (std::size_t i = 0; i < p.variables.size(); ++i)
    out += fmt::format("{}{}={:.6g}", i ? ", " : "", p.variables[i].key, x[i]);
  return out;
}

// The value of each choice variable in combination `c` (the last variable varies fastest).
std::vector<double> combination_values(const DecisionProblem& p, int c) {
  std::vector<double> x(p.variables.size(), 0.0);
  for (std::size_t i = p.variables.size(); i-- > 0;) {
    const DecisionVariable& v = p.variables[i];
    if (v.kind != Kind::choice) continue;
    const auto n = static_cast<int>(v.values.size());
    x[i] = v.values[static_cast<std::size_t>(c % n)];
    c /= n;
  }
  return x;
}

int combinations(const DecisionProblem& p) {
  int n = 1;
  for (const DecisionVariable& v : p.variables)
    if (v.kind == Kind::choice) n *= static_cast<int>(v.values.size());
  return n;
}

// The slots a problem reads: the objective, then each constraint's metric.
std::vector<int> problem_slots(const DecisionProblem& p, const MetricLayout& layout) {
  std::vector<int> slots{layout.slot(p.objective.material, p.objective.region, p.objective.metric)};
  for (const DecisionConstraint& c : p.constraints)
    slots.push_back(layout.slot(c.of.material, c.of.region, c.of.metric));
  return slots;
}

// Column j of [r][k] values.
std::vector<double> column(const std::vector<double>& values, std::size_t k, std::size_t j) {
  std::vector<double> out;
  out.reserve(values.size() / k);
  for (std::size_t i = j; i < values.size(); i += k)
    out.push_back(values[i]);
  return out;
}

// The deterministic problem on one sample: every point it evaluates goes to the trace.
class SampleProblem {
 public:
  SampleProblem(const DecisionProblem& p, const std::vector<Lever>& levers, Evaluator& e,
                const Sample& sample, std::vector<double> bounds, std::string stage,
                std::vector<Candidate>& trace)
      : p_(p),
        levers_(levers),
        e_(e),
        sample_(sample),
        slots_(problem_slots(p, e.layout())),
        bounds_(std::move(bounds)),
        stage_(std::move(stage)),
        trace_(trace) {}

  // The point `x` (integers rounded) of combination `c`.
  const Candidate& at(int c, std::vector<double> x) {
    for (std::size_t i = 0; i < x.size(); ++i)
      if (p_.variables[i].kind == Kind::integer) x[i] = std::round(x[i]);
    const auto key = std::pair(c, x);
    if (const auto it = memo_.find(key); it != memo_.end()) return trace_[it->second];
    const std::vector<double> values =
        e_.evaluate(decision_set(levers_, p_, x, ""), sample_, slots_);
    const std::size_t k = slots_.size();
    Candidate point;
    point.stage = stage_;
    point.combination = c;
    point.x = x;
    point.objective = mean_estimate(column(values, k, 0)).value;
    point.feasible = true;
    for (std::size_t j = 0; j < p_.constraints.size(); ++j) {
      const std::vector<double> v = column(values, k, j + 1);
      point.statistics.push_back(sample_statistic(v, p_.constraints[j]));
      const double g = search_constraint(v, p_.constraints[j], bounds_[j]);
      point.violation = std::max(point.violation, g);
      surrogates_[trace_.size()].push_back(g);
      if (g > 0) point.feasible = false;
    }
    memo_.emplace(key, trace_.size());
    trace_.push_back(std::move(point));
    return trace_.back();
  }
  double surrogate(int c, const std::vector<double>& x, std::size_t j) {
    at(c, x);
    std::vector<double> r = x;
    for (std::size_t i = 0; i < r.size(); ++i)
      if (p_.variables[i].kind == Kind::integer) r[i] = std::round(r[i]);
    return surrogates_[memo_.at(std::pair(c, r))][j];
  }

 private:
  const DecisionProblem& p_;
  const std::vector<Lever>& levers_;
  Evaluator& e_;
  Sample sample_;
  std::vector<int> slots_;
  std::vector<double> bounds_;
  std::string stage_;
  std::vector<Candidate>& trace_;
  std::map<std::pair<int, std::vector<double>>, std::size_t> memo_;
  std::map<std::size_t, std::vector<double>> surrogates_;
};

// The better of two points: feasible first, then the lower objective (or the smaller violation).
bool better(const Candidate& a, const Candidate& b) {
  if (a.feasible != b.feasible) return a.feasible;
  if (a.feasible) return a.objective < b.objective;
  return a.violation < b.violation;
}

// NLopt's view of one combination: the free variables scaled to [0, 1].
struct Scaled {
  SampleProblem* problem;
  const DecisionProblem* p;
  int combination;
  std::vector<double> fixed;  // the choice values
  std::vector<std::size_t> free;
  double scale = 1;
  std::exception_ptr failure;
  nlopt::opt* running = nullptr;
  int calls_left = 0;  // NLopt's maxeval, enforced here: DIRECT can overrun it when no point is
                       // feasible

  std::vector<double> x_of(const std::vector<double>& u) const {
    std::vector<double> x = fixed;
    for (std::size_t i = 0; i < free.size(); ++i) {
      const DecisionVariable& v = p->variables[free[i]];
      x[free[i]] = v.min + std::clamp(u[i], 0.0, 1.0) * (v.max - v.min);
    }
    return x;
  }
  std::vector<double> u_of(const std::vector<double>& x) const {
    std::vector<double> u;
    for (std::size_t i : free) {
      const DecisionVariable& v = p->variables[i];
      u.push_back((x[i] - v.min) / (v.max - v.min));
    }
    return u;
  }
};

struct ConstraintRef {
  Scaled* scaled;
  std::size_t j;
};

double objective_of(const std::vector<double>& u, std::vector<double>& /*grad*/, void* data) {
  auto* s = static_cast<Scaled*>(data);
  if (s->calls_left-- <= 0) {
    s->running->force_stop();
    return HUGE_VAL;
  }
  try {
    return s->problem->at(s->combination, s->x_of(u)).objective / s->scale;
  } catch (...) {
    s->failure = std::current_exception();
    s->running->force_stop();
    return 0;
  }
}

double constraint_of(const std::vector<double>& u, std::vector<double>& /*grad*/, void* data) {
  auto* ref = static_cast<ConstraintRef*>(data);
  Scaled* s = ref->scaled;
  try {
    return s->problem->surrogate(s->combination, s->x_of(u), ref->j);
  } catch (...) {
    s->failure = std::current_exception();
    s->running->force_stop();
    return 0;
  }
}

// Runs `algorithm` from `u` for at most `evaluations` points (each goes to the trace).
void run_nlopt(Scaled& s, nlopt::algorithm algorithm, std::vector<double> u, int evaluations,
               double step) {
  const auto d = static_cast<unsigned>(s.free.size());
  nlopt::opt opt(algorithm, d);
  s.running = &opt;
  opt.set_lower_bounds(std::vector<double>(d, 0.0));
  opt.set_upper_bounds(std::vector<double>(d, 1.0));
  opt.set_min_objective(objective_of, &s);
  std::vector<ConstraintRef> refs;
  refs.reserve(s.p->constraints.size());
  for (std::size_t j = 0; j < s.p->constraints.size(); ++j) {
    refs.push_back({&s, j});
    opt.add_inequality_constraint(constraint_of, &refs.back(), 0.0);
  }
  opt.set_maxeval(std::max(1, evaluations));
  s.calls_left = std::max(1, evaluations);
  opt.set_xtol_abs(1e-6);
  if (step > 0) opt.set_initial_step(step);
  double f = 0;
  try {
    opt.optimize(u, f);
  } catch (const nlopt::forced_stop&) {
  } catch (const nlopt::roundoff_limited&) {
  } catch (const std::runtime_error&) {  // "nlopt failure": the points found so far stand
  }
  s.running = nullptr;
  if (s.failure) std::rethrow_exception(s.failure);
}

// The best point of each combination on the sample, searched from `starts` too (points of
// earlier searches: warm starts, which are evaluated first).
std::vector<Candidate> search(const DecisionProblem& p, SampleProblem& problem,
                              std::vector<Candidate>& trace,
                              const std::vector<std::vector<double>>& starts) {
  std::vector<Candidate> best;
  for (int c = 0; c < combinations(p); ++c) {
    const std::size_t from = trace.size();
    Scaled s{&problem, &p, c, combination_values(p, c), {}, 1, nullptr, nullptr};
    for (std::size_t i = 0; i < p.variables.size(); ++i)
      if (p.variables[i].kind != Kind::choice) s.free.push_back(i);
    std::vector<double> centre = s.fixed;
    for (std::size_t i : s.free)
      centre[i] = 0.5 * (p.variables[i].min + p.variables[i].max);
    std::optional<Candidate> top;
    auto consider = [&](const Candidate& cand) {
      if (!top || better(cand, *top)) top = cand;
    };
    consider(problem.at(c, centre));
    for (const std::vector<double>& x : starts) {
      std::vector<double> own = x;
      for (std::size_t i = 0; i < p.variables.size(); ++i)
        if (p.variables[i].kind == Kind::choice) own[i] = s.fixed[i];
      consider(problem.at(c, own));
    }
    if (!s.free.empty()) {
      s.scale = std::max(std::abs(top->objective), 1.0);
      const int budget = static_cast<int>(p.max_evaluations);
      // DIRECT-L over the whole box (the original version, which handles the constraints),
      // then COBYLA from the best point.
      const int global = std::max(static_cast<int>(s.free.size()) + 2, budget / 2);
      run_nlopt(s, p.constraints.empty() ? nlopt::GN_DIRECT_L : nlopt::GN_ORIG_DIRECT_L,
                s.u_of(centre), global, 0);
      for (std::size_t i = from; i < trace.size(); ++i)
        if (trace[i].combination == c) consider(trace[i]);
      const int used = static_cast<int>(trace.size() - from);
      if (budget - used > 0) {
        // A step of a tenth of the range, or less near a bound.
        run_nlopt(s, nlopt::LN_COBYLA, s.u_of(top->x), budget - used, 0.1);
        for (std::size_t i = from; i < trace.size(); ++i)
          if (trace[i].combination == c) consider(trace[i]);
      }
    }
    best.push_back(*top);
  }
  return best;
}

// The answer `searched` on the evaluation sample: every slot of every replication.
Answer judge(const DecisionProblem& p, const std::vector<Lever>& levers, Evaluator& e,
             const Sample& sample, const Candidate& searched, const std::vector<double>& bounds,
             const std::vector<double>& baseline, std::string label) {
  const MetricLayout& layout = e.layout();
  std::vector<int> all(static_cast<std::size_t>(layout.size()));
  std::iota(all.begin(), all.end(), 0);
  Answer a;
  a.label = std::move(label);
  a.combination = searched.combination;
  a.x = searched.x;
  a.searched = searched;
  a.values = e.evaluate(decision_set(levers, p, a.x, a.label), sample, all);
  const auto k = static_cast<std::size_t>(layout.size());
  const std::vector<int> slots = problem_slots(p, layout);
  const std::vector<double> objective = column(a.values, k, static_cast<std::size_t>(slots[0]));
  a.objective = mean_estimate(objective);
  const int total = layout.slot(p.objective.material, p.objective.region, Metric::total_cost_eur);
  const std::vector<double> mine = column(a.values, k, static_cast<std::size_t>(total));
  const std::vector<double> base = column(baseline, k, static_cast<std::size_t>(total));
  std::vector<double> benefit(mine.size());
  for (std::size_t r = 0; r < mine.size(); ++r)
    benefit[r] = base[r] - mine[r];
  a.net_benefit = mean_estimate(benefit);
  a.confirmed = true;
  for (std::size_t j = 0; j < p.constraints.size(); ++j) {
    a.constraints.push_back(constraint_estimate(
        column(a.values, k, static_cast<std::size_t>(slots[j + 1])), p.constraints[j], bounds[j]));
    a.confirmed = a.confirmed && a.constraints.back().met;
  }
  return a;
}

// Which answer to give: among those feasible on the search sample, the confirmed ones first,
// then the lowest objective on the evaluation sample. -1 when none is feasible.
int choose(const std::vector<Answer>& answers) {
  int chosen = -1;
  for (std::size_t i = 0; i < answers.size(); ++i) {
    const Answer& a = answers[i];
    if (!a.searched.feasible) continue;
    if (chosen < 0) {
      chosen = static_cast<int>(i);
      continue;
    }
    const Answer& b = answers[static_cast<std::size_t>(chosen)];
    if (a.confirmed != b.confirmed ? a.confirmed : a.objective.value < b.objective.value)
      chosen = static_cast<int>(i);
  }
  return chosen;
}

int closest(const std::vector<Answer>& answers) {
  int best = -1;
  for (std::size_t i = 0; i < answers.size(); ++i)
    if (best < 0 ||
        answers[i].searched.violation < answers[static_cast<std::size_t>(best)].searched.violation)
      best = static_cast<int>(i);
  return best;
}

// The answers of one search, judged; labels "<name>: <values>" (`tag` after the name).
std::vector<Answer> judge_all(const DecisionProblem& p, const std::vector<Lever>& levers,
                              Evaluator& e, const Sample& sample,
                              const std::vector<Candidate>& best, const std::vector<double>& bounds,
                              const std::vector<double>& baseline, const std::string& tag) {
  std::vector<Answer> answers;
  for (const Candidate& c : best)
    answers.push_back(judge(p, levers, e, sample, c, bounds, baseline,
                            fmt::format("{}{}: {}", p.name, tag, describe(p, c.x))));
  return answers;
}

// One search and its judging, with the sample bounds tightened while the chosen answer misses a
// constraint on the evaluation sample (docs/model.md "Optimisation", step 3): a constraint
// searched to its bound on one sample lands on it, and about half the time the fresh replications
// put it over. Each round lowers (raises, for at_least) the bound the search holds each missed
// constraint to by the miss of its one-sided 95 % bound, and searches again from the answers so
// far. The first round whose answer is confirmed is given; when none is in kRounds, the first.
struct Solved {
  std::vector<Answer> answers;
  int chosen = -1, closest = -1;
};
constexpr int kRounds = 4;

Solved solve_bounds(const DecisionProblem& p, const std::vector<Lever>& levers, Evaluator& e,
                    const Sample& search_sample, const Sample& evaluation,
                    const std::vector<double>& bounds, const std::vector<double>& baseline,
                    const std::string& stage, const std::string& tag, std::vector<Candidate>& trace,
                    std::vector<std::vector<double>> starts,
                    const std::function<void(bool searching)>& spent) {
  std::vector<double> sample_bounds = bounds;
  Solved first;
  for (int round = 1; round <= kRounds; ++round) {
    SampleProblem problem(p, levers, e, search_sample, sample_bounds,
                          round == 1 ? stage : fmt::format("{} round {}", stage, round), trace);
    const std::vector<Candidate> best = search(p, problem, trace, starts);
    spent(true);
    Solved now;
    now.answers = judge_all(p, levers, e, evaluation, best, bounds, baseline, tag);
    for (Answer& a : now.answers) {
      a.round = round;
      a.search_bounds = sample_bounds;
    }
    spent(false);
    now.chosen = choose(now.answers);
    if (now.chosen < 0) now.closest = closest(now.answers);
    if (round == 1) first = now;
    if (now.chosen < 0) break;  // tightened past what the ranges can meet: the first round's
    const Answer& chosen = now.answers[static_cast<std::size_t>(now.chosen)];
    if (chosen.confirmed) return now;
    for (std::size_t j = 0; j < p.constraints.size(); ++j) {
      const Estimate& c = chosen.constraints[j];
      if (c.met) continue;
      const double miss = std::abs(c.one_sided - bounds[j]);
      sample_bounds[j] += p.constraints[j].at_most ? -miss : miss;
      if (p.constraints[j].statistic == Statistic::p_exceeds)
        sample_bounds[j] = std::clamp(sample_bounds[j], 0.0, 1.0);
    }
    starts.clear();
    for (const Answer& a : now.answers)
      starts.push_back(a.x);
  }
  return first;
}

}  // namespace

ProblemOutcome solve(const DecisionProblem& p, const std::vector<Lever>& levers, Evaluator& e,
                     std::uint64_t seed, std::int64_t evaluation_replications,
                     const std::vector<double>& baseline) {
  ProblemOutcome out;
  std::vector<double> bounds;
  for (const DecisionConstraint& c : p.constraints)
    bounds.push_back(c.bound);
  const Sample search_sample{seed, p.search_replications};
  const Sample evaluation{derived_seed(seed, kEvaluationStream), evaluation_replications};
  out.evaluation_replications = evaluation_replications;
  out.evaluation_seed = evaluation.seed;

  double years = e.used_years();
  auto spent = [&] {
    const double now = e.used_years(), d = now - years;
    years = now;
    return d;
  };
  const Solved main = solve_bounds(
      p, levers, e, search_sample, evaluation, bounds, baseline, "search", "", out.candidates, {},
      [&](bool searching) { (searching ? out.years_search : out.years_evaluation) += spent(); });
  out.answers = main.answers;
  out.chosen = main.chosen;
  out.closest = main.closest;
  if (out.chosen < 0) {
    out.status = "infeasible";
  } else {
    out.status =
        out.answers[static_cast<std::size_t>(out.chosen)].confirmed ? "optimal" : "not confirmed";
  }

  if (out.chosen >= 0 && p.gap_batches >= 2) {
    const Answer& chosen = out.answers[static_cast<std::size_t>(out.chosen)];
    for (std::int64_t k = 1; k <= p.gap_batches; ++k) {
      const Sample batch{derived_seed(seed, kEvaluationStream + static_cast<std::uint64_t>(k)),
                         p.search_replications};
      SampleProblem on_batch(p, levers, e, batch, chosen.search_bounds, fmt::format("gap {}", k),
                             out.candidates);
      const Candidate at_chosen = on_batch.at(chosen.combination, chosen.x);
      std::vector<std::vector<double>> starts;
      for (const Answer& a : out.answers)
        starts.push_back(a.x);
      double optimum = at_chosen.objective;
      bool any = at_chosen.feasible;
      for (const Candidate& c : search(p, on_batch, out.candidates, starts))
        if (c.feasible && (!any || c.objective < optimum)) {
          optimum = c.objective;
          any = true;
        }
      out.gap_at_chosen.push_back(at_chosen.objective);
      out.gap_optimum.push_back(optimum);
    }
    std::vector<double> gaps;
    for (std::size_t k = 0; k < out.gap_optimum.size(); ++k)
      gaps.push_back(out.gap_at_chosen[k] - out.gap_optimum[k]);
    const Summary g = summarize(gaps);
    out.gap_mean = g.mean;
    out.gap_upper95 = upper_bound95(g.mean, g.sd, static_cast<std::int64_t>(gaps.size()));
    out.years_gap = spent();
  }

  // The frontier: the same search on the same sample with each bound in turn (the points
  // already evaluated are not simulated again), judged on the evaluation sample.
  for (std::size_t j = 0; j < p.constraints.size(); ++j) {
    const DecisionConstraint& c = p.constraints[j];
    for (const double b : c.frontier) {
      std::vector<double> step_bounds = bounds;
      step_bounds[j] = b;
      std::vector<std::vector<double>> starts;
      for (const Answer& a : out.answers)
        starts.push_back(a.x);
      const Solved step =
          solve_bounds(p, levers, e, search_sample, evaluation, step_bounds, baseline,
                       fmt::format("frontier {:g}", b), fmt::format(" at {:g}", b), out.candidates,
                       starts, [](bool) {});
      FrontierPoint point{b, -1, -1};
      for (int i : {step.chosen, step.closest})
        if (i >= 0) {
          out.frontier_answers.push_back(step.answers[static_cast<std::size_t>(i)]);
          (i == step.chosen ? point.answer : point.closest) =
              static_cast<int>(out.frontier_answers.size()) - 1;
        }
      out.frontier.push_back(point);
    }
  }
  out.years_frontier = spent();
  return out;
}

}  // namespace crisp
