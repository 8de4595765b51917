#pragma once
// One material's market and standby capacity (docs/model.md "Market response", "Policies"): the
// price multiple the last allocation set, substitution and expansion stepped at reviews, and the
// standby nodes coming online with the contract shares they switch.

#include <vector>

#include "core/event_queue.hpp"
#include "models/allocation.hpp"
#include "models/engine/demand.hpp"
#include "models/network.hpp"

namespace crisp::engine {

struct MarketState {
  explicit MarketState(const MaterialNet& net);

  void reset();
  // Market reviews happen only while a market response that steps at them is on.
  bool reviews() const;
  // Substitution and expansion step, at time t; expansion goes to suppliers not `restricted`.
  void review(double t, const std::vector<char>& restricted);
  // The price multiple from the tightness of allocation `alloc`; with a stepped price, the
  // tightness in force until the next allocation, which the step reads.
  void update_price(const Allocator& alloc);
  // A stepped price: the tightness integrated over [t, t + dt) at the allocation in force.
  void accrue(double dt) {
    required_t_ += required_now_ * dt;
    short_t_ += short_now_ * dt;
  }
  // A stepped price's step: the new multiple and every consumer's response to it. True when the
  // extra days of stock consumers target change.
  bool step();
  // The extra days of stock consumers target now: H times the rise still to come at the last
  // step, 1 - m_k / m*_k (docs/model.md "Demand response and a stepped price").
  double stock_building_days() const { return building_days_; }
  // When the next step falls: (steps so far + 1) * price_step_days.
  double next_step_time() const { return (steps_ + 1) * net.spec.market.price_step_days; }
  // Node n's capacity: as built plus any market expansion, after outages; nothing on standby.
  double capacity(int n, double capacity_factor) const {
    return online[n] ? (net.nodes[n].capacity + extra_capacity[n]) * capacity_factor : 0.0;
  }
  // Standby node n comes online: the contracts that switch on it take their standby share.
  void activate(int n);
  // Standby nodes whose owners are short (unmet above tolerance) start activation at t.
  void start_activations(double t, const std::vector<double>& unmet, const DemandNow& demand,
                         EventQueue& queue);
  // The price a stockpile refill reads at t (docs/model.md "Zero lead times: buffers held at
  // their target").
  double refill_price_at(double t) const {
    return refill_price_time == t ? refill_price : price_multiple;
  }
  // A zero-lead material settled again at t for a new price keeps the price its refills read.
  void keep_refill_price(double t) {
    if (price_recheck_time == t && refill_price_time != t) {
      refill_price = price_multiple;
      refill_price_time = t;
    }
  }

  const MaterialNet& net;
  std::vector<char> online, activation_pending;  // per node
  std::vector<double> extra_capacity;            // per node: supply expansion so far
  std::vector<double> share;                     // per edge: the contract share in force
  // Per node (consumers): demand over demand at the base price, m^(-e), and the value given up
  // per tonne of that and euro of base price, A(m, e) (docs/model.md "Demand response").
  std::vector<double> response, given_up_value;
  double price_multiple = 1, substitution = 0, high_price_since = -1;
  double highest_substitution = 0;  // the irreversible share's base
  double price_recheck_time = -1;   // the instant last settled again for a new price
  // With a zero lead time the instant is settled again after that too (what was shipped arrives
  // at once): the price its stockpile refills read stays the one they read then.
  double refill_price = 1, refill_price_time = -1;

 private:
  void update_share(int edge);

  // A stepped price: the consumers' requirement and shortfall at the allocation in force
  // (t/day), their integrals since the last step, and the steps so far.
  double required_now_ = 0, short_now_ = 0, required_t_ = 0, short_t_ = 0;
  int steps_ = 0;
  double building_days_ = 0;  // the extra days of stock targeted since the last step
};

}  // namespace crisp::engine
