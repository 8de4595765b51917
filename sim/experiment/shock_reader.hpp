#pragma once
// Internal to sim/experiment: reading [[shock]] tables. load_shocks.cpp holds the schema made
// from the keys of the kinds of models/shocks/kinds.hpp, the arrivals and the timing;
// shock_readers.cpp holds each kind's reader, which uses what this header declares.

#include <string>

#include "sim/experiment/sections.hpp"

namespace crisp::experiment_detail {

// What a shock kind's reader is given: its [[shock]] table, the spec it fills (name, kind and
// timing already read; `own` holds its kind's Spec at its defaults) and the scenario and catalog
// the table refers to.
struct ShockInput {
  const Table& t;
  ShockSpec& s;
  const Scenario& sc;
  const Catalog& catalog;
};

// Reads the keys that only the kind of `in.s` has, with that kind's reader (shock_readers.cpp).
void read_shock_kind(const ShockInput& in);

// A number in `range`, or a one-key table naming a distribution (docs/model.md "Shocks"). A uniform
// distribution's bounds obey `range` too; the others are clamped when drawn (docs/model.md).
Distribution read_distribution(const Value& v, const toml_input::Range& range, bool allow_beta);

// The country `v` names, one of some [[node]]'s.
std::string read_country(const Value& v, const Catalog& catalog);

}  // namespace crisp::experiment_detail
