#pragma once
// What one material's run reports (docs/model.md "Metrics"): per report region the integrals of
// unmet demand, demand and releases, shortage spells, the loss; the policy costs, the stockpiles'
// costs and lowest fill, arrivals by supplier country, the peak price, and the sampled
// trajectories. The tally observes the stores: it reads their rates and levels over each
// interval before they advance, and writes the metrics at the horizon.

#include <algorithm>
#include <span>
#include <utility>
#include <vector>

#include "models/allocation.hpp"
#include "models/discount.hpp"
#include "models/engine/buffers.hpp"
#include "models/engine/demand.hpp"
#include "models/engine/pipelines.hpp"
#include "models/engine/stockpiles.hpp"
#include "models/metrics.hpp"
#include "models/network.hpp"
#include "models/trajectory.hpp"

namespace crisp {
using Spell = std::pair<double, double>;  // [start, end) of a shortage
}  // namespace crisp

namespace crisp::engine {

class Tally {
 public:
  Tally(const Scenario& scenario, const MaterialNet& net, const MetricLayout& layout);

  // Record the next runs' trajectories into `out` (nullptr: stop recording).
  void record(Trajectory* out) { trajectory_ = out; }
  bool recording() const { return trajectory_ != nullptr; }
  // Zero, with the stockpiles' initial fill bought on day 0.
  void reset(const Stockpiles& stockpiles, double horizon);

  // The regions' current rates, after the stores' flows were set.
  void set_rates(const Buffers& buffers, const DemandNow& demand);
  // While recording: trajectory samples at the times in [t, t1) (and t1 itself when `through`): the
  // state on [t, t1) is the one settled at t, and levels move linearly from there.
  void sample_until(double t, double t1, bool through, const Buffers& buffers,
                    const Stockpiles& stockpiles, double price_multiple);
  // Integrates every rate over [t, t + dt), before the stores advance: metrics and costs.
  void accrue(double t, double dt, double price_multiple, const Stockpiles& stockpiles,
              const Pipelines& pipes, const Allocator& alloc, const std::vector<char>& online);
  // Arrivals by supplier country: the arrival rates at the report regions' consumers changed at
  // t, at `nodes` or at every node. Each watched consumer's tonnes by country
  // are integrated from its last change, so the work follows the arrivals, not every instant.
  void arrivals_changed(std::span<const int> nodes, double t, const Pipelines& pipes);
  void arrivals_changed_everywhere(double t, const Pipelines& pipes);
  // After the stores advanced: each stockpile's lowest fill.
  void observe_levels(const Stockpiles& stockpiles) {
    for (std::size_t k = 0; k < stockpiles.size(); ++k) {
      const NetStockpile& spec = net_.stockpiles[k];
      if (spec.target > 0) min_frac_[k] = std::min(min_frac_[k], stockpiles[k].level / spec.target);
    }
  }
  // The metrics at the horizon t into `out`.
  void finish(double t, const Stockpiles& stockpiles, const Pipelines& pipes,
              std::span<double> out);

  const std::vector<std::vector<Spell>>& spells() const { return spells_; }

 private:
  struct Region {
    double unmet = 0, demand = 0, released = 0;  // current rates
    double given_up = 0, given_up_value = 0;     // t/day, and EUR/day at the base price / p0
    double unmet_t = 0, demand_t = 0, released_t = 0, given_up_t = 0, given_up_eur = 0;
    double shortage_days = 0, longest = 0, peak = 0, loss = 0;
    bool in_spell = false;
    double spell_start = 0;
  };
  void close_spells(double t);
  void watch_arrivals(int consumer, double t, const Pipelines& pipes);

  const MaterialNet& net_;
  const MetricLayout& layout_;
  Discount discount_;
  std::vector<Region> regions_;
  std::vector<std::vector<Spell>> spells_;
  std::vector<double> costs_;  // per lever cost, discounted euros so far
  // Consumers of any report region, watched for arrivals by supplier country: per node its place
  // among them (-1: not watched); per watched consumer the time its rates last changed, and per
  // watched consumer and country (countries in a row) the arrival rate and the tonnes so far.
  std::vector<int> watched_;
  std::vector<int> watched_nodes_;
  std::vector<double> since_, country_rate_, country_t_;
  std::vector<double> country_in_;  // finish's scratch: one region's tonnes by country
  // Per stockpile: bought and held, discounted euros so far (at the horizon, less what is left,
  // credited at the base price), and its lowest fill over its target.
  std::vector<double> stock_cost_, min_frac_;
  double price_peak_ = 1;
  Trajectory* trajectory_ = nullptr;
  int next_sample_ = 0;
};

}  // namespace crisp::engine
