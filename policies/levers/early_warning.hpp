#pragma once
// The early_warning lever (docs/model.md "Policy levers other than stockpiles"): monitoring that
// warns a region ahead of a shock. Its spec lives in models/scenario.hpp because the engine reads
// it.

#include <array>
#include <string_view>

#include "models/scenario.hpp"
#include "policies/levers/lever_kind.hpp"

namespace crisp {

struct EarlyWarningLever {
  using Spec = EarlyWarningSpec;
  static constexpr std::string_view kName = "early_warning";
  static constexpr std::array<std::string_view, 4> kKeys = {"regions", "material", "lead_days",
                                                            "cost_per_year"};
  static constexpr std::array<Field<Spec>, 2> kFields{{
      {"lead_days", &Spec::lead_days},
      {"cost_per_year", &Spec::cost_per_year},
  }};
  static constexpr int kApplyOrder = 4;  // touches no network: its place does not matter

  static bool is_off(const Spec& s) { return s.lead_days == 0; }
  static void apply(const Spec& spec, AppliedPolicy& out);     // policies/levers/early_warning.cpp
  static Lever read(const experiment_detail::LeverInput& in);  // sim/experiment/levers/
};

}  // namespace crisp
