#include "models/allocation.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace crisp {

namespace {
constexpr int kSpotRounds = 3;

bool refinery_needs_refill(double level, double target, double inflow, double use) {
  const double tol = kRelTol * std::max(target, 1e-12);
  if (level < target - tol) return true;
  return level <= target + tol && inflow < use * (1 - kRelTol);
}
}  // namespace

QuietInputs::QuietInputs(const MaterialNet& net)
    : requirement(net.nodes.size()),
      availability(net.nodes.size()),
      pass(net.edges.size(), 1.0),
      quota(net.edges.size(), std::numeric_limits<double>::infinity()),
      quota_pass(net.edges.size(), 1.0),
      level(net.nodes.size()),
      target(net.nodes.size()),
      inflow(net.nodes.size(), std::numeric_limits<double>::infinity()),
      refill(net.nodes.size()),
      blocked(net.spot_pairs.size(), 0),
      ready(net.nodes.size(), 0) {
  for (std::size_t v = 0; v < net.nodes.size(); ++v) {
    requirement[v] = net.nodes[v].demand0;
    availability[v] = net.nodes[v].capacity;
  }
  for (const NetEdge& e : net.edges)
    share.push_back(e.share);
}

AllocationInput QuietInputs::view() const {
  AllocationInput in;
  in.consumer_requirement = requirement;
  in.availability = in.capacity = availability;
  in.share = share;
  in.pass = pass;
  in.quota = quota;
  in.quota_pass = quota_pass;
  in.spot_blocked = blocked;
  in.spot_ready = ready;
  in.buffer_level = level;
  in.buffer_target = target;
  in.inflow = inflow;
  in.refill_rate = refill;
  return in;
}

Allocator::Allocator(const MaterialNet& net)
    : edge_flow(net.edges.size()),
      spot_flow(net.spot_pairs.size()),
      requirement(net.nodes.size()),
      contract_short(net.nodes.size()),
      shipped(net.nodes.size()),
      refilling(net.nodes.size()),
      input_use(net.nodes.size()),
      asked(net.nodes.size()),
      net_(&net),
      spare_(net.nodes.size()),
      spot_need_(net.nodes.size()),
      offered_(net.nodes.size()),
      accept_(net.nodes.size()),
      offer_(net.spot_pairs.size()) {
  candidates_.reserve(net.spot_pairs.size());  // no allocation per call in steady state
}

void Allocator::allocate(const AllocationInput& in) {
  std::fill(spot_flow.begin(), spot_flow.end(), 0.0);
  std::fill(shipped.begin(), shipped.end(), 0.0);
  std::fill(contract_short.begin(), contract_short.end(), 0.0);
  std::fill(spot_need_.begin(), spot_need_.end(), 0.0);

  // Step 3: consumers state their requirements.
  for (int c : net_->consumers)
    requirement[c] = in.consumer_requirement[c];
  // Most instants nobody may buy spot yet: skip the rounds then.
  const bool any_ready =
      std::find(in.spot_ready.begin(), in.spot_ready.end(), 1) != in.spot_ready.end();

  // Step 4: refineries ration, then consumers short on refinery contracts buy their spare.
  ration(net_->refineries, in);
  if (any_ready) {
    anticipate_spot(in);
    spot(net_->refineries, in);
  }

  // Step 5: each refinery's output fixes its input requirement. A refinery whose empty input
  // buffer holds its output down still asks for the input to serve what it is asked for (up to
  // its capacity); asking only for what it ships would starve it for good (docs/model.md).
  for (int r : net_->refineries) {
    const double want = std::max(shipped[r], std::min(asked[r], in.capacity[r]));
    const double use = want / net_->nodes[r].yield;
    // A refill started at this instant stands for the rest of it: with a zero lead time the refill
    // itself raises the inflow at once, and re-deciding would flip it off and on for ever.
    const bool latched = !in.refill_latched.empty() && in.refill_latched[r];
    input_use[r] = use;
    if (!in.refill_fraction.empty() && !std::isnan(in.refill_fraction[r])) {
      // Held at its target over a zero lead time: the part of the refill that keeps it there.
      refilling[r] = in.refill_fraction[r] > 0;
      requirement[r] = use + in.refill_fraction[r] * in.refill_rate[r];
      continue;
    }
    refilling[r] = latched || refinery_needs_refill(in.buffer_level[r], in.buffer_target[r],
                                                    in.inflow[r], use);
    requirement[r] = use + (refilling[r] ? in.refill_rate[r] : 0.0);
  }

  // Step 6: mines ration every request at once, then buyers still short buy their spare.
  ration(net_->mines, in);
  if (any_ready) spot(net_->mines, in);
}

// Pro-rata rationing of the admissible requests addressed to `suppliers`. What a contract leaves
// unfilled (rationed or withheld by a restriction) is added to the buyer's contract shortfall and
// to what spot may still cover.
void Allocator::ration(const std::vector<int>& suppliers, const AllocationInput& in) {
  for (int s : suppliers) {
    double requested = 0;
    for (int e : net_->out_edges[s]) {
      const NetEdge& edge = net_->edges[e];
      double admissible = in.share[e] * requirement[edge.to];
      // A quota licenses a tonnage; a chokepoint or share cut then acts on what is shipped.
      if (!in.quota.empty() && admissible > in.quota[e])
        admissible = in.quota[e] + in.quota_pass[e] * (admissible - in.quota[e]);
      edge_flow[e] = admissible * in.pass[e];
      requested += edge_flow[e];
    }
    asked[s] = requested;
    const double available = in.availability[s];
    const double fraction = requested > available ? available / requested : 1.0;
    double filled = 0;
    for (int e : net_->out_edges[s]) {
      const NetEdge& edge = net_->edges[e];
      edge_flow[e] *= fraction;
      filled += edge_flow[e];
      const double unfilled = std::max(0.0, in.share[e] * requirement[edge.to] - edge_flow[e]);
      contract_short[edge.to] += unfilled;
      spot_need_[edge.to] += unfilled;
    }
    shipped[s] += filled;
    spare_[s] = std::max(0.0, available - filled);
  }
}

// A refinery whose input is short cannot sell spot from it; so that spot buyers can draw more
// input through it, their needs count as asked of the refineries they may buy from, split pro
// rata to the refineries' spare capacity (capacity less contract shipments): docs/model.md step 5.
void Allocator::anticipate_spot(const AllocationInput& in) {
  auto spare_capacity = [&](int s) { return std::max(0.0, in.capacity[s] - shipped[s]); };
  for (int c : net_->consumers) {
    if (!in.spot_ready[c] || spot_need_[c] <= kRelTol * std::max(requirement[c], 1e-12)) continue;
    double total = 0;
    for (int p : net_->spot_by_buyer[c]) {
      const int s = net_->spot_pairs[p].supplier;
      if (!in.spot_blocked[p] && net_->nodes[s].kind == NodeKind::refinery)
        total += spare_capacity(s);
    }
    if (total <= 0) continue;
    for (int p : net_->spot_by_buyer[c]) {
      const int s = net_->spot_pairs[p].supplier;
      if (!in.spot_blocked[p] && net_->nodes[s].kind == NodeKind::refinery)
        asked[s] += spot_need_[c] * spare_capacity(s) / total;
    }
  }
}

// Spot re-sourcing from `suppliers`' spare: each round every supplier offers its spare to its
// ready, unblocked partners pro rata to their remaining need (never more than the need); a buyer
// offered more than it needs scales its offers down. Simultaneous offers make the result
// independent of the order suppliers are visited in.
void Allocator::spot(const std::vector<int>& suppliers, const AllocationInput& in) {
  // The pairs that can trade at all this instant (unblocked, buyer ready), grouped by supplier in
  // the order of `suppliers`; rounds then only visit these.
  candidates_.clear();
  for (int s : suppliers)
    for (int p : net_->spot_by_supplier[s])
      if (!in.spot_blocked[p] && in.spot_ready[net_->spot_pairs[p].buyer]) candidates_.push_back(p);
  if (candidates_.empty()) return;
  auto needy = [&](int b) { return spot_need_[b] > kRelTol * std::max(requirement[b], 1e-12); };
  const std::size_t n = candidates_.size();
  for (int round = 0; round < kSpotRounds; ++round) {
    bool any = false;
    for (int p : candidates_)
      offered_[net_->spot_pairs[p].buyer] = 0.0;
    for (std::size_t i = 0; i < n;) {
      const int s = net_->spot_pairs[candidates_[i]].supplier;
      std::size_t end = i;
      double need = 0;
      for (; end < n && net_->spot_pairs[candidates_[end]].supplier == s; ++end) {
        const int b = net_->spot_pairs[candidates_[end]].buyer;
        if (needy(b)) need += spot_need_[b];
      }
      const double spare = spare_[s];
      const bool offers = need > 0 && spare > kRelTol * net_->nodes[s].capacity;
      const double k = offers ? std::min(1.0, spare / need) : 0.0;
      for (; i < end; ++i) {
        const int p = candidates_[i];
        const int b = net_->spot_pairs[p].buyer;
        offer_[p] = offers && needy(b) ? spot_need_[b] * k : 0.0;
        offered_[b] += offer_[p];
        any = any || offer_[p] > 0;
      }
    }
    if (!any) return;
    for (int p : candidates_) {
      const int b = net_->spot_pairs[p].buyer;
      accept_[b] = offered_[b] > spot_need_[b] ? spot_need_[b] / offered_[b] : 1.0;
    }
    for (int p : candidates_) {
      if (offer_[p] <= 0) continue;
      const int s = net_->spot_pairs[p].supplier;
      const double got = offer_[p] * accept_[net_->spot_pairs[p].buyer];
      spot_flow[p] += got;
      shipped[s] += got;
      spare_[s] = std::max(0.0, spare_[s] - got);
      offer_[p] = got;  // remembered for the need update below
    }
    for (int p : candidates_)
      if (offer_[p] > 0) {
        const int b = net_->spot_pairs[p].buyer;
        spot_need_[b] = std::max(0.0, spot_need_[b] - offer_[p]);
      }
  }
}

}  // namespace crisp
