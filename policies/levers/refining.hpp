#pragma once
// The refining lever (docs/model.md "Policy levers other than stockpiles"): a domestic refinery
// fed by chosen mines, operating or on standby. Its applier and reader are in refining.cpp (see
// lever_kind.hpp).

#include <array>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "policies/levers/lever_kind.hpp"
#include "policies/levers/plant_capex.hpp"

namespace crisp {

struct RefiningSpec {
  std::string name;  // "refining <region> <material>"
  std::string region;
  int material = 0;
  double capacity_tpy = 0;
  std::vector<std::pair<std::string, double>> feedstock;  // mine id -> share (sum 1)
  std::vector<std::string> customers;  // consumer ids; empty: every consumer of the region
  bool standby = false;                // mode = "standby"
  double activation_days = 0;
  double capex_eur_per_tpy = 0;     // at capex_reference_tpy
  double capex_reference_tpy = 0;   // 0: not given (needed only below exponent 1)
  double capex_scale_exponent = 1;  // 1: capex linear in capacity
  double lifetime_years = 20;
  double opex_premium_eur_per_t = 0;
  double standby_cost_per_year = 0;
  double feedstock_lead_time_days = 30;
  double lead_time_days = 7;  // to its customers
  double yield = 1;
  double buffer_days = 0;
};

struct RefiningLever {
  using Spec = RefiningSpec;
  static constexpr std::string_view kName = "refining";
  static constexpr std::array<std::string_view, 17> kKeys = {"region",
                                                             "material",
                                                             "capacity_tpy",
                                                             "feedstock",
                                                             "customers",
                                                             "mode",
                                                             "activation_days",
                                                             "capex_eur_per_tpy",
                                                             "capex_reference_tpy",
                                                             "capex_scale_exponent",
                                                             "lifetime_years",
                                                             "opex_premium_eur_per_t",
                                                             "standby_cost_per_year",
                                                             "feedstock_lead_time_days",
                                                             "lead_time_days",
                                                             "yield",
                                                             "buffer_days"};
  static constexpr std::array<Field<Spec>, 12> kFields{{
      {"capacity_tpy", &Spec::capacity_tpy, "t/yr", range::capped(0, kMaxTonnes), 0},
      {"activation_days", &Spec::activation_days, "days", range::at_least(0)},
      {"capex_eur_per_tpy", &Spec::capex_eur_per_tpy, "EUR per t/yr", range::capped(0, kMaxEur)},
      kCapexReferenceField<Spec>,
      kCapexExponentField<Spec>,
      {"lifetime_years", &Spec::lifetime_years, "years", range::above(0)},
      {"opex_premium_eur_per_t", &Spec::opex_premium_eur_per_t, "EUR/t", range::capped(0, kMaxEur)},
      {"standby_cost_per_year", &Spec::standby_cost_per_year, "EUR/yr", range::capped(0, kMaxEur)},
      {"feedstock_lead_time_days", &Spec::feedstock_lead_time_days, "days", range::at_least(0)},
      {"lead_time_days", &Spec::lead_time_days, "days", range::at_least(0)},
      {"yield", &Spec::yield, "1", range::left_open(0, 1e3)},
      {"buffer_days", &Spec::buffer_days, "days", range::at_least(0)},
  }};
  // Last of the network levers: after diversification and recycling have rescaled the contracts.
  static constexpr int kApplyOrder = 3;

  static bool is_off(const Spec& s) { return s.capacity_tpy == 0; }
  static std::string inapplicable(const Spec& s, std::string_view field);
  static std::vector<std::string> added_node_ids(const Spec& spec, const Scenario& sc);
  static void apply(const Spec& spec, AppliedPolicy& out);
  static Spec read(LeverFields& in);
};

}  // namespace crisp
