#pragma once
// The stockpile lever (docs/model.md "Policy sets"). Its spec lives in models/scenario.hpp
// because the engine's stores read it; applying it hands it to the engine. Its applier and reader
// are in stockpile.cpp (see lever_kind.hpp).

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "models/scenario.hpp"
#include "policies/levers/lever_kind.hpp"

namespace crisp {

struct StockpileLever {
  using Spec = StockpileSpec;
  static constexpr std::string_view kName = "stockpile";
  static constexpr std::array<std::string_view, 8> kKeys = {
      "regions",      "material", "size_days", "size_t",
      "initial_fill", "release",  "refill",    "holding_cost_per_year"};
  // The target in days of demand or in tonnes (one of the two: size_t_abs < 0 when in days).
  static constexpr std::array<Field<Spec>, 10> kFields{{
      {"size_days", &Spec::size_days, "days", range::capped(0, 36500), 0,  // 100 years of demand
       "size_t"},
      {"size_t", &Spec::size_t_abs, "t", range::capped(0, kMaxTonnes), 0, "size_days"},
      {"initial_fill", &Spec::initial_fill, "1", range::closed(0, 1)},
      {"release.threshold", &Spec::threshold, "1", range::left_open(0, 1)},
      {"release.delay_days", &Spec::delay_days, "days", range::at_least(0)},
      {"release.max_rate_days", &Spec::max_rate_days, "days/day", range::above(0)},
      {"refill.after_days", &Spec::refill_after_days, "days", range::at_least(0)},
      {"refill.rate_days", &Spec::refill_rate_days, "days/day", range::at_least(0)},
      // inf, the default: refill whatever the price.
      {"refill.max_price_multiple", &Spec::refill_max_price_multiple, "1",
       NumberRange{.lo = 1, .hi = kMaxPriceMultiple, .allow_inf = true, .hi_is_cap = true}},
      {"holding_cost_per_year", &Spec::holding_cost_per_year, "1/yr", range::capped(0, 10)},
  }};
  static constexpr int kApplyOrder = 0;  // touches no network: its place does not matter

  // A target of 0 t, or of 0 days when not given in tonnes (size_t_abs < 0).
  static bool is_off(const Spec& s) {
    return s.size_t_abs == 0 || (s.size_t_abs < 0 && s.size_days == 0);
  }
  static std::string inapplicable(const Spec& s, std::string_view field);
  // It adds no nodes.
  static std::vector<std::string> added_node_ids(const Spec&, const Scenario&) { return {}; }
  static void apply(const Spec& spec, AppliedPolicy& out);
  static Spec read(LeverFields& in);
};

}  // namespace crisp
