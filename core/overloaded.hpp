#pragma once
// The usual visitor helper for std::visit: one lambda per alternative of a variant.

namespace crisp {

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

}  // namespace crisp
