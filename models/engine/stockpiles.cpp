#include "models/engine/stockpiles.hpp"

#include <algorithm>

#include "models/engine/event_kinds.hpp"
#include "models/engine/levels.hpp"

namespace crisp::engine {

void Stockpiles::reset() {
  for (std::size_t k = 0; k < items_.size(); ++k) {
    const NetStockpile& spec = net_.stockpiles[k];
    Stockpile& sp = items_[k];
    sp = Stockpile{};
    sp.level = spec.spec.initial_fill * spec.target;
    // Never released, so refilling may start on day 0 (docs/model.md "Strategic stockpiles").
    sp.refilling =
        1.0 <= spec.spec.refill_max_price_multiple && sp.level < spec.target - tol_of(spec.target);
  }
}

void Stockpiles::update_states(double t, double price, const Buffers& buffers,
                               const DemandNow& demand_now, EventQueue& queue) {
  for (std::size_t k = 0; k < items_.size(); ++k) {
    Stockpile& sp = items_[k];
    const NetStockpile& spec = net_.stockpiles[k];
    const bool shortfall_mode = spec.spec.trigger == ReleaseTrigger::shortfall;
    double gap = 0, arrivals = 0, demand = 0;
    bool dry_and_short = false;
    for (int c : spec.consumers) {
      const double d = demand_now(c);
      const double g = buffers.gap(c, demand_now);
      const bool empty = buffers.empty(c);
      if (!shortfall_mode || empty) gap += g;
      dry_and_short = dry_and_short || (empty && g > tol_of(d));
      arrivals += buffers.inflow[c];
      demand += d;
    }
    if (sp.state == Release::releasing && gap <= tol_of(demand)) {
      sp.state = Release::idle;
      sp.ever_released = true;
      sp.last_release_end = t;
      schedule(queue, t + spec.spec.refill_after_days, kRefillAllowed,
               static_cast<std::uint32_t>(k), 0, 0);
    }
    if (sp.state == Release::idle) {
      const bool triggered =
          shortfall_mode ? dry_and_short : arrivals < spec.spec.threshold * demand - tol_of(demand);
      if (triggered) {
        ++sp.release_version;
        if (spec.delay <= 0) {
          sp.state = Release::releasing;
        } else {
          sp.state = Release::armed;
          schedule(queue, t + spec.delay, kReleaseReady, static_cast<std::uint32_t>(k),
                   sp.release_version, 0);
        }
      }
    }
    sp.refilling = may_refill(k, t, price);
  }
}

bool Stockpiles::may_refill(std::size_t k, double t, double price) const {
  const Stockpile& sp = items_[k];
  const NetStockpile& spec = net_.stockpiles[k];
  const bool quiet = !sp.ever_released || t >= sp.last_release_end + spec.spec.refill_after_days;
  return sp.state == Release::idle && quiet && price <= spec.spec.refill_max_price_multiple &&
         sp.level < spec.target - tol_of(spec.target);
}

// With the shortfall trigger a stockpile covers a consumer only once its own buffer is empty
// (the buffer is drawn first).
void Stockpiles::compute_releases(Buffers& buffers, const DemandNow& demand) {
  std::fill(buffers.release.begin(), buffers.release.end(), 0.0);
  for (std::size_t k = 0; k < items_.size(); ++k) {
    Stockpile& sp = items_[k];
    const NetStockpile& spec = net_.stockpiles[k];
    sp.release = 0;
    if (sp.state != Release::releasing || sp.level <= tol_of(spec.target)) continue;
    const bool shortfall_mode = spec.spec.trigger == ReleaseTrigger::shortfall;
    double gap = 0;
    for (int c : spec.consumers)
      if (!shortfall_mode || buffers.empty(c)) gap += buffers.gap(c, demand);
    if (gap <= 0) continue;
    sp.release = std::min(spec.cap, gap);
    const double fraction = sp.release / gap;
    for (int c : spec.consumers)
      if (!shortfall_mode || buffers.empty(c))
        buffers.release[c] = buffers.gap(c, demand) * fraction;
  }
}

void Stockpiles::cross(std::size_t k, double value) {
  Stockpile& sp = items_[k];
  sp.level = value == kEmptyCrossing ? 0.0 : net_.stockpiles[k].target;
  sp.scheduled_net = kNaN;
}

void Stockpiles::schedule_crossings(double t, double horizon, EventQueue& queue) {
  for (std::uint32_t k = 0; k < items_.size(); ++k) {
    Stockpile& sp = items_[k];
    const double rate = sp.inflow - sp.release;
    if (same_rate(rate, sp.scheduled_net)) continue;
    sp.scheduled_net = rate;
    ++sp.crossing_version;
    double kind = 0;
    const double dt = time_to_crossing(sp.level, net_.stockpiles[k].target, rate, kind);
    if (t + dt < horizon) schedule(queue, t + dt, kStockpileCrossing, k, sp.crossing_version, kind);
  }
}

}  // namespace crisp::engine
