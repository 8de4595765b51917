#pragma once
// The stockpile lever (MODEL.md section 4, docs/model.md "Policy sets"). Its spec lives in
// models/scenario.hpp because the engine's stores read it; applying it hands it to the engine.

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
  static void apply(const Spec& spec, AppliedPolicy& out);     // policies/levers/stockpile.cpp
  static Lever read(const experiment_detail::LeverInput& in);  // sim/experiment/levers/
};

}  // namespace crisp
