#pragma once
// What crisp optimise writes under /optimise (docs/results-format.md "/optimise"), and the text
// `crisp optimise` and `crisp show` print from it.

#include <string>
#include <vector>

#include "policies/decision_problem.hpp"
#include "sim/optimise/optimise.hpp"
#include "sim/results/results_file.hpp"

namespace crisp {

// The row of /optimise/problems and the tables of /optimise/<name>. `policy_sets`: the /policies
// row of each answer, then of each frontier answer.
OptimiseContent::Problem optimise_tables(const DecisionProblem& p, const ProblemOutcome& o,
                                         const std::vector<int>& policy_sets);
Table problems_table(const std::vector<DecisionProblem>& problems,
                     const std::vector<ProblemOutcome>& outcomes, std::uint64_t search_seed);

// Each problem's answer, intervals, gap, work and frontier, read from a results file's
// /optimise; empty when it has none.
std::string optimise_text(const ResultsReader& reader);

}  // namespace crisp
