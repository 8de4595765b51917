#pragma once
// Sampling the shock history of one replication (docs/model.md "Shocks"). Every policy set of a
// replication is simulated on the same history: common random numbers.

#include <cstdint>
#include <vector>

#include "models/scenario.hpp"

namespace crisp {

struct ShockOccurrence {
  int shock = 0;  // index into Scenario::shocks
  double start = 0, duration = 0, severity = 0;
  double extra_delay = 0;  // chokepoints only
  // The crisis whose arrival started it (index into Scenario::shocks), -1 for none: only the
  // shock table of a results file reads it (sim/runner/shock_table.hpp), to say why it began.
  int parent = -1;
};

// Draws from the stream keyed (seed, replication, StreamId::shocks) only. Occurrences that start
// at or after the horizon are dropped. Order: shocks in file order; for each, arrivals in time
// order, and for each arrival its duration, then severity, then extra delay; a crisis arrival
// then draws one uniform per child, in the order the children are listed.
std::vector<ShockOccurrence> sample_shocks(const Scenario& s, std::uint64_t seed,
                                           std::uint64_t replication);

}  // namespace crisp
