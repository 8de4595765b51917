#pragma once
// Buffers held at their target over a zero lead time (docs/model.md "Zero lead times: buffers
// held at their target"): each such buffer asks for the fraction of its refill that makes what
// arrives at the instant equal what it uses. Only a material with a zero lead time holds any.
// The solver is generic in how the allocation is redone (MaterialSim passes it callables), so it
// needs no knowledge of the other stores.

#include <algorithm>
#include <cmath>
#include <vector>

#include "models/engine/levels.hpp"

namespace crisp::engine {

struct HeldBuffers {
  // A held buffer is balanced when what arrives and what it uses differ by no more than this,
  // relative to the larger of its use and the material's world demand (rounding in the
  // allocation's sums over the whole flow). A residue that small moves the level by less than its
  // at-target tolerance within a buffer's days, so holding it at the target cannot make a stream
  // of events.
  static constexpr double kTol = 1e-12;
  // Rounds over the held buffers, and solver steps per buffer: both far above what is needed (the
  // default's zero-lead runs need at most a few of each) and they only bound the work of a
  // pathological instant; a buffer left unbalanced drifts off its target and is held again later.
  static constexpr int kRounds = 20, kSteps = 60;

  explicit HeldBuffers(std::size_t nodes) : fraction(nodes, kNaN) { held.reserve(nodes); }
  void reset() { std::fill(fraction.begin(), fraction.end(), kNaN); }
  bool is_held(int n) const { return !std::isnan(fraction[n]); }

  // Which buffers are held at this settle, `holdable(n)` deciding. One held before keeps its
  // fraction as the first guess (the instant that follows usually needs the same); a newly held
  // one starts without its refill.
  template <class Holdable>
  void choose(const std::vector<int>& consumers, const std::vector<int>& refineries,
              Holdable&& holdable) {
    auto choose_one = [&](int n) {
      if (!holdable(n))
        fraction[n] = kNaN;
      else if (std::isnan(fraction[n]))
        fraction[n] = 0.0;
    };
    for (int c : consumers)
      choose_one(c);
    for (int r : refineries)
      choose_one(r);
  }

  // Solves every held buffer's fraction so that what arrives equals what it uses (or, when no
  // fraction can, its whole refill or none): one buffer at a time, in a fixed order, until a
  // round changes none. `balance(n)`: what arrives less what it uses under the allocation in
  // force; `evaluate(n, x)`: sets fraction[n] = x, allocates again, returns the balance then;
  // `use(n)`: what it uses. The allocation left is that of the fractions in `fraction`.
  template <class Balance, class Evaluate, class Use>
  void solve(const std::vector<int>& consumers, const std::vector<int>& refineries,
             double world_demand, Balance&& balance, Evaluate&& evaluate, Use&& use) {
    held.clear();
    for (int c : consumers)
      if (is_held(c)) held.push_back(c);
    for (int r : refineries)
      if (is_held(r)) held.push_back(r);
    for (int round = 0; round < kRounds && !held.empty(); ++round) {
      bool moved = false;
      for (int n : held) {
        const double before = fraction[n];
        solve_one(n, kTol * std::max(std::abs(use(n)), world_demand), balance, evaluate);
        moved = moved || fraction[n] != before;
      }
      if (!moved) break;
    }
  }

  std::vector<double> fraction;  // per node: of its refill, NaN when it is not held
  std::vector<int> held;

 private:
  // One held buffer's fraction, the others' fixed: the root of its balance in [0, 1] by regula
  // falsi (the Illinois variant) from the current fraction, or the end of [0, 1] the balance's
  // sign asks for. The balance grows with the fraction: asking more never brings less.
  template <class Balance, class Evaluate>
  void solve_one(int n, double tol, Balance& balance, Evaluate& evaluate) {
    double x = fraction[n];
    double f = balance(n);
    if (std::abs(f) <= tol || (x == 0 && f > 0) || (x == 1 && f < 0)) return;
    // Bracket the root: a below it (balance < 0), b above it (balance > 0).
    double a = x, fa = f, b = x, fb = f;
    if (f < 0) {
      b = 1;
      fb = evaluate(n, b);
      if (fb <= tol) return;  // even the whole refill leaves it drawn: it asks for all of it
    } else {
      a = 0;
      fa = evaluate(n, a);
      if (fa >= -tol) return;  // no refill at all keeps it at its target
    }
    int side = 0;
    for (int step = 0; step < kSteps; ++step) {
      double next = a - fa * (b - a) / (fb - fa);
      if (!(next > a && next < b)) next = 0.5 * (a + b);
      if (!(next > a && next < b)) break;  // the bracket is as narrow as doubles allow
      const double fn = evaluate(n, next);
      if (std::abs(fn) <= tol) return;
      if (fn < 0) {
        a = next;
        fa = fn;
        if (side < 0) fb *= 0.5;
        side = -1;
      } else {
        b = next;
        fb = fn;
        if (side > 0) fa *= 0.5;
        side = 1;
      }
    }
    // Not within the tolerance: the upper end, which keeps the buffer from being drawn down.
    if (fraction[n] != b) evaluate(n, b);
  }
};

}  // namespace crisp::engine
