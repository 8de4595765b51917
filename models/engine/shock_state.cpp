#include "models/engine/shock_state.hpp"

#include <algorithm>
#include <limits>

#include "models/engine/event_kinds.hpp"
#include "models/shocks/kinds.hpp"

namespace crisp::engine {

ShockState::ShockState(const MaterialNet& net) {
  const std::size_t n = net.nodes.size(), e = net.edges.size(), p = net.spot_pairs.size();
  capacity_factor.resize(n);
  surge.resize(n);
  pass.resize(e);
  quota.resize(e);
  quota_pass.resize(e);
  base_flow.resize(e);
  extra_delay.resize(e);
  spot_blocked.resize(p);
  restricted.resize(n);
}

std::uint64_t ShockState::reset(std::span<const ShockOccurrence> shocks, const Scenario& scenario,
                                const MaterialNet& net, EventQueue& queue) {
  occurrences.clear();
  active.clear();
  for (const ShockOccurrence& o : shocks)
    if (net.shocks[o.shock].touches() && o.duration > 0) occurrences.push_back(o);
  announced.clear();
  const double horizon = scenario.horizon_days;
  const std::size_t before = queue.size();
  for (std::uint32_t i = 0; i < occurrences.size(); ++i) {
    const ShockOccurrence& o = occurrences[i];
    const ShockSchedule when = schedule_of(scenario.shocks[o.shock]);
    const double end = o.start + o.duration;
    schedule(queue, o.start, kShockStart, i, 0, 0);
    if (end < horizon) schedule(queue, end, kShockEnd, i, 0, 0);
    if (when.announce_days > 0)
      schedule(queue, std::max(0.0, o.start - when.announce_days), kAnnounceStart, i, 0, 0);
    // Phases (an export restriction's licence delay ending, its leakage starting) change the
    // factors mid-shock.
    for (double phase : when.phases)
      if (phase > 0 && o.start + phase < std::min(end, horizon))
        schedule(queue, o.start + phase, kShockPhase, i, 0, 0);
  }
  return queue.size() - before;
}

void ShockState::clear_factors() {
  std::fill(capacity_factor.begin(), capacity_factor.end(), 1.0);
  std::fill(surge.begin(), surge.end(), 1.0);
  std::fill(pass.begin(), pass.end(), 1.0);
  std::fill(quota.begin(), quota.end(), std::numeric_limits<double>::infinity());
  std::fill(quota_pass.begin(), quota_pass.end(), 1.0);
  std::fill(extra_delay.begin(), extra_delay.end(), 0.0);
  std::fill(spot_blocked.begin(), spot_blocked.end(), 0);
  std::fill(restricted.begin(), restricted.end(), 0);
}

bool ShockState::start(int i) {
  const auto it = std::find(announced.begin(), announced.end(), i);
  const bool was_announced = it != announced.end();
  if (was_announced) announced.erase(it);
  active.push_back(i);
  return was_announced;
}

void ShockState::end(int i) {
  active.erase(std::find(active.begin(), active.end(), i));
}

}  // namespace crisp::engine
