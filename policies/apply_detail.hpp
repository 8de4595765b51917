#pragma once
// Internal to policies/: the pieces the lever transforms (policies/levers/*.cpp) share.

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "models/scenario.hpp"
#include "policies/apply_policy.hpp"

namespace crisp::apply_detail {

// The capital cost (EUR) of a plant of `capacity_tpy` whose capex per t/yr of capacity is
// `capex_eur_per_tpy` at `reference_tpy`, scaled by the cost-capacity `exponent` in (0, 1]
// (docs/model.md "Economies of scale in plant capex"):
// capex_eur_per_tpy * reference_tpy * (capacity_tpy / reference_tpy)^exponent. At exponent 1 it
// is exactly capex_eur_per_tpy * capacity_tpy, whatever the reference, so that a lever without an
// exponent costs what it did before exponents existed, to the bit.
double plant_capex_eur(double capex_eur_per_tpy, double capacity_tpy, double reference_tpy,
                       double exponent);
// Fails unless `exponent` is in (0, 1] and, below 1, `reference_tpy` is above 0: the reader holds
// a file's keys to this, but a design set, a sensitivity factor or a future may set or scale them.
void check_capex_scale(std::string_view lever, double reference_tpy, double exponent);

// The yearly payment that repays `capital_eur` over `lifetime_years` at the yearly rate `r`
// (docs/model.md "Policy levers other than stockpiles").
double annuity(double capital_eur, double r, double lifetime_years);

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
