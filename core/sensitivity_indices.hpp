#pragma once
// Global sensitivity of a scalar model output y = f(x), x in the unit cube [0, 1]^d (the caller
// maps each coordinate onto its input's range or distribution):
//
// - Sobol indices by Saltelli sampling: first-order indices by the estimator of Saltelli et al.
//   (2010), total indices by Jansen's (1999), each with a bootstrap percentile interval;
// - Morris elementary effects (Morris 1991; mu* from Campolongo et al. 2007), the cheap screening
//   option, with a bootstrap interval on mu*.
//
// Designs and estimators are separate so that the model evaluations can run anywhere (threads,
// ranks, shards) in any order: a design is a table of points, the caller fills a vector y with
// f at each row, and the estimator reads y by the layout documented here. Every reduction runs in
// index order and every random draw comes from a stream keyed by seed and item (core/
// random.hpp), so the same inputs give bit-identical results anywhere. docs/model.md "Global
// sensitivity (estimators)" states the definitions.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace crisp {

struct Interval {
  double lo = 0, hi = 0;
};

// Bootstrap resamples draw base samples (Sobol) or trajectories (Morris) with replacement; the
// interval is the percentile interval of the resampled estimates. Resample b draws from stream
// (seed, b, StreamId::bootstrap), so the intervals do not depend on who computes them.
struct BootstrapOptions {
  std::size_t resamples = 1000;
  std::uint64_t seed = 0;
  double level = 0.95;  // central coverage of the percentile interval
};

// ---- Sobol indices (Saltelli sampling) ----

// Rows of a Saltelli design, grouped by base sample: for base sample j (0 <= j < n) the rows
//   j * (d + 2) + 0      A_j
//   j * (d + 2) + 1      B_j
//   j * (d + 2) + 2 + i  A_B^(i)_j: A_j with coordinate i taken from B_j (0 <= i < d)
// A_j and B_j are the first and last d coordinates of point j of the 2d-dimensional Sobol
// sequence (core/sobol_sequence.hpp). Grouping by base sample makes any prefix of whole
// groups a complete design of fewer base samples (a run cut short still has an answer).
struct SaltelliDesign {
  std::size_t n = 0;      // base samples; a power of two suits the Sobol sequence best
  std::size_t d = 0;      // inputs
  std::vector<double> x;  // n * (d + 2) rows of d coordinates in (0, 1), row-major

  std::size_t rows() const { return n * (d + 2); }
  std::span<const double> row(std::size_t r) const { return {x.data() + r * d, d}; }
};

// Throws std::invalid_argument for n < 2, d < 1 or 2d past the Sobol sequence's dimensions.
SaltelliDesign saltelli_design(std::size_t n, std::size_t d);

struct IndexEstimate {
  double value = 0;  // the estimate from all base samples
  Interval ci;       // bootstrap percentile interval
};

struct SobolIndices {
  std::vector<IndexEstimate> first;  // S_i, one per input
  std::vector<IndexEstimate> total;  // ST_i, one per input
  double variance = 0;               // Var(y) over the rows of A and B
};

// y holds f at each row of a design of n base samples and d inputs (y.size() == n * (d + 2)).
// Throws std::invalid_argument for a wrong size, a non-finite y (naming its row) or a constant y
// (no variance to apportion).
SobolIndices sobol_indices(std::span<const double> y, std::size_t n, std::size_t d,
                           const BootstrapOptions& bootstrap = {});

// ---- Morris elementary effects ----

// r trajectories of d + 1 points each on a grid of p levels {0, 1/(p-1), ..., 1} per input:
// point 0 of a trajectory is its base; point m + 1 is point m with one input, the m-th of a
// random order, moved by Delta = p / (2 (p - 1)) up or down. Rows: trajectory t, point m at row
// t * (d + 1) + m. Trajectory t draws from stream (seed, t, StreamId::morris).
struct MorrisDesign {
  std::size_t r = 0, d = 0, levels = 0;
  double delta = 0;
  std::vector<double> x;           // r * (d + 1) rows of d coordinates in [0, 1], row-major
  std::vector<std::size_t> moved;  // r * d: the input moved between point m and m + 1
  std::vector<signed char> step;   // r * d: +1 or -1, the direction of that move

  std::size_t rows() const { return r * (d + 1); }
  std::span<const double> row(std::size_t k) const { return {x.data() + k * d, d}; }
};

// Throws std::invalid_argument for r < 2, d < 1, or levels odd or below 2.
MorrisDesign morris_design(std::size_t trajectories, std::size_t d, std::size_t levels,
                           std::uint64_t seed);

struct MorrisEffect {
  double mu = 0;        // mean elementary effect
  double mu_star = 0;   // mean absolute elementary effect (Campolongo et al. 2007)
  double sigma = 0;     // sample standard deviation of the elementary effects
  Interval mu_star_ci;  // bootstrap percentile interval of mu*, trajectories resampled
};

// One per input. An elementary effect is (f(x + Delta e_i) - f(x)) / Delta in unit-cube
// coordinates: the output's change per whole range of the input. y.size() == design.rows();
// throws std::invalid_argument otherwise or for a non-finite y (naming its row).
std::vector<MorrisEffect> morris_effects(const MorrisDesign& design, std::span<const double> y,
                                         const BootstrapOptions& bootstrap = {});

}  // namespace crisp
