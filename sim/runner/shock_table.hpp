#pragma once
// The shock table of a results file (docs/results-format.md "/shocks", docs/model.md "Shock
// table"): every shock occurrence the file's replications drew, and per replication each shock's
// days in force. A replication's draws are a pure function of (scenario, seed, replication)
// (models/shocks.hpp sample_shocks), so the writing rank draws them again at write time, whichever
// thread, rank or shard simulated the replication, and the block engine is not involved.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "models/scenario.hpp"
#include "models/shocks.hpp"
#include "sim/results/results_file.hpp"

namespace crisp {

// One shock's time in force in one replication: the engine's spells of it, each occurrence from
// its start to its end clipped to the horizon (an occurrence of duration 0 has none), joined
// where they overlap or touch (an end and a start at one instant leave no gap: the engine ends,
// then starts, at that instant).
struct ShockDays {
  double days = 0;     // the length of the union of its spells
  double longest = 0;  // the longest joined spell
};

// Every shock's days in force (in Scenario::shocks order) given a replication's draws. A crisis
// has no spell of its own: its days are the union of the spells of the children it started.
// The exact arithmetic (docs/results-format.md "/shocks"): spells [start, min(end, horizon))
// with end > start, sorted by (start, end), joined when the next starts at or before the current
// end, the lengths (end - start) summed in that order.
std::vector<ShockDays> shock_features(std::span<const ShockOccurrence> draws,
                                      const Scenario& scenario);

// Replications [first, last) of a file, ascending: a whole run's [0, R), a part's blocks.
struct ReplicationRange {
  std::int64_t first = 0, last = 0;
  bool operator==(const ReplicationRange&) const = default;
};
std::vector<ReplicationRange> block_replications(std::span<const std::int64_t> blocks,
                                                 std::int64_t block_size,
                                                 std::int64_t replications);

// The datasets of /shocks for the replications of `ranges` drawn with `seed`.
std::vector<ArrayDataset> make_shock_table(const Scenario& scenario, std::uint64_t seed,
                                           std::span<const ReplicationRange> ranges);

// How the file's /shocks differs from `expected` (make_shock_table for its experiment, seed and
// replications), in a few words naming the dataset; empty when every dataset is there with
// exactly the expected values.
std::string shock_table_damage(const ResultsReader& reader,
                               const std::vector<ArrayDataset>& expected);

}  // namespace crisp
