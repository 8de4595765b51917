// crisp calibrate (docs/model.md "Calibration"): the calendar, the objective by hand, set_parameter
// beside scale_parameter, and the recovery of known parameters from a synthetic replay's own
// output (simulate at v*, write what it gives as the "published" series, fit from elsewhere).
#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>
#include <string>

#include <fmt/format.h>

#include "models/sensitivity.hpp"
#include "models/shocks/export_restriction.hpp"
#include "sim/experiment/experiment.hpp"
#include "sim/optimise/calibration.hpp"
#include "tests/unit/temp_dir.hpp"

using namespace crisp;

namespace {

// One material: a Chinese mine (with idle capacity) and a Japanese consumer, a quota from day 90
// for 270 days that leaks, and a market whose price answers the shortfall. Day 0 is 2020-01-01;
// two years.
constexpr const char* kReplay = R"(
[experiment]
name = "synthetic-replay"
horizon_years = 2
replications = 1
seed = 7
report_regions = ["JP"]

[[material]]
name = "ga"
price_eur_per_t = 1000
value_of_lost_load_eur_per_t = 20000
resourcing_delay_days = 30
spot_lead_time_days = 20
market = { price_elasticity = 0.3, price_cap_multiple = 30, review_days = 30 }

[[node]]
id = "cn-mine"
kind = "mine"
material = "ga"
country = "CN"
capacity_tpy = 500

[[node]]
id = "row-mine"
kind = "mine"
material = "ga"
country = "RoW"
capacity_tpy = 60

[[node]]
id = "jp-users"
kind = "consumer"
material = "ga"
country = "JP"
demand_tpy = 365
buffer_days = 60

[[edge]]
from = "cn-mine"
to = "jp-users"
share = 0.9
lead_time_days = 20

[[edge]]
from = "row-mine"
to = "jp-users"
share = 0.1
lead_time_days = 30

[[shock]]
name = "quota"
kind = "export_restriction"
mode = "quota"
country = "CN"
materials = ["ga"]
destinations = "foreign"
events = [[90, 270, 0.6]]
leakage = 0.3
)";

void write(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
}

// The calibration file over `params` (TOML [[parameter]] tables), both series from CSV files
// beside it, fit window 2020-01 .. 2020-12 (2021 is hold-out).
std::string calibration_text(const std::string& params, const std::string& method) {
  return fmt::format(R"(
[calibration]
experiment = "replay.toml"
day0 = "2020-01-01"
fit = ["2020-01", "2020-12"]
method = "{}"
evaluations = 150

{}

[[series]]
name = "exports"
kind = "exports"
file = "exports.csv"
date = "period"
value = "value_kg"
unit = "kg"
material = "ga"
region = "JP"
country = "CN"

[[series]]
name = "price"
kind = "price"
file = "price.csv"
date = "period"
value = "low"
value_high = "high"
material = "ga"
region = "JP"
base = "2020-01"
)",
                     method, params);
}

// One parameter to fit: the quota's leakage.
constexpr const char* kLeakage = R"(
[[parameter]]
name = "quota.leakage"
min = 0
max = 1
)";

// Series files with a row a month, 2020-01 .. 2021-12 (2020 is a leap year: 2021-12-31 is day
// 730, the replay's last sample), each value from `sim` or 1 when there is none yet.
void write_series(const test::TempDir& dir, const Simulated* sim) {
  std::string exports = "period,value_kg,note\n", price = "period,low,high\n";
  for (int k = 0; k < 24; ++k) {
    const std::string month = fmt::format("{}-{:02d}", 2020 + k / 12, k % 12 + 1);
    const double t = sim ? sim->values[0][static_cast<std::size_t>(k)] : 1.0;
    const double p = sim ? sim->values[1][static_cast<std::size_t>(k)] : 1.0;
    // Published kg; the price as a low-high pair around the index (their mean is the value).
    exports += fmt::format("{},{},synthetic\n", month, t * 1000);
    price += fmt::format("{},{},{}\n", month, p * 0.9, p * 1.1);
  }
  write(dir.file("exports.csv"), exports);
  write(dir.file("price.csv"), price);
}

// The replay and series of 1 t and an index of 1 every month, in `dir`.
void write_replay(const test::TempDir& dir) {
  write(dir.file("replay.toml"), kReplay);
  write_series(dir, nullptr);
}

}  // namespace

TEST_CASE("calendar: days and months of the calibration file", "[calibration]") {
  CHECK(days_from_civil(1970, 1, 1) == 0);
  CHECK(days_from_civil(2000, 3, 1) - days_from_civil(2000, 2, 1) == 29);  // leap year
  CHECK(days_from_civil(1900, 3, 1) - days_from_civil(1900, 2, 1) == 28);  // not one
  CHECK(days_from_civil(2011, 1, 1) - days_from_civil(2010, 1, 1) == 365);
  CHECK(month_name(2010 * 12 + 8) == "2010-09");
}

TEST_CASE("calibration objective by hand: floors and weights", "[calibration]") {
  CHECK(log_residual(2, 1, 0.01) == Approx(std::log(2.0)));
  CHECK(log_residual(0, 1, 0.01) == Approx(std::log(0.01)));  // a zero is floored, not -inf
  CHECK(log_residual(0, 0, 0.01) == 0);
  CalibrationSpec spec;
  CalibrationSeries a, b;
  a.floor = b.floor = 0.01;
  a.weight = 1;
  b.weight = 2;
  a.points = {{"m1", 0, 0, 1.0, true, 1}, {"m2", 1, 1, 4.0, true, 2}, {"m3", 2, 2, 1.0, false, 3}};
  b.points = {{"m1", 0, 0, 1.0, true, 1}};
  spec.series = {a, b};
  Simulated sim;
  sim.values = {{2.0, 2.0, 5.0}, {std::exp(0.5)}};
  std::vector<SeriesError> errors;
  // a: mean of ln(2)^2 and ln(1/2)^2 = ln(2)^2; b: 0.25, weight 2; a's third point is hold-out.
  const double ln2 = std::log(2.0);
  CHECK(calibration_objective(spec, sim, &errors) == Approx(ln2 * ln2 + 2 * 0.25));
  CHECK(errors[0].fit_points == 2);
  CHECK(errors[0].holdout_points == 1);
  CHECK(errors[0].holdout == Approx(std::log(5.0) * std::log(5.0)));
  CHECK(std::isnan(errors[1].holdout));
}

TEST_CASE("set_parameter sets what scale_parameter scales, with the same checks",
          "[calibration][sensitivity]") {
  const Experiment x = load_experiment_text(kReplay, "replay.toml");
  const Scenario& sc = x.scenario;
  SensitivityParameter leakage{"quota.leakage", SensitivityParameter::Target::shock, 0, "leakage",
                               "quota"};
  CHECK(parameter_value(sc, leakage) == 0.3);
  CHECK(set_parameter(sc, leakage, 0.55).shocks[0].as<ExportRestrictionSpec>().leakage == 0.55);
  CHECK(scale_parameter(sc, leakage, 2).shocks[0].as<ExportRestrictionSpec>().leakage ==
        Approx(0.6));
  CHECK_THROWS_WITH(set_parameter(sc, leakage, 1.5), "quota.leakage: must be in [0, 1], got 1.5");
  // A replayed event's severity: every event takes the value.
  SensitivityParameter severity{"quota.severity", SensitivityParameter::Target::shock, 0,
                                "severity", "quota"};
  CHECK(parameter_value(sc, severity) == 0.6);
  CHECK(set_parameter(sc, severity, 0.8).shocks[0].events[0].severity == 0.8);
  // The market's fields, new to [sensitivity] too.
  SensitivityParameter elasticity{"ga.price_elasticity", SensitivityParameter::Target::material, 0,
                                  "price_elasticity", "ga"};
  CHECK(parameter_value(sc, elasticity) == 0.3);
  CHECK(set_parameter(sc, elasticity, 0.45).materials[0].market.price_elasticity == 0.45);
  CHECK(scale_parameter(sc, elasticity, 2).materials[0].market.price_elasticity == Approx(0.6));
  CHECK_THROWS_WITH(set_parameter(sc, elasticity, 0), "ga.price_elasticity: must be > 0, got 0");
  // Demand answers the price only at market steps: a market without them refuses the field.
  SensitivityParameter demand_e{"ga.demand_elasticity", SensitivityParameter::Target::material, 0,
                                "demand_elasticity", "ga"};
  CHECK_THROWS_WITH(set_parameter(sc, demand_e, 0.2),
                    Catch::Contains("has a market without price steps"));
  Scenario stepped = sc;
  stepped.materials[0].market.price_step_days = 7;
  CHECK(parameter_value(stepped, demand_e) == 0);
  CHECK(set_parameter(stepped, demand_e, 0.2).materials[0].market.demand_elasticity == 0.2);
  // A base of 0 is set, never scaled into being.
  SensitivityParameter share{"ga.irreversible_share", SensitivityParameter::Target::material, 0,
                             "irreversible_share", "ga"};
  CHECK_THROWS_WITH(set_parameter(sc, share, 0.5),
                    "ga.irreversible_share: material 'ga' has no substitution block, so "
                    "irreversible_share does nothing");
  // The demand of every consumer of a material has no one value to set.
  SensitivityParameter demand{"ga.demand_tpy", SensitivityParameter::Target::material, 0,
                              "demand_tpy", "ga"};
  CHECK_THROWS(set_parameter(sc, demand, 100));
  CHECK(scale_parameter(sc, demand, 2).nodes[2].demand_tpy == 730);
}

TEST_CASE("calibrate recovers known parameters from a synthetic replay's own output",
          "[calibration]") {
  const test::TempDir dir;
  write_replay(dir);
  // The truth: leakage 0.3, price_elasticity 0.3 (the replay's own values).
  const std::string truth = R"(
[[parameter]]
name = "quota.leakage"
min = 0
max = 1

[[parameter]]
name = "ga.price_elasticity"
min = 0.05
max = 1
)";
  write(dir.file("truth.toml"), calibration_text(truth, "bobyqa"));
  const CalibrationSpec at_truth = load_calibration_file(dir.file("truth.toml"));
  REQUIRE(at_truth.series[0].points.size() == 24);
  REQUIRE(at_truth.series[1].points.size() == 24);
  const Simulated published = simulate_calibration(at_truth, {0.3, 0.3});
  // The quota bites: exports in its months fall below January's (27.9 t: 0.9 of 365 t/yr over
  // 31 days).
  CHECK(published.values[0][0] == Approx(0.9 * 365 / 365 * 31));
  CHECK(published.values[0][4] < 0.9 * published.values[0][0]);
  CHECK(published.values[1][6] > 1.5);  // and the price rises, below its cap (30)
  CHECK(published.values[1][6] < 29);
  // January's price is the base price, so the index of the published price is the simulation's.
  REQUIRE(published.values[1][0] == Approx(1.0).margin(1e-12));
  write_series(dir, &published);

  SECTION("two parameters, BOBYQA, from elsewhere") {
    const std::string from = R"(
[[parameter]]
name = "quota.leakage"
min = 0
max = 1
start = 0.7

[[parameter]]
name = "ga.price_elasticity"
min = 0.05
max = 1
start = 0.6
)";
    write(dir.file("fit.toml"), calibration_text(from, "bobyqa"));
    const CalibrationSpec spec = load_calibration_file(dir.file("fit.toml"));
    // At the truth the fit is exact: the published series is the simulation's own (the price's
    // published value the mean of low and high, over January's, 1).
    CHECK(calibration_objective(spec, simulate_calibration(spec, {0.3, 0.3})) < 1e-12);
    const CalibrationResult r = calibrate(spec);
    CHECK(r.start_objective > 1e-3);
    CHECK(r.best_objective < 1e-8);
    // Stated tolerance: each within 0.01 of the truth.
    CHECK(r.best[0] == Approx(0.3).margin(0.01));
    CHECK(r.best[1] == Approx(0.3).margin(0.01));
    // Each range holds the fitted value and lies inside the bounds.
    for (std::size_t i = 0; i < 2; ++i) {
      CHECK(r.ranges[i].low <= r.best[i]);
      CHECK(r.ranges[i].high >= r.best[i]);
      CHECK(r.ranges[i].low >= spec.parameters[i].min);
      CHECK(r.ranges[i].high <= spec.parameters[i].max);
    }
    // The log holds the start first, then the local search and the ranges.
    CHECK(r.log.front().phase == "start");
    CHECK(r.log.front().x == std::vector<double>{0.7, 0.6});
  }
  SECTION("one parameter, Nelder-Mead, after a DIRECT-L pass") {
    const std::string from = R"(
[[parameter]]
name = "quota.leakage"
min = 0
max = 1
start = 0.9
)";
    std::string text = calibration_text(from, "neldermead");
    text.replace(text.find("evaluations = 150"), 17, "evaluations = 80\nglobal_evaluations = 30");
    write(dir.file("fit1.toml"), text);
    const CalibrationSpec spec = load_calibration_file(dir.file("fit1.toml"));
    const CalibrationResult r = calibrate(spec);
    CHECK(r.best[0] == Approx(0.3).margin(0.01));
    CHECK(r.best_objective < 1e-8);
    int global = 0;
    for (const Evaluation& e : r.log)
      global += e.phase == "global";
    CHECK(global > 0);
    CHECK(global <= 30);
  }
}

TEST_CASE("[sensitivity] scales the market's names, and refuses one without its block",
          "[calibration][sensitivity]") {
  const std::string with =
      std::string(kReplay) +
      "\n[sensitivity]\nparameters = [\"ga.price_elasticity\", \"quota.announce_days\"]\n";
  const Experiment x = load_experiment_text(with, "replay.toml");
  REQUIRE(x.sensitivity);
  REQUIRE(x.sensitivity->parameters.size() == 2);
  CHECK(x.sensitivity->parameters[0].target == SensitivityParameter::Target::material);
  CHECK(x.sensitivity->parameters[1].field == "announce_days");
  // Times the default low factor 0.5: 0.3 -> 0.15.
  CHECK(scale_parameter(x.scenario, x.sensitivity->parameters[0], 0.5)
            .materials[0]
            .market.price_elasticity == Approx(0.15));
  const std::string without =
      std::string(kReplay) + "\n[sensitivity]\nparameters = [\"ga.substitution_rate\"]\n";
  CHECK_THROWS_WITH(load_experiment_text(without, "replay.toml"),
                    Catch::Contains("material 'ga' has no substitution block"));
}

TEST_CASE("shift_days reads arrivals later and drops the months it pushes past the replay",
          "[calibration]") {
  const test::TempDir dir;
  write_replay(dir);
  std::string text = calibration_text(kLeakage, "bobyqa");
  write(dir.file("plain.toml"), text);
  text.replace(text.find("country = \"CN\""), 14, "country = \"CN\"\nshift_days = 31");
  write(dir.file("shifted.toml"), text);
  const CalibrationSpec plain = load_calibration_file(dir.file("plain.toml"));
  const CalibrationSpec shifted = load_calibration_file(dir.file("shifted.toml"));
  // 2021-12 read 31 days later ends past day 730: left out.
  CHECK(shifted.series[0].points.size() == 23);
  CHECK(shifted.series[0].left_out == 1);
  const Simulated a = simulate_calibration(plain, {0.3}), b = simulate_calibration(shifted, {0.3});
  // January read 31 days later is February 1 .. March 2: before the quota (day 90), at the day-0
  // rate of 0.9 t/day, 31 days.
  CHECK(b.values[0][0] == Approx(0.9 * 31));
  // May read 31 days later, June 1 .. July 1, is 30 of June's days and July 1's.
  CHECK(b.values[0][4] == Approx(a.values[0][5] + a.values[0][6] / 31));
  // A price has no lead time to shift.
  std::string bad = calibration_text(kLeakage, "bobyqa");
  bad.replace(bad.find("base = \"2020-01\""), 16, "base = \"2020-01\"\nshift_days = 5");
  write(dir.file("bad.toml"), bad);
  CHECK_THROWS_WITH(load_calibration_file(dir.file("bad.toml")),
                    Catch::Contains("shift_days: only an exports series"));
}

TEST_CASE("min_months and max_months keep a series' months apart from its spans", "[calibration]") {
  const test::TempDir dir;
  write_replay(dir);
  // Beside the 24 months, a year-to-date span and a year of 2020.
  std::ofstream(dir.file("exports.csv"), std::ios::app) << "2020-01..2020-06,6000,span\n"
                                                        << "2020,12000,year\n";
  const std::string text = calibration_text(kLeakage, "bobyqa");
  auto with = [&](const std::string& name, const std::string& keys) {
    std::string t = text;
    t.replace(t.find("country = \"CN\""), 14, "country = \"CN\"\n" + keys);
    write(dir.file(name), t);
    return load_calibration_file(dir.file(name)).series[0].points.size();
  };
  CHECK(with("all.toml", "") == 26);
  CHECK(with("months.toml", "max_months = 1") == 24);
  CHECK(with("spans.toml", "min_months = 2") == 2);
  CHECK(with("years.toml", "min_months = 7") == 1);
  CHECK_THROWS_WITH(with("none.toml", "min_months = 3\nmax_months = 2"),
                    Catch::Contains("min_months 3 is above max_months 2"));
}

TEST_CASE("a file without parameters checks the replay as it is, every figure out of sample",
          "[calibration]") {
  const test::TempDir dir;
  write_replay(dir);
  // Published: 1 t and an index of 1 every month. The check simulates once and scores every month.
  std::string text = calibration_text("", "bobyqa");
  text.erase(text.find("fit = "), text.find('\n', text.find("fit = ")) - text.find("fit = ") + 1);
  write(dir.file("check.toml"), text);
  const CalibrationSpec spec = load_calibration_file(dir.file("check.toml"));
  REQUIRE(spec.parameters.empty());
  REQUIRE(spec.series[0].points.size() == 24);
  write_series(dir, nullptr);
  int evaluations = 0;
  const CalibrationResult r = calibrate(spec, [&](const Evaluation&) { ++evaluations; });
  CHECK(evaluations == 1);
  CHECK(r.errors[0].fit_points == 0);
  CHECK(r.errors[0].holdout_points == 24);
  // Against the published 1 t a month: the simulated January is 0.9 t/day over 31 days.
  CHECK(r.fitted.values[0][0] == Approx(0.9 * 31));
  double msle = 0;
  for (std::size_t j = 0; j < 24; ++j) {
    const double res = std::log(r.fitted.values[0][j] / 1.0);
    msle += res * res / 24;
  }
  CHECK(r.errors[0].holdout == Approx(msle));
  // A fit window without parameters names months nothing is fitted to.
  write(dir.file("window.toml"), calibration_text("", "bobyqa"));
  CHECK_THROWS_WITH(load_calibration_file(dir.file("window.toml")),
                    Catch::Contains("checks the replay as it is"));
}
