#include "models/engine/resourcing.hpp"

#include <algorithm>

#include "models/engine/event_kinds.hpp"
#include "models/engine/levels.hpp"

namespace crisp::engine {

Resourcing::Resourcing(const MaterialNet& net) : net(net) {
  short_since.resize(net.nodes.size());
  version.resize(net.nodes.size());
  ready.resize(net.nodes.size());
}

void Resourcing::reset() {
  std::fill(version.begin(), version.end(), 0);
  std::fill(short_since.begin(), short_since.end(), -1.0);
  std::fill(ready.begin(), ready.end(), 0);
}

void Resourcing::track(const Allocator& alloc, double t, EventQueue& queue) {
  auto track = [&](int b) {
    const double delay = net.nodes[b].resourcing_delay;
    const bool short_now = alloc.contract_short[b] > tol_of(alloc.requirement[b]);
    if (short_now && short_since[b] < 0) {
      short_since[b] = t;
      ++version[b];
      schedule(queue, t + delay, kResourcingReady, static_cast<std::uint32_t>(b), version[b], 0);
    } else if (!short_now && short_since[b] >= 0) {
      short_since[b] = -1;
      ready[b] = 0;
      ++version[b];
    }
  };
  for (int c : net.consumers)
    track(c);
  for (int r : net.refineries)
    track(r);
}

}  // namespace crisp::engine
