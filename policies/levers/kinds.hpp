#pragma once
// The lever kinds: one line each in the list below. Adding a kind: write
// policies/levers/<kind>.hpp and <kind>.cpp (see lever_kind.hpp), include the header here and add
// the type to the list (CMake finds the source). The list's order is the order
// of the LeverSpec variant and of the kinds in messages ("expected one of ..."); the order levers
// apply in is each kind's kApplyOrder.

#include <array>

#include "core/kind_list.hpp"
#include "policies/levers/diversification.hpp"
#include "policies/levers/early_warning.hpp"
#include "policies/levers/recycling.hpp"
#include "policies/levers/refining.hpp"
#include "policies/levers/stockpile.hpp"

namespace crisp {

using LeverKinds = KindList<StockpileLever,        //
                            RefiningLever,         //
                            DiversificationLever,  //
                            RecyclingLever,        //
                            EarlyWarningLever>;

// Every kind has a different apply rank, 0 to the count of kinds - 1.
template <class... Ks>
constexpr bool apply_order_is_a_permutation(KindList<Ks...> /*kinds*/) {
  std::array<int, sizeof...(Ks)> seen{};
  for (int rank : {Ks::kApplyOrder...}) {
    if (rank < 0 || rank >= static_cast<int>(sizeof...(Ks)) || seen[rank]++) return false;
  }
  return true;
}
static_assert(apply_order_is_a_permutation(LeverKinds{}),
              "two lever kinds share a kApplyOrder, or one is out of range");

// Every kind has its spec, name, keys, fields, reader and applier (lever_kind.hpp); a kind
// without one of them fails here, with the part it lacks.
template <LeverKind... Ks>
constexpr bool every_kind_complete(KindList<Ks...> /*kinds*/) {
  return true;
}
static_assert(every_kind_complete(LeverKinds{}));

// A field's `alternative` names another field of its kind, which names it back.
template <class K>
constexpr bool alternatives_pair_up() {
  for (const auto& f : K::kFields) {
    if (f.alternative.empty()) continue;
    bool found = false;
    for (const auto& g : K::kFields) {
      if (g.name == f.alternative) found = g.alternative == f.name;
    }
    if (!found) return false;
  }
  return true;
}
template <class... Ks>
constexpr bool every_alternative_pairs_up(KindList<Ks...> /*kinds*/) {
  return (alternatives_pair_up<Ks>() && ...);
}
static_assert(every_alternative_pairs_up(LeverKinds{}),
              "a lever field's alternative is not a field of its kind that names it back");

}  // namespace crisp
