#include "models/futures.hpp"

#include <cmath>
#include <stdexcept>

#include "core/sensitivity_indices.hpp"

namespace crisp {

const char* to_string(FuturesSpec::Method m) {
  return m == FuturesSpec::Method::morris ? "morris" : "sobol";
}

std::int64_t futures_count(const FuturesSpec& spec) {
  const auto k = static_cast<std::int64_t>(spec.parameters.size());
  return spec.method == FuturesSpec::Method::morris ? spec.samples * (k + 1)
                                                    : spec.samples * (k + 2);
}

std::vector<double> futures_points(const FuturesSpec& spec, std::uint64_t seed) {
  const auto n = static_cast<std::size_t>(spec.samples);
  const std::size_t k = spec.parameters.size();
  if (spec.method == FuturesSpec::Method::morris)
    return morris_design(n, k, static_cast<std::size_t>(spec.levels), seed).x;
  return saltelli_design(n, k).x;
}

double factor_at(const UncertainParameter& p, double u) {
  if (p.log) return p.min * std::pow(p.max / p.min, u);
  return p.min + u * (p.max - p.min);
}

Scenario future_scenario(const Scenario& s, const FuturesSpec& spec,
                         const std::vector<double>& factors) {
  Scenario out = s;
  for (std::size_t i = 0; i < spec.parameters.size(); ++i)
    if (spec.parameters[i].parameter.target != SensitivityParameter::Target::lever)
      out = scale_parameter(out, spec.parameters[i].parameter, factors[i]);
  return out;
}

}  // namespace crisp
