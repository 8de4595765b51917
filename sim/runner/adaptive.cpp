#include "sim/runner/adaptive.hpp"

#include <algorithm>
#include <cmath>

#include "sim/runner/monte_carlo.hpp"

namespace crisp {

AdaptiveStop::AdaptiveStop(std::vector<int> slots, std::int64_t policies, double target,
                           std::int64_t first_check, std::int64_t replications, std::int64_t block)
    : slots_(std::move(slots)),
      policies_(policies),
      first_check_(first_check),
      replications_(replications),
      block_(block),
      target_(target),
      sum_(slots_.size() * static_cast<std::size_t>(policies), 0.0),
      sum2_(sum_.size(), 0.0),
      level_(sum_.size(), 0.0) {}

bool AdaptiveStop::add(std::int64_t b, std::span<const double> values) {
  if (stopped()) return true;
  const auto [first, last] = block_range(b, block_, replications_);
  const auto n = static_cast<std::size_t>(last - first);
  const auto P = static_cast<std::size_t>(policies_);
  // d[(region * P + p) * n + i], then the values themselves in the same layout.
  const std::size_t half = slots_.size() * P * n;
  std::vector<double> d(2 * half);
  for (std::size_t g = 0; g < slots_.size(); ++g) {
    const double* v = values.data() + static_cast<std::size_t>(slots_[g]) * P * n;
    for (std::size_t p = 0; p < P; ++p)
      for (std::size_t i = 0; i < n; ++i) {
        d[(g * P + p) * n + i] = v[p * n + i] - v[i];
        d[half + (g * P + p) * n + i] = v[p * n + i];
      }
  }
  waiting_.emplace(b, std::move(d));
  // Sums in block order (so the same bits for any order of finishing), one prefix at a time.
  for (auto it = waiting_.find(next_); it != waiting_.end(); it = waiting_.find(next_)) {
    const std::size_t m = it->second.size() / std::max<std::size_t>(1, 2 * sum_.size());
    const double* level = it->second.data() + sum_.size() * m;
    for (std::size_t k = 0; k < sum_.size(); ++k)
      for (std::size_t i = 0; i < m; ++i) {
        const double x = it->second[k * m + i];
        sum_[k] += x;
        sum2_[k] += x * x;
        level_[k] += level[k * m + i];
      }
    counted_ += static_cast<std::int64_t>(m);
    waiting_.erase(it);
    ++next_;
    if (counted_ >= first_check_ && check()) {
      stop_ = counted_;
      return true;
    }
  }
  return false;
}

bool AdaptiveStop::check() {
  const auto R = static_cast<double>(counted_);
  worst_ = 0;
  for (std::size_t k = 0; k < sum_.size(); ++k) {
    const double mean = sum_[k] / R;
    const double var = R > 1 ? std::max(0.0, (sum2_[k] - R * mean * mean) / (R - 1)) : 0.0;
    const double half = 1.959964 * std::sqrt(var / R);
    if (half == 0) continue;  // the baseline itself, or a lever that changes nothing here
    worst_ = std::max(worst_, half / std::abs(level_[k] / R));
  }
  return worst_ <= target_;
}

}  // namespace crisp
