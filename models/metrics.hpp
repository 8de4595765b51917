#pragma once
// What one replication reports (docs/model.md "Metrics"), laid out as one flat array of doubles:
// slot(material, report region, metric). Material index == materials.size() is "all": the
// euro metrics summed over materials, and shortage time over the union of the materials' spells.

#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace crisp {

enum class Metric : int {
  unmet_t,
  unmet_frac,
  shortage_days,
  longest_shortage_days,
  peak_shortfall_frac,
  loss_eur,
  policy_cost_eur,
  total_cost_eur,
  stock_released_t,
  stock_min_frac,
  price_peak_multiple,
  max_country_share,
  demand_given_up_t,
  demand_given_up_eur,
  count
};
inline constexpr int kMetricCount = static_cast<int>(Metric::count);

inline constexpr std::array<std::string_view, kMetricCount> kMetricNames = {"unmet_t",
                                                                            "unmet_frac",
                                                                            "shortage_days",
                                                                            "longest_shortage_days",
                                                                            "peak_shortfall_frac",
                                                                            "loss_eur",
                                                                            "policy_cost_eur",
                                                                            "total_cost_eur",
                                                                            "stock_released_t",
                                                                            "stock_min_frac",
                                                                            "price_peak_multiple",
                                                                            "max_country_share",
                                                                            "demand_given_up_t",
                                                                            "demand_given_up_eur"};

// Each metric's unit and one line saying what it is (the results file's `units` and
// `description` attributes; docs/model.md "Metrics" defines them).
inline constexpr std::array<std::string_view, kMetricCount> kMetricUnits = {
    "t", "1", "days", "days", "1", "EUR", "EUR", "EUR", "t", "1", "1", "1", "t", "EUR"};
inline constexpr std::array<std::string_view, kMetricCount> kMetricDescriptions = {
    "demand not served over the horizon, tonnes",
    "demand not served over the horizon, as a fraction of demand",
    "days on which some demand went unserved",
    "the longest unbroken shortage, days",
    "the largest unserved fraction of the demand rate at any time",
    "value of lost load of the unmet demand, discounted euros",
    "what the policy levers cost, discounted euros (stock left at the horizon credited)",
    "loss_eur + demand_given_up_eur + policy_cost_eur, discounted euros",
    "tonnes released from strategic stockpiles",
    "the lowest stockpile level as a fraction of its target (NaN: no stockpile)",
    "the highest price over the horizon, as a multiple of the base price",
    "the largest share of arrivals from one third country, by tonnage",
    "demand given up in response to price, tonnes",
    "what the demand given up was worth to its buyers (area under the demand curve), "
    "discounted euros"};

// The metrics that exist for material "all".
inline constexpr std::array<Metric, 6> kAllMaterialMetrics = {
    Metric::shortage_days,   Metric::longest_shortage_days, Metric::loss_eur,
    Metric::policy_cost_eur, Metric::total_cost_eur,        Metric::demand_given_up_eur};

struct MetricLayout {
  std::vector<std::string> materials;  // without "all"
  std::vector<std::string> regions;    // report regions, in the experiment's order

  int material_slots() const { return static_cast<int>(materials.size()) + 1; }
  int all_material() const { return static_cast<int>(materials.size()); }
  int size() const { return material_slots() * static_cast<int>(regions.size()) * kMetricCount; }
  int slot(int material, int region, Metric m) const {
    return (material * static_cast<int>(regions.size()) + region) * kMetricCount +
           static_cast<int>(m);
  }
};

}  // namespace crisp
