// Spot pairs held implicitly (models/spot_pairs.hpp): the ids, and each supplier's and buyer's
// lists, are those the explicit lists gave (refinery pairs first, supplier by supplier, buyers in
// node order; then the mine pairs), worked out by hand on a small network; an allocator clears
// the spot flows of an earlier instant; the day-0 allocator without per-pair flows refuses spot.
#include <catch2/catch.hpp>

#include <stdexcept>
#include <vector>

#include "models/allocation.hpp"
#include "models/network.hpp"
#include "scenario_builder.hpp"

using namespace crisp;
using crisp::test::ScenarioBuilder;

namespace {

std::vector<int> ids(const SpotPairIds& list) {
  std::vector<int> out;
  for (int p : list)
    out.push_back(p);
  CHECK(out.size() == list.size());
  CHECK(out.empty() == list.empty());
  return out;
}

}  // namespace

TEST_CASE("spot pairs are numbered as the explicit lists numbered them", "[allocation]") {
  ScenarioBuilder b;
  const int m1 = b.node("m1", NodeKind::mine, "CN", 365);
  const int m2 = b.node("m2", NodeKind::mine, "AU", 365);
  const int r1 = b.node("r1", NodeKind::refinery, "CN", 365);
  const int r2 = b.node("r2", NodeKind::refinery, "JP", 365);
  const int c1 = b.node("c1", NodeKind::consumer, "NL", 100);
  const int c2 = b.node("c2", NodeKind::consumer, "DE", 100);
  const int c3 = b.node("c3", NodeKind::consumer, "FR", 0);  // buys nothing: no pairs
  b.edge(m1, r1, 1.0, 10);
  b.edge(m2, r2, 1.0, 10);
  b.edge(r1, c1, 1.0, 10);
  b.edge(r2, c2, 0.5, 10);
  b.edge(m1, c2, 0.5, 10);
  const MaterialNet net = std::move(compile_networks(b.s, PolicyEffects{})[0]);
  // Refineries (r1, r2) x their buyers (c1, c2), then mines (m1, m2) x theirs (r1, r2, c2).
  const std::vector<std::pair<int, int>> expected = {{r1, c1}, {r1, c2}, {r2, c1}, {r2, c2},
                                                     {m1, r1}, {m1, r2}, {m1, c2}, {m2, r1},
                                                     {m2, r2}, {m2, c2}};
  REQUIRE(net.spot_pairs.size() == expected.size());
  std::size_t p = 0;
  for (const SpotPair& pair : net.spot_pairs) {
    INFO("pair " << p);
    CHECK(pair.supplier == expected[p].first);
    CHECK(pair.buyer == expected[p].second);
    CHECK(net.spot_pairs[p].supplier == expected[p].first);
    CHECK(net.spot_pairs[p].buyer == expected[p].second);
    ++p;
  }
  CHECK(p == expected.size());
  CHECK(ids(net.spot_by_buyer[c2]) == std::vector<int>{1, 3, 6, 9});  // both kinds
  CHECK(ids(net.spot_by_buyer[c1]) == std::vector<int>{0, 2});
  CHECK(ids(net.spot_by_buyer[r1]) == std::vector<int>{4, 7});
  CHECK(ids(net.spot_by_buyer[c3]).empty());
  CHECK(ids(net.spot_by_buyer[m1]).empty());
  CHECK(ids(net.spot_by_supplier[r2]) == std::vector<int>{2, 3});
  CHECK(ids(net.spot_by_supplier[m2]) == std::vector<int>{7, 8, 9});
  CHECK(ids(net.spot_by_supplier[c1]).empty());
  CHECK(net.spot_by_buyer.size() == net.nodes.size());
}

TEST_CASE("an allocation clears the spot flows of the one before", "[allocation]") {
  ScenarioBuilder b;
  const int a = b.node("a", NodeKind::mine, "CN", 365);      // 1 t/day
  const int bb = b.node("b", NodeKind::mine, "AU", 730);     // 2 t/day
  const int c = b.node("c", NodeKind::consumer, "NL", 730);  // asks 2 t/day of a
  const int d = b.node("d", NodeKind::consumer, "DE", 365);  // asks 1 t/day of b
  b.edge(a, c, 1.0, 10);
  b.edge(bb, d, 1.0, 10);
  const MaterialNet net = std::move(compile_networks(b.s, PolicyEffects{})[0]);
  // Pairs: (a, c) 0, (a, d) 1, (b, c) 2, (b, d) 3.
  QuietInputs in(net);
  in.ready[c] = 1;
  Allocator alloc(net);
  alloc.allocate(in.view());
  // c is 1 t/day short; b's spare is 2 - 1 = 1 t/day, all offered to c and taken in round 1.
  CHECK(alloc.spot_flow == std::vector<double>{0.0, 0.0, 1.0, 0.0});
  CHECK(alloc.spot_traders(1) == std::vector<int>{0});  // c, the first buyer of mines
  CHECK(alloc.spot_traders(0).empty());                 // no refineries
  in.ready[c] = 0;
  alloc.allocate(in.view());
  CHECK(alloc.spot_flow == std::vector<double>{0.0, 0.0, 0.0, 0.0});
  CHECK(alloc.spot_traders(1).empty());
  CHECK(alloc.shipped[bb] == 1.0);

  Allocator day0(net, Allocator::SpotFlows::none);
  day0.allocate(in.view());
  CHECK(day0.spot_flow.empty());
  CHECK(day0.edge_flow[0] == 1.0);  // a ships all it has to c
  in.ready[c] = 1;
  CHECK_THROWS_AS(day0.allocate(in.view()), std::logic_error);
}
