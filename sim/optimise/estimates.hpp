#pragma once
// The statistics a decision problem constrains, on a sample of replications (docs/model.md
// "Optimisation"): their value on the sample (what the sample-average search sees), a
// continuous stand-in for the search, and 95 % intervals from independent replications (what the
// answer is judged by).

#include <span>
#include <vector>

#include "policies/decision_problem.hpp"

namespace crisp {

// The constraint's statistic on `values` (any order): the mean; numpy's linear quantile at
// `level`; CVaR95, the mean of the top ceil(0.05 n); or the share of values above `threshold`.
double sample_statistic(std::span<const double> values, const DecisionConstraint& c);

// A function of the sample that is <= 0 exactly when the sample meets the constraint at `bound`,
// and continuous where the values are continuous in the levers, scaled to order 1 (the search's
// constraint). A probability bound becomes its order statistic: at most a share a of n values
// above t holds exactly when the (n - floor(a n))-th smallest is <= t.
double search_constraint(std::span<const double> values, const DecisionConstraint& c, double bound);

struct Estimate {
  double value = 0;                 // on the sample
  double ci95_lo = 0, ci95_hi = 0;  // two-sided 95 %
  // The one-sided 95 % confidence bound on the side the constraint limits: the upper bound of
  // an at_most constraint, the lower of an at_least one.
  double one_sided = 0;
  bool met = false;  // one_sided is within the bound
};

// The mean with a normal (Student t) 95 % interval.
Estimate mean_estimate(std::span<const double> values);
// The constraint's statistic on independent replications, with intervals: a probability by
// Clopper-Pearson; a quantile by order statistics (distribution-free); a mean and CVaR95 by the
// normal approximation (CVaR95's variance as Var((X - VaR)+) / (0.05^2 n)).
Estimate constraint_estimate(std::span<const double> values, const DecisionConstraint& c,
                             double bound);

// The one-sided 95 % upper bound of a mean of `n` values with mean `mean` and standard deviation
// `sd` (Student t with n - 1 degrees of freedom): the optimality gap's bound.
double upper_bound95(double mean, double sd, std::int64_t n);

}  // namespace crisp
