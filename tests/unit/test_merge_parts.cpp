// crisp merge's checks of its parts (sim/runner/merge_parts.hpp): parts written here with the
// results writer, as `crisp run --shard` writes them, then damaged or made inconsistent one way at
// a time (another crisp build, an emptied /part table, a value where it cannot be). Each is
// refused with the line that names the part and the difference, and no part is changed.

#include <catch2/catch.hpp>

#include <unistd.h>

#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "models/simulator.hpp"
#include "sim/experiment/experiment.hpp"
#include "sim/runner/merge_parts.hpp"
#include "sim/runner/results_content.hpp"
#include "temp_dir.hpp"

namespace fs = std::filesystem;
using namespace crisp;

namespace {

using crisp::test::TempDir;

std::string bytes_of(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

constexpr const char* kVersion = "9.9.9";
constexpr const char* kCommit = "0123456789ab";
constexpr std::int64_t kR = 64;  // two blocks of 32: part 1/2 holds block 0, part 2/2 block 1

// small.toml with 64 replications.
Experiment small() {
  Experiment x = load_experiment_file(CRISP_SOURCE_DIR "/tests/cases/cli/small.toml");
  x.scenario.replications = kR;
  return x;
}

// How a part is written: by default as crisp writes part `index` of 2 (its replications
// value + replication / 1000, NaN where the metric may be; NaN in the other part's).
struct PartSpec {
  std::int64_t index = 1;
  std::string version = kVersion, commit = kCommit;
  std::uint64_t seed = 7;
  std::optional<std::vector<std::int64_t>> blocks = {};  // /part: default the part's own
  double own_value = 1.0, others_value = std::numeric_limits<double>::quiet_NaN();
};

std::string write_part(const TempDir& dir, const PartSpec& spec) {
  const Experiment x = small();
  const PolicyDesign design = make_design(x);
  const std::int64_t P = std::ssize(design.sets), B = x.scenario.block_replications;
  ResultsContent c = make_results_header(
      x.scenario, design, kR,
      RunProvenance{spec.version, spec.commit, "test", x.source_text, spec.seed});
  c.part = PartInfo{spec.index, 2, B, spec.blocks.value_or(std::vector{spec.index - 1})};
  for_each_series(make_layout(x.scenario), [&](const std::string& group, const std::string& region,
                                               const std::string& name, int) {
    MetricSeries m = metric_series(group, region, name);
    for (std::int64_t q = 0; q < P; ++q)
      for (std::int64_t r = 0; r < kR; ++r)
        m.values.push_back(r / B == spec.index - 1 ? spec.own_value + r / 1000.0
                                                   : spec.others_value);
    c.metrics.push_back(std::move(m));
  });
  const std::string file = dir.file("part-" + std::to_string(spec.index) + ".h5");
  write_results(file, c);
  return file;
}

// The InputError merging `files` throws (check_parts, then write_merged), "" when none; asserts
// that no part changed.
std::string merge_error(const TempDir& dir, const std::vector<std::string>& files) {
  std::vector<std::string> before;
  for (const std::string& f : files)
    before.push_back(bytes_of(f));
  std::string error;
  try {
    const PartsOfRun run = check_parts(files, kVersion, kCommit);
    Experiment x = small();
    write_merged(run, x, RunProvenance{kVersion, kCommit, "merge", run.experiment_toml, run.seed},
                 dir.file("merged.h5"));
  } catch (const InputError& e) {
    error = e.what();
  }
  for (std::size_t i = 0; i < files.size(); ++i)
    CHECK(bytes_of(files[i]) == before[i]);
  return error;
}

}  // namespace

TEST_CASE("merge: two good parts give every replication once, from its own part", "[merge]") {
  TempDir dir;
  const std::string a = write_part(dir, {.index = 1});
  const std::string b = write_part(dir, {.index = 2, .own_value = 2.0});
  REQUIRE(merge_error(dir, {b, a}).empty());
  const ResultsReader merged(dir.file("merged.h5"));
  const std::vector<double> v = merged.metric("gallium", "NL", "unmet_t");
  REQUIRE(v.size() == 3 * kR);
  for (std::int64_t q = 0; q < 3; ++q)
    for (std::int64_t r = 0; r < kR; ++r)
      REQUIRE(v[q * kR + r] == (r < 32 ? 1.0 : 2.0) + r / 1000.0);
}

TEST_CASE("merge: a part of another crisp version or commit is refused, naming both", "[merge]") {
  TempDir dir;
  const std::string a = write_part(dir, {.index = 1});
  const std::string b = write_part(dir, {.index = 2, .version = "9.9.8"});
  CHECK(merge_error(dir, {a, b}) ==
        "merge: part '" + b +
            "' was written by crisp 9.9.8 (commit 0123456789ab), this is crisp 9.9.9 (commit "
            "0123456789ab): merge parts with the crisp that ran them");
  const std::string c = write_part(dir, {.index = 2, .commit = "fedcba987654"});
  CHECK(merge_error(dir, {a, c})
            .find("(commit fedcba987654), this is crisp 9.9.9 (commit "
                  "0123456789ab)") != std::string::npos);
}

TEST_CASE("merge: a part of another run (seed) is refused, naming the difference", "[merge]") {
  TempDir dir;
  const std::string a = write_part(dir, {.index = 1});
  const std::string b = write_part(dir, {.index = 2, .seed = 8});
  CHECK(merge_error(dir, {a, b}) ==
        "merge: part '" + b + "' belongs to another run than '" + a + "': seed 8 against 7");
}

TEST_CASE("merge: an emptied or altered /part table is refused", "[merge]") {
  TempDir dir;
  const std::string a = write_part(dir, {.index = 1});
  const std::string b = write_part(dir, {.index = 2, .blocks = std::vector<std::int64_t>{}});
  CHECK(merge_error(dir, {a, b}) ==
        "merge: part '" + b +
            "' lists blocks (none) in /part, but part 2/2 of 64 replications in blocks of 32 has "
            "blocks (1 of them: 1)");
  const std::string c = write_part(dir, {.index = 2, .blocks = std::vector<std::int64_t>{1, 1}});
  CHECK(merge_error(dir, {a, c}).find("lists blocks (2 of them: 1, 1)") != std::string::npos);
}

TEST_CASE("merge: a value that cannot be in a part is refused", "[merge]") {
  TempDir dir;
  const std::string a = write_part(dir, {.index = 1});
  // NaN in the part's own replications of metrics that must be finite.
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::string b = write_part(dir, {.index = 2, .own_value = nan});
  CHECK(merge_error(dir, {a, b}) ==
        "merge: part '" + b +
            "' is damaged: /metrics/gallium/NL/unmet_t holds nan for policy set 0, replication "
            "32 (its own, where unmet_t must be finite)");
  const std::string c =
      write_part(dir, {.index = 2, .own_value = std::numeric_limits<double>::infinity()});
  CHECK(merge_error(dir, {a, c}).find("holds inf for policy set 0, replication 32") !=
        std::string::npos);
  // A number in the other part's replications (where crisp writes NaN).
  const std::string d = write_part(dir, {.index = 2, .others_value = 0.0});
  CHECK(merge_error(dir, {a, d}) ==
        "merge: part '" + d +
            "' is damaged: /metrics/gallium/NL/unmet_t holds 0 for policy set 0, replication 0 "
            "(another part's, where a part holds NaN)");
}
