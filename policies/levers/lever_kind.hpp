#pragma once
// What a lever kind is: a header, policies/levers/<kind>.hpp, with its spec, its name, the keys
// of its [[policy]] table, its numeric fields (name, unit, range, off value: policies/
// lever_fields.hpp), when it is off, and a source, policies/levers/<kind>.cpp, with its applier
// and its reader (which reads through a LeverFields, knowing nothing of TOML). The kinds are
// listed once, one line each, in policies/levers/kinds.hpp; the LeverSpec variant, the name
// table, the loader's schema and dispatch, apply_policy() and the /policies attributes all come
// from that list. The concept below makes the compiler refuse a kind without one of its parts.

#include <concepts>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "policies/lever_fields.hpp"

namespace crisp {

struct AppliedPolicy;
struct Scenario;

// A lever kind K (e.g. RecyclingLever).
template <class K>
concept LeverKind = requires(const typename K::Spec& spec, const Scenario& scenario,
                             AppliedPolicy& out, LeverFields& in, std::string_view field) {
  { K::kName } -> std::convertible_to<std::string_view>;
  // The keys of its table besides `kind`: any other key is refused at load.
  { K::kKeys.size() } -> std::convertible_to<std::size_t>;
  { K::kKeys[0] } -> std::convertible_to<std::string_view>;
  // Its numeric fields: sweep axes, policy columns and their attributes, set_field, get_field.
  { K::kFields.size() } -> std::convertible_to<std::size_t>;
  { K::kFields[0] } -> std::convertible_to<Field<typename K::Spec>>;
  // Its place in apply_policy()'s fixed order (0 first), whatever the order of the file.
  { K::kApplyOrder } -> std::convertible_to<int>;
  { spec.name } -> std::convertible_to<std::string_view>;
  { K::is_off(spec) } -> std::same_as<bool>;
  // Why `field` of this lever cannot be set by a design set (it would be ignored), or "".
  { K::inapplicable(spec, field) } -> std::same_as<std::string>;
  { K::apply(spec, out) } -> std::same_as<void>;
  // The ids of the nodes apply() adds, which the loader checks are new.
  { K::added_node_ids(spec, scenario) } -> std::same_as<std::vector<std::string>>;
  { K::read(in) } -> std::same_as<typename K::Spec>;
};

}  // namespace crisp
