#pragma once
// The market response of one material (docs/model.md "Market response"):
// the pure rules, so that they can be checked on their own.

#include <algorithm>
#include <cmath>

#include "models/scenario.hpp"

namespace crisp {

// min(cap, (1 - tightness)^(-1 / elasticity)); the cap when nothing is served.
inline double price_multiple(const MarketSpec& m, double tightness) {
  if (!m.enabled) return 1.0;
  if (tightness >= 1.0) return m.price_cap_multiple;
  const double t = std::max(0.0, tightness);
  return std::min(m.price_cap_multiple, std::pow(1.0 - t, -1.0 / m.price_elasticity));
}

// The substitution fraction after one review of `review_days`: up while prices are high, down
// otherwise, at the same rate, within [0, max_fraction].
inline double substitution_after_review(const SubstitutionSpec& s, double fraction, double multiple,
                                        double review_days) {
  if (!s.enabled) return 0.0;
  const double step = s.rate_per_year * review_days / kDaysPerYear;
  const double next = multiple > 1.0 + s.threshold ? fraction + step : fraction - step;
  return std::clamp(next, 0.0, s.max_fraction);
}

}  // namespace crisp
