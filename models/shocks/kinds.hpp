#pragma once
// The shock kinds, from their one list, models/shocks/kinds.txt (CMake turns it into
// models/shocks/kinds.inc, which includes every kind's file and names its type, and
// models/shocks/kinds_ids.inc, which names the ShockKind enumerators). Adding a kind: write
// models/shocks/<kind>.hpp (see shock_kind.hpp) and add its line to kinds.txt.

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <type_traits>

#include "models/shocks/kinds.inc"
#include "models/shocks/shock_kind.hpp"
#include "core/kind_list.hpp"

namespace crisp {

using ShockKinds = KindList<CRISP_SHOCK_KINDS>;

template <class... Ks>
constexpr bool every_shock_kind_complete(KindList<Ks...> /*kinds*/) {
  return (ShockKindDef<Ks> && ...);
}
static_assert(every_shock_kind_complete(ShockKinds{}),
              "a shock kind in models/shocks/kinds.txt lacks its name, keys, timing, reader, "
              "reach, description, schedule or effect (models/shocks/shock_kind.hpp)");

// Each kind's enumerator is its place in the list, and its name its file's.
template <class... Ks>
constexpr bool kinds_match_enumerators(KindList<Ks...> /*kinds*/) {
  std::size_t i = 0;
  return ((static_cast<std::size_t>(Ks::kKind) == i++) && ...);
}
static_assert(kinds_match_enumerators(ShockKinds{}),
              "a shock kind's kKind is not its place in models/shocks/kinds.txt");

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

// When an occurrence of `spec` acts besides its start and end.
inline ShockSchedule schedule_of(const ShockSpec& spec) {
  ShockSchedule when;
  visit_shock_kind(spec.kind, [&](auto k) { when = decltype(k)::type::schedule(spec); });
  return when;
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

// The part of a material's network `spec` reaches (models/shocks/kinds.cpp).
void resolve_shock_reach(const ShockSpec& spec, const Scenario& sc, const MaterialNet& net,
                         ShockReach& out);
// What `spec` hits, in words, for results ("route suez", "nodes a+b").
std::string describe_shock(const ShockSpec& spec, const Scenario& sc);

}  // namespace crisp
