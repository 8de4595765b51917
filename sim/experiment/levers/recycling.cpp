// Reading a [[policy]] of kind "recycling" (policies/levers/recycling.hpp).

#include <fmt/format.h>

#include "sim/experiment/lever_reader.hpp"

namespace crisp {

using namespace experiment_detail;
using toml_input::above;
using toml_input::at_least;
using toml_input::capped;

namespace {

toml_input::Range closed_open(double lo, double hi) {
  return toml_input::Range{.lo = lo, .hi = hi, .hi_open = true};
}

}  // namespace

Lever RecyclingLever::read(const LeverInput& in) {
  const Table& t = in.t;
  const Scenario& sc = in.sc;
  const Catalog& catalog = in.catalog;
  FieldRanges& fields = in.fields;
  Lever lever;
  start_regional_lever<RecyclingSpec>(lever, t, sc, catalog, "recycling", false);

  LeverNumbers numbers(lever, catalog, fields);
  numbers.require(t, "rate", closed_open(0, 1));
  numbers.read(t, "capex_eur_per_tpy", capped(0, kMaxEur));
  numbers.read(t, "lifetime_years", above(0));
  numbers.read(t, "opex_eur_per_t", capped(0, kMaxEur));
  numbers.read(t, "lead_time_days", at_least(0));
  numbers.finish();
  return lever;
}

}  // namespace crisp
