// Reading [sensitivity] (README "Experiment file reference", docs/model.md "Sensitivity"): the
// factors and the scenario parameters of a one-at-a-time sensitivity analysis.

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

#include "sim/experiment/sections.hpp"

namespace crisp::experiment_detail {

using toml_input::above;

namespace {

using Target = SensitivityParameter::Target;

const char* target_noun(Target t) {
  switch (t) {
    case Target::shock:
      return "shock";
    case Target::demand:
      return "demand";
    case Target::material:
      break;
  }
  return "material";
}

// "<shock>.<field>", "demand.growth_per_year" or "<material>.<field>", split at the last '.'.
SensitivityParameter resolve_parameter(const Value& item, const Scenario& sc) {
  const std::string name = item.string();
  const auto dot = name.rfind('.');
  if (dot == std::string::npos || dot == 0 || dot + 1 == name.size()) {
    item.fail(
        "'<shock>.<parameter>', 'demand.growth_per_year' or '<material>.<parameter>', such as "
        "'outages.duration_days'");
  }
  const std::string owner = name.substr(0, dot), field = name.substr(dot + 1);

  // A name may be a shock's and a material's at once: the field decides.
  std::vector<SensitivityParameter> candidates;
  if (owner == "demand") candidates.push_back({name, Target::demand, -1, field});
  for (int k = 0; k < static_cast<int>(sc.shocks.size()); ++k) {
    if (sc.shocks[k].name == owner) candidates.push_back({name, Target::shock, k, field});
  }
  if (const int m = sc.find_material(owner); m >= 0) {
    candidates.push_back({name, Target::material, m, field});
  }
  for (const auto& c : candidates) {
    const auto& fields = sensitivity_fields(c.target);
    if (std::find(fields.begin(), fields.end(), field) != fields.end()) return c;
  }
  if (candidates.size() == 1 && candidates.front().target == Target::demand) {
    item.fail_with(fmt::format(
        "{}: 'demand' scales only growth_per_year (of every consumer){}", item.key(),
        field == "demand_tpy" ? "; demand_tpy is scaled per material: '<material>.demand_tpy'"
                              : toml_input::suggest(field, sensitivity_fields(Target::demand))));
  }
  if (!candidates.empty()) {
    const Target t = candidates.front().target;
    item.fail_with(fmt::format("{}: {} '{}' has no parameter '{}' to scale{}", item.key(),
                               target_noun(t), owner, field,
                               toml_input::suggest(field, sensitivity_fields(t))));
  }
  std::vector<std::string> owners = {"demand"};
  for (const auto& k : sc.shocks) {
    owners.push_back(k.name);
  }
  for (const auto& m : sc.materials) {
    owners.push_back(m.name);
  }
  item.fail_with(fmt::format("{}: '{}' names no shock or material (nor 'demand'){}", item.key(),
                             owner, toml_input::suggest(owner, owners)));
}

}  // namespace

SensitivitySpec read_sensitivity(const Table& t, const Scenario& sc) {
  t.check_keys({.allowed = {"factors", "parameters"}});
  SensitivitySpec spec;
  if (const auto factors = t.get("factors")) {
    const auto items = factors->list();
    if (items.size() != 2) factors->fail("a list of two factors [low, high], such as [0.5, 2.0]");
    spec.factors.clear();
    for (const auto& item : items) {
      const double f = item.number(above(0));
      if (f == 1) {
        item.fail_with(fmt::format("{} must differ from 1: the unscaled scenario is always run 0",
                                   item.key()));
      }
      if (!spec.factors.empty() && spec.factors.front() == f) {
        item.fail_with(fmt::format("factors lists {} twice", f));
      }
      spec.factors.push_back(f);
    }
  }
  const Value parameters = t.require(
      "parameters",
      "a list of parameters such as [\"outages.duration_days\", \"demand.growth_per_year\"]");
  for (const auto& item : parameters.list(false)) {
    SensitivityParameter p = resolve_parameter(item, sc);
    for (const auto& q : spec.parameters) {
      if (q.name == p.name) item.fail_with(fmt::format("parameters lists '{}' twice", p.name));
    }
    for (const double f : spec.factors) {
      try {
        scale_parameter(sc, p, f);
      } catch (const std::invalid_argument& e) {
        item.fail_with(fmt::format("{}: {}", item.key(), e.what()));
      }
    }
    spec.parameters.push_back(std::move(p));
  }
  return spec;
}

}  // namespace crisp::experiment_detail
