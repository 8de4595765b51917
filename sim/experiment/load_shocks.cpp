// Reading [[shock]] tables (MODEL.md section 5, docs/model.md "Shocks").

#include <algorithm>
#include <optional>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "sim/experiment/sections.hpp"

namespace crisp::experiment_detail {

using toml_input::above;
using toml_input::at_least;
using toml_input::closed;
using toml_input::Range;

namespace {

constexpr std::array kShockKinds = {ShockKind::outage, ShockKind::export_restriction,
                                    ShockKind::chokepoint, ShockKind::demand_surge,
                                    ShockKind::crisis};

const KindSchema& shock_schema() {
  // A crisis only starts its children, so it has no duration, severity or replayed events.
  const std::vector<std::string> timing = {"events", "duration_days", "severity"};
  const auto with_timing = [&](std::vector<std::string> targets) {
    targets.insert(targets.begin(), timing.begin(), timing.end());
    return targets;
  };
  static const KindSchema schema{
      .noun = "shock",
      .common = {"name", "kind", "rate_per_year", "start_day"},
      .kinds = {{"outage", with_timing({"nodes", "country", "node_kind", "materials"})},
                {"export_restriction",
                 with_timing({"country", "materials", "destinations", "stage", "announce_days",
                              "max_buffer_days", "licence_delay_days", "leakage",
                              "leakage_delay_days", "mode"})},
                {"chokepoint", with_timing({"route", "extra_delay_days"})},
                {"demand_surge", with_timing({"regions", "materials"})},
                {"crisis", {"children"}}},
  };
  return schema;
}

// ---- durations and severities ----

// A number in `range`, or a one-key table naming a distribution (MODEL.md section 5). A uniform
// distribution's bounds obey `range` too; the others are clamped when drawn (docs/model.md).
Distribution read_distribution(const Value& v, const Range& range, bool allow_beta) {
  if (v.is_number()) return Fixed{v.number(range)};
  const std::string expected =
      fmt::format("a number {} or a distribution such as {{ uniform = [a, b] }}", range.describe());
  if (!v.node().is_table()) v.fail_type(expected);

  std::vector<std::string> names = {"uniform", "lognormal", "exponential"};
  if (allow_beta) names.push_back("beta");
  const Table t = v.table();
  if (t.raw().size() != 1) {
    v.fail(fmt::format("a distribution table with exactly one key (one of {})",
                       fmt::join(names, ", ")));
  }
  t.check_keys({.allowed = names,
                .other_kinds = {"beta"},
                .kind_phrase = "durations (beta is for severities)"});

  const std::string name(t.raw().begin()->first.str());
  const Value param = *t.get(name);
  if (name == "uniform") {
    const auto bounds = param.list();
    if (bounds.size() != 2) param.fail("[a, b] with a <= b");
    const double a = bounds[0].number(range), b = bounds[1].number(range);
    if (a > b) param.fail("[a, b] with a <= b");
    return Uniform{a, b};
  }
  const Table p = param.table();
  if (name == "lognormal") {
    p.check_keys({.allowed = {"median", "sigma"}});
    return LogNormal{p.number("median", above(0)), p.number("sigma", at_least(0))};
  }
  if (name == "exponential") {
    p.check_keys({.allowed = {"mean"}});
    return Exponential{p.number("mean", above(0))};
  }
  p.check_keys({.allowed = {"a", "b"}});
  return Beta{p.number("a", above(0)), p.number("b", above(0))};
}

// Duration and severity, unless replayed events give them one occurrence at a time.
void read_timing(const Table& t, ShockSpec& s) {
  if (t.has("events")) {
    for (const char* key : {"duration_days", "severity"}) {
      if (const auto v = t.get(key)) {
        v->fail_with(fmt::format("{} cannot be given with events: each event gives its own", key));
      }
    }
    return;
  }
  s.duration = read_distribution(t.require("duration_days", "a number >= 0 or a distribution"),
                                 at_least(0), false);
  if (const auto severity = t.get("severity")) {
    s.severity = read_distribution(*severity, closed(0, 1), true);
  } else if (s.kind == ShockKind::demand_surge) {
    // A surge has no natural size: fails with "missing required key".
    t.require("severity", "a number in [0, 1] or a distribution: the demand increase");
  } else {
    // docs/model.md: an outage or restriction is total unless told otherwise; a chokepoint only
    // delays unless told otherwise.
    s.severity = Fixed{s.kind == ShockKind::chokepoint ? 0.0 : 1.0};
  }
}

// ---- targets ----

std::string read_country(const Value& v, const Catalog& catalog) {
  return catalog.countries[resolve(v, catalog.countries, "the country of a [[node]]")];
}

void read_outage(const Table& t, ShockSpec& s, const Scenario& sc, const Catalog& catalog) {
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
      s.nodes.push_back(sc.nodes[resolve_node(item, sc)].id);
    }
    return;
  }
  s.country = read_country(*country, catalog);
  if (const auto kind = t.get("node_kind")) {
    std::vector<std::string> names;
    for (NodeKind k : kNodeKinds) {
      names.emplace_back(to_string(k));
    }
    s.node_kind = from_name(kind->choice(names), kNodeKinds);
  }
  s.materials = resolve_materials(t, "materials", sc);
}

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
void read_restriction_mechanics(const Table& t, ShockSpec& s) {
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

void read_export_restriction(const Table& t, ShockSpec& s, const Scenario& sc,
                             const Catalog& catalog) {
  s.country = read_country(t.require("country", "the exporting country"), catalog);
  s.materials = resolve_materials(t, "materials", sc);
  read_destinations(t, s, sc, catalog);
  const std::vector<std::string> stages = {"both", "refined", "ore"};
  const std::string stage = t.choice_or("stage", "both", stages);
  s.stage = stage == "refined" ? Stage::refined : stage == "ore" ? Stage::ore : Stage::both;
  read_restriction_mechanics(t, s);
}

void read_chokepoint(const Table& t, ShockSpec& s, const Catalog& catalog) {
  const Value route = t.require("route", "a route tag of some [[edge]]");
  s.route = catalog.routes[resolve(route, catalog.routes, "a route tag of some [[edge]]")];
  if (const auto delay = t.get("extra_delay_days")) {
    s.extra_delay = read_distribution(*delay, at_least(0), false);
  }
}

void read_demand_surge(const Table& t, ShockSpec& s, const Scenario& sc, const Catalog& catalog) {
  s.regions =
      resolve_regions(t.require("regions", "a list of consumer regions and groups"), sc, catalog);
  s.materials = resolve_materials(t, "materials", sc);
}

// Children may be defined before or after their crisis, so every shock's name and kind is
// known by now.
void read_children(const Table& t, ShockSpec& s, const Scenario& sc) {
  std::vector<std::string> names;
  for (const auto& shock : sc.shocks) {
    names.push_back(shock.name);
  }
  for (const auto& item : t.require("children", "a list of { name, probability }").list(false)) {
    const Table child = item.table();
    child.check_keys({.allowed = {"name", "probability"}});
    const Value name = child.require("name", "the name of a [[shock]]");
    const int index = static_cast<int>(resolve(name, names, "a [[shock]]"));
    if (sc.shocks[index].kind == ShockKind::crisis) {
      name.fail_with(fmt::format("{} must name a shock that is not a crisis, got '{}'", name.key(),
                                 names[index]));
    }
    for (const auto& c : s.children) {
      if (c.shock == index) name.fail_with(fmt::format("children lists '{}' twice", names[index]));
    }
    s.children.push_back({index, child.number_or("probability", 1.0, closed(0, 1))});
  }
}

// ---- arrival ----

std::vector<ShockEvent> read_events(const Value& v) {
  std::vector<ShockEvent> events;
  for (const auto& item : v.list(false)) {
    const auto parts = item.list();
    if (parts.size() != 3) item.fail("[start_day, duration_days, severity]");
    const auto part = [&](int i, const char* name) {
      return parts[i].renamed(item.key() + " " + name);
    };
    events.push_back({part(0, "start_day").number(at_least(0)),
                      part(1, "duration_days").number(at_least(0)),
                      part(2, "severity").number(closed(0, 1))});
  }
  return events;
}

// Exactly one arrival key, or none for a shock that a crisis starts (`parent`).
void read_arrival(const Table& t, ShockSpec& s, const std::optional<std::string>& parent) {
  std::vector<Value> given;
  for (const char* key : {"rate_per_year", "start_day", "events"}) {
    if (const auto v = t.get(key)) given.push_back(*v);
  }
  if (parent) {
    if (!given.empty()) {
      given[0].fail_with(
          fmt::format("{} cannot be given: this shock is a child of crisis '{}' and starts with it",
                      given[0].key(), *parent));
    }
    s.arrival = ArrivalKind::child;
    return;
  }
  if (given.empty()) {
    t.fail(
        "missing an arrival: one of rate_per_year, start_day or events (or name this shock among a "
        "crisis's children)");
  }
  if (given.size() > 1) {
    given[1].fail_with(
        fmt::format("give one of rate_per_year, start_day and events, not both {} and {}",
                    given[0].key(), given[1].key()));
  }
  const Value& v = given[0];
  if (v.key() == "rate_per_year") {
    s.arrival = ArrivalKind::poisson;
    s.rate_per_year = v.number(toml_input::capped(0, kMaxShockRatePerYear));
  } else if (v.key() == "start_day") {
    s.arrival = ArrivalKind::fixed_start;
    s.start_day = v.number(at_least(0));
  } else {
    s.arrival = ArrivalKind::replay;
    s.events = read_events(v);
  }
}

void read_body(const Table& t, ShockSpec& s, const Scenario& sc, const Catalog& catalog) {
  if (s.kind != ShockKind::crisis) read_timing(t, s);
  switch (s.kind) {
    case ShockKind::outage:
      read_outage(t, s, sc, catalog);
      break;
    case ShockKind::export_restriction:
      read_export_restriction(t, s, sc, catalog);
      break;
    case ShockKind::chokepoint:
      read_chokepoint(t, s, catalog);
      break;
    case ShockKind::demand_surge:
      read_demand_surge(t, s, sc, catalog);
      break;
    case ShockKind::crisis:
      read_children(t, s, sc);
      break;
  }
}

}  // namespace

void read_shocks(const Table& root, Scenario& sc, const Catalog& catalog) {
  const std::vector<Table> tables = toml_input::array_of_tables(root, "shock", "shock");

  // Pass 1: names and kinds, so that a crisis may name children defined after it.
  UniqueNames names("shock name");
  for (const Table& t : tables) {
    name_early(t, "shock", "name");
    shock_schema().check_keys(t);
    ShockSpec s;
    s.name = names.add(t.require("name", "a string"));
    t.set_label(fmt::format("shock '{}'", s.name));
    s.kind = from_name(shock_schema().read_kind(t), kShockKinds);
    sc.shocks.push_back(s);
  }

  // Pass 2: targets, timing and children.
  std::vector<std::optional<std::string>> parent(sc.shocks.size());
  for (std::size_t i = 0; i < tables.size(); ++i) {
    read_body(tables[i], sc.shocks[i], sc, catalog);
    for (const auto& child : sc.shocks[i].children) {
      if (!parent[child.shock]) parent[child.shock] = sc.shocks[i].name;
    }
  }

  // Pass 3: arrivals, now that every crisis's children are known.
  for (std::size_t i = 0; i < tables.size(); ++i) {
    read_arrival(tables[i], sc.shocks[i], parent[i]);
  }
}

}  // namespace crisp::experiment_detail
