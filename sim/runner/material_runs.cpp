#include "sim/runner/material_runs.hpp"

#include <algorithm>
#include <map>

#include "models/material_signature.hpp"
#include "models/simulator.hpp"

namespace crisp {

MaterialRuns::MaterialRuns(const std::vector<AppliedPolicy>& applied, bool share)
    : applied_(applied) {
  layout_ = make_layout(applied.front().scenario);
  materials_ = static_cast<int>(layout_.materials.size());
  std::vector<std::map<std::string, int>> seen(static_cast<std::size_t>(materials_));
  for (std::size_t p = 0; p < applied.size(); ++p) {
    auto nets = std::make_unique<std::vector<MaterialNet>>(
        compile_networks(applied[p].scenario, applied[p].effects));
    bool used = false;
    for (int m = 0; m < materials_; ++m) {
      const int next = static_cast<int>(runs_.size());
      int run = next;
      if (share) {
        const auto [it, added] =
            seen[m].try_emplace(material_signature(applied[p].scenario, (*nets)[m]), next);
        run = it->second;
      }
      if (run == next) {
        runs_.push_back({static_cast<std::int64_t>(p), m});
        used = true;
      }
      run_of_.push_back(run);
    }
    // Only networks some run simulates are kept: memory grows with distinct runs, not sets.
    nets_.push_back(used ? std::move(nets) : nullptr);
  }
}

MaterialRuns::Worker::Worker(const MaterialRuns& runs, EngineOptions options) : runs_(runs) {
  sims_.reserve(runs.runs_.size());
  for (const Run& run : runs.runs_)
    sims_.emplace_back(runs.applied_[run.policy].scenario, (*runs.nets_[run.policy])[run.material],
                       runs.layout_, options);
  metrics_.assign(runs.runs_.size(), std::vector<double>(runs.layout_.size()));
  spells_.resize(static_cast<std::size_t>(runs.materials_));
}

void MaterialRuns::Worker::run(std::span<const ShockOccurrence> shocks, double* out,
                               std::size_t stride) {
  for (std::size_t k = 0; k < sims_.size(); ++k)
    sims_[k].run(shocks, metrics_[k]);
  // A material's metrics are one contiguous block of the layout: copy it from its run.
  const auto per_material =
      static_cast<std::size_t>(runs_.layout_.size() / runs_.layout_.material_slots());
  for (std::int64_t p = 0; p < runs_.policies(); ++p) {
    double* row = out + static_cast<std::size_t>(p) * stride;
    for (int m = 0; m < runs_.materials_; ++m) {
      const int k = runs_.run_of(p, m);
      const double* from = metrics_[k].data() + static_cast<std::size_t>(m) * per_material;
      std::copy(from, from + per_material, row + static_cast<std::size_t>(m) * per_material);
      spells_[m] = &sims_[k].spells();
    }
    fill_all_material(runs_.layout_, spells_,
                      std::span<double>(row, static_cast<std::size_t>(runs_.layout_.size())),
                      scratch_);
  }
}

void MaterialRuns::Worker::run_recorded(std::span<const ShockOccurrence> shocks, double* out,
                                        std::size_t stride, std::vector<Trajectory>& trajectories) {
  for (std::size_t k = 0; k < sims_.size(); ++k)
    sims_[k].record(&trajectories[k]);
  run(shocks, out, stride);
  for (MaterialSim& sim : sims_)
    sim.record(nullptr);
}

}  // namespace crisp
