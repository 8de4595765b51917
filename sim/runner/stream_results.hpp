#pragma once
// A streamed run's results file (docs/results-format.md "Streaming and resume"): during the run
// each finished block goes to the journal and is forgotten; at the end the file is written from
// the journal a batch of series at a time, each series with its /summary and /paired, so memory
// depends on one series (policy sets x replications), not on the whole run.

#include <cstdint>
#include <string>

#include "models/metrics.hpp"
#include "sim/results/results_file.hpp"
#include "sim/runner/journal.hpp"
#include "sim/runner/monte_carlo.hpp"

namespace crisp {

// Writes `file` (truncating it): `header` (make_results_header) with /metrics from the blocks of
// `block_size` replications that `journal` holds, up to header.replications (an adaptive run's
// journal may hold blocks past its stop); replications of other blocks are NaN (the other parts
// of a sharded run).
void write_from_journal(const std::string& file, const ResultsContent& header,
                        const MetricLayout& layout, const Journal& journal,
                        std::int64_t block_size);

// Every value the journal holds, in memory (a [sensitivity] run gathers statistics from it).
RunResult load_from_journal(const Journal& journal, const MetricLayout& layout,
                            std::int64_t policies, std::int64_t replications,
                            std::int64_t block_size);

}  // namespace crisp
