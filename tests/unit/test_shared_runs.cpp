// Shared material runs (docs/model.md "Shared material runs"): a replication simulates each
// distinct (material, signature) run once and copies its metrics to the policy sets that share
// it. The results must be bit-identical to simulating every (policy set, material) pair.
#include <catch2/catch.hpp>

#include <cstring>
#include <string>

#include "policies/apply_policy.hpp"
#include "sim/experiment/experiment.hpp"
#include "sim/runner/material_runs.hpp"
#include "sim/runner/monte_carlo.hpp"

using namespace crisp;

namespace {

// Runs an experiment with and without sharing; every value must match to the last bit (NaN
// slots included, so the comparison is of bytes).
void check_sharing_changes_nothing(const std::string& file, std::int64_t replications) {
  const Experiment x = load_experiment_file(file);
  const PolicyDesign design = make_design(x);
  RunOptions options;
  options.replications = replications;
  options.seed = x.scenario.seed;
  options.threads = 2;
  options.block_size = 4;
  const RunResult shared = run_monte_carlo(x.scenario, design, options);
  options.share_material_runs = false;
  const RunResult separate = run_monte_carlo(x.scenario, design, options);
  REQUIRE(shared.values.size() == separate.values.size());
  CHECK(std::memcmp(shared.values.data(), separate.values.data(),
                    shared.values.size() * sizeof(double)) == 0);
}

}  // namespace

TEST_CASE("shared material runs: the bundled default, bit-identical with and without", "[shared]") {
  check_sharing_changes_nothing(CRISP_SOURCE_DIR "/experiments/nl-critical-materials.toml", 12);
}

TEST_CASE("shared material runs: levers on every material, bit-identical with and without",
          "[shared]") {
  // Refining and diversification act on gallium, recycling on germanium, early warning on both.
  check_sharing_changes_nothing(CRISP_SOURCE_DIR "/tests/cases/experiment/levers.toml", 16);
}

TEST_CASE("shared material runs: which pairs share", "[shared]") {
  const Experiment x =
      load_experiment_file(CRISP_SOURCE_DIR "/experiments/nl-critical-materials.toml");
  const std::vector<AppliedPolicy> applied = apply_design(x.scenario, make_design(x));
  const MaterialRuns runs(applied);
  const int gallium = x.scenario.find_material("gallium");
  const int rare_earths = x.scenario.find_material("rare_earths");
  const int cobalt = x.scenario.find_material("cobalt");
  // 20 sets = gallium stockpile (5 sizes) x NdPr plant (2) x early warning (2). The early warning
  // acts on every material, the stockpile on gallium, the plant on rare earths, so gallium has
  // 5 x 2 distinct runs, rare earths 2 x 2, and each of the other four materials 2: 22 in all
  // instead of 120.
  CHECK(applied.size() == 20);
  CHECK(runs.runs() == 10 + 4 + 4 * 2);
  // The plant does not change cobalt's run; the early warning does.
  const auto set_of = [&](int size, int plant, int warn) { return size * 4 + plant * 2 + warn; };
  CHECK(runs.run_of(set_of(0, 1, 0), cobalt) == runs.run_of(set_of(0, 0, 0), cobalt));
  CHECK(runs.run_of(set_of(3, 1, 0), cobalt) == runs.run_of(set_of(0, 0, 0), cobalt));
  CHECK(runs.run_of(set_of(0, 0, 1), cobalt) != runs.run_of(set_of(0, 0, 0), cobalt));
  CHECK(runs.run_of(set_of(4, 1, 1), rare_earths) == runs.run_of(set_of(0, 1, 1), rare_earths));
  CHECK(runs.run_of(set_of(4, 0, 0), gallium) != runs.run_of(set_of(3, 0, 0), gallium));

  const MaterialRuns separate(applied, /*share=*/false);
  CHECK(separate.runs() == 120);
}

TEST_CASE("material runs kept across runs (crisp optimise): bit-identical to simulating them",
          "[shared]") {
  // Each policy set of the default is run alone, one after another, as crisp optimise runs its
  // candidates; with the cache the runs that recur (every material a set's levers leave alone)
  // are copied from the earlier runs. Every value must match the values of the whole design.
  const Experiment x =
      load_experiment_file(CRISP_SOURCE_DIR "/experiments/nl-critical-materials.toml");
  const PolicyDesign design = make_design(x);
  RunOptions options;
  options.replications = 8;
  options.seed = x.scenario.seed;
  options.threads = 2;
  options.block_size = 3;
  const RunResult whole = run_monte_carlo(x.scenario, design, options);
  MaterialRunCache cache;
  options.material_cache = &cache;
  const auto slots = static_cast<std::size_t>(whole.layout.size());
  // Twice through the sets: the second pass finds every run kept.
  for (int pass = 0; pass < 2; ++pass)
    for (std::size_t p = 0; p < design.sets.size(); ++p) {
      const RunResult alone =
          run_monte_carlo(x.scenario, design_of(x.levers, {design.sets[p]}), options);
      for (std::int64_t r = 0; r < options.replications; ++r)
        CHECK(std::memcmp(alone.at(0, r), whole.at(static_cast<std::int64_t>(p), r),
                          slots * sizeof(double)) == 0);
    }
}
