#pragma once
// The one list of lever kinds. Adding a kind: write policies/levers/<kind>.hpp (see
// lever_kind.hpp), its applier in policies/levers/<kind>.cpp and its reader in
// sim/experiment/levers/<kind>.cpp, and add it to LeverKinds below. The order of the list is the
// order of the variant and of the kinds in messages ("expected one of ..."); apply order is each
// kind's kApplyOrder.

#include <array>
#include <cstddef>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <variant>

#include "policies/levers/diversification.hpp"
#include "policies/levers/early_warning.hpp"
#include "policies/levers/recycling.hpp"
#include "policies/levers/refining.hpp"
#include "policies/levers/stockpile.hpp"

namespace crisp {

template <class... Ks>
struct KindList {
  using Variant = std::variant<typename Ks::Spec...>;
  static constexpr std::size_t kSize = sizeof...(Ks);
  static constexpr std::array<std::string_view, kSize> kNames = {Ks::kName...};
  // The kind whose spec is Spec.
  template <class Spec>
  static constexpr std::size_t index_of() {
    std::size_t i = 0, found = kSize;
    ((std::is_same_v<Spec, typename Ks::Spec> ? (found = i, ++i) : ++i), ...);
    return found;
  }
  template <class Spec>
  using KindOf = std::tuple_element_t<index_of<Spec>(), std::tuple<Ks...>>;
  // Calls f(std::type_identity<K>{}) for every kind K, in list order.
  template <class F>
  static void for_each(F&& f) {
    (f(std::type_identity<Ks>{}), ...);
  }
  // Every kind has a different apply rank, 0 to kSize - 1.
  static constexpr bool apply_order_is_a_permutation() {
    std::array<int, kSize> seen{};
    for (int rank : {Ks::kApplyOrder...}) {
      if (rank < 0 || rank >= static_cast<int>(kSize) || seen[rank]++) return false;
    }
    return true;
  }
};

using LeverKinds = KindList<StockpileLever, RefiningLever, DiversificationLever, RecyclingLever,
                            EarlyWarningLever>;

static_assert(LeverKinds::apply_order_is_a_permutation(),
              "two lever kinds share a kApplyOrder, or one is out of range");

}  // namespace crisp
