#pragma once
// The event-driven engine for one policy set (docs/model.md): every
// material's MaterialSim, and material "all" from them. Reused for many replications it allocates
// no memory in steady state. The Monte Carlo runner does not use it: it shares material runs
// across policy sets (sim/runner/material_runs.hpp); the tests and tools that simulate one policy
// set do.

#include <memory>
#include <span>
#include <vector>

#include "models/material_sim.hpp"
#include "models/metrics.hpp"
#include "models/scenario.hpp"
#include "models/shocks.hpp"

namespace crisp {

MetricLayout make_layout(const Scenario& s);

// Material "all" of one replication from its materials' slots in `out`: euro totals, and shortage
// time over the union of the materials' spells (`spells[m][region]`). `scratch` is reused.
void fill_all_material(const MetricLayout& layout,
                       std::span<const std::vector<std::vector<Spell>>* const> spells,
                       std::span<double> out, std::vector<Spell>& scratch);

class Simulator {
 public:
  Simulator(const Scenario& scenario, const PolicyEffects& effects);
  // A policy set of stockpiles only.
  Simulator(const Scenario& scenario, const std::vector<StockpileSpec>& stockpiles);
  ~Simulator();
  Simulator(Simulator&&) noexcept;
  Simulator& operator=(Simulator&&) noexcept;

  const MetricLayout& layout() const;
  // Simulates one replication on the given shock history; writes layout().size() values.
  void run(std::span<const ShockOccurrence> shocks, std::span<double> metrics_out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace crisp
