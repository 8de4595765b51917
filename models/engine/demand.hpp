#pragma once
// What each consumer wants now, read by every store that serves consumers.

#include <vector>

namespace crisp::engine {

// Consumer c's demand now: grown demand, times any surge, less what substitution has replaced.
// A view over state that the buffers (growth), the shocks (surge) and the market (substitution)
// own; made afresh wherever it is read, so it never outlives them.
struct DemandNow {
  const std::vector<double>& grown;
  const std::vector<double>& surge;
  double substitution;
  double operator()(int c) const { return grown[c] * surge[c] * (1.0 - substitution); }
};

}  // namespace crisp::engine
