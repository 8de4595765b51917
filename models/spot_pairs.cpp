#include "models/spot_pairs.hpp"

#include <algorithm>
#include <climits>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>

namespace crisp {

SpotPairIds::SpotPairIds(Run a, Run b) : runs_{a.count > 0 ? a : b, a.count > 0 ? b : Run{}} {
  if (runs_[1].count <= 0) runs_[1] = Run{};
}

SpotPairs::SpotPairs(SpotBlock refinery, SpotBlock mine)
    : blocks_{std::move(refinery), std::move(mine)} {
  const long long total = blocks_[0].size() + blocks_[1].size();
  // Events and pipelines name a pair by an int.
  if (total > INT_MAX)
    throw std::invalid_argument(fmt::format(
        "the network has {} spot pairs (suppliers x the buyers of their kind), more than {}", total,
        INT_MAX));
  blocks_[0].base = 0;
  blocks_[1].base = static_cast<int>(blocks_[0].size());
  size_ = total;
}

int buyer_position(const SpotBlock& block, int buyer) {
  const auto it = std::lower_bound(block.buyers.begin(), block.buyers.end(), buyer);
  return it != block.buyers.end() && *it == buyer ? static_cast<int>(it - block.buyers.begin())
                                                  : -1;
}

}  // namespace crisp
