#include "core/number_range.hpp"

#include <cmath>

#include <fmt/format.h>

namespace crisp {

bool NumberRange::contains(double v) const {
  if (std::isnan(v)) return false;
  if (std::isinf(v)) return allow_inf && v > 0;  // +inf: "no limit", beyond any upper bound
  const bool above_lo = lo_open ? v > lo : v >= lo;
  const bool below_hi = hi_open ? v < hi : v <= hi;
  return above_lo && below_hi;
}

std::string NumberRange::describe() const {
  const bool has_lo = std::isfinite(lo), has_hi = std::isfinite(hi) && !hi_is_cap;
  if (has_lo && has_hi) {
    return fmt::format("in {}{}, {}{}{}", lo_open ? "(" : "[", lo, hi, hi_open ? ")" : "]",
                       allow_inf ? " or inf" : "");
  }
  if (has_lo) return fmt::format("{} {}", lo_open ? ">" : ">=", lo);
  if (has_hi) return fmt::format("{} {}", hi_open ? "<" : "<=", hi);
  return "";
}

}  // namespace crisp
