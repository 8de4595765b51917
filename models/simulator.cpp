#include "models/simulator.hpp"

#include <algorithm>

#include "models/material_sim.hpp"
#include "models/network.hpp"

namespace crisp {

MetricLayout make_layout(const Scenario& s) {
  MetricLayout layout;
  for (const MaterialSpec& m : s.materials)
    layout.materials.push_back(m.name);
  layout.regions = s.report_regions;
  return layout;
}

namespace {

// Total length of the union of spells (each list sorted by start, as the engine records them).
struct SpellUnion {
  double total = 0, longest = 0;
};

SpellUnion union_of(std::vector<Spell>& spells) {
  std::sort(spells.begin(), spells.end());
  SpellUnion u;
  for (std::size_t i = 0; i < spells.size();) {
    double start = spells[i].first, end = spells[i].second;
    for (++i; i < spells.size() && spells[i].first <= end; ++i)
      end = std::max(end, spells[i].second);
    u.total += end - start;
    u.longest = std::max(u.longest, end - start);
  }
  return u;
}

}  // namespace

struct Simulator::Impl {
  Impl(const Scenario& s, const PolicyEffects& effects)
      : scenario(s), nets(compile_networks(scenario, effects)), layout(make_layout(scenario)) {
    sims.reserve(nets.size());
    for (const MaterialNet& net : nets)
      sims.emplace_back(scenario, net, layout);
  }
  Scenario scenario;
  std::vector<MaterialNet> nets;
  MetricLayout layout;
  std::vector<MaterialSim> sims;
  std::vector<Spell> merged;
  std::vector<const std::vector<std::vector<Spell>>*> spells;
};

Simulator::Simulator(const Scenario& scenario, const PolicyEffects& effects)
    : impl_(std::make_unique<Impl>(scenario, effects)) {}
Simulator::Simulator(const Scenario& scenario, const std::vector<StockpileSpec>& stockpiles)
    : Simulator(scenario, PolicyEffects{stockpiles, {}, {}}) {}
Simulator::~Simulator() = default;
Simulator::Simulator(Simulator&&) noexcept = default;
Simulator& Simulator::operator=(Simulator&&) noexcept = default;

const MetricLayout& Simulator::layout() const {
  return impl_->layout;
}

void Simulator::run(std::span<const ShockOccurrence> shocks, std::span<double> out) {
  Impl& x = *impl_;
  x.spells.clear();
  for (MaterialSim& sim : x.sims) {
    sim.run(shocks, out);
    x.spells.push_back(&sim.spells());
  }
  fill_all_material(x.layout, x.spells, out, x.merged);
}

void fill_all_material(const MetricLayout& layout,
                       std::span<const std::vector<std::vector<Spell>>* const> spells,
                       std::span<double> out, std::vector<Spell>& scratch) {
  const int all = layout.all_material();
  const int materials = static_cast<int>(layout.materials.size());
  for (int r = 0; r < static_cast<int>(layout.regions.size()); ++r) {
    double loss = 0, policy = 0, given_up = 0;
    scratch.clear();
    for (int m = 0; m < materials; ++m) {
      loss += out[layout.slot(m, r, Metric::loss_eur)];
      policy += out[layout.slot(m, r, Metric::policy_cost_eur)];
      given_up += out[layout.slot(m, r, Metric::demand_given_up_eur)];
      const auto& s = (*spells[m])[r];
      scratch.insert(scratch.end(), s.begin(), s.end());
    }
    const SpellUnion u = union_of(scratch);
    for (int metric = 0; metric < kMetricCount; ++metric)
      out[layout.slot(all, r, static_cast<Metric>(metric))] =
          std::numeric_limits<double>::quiet_NaN();
    out[layout.slot(all, r, Metric::loss_eur)] = loss;
    out[layout.slot(all, r, Metric::policy_cost_eur)] = policy;
    out[layout.slot(all, r, Metric::demand_given_up_eur)] = given_up;
    // Demand given up last: with no demand response it adds 0, and the sum is as before.
    out[layout.slot(all, r, Metric::total_cost_eur)] = loss + policy + given_up;
    out[layout.slot(all, r, Metric::shortage_days)] = u.total;
    out[layout.slot(all, r, Metric::longest_shortage_days)] = u.longest;
  }
}

}  // namespace crisp
