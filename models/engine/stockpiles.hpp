#pragma once
// Strategic stockpiles (docs/model.md "Strategic stockpiles"): each one's level, its release
// state machine (idle, armed for its delay, releasing), its refill, and the crossing of 0 or its
// target that is its next change.

#include <algorithm>
#include <cstdint>
#include <vector>

#include "core/event_queue.hpp"
#include "models/engine/buffers.hpp"
#include "models/engine/demand.hpp"
#include "models/network.hpp"

namespace crisp::engine {

enum class Release { idle, armed, releasing };

struct Stockpile {
  double level = 0, inflow = 0, release = 0;
  Release state = Release::idle;
  bool refilling = false, ever_released = false;
  double last_release_end = 0;
  std::uint64_t crossing_version = 0, release_version = 0;  // lazy deletion stamps
  double scheduled_net = 0;  // the net rate the pending crossing was computed for
};

class Stockpiles {
 public:
  explicit Stockpiles(const MaterialNet& net) : net_(net), items_(net.stockpiles.size()) {}

  // The initial fill; never released, so refilling may start on day 0.
  void reset();
  std::size_t size() const { return items_.size(); }
  Stockpile& operator[](std::size_t k) { return items_[k]; }
  const Stockpile& operator[](std::size_t k) const { return items_[k]; }

  // Releases end when the gap closes (the refill waits refill_after_days) and start when the
  // trigger fires (after the stockpile's delay); `price` is what refills read at t.
  void update_states(double t, double price, const Buffers& buffers, const DemandNow& demand,
                     EventQueue& queue);
  // Idle, quiet for after_days since the last release, price low enough, and below target.
  bool may_refill(std::size_t k, double t, double price) const;
  // Each releasing stockpile covers its consumers' gaps, up to its cap, pro rata.
  void compute_releases(Buffers& buffers, const DemandNow& demand);
  void clear_inflows() {
    for (Stockpile& sp : items_)
      sp.inflow = 0;
  }
  // Levels over [t, t + dt), at constant rates.
  void advance(double dt) {
    for (Stockpile& sp : items_)
      sp.level = std::max(0.0, sp.level + (sp.inflow - sp.release) * dt);
  }
  // Events (their version current): a crossing reached `value`'s level; an armed one releases.
  void cross(std::size_t k, double value);
  void release_ready(std::size_t k) { items_[k].state = Release::releasing; }
  bool crossing_stale(std::size_t k, std::uint64_t version) const {
    return version != items_[k].crossing_version;
  }
  bool release_stale(std::size_t k, std::uint64_t version) const {
    return version != items_[k].release_version || items_[k].state != Release::armed;
  }
  void schedule_crossings(double t, double horizon, EventQueue& queue);

 private:
  const MaterialNet& net_;
  std::vector<Stockpile> items_;
};

}  // namespace crisp::engine
