// The supply network's routes (Dijkstra on Boost.Graph) against hand-computed shortest paths,
// rerouting when a lane closes, the cold-chain restriction and the route cache.
#include "labtwin/twin/supply_network.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

using namespace labtwin;
using twin::RouteObjective;
using twin::SupplyNetwork;
using twin::SupplyNodeKind;

namespace {

constexpr double kDay = 86400.0;

// A ---1d/10---> B ---1d/10---> D            time:  A-B-D = 2d     (A-C-D 2.5d, A-D 5d)
// A --0.5d/1---> C ---2d/1----> D            cost:  A-C-D = 2      (A-B-D 20,  A-D 100)
// A ---5d/100--> D (cold)                    cold:  A-B (cold), B-D (cold), C-D not cold
struct Net {
  SupplyNetwork net;
  std::size_t a, b, c, d, ab, bd, ac, cd, ad;
  Net() {
    a = net.add_node("A", SupplyNodeKind::supplier);
    b = net.add_node("B", SupplyNodeKind::hub);
    c = net.add_node("C", SupplyNodeKind::hub);
    d = net.add_node("D", SupplyNodeKind::site);
    ab = lane("A-B", a, b, 1.0, 10, true);
    bd = lane("B-D", b, d, 1.0, 10, true);
    ac = lane("A-C", a, c, 0.5, 1, false);
    cd = lane("C-D", c, d, 2.0, 1, false);
    ad = lane("A-D", a, d, 5.0, 100, true);
  }
  std::size_t lane(const char* id, std::size_t f, std::size_t t, double days, double cost,
                   bool cold) {
    twin::NetworkLane l;
    l.id = id;
    l.from = f;
    l.to = t;
    l.time_weight = days * kDay;
    l.cost_weight = cost;
    l.cold_chain = cold;
    return net.add_lane(l);
  }
  std::vector<std::size_t> route(std::size_t f, std::size_t t, RouteObjective o, bool cold) {
    std::vector<std::size_t> out;
    EXPECT_TRUE(net.route(f, t, o, cold, out));
    return out;
  }
};

}  // namespace

TEST(SupplyNetwork, ShortestTimeAndCheapestRoutesMatchHandComputed) {
  Net n;
  EXPECT_EQ(n.route(n.a, n.d, RouteObjective::time, false), (std::vector{n.ab, n.bd}));
  EXPECT_DOUBLE_EQ(n.net.distance(n.a, n.d, RouteObjective::time, false), 2.0 * kDay);
  EXPECT_EQ(n.route(n.a, n.d, RouteObjective::cost, false), (std::vector{n.ac, n.cd}));
  EXPECT_DOUBLE_EQ(n.net.distance(n.a, n.d, RouteObjective::cost, false), 2.0);
  EXPECT_EQ(n.net.next_lane(n.a, n.d, RouteObjective::cost, false), n.ac);
  EXPECT_EQ(n.net.next_lane(n.c, n.d, RouteObjective::time, false), n.cd);
  // Same node: empty route; no way back from D (lanes are directed).
  EXPECT_TRUE(n.route(n.d, n.d, RouteObjective::time, false).empty());
  std::vector<std::size_t> out{99};
  EXPECT_FALSE(n.net.route(n.d, n.a, RouteObjective::time, false, out));
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(n.net.next_lane(n.d, n.a, RouteObjective::time, false), SupplyNetwork::npos);
  EXPECT_TRUE(std::isinf(n.net.distance(n.d, n.a, RouteObjective::time, false)));
}

TEST(SupplyNetwork, ClosingALaneReroutesAndReopeningRestores) {
  Net n;
  ASSERT_EQ(n.route(n.a, n.d, RouteObjective::time, false), (std::vector{n.ab, n.bd}));
  EXPECT_TRUE(n.net.set_open(n.bd, false));
  EXPECT_FALSE(n.net.set_open(n.bd, false));  // no change
  // Hand-computed: A-C-D 2.5d beats A-D 5d.
  EXPECT_EQ(n.route(n.a, n.d, RouteObjective::time, false), (std::vector{n.ac, n.cd}));
  EXPECT_DOUBLE_EQ(n.net.distance(n.a, n.d, RouteObjective::time, false), 2.5 * kDay);
  n.net.set_open(n.cd, false);
  EXPECT_EQ(n.route(n.a, n.d, RouteObjective::time, false), (std::vector{n.ad}));
  n.net.set_open(n.ad, false);
  std::vector<std::size_t> out;
  EXPECT_FALSE(n.net.route(n.a, n.d, RouteObjective::time, false, out));
  n.net.set_open(n.bd, true);
  EXPECT_EQ(n.route(n.a, n.d, RouteObjective::time, false), (std::vector{n.ab, n.bd}));
}

TEST(SupplyNetwork, FrozenShipmentsUseOnlyColdChainLanes) {
  Net n;
  // Cheapest overall is A-C-D, but C-D has no cold chain: cheapest cold route is A-B-D (20).
  EXPECT_EQ(n.route(n.a, n.d, RouteObjective::cost, true), (std::vector{n.ab, n.bd}));
  EXPECT_DOUBLE_EQ(n.net.distance(n.a, n.d, RouteObjective::cost, true), 20.0);
  n.net.set_open(n.ab, false);
  EXPECT_EQ(n.route(n.a, n.d, RouteObjective::time, true), (std::vector{n.ad}));
  EXPECT_EQ(n.route(n.a, n.d, RouteObjective::time, false), (std::vector{n.ac, n.cd}));
  EXPECT_TRUE(std::isinf(n.net.distance(n.a, n.c, RouteObjective::time, true)));
}

TEST(SupplyNetwork, RoutesAreCachedPerSourceAndInvalidatedOnClosure) {
  Net n;
  (void)n.route(n.a, n.d, RouteObjective::time, false);
  (void)n.route(n.a, n.b, RouteObjective::time, false);
  (void)n.route(n.a, n.c, RouteObjective::time, false);
  EXPECT_EQ(n.net.dijkstra_runs(), 1u);  // one tree from A answers all three
  (void)n.route(n.a, n.d, RouteObjective::cost, false);
  (void)n.route(n.a, n.d, RouteObjective::time, true);
  EXPECT_EQ(n.net.dijkstra_runs(), 3u);  // one per (objective, cold-only)
  n.net.set_open(n.ab, false);
  (void)n.route(n.a, n.d, RouteObjective::time, false);
  EXPECT_EQ(n.net.dijkstra_runs(), 4u);
  EXPECT_EQ(n.net.queries(), 6u);
}

TEST(SupplyNetwork, SmallCacheEvictsButStaysCorrect) {
  SupplyNetwork net(2);
  // A chain 0 -> 1 -> ... -> 9 with 1 h per lane.
  for (int i = 0; i < 10; ++i) net.add_node(std::to_string(i) + "n", SupplyNodeKind::hub);
  for (std::size_t i = 0; i + 1 < 10; ++i) {
    twin::NetworkLane l;
    l.id = std::to_string(i) + "l";
    l.from = i;
    l.to = i + 1;
    l.time_weight = 3600;
    net.add_lane(l);
  }
  for (int rep = 0; rep < 3; ++rep)
    for (std::size_t s = 0; s < 9; ++s)
      EXPECT_DOUBLE_EQ(net.distance(s, 9, RouteObjective::time, false), 3600.0 * (9 - s));
  EXPECT_EQ(net.dijkstra_runs(), 27u);  // capacity 2 < 9 sources: every query misses
}

TEST(SupplyNetwork, RejectsBadLanesAndNodesByName) {
  SupplyNetwork net;
  net.add_node("A", SupplyNodeKind::supplier);
  net.add_node("B", SupplyNodeKind::site);
  EXPECT_THROW(net.add_node("A", SupplyNodeKind::hub), std::invalid_argument);
  twin::NetworkLane l;
  l.id = "x";
  l.from = 0;
  l.to = 0;
  try {
    net.add_lane(l);
    FAIL() << "self loop accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("'x'"), std::string::npos) << e.what();
  }
  l.to = 1;
  l.time_weight = -1;
  EXPECT_THROW(net.add_lane(l), std::invalid_argument);
  l.time_weight = 1;
  net.add_lane(l);
  EXPECT_THROW(net.add_lane(l), std::invalid_argument);  // duplicate id
  EXPECT_EQ(net.lane("x"), std::optional<std::size_t>(0));
  EXPECT_EQ(net.node("B"), std::optional<std::size_t>(1));
  EXPECT_FALSE(net.node("C"));
}
