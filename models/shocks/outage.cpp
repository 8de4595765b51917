// The outage's reach, description and effect (models/shocks/outage.hpp).

#include "models/shocks/outage.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "models/network.hpp"
#include "models/shocks.hpp"

namespace crisp {

namespace {

bool covers(const ShockSpec& k, const NodeSpec& n) {
  using shock_detail::contains, shock_detail::material_listed;
  const auto& own = k.as<OutageSpec>();
  if (!own.nodes.empty()) return contains(own.nodes, n.id);
  if (n.country != k.country || !material_listed(k.materials, n.material)) return false;
  return !own.node_kind || *own.node_kind == n.kind;
}

}  // namespace

void OutageShock::reach(const ShockSpec& spec, const Scenario& sc, const MaterialNet& net,
                        ShockReach& out) {
  for (int v = 0; v < static_cast<int>(net.nodes.size()); ++v)
    if (covers(spec, sc.nodes[net.nodes[v].scenario_index])) out.nodes.push_back(v);
}

std::string OutageShock::describe(const ShockSpec& k, const Scenario& sc) {
  const auto& own = k.as<OutageSpec>();
  if (!own.nodes.empty()) return fmt::format("nodes {}", fmt::join(own.nodes, "+"));
  return fmt::format("country {} {} ({})", k.country,
                     own.node_kind ? to_string(*own.node_kind) : "all kinds",
                     shock_detail::material_names(k.materials, sc));
}

void OutageShock::effect(const ShockSpec& /*spec*/, const ShockReach& reach,
                         const ShockOccurrence& o, ShockFactors& f) {
  const double keep = 1.0 - o.severity;
  for (int n : reach.nodes)
    f.capacity_factor[n] *= keep;
}

}  // namespace crisp
