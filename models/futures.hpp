#pragma once
// Futures (the experiment's [futures]; docs/model.md "Futures"): uncertain scenario parameters,
// each a factor range on a value the scenario gives, and the points at which they are sampled.
// Every policy set is simulated in every future on the same replications (common random
// numbers), so what differs between futures is the parameters alone.

#include <cstdint>
#include <string>
#include <vector>

#include "models/metrics.hpp"
#include "models/scenario.hpp"
#include "models/sensitivity.hpp"

namespace crisp {

struct UncertainParameter {
  SensitivityParameter parameter;  // what is scaled, as [sensitivity] names it
  double min = 1, max = 1;         // the factor's range
  bool log = false;                // sampled uniformly in log(factor) rather than in factor
};

struct FuturesSpec {
  // sobol: a Saltelli design of `samples` base samples, samples x (k + 2) futures, giving Sobol
  // indices; morris: `samples` trajectories of k + 1 futures, giving elementary effects.
  enum class Method : std::uint8_t { sobol, morris } method = Method::sobol;
  std::int64_t samples = 16;
  std::int64_t levels = 4;        // morris: grid levels per parameter
  std::int64_t replications = 0;  // per future; 0: the experiment's
  std::vector<UncertainParameter> parameters;
  std::string region;            // the region whose net benefit is judged; "": the first
  std::string material = "all";  // ... and material ("all": every material)
};

const char* to_string(FuturesSpec::Method m);

// [discovery]: which replications count as a policy set's failures for scenario discovery over
// shock histories (sim/runner/history_discovery.hpp).
struct DiscoverySpec {
  std::string region;                     // the judged report region
  Metric metric = Metric::shortage_days;  // a replication fails when this is above `above`
  double above = 60;
  std::string material = {};  // empty: each set's own (the material all its levers act on)
};

// The futures' coordinates in the unit cube, row-major (futures x parameters), in the order of
// the design (core/sensitivity_indices.hpp: Saltelli rows grouped by base sample, Morris
// rows by trajectory). `seed` draws the Morris trajectories; a Sobol design has none.
std::vector<double> futures_points(const FuturesSpec& spec, std::uint64_t seed);
std::int64_t futures_count(const FuturesSpec& spec);

// The factor at coordinate u in (0, 1) of the parameter's range.
double factor_at(const UncertainParameter& p, double u);

// The scenario of one future: every scenario parameter (not a lever's) scaled by its factor, in
// the spec's order. Throws std::invalid_argument as scale_parameter does.
Scenario future_scenario(const Scenario& s, const FuturesSpec& spec,
                         const std::vector<double>& factors);

}  // namespace crisp
