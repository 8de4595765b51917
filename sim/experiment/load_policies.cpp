// Reading [[policy]] tables (MODEL.md section 6, docs/model.md "Policy sets" and "Policy levers
// other than stockpiles"): the dispatch on kind, the stockpile, and the checks across policies.

#include <algorithm>
#include <map>
#include <stdexcept>
#include <tuple>
#include <variant>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "policies/apply_policy.hpp"
#include "sim/experiment/lever_reader.hpp"

namespace crisp::experiment_detail {

using toml_input::above;
using toml_input::at_least;
using toml_input::closed;
using toml_input::left_open;
using toml_input::Range;

// ---- shared with load_levers.cpp ----

void LeverNumbers::read(const Table& t, std::string_view key, const Range& range) {
  fields_.emplace_back(t.full_key(key), range);
  const auto v = t.get(key);
  if (!v) return;
  std::vector<double> values;
  if (v->node().is_array()) {
    if (design_kind_ != "grid") {
      v->fail_with(
          fmt::format("{} is a list (a sweep axis of a grid), but [design] kind is '{}': give {}",
                      v->key(), design_kind_,
                      design_kind_ == "lhs" ? "a number or a { min = ..., max = ... } range"
                                            : "one number, and vary it in [[design.sets]]"));
    }
    for (const auto& item : v->list(false)) {
      const double x = item.number(range);
      if (std::find(values.begin(), values.end(), x) != values.end()) {
        item.fail_with(fmt::format("{} lists {} twice", v->key(), x));
      }
      values.push_back(x);
    }
    axes_.push_back({v->node().source().begin, LeverAxis{v->key(), values}});
  } else if (v->node().is_table()) {
    if (design_kind_ != "lhs") {
      v->fail_with(fmt::format(
          "{} is a {{ min, max }} range, which needs [design] kind = 'lhs' (this design is "
          "'{}'): give {}",
          v->key(), design_kind_,
          design_kind_ == "grid" ? "a number, or a list to sweep"
                                 : "one number, and vary it in [[design.sets]]"));
    }
    values.push_back(read_range(*v, range));
  } else {
    if (!v->is_number()) {
      const std::string also = design_kind_ == "grid"  ? " or a list of them"
                               : design_kind_ == "lhs" ? " or a { min, max } range"
                                                       : "";
      v->fail_type(fmt::format("a number {}{}", range.describe(), also));
    }
    values.push_back(v->number(range));
  }
  if (!set_field(lever_.base, v->key(), values.front())) {
    throw std::logic_error(
        fmt::format("policy_set.hpp has no {} field {}", lever_kind(lever_.base), v->key()));
  }
}

// { min = a, max = b }: both finite, in the key's range, a < b. Returns a.
double LeverNumbers::read_range(const Value& v, const Range& range) {
  const Table t = v.table();
  t.check_keys({.allowed = {"min", "max"}});
  Range finite = range;
  finite.allow_inf = false;
  const double lo = t.number("min", finite);
  const double hi = t.number("max", finite);
  if (!(lo < hi)) {
    const Value max = *t.get("max");
    max.fail_with(
        fmt::format("{} must be above {}.min = {}, got {} (a fixed value is given as a "
                    "number, not a range)",
                    max.key(), v.key(), lo, hi));
  }
  ranges_.push_back({v.node().source().begin, LeverRange{v.key(), lo, hi}});
  return lo;
}

void LeverNumbers::require(const Table& t, std::string_view key, const Range& range) {
  if (!t.has(key)) {
    const std::string also = design_kind_ == "grid"  ? ", or a list of them"
                             : design_kind_ == "lhs" ? ", or a { min, max } range"
                                                     : "";
    t.fail(fmt::format("missing required key '{}' (a number {}{})", key, range.describe(), also));
  }
  read(t, key, range);
}

void LeverNumbers::finish() {
  // "In file order" (policy_set.hpp): the table iterates keys alphabetically, so sort by place.
  std::stable_sort(axes_.begin(), axes_.end(), [](const PlacedAxis& a, const PlacedAxis& b) {
    return std::tie(a.pos.line, a.pos.column) < std::tie(b.pos.line, b.pos.column);
  });
  for (auto& a : axes_) {
    lever_.axes.push_back(std::move(a.axis));
  }
  axes_.clear();
  std::stable_sort(ranges_.begin(), ranges_.end(), [](const PlacedRange& a, const PlacedRange& b) {
    return std::tie(a.pos.line, a.pos.column) < std::tie(b.pos.line, b.pos.column);
  });
  for (auto& r : ranges_) {
    lever_.ranges.push_back(std::move(r.range));
  }
  ranges_.clear();
}

LeverTarget read_target(const Table& t, const Scenario& sc, const Catalog& catalog,
                        bool material_optional) {
  LeverTarget target;
  const Value regions = t.require("regions", "a list of consumer regions and groups");
  target.regions = resolve_regions(regions, sc, catalog);
  std::string material = "all";
  if (!material_optional || t.has("material")) {
    target.material = resolve_material(t.require("material", "the name of a [[material]]"), sc);
    material = sc.materials[target.material].name;
  }
  target.name = fmt::format("{} {}", fmt::join(regions.strings(), "+"), material);
  return target;
}

void require_consumers(const Table& t, const Scenario& sc, const std::vector<std::string>& regions,
                       int material) {
  const bool any = std::any_of(sc.nodes.begin(), sc.nodes.end(), [&](const NodeSpec& n) {
    return n.kind == NodeKind::consumer && (material < 0 || n.material == material) &&
           std::find(regions.begin(), regions.end(), n.region) != regions.end();
  });
  if (any) return;
  const Value v = t.get("regions") ? *t.get("regions") : *t.get("region");
  const std::string what =
      material < 0 ? "any material" : fmt::format("'{}'", sc.materials[material].name);
  v.fail_with(
      fmt::format("{} {} hold no consumer of {}", v.key(), toml_input::show(v.node()), what));
}

namespace {

const KindSchema& policy_schema() {
  static const KindSchema schema{
      .noun = "policy",
      .common = {"kind"},
      .kinds = {{"stockpile",
                 {"regions", "material", "size_days", "size_t", "initial_fill", "release", "refill",
                  "holding_cost_per_year"}},
                {"refining",
                 {"region", "material", "capacity_tpy", "feedstock", "customers", "mode",
                  "activation_days", "capex_eur_per_tpy", "lifetime_years",
                  "opex_premium_eur_per_t", "standby_cost_per_year", "feedstock_lead_time_days",
                  "lead_time_days", "yield", "buffer_days"}},
                {"diversification",
                 {"regions", "material", "max_country_share", "alternatives", "premium_eur_per_t",
                  "lead_time_days"}},
                {"recycling",
                 {"regions", "material", "rate", "capex_eur_per_tpy", "lifetime_years",
                  "opex_eur_per_t", "lead_time_days"}},
                {"early_warning", {"regions", "material", "lead_days", "cost_per_year"}}},
  };
  return schema;
}

// ---- stockpile ----

void read_release(const Table& release, StockpileSpec& base, LeverNumbers& numbers) {
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
  numbers.read(release, "threshold", left_open(0, 1));
  numbers.read(release, "delay_days", at_least(0));
  numbers.read(release, "max_rate_days", above(0));
}

void read_refill(const Table& refill, LeverNumbers& numbers) {
  refill.check_keys({.allowed = {"after_days", "rate_days", "max_price_multiple"}});
  numbers.read(refill, "after_days", at_least(0));
  numbers.read(refill, "rate_days", at_least(0));
  Range multiple = toml_input::capped(1, kMaxPriceMultiple);
  multiple.allow_inf = true;  // inf, the default: refill whatever the price
  numbers.read(refill, "max_price_multiple", multiple);
}

// The target: size_days or size_t, exactly one.
void read_size(const Table& t, LeverNumbers& numbers) {
  if (t.has("size_days") && t.has("size_t")) {
    t.get("size_t")->fail_with("give size_days or size_t, not both");
  }
  if (!t.has("size_days") && !t.has("size_t")) {
    t.fail("missing required key 'size_days' or 'size_t' (a number >= 0, or a list of them)");
  }
  numbers.read(t, "size_days", toml_input::capped(0, 36500));  // 100 years of demand
  numbers.read(t, "size_t", toml_input::capped(0, kMaxTonnes));
}

Lever read_stockpile(const Table& t, const Scenario& sc, const Catalog& catalog,
                     FieldRanges& fields) {
  Lever lever;
  start_regional_lever<StockpileSpec>(lever, t, sc, catalog, "stockpile", false);

  LeverNumbers numbers(lever, catalog, fields);
  read_size(t, numbers);
  numbers.read(t, "initial_fill", closed(0, 1));
  numbers.read(t, "holding_cost_per_year", toml_input::capped(0, 10));
  // Absent, they are read as empty tables: their fields keep their defaults, and are recorded
  // for [[design.sets]].
  read_release(t.sub_or_empty("release"), std::get<StockpileSpec>(lever.base), numbers);
  read_refill(t.sub_or_empty("refill"), numbers);
  numbers.finish();
  return lever;
}

// ---- checks across policies ----

// The (region, material) pairs a lever acts on that no other lever of its kind may act on too;
// every material when it has none. Early warnings may overlap: the largest lead counts.
std::vector<std::pair<std::string, int>> coverage(const LeverSpec& spec, const Scenario& sc) {
  if (std::holds_alternative<EarlyWarningSpec>(spec)) return {};
  std::vector<std::string> regions;
  int material = -1;
  std::visit(
      [&](const auto& s) {
        if constexpr (std::is_same_v<std::decay_t<decltype(s)>, RefiningSpec>) {
          regions = {s.region};
        } else {
          regions = s.regions;
        }
        material = s.material;
      },
      spec);
  std::vector<std::pair<std::string, int>> out;
  for (const auto& r : regions) {
    for (int m = 0; m < static_cast<int>(sc.materials.size()); ++m) {
      if (material < 0 || m == material) out.emplace_back(r, m);
    }
  }
  return out;
}

// Names are unique, and two levers of one kind never act on one region's consumers of one
// material: a consumer draws on one stockpile (docs/model.md "Policy sets"), two recyclers would
// have one node id, and two diversifications would compound in file order.
class PolicyRegistry {
 public:
  void add(const Table& t, const LeverSpec& spec, const Scenario& sc) {
    const std::string& name = lever_name(spec);
    const auto line = t.position().line;
    if (const auto it = names_.find(name); it != names_.end()) {
      t.fail(fmt::format("a policy named '{}' is already defined at line {}", name, it->second));
    }
    names_.emplace(name, line);
    for (const auto& [region, material] : coverage(spec, sc)) {
      const auto key = std::tuple(std::string(lever_kind(spec)), region, material);
      const auto [it, inserted] = covered_.emplace(key, std::pair(name, line));
      if (!inserted) {
        t.fail(fmt::format(
            "overlaps policy '{}' (line {}): both act on region '{}' for '{}'; a region's "
            "consumers of a material may have one {} policy",
            it->second.first, it->second.second, region, sc.materials[material].name,
            lever_kind(spec)));
      }
    }
  }

 private:
  std::map<std::string, std::uint32_t> names_;
  std::map<std::tuple<std::string, std::string, int>, std::pair<std::string, std::uint32_t>>
      covered_;
};

// Node ids a lever adds must be new (the lever transforms add them to the scenario).
void check_new_node_ids(const Table& t, const LeverSpec& spec, const Scenario& sc) {
  std::vector<std::string> ids;
  if (const auto* r = std::get_if<RefiningSpec>(&spec)) ids.push_back(r->name);
  if (const auto* r = std::get_if<RecyclingSpec>(&spec)) {
    for (const auto& region : r->regions) {
      ids.push_back(fmt::format("recycling {} {}", region, sc.materials[r->material].name));
    }
  }
  for (const auto& id : ids) {
    if (sc.find_node(id) >= 0) {
      t.fail(fmt::format(
          "the node this policy adds, '{}', has the id of a [[node]]; rename that node", id));
    }
  }
}

// Applies the lever alone at each of its own grid points (with ranges: at every min, then at
// every max), so that a lever that cannot apply (docs/model.md) fails here, at its table, rather
// than in the middle of a run.
void check_applies(const Table& t, const Lever& lever, const Scenario& sc) {
  std::vector<PolicySet> sets;
  if (lever.ranges.empty()) {
    sets = expand_grid({lever}).sets;
  } else {
    for (const bool at_max : {false, true}) {
      Lever corner{lever.base, {}};
      for (const LeverRange& r : lever.ranges) {
        set_field(corner.base, r.field, at_max ? r.max : r.min);
      }
      auto corner_sets = expand_grid({corner}).sets;
      if (corner_sets.size() > 1) {
        corner_sets[1].label = at_max ? "every range at its max" : "every range at its min";
        sets.push_back(corner_sets[1]);
      }
    }
  }
  for (std::size_t i = 0; i < sets.size(); ++i) {
    if (lever.ranges.empty() && i == 0) continue;  // the grid's baseline
    try {
      apply_policy(sc, sets[i]);
    } catch (const std::invalid_argument& e) {
      const bool varied = !lever.axes.empty() || !lever.ranges.empty();
      const std::string at = varied ? fmt::format(" (at {})", sets[i].label) : "";
      toml_input::fail_in(t.place(), t.position(), fmt::format("{}{}", e.what(), at));
    }
  }
}

}  // namespace

PolicySection read_policies(const Table& root, const Scenario& sc, const Catalog& catalog) {
  PolicySection section;
  PolicyRegistry registry;
  for (const Table& t : toml_input::array_of_tables(root, "policy", "policy")) {
    policy_schema().check_keys(t);
    const std::string kind = policy_schema().read_kind(t);
    FieldRanges fields;
    Lever lever = kind == "stockpile"         ? read_stockpile(t, sc, catalog, fields)
                  : kind == "refining"        ? read_refining(t, sc, catalog, fields)
                  : kind == "diversification" ? read_diversification(t, sc, catalog, fields)
                  : kind == "recycling"       ? read_recycling(t, sc, catalog, fields)
                                              : read_early_warning(t, sc, catalog, fields);
    registry.add(t, lever.base, sc);
    check_new_node_ids(t, lever.base, sc);
    check_applies(t, lever, sc);
    section.levers.push_back(std::move(lever));
    section.fields.push_back(std::move(fields));
    section.tables.push_back(t);
  }
  return section;
}

}  // namespace crisp::experiment_detail
