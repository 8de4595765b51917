// Reading a [[policy]] of kind "early_warning" (policies/levers/early_warning.hpp).

#include <fmt/format.h>

#include "sim/experiment/lever_reader.hpp"

namespace crisp {

using namespace experiment_detail;
using toml_input::at_least;
using toml_input::capped;

Lever EarlyWarningLever::read(const LeverInput& in) {
  const Table& t = in.t;
  const Scenario& sc = in.sc;
  const Catalog& catalog = in.catalog;
  FieldRanges& fields = in.fields;
  Lever lever;
  start_regional_lever<EarlyWarningSpec>(lever, t, sc, catalog, "early_warning", true);

  LeverNumbers numbers(lever, catalog, fields);
  numbers.require(t, "lead_days", at_least(0));
  numbers.read(t, "cost_per_year", capped(0, kMaxEur));
  numbers.finish();
  return lever;
}

}  // namespace crisp
