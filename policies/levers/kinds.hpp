#pragma once
// The lever kinds, from their one list, policies/levers/kinds.txt (CMake turns it into
// policies/levers/kinds.inc, which includes every kind's file and names its type). Adding a kind:
// write policies/levers/<kind>.hpp (see lever_kind.hpp) and add its line to kinds.txt.

#include <array>

#include "policies/levers/kinds.inc"
#include "core/kind_list.hpp"

namespace crisp {

using LeverKinds = KindList<CRISP_LEVER_KINDS>;

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

}  // namespace crisp
