#include "models/allocation.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

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

Allocator::Allocator(const MaterialNet& net, SpotFlows flows)
    : edge_flow(net.edges.size()),
      spot_flow(flows == SpotFlows::per_pair ? net.spot_pairs.size() : 0),
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
      need_(net.nodes.size()),
      factor_(net.nodes.size()) {
  for (std::size_t k = 0; k < 2; ++k) {
    const SpotBlock& block = net.spot_pairs.blocks()[k];
    position_[k].assign(net.nodes.size(), -1);
    for (std::size_t j = 0; j < block.buyers.size(); ++j)
      position_[k][block.buyers[j]] = static_cast<int>(j);
  }
}

void Allocator::allocate(const AllocationInput& in) {
  // Spot flows are nonzero only on pairs of the buyers that traded last time.
  for (std::size_t k = 0; k < 2; ++k) {
    const SpotBlock& block = net_->spot_pairs.blocks()[k];
    const int n = static_cast<int>(block.buyers.size());
    for (int i = 0; i < static_cast<int>(block.suppliers.size()); ++i)
      for (int j : trading_[k])
        spot_flow[static_cast<std::size_t>(block.base + i * n + j)] = 0.0;
    trading_[k].clear();
  }
  std::fill(shipped.begin(), shipped.end(), 0.0);
  std::fill(contract_short.begin(), contract_short.end(), 0.0);
  std::fill(spot_need_.begin(), spot_need_.end(), 0.0);

  // Step 3: consumers state their requirements.
  for (int c : net_->consumers)
    requirement[c] = in.consumer_requirement[c];
  // Most instants nobody may buy spot yet: skip the rounds then.
  const bool any_ready =
      std::find(in.spot_ready.begin(), in.spot_ready.end(), 1) != in.spot_ready.end();
  if (any_ready && spot_flow.size() != net_->spot_pairs.size())
    throw std::logic_error("an allocator without spot flows allocated an instant with spot");

  // Step 4: refineries ration, then consumers short on refinery contracts buy their spare.
  ration(net_->refineries, in);
  if (any_ready) {
    anticipate_spot(in);
    spot(0, in);
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
  if (any_ready) spot(1, in);
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
  const SpotBlock& refineries = net_->spot_pairs.blocks()[0];
  const int n = static_cast<int>(refineries.buyers.size());
  for (int c : net_->consumers) {
    if (!in.spot_ready[c] || spot_need_[c] <= kRelTol * std::max(requirement[c], 1e-12)) continue;
    const int j = position_[0][c];
    if (j < 0) continue;  // buys from no refinery
    double total = 0;
    for (int i = 0; i < static_cast<int>(refineries.suppliers.size()); ++i)
      if (!blocked(in, refineries.base + i * n + j))
        total += spare_capacity(refineries.suppliers[i]);
    if (total <= 0) continue;
    for (int i = 0; i < static_cast<int>(refineries.suppliers.size()); ++i) {
      const int s = refineries.suppliers[i];
      if (!blocked(in, refineries.base + i * n + j))
        asked[s] += spot_need_[c] * spare_capacity(s) / total;
    }
  }
}

// Spot re-sourcing from the spare of one block's suppliers (0: refineries, 1: mines): each round
// every supplier offers its spare to its ready, unblocked partners pro rata to their remaining
// need (never more than the need); a buyer offered more than it needs scales its offers down.
// Simultaneous offers make the result independent of the order suppliers are visited in.
//
// Only buyers ready and short at the start can trade (needs only fall within the rounds), so the
// rounds visit every supplier with each of them, in the order of pair ids (supplier by supplier,
// buyers ascending): each sum is added up in the order the explicit pair lists gave it. An offer
// and what is taken of it are recomputed from the round's needs and factors where they were stored
// per pair, with the same operations, so they are the same numbers.
void Allocator::spot(int block_index, const AllocationInput& in) {
  const SpotBlock& block = net_->spot_pairs.blocks()[static_cast<std::size_t>(block_index)];
  std::vector<int>& trading = trading_[static_cast<std::size_t>(block_index)];
  auto needy = [&](int b) { return spot_need_[b] > kRelTol * std::max(requirement[b], 1e-12); };
  for (std::size_t j = 0; j < block.buyers.size(); ++j)
    if (in.spot_ready[block.buyers[j]] && needy(block.buyers[j]))
      trading.push_back(static_cast<int>(j));
  if (trading.empty() || block.suppliers.empty()) return;
  const int n = static_cast<int>(block.buyers.size());
  const int suppliers = static_cast<int>(block.suppliers.size());
  // Every walk over one supplier's partners visits the same buyers in the same order (ascending),
  // skipping blocked pairs, so each sum keeps the order of pair ids; f(j, b) gets the buyer's
  // place j and node b.
  auto for_partners = [&](int row, auto&& f) {
    for (int j : trading)
      if (!blocked(in, row + j)) f(j, block.buyers[j]);
  };
  // A supplier offering fraction k of each need offers buyer b this (0 when b needs nothing).
  auto offer_to = [&](int b, double k) { return need_[b] > 0 ? need_[b] * k : 0.0; };
  for (int round = 0; round < kSpotRounds; ++round) {
    for (int j : trading) {
      const int b = block.buyers[j];
      offered_[b] = 0.0;
      need_[b] = needy(b) ? spot_need_[b] : 0.0;  // 0: no offer to it this round
    }
    bool any = false;
    for (int i = 0; i < suppliers; ++i) {
      const int s = block.suppliers[i];
      const int row = block.base + i * n;
      double need = 0;
      for_partners(row, [&](int, int b) { need += need_[b]; });
      const double spare = spare_[s];
      const bool offers = need > 0 && spare > kRelTol * net_->nodes[s].capacity;
      const double k = offers ? std::min(1.0, spare / need) : 0.0;
      factor_[s] = k;
      if (!offers) continue;
      for_partners(row, [&](int, int b) {
        const double offer = offer_to(b, k);
        offered_[b] += offer;
        any = any || offer > 0;
      });
    }
    if (!any) return;
    for (int j : trading) {
      const int b = block.buyers[j];
      accept_[b] = offered_[b] > spot_need_[b] ? spot_need_[b] / offered_[b] : 1.0;
    }
    // Supplier and buyer sides of each take in one walk: it reads only need_, factor_ and accept_
    // (fixed above) and writes spot_flow, shipped and spare_ (supplier side) apart from spot_need_
    // (buyer side), so every array gets the same updates in the same order as in two walks.
    for (int i = 0; i < suppliers; ++i) {
      const int s = block.suppliers[i];
      const int row = block.base + i * n;
      const double k = factor_[s];
      if (k <= 0) continue;
      for_partners(row, [&](int j, int b) {
        const double offer = offer_to(b, k);
        if (offer <= 0) return;
        const double got = offer * accept_[b];
        spot_flow[static_cast<std::size_t>(row + j)] += got;
        shipped[s] += got;
        spare_[s] = std::max(0.0, spare_[s] - got);
        if (got > 0) spot_need_[b] = std::max(0.0, spot_need_[b] - got);
      });
    }
  }
}

}  // namespace crisp
