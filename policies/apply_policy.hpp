#pragma once
// Applying a policy set to a copy of the scenario (docs/model.md "Policy levers"): network
// changes go into the scenario, everything else into the effects the engine reads.

#include <vector>

#include "models/scenario.hpp"
#include "policies/policy_set.hpp"

namespace crisp {

struct AppliedPolicy {
  Scenario scenario;
  PolicyEffects effects;
};

// Throws std::invalid_argument with a one-line message when a lever cannot apply (an unknown
// mine in a feedstock, an alternative of the wrong kind, a region without consumers).
AppliedPolicy apply_policy(const Scenario& base, const PolicySet& set);

// Every policy set of a design applied, in design order.
std::vector<AppliedPolicy> apply_design(const Scenario& base, const PolicyDesign& design);

}  // namespace crisp
