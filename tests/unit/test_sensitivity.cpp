// One-at-a-time sensitivity: how parameters are scaled, the runs (the unscaled one plus two per
// parameter), their direction on a small experiment (tests/cases/design/sensitivity.toml), and
// the /sensitivity group of the results file.

#include <unistd.h>

#include <array>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <span>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include <catch2/catch.hpp>

#include "core/stats.hpp"
#include "models/metrics.hpp"
#include "models/sensitivity.hpp"
#include "models/shocks.hpp"
#include "sim/experiment/experiment.hpp"
#include "sim/results/h5.hpp"
#include "sim/results/results_file.hpp"
#include "sim/runner/monte_carlo.hpp"
#include "sim/runner/results_content.hpp"
#include "sim/runner/sensitivity.hpp"
#include "temp_dir.hpp"

namespace fs = std::filesystem;
using namespace crisp;
using Catch::Matchers::Contains;

namespace {

const std::string kCase = CRISP_SOURCE_DIR "/tests/cases/design/sensitivity.toml";

std::string read_case() {
  std::ifstream in(kCase);
  REQUIRE(in);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

SensitivityParameter shock_parameter(int index, const std::string& field) {
  return {"shock." + field, SensitivityParameter::Target::shock, index, field};
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

std::string edited(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

using crisp::test::TempDir;

// The mean over replications of one metric for one policy set.
double mean_of(const RunResult& r, std::int64_t policy, int slot) {
  return summarize(r.series(policy, slot)).mean;
}

}  // namespace

TEST_CASE("a parameter is scaled through its distribution's location", "[sensitivity]") {
  Scenario s;
  s.materials.push_back({});
  s.materials[0].name = "gallium";
  s.materials[0].value_of_lost_load_eur_per_t = 1e6;
  NodeSpec consumer;
  consumer.id = "nl";
  consumer.kind = NodeKind::consumer;
  consumer.demand_tpy = 4;
  consumer.growth_per_year = 0.03;
  s.nodes = {consumer};
  ShockSpec a;
  a.name = "a";
  a.rate_per_year = 0.2;
  a.duration = LogNormal{240, 0.8};
  a.severity = Uniform{0.5, 0.9};
  ShockSpec b = a;
  b.name = "b";
  b.set_kind<ChokepointSpec>().extra_delay = Fixed{10};
  b.duration = Exponential{30};
  b.severity = Beta{2, 5};
  ShockSpec c = a;
  c.name = "c";
  c.arrival = ArrivalKind::replay;
  c.events = {{10, 100, 0.4}, {500, 20, 0.8}};
  ShockSpec d = a;
  d.name = "d";
  d.arrival = ArrivalKind::fixed_start;
  d.duration = Fixed{60};
  d.severity = Fixed{0.7};
  s.shocks = {a, b, c, d};

  const auto scaled = [&](const SensitivityParameter& p, double f) {
    return scale_parameter(s, p, f);
  };
  CHECK(scaled(shock_parameter(0, "rate_per_year"), 2).shocks[0].rate_per_year == 0.4);
  CHECK(std::get<LogNormal>(scaled(shock_parameter(0, "duration_days"), 0.5).shocks[0].duration)
            .median == 120);
  CHECK(std::get<LogNormal>(scaled(shock_parameter(0, "duration_days"), 0.5).shocks[0].duration)
            .sigma == 0.8);
  const auto u = std::get<Uniform>(scaled(shock_parameter(0, "severity"), 2).shocks[0].severity);
  CHECK(u.a == 1.0);  // draws above 1 are clamped to 1 when sampled
  CHECK(u.b == 1.8);
  CHECK(std::get<Exponential>(scaled(shock_parameter(1, "duration_days"), 2).shocks[1].duration)
            .mean == 60);
  CHECK(std::get<Beta>(scaled(shock_parameter(1, "severity"), 0.5).shocks[1].severity).scale ==
        0.5);
  CHECK(std::get<Fixed>(scaled(shock_parameter(1, "extra_delay_days"), 2)
                            .shocks[1]
                            .as<ChokepointSpec>()
                            .extra_delay)
            .value == 20);
  const Scenario replay = scaled(shock_parameter(2, "severity"), 2);
  CHECK(replay.shocks[2].events[0].severity == 0.8);
  CHECK(replay.shocks[2].events[1].severity == 1.0);  // capped at 1
  CHECK(scaled(shock_parameter(2, "duration_days"), 0.5).shocks[2].events[1].duration_days == 10);
  CHECK(std::get<Fixed>(scaled(shock_parameter(3, "severity"), 2).shocks[3].severity).value == 1);
  CHECK(std::get<Fixed>(scaled(shock_parameter(3, "duration_days"), 2).shocks[3].duration).value ==
        120);

  const SensitivityParameter growth{"demand.growth_per_year", SensitivityParameter::Target::demand,
                                    -1, "growth_per_year"};
  CHECK(scaled(growth, 2).nodes[0].growth_per_year == 0.06);
  const SensitivityParameter demand{"gallium.demand_tpy", SensitivityParameter::Target::material, 0,
                                    "demand_tpy"};
  CHECK(scaled(demand, 0.5).nodes[0].demand_tpy == 2);
  const SensitivityParameter voll{"gallium.value_of_lost_load_eur_per_t",
                                  SensitivityParameter::Target::material, 0,
                                  "value_of_lost_load_eur_per_t"};
  CHECK(scaled(voll, 2).materials[0].value_of_lost_load_eur_per_t == 2e6);
  // The original is untouched.
  CHECK(s.shocks[0].rate_per_year == 0.2);

  CHECK_THROWS_WITH(scaled(shock_parameter(3, "rate_per_year"), 2),
                    Contains("has no rate_per_year to scale: it starts on a fixed start_day"));
  CHECK_THROWS_WITH(scaled(shock_parameter(0, "extra_delay_days"), 2),
                    Contains("is not a chokepoint"));
  CHECK_THROWS_AS(scaled(growth, 0), std::invalid_argument);
}

TEST_CASE("a scaled duration keeps the unscaled run's random numbers", "[sensitivity]") {
  const Experiment x = load_experiment_file(kCase);
  const SensitivityParameter& outages_rate = x.sensitivity->parameters[4];
  REQUIRE(outages_rate.name == "outages.rate_per_year");
  SensitivityParameter duration = outages_rate;
  duration.name = "outages.duration_days";
  duration.field = "duration_days";
  const Scenario longer = scale_parameter(x.scenario, duration, 2);
  for (std::uint64_t r = 0; r < 20; ++r) {
    const auto base = sample_shocks(x.scenario, x.scenario.seed, r);
    const auto scaled = sample_shocks(longer, x.scenario.seed, r);
    REQUIRE(base.size() == scaled.size());
    for (std::size_t i = 0; i < base.size(); ++i) {
      CHECK(scaled[i].shock == base[i].shock);
      CHECK(scaled[i].start == base[i].start);
      CHECK(scaled[i].severity == base[i].severity);
      const bool outage = x.scenario.shocks[base[i].shock].name == "outages";
      CHECK(scaled[i].duration == Approx((outage ? 2 : 1) * base[i].duration));
    }
  }
}

TEST_CASE("sensitivity runs the unscaled scenario plus two runs per parameter", "[sensitivity]") {
  const Experiment x = load_experiment_file(kCase);
  REQUIRE(x.sensitivity);
  const SensitivitySpec& spec = *x.sensitivity;
  CHECK(spec.factors == std::vector<double>{0.5, 2.0});
  REQUIRE(spec.parameters.size() == 5);
  CHECK(spec.parameters[0].name == "restriction.duration_days");
  CHECK(spec.parameters[0].target == SensitivityParameter::Target::shock);
  CHECK(spec.parameters[0].index == 0);
  CHECK(spec.parameters[2].target == SensitivityParameter::Target::material);
  CHECK(spec.parameters[3].target == SensitivityParameter::Target::demand);

  const std::vector<SensitivityRun> runs = sensitivity_runs(spec);
  REQUIRE(runs.size() == 1 + 2 * spec.parameters.size());
  CHECK(runs[0].parameter == -1);
  CHECK(runs[0].factor == 1);
  for (std::size_t k = 0; k < spec.parameters.size(); ++k) {
    CHECK(runs[1 + 2 * k].parameter == static_cast<int>(k));
    CHECK(runs[1 + 2 * k].factor == 0.5);
    CHECK(runs[2 + 2 * k].parameter == static_cast<int>(k));
    CHECK(runs[2 + 2 * k].factor == 2.0);
  }
}

TEST_CASE("scaled runs move the metrics the right way and land in /sensitivity", "[sensitivity]") {
  const Experiment x = load_experiment_file(kCase);
  const PolicyDesign design = make_design(x);
  REQUIRE(design.sets.size() == 2);  // the baseline and a 30-day stockpile
  RunOptions options;
  options.replications = x.scenario.replications;
  options.seed = x.scenario.seed;
  options.threads = 2;
  const RunResult unscaled = run_monte_carlo(x.scenario, design, options);
  std::int64_t last_done = 0, last_total = 0;
  const SensitivityContent content =
      run_sensitivity(x.scenario, design, *x.sensitivity, options, unscaled,
                      [&](std::int64_t done, std::int64_t total) {
                        last_done = done;
                        last_total = total;
                      });
  CHECK(last_done == last_total);
  CHECK(last_total > 0);
  const std::int64_t S = 11, P = 2;
  REQUIRE(content.runs == S);

  const int unmet = unscaled.layout.slot(0, 0, Metric::unmet_t);
  const auto mean_unmet = [&](std::int64_t run, std::int64_t policy) {
    for (const auto& [statistic, series] : content.statistics) {
      if (statistic != "mean") continue;
      for (const MetricSeries& m : series) {
        if (m.group == "gallium" && m.region == "NL" && m.name == "unmet_t") {
          return m.values[static_cast<std::size_t>(run * P + policy)];
        }
      }
    }
    FAIL("no mean of gallium/NL/unmet_t");
    return 0.0;
  };

  // Run 0 is the main run.
  CHECK(mean_unmet(0, 0) == mean_of(unscaled, 0, unmet));
  CHECK(mean_unmet(0, 1) == mean_of(unscaled, 1, unmet));
  REQUIRE(mean_unmet(0, 0) > 0);
  // Runs 1, 2: the restriction's duration halved and doubled; 3, 4: its severity; 5, 6: demand.
  // The 30-day stockpile (policy set 1) covers the unscaled restriction in full.
  CHECK(mean_unmet(0, 1) < mean_unmet(0, 0));
  for (const std::int64_t p : {0, 1}) {
    INFO("policy set " << p);
    CHECK(mean_unmet(1, p) <= mean_unmet(0, p));
    CHECK(mean_unmet(2, p) > mean_unmet(0, p));
    CHECK(mean_unmet(3, p) <= mean_unmet(0, p));
    CHECK(mean_unmet(4, p) > mean_unmet(0, p));
    CHECK(mean_unmet(6, p) > mean_unmet(0, p));
  }
  CHECK(mean_unmet(1, 0) < mean_unmet(0, 0));
  CHECK(mean_unmet(3, 0) < mean_unmet(0, 0));
  // Every run is the run of its scaled scenario, with the same seed and replications.
  const std::vector<SensitivityRun> runs = sensitivity_runs(*x.sensitivity);
  for (std::int64_t run = 1; run < S; ++run) {
    INFO("run " << run);
    const Scenario scaled = scale_parameter(
        x.scenario, x.sensitivity->parameters[runs[run].parameter], runs[run].factor);
    options.threads = 1;
    const RunResult direct = run_monte_carlo(scaled, design, options);
    CHECK(mean_unmet(run, 0) == mean_of(direct, 0, unmet));
    CHECK(mean_unmet(run, 1) == mean_of(direct, 1, unmet));
  }

  // Written and read back.
  TempDir dir;
  const std::string path = (dir.path / "out.h5").string();
  ResultsContent c =
      make_results_content(x.scenario, design, unscaled, {"v", "c", "crisp run", "", 3});
  c.sensitivity = content;
  write_results(path, c);
  const ResultsReader reader(path);
  const auto table = reader.sensitivity_runs();
  REQUIRE(table.size() == static_cast<std::size_t>(S));
  CHECK(table[0] == std::pair<std::string, double>{"", 1.0});
  CHECK(table[1] == std::pair<std::string, double>{"restriction.duration_days", 0.5});
  CHECK(table[10] == std::pair<std::string, double>{"outages.rate_per_year", 2.0});

  const std::vector<double> means = reader.sensitivity("mean", "gallium", "NL", "unmet_t");
  REQUIRE(means.size() == static_cast<std::size_t>(S * P));
  for (std::int64_t run = 0; run < S; ++run) {
    CHECK(means[run * P] == mean_unmet(run, 0));
  }
  // Row 0 agrees with /summary of the main run.
  const std::vector<double> metric = reader.metric("gallium", "NL", "unmet_t");
  const auto R = static_cast<std::size_t>(x.scenario.replications);
  CHECK(means[1] == summarize(std::span<const double>(metric.data() + R, R)).mean);
  for (const char* statistic : kSensitivityStatistics) {
    CHECK(reader.sensitivity(statistic, "all", "NL", "loss_eur").size() ==
          static_cast<std::size_t>(S * P));
  }
  CHECK(
      reader.sensitivity("p_positive", "gallium", "NL", "shortage_days")[0] ==
      summarize(std::span<const double>(reader.metric("gallium", "NL", "shortage_days").data(), R))
          .p_positive);
  CHECK(reader.sensitivity("mean", "all", "NL", "unmet_t").empty());  // not a metric of "all"

  // The datasets are float64 [S, P].
  const auto file = h5::own<h5::File>(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), "open");
  const auto dataset = h5::own<h5::Dataset>(
      H5Dopen2(file, "/sensitivity/cvar95/all/NL/loss_eur", H5P_DEFAULT), "open dataset");
  const auto space = h5::own<h5::Dataspace>(H5Dget_space(dataset), "space");
  std::array<hsize_t, 2> dims{};
  REQUIRE(H5Sget_simple_extent_ndims(space) == 2);
  H5Sget_simple_extent_dims(space, dims.data(), nullptr);
  CHECK(dims == std::array<hsize_t, 2>{hsize_t(S), hsize_t(P)});
  const auto type = h5::own<h5::Datatype>(H5Dget_type(dataset), "type");
  CHECK(H5Tequal(type, H5T_IEEE_F64LE) > 0);
}

TEST_CASE("a results file without [sensitivity] has no /sensitivity", "[sensitivity]") {
  Experiment x = load_experiment_file(kCase);
  RunOptions options;
  options.replications = 2;
  const PolicyDesign design = make_design(x);
  const RunResult r = run_monte_carlo(x.scenario, design, options);
  TempDir dir;
  const std::string path = (dir.path / "plain.h5").string();
  write_results(path, make_results_content(x.scenario, design, r, {"v", "c", "crisp run", "", 1}));
  const ResultsReader reader(path);
  CHECK(reader.sensitivity_runs().empty());
  CHECK(reader.sensitivity("mean", "gallium", "NL", "unmet_t").empty());
}

TEST_CASE("sensitivity errors name the file, line and parameter", "[sensitivity]") {
  const std::string text = read_case();
  const auto check = [&](const std::string& name, const std::string& from, const std::string& to,
                         const std::vector<std::string>& says) {
    INFO("case: " << name);
    const std::string message = error_of(edited(text, from, to));
    INFO("message: " << message);
    CHECK(message.rfind("bad.toml:", 0) == 0);
    CHECK(message.find('\n') == std::string::npos);
    for (const auto& s : says) {
      CHECK_THAT(message, Contains(s));
    }
  };
  const std::string first = "\"restriction.duration_days\"";
  check("a factor of 1", "factors = [0.5, 2.0]", "factors = [0.5, 1]",
        {"[sensitivity]: factors[1] must differ from 1"});
  check("one factor", "factors = [0.5, 2.0]", "factors = [0.5]",
        {"factors must be a list of two factors [low, high]"});
  check("a factor of 0", "factors = [0.5, 2.0]", "factors = [0, 2]", {"factors[0] must be > 0"});
  check("a rate of a shock with a fixed start", first, "\"restriction.rate_per_year\"",
        {"shock 'restriction' has no rate_per_year to scale: it starts on a fixed start_day"});
  check("an unknown shock", first, "\"restrictions.duration_days\"",
        {"'restrictions' names no shock, material, node", "(did you mean 'restriction'?)"});
  check("an unknown field", first, "\"restriction.duration_dys\"",
        {"shock 'restriction' has no parameter 'duration_dys' to scale",
         "(did you mean 'duration_days'?)"});
  check("no field", first, "\"restriction\"", {"parameters[0] must be '<shock>.<parameter>'"});
  check("a chokepoint's parameter of an outage", first, "\"outages.extra_delay_days\"",
        {"shock 'outages' is not a chokepoint"});
  check("a parameter twice", first, "\"gallium.demand_tpy\"",
        {"parameters lists 'gallium.demand_tpy' twice"});
  check("demand_tpy of all demand", first, "\"demand.demand_tpy\"",
        {"'demand' scales only growth_per_year",
         "demand_tpy is scaled per material ('<material>.demand_tpy')"});
  check("growth scaled to -1 or below", "growth_per_year = 0.02", "growth_per_year = -0.6",
        {"times 2 makes the growth_per_year of node 'nl-users' -1.2, which must be > -1"});
  check("a misspelt key", "parameters = [", "parameter = [",
        {"unknown key 'parameter' (did you mean 'parameters'?)"});
}

// Common random numbers that hold (core/random.hpp): each shock draws from streams of its
// own, so a sensitivity run that scales one shock's rate leaves every other shock's occurrences
// unchanged, replication by replication; only the scaled shock's change (and with its rate
// doubled, it occurs more often).
TEST_CASE("scaling one shock's rate leaves every other shock's occurrences unchanged",
          "[sensitivity][random]") {
  const Experiment x =
      load_experiment_file(CRISP_SOURCE_DIR "/experiments/nl-critical-materials.toml");
  const Scenario& s = x.scenario;
  int scaled = -1;
  for (int k = 0; k < static_cast<int>(s.shocks.size()); ++k)
    if (s.shocks[k].arrival == ArrivalKind::poisson && s.shocks[k].kind != ShockKind::crisis) {
      scaled = k;
      break;
    }
  REQUIRE(scaled >= 0);
  SensitivityParameter p;
  p.name = s.shocks[scaled].name + ".rate_per_year";
  p.target = SensitivityParameter::Target::shock;
  p.index = scaled;
  p.field = "rate_per_year";
  const Scenario twice = scale_parameter(s, p, 2.0);
  REQUIRE(twice.shocks[scaled].rate_per_year == 2 * s.shocks[scaled].rate_per_year);

  auto of = [](const std::vector<ShockOccurrence>& all, int shock) {
    std::vector<ShockOccurrence> out;
    for (const ShockOccurrence& o : all)
      if (o.shock == shock) out.push_back(o);
    return out;
  };
  std::size_t others = 0, before = 0, after = 0;
  for (std::uint64_t r = 0; r < 300; ++r) {
    const auto base = sample_shocks(s, x.scenario.seed, r);
    const auto more = sample_shocks(twice, x.scenario.seed, r);
    for (int k = 0; k < static_cast<int>(s.shocks.size()); ++k) {
      const auto a = of(base, k), b = of(more, k);
      if (k == scaled) {
        before += a.size();
        after += b.size();
        continue;
      }
      REQUIRE(a.size() == b.size());
      for (std::size_t i = 0; i < a.size(); ++i) {
        CHECK(a[i].start == b[i].start);
        CHECK(a[i].duration == b[i].duration);
        CHECK(a[i].severity == b[i].severity);
        CHECK(a[i].extra_delay == b[i].extra_delay);
      }
      others += a.size();
    }
  }
  INFO(others << " occurrences of other shocks; the scaled shock " << before << " -> " << after);
  CHECK(others > 100);  // the check compared something
  CHECK(after > 1.6 * before);
}
