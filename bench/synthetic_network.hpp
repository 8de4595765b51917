#pragma once
// A synthetic one-material network for timing the engine at sizes the bundled scenarios do not
// reach (they have tens of nodes per material). Only the bench uses it; it is not a model of any
// real market.

#include <cstdint>
#include <string>

#include "models/scenario.hpp"

namespace crisp {

// One material, "synthetic", with about 20 % mines, 20 % refineries and 60 % consumers, and
// exactly `edges` distinct contract edges: mine -> refinery, refinery -> consumer and a few
// mine -> consumer (5 %). Every refinery and consumer buys from at least one supplier and every
// supplier sells to at least one buyer; the shares into each buyer sum to 1; lead times are 5-60
// days; each supplier's capacity covers its day-0 requests with about 20 % slack. Shocks: node
// and country outages, two export restrictions and two chokepoints, all Poisson. Horizon 10
// years. The same (nodes, edges, seed) always gives the same scenario (Boost.Random only).
// Throws std::invalid_argument when `edges` cannot be placed on `nodes` nodes.
Scenario synthetic_scenario(int nodes, int edges, std::uint64_t seed);

// Empty when a shock-free day-0 allocation (QuietInputs) of every material of `s` serves every
// consumer and refinery in full; otherwise what falls short. The bench binaries refuse to time a
// network that fails this.
std::string day0_shortfall(const Scenario& s);

}  // namespace crisp
