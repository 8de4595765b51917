#pragma once
// What a lever kind is: one file, policies/levers/<kind>.hpp, holding its spec, its name, the
// keys of its [[policy]] table, its numeric fields, when it is off, and two sections: its applier
// (compiled under CRISP_LEVER_APPLIERS, in policies/levers/appliers.cpp) and its reader (under
// CRISP_LEVER_READERS, in sim/experiment/lever_readers.cpp, which knows TOML). The kinds are
// listed once, one line each, in policies/levers/kinds.txt; the LeverSpec variant, the name
// table, the loader's schema and dispatch and apply_policy() are all generated from that list.
// The concept below makes the compiler refuse a kind without one of its parts, and a kind
// without its applier or reader section fails to link.

#include <concepts>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace crisp {

struct AppliedPolicy;
struct Lever;
struct Scenario;
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
concept LeverKind = requires(const typename K::Spec& spec, const Scenario& scenario,
                             AppliedPolicy& out, const experiment_detail::LeverInput& in) {
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
  // The ids of the nodes apply() adds, which the loader checks are new.
  { K::added_node_ids(spec, scenario) } -> std::same_as<std::vector<std::string>>;
  { K::read(in) } -> std::same_as<Lever>;
};

}  // namespace crisp
