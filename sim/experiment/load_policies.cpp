// Reading [[policy]] tables (docs/model.md "Policy sets" and "Policy levers
// other than stockpiles"): the schema and the dispatch on kind, both from the list of kinds
// (policies/levers/kinds.hpp), the LeverFields each kind's reader reads through, over TOML, and
// the checks across policies.

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <tuple>
#include <type_traits>
#include <variant>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "policies/apply_policy.hpp"
#include "policies/lever_fields.hpp"
#include "sim/experiment/sections.hpp"

namespace crisp::experiment_detail {

using toml_input::Range;

namespace {

// The node `v` names, which must be one of `ids` (nodes of `what`, such as "a mine of
// 'gallium'"). A node id that exists but is of the wrong kind or material says which it is.
const NodeSpec& resolve_among(const Value& v, const std::string& id,
                              const std::vector<std::string>& ids, const Scenario& sc,
                              std::string_view what) {
  if (std::find(ids.begin(), ids.end(), id) != ids.end()) return sc.nodes[sc.find_node(id)];
  if (const int other = sc.find_node(id); other >= 0) {
    const NodeSpec& n = sc.nodes[other];
    v.fail_with(fmt::format("{} must name {}, got '{}' (a {} of '{}')", v.key(), what, id,
                            to_string(n.kind), sc.materials[n.material].name));
  }
  v.fail_with(
      fmt::format("{} must name {}, got '{}'{}", v.key(), what, id, toml_input::suggest(id, ids)));
}

// A [[policy]] table as a kind's reader sees it (policies/lever_fields.hpp). Its numeric keys are
// each a number; in a grid design also a list of numbers that becomes a sweep axis (the spec then
// holds its first value); in an lhs design also a { min, max } range (the spec then holds min).
// Every numeric key asked for, present or not, is recorded in `fields` with its range.
class TomlLeverFields final : public LeverFields {
 public:
  TomlLeverFields(const Table& t, const Scenario& sc, const Catalog& catalog, FieldRanges& fields)
      : t_(t), sc_(sc), catalog_(catalog), fields_(fields) {}

  const Scenario& scenario() const override { return sc_; }
  bool has(std::string_view key) const override {
    const auto [table, last] = split(key);
    return table.has(last);
  }
  void set_label(std::string label) override { t_.set_label(std::move(label)); }
  void check_keys(std::string_view table, std::span<const std::string_view> allowed) override {
    toml_input::KeyRules rules;
    for (const auto key : allowed) {
      rules.allowed.emplace_back(key);
    }
    t_.sub_or_empty(table).check_keys(rules);
  }
  std::optional<double> number(std::string_view key, const NumberRange& range,
                               bool required) override;
  LeverTarget target(bool material_optional) override;
  void require_consumers(const std::vector<std::string>& regions, int material) override;
  std::string consumer_region(std::string_view key, std::string_view why_one) override;
  int material(std::string_view key) override {
    return resolve_material(t_.require(key, "the name of a [[material]]"), sc_);
  }
  std::string choice(std::string_view key, std::string_view fallback,
                     std::span<const std::string> options) override {
    const auto [table, last] = split(key);
    return table.choice_or(last, std::string(fallback), options);
  }
  std::vector<std::string> node_list(std::string_view key, std::string_view expected, bool required,
                                     const std::vector<std::string>& ids,
                                     std::string_view what) override;
  std::vector<std::pair<std::string, double>> node_numbers(std::string_view key,
                                                           std::string_view expected,
                                                           const std::vector<std::string>& ids,
                                                           std::string_view what,
                                                           const NumberRange& range) override;
  [[noreturn]] void fail(std::string_view message) const override { t_.fail(message); }
  [[noreturn]] void fail_at(std::string_view key, std::string_view message) const override {
    const auto [table, last] = split(key);
    table.get(last)->fail_with(message);
  }

  // The lever read: `spec` with the axes and ranges, in file order.
  Lever finish(LeverSpec spec);

 private:
  // The table a dotted key is in ("release.trigger": the inline table `release`) and its last
  // part.
  std::pair<Table, std::string> split(std::string_view key) const {
    const auto dot = key.rfind('.');
    if (dot == std::string_view::npos) return {t_, std::string(key)};
    return {t_.sub_or_empty(key.substr(0, dot)), std::string(key.substr(dot + 1))};
  }
  double read_range(const Value& v, const Range& range);

  struct PlacedAxis {
    toml::source_position pos;
    LeverAxis axis;
  };
  struct PlacedRange {
    toml::source_position pos;
    LeverRange range;
  };
  const Table& t_;
  const Scenario& sc_;
  const Catalog& catalog_;
  FieldRanges& fields_;
  std::vector<PlacedAxis> axes_;
  std::vector<PlacedRange> ranges_;
};

std::optional<double> TomlLeverFields::number(std::string_view dotted, const NumberRange& range,
                                              bool required) {
  const auto [t, key] = split(dotted);
  const std::string& design_kind = catalog_.design_kind;
  if (required && !t.has(key)) {
    const std::string also = design_kind == "grid"  ? ", or a list of them"
                             : design_kind == "lhs" ? ", or a { min, max } range"
                                                    : "";
    t.fail(fmt::format("missing required key '{}' (a number {}{})", key, range.describe(), also));
  }
  fields_.emplace_back(t.full_key(key), range);
  const auto v = t.get(key);
  if (!v) return std::nullopt;
  std::vector<double> values;
  if (v->node().is_array()) {
    if (design_kind != "grid") {
      v->fail_with(
          fmt::format("{} is a list (a sweep axis of a grid), but [design] kind is '{}': give {}",
                      v->key(), design_kind,
                      design_kind == "lhs" ? "a number or a { min = ..., max = ... } range"
                                           : "one number, and vary it in [[design.sets]]"));
    }
    // A list longer than the most policy sets a grid may have is refused before it is read.
    if (v->node().as_array()->size() > static_cast<std::size_t>(kMaxPolicySets)) {
      v->fail_with(fmt::format("{} lists {} values, more than {} policy sets{}", v->key(),
                               v->node().as_array()->size(), kMaxPolicySets, kTooManySets));
    }
    std::set<double> seen;
    for (const auto& item : v->list(false)) {
      const double x = item.number(range);
      if (!seen.insert(x).second) item.fail_with(fmt::format("{} lists {} twice", v->key(), x));
      values.push_back(x);
    }
    axes_.push_back({v->node().source().begin, LeverAxis{v->key(), values}});
  } else if (v->node().is_table()) {
    if (design_kind != "lhs") {
      v->fail_with(fmt::format(
          "{} is a {{ min, max }} range, which needs [design] kind = 'lhs' (this design is "
          "'{}'): give {}",
          v->key(), design_kind,
          design_kind == "grid" ? "a number, or a list to sweep"
                                : "one number, and vary it in [[design.sets]]"));
    }
    values.push_back(read_range(*v, range));
  } else {
    if (!v->is_number()) {
      const std::string also = design_kind == "grid"  ? " or a list of them"
                               : design_kind == "lhs" ? " or a { min, max } range"
                                                      : "";
      v->fail_type(fmt::format("a number {}{}", range.describe(), also));
    }
    values.push_back(v->number(range));
  }
  return values.front();
}

// { min = a, max = b }: both finite, in the key's range, a < b. Returns a.
double TomlLeverFields::read_range(const Value& v, const Range& range) {
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

Lever TomlLeverFields::finish(LeverSpec spec) {
  Lever lever{std::move(spec), {}};
  // "In file order" (policy_set.hpp): the table iterates keys alphabetically, so sort by place.
  std::stable_sort(axes_.begin(), axes_.end(), [](const PlacedAxis& a, const PlacedAxis& b) {
    return toml_input::earlier_in_file(a.pos, b.pos);
  });
  for (auto& a : axes_) {
    lever.axes.push_back(std::move(a.axis));
  }
  std::stable_sort(ranges_.begin(), ranges_.end(), [](const PlacedRange& a, const PlacedRange& b) {
    return toml_input::earlier_in_file(a.pos, b.pos);
  });
  for (auto& r : ranges_) {
    lever.ranges.push_back(std::move(r.range));
  }
  return lever;
}

LeverTarget TomlLeverFields::target(bool material_optional) {
  LeverTarget target;
  const Value regions = t_.require("regions", "a list of consumer regions and groups");
  target.regions = resolve_regions(regions, sc_, catalog_);
  std::string material = "all";
  if (!material_optional || t_.has("material")) {
    target.material = resolve_material(t_.require("material", "the name of a [[material]]"), sc_);
    material = sc_.materials[target.material].name;
  }
  target.name = fmt::format("{} {}", fmt::join(regions.strings(), "+"), material);
  return target;
}

void TomlLeverFields::require_consumers(const std::vector<std::string>& regions, int material) {
  const bool any = std::any_of(sc_.nodes.begin(), sc_.nodes.end(), [&](const NodeSpec& n) {
    return n.kind == NodeKind::consumer && (material < 0 || n.material == material) &&
           std::find(regions.begin(), regions.end(), n.region) != regions.end();
  });
  if (any) return;
  const Value v = t_.get("regions") ? *t_.get("regions") : *t_.get("region");
  const std::string what =
      material < 0 ? "any material" : fmt::format("'{}'", sc_.materials[material].name);
  v.fail_with(
      fmt::format("{} {} hold no consumer of {}", v.key(), toml_input::show(v.node()), what));
}

std::string TomlLeverFields::consumer_region(std::string_view key, std::string_view why_one) {
  const Value v = t_.require(key, "a consumer region");
  const std::string name = v.string();
  if (std::find(catalog_.group_names.begin(), catalog_.group_names.end(), name) !=
      catalog_.group_names.end()) {
    v.fail_with(fmt::format("{} must name a consumer region, not a group, got '{}': {}", key, name,
                            why_one));
  }
  return catalog_.consumer_regions[resolve(v, catalog_.consumer_regions, "a consumer region")];
}

std::vector<std::string> TomlLeverFields::node_list(std::string_view key, std::string_view expected,
                                                    bool required,
                                                    const std::vector<std::string>& ids,
                                                    std::string_view what) {
  std::vector<std::string> out;
  const auto v = required ? std::optional<Value>(t_.require(key, expected)) : t_.get(key);
  if (!v) return out;
  for (const auto& item : v->list(false)) {
    const std::string id = resolve_among(item, item.string(), ids, sc_, what).id;
    if (std::find(out.begin(), out.end(), id) != out.end()) {
      item.fail_with(fmt::format("{} lists '{}' twice", key, id));
    }
    out.push_back(id);
  }
  return out;
}

std::vector<std::pair<std::string, double>> TomlLeverFields::node_numbers(
    std::string_view key, std::string_view expected, const std::vector<std::string>& ids,
    std::string_view what, const NumberRange& range) {
  const Value v = t_.require(key, expected);
  const Table table = v.table();
  // "a table { ... }" -> "a non-empty table { ... }"
  if (table.raw().empty()) v.fail(fmt::format("a non-empty {}", expected.substr(2)));
  const std::string prefix = std::string(key) + ".";
  std::vector<std::pair<std::string, double>> out;
  for (const Value& entry : table.values_in_file_order()) {
    const std::string id = entry.key().substr(prefix.size());
    resolve_among(entry.renamed(std::string(key) + " key"), id, ids, sc_, what);
    out.emplace_back(id, entry.number(range));
  }
  return out;
}

// Every kind's keys (besides `kind`), in the order of policies/levers/kinds.hpp.
const KindSchema& policy_schema() {
  static const KindSchema schema = [] {
    KindSchema k{.noun = "policy", .common = {"kind"}, .kinds = {}};
    LeverKinds::for_each([&]<class K>(std::type_identity<K>) {
      k.kinds.emplace_back(std::string(K::kName),
                           std::vector<std::string>(K::kKeys.begin(), K::kKeys.end()));
    });
    return k;
  }();
  return schema;
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

// The grid's size (the product of every list's length, of the policies read so far), counted as
// each policy is read and before any point of its grid is built or applied (check_applies): a
// product of list lengths can be astronomically large, and 1 000 x 1 000 values must be refused
// at once rather than after a million policy sets have been built.
class GridSize {
 public:
  void add(const Table& t, const Lever& lever, std::string_view design_kind) {
    if (design_kind != "grid") return;
    for (const LeverAxis& axis : lever.axes) {
      sets_ *= static_cast<double>(std::max<std::size_t>(1, axis.values.size()));
    }
    if (sets_ > static_cast<double>(kMaxPolicySets)) {
      t.fail(
          fmt::format("its lists make the grid of the [[policy]] lists {:.4g} policy sets, more "
                      "than {} policy sets{}",
                      sets_, kMaxPolicySets, kTooManySets));
    }
  }

 private:
  double sets_ = 1;
};

// The column names of /policies, counted as each policy is read (kMaxPolicyColumnBytes).
class PolicyColumns {
 public:
  void add(const Table& t, const Lever& lever) {
    const std::string& name = lever_name(lever.base);
    for (const std::string_view field : numeric_fields(lever.base)) {
      bytes_ += cost(name.size() + 1 + field.size());
    }
    if (bytes_ > kMaxPolicyColumnBytes) {
      t.fail(fmt::format(
          "the policies up to this one name {} bytes of columns of the results file's /policies "
          "table ('<policy name>.<key>' for each numeric key), more than the {} that HDF5 keeps "
          "in one table: fewer policies, or shorter names (a [groups] name for a list of regions)",
          bytes_, kMaxPolicyColumnBytes));
    }
  }

 private:
  // A column's name with its NUL, rounded up to 8 bytes, and the rest of its HDF5 description.
  static std::size_t cost(std::size_t name_bytes) { return (name_bytes + 8) / 8 * 8 + 52; }
  std::size_t bytes_ = cost(2) + cost(5);  // "id" and "label"
};

// Node ids a lever adds must be new (the lever transforms add them to the scenario).
void check_new_node_ids(const Table& t, const LeverSpec& spec, const Scenario& sc) {
  const std::vector<std::string> ids = std::visit(
      [&sc](const auto& s) {
        return LeverKinds::KindOf<std::decay_t<decltype(s)>>::added_node_ids(s, sc);
      },
      spec);
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
  GridSize grid;
  PolicyColumns columns;
  for (const Table& t : toml_input::array_of_tables(root, "policy", "policy")) {
    policy_schema().check_keys(t);
    const std::string kind = policy_schema().read_kind(t);
    FieldRanges fields;
    TomlLeverFields in(t, sc, catalog, fields);
    std::optional<Lever> read;
    LeverKinds::for_each([&]<class K>(std::type_identity<K>) {
      if (kind == K::kName) read = in.finish(K::read(in));
    });
    // read_kind() accepts only the schema's kinds, which are the list's.
    if (!read) throw std::logic_error("no reader for policy kind " + kind);
    Lever lever = std::move(*read);
    grid.add(t, lever, catalog.design_kind);
    columns.add(t, lever);
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
