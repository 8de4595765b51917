#pragma once
// The diversification lever (docs/model.md "Policy levers other than stockpiles"): a cap on the
// share of a region's supply from one country, the rest moved to alternative suppliers. Its
// applier and reader are in diversification.cpp (see lever_kind.hpp).

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "policies/levers/lever_kind.hpp"

namespace crisp {

struct DiversificationSpec {
  std::string name;  // "diversification <regions> <material>"
  std::vector<std::string> regions;
  int material = 0;
  double max_country_share = 0.65;
  std::vector<std::string> alternatives;  // supplier ids
  double premium_eur_per_t = 0;
  double lead_time_days = 30;  // of new edges to alternatives
};

struct DiversificationLever {
  using Spec = DiversificationSpec;
  static constexpr std::string_view kName = "diversification";
  static constexpr std::array<std::string_view, 6> kKeys = {"regions",           "material",
                                                            "max_country_share", "alternatives",
                                                            "premium_eur_per_t", "lead_time_days"};
  static constexpr std::array<Field<Spec>, 3> kFields{{
      {"max_country_share", &Spec::max_country_share, "1", range::left_open(0, 1), 1},
      {"premium_eur_per_t", &Spec::premium_eur_per_t, "EUR/t", range::capped(0, kMaxEur)},
      {"lead_time_days", &Spec::lead_time_days, "days", range::at_least(0)},
  }};
  static constexpr int kApplyOrder = 1;  // first of the network levers: on the file's contracts

  static bool is_off(const Spec& s) { return s.max_country_share >= 1; }
  static std::string inapplicable(const Spec&, std::string_view) { return ""; }
  // It adds no nodes.
  static std::vector<std::string> added_node_ids(const Spec&, const Scenario&) { return {}; }
  static void apply(const Spec& spec, AppliedPolicy& out);
  static Spec read(LeverFields& in);
};

}  // namespace crisp
