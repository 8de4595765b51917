#pragma once
// The export restriction (docs/model.md "Shocks", "Export-restriction mechanics", "Export
// quotas"): a country's exports of some materials and stages, to foreign buyers or to listed
// countries and regions, pass only (1 - severity) of what is asked (or, as a quota, of day-0
// shipments) while it lasts; it may be announced ahead, bite fully through a licence delay and
// leak after a leakage delay. The kind is this header and export_restriction.cpp (see
// shock_kind.hpp); models/shocks/kinds.hpp lists it.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "models/shocks/shock_kind.hpp"

namespace crisp {

// Which suppliers' exports a restriction covers.
enum class Stage : std::uint8_t { both, refined, ore };

// What only an export restriction has (ShockSpec::own); it uses ShockSpec's country (the
// exporter) and materials.
struct ExportRestrictionSpec {
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

struct ExportRestrictionShock {
  using Spec = ExportRestrictionSpec;
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

  static void reach(const ShockSpec& spec, const Scenario& sc, const MaterialNet& net,
                    ShockReach& out);
  static std::string describe(const ShockSpec& spec, const Scenario& sc);
  // Announced buyers top up; the licence delay ending and the leakage starting change the factor
  // mid-shock.
  static ShockSchedule schedule(const ExportRestrictionSpec& k) {
    return {k.announce_days,
            k.max_buffer_days,
            {k.licence_delay_days, k.leakage > 0 ? k.leakage_delay_days : 0.0}};
  }
  static void effect(const ShockSpec& spec, const ShockReach& reach, const ShockOccurrence& o,
                     ShockFactors& f);
};

}  // namespace crisp
