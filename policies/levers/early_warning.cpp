// The early_warning lever's applier and reader (early_warning.hpp).

#include "policies/levers/early_warning.hpp"

#include <vector>

#include "policies/apply_detail.hpp"

namespace crisp {

// Monitoring costs `cost_per_year`, in equal parts over the materials it covers (every material
// when it names none: material -1).
void EarlyWarningLever::apply(const EarlyWarningSpec& spec, AppliedPolicy& out) {
  const Scenario& s = out.scenario;
  std::vector<int> materials;
  if (spec.material >= 0) {
    apply_detail::check_material(s, spec.material, spec.name);
    materials.push_back(spec.material);
  } else {
    for (std::size_t m = 0; m < s.materials.size(); ++m) {
      materials.push_back(static_cast<int>(m));
    }
  }
  out.effects.early_warnings.push_back(spec);
  if (materials.empty()) return;
  for (int m : materials) {
    out.effects.costs.push_back(apply_detail::cost_line(
        spec.name, m, spec.regions, spec.cost_per_year / static_cast<double>(materials.size())));
  }
}

}  // namespace crisp

namespace crisp {

// Without a material it covers every material (-1).
EarlyWarningSpec EarlyWarningLever::read(LeverFields& in) {
  using K = EarlyWarningLever;
  EarlyWarningSpec spec = start_regional<K>(in, true);
  read_number<K>(in, spec, "lead_days", true);
  read_number<K>(in, spec, "cost_per_year");
  return spec;
}

}  // namespace crisp
