// The chokepoint shock (docs/model.md "Shocks"): the contract edges whose routes name its route
// pass only (1 - severity) of their requests and take extra_delay_days longer while it lasts; by
// default it only delays (severity 0). One file holds the kind (see shock_kind.hpp);
// models/shocks/kinds.txt lists it.
#ifdef CRISP_SHOCK_FIELDS  // read once, by models/scenario.hpp, before ShockSpec
#include <string>

namespace crisp {

// What only a chokepoint has (ShockSpec holds every kind's fields).
template <>
struct ShockFields<ShockKind::chokepoint> {
  std::string route;                    // the route tag of the edges it reaches
  Distribution extra_delay = Fixed{0};  // days added to their lead times while it lasts
};

}  // namespace crisp
#else

#ifndef CRISP_MODELS_SHOCKS_CHOKEPOINT_HPP
#define CRISP_MODELS_SHOCKS_CHOKEPOINT_HPP

#include <array>
#include <string>
#include <string_view>

#include "models/shocks/shock_kind.hpp"

namespace crisp {

struct ChokepointShock {
  using Spec = ShockSpec;
  static constexpr ShockKind kKind = ShockKind::chokepoint;
  static constexpr std::string_view kName = "chokepoint";
  static constexpr std::array<std::string_view, 2> kKeys = {"route", "extra_delay_days"};
  static constexpr ShockTiming kTiming{.default_severity = 0.0};

  static void read(const experiment_detail::ShockInput& in);
  static void reach(const ShockSpec& spec, const Scenario& sc, const MaterialNet& net,
                    ShockReach& out);
  static std::string describe(const ShockSpec& spec, const Scenario& sc);
  static ShockSchedule schedule(const ShockSpec& /*spec*/) { return {}; }
  static void effect(const ShockSpec& spec, const ShockReach& reach, const ShockOccurrence& o,
                     ShockFactors& f);
};

}  // namespace crisp

#endif

#ifdef CRISP_SHOCK_READERS  // compiled once, in sim/experiment/shock_readers.cpp
namespace crisp {
void ChokepointShock::read(const experiment_detail::ShockInput& in) {
  using namespace experiment_detail;
  const Value route = in.t.require("route", "a route tag of some [[edge]]");
  in.s.route = in.catalog.routes[resolve(route, in.catalog.routes, "a route tag of some [[edge]]")];
  if (const auto delay = in.t.get("extra_delay_days")) {
    in.s.extra_delay = read_distribution(*delay, toml_input::at_least(0), false);
  }
}
}  // namespace crisp
#endif

#ifdef CRISP_SHOCK_MODELS  // compiled once, in models/shocks/kinds.cpp
namespace crisp {
void ChokepointShock::reach(const ShockSpec& shock, const Scenario& sc, const MaterialNet& net,
                            ShockReach& out) {
  int e = 0;
  for (const EdgeSpec& edge : sc.edges) {
    if (sc.nodes[edge.from].material != net.material) continue;
    if (shock_detail::contains(edge.routes, shock.route)) out.edges.push_back(e);
    ++e;
  }
}

std::string ChokepointShock::describe(const ShockSpec& k, const Scenario& /*sc*/) {
  return fmt::format("route {}", k.route);
}
}  // namespace crisp
#endif

#ifdef CRISP_SHOCK_EFFECTS  // compiled once, in models/material_sim.cpp
namespace crisp {
void ChokepointShock::effect(const ShockSpec& /*spec*/, const ShockReach& reach,
                             const ShockOccurrence& o, ShockFactors& f) {
  const double keep = 1.0 - o.severity;
  for (int e : reach.edges) {
    f.pass[e] *= keep;
    f.extra_delay[e] += o.extra_delay;
  }
}
}  // namespace crisp
#endif

#endif  // CRISP_SHOCK_FIELDS
