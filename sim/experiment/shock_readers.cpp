// Every shock kind's reader (section CRISP_SHOCK_READERS of models/shocks/<kind>.hpp), compiled
// here where TOML is known.

#include <algorithm>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "sim/experiment/shock_reader.hpp"

#define CRISP_SHOCK_READERS
#include "models/shocks/kinds.inc"
