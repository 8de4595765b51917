// Reading [[policy]] tables (MODEL.md section 6). Only the stockpile lever exists so far.

#include <algorithm>
#include <stdexcept>
#include <tuple>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "sim/experiment/sections.hpp"

namespace crisp::experiment_detail {

using toml_input::above;
using toml_input::at_least;
using toml_input::closed;
using toml_input::left_open;
using toml_input::Range;

namespace {

const KindSchema& policy_schema() {
  static const KindSchema schema{
      .noun = "policy",
      .common = {"kind"},
      .kinds = {{"stockpile",
                 {"regions", "material", "size_days", "size_t", "initial_fill", "release", "refill",
                  "holding_cost_per_year"}}},
      .kinds_not_yet = {"refining", "diversification", "recycling", "early_warning"},
  };
  return schema;
}

// A sweep axis with where it was written, to order the axes as the file does.
struct PlacedAxis {
  toml::source_position pos;
  LeverAxis axis;
};

// Reads one numeric key of a stockpile: a number, or a list of numbers that becomes a sweep axis
// (the base then holds its first value). The key's dotted name ("release.delay_days") is the
// field's name in policy_set.hpp. Absent, the field keeps its default.
void read_lever_number(const Table& t, std::string_view key, const Range& range,
                       StockpileSpec& base, std::vector<PlacedAxis>& axes) {
  const auto v = t.get(key);
  if (!v) return;
  std::vector<double> values;
  if (v->node().is_array()) {
    for (const auto& item : v->list(false)) {
      const double x = item.number(range);
      if (std::find(values.begin(), values.end(), x) != values.end()) {
        item.fail_with(fmt::format("{} lists {} twice", v->key(), x));
      }
      values.push_back(x);
    }
    axes.push_back({v->node().source().begin, LeverAxis{v->key(), values}});
  } else {
    if (v->node().is_table()) {
      v->fail_with(
          fmt::format("{} is given as a table; {{ min, max }} ranges are for [design] kind 'lhs', "
                      "which is not supported yet",
                      v->key()));
    }
    if (!v->is_number()) {
      v->fail_type(fmt::format("a number {} or a list of them", range.describe()));
    }
    values.push_back(v->number(range));
  }
  if (!set_stockpile_field(base, v->key(), values.front())) {
    throw std::logic_error("policy_set.hpp has no stockpile field " + v->key());
  }
}

void read_release(const Table& release, StockpileSpec& base, std::vector<PlacedAxis>& axes) {
  release.check_keys({.allowed = {"trigger", "threshold", "delay_days", "max_rate_days"}});
  const std::vector<std::string> triggers = {"shortfall", "supply_drop"};
  const std::string trigger = release.choice_or("trigger", "shortfall", triggers);
  base.trigger = trigger == "supply_drop" ? ReleaseTrigger::supply_drop : ReleaseTrigger::shortfall;
  if (base.trigger == ReleaseTrigger::shortfall) {
    if (const auto threshold = release.get("threshold")) {
      threshold->fail_with(
          fmt::format("{} applies only with trigger = 'supply_drop'", threshold->key()));
    }
  }
  read_lever_number(release, "threshold", left_open(0, 1), base, axes);
  read_lever_number(release, "delay_days", at_least(0), base, axes);
  read_lever_number(release, "max_rate_days", above(0), base, axes);
}

void read_refill(const Table& refill, StockpileSpec& base, std::vector<PlacedAxis>& axes) {
  refill.check_keys({.allowed = {"after_days", "rate_days", "max_price_multiple"}});
  read_lever_number(refill, "after_days", at_least(0), base, axes);
  read_lever_number(refill, "rate_days", at_least(0), base, axes);
  Range multiple = at_least(1);
  multiple.allow_inf = true;  // inf, the default: refill whatever the price
  read_lever_number(refill, "max_price_multiple", multiple, base, axes);
}

// The target: size_days or size_t, exactly one.
void read_size(const Table& t, StockpileSpec& base, std::vector<PlacedAxis>& axes) {
  if (t.has("size_days") && t.has("size_t")) {
    t.get("size_t")->fail_with("give size_days or size_t, not both");
  }
  if (!t.has("size_days") && !t.has("size_t")) {
    t.fail("missing required key 'size_days' or 'size_t' (a number >= 0, or a list of them)");
  }
  read_lever_number(t, "size_days", at_least(0), base, axes);
  read_lever_number(t, "size_t", at_least(0), base, axes);
}

bool serves_a_consumer(const StockpileSpec& s, const Scenario& sc) {
  return std::any_of(sc.nodes.begin(), sc.nodes.end(), [&](const NodeSpec& n) {
    return n.kind == NodeKind::consumer && n.material == s.material &&
           std::find(s.regions.begin(), s.regions.end(), n.region) != s.regions.end();
  });
}

StockpileLever read_stockpile(const Table& t, const Scenario& sc, const Catalog& catalog) {
  StockpileLever lever;
  StockpileSpec& base = lever.base;
  const Value regions = t.require("regions", "a list of consumer regions and groups");
  base.regions = resolve_regions(regions, sc, catalog);
  base.material = resolve_material(t.require("material", "the name of a [[material]]"), sc);
  base.name = fmt::format("stockpile {} {}", fmt::join(regions.strings(), "+"),
                          sc.materials[base.material].name);
  t.set_label(fmt::format("policy '{}'", base.name));
  if (!serves_a_consumer(base, sc)) {
    regions.fail_with(fmt::format("regions {} hold no consumer of '{}'",
                                  toml_input::show(regions.node()),
                                  sc.materials[base.material].name));
  }

  std::vector<PlacedAxis> axes;
  read_size(t, base, axes);
  read_lever_number(t, "initial_fill", closed(0, 1), base, axes);
  read_lever_number(t, "holding_cost_per_year", at_least(0), base, axes);
  if (const auto release = t.get("release")) read_release(release->table(), base, axes);
  if (const auto refill = t.get("refill")) read_refill(refill->table(), base, axes);

  // "In file order" (policy_set.hpp): the table iterates keys alphabetically, so sort by place.
  std::stable_sort(axes.begin(), axes.end(), [](const PlacedAxis& a, const PlacedAxis& b) {
    return std::tie(a.pos.line, a.pos.column) < std::tie(b.pos.line, b.pos.column);
  });
  for (auto& a : axes) {
    lever.axes.push_back(std::move(a.axis));
  }
  return lever;
}

}  // namespace

std::vector<StockpileLever> read_policies(const Table& root, const Scenario& sc,
                                          const Catalog& catalog) {
  std::vector<StockpileLever> levers;
  // Two stockpiles of one material for the same regions would be one stockpile counted twice.
  std::map<std::pair<std::vector<std::string>, int>, std::uint32_t> defined_at;
  for (const Table& t : toml_input::array_of_tables(root, "policy", "policy")) {
    policy_schema().check_keys(t);
    policy_schema().read_kind(t);  // "stockpile", the only kind so far
    StockpileLever lever = read_stockpile(t, sc, catalog);

    std::vector<std::string> regions = lever.base.regions;
    std::sort(regions.begin(), regions.end());
    const auto [it, inserted] =
        defined_at.emplace(std::pair{regions, lever.base.material}, t.position().line);
    if (!inserted) {
      t.fail(fmt::format(
          "a stockpile of this material for these regions is already defined at line {}",
          it->second));
    }
    levers.push_back(std::move(lever));
  }
  return levers;
}

}  // namespace crisp::experiment_detail
