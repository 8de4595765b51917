// Reading [sensitivity] (README "Experiment file reference", docs/model.md "Sensitivity"): the
// factors and the scenario parameters of a one-at-a-time sensitivity analysis.

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <stdexcept>
#include <variant>

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
    case Target::node:
      return "node";
    case Target::region:
      return "region";
    case Target::lever:
      return "lever";
    case Target::material:
      break;
  }
  return "material";
}

}  // namespace

// "<shock>.<field>", "demand.growth_per_year", "<material>.<field>", "<node>.<field>",
// "<region>.<material>.demand_tpy" or "<lever>.<field>", split at the last '.'.
SensitivityParameter resolve_parameter(const Value& item, const Scenario& sc,
                                       const std::vector<Lever>& levers) {
  const std::string name = item.string();
  const auto dot = name.rfind('.');
  if (dot == std::string::npos || dot == 0 || dot + 1 == name.size()) {
    item.fail(
        "'<shock>.<parameter>', 'demand.growth_per_year', '<material>.<parameter>', "
        "'<node>.<parameter>', '<region>.<material>.demand_tpy' or '<lever>.<field>', such as "
        "'outages.duration_days'");
  }
  const std::string owner = name.substr(0, dot), field = name.substr(dot + 1);

  // A name may be a shock's, a material's and a node's at once: the field decides, in this order.
  std::vector<SensitivityParameter> candidates;
  if (owner == "demand") candidates.push_back({name, Target::demand, -1, field, owner});
  for (int k = 0; k < static_cast<int>(sc.shocks.size()); ++k) {
    if (sc.shocks[k].name == owner) candidates.push_back({name, Target::shock, k, field, owner});
  }
  if (const int m = sc.find_material(owner); m >= 0) {
    candidates.push_back({name, Target::material, m, field, owner});
  }
  if (const int n = sc.find_node(owner); n >= 0) {
    candidates.push_back({name, Target::node, n, field, owner});
  }
  if (const auto inner = owner.rfind('.'); inner != std::string::npos) {
    const std::string region = owner.substr(0, inner);
    const int m = sc.find_material(owner.substr(inner + 1));
    const bool has_region = std::any_of(sc.nodes.begin(), sc.nodes.end(), [&](const NodeSpec& n) {
      return n.kind == NodeKind::consumer && n.region == region;
    });
    if (m >= 0 && has_region) candidates.push_back({name, Target::region, m, field, region});
  }
  for (const auto& c : candidates) {
    const auto& fields = sensitivity_fields(c.target);
    if (std::find(fields.begin(), fields.end(), field) != fields.end()) return c;
  }
  for (const Lever& l : levers) {
    if (lever_name(l.base) != owner) continue;
    std::vector<std::string> fields;
    for (std::string_view f : numeric_fields(l.base))
      fields.emplace_back(f);
    if (std::find(fields.begin(), fields.end(), field) != fields.end())
      return {name, Target::lever, -1, field, owner};
    item.fail_with(fmt::format("{}: lever '{}' has no numeric field '{}'{}", item.key(), owner,
                               field, toml_input::suggest(field, fields)));
  }
  if (candidates.size() == 1 && candidates.front().target == Target::demand) {
    item.fail_with(fmt::format(
        "{}: 'demand' scales only growth_per_year (of every consumer){}", item.key(),
        field == "demand_tpy" ? "; demand_tpy is scaled per material ('<material>.demand_tpy'), "
                                "region ('<region>.<material>.demand_tpy') or node "
                                "('<node>.demand_tpy')"
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
  for (const Lever& l : levers) {
    owners.push_back(lever_name(l.base));
  }
  item.fail_with(
      fmt::format("{}: '{}' names no shock, material, node, region and material, or "
                  "lever (nor 'demand'){}",
                  item.key(), owner, toml_input::suggest(owner, owners)));
}

namespace {

// The numbers that locate a distribution, as scaling moves them (models/sensitivity.cpp): a fixed
// value, a uniform's bounds, a lognormal's median, an exponential's mean, a beta's scale.
std::vector<std::pair<const char*, double>> locations(const Distribution& d) {
  return std::visit(
      [](const auto& x) -> std::vector<std::pair<const char*, double>> {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, Fixed>)
          return {{"", x.value}};
        else if constexpr (std::is_same_v<T, Uniform>)
          return {{" (uniform lower bound)", x.a}, {" (uniform upper bound)", x.b}};
        else if constexpr (std::is_same_v<T, LogNormal>)
          return {{" (lognormal median)", x.median}};
        else if constexpr (std::is_same_v<T, Exponential>)
          return {{" (exponential mean)", x.mean}};
        else
          return {{" (beta scale)", x.scale}};
      },
      d);
}

}  // namespace

// The first value of the scaled scenario that passes the limit the experiment file's loader holds
// its field to (sections.hpp), as "<name> <value>, past the limit of <limit> ...": the scaled run
// would otherwise meet values no experiment file may give (infinite ones among them, or more shock
// events than the loader allows). None when every scaled value keeps within.
std::optional<std::string> past_limit(const Scenario& sc, const Scenario& scaled,
                                      const SensitivityParameter& p) {
  constexpr double kNoLimit = std::numeric_limits<double>::infinity();
  auto too_large = [&](const std::string& what, double v, double limit,
                       const char* unit) -> std::optional<std::string> {
    if (std::isfinite(v) && v <= limit) return std::nullopt;
    if (std::isinf(limit)) return fmt::format("{} would be {:g}, not a finite number", what, v);
    return fmt::format("{} would be {:g}{}, past its limit of {:g}{}", what, v, unit, limit, unit);
  };
  const double years = sc.horizon_days / kDaysPerYear;
  // A consumer's demand at the horizon, as the loader bounds it (kMaxGrownDemand).
  auto grown = [&](const NodeSpec& n) -> std::optional<std::string> {
    const double at_end = n.demand_tpy * std::pow(1 + n.growth_per_year, years);
    if (std::isfinite(at_end) && at_end <= kMaxGrownDemand) return std::nullopt;
    return fmt::format(
        "{} would grow the demand of node '{}' to {:g} t/yr within the {:g}-year horizon, past "
        "its limit of {:g} t/yr",
        p.name, n.id, at_end, years, kMaxGrownDemand);
  };
  switch (p.target) {
    case SensitivityParameter::Target::shock: {
      const ShockSpec& k = scaled.shocks[static_cast<std::size_t>(p.index)];
      if (p.field == "leakage") return std::nullopt;  // capped at 1
      if (p.field == "licence_delay_days")
        return too_large(p.name, k.as<ExportRestrictionSpec>().licence_delay_days, kMaxDays,
                         " days");
      if (p.field == "announce_days")
        return too_large(p.name, k.as<ExportRestrictionSpec>().announce_days, kMaxDays, " days");
      if (p.field == "max_buffer_days")
        return too_large(p.name, k.as<ExportRestrictionSpec>().max_buffer_days, kMaxDays, " days");
      if (p.field == "rate_per_year")
        return too_large(p.name, k.rate_per_year, kMaxShockRatePerYear, " per year");
      if (p.field == "severity") {  // capped at 1 (fixed, replayed) or clamped when drawn
        for (const auto& [what, v] : locations(k.severity))
          if (auto e = too_large(p.name + what, v, kNoLimit, ""); e) return e;
        return std::nullopt;
      }
      // duration_days or extra_delay_days, which only a chokepoint has (scale_parameter checked).
      const Distribution& d =
          p.field == "duration_days" ? k.duration : k.as<ChokepointSpec>().extra_delay;
      for (const auto& [what, v] : locations(d))
        if (auto e = too_large(p.name + what, v, kMaxDays, " days"); e) return e;
      if (p.field == "duration_days")
        for (std::size_t i = 0; i < k.events.size(); ++i)
          if (auto e = too_large(fmt::format("{} (events[{}])", p.name, i),
                                 k.events[i].duration_days, kMaxDays, " days");
              e)
            return e;
      return std::nullopt;
    }
    case SensitivityParameter::Target::demand:
      for (const NodeSpec& n : scaled.nodes) {
        if (n.kind != NodeKind::consumer) continue;
        if (auto e =
                too_large(fmt::format("{} of node '{}'", p.name, n.id), n.growth_per_year, 1, "");
            e)
          return e;
        if (auto e = grown(n); e) return e;
      }
      return std::nullopt;
    case SensitivityParameter::Target::material:
      // The market's fields are held to their ranges where they are changed
      // (models/sensitivity.cpp) but for the one limit that lives here, the days of a price
      // adjustment.
      if (p.field == "price_adjust_days")
        return too_large(
            p.name, scaled.materials[static_cast<std::size_t>(p.index)].market.price_adjust_days,
            kMaxDays, " days");
      if (p.field == "stock_building_days")
        return too_large(
            p.name, scaled.materials[static_cast<std::size_t>(p.index)].market.stock_building_days,
            kMaxDays, " days");
      if (p.field == "demand_elasticity")
        return too_large(
            p.name, scaled.materials[static_cast<std::size_t>(p.index)].market.demand_elasticity,
            kMaxDemandElasticity, "");
      if (p.field == "price_elasticity" || p.field == "substitution_rate" ||
          p.field == "irreversible_share")
        return std::nullopt;
      if (p.field == "price_eur_per_t")
        return too_large(p.name,
                         scaled.materials[static_cast<std::size_t>(p.index)].price_eur_per_t,
                         kMaxEur, " EUR/t");
      if (p.field == "value_of_lost_load_eur_per_t")
        return too_large(
            p.name,
            scaled.materials[static_cast<std::size_t>(p.index)].value_of_lost_load_eur_per_t,
            kMaxEur, " EUR/t");
      for (const NodeSpec& n : scaled.nodes) {
        if (n.kind != NodeKind::consumer || n.material != p.index) continue;
        if (auto e = too_large(fmt::format("{} of node '{}'", p.name, n.id), n.demand_tpy,
                               kMaxTonnes, " t/yr");
            e)
          return e;
        if (auto e = grown(n); e) return e;
      }
      return std::nullopt;
    case SensitivityParameter::Target::node: {
      const NodeSpec& n = scaled.nodes[static_cast<std::size_t>(p.index)];
      if (auto e = too_large(p.name, p.field == "demand_tpy" ? n.demand_tpy : n.capacity_tpy,
                             kMaxTonnes, " t/yr");
          e)
        return e;
      return n.kind == NodeKind::consumer ? grown(n) : std::nullopt;
    }
    case SensitivityParameter::Target::region:
      for (const NodeSpec& n : scaled.nodes) {
        if (n.kind != NodeKind::consumer || n.material != p.index || n.region != p.owner) continue;
        if (auto e = too_large(fmt::format("{} of node '{}'", p.name, n.id), n.demand_tpy,
                               kMaxTonnes, " t/yr");
            e)
          return e;
        if (auto e = grown(n); e) return e;
      }
      return std::nullopt;
    case SensitivityParameter::Target::lever:
      return std::nullopt;  // the lever's reader holds its fields to their ranges when applied
  }
  return std::nullopt;
}

SensitivitySpec read_sensitivity(const Table& t, const Scenario& sc,
                                 const std::vector<Lever>& levers) {
  t.check_keys({.allowed = {"factors", "parameters"}});
  SensitivitySpec spec;
  std::vector<Value> factor_items;  // where each factor is written; none for the defaults
  if (const auto factors = t.get("factors")) {
    const auto items = factors->list();
    factor_items = items;
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
    SensitivityParameter p = resolve_parameter(item, sc, levers);
    for (const auto& q : spec.parameters) {
      if (q.name == p.name) item.fail_with(fmt::format("parameters lists '{}' twice", p.name));
    }
    // Whether the parameter applies at all (a rate of a shock without Poisson arrivals): at the
    // parameter. Then whether each factor keeps the scaled values within the limits of their
    // fields (docs/model.md "Sensitivity"): at the factor, or at the parameter for the defaults.
    try {
      scale_parameter(sc, p, 1.0);
    } catch (const std::invalid_argument& e) {
      item.fail_with(fmt::format("{}: {}", item.key(), e.what()));
    }
    for (std::size_t i = 0; i < spec.factors.size(); ++i) {
      const double f = spec.factors[i];
      const Value& at = i < factor_items.size() ? factor_items[i] : item;
      const std::string factor =
          i < factor_items.size() ? fmt::format("{}: times {:g}", at.key(), f)
                                  : fmt::format("{}: times the default factor {:g}", at.key(), f);
      std::optional<std::string> why;
      try {
        why = past_limit(sc, scale_parameter(sc, p, f), p);
      } catch (const std::invalid_argument& e) {
        why = e.what();
      }
      if (why) at.fail_with(fmt::format("{}, {}", factor, *why));
    }
    spec.parameters.push_back(std::move(p));
  }
  return spec;
}

}  // namespace crisp::experiment_detail
