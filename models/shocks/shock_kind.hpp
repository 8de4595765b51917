#pragma once
// What a shock kind is: a header, models/shocks/<kind>.hpp, and its source, <kind>.cpp. The
// header holds the kind's own fields (its Spec, which ShockSpec::own holds; what every kind has,
// like the timing, the country and the materials, is ShockSpec's), its name, the keys of its
// [[shock]] table, its timing and when it acts besides its start and end; the source holds the
// part of a material's network it reaches, its description in results and its effect while in
// force. The kinds are listed once, in models/shocks/kinds.hpp, which the concept below checks;
// each kind's reader is beside the experiment loader (sim/experiment/shock_readers.cpp), so that
// nothing here knows the experiment file.

#include <array>
#include <concepts>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace crisp {

struct Scenario;         // models/scenario.hpp
struct ShockSpec;        // models/scenario.hpp
struct MaterialNet;      // models/network.hpp
struct ShockReach;       // models/network.hpp
struct ShockOccurrence;  // models/shocks.hpp

// Duration, severity and replayed events of a kind's [[shock]] table.
struct ShockTiming {
  // false: the kind has none of them (a crisis only starts its children).
  bool timed = true;
  double default_severity = 1.0;  // the severity when the table gives none ...
  // ... unless this is set: then the table must give one, and this says what it is.
  std::string_view severity_meaning = {};
};

// When an occurrence acts besides its start and end (each 0: never).
struct ShockSchedule {
  double announce_days = 0;  // announced this long before it bites: the buyers it covers top up
  double announced_buffer_days = 0;  // ... to this many days of demand (0: their own buffer_days)
  std::array<double, 2> phases{};    // days after the start at which its effect changes
};

// What the shocks in force set in one material's simulation (MaterialSim's arrays, reset to
// "no shock" before the kinds' effects act in turn).
struct ShockFactors {
  std::span<double> capacity_factor;  // per node: multiplies capacity (1)
  std::span<double> surge;            // per node: multiplies demand (1)
  std::span<double> pass;             // per edge: fraction of requests that pass (1)
  std::span<double> extra_delay;      // per edge: days added to the lead time (0)
  std::span<double> quota;            // per edge: cap on shipments (infinity)
  std::span<double> quota_pass;       // per edge: fraction of the excess over the cap passing (1)
  std::span<char> restricted;         // per node: a restriction covers its exports (0)
  std::span<char> spot_blocked;       // per spot pair (0)
  std::span<const double> base_flow;  // per edge: day-0 shipments
  const MaterialNet& net;
  double t;  // now, in days
};

// A shock kind K (e.g. OutageShock). Its effect, reach and description take the whole ShockSpec
// (they read the common fields too); its schedule only its own fields.
template <class K>
concept ShockKindDef = requires(const typename K::Spec& own, const ShockSpec& spec,
                                const Scenario& sc, const MaterialNet& net, ShockReach& reach,
                                const ShockOccurrence& o, ShockFactors& f) {
  { K::kName } -> std::convertible_to<std::string_view>;
  // The keys of its table besides name, kind, the arrival and the timing keys.
  { K::kKeys.size() } -> std::convertible_to<std::size_t>;
  { K::kKeys[0] } -> std::convertible_to<std::string_view>;
  { K::kTiming } -> std::convertible_to<ShockTiming>;
  { K::reach(spec, sc, net, reach) } -> std::same_as<void>;
  { K::describe(spec, sc) } -> std::same_as<std::string>;
  { K::schedule(own) } -> std::same_as<ShockSchedule>;
  { K::effect(spec, std::as_const(reach), o, f) } -> std::same_as<void>;
};

namespace shock_detail {

inline bool contains(const std::vector<std::string>& list, const std::string& x) {
  for (const std::string& item : list)
    if (item == x) return true;
  return false;
}

// An empty list of materials is every material.
inline bool material_listed(const std::vector<int>& materials, int m) {
  if (materials.empty()) return true;
  for (int x : materials)
    if (x == m) return true;
  return false;
}

// "all materials", or the listed materials' names joined by '+' (models/shocks/kinds.cpp).
std::string material_names(const std::vector<int>& materials, const Scenario& sc);

}  // namespace shock_detail

}  // namespace crisp
