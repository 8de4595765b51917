// The dispatch over the shock kinds that needs a complete ShockSpec (models/shocks/kinds.hpp).

#include "models/shocks/kinds.hpp"

#include <string>
#include <variant>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "models/network.hpp"
#include "models/scenario.hpp"

namespace crisp {

namespace shock_detail {

std::string material_names(const std::vector<int>& materials, const Scenario& sc) {
  if (materials.empty()) return std::string("all materials");
  std::vector<std::string> names;
  for (int m : materials)
    names.push_back(sc.materials[m].name);
  return fmt::format("{}", fmt::join(names, "+"));
}

}  // namespace shock_detail

ShockSchedule schedule_of(const ShockSpec& spec) {
  ShockSchedule when;
  visit_shock_kind(spec.kind, [&](auto k) {
    using K = typename decltype(k)::type;
    when = K::schedule(std::get<typename K::Spec>(spec.own));
  });
  return when;
}

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
