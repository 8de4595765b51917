#pragma once
// The numbers an input field accepts: a range with open or closed ends, said in words for
// messages ("in [0, 1]", ">= 0"). The experiment loader checks every number it reads against one
// (sim/experiment/toml_reader.hpp); a lever kind states each of its fields' ranges with it
// (policies/levers/<kind>.hpp), and the results file records them (docs/results-format.md).

#include <limits>
#include <string>

namespace crisp {

// Non-finite values (TOML's inf and nan) are refused; allow_inf accepts +inf too ("no limit"),
// whatever `hi` is.
struct NumberRange {
  double lo = -std::numeric_limits<double>::infinity();
  double hi = std::numeric_limits<double>::infinity();
  bool lo_open = false, hi_open = false;
  bool allow_inf = false;
  // `hi` is a limit that keeps the simulation finite rather than part of the key's meaning:
  // describe() leaves it out, and a value above it is told "must be <= hi".
  bool hi_is_cap = false;

  bool contains(double v) const;
  std::string describe() const;  // ">= 0", "> 0", "in [0, 1]", "in (0, 1000]"; "" when any
};

namespace range {
constexpr NumberRange any_number() {
  return NumberRange{};
}
constexpr NumberRange at_least(double lo) {
  return NumberRange{.lo = lo};
}
constexpr NumberRange above(double lo) {
  return NumberRange{.lo = lo, .lo_open = true};
}
constexpr NumberRange closed(double lo, double hi) {
  return NumberRange{.lo = lo, .hi = hi};
}
// (lo, hi]
constexpr NumberRange left_open(double lo, double hi) {
  return NumberRange{.lo = lo, .hi = hi, .lo_open = true};
}
// [lo, hi)
constexpr NumberRange closed_open(double lo, double hi) {
  return NumberRange{.lo = lo, .hi = hi, .hi_open = true};
}
// [lo, cap] and (lo, cap] with `cap` a limit (hi_is_cap): ">= lo" in messages until it is passed.
constexpr NumberRange capped(double lo, double cap) {
  return NumberRange{.lo = lo, .hi = cap, .hi_is_cap = true};
}
constexpr NumberRange above_capped(double lo, double cap) {
  return NumberRange{.lo = lo, .hi = cap, .lo_open = true, .hi_is_cap = true};
}
}  // namespace range

// Upper bounds that keep every sum, product and event count of a run finite (README.md,
// "Experiment file reference"): far above any real market, far below overflow. The loader holds
// the network's numbers to them, and the lever kinds their fields.
inline constexpr double kMaxTonnes = 1e12;        // t and t/yr: ~100 x world mining
inline constexpr double kMaxEur = 1e12;           // EUR/t, EUR per t/yr, EUR/yr
inline constexpr double kMaxPriceMultiple = 1e6;  // price caps and refill price limits

}  // namespace crisp
