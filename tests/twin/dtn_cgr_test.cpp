// Contact graph routing on hand-built plans with known earliest arrivals, Yen's k routes, the
// baselines, and cross-checks against brute-force enumeration on random plans.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <vector>

#include "labtwin/sim/random.hpp"
#include "labtwin/twin/dtn/cgr.hpp"

namespace {

using labtwin::twin::dtn::Contact;
using labtwin::twin::dtn::ContactGraph;
using labtwin::twin::dtn::ContactPlan;
using labtwin::twin::dtn::kNever;
using labtwin::twin::dtn::NodeId;
using labtwin::twin::dtn::RouteQuery;

Contact C(std::uint64_t id, NodeId from, NodeId to, double start, double end, double owlt,
          double rate = 1e6) {
  Contact c;
  c.id = id;
  c.from = from;
  c.to = to;
  c.start = start;
  c.end = end;
  c.owlt = owlt;
  c.rate = rate;
  return c;
}

ContactPlan plan_of(std::vector<Contact> cs) {
  ContactPlan p;
  p.contacts = std::move(cs);
  p.finalize();
  return p;
}

std::vector<std::uint64_t> ids(const ContactGraph& g, const std::vector<std::size_t>& cs) {
  std::vector<std::uint64_t> out;
  for (auto c : cs) out.push_back(g.plan().contacts[c].id);
  return out;
}

// arrival = max(ready, start) + owlt per hop (CCSDS 734.3-B-1 SABR 3.2.6.8).
TEST(DtnCgr, ChainArrivalIsMaxOfReadyAndStartPlusOwlt) {
  // 1->2 during [10,20) owlt 2: leaves at 10, arrives 12. 2->3 during [5,15) owlt 1: the
  // bundle is ready at 12 > start 5, so it leaves at 12 and arrives 13.
  ContactGraph g(plan_of({C(0, 1, 2, 10, 20, 2), C(1, 2, 3, 5, 15, 1)}));
  const auto r = g.best_route({1, 3, 0, 0});
  ASSERT_TRUE(r);
  EXPECT_DOUBLE_EQ(r->delivery_time, 13);
  EXPECT_DOUBLE_EQ(r->departure, 10);
  EXPECT_EQ(r->next_hop, 2u);
  EXPECT_EQ(r->hops, (std::vector<NodeId>{1, 2, 3}));
  EXPECT_EQ(ids(g, r->contacts), (std::vector<std::uint64_t>{0, 1}));
  EXPECT_EQ(r->arrivals, (std::vector<double>{12, 13}));
  // Ready at 15 (after contact 0 started): leaves at 15, 17 at node 2, but 2->3 ended at 15.
  EXPECT_FALSE(g.best_route({1, 3, 15, 0}));
}

TEST(DtnCgr, WaitsForALaterContact) {
  // 2->3 twice: [5,11) is over when the bundle reaches 2 at 12; [30,40) owlt 1 -> 31.
  ContactGraph g(plan_of({C(0, 1, 2, 10, 20, 2), C(1, 2, 3, 5, 11, 1), C(2, 2, 3, 30, 40, 1)}));
  const auto r = g.best_route({1, 3, 0, 0});
  ASSERT_TRUE(r);
  EXPECT_DOUBLE_EQ(r->delivery_time, 31);
  EXPECT_EQ(ids(g, r->contacts), (std::vector<std::uint64_t>{0, 2}));
}

TEST(DtnCgr, NoRoute) {
  // The only onward contact ends before the bundle can get there; node 9 is unknown; 3 has no
  // outgoing contact back to 1; source == destination.
  ContactGraph g(plan_of({C(0, 1, 2, 10, 20, 2), C(1, 2, 3, 5, 11, 1)}));
  EXPECT_FALSE(g.best_route({1, 3, 0, 0}));
  EXPECT_FALSE(g.best_route({1, 9, 0, 0}));
  EXPECT_FALSE(g.best_route({3, 1, 0, 0}));
  EXPECT_FALSE(g.best_route({1, 1, 0, 0}));
  EXPECT_TRUE(g.k_routes({1, 3, 0, 0}, 3).empty());
  EXPECT_EQ(g.epidemic({1, 3, 0, 0}).delivery_time, kNever);
  EXPECT_FALSE(g.first_contact_route({1, 3, 0, 0}));
}

TEST(DtnCgr, OwltDecidesAndYenListsTheAlternative) {
  // Direct 1->4 owlt 50 vs 1->2->4 owlt 1+1 vs 1->3->4 owlt 5+5.
  ContactGraph g(plan_of({C(0, 1, 4, 0, 100, 50), C(1, 1, 2, 0, 100, 1), C(2, 2, 4, 0, 100, 1),
                          C(3, 1, 3, 0, 100, 5), C(4, 3, 4, 0, 100, 5)}));
  const auto routes = g.k_routes({1, 4, 0, 0}, 5);
  ASSERT_EQ(routes.size(), 3u);
  EXPECT_DOUBLE_EQ(routes[0].delivery_time, 2);
  EXPECT_EQ(routes[0].next_hop, 2u);
  EXPECT_DOUBLE_EQ(routes[1].delivery_time, 10);
  EXPECT_EQ(routes[1].next_hop, 3u);
  EXPECT_DOUBLE_EQ(routes[2].delivery_time, 50);
  EXPECT_EQ(routes[2].hops, (std::vector<NodeId>{1, 4}));
  // The time-blind static graph agrees on the shortest owlt sum here (no waiting).
  labtwin::twin::dtn::StaticNodeGraph sg(g.plan());
  EXPECT_DOUBLE_EQ(sg.shortest_owlt(1, 4), 2);
  EXPECT_EQ(sg.shortest_owlt(4, 1), kNever);
}

TEST(DtnCgr, VolumeLimitsAndResidualVolume) {
  // 1->2 at 10 B/s during [0,10): 100 B in all. 1->2 slow path via 3 carries anything.
  ContactGraph g(plan_of(
      {C(0, 1, 2, 0, 10, 1, 10), C(1, 1, 3, 0, 1000, 1, 1e6), C(2, 3, 2, 50, 1000, 1, 1e6)}));
  auto r = g.best_route({1, 2, 0, 100});
  ASSERT_TRUE(r);
  EXPECT_DOUBLE_EQ(r->delivery_time, 1);
  EXPECT_DOUBLE_EQ(r->residual_volume, 100);
  // 150 B does not fit in the 100 B contact: the detour via 3 (start 50, +1) arrives at 51.
  r = g.best_route({1, 2, 0, 150});
  ASSERT_TRUE(r);
  EXPECT_DOUBLE_EQ(r->delivery_time, 51);
  EXPECT_EQ(r->next_hop, 3u);
  // Ready at 5: only 10 B/s * 5 s = 50 B left in the contact, so 60 B takes the detour.
  r = g.best_route({1, 2, 5, 60});
  ASSERT_TRUE(r);
  EXPECT_DOUBLE_EQ(r->delivery_time, 51);
  r = g.best_route({1, 2, 5, 50});
  ASSERT_TRUE(r);
  EXPECT_DOUBLE_EQ(r->delivery_time, 6);
  EXPECT_DOUBLE_EQ(r->residual_volume, 50);
  // Bookings consume volume: after 60 B booked, 50 B no longer fit at t=0; releasing restores.
  const std::size_t direct = g.best_route({1, 2, 0, 0})->contacts[0];
  g.consume(direct, 60);
  EXPECT_DOUBLE_EQ(g.residual(direct), 40);
  EXPECT_DOUBLE_EQ(g.best_route({1, 2, 0, 50})->delivery_time, 51);
  g.release(direct, 60);
  EXPECT_DOUBLE_EQ(g.best_route({1, 2, 0, 50})->delivery_time, 1);
  g.consume(direct, 1000);
  EXPECT_DOUBLE_EQ(g.residual(direct), 0);
  g.reset_volumes();
  EXPECT_DOUBLE_EQ(g.residual(direct), 100);
}

TEST(DtnCgr, FirstContactBaselineCanBeWorse) {
  // First contact from 1 goes to 2 (starts at 0) but 2 only reaches 4 at 100; 1->3 (start 1)
  // reaches 4 at 3. CGR finds 3; first contact takes the 2 branch and arrives at 101.
  ContactGraph g(plan_of(
      {C(0, 1, 2, 0, 10, 1), C(1, 2, 4, 100, 110, 1), C(2, 1, 3, 1, 10, 1), C(3, 3, 4, 2, 10, 1)}));
  EXPECT_DOUBLE_EQ(g.best_route({1, 4, 0, 0})->delivery_time, 3);
  const auto fc = g.first_contact_route({1, 4, 0, 0});
  ASSERT_TRUE(fc);
  EXPECT_DOUBLE_EQ(fc->delivery_time, 101);
  const auto ep = g.epidemic({1, 4, 0, 0});
  EXPECT_DOUBLE_EQ(ep.delivery_time, 3);
  // Copies before t=3: 1->2 at 0, 1->3 at 1, 3->4 at 2 (2->4 only starts at 100).
  EXPECT_EQ(ep.copies, 3u);
  EXPECT_EQ(ep.nodes_reached, 4u);
}

// ---- random plans against brute force -------------------------------------------------

ContactPlan random_plan(labtwin::sim::RandomStream& rng, int nodes, int contacts) {
  std::vector<Contact> cs;
  for (int i = 0; i < contacts; ++i) {
    const NodeId a = 1 + rng.below(static_cast<std::uint64_t>(nodes));
    NodeId b = 1 + rng.below(static_cast<std::uint64_t>(nodes) - 1);
    if (b >= a) ++b;
    const double s = static_cast<double>(rng.below(100));
    const double len = 1 + static_cast<double>(rng.below(30));
    const double owlt = static_cast<double>(rng.below(4));
    const double rate = 1 + static_cast<double>(rng.below(20));
    cs.push_back(C(static_cast<std::uint64_t>(i), a, b, s, s + len, owlt, rate));
  }
  return plan_of(std::move(cs));
}

/// Delivery times of every node-loop-free contact sequence from q.from to q.to, sorted.
std::vector<double> brute_force(const ContactPlan& p, const RouteQuery& q) {
  std::vector<double> out;
  std::vector<NodeId> visited{q.from};
  std::function<void(NodeId, double)> dfs = [&](NodeId u, double ready) {
    for (const auto& c : p.contacts) {
      if (c.from != u || ready >= c.end) continue;
      if (std::find(visited.begin(), visited.end(), c.to) != visited.end()) continue;
      const double dep = std::max(ready, c.start);
      if (q.size > 0 && c.rate * (c.end - dep) < q.size) continue;
      const double arr = dep + c.owlt;
      if (c.to == q.to) {
        out.push_back(arr);
        continue;
      }
      visited.push_back(c.to);
      dfs(c.to, arr);
      visited.pop_back();
    }
  };
  dfs(q.from, q.at);
  std::sort(out.begin(), out.end());
  return out;
}

TEST(DtnCgr, MatchesBruteForceOnRandomPlans) {
  labtwin::sim::RandomStream rng(11, 0, "dtn-cgr-brute");
  int routed = 0, unrouted = 0;
  for (int trial = 0; trial < 60; ++trial) {
    const ContactPlan p = random_plan(rng, 6, 24);
    ContactGraph g(p);
    for (NodeId s = 1; s <= 6; ++s)
      for (NodeId d = 1; d <= 6; ++d) {
        if (s == d) continue;
        const RouteQuery q{s, d, static_cast<double>(rng.below(50)),
                           static_cast<double>(rng.below(3)) * 40.0};
        if (g.plan().node_index(s) == g.plan().nodes.size() ||
            g.plan().node_index(d) == g.plan().nodes.size())
          continue;
        const auto all = brute_force(g.plan(), q);
        const auto best = g.best_route(q);
        ASSERT_EQ(best.has_value(), !all.empty()) << "trial " << trial << " " << s << "->" << d;
        if (all.empty()) {
          ++unrouted;
          continue;
        }
        ++routed;
        EXPECT_DOUBLE_EQ(best->delivery_time, all.front());
        // Yen: the k best delivery times equal the k smallest of the enumeration.
        const auto yen = g.k_routes(q, 4);
        ASSERT_EQ(yen.size(), std::min<std::size_t>(4, all.size()));
        for (std::size_t i = 0; i < yen.size(); ++i) {
          EXPECT_DOUBLE_EQ(yen[i].delivery_time, all[i]) << "trial " << trial << " k=" << i;
          std::vector<NodeId> h = yen[i].hops;
          std::sort(h.begin(), h.end());
          EXPECT_EQ(std::adjacent_find(h.begin(), h.end()), h.end()) << "loop in a Yen route";
        }
        // Epidemic flooding reaches the destination no later than any route (equal at size 0
        // and with volume limited by the same rule).
        EXPECT_DOUBLE_EQ(g.epidemic(q).delivery_time, all.front());
        const auto fc = g.first_contact_route(q);
        if (fc) {
          EXPECT_GE(fc->delivery_time, all.front());
        }
      }
  }
  EXPECT_GT(routed, 500);
  EXPECT_GT(unrouted, 50);
}

}  // namespace
