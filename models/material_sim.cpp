#include "models/material_sim.hpp"

#include "models/market.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "models/shocks/kinds.hpp"

namespace crisp {

namespace {

// Every event kind with its priority, in priority order: at one instant arrivals land first, then
// shocks change, then stores cross, then the timers that depend on them fire; the horizon closes
// the instant. Equal priorities keep scheduling order (the sequence number). What a kind does is
// its case in MaterialSim::apply; the kinds that carry a version stamp are MaterialSim::is_stale's.
enum Kind : std::uint32_t {
  kArrivalEdge,        // an edge's arrival rate changes by `value`
  kArrivalSpot,        // a spot pair's arrival rate changes by `value`
  kShockEnd,           // occurrence `target` ends
  kShockStart,         // occurrence `target` bites
  kAnnounceStart,      // occurrence `target` is announced (buyers top up)
  kShockPhase,         // occurrence `target`'s licence delay ends or leakage starts
  kNodeCrossing,       // a buffer reaches 0, its target or its restart level (`value`), versioned
  kStockpileCrossing,  // a stockpile reaches 0 or its target, versioned
  kResourcingReady,    // a short buyer may buy spot, versioned
  kReleaseReady,       // an armed stockpile starts releasing, versioned
  kRefillAllowed,      // a stockpile may refill again: the instant is settled again
  kActivation,         // a standby refinery comes online
  kGrowthStep,         // demand grows a year
  kMarketReview,       // substitution and expansion step
  kHorizon,            // the end
  kKindCount
};
constexpr std::uint32_t kPriority[kKindCount] = {0, 0, 1, 2, 2, 2, 3, 3, 4, 5, 6, 6, 7, 7, 8};

constexpr std::uint32_t priority_of(std::uint32_t kind) {
  return kPriority[kind];
}

constexpr double kEmptyCrossing = 0.0, kTargetCrossing = 1.0, kRestartCrossing = 2.0;
const double kNaN = std::numeric_limits<double>::quiet_NaN();

// Events closer than this (about 0.1 ms) belong to one instant; times computed by division
// (crossings) and by addition (arrivals) may differ by rounding when they mean the same instant.
constexpr double kInstantDays = 1e-9;

double tol_of(double scale) {
  return kRelTol * std::max(scale, 1e-12);
}

// Two rates that differ by rounding only are one rate: kRelTol of the larger, or of `scale` (the
// material's flow) for rates that are themselves residue of sums over that flow. A rate change is
// an event at the far end of a pipeline, and rounding residue must not make events.
bool same_rate(double a, double b, double scale = 0) {
  return std::abs(a - b) <= kRelTol * std::max({std::abs(a), std::abs(b), scale});
}

// Time to the next crossing of 0 or `target` for a level moving at `rate`; infinity when none.
// `kind` is set to the crossing's kind. A dry refinery buffer (restart > 0) crosses `restart`
// first on its way up.
double time_to_crossing(double level, double target, double rate, double& kind,
                        double restart = 0) {
  const double tol = tol_of(target);
  if (restart > 0 && rate > 0 && level < restart - tol) {
    kind = kRestartCrossing;
    return (restart - level) / rate;
  }
  if (rate < 0) {
    if (level > target + tol) {
      kind = kTargetCrossing;
      return (level - target) / -rate;
    }
    if (level > tol) {
      kind = kEmptyCrossing;
      return level / -rate;
    }
  } else if (rate > 0 && level < target - tol) {
    kind = kTargetCrossing;
    return (target - level) / rate;
  }
  return std::numeric_limits<double>::infinity();
}

}  // namespace

MaterialSim::MaterialSim(const Scenario& scenario, const MaterialNet& net,
                         const MetricLayout& layout, EngineOptions options)
    : options_(options),
      scenario_(scenario),
      net_(net),
      layout_(layout),
      discount_(Discount::from_yearly_rate(scenario.discount_rate)),
      alloc_(net) {
  const std::size_t n = net.nodes.size(), e = net.edges.size(), p = net.spot_pairs.size();
  capacity_factor_.resize(n);
  surge_.resize(n);
  pass_.resize(e);
  quota_.resize(e);
  quota_pass_.resize(e);
  base_flow_.resize(e);
  extra_delay_.resize(e);
  spot_blocked_.resize(p);
  share_.resize(e);
  online_.resize(n);
  restricted_.resize(n);
  extra_capacity_.resize(n);
  base_target_.resize(n);
  costs_.resize(net.costs.size());
  country_in_.assign(scenario.report_regions.size(), std::vector<double>(net.countries.size()));
  region_in_.resize(scenario.report_regions.size());
  ship_.resize(e);
  ship_lead_.resize(e);
  arrive_.resize(e);
  spot_ship_.resize(p);
  spot_arrive_.resize(p);
  for (auto* v : {&demand_, &level_, &target_, &refill_rate_, &inflow_, &release_, &unmet_,
                  &net_rate_, &scheduled_net_, &availability_, &capacity_, &requirement_in_,
                  &short_since_, &refill_latch_time_})
    v->resize(n);
  store_version_.resize(n);
  resourcing_version_.resize(n);
  ready_.resize(n);
  refill_latched_.resize(n);
  stockpiles_.resize(net.stockpiles.size());
  regions_.resize(scenario.report_regions.size());
  spells_.resize(scenario.report_regions.size());
  dry_.resize(n);
  touched_.reserve(n);
  hold_.assign(n, kNaN);
  held_.reserve(n);
  // Only a material whose shipments can arrive at the instant they are sent holds a buffer at its
  // target (docs/model.md "Zero lead times: buffers held at their target"); every other material
  // runs exactly as it would without the rule.
  for (const NetEdge& edge : net.edges)
    zero_lead_ = zero_lead_ || edge.lead == 0;
  zero_lead_ = zero_lead_ || (p > 0 && net.spec.spot_lead_time_days == 0);
  queue_.reserve(1024);
  // The progress guard's budget: generous for any network (a legitimate day sees a few events per
  // store, edge and spot pair), far below what a runaway cascade reaches.
  event_budget_ = scenario.event_budget * (1 + n + e + p + net.stockpiles.size());
}

NoProgress::NoProgress(const std::string& material, double day, std::uint64_t budget,
                       std::uint64_t shock_events)
    : std::runtime_error(fmt::format("the simulation of material '{}' makes no progress: more than "
                                     "{} events (its event_budget) in the day from day {:g}",
                                     material, budget, day)),
      material(material),
      day(day),
      budget(budget),
      shock_events(shock_events) {}

void MaterialSim::schedule(double time, std::uint32_t kind, std::uint32_t target,
                           std::uint64_t version, double value) {
  Event e;
  e.time = time;
  e.priority = priority_of(kind);
  e.kind = kind;
  e.target = target;
  e.version = version;
  e.value = value;
  queue_.push(e);
}

// What consumer c wants now: grown demand, times any surge, less what substitution has replaced.
double MaterialSim::demand_now(int c) const {
  return demand_[c] * surge_[c] * (1.0 - substitution_);
}

void MaterialSim::market_review() {
  const MaterialSpec& m = net_.spec;
  substitution_ = substitution_after_review(m.substitution, substitution_, price_multiple_,
                                            m.market.review_days);
  if (!m.expansion.enabled) return;
  if (price_multiple_ <= 1.0 + m.expansion.threshold) {
    high_price_since_ = -1;
    return;
  }
  if (high_price_since_ < 0) high_price_since_ = t_;
  if (t_ - high_price_since_ < m.expansion.delay_days) return;
  // New capacity of rate * world demand a year, per stage, to the suppliers free to sell,
  // pro rata to their capacity.
  const double growth =
      m.expansion.rate_per_year * m.market.review_days / kDaysPerYear * net_.world_demand0;
  for (const std::vector<int>* stage : {&net_.mines, &net_.refineries}) {
    double total = 0;
    for (int n : *stage)
      if (online_[n] && !restricted_[n]) total += net_.nodes[n].capacity + extra_capacity_[n];
    if (total <= 0) continue;
    for (int n : *stage)
      if (online_[n] && !restricted_[n])
        extra_capacity_[n] += growth * (net_.nodes[n].capacity + extra_capacity_[n]) / total;
  }
}

// A consumer's buffer is empty at level 0. A refinery's is empty from the moment it runs dry until
// it holds its restart level again (docs/model.md "Refinery input buffers: running dry").
// Market reviews happen only while a market response that steps at them is on.
bool MaterialSim::reviews() const {
  const MaterialSpec& m = net_.spec;
  return m.market.enabled && (m.substitution.enabled || m.expansion.enabled);
}

bool MaterialSim::buffer_empty(int n) const {
  return dry_[n] || level_[n] <= tol_of(target_[n]);
}

double MaterialSim::restart_level(int r) const {
  return kRestartFraction * target_[r];
}

// ---------------------------------------------------------------------------------------------
// The run

void MaterialSim::run(std::span<const ShockOccurrence> shocks, std::span<double> out) {
  reset(shocks);
  solve_day0();
  // Progress is a guarantee, checked: no simulated day may take more events than the budget
  // (docs/model.md "Progress"). A model that breaks it is a bug, reported rather than left to
  // eat memory or hang.
  double day_start = 0;
  std::uint64_t day_events = 0;
  for (;;) {
    // An event superseded since it was scheduled changes nothing: it costs no settle. (Time still
    // advances to it, so that every integral is summed over the same intervals as without the
    // skip, to the last bit.)
    if (options_.drop_stale)
      while (is_stale(queue_.top())) {
        advance(queue_.pop().time);
        ++stats_.events;
      }
    const double t1 = queue_.top().time;
    if (t1 >= day_start + 1.0) {
      day_start = std::floor(t1);
      day_events = 0;
    }
    advance(t1);
    bool horizon = false;
    touched_.clear();
    bool arrivals_only = true;
    while (!queue_.empty() && queue_.top().time == t1) {
      const Event e = queue_.pop();
      if (e.kind == kHorizon) horizon = true;
      ++stats_.events;
      if (++day_events > event_budget_ || queue_.size() > event_budget_)
        throw NoProgress(net_.spec.name, day_start, event_budget_, shock_events_);
      if (e.kind == kArrivalEdge)
        touched_.push_back(net_.edges[e.target].to);
      else if (e.kind == kArrivalSpot)
        touched_.push_back(net_.spot_pairs[e.target].buyer);
      else if (!is_stale(e))
        arrivals_only = false;
      apply(e);
    }
    ++stats_.instants;
    if (horizon) break;
    if (arrivals_only && options_.local_arrivals && settle_arrivals()) continue;
    ++stats_.settles;
    settle();
  }
  finish(out);
}

void MaterialSim::reset(std::span<const ShockOccurrence> shocks) {
  if (trajectory_ != nullptr) {
    Trajectory& tr = *trajectory_;
    tr.samples = static_cast<int>(std::floor(scenario_.horizon_days / tr.step)) + 1;
    tr.values.assign(
        regions_.size() * kTrajectorySeriesCount * static_cast<std::size_t>(tr.samples), 0.0);
    next_sample_ = 0;
  }
  queue_.clear();
  stats_ = RunStats{};
  t_ = 0;
  year_ = 0;
  occurrences_.clear();
  active_.clear();
  for (const ShockOccurrence& o : shocks)
    if (net_.shocks[o.shock].touches() && o.duration > 0) occurrences_.push_back(o);
  announced_.clear();
  const double horizon = scenario_.horizon_days;
  for (std::uint32_t i = 0; i < occurrences_.size(); ++i) {
    const ShockOccurrence& o = occurrences_[i];
    const ShockSchedule when = schedule_of(scenario_.shocks[o.shock]);
    const double end = o.start + o.duration;
    schedule(o.start, kShockStart, i, 0, 0);
    if (end < horizon) schedule(end, kShockEnd, i, 0, 0);
    if (when.announce_days > 0)
      schedule(std::max(0.0, o.start - when.announce_days), kAnnounceStart, i, 0, 0);
    // Phases (an export restriction's licence delay ending, its leakage starting) change the
    // factors mid-shock.
    for (double phase : when.phases)
      if (phase > 0 && o.start + phase < std::min(end, horizon))
        schedule(o.start + phase, kShockPhase, i, 0, 0);
  }
  shock_events_ = queue_.size();
  // Periodic events are scheduled one at a time, each by the one before: a short queue is a fast
  // one.
  if (kDaysPerYear < horizon) schedule(kDaysPerYear, kGrowthStep, 0, 0, 0);
  if (reviews() && net_.spec.market.review_days < horizon)
    schedule(net_.spec.market.review_days, kMarketReview, 0, 0, 0);
  schedule(horizon, kHorizon, 0, 0, 0);

  price_multiple_ = price_peak_ = 1.0;
  price_recheck_time_ = -1;
  refill_price_time_ = -1;
  substitution_ = 0;
  high_price_since_ = -1;
  std::fill(extra_capacity_.begin(), extra_capacity_.end(), 0.0);
  for (std::size_t n = 0; n < net_.nodes.size(); ++n)
    online_[n] = net_.nodes[n].standby ? 0 : 1;
  activation_pending_.assign(net_.nodes.size(), 0);
  for (std::size_t e = 0; e < net_.edges.size(); ++e)
    update_share(static_cast<int>(e));
  recompute_shock_factors();

  std::fill(ship_.begin(), ship_.end(), 0.0);
  std::fill(arrive_.begin(), arrive_.end(), 0.0);
  std::fill(spot_ship_.begin(), spot_ship_.end(), 0.0);
  std::fill(spot_arrive_.begin(), spot_arrive_.end(), 0.0);
  for (std::size_t e = 0; e < net_.edges.size(); ++e)
    ship_lead_[e] = net_.edges[e].lead;
  std::fill(release_.begin(), release_.end(), 0.0);
  std::fill(unmet_.begin(), unmet_.end(), 0.0);
  std::fill(net_rate_.begin(), net_rate_.end(), 0.0);
  std::fill(scheduled_net_.begin(), scheduled_net_.end(), 0.0);
  std::fill(store_version_.begin(), store_version_.end(), 0);
  std::fill(resourcing_version_.begin(), resourcing_version_.end(), 0);
  std::fill(short_since_.begin(), short_since_.end(), -1.0);
  std::fill(refill_latch_time_.begin(), refill_latch_time_.end(), -1.0);
  std::fill(ready_.begin(), ready_.end(), 0);
  std::fill(dry_.begin(), dry_.end(), 0);
  std::fill(hold_.begin(), hold_.end(), kNaN);
  for (std::size_t n = 0; n < net_.nodes.size(); ++n) {
    const NetNode& node = net_.nodes[n];
    demand_[n] = node.demand0;
    // Consumer targets are known now; refinery targets come from the day-0 allocation.
    base_target_[n] = node.kind == NodeKind::consumer ? node.buffer_days * node.demand0 : 0.0;
    target_[n] = base_target_[n];
    level_[n] = target_[n];
    refill_rate_[n] = target_[n] / node.buffer_refill_days;
  }
  for (std::size_t k = 0; k < stockpiles_.size(); ++k) {
    const NetStockpile& spec = net_.stockpiles[k];
    Stockpile& sp = stockpiles_[k];
    sp = Stockpile{};
    sp.level = spec.spec.initial_fill * spec.target;
    sp.min_frac = spec.target > 0 ? sp.level / spec.target : kNaN;
    sp.cost = sp.level * net_.spec.price_eur_per_t;  // the initial fill, bought on day 0
    // Never released, so refilling may start on day 0 (docs/model.md "Strategic stockpiles").
    sp.refilling =
        1.0 <= spec.spec.refill_max_price_multiple && sp.level < spec.target - tol_of(spec.target);
  }
  for (RegionTally& r : regions_)
    r = RegionTally{};
  std::fill(costs_.begin(), costs_.end(), 0.0);
  for (auto& c : country_in_)
    std::fill(c.begin(), c.end(), 0.0);
  std::fill(region_in_.begin(), region_in_.end(), 0.0);
  for (auto& s : spells_)
    s.clear();
}

void MaterialSim::recompute_shock_factors() {
  std::fill(capacity_factor_.begin(), capacity_factor_.end(), 1.0);
  std::fill(surge_.begin(), surge_.end(), 1.0);
  std::fill(pass_.begin(), pass_.end(), 1.0);
  std::fill(quota_.begin(), quota_.end(), std::numeric_limits<double>::infinity());
  std::fill(quota_pass_.begin(), quota_pass_.end(), 1.0);
  std::fill(extra_delay_.begin(), extra_delay_.end(), 0.0);
  std::fill(spot_blocked_.begin(), spot_blocked_.end(), 0);
  std::fill(restricted_.begin(), restricted_.end(), 0);
  // Each shock in force acts through its kind's effect (models/shocks/<kind>.hpp).
  ShockFactors f{.capacity_factor = capacity_factor_,
                 .surge = surge_,
                 .pass = pass_,
                 .extra_delay = extra_delay_,
                 .quota = quota_,
                 .quota_pass = quota_pass_,
                 .restricted = restricted_,
                 .spot_blocked = spot_blocked_,
                 .base_flow = base_flow_,
                 .net = net_,
                 .t = t_};
  for (int i : active_) {
    const ShockOccurrence& o = occurrences_[i];
    const ShockReach& reach = net_.shocks[o.shock];
    const ShockSpec& spec = scenario_.shocks[o.shock];
    visit_shock_kind(spec.kind, [&](auto k) { decltype(k)::type::effect(spec, reach, o, f); });
  }
}

// Buffer targets: day-0 buffer_days of demand, raised during an announced restriction's window
// for the buyers it covers (pre-emptive buying).
void MaterialSim::recompute_targets() {
  for (int c : net_.consumers) {
    const NetNode& node = net_.nodes[c];
    double target = base_target_[c];
    for (int i : announced_) {
      const ShockSpec& k = scenario_.shocks[occurrences_[i].shock];
      const auto& covered = net_.shocks[occurrences_[i].shock].consumers;
      if (std::find(covered.begin(), covered.end(), c) == covered.end()) continue;
      const double topped = schedule_of(k).announced_buffer_days;
      const double days = topped > 0 ? topped : node.buffer_days;
      target = std::max(target, days * node.demand0);
    }
    if (target == target_[c]) continue;
    target_[c] = target;
    refill_rate_[c] = target / node.buffer_refill_days;
    scheduled_net_[c] = kNaN;  // the crossing moves with the target
  }
}

void MaterialSim::update_share(int e) {
  const NetEdge& edge = net_.edges[e];
  share_[e] = edge.switch_node >= 0 && !online_[edge.switch_node] ? edge.standby_share : edge.share;
}

// A crossing or timer whose object has been rescheduled since (lazy deletion, version stamps).
bool MaterialSim::is_stale(const Event& e) const {
  switch (e.kind) {
    case kNodeCrossing:
      return e.version != store_version_[e.target];
    case kStockpileCrossing:
      return e.version != stockpiles_[e.target].crossing_version;
    case kResourcingReady:
      return e.version != resourcing_version_[e.target];
    case kReleaseReady:
      return e.version != stockpiles_[e.target].release_version ||
             stockpiles_[e.target].state != Release::armed;
    default:
      return false;
  }
}

void MaterialSim::apply(const Event& e) {
  switch (e.kind) {
    case kArrivalEdge:
    case kArrivalSpot: {
      double& a = e.kind == kArrivalEdge ? arrive_[e.target] : spot_arrive_[e.target];
      a += e.value;
      // The arrival rate is a sum of segment starts and ends; snap rounding residue to zero.
      if (std::abs(a) <= 1e-9 * std::abs(e.value)) a = 0.0;
      break;
    }
    case kShockStart: {
      const auto announced =
          std::find(announced_.begin(), announced_.end(), static_cast<int>(e.target));
      if (announced != announced_.end()) {
        announced_.erase(announced);
        recompute_targets();
      }
      active_.push_back(static_cast<int>(e.target));
      recompute_shock_factors();
      break;
    }
    case kAnnounceStart:
      announced_.push_back(static_cast<int>(e.target));
      recompute_targets();
      break;
    case kShockPhase:
      recompute_shock_factors();
      break;
    case kActivation:
      online_[e.target] = 1;
      for (std::size_t k = 0; k < net_.edges.size(); ++k)
        if (net_.edges[k].switch_node == static_cast<int>(e.target))
          update_share(static_cast<int>(k));
      break;
    case kMarketReview:
      market_review();
      if (e.time + net_.spec.market.review_days < scenario_.horizon_days)
        schedule(e.time + net_.spec.market.review_days, kMarketReview, 0, 0, 0);
      break;
    case kShockEnd:
      active_.erase(std::find(active_.begin(), active_.end(), static_cast<int>(e.target)));
      recompute_shock_factors();
      break;
    case kNodeCrossing: {
      if (e.version != store_version_[e.target]) break;
      const int n = static_cast<int>(e.target);
      if (e.value == kRestartCrossing) {
        level_[n] = restart_level(n);
        dry_[n] = 0;
      } else {
        level_[n] = e.value == kEmptyCrossing ? 0.0 : target_[n];
        if (e.value == kEmptyCrossing && net_.nodes[n].kind == NodeKind::refinery) dry_[n] = 1;
      }
      scheduled_net_[n] = kNaN;  // force a new crossing to be scheduled
      break;
    }
    case kStockpileCrossing: {
      Stockpile& sp = stockpiles_[e.target];
      if (e.version != sp.crossing_version) break;
      sp.level = e.value == kEmptyCrossing ? 0.0 : net_.stockpiles[e.target].target;
      sp.scheduled_net = kNaN;
      break;
    }
    case kResourcingReady:
      if (e.version == resourcing_version_[e.target]) ready_[e.target] = 1;
      break;
    case kReleaseReady: {
      Stockpile& sp = stockpiles_[e.target];
      if (e.version == sp.release_version && sp.state == Release::armed)
        sp.state = Release::releasing;
      break;
    }
    case kGrowthStep:
      ++year_;
      for (int c : net_.consumers)
        demand_[c] = net_.nodes[c].demand0 * std::pow(1.0 + net_.nodes[c].growth, year_);
      if ((year_ + 1) * kDaysPerYear < scenario_.horizon_days)
        schedule((year_ + 1) * kDaysPerYear, kGrowthStep, 0, 0, 0);
      break;
    default:  // refill allowed, horizon: nothing to change, the instant is settled again
      break;
  }
}

// Integrates every rate over [t_, t1): store levels, metrics and costs. Rates are constant here.
void MaterialSim::sample_until(double t1, bool through) {
  Trajectory& tr = *trajectory_;
  for (; next_sample_ < tr.samples; ++next_sample_) {
    const int k = next_sample_;
    const double ts = k * tr.step;
    if (ts > t1 || (ts == t1 && !through)) return;
    // The state on [t_, t1) is the one settled at t_; levels move linearly from there.
    const double dt = ts - t_;
    for (std::size_t r = 0; r < regions_.size(); ++r) {
      const int g = static_cast<int>(r);
      const RegionTally& tally = regions_[r];
      double stock = 0, buffer = 0, inflow = 0;
      for (std::size_t j = 0; j < stockpiles_.size(); ++j) {
        const double w = net_.region_stockpile_weight[r][j];
        const Stockpile& sp = stockpiles_[j];
        if (w > 0) stock += w * std::max(0.0, sp.level + (sp.inflow - sp.release) * dt);
      }
      for (int c : net_.region_consumers[r]) {
        buffer += level_[c] + net_rate_[c] * dt;
        inflow += inflow_[c];
      }
      const double values[kTrajectorySeriesCount] = {ts,
                                                     stock,
                                                     buffer,
                                                     inflow,
                                                     tally.unmet,
                                                     price_multiple_,
                                                     tally.unmet_t + tally.unmet * dt};
      for (int q = 0; q < kTrajectorySeriesCount; ++q)
        tr.at(g, q, k) = values[q];
    }
  }
}

void MaterialSim::advance(double t1) {
  if (trajectory_ != nullptr) sample_until(t1, false);
  const double dt = t1 - t_;
  if (dt <= 0) return;
  for (std::size_t n = 0; n < net_.nodes.size(); ++n)
    level_[n] += net_rate_[n] * dt;

  const double price = net_.spec.price_eur_per_t;
  const double disc_const = discount_.constant(t_, dt);
  const double disc_linear = discount_.linear(t_, dt);
  price_peak_ = std::max(price_peak_, price_multiple_);
  for (std::size_t k = 0; k < stockpiles_.size(); ++k) {
    Stockpile& sp = stockpiles_[k];
    const NetStockpile& spec = net_.stockpiles[k];
    const double net_rate = sp.inflow - sp.release;
    const double held = sp.level * disc_const + net_rate * disc_linear;  // integral of level * disc
    // Bought and sold at the current price; held at the base price (docs/model.md).
    sp.cost += (sp.inflow - sp.release) * price * price_multiple_ * disc_const +
               spec.spec.holding_cost_per_year / kDaysPerYear * price * held;
    sp.level = std::max(0.0, sp.level + net_rate * dt);
    if (spec.target > 0) sp.min_frac = std::min(sp.min_frac, sp.level / spec.target);
  }

  for (std::size_t k = 0; k < costs_.size(); ++k) {
    const NetCost& cost = net_.costs[k];
    double rate = cost.fixed;
    if (cost.node >= 0)
      rate += cost.per_t * alloc_.shipped[cost.node] + (online_[cost.node] ? 0.0 : cost.standby);
    for (std::size_t i = 0; i < cost.edges.size(); ++i)
      rate += cost.edge_per_t[i] * ship_[cost.edges[i]];
    costs_[k] += rate * disc_const;
  }

  // Arrivals by supplier country, for max_country_share.
  for (std::size_t r = 0; r < regions_.size(); ++r)
    for (int c : net_.region_consumers[r]) {
      for (int e : net_.in_edges[c])
        country_in_[r][net_.nodes[net_.edges[e].from].country] += arrive_[e] * dt;
      for (int p : net_.spot_by_buyer[c])  // most spot pairs carry nothing: adding 0 is a no-op
        if (spot_arrive_[p] != 0)
          country_in_[r][net_.nodes[net_.spot_pairs[p].supplier].country] += spot_arrive_[p] * dt;
      region_in_[r] += inflow_[c] * dt;
    }

  const double voll = net_.spec.value_of_lost_load_eur_per_t;
  for (std::size_t r = 0; r < regions_.size(); ++r) {
    RegionTally& g = regions_[r];
    g.unmet_t += g.unmet * dt;
    g.demand_t += g.demand * dt;
    g.released_t += g.released * dt;
    g.loss += g.unmet * voll * disc_const;
    if (g.unmet > tol_of(g.demand)) {
      g.shortage_days += dt;
      // A rate held for less than kInstantDays is rounding between two events of one instant.
      if (g.demand > 0 && dt > kInstantDays) g.peak = std::max(g.peak, g.unmet / g.demand);
      if (!g.in_spell) {
        g.in_spell = true;
        g.spell_start = t_;
      }
    } else if (g.in_spell) {
      g.in_spell = false;
      spells_[r].push_back({g.spell_start, t_});
      g.longest = std::max(g.longest, t_ - g.spell_start);
    }
  }
  t_ = t1;
}

// ---------------------------------------------------------------------------------------------
// One instant: docs/model.md "One instant"

// Day 0 (docs/model.md "Day 0"): the allocation with no shock in force, every buffer full and
// nothing drawn. Consumers' pipelines count as full (arrivals equal demand) and refineries' as
// delivering whatever they use, so nobody asks for a refill. The pipelines then hold the
// allocation's flows, and refinery buffer targets follow from it.
void MaterialSim::solve_day0() {
  for (int c : net_.consumers)
    inflow_[c] = demand_now(c);
  for (int r : net_.refineries)
    inflow_[r] = std::numeric_limits<double>::infinity();
  compute_releases();
  compute_requirements();
  run_allocation();
  arrive_ = alloc_.edge_flow;
  base_flow_ = alloc_.edge_flow;
  spot_arrive_ = alloc_.spot_flow;
  ship_ = alloc_.edge_flow;
  spot_ship_ = alloc_.spot_flow;
  for (int r : net_.refineries) {
    target_[r] = net_.nodes[r].buffer_days * alloc_.shipped[r] / net_.nodes[r].yield;
    level_[r] = target_[r];
    refill_rate_[r] = target_[r] / net_.nodes[r].buffer_refill_days;
  }
  sum_inflows();
  compute_store_flows();
  schedule_crossings();
  track_resourcing();
}

void MaterialSim::settle() {
  // A refinery buffer found at 0 is dry, whether or not a crossing brought it there.
  for (int r : net_.refineries)
    if (level_[r] <= tol_of(target_[r])) dry_[r] = 1;
  sum_inflows();
  update_stockpile_states();
  compute_releases();
  if (zero_lead_) choose_held();
  compute_requirements();
  run_allocation();
  if (zero_lead_) solve_held();
  schedule_arrivals();
  compute_store_flows();
  schedule_crossings();
  track_resourcing();
  // The allocation just made sets the price; when that pauses or resumes a refill, the instant
  // is settled once more with it (once: a refill that would flip the price back stays as set).
  if (net_.spec.market.enabled && t_ != price_recheck_time_)
    for (std::size_t k = 0; k < stockpiles_.size(); ++k)
      if (may_refill(k) != stockpiles_[k].refilling) {
        price_recheck_time_ = t_;
        schedule(t_, kRefillAllowed, static_cast<std::uint32_t>(k), 0, 0);
        break;
      }
}

void MaterialSim::sum_inflows() {
  for (std::size_t n = 0; n < net_.nodes.size(); ++n)
    inflow_[n] = inflow_of(static_cast<int>(n));
}

// Node n's arrival rate: its contract edges, then its spot pairs, each in index order.
double MaterialSim::inflow_of(int n) const {
  double sum = 0;
  for (int e : net_.in_edges[n])
    sum += arrive_[e];
  for (int p : net_.spot_by_buyer[n])
    sum += spot_arrive_[p];
  return sum;
}

// What a releasing stockpile would cover at consumer c: D - a, but with the shortfall trigger
// only once c's own buffer is empty (the buffer is drawn first).
double MaterialSim::consumer_gap(int c) const {
  return std::max(0.0, demand_now(c) - inflow_[c]);
}

void MaterialSim::update_stockpile_states() {
  if (zero_lead_ && price_recheck_time_ == t_ && refill_price_time_ != t_) {
    refill_price_ = price_multiple_;
    refill_price_time_ = t_;
  }
  for (std::size_t k = 0; k < stockpiles_.size(); ++k) {
    Stockpile& sp = stockpiles_[k];
    const NetStockpile& spec = net_.stockpiles[k];
    const bool shortfall_mode = spec.spec.trigger == ReleaseTrigger::shortfall;
    double gap = 0, arrivals = 0, demand = 0;
    bool dry_and_short = false;
    for (int c : spec.consumers) {
      const double d = demand_now(c);
      const double g = consumer_gap(c);
      const bool empty = buffer_empty(c);
      if (!shortfall_mode || empty) gap += g;
      dry_and_short = dry_and_short || (empty && g > tol_of(d));
      arrivals += inflow_[c];
      demand += d;
    }
    if (sp.state == Release::releasing && gap <= tol_of(demand)) {
      sp.state = Release::idle;
      sp.ever_released = true;
      sp.last_release_end = t_;
      schedule(t_ + spec.spec.refill_after_days, kRefillAllowed, static_cast<std::uint32_t>(k), 0,
               0);
    }
    if (sp.state == Release::idle) {
      const bool triggered =
          shortfall_mode ? dry_and_short : arrivals < spec.spec.threshold * demand - tol_of(demand);
      if (triggered) {
        ++sp.release_version;
        if (spec.delay <= 0) {
          sp.state = Release::releasing;
        } else {
          sp.state = Release::armed;
          schedule(t_ + spec.delay, kReleaseReady, static_cast<std::uint32_t>(k),
                   sp.release_version, 0);
        }
      }
    }
    sp.refilling = may_refill(k);
  }
}

// Idle, quiet for after_days since the last release, prices low enough, and below target.
bool MaterialSim::may_refill(std::size_t k) const {
  const Stockpile& sp = stockpiles_[k];
  const NetStockpile& spec = net_.stockpiles[k];
  const bool quiet = !sp.ever_released || t_ >= sp.last_release_end + spec.spec.refill_after_days;
  const double price = refill_price_time_ == t_ ? refill_price_ : price_multiple_;
  return sp.state == Release::idle && quiet && price <= spec.spec.refill_max_price_multiple &&
         sp.level < spec.target - tol_of(spec.target);
}

void MaterialSim::compute_releases() {
  std::fill(release_.begin(), release_.end(), 0.0);
  for (std::size_t k = 0; k < stockpiles_.size(); ++k) {
    Stockpile& sp = stockpiles_[k];
    const NetStockpile& spec = net_.stockpiles[k];
    sp.release = 0;
    if (sp.state != Release::releasing || sp.level <= tol_of(spec.target)) continue;
    const bool shortfall_mode = spec.spec.trigger == ReleaseTrigger::shortfall;
    double gap = 0;
    for (int c : spec.consumers)
      if (!shortfall_mode || buffer_empty(c)) gap += consumer_gap(c);
    if (gap <= 0) continue;
    sp.release = std::min(spec.cap, gap);
    const double fraction = sp.release / gap;
    for (int c : spec.consumers)
      if (!shortfall_mode || buffer_empty(c)) release_[c] = consumer_gap(c) * fraction;
  }
}

void MaterialSim::compute_requirements() {
  for (int c : net_.consumers) {
    bool refill = false;
    requirement_in_[c] = requirement_of(c, refill);
    if (refill) refill_latch_time_[c] = t_;
  }
}

// Consumer c's requirement now; `refill` is set when it includes the buffer refill.
double MaterialSim::requirement_of(int c, bool& refill) const {
  const double d = demand_now(c);
  double r = d;
  if (!std::isnan(hold_[c])) {
    // Held at its target over a zero lead time: the part of the refill that keeps it there.
    refill = hold_[c] > 0;
    r += hold_[c] * refill_rate_[c];
  } else {
    const double tol = tol_of(target_[c]);
    const bool drawn = inflow_[c] + release_[c] < d * (1 - kRelTol);
    // A refill started at this instant stands for the rest of it (a zero lead time would
    // otherwise flip it off and on for ever: the refill raises the arrivals at once).
    const bool latched = refill_latch_time_[c] == t_;
    refill = level_[c] < target_[c] - tol || (level_[c] <= target_[c] + tol && (drawn || latched));
    if (refill) r += refill_rate_[c];
  }
  const int k = net_.nodes[c].stockpile;
  if (k >= 0 && stockpiles_[k].refilling)
    r += net_.nodes[c].stockpile_weight * net_.stockpiles[k].refill_rate;
  return r;
}

// An instant whose only events are arrivals at stores whose new inflow changes no allocation
// input: the allocation, and so every shipping rate, spot flow and the price, stand as they are;
// only store flows and crossings move (docs/model.md "Work skipped"). Returns false, having
// changed nothing but inflows, when the instant needs a full settle.
bool MaterialSim::settle_arrivals() {
  for (int r : net_.refineries)
    if (!dry_[r] && level_[r] <= tol_of(target_[r])) return false;  // ran dry: availability
  for (int n : touched_) {
    inflow_[n] = inflow_of(n);
    if (!std::isnan(hold_[n])) return false;  // a held buffer's refill answers its inflow
    const NetNode& node = net_.nodes[n];
    // A stockpile's triggers and releases read its consumers' inflows.
    if (node.kind == NodeKind::consumer && node.stockpile >= 0) return false;
    if (node.kind == NodeKind::refinery) {
      // An empty buffer limits output to the inflow; one at its target refills or not by it.
      if (buffer_empty(n) || std::abs(level_[n] - target_[n]) <= tol_of(target_[n])) return false;
    }
  }
  for (int c : net_.consumers) {
    bool refill = false;
    if (requirement_of(c, refill) != requirement_in_[c]) return false;
  }
  // What a settle would do that is not skipped: the same refill latches, store flows, crossings.
  for (int c : net_.consumers) {
    bool refill = false;
    requirement_of(c, refill);
    if (refill) refill_latch_time_[c] = t_;
  }
  for (int r : net_.refineries)
    if (alloc_.refilling[r]) refill_latch_time_[r] = t_;
  compute_store_flows();
  schedule_crossings();
  return true;
}

// ---------------------------------------------------------------------------------------------
// Zero lead times: docs/model.md "Zero lead times: buffers held at their target"

// A buffer at its target (not empty, with a refill to ask for) that some supplier can reach at
// the same instant: a contract edge whose lead time is 0 now, or spot with a zero lead time.
bool MaterialSim::holdable(int n) const {
  if (refill_rate_[n] <= 0 || buffer_empty(n)) return false;
  if (std::abs(level_[n] - target_[n]) > tol_of(target_[n])) return false;
  if (net_.spec.spot_lead_time_days == 0 && !net_.spot_by_buyer[n].empty()) return true;
  for (int e : net_.in_edges[n])
    if (net_.edges[e].lead + extra_delay_[e] == 0) return true;
  return false;
}

// Which buffers are held at this settle. One held before keeps its fraction as the first guess
// (the instant that follows usually needs the same); a newly held one starts without its refill.
void MaterialSim::choose_held() {
  auto choose = [&](int n) {
    if (!holdable(n))
      hold_[n] = kNaN;
    else if (std::isnan(hold_[n]))
      hold_[n] = 0.0;
  };
  for (int c : net_.consumers)
    choose(c);
  for (int r : net_.refineries)
    choose(r);
}

// What reaches held buffer n at this instant under the allocation just made, less what it uses:
// arrivals over positive lead times stand, and a zero-lead edge or spot pair delivers its new
// shipping rate at once (the change schedule_arrivals() is about to put at this instant).
double MaterialSim::hold_balance(int n) const {
  double in = 0;
  for (int e : net_.in_edges[n]) {
    in += arrive_[e];
    if (net_.edges[e].lead + extra_delay_[e] == 0)
      in += alloc_.edge_flow[e] - (ship_lead_[e] == 0 ? ship_[e] : 0.0);
  }
  const bool spot_now = net_.spec.spot_lead_time_days == 0;
  for (int p : net_.spot_by_buyer[n])
    in += spot_arrive_[p] + (spot_now ? alloc_.spot_flow[p] - spot_ship_[p] : 0.0);
  const bool consumer = net_.nodes[n].kind == NodeKind::consumer;
  return in - (consumer ? demand_now(n) - release_[n] : alloc_.input_use[n]);
}

// Allocates again with held buffer n asking for `fraction` of its refill; its balance then.
double MaterialSim::evaluate_hold(int n, double fraction) {
  hold_[n] = fraction;
  if (net_.nodes[n].kind == NodeKind::consumer) {
    bool refill = false;
    requirement_in_[n] = requirement_of(n, refill);
  }
  run_allocation();
  return hold_balance(n);
}

namespace {
// A held buffer is balanced when what arrives and what it uses differ by no more than this,
// relative to the larger of its use and the material's world demand (rounding in the allocation's
// sums over the whole flow). A residue that small moves the level by less than its at-target
// tolerance within a buffer's days, so holding it at the target cannot make a stream of events.
constexpr double kHoldTol = 1e-12;
// Rounds over the held buffers, and solver steps per buffer: both far above what is needed (the
// default's zero-lead runs need at most a few of each) and they only bound the work of a
// pathological instant; a buffer left unbalanced drifts off its target and is held again later.
constexpr int kHoldRounds = 20, kHoldSteps = 60;
}  // namespace

// Solves every held buffer's fraction so that what arrives equals what it uses (or, when no
// fraction can, its whole refill or none): one buffer at a time, in a fixed order, until a round
// changes none. The allocation left in alloc_ is that of the fractions in hold_.
void MaterialSim::solve_held() {
  held_.clear();
  for (int c : net_.consumers)
    if (!std::isnan(hold_[c])) held_.push_back(c);
  for (int r : net_.refineries)
    if (!std::isnan(hold_[r])) held_.push_back(r);
  for (int round = 0; round < kHoldRounds && !held_.empty(); ++round) {
    bool moved = false;
    for (int n : held_) {
      const double before = hold_[n];
      solve_hold(n);
      moved = moved || hold_[n] != before;
    }
    if (!moved) break;
  }
}

// One held buffer's fraction, the others' fixed: the root of its balance in [0, 1] by regula falsi
// (the Illinois variant) from the current fraction, or the end of [0, 1] the balance's sign asks
// for. The balance grows with the fraction: asking more never brings less.
void MaterialSim::solve_hold(int n) {
  const bool consumer = net_.nodes[n].kind == NodeKind::consumer;
  const double use = consumer ? demand_now(n) - release_[n] : alloc_.input_use[n];
  const double tol = kHoldTol * std::max(std::abs(use), net_.world_demand0);
  double x = hold_[n];
  double f = hold_balance(n);
  if (std::abs(f) <= tol || (x == 0 && f > 0) || (x == 1 && f < 0)) return;
  // Bracket the root: a below it (balance < 0), b above it (balance > 0).
  double a = x, fa = f, b = x, fb = f;
  if (f < 0) {
    b = 1;
    fb = evaluate_hold(n, b);
    if (fb <= tol) return;  // even the whole refill leaves it drawn: it asks for all of it
  } else {
    a = 0;
    fa = evaluate_hold(n, a);
    if (fa >= -tol) return;  // no refill at all keeps it at its target
  }
  int side = 0;
  for (int step = 0; step < kHoldSteps; ++step) {
    double next = a - fa * (b - a) / (fb - fa);
    if (!(next > a && next < b)) next = 0.5 * (a + b);
    if (!(next > a && next < b)) break;  // the bracket is as narrow as doubles allow
    const double fn = evaluate_hold(n, next);
    if (std::abs(fn) <= tol) return;
    if (fn < 0) {
      a = next;
      fa = fn;
      if (side < 0) fb *= 0.5;
      side = -1;
    } else {
      b = next;
      fb = fn;
      if (side > 0) fa *= 0.5;
      side = 1;
    }
  }
  // Not within the tolerance: the upper end, which keeps the buffer from being drawn down.
  if (hold_[n] != b) evaluate_hold(n, b);
}

void MaterialSim::run_allocation() {
  // Capacity: as built plus any market expansion, after outages; nothing while on standby.
  auto capacity = [&](int n) {
    return online_[n] ? (net_.nodes[n].capacity + extra_capacity_[n]) * capacity_factor_[n] : 0.0;
  };
  for (int s : net_.mines)
    capacity_[s] = availability_[s] = capacity(s);
  for (int r : net_.refineries) {
    double a = capacity_[r] = capacity(r);
    // An empty input buffer limits output to what arrives.
    if (buffer_empty(r)) a = std::min(a, inflow_[r] * net_.nodes[r].yield);
    availability_[r] = a;
  }
  AllocationInput in;
  in.consumer_requirement = requirement_in_;
  in.availability = availability_;
  in.capacity = capacity_;
  in.share = share_;
  in.pass = pass_;
  in.quota = quota_;
  in.quota_pass = quota_pass_;
  in.spot_blocked = spot_blocked_;
  in.spot_ready = ready_;
  in.buffer_level = level_;
  in.buffer_target = target_;
  in.inflow = inflow_;
  in.refill_rate = refill_rate_;
  for (int r : net_.refineries)
    refill_latched_[r] = refill_latch_time_[r] == t_;
  in.refill_latched = refill_latched_;
  if (zero_lead_) in.refill_fraction = hold_;
  alloc_.allocate(in);
  for (int r : net_.refineries)
    if (alloc_.refilling[r]) refill_latch_time_[r] = t_;
  if (net_.spec.market.enabled) update_price();
}

// Tightness = the consumers' unserved requirement / their requirement, at this allocation; the
// price multiple follows from it and holds until the next one (docs/model.md "Market response").
void MaterialSim::update_price() {
  double required = 0, served = 0;
  for (int c : net_.consumers)
    required += alloc_.requirement[c];
  for (std::size_t e = 0; e < net_.edges.size(); ++e)
    if (net_.nodes[net_.edges[e].to].kind == NodeKind::consumer) served += alloc_.edge_flow[e];
  for (std::size_t p = 0; p < net_.spot_pairs.size(); ++p)
    if (net_.nodes[net_.spot_pairs[p].buyer].kind == NodeKind::consumer)
      served += alloc_.spot_flow[p];
  // Rounding in the allocation must not move the price: a shortfall below the tolerance is none.
  double tightness = required > 0 ? 1.0 - served / required : 0.0;
  if (tightness <= kRelTol) tightness = 0.0;
  price_multiple_ = price_multiple(net_.spec.market, tightness);
}

// A change of rate or lead time on an edge ends one shipping segment and starts another
// (docs/model.md "Lead times and pipelines").
void MaterialSim::schedule_arrivals() {
  for (std::uint32_t e = 0; e < net_.edges.size(); ++e) {
    const double rate = same_rate(alloc_.edge_flow[e], ship_[e], net_.world_demand0)
                            ? ship_[e]
                            : alloc_.edge_flow[e];
    const double lead = net_.edges[e].lead + extra_delay_[e];
    if (rate == ship_[e] && lead == ship_lead_[e]) continue;
    if (lead == ship_lead_[e]) {
      schedule(t_ + lead, kArrivalEdge, e, 0, rate - ship_[e]);
    } else {
      if (ship_[e] != 0) schedule(t_ + ship_lead_[e], kArrivalEdge, e, 0, -ship_[e]);
      if (rate != 0) schedule(t_ + lead, kArrivalEdge, e, 0, rate);
    }
    ship_[e] = rate;
    ship_lead_[e] = lead;
  }
  const double spot_lead = net_.spec.spot_lead_time_days;
  for (std::uint32_t p = 0; p < net_.spot_pairs.size(); ++p) {
    const double rate = alloc_.spot_flow[p];
    if (same_rate(rate, spot_ship_[p], net_.world_demand0)) continue;
    schedule(t_ + spot_lead, kArrivalSpot, p, 0, rate - spot_ship_[p]);
    spot_ship_[p] = rate;
  }
}

// Where material goes at each store (docs/model.md "Consumers: where material goes").
void MaterialSim::compute_store_flows() {
  for (Stockpile& sp : stockpiles_)
    sp.inflow = 0;
  for (int c : net_.consumers) {
    const double d = demand_now(c);
    const double surplus = inflow_[c] + release_[c] - d;
    unmet_[c] = 0;
    net_rate_[c] = 0;
    if (surplus >= -tol_of(d)) {
      const double extra = std::max(0.0, surplus);
      const int k = net_.nodes[c].stockpile;
      const bool buffer_low = level_[c] < target_[c] - tol_of(target_[c]);
      if (!buffer_low && k >= 0 && stockpiles_[k].refilling)
        stockpiles_[k].inflow += extra;
      else
        net_rate_[c] = extra;
    } else if (!buffer_empty(c)) {
      net_rate_[c] = surplus;
    } else {
      unmet_[c] = -surplus;
    }
  }
  for (int r : net_.refineries) {
    net_rate_[r] = inflow_[r] - alloc_.shipped[r] / net_.nodes[r].yield;
    if (buffer_empty(r) && net_rate_[r] < 0) net_rate_[r] = 0;  // rounding: it cannot go below 0
  }
  // A standby refinery starts activation_days after its region first goes short.
  for (int n : net_.standby_nodes) {
    if (online_[n] || activation_pending_[n]) continue;
    for (int c : net_.nodes[n].owner_consumers)
      if (unmet_[c] > tol_of(demand_now(c))) {
        activation_pending_[n] = 1;
        schedule(t_ + net_.nodes[n].activation_days, kActivation, static_cast<std::uint32_t>(n), 0,
                 0);
        break;
      }
  }
  for (std::size_t r = 0; r < regions_.size(); ++r) {
    RegionTally& g = regions_[r];
    g.unmet = g.demand = g.released = 0;
    for (int c : net_.region_consumers[r]) {
      g.unmet += unmet_[c];
      g.demand += demand_now(c);
      g.released += release_[c];
    }
  }
}

void MaterialSim::schedule_crossings() {
  const double horizon = scenario_.horizon_days;
  // A store's crossing moves only when its net rate changes beyond rounding (or a crossing just
  // fired): a crossing recomputed for a rate one ulp away would land a rounding away from the
  // one pending, and the two would split one instant in two.
  auto buffer = [&](int n) {
    if (same_rate(net_rate_[n], scheduled_net_[n])) return;
    scheduled_net_[n] = net_rate_[n];
    ++store_version_[n];
    double kind = 0;
    const double dt = time_to_crossing(level_[n], target_[n], net_rate_[n], kind,
                                       dry_[n] ? restart_level(n) : 0.0);
    if (t_ + dt < horizon) schedule(t_ + dt, kNodeCrossing, n, store_version_[n], kind);
  };
  for (int n : net_.consumers)
    buffer(n);
  for (int n : net_.refineries)
    buffer(n);
  for (std::uint32_t k = 0; k < stockpiles_.size(); ++k) {
    Stockpile& sp = stockpiles_[k];
    const double rate = sp.inflow - sp.release;
    if (same_rate(rate, sp.scheduled_net)) continue;
    sp.scheduled_net = rate;
    ++sp.crossing_version;
    double kind = 0;
    const double dt = time_to_crossing(sp.level, net_.stockpiles[k].target, rate, kind);
    if (t_ + dt < horizon) schedule(t_ + dt, kStockpileCrossing, k, sp.crossing_version, kind);
  }
}

// A buyer's short spell starts when its contracts leave it short and ends when they stop; spot
// opens to it once the spell has lasted the material's resourcing delay.
void MaterialSim::track_resourcing() {
  auto track = [&](int b) {
    const double delay = net_.nodes[b].resourcing_delay;
    const bool short_now = alloc_.contract_short[b] > tol_of(alloc_.requirement[b]);
    if (short_now && short_since_[b] < 0) {
      short_since_[b] = t_;
      ++resourcing_version_[b];
      schedule(t_ + delay, kResourcingReady, static_cast<std::uint32_t>(b), resourcing_version_[b],
               0);
    } else if (!short_now && short_since_[b] >= 0) {
      short_since_[b] = -1;
      ready_[b] = 0;
      ++resourcing_version_[b];
    }
  };
  for (int c : net_.consumers)
    track(c);
  for (int r : net_.refineries)
    track(r);
}

// ---------------------------------------------------------------------------------------------
// Metrics at the horizon

void MaterialSim::close_spells(double t) {
  for (std::size_t r = 0; r < regions_.size(); ++r) {
    RegionTally& g = regions_[r];
    if (!g.in_spell) continue;
    g.in_spell = false;
    spells_[r].push_back({g.spell_start, t});
    g.longest = std::max(g.longest, t - g.spell_start);
  }
}

void MaterialSim::finish(std::span<double> out) {
  if (trajectory_ != nullptr) sample_until(t_, true);  // the samples at the horizon
  close_spells(t_);
  const double price = net_.spec.price_eur_per_t;
  for (std::size_t k = 0; k < stockpiles_.size(); ++k)
    // What is left at the horizon is credited at the base price.
    stockpiles_[k].net_cost =
        stockpiles_[k].cost - stockpiles_[k].level * price * discount_.factor(t_);

  const int m = net_.material;
  for (std::size_t r = 0; r < regions_.size(); ++r) {
    const RegionTally& g = regions_[r];
    auto put = [&](Metric metric, double v) {
      out[layout_.slot(m, static_cast<int>(r), metric)] = v;
    };
    double policy_cost = 0, min_frac = kNaN;
    for (std::size_t k = 0; k < costs_.size(); ++k)
      policy_cost += net_.costs[k].region_weight[r] * costs_[k];
    double largest_third = 0;
    for (std::size_t c = 0; c < net_.countries.size(); ++c)
      if (!net_.region_own_country[r][c])
        largest_third = std::max(largest_third, country_in_[r][c]);
    for (std::size_t k = 0; k < stockpiles_.size(); ++k) {
      const double w = net_.region_stockpile_weight[r][k];
      if (w <= 0) continue;
      policy_cost += w * stockpiles_[k].net_cost;
      if (!std::isnan(stockpiles_[k].min_frac))
        min_frac = std::isnan(min_frac) ? stockpiles_[k].min_frac
                                        : std::min(min_frac, stockpiles_[k].min_frac);
    }
    put(Metric::unmet_t, g.unmet_t);
    put(Metric::unmet_frac, g.demand_t > 0 ? g.unmet_t / g.demand_t : 0.0);
    put(Metric::shortage_days, g.shortage_days);
    put(Metric::longest_shortage_days, g.longest);
    put(Metric::peak_shortfall_frac, g.peak);
    put(Metric::loss_eur, g.loss);
    put(Metric::policy_cost_eur, policy_cost);
    put(Metric::total_cost_eur, g.loss + policy_cost);
    put(Metric::stock_released_t, g.released_t);
    put(Metric::stock_min_frac, min_frac);
    put(Metric::price_peak_multiple, price_peak_);
    put(Metric::max_country_share, region_in_[r] > 0 ? largest_third / region_in_[r] : 0.0);
  }
}

}  // namespace crisp
