// Reading [[shock]] tables (docs/model.md "Shocks"): what every kind shares
// (name, kind, arrival, duration and severity), then each kind's reader (shock_readers.cpp).

#include <algorithm>
#include <optional>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "models/shocks/kinds.hpp"
#include "sim/experiment/shock_reader.hpp"

namespace crisp::experiment_detail {

using toml_input::above;
using toml_input::at_least;
using toml_input::closed;
using toml_input::Range;

namespace {

// The keys of each kind, from the list of kinds (models/shocks/kinds.hpp), in its order.
const KindSchema& shock_schema() {
  static const KindSchema schema = [] {
    // A kind without timing (a crisis only starts its children) has no duration, severity or
    // replayed events.
    const std::vector<std::string> timing = {"events", "duration_days", "severity"};
    KindSchema out{
        .noun = "shock", .common = {"name", "kind", "rate_per_year", "start_day"}, .kinds = {}};
    ShockKinds::for_each([&](auto k) {
      using K = typename decltype(k)::type;
      std::vector<std::string> keys;
      if (K::kTiming.timed) keys = timing;
      keys.insert(keys.end(), K::kKeys.begin(), K::kKeys.end());
      out.kinds.emplace_back(std::string(K::kName), std::move(keys));
    });
    return out;
  }();
  return schema;
}

}  // namespace

// ---- durations and severities ----

// A number in `range`, or a one-key table naming a distribution (docs/model.md "Shocks"). A uniform
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

std::string read_country(const Value& v, const Catalog& catalog) {
  return catalog.countries[resolve(v, catalog.countries, "the country of a [[node]]")];
}

namespace {

// Duration and severity, unless replayed events give them one occurrence at a time.
void read_timing(const Table& t, ShockSpec& s, const ShockTiming& timing) {
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
  } else if (!timing.severity_meaning.empty()) {
    // A kind with no natural size (a demand surge): fails with "missing required key".
    t.require("severity",
              fmt::format("a number in [0, 1] or a distribution: {}", timing.severity_meaning));
  } else {
    // docs/model.md: an outage or restriction is total unless told otherwise; a chokepoint only
    // delays unless told otherwise (each kind's kTiming).
    s.severity = Fixed{timing.default_severity};
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
  const ShockTiming timing = timing_of(s.kind);
  if (timing.timed) read_timing(t, s, timing);
  read_shock_kind({t, s, sc, catalog});
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
    const std::string kind = shock_schema().read_kind(t);
    const auto& names = ShockKinds::kNames;
    s.set_kind(static_cast<ShockKind>(std::find(names.begin(), names.end(), kind) - names.begin()));
    sc.shocks.push_back(s);
  }

  // Pass 2: targets, timing and children.
  std::vector<std::optional<std::string>> parent(sc.shocks.size());
  for (std::size_t i = 0; i < tables.size(); ++i) {
    read_body(tables[i], sc.shocks[i], sc, catalog);
    if (const auto* crisis = std::get_if<CrisisSpec>(&sc.shocks[i].own)) {
      for (const auto& child : crisis->children) {
        if (!parent[child.shock]) parent[child.shock] = sc.shocks[i].name;
      }
    }
  }

  // Pass 3: arrivals, now that every crisis's children are known.
  for (std::size_t i = 0; i < tables.size(); ++i) {
    read_arrival(tables[i], sc.shocks[i], parent[i]);
  }
}

}  // namespace crisp::experiment_detail
