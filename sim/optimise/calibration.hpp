#pragma once
// crisp calibrate (README "crisp calibrate", docs/model.md "Calibration"): fits a few scenario
// parameters of a historical replay to published monthly series. A calibration file names the
// replay, the calendar date of its day 0, the fit window, the parameters (as [sensitivity] names
// them, each with absolute bounds) and the series; the objective is the weighted sum over series
// of the mean squared log ratio of simulated to published values over the fit window's points.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "models/scenario.hpp"
#include "models/sensitivity.hpp"

namespace crisp {

// A month of the calendar: year * 12 + (month - 1).
using MonthIndex = int;
// Days from 1970-01-01 of a calendar date (proleptic Gregorian).
std::int64_t days_from_civil(int year, int month, int day);
// "2010-01" for a month index.
std::string month_name(MonthIndex m);

struct CalibrationParameter {
  SensitivityParameter parameter;  // as [sensitivity] resolves it
  double min = 0, max = 0;         // absolute bounds of the search
  double start = 0;                // where the local search starts (default: the replay's value)
};

enum class SeriesKind : std::uint8_t {
  exports,  // t a calendar month arriving at a report region's consumers from one country
  price,    // the price multiple, mean over the days of the period's months
};

// One published figure, placed on the calendar.
struct CalibrationPoint {
  std::string period;      // as the file gives it: "2010-09", "2010-01..2010-09", "2010-Q3"
  MonthIndex first = 0;    // the months it covers, first and last
  MonthIndex last = 0;     //
  double published = 0;    // in the simulation's unit: t (exports) or an index (price)
  bool fit = false;        // in the fit window (else hold-out: reported, not fitted)
  std::uint32_t line = 0;  // its line in the series file
};

struct CalibrationSeries {
  std::string name;
  SeriesKind kind = SeriesKind::exports;
  std::string file;     // as the calibration file names it
  int material = 0;     // index into the scenario's materials
  int region = 0;       // index into the report regions
  std::string country;  // exports: the suppliers' country
  double scale = 1;     // simulated values are multiplied by this before the comparison
  double weight = 1;
  double floor = 0;    // both values are at least this in the log ratio (no infinities at zero)
  int shift_days = 0;  // exports: a month's arrivals are read this many days later
  std::vector<CalibrationPoint> points;  // in file order, within the replay
  int left_out = 0;  // rows that match but lie outside the replay (before day 0, past the end)
};

struct CalibrationSpec {
  std::string source_name;  // the calibration file, for messages and the output
  Scenario scenario;        // the replay (its experiment file, frozen)
  std::string experiment;   // its path as given
  std::int64_t day0 = 0;    // days_from_civil of day 0
  MonthIndex fit_first = 0, fit_last = 0;
  std::vector<CalibrationParameter> parameters;
  std::vector<CalibrationSeries> series;
  std::string method = "bobyqa";  // "bobyqa" or "neldermead": the local search
  int evaluations = 200;          // the local search's budget
  int global_evaluations = 0;     // a DIRECT-L pass first with this budget (0: none)
  double range_tolerance = 0.10;  // ranges: objective within (1 + this) of the minimum
};

// Reads a calibration file; the replay's path is relative to its folder. Every bad input throws
// InputError with one line naming the file, key and value.
CalibrationSpec load_calibration_file(const std::string& path);

// What one evaluation gives: per series, per point, the simulated value (after `scale`).
struct Simulated {
  std::vector<std::vector<double>> values;  // [series][point]
};

// Simulates the replay with the parameters set to `x` (one deterministic replication).
Simulated simulate_calibration(const CalibrationSpec& spec, const std::vector<double>& x);

// The log residual ln(max(sim, floor) / max(pub, floor)).
double log_residual(double simulated, double published, double floor);

struct SeriesError {
  double fit = 0, holdout = 0;  // mean squared log residual over the window's points (NaN: none)
  int fit_points = 0, holdout_points = 0;
};
// The objective of docs/model.md "Calibration", with each series' part.
double calibration_objective(const CalibrationSpec& spec, const Simulated& sim,
                             std::vector<SeriesError>* per_series = nullptr);

struct Evaluation {
  std::vector<double> x;
  double objective = 0;
  std::string phase;  // "start", "global", "local", "range"
};

struct ParameterRange {
  double low = 0, high = 0;  // the objective stays within the tolerance between them
  bool low_at_bound = false, high_at_bound = false;
};

struct CalibrationResult {
  std::vector<double> start, best;
  double start_objective = 0, best_objective = 0;
  Simulated fitted;
  std::vector<SeriesError> errors;
  std::vector<ParameterRange> ranges;
  std::vector<Evaluation> log;
  std::string stop;  // why the local search stopped (NLopt's result)
};

// Fits: an optional DIRECT-L pass, then the local search from the start point (or the global
// pass's best, when better), then each parameter's range. `progress` (may be empty) hears each
// evaluation.
CalibrationResult calibrate(const CalibrationSpec& spec,
                            const std::function<void(const Evaluation&)>& progress = {});

}  // namespace crisp
