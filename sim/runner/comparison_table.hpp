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

std::string comparison_table(const std::vector<std::string>& labels, std::int64_t replications,
                             const std::string& group, const std::string& region,
                             const SeriesSource& source);

}  // namespace crisp
