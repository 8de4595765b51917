#include "models/shocks.hpp"

#include <algorithm>

#include <boost/random/exponential_distribution.hpp>
#include <boost/random/uniform_01.hpp>

namespace crisp {

namespace {

struct Sampler {
  const Scenario& s;
  Rng rng;
  std::vector<ShockOccurrence> out;

  // Draws one occurrence's duration, severity and extra delay (in that order) and, for a crisis,
  // whether each child starts.
  void occur(int k, double start) {
    const ShockSpec& shock = s.shocks[k];
    if (shock.kind == ShockKind::crisis) {
      for (const CrisisChild& child : shock.children) {
        const double u = boost::random::uniform_01<double>()(rng);
        if (u < child.probability) occur(child.shock, start);
      }
      return;
    }
    ShockOccurrence o;
    o.shock = k;
    o.start = start;
    o.duration = std::max(0.0, sample(shock.duration, rng));
    o.severity = std::clamp(sample(shock.severity, rng), 0.0, 1.0);
    o.extra_delay = std::max(0.0, sample(shock.extra_delay, rng));
    out.push_back(o);
  }

  void replay(int k) {
    for (const ShockEvent& e : s.shocks[k].events) {
      if (e.start_day >= s.horizon_days) continue;
      ShockOccurrence o;
      o.shock = k;
      o.start = e.start_day;
      o.duration = std::max(0.0, e.duration_days);
      o.severity = std::clamp(e.severity, 0.0, 1.0);
      o.extra_delay = std::max(0.0, sample(s.shocks[k].extra_delay, rng));
      out.push_back(o);
    }
  }
};

}  // namespace

std::vector<ShockOccurrence> sample_shocks(const Scenario& s, std::uint64_t seed,
                                           std::uint64_t replication) {
  Sampler sampler{s, make_stream(seed, replication, StreamId::shocks), {}};
  for (int k = 0; k < static_cast<int>(s.shocks.size()); ++k) {
    const ShockSpec& shock = s.shocks[k];
    switch (shock.arrival) {
      case ArrivalKind::poisson: {
        if (shock.rate_per_year <= 0) break;
        boost::random::exponential_distribution<double> gap(shock.rate_per_year / kDaysPerYear);
        for (double t = gap(sampler.rng); t < s.horizon_days; t += gap(sampler.rng))
          sampler.occur(k, t);
        break;
      }
      case ArrivalKind::fixed_start:
        if (shock.start_day < s.horizon_days) sampler.occur(k, shock.start_day);
        break;
      case ArrivalKind::replay:
        sampler.replay(k);
        break;
      case ArrivalKind::child:
        break;  // started by its crisis
    }
  }
  return std::move(sampler.out);
}

}  // namespace crisp
