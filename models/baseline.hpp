#pragma once
// The day-0 balance `crisp check` reports: each supplier's requests in the no-shock allocation
// against its capacity (docs/model.md "Day 0").

#include <string>
#include <vector>

#include "models/scenario.hpp"

namespace crisp {

struct NodeBalance {
  int node = 0;              // scenario node index
  double requested_tpy = 0;  // suppliers: admissible contract requests; consumers: requirement
  double supplied_tpy = 0;   // suppliers: shipped; consumers: received by contract
  double capacity_tpy = 0;   // suppliers; consumers: demand
};

std::vector<NodeBalance> baseline_balance(const Scenario& s);

}  // namespace crisp
