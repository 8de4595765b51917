// The crisis (docs/model.md "Shocks"): it has no effect of its own; each time it
// arrives it starts each of its children (shocks that are not crises) with that child's
// probability. Its table has no duration, severity or events. One file holds the kind (see
// shock_kind.hpp); models/shocks/kinds.txt lists it. The sampler (models/shocks.cpp) starts the
// children of any kind without timing.
#ifdef CRISP_SHOCK_FIELDS  // read once, by models/scenario.hpp, before ShockSpec
#include <vector>

namespace crisp {

// A shock a crisis may start, with the probability that one of its arrivals does.
struct CrisisChild {
  int shock = 0;  // index into Scenario::shocks
  double probability = 1.0;
};

// What only a crisis has (ShockSpec holds every kind's fields).
template <>
struct ShockFields<ShockKind::crisis> {
  std::vector<CrisisChild> children;  // the shocks each arrival may start
};

}  // namespace crisp
#else

#ifndef CRISP_MODELS_SHOCKS_CRISIS_HPP
#define CRISP_MODELS_SHOCKS_CRISIS_HPP

#include <array>
#include <string>
#include <string_view>

#include "models/shocks/shock_kind.hpp"

namespace crisp {

struct CrisisShock {
  using Spec = ShockSpec;
  static constexpr ShockKind kKind = ShockKind::crisis;
  static constexpr std::string_view kName = "crisis";
  static constexpr std::array<std::string_view, 1> kKeys = {"children"};
  static constexpr ShockTiming kTiming{.timed = false};

  static void read(const experiment_detail::ShockInput& in);
  // A crisis acts only through the children it starts: it reaches nothing and has no effect.
  static void reach(const ShockSpec& /*spec*/, const Scenario& /*sc*/, const MaterialNet& /*net*/,
                    ShockReach& /*out*/) {}
  static std::string describe(const ShockSpec& spec, const Scenario& sc);
  static ShockSchedule schedule(const ShockSpec& /*spec*/) { return {}; }
  static void effect(const ShockSpec& /*spec*/, const ShockReach& /*reach*/,
                     const ShockOccurrence& /*o*/, ShockFactors& /*f*/) {}
};

}  // namespace crisp

#endif

#ifdef CRISP_SHOCK_READERS  // compiled once, in sim/experiment/shock_readers.cpp
namespace crisp {
// Children may be defined before or after their crisis, so every shock's name and kind is
// known by now.
void CrisisShock::read(const experiment_detail::ShockInput& in) {
  using namespace experiment_detail;
  ShockSpec& s = in.s;
  std::vector<std::string> names;
  for (const auto& shock : in.sc.shocks) {
    names.push_back(shock.name);
  }
  for (const auto& item : in.t.require("children", "a list of { name, probability }").list(false)) {
    const Table child = item.table();
    child.check_keys({.allowed = {"name", "probability"}});
    const Value name = child.require("name", "the name of a [[shock]]");
    const int index = static_cast<int>(resolve(name, names, "a [[shock]]"));
    if (in.sc.shocks[index].kind == kKind) {
      name.fail_with(fmt::format("{} must name a shock that is not a crisis, got '{}'", name.key(),
                                 names[index]));
    }
    for (const auto& c : s.children) {
      if (c.shock == index) name.fail_with(fmt::format("children lists '{}' twice", names[index]));
    }
    s.children.push_back({index, child.number_or("probability", 1.0, toml_input::closed(0, 1))});
  }
}
}  // namespace crisp
#endif

#ifdef CRISP_SHOCK_MODELS  // compiled once, in models/shocks/kinds.cpp
namespace crisp {
std::string CrisisShock::describe(const ShockSpec& k, const Scenario& sc) {
  std::vector<std::string> children;
  for (const CrisisChild& c : k.children)
    children.push_back(fmt::format("{} p={}", sc.shocks[c.shock].name, c.probability));
  return fmt::format("children {}", fmt::join(children, ", "));
}
}  // namespace crisp
#endif

#endif  // CRISP_SHOCK_FIELDS
