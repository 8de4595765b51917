#include "sim/runner/comparison_table.hpp"

#include <algorithm>
#include <cmath>
#include <span>

#include <fmt/format.h>

#include "core/names.hpp"
#include "core/stats.hpp"

namespace crisp {

std::vector<ComparisonRow> compare_policies(const std::vector<std::string>& labels,
                                            std::int64_t replications, const std::string& group,
                                            const std::string& region, const SeriesSource& source) {
  const auto P = static_cast<std::int64_t>(labels.size());
  const std::vector<double> days = source(group, region, "shortage_days");
  const std::vector<double> loss = source(group, region, "loss_eur");
  const std::vector<double> cost = source(group, region, "policy_cost_eur");
  const std::vector<double> total = source(group, region, "total_cost_eur");
  auto row = [&](const std::vector<double>& v, std::int64_t p) {
    return std::span<const double>(v.data() + p * replications,
                                   static_cast<std::size_t>(replications));
  };
  std::vector<ComparisonRow> rows;
  for (std::int64_t p = 0; p < P; ++p) {
    ComparisonRow r;
    r.label = labels[static_cast<std::size_t>(p)];
    const Summary d = summarize(row(days, p));
    r.p_shortage = d.p_positive;
    r.shortage_days = d.mean;
    r.cvar95_loss = summarize(row(loss, p)).cvar95;
    r.policy_cost = summarize(row(cost, p)).mean;
    r.net_benefit = r.net_benefit_lo = r.net_benefit_hi = NAN;
    if (p > 0) {
      // Net benefit = baseline total cost - this policy's total cost, replication by replication.
      const PairedDiff diff = paired_difference(row(total, 0), row(total, p));
      r.net_benefit = diff.diff_mean;
      r.net_benefit_lo = diff.diff_ci95_lo;
      r.net_benefit_hi = diff.diff_ci95_hi;
    }
    rows.push_back(std::move(r));
  }
  return rows;
}

std::string comparison_table(const std::vector<std::string>& labels, std::int64_t replications,
                             const std::string& group, const std::string& region,
                             const SeriesSource& source) {
  constexpr double kMillion = 1e6;
  std::size_t width = 6;
  for (const std::string& l : labels)
    width = std::max(width, l.size());
  width = std::min<std::size_t>(width, 80);  // an LHS label names every sampled value

  std::string out = fmt::format("{} / {}: {} replications; money in million EUR, discounted\n",
                                region, group == "all" ? "all materials" : group, replications);
  out += fmt::format("{:<{}}  {:>11}  {:>13}  {:>12}  {:>11}  {:>28}\n", "policy", width,
                     "P(shortage)", "shortage days", "CVaR95 loss", "policy cost",
                     "net benefit [95 % interval]");
  for (const ComparisonRow& r : compare_policies(labels, replications, group, region, source)) {
    const std::string benefit =
        std::isnan(r.net_benefit)
            ? std::string("(reference)")
            : fmt::format("{:.2f} [{:.2f}, {:.2f}]", r.net_benefit / kMillion,
                          r.net_benefit_lo / kMillion, r.net_benefit_hi / kMillion);
    const std::string label =
        r.label.size() > width ? std::string(names::cut(r.label, width - 1)) + "~" : r.label;
    out += fmt::format("{:<{}}  {:>11.3f}  {:>13.1f}  {:>12.2f}  {:>11.2f}  {:>28}\n", label, width,
                       r.p_shortage, r.shortage_days, r.cvar95_loss / kMillion,
                       r.policy_cost / kMillion, benefit);
  }
  return out;
}

}  // namespace crisp
