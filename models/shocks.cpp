#include "models/shocks.hpp"

#include <algorithm>
#include <optional>

#include <boost/random/exponential_distribution.hpp>
#include <boost/random/uniform_01.hpp>

#include "models/shocks/kinds.hpp"

namespace crisp {

namespace {

// Each shock draws from two streams of its own (core/random.hpp): its arrivals, and its
// occurrences' marks. A crisis's children draw their marks from their own streams; the crisis
// draws whether each child starts from its marks stream.
struct Sampler {
  const Scenario& s;
  std::uint64_t seed, replication;
  std::vector<std::optional<Rng>> marks;  // per shock, made when first needed
  std::vector<ShockOccurrence> out;

  Rng& marks_of(int k) {
    auto& rng = marks[static_cast<std::size_t>(k)];
    if (!rng)
      rng.emplace(
          make_stream(seed, replication, StreamId::shock_marks, element_key(s.shocks[k].name)));
    return *rng;
  }

  // A chokepoint's extra delay; 0 for the other kinds, which draw nothing for it.
  static double extra_delay(const ShockSpec& shock, Rng& rng) {
    const auto* chokepoint = std::get_if<ChokepointSpec>(&shock.own);
    return chokepoint ? std::max(0.0, sample(chokepoint->extra_delay, rng)) : 0.0;
  }

  // Draws one occurrence's duration, severity and extra delay (in that order) and, for a kind
  // without timing (a crisis), whether each child starts. `parent`: the crisis that started it.
  void occur(int k, double start, int parent = -1) {
    const ShockSpec& shock = s.shocks[k];
    Rng& rng = marks_of(k);
    if (!timing_of(shock.kind).timed) {
      for (const CrisisChild& child : shock.as<CrisisSpec>().children) {
        const double u = boost::random::uniform_01<double>()(rng);
        if (u < child.probability) occur(child.shock, start, k);
      }
      return;
    }
    ShockOccurrence o;
    o.shock = k;
    o.start = start;
    o.duration = std::max(0.0, sample(shock.duration, rng));
    o.severity = std::clamp(sample(shock.severity, rng), 0.0, 1.0);
    o.extra_delay = extra_delay(shock, rng);
    o.parent = parent;
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
      o.extra_delay = extra_delay(s.shocks[k], marks_of(k));
      out.push_back(o);
    }
  }
};

}  // namespace

std::vector<ShockOccurrence> sample_shocks(const Scenario& s, std::uint64_t seed,
                                           std::uint64_t replication) {
  Sampler sampler{s, seed, replication, std::vector<std::optional<Rng>>(s.shocks.size()), {}};
  for (int k = 0; k < static_cast<int>(s.shocks.size()); ++k) {
    const ShockSpec& shock = s.shocks[k];
    switch (shock.arrival) {
      case ArrivalKind::poisson: {
        if (shock.rate_per_year <= 0) break;
        // Gaps by inversion (Boost's exponential): a scaled rate scales the same draws' times.
        Rng arrivals =
            make_stream(seed, replication, StreamId::shock_arrivals, element_key(shock.name));
        boost::random::exponential_distribution<double> gap(shock.rate_per_year / kDaysPerYear);
        for (double t = gap(arrivals); t < s.horizon_days; t += gap(arrivals))
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
