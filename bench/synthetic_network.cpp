#include "bench/synthetic_network.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <stdexcept>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <boost/random/bernoulli_distribution.hpp>
#include <boost/random/discrete_distribution.hpp>
#include <boost/random/lognormal_distribution.hpp>
#include <boost/random/uniform_int_distribution.hpp>
#include <boost/random/uniform_real_distribution.hpp>

#include "core/random.hpp"
#include "models/allocation.hpp"
#include "models/network.hpp"

namespace crisp {

namespace {

// Countries: producers crowd into C0 (the dominant producer an export restriction hits hardest);
// consumers spread evenly.
constexpr int kCountries = 8;
const std::vector<double> kProducerCountryWeight = {0.40, 0.15, 0.10, 0.10, 0.10, 0.05, 0.05, 0.05};

std::string country(int c) {
  return fmt::format("C{}", c);
}

double uniform(Rng& rng, double a, double b) {
  return boost::random::uniform_real_distribution<double>(a, b)(rng);
}

// Fisher-Yates with a Boost distribution: std::shuffle's algorithm is the library's choice, so
// its order could differ between platforms.
void shuffle(std::vector<int>& v, Rng& rng) {
  for (int i = static_cast<int>(v.size()) - 1; i > 0; --i)
    std::swap(v[i], v[boost::random::uniform_int_distribution<int>(0, i)(rng)]);
}

// How many edges of each class: about 5 % mine -> consumer, the rest split about 35/65 between
// mine -> refinery and refinery -> consumer, then moved between classes until each can hold its
// share (every supplier and buyer of a class needs an edge; no pair twice).
struct EdgeCounts {
  long long mine_refinery = 0, refinery_consumer = 0, mine_consumer = 0;
};

EdgeCounts edge_counts(long long edges, long long mines, long long refineries,
                       long long consumers) {
  const long long min_mr = std::max(mines, refineries), max_mr = mines * refineries;
  const long long min_rc = std::max(refineries, consumers), max_rc = refineries * consumers;
  const long long max_mc = mines * consumers;
  EdgeCounts n;
  n.mine_consumer = std::min(edges / 20, max_mc);
  n.mine_refinery =
      std::clamp(std::llround(0.35 * static_cast<double>(edges - n.mine_consumer)), min_mr, max_mr);
  n.refinery_consumer = edges - n.mine_consumer - n.mine_refinery;
  if (n.refinery_consumer < min_rc) {
    long long d = std::min(min_rc - n.refinery_consumer, n.mine_refinery - min_mr);
    n.mine_refinery -= d;
    n.refinery_consumer += d;
    d = std::min(min_rc - n.refinery_consumer, n.mine_consumer);
    n.mine_consumer -= d;
    n.refinery_consumer += d;
  }
  if (n.refinery_consumer > max_rc) {
    long long d = std::min(n.refinery_consumer - max_rc, max_mr - n.mine_refinery);
    n.mine_refinery += d;
    n.refinery_consumer -= d;
    d = std::min(n.refinery_consumer - max_rc, max_mc - n.mine_consumer);
    n.mine_consumer += d;
    n.refinery_consumer -= d;
  }
  if (n.refinery_consumer < min_rc || n.refinery_consumer > max_rc || n.mine_refinery < min_mr)
    throw std::invalid_argument(fmt::format(
        "synthetic network: {} edges do not fit {} mines, {} refineries and {} "
        "consumers (at least {}, at most {})",
        edges, mines, refineries, consumers, min_mr + min_rc, max_mr + max_rc + max_mc));
  return n;
}

// Adds `count` distinct supplier -> buyer pairs to `pairs`. With `cover`, every supplier and every
// buyer gets one first (count must be at least the larger list); the rest pick suppliers in
// proportion to `size`, so big suppliers sell to many buyers, as in real markets.
void add_pairs(const std::vector<int>& suppliers, const std::vector<int>& buyers, long long count,
               bool cover, const std::vector<double>& size, Rng& rng,
               std::set<std::pair<int, int>>& pairs) {
  std::vector<int> s = suppliers, b = buyers;
  shuffle(s, rng);
  shuffle(b, rng);
  const std::size_t covered = cover ? std::max(s.size(), b.size()) : 0;
  // Pair i joins s[i mod |s|] and b[i mod |b|]: the longer list's index is i itself, so the pairs
  // are distinct.
  for (std::size_t i = 0; i < covered; ++i)
    pairs.insert({s[i % s.size()], b[i % b.size()]});
  std::vector<double> weights;
  for (int v : suppliers)
    weights.push_back(size[v]);
  boost::random::discrete_distribution<int> pick_supplier(weights.begin(), weights.end());
  boost::random::uniform_int_distribution<int> pick_buyer(0, static_cast<int>(buyers.size()) - 1);
  for (long long added = static_cast<long long>(covered); added < count;)
    if (pairs.insert({suppliers[pick_supplier(rng)], buyers[pick_buyer(rng)]}).second) ++added;
}

}  // namespace

Scenario synthetic_scenario(int nodes, int edges, std::uint64_t seed) {
  if (nodes < 3) throw std::invalid_argument("synthetic network: at least 3 nodes");
  Rng rng(mix64(seed));  // mix64: nearby seeds give unrelated networks

  Scenario s;
  s.name = fmt::format("synthetic-{}x{}-seed{}", nodes, edges, seed);
  s.horizon_days = 10 * kDaysPerYear;
  s.seed = seed;
  s.replications = 50;
  s.discount_rate = 0.0225;
  // Two report regions, as in the default scenario (a country and a group it belongs to).
  s.report_regions = {"C1", "BLOC"};
  s.groups["BLOC"] = {"C1", "C2", "C3"};

  MaterialSpec m;
  m.name = "synthetic";
  m.price_eur_per_t = 10000;
  m.value_of_lost_load_eur_per_t = 200000;  // 20 times the price, as the default scenario
  m.resourcing_delay_days = 30;
  m.spot_lead_time_days = 20;
  m.market.enabled = true;  // prices move, as for most default materials
  s.materials.push_back(m);

  // Nodes: mines, then refineries, then consumers.
  const int n_mines = std::max(1, static_cast<int>(std::lround(0.2 * nodes)));
  const int n_refineries = std::max(1, static_cast<int>(std::lround(0.2 * nodes)));
  const int n_consumers = nodes - n_mines - n_refineries;
  const EdgeCounts counts = edge_counts(edges, n_mines, n_refineries, n_consumers);

  boost::random::discrete_distribution<int> producer_country(kProducerCountryWeight.begin(),
                                                             kProducerCountryWeight.end());
  boost::random::uniform_int_distribution<int> consumer_country(0, kCountries - 1);
  // Supplier sizes (relative, lognormal: a few large producers) steer who gets edges and shares.
  boost::random::lognormal_distribution<double> size_of(0.0, 1.0);
  boost::random::lognormal_distribution<double> demand_of(std::log(100.0), 1.0);  // t/yr

  std::vector<int> mines, refineries, consumers;
  std::vector<double> size(nodes, 1.0);
  for (int i = 0; i < nodes; ++i) {
    NodeSpec n;
    n.kind = i < n_mines                  ? NodeKind::mine
             : i < n_mines + n_refineries ? NodeKind::refinery
                                          : NodeKind::consumer;
    switch (n.kind) {
      case NodeKind::mine:
        n.id = fmt::format("mine-{:04}", i);
        n.country = country(producer_country(rng));
        size[i] = size_of(rng);
        mines.push_back(i);
        break;
      case NodeKind::refinery:
        n.id = fmt::format("refinery-{:04}", i - n_mines);
        n.country = country(producer_country(rng));
        // Yield stays 1 (as in the default scenario): with yields below 1 the engine, when this
        // was written (issue 8), could stop a replication with NoProgress.
        n.buffer_days = uniform(rng, 15, 45);
        size[i] = size_of(rng);
        refineries.push_back(i);
        break;
      case NodeKind::consumer:
        n.id = fmt::format("consumer-{:04}", i - n_mines - n_refineries);
        n.country = country(consumer_country(rng));
        n.demand_tpy = demand_of(rng);
        n.buffer_days = uniform(rng, 15, 45);
        consumers.push_back(i);
        break;
    }
    n.region = n.country;
    s.nodes.push_back(n);
  }

  // Edges: distinct pairs by class, then lead times, routes and shares.
  std::set<std::pair<int, int>> pairs;
  add_pairs(mines, refineries, counts.mine_refinery, true, size, rng, pairs);
  add_pairs(refineries, consumers, counts.refinery_consumer, true, size, rng, pairs);
  add_pairs(mines, consumers, counts.mine_consumer, false, size, rng, pairs);
  boost::random::bernoulli_distribution<double> via_a(0.3), via_b(0.15);
  std::vector<std::vector<int>> into(nodes);  // per buyer, its edges
  for (const auto& [from, to] : pairs) {      // std::set: a fixed order
    EdgeSpec e;
    e.from = from;
    e.to = to;
    e.lead_time_days = uniform(rng, 5, 60);
    // Cross-border edges may pass the two straits the chokepoint shocks close.
    if (s.nodes[from].country != s.nodes[to].country) {
      if (via_a(rng)) e.routes.push_back("strait-a");
      if (via_b(rng)) e.routes.push_back("strait-b");
    }
    e.share = size[from] * uniform(rng, 0.5, 1.5);  // normalised below
    into[to].push_back(static_cast<int>(s.edges.size()));
    s.edges.push_back(e);
  }
  for (const std::vector<int>& in : into) {
    if (in.empty()) continue;
    double total = 0;
    for (int e : in)
      total += s.edges[e].share;
    double rest = 1.0;  // the last share takes what is left, so the sum is 1 to rounding
    for (std::size_t i = 0; i + 1 < in.size(); ++i) {
      s.edges[in[i]].share /= total;
      rest -= s.edges[in[i]].share;
    }
    s.edges[in.back()].share = rest;
  }

  // Capacities: each supplier's day-0 requests (consumers' demand passed up the contracts, through
  // refinery yields) with 10-30 % slack. Refineries first: mines serve refinery input.
  std::vector<double> requested(nodes, 0.0);  // t/yr
  for (const EdgeSpec& e : s.edges)
    if (s.nodes[e.to].kind == NodeKind::consumer)
      requested[e.from] += e.share * s.nodes[e.to].demand_tpy;
  for (const EdgeSpec& e : s.edges)
    if (s.nodes[e.to].kind == NodeKind::refinery)
      requested[e.from] += e.share * requested[e.to] / s.nodes[e.to].yield;
  for (int v : mines)
    s.nodes[v].capacity_tpy = requested[v] * uniform(rng, 1.1, 1.3);
  for (int v : refineries)
    s.nodes[v].capacity_tpy = requested[v] * uniform(rng, 1.1, 1.3);

  // Shocks, Poisson, with figures of the order of the default scenario's.
  const int largest_mine = *std::max_element(mines.begin(), mines.end(), [&](int a, int b) {
    return s.nodes[a].capacity_tpy < s.nodes[b].capacity_tpy;
  });
  const int some_refinery =
      refineries[boost::random::uniform_int_distribution<int>(0, n_refineries - 1)(rng)];
  auto poisson = [](std::string name, ShockKind kind, double rate, Distribution duration,
                    Distribution severity) {
    ShockSpec k;
    k.name = std::move(name);
    k.set_kind(kind);
    k.arrival = ArrivalKind::poisson;
    k.rate_per_year = rate;
    k.duration = duration;
    k.severity = severity;
    return k;
  };
  ShockSpec k = poisson("outage " + s.nodes[largest_mine].id, ShockKind::outage, 0.3,
                        Exponential{30}, Uniform{0.05, 0.25});
  k.as<OutageSpec>().nodes = {s.nodes[largest_mine].id};
  s.shocks.push_back(k);
  k = poisson("outage " + s.nodes[some_refinery].id, ShockKind::outage, 0.2, Exponential{30},
              Fixed{1.0});
  k.as<OutageSpec>().nodes = {s.nodes[some_refinery].id};
  s.shocks.push_back(k);
  k = poisson("outage C1 refineries", ShockKind::outage, 0.1, LogNormal{90, 0.7},
              Uniform{0.3, 0.7});
  k.country = "C1";
  k.as<OutageSpec>().node_kind = NodeKind::refinery;
  s.shocks.push_back(k);
  k = poisson("export restriction C0 refined", ShockKind::export_restriction, 0.15,
              LogNormal{730, 0.5}, Uniform{0.25, 0.55});
  k.country = "C0";
  k.as<ExportRestrictionSpec>().stage = Stage::refined;
  k.as<ExportRestrictionSpec>().licence_delay_days = 60;
  s.shocks.push_back(k);
  k = poisson("export restriction C2 ore", ShockKind::export_restriction, 0.1, LogNormal{365, 0.5},
              Uniform{0.5, 1.0});
  k.country = "C2";
  k.as<ExportRestrictionSpec>().stage = Stage::ore;
  s.shocks.push_back(k);
  k = poisson("chokepoint strait-a", ShockKind::chokepoint, 0.1, LogNormal{365, 0.8}, Fixed{0.0});
  k.as<ChokepointSpec>() = {"strait-a", Uniform{7, 14}};
  s.shocks.push_back(k);
  k = poisson("chokepoint strait-b", ShockKind::chokepoint, 0.2, LogNormal{30, 0.6},
              Uniform{0.1, 0.4});
  k.as<ChokepointSpec>() = {"strait-b", Uniform{3, 10}};
  s.shocks.push_back(k);
  return s;
}

std::string day0_shortfall(const Scenario& s) {
  for (const MaterialNet& net : compile_networks(s, PolicyEffects{}, ShockReaches::skip)) {
    Allocator alloc(net, Allocator::SpotFlows::none);  // day 0: nobody buys spot
    alloc.allocate(QuietInputs(net).view());
    std::vector<double> received(net.nodes.size(), 0.0);
    for (std::size_t e = 0; e < net.edges.size(); ++e)
      received[net.edges[e].to] += alloc.edge_flow[e];
    for (std::size_t v = 0; v < net.nodes.size(); ++v) {
      if (net.nodes[v].kind == NodeKind::mine) continue;
      const double need = alloc.requirement[v];
      if (received[v] < need * (1 - 1e-9))
        return fmt::format("{}: {} {} receives {:.6g} of the {:.6g} t/day it asks for on day 0",
                           net.spec.name, to_string(net.nodes[v].kind),
                           s.nodes[net.nodes[v].scenario_index].id, received[v], need);
    }
  }
  return "";
}

}  // namespace crisp
