#pragma once
// Internal to sim/experiment: reading [[policy]] tables. load_policies.cpp holds the dispatch, the
// stockpile and the checks across policies; load_levers.cpp the other lever kinds.

#include <string>
#include <vector>

#include "sim/experiment/sections.hpp"

namespace crisp::experiment_detail {

// The numeric keys of one lever: each a number, or a list of numbers that becomes a sweep axis
// (the base then holds its first value). A key's dotted name ("release.delay_days") is the
// field's name in policy_set.hpp. Absent, the field keeps its default.
class LeverNumbers {
 public:
  explicit LeverNumbers(Lever& lever) : lever_(lever) {}
  void read(const Table& t, std::string_view key, const toml_input::Range& range);
  // As read(), with a "missing required key" error when absent.
  void require(const Table& t, std::string_view key, const toml_input::Range& range);
  // Stores the axes in the lever, in file order.
  void finish();

 private:
  struct PlacedAxis {
    toml::source_position pos;
    LeverAxis axis;
  };
  Lever& lever_;
  std::vector<PlacedAxis> axes_;
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

Lever read_refining(const Table& t, const Scenario& sc, const Catalog& catalog);
Lever read_diversification(const Table& t, const Scenario& sc, const Catalog& catalog);
Lever read_recycling(const Table& t, const Scenario& sc, const Catalog& catalog);
Lever read_early_warning(const Table& t, const Scenario& sc, const Catalog& catalog);

}  // namespace crisp::experiment_detail
