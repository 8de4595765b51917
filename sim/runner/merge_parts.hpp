#pragma once
// `crisp merge`: the parts of a sharded run (crisp run --shard I/N) joined into the results file
// one run would have written (docs/results-format.md "Parts"). Parts are untrusted: everything
// that makes them one run, and every value, is checked before the whole is written, and any
// difference is an InputError naming the part and what differs. Parts are opened one at a time
// and memory holds one series, whatever the number of parts.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/experiment/experiment.hpp"
#include "sim/runner/results_content.hpp"

namespace crisp {

// What the parts have in common, once checked.
struct PartsOfRun {
  std::vector<std::string> files;  // files[i] is part i + 1 of N = files.size()
  std::string experiment_toml;
  std::uint64_t seed = 0;
  std::int64_t replications = 0, block_replications = 0;
};

// Reads each part's identity, one file open at a time, and checks that the parts make one whole
// run written by this crisp (`crisp_version`, `git_commit`): the same experiment text, seed,
// replications, block size and number of parts; each index 1..N exactly once; each part listing
// exactly the blocks its index owns. Throws InputError otherwise.
PartsOfRun check_parts(const std::vector<std::string>& files, const std::string& crisp_version,
                       const std::string& git_commit);

// Writes the merged results file `file` (truncating it). Each part is opened once; the values of
// its own blocks must be finite (metric_is_finite; NaN allowed where the metric may be NaN) and
// all others NaN, as crisp writes a part (InputError otherwise). They wait in an unnamed scratch
// file beside `file` (8 bytes per value) until each series is written whole.
// `futures`, `discovery`: the merged /futures and /discovery of a [futures] run (crisp merge
// computes it from the parts).
void write_merged(const PartsOfRun& parts, const Experiment& x, const RunProvenance& provenance,
                  const std::string& file, const std::optional<FuturesContent>& futures = {},
                  const std::optional<TableGroup>& discovery = {});

}  // namespace crisp
