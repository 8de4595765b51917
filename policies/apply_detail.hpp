#pragma once
// Internal to policies/: the pieces the lever transforms (policies/levers/*.cpp) share.

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "models/scenario.hpp"
#include "policies/apply_policy.hpp"

namespace crisp::apply_detail {

// The yearly payment that repays `capex_eur_per_tpy * capacity_tpy` over `lifetime_years` at the
// yearly rate `r` (docs/model.md "Policy levers other than stockpiles").
double annuity(double capex_eur_per_tpy, double capacity_tpy, double r, double lifetime_years);

// A cost line of `lever` on `material` for `regions` that pays `eur_per_year`; an applier that
// also charges per tonne (on a node or on edges) sets that on the line it gets.
LeverCost cost_line(std::string_view lever, int material, std::vector<std::string> regions,
                    double eur_per_year = 0);

// "<lever>: <message>" as std::invalid_argument.
[[noreturn]] void fail(std::string_view lever, std::string_view message);

// Indices of the consumers of `material` whose region is one of `regions`, in node order.
std::vector<int> consumers_in(const Scenario& s, int material,
                              const std::vector<std::string>& regions);
// Summed demand_tpy of `consumers` (their day-0 demand).
double demand_tpy(const Scenario& s, const std::vector<int>& consumers);

// Appends a node; fails when its id is taken.
int add_node(Scenario& s, NodeSpec node, std::string_view lever);
// Appends an edge of no routes.
void add_edge(Scenario& s, int from, int to, double share, double lead_time_days);

// A supplier's day-0 spare capacity (t/yr): capacity minus day-0 requests, not below 0.
std::vector<double> spare_capacity_tpy(const Scenario& s);

// Fails unless `material` indexes one of the scenario's materials.
void check_material(const Scenario& s, int material, std::string_view lever);

}  // namespace crisp::apply_detail
