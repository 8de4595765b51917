#pragma once
// What each consumer wants now, read by every store that serves consumers.

#include <vector>

namespace crisp::engine {

// Consumer c's demand now: grown demand, times any surge, less what substitution has replaced,
// times its response to the price in force (docs/model.md "Demand response and a stepped price").
// A view over state that the buffers (growth), the shocks (surge) and the market (substitution,
// response) own; made afresh wherever it is read, so it never outlives them.
struct DemandNow {
  const std::vector<double>& grown;
  const std::vector<double>& surge;
  double substitution;
  const std::vector<double>& response;  // per node: m^(-e); exactly 1 without a response
  // Per node: A(m, e), what the demand given up is worth per tonne of reference demand and euro
  // of base price (0 without a response).
  const std::vector<double>& given_up_value;
  // What c would use at the base price: the demand before its response to price.
  double reference(int c) const { return grown[c] * surge[c] * (1.0 - substitution); }
  double operator()(int c) const { return reference(c) * response[c]; }
};

}  // namespace crisp::engine
