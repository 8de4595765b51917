#pragma once
// Economies of scale in a plant's capex (docs/model.md "Economies of scale in plant capex"), for
// every lever that builds a plant (refining, recycling): the two fields that scale
// `capex_eur_per_tpy` from its reference capacity, and their reader. The arithmetic is
// apply_detail::plant_capex_eur (policies/apply_detail.hpp).

#include "policies/lever_fields.hpp"

namespace crisp {

// The capacity whose capex per t/yr `capex_eur_per_tpy` states; the spec's 0 means "not given",
// which only an exponent of 1 allows.
template <class Spec>
inline constexpr Field<Spec> kCapexReferenceField{"capex_reference_tpy", &Spec::capex_reference_tpy,
                                                  "t/yr", range::above_capped(0, kMaxTonnes)};
// The cost-capacity exponent: capex = capex_eur_per_tpy * reference * (capacity / reference)^it;
// 1 (the default) is linear, 0.6 the six-tenths rule.
template <class Spec>
inline constexpr Field<Spec> kCapexExponentField{
    "capex_scale_exponent", &Spec::capex_scale_exponent, "1", range::left_open(0, 1)};

// Reads capex_reference_tpy and capex_scale_exponent of lever kind K. An exponent needs a
// reference, whatever its value: a grid may sweep the exponent through 1 and below.
template <class K>
void read_capex_scale(LeverFields& in, typename K::Spec& spec) {
  read_number<K>(in, spec, "capex_reference_tpy");
  read_number<K>(in, spec, "capex_scale_exponent");
  if (in.has("capex_scale_exponent") && !in.has("capex_reference_tpy")) {
    in.fail_at("capex_scale_exponent",
               "capex_scale_exponent needs capex_reference_tpy, the capacity (t/yr) whose capex "
               "capex_eur_per_tpy states");
  }
}

}  // namespace crisp
