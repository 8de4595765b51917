#pragma once
// Scenario discovery with PRIM, the patient rule induction method (Friedman and Fisher 1999), as
// the EMA Workbench uses it for exploratory modelling: given n points (futures, histories) of d
// named inputs and a 0/1 outcome per point ("of interest": the policy failed), find a box
// lo_j < x_j < hi_j, restricting as few inputs as it can, inside which the outcome is common
// (density) and which holds most points of interest (coverage).
//
// - Peeling: from the box of all points, repeatedly remove the slab of about peel_alpha of the
//   box's points below or above a cut on one input, choosing the slab whose removal raises the
//   density most per point removed, while the box keeps at least min_mass of all points. Every box
//   along the way is kept: the peeling trajectory, the coverage/density trade-off.
// - Choice: one box of the trajectory, by a stated rule (PrimOptions).
// - Pasting: the chosen box is widened again, a slab at a time, while its density does not fall.
//
// Cuts lie midway between two adjacent distinct values of the input, so no point ever sits on a
// bound and a bound reads in the input's own units. A bound that excludes no point on its own is
// dropped (reported as unrestricted, +-infinity). docs/model.md "Scenario discovery (PRIM)"
// states the algorithm, the choice rule and the tie-breaks. Nothing here is random: the same
// input gives the same boxes.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace crisp {

// Which peel wins when several are possible.
enum class PeelObjective {
  // The largest density gain per point removed: the EMA Workbench's default ("lenient1"). A slab
  // that removes many points (all of a tied or discrete value) must buy its size in density.
  gain_per_point,
  // The peel that leaves the densest box (Friedman and Fisher 1999). On a tied or discrete input
  // a slab can remove far more than peel_alpha of the box; this objective then takes it for a
  // chance gain and loses most of the box in one step.
  density,
};

struct PrimOptions {
  double peel_alpha = 0.05;   // share of the box's points one peel removes, in (0, 0.5]
  double paste_alpha = 0.05;  // share of the box's points one paste adds, in (0, 0.5]
  double min_mass = 0.05;     // no peel leaves fewer than this share of all points, in (0, 1)
  // Pruning, after pasting (off when negative): while some restricted input can be freed (both
  // its bounds dropped) at a cost in density of at most this much (absolute), free the one whose
  // freeing leaves the densest box (ties: the lower input). A box of many inputs, most of them
  // fitted to a few points, reads as noise; the inputs that matter survive.
  double prune_tolerance = -1;
  // The choice rule. When set: the box of highest coverage among those of density at least the
  // threshold; if none reaches it, the densest box. When unset: the box that maximises
  //   F = (1 + beta^2) density coverage / (beta^2 density + coverage),
  // the weighted harmonic mean of density and coverage; beta < 1 weighs density more.
  std::optional<double> density_threshold = std::nullopt;
  double beta = 0.5;
  PeelObjective objective = PeelObjective::gain_per_point;
};

// What crisp's scenario discovery uses (/futures/discovery, /discovery): the defaults, with
// pruning at a density cost of at most 0.05 (docs/model.md "Scenario discovery (PRIM)").
inline constexpr PrimOptions kDiscoveryPrim{.prune_tolerance = 0.05};

struct PrimBox {
  // Per input: the box holds x with lo[j] < x[j] < hi[j]; -inf / +inf where unrestricted.
  std::vector<double> lo, hi;
  std::size_t points = 0;     // points inside
  std::size_t positives = 0;  // points of interest inside
  double mass = 0;            // points / all points
  double density = 0;         // positives / points
  double coverage = 0;        // positives / all points of interest

  bool restricted(std::size_t j) const;
  std::vector<std::size_t> restricted_dims() const;
};

struct PrimResult {
  std::vector<PrimBox> trajectory;  // [0] holds every point; each next box is one peel further
  std::size_t chosen = 0;           // the trajectory box the choice rule picked
  PrimBox box;                      // trajectory[chosen] after pasting: the answer
  std::size_t points = 0;           // n
  std::size_t positives = 0;        // points of interest among them
};

// columns[j][i] is input j at point i (column-major: one vector per input, each of n values);
// names[j] names input j; outcome[i] is 1 for a point of interest, else 0. Throws
// std::invalid_argument, naming the input and row, for mismatched sizes, an empty or repeated
// name, a non-finite value, an outcome other than 0 or 1, options out of range, and when no point
// or every point is of interest (nothing to discover).
PrimResult prim(std::span<const std::string> names, std::span<const std::vector<double>> columns,
                std::span<const std::uint8_t> outcome, const PrimOptions& options = {});

// The words of describe_box's sentence.
struct BoxWording {
  std::string outcome = "fails";       // what a point of interest does
  std::string points = "histories";    // what a point is, plural
  std::string positives = "failures";  // points of interest, plural
};

// The box in plain terms, e.g. "fails in 93.2 % of histories where china.days > 410 and nl.vol <
// 2.1e5; such histories are 6.04 % of all (and hold 81.3 % of all failures)". Only restricted
// inputs are named; numbers have 3 significant figures.
std::string describe_box(std::span<const std::string> names, const PrimBox& box,
                         const BoxWording& wording = {});

// v to 3 significant figures, trailing zeros dropped: 0.7, 410, 0.0123, 2.1e5, 1.23e-4.
std::string format_3sig(double v);

}  // namespace crisp
