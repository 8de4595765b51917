#pragma once
// Internal to sim/experiment: reading [[policy]] tables. load_policies.cpp holds the dispatch
// over the kinds of policies/levers/kinds.txt, the pieces every reader shares and the checks
// across policies; each kind's reader (K::read) is the CRISP_LEVER_READERS section of its file,
// policies/levers/<kind>.hpp, compiled in lever_readers.cpp.

#include <string>
#include <vector>

#include "sim/experiment/sections.hpp"

namespace crisp::experiment_detail {

// The numeric keys of one lever: each a number; in a grid design also a list of numbers that
// becomes a sweep axis (the base then holds its first value); in an lhs design also a
// { min, max } range (the base then holds min). A key's dotted name ("release.delay_days") is
// the field's name in policy_set.hpp. Absent, the field keeps its default. Every key asked for,
// present or not, is recorded in `fields` with its range.
// What a lever kind's reader (K::read, in policies/levers/<kind>.hpp) is given: its [[policy]]
// table, the scenario and catalog it refers to, and where to record its numeric keys.
struct LeverInput {
  const Table& t;
  const Scenario& sc;
  const Catalog& catalog;
  FieldRanges& fields;
};

class LeverNumbers {
 public:
  LeverNumbers(Lever& lever, const Catalog& catalog, FieldRanges& fields)
      : lever_(lever), design_kind_(catalog.design_kind), fields_(fields) {}
  void read(const Table& t, std::string_view key, const toml_input::Range& range);
  // As read(), with a "missing required key" error when absent.
  void require(const Table& t, std::string_view key, const toml_input::Range& range);
  // Stores the axes and ranges in the lever, in file order.
  void finish();

 private:
  double read_range(const Value& v, const toml_input::Range& range);

  struct PlacedAxis {
    toml::source_position pos;
    LeverAxis axis;
  };
  struct PlacedRange {
    toml::source_position pos;
    LeverRange range;
  };
  Lever& lever_;
  std::string design_kind_;
  FieldRanges& fields_;
  std::vector<PlacedAxis> axes_;
  std::vector<PlacedRange> ranges_;
};

// What a lever acts on: `regions` (groups expanded) and `material`, and the name part they give
// ("NL+DE gallium"). With `material_optional`, an absent material is every material (-1, "all").
struct LeverTarget {
  std::vector<std::string> regions;
  int material = -1;
  std::string name;
};
LeverTarget read_target(const Table& t, const Scenario& sc, const Catalog& catalog,
                        bool material_optional);

// Fails unless some consumer of `material` (any material when -1) is in `regions`.
void require_consumers(const Table& t, const Scenario& sc, const std::vector<std::string>& regions,
                       int material);

// What every lever over regions starts with: `lever` becomes a `Spec` with its regions,
// material and name ("<kind> NL+DE gallium") read from `t`, which is relabelled after it; the
// regions must hold consumers of the material.
template <class Spec>
Spec& start_regional_lever(Lever& lever, const Table& t, const Scenario& sc, const Catalog& catalog,
                           const char* kind, bool material_optional) {
  lever.base = Spec{};
  auto& spec = std::get<Spec>(lever.base);
  const LeverTarget target = read_target(t, sc, catalog, material_optional);
  spec.regions = target.regions;
  spec.material = target.material;
  spec.name = std::string(kind) + " " + target.name;
  t.set_label("policy '" + spec.name + "'");
  require_consumers(t, sc, spec.regions, spec.material);
  return spec;
}

// The ids of the nodes of `material` that `keep` accepts, in node order.
template <class Keep>
std::vector<std::string> node_ids(const Scenario& sc, int material, Keep keep) {
  std::vector<std::string> ids;
  for (const auto& n : sc.nodes) {
    if (n.material == material && keep(n)) ids.push_back(n.id);
  }
  return ids;
}

// The node `v` names, which must be one of `ids` (nodes of `what`, such as "a mine of
// 'gallium'"). A node id that exists but is of the wrong kind or material says which it is.
const NodeSpec& resolve_among(const Value& v, const std::string& id,
                              const std::vector<std::string>& ids, const Scenario& sc,
                              std::string_view what);

}  // namespace crisp::experiment_detail
