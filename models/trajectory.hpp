#pragma once
// Sampled trajectories of one material's run (the experiment's [output] timeseries;
// docs/results-format.md "/timeseries"): per report region, each series at the times
// k * step, k = 0, 1, ... up to the horizon. The engine's rates are constant between events
// and its levels linear, so every sample is exact at its time: the state just after the events
// of that instant (a store's level at t is its level at the last event plus its rate times the
// time since).

#include <array>
#include <string_view>
#include <vector>

namespace crisp {

inline constexpr std::array<std::string_view, 7> kTrajectorySeries = {
    "t",               // the sample time, days
    "stock",           // strategic stockpiles serving the region, t (a joint one by its share)
    "buffer",          // the region's consumers' private buffers, t
    "inflow",          // what arrives at the region's consumers, t/day
    "unmet_rate",      // demand not served, t/day
    "price_multiple",  // the material's price over its base price
    "unmet_cum_t",     // unmet demand since day 0, t: at the horizon, the metric unmet_t
};
inline constexpr int kTrajectorySeriesCount = static_cast<int>(kTrajectorySeries.size());
inline constexpr std::array<std::string_view, kTrajectorySeries.size()> kTrajectoryUnits = {
    "days", "t", "t", "t/day", "t/day", "1", "t"};
inline constexpr std::array<std::string_view, kTrajectorySeries.size()> kTrajectoryDescriptions = {
    "sample time, days from the start",
    "strategic stockpiles serving the region (a joint one by the region's share), tonnes",
    "the region's consumers' private buffers, tonnes",
    "what arrives at the region's consumers, tonnes per day",
    "demand not served, tonnes per day",
    "the material's price as a multiple of its base price",
    "unmet demand since day 0, tonnes (at the horizon: the metric unmet_t)"};

struct Trajectory {
  double step = 7;  // days between samples
  int samples = 0;  // floor(horizon / step) + 1
  // values[(region * kTrajectorySeriesCount + series) * samples + k]
  std::vector<double> values;
  // Optional, not written to the results file (crisp calibrate reads it): the arrival rate at
  // each region's consumers from suppliers in one country (an index into MaterialNet::countries;
  // -1: not recorded), t/day, at [region * samples + k].
  int country = -1;
  std::vector<double> country_inflow;
  double& at(int region, int series, int k) {
    return values[(static_cast<std::size_t>(region) * kTrajectorySeriesCount +
                   static_cast<std::size_t>(series)) *
                      static_cast<std::size_t>(samples) +
                  static_cast<std::size_t>(k)];
  }
};

}  // namespace crisp
