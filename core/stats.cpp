#include "core/stats.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace crisp {

namespace {
constexpr double kZ95 = 1.959963984540054;  // two-sided 95 % normal quantile

// Mean and sample standard deviation by a two-pass sum in index order.
void mean_sd(std::span<const double> v, double& mean, double& sd) {
  const double n = static_cast<double>(v.size());
  double sum = 0;
  for (double x : v)
    sum += x;
  mean = sum / n;
  double ss = 0;
  for (double x : v)
    ss += (x - mean) * (x - mean);
  sd = v.size() > 1 ? std::sqrt(ss / (n - 1)) : 0.0;
}
}  // namespace

double quantile_sorted(std::span<const double> sorted, double q) {
  if (sorted.empty()) return std::numeric_limits<double>::quiet_NaN();
  const double pos = q * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  const double frac = pos - static_cast<double>(lo);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * frac;
}

Summary summarize(std::span<const double> values) {
  Summary s;
  // A metric that does not apply (NaN, e.g. stock_min_frac without a stockpile) has no summary.
  const bool undefined =
      std::any_of(values.begin(), values.end(), [](double x) { return std::isnan(x); });
  if (values.empty() || undefined) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    return {nan, nan, nan, nan, nan, nan, nan, nan, nan, nan, nan, nan};
  }
  mean_sd(values, s.mean, s.sd);
  const double half = kZ95 * s.sd / std::sqrt(static_cast<double>(values.size()));
  s.ci95_lo = s.mean - half;
  s.ci95_hi = s.mean + half;

  std::vector<double> sorted(values.begin(), values.end());
  std::sort(sorted.begin(), sorted.end());
  s.p05 = quantile_sorted(sorted, 0.05);
  s.p50 = quantile_sorted(sorted, 0.50);
  s.p90 = quantile_sorted(sorted, 0.90);
  s.p95 = quantile_sorted(sorted, 0.95);
  s.p99 = quantile_sorted(sorted, 0.99);
  s.max = sorted.back();

  const std::size_t n = sorted.size();
  const std::size_t tail = std::max<std::size_t>(1, (n * 5 + 99) / 100);  // ceil(0.05 n)
  double tail_sum = 0;
  for (std::size_t i = n - tail; i < n; ++i)
    tail_sum += sorted[i];
  s.cvar95 = tail_sum / static_cast<double>(tail);

  std::size_t positive = 0;
  for (double x : values)
    positive += x > 0.0 ? 1 : 0;
  s.p_positive = static_cast<double>(positive) / static_cast<double>(n);
  return s;
}

PairedDiff paired_difference(std::span<const double> policy, std::span<const double> baseline) {
  std::vector<double> diff(policy.size());
  for (std::size_t i = 0; i < policy.size(); ++i)
    diff[i] = policy[i] - baseline[i];
  PairedDiff d;
  if (diff.empty()) return d;
  double sd = 0;
  mean_sd(diff, d.diff_mean, sd);
  const double half = kZ95 * sd / std::sqrt(static_cast<double>(diff.size()));
  d.diff_ci95_lo = d.diff_mean - half;
  d.diff_ci95_hi = d.diff_mean + half;
  return d;
}

}  // namespace crisp
