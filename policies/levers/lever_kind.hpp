#pragma once
// What a lever kind is: one header under policies/levers/ holding its spec, its name, the keys of
// its [[policy]] table, its numeric fields, when it is off, and the declarations of its reader
// (defined under sim/experiment/levers/, which knows TOML) and applier (policies/levers/). The
// kinds are listed once, in policies/levers/kinds.hpp; the LeverSpec variant, the name table, the
// loader's schema and dispatch and apply_policy() are all generated from that list, and the
// concept below makes the compiler refuse a kind without one of its parts.

#include <concepts>
#include <cstddef>
#include <string_view>

namespace crisp {

struct AppliedPolicy;
struct Lever;
namespace experiment_detail {
struct LeverInput;  // sim/experiment/lever_reader.hpp: the [[policy]] table and what it refers to
}

// One numeric field of a lever: a key of its table that a design may sweep, sample or list.
template <class Spec>
struct Field {
  std::string_view name;  // dotted as in the experiment file
  double Spec::*member;
};

// A lever kind K (e.g. RecyclingLever). Lever must be complete where this is checked
// (policy_set.hpp).
template <class K>
concept LeverKind = requires(const typename K::Spec& spec, AppliedPolicy& out,
                             const experiment_detail::LeverInput& in) {
  { K::kName } -> std::convertible_to<std::string_view>;
  // The keys of its table besides `kind`: any other key is refused at load.
  { K::kKeys.size() } -> std::convertible_to<std::size_t>;
  { K::kKeys[0] } -> std::convertible_to<std::string_view>;
  // Its numeric fields: sweep axes, policy columns, set_field and get_field.
  { K::kFields.size() } -> std::convertible_to<std::size_t>;
  { K::kFields[0] } -> std::convertible_to<Field<typename K::Spec>>;
  // Its place in apply_policy()'s fixed order (0 first), whatever the order of the file.
  { K::kApplyOrder } -> std::convertible_to<int>;
  { spec.name } -> std::convertible_to<std::string_view>;
  { K::is_off(spec) } -> std::same_as<bool>;
  { K::apply(spec, out) } -> std::same_as<void>;
  { K::read(in) } -> std::same_as<Lever>;
};

}  // namespace crisp
