#include "sim/runner/discovery_rows.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>

namespace crisp {

DiscoveryRows::DiscoveryRows(std::vector<std::string> names,
                             std::vector<std::vector<double>> columns,
                             std::vector<std::string> bound_names, BoxWording wording)
    : names_(std::move(names)),
      columns_(std::move(columns)),
      bound_names_(std::move(bound_names)),
      wording_(std::move(wording)) {}

void DiscoveryRows::add(std::int64_t p, const std::vector<std::uint8_t>& fails,
                        const std::string& none, const std::string& every) {
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  const auto failing = static_cast<std::size_t>(std::count(fails.begin(), fails.end(), 1));
  policy.push_back(p);
  share.push_back(fails.empty() ? kNaN
                                : static_cast<double>(failing) / static_cast<double>(fails.size()));
  auto no_box = [&](std::string why) {
    sentence.push_back(std::move(why));
    density.push_back(kNaN);
    coverage.push_back(kNaN);
    mass.push_back(kNaN);
  };
  if (failing == 0 || failing == fails.size()) return no_box(failing == 0 ? none : every);
  if (names_.empty()) return no_box("no inputs to explain its failures by");
  PrimResult r;
  try {
    r = prim(names_, columns_, fails, kDiscoveryPrim);
  } catch (const std::invalid_argument& e) {  // too few points to peel, say
    return no_box(fmt::format("no box: {}", e.what()));
  }
  sentence.push_back(describe_box(names_, r.box, wording_));
  density.push_back(r.box.density);
  coverage.push_back(r.box.coverage);
  mass.push_back(r.box.mass);
  for (std::size_t j : r.box.restricted_dims()) {
    bound_policy.push_back(p);
    bound_input.push_back(bound_names_[j]);
    lower.push_back(r.box.lo[j]);
    upper.push_back(r.box.hi[j]);
  }
}

}  // namespace crisp
