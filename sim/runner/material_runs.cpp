#include "sim/runner/material_runs.hpp"

#include <algorithm>
#include <map>

#include "models/material_signature.hpp"
#include "models/simulator.hpp"

namespace crisp {

int MaterialRunCache::intern(const std::string& signature) {
  const std::lock_guard lock(mutex_);
  const auto [it, added] = ids_.try_emplace(signature, static_cast<int>(asked_.size()));
  if (added) asked_.push_back(0);
  ++asked_[static_cast<std::size_t>(it->second)];
  return it->second;
}

bool MaterialRunCache::find(int id, std::uint64_t seed, std::int64_t replication,
                            std::span<double> metrics,
                            std::vector<std::vector<Spell>>& spells) const {
  const std::lock_guard lock(mutex_);
  const auto it = entries_.find({id, seed, replication});
  if (it == entries_.end()) return false;
  std::copy(it->second.metrics.begin(), it->second.metrics.end(), metrics.begin());
  spells = it->second.spells;
  return true;
}

void MaterialRunCache::keep(int id, std::uint64_t seed, std::int64_t replication,
                            std::span<const double> metrics,
                            const std::vector<std::vector<Spell>>& spells) {
  const std::lock_guard lock(mutex_);
  if (asked_[static_cast<std::size_t>(id)] < 2) return;
  entries_.try_emplace({id, seed, replication},
                       Entry{std::vector<double>(metrics.begin(), metrics.end()), spells});
}

MaterialRuns::MaterialRuns(const std::vector<AppliedPolicy>& applied, bool share,
                           MaterialRunCache* cache)
    : applied_(applied), cache_(cache) {
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
      std::string signature;
      if (share || cache) signature = material_signature(applied[p].scenario, (*nets)[m]);
      if (share) {
        const auto [it, added] = seen[m].try_emplace(signature, next);
        run = it->second;
      }
      if (run == next) {
        runs_.push_back({static_cast<std::int64_t>(p), m});
        if (cache) cache_ids_.push_back(cache->intern(std::to_string(m) + "\n" + signature));
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
  kept_spells_.resize(runs.runs_.size());
  run_spells_.resize(runs.runs_.size());
}

void MaterialRuns::Worker::run(std::span<const ShockOccurrence> shocks, double* out,
                               std::size_t stride, std::uint64_t seed, std::int64_t replication) {
  // A material's metrics are one contiguous block of the layout.
  const auto per_material =
      static_cast<std::size_t>(runs_.layout_.size() / runs_.layout_.material_slots());
  // (run_spells_ is sized once: a replication in steady state allocates nothing.)
  std::vector<const std::vector<std::vector<Spell>>*>& run_spells = run_spells_;
  for (std::size_t k = 0; k < sims_.size(); ++k) {
    run_spells[k] = &sims_[k].spells();
    if (runs_.cache_ == nullptr || replication < 0) {
      sims_[k].run(shocks, metrics_[k]);
      continue;
    }
    const int id = runs_.cache_ids_[k];
    const std::size_t at = static_cast<std::size_t>(runs_.runs_[k].material) * per_material;
    const std::span<double> block(metrics_[k].data() + at, per_material);
    if (runs_.cache_->find(id, seed, replication, block, kept_spells_[k])) {
      run_spells[k] = &kept_spells_[k];
      continue;
    }
    sims_[k].run(shocks, metrics_[k]);
    runs_.cache_->keep(id, seed, replication, block, sims_[k].spells());
  }
  for (std::int64_t p = 0; p < runs_.policies(); ++p) {
    double* row = out + static_cast<std::size_t>(p) * stride;
    for (int m = 0; m < runs_.materials_; ++m) {
      const int k = runs_.run_of(p, m);
      const double* from = metrics_[k].data() + static_cast<std::size_t>(m) * per_material;
      std::copy(from, from + per_material, row + static_cast<std::size_t>(m) * per_material);
      spells_[m] = run_spells[static_cast<std::size_t>(k)];
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
