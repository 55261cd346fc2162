// Route queries on a 10,000-node supply network: twin::SupplyNetwork (one Dijkstra tree per
// (source, objective, cold-only), cached, invalidated when a lane closes or reopens) against a
// plain boost::dijkstra_shortest_paths per query on the same graph, in the same run.
//
// Workload: shipments leave from 64 origins (suppliers and hubs) to random destinations; every
// 2,000 queries one lane closes or reopens (a disruption), which drops every cached tree. The
// "cold" case caches a single tree and alternates origins, so every query runs Dijkstra: the
// overhead of the wrapper itself.
#include <benchmark/benchmark.h>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/dijkstra_shortest_paths.hpp>
#include <cstdio>
#include <string>
#include <vector>

#include "cpu_time_reporter.hpp"
#include "labtwin/sim/random.hpp"
#include "labtwin/twin/supply_network.hpp"

namespace {

using labtwin::twin::RouteObjective;
using labtwin::twin::SupplyNetwork;

constexpr std::size_t kNodes = 10'000;
constexpr std::size_t kOrigins = 64;
constexpr int kQueriesPerChange = 2'000;

struct Lane {
  std::size_t from, to;
  double hours;
};

// Deterministic generator: a ring (everything reachable) plus 3 random lanes per node with
// transit 2..50 h, some of them cold chain.
std::vector<Lane> generate() {
  labtwin::sim::RandomStream rng(2026, 0, "bench/supply-network");
  std::vector<Lane> lanes;
  for (std::size_t v = 0; v < kNodes; ++v) lanes.push_back({v, (v + 1) % kNodes, 24.0});
  for (std::size_t v = 0; v < kNodes; ++v)
    for (int k = 0; k < 3; ++k) {
      std::size_t w = rng.below(kNodes);
      if (w == v) w = (w + 7) % kNodes;
      lanes.push_back({v, w, rng.uniform(2.0, 50.0)});
    }
  return lanes;
}

const std::vector<Lane>& lanes() {
  static const std::vector<Lane> l = generate();
  return l;
}

SupplyNetwork make_network(std::size_t cache) {
  SupplyNetwork net(cache);
  for (std::size_t v = 0; v < kNodes; ++v)
    net.add_node(std::to_string(v) + "n", labtwin::twin::SupplyNodeKind::hub);
  std::size_t i = 0;
  for (const Lane& l : lanes()) {
    labtwin::twin::NetworkLane nl;
    nl.id = std::to_string(i++) + "l";
    nl.from = l.from;
    nl.to = l.to;
    nl.time_weight = l.hours * 3600.0;
    nl.cost_weight = 1.0;
    net.add_lane(nl);
  }
  return net;
}

// Queries: (origin, destination) pairs, fixed for both sides.
std::vector<std::pair<std::size_t, std::size_t>> queries() {
  labtwin::sim::RandomStream rng(2026, 0, "bench/supply-queries");
  std::vector<std::pair<std::size_t, std::size_t>> q;
  for (int i = 0; i < 1 << 16; ++i)
    q.push_back({rng.below(kOrigins) * (kNodes / kOrigins), rng.below(kNodes)});
  return q;
}

void BM_SupplyNetworkRoute(benchmark::State& state) {
  SupplyNetwork net = make_network(256);
  const auto q = queries();
  std::vector<std::size_t> route;
  std::size_t i = 0, toggled = 0;
  bool closed = false;
  double hops = 0;
  for (auto _ : state) {
    const auto& [from, to] = q[i++ & (q.size() - 1)];
    benchmark::DoNotOptimize(net.route(from, to, RouteObjective::time, false, route));
    hops += static_cast<double>(route.size());
    if (i % kQueriesPerChange == 0) {  // a disruption: one ring lane closes or reopens
      net.set_open(toggled, closed);
      closed = !closed;
      if (closed) toggled = (toggled + 97) % kNodes;
    }
  }
  state.counters["queries/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["dijkstra_runs"] = static_cast<double>(net.dijkstra_runs());
  state.counters["mean_hops"] = hops / static_cast<double>(state.iterations());
}

void BM_SupplyNetworkRouteCold(benchmark::State& state) {
  SupplyNetwork net = make_network(1);
  const auto q = queries();
  std::vector<std::size_t> route;
  std::size_t i = 0;
  for (auto _ : state) {
    const auto& [from, to] = q[i++ & (q.size() - 1)];
    // Alternate origins so that the single cached tree never matches.
    benchmark::DoNotOptimize(
        net.route((i & 1) ? from : (from + 1) % kNodes, to, RouteObjective::time, false, route));
  }
  state.counters["queries/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS, boost::no_property,
                                    boost::property<boost::edge_weight_t, double>>;

void BM_PlainBoostDijkstra(benchmark::State& state) {
  Graph g(kNodes);
  for (const Lane& l : lanes()) boost::add_edge(l.from, l.to, l.hours * 3600.0, g);
  const auto q = queries();
  std::vector<double> dist(kNodes);
  std::vector<std::size_t> pred(kNodes);
  std::vector<std::size_t> route;
  std::size_t i = 0;
  for (auto _ : state) {
    const auto& [from, to] = q[i++ & (q.size() - 1)];
    boost::dijkstra_shortest_paths(g, from,
                                   boost::predecessor_map(pred.data()).distance_map(dist.data()));
    route.clear();
    for (std::size_t v = to; v != from && pred[v] != v; v = pred[v]) route.push_back(v);
    benchmark::DoNotOptimize(route.data());
  }
  state.counters["queries/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

BENCHMARK(BM_SupplyNetworkRoute)->Unit(benchmark::kMicrosecond)->Iterations(40000);
BENCHMARK(BM_SupplyNetworkRouteCold)->Unit(benchmark::kMicrosecond)->MinTime(0.5);
BENCHMARK(BM_PlainBoostDijkstra)->Unit(benchmark::kMicrosecond)->MinTime(0.5);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  labtwin::bench::CpuTimeReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  const double cached = reporter.time("BM_SupplyNetworkRoute/iterations:40000");
  const double cold = reporter.time("BM_SupplyNetworkRouteCold");
  const double plain = reporter.time("BM_PlainBoostDijkstra");
  std::printf("\nRoute queries on %zu nodes, %zu lanes (CPU time per query)\n", kNodes,
              lanes().size());
  std::printf("  SupplyNetwork, cached trees : %10.3f us  (%9.0f queries/s)\n", cached,
              1e6 / cached);
  std::printf("  SupplyNetwork, every miss   : %10.3f us  (%9.0f queries/s)\n", cold, 1e6 / cold);
  std::printf("  plain boost Dijkstra        : %10.3f us  (%9.0f queries/s)\n", plain, 1e6 / plain);
  std::printf("  speedup cached / plain: %.1fx; wrapper overhead on a miss: %.2fx\n",
              plain / cached, cold / plain);
  return 0;
}
