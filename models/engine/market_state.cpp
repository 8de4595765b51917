#include "models/engine/market_state.hpp"

#include "models/engine/event_kinds.hpp"
#include "models/engine/levels.hpp"
#include "models/market.hpp"

namespace crisp::engine {

MarketState::MarketState(const MaterialNet& net) : net(net) {
  online.resize(net.nodes.size());
  extra_capacity.resize(net.nodes.size());
  share.resize(net.edges.size());
  response.resize(net.nodes.size());
  given_up_value.resize(net.nodes.size());
}

void MarketState::reset() {
  price_multiple = 1.0;
  price_recheck_time = -1;
  refill_price_time = -1;
  substitution = 0;
  highest_substitution = 0;
  high_price_since = -1;
  std::fill(response.begin(), response.end(), 1.0);
  std::fill(given_up_value.begin(), given_up_value.end(), 0.0);
  required_now_ = short_now_ = required_t_ = short_t_ = 0;
  steps_ = 0;
  building_days_ = 0;
  std::fill(extra_capacity.begin(), extra_capacity.end(), 0.0);
  for (std::size_t n = 0; n < net.nodes.size(); ++n)
    online[n] = net.nodes[n].standby ? 0 : 1;
  activation_pending.assign(net.nodes.size(), 0);
  for (std::size_t e = 0; e < net.edges.size(); ++e)
    update_share(static_cast<int>(e));
}

bool MarketState::reviews() const {
  const MaterialSpec& m = net.spec;
  return m.market.enabled && (m.substitution.enabled || m.expansion.enabled);
}

void MarketState::review(double t, const std::vector<char>& restricted) {
  const MaterialSpec& m = net.spec;
  substitution =
      substitution_after_review(m.substitution, substitution, price_multiple, m.market.review_days);
  highest_substitution = std::max(highest_substitution, substitution);
  substitution = substitution_floor(m.substitution, substitution, highest_substitution);
  if (!m.expansion.enabled) return;
  if (price_multiple <= 1.0 + m.expansion.threshold) {
    high_price_since = -1;
    return;
  }
  if (high_price_since < 0) high_price_since = t;
  if (t - high_price_since < m.expansion.delay_days) return;
  // New capacity of rate * world demand a year, per stage, to the suppliers free to sell,
  // pro rata to their capacity.
  const double growth =
      m.expansion.rate_per_year * m.market.review_days / kDaysPerYear * net.world_demand0;
  for (const std::vector<int>* stage : {&net.mines, &net.refineries}) {
    double total = 0;
    for (int n : *stage)
      if (online[n] && !restricted[n]) total += net.nodes[n].capacity + extra_capacity[n];
    if (total <= 0) continue;
    for (int n : *stage)
      if (online[n] && !restricted[n])
        extra_capacity[n] += growth * (net.nodes[n].capacity + extra_capacity[n]) / total;
  }
}

// Tightness = the consumers' unserved requirement / their requirement, at this allocation; the
// price multiple follows from it and holds until the next one (docs/model.md "Market response").
void MarketState::update_price(const Allocator& alloc) {
  double required = 0, served = 0;
  for (int c : net.consumers)
    required += alloc.requirement[c];
  for (std::size_t e = 0; e < net.edges.size(); ++e)
    if (net.nodes[net.edges[e].to].kind == NodeKind::consumer) served += alloc.edge_flow[e];
  // Only the pairs of the buyers that traded carry spot flow: visiting them supplier by supplier,
  // buyers ascending, adds the nonzero terms in pair-id order as a walk over every pair did.
  for (std::size_t k = 0; k < 2; ++k) {
    const SpotBlock& block = net.spot_pairs.blocks()[k];
    const int n = static_cast<int>(block.buyers.size());
    for (int i = 0; i < static_cast<int>(block.suppliers.size()); ++i)
      for (int j : alloc.spot_traders(static_cast<int>(k)))
        if (net.nodes[block.buyers[j]].kind == NodeKind::consumer)
          served += alloc.spot_flow[static_cast<std::size_t>(block.base + i * n + j)];
  }
  // Rounding in the allocation must not move the price: a shortfall below the tolerance is none.
  double tightness = required > 0 ? 1.0 - served / required : 0.0;
  if (tightness <= kRelTol) tightness = 0.0;
  if (net.spec.market.stepped()) {
    required_now_ = required;
    short_now_ = tightness * required;
    return;
  }
  price_multiple = crisp::price_multiple(net.spec.market, tightness);
}

// The step's tightness is the requirement-weighted mean over the step; the multiple moves toward
// its target, and demand answers it until the next step.
bool MarketState::step() {
  const double tightness = required_t_ > 0 ? short_t_ / required_t_ : 0.0;
  required_t_ = short_t_ = 0;
  ++steps_;
  const MarketSpec& market = net.spec.market;
  price_multiple = stepped_multiple(market, price_multiple, tightness);
  // Buyers hoard on the rise still to come: the share of the target the price has yet to climb.
  const double before = building_days_;
  building_days_ = market.stock_building_days > 0
                       ? stock_building_extra_days(market, price_multiple, tightness)
                       : 0.0;
  for (int c : net.consumers) {
    const double e = net.nodes[c].demand_elasticity;
    response[c] = demand_response(price_multiple, e);
    given_up_value[c] = crisp::given_up_value(price_multiple, e);
  }
  return building_days_ != before;
}

void MarketState::activate(int n) {
  online[n] = 1;
  for (std::size_t k = 0; k < net.edges.size(); ++k)
    if (net.edges[k].switch_node == n) update_share(static_cast<int>(k));
}

// A standby refinery starts activation_days after its region first goes short.
void MarketState::start_activations(double t, const std::vector<double>& unmet,
                                    const DemandNow& demand, EventQueue& queue) {
  for (int n : net.standby_nodes) {
    if (online[n] || activation_pending[n]) continue;
    for (int c : net.nodes[n].owner_consumers)
      if (unmet[c] > tol_of(demand(c))) {
        activation_pending[n] = 1;
        schedule(queue, t + net.nodes[n].activation_days, kActivation,
                 static_cast<std::uint32_t>(n), 0, 0);
        break;
      }
  }
}

void MarketState::update_share(int e) {
  const NetEdge& edge = net.edges[e];
  share[e] = edge.switch_node >= 0 && !online[edge.switch_node] ? edge.standby_share : edge.share;
}

}  // namespace crisp::engine
