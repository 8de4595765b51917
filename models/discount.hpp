#pragma once
// Continuous discounting to day 0 at a daily force of interest delta = ln(1 + rate) / 365, and the
// exact integrals of constant and linear rates over an interval [t0, t0 + dt].

#include <cmath>

namespace crisp {

struct Discount {
  double delta = 0;  // per day

  static Discount from_yearly_rate(double rate) { return {std::log1p(rate) / 365.0}; }

  double factor(double t) const { return std::exp(-delta * t); }

  // Integral of exp(-delta t) over [t0, t0 + dt].
  double constant(double t0, double dt) const {
    if (delta == 0) return dt;
    return factor(t0) * -std::expm1(-delta * dt) / delta;
  }

  // Integral of (t - t0) exp(-delta t) over [t0, t0 + dt]; the series avoids cancellation when
  // delta * dt is small.
  double linear(double t0, double dt) const {
    const double x = delta * dt;
    double g;
    if (x < 1e-3) {
      g = dt * dt * (0.5 - x / 3.0 + x * x / 8.0 - x * x * x / 30.0);
    } else {
      g = (1.0 - std::exp(-x) * (1.0 + x)) / (delta * delta);
    }
    return factor(t0) * g;
  }
};

}  // namespace crisp
