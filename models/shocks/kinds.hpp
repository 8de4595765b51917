#pragma once
// The shock kinds, listed once, here: each kind's header, its type in ShockKinds and its
// enumerator in ShockKind, checked against each other below. The names, the loader's schema,
// ShockSpec's variant of the kinds' own fields and every dispatch come from ShockKinds. Adding a
// kind: write models/shocks/<kind>.hpp and <kind>.cpp (see shock_kind.hpp), add its lines here,
// and its reader in sim/experiment/shock_readers.cpp (where the experiment file is known).

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

#include "core/kind_list.hpp"
#include "models/shocks/chokepoint.hpp"
#include "models/shocks/crisis.hpp"
#include "models/shocks/demand_surge.hpp"
#include "models/shocks/export_restriction.hpp"
#include "models/shocks/outage.hpp"
#include "models/shocks/shock_kind.hpp"

namespace crisp {

// The order is the order of ShockKind and of the kinds in messages ("expected one of ...").
using ShockKinds = KindList<OutageShock,             //
                            ExportRestrictionShock,  //
                            ChokepointShock,         //
                            DemandSurgeShock,        //
                            CrisisShock>;

// One enumerator per kind, named as its kind (kName) and at its kind's place in ShockKinds.
enum class ShockKind : std::uint8_t {
  outage,
  export_restriction,
  chokepoint,
  demand_surge,
  crisis
};

// The enumerator of kind K (its place in ShockKinds).
template <class K>
inline constexpr ShockKind kShockKindOf =
    static_cast<ShockKind>(ShockKinds::index_of<typename K::Spec>());

static_assert(kShockKindOf<OutageShock> == ShockKind::outage);
static_assert(kShockKindOf<ExportRestrictionShock> == ShockKind::export_restriction);
static_assert(kShockKindOf<ChokepointShock> == ShockKind::chokepoint);
static_assert(kShockKindOf<DemandSurgeShock> == ShockKind::demand_surge);
static_assert(kShockKindOf<CrisisShock> == ShockKind::crisis);
static_assert(static_cast<std::size_t>(ShockKind::crisis) + 1 == ShockKinds::kSize,
              "ShockKind's last enumerator is not the last kind of ShockKinds");

template <class... Ks>
constexpr bool every_shock_kind_complete(KindList<Ks...> /*kinds*/) {
  return (ShockKindDef<Ks> && ...);
}
static_assert(every_shock_kind_complete(ShockKinds{}),
              "a shock kind in ShockKinds lacks its spec, name, keys, timing, reach, description, "
              "schedule or effect (models/shocks/shock_kind.hpp)");

// Two kinds with one Spec type would share a variant alternative (ShockSpec::own).
template <class... Ks>
constexpr bool specs_distinct(KindList<Ks...> kinds) {
  std::size_t i = 0;
  return ((decltype(kinds)::template index_of<typename Ks::Spec>() == i++) && ...);
}
static_assert(specs_distinct(ShockKinds{}), "two shock kinds share a Spec type");

// Calls f(std::type_identity<K>{}) for the kind K of `kind`.
template <class F>
void visit_shock_kind(ShockKind kind, F&& f) {
  visit_kind(ShockKinds{}, static_cast<std::size_t>(kind), f);
}

// The kind's timing (a property of the list, for code that has only a ShockKind).
inline ShockTiming timing_of(ShockKind kind) {
  ShockTiming timing;
  visit_shock_kind(kind, [&](auto k) { timing = decltype(k)::type::kTiming; });
  return timing;
}

// Whether the kind's [[shock]] table has `key` among its own keys.
inline bool has_key(ShockKind kind, std::string_view key) {
  bool found = false;
  visit_shock_kind(kind, [&](auto k) {
    const auto& keys = decltype(k)::type::kKeys;
    found = std::find(keys.begin(), keys.end(), key) != keys.end();
  });
  return found;
}

// The names of the kinds whose tables have `key`, in list order, joined by " or ".
inline std::string kinds_with_key(std::string_view key) {
  std::string out;
  for (std::size_t i = 0; i < ShockKinds::kSize; ++i) {
    if (!has_key(static_cast<ShockKind>(i), key)) continue;
    if (!out.empty()) out += " or ";
    out += ShockKinds::kNames[i];
  }
  return out;
}

// When an occurrence of `spec` acts besides its start and end (models/shocks/kinds.cpp, as are
// the two below: ShockSpec is complete only after this header).
ShockSchedule schedule_of(const ShockSpec& spec);
// The part of a material's network `spec` reaches.
void resolve_shock_reach(const ShockSpec& spec, const Scenario& sc, const MaterialNet& net,
                         ShockReach& out);
// What `spec` hits, in words, for results ("route suez", "nodes a+b").
std::string describe_shock(const ShockSpec& spec, const Scenario& sc);

}  // namespace crisp
