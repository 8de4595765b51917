#pragma once
// Summary statistics over replications, computed in a fixed order so results are bit-identical
// for any number of threads. Quantiles follow numpy's default (linear interpolation between
// order statistics).

#include <array>
#include <span>
#include <utility>

namespace crisp {

struct Summary {
  double mean = 0, sd = 0, ci95_lo = 0, ci95_hi = 0;
  double p05 = 0, p50 = 0, p90 = 0, p95 = 0, p99 = 0, max = 0;
  double cvar95 = 0;      // mean of the worst 5 % (upper tail): the top ceil(0.05 n) values
  double p_positive = 0;  // share of values > 0
};

// Summary's fields by name, in the order the results file's /summary tables hold them.
inline constexpr std::array<std::pair<const char*, double Summary::*>, 12> kSummaryFields{{
    {"mean", &Summary::mean},
    {"sd", &Summary::sd},
    {"ci95_lo", &Summary::ci95_lo},
    {"ci95_hi", &Summary::ci95_hi},
    {"p05", &Summary::p05},
    {"p50", &Summary::p50},
    {"p90", &Summary::p90},
    {"p95", &Summary::p95},
    {"p99", &Summary::p99},
    {"max", &Summary::max},
    {"cvar95", &Summary::cvar95},
    {"p_positive", &Summary::p_positive},
}};

struct PairedDiff {
  double diff_mean = 0, diff_ci95_lo = 0, diff_ci95_hi = 0;  // policy minus baseline
};

// numpy.quantile(values, q) with the default linear method; `sorted` must be ascending.
double quantile_sorted(std::span<const double> sorted, double q);

Summary summarize(std::span<const double> values);

// Differences taken replication by replication (common random numbers), then a normal 95 %
// interval on their mean.
PairedDiff paired_difference(std::span<const double> policy, std::span<const double> baseline);

}  // namespace crisp
