// Reading [design] (docs/model.md "Policies and levers", README "Experiment file reference"): a
// grid over the policies' sweep axes, a Latin hypercube over their { min, max } ranges, or a list
// of policy sets given one by one in [[design.sets]].

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

#include "policies/apply_policy.hpp"
#include "sim/experiment/sections.hpp"

namespace crisp {

namespace experiment_detail {

// The lever and field `key` ("stockpile NL gallium.size_days") names, or an error at `v`.
std::pair<std::size_t, const toml_input::Range*> resolve_column(const Value& v,
                                                                const std::string& key,
                                                                const PolicySection& policies,
                                                                std::string_view what) {
  std::vector<std::string> columns;
  std::optional<std::size_t> owner;  // a lever whose name the key starts with
  for (std::size_t i = 0; i < policies.levers.size(); ++i) {
    const std::string& name = lever_name(policies.levers[i].base);
    const bool prefix = key.size() > name.size() + 1 && key.compare(0, name.size(), name) == 0 &&
                        key[name.size()] == '.';
    for (const auto& [field, range] : policies.fields[i]) {
      columns.push_back(name + "." + field);
      if (prefix && key.substr(name.size() + 1) == field) return {i, &range};
    }
    if (prefix) owner = i;
  }
  if (owner) {
    const std::string& name = lever_name(policies.levers[*owner].base);
    std::vector<std::string> fields;
    for (const auto& [field, range] : policies.fields[*owner]) {
      fields.push_back(field);
    }
    const std::string field = key.substr(name.size() + 1);
    v.fail_with(fmt::format("{}: policy '{}' has no numeric key '{}'{}", what, name, field,
                            toml_input::suggest(field, fields)));
  }
  if (policies.levers.empty()) {
    v.fail_with(
        fmt::format("{}: '{}' names no policy: the experiment has no [[policy]]", what, key));
  }
  v.fail_with(fmt::format("{}: '{}' names no policy key (keys are '<policy name>.<key>'){}", what,
                          key, toml_input::suggest(key, columns)));
}

namespace {

const std::vector<std::string> kDesignKinds = {"grid", "lhs", "list"};

// The keys of [design] besides `kind`, by the kind they belong to.
const std::vector<std::pair<std::string, std::vector<std::string>>>& design_keys() {
  static const std::vector<std::pair<std::string, std::vector<std::string>>> keys = {
      {"grid", {}}, {"lhs", {"samples", "seed"}}, {"list", {"sets"}}};
  return keys;
}

ListedSet read_set(const Table& t, const PolicySection& policies, const Scenario& sc,
                   std::vector<std::string>& labels) {
  t.check_keys({.allowed = {"label", "values"}});
  ListedSet set;
  const Value label = t.require("label", "a string naming the policy set");
  set.label = label.name();
  if (set.label.empty()) label.fail("a non-empty string");
  if (set.label == "baseline") {
    label.fail_with(
        "label 'baseline' is taken: policy set 0, every policy off, is always the baseline");
  }
  if (std::find(labels.begin(), labels.end(), set.label) != labels.end()) {
    label.fail_with(fmt::format("label '{}' is already used by another design set", set.label));
  }
  labels.push_back(set.label);
  t.set_label(fmt::format("design set '{}'", set.label));

  if (const auto values = t.get("values")) {
    for (const Value& entry : values->table().values_in_file_order()) {
      const std::string key = entry.key().substr(std::string("values.").size());
      const auto [lever, range] = resolve_column(entry, key, policies, "values");
      const std::string& name = lever_name(policies.levers[lever].base);
      const std::string field = key.substr(name.size() + 1);
      if (const std::string why = inapplicable(policies.levers[lever].base, field); !why.empty()) {
        entry.fail_with(fmt::format("values: '{}': {}", key, why));
      }
      set.values.push_back({lever, field, entry.renamed(key).number(*range)});
    }
  }

  const PolicySet applied = expand_list(policies.levers, {set}).sets.at(1);
  if (applied.levers.empty()) {
    t.fail(
        "every policy is off in this set, so it is the baseline, which is always policy set 0; "
        "leave it out");
  }
  try {
    apply_policy(sc, applied);
  } catch (const std::invalid_argument& e) {
    t.fail(e.what());
  }
  return set;
}

}  // namespace

void read_design(const Table& t, Experiment& ex) {
  std::vector<std::string> every = {"kind"};
  for (const auto& [kind, keys] : design_keys()) {
    every.insert(every.end(), keys.begin(), keys.end());
  }
  t.check_keys({.allowed = every});
  ex.design_kind = t.choice_or("kind", "grid", kDesignKinds);

  std::vector<std::string> allowed = {"kind"}, others;
  for (const auto& [kind, keys] : design_keys()) {
    auto& into = kind == ex.design_kind ? allowed : others;
    into.insert(into.end(), keys.begin(), keys.end());
  }
  t.check_keys({.allowed = allowed,
                .other_kinds = others,
                .kind_phrase = fmt::format("a '{}' design", ex.design_kind)});

  if (ex.design_kind == "lhs") {
    const Value samples =
        t.require("samples", "an integer >= 1: the points of the Latin hypercube");
    ex.lhs_samples = samples.integer(1);
    if (ex.lhs_samples > kMaxPolicySets)
      samples.fail(
          fmt::format("an integer in [1, {}] (each point is a policy set)", kMaxPolicySets));
    if (const auto seed = t.get("seed")) ex.lhs_seed = static_cast<std::uint64_t>(seed->integer(0));
  }
  if (ex.design_kind == "list") {
    t.require("sets", "an array of tables [[design.sets]], each with a label and values");
  }
}

void read_design_sets(const Table& t, Experiment& ex, const PolicySection& policies) {
  if (ex.design_kind != "list") return;
  std::vector<std::string> labels;
  // Counted before any set is read: with the baseline, at most kMaxPolicySets.
  const Value listed = *t.get("sets");
  if (const auto* array = listed.node().as_array();
      array && array->size() >= static_cast<std::size_t>(kMaxPolicySets)) {
    listed.fail_with(
        fmt::format("sets lists {} policy sets, which with the baseline is more "
                    "than {} policy sets (each is simulated on every replication)",
                    array->size(), kMaxPolicySets));
  }
  const std::vector<Table> sets = toml_input::array_of_tables(t, "sets", "design set");
  if (sets.empty()) listed.fail("a non-empty array of tables [[design.sets]]");
  for (const Table& set : sets) {
    ex.listed_sets.push_back(read_set(set, policies, ex.scenario, labels));
  }
}

void check_design(const std::optional<Table>& design, const Experiment& ex) {
  // A grid's size is checked as its policies are read (read_policies).
  if (ex.design_kind != "lhs") return;
  const bool any = std::any_of(ex.levers.begin(), ex.levers.end(),
                               [](const Lever& l) { return !l.ranges.empty(); });
  if (!any) {
    design->get("kind")->fail_with(
        "kind 'lhs' needs at least one [[policy]] key given as a range { min = ..., max = ... } "
        "to sample");
  }
}

}  // namespace experiment_detail

PolicyDesign make_design(const Experiment& x) {
  if (x.design_kind == "lhs") {
    return expand_lhs(x.levers, x.lhs_samples, x.lhs_seed.value_or(x.scenario.seed));
  }
  if (x.design_kind == "list") return expand_list(x.levers, x.listed_sets);
  return expand_grid(x.levers);
}

}  // namespace crisp
