// Reading [[policy]] tables (docs/model.md "Policy sets" and "Policy levers
// other than stockpiles"): the schema and the dispatch on kind, both from the list of kinds
// (policies/levers/kinds.txt), what the kinds' readers share, and the checks across policies.

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
#include "sim/experiment/lever_reader.hpp"

namespace crisp::experiment_detail {

using toml_input::above;
using toml_input::at_least;
using toml_input::closed;
using toml_input::left_open;
using toml_input::Range;

// ---- shared with the kinds' readers (sim/experiment/lever_readers.cpp) ----

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

namespace {

// Every kind's keys (besides `kind`), in the order of policies/levers/kinds.txt.
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
    const LeverInput in{t, sc, catalog, fields};
    std::optional<Lever> read;
    LeverKinds::for_each([&]<class K>(std::type_identity<K>) {
      if (kind == K::kName) read = K::read(in);
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
