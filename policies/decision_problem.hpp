#pragma once
// A decision problem of the experiment file's [[optimise]] (docs/model.md "Optimisation"): which
// lever fields to choose, within which ranges, to minimise what, subject to which risk limits.
// Data only: sim/experiment reads it, sim/optimise solves it.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "models/metrics.hpp"

namespace crisp {

// One metric of one report region and material ("all" is the layout's all_material()).
struct MetricChoice {
  Metric metric = Metric::total_cost_eur;
  int material = 0;   // MetricLayout index; all_material() for "all"
  int region = 0;     // MetricLayout index
  std::string label;  // "total_cost_eur NL all", for tables and messages
};

struct DecisionVariable {
  enum class Kind { continuous, integer, choice };
  std::string key;  // "<policy name>.<field>", the /policies column it sets
  std::size_t lever = 0;
  std::string field;
  Kind kind = Kind::continuous;
  double min = 0, max = 0;     // continuous and integer
  std::vector<double> values;  // choice: the values tried, in file order
};

// A lever field held at one value while the problem is solved (a field the design sweeps).
struct HeldField {
  std::string key;
  std::size_t lever = 0;
  std::string field;
  double value = 0;
};

enum class Statistic { mean, quantile, cvar95, p_exceeds };
inline const char* to_string(Statistic s) {
  switch (s) {
    case Statistic::mean:
      return "mean";
    case Statistic::quantile:
      return "quantile";
    case Statistic::cvar95:
      return "cvar95";
    case Statistic::p_exceeds:
      return "p_exceeds";
  }
  return "?";
}

struct DecisionConstraint {
  MetricChoice of;
  Statistic statistic = Statistic::mean;
  double threshold = 0;  // p_exceeds: P(metric > threshold)
  double level = 0.95;   // quantile: its probability
  bool at_most = true;   // statistic <= bound; else >= bound
  double bound = 0;
  std::vector<double> frontier;  // bounds for the cost-risk frontier, in file order; may be empty
  std::string label;             // "P(longest_shortage_days NL gallium > 30) <= 0.05"
};

struct DecisionProblem {
  std::string name;
  MetricChoice objective;    // its mean is minimised
  bool net_benefit = false;  // maximise = "net_benefit_eur": the same optimum, shown as a benefit
  std::vector<DecisionVariable> variables;
  std::vector<HeldField> held;
  std::vector<DecisionConstraint> constraints;
  std::int64_t search_replications = 500;       // the sample-average approximation's sample
  std::int64_t evaluation_replications = 2000;  // fresh replications judging the answer
  std::int64_t gap_batches = 5;                 // independent samples estimating the gap
  std::int64_t max_evaluations = 60;            // per search of one choice combination
};

}  // namespace crisp
