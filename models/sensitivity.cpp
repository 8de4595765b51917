#include "models/sensitivity.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <variant>

#include <fmt/format.h>

#include "core/overloaded.hpp"
#include "models/shocks/kinds.hpp"

namespace crisp {

namespace {

// Multiplies a distribution by `f` (f > 0) through its location. A fixed value is capped at
// `cap`; draws of the others are clamped when sampled (models/shocks.hpp), so they keep their
// draws: a scaled run uses the same random numbers as the unscaled one.
Distribution scaled(const Distribution& d, double f, double cap) {
  return std::visit(
      Overloaded{
          [&](const Fixed& x) -> Distribution { return Fixed{std::min(cap, x.value * f)}; },
          [&](const Uniform& x) -> Distribution {
            return Uniform{x.a * f, x.b * f};
          },
          [&](const LogNormal& x) -> Distribution {
            return LogNormal{x.median * f, x.sigma};
          },
          [&](const Exponential& x) -> Distribution { return Exponential{x.mean * f}; },
          [&](const Beta& x) -> Distribution {
            return Beta{x.a, x.b, x.scale * f};
          },
      },
      d);
}

[[noreturn]] void fail(const SensitivityParameter& p, std::string_view why) {
  throw std::invalid_argument(fmt::format("{}: {}", p.name, why));
}

// What happens to a parameter: multiplied by a factor ([sensitivity], [futures]) or set to a
// value (crisp calibrate). One path for both, so that a field reached one way is reached the
// other way too, with the same checks.
struct Change {
  bool set = false;
  double x = 1;  // the factor, or the value
  double of(double v) const { return set ? x : v * x; }
};

// A distribution set to a value: only a fixed one has a single value to set.
Distribution set_distribution(const SensitivityParameter& p, const Distribution& d, double v) {
  if (!std::holds_alternative<Fixed>(d)) {
    fail(p, "is drawn from a distribution, which has no single value to set (scale it instead)");
  }
  return Fixed{v};
}

// A field that must stay within [lo, hi] once changed (the experiment file's own range for it).
void check_range(const SensitivityParameter& p, const Change& c, double v, double lo, double hi,
                 bool open_low = false) {
  const bool ok = std::isfinite(v) && (open_low ? v > lo : v >= lo) && v <= hi;
  if (ok) return;
  const std::string range = std::isinf(hi)
                                ? fmt::format("{} {:g}", open_low ? ">" : ">=", lo)
                                : fmt::format("in {}{:g}, {:g}]", open_low ? "(" : "[", lo, hi);
  if (c.set) fail(p, fmt::format("must be {}, got {:g}", range, v));
  fail(p, fmt::format("times {:g} would be {:g}, which must be {}", c.x, v, range));
}

const char* arrival_phrase(ArrivalKind a) {
  switch (a) {
    case ArrivalKind::fixed_start:
      return "it starts on a fixed start_day";
    case ArrivalKind::replay:
      return "it replays events";
    case ArrivalKind::child:
      return "a crisis starts it";
    case ArrivalKind::poisson:
      break;
  }
  return "";
}

void change_shock(ShockSpec& k, const SensitivityParameter& p, const Change& c) {
  constexpr double kNoCap = std::numeric_limits<double>::infinity();
  constexpr double kInf = std::numeric_limits<double>::infinity();
  const bool timed = timing_of(k.kind).timed;
  // A replayed shock's events all take a set value; its distribution (unused) keeps its own.
  auto set_events_or_distribution = [&](Distribution& d, auto event_field) {
    for (ShockEvent& e : k.events)
      e.*event_field = c.x;
    if (k.arrival != ArrivalKind::replay) d = set_distribution(p, d, c.x);
  };
  if (p.field == "rate_per_year") {
    if (k.arrival != ArrivalKind::poisson) {
      fail(p, fmt::format("shock '{}' has no rate_per_year to scale: {}", k.name,
                          arrival_phrase(k.arrival)));
    }
    k.rate_per_year = c.of(k.rate_per_year);
    if (c.set) check_range(p, c, k.rate_per_year, 0, kInf);
  } else if (p.field == "duration_days") {
    if (!timed) {
      fail(p, fmt::format("shock '{}' is a {}, which has no duration", k.name, to_string(k.kind)));
    }
    if (c.set) {
      check_range(p, c, c.x, 0, kInf, true);
      set_events_or_distribution(k.duration, &ShockEvent::duration_days);
    } else {
      for (ShockEvent& e : k.events) {
        e.duration_days *= c.x;
      }
      k.duration = scaled(k.duration, c.x, kNoCap);
    }
  } else if (p.field == "severity") {
    if (!timed) {
      fail(p, fmt::format("shock '{}' is a {}, which has no severity", k.name, to_string(k.kind)));
    }
    if (c.set) {
      check_range(p, c, c.x, 0, 1);
      set_events_or_distribution(k.severity, &ShockEvent::severity);
    } else {
      for (ShockEvent& e : k.events) {
        e.severity = std::min(1.0, e.severity * c.x);
      }
      k.severity = scaled(k.severity, c.x, 1.0);
    }
  } else if (p.field == "extra_delay_days") {
    if (!has_key(k.kind, "extra_delay_days")) {
      fail(p, fmt::format("shock '{}' is not a {}, so it has no extra_delay_days", k.name,
                          kinds_with_key("extra_delay_days")));
    }
    Distribution& extra_delay = k.as<ChokepointSpec>().extra_delay;
    if (c.set) {
      check_range(p, c, c.x, 0, kInf);
      extra_delay = set_distribution(p, extra_delay, c.x);
    } else {
      extra_delay = scaled(extra_delay, c.x, kNoCap);
    }
  } else if (p.field == "licence_delay_days" || p.field == "leakage" ||
             p.field == "announce_days" || p.field == "max_buffer_days") {
    if (!has_key(k.kind, p.field)) {
      fail(p, fmt::format("shock '{}' is not a {}, so it has no {}", k.name,
                          kinds_with_key(p.field), p.field));
    }
    auto& restriction = k.as<ExportRestrictionSpec>();
    if (p.field == "leakage") {
      // A scaled leakage is capped at 1; a set one must be a fraction.
      restriction.leakage = c.set ? c.x : std::min(1.0, restriction.leakage * c.x);
      check_range(p, c, restriction.leakage, 0, 1);
    } else if (p.field == "licence_delay_days") {
      restriction.licence_delay_days = c.of(restriction.licence_delay_days);
      if (c.set) check_range(p, c, restriction.licence_delay_days, 0, kInf);
    } else if (p.field == "announce_days") {
      restriction.announce_days = c.of(restriction.announce_days);
      check_range(p, c, restriction.announce_days, 0, kInf);
      if (restriction.max_buffer_days > 0 && !(restriction.announce_days > 0))
        fail(p, fmt::format("shock '{}' gives max_buffer_days, which needs announce_days > 0",
                            k.name));
    } else {
      if (!(restriction.announce_days > 0))
        fail(p, fmt::format("shock '{}' has no announce_days, so max_buffer_days does nothing",
                            k.name));
      restriction.max_buffer_days = c.of(restriction.max_buffer_days);
      check_range(p, c, restriction.max_buffer_days, 0, kInf);
    }
  } else {
    fail(p, fmt::format("a shock has no parameter '{}' to scale", p.field));
  }
}

// The market fields of a material (docs/model.md "Market response", "Demand response and a
// stepped price"), each acting only when its block is given.
void change_market(MaterialSpec& m, const SensitivityParameter& p, const Change& c) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  auto needs = [&](bool enabled, const char* block) {
    if (!enabled)
      fail(p, fmt::format("material '{}' has no {} block, so {} does nothing", m.name, block,
                          p.field));
  };
  // Demand answers the price, and the price adjusts, only at market steps (docs/model.md "Demand
  // response and a stepped price"): the experiment file turns them on, never a changed value,
  // which would switch the whole price rule.
  auto needs_steps = [&] {
    needs(m.market.enabled, "market");
    if (!m.market.stepped())
      fail(p, fmt::format("material '{}' has a market without price steps, where {} does nothing "
                          "(give its market price_step_days, demand_elasticity or "
                          "price_adjust_days or stock_building_days in the experiment file)",
                          m.name, p.field));
  };
  if (p.field == "price_elasticity") {
    needs(m.market.enabled, "market");
    m.market.price_elasticity = c.of(m.market.price_elasticity);
    check_range(p, c, m.market.price_elasticity, 0, kInf, true);
  } else if (p.field == "demand_elasticity") {
    needs_steps();
    m.market.demand_elasticity = c.of(m.market.demand_elasticity);
    check_range(p, c, m.market.demand_elasticity, 0, kInf);
  } else if (p.field == "price_adjust_days") {
    needs_steps();
    m.market.price_adjust_days = c.of(m.market.price_adjust_days);
    check_range(p, c, m.market.price_adjust_days, 0, kInf);
    if (m.market.price_adjust_days == 0 && m.market.stock_building_days > 0)
      fail(p, fmt::format("material '{}' builds stock, which needs price_adjust_days > 0", m.name));
  } else if (p.field == "stock_building_days") {
    needs_steps();
    m.market.stock_building_days = c.of(m.market.stock_building_days);
    check_range(p, c, m.market.stock_building_days, 0, kInf);
    if (m.market.stock_building_days > 0 && m.market.price_adjust_days == 0)
      fail(p, fmt::format("material '{}' has price_adjust_days 0, where stock building does "
                          "nothing (it acts on the rise still to come toward the price's target)",
                          m.name));
  } else if (p.field == "substitution_rate") {
    needs(m.substitution.enabled, "substitution");
    m.substitution.rate_per_year = c.of(m.substitution.rate_per_year);
    check_range(p, c, m.substitution.rate_per_year, 0, kInf);
  } else {  // irreversible_share
    needs(m.substitution.enabled, "substitution");
    m.substitution.irreversible_share = c.of(m.substitution.irreversible_share);
    check_range(p, c, m.substitution.irreversible_share, 0, 1);
  }
}

bool is_market_field(const std::string& field) {
  return field == "price_elasticity" || field == "demand_elasticity" ||
         field == "price_adjust_days" || field == "stock_building_days" ||
         field == "substitution_rate" || field == "irreversible_share";
}

}  // namespace

const std::vector<std::string>& sensitivity_fields(SensitivityParameter::Target target) {
  static const std::vector<std::string> shock = {
      "rate_per_year",      "duration_days", "severity",      "extra_delay_days",
      "licence_delay_days", "leakage",       "announce_days", "max_buffer_days"};
  static const std::vector<std::string> demand = {"growth_per_year"};
  static const std::vector<std::string> material = {
      "demand_tpy",          "value_of_lost_load_eur_per_t",
      "price_eur_per_t",     "price_elasticity",
      "demand_elasticity",   "price_adjust_days",
      "stock_building_days", "substitution_rate",
      "irreversible_share"};
  static const std::vector<std::string> node = {"demand_tpy", "capacity_tpy"};
  static const std::vector<std::string> region = {"demand_tpy"};
  static const std::vector<std::string> lever = {};  // the lever kind's numeric fields
  switch (target) {
    case SensitivityParameter::Target::shock:
      return shock;
    case SensitivityParameter::Target::demand:
      return demand;
    case SensitivityParameter::Target::node:
      return node;
    case SensitivityParameter::Target::region:
      return region;
    case SensitivityParameter::Target::lever:
      return lever;
    case SensitivityParameter::Target::material:
      break;
  }
  return material;
}

std::vector<SensitivityRun> sensitivity_runs(const SensitivitySpec& spec) {
  std::vector<SensitivityRun> runs{{-1, 1.0}};
  for (int p = 0; p < static_cast<int>(spec.parameters.size()); ++p) {
    for (double f : spec.factors) {
      runs.push_back({p, f});
    }
  }
  return runs;
}

namespace {

// Several values (every consumer's demand of a material or region) have no one value to set.
[[noreturn]] void fail_several(const SensitivityParameter& p, std::string_view what) {
  fail(p, fmt::format("is {}, several values with no single one to set (name one node's instead)",
                      what));
}

Scenario change_parameter(const Scenario& s, const SensitivityParameter& p, const Change& c) {
  Scenario out = s;
  switch (p.target) {
    case SensitivityParameter::Target::shock:
      if (p.index < 0 || p.index >= static_cast<int>(out.shocks.size())) {
        throw std::logic_error("sensitivity: shock index out of range");
      }
      change_shock(out.shocks[p.index], p, c);
      break;
    case SensitivityParameter::Target::demand:
      if (p.field != "growth_per_year") fail(p, "demand has only growth_per_year to scale");
      for (NodeSpec& n : out.nodes) {
        if (n.kind != NodeKind::consumer) continue;
        n.growth_per_year = c.of(n.growth_per_year);
        if (!(n.growth_per_year > -1) && !c.set) {
          fail(p, fmt::format("times {} makes the growth_per_year of node '{}' {}, which must be "
                              "> -1",
                              c.x, n.id, n.growth_per_year));
        }
        if (c.set) check_range(p, c, n.growth_per_year, -1, 1, true);
      }
      break;
    case SensitivityParameter::Target::material: {
      if (p.index < 0 || p.index >= static_cast<int>(out.materials.size())) {
        throw std::logic_error("sensitivity: material index out of range");
      }
      if (p.field == "demand_tpy") {
        if (c.set) fail_several(p, "the demand of every consumer of the material");
        for (NodeSpec& n : out.nodes) {
          if (n.kind == NodeKind::consumer && n.material == p.index) n.demand_tpy *= c.x;
        }
      } else if (p.field == "value_of_lost_load_eur_per_t") {
        double& v = out.materials[p.index].value_of_lost_load_eur_per_t;
        v = c.of(v);
        if (c.set) check_range(p, c, v, 0, std::numeric_limits<double>::infinity());
      } else if (p.field == "price_eur_per_t") {
        double& v = out.materials[p.index].price_eur_per_t;
        v = c.of(v);
        if (c.set) check_range(p, c, v, 0, std::numeric_limits<double>::infinity(), true);
      } else if (is_market_field(p.field)) {
        change_market(out.materials[p.index], p, c);
      } else {
        fail(p, fmt::format("a material has no parameter '{}' to scale", p.field));
      }
      break;
    }
    case SensitivityParameter::Target::node: {
      if (p.index < 0 || p.index >= static_cast<int>(out.nodes.size())) {
        throw std::logic_error("sensitivity: node index out of range");
      }
      NodeSpec& n = out.nodes[p.index];
      if (p.field == "demand_tpy" && n.kind == NodeKind::consumer) {
        n.demand_tpy = c.of(n.demand_tpy);
      } else if (p.field == "capacity_tpy" && n.kind != NodeKind::consumer) {
        n.capacity_tpy = c.of(n.capacity_tpy);
      } else {
        fail(p, fmt::format("node '{}' is a {}, which has no {}", n.id,
                            n.kind == NodeKind::consumer ? "consumer" : "supplier", p.field));
      }
      if (c.set) check_range(p, c, c.x, 0, std::numeric_limits<double>::infinity());
      break;
    }
    case SensitivityParameter::Target::region: {
      if (c.set) fail_several(p, "the demand of every consumer of the region and material");
      bool any = false;
      for (NodeSpec& n : out.nodes) {
        if (n.kind == NodeKind::consumer && n.material == p.index && n.region == p.owner) {
          n.demand_tpy *= c.x;
          any = true;
        }
      }
      if (!any) fail(p, fmt::format("region '{}' has no consumer of this material", p.owner));
      break;
    }
    case SensitivityParameter::Target::lever:
      if (c.set) fail(p, "is a lever's field: the policy design sets levers, not calibration");
      break;  // the policy design's (scale_lever_field)
  }
  return out;
}

}  // namespace

Scenario scale_parameter(const Scenario& s, const SensitivityParameter& p, double factor) {
  if (!(factor > 0) || !std::isfinite(factor)) {
    fail(p, fmt::format("a factor must be a finite number > 0, got {}", factor));
  }
  return change_parameter(s, p, Change{false, factor});
}

Scenario set_parameter(const Scenario& s, const SensitivityParameter& p, double value) {
  if (!std::isfinite(value)) fail(p, fmt::format("must be a finite number, got {}", value));
  return change_parameter(s, p, Change{true, value});
}

double parameter_value(const Scenario& s, const SensitivityParameter& p) {
  // Read back through the change path: scaling by 1 leaves the value as it is, and any value it
  // reaches is the one set_parameter would set; several that differ have no single value.
  const Scenario same = scale_parameter(s, p, 1.0);
  std::vector<double> values;
  auto one_of = [&](const Distribution& d) {
    if (const Fixed* f = std::get_if<Fixed>(&d)) {
      values.push_back(f->value);
    } else {
      fail(p, "is drawn from a distribution, which has no single value to set (scale it instead)");
    }
  };
  switch (p.target) {
    case SensitivityParameter::Target::shock: {
      const ShockSpec& k = same.shocks[static_cast<std::size_t>(p.index)];
      if (p.field == "rate_per_year") {
        values.push_back(k.rate_per_year);
      } else if (p.field == "duration_days" || p.field == "severity") {
        const bool duration = p.field == "duration_days";
        for (const ShockEvent& e : k.events)
          values.push_back(duration ? e.duration_days : e.severity);
        if (k.arrival != ArrivalKind::replay) one_of(duration ? k.duration : k.severity);
      } else if (p.field == "extra_delay_days") {
        one_of(k.as<ChokepointSpec>().extra_delay);
      } else {
        const auto& r = k.as<ExportRestrictionSpec>();
        values.push_back(p.field == "leakage"              ? r.leakage
                         : p.field == "licence_delay_days" ? r.licence_delay_days
                         : p.field == "announce_days"      ? r.announce_days
                                                           : r.max_buffer_days);
      }
      break;
    }
    case SensitivityParameter::Target::demand:
      for (const NodeSpec& n : same.nodes)
        if (n.kind == NodeKind::consumer) values.push_back(n.growth_per_year);
      break;
    case SensitivityParameter::Target::material: {
      const MaterialSpec& m = same.materials[static_cast<std::size_t>(p.index)];
      if (p.field == "demand_tpy") fail_several(p, "the demand of every consumer of the material");
      values.push_back(p.field == "value_of_lost_load_eur_per_t" ? m.value_of_lost_load_eur_per_t
                       : p.field == "price_eur_per_t"            ? m.price_eur_per_t
                       : p.field == "price_elasticity"           ? m.market.price_elasticity
                       : p.field == "demand_elasticity"          ? m.market.demand_elasticity
                       : p.field == "price_adjust_days"          ? m.market.price_adjust_days
                       : p.field == "stock_building_days"        ? m.market.stock_building_days
                       : p.field == "substitution_rate"          ? m.substitution.rate_per_year
                                                        : m.substitution.irreversible_share);
      break;
    }
    case SensitivityParameter::Target::node: {
      const NodeSpec& n = same.nodes[static_cast<std::size_t>(p.index)];
      values.push_back(p.field == "demand_tpy" ? n.demand_tpy : n.capacity_tpy);
      break;
    }
    case SensitivityParameter::Target::region:
      fail_several(p, "the demand of every consumer of the region and material");
    case SensitivityParameter::Target::lever:
      fail(p, "is a lever's field: the policy design sets levers, not calibration");
  }
  if (values.empty()) fail(p, "has no value in this scenario");
  for (double v : values)
    if (v != values.front())
      fail(p, fmt::format("takes several values ({:g} and {:g}), with no single one to set",
                          values.front(), v));
  return values.front();
}

}  // namespace crisp
