#pragma once
// Points of the Sobol low-discrepancy sequence, from Boost.Random's sobol engine (Joe and Kuo's
// 2008 direction numbers, up to 3 667 dimensions): a well-kept implementation rather than one of
// our own. The sequence is deterministic: there is no seed and no scrambling.
//
// Boost skips the sequence's first point (all zeros), so point 0 here is the sequence's point 1
// (0.5, 0.5, ...). Every coordinate therefore lies in (0, 1), which an inverse CDF of an
// unbounded distribution needs. The price: the first n points are not quite the balanced
// (0, m, d)-net that points 0 .. n-1 would be for n a power of two; the estimators built on them
// are still consistent, and use n a power of two all the same (docs/model.md "Global sensitivity
// (estimators)").

#include <cstddef>
#include <vector>

namespace crisp {

// The most dimensions Boost's default table holds.
inline constexpr std::size_t kSobolMaxDimension = 3667;

// n points in (0, 1)^dimension, row-major: coordinate k of point i is at [i * dimension + k].
// Throws std::invalid_argument for a dimension of 0 or past kSobolMaxDimension.
std::vector<double> sobol_points(std::size_t n, std::size_t dimension);

}  // namespace crisp
