// The export restriction's reach, description and effect (models/shocks/export_restriction.hpp).

#include "models/shocks/export_restriction.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "models/network.hpp"
#include "models/shocks.hpp"

namespace crisp {

namespace {

// Does an export restriction cover shipments from `supplier` to `buyer`? (docs/model.md, Shocks)
bool covers(const ShockSpec& k, const NodeSpec& supplier, const NodeSpec& buyer) {
  using shock_detail::contains, shock_detail::material_listed;
  const auto& own = k.as<ExportRestrictionSpec>();
  if (supplier.country != k.country || !material_listed(k.materials, supplier.material))
    return false;
  if (own.stage == Stage::refined && supplier.kind != NodeKind::refinery) return false;
  if (own.stage == Stage::ore && supplier.kind != NodeKind::mine) return false;
  if (own.destinations_foreign) return buyer.country != k.country;
  return contains(own.destinations, buyer.country) || contains(own.destinations, buyer.region);
}

}  // namespace

// Its contract edges and spot pairs, and the consumers among the buyers it covers (the ones an
// announcement makes top up).
void ExportRestrictionShock::reach(const ShockSpec& shock, const Scenario& sc,
                                   const MaterialNet& net, ShockReach& out) {
  auto spec = [&](int local) -> const NodeSpec& {
    return sc.nodes[net.nodes[local].scenario_index];
  };
  for (int e = 0; e < static_cast<int>(net.edges.size()); ++e)
    if (covers(shock, spec(net.edges[e].from), spec(net.edges[e].to))) {
      out.edges.push_back(e);
      const int buyer = net.edges[e].to;
      if (net.nodes[buyer].kind == NodeKind::consumer &&
          std::find(out.consumers.begin(), out.consumers.end(), buyer) == out.consumers.end())
        out.consumers.push_back(buyer);
    }
  for (int p = 0; p < static_cast<int>(net.spot_pairs.size()); ++p)
    if (covers(shock, spec(net.spot_pairs[p].supplier), spec(net.spot_pairs[p].buyer)))
      out.spot_pairs.push_back(p);
}

std::string ExportRestrictionShock::describe(const ShockSpec& k, const Scenario& sc) {
  const auto& own = k.as<ExportRestrictionSpec>();
  return fmt::format("from {} to {} ({})", k.country,
                     own.destinations_foreign ? std::string("foreign")
                                              : fmt::format("{}", fmt::join(own.destinations, "+")),
                     shock_detail::material_names(k.materials, sc));
}

void ExportRestrictionShock::effect(const ShockSpec& spec, const ShockReach& reach,
                                    const ShockOccurrence& o, ShockFactors& f) {
  const auto& k = spec.as<ExportRestrictionSpec>();
  // It bites fully during its licence delay, and leaks after its leakage delay (docs/model.md
  // "Export-restriction mechanics").
  const double bite = f.t < o.start + k.licence_delay_days ? 1.0 : o.severity;
  const double leak = k.leakage > 0 && f.t >= o.start + k.leakage_delay_days ? k.leakage : 0.0;
  for (int e : reach.edges) {
    if (k.quota) {
      // Several quotas on one edge: their caps multiply, the smallest leakage applies.
      f.quota[e] = std::min(f.quota[e], f.base_flow[e]) * (1.0 - bite);
      f.quota_pass[e] = std::min(f.quota_pass[e], leak);
    } else {
      f.pass[e] *= 1.0 - bite * (1.0 - leak);
    }
  }
  if (bite * (1.0 - leak) <= 0) return;
  for (int e : reach.edges)
    f.restricted[f.net.edges[e].from] = 1;
  for (int p : reach.spot_pairs) {
    f.spot_blocked[p] = 1;
    f.restricted[f.net.spot_pairs[p].supplier] = 1;
  }
}

}  // namespace crisp
