#include "sim/runner/comparison_table.hpp"

#include <algorithm>
#include <span>

#include <fmt/format.h>

#include "sim/core/stats.hpp"

namespace crisp {

std::string comparison_table(const std::vector<std::string>& labels, std::int64_t replications,
                             const std::string& group, const std::string& region,
                             const SeriesSource& source) {
  const auto P = static_cast<std::int64_t>(labels.size());
  const std::vector<double> days = source(group, region, "shortage_days");
  const std::vector<double> loss = source(group, region, "loss_eur");
  const std::vector<double> cost = source(group, region, "policy_cost_eur");
  const std::vector<double> total = source(group, region, "total_cost_eur");
  auto row = [&](const std::vector<double>& v, std::int64_t p) {
    return std::span<const double>(v.data() + p * replications,
                                   static_cast<std::size_t>(replications));
  };
  constexpr double kMillion = 1e6;

  std::size_t width = 6;
  for (const std::string& l : labels)
    width = std::max(width, l.size());
  width = std::min<std::size_t>(width, 48);

  std::string out = fmt::format("{} / {}: {} replications; money in million EUR, discounted\n",
                                region, group == "all" ? "all materials" : group, replications);
  out += fmt::format("{:<{}}  {:>11}  {:>13}  {:>12}  {:>11}  {:>28}\n", "policy", width,
                     "P(shortage)", "shortage days", "CVaR95 loss", "policy cost",
                     "net benefit [95 % interval]");
  for (std::int64_t p = 0; p < P; ++p) {
    const Summary d = summarize(row(days, p));
    const Summary l = summarize(row(loss, p));
    const Summary c = summarize(row(cost, p));
    std::string benefit = "(reference)";
    if (p > 0) {
      // Net benefit = baseline total cost - this policy's total cost, replication by replication.
      const PairedDiff diff = paired_difference(row(total, 0), row(total, p));
      benefit = fmt::format("{:.2f} [{:.2f}, {:.2f}]", diff.diff_mean / kMillion,
                            diff.diff_ci95_lo / kMillion, diff.diff_ci95_hi / kMillion);
    }
    std::string label = labels[p].size() > width ? labels[p].substr(0, width - 1) + "~" : labels[p];
    out += fmt::format("{:<{}}  {:>11.3f}  {:>13.1f}  {:>12.2f}  {:>11.2f}  {:>28}\n", label, width,
                       d.p_positive, d.mean, l.cvar95 / kMillion, c.mean / kMillion, benefit);
  }
  return out;
}

}  // namespace crisp
