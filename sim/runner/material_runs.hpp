#pragma once
// The material runs of one experiment: every (policy set, material) pair mapped to a distinct
// run, so that a replication simulates each distinct one once and copies its metrics to every
// policy set that shares it (docs/model.md "Shared material runs"). A lever that touches one
// material leaves the other materials' runs identical to the baseline's; they are not repeated.

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <tuple>
#include <vector>

#include "models/material_sim.hpp"
#include "models/metrics.hpp"
#include "models/network.hpp"
#include "models/trajectory.hpp"
#include "policies/apply_policy.hpp"

namespace crisp {

// Material runs kept from one run to the next, for crisp optimise, which runs one policy set at a
// time: a lever that touches one material leaves every other material's run alike from one
// candidate to the next, and a run whose signature recurs is simulated once per seed and
// replication. Only signatures that a second run asks for are kept, so memory grows with the runs
// that recur, not with the candidates. A kept run is the one the simulation would make again, bit
// for bit (its shocks depend on the seed and replication alone), so the results are unchanged.
// Thread-safe.
class MaterialRunCache {
 public:
  // The id of `signature`; counts the runs that ask for it.
  int intern(const std::string& signature);
  // The per-material metrics and spells of run `id` on (seed, replication), when kept.
  bool find(int id, std::uint64_t seed, std::int64_t replication, std::span<double> metrics,
            std::vector<std::vector<Spell>>& spells) const;
  // Keeps them, when a second run has asked for `id`.
  void keep(int id, std::uint64_t seed, std::int64_t replication, std::span<const double> metrics,
            const std::vector<std::vector<Spell>>& spells);

 private:
  struct Entry {
    std::vector<double> metrics;
    std::vector<std::vector<Spell>> spells;
  };
  mutable std::mutex mutex_;
  std::map<std::string, int, std::less<>> ids_;
  std::vector<int> asked_;
  std::map<std::tuple<int, std::uint64_t, std::int64_t>, Entry> entries_;
};

class MaterialRuns {
 public:
  // `applied[p]` is policy set p applied to the scenario; it must outlive this object. With
  // `share` false every pair is a run of its own (the with/without tests compare the two).
  // Throws std::invalid_argument when a policy set cannot apply (compile_networks).
  // `cache`: runs kept across runs (null: none); it must outlive this object.
  MaterialRuns(const std::vector<AppliedPolicy>& applied, bool share = true,
               MaterialRunCache* cache = nullptr);

  const MetricLayout& layout() const { return layout_; }
  std::int64_t policies() const { return static_cast<std::int64_t>(run_of_.size()) / materials_; }
  int runs() const { return static_cast<int>(runs_.size()); }
  // The run that simulates `material` under policy set `policy`.
  int run_of(std::int64_t policy, int material) const {
    return run_of_[static_cast<std::size_t>(policy * materials_ + material)];
  }

  // One worker's simulators, one per distinct run, reused for every replication it simulates.
  class Worker {
   public:
    explicit Worker(const MaterialRuns& runs, EngineOptions options = {});
    // Simulates one replication on `shocks` for every policy set; policy set p's metrics go to
    // out[p * stride, p * stride + layout().size()).
    // `seed` and `replication` name the shocks for the cache (MaterialRuns' `cache`).
    void run(std::span<const ShockOccurrence> shocks, double* out, std::size_t stride,
             std::uint64_t seed = 0, std::int64_t replication = -1);
    // The same, recording distinct run k's trajectory into trajectories[k] (its step set).
    void run_recorded(std::span<const ShockOccurrence> shocks, double* out, std::size_t stride,
                      std::vector<Trajectory>& trajectories);
    // Events and instants of distinct run k in the last replication.
    const RunStats& stats(int k) const { return sims_[static_cast<std::size_t>(k)].stats(); }

   private:
    const MaterialRuns& runs_;
    std::vector<MaterialSim> sims_;
    std::vector<std::vector<double>> metrics_;  // per run: a whole layout, its material filled
    std::vector<const std::vector<std::vector<Spell>>*> spells_;
    std::vector<Spell> scratch_;
    std::vector<std::vector<std::vector<Spell>>> kept_spells_;        // per run: from the cache
    std::vector<const std::vector<std::vector<Spell>>*> run_spells_;  // per run: its spells
  };

 private:
  struct Run {
    std::int64_t policy;  // the first policy set with this signature: its scenario and network
    int material;
  };
  MetricLayout layout_;
  int materials_ = 0;
  std::vector<std::unique_ptr<std::vector<MaterialNet>>> nets_;  // per policy set, runs' only
  const std::vector<AppliedPolicy>& applied_;
  std::vector<Run> runs_;
  std::vector<int> run_of_;  // [policy * materials + material]
  MaterialRunCache* cache_ = nullptr;
  std::vector<int> cache_ids_;  // per run
};

}  // namespace crisp
