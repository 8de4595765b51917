#pragma once
// Scenario discovery over shock histories (the experiment's [discovery]; docs/model.md "Shock
// histories that defeat a policy", docs/results-format.md "/discovery"): for each policy set that
// acts, PRIM's box of the shock features (each shock's days in force and longest spell, /shocks)
// in which the set fails a criterion in a replication of the scenario as given, e.g. the Dutch
// gallium shortage lasting over 60 days despite the stockpile.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "models/futures.hpp"
#include "models/metrics.hpp"
#include "models/scenario.hpp"
#include "policies/policy_set.hpp"
#include "sim/results/results_file.hpp"

namespace crisp {

// The material set `set` acts on: the one every lever of it names, else layout.all_material().
int set_material(const PolicySet& set, const MetricLayout& layout);

// One series of the scenario as given, [policy][replication] row-major, for `slot`.
using SeriesOf = std::function<std::vector<double>(int slot)>;

// /discovery/histories and /discovery/history_bounds over replications [0, replications).
std::vector<std::pair<std::string, Table>> discover_histories(
    const DiscoverySpec& spec, const Scenario& scenario, const PolicyDesign& design,
    const MetricLayout& layout, std::uint64_t seed, std::int64_t replications,
    const SeriesOf& series);

}  // namespace crisp
