// The outage shock (docs/model.md "Shocks"): the nodes it hits, named or by country (of a node
// kind, of some materials), lose its severity of their capacity while it lasts. One file holds
// the kind (see shock_kind.hpp); models/shocks/kinds.txt lists it.
#ifdef CRISP_SHOCK_FIELDS  // read once, by models/scenario.hpp, before ShockSpec
#include <optional>
#include <string>
#include <vector>

namespace crisp {

// What only an outage has (ShockSpec holds every kind's fields).
template <>
struct ShockFields<ShockKind::outage> {
  std::vector<std::string> nodes;     // the nodes it hits, by id ...
  std::optional<NodeKind> node_kind;  // ... or, by country, those of this kind (all when unset)
};

}  // namespace crisp
#else

#ifndef CRISP_MODELS_SHOCKS_OUTAGE_HPP
#define CRISP_MODELS_SHOCKS_OUTAGE_HPP

#include <array>
#include <string>
#include <string_view>

#include "models/shocks/shock_kind.hpp"

namespace crisp {

struct OutageShock {
  using Spec = ShockSpec;
  static constexpr ShockKind kKind = ShockKind::outage;
  static constexpr std::string_view kName = "outage";
  static constexpr std::array<std::string_view, 4> kKeys = {"nodes", "country", "node_kind",
                                                            "materials"};
  static constexpr ShockTiming kTiming{};

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
void OutageShock::read(const experiment_detail::ShockInput& in) {
  using namespace experiment_detail;
  const Table& t = in.t;
  ShockSpec& s = in.s;
  const auto nodes = t.get("nodes"), country = t.get("country");
  if (nodes && country) country->fail_with("give nodes or country, not both");
  if (!nodes && !country) {
    t.fail("missing required key 'nodes' or 'country' (the nodes the outage hits)");
  }
  if (nodes) {
    for (const char* key : {"node_kind", "materials"}) {
      if (const auto v = t.get(key)) {
        v->fail_with(fmt::format("{} applies only to an outage by country", key));
      }
    }
    for (const auto& item : nodes->list(false)) {
      s.nodes.push_back(in.sc.nodes[resolve_node(item, in.sc)].id);
    }
    return;
  }
  s.country = read_country(*country, in.catalog);
  if (const auto kind = t.get("node_kind")) {
    std::vector<std::string> names;
    for (NodeKind k : kNodeKinds) {
      names.emplace_back(to_string(k));
    }
    s.node_kind = from_name(kind->choice(names), kNodeKinds);
  }
  s.materials = resolve_materials(t, "materials", in.sc);
}
}  // namespace crisp
#endif

#ifdef CRISP_SHOCK_MODELS  // compiled once, in models/shocks/kinds.cpp
namespace crisp {
namespace outage_shock {
bool covers(const ShockSpec& k, const NodeSpec& n) {
  using shock_detail::contains, shock_detail::material_listed;
  if (!k.nodes.empty()) return contains(k.nodes, n.id);
  if (n.country != k.country || !material_listed(k.materials, n.material)) return false;
  return !k.node_kind || *k.node_kind == n.kind;
}
}  // namespace outage_shock

void OutageShock::reach(const ShockSpec& spec, const Scenario& sc, const MaterialNet& net,
                        ShockReach& out) {
  for (int v = 0; v < static_cast<int>(net.nodes.size()); ++v)
    if (outage_shock::covers(spec, sc.nodes[net.nodes[v].scenario_index])) out.nodes.push_back(v);
}

std::string OutageShock::describe(const ShockSpec& k, const Scenario& sc) {
  if (!k.nodes.empty()) return fmt::format("nodes {}", fmt::join(k.nodes, "+"));
  return fmt::format("country {} {} ({})", k.country,
                     k.node_kind ? to_string(*k.node_kind) : "all kinds",
                     shock_detail::material_names(k.materials, sc));
}
}  // namespace crisp
#endif

#ifdef CRISP_SHOCK_EFFECTS  // compiled once, in models/material_sim.cpp
namespace crisp {
void OutageShock::effect(const ShockSpec& /*spec*/, const ShockReach& reach,
                         const ShockOccurrence& o, ShockFactors& f) {
  const double keep = 1.0 - o.severity;
  for (int n : reach.nodes)
    f.capacity_factor[n] *= keep;
}
}  // namespace crisp
#endif

#endif  // CRISP_SHOCK_FIELDS
