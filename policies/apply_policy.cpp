// Applying a policy set to a copy of the scenario (docs/model.md "Policy levers other than
// stockpiles"). The kinds are applied in a fixed order whatever the file's order (each kind's
// kApplyOrder: diversification first, as it works on the contracts the file gives, then
// recycling, then refining, both putting home supply ahead of the rescaled contracts), so that a
// result does not depend on the order of the [[policy]] tables.

#include "policies/apply_policy.hpp"

#include <algorithm>
#include <cmath>
#include <type_traits>
#include <utility>
#include <variant>

#include <fmt/format.h>

#include "models/baseline.hpp"
#include "policies/apply_detail.hpp"

namespace crisp {

namespace apply_detail {

double plant_capex_eur(double capex_eur_per_tpy, double capacity_tpy, double reference_tpy,
                       double exponent) {
  if (exponent == 1) return capex_eur_per_tpy * capacity_tpy;  // linear: the reference cancels
  // reference * (capacity / reference)^exponent written as reference^(1 - exponent) *
  // capacity^exponent, whose factors stay finite for any reference and capacity the ranges allow
  // (capacity / reference would overflow for a tiny reference).
  return capex_eur_per_tpy * std::pow(reference_tpy, 1 - exponent) *
         std::pow(capacity_tpy, exponent);
}

void check_capex_scale(std::string_view lever, double reference_tpy, double exponent) {
  if (!(exponent > 0 && exponent <= 1)) {
    fail(lever, fmt::format("capex_scale_exponent must be in (0, 1], got {}", exponent));
  }
  if (exponent != 1 && !(reference_tpy > 0 && std::isfinite(reference_tpy))) {
    fail(lever, fmt::format("capex_scale_exponent {} needs capex_reference_tpy > 0 (the capacity "
                            "whose capex capex_eur_per_tpy states), got {}",
                            exponent, reference_tpy));
  }
}

double annuity(double capital_eur, double r, double lifetime_years) {
  if (r == 0) return capital_eur / lifetime_years;
  return capital_eur * r / -std::expm1(-lifetime_years * std::log1p(r));
}

LeverCost cost_line(std::string_view lever, int material, std::vector<std::string> regions,
                    double eur_per_year) {
  LeverCost cost;
  cost.lever = lever;
  cost.material = material;
  cost.regions = std::move(regions);
  cost.eur_per_year = eur_per_year;
  return cost;
}

void check_material(const Scenario& s, int material, std::string_view lever) {
  if (material < 0 || material >= static_cast<int>(s.materials.size())) {
    fail(lever, fmt::format("material index {} is out of range", material));
  }
}

void fail(std::string_view lever, std::string_view message) {
  throw std::invalid_argument(fmt::format("policy '{}': {}", lever, message));
}

std::vector<int> consumers_in(const Scenario& s, int material,
                              const std::vector<std::string>& regions) {
  std::vector<int> out;
  for (std::size_t i = 0; i < s.nodes.size(); ++i) {
    const NodeSpec& n = s.nodes[i];
    if (n.kind != NodeKind::consumer || n.material != material) continue;
    for (const auto& r : regions) {
      if (n.region == r) {
        out.push_back(static_cast<int>(i));
        break;
      }
    }
  }
  return out;
}

double demand_tpy(const Scenario& s, const std::vector<int>& consumers) {
  double d = 0;
  for (int c : consumers) {
    d += s.nodes[c].demand_tpy;
  }
  return d;
}

int add_node(Scenario& s, NodeSpec node, std::string_view lever) {
  if (s.find_node(node.id) >= 0) {
    fail(lever, fmt::format("the node it adds, '{}', has the id of a node already in the scenario",
                            node.id));
  }
  s.nodes.push_back(std::move(node));
  return static_cast<int>(s.nodes.size()) - 1;
}

void add_edge(Scenario& s, int from, int to, double share, double lead_time_days) {
  EdgeSpec e;
  e.from = from;
  e.to = to;
  e.share = share;
  e.lead_time_days = lead_time_days;
  s.edges.push_back(std::move(e));
}

std::vector<double> spare_capacity_tpy(const Scenario& s) {
  std::vector<double> spare(s.nodes.size(), 0.0);
  for (const NodeBalance& b : baseline_balance(s)) {
    if (s.nodes[b.node].kind == NodeKind::consumer) continue;
    spare[b.node] = std::max(0.0, b.capacity_tpy - b.requested_tpy);
  }
  return spare;
}

}  // namespace apply_detail

namespace {

// Applies every lever of kind K that is on, in the set's order.
template <class K>
void apply_each(const PolicySet& set, AppliedPolicy& out) {
  for (const LeverSpec& lever : set.levers) {
    if (const auto* spec = std::get_if<typename K::Spec>(&lever); spec && !is_off(lever)) {
      K::apply(*spec, out);
    }
  }
}

}  // namespace

AppliedPolicy apply_policy(const Scenario& base, const PolicySet& set) {
  AppliedPolicy out{base, {}};
  // Kind by kind in each kind's kApplyOrder (kinds.hpp checks the ranks are 0 to N - 1).
  for (int rank = 0; rank < static_cast<int>(LeverKinds::kSize); ++rank) {
    LeverKinds::for_each([&]<class K>(std::type_identity<K>) {
      if (K::kApplyOrder == rank) apply_each<K>(set, out);
    });
  }
  return out;
}

std::vector<AppliedPolicy> apply_design(const Scenario& base, const PolicyDesign& design) {
  std::vector<AppliedPolicy> applied;
  applied.reserve(design.sets.size());
  for (const PolicySet& set : design.sets)
    applied.push_back(apply_policy(base, set));
  return applied;
}

}  // namespace crisp
