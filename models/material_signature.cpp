#include "models/material_signature.hpp"

#include <cstring>
#include <type_traits>

namespace crisp {

namespace {

// A field added to one of these structs must be added to the signature too: the sizes below make
// the build fail until someone has looked (they are those of x86-64 with libstdc++). A field no
// run reads stays out: MaterialSpec's value_of_lost_load_low/high_eur_per_t, the range only the
// report and the uncertainty analysis use.
#if defined(__x86_64__) && defined(__GLIBCXX__)
static_assert(sizeof(MaterialSpec) == 216, "a MaterialSpec field: add it to material_signature");
static_assert(sizeof(NetNode) == 136, "a NetNode field: add it to material_signature");
static_assert(sizeof(NetEdge) == 40, "a NetEdge field: add it to material_signature");
static_assert(sizeof(StockpileSpec) == 152, "a StockpileSpec field: add it to material_signature");
static_assert(sizeof(NetStockpile) == 240, "a NetStockpile field: add it to material_signature");
static_assert(sizeof(NetCost) == 104, "a NetCost field: add it to material_signature");
static_assert(sizeof(ShockReach) == 96, "a ShockReach field: add it to material_signature");
static_assert(sizeof(MaterialNet) == 816, "a MaterialNet field: add it to material_signature");
#endif

class Writer {
 public:
  template <typename T>
  requires std::is_arithmetic_v<T> || std::is_enum_v<T>
  void put(T v) {
    char bytes[sizeof(T)];
    std::memcpy(bytes, &v, sizeof(T));
    out_.append(bytes, sizeof(T));
  }
  void put(const std::string& s) {
    put(s.size());
    out_ += s;
  }
  template <typename T>
  void put(const std::vector<T>& v) {
    put(v.size());
    for (const T& x : v)
      put(x);
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

}  // namespace

std::string material_signature(const Scenario& s, const MaterialNet& net) {
  Writer w;
  // The scenario fields a material's run reads: horizon, discounting, report regions, and the
  // mechanics of every shock (which shocks reach the material is in net.shocks).
  w.put(s.horizon_days);
  w.put(s.discount_rate);
  w.put(s.event_budget);
  w.put(s.report_regions.size());
  // An export restriction's mechanics; another kind puts a restriction's defaults.
  static const ExportRestrictionSpec kNoRestriction;
  for (const ShockSpec& shock : s.shocks) {
    w.put(shock.kind);
    const auto* restriction = std::get_if<ExportRestrictionSpec>(&shock.own);
    const ExportRestrictionSpec& k = restriction ? *restriction : kNoRestriction;
    w.put(k.announce_days);
    w.put(k.max_buffer_days);
    w.put(k.licence_delay_days);
    w.put(k.leakage);
    w.put(k.leakage_delay_days);
    w.put(k.quota);
  }

  w.put(net.material);
  const MaterialSpec& m = net.spec;
  w.put(m.name);
  for (double v : {m.price_eur_per_t, m.value_of_lost_load_eur_per_t, m.resourcing_delay_days,
                   m.spot_lead_time_days})
    w.put(v);
  w.put(m.market.enabled);
  for (double v : {m.market.price_elasticity, m.market.price_cap_multiple, m.market.review_days,
                   m.market.price_step_days, m.market.price_adjust_days, m.market.demand_elasticity,
                   m.market.stock_building_days})
    w.put(v);
  w.put(m.substitution.enabled);
  for (double v : {m.substitution.rate_per_year, m.substitution.max_fraction,
                   m.substitution.threshold, m.substitution.irreversible_share})
    w.put(v);
  w.put(m.expansion.enabled);
  for (double v : {m.expansion.rate_per_year, m.expansion.delay_days, m.expansion.threshold})
    w.put(v);

  // The network as compiled; NetNode::scenario_index and the Boost graph are not read by a run.
  w.put(net.nodes.size());
  for (const NetNode& n : net.nodes) {
    w.put(n.kind);
    for (double v :
         {n.capacity, n.yield, n.buffer_days, n.buffer_refill_days, n.demand0, n.growth,
          n.demand_elasticity, n.stockpile_weight, n.resourcing_delay, n.activation_days})
      w.put(v);
    w.put(n.stockpile);
    w.put(n.buys_from_refineries);
    w.put(n.buys_from_mines);
    w.put(n.country);
    w.put(n.standby);
    w.put(n.owner_consumers);
  }
  w.put(net.edges.size());
  for (const NetEdge& e : net.edges) {
    w.put(e.from);
    w.put(e.to);
    w.put(e.share);
    w.put(e.lead);
    w.put(e.switch_node);
    w.put(e.standby_share);
  }
  // Index lists: their order is the order of sums, so it matters to the last bit.
  w.put(net.in_edges.size());
  for (const auto& v : net.in_edges)
    w.put(v);
  w.put(net.out_edges.size());
  for (const auto& v : net.out_edges)
    w.put(v);
  // The spot pairs, their ids and both indexes follow from the two blocks' lists.
  for (const SpotBlock& k : net.spot_pairs.blocks()) {
    w.put(k.suppliers);
    w.put(k.buyers);
  }
  w.put(net.refineries);
  w.put(net.mines);
  w.put(net.consumers);

  w.put(net.stockpiles.size());
  for (const NetStockpile& k : net.stockpiles) {
    const StockpileSpec& p = k.spec;
    w.put(p.material);
    w.put(p.trigger);
    for (double v : {p.size_days, p.size_t_abs, p.initial_fill, p.threshold, p.delay_days,
                     p.max_rate_days, p.refill_after_days, p.refill_rate_days,
                     p.refill_max_price_multiple, p.holding_cost_per_year})
      w.put(v);
    w.put(k.consumers);
    w.put(k.weights);
    for (double v : {k.demand0, k.target, k.cap, k.refill_rate, k.delay})
      w.put(v);
  }
  w.put(net.costs.size());
  for (const NetCost& c : net.costs) {
    w.put(c.fixed);
    w.put(c.node);
    w.put(c.per_t);
    w.put(c.standby);
    w.put(c.edges);
    w.put(c.edge_per_t);
    w.put(c.region_weight);
  }
  w.put(net.shocks.size());
  for (const ShockReach& r : net.shocks) {
    w.put(r.nodes);
    w.put(r.edges);
    w.put(r.spot_pairs);
    w.put(r.consumers);
  }
  w.put(net.countries);
  w.put(net.standby_nodes);
  w.put(net.world_demand0);
  for (const auto* lists : {&net.region_consumers}) {
    w.put(lists->size());
    for (const auto& v : *lists)
      w.put(v);
  }
  w.put(net.region_stockpile_weight.size());
  for (const auto& v : net.region_stockpile_weight)
    w.put(v);
  w.put(net.region_own_country.size());
  for (const auto& v : net.region_own_country)
    w.put(v);
  return w.take();
}

}  // namespace crisp
