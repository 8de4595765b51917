// Reading a [[policy]] of kind "stockpile" (policies/levers/stockpile.hpp).

#include <string>
#include <vector>

#include <fmt/format.h>

#include "sim/experiment/lever_reader.hpp"

namespace crisp {

using namespace experiment_detail;
using toml_input::above;
using toml_input::at_least;
using toml_input::closed;
using toml_input::left_open;
using toml_input::Range;

namespace {

void read_release(const Table& release, StockpileSpec& base, LeverNumbers& numbers) {
  release.check_keys({.allowed = {"trigger", "threshold", "delay_days", "max_rate_days"}});
  const std::vector<std::string> triggers = {"shortfall", "supply_drop"};
  const std::string trigger = release.choice_or("trigger", "shortfall", triggers);
  base.trigger = trigger == "supply_drop" ? ReleaseTrigger::supply_drop : ReleaseTrigger::shortfall;
  if (base.trigger == ReleaseTrigger::shortfall) {
    if (const auto threshold = release.get("threshold")) {
      threshold->fail_with(
          fmt::format("{} applies only with trigger = 'supply_drop'", threshold->key()));
    }
  }
  numbers.read(release, "threshold", left_open(0, 1));
  numbers.read(release, "delay_days", at_least(0));
  numbers.read(release, "max_rate_days", above(0));
}

void read_refill(const Table& refill, LeverNumbers& numbers) {
  refill.check_keys({.allowed = {"after_days", "rate_days", "max_price_multiple"}});
  numbers.read(refill, "after_days", at_least(0));
  numbers.read(refill, "rate_days", at_least(0));
  Range multiple = toml_input::capped(1, kMaxPriceMultiple);
  multiple.allow_inf = true;  // inf, the default: refill whatever the price
  numbers.read(refill, "max_price_multiple", multiple);
}

// The target: size_days or size_t, exactly one.
void read_size(const Table& t, LeverNumbers& numbers) {
  if (t.has("size_days") && t.has("size_t")) {
    t.get("size_t")->fail_with("give size_days or size_t, not both");
  }
  if (!t.has("size_days") && !t.has("size_t")) {
    t.fail("missing required key 'size_days' or 'size_t' (a number >= 0, or a list of them)");
  }
  numbers.read(t, "size_days", toml_input::capped(0, 36500));  // 100 years of demand
  numbers.read(t, "size_t", toml_input::capped(0, kMaxTonnes));
}

}  // namespace

Lever StockpileLever::read(const LeverInput& in) {
  const Table& t = in.t;
  const Scenario& sc = in.sc;
  const Catalog& catalog = in.catalog;
  FieldRanges& fields = in.fields;
  Lever lever;
  start_regional_lever<StockpileSpec>(lever, t, sc, catalog, "stockpile", false);

  LeverNumbers numbers(lever, catalog, fields);
  read_size(t, numbers);
  numbers.read(t, "initial_fill", closed(0, 1));
  numbers.read(t, "holding_cost_per_year", toml_input::capped(0, 10));
  // Absent, they are read as empty tables: their fields keep their defaults, and are recorded
  // for [[design.sets]].
  read_release(t.sub_or_empty("release"), std::get<StockpileSpec>(lever.base), numbers);
  read_refill(t.sub_or_empty("refill"), numbers);
  numbers.finish();
  return lever;
}

}  // namespace crisp
