// The export restriction (docs/model.md "Shocks", "Export-restriction mechanics", "Export
// quotas"): a country's exports of some materials and stages, to foreign buyers or to listed
// countries and regions, pass only (1 - severity) of what is asked (or, as a quota, of day-0
// shipments) while it lasts; it may be announced ahead, bite fully through a licence delay and
// leak after a leakage delay. One file holds the kind (see shock_kind.hpp); models/shocks/kinds.txt
// lists it.
#ifdef CRISP_SHOCK_FIELDS  // read once, by models/scenario.hpp, before ShockSpec
#include <cstdint>
#include <string>
#include <vector>

namespace crisp {

// Which suppliers' exports a restriction covers.
enum class Stage : std::uint8_t { both, refined, ore };

// What only an export restriction has (ShockSpec holds every kind's fields).
template <>
struct ShockFields<ShockKind::export_restriction> {
  bool destinations_foreign = true;       // every foreign buyer, or ...
  std::vector<std::string> destinations;  // ... the buyers of these countries or regions
  Stage stage = Stage::both;              // the suppliers it covers: mines, refineries or both
  // Its mechanics (docs/model.md "Shocks"), each off by default.
  double announce_days = 0;       // announced this long before it bites ...
  double max_buffer_days = 0;     // ... and covered buyers top their buffers up to this meanwhile
  double licence_delay_days = 0;  // exports stop completely this long, then pass at the severity
  double leakage = 0;             // fraction of the withheld volume that still arrives ...
  double leakage_delay_days = 0;  // ... from this long after the restriction bites
  // A quota caps each covered edge at (1 - f) of its day-0 shipments, a fixed tonnage, instead of
  // passing (1 - f) of its requests (docs/model.md "Export quotas"; an extension, off by default).
  bool quota = false;
};

}  // namespace crisp
#else

#ifndef CRISP_MODELS_SHOCKS_EXPORT_RESTRICTION_HPP
#define CRISP_MODELS_SHOCKS_EXPORT_RESTRICTION_HPP

#include <array>
#include <string>
#include <string_view>

#include "models/shocks/shock_kind.hpp"

namespace crisp {

struct ExportRestrictionShock {
  using Spec = ShockSpec;
  static constexpr ShockKind kKind = ShockKind::export_restriction;
  static constexpr std::string_view kName = "export_restriction";
  static constexpr std::array<std::string_view, 10> kKeys = {"country",
                                                             "materials",
                                                             "destinations",
                                                             "stage",
                                                             "announce_days",
                                                             "max_buffer_days",
                                                             "licence_delay_days",
                                                             "leakage",
                                                             "leakage_delay_days",
                                                             "mode"};
  static constexpr ShockTiming kTiming{};

  static void read(const experiment_detail::ShockInput& in);
  static void reach(const ShockSpec& spec, const Scenario& sc, const MaterialNet& net,
                    ShockReach& out);
  static std::string describe(const ShockSpec& spec, const Scenario& sc);
  // Announced buyers top up; the licence delay ending and the leakage starting change the factor
  // mid-shock.
  static ShockSchedule schedule(const ShockSpec& k) {
    return {k.announce_days,
            k.max_buffer_days,
            {k.licence_delay_days, k.leakage > 0 ? k.leakage_delay_days : 0.0}};
  }
  static void effect(const ShockSpec& spec, const ShockReach& reach, const ShockOccurrence& o,
                     ShockFactors& f);
};

}  // namespace crisp

#endif

#ifdef CRISP_SHOCK_READERS  // compiled once, in sim/experiment/shock_readers.cpp
namespace crisp {
namespace export_restriction_shock {
using namespace experiment_detail;

void read_destinations(const Table& t, ShockSpec& s, const Scenario& sc, const Catalog& catalog) {
  const auto v = t.get("destinations");
  if (!v) return;  // "foreign", the default
  const std::string expected = "'foreign' or a list of countries, regions and groups";
  if (v->node().is_string()) {
    if (v->string() != "foreign") v->fail(expected);
    return;
  }
  if (!v->node().is_array()) v->fail_type(expected);
  s.destinations_foreign = false;
  std::vector<std::string> known = catalog.countries;
  for (const auto& names : {catalog.consumer_regions, catalog.group_names}) {
    known.insert(known.end(), names.begin(), names.end());
  }
  for (const auto& item : v->list(false)) {
    const std::string& name = known[resolve(item, known, "a country, region or group")];
    // A group stands for its member regions: docs/model.md matches a destination by a buyer's
    // country or region.
    for (const auto& region : sc.member_regions(name)) {
      if (std::find(s.destinations.begin(), s.destinations.end(), region) == s.destinations.end()) {
        s.destinations.push_back(region);
      }
    }
  }
}

// Announcement, licensing and leakage (docs/model.md "Export-restriction mechanics"). A key
// that only qualifies another is refused without it, as it would do nothing.
void read_mechanics(const Table& t, ShockSpec& s) {
  using toml_input::at_least, toml_input::closed;
  s.announce_days = t.number_or("announce_days", 0, at_least(0));
  s.max_buffer_days = t.number_or("max_buffer_days", 0, at_least(0));
  s.licence_delay_days = t.number_or("licence_delay_days", 0, at_least(0));
  s.leakage = t.number_or("leakage", 0, closed(0, 1));
  s.leakage_delay_days = t.number_or("leakage_delay_days", 0, at_least(0));
  const auto needs = [&](const char* key, const char* other, double other_value) {
    if (const auto v = t.get(key); v && other_value <= 0) {
      v->fail_with(fmt::format("{} applies only with {} > 0", key, other));
    }
  };
  needs("max_buffer_days", "announce_days", s.announce_days);
  needs("leakage_delay_days", "leakage", s.leakage);
  const std::vector<std::string> modes = {"share", "quota"};
  s.quota = t.choice_or("mode", "share", modes) == "quota";
}
}  // namespace export_restriction_shock

void ExportRestrictionShock::read(const experiment_detail::ShockInput& in) {
  using namespace experiment_detail;
  const Table& t = in.t;
  ShockSpec& s = in.s;
  s.country = read_country(t.require("country", "the exporting country"), in.catalog);
  s.materials = resolve_materials(t, "materials", in.sc);
  export_restriction_shock::read_destinations(t, s, in.sc, in.catalog);
  const std::vector<std::string> stages = {"both", "refined", "ore"};
  const std::string stage = t.choice_or("stage", "both", stages);
  s.stage = stage == "refined" ? Stage::refined : stage == "ore" ? Stage::ore : Stage::both;
  export_restriction_shock::read_mechanics(t, s);
}
}  // namespace crisp
#endif

#ifdef CRISP_SHOCK_MODELS  // compiled once, in models/shocks/kinds.cpp
namespace crisp {
namespace export_restriction_shock {
// Does an export restriction cover shipments from `supplier` to `buyer`? (docs/model.md, Shocks)
bool covers(const ShockSpec& k, const NodeSpec& supplier, const NodeSpec& buyer) {
  using shock_detail::contains, shock_detail::material_listed;
  if (supplier.country != k.country || !material_listed(k.materials, supplier.material))
    return false;
  if (k.stage == Stage::refined && supplier.kind != NodeKind::refinery) return false;
  if (k.stage == Stage::ore && supplier.kind != NodeKind::mine) return false;
  if (k.destinations_foreign) return buyer.country != k.country;
  return contains(k.destinations, buyer.country) || contains(k.destinations, buyer.region);
}
}  // namespace export_restriction_shock

// Its contract edges and spot pairs, and the consumers among the buyers it covers (the ones an
// announcement makes top up).
void ExportRestrictionShock::reach(const ShockSpec& shock, const Scenario& sc,
                                   const MaterialNet& net, ShockReach& out) {
  auto spec = [&](int local) -> const NodeSpec& {
    return sc.nodes[net.nodes[local].scenario_index];
  };
  using export_restriction_shock::covers;
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
  return fmt::format("from {} to {} ({})", k.country,
                     k.destinations_foreign ? std::string("foreign")
                                            : fmt::format("{}", fmt::join(k.destinations, "+")),
                     shock_detail::material_names(k.materials, sc));
}
}  // namespace crisp
#endif

#ifdef CRISP_SHOCK_EFFECTS  // compiled once, in models/material_sim.cpp
namespace crisp {
void ExportRestrictionShock::effect(const ShockSpec& k, const ShockReach& reach,
                                    const ShockOccurrence& o, ShockFactors& f) {
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
#endif

#endif  // CRISP_SHOCK_FIELDS
