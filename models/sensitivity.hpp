#pragma once
// One-at-a-time sensitivity (the experiment file's [sensitivity]): scenario parameters scaled by
// a low and a high factor, one parameter at a time, for tornado charts. Run 0 is the scenario as
// given; each parameter then has one run per factor.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "models/scenario.hpp"

namespace crisp {

struct SensitivityParameter {
  enum class Target : std::uint8_t {
    shock,     // <shock>.<rate_per_year | duration_days | severity | extra_delay_days |
               //          licence_delay_days | leakage | announce_days | max_buffer_days>
    demand,    // demand.growth_per_year: every consumer
    material,  // <material>.<demand_tpy | value_of_lost_load_eur_per_t | price_eur_per_t |
               //   price_elasticity | demand_elasticity | price_adjust_days | substitution_rate |
               //   irreversible_share>
    node,      // <node id>.<demand_tpy | capacity_tpy>: one consumer, mine or refinery
    region,    // <region>.<material>.demand_tpy: the consumers of one region and material
    lever,     // <lever name>.<numeric field>: in every policy set that has the lever (its cost,
               // say); the policy design scales it (policies/policy_set.hpp scale_lever_field)
  };
  std::string name;  // as the experiment file gives it: "china-controls.duration_days"
  Target target = Target::shock;
  int index = -1;          // the shock, material or node; region: the material
  std::string field;       // the part after the last '.'
  std::string owner = {};  // the part before it: region: the region; lever: the lever's name
};

struct SensitivitySpec {
  std::vector<double> factors = {0.5, 2.0};  // low, high
  std::vector<SensitivityParameter> parameters;
};

// The fields each target scales, for the loader's messages.
const std::vector<std::string>& sensitivity_fields(SensitivityParameter::Target target);

struct SensitivityRun {
  int parameter = -1;  // index into SensitivitySpec::parameters; -1 for run 0 (unscaled)
  double factor = 1;
};
// Run 0 unscaled, then for each parameter in order one run per factor in order.
std::vector<SensitivityRun> sensitivity_runs(const SensitivitySpec& spec);

// The scenario with `p` multiplied by `factor` (docs/model.md "Sensitivity"): a shock's
// distribution by its location (a fixed value, both uniform bounds, the lognormal median, the
// exponential mean, a beta's scale), replayed events one by one, severities capped at 1. Throws
// std::invalid_argument when `p` does not apply to its target (a rate of a shock that has no
// Poisson arrivals) or the scaled value is out of its range. A lever parameter leaves the
// scenario as it is: the policy design holds levers.
Scenario scale_parameter(const Scenario& s, const SensitivityParameter& p, double factor);
// The scenario with `p` set to `value` (crisp calibrate; docs/model.md "Calibration"): the same
// path as scale_parameter, so a parameter that one reaches the other reaches too, held to the
// range the experiment file holds the field to. A replayed shock's events all take the value.
// Throws std::invalid_argument when `p` names several values (every consumer's demand of a
// material), a drawn distribution, a lever, or the value is out of range.
Scenario set_parameter(const Scenario& s, const SensitivityParameter& p, double value);
// The value set_parameter would replace; throws std::invalid_argument as it does, and when the
// values it would replace differ (replayed events of different severities).
double parameter_value(const Scenario& s, const SensitivityParameter& p);

}  // namespace crisp
