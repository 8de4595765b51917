#pragma once
// Solving a decision problem of [[optimise]] by sample-average approximation on common random
// numbers (docs/model.md "Optimisation"):
//
// 1. search: on one sample of replications the objective and constraints are deterministic
//    functions of the levers; NLopt's DIRECT-L (global) and then COBYLA (local) search them, once
//    for each combination of the variables given as lists of values;
// 2. evaluation: the best policy of each combination is simulated again on fresh, independent
//    replications, which give its objective and every constraint with 95 % intervals; a
//    constraint counts as met when its one-sided 95 % bound is within the bound;
// 3. gap: the optimality gap of the chosen policy is estimated by multiple replications (Mak,
//    Morton and Wood 1999): on each of several independent samples the search is run again, and
//    the chosen policy's objective there less the sample's optimum is one gap; their mean and
//    one-sided 95 % upper bound are reported;
// 4. frontier: for each bound of a constraint's frontier, the search and evaluation again, with
//    that bound.

#include <cstdint>
#include <string>
#include <vector>

#include "policies/decision_problem.hpp"
#include "policies/policy_set.hpp"
#include "sim/optimise/estimates.hpp"
#include "sim/optimise/evaluator.hpp"

namespace crisp {

// The samples of an optimisation: the search uses the experiment's seed (replications 0..N-1,
// those of crisp run); the evaluation and each gap batch use seeds derived from it.
std::uint64_t derived_seed(std::uint64_t seed, std::uint64_t stream);
inline constexpr std::uint64_t kEvaluationStream = 1;  // gap batch k (from 1): stream 1 + k

// A point the search evaluated.
struct Candidate {
  std::string stage;  // "search", "gap 1", "frontier 0.05", ...
  int combination = 0;
  std::vector<double> x;           // one value per variable
  double objective = 0;            // the mean on the sample
  std::vector<double> statistics;  // each constraint's statistic on the sample
  bool feasible = false;           // on the sample
  double violation = 0;            // the largest scaled violation (0 when feasible)
};

// A policy judged on the evaluation sample.
struct Answer {
  std::string label;  // the policy set's label in /policies
  int combination = 0;
  std::vector<double> x;
  Candidate searched;    // as the search saw it
  Estimate objective;    // the objective metric's mean
  Estimate net_benefit;  // the baseline's total cost less this one's (paired)
  std::vector<Estimate> constraints;
  bool confirmed = false;             // every constraint met at 95 % one-sided confidence
  int policy_set = -1;                // its row of /policies
  std::vector<double> values;         // every slot of every evaluation replication: [r][slot]
  int round = 1;                      // the search round that found it (tightened bounds from 2)
  std::vector<double> search_bounds;  // the bounds that search held each constraint to
};

struct FrontierPoint {
  double bound = 0;
  int answer = -1;  // index into ProblemOutcome::frontier_answers; -1: nothing met the bound
  int closest = -1;
};

struct ProblemOutcome {
  std::string status;  // "optimal", "not confirmed" or "infeasible"
  std::vector<Candidate> candidates;
  std::vector<Answer> answers;  // the best of each combination
  int chosen = -1;              // the answer chosen; -1 when infeasible
  int closest = -1;             // infeasible: the answer nearest to meeting the constraints
  std::vector<double> gap_at_chosen, gap_optimum;  // per gap batch
  double gap_mean = 0, gap_upper95 = 0;
  std::vector<Answer> frontier_answers;
  std::vector<FrontierPoint> frontier;
  double years_search = 0, years_gap = 0, years_evaluation = 0, years_frontier = 0;
  std::int64_t evaluation_replications = 0;
  std::uint64_t evaluation_seed = 0;
};

// The policy set of `x` for problem `p` (its held keys, then its variables), labelled `label`.
PolicySet decision_set(const std::vector<Lever>& levers, const DecisionProblem& p,
                       const std::vector<double>& x, std::string label);

// Solves `p`. `evaluation_replications`: the evaluation sample (the largest of the file's
// problems, so that every answer of the file is judged on the same replications). `baseline`
// is the baseline's every slot on that sample ([r][slot]).
ProblemOutcome solve(const DecisionProblem& p, const std::vector<Lever>& levers, Evaluator& e,
                     std::uint64_t seed, std::int64_t evaluation_replications,
                     const std::vector<double>& baseline);

}  // namespace crisp
