// Reading a [[policy]] of kind "diversification" (policies/levers/diversification.hpp).

#include <algorithm>

#include <fmt/format.h>

#include "sim/experiment/lever_reader.hpp"

namespace crisp {

using namespace experiment_detail;
using toml_input::at_least;
using toml_input::capped;
using toml_input::left_open;

Lever DiversificationLever::read(const LeverInput& in) {
  const Table& t = in.t;
  const Scenario& sc = in.sc;
  const Catalog& catalog = in.catalog;
  FieldRanges& fields = in.fields;
  Lever lever;
  auto& spec =
      start_regional_lever<DiversificationSpec>(lever, t, sc, catalog, "diversification", false);

  const auto suppliers =
      node_ids(sc, spec.material, [](const NodeSpec& n) { return n.kind != NodeKind::consumer; });
  const std::string what =
      fmt::format("a mine or refinery of '{}'", sc.materials[spec.material].name);
  const Value alternatives = t.require("alternatives", "a list of mine and refinery ids");
  for (const auto& item : alternatives.list(false)) {
    const std::string id = resolve_among(item, item.string(), suppliers, sc, what).id;
    if (std::find(spec.alternatives.begin(), spec.alternatives.end(), id) !=
        spec.alternatives.end()) {
      item.fail_with(fmt::format("alternatives lists '{}' twice", id));
    }
    spec.alternatives.push_back(id);
  }

  LeverNumbers numbers(lever, catalog, fields);
  numbers.read(t, "max_country_share", left_open(0, 1));
  numbers.read(t, "premium_eur_per_t", capped(0, kMaxEur));
  numbers.read(t, "lead_time_days", at_least(0));
  numbers.finish();
  return lever;
}

}  // namespace crisp
