#pragma once
// The outage shock (docs/model.md "Shocks"): the nodes it hits, named or by country (of a node
// kind, of some materials), lose its severity of their capacity while it lasts. The kind is this
// header and outage.cpp (see shock_kind.hpp); models/shocks/kinds.hpp lists it.

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/node_kind.hpp"
#include "models/shocks/shock_kind.hpp"

namespace crisp {

// What only an outage has (ShockSpec::own); by country, it uses ShockSpec's country and
// materials.
struct OutageSpec {
  std::vector<std::string> nodes;     // the nodes it hits, by id ...
  std::optional<NodeKind> node_kind;  // ... or, by country, those of this kind (all when unset)
};

struct OutageShock {
  using Spec = OutageSpec;
  static constexpr std::string_view kName = "outage";
  static constexpr std::array<std::string_view, 4> kKeys = {"nodes", "country", "node_kind",
                                                            "materials"};
  static constexpr ShockTiming kTiming{};

  static void reach(const ShockSpec& spec, const Scenario& sc, const MaterialNet& net,
                    ShockReach& out);
  static std::string describe(const ShockSpec& spec, const Scenario& sc);
  static ShockSchedule schedule(const OutageSpec& /*own*/) { return {}; }
  static void effect(const ShockSpec& spec, const ShockReach& reach, const ShockOccurrence& o,
                     ShockFactors& f);
};

}  // namespace crisp
