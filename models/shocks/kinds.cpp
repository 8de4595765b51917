// What every shock kind does in the model outside the simulation's hot path: the part of a
// material's network it reaches and its description (section CRISP_SHOCK_MODELS of
// models/shocks/<kind>.hpp).

#include <algorithm>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "models/network.hpp"
#include "models/shocks/kinds.hpp"

namespace crisp::shock_detail {

// "all materials", or the listed materials' names joined by '+'.
std::string material_names(const std::vector<int>& materials, const Scenario& sc) {
  if (materials.empty()) return std::string("all materials");
  std::vector<std::string> names;
  for (int m : materials)
    names.push_back(sc.materials[m].name);
  return fmt::format("{}", fmt::join(names, "+"));
}

}  // namespace crisp::shock_detail

#define CRISP_SHOCK_MODELS
#include "models/shocks/kinds.inc"

namespace crisp {

void resolve_shock_reach(const ShockSpec& spec, const Scenario& sc, const MaterialNet& net,
                         ShockReach& out) {
  visit_shock_kind(spec.kind, [&](auto k) { decltype(k)::type::reach(spec, sc, net, out); });
}

std::string describe_shock(const ShockSpec& spec, const Scenario& sc) {
  std::string out;
  visit_shock_kind(spec.kind, [&](auto k) { out = decltype(k)::type::describe(spec, sc); });
  return out;
}

}  // namespace crisp
