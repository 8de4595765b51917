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

// The substitution that stays (docs/model.md "Demand response and a stepped price"): never below
// `irreversible_share` of the highest fraction reached.
inline double substitution_floor(const SubstitutionSpec& s, double fraction, double highest) {
  return std::max(fraction, s.irreversible_share * highest);
}

// The multiple of the step after one with multiple `previous` and tightness `tightness` (the
// step's requirement-weighted mean): the target, approached by partial adjustment.
inline double stepped_multiple(const MarketSpec& m, double previous, double tightness) {
  const double target = price_multiple(m, tightness);
  if (m.price_adjust_days <= 0) return target;
  return target + (previous - target) * std::exp(-m.price_step_days / m.price_adjust_days);
}

// Stock building: the extra days of stock consumers target after a step to `multiple` at
// `tightness`, H * max(0, 1 - m_k / m*_k): the rise still to come toward the step's target. A
// rise below rounding is none (a price settling at its target must not flicker).
inline double stock_building_extra_days(const MarketSpec& m, double multiple, double tightness) {
  const double rise = 1.0 - multiple / price_multiple(m, tightness);
  return rise > 1e-9 ? m.stock_building_days * rise : 0.0;
}

// A consumer's demand over its demand at the base price, at multiple m: m^(-e).
inline double demand_response(double multiple, double elasticity) {
  return elasticity > 0 ? std::pow(multiple, -elasticity) : 1.0;
}

// The value of the demand given up at multiple m, per tonne a day of demand at the base price and
// per euro of base price: the area under the demand curve q = m^(-e) from q(m) to 1,
// A(m, e) = e (m^(1-e) - 1) / (1 - e), ln m at e = 1 (expm1 keeps it exact near e = 1).
inline double given_up_value(double multiple, double elasticity) {
  if (elasticity <= 0) return 0.0;
  const double log_m = std::log(multiple);
  if (elasticity == 1.0) return log_m;
  return elasticity * std::expm1((1.0 - elasticity) * log_m) / (1.0 - elasticity);
}

}  // namespace crisp
