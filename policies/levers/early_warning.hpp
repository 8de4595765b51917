// The early_warning lever (docs/model.md "Policy levers other than stockpiles"): monitoring that
// warns a region ahead of a shock. Its spec lives in models/scenario.hpp because the engine reads
// it.
// One file holds the kind (policies/levers/lever_kind.hpp): its spec, name and keys, then its
// applier and its reader, each in a section compiled once where what it needs is known.
#ifndef CRISP_POLICIES_LEVERS_EARLY_WARNING_HPP
#define CRISP_POLICIES_LEVERS_EARLY_WARNING_HPP

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
  // It adds no nodes.
  static std::vector<std::string> added_node_ids(const Spec&, const Scenario&) { return {}; }
  static void apply(const Spec& spec, AppliedPolicy& out);     // below
  static Lever read(const experiment_detail::LeverInput& in);  // below
};

}  // namespace crisp

#endif  // CRISP_POLICIES_LEVERS_EARLY_WARNING_HPP

#ifdef CRISP_LEVER_APPLIERS  // compiled once, in policies/levers/appliers.cpp
#include <vector>

#include "policies/apply_detail.hpp"

namespace crisp {

// Monitoring costs `cost_per_year`, in equal parts over the materials it covers (every material
// when it names none: material -1).
void EarlyWarningLever::apply(const EarlyWarningSpec& spec, AppliedPolicy& out) {
  const Scenario& s = out.scenario;
  std::vector<int> materials;
  if (spec.material >= 0) {
    apply_detail::check_material(s, spec.material, spec.name);
    materials.push_back(spec.material);
  } else {
    for (std::size_t m = 0; m < s.materials.size(); ++m) {
      materials.push_back(static_cast<int>(m));
    }
  }
  out.effects.early_warnings.push_back(spec);
  if (materials.empty()) return;
  for (int m : materials) {
    LeverCost cost;
    cost.lever = spec.name;
    cost.material = m;
    cost.regions = spec.regions;
    cost.eur_per_year = spec.cost_per_year / static_cast<double>(materials.size());
    out.effects.costs.push_back(std::move(cost));
  }
}

}  // namespace crisp
#endif  // CRISP_LEVER_APPLIERS

#ifdef CRISP_LEVER_READERS  // compiled once, in sim/experiment/lever_readers.cpp
#include <fmt/format.h>

#include "sim/experiment/lever_reader.hpp"

namespace crisp::early_warning_reader {

using namespace experiment_detail;
using toml_input::at_least;
using toml_input::capped;

}  // namespace crisp::early_warning_reader

namespace crisp {

Lever EarlyWarningLever::read(const experiment_detail::LeverInput& in) {
  using namespace early_warning_reader;
  const auto& [t, sc, catalog, fields] = in;
  Lever lever;
  start_regional_lever<EarlyWarningSpec>(lever, t, sc, catalog, "early_warning", true);

  LeverNumbers numbers(lever, catalog, fields);
  numbers.require(t, "lead_days", at_least(0));
  numbers.read(t, "cost_per_year", capped(0, kMaxEur));
  numbers.finish();
  return lever;
}

}  // namespace crisp
#endif  // CRISP_LEVER_READERS
