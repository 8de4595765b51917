// The time-stepped oracle (see stepped_oracle.hpp). Written from docs/model.md
// only; it deliberately shares no code with models/*.cpp or policies/*.cpp, so that a misreading
// of the rules in one implementation shows up as a disagreement with the other.

#include "tests/oracle/stepped_oracle.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>

namespace {

using crisp::Metric;
using crisp::NodeKind;
using crisp::ShockKind;

constexpr double kRel = 1e-9;  // relative tolerance of the model's comparisons (docs/model.md)
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr long long kNever = std::numeric_limits<long long>::max();

// Metric::max_country_share when models/metrics.hpp defines it, else -1.
template <class M>
constexpr int max_country_share_index() {
  if constexpr (requires { M::max_country_share; })
    return static_cast<int>(M::max_country_share);
  else
    return -1;
}
// Metric::demand_given_up_t and _eur likewise (issue 21 appends them after max_country_share).
template <class M>
constexpr int demand_given_up_t_index() {
  if constexpr (requires { M::demand_given_up_t; })
    return static_cast<int>(M::demand_given_up_t);
  else
    return -1;
}
template <class M>
constexpr int demand_given_up_eur_index() {
  if constexpr (requires { M::demand_given_up_eur; })
    return static_cast<int>(M::demand_given_up_eur);
  else
    return -1;
}

// The area under a constant-elasticity demand curve between the demand at multiple m and the
// reference demand, per unit of reference demand and base price (docs/model.md "What demand given
// up costs"): A(m, e) = e (m^(1-e) - 1) / (1 - e), ln m when e = 1.
double demand_area(double m, double e) {
  if (e == 0 || m == 1) return 0;
  if (e == 1) return std::log(m);
  return e * (std::pow(m, 1 - e) - 1) / (1 - e);
}

bool contains(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}
bool contains(const std::vector<int>& v, int x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

long long to_steps(double days, double dt) {
  return std::llround(days / dt);
}

struct Node {
  NodeKind kind = NodeKind::mine;
  int material = 0;
  std::string country, region;
  int country_idx = 0;
  double cap = 0;                    // t/day now: 0 on standby, else cap_base + cap_add
  double cap_base = 0, cap_add = 0;  // t/day: nominal, and what supply expansion added
  double yield = 1, buffer_days = 0, refill_days = 60;
  double demand0 = 0, growth = 0;  // consumers, t/day and per year
  double elasticity = 0;           // consumers: short-run demand response (own or material's)
  long long res_steps = 0;         // resourcing delay (of its material, less early warning)

  // standby nodes
  bool on_standby = false;
  double activation_days = 0;
  std::vector<std::string> owner_members;  // regions whose first unmet demand starts the clock
  double act_time = kInf;                  // known once the owner region has been short

  // stores
  double level = 0, target = 0;  // target: now (raised in an announce window)
  double target0 = 0;            // consumers: fixed on day 0

  // per step
  double cf = 1, surge = 1;  // shock effects
  bool restricted = false;   // an active export restriction covers it as a supplier
  double arrivals = 0;       // consumer: a; refinery: inflow
  double demand = 0;         // consumers: D_b, after the demand response
  double ref_demand = 0;     // consumers: grown * surge * (1 - substitution), before it
  double resp_m = 1;         // consumers: the multiple the demand answered this step
  double rel = 0;            // consumers: stockpile release received (rate)
  double req = 0;            // R_b
  double avail = 0, spare = 0;
  double shipped = 0;       // everything it ships now (contract and spot)
  double short_ref = 0;     // contract shortfall on refinery contracts (consumers)
  double short_mine = 0;    // contract shortfall on mine contracts
  double spot_cap = 0;      // remaining spot demand in the current spot phase
  double spot_offered = 0;  // scratch

  bool has_ref_contract = false, has_mine_contract = false;
  bool spell = false;
  long long spell_start = 0;

  std::vector<int> in_edges, out_edges;  // contract edges
  std::vector<int> spot_in, spot_out;    // spot pairs
  double anticipated = 0;   // refineries: spot needs counted as asked of it (docs/model.md step 5)
  std::vector<int> piles;   // stockpiles serving this consumer
  std::vector<int> report;  // report regions this consumer belongs to

  // per-step results of the consumer
  double unmet = 0, gap_after = 0, tau = 0;  // tau: time into the step when unmet starts
  bool short_now = false;

  // whole run
  double first_unmet = kInf;           // consumers: time of the first unmet demand
  double shipped_t = 0;                // tonnes shipped so far
  std::vector<double> arr_by_country;  // consumers: tonnes arrived per supplier country
};

struct Flow {
  int from = 0, to = 0;
  double share = 0;  // in force now (the standby share while the switch node is on standby)
  double share_on = 0, share_standby = 0;
  int switch_node = -1;
  long long lead = 1;  // steps
  std::vector<std::string> routes;
  std::vector<double> ring;  // ring[step % size]: arrival rate in that step
  // per step
  double factor = 1;      // admissible fraction (restrictions, chokepoint cuts)
  double base = 0;        // day-0 shipments: the basis of an export quota
  double cap = kInf;      // export quota now, t/day
  double cap_pass = 1;    // share of a request above the quota that still passes (leakage)
  long long extra = 0;    // chokepoint extra delay, steps
  bool excluded = false;  // spot pairs: an active restriction covers the pair
  double request = 0, filled = 0, rate = 0, offer = 0;
  int phase = 0;  // spot pairs: 4 (refinery -> consumer) or 6 (mine -> buyer)
  double shipped_t = 0;
};

enum class PileState { idle, armed, releasing };

struct Pile {
  crisp::StockpileSpec spec;
  std::vector<int> consumers;
  double d0 = 0;  // day-0 daily demand of the consumers served
  double target = 0, cap = 0, refill_rate = 0, level = 0;
  long long delay_steps = 0, after_steps = 0;
  PileState state = PileState::idle;
  long long ready_step = 0;
  long long last_end_step = -1;  // -1: no release yet
  bool refilling = false;
  double rate = 0;  // release rate this step
  double min_frac = 1;
  double cost = 0;             // discounted euros
  double refill_in = 0;        // this step, tonnes
  std::vector<double> weight;  // per report region: share of its cost
};

struct Occ {
  ShockKind kind = ShockKind::outage;
  long long s0 = 0, s1 = 0;
  double sev = 0;
  long long extra = 0;
  std::vector<int> nodes, edges, pairs, consumers;
  // export restrictions
  long long ann0 = 0;        // announce window [ann0, s0)
  long long lic1 = 0;        // licence delay [s0, lic1): nothing passes
  long long leak0 = kNever;  // leakage from this step on
  double leak = 0;
  bool quota = false;                            // caps covered edges at (1 - f) of day-0 shipments
  std::vector<std::pair<int, double>> announce;  // consumer, raised buffer target
  std::vector<int> suppliers;                    // nodes it covers as suppliers
};

// The market of one material (docs/model.md "Market response").
struct Market {
  bool on = false;
  double elasticity = 0.2, cap = 10;
  long long review_steps = 0;  // 0: no reviews
  double review_days = 30;
  crisp::SubstitutionSpec sub;
  crisp::ExpansionSpec exp;
  double world_d0 = 0;  // world day-0 demand, t/day
  double mult = 1, peak = 1, subst = 0;
  double subst_high = 0;  // the highest substitution fraction reached (irreversible_share)
  bool spell = false;
  double spell_start = 0;
  // Stepped price (docs/model.md "Demand response and a stepped price"): 0 steps = the price
  // follows every allocation.
  long long price_steps = 0;
  double step_days = 0, adjust_days = 0;
  double req_int = 0, miss_int = 0;  // integrals of R and of R - S over the current step
  double step_target = 1;  // m*_k, the target of the step in force (1 before the first step)
  // Stock building (market.stock_building_days H): over [t_k, t_{k+1}) consumers target
  // E_k = H max(0, 1 - m_k / m*_k) more days of day-0 demand, on the rise still to come, and
  // destock above their target (H > 0).
  double stock_days = 0;
  double build_days = 0;  // E_k of the step in force (0 before the first step)
};

// A cost that accrues at a rate: fixed per day, per tonne a node ships, per day on standby, per
// tonne on contract edges.
struct CostItem {
  int material = 0;
  int lever = -1;  // index into PolicyEffects::costs
  double per_day = 0;
  int node = -1;
  double per_t = 0, standby_per_day = 0;
  std::vector<std::pair<int, double>> edges;  // edge index, euros per tonne
  std::vector<double> weight;                 // per report region
  double cost = 0;                            // discounted euros
};

struct Acc {  // per (material incl. all, report region)
  double unmet = 0, demand = 0, loss = 0, released = 0, peak = 0;
  double given_t = 0, given_eur = 0;  // demand given up: tonnes, discounted euros
  double short_time = 0, spell = 0, longest = 0;
  bool prev_short_to_end = false;
  // per step scratch
  double step_demand_rate = 0;
  double step_tau = 0;
  bool step_short = false;
};

class Oracle {
 public:
  Oracle(const crisp::Scenario& s, const crisp::PolicyEffects& fx,
         const std::vector<crisp::ShockOccurrence>& shocks, double dt, SteppedOracleTrace* trace)
      : s_(s), dt_(dt), trace_(trace) {
    if (!(dt > 0)) throw std::invalid_argument("stepped oracle: dt must be > 0");
    nsteps_ = to_steps(s.horizon_days, dt);
    steps_per_year_ = to_steps(crisp::kDaysPerYear, dt);
    steps_per_day_ = std::max<long long>(1, to_steps(1.0, dt));
    delta_ = std::log1p(s.discount_rate) / crisp::kDaysPerYear;
    nmat_ = static_cast<int>(s.materials.size());
    nreg_ = static_cast<int>(s.report_regions.size());
    build_nodes();
    build_flows();
    build_markets();
    build_early_warnings(fx.early_warnings);
    build_piles(fx.stockpiles, fx.early_warnings);
    build_costs(fx);
    build_occs(shocks);
    acc_.assign(static_cast<std::size_t>((nmat_ + 1) * nreg_), Acc{});
  }

  void run(std::span<double> out);

 private:
  // ---- setup ------------------------------------------------------------------------------
  std::vector<std::string> members(const std::string& r) const {
    auto it = s_.groups.find(r);
    if (it != s_.groups.end()) return it->second;
    return {r};
  }
  std::vector<std::string> expand(const std::vector<std::string>& regions) const {
    std::vector<std::string> out;
    for (const auto& r : regions)
      for (const auto& m : members(r))
        if (!contains(out, m)) out.push_back(m);
    return out;
  }
  int find_node(const std::string& id) const {
    for (std::size_t i = 0; i < s_.nodes.size(); ++i)
      if (s_.nodes[i].id == id) return static_cast<int>(i);
    throw std::invalid_argument("stepped oracle: unknown node '" + id + "'");
  }

  // Per report region, the share of a cost charged to `regions` (expanded) pro rata to their
  // day-0 demand of `material`.
  std::vector<double> weights(const std::vector<std::string>& regions, int material) const {
    const std::vector<std::string> regs = expand(regions);
    std::vector<double> w(static_cast<std::size_t>(nreg_), 0.0);
    double total = 0;
    for (const auto& n : nodes_)
      if (n.kind == NodeKind::consumer && n.material == material && contains(regs, n.region))
        total += n.demand0;
    if (!(total > 0)) return w;
    for (const auto& n : nodes_) {
      if (n.kind != NodeKind::consumer || n.material != material || !contains(regs, n.region))
        continue;
      for (int r : n.report)
        w[static_cast<std::size_t>(r)] += n.demand0 / total;
    }
    return w;
  }

  int country_index(const std::string& c) {
    for (std::size_t i = 0; i < countries_.size(); ++i)
      if (countries_[i] == c) return static_cast<int>(i);
    countries_.push_back(c);
    return static_cast<int>(countries_.size()) - 1;
  }

  void build_nodes() {
    nodes_.resize(s_.nodes.size());
    for (std::size_t i = 0; i < s_.nodes.size(); ++i) {
      const auto& ns = s_.nodes[i];
      Node& n = nodes_[i];
      n.kind = ns.kind;
      n.material = ns.material;
      n.country = ns.country;
      n.country_idx = country_index(ns.country);
      n.region = ns.region.empty() ? ns.country : ns.region;
      n.cap_base = ns.capacity_tpy / crisp::kDaysPerYear;
      n.on_standby = ns.standby;
      n.activation_days = std::max(0.0, ns.activation_days);
      n.owner_members = members(ns.owner_region.empty() ? n.region : ns.owner_region);
      n.cap = n.on_standby ? 0.0 : n.cap_base;
      n.yield = ns.yield;
      n.buffer_days = ns.buffer_days;
      n.refill_days = ns.buffer_refill_days;
      n.demand0 = ns.demand_tpy / crisp::kDaysPerYear;
      n.growth = ns.growth_per_year;
      // A consumer's own elasticity overrides the material's (< 0: not set).
      n.elasticity =
          ns.demand_elasticity >= 0
              ? ns.demand_elasticity
              : s_.materials.at(static_cast<std::size_t>(ns.material)).market.demand_elasticity;
      n.res_steps = to_steps(
          s_.materials.at(static_cast<std::size_t>(ns.material)).resourcing_delay_days, dt_);
      if (n.kind == NodeKind::consumer) {
        n.target0 = n.buffer_days * n.demand0;
        n.target = n.target0;
        n.level = n.target;
        for (int r = 0; r < nreg_; ++r)
          if (contains(members(s_.report_regions[static_cast<std::size_t>(r)]), n.region))
            n.report.push_back(r);
      }
    }
    for (auto& n : nodes_)
      n.arr_by_country.assign(countries_.size(), 0.0);
  }

  void build_flows() {
    for (std::size_t e = 0; e < s_.edges.size(); ++e) {
      const auto& es = s_.edges[e];
      Flow f;
      f.from = es.from;
      f.to = es.to;
      f.share_on = es.share;
      f.share_standby = es.standby_share;
      f.switch_node = es.switch_node;
      f.share = share_now(f);
      f.lead = std::max<long long>(1, to_steps(es.lead_time_days, dt_));
      f.routes = es.routes;
      edges_.push_back(std::move(f));
      nodes_[static_cast<std::size_t>(es.from)].out_edges.push_back(static_cast<int>(e));
      Node& b = nodes_[static_cast<std::size_t>(es.to)];
      b.in_edges.push_back(static_cast<int>(e));
      if (nodes_[static_cast<std::size_t>(es.from)].kind == NodeKind::refinery)
        b.has_ref_contract = true;
      if (nodes_[static_cast<std::size_t>(es.from)].kind == NodeKind::mine)
        b.has_mine_contract = true;
    }
    // Spot pairs: every supplier of the material of a kind the buyer has a contract with.
    for (std::size_t b = 0; b < nodes_.size(); ++b) {
      const Node& nb = nodes_[b];
      for (std::size_t sidx = 0; sidx < nodes_.size(); ++sidx) {
        const Node& ns = nodes_[sidx];
        if (ns.material != nb.material || sidx == b) continue;
        int phase = 0;
        if (ns.kind == NodeKind::refinery && nb.kind == NodeKind::consumer && nb.has_ref_contract)
          phase = 4;
        if (ns.kind == NodeKind::mine && nb.kind != NodeKind::mine && nb.has_mine_contract)
          phase = 6;
        if (phase == 0) continue;
        Flow f;
        f.from = static_cast<int>(sidx);
        f.to = static_cast<int>(b);
        f.phase = phase;
        f.lead = std::max<long long>(
            1, to_steps(s_.materials.at(static_cast<std::size_t>(nb.material)).spot_lead_time_days,
                        dt_));
        const int idx = static_cast<int>(pairs_.size());
        pairs_.push_back(std::move(f));
        nodes_[sidx].spot_out.push_back(idx);
        nodes_[b].spot_in.push_back(idx);
      }
    }
  }

  double share_now(const Flow& f) const {
    if (f.switch_node >= 0 && nodes_[static_cast<std::size_t>(f.switch_node)].on_standby)
      return f.share_standby;
    return f.share_on;
  }

  void build_markets() {
    markets_.resize(static_cast<std::size_t>(nmat_));
    for (int m = 0; m < nmat_; ++m) {
      const auto& ms = s_.materials[static_cast<std::size_t>(m)];
      Market& mk = markets_[static_cast<std::size_t>(m)];
      mk.on = ms.market.enabled;
      mk.elasticity = ms.market.price_elasticity;
      mk.cap = ms.market.price_cap_multiple;
      mk.review_days = ms.market.review_days;
      mk.sub = ms.substitution;
      mk.exp = ms.expansion;
      if (mk.sub.enabled || mk.exp.enabled)
        mk.review_steps = std::max<long long>(1, to_steps(mk.review_days, dt_));
      if (mk.on && ms.market.stepped()) {
        mk.step_days = ms.market.price_step_days;
        mk.adjust_days = ms.market.price_adjust_days;
        mk.price_steps = std::max<long long>(1, to_steps(mk.step_days, dt_));
        mk.stock_days = ms.market.stock_building_days;
      }
      for (const auto& n : nodes_)
        if (n.kind == NodeKind::consumer && n.material == m) mk.world_d0 += n.demand0;
    }
  }

  // A warning covers a consumer of its material (or of every material) in its regions.
  static bool warns(const crisp::EarlyWarningSpec& w, int material) {
    return w.material < 0 || w.material == material;
  }

  void build_early_warnings(const std::vector<crisp::EarlyWarningSpec>& ws) {
    for (auto& n : nodes_) {
      if (n.kind != NodeKind::consumer) continue;
      double lead = 0;
      for (const auto& w : ws)
        if (warns(w, n.material) && contains(expand(w.regions), n.region))
          lead = std::max(lead, w.lead_days);
      if (lead > 0) {
        const double d =
            s_.materials[static_cast<std::size_t>(n.material)].resourcing_delay_days - lead;
        n.res_steps = to_steps(std::max(0.0, d), dt_);
      }
    }
  }

  void build_piles(const std::vector<crisp::StockpileSpec>& specs,
                   const std::vector<crisp::EarlyWarningSpec>& ws) {
    for (const auto& spec : specs) {
      Pile p;
      p.spec = spec;
      const std::vector<std::string> regs = expand(spec.regions);
      for (std::size_t c = 0; c < nodes_.size(); ++c) {
        const Node& n = nodes_[c];
        if (n.kind == NodeKind::consumer && n.material == spec.material &&
            contains(regs, n.region)) {
          p.consumers.push_back(static_cast<int>(c));
          p.d0 += n.demand0;
        }
      }
      p.target = spec.size_t_abs >= 0 ? spec.size_t_abs : spec.size_days * p.d0;
      p.cap = spec.max_rate_days * p.d0;
      p.refill_rate = spec.refill_rate_days * p.d0;
      p.level = spec.initial_fill * p.target;
      // Early warning: the release delay shrinks by the largest lead among the regions served.
      double lead = 0;
      for (const auto& w : ws) {
        if (!warns(w, spec.material)) continue;
        for (const auto& r : expand(w.regions))
          if (contains(regs, r)) lead = std::max(lead, w.lead_days);
      }
      p.delay_steps = to_steps(std::max(0.0, spec.delay_days - lead), dt_);
      p.after_steps = to_steps(spec.refill_after_days, dt_);
      p.min_frac = p.target > 0 ? p.level / p.target : kNaN;
      p.weight = weights(spec.regions, spec.material);
      const int idx = static_cast<int>(piles_.size());
      for (int c : p.consumers)
        nodes_[static_cast<std::size_t>(c)].piles.push_back(idx);
      piles_.push_back(std::move(p));
    }
  }

  void build_costs(const crisp::PolicyEffects& fx) {
    for (std::size_t i = 0; i < fx.costs.size(); ++i) {
      const auto& lc = fx.costs[i];
      CostItem c;
      c.material = lc.material;
      c.lever = static_cast<int>(i);
      c.per_day = lc.eur_per_year / crisp::kDaysPerYear;
      if (!lc.node.empty()) {
        c.node = find_node(lc.node);
        c.per_t = lc.eur_per_t;
        c.standby_per_day = lc.standby_eur_per_year / crisp::kDaysPerYear;
      }
      if (lc.edges.size() != lc.edge_eur_per_t.size())
        throw std::invalid_argument("stepped oracle: lever cost edges and charges differ in size");
      for (std::size_t j = 0; j < lc.edges.size(); ++j) {
        const int from = find_node(lc.edges[j].first), to = find_node(lc.edges[j].second);
        bool found = false;
        for (std::size_t e = 0; e < edges_.size(); ++e)
          if (edges_[e].from == from && edges_[e].to == to) {
            c.edges.emplace_back(static_cast<int>(e), lc.edge_eur_per_t[j]);
            found = true;
          }
        if (!found) throw std::invalid_argument("stepped oracle: lever cost on a missing edge");
      }
      c.weight = weights(lc.regions, lc.material);
      costs_.push_back(std::move(c));
    }
    // An early warning's cost_per_year is not charged from EarlyWarningSpec: models/scenario.hpp
    // puts monitoring among LeverCost's fixed costs, so the policy layer hands it over as a
    // LeverCost per material it covers (cost_per_year in equal parts), charged above.
  }

  // Does export restriction `spec` cover node s as a supplier (country, material, stage)?
  bool restriction_covers_supplier(const crisp::ShockSpec& spec, int s) const {
    const Node& ns = nodes_[static_cast<std::size_t>(s)];
    const auto stage = spec.as<crisp::ExportRestrictionSpec>().stage;
    if (ns.kind == NodeKind::consumer) return false;
    if (ns.country != spec.country) return false;
    if (!spec.materials.empty() && !contains(spec.materials, ns.material)) return false;
    if (stage == crisp::Stage::refined && ns.kind != NodeKind::refinery) return false;
    if (stage == crisp::Stage::ore && ns.kind != NodeKind::mine) return false;
    return true;
  }
  // Does export restriction `spec` cover shipments from node s to node b?
  bool restriction_covers(const crisp::ShockSpec& spec, int s, int b) const {
    if (!restriction_covers_supplier(spec, s)) return false;
    const Node& nb = nodes_[static_cast<std::size_t>(b)];
    const auto& r = spec.as<crisp::ExportRestrictionSpec>();
    if (!r.destinations.empty())  // an explicit list wins over the "foreign" default
      return contains(r.destinations, nb.country) || contains(r.destinations, nb.region);
    return r.destinations_foreign && nb.country != spec.country;
  }

  void build_occs(const std::vector<crisp::ShockOccurrence>& shocks) {
    for (const auto& o : shocks) {
      const auto& spec = s_.shocks.at(static_cast<std::size_t>(o.shock));
      if (spec.kind == ShockKind::crisis) continue;  // occurrences come expanded to children
      Occ oc;
      oc.kind = spec.kind;
      oc.s0 = to_steps(o.start, dt_);
      oc.s1 = to_steps(o.start + std::max(0.0, o.duration), dt_);
      oc.sev = std::clamp(o.severity, 0.0, 1.0);
      oc.extra = to_steps(std::max(0.0, o.extra_delay), dt_);
      oc.ann0 = oc.s0;
      oc.lic1 = oc.s0;
      switch (spec.kind) {
        case ShockKind::outage: {
          const auto& outage = spec.as<crisp::OutageSpec>();
          for (std::size_t i = 0; i < nodes_.size(); ++i) {
            const auto& ns = s_.nodes[i];
            bool hit;
            if (!outage.nodes.empty()) {
              hit = contains(outage.nodes, ns.id);
            } else {
              hit = ns.country == spec.country &&
                    (!outage.node_kind || *outage.node_kind == ns.kind) &&
                    (spec.materials.empty() || contains(spec.materials, ns.material));
            }
            if (hit) oc.nodes.push_back(static_cast<int>(i));
          }
          break;
        }
        case ShockKind::export_restriction: {
          const auto& r = spec.as<crisp::ExportRestrictionSpec>();
          for (std::size_t e = 0; e < edges_.size(); ++e)
            if (restriction_covers(spec, edges_[e].from, edges_[e].to))
              oc.edges.push_back(static_cast<int>(e));
          for (std::size_t p = 0; p < pairs_.size(); ++p)
            if (restriction_covers(spec, pairs_[p].from, pairs_[p].to))
              oc.pairs.push_back(static_cast<int>(p));
          for (std::size_t i = 0; i < nodes_.size(); ++i)
            if (restriction_covers_supplier(spec, static_cast<int>(i)))
              oc.suppliers.push_back(static_cast<int>(i));
          // Announce window: consumers with at least one covered contract edge raise their
          // buffer target to max_buffer_days (default their own buffer_days) of day-0 demand.
          oc.ann0 = std::max<long long>(0, to_steps(o.start - std::max(0.0, r.announce_days), dt_));
          if (r.announce_days > 0) {
            for (std::size_t c = 0; c < nodes_.size(); ++c) {
              const Node& n = nodes_[c];
              if (n.kind != NodeKind::consumer) continue;
              bool covered = false;
              for (int e : n.in_edges)
                if (contains(oc.edges, e)) covered = true;
              if (!covered) continue;
              const double days = r.max_buffer_days > 0 ? r.max_buffer_days : n.buffer_days;
              oc.announce.emplace_back(static_cast<int>(c), std::max(n.target0, days * n.demand0));
            }
          }
          oc.lic1 = to_steps(o.start + std::max(0.0, r.licence_delay_days), dt_);
          oc.quota = r.quota;
          if (r.leakage > 0) {
            oc.leak = std::clamp(r.leakage, 0.0, 1.0);
            oc.leak0 = to_steps(o.start + std::max(0.0, r.leakage_delay_days), dt_);
          }
          break;
        }
        case ShockKind::chokepoint:
          for (std::size_t e = 0; e < edges_.size(); ++e)
            if (contains(edges_[e].routes, spec.as<crisp::ChokepointSpec>().route))
              oc.edges.push_back(static_cast<int>(e));
          break;
        case ShockKind::demand_surge:
          for (std::size_t i = 0; i < nodes_.size(); ++i) {
            const Node& n = nodes_[i];
            if (n.kind != NodeKind::consumer) continue;
            const auto& regions = spec.as<crisp::DemandSurgeSpec>().regions;
            if (!regions.empty() && !contains(regions, n.region)) continue;
            if (!spec.materials.empty() && !contains(spec.materials, n.material)) continue;
            oc.consumers.push_back(static_cast<int>(i));
          }
          break;
        case ShockKind::crisis:
          break;
      }
      occs_.push_back(std::move(oc));
    }
    // Ring sizes: the longest delay a shipment can see, plus slack.
    for (auto& f : edges_) {
      long long extra = 0;
      for (std::size_t i = 0; i < occs_.size(); ++i) {
        const auto& oc = occs_[i];
        if (oc.kind == ShockKind::chokepoint &&
            contains(oc.edges, static_cast<int>(&f - edges_.data())))
          extra += oc.extra;
      }
      f.ring.assign(static_cast<std::size_t>(f.lead + extra + 2), 0.0);
    }
    for (auto& f : pairs_)
      f.ring.assign(static_cast<std::size_t>(f.lead + 2), 0.0);
  }

  // ---- per step ----------------------------------------------------------------------------
  void apply_shocks(long long k) {
    for (auto& n : nodes_) {
      n.cf = 1, n.surge = 1, n.restricted = false;
      if (n.kind == NodeKind::consumer) n.target = n.target0;
    }
    for (auto& f : edges_)
      f.factor = 1, f.extra = 0, f.cap = kInf, f.cap_pass = 1;
    for (auto& f : pairs_)
      f.excluded = false;
    for (const auto& oc : occs_) {
      if (oc.s1 <= oc.s0) continue;  // an occurrence of duration 0 has no effect
      if (oc.kind == ShockKind::export_restriction && oc.ann0 <= k && k < oc.s0)
        for (const auto& [c, raised] : oc.announce) {
          Node& n = nodes_[static_cast<std::size_t>(c)];
          n.target = std::max(n.target, raised);
        }
      if (!(oc.s0 <= k && k < oc.s1)) continue;
      switch (oc.kind) {
        case ShockKind::outage:
          for (int i : oc.nodes)
            nodes_[static_cast<std::size_t>(i)].cf *= 1 - oc.sev;
          break;
        case ShockKind::export_restriction: {
          const double f = k < oc.lic1 ? 1.0 : oc.sev;  // licence delay: nothing passes
          const double leak = k >= oc.leak0 ? oc.leak : 0.0;
          for (int e : oc.edges) {
            Flow& flow = edges_[static_cast<std::size_t>(e)];
            if (oc.quota) {
              flow.cap = std::min(flow.cap, flow.base) * (1 - f);
              flow.cap_pass = std::min(flow.cap_pass, leak);
            } else {
              flow.factor *= 1 - f * (1 - leak);
            }
          }
          if (f * (1 - leak) > 0) {
            for (int p : oc.pairs)
              pairs_[static_cast<std::size_t>(p)].excluded = true;
            for (int i : oc.suppliers)
              nodes_[static_cast<std::size_t>(i)].restricted = true;
          }
          break;
        }
        case ShockKind::chokepoint:
          for (int e : oc.edges) {
            edges_[static_cast<std::size_t>(e)].factor *= 1 - oc.sev;
            edges_[static_cast<std::size_t>(e)].extra += oc.extra;
          }
          break;
        case ShockKind::demand_surge:
          for (int c : oc.consumers)
            nodes_[static_cast<std::size_t>(c)].surge *= 1 + oc.sev;
          break;
        case ShockKind::crisis:
          break;
      }
    }
  }

  // Standby nodes start `activation_days` after the first unmet demand of their material in the
  // owner region; their capacity and the shares of the edges that name them switch then.
  void update_standby(long long k) {
    const double t = static_cast<double>(k) * dt_;
    for (auto& n : nodes_) {
      if (!n.on_standby) continue;
      double first = kInf;
      for (const auto& c : nodes_)
        if (c.kind == NodeKind::consumer && c.material == n.material &&
            contains(n.owner_members, c.region))
          first = std::min(first, c.first_unmet);
      if (!std::isfinite(first)) continue;
      n.act_time = first + n.activation_days;
      if (t >= n.act_time - kRel * std::max(1.0, n.act_time)) n.on_standby = false;
    }
  }

  void update_capacities() {
    for (auto& n : nodes_)
      if (n.kind != NodeKind::consumer) n.cap = n.on_standby ? 0.0 : n.cap_base + n.cap_add;
    for (auto& f : edges_)
      f.share = share_now(f);
  }

  // Market review at step k: substitution and expansion, on the multiple in force.
  void review(int m, long long k) {
    Market& mk = markets_[static_cast<std::size_t>(m)];
    const double t = static_cast<double>(k) * dt_;
    const double step = mk.review_days / crisp::kDaysPerYear;
    if (mk.sub.enabled) {
      const bool high = mk.mult > 1 + mk.sub.threshold;
      const double d = mk.sub.rate_per_year * step;
      const double top = std::max(0.0, mk.sub.max_fraction);
      // The thrift that stays: never below irreversible_share of the highest fraction reached.
      const double floor = std::min(top, std::max(0.0, mk.sub.irreversible_share) * mk.subst_high);
      mk.subst = std::clamp(mk.subst + (high ? d : -d), floor, top);
      mk.subst_high = std::max(mk.subst_high, mk.subst);
    }
    if (mk.exp.enabled) {
      const bool high = mk.mult > 1 + mk.exp.threshold;
      if (!high) {
        mk.spell = false;
      } else {
        if (!mk.spell) mk.spell = true, mk.spell_start = t;
        if (t - mk.spell_start >= mk.exp.delay_days - kRel * std::max(1.0, mk.exp.delay_days)) {
          const double inc = mk.exp.rate_per_year * step * mk.world_d0;  // t/day per stage
          for (NodeKind stage : {NodeKind::mine, NodeKind::refinery}) {
            double total = 0;
            for (const auto& n : nodes_)
              if (n.kind == stage && n.material == m && !n.on_standby && !n.restricted)
                total += n.cap_base + n.cap_add;
            if (!(total > 0)) continue;
            for (auto& n : nodes_)
              if (n.kind == stage && n.material == m && !n.on_standby && !n.restricted)
                n.cap_add += inc * (n.cap_base + n.cap_add) / total;
          }
        }
      }
    }
  }

  // "Empty" for the shortfall trigger and the shortfall gap: empty now, or running dry within
  // this step at the step's arrivals. The engine re-decides at the instant the buffer empties;
  // deciding at the start of that step instead of the next one keeps the decision within dt of
  // the engine's either way, and avoids a spurious spike of unmet demand (full gap, no release)
  // over the rest of the step, which peak_shortfall_frac would record.
  bool buffer_empty(const Node& n) const {
    if (n.level <= kRel * std::max(n.demand0, 1e-300)) return true;
    return n.arrivals < n.demand && n.level < (n.demand - n.arrivals) * dt_;
  }

  bool ready(const Node& n, long long k) const {
    return n.spell && k - n.spell_start >= n.res_steps;
  }

  void update_spell(Node& n, double shortfall, long long k, bool may_end) {
    if (shortfall > kRel * n.req && shortfall > 0) {
      if (!n.spell) n.spell = true, n.spell_start = k;
    } else if (may_end) {
      n.spell = false;
    }
  }

  // Rounds of spot buying in one phase: every supplier offers its spare to its ready partners
  // pro rata to their remaining shortfall, each offer capped at that shortfall; a buyer offered
  // more than it needs scales its offers down, then the next round runs on what is left.
  // Ready consumers' remaining refinery-contract needs count as asked of the refineries they may
  // buy spot from, split by those refineries' spare capacity (nominal capacity now, after
  // outages, less their contract shipments): docs/model.md step 5.
  void anticipate_spot(long long k) {
    for (auto& n : nodes_)
      n.anticipated = 0;
    auto spare_capacity = [&](const Node& s) {
      double filled = 0;
      for (int e : s.out_edges)
        filled += edges_[static_cast<std::size_t>(e)].filled;
      return std::max(0.0, s.cap * s.cf - filled);
    };
    for (const Node& b : nodes_) {
      if (b.kind != NodeKind::consumer || !ready(b, k) || !(b.spot_cap > kRel * b.req)) continue;
      double total = 0;
      for (int p : b.spot_in) {
        const Flow& f = pairs_[static_cast<std::size_t>(p)];
        if (f.phase == 4 && !f.excluded)
          total += spare_capacity(nodes_[static_cast<std::size_t>(f.from)]);
      }
      if (!(total > 0)) continue;
      for (int p : b.spot_in) {
        const Flow& f = pairs_[static_cast<std::size_t>(p)];
        if (f.phase != 4 || f.excluded) continue;
        Node& s = nodes_[static_cast<std::size_t>(f.from)];
        s.anticipated += b.spot_cap * spare_capacity(s) / total;
      }
    }
  }

  void spot_phase(int phase, long long k) {
    for (int round = 0; round < 3; ++round) {
      bool any = false;
      for (auto& n : nodes_)
        n.spot_offered = 0;
      for (std::size_t si = 0; si < nodes_.size(); ++si) {
        Node& sup = nodes_[si];
        if (sup.spot_out.empty() || !(sup.spare > kRel * sup.avail) || !(sup.spare > 0)) continue;
        double tot = 0;
        for (int p : sup.spot_out) {
          Flow& f = pairs_[static_cast<std::size_t>(p)];
          f.offer = 0;
          const Node& b = nodes_[static_cast<std::size_t>(f.to)];
          if (f.phase != phase || f.excluded || !ready(b, k) || !(b.spot_cap > 0)) continue;
          tot += b.spot_cap;
        }
        if (!(tot > 0)) continue;
        for (int p : sup.spot_out) {
          Flow& f = pairs_[static_cast<std::size_t>(p)];
          Node& b = nodes_[static_cast<std::size_t>(f.to)];
          if (f.phase != phase || f.excluded || !ready(b, k) || !(b.spot_cap > 0)) continue;
          // docs/model.md "Allocation: who gets what": "split pro-rata to the eligible buyers' u_b,
          // capped at u_b".
          f.offer = std::min(b.spot_cap, sup.spare * b.spot_cap / tot);
          b.spot_offered += f.offer;
          any = true;
        }
      }
      if (!any) break;
      bool moved = false;
      for (std::size_t si = 0; si < nodes_.size(); ++si) {
        Node& sup = nodes_[si];
        for (int p : sup.spot_out) {
          Flow& f = pairs_[static_cast<std::size_t>(p)];
          if (f.phase != phase || !(f.offer > 0)) continue;
          Node& b = nodes_[static_cast<std::size_t>(f.to)];
          const double scale = b.spot_offered > b.spot_cap ? b.spot_cap / b.spot_offered : 1.0;
          const double take = f.offer * scale;
          f.rate += take;
          sup.spare -= take;
          f.offer = 0;
          if (take > 0) moved = true;
        }
      }
      // Shortfalls are updated after all offers are taken (the scale used the round's values).
      for (std::size_t si = 0; si < nodes_.size(); ++si) {
        Node& b = nodes_[si];
        if (b.spot_offered > 0)
          b.spot_cap = std::max(0.0, b.spot_cap - std::min(b.spot_offered, b.spot_cap));
        b.spot_offered = 0;
      }
      if (!moved) break;
    }
  }

  // The allocation instant (docs/model.md "One instant", steps 3-6). `baseline`: the day-0
  // allocation with no shock, full buffers and no pipelines yet.
  void allocate(long long k, bool baseline) {
    const double eps = kRel;
    // 3. consumer requirements
    for (auto& n : nodes_) {
      if (n.kind != NodeKind::consumer) continue;
      double r = n.demand;
      const bool below = n.level < n.target * (1 - eps);
      const bool at = !below && n.level <= n.target * (1 + eps);
      const bool drawn = !baseline && n.arrivals + n.rel < n.demand * (1 - eps);
      if (n.target > 0 && (below || (at && drawn))) r += n.target / n.refill_days;
      // Destocking (H > 0): a buffer above its target beyond the tolerance, or at it with
      // arrivals and releases above its demand (rising over it), asks for its demand less H days
      // of day-0 demand spread over buffer_refill_days, not below 0 (a refilling stockpile's
      // purchases below are its own and still come on top).
      const double h = markets_[static_cast<std::size_t>(n.material)].stock_days;
      const bool lifted = !baseline && at && n.arrivals + n.rel > n.demand * (1 + eps);
      if (!baseline && h > 0 && (n.level > n.target * (1 + eps) || lifted))
        r = std::max(0.0, n.demand - h * n.demand0 / n.refill_days);
      for (int pi : n.piles) {
        const Pile& p = piles_[static_cast<std::size_t>(pi)];
        if (p.refilling && p.d0 > 0) r += p.refill_rate * n.demand0 / p.d0;
      }
      n.req = r;
    }
    for (auto& f : edges_)
      f.filled = 0, f.request = 0;
    for (auto& f : pairs_)
      f.rate = 0;

    // 4. refineries ration the contract requests addressed to them
    for (auto& n : nodes_) {
      if (n.kind == NodeKind::mine) {
        n.avail = n.cap * n.cf;
      } else if (n.kind == NodeKind::refinery) {
        n.avail = n.cap * n.cf;
        // An empty input buffer limits output to inflow * yield; a buffer that would run dry
        // within the step limits the step's output to what it holds plus inflow.
        if (!baseline) n.avail = std::min(n.avail, (n.level / dt_ + n.arrivals) * n.yield);
      }
    }
    ration(NodeKind::refinery);
    for (auto& n : nodes_) {
      if (n.kind != NodeKind::consumer) continue;
      double sh = 0;
      for (int e : n.in_edges) {
        const Flow& f = edges_[static_cast<std::size_t>(e)];
        if (nodes_[static_cast<std::size_t>(f.from)].kind == NodeKind::refinery)
          sh += f.share * n.req - f.filled;
      }
      n.short_ref = std::max(0.0, sh);
      update_spell(n, n.short_ref, k, false);  // a refinery-contract shortfall is a shortfall
      n.spot_cap = n.short_ref;
    }
    anticipate_spot(k);
    spot_phase(4, k);

    // 5. refinery input requirement
    for (auto& n : nodes_) {
      if (n.kind != NodeKind::refinery) continue;
      double x = 0;
      for (int e : n.out_edges)
        x += edges_[static_cast<std::size_t>(e)].filled;
      for (int p : n.spot_out)
        x += pairs_[static_cast<std::size_t>(p)].rate;
      n.shipped = x;
      // Input is asked for what the refinery is asked to ship (up to its capacity), not what an
      // empty input buffer lets it ship: docs/model.md step 5.
      double asked = n.anticipated;
      for (int e : n.out_edges)
        asked += edges_[static_cast<std::size_t>(e)].request;
      const double want = std::max(x, std::min(asked, n.cap * n.cf));
      double r = want / n.yield;
      if (!baseline) {
        const bool below = n.level < n.target * (1 - eps);
        const bool at = !below && n.level <= n.target * (1 + eps);
        const bool drawn = n.arrivals < (want / n.yield) * (1 - eps);
        if (n.target > 0 && (below || (at && drawn))) r += n.target / n.refill_days;
      }
      n.req = r;
    }

    // 6. mines ration every request at once, then spot from mines
    ration(NodeKind::mine);
    for (auto& n : nodes_) {
      if (n.kind == NodeKind::mine) continue;
      double sh = 0;
      for (int e : n.in_edges) {
        const Flow& f = edges_[static_cast<std::size_t>(e)];
        if (nodes_[static_cast<std::size_t>(f.from)].kind == NodeKind::mine)
          sh += f.share * n.req - f.filled;
      }
      n.short_mine = std::max(0.0, sh);
      const double total = (n.kind == NodeKind::consumer ? n.short_ref : 0.0) + n.short_mine;
      update_spell(n, total, k, true);
      double spot4 = 0;
      for (int p : n.spot_in)
        spot4 += pairs_[static_cast<std::size_t>(p)].rate;
      n.spot_cap = std::max(0.0, total - spot4);
    }
    spot_phase(6, k);

    // What every supplier ships now (mines included: per-tonne lever costs).
    for (auto& n : nodes_) {
      if (n.kind != NodeKind::mine) continue;
      double x = 0;
      for (int e : n.out_edges)
        x += edges_[static_cast<std::size_t>(e)].filled;
      for (int p : n.spot_out)
        x += pairs_[static_cast<std::size_t>(p)].rate;
      n.shipped = x;
    }
  }

  // The consumers' summed requirement R and unfilled requirement R - S of material m, from the
  // allocation just made.
  std::pair<double, double> requirement_and_miss(int m) const {
    double req = 0, miss = 0;
    for (const auto& n : nodes_) {
      if (n.kind != NodeKind::consumer || n.material != m) continue;
      double got = 0;
      for (int e : n.in_edges)
        got += edges_[static_cast<std::size_t>(e)].filled;
      for (int p : n.spot_in)
        got += pairs_[static_cast<std::size_t>(p)].rate;
      req += n.req;
      if (n.req - got > kRel * n.req) miss += n.req - got;  // rate comparisons: relative 1e-9
    }
    return {req, miss};
  }
  static double target_multiple(const Market& mk, double req, double miss) {
    const double tau = req > 0 ? std::clamp(miss / req, 0.0, 1.0) : 0.0;
    return tau >= 1 ? mk.cap : std::min(mk.cap, std::pow(1 - tau, -1 / mk.elasticity));
  }

  // Tightness and price multiple of each material, from the allocation just made (a stepped
  // market's multiple moves only at its steps).
  void price() {
    for (int m = 0; m < nmat_; ++m) {
      Market& mk = markets_[static_cast<std::size_t>(m)];
      if (!mk.on) {
        mk.mult = 1;
        continue;
      }
      if (mk.price_steps > 0) continue;
      const auto [req, miss] = requirement_and_miss(m);
      mk.mult = target_multiple(mk, req, miss);
    }
  }
  // A stepped market adds the allocation in force over [t, t + dt), R and R - S, to its step's
  // integrals.
  void accumulate_tightness() {
    for (int m = 0; m < nmat_; ++m) {
      Market& mk = markets_[static_cast<std::size_t>(m)];
      if (!mk.on || mk.price_steps <= 0) continue;
      const auto [req, miss] = requirement_and_miss(m);
      mk.req_int += req * dt_;
      mk.miss_int += miss * dt_;
    }
  }

  // A market step at t_k = k h: the target from the step's requirement-weighted tightness, and
  // partial adjustment toward it (docs/model.md "Demand response and a stepped price"). The stock
  // building of the step, E_k = H max(0, 1 - m_k / m*_k), is the share of the gap to the target
  // the price has still to close: 0 when the target is at or below the multiple (and always with
  // T = 0, where the multiple is its target).
  void price_step(int m, long long k) {
    Market& mk = markets_[static_cast<std::size_t>(m)];
    if (mk.price_steps <= 0 || k <= 0 || k % mk.price_steps != 0) return;
    const double target = target_multiple(mk, mk.req_int, mk.miss_int);
    mk.mult = mk.adjust_days > 0
                  ? target + (mk.mult - target) * std::exp(-mk.step_days / mk.adjust_days)
                  : target;
    mk.step_target = target;
    mk.build_days = mk.stock_days * std::max(0.0, 1 - mk.mult / target);
    mk.req_int = 0;
    mk.miss_int = 0;
  }
  // Stock building: from t_k to t_{k+1} every consumer of the material targets buffer_days + E_k
  // days of its day-0 demand (an announcement's top-up, set by apply_shocks this step, stands
  // when higher). apply_shocks reset the target every step, so a change of E_k retargets the
  // buffers at the step, and with E_k = 0 the target returns.
  void stock_building() {
    for (auto& n : nodes_) {
      if (n.kind != NodeKind::consumer) continue;
      const Market& mk = markets_[static_cast<std::size_t>(n.material)];
      if (mk.build_days > 0) n.target = std::max(n.target, n.target0 + mk.build_days * n.demand0);
    }
  }

  void record_peaks() {
    for (auto& mk : markets_)
      mk.peak = std::max(mk.peak, mk.mult);
  }

  // Pro-rata rationing by the suppliers of one kind of their admissible contract requests.
  void ration(NodeKind supplier_kind) {
    for (auto& n : nodes_) {
      if (n.kind != supplier_kind) continue;
      double q = 0;
      for (int e : n.out_edges) {
        Flow& f = edges_[static_cast<std::size_t>(e)];
        double want = f.share * nodes_[static_cast<std::size_t>(f.to)].req;
        if (want > f.cap) want = f.cap + f.cap_pass * (want - f.cap);  // export quota
        f.request = want * f.factor;
        q += f.request;
      }
      const double ratio = q > n.avail ? (q > 0 ? n.avail / q : 0.0) : 1.0;
      double took = 0;
      for (int e : n.out_edges) {
        Flow& f = edges_[static_cast<std::size_t>(e)];
        f.filled = f.request * ratio;
        took += f.filled;
      }
      n.spare = std::max(0.0, n.avail - took);
    }
  }

  void stockpile_state(long long k) {
    for (auto& p : piles_) {
      double dsum = 0, asum = 0;
      bool shortfall = false;
      for (int c : p.consumers) {
        const Node& n = nodes_[static_cast<std::size_t>(c)];
        dsum += n.demand;
        asum += n.arrivals;
        if (buffer_empty(n) && n.arrivals < n.demand * (1 - kRel)) shortfall = true;
      }
      if (p.state == PileState::idle) {
        const bool trig = p.spec.trigger == crisp::ReleaseTrigger::shortfall
                              ? shortfall
                              : asum < p.spec.threshold * dsum * (1 - kRel);
        if (trig) p.state = PileState::armed, p.ready_step = k + p.delay_steps;
      }
      if (p.state == PileState::armed && k >= p.ready_step) p.state = PileState::releasing;
      if (p.state == PileState::releasing && total_gap(p) <= kRel * dsum) {
        p.state = PileState::idle;
        p.last_end_step = k;
      }
    }
    refill_flags(k);
  }

  // docs/model.md: refill "from after_days after the end of the last release (from day 0 when
  // there was none)": before any release, refilling is allowed from day 0; and only while the
  // material's price multiple is at most max_price_multiple. Returns whether any flag changed.
  bool refill_flags(long long k) {
    bool changed = false;
    for (auto& p : piles_) {
      const bool quiet = p.last_end_step < 0 || k >= p.last_end_step + p.after_steps;
      const bool r = p.state == PileState::idle && quiet && p.level < p.target * (1 - kRel) &&
                     multiple(p.spec.material) <= p.spec.refill_max_price_multiple;
      if (r != p.refilling) changed = true;
      p.refilling = r;
    }
    return changed;
  }

  double multiple(int m) const { return markets_[static_cast<std::size_t>(m)].mult; }

  double gap(const Pile& p, const Node& n) const {
    if (p.spec.trigger == crisp::ReleaseTrigger::shortfall && !buffer_empty(n)) return 0;
    return std::max(0.0, n.demand - n.arrivals);
  }
  double total_gap(const Pile& p) const {
    double g = 0;
    for (int c : p.consumers)
      g += gap(p, nodes_[static_cast<std::size_t>(c)]);
    return g;
  }

  void releases() {
    for (auto& n : nodes_)
      n.rel = 0;
    for (auto& p : piles_) {
      p.rate = 0;
      if (p.state != PileState::releasing || !(p.level > 0)) continue;
      const double g = total_gap(p);
      if (!(g > 0)) continue;
      p.rate = std::min({p.cap, g, p.level / dt_});
      for (int c : p.consumers) {
        Node& n = nodes_[static_cast<std::size_t>(c)];
        n.rel += p.rate * gap(p, n) / g;
      }
    }
  }

  void ship(long long k) {
    for (auto& f : edges_) {
      const auto sz = static_cast<long long>(f.ring.size());
      f.ring[static_cast<std::size_t>((k + f.lead + f.extra) % sz)] += f.filled;
    }
    for (auto& f : pairs_) {
      if (f.rate == 0) continue;
      const auto sz = static_cast<long long>(f.ring.size());
      f.ring[static_cast<std::size_t>((k + f.lead) % sz)] += f.rate;
    }
  }

  void take_arrivals(long long k) {
    for (auto& n : nodes_)
      n.arrivals = 0;
    for (auto* v : {&edges_, &pairs_})
      for (auto& f : *v) {
        auto& slot = f.ring[static_cast<std::size_t>(k % static_cast<long long>(f.ring.size()))];
        Node& b = nodes_[static_cast<std::size_t>(f.to)];
        b.arrivals += slot;
        if (b.kind == NodeKind::consumer)
          b.arr_by_country[static_cast<std::size_t>(
              nodes_[static_cast<std::size_t>(f.from)].country_idx)] += slot * dt_;
        slot = 0;
      }
  }

  // Integral of the discount factor over [t0, t1).
  double disc(double t0, double t1) const {
    if (!(t1 > t0)) return 0;
    if (delta_ == 0) return t1 - t0;
    return (std::exp(-delta_ * t0) - std::exp(-delta_ * t1)) / delta_;
  }

  // Integrates stores, metrics and costs over [t, t + dt) at the step's constant rates.
  void integrate(long long k) {
    const double t = static_cast<double>(k) * dt_;
    const double disc_mid = std::exp(-delta_ * (t + 0.5 * dt_));
    const double disc_step = disc(t, t + dt_);
    for (auto& p : piles_)
      p.refill_in = 0;
    std::vector<double>& pile_start = scratch_levels_;
    pile_start.resize(piles_.size());
    for (std::size_t i = 0; i < piles_.size(); ++i)
      pile_start[i] = piles_[i].level;

    for (auto& n : nodes_) {
      if (n.kind == NodeKind::refinery) {
        n.level = std::max(0.0, n.level + (n.arrivals - n.shipped / n.yield) * dt_);
        continue;
      }
      if (n.kind != NodeKind::consumer) continue;
      n.unmet = 0;
      n.short_now = false;
      const double supply = n.arrivals + n.rel;
      const double net = (supply - n.demand) * dt_;
      if (net >= 0) {
        double surplus = net;
        if (n.level < n.target) {
          const double x = std::min(surplus, n.target - n.level);
          n.level += x;
          surplus -= x;
        }
        for (int pi : n.piles) {
          Pile& p = piles_[static_cast<std::size_t>(pi)];
          if (!p.refilling || !(surplus > 0) || p.level >= p.target) continue;
          const double y = std::min(surplus, p.target - p.level);
          p.level += y;
          p.refill_in += y;
          surplus -= y;
        }
        n.level += surplus;  // a buffer may sit above its target
      } else {
        const double deficit = -net;
        const double b0 = n.level;
        if (b0 >= deficit) {
          n.level = b0 - deficit;
        } else {
          n.level = 0;
          n.unmet = deficit - b0;
          const double g = n.demand - supply;
          n.gap_after = g;
          n.tau = b0 / g;
          n.short_now = g > kRel * n.demand && n.tau < dt_ * (1 - kRel);
          if (n.short_now && !std::isfinite(n.first_unmet)) n.first_unmet = t + n.tau;
        }
      }
    }

    // stockpiles: release, costs (trading at the current price), lowest level
    for (std::size_t i = 0; i < piles_.size(); ++i) {
      Pile& p = piles_[i];
      const double out = p.rate * dt_;
      p.level = std::max(0.0, p.level - out);
      const auto& mat = s_.materials[static_cast<std::size_t>(p.spec.material)];
      const double price = mat.price_eur_per_t;
      p.cost += (p.refill_in - out) * price * multiple(p.spec.material) * disc_mid;
      p.cost += p.spec.holding_cost_per_year / crisp::kDaysPerYear * 0.5 *
                (pile_start[i] + p.level) * price * dt_ * disc_mid;
      if (p.target > 0) p.min_frac = std::min(p.min_frac, p.level / p.target);
    }

    // lever costs
    for (auto& c : costs_) {
      double rate = c.per_day;
      if (c.node >= 0) {
        const Node& n = nodes_[static_cast<std::size_t>(c.node)];
        rate += c.per_t * n.shipped;
        if (n.on_standby && c.standby_per_day > 0)
          c.cost += c.standby_per_day * disc(t, std::min(t + dt_, n.act_time));
      }
      for (const auto& [e, eur] : c.edges)
        rate += eur * edges_[static_cast<std::size_t>(e)].filled;
      c.cost += rate * disc_step;
    }
    for (auto& f : edges_)
      f.shipped_t += f.filled * dt_;
    for (auto& n : nodes_)
      if (n.kind != NodeKind::consumer) n.shipped_t += n.shipped * dt_;

    // metrics per (material, report region)
    for (auto& a : acc_)
      a.step_demand_rate = 0, a.step_short = false, a.step_tau = dt_;
    for (auto& n : nodes_) {
      if (n.kind != NodeKind::consumer) continue;
      const auto& mat = s_.materials[static_cast<std::size_t>(n.material)];
      for (int r : n.report) {
        Acc& a = acc(n.material, r);
        a.unmet += n.unmet;
        a.demand += n.demand * dt_;
        a.released += n.rel * dt_;
        a.step_demand_rate += n.demand;
        if (n.elasticity != 0 && n.resp_m != 1) {
          // Tonnes given up, and their value under the demand curve, at the multiple the
          // demand answered over the step.
          a.given_t += n.ref_demand * (1 - std::pow(n.resp_m, -n.elasticity)) * dt_;
          a.given_eur +=
              mat.price_eur_per_t * n.ref_demand * demand_area(n.resp_m, n.elasticity) * disc_step;
        }
        if (n.unmet > 0) {
          const double mid = t + 0.5 * (n.tau + dt_);
          a.loss += n.unmet * mat.value_of_lost_load_eur_per_t *
                    std::exp(-delta_ * std::min(mid, t + dt_));
        }
      }
    }
    for (int m = 0; m < nmat_; ++m) {
      for (int r = 0; r < nreg_; ++r) {
        Acc& a = acc(m, r);
        // U(t) within the step is a step function rising at each short consumer's tau; the region
        // is short from the first tau at which the sum exceeds 1e-9 * D.
        shorts_.clear();
        for (std::size_t c = 0; c < nodes_.size(); ++c) {
          const Node& n = nodes_[c];
          if (n.kind != NodeKind::consumer || n.material != m || !n.short_now ||
              !contains(n.report, r))
            continue;
          shorts_.emplace_back(n.tau, n.gap_after);
        }
        if (shorts_.empty()) continue;
        std::sort(shorts_.begin(), shorts_.end());
        double u = 0;
        for (const auto& [tau, g] : shorts_) {
          u += g;
          if (!a.step_short && u > kRel * a.step_demand_rate) a.step_short = true, a.step_tau = tau;
        }
        if (a.step_demand_rate > 0) a.peak = std::max(a.peak, u / a.step_demand_rate);
      }
    }
    for (int r = 0; r < nreg_; ++r) {
      Acc& all = acc(nmat_, r);
      for (int m = 0; m < nmat_; ++m) {
        const Acc& a = acc(m, r);
        if (a.step_short) all.step_short = true, all.step_tau = std::min(all.step_tau, a.step_tau);
      }
      for (int m = 0; m <= nmat_; ++m) {
        Acc& a = acc(m, r);
        if (a.step_short) {
          const double len = dt_ - a.step_tau;
          a.short_time += len;
          if (a.prev_short_to_end && a.step_tau <= 0)
            a.spell += len;
          else
            a.spell = len;
          a.longest = std::max(a.longest, a.spell);
          a.prev_short_to_end = true;  // a short interval always reaches the end of the step
        } else {
          a.spell = 0;
          a.prev_short_to_end = false;
        }
      }
    }
  }

  Acc& acc(int m, int r) { return acc_[static_cast<std::size_t>(m * nreg_ + r)]; }

  void set_demand(long long k, bool baseline) {
    const long long year = baseline ? 0 : k / steps_per_year_;
    for (auto& n : nodes_) {
      if (n.kind != NodeKind::consumer) continue;
      const Market& mk = markets_[static_cast<std::size_t>(n.material)];
      const double subst = baseline ? 0.0 : mk.subst;
      n.ref_demand = n.demand0 * std::pow(1 + n.growth, static_cast<double>(year)) *
                     (baseline ? 1.0 : n.surge) * (1 - subst);
      // The short-run demand response answers the multiple in force (1 on day 0); the factor
      // is exactly 1 at elasticity 0, so the old rule is kept bit for bit.
      n.resp_m = baseline || !mk.on ? 1.0 : mk.mult;
      n.demand =
          n.elasticity != 0 ? n.ref_demand * std::pow(n.resp_m, -n.elasticity) : n.ref_demand;
    }
  }

  // One row of each day-by-day series: a projection of every edge, node, stockpile or market.
  void record_day() {
    auto& tr = *trace_;
    auto row = [](const auto& items, auto value) {
      std::vector<double> v;
      v.reserve(items.size());
      for (const auto& x : items)
        v.push_back(value(x));
      return v;
    };
    tr.edge_rate.push_back(row(edges_, [](const Flow& f) { return f.filled; }));
    tr.edge_shipped.push_back(row(edges_, [](const Flow& f) { return f.shipped_t; }));
    tr.node_capacity.push_back(
        row(nodes_, [](const Node& n) { return n.kind == NodeKind::consumer ? 0.0 : n.cap; }));
    tr.node_shipped.push_back(row(nodes_, [](const Node& n) { return n.shipped_t; }));
    tr.level.push_back(row(nodes_, [](const Node& n) { return n.level; }));
    tr.target.push_back(row(nodes_, [](const Node& n) { return n.target; }));
    tr.stockpile_level.push_back(row(piles_, [](const auto& p) { return p.level; }));
    tr.price_multiple.push_back(row(markets_, [](const auto& mk) { return mk.mult; }));
    tr.price_target.push_back(row(markets_, [](const auto& mk) { return mk.step_target; }));
    tr.substitution.push_back(row(markets_, [](const auto& mk) { return mk.subst; }));
  }

  // max_country_share of (material m, report region r): docs/model.md "max_country_share".
  double country_share(int m, int r) const {
    const std::vector<std::string> regs = members(s_.report_regions[static_cast<std::size_t>(r)]);
    std::vector<double> by(countries_.size(), 0.0);
    std::vector<bool> home(countries_.size(), false);
    for (const auto& n : nodes_) {
      if (n.kind != NodeKind::consumer || n.material != m || !contains(regs, n.region)) continue;
      home[static_cast<std::size_t>(n.country_idx)] = true;
      for (std::size_t c = 0; c < by.size(); ++c)
        by[c] += n.arr_by_country[c];
    }
    double total = 0, best = 0;
    for (std::size_t c = 0; c < by.size(); ++c) {
      total += by[c];
      if (!home[c]) best = std::max(best, by[c]);
    }
    return total > 0 ? best / total : 0.0;
  }

  const crisp::Scenario& s_;
  double dt_;
  SteppedOracleTrace* trace_;
  long long nsteps_ = 0, steps_per_year_ = 0, steps_per_day_ = 1;
  double delta_ = 0;
  int nmat_ = 0, nreg_ = 0;
  std::vector<std::string> countries_;
  std::vector<Node> nodes_;
  std::vector<Flow> edges_, pairs_;
  std::vector<Pile> piles_;
  std::vector<Market> markets_;
  std::vector<CostItem> costs_;
  std::vector<Occ> occs_;
  std::vector<Acc> acc_;
  std::vector<std::pair<double, double>> shorts_;
  std::vector<double> scratch_levels_;
};

void Oracle::run(std::span<double> out) {
  // Day 0, steps 1-2: allocate with no shock, full buffers; the pipelines hold lead time of it.
  for (auto& n : nodes_)
    n.cf = 1, n.surge = 1, n.rel = 0, n.arrivals = 0;
  update_capacities();
  for (auto& p : piles_)  // no release yet: refilling from day 0 when below target
    p.refilling = p.level < p.target * (1 - kRel) && 1.0 <= p.spec.refill_max_price_multiple;
  set_demand(0, true);
  allocate(0, true);
  price();  // a stepped market stays at m_0 = 1
  record_peaks();
  for (auto& n : nodes_)
    if (n.kind == NodeKind::refinery)
      n.target = n.buffer_days * n.shipped / n.yield, n.level = n.target;
  for (auto& f : edges_) {
    f.base = f.filled;
    for (long long j = 0; j < f.lead; ++j)
      f.ring[static_cast<std::size_t>(j)] = f.filled;
  }
  for (auto& f : pairs_)
    for (long long j = 0; j < f.lead; ++j)
      f.ring[static_cast<std::size_t>(j)] = f.rate;
  // Short spells seen by the day-0 allocation carry over (they only matter with a delay of 0).
  for (auto& p : piles_) {
    const double price = s_.materials[static_cast<std::size_t>(p.spec.material)].price_eur_per_t;
    p.cost = p.level * price;  // initial fill at the base price on day 0
  }

  for (long long k = 0; k < nsteps_; ++k) {
    apply_shocks(k);
    update_standby(k);
    // Reviews read the multiple in force before the instant (at a step's instant, m_{k-1}), so
    // they come before the step moves it.
    for (int m = 0; m < nmat_; ++m) {
      const Market& mk = markets_[static_cast<std::size_t>(m)];
      if (mk.review_steps > 0 && k > 0 && k % mk.review_steps == 0) review(m, k);
    }
    for (int m = 0; m < nmat_; ++m)
      price_step(m, k);
    stock_building();
    update_capacities();
    set_demand(k, false);
    take_arrivals(k);
    stockpile_state(k);
    releases();
    allocate(k, false);
    price();
    // The multiple the allocation just set may pause or resume a refill (refill purchases are
    // requirement, so they move the multiple too): the refill follows the new multiple at the
    // same instant, and the material is allocated again (a few rounds at most). A stepped
    // market's multiple did not move, so its refills do not flip here: no second settle.
    for (int round = 0; round < 4 && refill_flags(k); ++round) {
      allocate(k, false);
      price();
    }
    accumulate_tightness();
    record_peaks();
    ship(k);
    if (trace_ && k % steps_per_day_ == 0) record_day();
    integrate(k);
  }

  const double horizon = static_cast<double>(nsteps_) * dt_;
  for (auto& p : piles_) {
    const double price = s_.materials[static_cast<std::size_t>(p.spec.material)].price_eur_per_t;
    p.cost -= p.level * price * std::exp(-delta_ * horizon);  // what is left, at the base price
  }

  const crisp::MetricLayout layout = stepped_oracle_layout(s_);
  if (out.size() < static_cast<std::size_t>(layout.size()))
    throw std::invalid_argument("stepped oracle: output span too small");
  std::fill(out.begin(), out.begin() + layout.size(), kNaN);
  auto put = [&](int m, int r, Metric metric, double v) {
    out[static_cast<std::size_t>(layout.slot(m, r, metric))] = v;
  };
  const int mcs = max_country_share_index<Metric>();
  const int gut = demand_given_up_t_index<Metric>(), gue = demand_given_up_eur_index<Metric>();
  for (int r = 0; r < nreg_; ++r) {
    double loss_all = 0, policy_all = 0, given_all = 0;
    for (int m = 0; m < nmat_; ++m) {
      const Acc& a = acc(m, r);
      double policy = 0, min_frac = std::numeric_limits<double>::infinity();
      bool served = false;
      for (const auto& p : piles_) {
        if (p.spec.material != m) continue;
        policy += p.cost * p.weight[static_cast<std::size_t>(r)];
        bool serves = false;
        for (int c : p.consumers)
          if (contains(nodes_[static_cast<std::size_t>(c)].report, r)) serves = true;
        if (serves) served = true, min_frac = std::min(min_frac, p.min_frac);
      }
      for (const auto& c : costs_)
        if (c.material == m) policy += c.cost * c.weight[static_cast<std::size_t>(r)];
      put(m, r, Metric::unmet_t, a.unmet);
      put(m, r, Metric::unmet_frac, a.demand > 0 ? a.unmet / a.demand : 0.0);
      put(m, r, Metric::shortage_days, a.short_time);
      put(m, r, Metric::longest_shortage_days, a.longest);
      put(m, r, Metric::peak_shortfall_frac, a.peak);
      put(m, r, Metric::loss_eur, a.loss);
      put(m, r, Metric::policy_cost_eur, policy);
      // Demand given up is valued and counted in total_cost_eur (docs/model.md).
      put(m, r, Metric::total_cost_eur, a.loss + policy + a.given_eur);
      put(m, r, Metric::stock_released_t, a.released);
      put(m, r, Metric::stock_min_frac, served ? min_frac : kNaN);
      put(m, r, Metric::price_peak_multiple, markets_[static_cast<std::size_t>(m)].peak);
      if (mcs >= 0) put(m, r, static_cast<Metric>(mcs), country_share(m, r));
      if (gut >= 0) put(m, r, static_cast<Metric>(gut), a.given_t);
      if (gue >= 0) put(m, r, static_cast<Metric>(gue), a.given_eur);
      loss_all += a.loss;
      policy_all += policy;
      given_all += a.given_eur;
    }
    const Acc& all = acc(nmat_, r);
    put(nmat_, r, Metric::shortage_days, all.short_time);
    put(nmat_, r, Metric::longest_shortage_days, all.longest);
    put(nmat_, r, Metric::loss_eur, loss_all);
    put(nmat_, r, Metric::policy_cost_eur, policy_all);
    put(nmat_, r, Metric::total_cost_eur, loss_all + policy_all + given_all);
    if (gue >= 0) put(nmat_, r, static_cast<Metric>(gue), given_all);
  }

  if (trace_) {
    auto& tr = *trace_;
    tr.price_peak.clear();
    for (const auto& mk : markets_)
      tr.price_peak.push_back(mk.peak);
    tr.max_country_share.assign(static_cast<std::size_t>(nmat_), {});
    for (int m = 0; m < nmat_; ++m)
      for (int r = 0; r < nreg_; ++r)
        tr.max_country_share[static_cast<std::size_t>(m)].push_back(country_share(m, r));
    tr.demand_given_up_t.assign(static_cast<std::size_t>(nmat_), {});
    tr.demand_given_up_eur.assign(static_cast<std::size_t>(nmat_ + 1), {});
    for (int m = 0; m <= nmat_; ++m)
      for (int r = 0; r < nreg_; ++r) {
        double eur = 0;
        for (int mm = 0; mm < nmat_; ++mm)
          if (mm == m || m == nmat_) eur += acc(mm, r).given_eur;
        tr.demand_given_up_eur[static_cast<std::size_t>(m)].push_back(eur);
        if (m < nmat_)
          tr.demand_given_up_t[static_cast<std::size_t>(m)].push_back(acc(m, r).given_t);
      }
    tr.activation_day.clear();
    tr.first_unmet_day.clear();
    for (std::size_t i = 0; i < nodes_.size(); ++i) {
      const Node& n = nodes_[i];
      tr.activation_day.push_back(s_.nodes[i].standby && std::isfinite(n.act_time) ? n.act_time
                                                                                   : kNaN);
      tr.first_unmet_day.push_back(std::isfinite(n.first_unmet) ? n.first_unmet : kNaN);
    }
    tr.lever_cost.clear();
    for (const auto& c : costs_)
      if (c.lever >= 0) tr.lever_cost.push_back(c.cost);
  }
}

}  // namespace

crisp::MetricLayout stepped_oracle_layout(const crisp::Scenario& s) {
  crisp::MetricLayout l;
  for (const auto& m : s.materials)
    l.materials.push_back(m.name);
  l.regions = s.report_regions;
  return l;
}

int stepped_oracle_max_country_share_metric() {
  return max_country_share_index<Metric>();
}
int stepped_oracle_demand_given_up_t_metric() {
  return demand_given_up_t_index<Metric>();
}
int stepped_oracle_demand_given_up_eur_metric() {
  return demand_given_up_eur_index<Metric>();
}

void run_stepped_oracle(const crisp::Scenario& s, const crisp::PolicyEffects& effects,
                        const std::vector<crisp::ShockOccurrence>& shocks, double dt_days,
                        std::span<double> out, SteppedOracleTrace* trace) {
  Oracle o(s, effects, shocks, dt_days, trace);
  o.run(out);
}

void run_stepped_oracle(const crisp::Scenario& s,
                        const std::vector<crisp::StockpileSpec>& stockpiles,
                        const std::vector<crisp::ShockOccurrence>& shocks, double dt_days,
                        std::span<double> out, SteppedOracleTrace* trace) {
  crisp::PolicyEffects fx;
  fx.stockpiles = stockpiles;
  run_stepped_oracle(s, fx, shocks, dt_days, out, trace);
}
