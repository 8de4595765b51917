#pragma once
// Adaptive replication (crisp run --target-ci REL): blocks are taken in order until the 95 %
// half-width of the paired difference of a metric (policy set minus baseline, material "all",
// every report region) is at most REL times the magnitude of the policy set's mean of that metric,
// for every policy set. (Relative to the difference itself it could never be met by a policy set
// near break-even, whose net benefit is close to 0: the criterion asks for a comparison resolved to
// REL of what is compared.) The
// check is made on whole prefixes of blocks, 0..b, in block order, whatever order the blocks
// finish in: the stopping point depends on the experiment only, never on threads or ranks.

#include <cstdint>
#include <map>
#include <span>
#include <vector>

#include "models/metrics.hpp"

namespace crisp {

class AdaptiveStop {
 public:
  // `slots`: the metric's slot in each report region; `first_check`: the fewest replications
  // judged; `replications`, `block`: the largest run and its blocks.
  AdaptiveStop(std::vector<int> slots, std::int64_t policies, double target,
               std::int64_t first_check, std::int64_t replications, std::int64_t block);
  // Block b's values (BlockFn layout). Returns true once the criterion holds on a prefix; from
  // then on stopped() and replications() say where.
  bool add(std::int64_t b, std::span<const double> values);
  bool stopped() const { return stop_ > 0; }
  // Replications of the prefix that met the target (0 until then).
  std::int64_t replications() const { return stop_; }
  // The largest half-width / |mean value| over policy sets and regions on the prefix so far.
  double worst() const { return worst_; }

 private:
  bool check();
  std::vector<int> slots_;
  std::int64_t policies_, first_check_, replications_, block_;
  double target_;
  std::int64_t next_ = 0, counted_ = 0, stop_ = 0;
  double worst_ = 0;
  // Per region and policy set: the sums of d and d^2, d = value(p) - value(baseline), and of
  // value(p).
  std::vector<double> sum_, sum2_, level_;
  std::map<std::int64_t, std::vector<double>> waiting_;  // finished after a gap: their d values
};

}  // namespace crisp
