#pragma once
// Who gets what at one allocation instant (docs/model.md "One instant",
// steps 3-6): contract requests, pro-rata rationing, the refinery input requirement, and spot
// re-sourcing in at most three rounds. O(V + E) plus, in spot rounds, the pairs of the buyers that
// may trade (ready and short) with every supplier of their kind; no allocation per call once warm.

#include <array>
#include <span>
#include <vector>

#include "models/network.hpp"

namespace crisp {

// Relative tolerance below which a rate or a level difference counts as zero.
inline constexpr double kRelTol = 1e-9;

struct AllocationInput {
  std::span<const double> consumer_requirement;  // per node; read for consumers
  std::span<const double> availability;          // per node; read for mines and refineries
  std::span<const double> capacity;              // per node: capacity after outages, before an
                                                 // empty input buffer limits a refinery
  std::span<const double> share;  // per edge: the contract share now (standby contracts switch)
  std::span<const double> pass;   // per edge: product of (1 - f) over its shocks
  // Per edge, export quotas (docs/model.md "Export quotas"): a request above `quota` passes only
  // `quota_pass` of its excess (the leakage). Empty spans: no quotas.
  std::span<const double> quota, quota_pass;
  std::span<const char> spot_blocked;  // per spot pair
  std::span<const char> spot_ready;    // per node: resourcing delay has passed
  // Refinery input buffers, per node (read for refineries): step 5 adds `refill_rate` when the
  // level is below target, or at target and drawn down by the new throughput.
  std::span<const double> buffer_level, buffer_target, inflow, refill_rate;
  // Per node: a refill this refinery started earlier at the same instant stands (see Allocator).
  std::span<const char> refill_latched;
  // Per node, a buffer held at its target over a zero lead time (docs/model.md "Zero lead times:
  // buffers held at their target"): a refinery whose entry is not NaN asks for that fraction of its
  // buffer refill, whatever its level and inflow say. Empty: every refinery decides by them.
  std::span<const double> refill_fraction;
};

// The inputs of a quiet instant: day-0 demand and capacity, contracts as built, no shock, nobody
// ready for spot, buffers taking nothing. `crisp check`'s day-0 balance allocates from it, and
// tests change a field or two before allocating.
struct QuietInputs {
  explicit QuietInputs(const MaterialNet& net);
  AllocationInput view() const;

  std::vector<double> requirement, availability, share, pass, quota, quota_pass, level, target,
      inflow, refill;
  std::vector<char> blocked, ready;
};

class Allocator {
 public:
  // Per-pair spot flows cost 8 bytes a pair (suppliers x buyers); an allocator of quiet instants
  // only (the day-0 balance, where nobody is ready for spot) can go without them.
  enum class SpotFlows { per_pair, none };
  explicit Allocator(const MaterialNet& net, SpotFlows flows = SpotFlows::per_pair);
  // Throws std::logic_error when a buyer is ready for spot and the allocator has no spot flows.
  void allocate(const AllocationInput& in);

  std::vector<double> edge_flow;       // per edge: contract shipments, t/day
  std::vector<double> spot_flow;       // per spot pair (empty with SpotFlows::none)
  std::vector<double> requirement;     // per node: consumers' and refineries' requirement
  std::vector<double> contract_short;  // per node: requests contracts left unfilled (pre-spot)
  std::vector<double> shipped;         // per supplier: contract plus spot
  std::vector<char> refilling;         // per refinery: its requirement includes its buffer refill
  std::vector<double> input_use;       // per refinery: the input its output needs (step 5)
  std::vector<double> asked;  // per supplier: admissible contract requests, and for refineries
                              // the spot needs they may anticipate

  // The buyers that could trade spot at the last allocation, per block of net.spot_pairs (0:
  // refineries, 1: mines), as places among the block's buyers, ascending. Every nonzero
  // spot_flow lies on a pair `base + i * buyers + j` of one of them (j) with a supplier i of the
  // block, so these pairs, supplier by supplier, visit the nonzero flows in pair-id order.
  const std::vector<int>& spot_traders(int block) const {
    return trading_[static_cast<std::size_t>(block)];
  }

 private:
  void ration(const std::vector<int>& suppliers, const AllocationInput& in);
  void spot(int block, const AllocationInput& in);
  void anticipate_spot(const AllocationInput& in);
  bool blocked(const AllocationInput& in, int p) const {
    return !in.spot_blocked.empty() && in.spot_blocked[static_cast<std::size_t>(p)];
  }

  const MaterialNet* net_;         // a pointer, so an Allocator can be reassigned
  std::vector<double> spare_;      // per supplier, after contracts and earlier rounds
  std::vector<double> spot_need_;  // per buyer, what spot may still cover
  std::vector<double> offered_;    // per buyer, offers in the current round
  std::vector<double> accept_;     // per buyer, the fraction of its offers it takes
  std::vector<double> need_;       // per buyer, spot_need_ when the current round began
  std::vector<double> factor_;     // per supplier, the fraction of each need it offers this round
  // Per spot block (refineries, mines): the places among the block's buyers of those that may
  // trade at this instant (ready and still short), ascending; spot pairs of any other buyer carry
  // nothing. Kept until the next allocation, which clears their flows.
  std::array<std::vector<int>, 2> trading_;
  std::array<std::vector<int>, 2> position_;  // per block, per node: its place among the buyers
};
}  // namespace crisp
