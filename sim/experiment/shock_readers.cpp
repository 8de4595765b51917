// Every shock kind's reader: the keys of its [[shock]] table that only its kind has (the common
// ones, name, kind, arrival and timing, are load_shocks.cpp's). Beside the loader, where the
// experiment file is known, so that models/shocks knows nothing of it. One function per kind
// (models/shocks/kinds.hpp lists them), overloaded on the kind; read_shock_kind() calls the one of
// a table's kind, so a kind without a reader here fails to compile.

#include <algorithm>
#include <string>
#include <type_traits>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "models/shocks/kinds.hpp"
#include "sim/experiment/shock_reader.hpp"

namespace crisp::experiment_detail {

namespace {

void read_kind(std::type_identity<OutageShock> /*kind*/, const ShockInput& in) {
  const Table& t = in.t;
  ShockSpec& s = in.s;
  OutageSpec& own = s.as<OutageSpec>();
  const auto nodes = t.get("nodes"), country = t.get("country");
  if (nodes && country) country->fail_with("give nodes or country, not both");
  if (!nodes && !country) {
    t.fail("missing required key 'nodes' or 'country' (the nodes the outage hits)");
  }
  if (nodes) {
    for (const char* key : {"node_kind", "materials"}) {
      if (const auto v = t.get(key)) {
        v->fail_with(fmt::format("{} applies only to an outage by country", key));
      }
    }
    for (const auto& item : nodes->list(false)) {
      own.nodes.push_back(in.sc.nodes[resolve_node(item, in.sc)].id);
    }
    return;
  }
  s.country = read_country(*country, in.catalog);
  if (const auto kind = t.get("node_kind")) {
    std::vector<std::string> names;
    for (NodeKind k : kNodeKinds) {
      names.emplace_back(to_string(k));
    }
    own.node_kind = from_name(kind->choice(names), kNodeKinds);
  }
  s.materials = resolve_materials(t, "materials", in.sc);
}

// ---- export restriction ----

void read_destinations(const Table& t, ExportRestrictionSpec& own, const Scenario& sc,
                       const Catalog& catalog) {
  const auto v = t.get("destinations");
  if (!v) return;  // "foreign", the default
  const std::string expected = "'foreign' or a list of countries, regions and groups";
  if (v->node().is_string()) {
    if (v->string() != "foreign") v->fail(expected);
    return;
  }
  if (!v->node().is_array()) v->fail_type(expected);
  own.destinations_foreign = false;
  std::vector<std::string> known = catalog.countries;
  for (const auto& names : {catalog.consumer_regions, catalog.group_names}) {
    known.insert(known.end(), names.begin(), names.end());
  }
  for (const auto& item : v->list(false)) {
    const std::string& name = known[resolve(item, known, "a country, region or group")];
    // A group stands for its member regions: docs/model.md matches a destination by a buyer's
    // country or region.
    for (const auto& region : sc.member_regions(name)) {
      if (std::find(own.destinations.begin(), own.destinations.end(), region) ==
          own.destinations.end()) {
        own.destinations.push_back(region);
      }
    }
  }
}

// Announcement, licensing and leakage (docs/model.md "Export-restriction mechanics"). A key
// that only qualifies another is refused without it, as it would do nothing.
void read_mechanics(const Table& t, ExportRestrictionSpec& own) {
  using toml_input::at_least, toml_input::closed;
  own.announce_days = t.number_or("announce_days", 0, at_least(0));
  own.max_buffer_days = t.number_or("max_buffer_days", 0, at_least(0));
  own.licence_delay_days = t.number_or("licence_delay_days", 0, at_least(0));
  own.leakage = t.number_or("leakage", 0, closed(0, 1));
  own.leakage_delay_days = t.number_or("leakage_delay_days", 0, at_least(0));
  const auto needs = [&](const char* key, const char* other, double other_value) {
    if (const auto v = t.get(key); v && other_value <= 0) {
      v->fail_with(fmt::format("{} applies only with {} > 0", key, other));
    }
  };
  needs("max_buffer_days", "announce_days", own.announce_days);
  needs("leakage_delay_days", "leakage", own.leakage);
  const std::vector<std::string> modes = {"share", "quota"};
  own.quota = t.choice_or("mode", "share", modes) == "quota";
}

void read_kind(std::type_identity<ExportRestrictionShock> /*kind*/, const ShockInput& in) {
  const Table& t = in.t;
  ShockSpec& s = in.s;
  ExportRestrictionSpec& own = s.as<ExportRestrictionSpec>();
  s.country = read_country(t.require("country", "the exporting country"), in.catalog);
  s.materials = resolve_materials(t, "materials", in.sc);
  read_destinations(t, own, in.sc, in.catalog);
  const std::vector<std::string> stages = {"both", "refined", "ore"};
  const std::string stage = t.choice_or("stage", "both", stages);
  own.stage = stage == "refined" ? Stage::refined : stage == "ore" ? Stage::ore : Stage::both;
  read_mechanics(t, own);
}

// ---- chokepoint, demand surge, crisis ----

void read_kind(std::type_identity<ChokepointShock> /*kind*/, const ShockInput& in) {
  ChokepointSpec& own = in.s.as<ChokepointSpec>();
  const Value route = in.t.require("route", "a route tag of some [[edge]]");
  own.route = in.catalog.routes[resolve(route, in.catalog.routes, "a route tag of some [[edge]]")];
  if (const auto delay = in.t.get("extra_delay_days")) {
    own.extra_delay = read_distribution(*delay, toml_input::at_least(0), false);
  }
}

void read_kind(std::type_identity<DemandSurgeShock> /*kind*/, const ShockInput& in) {
  in.s.as<DemandSurgeSpec>().regions = resolve_regions(
      in.t.require("regions", "a list of consumer regions and groups"), in.sc, in.catalog);
  in.s.materials = resolve_materials(in.t, "materials", in.sc);
}

// Children may be defined before or after their crisis, so every shock's name and kind is
// known by now.
void read_kind(std::type_identity<CrisisShock> /*kind*/, const ShockInput& in) {
  CrisisSpec& own = in.s.as<CrisisSpec>();
  std::vector<std::string> names;
  for (const auto& shock : in.sc.shocks) {
    names.push_back(shock.name);
  }
  for (const auto& item : in.t.require("children", "a list of { name, probability }").list(false)) {
    const Table child = item.table();
    child.check_keys({.allowed = {"name", "probability"}});
    const Value name = child.require("name", "the name of a [[shock]]");
    const int index = static_cast<int>(resolve(name, names, "a [[shock]]"));
    if (in.sc.shocks[index].kind == kShockKindOf<CrisisShock>) {
      name.fail_with(fmt::format("{} must name a shock that is not a crisis, got '{}'", name.key(),
                                 names[index]));
    }
    for (const auto& c : own.children) {
      if (c.shock == index) name.fail_with(fmt::format("children lists '{}' twice", names[index]));
    }
    own.children.push_back({index, child.number_or("probability", 1.0, toml_input::closed(0, 1))});
  }
}

}  // namespace

void read_shock_kind(const ShockInput& in) {
  visit_shock_kind(in.s.kind, [&](auto kind) { read_kind(kind, in); });
}

}  // namespace crisp::experiment_detail
