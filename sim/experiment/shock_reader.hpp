#pragma once
// Internal to sim/experiment: reading [[shock]] tables. load_shocks.cpp holds the dispatch over
// the kinds of models/shocks/kinds.txt, the schema made from their keys, arrivals and timing;
// each kind's reader (K::read, section CRISP_SHOCK_READERS of models/shocks/<kind>.hpp) is
// compiled in shock_readers.cpp and uses what this header declares.

#include <string>

#include "sim/experiment/sections.hpp"

namespace crisp::experiment_detail {

// What a shock kind's reader is given: its [[shock]] table, the spec it fills (name, kind and
// timing already read) and the scenario and catalog the table refers to.
struct ShockInput {
  const Table& t;
  ShockSpec& s;
  const Scenario& sc;
  const Catalog& catalog;
};

// A number in `range`, or a one-key table naming a distribution (docs/model.md "Shocks"). A uniform
// distribution's bounds obey `range` too; the others are clamped when drawn (docs/model.md).
Distribution read_distribution(const Value& v, const toml_input::Range& range, bool allow_beta);

// The country `v` names, one of some [[node]]'s.
std::string read_country(const Value& v, const Catalog& catalog);

}  // namespace crisp::experiment_detail
