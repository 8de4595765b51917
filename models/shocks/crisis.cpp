// The crisis's description (models/shocks/crisis.hpp).

#include "models/shocks/crisis.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "models/scenario.hpp"

namespace crisp {

std::string CrisisShock::describe(const ShockSpec& k, const Scenario& sc) {
  std::vector<std::string> children;
  for (const CrisisChild& c : k.as<CrisisSpec>().children)
    children.push_back(fmt::format("{} p={}", sc.shocks[c.shock].name, c.probability));
  return fmt::format("children {}", fmt::join(children, ", "));
}

}  // namespace crisp
