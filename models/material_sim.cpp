#include "models/material_sim.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "models/engine/event_kinds.hpp"
#include "models/engine/levels.hpp"
#include "models/shocks/kinds.hpp"

namespace crisp {

using namespace engine;  // the components

MaterialSim::MaterialSim(const Scenario& scenario, const MaterialNet& net,
                         const MetricLayout& layout, EngineOptions options)
    : options_(options),
      scenario_(scenario),
      net_(net),
      alloc_(net),
      shocks_(net),
      market_(net),
      pipes_(net),
      buffers_(net),
      stockpiles_(net),
      resourcing_(net),
      held_(net.nodes.size()),
      tally_(scenario, net, layout) {
  const std::size_t n = net.nodes.size(), e = net.edges.size(), p = net.spot_pairs.size();
  availability_.resize(n);
  capacity_.resize(n);
  touched_.reserve(n);
  refilling_now_.reserve(net.consumers.size());
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

// ---------------------------------------------------------------------------------------------
// The run

// Inlined in the run loop, which asks it of every event.
[[gnu::always_inline]] inline bool MaterialSim::is_stale(const Event& e) const {
  switch (kEventKinds[e.kind].stale) {
    case Staleness::never:
      return false;
    case Staleness::buffer:
      return e.version != buffers_.version[e.target];
    case Staleness::stockpile_crossing:
      return stockpiles_.crossing_stale(e.target, e.version);
    case Staleness::resourcing:
      return e.version != resourcing_.version[e.target];
    case Staleness::stockpile_release:
      return stockpiles_.release_stale(e.target, e.version);
  }
  return false;
}

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
      const Role role = kEventKinds[e.kind].role;
      if (role == Role::horizon) horizon = true;
      ++stats_.events;
      if (++day_events > event_budget_ || queue_.size() > event_budget_)
        throw NoProgress(net_.spec.name, day_start, event_budget_, shock_events_);
      const bool stale = is_stale(e);
      if (role != Role::arrival && !stale) arrivals_only = false;
      if (!stale) apply(e);
    }
    ++stats_.instants;
    // A buyer reached by many pairs of one spot batch is listed once per pair: what follows
    // reads each node's arrivals afresh, so once is enough.
    std::sort(touched_.begin(), touched_.end());
    touched_.erase(std::unique(touched_.begin(), touched_.end()), touched_.end());
    tally_.arrivals_changed(touched_, t_, pipes_);
    if (horizon) break;
    if (arrivals_only && options_.local_arrivals && settle_arrivals()) continue;
    ++stats_.settles;
    settle();
  }
  if (tally_.recording())  // the samples at the horizon
    tally_.sample_until(t_, t_, true, buffers_, stockpiles_, market_.price_multiple);
  tally_.finish(t_, stockpiles_, pipes_, out);
}

void MaterialSim::reset(std::span<const ShockOccurrence> shocks) {
  queue_.clear();
  stats_ = RunStats{};
  t_ = 0;
  shock_events_ = shocks_.reset(shocks, scenario_, net_, queue_);
  // Periodic events are scheduled one at a time, each by the one before: a short queue is a fast
  // one.
  const double horizon = scenario_.horizon_days;
  if (kDaysPerYear < horizon) schedule(queue_, kDaysPerYear, kGrowthStep, 0, 0, 0);
  if (market_.reviews() && net_.spec.market.review_days < horizon)
    schedule(queue_, net_.spec.market.review_days, kMarketReview, 0, 0, 0);
  schedule(queue_, horizon, kHorizon, 0, 0, 0);

  market_.reset();
  if (net_.spec.market.enabled && net_.spec.market.stepped() && market_.next_step_time() < horizon)
    schedule(queue_, market_.next_step_time(), kPriceStep, 0, 0, 0);
  recompute_shock_factors();
  pipes_.reset();
  buffers_.reset();
  resourcing_.reset();
  held_.reset();
  stockpiles_.reset();
  tally_.reset(stockpiles_, horizon);
}

void MaterialSim::recompute_shock_factors() {
  shocks_.clear_factors();
  // Each shock in force acts through its kind's effect (models/shocks/<kind>.hpp).
  ShockFactors f{.capacity_factor = shocks_.capacity_factor,
                 .surge = shocks_.surge,
                 .pass = shocks_.pass,
                 .extra_delay = shocks_.extra_delay,
                 .quota = shocks_.quota,
                 .quota_pass = shocks_.quota_pass,
                 .restricted = shocks_.restricted,
                 .spot_blocked = shocks_.spot_blocked,
                 .base_flow = shocks_.base_flow,
                 .net = net_,
                 .t = t_};
  for (int i : shocks_.active) {
    const ShockOccurrence& o = shocks_.occurrences[i];
    const ShockReach& reach = net_.shocks[o.shock];
    const ShockSpec& spec = scenario_.shocks[o.shock];
    visit_shock_kind(spec.kind, [&](auto k) { decltype(k)::type::effect(spec, reach, o, f); });
  }
}

// Called for events that are not stale only.
void MaterialSim::apply(const Event& e) {
  const int i = static_cast<int>(e.target);
  const double horizon = scenario_.horizon_days;
  switch (static_cast<EventKind>(e.kind)) {
    case kArrivalEdge:
      touched_.push_back(pipes_.land_edge(e.target, e.value));
      break;
    case kArrivalSpot:
      pipes_.land_spot_batch(e.target, touched_);
      break;
    case kShockEnd:
      shocks_.end(i);
      recompute_shock_factors();
      break;
    case kShockStart:
      if (shocks_.start(i)) recompute_targets();  // an announcement's top-up ends
      recompute_shock_factors();
      break;
    case kAnnounceStart:
      shocks_.announced.push_back(i);
      recompute_targets();
      break;
    case kShockPhase:
      recompute_shock_factors();
      break;
    case kNodeCrossing:
      buffers_.cross(i, e.value);
      break;
    case kStockpileCrossing:
      stockpiles_.cross(e.target, e.value);
      break;
    case kResourcingReady:
      resourcing_.open(i);
      break;
    case kReleaseReady:
      stockpiles_.release_ready(e.target);
      break;
    case kActivation:
      market_.activate(i);
      break;
    case kGrowthStep:
      buffers_.grow();
      if ((buffers_.year + 1) * kDaysPerYear < horizon)
        schedule(queue_, (buffers_.year + 1) * kDaysPerYear, kGrowthStep, 0, 0, 0);
      break;
    case kMarketReview:
      market_.review(t_, shocks_.restricted);
      if (e.time + net_.spec.market.review_days < horizon)
        schedule(queue_, e.time + net_.spec.market.review_days, kMarketReview, 0, 0, 0);
      break;
    case kPriceStep:
      // Stock building starts or stops with a rising price: the targets move.
      if (market_.step()) recompute_targets();
      if (market_.next_step_time() < horizon)
        schedule(queue_, market_.next_step_time(), kPriceStep, 0, 0, 0);
      break;
    case kRefillAllowed:  // nothing to change: the instant is settled again
    case kHorizon:
    case kEventKindCount:
      break;
  }
}

void MaterialSim::advance(double t1) {
  if (tally_.recording())
    tally_.sample_until(t_, t1, false, buffers_, stockpiles_, market_.price_multiple);
  const double dt = t1 - t_;
  if (dt <= 0) return;
  // The tally reads the rates and levels of [t_, t1) before the stores move.
  tally_.accrue(t_, dt, market_.price_multiple, stockpiles_, pipes_, alloc_, market_.online);
  if (net_.spec.market.stepped()) market_.accrue(dt);
  buffers_.advance(dt);
  stockpiles_.advance(dt);
  tally_.observe_levels(stockpiles_);
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
    buffers_.inflow[c] = demand()(c);
  for (int r : net_.refineries)
    buffers_.inflow[r] = std::numeric_limits<double>::infinity();
  stockpiles_.compute_releases(buffers_, demand());
  compute_requirements();
  run_allocation();
  pipes_.fill(alloc_);
  tally_.arrivals_changed_everywhere(t_, pipes_);
  shocks_.base_flow = alloc_.edge_flow;
  buffers_.set_refinery_targets(alloc_);
  sum_inflows();
  compute_store_flows();
  schedule_crossings();
  resourcing_.track(alloc_, t_, queue_);
}

void MaterialSim::settle() {
  buffers_.mark_dry();
  sum_inflows();
  if (zero_lead_) market_.keep_refill_price(t_);
  stockpiles_.update_states(t_, market_.refill_price_at(t_), buffers_, demand(), queue_);
  stockpiles_.compute_releases(buffers_, demand());
  if (zero_lead_)
    held_.choose(net_.consumers, net_.refineries,
                 [&](int n) { return buffers_.holdable(n, shocks_.extra_delay); });
  compute_requirements();
  run_allocation();
  if (zero_lead_)
    held_.solve(
        net_.consumers, net_.refineries, net_.world_demand0, [&](int n) { return hold_balance(n); },
        [&](int n, double fraction) { return evaluate_hold(n, fraction); },
        [&](int n) { return hold_use(n); });
  pipes_.ship(alloc_, shocks_.extra_delay, t_, queue_);
  compute_store_flows();
  schedule_crossings();
  resourcing_.track(alloc_, t_, queue_);
  // The allocation just made sets the price; when that pauses or resumes a refill, the instant
  // is settled once more with it (once: a refill that would flip the price back stays as set).
  // (A stepped price moves only at its steps, whose own settle reads it.)
  if (net_.spec.market.enabled && !net_.spec.market.stepped() && t_ != market_.price_recheck_time)
    for (std::size_t k = 0; k < stockpiles_.size(); ++k)
      if (stockpiles_.may_refill(k, t_, market_.refill_price_at(t_)) != stockpiles_[k].refilling) {
        market_.price_recheck_time = t_;
        schedule(queue_, t_, kRefillAllowed, static_cast<std::uint32_t>(k), 0, 0);
        break;
      }
}

void MaterialSim::sum_inflows() {
  for (std::size_t n = 0; n < net_.nodes.size(); ++n)
    buffers_.inflow[n] = pipes_.inflow_of(static_cast<int>(n));
}

void MaterialSim::compute_requirements() {
  for (int c : net_.consumers) {
    bool refill = false;
    buffers_.requirement_in[c] = requirement_of(c, refill);
    if (refill) buffers_.refill_latch_time[c] = t_;
  }
}

// Consumer c's requirement now; `refill` is set when it includes the buffer refill.
double MaterialSim::requirement_of(int c, bool& refill) const {
  const double d = demand()(c);
  double r = d;
  const Buffers& b = buffers_;
  if (held_.is_held(c)) {
    // Held at its target over a zero lead time: the part of the refill that keeps it there.
    refill = held_.fraction[c] > 0;
    r += held_.fraction[c] * b.refill_rate[c];
  } else {
    const double tol = tol_of(b.target[c]);
    const bool drawn = b.inflow[c] + b.release[c] < d * (1 - kRelTol);
    // A refill started at this instant stands for the rest of it (a zero lead time would
    // otherwise flip it off and on for ever: the refill raises the arrivals at once).
    const bool latched = b.refill_latch_time[c] == t_;
    refill =
        b.level[c] < b.target[c] - tol || (b.level[c] <= b.target[c] + tol && (drawn || latched));
    if (refill) r += b.refill_rate[c];
    // Destocking (docs/model.md "Demand response and a stepped price"): with stock building on,
    // a buffer above its target is drawn down at the pace it was built up; so is one at its
    // target that arrivals above demand are about to lift over it (no event marks the moment it
    // leaves the tolerance, so the rule must act now, not at whatever instant comes next).
    const double building = net_.spec.market.stock_building_days;
    if (building > 0 && !refill) {
      const bool above = b.level[c] > b.target[c] + tol;
      const bool lifted =
          b.level[c] >= b.target[c] - tol && b.inflow[c] + b.release[c] > d * (1 + kRelTol);
      if (above || lifted)
        r = std::max(0.0, r - building * net_.nodes[c].demand0 / net_.nodes[c].buffer_refill_days);
    }
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
  Buffers& b = buffers_;
  for (int r : net_.refineries)
    if (!b.dry[r] && b.level[r] <= tol_of(b.target[r])) return false;  // ran dry: availability
  for (int n : touched_) {
    b.inflow[n] = pipes_.inflow_of(n);
    if (held_.is_held(n)) return false;  // a held buffer's refill answers its inflow
    const NetNode& node = net_.nodes[n];
    // A stockpile's triggers and releases read its consumers' inflows.
    if (node.kind == NodeKind::consumer && node.stockpile >= 0) return false;
    if (node.kind == NodeKind::refinery) {
      // An empty buffer limits output to the inflow; one at its target refills or not by it.
      if (b.empty(n) || std::abs(b.level[n] - b.target[n]) <= tol_of(b.target[n])) return false;
    }
  }
  // Every requirement must stand; only then do the refills latch (a settle reads the latches).
  refilling_now_.clear();
  for (int c : net_.consumers) {
    bool refill = false;
    if (requirement_of(c, refill) != b.requirement_in[c]) return false;
    if (refill) refilling_now_.push_back(c);
  }
  // What a settle would do that is not skipped: the same refill latches, store flows, crossings.
  for (int c : refilling_now_)
    b.refill_latch_time[c] = t_;
  for (int r : net_.refineries)
    if (alloc_.refilling[r]) b.refill_latch_time[r] = t_;
  compute_store_flows();
  schedule_crossings();
  return true;
}

// What reaches held buffer n at this instant under the allocation just made, less what it uses:
// arrivals over positive lead times stand, and a zero-lead edge or spot pair delivers its new
// shipping rate at once (the change Pipelines::ship is about to put at this instant).
double MaterialSim::hold_balance(int n) const {
  double in = 0;
  for (int e : net_.in_edges[n]) {
    in += pipes_.arrive[e];
    if (net_.edges[e].lead + shocks_.extra_delay[e] == 0)
      in += alloc_.edge_flow[e] - (pipes_.ship_lead[e] == 0 ? pipes_.ship_rate[e] : 0.0);
  }
  const bool spot_now = net_.spec.spot_lead_time_days == 0;
  if (spot_now) {
    for (int p : net_.spot_by_buyer[n])
      in += pipes_.spot_arrive[p] + (alloc_.spot_flow[p] - pipes_.spot_ship[p]);
  } else {
    // Over a positive lead time only the pairs arriving now add anything.
    for (int p : pipes_.arriving[n])
      in += pipes_.spot_arrive[p];
  }
  return in - hold_use(n);
}

double MaterialSim::hold_use(int n) const {
  const bool consumer = net_.nodes[n].kind == NodeKind::consumer;
  return consumer ? demand()(n) - buffers_.release[n] : alloc_.input_use[n];
}

double MaterialSim::evaluate_hold(int n, double fraction) {
  held_.fraction[n] = fraction;
  if (net_.nodes[n].kind == NodeKind::consumer) {
    bool refill = false;
    buffers_.requirement_in[n] = requirement_of(n, refill);
  }
  run_allocation();
  return hold_balance(n);
}

void MaterialSim::run_allocation() {
  for (int s : net_.mines)
    capacity_[s] = availability_[s] = market_.capacity(s, shocks_.capacity_factor[s]);
  Buffers& b = buffers_;
  for (int r : net_.refineries) {
    double a = capacity_[r] = market_.capacity(r, shocks_.capacity_factor[r]);
    // An empty input buffer limits output to what arrives.
    if (b.empty(r)) a = std::min(a, b.inflow[r] * net_.nodes[r].yield);
    availability_[r] = a;
  }
  AllocationInput in;
  in.consumer_requirement = b.requirement_in;
  in.availability = availability_;
  in.capacity = capacity_;
  in.share = market_.share;
  in.pass = shocks_.pass;
  in.quota = shocks_.quota;
  in.quota_pass = shocks_.quota_pass;
  in.spot_blocked = shocks_.spot_blocked;
  in.spot_ready = resourcing_.ready;
  in.buffer_level = b.level;
  in.buffer_target = b.target;
  in.inflow = b.inflow;
  in.refill_rate = b.refill_rate;
  for (int r : net_.refineries)
    b.refill_latched[r] = b.refill_latch_time[r] == t_;
  in.refill_latched = b.refill_latched;
  if (zero_lead_) in.refill_fraction = held_.fraction;
  alloc_.allocate(in);
  for (int r : net_.refineries)
    if (alloc_.refilling[r]) b.refill_latch_time[r] = t_;
  if (net_.spec.market.enabled) market_.update_price(alloc_);
}

void MaterialSim::compute_store_flows() {
  buffers_.compute_flows(demand(), stockpiles_, alloc_);
  market_.start_activations(t_, buffers_.unmet, demand(), queue_);
  tally_.set_rates(buffers_, demand());
}

void MaterialSim::schedule_crossings() {
  buffers_.schedule_crossings(t_, scenario_.horizon_days, queue_);
  stockpiles_.schedule_crossings(t_, scenario_.horizon_days, queue_);
}

}  // namespace crisp
