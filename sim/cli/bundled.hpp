#pragma once
// Experiments compiled into the binary (experiments/*.toml), so `crisp run` works from anywhere.

#include <string_view>
#include <vector>

namespace crisp {

struct BundledExperiment {
  std::string_view name;
  std::string_view text;
};

const std::vector<BundledExperiment>& bundled_experiments();
// The experiment `crisp run` uses when given none.
const BundledExperiment& default_experiment();

}  // namespace crisp
