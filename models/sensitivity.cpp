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

void scale_shock(ShockSpec& k, const SensitivityParameter& p, double f) {
  constexpr double kNoCap = std::numeric_limits<double>::infinity();
  const bool timed = timing_of(k.kind).timed;
  if (p.field == "rate_per_year") {
    if (k.arrival != ArrivalKind::poisson) {
      fail(p, fmt::format("shock '{}' has no rate_per_year to scale: {}", k.name,
                          arrival_phrase(k.arrival)));
    }
    k.rate_per_year *= f;
  } else if (p.field == "duration_days") {
    if (!timed) {
      fail(p, fmt::format("shock '{}' is a {}, which has no duration", k.name, to_string(k.kind)));
    }
    for (ShockEvent& e : k.events) {
      e.duration_days *= f;
    }
    k.duration = scaled(k.duration, f, kNoCap);
  } else if (p.field == "severity") {
    if (!timed) {
      fail(p, fmt::format("shock '{}' is a {}, which has no severity", k.name, to_string(k.kind)));
    }
    for (ShockEvent& e : k.events) {
      e.severity = std::min(1.0, e.severity * f);
    }
    k.severity = scaled(k.severity, f, 1.0);
  } else if (p.field == "extra_delay_days") {
    if (!has_key(k.kind, "extra_delay_days")) {
      fail(p, fmt::format("shock '{}' is not a {}, so it has no extra_delay_days", k.name,
                          kinds_with_key("extra_delay_days")));
    }
    Distribution& extra_delay = k.as<ChokepointSpec>().extra_delay;
    extra_delay = scaled(extra_delay, f, kNoCap);
  } else if (p.field == "licence_delay_days" || p.field == "leakage") {
    if (!has_key(k.kind, p.field)) {
      fail(p, fmt::format("shock '{}' is not a {}, so it has no {}", k.name,
                          kinds_with_key(p.field), p.field));
    }
    auto& restriction = k.as<ExportRestrictionSpec>();
    if (p.field == "leakage")
      restriction.leakage = std::min(1.0, restriction.leakage * f);
    else
      restriction.licence_delay_days *= f;
  } else {
    fail(p, fmt::format("a shock has no parameter '{}' to scale", p.field));
  }
}

}  // namespace

const std::vector<std::string>& sensitivity_fields(SensitivityParameter::Target target) {
  static const std::vector<std::string> shock = {"rate_per_year",      "duration_days",
                                                 "severity",           "extra_delay_days",
                                                 "licence_delay_days", "leakage"};
  static const std::vector<std::string> demand = {"growth_per_year"};
  static const std::vector<std::string> material = {"demand_tpy", "value_of_lost_load_eur_per_t",
                                                    "price_eur_per_t"};
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

Scenario scale_parameter(const Scenario& s, const SensitivityParameter& p, double factor) {
  if (!(factor > 0) || !std::isfinite(factor)) {
    fail(p, fmt::format("a factor must be a finite number > 0, got {}", factor));
  }
  Scenario out = s;
  switch (p.target) {
    case SensitivityParameter::Target::shock:
      if (p.index < 0 || p.index >= static_cast<int>(out.shocks.size())) {
        throw std::logic_error("sensitivity: shock index out of range");
      }
      scale_shock(out.shocks[p.index], p, factor);
      break;
    case SensitivityParameter::Target::demand:
      if (p.field != "growth_per_year") fail(p, "demand has only growth_per_year to scale");
      for (NodeSpec& n : out.nodes) {
        if (n.kind != NodeKind::consumer) continue;
        n.growth_per_year *= factor;
        if (!(n.growth_per_year > -1)) {
          fail(p, fmt::format("times {} makes the growth_per_year of node '{}' {}, which must be "
                              "> -1",
                              factor, n.id, n.growth_per_year));
        }
      }
      break;
    case SensitivityParameter::Target::material: {
      if (p.index < 0 || p.index >= static_cast<int>(out.materials.size())) {
        throw std::logic_error("sensitivity: material index out of range");
      }
      if (p.field == "demand_tpy") {
        for (NodeSpec& n : out.nodes) {
          if (n.kind == NodeKind::consumer && n.material == p.index) n.demand_tpy *= factor;
        }
      } else if (p.field == "value_of_lost_load_eur_per_t") {
        out.materials[p.index].value_of_lost_load_eur_per_t *= factor;
      } else if (p.field == "price_eur_per_t") {
        out.materials[p.index].price_eur_per_t *= factor;
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
        n.demand_tpy *= factor;
      } else if (p.field == "capacity_tpy" && n.kind != NodeKind::consumer) {
        n.capacity_tpy *= factor;
      } else {
        fail(p, fmt::format("node '{}' is a {}, which has no {}", n.id,
                            n.kind == NodeKind::consumer ? "consumer" : "supplier", p.field));
      }
      break;
    }
    case SensitivityParameter::Target::region: {
      bool any = false;
      for (NodeSpec& n : out.nodes) {
        if (n.kind == NodeKind::consumer && n.material == p.index && n.region == p.owner) {
          n.demand_tpy *= factor;
          any = true;
        }
      }
      if (!any) fail(p, fmt::format("region '{}' has no consumer of this material", p.owner));
      break;
    }
    case SensitivityParameter::Target::lever:
      break;  // the policy design's (scale_lever_field)
  }
  return out;
}

}  // namespace crisp
