#pragma once
// Loading an experiment file (README "Experiment file reference"): parse, then validate each field,
// then check fields against each other, then freeze into a Scenario plus its levers.

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/names.hpp"
#include "models/futures.hpp"
#include "models/scenario.hpp"
#include "models/sensitivity.hpp"
#include "policies/decision_problem.hpp"
#include "policies/policy_set.hpp"

namespace crisp {

// A bad input. what() is the whole one-line message without the "crisp: error: " prefix, e.g.
// "gallium.toml:14:9: edge 'cn-ref -> nl-users': share must be in [0, 1], got 1.4". It is made
// safe to print (names::printable): whatever bytes a message quotes from an input, its echo
// cannot drive the terminal or split the line.
class InputError : public std::runtime_error {
 public:
  explicit InputError(std::string_view message) : std::runtime_error(names::printable(message)) {}
};

struct Experiment {
  Scenario scenario;
  std::vector<Lever> levers;                   // in file order
  std::string design_kind = "grid";            // [design] kind: "grid", "lhs" or "list"
  std::int64_t lhs_samples = 0;                // lhs: points of the Latin hypercube
  std::optional<std::uint64_t> lhs_seed;       // lhs: its seed; absent: the experiment's seed
  std::vector<ListedSet> listed_sets;          // list: [[design.sets]], in file order
  std::optional<SensitivitySpec> sensitivity;  // [sensitivity]
  std::optional<FuturesSpec> futures;          // [futures]
  std::optional<DiscoverySpec> discovery;      // [discovery]
  std::vector<DecisionProblem> optimise;       // [[optimise]], for crisp optimise
  std::string output_file;                     // [output] file; empty when not given
  std::int64_t timeseries = 0;                 // [output] replications with trajectories kept
  double timeseries_step_days = 7;             // [output] their sampling interval
  std::string source_name;                     // the file name used in messages
  // The file as read, stored in the results file; CSV files a [network] names follow it as
  // comments.
  std::string source_text;
};

// Reads an experiment file; [network] CSV paths are relative to its folder.
Experiment load_experiment_file(const std::string& path);
// Reads an experiment given as text (no folder: [network] CSV files are an error).
Experiment load_experiment_text(std::string_view text, const std::string& source_name);

// The policy sets of the experiment's design: grid, Latin hypercube (seeded by lhs_seed, else by
// scenario.seed, which --seed overrides) or list. Set 0 is the baseline.
PolicyDesign make_design(const Experiment& x);

}  // namespace crisp
