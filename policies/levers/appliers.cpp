// Every lever kind's applier: the CRISP_LEVER_APPLIERS section of each policies/levers/<kind>.hpp
// of the list (policies/levers/kinds.txt), compiled here where what appliers share is known.

#include "policies/apply_detail.hpp"

#define CRISP_LEVER_APPLIERS
#include "policies/levers/kinds.inc"
