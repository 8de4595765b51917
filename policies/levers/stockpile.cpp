// The stockpile lever: the engine's stores do the work (models/), so applying it only hands the
// spec over.

#include "policies/levers/stockpile.hpp"

#include "policies/apply_detail.hpp"

namespace crisp {

void StockpileLever::apply(const StockpileSpec& spec, AppliedPolicy& out) {
  apply_detail::check_material(out.scenario, spec.material, spec.name);
  out.effects.stockpiles.push_back(spec);
}

}  // namespace crisp
