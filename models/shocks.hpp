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

// Each shock draws from two streams of its own, keyed by its name (core/random.hpp), so that
// changing one shock leaves every other shock's draws unchanged: its arrivals, (seed,
// replication, StreamId::shock_arrivals, element_key(name)), which only Poisson arrivals use
// (the gaps, in time order); and its marks, StreamId::shock_marks, from which each of its
// occurrences draws, in time order, its duration, then its severity (a fixed value draws
// nothing), then, for a chokepoint, its extra delay (a replayed event draws only that). A crisis
// draws from its own marks stream one uniform per child, in the order the children are listed,
// at each arrival; a child it starts draws its marks from the child's own streams. The retired
// StreamId::shocks stream is not used. Occurrences that start at or after the horizon are
// dropped. Order of the result: shocks in file order, each one's occurrences in time order; a
// crisis's place holds, for each of its arrivals, the occurrences of the children it starts, in
// the order they are listed (a child's own place holds none).
std::vector<ShockOccurrence> sample_shocks(const Scenario& s, std::uint64_t seed,
                                           std::uint64_t replication);

}  // namespace crisp
