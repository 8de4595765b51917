#pragma once
// What one material's simulation reads under a policy set, as bytes. Two policy sets whose
// signatures for a material are equal simulate that material identically on every shock history,
// so a replication simulates each distinct signature once and copies its metrics to every policy
// set that shares it (docs/model.md "Shared material runs"). Equality of the whole byte string is
// compared, never a hash, so sharing cannot be wrong by a collision.

#include <string>

#include "models/network.hpp"

namespace crisp {

std::string material_signature(const Scenario& scenario, const MaterialNet& net);

}  // namespace crisp
