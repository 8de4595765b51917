#pragma once
// The rows scenario discovery writes, one policy set at a time (/futures/discovery over futures,
// /discovery/histories over shock histories): the share of points where the set fails, PRIM's
// box (kDiscoveryPrim) and its sentence, and the bounds of each restricted input.

#include <cstdint>
#include <string>
#include <vector>

#include "core/prim.hpp"
#include "sim/results/results_file.hpp"

namespace crisp {

class DiscoveryRows {
 public:
  // `names` and `columns`: the inputs, as prim() takes them; `bound_names`: how the bounds table
  // names each input.
  DiscoveryRows(std::vector<std::string> names, std::vector<std::vector<double>> columns,
                std::vector<std::string> bound_names, BoxWording wording);

  // Set `policy`'s row from its outcome per point (1: fails). `none` and `every`: the sentence
  // when no point or every point fails (no box).
  void add(std::int64_t policy, const std::vector<std::uint8_t>& fails, const std::string& none,
           const std::string& every);

  std::vector<std::int64_t> policy;
  std::vector<double> share, density, coverage, mass;
  std::vector<std::string> sentence;
  // One row per restricted input of each set's box.
  std::vector<std::int64_t> bound_policy;
  std::vector<std::string> bound_input;
  std::vector<double> lower, upper;

 private:
  std::vector<std::string> names_;
  std::vector<std::vector<double>> columns_;
  std::vector<std::string> bound_names_;
  BoxWording wording_;
};

}  // namespace crisp
