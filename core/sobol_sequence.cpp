#include "core/sobol_sequence.hpp"

#include <cstdint>
#include <stdexcept>

#include <fmt/format.h>
#include <boost/random/sobol.hpp>

namespace crisp {

std::vector<double> sobol_points(std::size_t n, std::size_t dimension) {
  if (dimension == 0 || dimension > kSobolMaxDimension)
    throw std::invalid_argument(fmt::format("a Sobol sequence has 1 to {} dimensions, not {}",
                                            kSobolMaxDimension, dimension));
  boost::random::sobol engine(dimension);
  std::vector<double> points(n * dimension);
  for (double& x : points) {
    // The engine gives 64-bit integers. Converting one near 2^64 to double would round up to
    // 1.0, so keep the top 53 bits, which a double holds exactly: x stays below 1.
    const std::uint64_t bits = engine();
    x = static_cast<double>(bits >> 11) * 0x1p-53;
  }
  return points;
}

}  // namespace crisp
