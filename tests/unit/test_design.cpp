// Designs other than the grid: the Latin hypercube (one point per stratum per dimension, from its
// seed) and the list of policy sets, with the loader's errors for each
// (tests/cases/design/lhs.toml, list.toml).

#include <algorithm>
#include <cmath>
#include <fstream>
#include <numeric>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "sim/experiment/experiment.hpp"
#include "sim/runner/monte_carlo.hpp"

namespace {

using namespace crisp;
using Catch::Matchers::Contains;

std::string read_case(const std::string& name) {
  std::ifstream in(std::string(CRISP_SOURCE_DIR) + "/tests/cases/design/" + name);
  REQUIRE(in);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

Experiment load_case(const std::string& name) {
  return load_experiment_file(std::string(CRISP_SOURCE_DIR) + "/tests/cases/design/" + name);
}

// `text` with its first `from` replaced by `to`.
std::string edited(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

std::string error_of(const std::string& text) {
  try {
    load_experiment_text(text, "bad.toml");
  } catch (const InputError& e) {
    return e.what();
  }
  FAIL("no InputError for:\n" << text);
  return "";
}

// "bad.toml:L:" where L is the line on which `needle` first occurs.
std::string line_of(const std::string& text, const std::string& needle) {
  const std::size_t at = text.find(needle);
  REQUIRE(at != std::string::npos);
  const auto line = 1 + std::count(text.begin(), text.begin() + static_cast<long>(at), '\n');
  return fmt::format("bad.toml:{}:", line);
}

struct ErrorCase {
  std::string name, text, needle;
  std::vector<std::string> says;
};

void check_errors(const std::vector<ErrorCase>& cases) {
  for (const auto& c : cases) {
    INFO("case: " << c.name);
    const std::string message = error_of(c.text);
    INFO("message: " << message);
    CHECK(message.rfind(line_of(c.text, c.needle), 0) == 0);
    for (const auto& s : c.says) {
      CHECK_THAT(message, Contains(s));
    }
    CHECK(message.find('\n') == std::string::npos);
  }
}

std::size_t column(const PolicyDesign& d, const std::string& name) {
  const auto it = std::find(d.columns.begin(), d.columns.end(), name);
  REQUIRE(it != d.columns.end());
  return static_cast<std::size_t>(it - d.columns.begin());
}

// The strata (0 .. N-1) the N values of one column fall in, sorted: 0, 1, ..., N-1 when the
// column is a Latin hypercube dimension.
std::vector<long> strata(const std::vector<double>& values, double lo, double hi) {
  std::vector<long> out;
  for (double v : values) {
    out.push_back(
        static_cast<long>(std::floor((v - lo) / (hi - lo) * static_cast<double>(values.size()))));
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Equal element by element, NaN (a lever that is off) equal to NaN.
bool same(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](double x, double y) {
           return x == y || (std::isnan(x) && std::isnan(y));
         });
}

std::vector<long> iota(std::size_t n) {
  std::vector<long> out(n);
  std::iota(out.begin(), out.end(), 0L);
  return out;
}

}  // namespace

TEST_CASE("a Latin hypercube puts exactly one point in each stratum of each dimension",
          "[design]") {
  for (const std::size_t n : {1, 2, 3, 5, 10, 37, 100}) {
    for (const std::size_t dims : {1, 2, 3, 7}) {
      INFO(n << " samples in " << dims << " dimensions");
      const std::vector<double> points = latin_hypercube(n, dims, 20240601);
      REQUIRE(points.size() == n * dims);
      for (std::size_t d = 0; d < dims; ++d) {
        std::vector<double> coordinate;
        for (std::size_t i = 0; i < n; ++i) {
          const double x = points[i * dims + d];
          CHECK(x >= 0);
          CHECK(x < 1);
          coordinate.push_back(x);
        }
        CHECK(strata(coordinate, 0, 1) == iota(n));
      }
    }
  }
}

TEST_CASE("a Latin hypercube is reproducible from its seed and changes with it", "[design]") {
  CHECK(latin_hypercube(20, 3, 7) == latin_hypercube(20, 3, 7));
  CHECK(latin_hypercube(20, 3, 7) != latin_hypercube(20, 3, 8));
  // Its dimensions are not copies of one another.
  const auto p = latin_hypercube(20, 2, 7);
  bool differ = false;
  for (std::size_t i = 0; i < 20; ++i) {
    differ = differ || std::floor(p[2 * i] * 20) != std::floor(p[2 * i + 1] * 20);
  }
  CHECK(differ);
}

TEST_CASE("an lhs design samples each policy range in strata, labelled lhs 1: <its values>, ...",
          "[design]") {
  Experiment x = load_case("lhs.toml");
  REQUIRE(x.design_kind == "lhs");
  CHECK(x.lhs_samples == 12);
  REQUIRE(x.lhs_seed);
  CHECK(*x.lhs_seed == 2024);
  REQUIRE(x.levers.size() == 2);
  REQUIRE(x.levers[0].ranges.size() == 2);
  CHECK(x.levers[0].ranges[0].field == "size_days");
  CHECK(x.levers[0].ranges[0].min == 0);
  CHECK(x.levers[0].ranges[0].max == 180);
  CHECK(x.levers[0].ranges[1].field == "release.delay_days");
  CHECK(x.levers[0].ranges[1].max == 30);
  REQUIRE(x.levers[1].ranges.size() == 1);
  CHECK(x.levers[1].ranges[0].field == "capacity_tpy");
  CHECK(x.levers[0].axes.empty());

  const PolicyDesign design = make_design(x);
  REQUIRE(design.sets.size() == 13);
  CHECK(design.sets[0].label == "baseline");
  for (std::size_t i = 1; i < design.sets.size(); ++i) {
    // The label names the point and its sampled values, which are the set's parameters.
    const auto col = [&](const char* name) {
      const auto k =
          std::find(design.columns.begin(), design.columns.end(), name) - design.columns.begin();
      return design.sets[i].params[static_cast<std::size_t>(k)];
    };
    CHECK(design.sets[i].label ==
          fmt::format("lhs {}: size_days={:.3g}, release.delay_days={:.3g}, capacity_tpy={:.3g}", i,
                      col("stockpile NL gallium.size_days"),
                      col("stockpile NL gallium.release.delay_days"),
                      col("refining NL gallium.capacity_tpy")));
    CHECK(design.sets[i].id == static_cast<int>(i));
  }

  struct Dim {
    std::string column;
    double lo, hi;
  };
  const std::vector<Dim> dims = {{"stockpile NL gallium.size_days", 0, 180},
                                 {"stockpile NL gallium.release.delay_days", 0, 30},
                                 {"refining NL gallium.capacity_tpy", 5, 25}};
  const std::vector<double> unit = latin_hypercube(12, 3, 2024);
  for (std::size_t d = 0; d < dims.size(); ++d) {
    INFO(dims[d].column);
    const std::size_t c = column(design, dims[d].column);
    CHECK(std::isnan(design.sets[0].params[c]));  // the baseline has every lever off
    std::vector<double> values;
    for (std::size_t i = 1; i < design.sets.size(); ++i) {
      const double v = design.sets[i].params[c];
      CHECK(v >= dims[d].lo);
      CHECK(v < dims[d].hi);
      CHECK(v == dims[d].lo + (dims[d].hi - dims[d].lo) * unit[(i - 1) * 3 + d]);
      values.push_back(v);
    }
    CHECK(strata(values, dims[d].lo, dims[d].hi) == iota(12));
  }
  // A key that is not a range keeps its value in every point.
  const std::size_t holding = column(design, "stockpile NL gallium.holding_cost_per_year");
  for (std::size_t i = 1; i < design.sets.size(); ++i) {
    CHECK(design.sets[i].params[holding] == 0.03);
  }

  SECTION("reproducible from the design's seed, which defaults to the experiment's") {
    CHECK(same(make_design(x).sets[5].params, design.sets[5].params));
    x.lhs_seed = 2025;
    CHECK_FALSE(same(make_design(x).sets[5].params, design.sets[5].params));
    x.lhs_seed.reset();
    const PolicyDesign from_experiment_seed = make_design(x);
    CHECK(same(from_experiment_seed.sets[5].params,
               expand_lhs(x.levers, 12, x.scenario.seed).sets[5].params));
    CHECK_FALSE(same(from_experiment_seed.sets[5].params, design.sets[5].params));
  }

  SECTION("every sampled point runs") {
    RunOptions options;
    options.replications = 3;
    options.seed = x.scenario.seed;
    const RunResult result = run_monte_carlo(x.scenario, design, options);
    CHECK(result.policies == 13);
  }
}

TEST_CASE("a list design holds the listed sets, other fields at their given values", "[design]") {
  const Experiment x = load_case("list.toml");
  REQUIRE(x.design_kind == "list");
  REQUIRE(x.listed_sets.size() == 4);
  CHECK(x.listed_sets[0].label == "big stockpile");
  REQUIRE(x.listed_sets[1].values.size() == 2);
  CHECK(x.listed_sets[1].values[1].lever == 1);
  CHECK(x.listed_sets[1].values[1].field == "capacity_tpy");
  CHECK(x.listed_sets[1].values[1].value == 20);
  CHECK(x.listed_sets[3].values.empty());

  const PolicyDesign design = make_design(x);
  std::vector<std::string> labels;
  for (const auto& s : design.sets) {
    labels.push_back(s.label);
  }
  CHECK(labels == std::vector<std::string>{"baseline", "big stockpile", "refinery only",
                                           "both, fast release", "as given"});
  const std::size_t size = column(design, "stockpile NL gallium.size_days");
  const std::size_t delay = column(design, "stockpile NL gallium.release.delay_days");
  const std::size_t capacity = column(design, "refining NL gallium.capacity_tpy");
  const auto at = [&](std::size_t set, std::size_t c) { return design.sets[set].params[c]; };

  CHECK(at(1, size) == 180);
  CHECK(at(1, delay) == 5);            // not named: its given value
  CHECK(std::isnan(at(1, capacity)));  // the refinery is off (capacity 0) as given
  CHECK(design.sets[1].levers.size() == 1);

  CHECK(std::isnan(at(2, size)));  // size 0: the stockpile is off
  CHECK(at(2, capacity) == 20);
  CHECK(design.sets[2].levers.size() == 1);

  CHECK(at(3, size) == 30);
  CHECK(at(3, delay) == 0);
  CHECK(at(3, capacity) == 10);
  CHECK(design.sets[3].levers.size() == 2);

  CHECK(at(4, size) == 30);
  CHECK(at(4, delay) == 5);
  CHECK(std::isnan(at(4, capacity)));

  RunOptions options;
  options.replications = 3;
  const RunResult result = run_monte_carlo(x.scenario, design, options);
  CHECK(result.policies == 5);
}

TEST_CASE("design errors name the file, line and key", "[design]") {
  const std::string lhs = read_case("lhs.toml");
  const std::string list = read_case("list.toml");
  const std::string grid = edited(lhs, "kind = \"lhs\"\nsamples = 12\nseed = 2024\n", "");
  const std::string lhs_range = "capacity_tpy = { min = 5, max = 25 }";
  const std::string list_value = "\"stockpile NL gallium.size_days\" = 180";
  check_errors({
      {"a list in an lhs design",
       edited(lhs, lhs_range, "capacity_tpy = [5, 25]"),
       "capacity_tpy = [5, 25]",
       {"policy 'refining NL gallium'", "capacity_tpy is a list (a sweep axis of a grid)",
        "[design] kind is 'lhs'", "{ min = ..., max = ... }"}},
      {"a range in a grid design",
       grid,
       "size_days = { min",
       {"policy 'stockpile NL gallium'", "size_days is a { min, max } range",
        "needs [design] kind = 'lhs'", "this design is 'grid'"}},
      {"a range in a list design",
       edited(list, "size_days = 30", "size_days = { min = 0, max = 30 }"),
       "size_days = { min",
       {"size_days is a { min, max } range", "this design is 'list'"}},
      {"a list in a list design",
       edited(list, "size_days = 30", "size_days = [0, 30]"),
       "size_days = [0, 30]",
       {"size_days is a list", "[design] kind is 'list'", "vary it in [[design.sets]]"}},
      {"a range with max below min",
       edited(lhs, lhs_range, "capacity_tpy = { min = 25, max = 5 }"),
       "capacity_tpy = {",
       {"capacity_tpy.max must be above capacity_tpy.min = 25, got 5"}},
      {"a range out of the key's range",
       edited(lhs, lhs_range, "capacity_tpy = { min = -5, max = 25 }"),
       "capacity_tpy = {",
       {"capacity_tpy.min must be >= 0, got -5"}},
      {"a range with a misspelt bound",
       edited(lhs, lhs_range, "capacity_tpy = { min = 5, mx = 25 }"),
       "capacity_tpy = {",
       {"unknown key 'capacity_tpy.mx' (did you mean 'max'?)"}},
      {"lhs without samples",
       edited(lhs, "samples = 12\n", ""),
       "[design]",
       {"[design]: missing required key 'samples'"}},
      {"lhs with no sample",
       edited(lhs, "samples = 12", "samples = 0"),
       "samples = 0",
       {"samples must be >= 1, got 0"}},
      {"lhs without a range",
       edited(edited(edited(lhs, lhs_range, "capacity_tpy = 5"),
                     "size_days = { min = 0, max = 180 }", "size_days = 30"),
              "delay_days = { min = 0, max = 30 }", "delay_days = 3"),
       "kind = \"lhs\"",
       {"kind 'lhs' needs at least one [[policy]] key given as a range"}},
      {"a key of another design kind",
       edited(list, "kind = \"list\"", "kind = \"list\"\nseed = 4"),
       "seed = 4",
       {"[design]: seed does not apply to a 'list' design"}},
      {"list without sets",
       list.substr(0, list.find("[[design.sets]]")),
       "[design]",
       {"[design]: missing required key 'sets'"}},
      {"an unknown field in a list set",
       edited(list, list_value, "\"stockpile NL gallium.size_dys\" = 180"),
       "size_dys",
       {"design set 'big stockpile'",
        "policy 'stockpile NL gallium' has no numeric key "
        "'size_dys' (did you mean 'size_days'?)"}},
      {"an unknown lever in a list set",
       edited(list, list_value, "\"stockpile NL galium.size_days\" = 180"),
       "galium",
       {"'stockpile NL galium.size_days' names no policy key",
        "(did you mean 'stockpile NL gallium.size_days'?)"}},
      {"a list-set value out of range",
       edited(list, list_value, "\"stockpile NL gallium.size_days\" = -1"),
       "-1",
       {"design set 'big stockpile': stockpile NL gallium.size_days must be >= 0, got -1"}},
      {"a list-set value in the unit not in use",
       edited(list, list_value, "\"stockpile NL gallium.size_t\" = 2"),
       "size_t",
       {"this stockpile's size is given in days: set size_days"}},
      {"a list-set value that would be ignored",
       edited(list, list_value, "\"refining NL gallium.activation_days\" = 2"),
       "activation",
       {"activation_days applies only with mode = 'standby'"}},
      {"a repeated label",
       edited(list, "label = \"refinery only\"", "label = \"big stockpile\""),
       "label = \"big stockpile\"\nvalues = { \"stockpile NL gallium.size_days\" = 0",
       {"label 'big stockpile' is already used"}},
      {"the baseline's label",
       edited(list, "label = \"refinery only\"", "label = \"baseline\""),
       "label = \"baseline\"",
       {"label 'baseline' is taken"}},
      {"a set with every lever off",
       edited(list, "\"refining NL gallium.capacity_tpy\" = 20",
              "\"refining NL gallium.yield\" = 1"),
       "[[design.sets]]\nlabel = \"refinery only\"",
       {"design set 'refinery only': every policy is off in this set"}},
      {"a misspelt key in a list set",
       edited(list, "label = \"as given\"", "labl = \"as given\""),
       "labl",
       {"design set #4: unknown key 'labl' (did you mean 'label'?)"}},
  });
}
