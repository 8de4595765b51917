// Allocation rules on hand-worked cases (docs/model.md "One instant").
#include <catch2/catch.hpp>

#include "models/allocation.hpp"
#include "models/network.hpp"
#include "scenario_builder.hpp"

using namespace crisp;
using crisp::test::ScenarioBuilder;

namespace {

// Runs one allocation on material 0 with the given per-node requirements (t/day, consumers) and
// availabilities (t/day, suppliers), edge pass factors, blocked spot pairs and ready buyers.
struct OneInstant {
  MaterialNet net;
  QuietInputs in;  // edited by each case before it allocates
  explicit OneInstant(const Scenario& s)
      : net(std::move(compile_networks(s, PolicyEffects{})[0])), in(net) {}
  Allocator run() {
    Allocator a(net);
    a.allocate(in.view());
    return a;
  }
  int pair(int supplier, int buyer) const {
    for (int p : net.spot_by_buyer[buyer])
      if (net.spot_pairs[p].supplier == supplier) return p;
    return -1;
  }
};

}  // namespace

TEST_CASE("a short supplier rations every request in the same proportion", "[allocation]") {
  ScenarioBuilder b;
  const int mine = b.node("mine", NodeKind::mine, "CN", 365);  // 1 t/day
  const int a = b.node("a", NodeKind::consumer, "NL", 365);    // asks 1 t/day
  const int c = b.node("c", NodeKind::consumer, "DE", 730);    // asks 2 t/day
  b.edge(mine, a, 1.0, 10);
  b.edge(mine, c, 1.0, 10);
  OneInstant x(b.s);
  const Allocator r = x.run();
  // 1 t/day available against 3 asked: each gets a third of its request.
  CHECK(r.edge_flow[0] == Approx(1.0 / 3));
  CHECK(r.edge_flow[1] == Approx(2.0 / 3));
  CHECK(r.contract_short[a] == Approx(2.0 / 3));
  CHECK(r.contract_short[c] == Approx(4.0 / 3));
  CHECK(r.shipped[mine] == Approx(1.0));
}

TEST_CASE("a restriction withholds exports, home buyers keep theirs, spare stays home",
          "[allocation]") {
  ScenarioBuilder b;
  const int cn = b.node("cn-mine", NodeKind::mine, "CN", 3 * 365);
  const int jp = b.node("jp-mine", NodeKind::mine, "JP", 2 * 365);
  const int home = b.node("cn-users", NodeKind::consumer, "CN", 365);
  const int nl = b.node("nl-users", NodeKind::consumer, "NL", 2 * 365);
  b.edge(cn, home, 1.0, 5);
  b.edge(cn, nl, 0.5, 30);
  b.edge(jp, nl, 0.5, 30);
  OneInstant x(b.s);
  x.in.pass[1] = 1.0 - 0.8;  // severity 0.8 on cn -> nl
  x.in.blocked[x.pair(cn, nl)] = 1;

  Allocator r = x.run();
  CHECK(r.edge_flow[0] == Approx(1.0));        // home buyer: in full
  CHECK(r.edge_flow[1] == Approx(0.2 * 1.0));  // NL asked 0.5 * 2 = 1, 20 % passes
  CHECK(r.edge_flow[2] == Approx(1.0));        // JP contract in full
  CHECK(r.contract_short[nl] == Approx(0.8));
  CHECK(r.shipped[cn] == Approx(1.2));  // 1.8 t/day withheld: stays with the Chinese mine

  // Once NL may re-source, it buys spot only from the unrestricted supplier (JP has 1 t/day spare).
  x.in.ready[nl] = 1;
  r = x.run();
  CHECK(r.spot_flow[x.pair(cn, nl)] == 0.0);
  CHECK(r.spot_flow[x.pair(jp, nl)] == Approx(0.8));
  CHECK(r.shipped[jp] == Approx(1.8));
}

TEST_CASE("an export quota caps a request at a tonnage, leakage and cuts act on top",
          "[allocation]") {
  ScenarioBuilder b;
  const int cn = b.node("cn-mine", NodeKind::mine, "CN", 10 * 365);
  const int nl = b.node("nl-users", NodeKind::consumer, "NL", 365);
  const int de = b.node("de-users", NodeKind::consumer, "DE", 365);
  b.edge(cn, nl, 1.0, 30);
  b.edge(cn, de, 1.0, 30);
  OneInstant x(b.s);
  x.in.requirement[nl] = 3.0;  // a buyer refilling its stock asks for more than its day-0 1 t/day
  x.in.requirement[de] = 0.2;
  x.in.quota = {0.4, 0.4};  // a quota of 0.4 t/day on each edge, no leakage
  x.in.quota_pass = {0.0, 0.0};

  Allocator r = x.run();
  CHECK(r.edge_flow[0] == Approx(0.4));  // asking more does not get more
  CHECK(r.edge_flow[1] == Approx(0.2));  // a request under the quota passes in full
  CHECK(r.contract_short[nl] == Approx(2.6));
  CHECK(r.shipped[cn] == Approx(0.6));

  // Leakage 0.25 passes a quarter of the excess: 0.4 + 0.25 * 2.6; a chokepoint cut of half then
  // halves what is shipped.
  x.in.quota_pass = {0.25, 0.25};
  r = x.run();
  CHECK(r.edge_flow[0] == Approx(0.4 + 0.25 * 2.6));
  x.in.pass[0] = 0.5;
  r = x.run();
  CHECK(r.edge_flow[0] == Approx(0.5 * (0.4 + 0.25 * 2.6)));
}

TEST_CASE("spot re-sourcing only after the delay, split pro rata and capped at the need",
          "[allocation]") {
  ScenarioBuilder b;
  const int a = b.node("a-mine", NodeKind::mine, "AU", 365);       // the contract supplier
  const int s = b.node("spare-mine", NodeKind::mine, "CL", 365);   // 1 t/day, no contracts
  const int u = b.node("u", NodeKind::consumer, "NL", 2 * 365);    // 2 t/day, all from a
  const int v = b.node("v", NodeKind::consumer, "DE", 365 / 2.0);  // 0.5 t/day, all from a
  b.edge(a, u, 1.0, 10);
  b.edge(a, v, 1.0, 10);
  OneInstant x(b.s);
  x.in.availability[a] = 0;  // an outage of severity 1

  Allocator r = x.run();  // nobody ready yet
  CHECK(r.spot_flow[x.pair(s, u)] == 0.0);
  CHECK(r.contract_short[u] == Approx(2.0));

  x.in.ready[u] = x.in.ready[v] = 1;
  r = x.run();
  // 1 t/day spare against needs 2 and 0.5: pro rata 0.8 and 0.2.
  CHECK(r.spot_flow[x.pair(s, u)] == Approx(0.8));
  CHECK(r.spot_flow[x.pair(s, v)] == Approx(0.2));

  x.in.availability[s] = 10;  // plenty of spare: each gets exactly its need, no more
  r = x.run();
  CHECK(r.spot_flow[x.pair(s, u)] == Approx(2.0));
  CHECK(r.spot_flow[x.pair(s, v)] == Approx(0.5));
}

TEST_CASE(
    "a refinery's output fixes its input requirement, mines ration refineries and consumers "
    "together",
    "[allocation]") {
  ScenarioBuilder b;
  const int mine = b.node("mine", NodeKind::mine, "CD", 365);  // 1 t/day
  const int ref = b.node("ref", NodeKind::refinery, "CN", 10 * 365);
  const int direct = b.node("direct", NodeKind::consumer, "US", 365);  // 1 t/day from the mine
  const int user = b.node("user", NodeKind::consumer, "NL", 365);      // 1 t/day from the refinery
  b.s.nodes[ref].yield = 0.5;                                          // 2 t in per t out
  b.edge(mine, ref, 1.0, 20);
  b.edge(mine, direct, 1.0, 20);
  b.edge(ref, user, 1.0, 20);
  OneInstant x(b.s);
  const Allocator r = x.run();
  CHECK(r.requirement[ref] == Approx(2.0));  // ships 1 t/day at yield 0.5
  CHECK(r.edge_flow[0] == Approx(2.0 / 3));  // mine: 1 t/day against 2 + 1 asked
  CHECK(r.edge_flow[1] == Approx(1.0 / 3));
  CHECK(r.contract_short[direct] == Approx(2.0 / 3));
  (void)user;
}
