// crisp calibrate's fit (docs/model.md "Calibration"): one deterministic replication of the replay
// per evaluation, an optional DIRECT-L pass, a bounded derivative-free local search (NLopt
// BOBYQA or Nelder-Mead) from the start point, then each parameter's range.

#include <algorithm>
#include <cmath>
#include <exception>
#include <limits>
#include <map>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>
#include <nlopt.hpp>

#include "models/material_sim.hpp"
#include "models/network.hpp"
#include "models/shocks.hpp"
#include "models/simulator.hpp"
#include "models/trajectory.hpp"
#include "sim/optimise/calibration.hpp"

namespace crisp {

namespace {

constexpr int kPriceSeries = 5;  // kTrajectorySeries' "price_multiple"
static_assert(kTrajectorySeries[kPriceSeries] == "price_multiple");

// The day (from day 0) a month starts on.
std::int64_t day_of(const CalibrationSpec& spec, MonthIndex m) {
  return days_from_civil(m / 12, m % 12 + 1, 1) - spec.day0;
}

}  // namespace

Simulated simulate_calibration(const CalibrationSpec& spec, const std::vector<double>& x) {
  Scenario sc = spec.scenario;
  for (std::size_t i = 0; i < spec.parameters.size(); ++i)
    sc = set_parameter(sc, spec.parameters[i].parameter, x[i]);
  const std::vector<MaterialNet> nets = compile_networks(sc, PolicyEffects{});
  const MetricLayout layout = make_layout(sc);
  // The replay's events are fixed: replication 0 of its seed is every replication.
  const std::vector<ShockOccurrence> shocks = sample_shocks(sc, sc.seed, 0);
  std::vector<double> metrics(static_cast<std::size_t>(layout.size()));

  // One run per material and country asked for (a price series needs no country: -1).
  std::map<std::pair<int, int>, Trajectory> runs;
  auto country_of = [&](const CalibrationSeries& s) {
    if (s.kind == SeriesKind::price) return -1;
    const auto& countries = nets[static_cast<std::size_t>(s.material)].countries;
    const auto it = std::find(countries.begin(), countries.end(), s.country);
    if (it == countries.end())
      throw std::logic_error("calibrate: the series' country has no node of its material");
    return static_cast<int>(it - countries.begin());
  };
  for (const CalibrationSeries& s : spec.series) {
    const std::pair<int, int> key{s.material, country_of(s)};
    if (runs.contains(key)) continue;
    Trajectory& tr = runs[key];
    tr.step = 1;  // a sample a day, summed or averaged over the days of each month
    tr.country = key.second;
    MaterialSim sim(sc, nets[static_cast<std::size_t>(s.material)], layout);
    sim.record(&tr);
    sim.run(shocks, metrics);
  }

  Simulated out;
  for (const CalibrationSeries& s : spec.series) {
    Trajectory& tr = runs.at({s.material, country_of(s)});
    std::vector<double> values;
    for (const CalibrationPoint& p : s.points) {
      const std::int64_t a = day_of(spec, p.first) + s.shift_days,
                         b = day_of(spec, p.last + 1) + s.shift_days;
      double sum = 0;
      for (std::int64_t k = a; k < b; ++k) {
        const int kk = static_cast<int>(k);
        sum += s.kind == SeriesKind::exports
                   ? tr.country_inflow[static_cast<std::size_t>(s.region) *
                                           static_cast<std::size_t>(tr.samples) +
                                       static_cast<std::size_t>(kk)]
                   : tr.at(s.region, kPriceSeries, kk);
      }
      // Exports: the rate at the start of each day times one day, in tonnes; price: the mean.
      const double v = s.kind == SeriesKind::exports ? sum : sum / static_cast<double>(b - a);
      values.push_back(v * s.scale);
    }
    out.values.push_back(std::move(values));
  }
  return out;
}

double log_residual(double simulated, double published, double floor) {
  return std::log(std::max(simulated, floor) / std::max(published, floor));
}

double calibration_objective(const CalibrationSpec& spec, const Simulated& sim,
                             std::vector<SeriesError>* per_series) {
  double total = 0;
  if (per_series) per_series->clear();
  for (std::size_t i = 0; i < spec.series.size(); ++i) {
    const CalibrationSeries& s = spec.series[i];
    SeriesError e;
    for (std::size_t j = 0; j < s.points.size(); ++j) {
      const double r = log_residual(sim.values[i][j], s.points[j].published, s.floor);
      if (s.points[j].fit) {
        e.fit += r * r;
        ++e.fit_points;
      } else {
        e.holdout += r * r;
        ++e.holdout_points;
      }
    }
    constexpr double kNone = std::numeric_limits<double>::quiet_NaN();
    e.fit = e.fit_points > 0 ? e.fit / e.fit_points : kNone;
    e.holdout = e.holdout_points > 0 ? e.holdout / e.holdout_points : kNone;
    if (e.fit_points > 0) total += s.weight * e.fit;
    if (per_series) per_series->push_back(e);
  }
  return total;
}

namespace {

// NLopt's view: the parameters scaled to [0, 1] by their bounds, so one step size and one
// tolerance serve parameters of any unit.
struct Search {
  const CalibrationSpec* spec;
  std::vector<Evaluation>* log;
  const std::function<void(const Evaluation&)>* progress;
  std::string phase;
  int calls_left = 0;  // NLopt's maxeval, enforced here too (DIRECT may overrun it)
  nlopt::opt* running = nullptr;
  std::exception_ptr failure;

  std::vector<double> x_of(const std::vector<double>& u) const {
    std::vector<double> x;
    for (std::size_t i = 0; i < u.size(); ++i) {
      const CalibrationParameter& p = spec->parameters[i];
      x.push_back(p.min + std::clamp(u[i], 0.0, 1.0) * (p.max - p.min));
    }
    return x;
  }
  std::vector<double> u_of(const std::vector<double>& x) const {
    std::vector<double> u;
    for (std::size_t i = 0; i < x.size(); ++i) {
      const CalibrationParameter& p = spec->parameters[i];
      u.push_back((x[i] - p.min) / (p.max - p.min));
    }
    return u;
  }
  double evaluate(const std::vector<double>& x, const std::string& at_phase) {
    Evaluation e{x, calibration_objective(*spec, simulate_calibration(*spec, x)), at_phase};
    log->push_back(e);
    if (*progress) (*progress)(e);
    return e.objective;
  }
};

double objective_of(const std::vector<double>& u, std::vector<double>& /*grad*/, void* data) {
  auto* s = static_cast<Search*>(data);
  if (s->calls_left-- <= 0) {
    s->running->force_stop();
    return HUGE_VAL;
  }
  try {
    return s->evaluate(s->x_of(u), s->phase);
  } catch (...) {
    s->failure = std::current_exception();
    s->running->force_stop();
    return HUGE_VAL;
  }
}

std::string result_name(nlopt::result r) {
  switch (r) {
    case nlopt::SUCCESS:
      return "success";
    case nlopt::STOPVAL_REACHED:
      return "objective reached its stop value";
    case nlopt::FTOL_REACHED:
      return "converged (objective tolerance)";
    case nlopt::XTOL_REACHED:
      return "converged (parameter tolerance, 1e-6 of each range)";
    case nlopt::MAXEVAL_REACHED:
      return "evaluation budget spent";
    case nlopt::MAXTIME_REACHED:
      return "time limit";
    default:
      break;
  }
  return fmt::format("NLopt result {}", static_cast<int>(r));
}

// Runs `algorithm` from `u` for at most `evaluations` points; returns why it stopped.
std::string run_nlopt(Search& s, nlopt::algorithm algorithm, std::vector<double> u,
                      int evaluations) {
  const auto d = static_cast<unsigned>(u.size());
  nlopt::opt opt(algorithm, d);
  s.running = &opt;
  opt.set_lower_bounds(std::vector<double>(d, 0.0));
  opt.set_upper_bounds(std::vector<double>(d, 1.0));
  opt.set_min_objective(objective_of, &s);
  opt.set_maxeval(evaluations);
  s.calls_left = evaluations;
  opt.set_xtol_abs(1e-6);
  opt.set_ftol_abs(1e-12);
  if (algorithm != nlopt::GN_DIRECT_L) opt.set_initial_step(0.1);  // a tenth of each range
  std::string why;
  double f = 0;
  try {
    why = result_name(opt.optimize(u, f));
  } catch (const nlopt::forced_stop&) {
    why = "evaluation budget spent";
  } catch (const nlopt::roundoff_limited&) {
    why = "stopped by round-off (the objective is flat at this scale)";
  } catch (const std::invalid_argument& e) {
    if (!s.failure)
      throw std::logic_error(fmt::format("NLopt refused its arguments: {}", e.what()));
  } catch (const std::runtime_error&) {  // "nlopt failure": the points found so far stand
    why = "NLopt failure (the best point so far stands)";
  }
  s.running = nullptr;
  if (s.failure) std::rethrow_exception(s.failure);
  return why;
}

}  // namespace

CalibrationResult calibrate(const CalibrationSpec& spec,
                            const std::function<void(const Evaluation&)>& progress) {
  CalibrationResult r;
  Search s{&spec, &r.log, &progress, "start", 0, nullptr, nullptr};
  for (const CalibrationParameter& p : spec.parameters)
    r.start.push_back(p.start);
  r.start_objective = s.evaluate(r.start, "start");
  auto best_so_far = [&] {
    const auto it = std::min_element(
        r.log.begin(), r.log.end(),
        [](const Evaluation& a, const Evaluation& b) { return a.objective < b.objective; });
    return *it;
  };
  if (spec.parameters.empty()) {  // a check of the replay as it is: nothing to search
    r.best_objective = r.start_objective;
    r.stop = "none (no parameters: the replay as it is)";
    r.fitted = simulate_calibration(spec, r.best);
    calibration_objective(spec, r.fitted, &r.errors);
    return r;
  }
  std::vector<double> from = r.start;
  if (spec.global_evaluations > 0) {
    s.phase = "global";
    run_nlopt(s, nlopt::GN_DIRECT_L, s.u_of(from), spec.global_evaluations);
    from = best_so_far().x;
  }
  s.phase = "local";
  r.stop = run_nlopt(s, spec.method == "bobyqa" ? nlopt::LN_BOBYQA : nlopt::LN_NELDERMEAD,
                     s.u_of(from), spec.evaluations);
  const Evaluation best = best_so_far();
  r.best = best.x;
  r.best_objective = best.objective;

  // Each parameter alone, the others at their fitted values: the interval where the objective
  // stays within the tolerance above the minimum (plus 1e-9, for a fit that is exact), found by
  // bisection toward each bound (the objective taken to rise away from the minimum).
  const double limit = r.best_objective * (1 + spec.range_tolerance) + 1e-9;
  s.phase = "range";
  for (std::size_t i = 0; i < spec.parameters.size(); ++i) {
    const CalibrationParameter& p = spec.parameters[i];
    ParameterRange range;
    for (int side = 0; side < 2; ++side) {
      const double bound = side == 0 ? p.min : p.max;
      double inside = r.best[i], outside = bound;
      bool at_bound = inside == bound;
      if (!at_bound) {
        std::vector<double> x = r.best;
        x[i] = bound;
        at_bound = s.evaluate(x, "range") <= limit;
      }
      if (!at_bound) {
        for (int step = 0; step < 10; ++step) {
          std::vector<double> x = r.best;
          x[i] = 0.5 * (inside + outside);
          (s.evaluate(x, "range") <= limit ? inside : outside) = x[i];
        }
      }
      const double end = at_bound ? bound : inside;
      (side == 0 ? range.low : range.high) = end;
      (side == 0 ? range.low_at_bound : range.high_at_bound) = at_bound;
    }
    r.ranges.push_back(range);
  }
  r.fitted = simulate_calibration(spec, r.best);
  calibration_objective(spec, r.fitted, &r.errors);
  return r;
}

}  // namespace crisp
