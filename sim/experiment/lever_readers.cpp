// Every lever kind's reader: the CRISP_LEVER_READERS section of each policies/levers/<kind>.hpp of
// the list (policies/levers/kinds.txt), compiled here where the TOML reader is known.

#include "sim/experiment/lever_reader.hpp"

#define CRISP_LEVER_READERS
#include "policies/levers/kinds.inc"
