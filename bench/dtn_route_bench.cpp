// Contact graph routing on ../shared/data/dtn/hdtn-50nodes.json (7,186 contacts): route
// computations per second for CGR (best route), Yen's 3 routes and epidemic flooding
// (Boost.Graph), beside a plain Dijkstra over the static node graph (Boost.Graph, owlt
// weights, time ignored) in the same run, on the same (from, to, at) queries.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <filesystem>
#include <vector>

#include "cpu_time_reporter.hpp"
#include "labtwin/adapters/contact_plan_io.hpp"
#include "labtwin/sim/random.hpp"
#include "labtwin/twin/dtn/cgr.hpp"

namespace {

using namespace labtwin::twin::dtn;

struct Fixture {
  ContactPlan plan;
  std::unique_ptr<ContactGraph> cgr;
  std::unique_ptr<StaticNodeGraph> static_graph;
  std::vector<RouteQuery> queries;
  std::size_t routed = 0;
};

Fixture& fixture() {
  static Fixture f = [] {
    Fixture x;
    const auto file = std::filesystem::path(LABTWIN_SHARED_DATA_DIR) / "dtn" / "hdtn-50nodes.json";
    x.plan = labtwin::adapters::load_contact_plan(file);
    x.cgr = std::make_unique<ContactGraph>(x.plan);
    x.static_graph = std::make_unique<StaticNodeGraph>(x.plan);
    double horizon = 0;
    for (const auto& c : x.plan.contacts) horizon = std::max(horizon, c.end);
    labtwin::sim::RandomStream rng(1, 0, "dtn-route-bench");
    const auto n = x.plan.nodes.size();
    while (x.queries.size() < 256) {
      const auto a = x.plan.nodes[rng.below(n)], b = x.plan.nodes[rng.below(n)];
      if (a == b) continue;
      x.queries.push_back({a, b, horizon * 0.5 * rng.uniform01(), 0});
    }
    for (const auto& q : x.queries) x.routed += x.cgr->best_route(q).has_value();
    return x;
  }();
  return f;
}

void BM_CgrBestRoute(benchmark::State& state) {
  auto& f = fixture();
  Route r;
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(f.cgr->best_route(f.queries[i], r));
    i = (i + 1) % f.queries.size();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CgrBestRoute);

void BM_CgrYen3(benchmark::State& state) {
  auto& f = fixture();
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(f.cgr->k_routes(f.queries[i], 3));
    i = (i + 1) % f.queries.size();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CgrYen3);

void BM_EpidemicBoost(benchmark::State& state) {
  auto& f = fixture();
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(f.cgr->epidemic(f.queries[i]));
    i = (i + 1) % f.queries.size();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EpidemicBoost);

void BM_StaticDijkstraBoost(benchmark::State& state) {
  auto& f = fixture();
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(f.static_graph->shortest_owlt(f.queries[i].from, f.queries[i].to));
    i = (i + 1) % f.queries.size();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_StaticDijkstraBoost);

}  // namespace

int main(int argc, char** argv) {
  if (!std::filesystem::exists(std::filesystem::path(LABTWIN_SHARED_DATA_DIR) / "dtn" /
                               "hdtn-50nodes.json")) {
    std::printf("dtn_route_bench: shared data absent (%s/dtn), nothing to measure\n",
                LABTWIN_SHARED_DATA_DIR);
    return 0;
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  labtwin::bench::CpuTimeReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  const auto& f = fixture();
  std::printf("\nhdtn-50nodes.json: %zu contacts (%zu empty), %zu nodes; %zu queries, %zu routed\n",
              f.plan.contacts.size(), f.plan.empty_contacts, f.plan.nodes.size(), f.queries.size(),
              f.routed);
  const double base = reporter.time("BM_StaticDijkstraBoost");
  for (const char* name :
       {"BM_CgrBestRoute", "BM_CgrYen3", "BM_EpidemicBoost", "BM_StaticDijkstraBoost"}) {
    const double t = reporter.time(name);  // ns per query (CPU)
    if (!(t > 0)) continue;
    std::printf("  %-24s %12.0f queries/s  %8.2f us/query  time ratio vs static Dijkstra %.2f\n",
                name, 1e9 / t, t / 1e3, t / base);
  }
  benchmark::Shutdown();
  return 0;
}
