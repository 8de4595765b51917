// The stockpile lever (docs/model.md "Policy sets"). Its spec lives in
// models/scenario.hpp because the engine's stores read it; applying it hands it to the engine.
// One file holds the kind (policies/levers/lever_kind.hpp): its spec, name and keys, then its
// applier and its reader, each in a section compiled once where what it needs is known.
#ifndef CRISP_POLICIES_LEVERS_STOCKPILE_HPP
#define CRISP_POLICIES_LEVERS_STOCKPILE_HPP

#include <array>
#include <string_view>

#include "models/scenario.hpp"
#include "policies/levers/lever_kind.hpp"

namespace crisp {

struct StockpileLever {
  using Spec = StockpileSpec;
  static constexpr std::string_view kName = "stockpile";
  static constexpr std::array<std::string_view, 8> kKeys = {
      "regions",      "material", "size_days", "size_t",
      "initial_fill", "release",  "refill",    "holding_cost_per_year"};
  static constexpr std::array<Field<Spec>, 10> kFields{{
      {"size_days", &Spec::size_days},
      {"size_t", &Spec::size_t_abs},
      {"initial_fill", &Spec::initial_fill},
      {"release.threshold", &Spec::threshold},
      {"release.delay_days", &Spec::delay_days},
      {"release.max_rate_days", &Spec::max_rate_days},
      {"refill.after_days", &Spec::refill_after_days},
      {"refill.rate_days", &Spec::refill_rate_days},
      {"refill.max_price_multiple", &Spec::refill_max_price_multiple},
      {"holding_cost_per_year", &Spec::holding_cost_per_year},
  }};
  static constexpr int kApplyOrder = 0;  // touches no network: its place does not matter

  // A target of 0 t, or of 0 days when not given in tonnes (size_t_abs < 0).
  static bool is_off(const Spec& s) {
    return s.size_t_abs == 0 || (s.size_t_abs < 0 && s.size_days == 0);
  }
  // It adds no nodes.
  static std::vector<std::string> added_node_ids(const Spec&, const Scenario&) { return {}; }
  static void apply(const Spec& spec, AppliedPolicy& out);     // below
  static Lever read(const experiment_detail::LeverInput& in);  // below
};

}  // namespace crisp

#endif  // CRISP_POLICIES_LEVERS_STOCKPILE_HPP

#ifdef CRISP_LEVER_APPLIERS  // compiled once, in policies/levers/appliers.cpp
#include "policies/apply_detail.hpp"

namespace crisp {

void StockpileLever::apply(const StockpileSpec& spec, AppliedPolicy& out) {
  apply_detail::check_material(out.scenario, spec.material, spec.name);
  out.effects.stockpiles.push_back(spec);
}

}  // namespace crisp
#endif  // CRISP_LEVER_APPLIERS

#ifdef CRISP_LEVER_READERS  // compiled once, in sim/experiment/lever_readers.cpp
#include <string>
#include <vector>

#include <fmt/format.h>

#include "sim/experiment/lever_reader.hpp"

namespace crisp::stockpile_reader {

using namespace experiment_detail;
using toml_input::above;
using toml_input::at_least;
using toml_input::closed;
using toml_input::left_open;
using toml_input::Range;

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

}  // namespace crisp::stockpile_reader

namespace crisp {

Lever StockpileLever::read(const experiment_detail::LeverInput& in) {
  using namespace stockpile_reader;
  const auto& [t, sc, catalog, fields] = in;
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
#endif  // CRISP_LEVER_READERS
