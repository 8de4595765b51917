// crisp calibrate (README "crisp calibrate", docs/model.md "Calibration"): fits a calibration
// file's parameters to its published series, prints the fit on stdout and writes every point, the
// fitted parameters with their ranges and the evaluation log as one CSV file.

#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iostream>
#include <optional>
#include <ostream>

#include <unistd.h>

#include <fmt/format.h>

#include "commands.hpp"
#include "sim/experiment/experiment.hpp"
#include "sim/optimise/calibration.hpp"
#include "sim/results/output_file.hpp"

namespace crisp {

namespace {

// The CSV's first line: one table in long form, a `record` column saying which part each row is
// (README "crisp calibrate" lists the columns each record fills).
constexpr const char* kHeader =
    "record,series,period,first_month,last_month,window,published,simulated,residual,parameter,"
    "value,min,max,start,range_low,range_high,evaluation,phase,objective";
constexpr int kColumns = 19;

OutputKind calibration_kind() {
  return {"a CSV file that crisp calibrate wrote", [](const std::string& path) {
            std::ifstream in(path, std::ios::binary);
            std::string line;
            constexpr std::size_t kLongest = 1 << 12;
            for (char c; line.size() < kLongest && in.get(c) && c != '\n';)
              line += c;
            return line == kHeader;
          }};
}

std::string number(double v) {
  return std::isnan(v) ? std::string() : fmt::format("{}", v);
}

// A field as CSV quotes it: names may hold commas or quotes.
std::string field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s)
    out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

// One row: the named columns filled, the rest empty.
struct Row {
  std::vector<std::string> cells = std::vector<std::string>(kColumns);
  Row& set(int column, std::string v) {
    cells[static_cast<std::size_t>(column)] = std::move(v);
    return *this;
  }
};
enum Col {
  kRecord,
  kSeries,
  kPeriod,
  kFirst,
  kLast,
  kWindow,
  kPublished,
  kSimulated,
  kResidual,
  kParameter,
  kValue,
  kMin,
  kMax,
  kStart,
  kRangeLow,
  kRangeHigh,
  kEvaluation,
  kPhase,
  kObjective
};

void write_csv(const CalibrationSpec& spec, const CalibrationResult& r, std::ostream& out) {
  out << kHeader << "\n";
  auto emit = [&](const Row& row) {
    for (int c = 0; c < kColumns; ++c)
      out << (c > 0 ? "," : "") << row.cells[static_cast<std::size_t>(c)];
    out << "\n";
  };
  for (std::size_t i = 0; i < spec.parameters.size(); ++i) {
    const CalibrationParameter& p = spec.parameters[i];
    emit(Row{}
             .set(kRecord, "parameter")
             .set(kParameter, field(p.parameter.name))
             .set(kValue, number(r.best[i]))
             .set(kMin, number(p.min))
             .set(kMax, number(p.max))
             .set(kStart, number(p.start))
             .set(kRangeLow, number(r.ranges[i].low))
             .set(kRangeHigh, number(r.ranges[i].high)));
  }
  emit(Row{}.set(kRecord, "objective").set(kObjective, number(r.best_objective)));
  for (std::size_t i = 0; i < spec.series.size(); ++i) {
    const CalibrationSeries& s = spec.series[i];
    const SeriesError& e = r.errors[i];
    emit(Row{}
             .set(kRecord, "series")
             .set(kSeries, field(s.name))
             .set(kWindow, "fit")
             .set(kObjective, number(e.fit)));
    emit(Row{}
             .set(kRecord, "series")
             .set(kSeries, field(s.name))
             .set(kWindow, "holdout")
             .set(kObjective, number(e.holdout)));
    for (std::size_t j = 0; j < s.points.size(); ++j) {
      const CalibrationPoint& p = s.points[j];
      const double sim = r.fitted.values[i][j];
      emit(Row{}
               .set(kRecord, "point")
               .set(kSeries, field(s.name))
               .set(kPeriod, field(p.period))
               .set(kFirst, month_name(p.first))
               .set(kLast, month_name(p.last))
               .set(kWindow, p.fit ? "fit" : "holdout")
               .set(kPublished, number(p.published))
               .set(kSimulated, number(sim))
               .set(kResidual, number(log_residual(sim, p.published, s.floor))));
    }
  }
  for (std::size_t k = 0; k < r.log.size(); ++k)
    for (std::size_t i = 0; i < spec.parameters.size(); ++i)
      emit(Row{}
               .set(kRecord, "evaluation")
               .set(kParameter, field(spec.parameters[i].parameter.name))
               .set(kValue, number(r.log[k].x[i]))
               .set(kEvaluation, std::to_string(k))
               .set(kPhase, r.log[k].phase)
               .set(kObjective, number(r.log[k].objective)));
}

std::string msle(double v, int points) {
  return points == 0 ? std::string("-") : fmt::format("{:.4g}", v);
}

void series_report(const CalibrationSpec& spec, const CalibrationResult& r, std::ostream& out);

void report(const CalibrationSpec& spec, const CalibrationResult& r, std::ostream& out) {
  int phases[4] = {0, 0, 0, 0};
  for (const Evaluation& e : r.log)
    ++phases[e.phase == "start" ? 0 : e.phase == "global" ? 1 : e.phase == "local" ? 2 : 3];
  if (spec.parameters.empty()) {
    out << fmt::format(
        "check {}: replay {} as it is, {} series, no parameters: every figure out of sample\n\n",
        spec.source_name, spec.experiment, spec.series.size());
    series_report(spec, r, out);
    return;
  }
  out << fmt::format("calibration {}: replay {}, {} parameter(s), {} series, fit window {} .. {}\n",
                     spec.source_name, spec.experiment, spec.parameters.size(), spec.series.size(),
                     month_name(spec.fit_first), month_name(spec.fit_last));
  out << fmt::format(
      "evaluations: {} (start {}, global {}, local {} by {}, ranges {}); local search: {}\n",
      r.log.size(), phases[0], phases[1], phases[2],
      spec.method == "bobyqa" ? "BOBYQA" : "Nelder-Mead", phases[3], r.stop);
  out << fmt::format("objective: {:.6g} at the start, {:.6g} fitted\n\n", r.start_objective,
                     r.best_objective);
  out << fmt::format("{:<44} {:>11} {:>11} {:>11} {:>11}  range (objective within {:g} %)\n",
                     "parameter", "start", "fitted", "min", "max", spec.range_tolerance * 100);
  for (std::size_t i = 0; i < spec.parameters.size(); ++i) {
    const CalibrationParameter& p = spec.parameters[i];
    const ParameterRange& g = r.ranges[i];
    out << fmt::format("{:<44} {:>11.5g} {:>11.5g} {:>11.5g} {:>11.5g}  [{:.5g}{}, {:.5g}{}]\n",
                       p.parameter.name, p.start, r.best[i], p.min, p.max, g.low,
                       g.low_at_bound ? " (min)" : "", g.high, g.high_at_bound ? " (max)" : "");
  }
  out << "\n";
  series_report(spec, r, out);
}

// The series' errors and every point, fitted or out of sample.
void series_report(const CalibrationSpec& spec, const CalibrationResult& r, std::ostream& out) {
  out << fmt::format("{:<24} {:>7} {:>10} {:>12} {:>14} {:>14}\n", "series", "weight", "fit pts",
                     "fit MSLE", "hold-out pts", "hold-out MSLE");
  for (std::size_t i = 0; i < spec.series.size(); ++i) {
    const SeriesError& e = r.errors[i];
    out << fmt::format("{:<24} {:>7g} {:>10} {:>12} {:>14} {:>14}\n", spec.series[i].name,
                       spec.series[i].weight, e.fit_points, msle(e.fit, e.fit_points),
                       e.holdout_points, msle(e.holdout, e.holdout_points));
  }
  out << fmt::format("\n{:<24} {:<18} {:<8} {:>12} {:>12} {:>9}\n", "series", "period", "window",
                     "published", "simulated", "ln ratio");
  for (std::size_t i = 0; i < spec.series.size(); ++i) {
    const CalibrationSeries& s = spec.series[i];
    for (std::size_t j = 0; j < s.points.size(); ++j) {
      const CalibrationPoint& p = s.points[j];
      const double sim = r.fitted.values[i][j];
      out << fmt::format("{:<24} {:<18} {:<8} {:>12.5g} {:>12.5g} {:>9.3f}\n", s.name, p.period,
                         p.fit ? "fit" : "hold-out", p.published, sim,
                         log_residual(sim, p.published, s.floor));
    }
    if (s.left_out > 0)
      out << fmt::format("{:<24} ({} row(s) outside the replay left out)\n", s.name, s.left_out);
  }
}

}  // namespace

int calibrate_command(const CalibrateArgs& args) {
  const CalibrationSpec spec = load_calibration_file(args.file);
  const std::string output = args.output.empty() ? "crisp-calibration.csv" : args.output;
  // Claimed before the work, by the rule of every output (sim/results/output_file.hpp).
  std::optional<OutputFile> target;
  try {
    target.emplace(output, calibration_kind(), std::vector<std::string>{args.file});
  } catch (const OutputConflict& e) {
    throw InputError(fmt::format("calibrate: {}", e.what()));
  }
  // Progress on stderr when it is a terminal (as crisp run's), one line rewritten in place.
  const bool progress = !args.quiet && isatty(STDERR_FILENO) == 1;
  int evaluations = 0;
  const CalibrationResult r = calibrate(spec, [&](const Evaluation& e) {
    ++evaluations;
    if (progress)
      std::cerr << fmt::format("\rcalibrate: evaluation {} ({}), objective {:.6g}   ", evaluations,
                               e.phase, e.objective);
  });
  if (progress) std::cerr << "\n";
  target->write([&](const std::string& partial) {
    std::ofstream to_file(partial, std::ios::out | std::ios::trunc);
    if (!to_file)
      throw std::runtime_error(
          fmt::format("calibrate: cannot write '{}': {}", partial, std::strerror(errno)));
    write_csv(spec, r, to_file);
    to_file.close();
    if (!to_file) throw std::runtime_error(fmt::format("calibrate: cannot write '{}'", output));
  });
  report(spec, r, std::cout);
  std::cout << fmt::format("\nwritten: {}\n", output);
  return 0;
}

}  // namespace crisp
