#pragma once
// The recycling lever (docs/model.md "Policy levers other than stockpiles"): a home source in
// each region supplying `rate` of its consumers' requirement. Its applier and reader are in
// recycling.cpp (see lever_kind.hpp).

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "policies/levers/lever_kind.hpp"
#include "policies/levers/plant_capex.hpp"

namespace crisp {

struct RecyclingSpec {
  std::string name;  // "recycling <regions> <material>"
  std::vector<std::string> regions;
  int material = 0;
  double rate = 0;                  // fraction of each region's demand
  double capex_eur_per_tpy = 0;     // at capex_reference_tpy
  double capex_reference_tpy = 0;   // 0: not given (needed only below exponent 1)
  double capex_scale_exponent = 1;  // 1: capex linear in capacity
  double lifetime_years = 20;
  double opex_eur_per_t = 0;
  double lead_time_days = 7;
};

struct RecyclingLever {
  using Spec = RecyclingSpec;
  static constexpr std::string_view kName = "recycling";
  static constexpr std::array<std::string_view, 9> kKeys = {"regions",
                                                            "material",
                                                            "rate",
                                                            "capex_eur_per_tpy",
                                                            "capex_reference_tpy",
                                                            "capex_scale_exponent",
                                                            "lifetime_years",
                                                            "opex_eur_per_t",
                                                            "lead_time_days"};
  static constexpr std::array<Field<Spec>, 7> kFields{{
      {"rate", &Spec::rate, "1", range::closed_open(0, 1), 0},
      {"capex_eur_per_tpy", &Spec::capex_eur_per_tpy, "EUR per t/yr", range::capped(0, kMaxEur)},
      kCapexReferenceField<Spec>,
      kCapexExponentField<Spec>,
      {"lifetime_years", &Spec::lifetime_years, "years", range::above(0)},
      {"opex_eur_per_t", &Spec::opex_eur_per_t, "EUR/t", range::capped(0, kMaxEur)},
      {"lead_time_days", &Spec::lead_time_days, "days", range::at_least(0)},
  }};
  // After diversification (which works on the contracts the file gives), before refining: both
  // recycling and refining put home supply ahead of the rescaled contracts.
  static constexpr int kApplyOrder = 2;

  static bool is_off(const Spec& s) { return s.rate == 0; }
  static std::string inapplicable(const Spec&, std::string_view) { return ""; }
  static std::vector<std::string> added_node_ids(const Spec& spec, const Scenario& sc);
  static void apply(const Spec& spec, AppliedPolicy& out);
  static Spec read(LeverFields& in);
};

}  // namespace crisp
