#pragma once
// What a lever kind's reader asks of the experiment file, and what a kind says of its numeric
// fields. The reader (K::read, in policies/levers/<kind>.cpp) asks a LeverFields for the keys of
// its [[policy]] table; the experiment loader implements it over TOML (sim/experiment/
// load_policies.cpp), so that no kind depends on the loader (README.md "Layout"). Every message
// a read fails with points at the key it is about, with the file, line and column.

#include <cmath>
#include <limits>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/number_range.hpp"
#include "models/scenario.hpp"

namespace crisp {

// One numeric field of a lever: a key of its table that a design may sweep, sample or list, and a
// column of the results file's /policies, whose attributes record the rest (docs/results-format.md
// "/policies").
template <class Spec>
struct Field {
  std::string_view name;  // dotted as in the experiment file: "release.delay_days"
  double Spec::*member;
  std::string_view unit;  // "days", "t", "t/yr", "EUR/t", "EUR/yr", "EUR per t/yr", "years", "1"
  NumberRange range;      // the numbers the file may give
  // The value that turns the lever off (K::is_off), or NaN for a field that does not. /policies
  // holds NaN in every column of a lever that is off; the exports show this value there.
  double off = std::numeric_limits<double>::quiet_NaN();
  // Another field giving the same quantity in another unit (a stockpile's size_days and size_t):
  // a lever uses one of the two, and /policies shows NaN in the one it does not use
  // (K::inapplicable says which).
  std::string_view alternative = {};
};

// What every lever over regions acts on: `regions` (groups expanded) and `material` (-1: every
// material), and the name part they give ("NL+DE gallium", "NL all").
struct LeverTarget {
  std::vector<std::string> regions;
  int material = -1;
  std::string name;
};

// The [[policy]] table a lever kind's reader reads. A key may be dotted ("release.trigger"): a key
// of the inline table `release`, which is empty when absent. Every method fails (throws the
// loader's error, which names the file, line, table and key) on a value it cannot accept.
class LeverFields {
 public:
  virtual ~LeverFields() = default;

  virtual const Scenario& scenario() const = 0;
  virtual bool has(std::string_view key) const = 0;
  // Names the table in later messages: "policy 'stockpile NL gallium'".
  virtual void set_label(std::string label) = 0;
  // Fails on the first key of the inline table `table` that `allowed` lacks.
  virtual void check_keys(std::string_view table, std::span<const std::string_view> allowed) = 0;

  // A numeric field: one number in `range`; in a grid design also a list of them (a sweep axis),
  // in an lhs design also a { min, max } range, both recorded for the design. Returns the number
  // (a list's first, a range's min), none when the key is absent, which `required` refuses.
  virtual std::optional<double> number(std::string_view key, const NumberRange& range,
                                       bool required) = 0;
  // `regions` (consumer regions and groups) and, unless `material_optional` and absent,
  // `material`.
  virtual LeverTarget target(bool material_optional) = 0;
  // Fails unless some consumer of `material` (any material when -1) is in `regions`; the message
  // points at `regions`, else `region`.
  virtual void require_consumers(const std::vector<std::string>& regions, int material) = 0;
  // One consumer region, not a group (`why_one` says why not: "a refinery belongs to one region").
  virtual std::string consumer_region(std::string_view key, std::string_view why_one) = 0;
  // The index of the [[material]] the key names (required).
  virtual int material(std::string_view key) = 0;
  // One of `options`; `fallback` when absent.
  virtual std::string choice(std::string_view key, std::string_view fallback,
                             std::span<const std::string> options) = 0;
  // A non-empty list of node ids, each one of `ids` (described by `what`: "a mine of 'gallium'"),
  // none twice; `expected` describes the list when it is missing. Empty when absent and optional.
  virtual std::vector<std::string> node_list(std::string_view key, std::string_view expected,
                                             bool required, const std::vector<std::string>& ids,
                                             std::string_view what) = 0;
  // A non-empty inline table { "node-id" = number, ... } (required), in file order: each id one of
  // `ids` (`what`), each number in `range`.
  virtual std::vector<std::pair<std::string, double>> node_numbers(
      std::string_view key, std::string_view expected, const std::vector<std::string>& ids,
      std::string_view what, const NumberRange& range) = 0;

  // "<label>: <message>" at the table.
  [[noreturn]] virtual void fail(std::string_view message) const = 0;
  // "<label>: <message>" at the value of `key`, which is present.
  [[noreturn]] virtual void fail_at(std::string_view key, std::string_view message) const = 0;
};

// The ids of the nodes of `material` that `keep` accepts, in node order.
template <class Keep>
std::vector<std::string> node_ids(const Scenario& sc, int material, Keep keep) {
  std::vector<std::string> ids;
  for (const auto& n : sc.nodes) {
    if (n.material == material && keep(n)) ids.push_back(n.id);
  }
  return ids;
}

// The field of kind K named `name` (a name K lacks is a programming error: std::logic_error).
template <class K>
constexpr const Field<typename K::Spec>& field_of(std::string_view name) {
  for (const auto& f : K::kFields) {
    if (f.name == name) return f;
  }
  throw std::logic_error("no such lever field");  // not constant: a compile error in read()
}

// Reads K's numeric field `name` into `spec`, in the range K's kFields give it.
template <class K>
void read_number(LeverFields& in, typename K::Spec& spec, std::string_view name,
                 bool required = false) {
  const auto& f = field_of<K>(name);
  if (const auto x = in.number(f.name, f.range, required)) spec.*f.member = *x;
}

// What every lever over regions starts with: its regions, material and name ("<kind> NL+DE
// gallium"), the table relabelled after it; the regions must hold consumers of the material.
template <class K>
typename K::Spec start_regional(LeverFields& in, bool material_optional) {
  typename K::Spec spec{};
  LeverTarget target = in.target(material_optional);
  spec.regions = std::move(target.regions);
  spec.material = target.material;
  spec.name = std::string(K::kName) + " " + target.name;
  in.set_label("policy '" + spec.name + "'");
  in.require_consumers(spec.regions, spec.material);
  return spec;
}

}  // namespace crisp
