#include "models/scenario.hpp"

#include <algorithm>

#include "models/shocks/kinds.hpp"

namespace crisp {

const char* to_string(NodeKind k) {
  switch (k) {
    case NodeKind::mine:
      return "mine";
    case NodeKind::refinery:
      return "refinery";
    case NodeKind::consumer:
      return "consumer";
  }
  return "?";
}

const char* to_string(ShockKind k) {
  const auto i = static_cast<std::size_t>(k);
  return i < ShockKinds::kSize ? ShockKinds::kNames[i].data() : "?";
}

namespace {
// Index of the first element whose key equals `name`, or -1. Scenarios hold tens of nodes, so a
// linear scan beats keeping an index in sync with the vectors.
template <class Vec, class Key>
int index_of(const Vec& items, const std::string& name, Key key) {
  const auto it =
      std::find_if(items.begin(), items.end(), [&](const auto& item) { return key(item) == name; });
  return it == items.end() ? -1 : static_cast<int>(it - items.begin());
}
}  // namespace

int Scenario::find_material(const std::string& name) const {
  return index_of(materials, name,
                  [](const MaterialSpec& m) -> const std::string& { return m.name; });
}

int Scenario::find_node(const std::string& id) const {
  return index_of(nodes, id, [](const NodeSpec& n) -> const std::string& { return n.id; });
}

std::vector<std::string> Scenario::member_regions(const std::string& report_region) const {
  const auto group = groups.find(report_region);
  if (group != groups.end()) return group->second;
  return {report_region};
}

}  // namespace crisp
