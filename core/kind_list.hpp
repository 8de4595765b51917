#pragma once
// A family of kinds (lever kinds, shock kinds) as one type list, written by hand where the family
// lists its kinds (policies/levers/kinds.hpp, models/shocks/kinds.hpp). Each kind K names its data
// `K::Spec` and itself `K::kName`; the variant, the name table and every dispatch over the family
// come from here.

#include <array>
#include <cstddef>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <variant>

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
};

// Calls f(std::type_identity<K>{}) for the kind K at `index` of the list (none when out of range):
// a chain of comparisons the compiler sees through, with no indirect call.
template <class... Ks, class F>
void visit_kind(KindList<Ks...> /*kinds*/, std::size_t index, F&& f) {
  std::size_t i = 0;
  static_cast<void>(((index == i++ ? (f(std::type_identity<Ks>{}), true) : false) || ...));
}

}  // namespace crisp
