#pragma once
// The policy comparison table that ends `crisp run` and that `crisp show` prints: one row per
// policy set with P(shortage), mean shortage days, CVaR95 of loss, mean policy cost, and the net
// benefit versus the baseline (replication-paired) with its 95 % interval.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace crisp {

// Returns the [P * R] values of /metrics/<group>/<region>/<metric>, row-major.
using SeriesSource = std::function<std::vector<double>(
    const std::string& group, const std::string& region, const std::string& metric)>;

// One policy set's row; money in euros (discounted).
struct ComparisonRow {
  std::string label;
  double p_shortage = 0;     // share of replications with any shortage day
  double shortage_days = 0;  // mean
  double cvar95_loss = 0;    // mean loss of the worst 5 % of replications
  double policy_cost = 0;    // mean
  // Baseline total cost minus this set's, replication by replication (NaN for the baseline).
  double net_benefit = 0, net_benefit_lo = 0, net_benefit_hi = 0;
};

std::vector<ComparisonRow> compare_policies(const std::vector<std::string>& labels,
                                            std::int64_t replications, const std::string& group,
                                            const std::string& region, const SeriesSource& source);

// The rows as the text table (money in million EUR).
std::string comparison_table(const std::vector<std::string>& labels, std::int64_t replications,
                             const std::string& group, const std::string& region,
                             const SeriesSource& source);

}  // namespace crisp
