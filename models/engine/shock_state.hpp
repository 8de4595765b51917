#pragma once
// The shocks reaching one material and what those in force set (docs/model.md "Shocks"): the
// occurrences, which are announced and which bite, and the per-node, per-edge and per-spot-pair
// factors that the shock kinds' effects write (MaterialSim::recompute_shock_factors).

#include <cstdint>
#include <span>
#include <vector>

#include "core/event_queue.hpp"
#include "models/network.hpp"
#include "models/shocks.hpp"

namespace crisp::engine {

struct ShockState {
  explicit ShockState(const MaterialNet& net);

  // Keeps the occurrences that reach this material and schedules their starts, ends,
  // announcements and phases; returns how many events that scheduled (NoProgress reports it).
  std::uint64_t reset(std::span<const ShockOccurrence> shocks, const Scenario& scenario,
                      const MaterialNet& net, EventQueue& queue);
  // Every factor back to "no shock", before the effects of those in force act in turn.
  void clear_factors();
  // Occurrence i bites; true when it had been announced (the buffer targets it raised fall back).
  bool start(int i);
  void end(int i);

  std::vector<ShockOccurrence> occurrences;
  std::vector<int> active;                     // occurrences in force
  std::vector<int> announced;                  // export restrictions announced but not yet biting
  std::vector<char> restricted;                // per node: an active restriction covers its exports
  std::vector<double> capacity_factor, surge;  // per node
  std::vector<double> pass, extra_delay;       // per edge
  std::vector<double> quota, quota_pass;       // per edge: quota cap, share of excess passing
  std::vector<double> base_flow;               // per edge: day-0 shipments (quota basis)
  std::vector<char> spot_blocked;              // per spot pair
};

}  // namespace crisp::engine
