#pragma once
// The early_warning lever (docs/model.md "Policy levers other than stockpiles"): monitoring that
// warns a region ahead of a shock. Its spec lives in models/scenario.hpp because the engine reads
// it. Its applier and reader are in early_warning.cpp (see lever_kind.hpp).

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "models/scenario.hpp"
#include "policies/levers/lever_kind.hpp"

namespace crisp {

struct EarlyWarningLever {
  using Spec = EarlyWarningSpec;
  static constexpr std::string_view kName = "early_warning";
  static constexpr std::array<std::string_view, 4> kKeys = {"regions", "material", "lead_days",
                                                            "cost_per_year"};
  static constexpr std::array<Field<Spec>, 2> kFields{{
      {"lead_days", &Spec::lead_days, "days", range::at_least(0), 0},
      {"cost_per_year", &Spec::cost_per_year, "EUR/yr", range::capped(0, kMaxEur)},
  }};
  static constexpr int kApplyOrder = 4;  // touches no network: its place does not matter

  static bool is_off(const Spec& s) { return s.lead_days == 0; }
  static std::string inapplicable(const Spec&, std::string_view) { return ""; }
  // It adds no nodes.
  static std::vector<std::string> added_node_ids(const Spec&, const Scenario&) { return {}; }
  static void apply(const Spec& spec, AppliedPolicy& out);
  static Spec read(LeverFields& in);
};

}  // namespace crisp
