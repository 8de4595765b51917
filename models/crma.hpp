#pragma once
// Indicators of the EU Critical Raw Materials Act (Regulation (EU) 2024/1252) on the day-0
// network, for `crisp check` (docs/model.md "The network", "Metrics"): how concentrated each
// stage's world capacity is, and where each report region's day-0 supply comes from.
//
// Benchmarks of the Act: no more than 65 % of the EU's annual consumption of a strategic raw
// material at any relevant stage of processing from a single third country; 10 % of consumption
// extracted, 40 % processed (refined) and 25 % recycled within the EU.
//
// Day 0 is the no-shock allocation of `baseline_balance` (models/baseline.hpp). With no shock
// active and no spot buying yet, each supplier fills its contract requests in one proportion
// (supplied / requested), so the flow on a contract edge is `share * buyer requirement * fill`.

#include <optional>
#include <string>
#include <vector>

#include "models/scenario.hpp"

namespace crisp {

inline constexpr double kCrmaMaxThirdCountryShare = 0.65;  // at any stage of processing
inline constexpr double kCrmaEuExtractionBenchmark = 0.10;
inline constexpr double kCrmaEuProcessingBenchmark = 0.40;
inline constexpr double kCrmaEuRecyclingBenchmark = 0.25;

struct CountryShare {
  std::string country;  // "" for supply no day-0 flow can trace (a refinery with no input)
  double share = 0;     // fraction, 0..1
};

// One stage (mines or refineries) of one material: each country's share of the stage's world
// capacity on day 0 (standby nodes hold none), largest first (ties by country name).
struct StageConcentration {
  double capacity_tpy = 0;
  std::vector<CountryShare> shares;
  double hhi = 0;  // Herfindahl-Hirschman index: sum of squared percentage shares, 0..10,000
  bool empty() const { return shares.empty(); }
  const CountryShare& largest() const { return shares.front(); }  // only when !empty()
};

// Where one report region's day-0 supply of one material comes from.
struct RegionCrma {
  std::string region;                      // a consumer region or a group
  std::vector<std::string> own_countries;  // the countries of its consumers (sorted)
  double supply_tpy = 0;                   // what its consumers receive on day 0
  // By the country of the direct supplier: the refinery for refined supply, the mine for direct
  // mine -> consumer flows. Largest first.
  std::vector<CountryShare> supplier_shares;
  // Traced back to mine countries through the refineries' day-0 input shares. Largest first.
  std::vector<CountryShare> mined_shares;
  // The largest single third country (not one of own_countries) at each stage; share 0 and an
  // empty country when all supply is the region's own.
  CountryShare largest_third;
  CountryShare largest_third_mined;
  bool above_cap = false;               // largest_third.share > 65 %
  bool mined_above_cap = false;         // largest_third_mined.share > 65 %
  double refined_at_home = 0;           // from refineries in its own countries
  std::optional<double> refined_in_eu;  // from refineries in EU countries; none without an EU group
  std::optional<double> mined_in_eu;    // traced to mines in EU countries (recyclers included)
};

struct MaterialCrma {
  int material = 0;
  std::string name;
  StageConcentration mine, refinery;
  std::vector<RegionCrma> regions;  // in s.report_regions order
};

struct CrmaIndicators {
  // The EU: the group named "EU" when the scenario defines one. Its countries are those of the
  // consumers (any material) of its member regions (a member region with no consumers stands for
  // the country of the same name: a consumer's region defaults to its country), and the 27 member
  // states by their ISO 3166 codes (Greece also as "EL"), so that a refinery in, say, FI counts as
  // refining in the EU even where no region of the scenario holds Finnish consumers.
  bool has_eu = false;
  std::vector<std::string> eu_countries;  // sorted
  std::vector<MaterialCrma> materials;    // in scenario order
};

CrmaIndicators crma_indicators(const Scenario& s);

// The block `crisp check` prints, each line starting with `indent` and ending in '\n'.
std::string format_crma(const CrmaIndicators& c, const std::string& indent = "  ");

}  // namespace crisp
