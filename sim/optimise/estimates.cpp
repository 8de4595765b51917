#include "estimates.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <boost/math/distributions/beta.hpp>
#include <boost/math/distributions/binomial.hpp>
#include <boost/math/distributions/students_t.hpp>

#include "core/stats.hpp"

namespace crisp {

namespace {

std::vector<double> sorted(std::span<const double> values) {
  std::vector<double> v(values.begin(), values.end());
  std::sort(v.begin(), v.end());
  return v;
}

double mean_of(std::span<const double> v) {
  double sum = 0;
  for (double x : v)
    sum += x;  // in order: the same sum for any threads
  return v.empty() ? 0 : sum / static_cast<double>(v.size());
}

double sd_of(std::span<const double> v, double mean) {
  if (v.size() < 2) return 0;
  double ss = 0;
  for (double x : v)
    ss += (x - mean) * (x - mean);
  return std::sqrt(ss / static_cast<double>(v.size() - 1));
}

double t_quantile(double p, std::int64_t n) {
  if (n < 2) return std::numeric_limits<double>::infinity();
  const boost::math::students_t t(static_cast<double>(n - 1));
  return boost::math::quantile(t, p);
}

// The Clopper-Pearson bounds of a binomial proportion of k in n at tail probability `tail`.
double cp_lower(std::int64_t k, std::int64_t n, double tail) {
  if (k == 0) return 0;
  return boost::math::ibeta_inv(static_cast<double>(k), static_cast<double>(n - k + 1), tail);
}
double cp_upper(std::int64_t k, std::int64_t n, double tail) {
  if (k == n) return 1;
  return boost::math::ibeta_inv(static_cast<double>(k + 1), static_cast<double>(n - k), 1 - tail);
}

// The order statistic (1-based, ascending) that bounds the q-quantile from above with
// probability at least 1 - tail: the smallest k with P(Binomial(n, q) <= k - 1) >= 1 - tail;
// n + 1 when none does (no finite bound from n values).
std::int64_t upper_order(std::int64_t n, double q, double tail) {
  const boost::math::binomial b(static_cast<double>(n), q);
  for (std::int64_t k = 1; k <= n; ++k)
    if (boost::math::cdf(b, static_cast<double>(k - 1)) >= 1 - tail) return k;
  return n + 1;
}
// The largest k with P(Binomial(n, q) >= k) >= 1 - tail (a lower bound); 0 when none.
std::int64_t lower_order(std::int64_t n, double q, double tail) {
  const boost::math::binomial b(static_cast<double>(n), q);
  for (std::int64_t k = n; k >= 1; --k)
    if (1 - boost::math::cdf(b, static_cast<double>(k - 1)) >= 1 - tail) return k;
  return 0;
}

}  // namespace

double sample_statistic(std::span<const double> values, const DecisionConstraint& c) {
  switch (c.statistic) {
    case Statistic::mean:
      return mean_of(values);
    case Statistic::quantile:
      return quantile_sorted(sorted(values), c.level);
    case Statistic::cvar95:
      return summarize(values).cvar95;  // the /summary column of the same name
    case Statistic::p_exceeds: {
      const auto above =
          std::count_if(values.begin(), values.end(), [&](double x) { return x > c.threshold; });
      return static_cast<double>(above) / static_cast<double>(values.size());
    }
  }
  return 0;
}

double search_constraint(std::span<const double> values, const DecisionConstraint& c,
                         double bound) {
  const double sign = c.at_most ? 1 : -1;
  if (c.statistic != Statistic::p_exceeds) {
    const double scale = std::max(std::abs(bound), 1.0);
    return sign * (sample_statistic(values, c) - bound) / scale;
  }
  const std::vector<double> v = sorted(values);
  const auto n = static_cast<std::int64_t>(v.size());
  const double scale = std::max(std::abs(c.threshold), 1.0);
  if (c.at_most) {
    // At most floor(a n) values above t: the (n - floor(a n))-th smallest is <= t.
    const auto allowed = static_cast<std::int64_t>(std::floor(bound * static_cast<double>(n)));
    if (allowed >= n) return -1;
    return (v[static_cast<std::size_t>(n - allowed - 1)] - c.threshold) / scale;
  }
  // At least ceil(a n) values above t: the (n - ceil(a n) + 1)-th smallest is > t.
  const auto needed = static_cast<std::int64_t>(std::ceil(bound * static_cast<double>(n)));
  if (needed <= 0) return -1;
  return (c.threshold - v[static_cast<std::size_t>(n - needed)]) / scale;
}

Estimate mean_estimate(std::span<const double> values) {
  Estimate e;
  const auto n = static_cast<std::int64_t>(values.size());
  e.value = mean_of(values);
  const double half = t_quantile(0.975, n) * sd_of(values, e.value) / std::sqrt(double(n));
  e.ci95_lo = e.value - half;
  e.ci95_hi = e.value + half;
  e.one_sided = e.value + t_quantile(0.95, n) * sd_of(values, e.value) / std::sqrt(double(n));
  return e;
}

Estimate constraint_estimate(std::span<const double> values, const DecisionConstraint& c,
                             double bound) {
  Estimate e;
  const auto n = static_cast<std::int64_t>(values.size());
  const std::vector<double> v = sorted(values);
  auto at = [&](std::int64_t k) {  // the k-th smallest, 1-based; +-inf beyond the sample
    if (k < 1) return -std::numeric_limits<double>::infinity();
    if (k > n) return std::numeric_limits<double>::infinity();
    return v[static_cast<std::size_t>(k - 1)];
  };
  double lo95 = 0, hi95 = 0;  // the one-sided 95 % bounds
  switch (c.statistic) {
    case Statistic::mean: {
      const Estimate m = mean_estimate(values);
      e = m;
      const double half = m.one_sided - m.value;
      lo95 = m.value - half;
      hi95 = m.one_sided;
      break;
    }
    case Statistic::quantile:
      e.value = quantile_sorted(v, c.level);
      e.ci95_hi = at(upper_order(n, c.level, 0.025));
      e.ci95_lo = at(lower_order(n, c.level, 0.025));
      hi95 = at(upper_order(n, c.level, 0.05));
      lo95 = at(lower_order(n, c.level, 0.05));
      break;
    case Statistic::cvar95: {
      e.value = summarize(v).cvar95;
      const double var = quantile_sorted(v, 0.95);
      std::vector<double> excess;
      for (double x : v)
        excess.push_back(std::max(0.0, x - var));
      const double se = sd_of(excess, mean_of(excess)) / (0.05 * std::sqrt(double(n)));
      e.ci95_lo = e.value - 1.959964 * se;
      e.ci95_hi = e.value + 1.959964 * se;
      lo95 = e.value - 1.644854 * se;
      hi95 = e.value + 1.644854 * se;
      break;
    }
    case Statistic::p_exceeds: {
      const auto k = static_cast<std::int64_t>(
          std::count_if(v.begin(), v.end(), [&](double x) { return x > c.threshold; }));
      e.value = static_cast<double>(k) / static_cast<double>(n);
      e.ci95_lo = cp_lower(k, n, 0.025);
      e.ci95_hi = cp_upper(k, n, 0.025);
      lo95 = cp_lower(k, n, 0.05);
      hi95 = cp_upper(k, n, 0.05);
      break;
    }
  }
  e.one_sided = c.at_most ? hi95 : lo95;
  e.met = c.at_most ? e.one_sided <= bound : e.one_sided >= bound;
  return e;
}

double upper_bound95(double mean, double sd, std::int64_t n) {
  return mean + t_quantile(0.95, n) * sd / std::sqrt(static_cast<double>(n));
}

}  // namespace crisp
