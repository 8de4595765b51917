#pragma once
// The kinds of node of a material's network. Apart from models/scenario.hpp so that a shock kind
// (models/shocks/outage.hpp) can name one before the scenario that holds the shocks is defined.

#include <cstdint>

namespace crisp {

enum class NodeKind : std::uint8_t { mine, refinery, consumer };
const char* to_string(NodeKind k);  // models/scenario.cpp

}  // namespace crisp
