#pragma once
// Policy levers as the experiment file gives them (with sweep axes), and the policy sets a
// design expands them to. A policy set holds one value for every lever; set 0 is the baseline
// with every lever off.

#include <string>
#include <string_view>
#include <vector>

#include "models/scenario.hpp"

namespace crisp {

// One swept field of a lever: a numeric key given as a list in the experiment file.
struct LeverAxis {
  std::string field;  // dotted as in the file: "size_days", "release.delay_days", ...
  std::vector<double> values;
};

struct StockpileLever {
  StockpileSpec base;  // every field at its single value (axes hold the first value here)
  std::vector<LeverAxis> axes;
};

// The numeric fields of a stockpile lever, by their dotted names in the experiment file.
const std::vector<std::string_view>& stockpile_numeric_fields();
// Sets one of those fields; returns false when `field` is not one of them.
bool set_stockpile_field(StockpileSpec& s, std::string_view field, double value);
double get_stockpile_field(const StockpileSpec& s, std::string_view field);
// A lever is off when it holds nothing: a stockpile of size 0.
bool is_off(const StockpileSpec& s);

struct PolicySet {
  int id = 0;
  std::string label;                      // "baseline", or "size_days=30, delay_days=8"
  std::vector<double> params;             // one per PolicyColumns entry; NaN where a lever is off
  std::vector<StockpileSpec> stockpiles;  // the levers that are on
};

struct PolicyDesign {
  std::vector<std::string>
      columns;                  // "<lever name>.<field>" for every numeric field of every lever
  std::vector<PolicySet> sets;  // sets[0] is the baseline
};

// Full factorial over every axis of every lever, in file order (the last axis varies fastest).
// A grid point with every lever off is the baseline and is not repeated.
PolicyDesign expand_grid(const std::vector<StockpileLever>& stockpiles);

}  // namespace crisp
