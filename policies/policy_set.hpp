#pragma once
// Policy levers as the experiment file gives them (with sweep axes), and the policy sets a
// design expands them to. A policy set holds one value for every lever; set 0 is the baseline
// with every lever off.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "models/scenario.hpp"
#include "policies/levers/kinds.hpp"

namespace crisp {

// One alternative per kind of policies/levers/kinds.hpp, in that order.
using LeverSpec = LeverKinds::Variant;

// One swept field of a lever: a numeric key given as a list in the experiment file.
struct LeverAxis {
  std::string field;  // dotted as in the file: "size_days", "release.delay_days", ...
  std::vector<double> values;
};

// One field of a lever sampled from [min, max) by a Latin hypercube: a numeric key given as
// { min, max } in an experiment whose [design] kind is "lhs".
struct LeverRange {
  std::string field;  // dotted, as for LeverAxis
  double min = 0, max = 0;
};

struct Lever {
  LeverSpec base;  // every field at its single value (axes hold the first value, ranges the min)
  std::vector<LeverAxis> axes;
  std::vector<LeverRange> ranges = {};
};

const char* lever_kind(const LeverSpec& s);  // "stockpile", "refining", ...
const std::string& lever_name(const LeverSpec& s);
// The numeric fields of a lever of this kind, by their dotted names in the experiment file.
const std::vector<std::string_view>& numeric_fields(const LeverSpec& s);
// Sets one of those fields; returns false when `field` is not one of them.
bool set_field(LeverSpec& s, std::string_view field, double value);
double get_field(const LeverSpec& s, std::string_view field);
// A lever is off when it does nothing: a stockpile of size 0, refining or recycling of capacity
// or rate 0, diversification with a cap of 1, early warning of 0 days.
bool is_off(const LeverSpec& s);
// Why `field` of `spec` cannot be set by a design set or a decision (it would be ignored), or "".
std::string inapplicable(const LeverSpec& spec, std::string_view field);
// The fields that switch a lever of kind `kind` ("stockpile", ...) off, and the value that does
// (is_off): each kind's fields with an `off` value (policies/levers/<kind>.hpp). /policies holds
// NaN in every column of a lever that is off; the exports show these fields at this value there
// (docs/results-format.md "/policies"). Empty for a kind that is not known.
struct OffField {
  std::string_view field;
  double value;
};
std::span<const OffField> off_fields(std::string_view kind);

// What the results file says of one lever column of /policies (docs/results-format.md
// "/policies"): its lever's kind, name and material, the field, and the field's unit, range, off
// value and alternative.
struct PolicyColumn {
  std::string kind, lever, field;
  int material;  // the material it acts on; -1: every material
  std::string_view unit;
  NumberRange range;
  double off;  // NaN: not a field that turns the lever off
  std::string alternative;
};

struct PolicySet {
  int id = 0;
  std::string label;              // "baseline", or "size_days=30, early_warning NL all"
  std::vector<double> params;     // one per PolicyDesign::columns entry; NaN where a lever is off
  std::vector<LeverSpec> levers;  // the levers that are on
};

struct PolicyDesign {
  std::vector<std::string>
      columns;  // "<lever name>.<field>" for every numeric field of every lever
  std::vector<PolicyColumn> column_info;  // one per column
  std::vector<PolicySet> sets;            // sets[0] is the baseline
};

// Full factorial over every axis of every lever, in file order (the last axis varies fastest).
// A grid point with every lever off is the baseline and is not repeated.
PolicyDesign expand_grid(const std::vector<Lever>& levers);

// A Latin hypercube of `samples` points in `dims` dimensions, row-major [samples][dims], every
// coordinate in [0, 1). In each dimension every stratum [i / N, (i + 1) / N) holds exactly one
// point: coordinate d of point i is (perm_d[i] + u) / N. Draws come from the stream keyed
// (seed, 0, StreamId::design) only, in this order: for each dimension, a random permutation
// (Fisher-Yates from the last position down, swapping position i with a uniform integer in
// [0, i]), then one uniform u in [0, 1) per point.
std::vector<double> latin_hypercube(std::size_t samples, std::size_t dims, std::uint64_t seed);

// A Latin hypercube over every range of every lever, in file order (dimension d is the d-th
// range): policy set i (from 1) is point i - 1, labelled "lhs i", with each ranged field at
// min + (max - min) * coordinate and every other field at its base value. Axes are an error.
PolicyDesign expand_lhs(const std::vector<Lever>& levers, std::int64_t samples, std::uint64_t seed);

// One policy set of a list design: the fields it sets, every other field at its base value.
struct ListedValue {
  std::size_t lever = 0;  // index into the levers
  std::string field;      // dotted
  double value = 0;
};
struct ListedSet {
  std::string label;
  std::vector<ListedValue> values;
};

// The listed sets, in order, after the baseline. Axes and ranges are an error.
PolicyDesign expand_list(const std::vector<Lever>& levers, const std::vector<ListedSet>& sets);

// One policy set: every lever at its base value (a swept field at its first value) but for the
// fields of `values`, labelled `label` (crisp optimise, whose problems set every swept field).
PolicySet set_of(const std::vector<Lever>& levers, const std::vector<ListedValue>& values,
                 std::string label);
// The baseline, every lever off.
PolicySet baseline_set(const std::vector<Lever>& levers);
// `design` with `field` of the lever named `lever` multiplied by `factor` in every set that has
// it on (a future's assumption about its cost, say: [futures]); set labels and params, which
// name the policy options, are as they were.
PolicyDesign scale_lever_field(PolicyDesign design, std::string_view lever, std::string_view field,
                               double factor);
// A design of exactly `sets`, in order (ids renumbered from 0), with the columns of `levers`: set
// 0 need not be the baseline.
PolicyDesign design_of(const std::vector<Lever>& levers, std::vector<PolicySet> sets);

}  // namespace crisp
