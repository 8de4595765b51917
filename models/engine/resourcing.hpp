#pragma once
// Re-sourcing on the spot market (docs/model.md "Spot market"): a buyer's short spell starts when
// its contracts leave it short and ends when they stop; spot opens to it once the spell has
// lasted the material's resourcing delay (a timer, stale once the spell ends).

#include <cstdint>
#include <vector>

#include "core/event_queue.hpp"
#include "models/allocation.hpp"
#include "models/network.hpp"

namespace crisp::engine {

struct Resourcing {
  explicit Resourcing(const MaterialNet& net);

  void reset();
  // Starts or ends the short spells of consumers and refineries after allocation `alloc` at t.
  void track(const Allocator& alloc, double t, EventQueue& queue);
  // The delay of buyer b's spell has passed (its version current).
  void open(int b) { ready[b] = 1; }

  const MaterialNet& net;
  std::vector<double> short_since;     // per node: start of its short spell, -1 when none
  std::vector<std::uint64_t> version;  // lazy deletion stamp of its ready timer
  std::vector<char> ready;             // per node: spot is open to it
};

}  // namespace crisp::engine
