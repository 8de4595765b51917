#pragma once
// Policy levers as the experiment file gives them (with sweep axes), and the policy sets a
// design expands them to. A policy set holds one value for every lever; set 0 is the baseline
// with every lever off.

#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "models/scenario.hpp"

namespace crisp {

// A domestic refinery (MODEL.md section 6, docs/model.md "Policy levers").
struct RefiningSpec {
  std::string name;  // "refining <region> <material>"
  std::string region;
  int material = 0;
  double capacity_tpy = 0;
  std::vector<std::pair<std::string, double>> feedstock;  // mine id -> share (sum 1)
  std::vector<std::string> customers;  // consumer ids; empty: every consumer of the region
  bool standby = false;                // mode = "standby"
  double activation_days = 0;
  double capex_eur_per_tpy = 0;
  double lifetime_years = 20;
  double opex_premium_eur_per_t = 0;
  double standby_cost_per_year = 0;
  double feedstock_lead_time_days = 30;
  double lead_time_days = 7;  // to its customers
  double yield = 1;
  double buffer_days = 0;
};

struct DiversificationSpec {
  std::string name;  // "diversification <regions> <material>"
  std::vector<std::string> regions;
  int material = 0;
  double max_country_share = 0.65;
  std::vector<std::string> alternatives;  // supplier ids
  double premium_eur_per_t = 0;
  double lead_time_days = 30;  // of new edges to alternatives
};

struct RecyclingSpec {
  std::string name;  // "recycling <regions> <material>"
  std::vector<std::string> regions;
  int material = 0;
  double rate = 0;  // fraction of each region's demand
  double capex_eur_per_tpy = 0;
  double lifetime_years = 20;
  double opex_eur_per_t = 0;
  double lead_time_days = 7;
};

using LeverSpec =
    std::variant<StockpileSpec, RefiningSpec, DiversificationSpec, RecyclingSpec, EarlyWarningSpec>;

// One swept field of a lever: a numeric key given as a list in the experiment file.
struct LeverAxis {
  std::string field;  // dotted as in the file: "size_days", "release.delay_days", ...
  std::vector<double> values;
};

struct Lever {
  LeverSpec base;  // every field at its single value (axes hold the first value here)
  std::vector<LeverAxis> axes;
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

struct PolicySet {
  int id = 0;
  std::string label;              // "baseline", or "size_days=30, delay_days=8"
  std::vector<double> params;     // one per PolicyDesign::columns entry; NaN where a lever is off
  std::vector<LeverSpec> levers;  // the levers that are on
};

struct PolicyDesign {
  std::vector<std::string>
      columns;                  // "<lever name>.<field>" for every numeric field of every lever
  std::vector<PolicySet> sets;  // sets[0] is the baseline
};

// Full factorial over every axis of every lever, in file order (the last axis varies fastest).
// A grid point with every lever off is the baseline and is not repeated.
PolicyDesign expand_grid(const std::vector<Lever>& levers);

}  // namespace crisp
