// Zheng-Federgruen optimal (s,S) for Poisson demand vs a brute-force grid search that evaluates
// ss_cost_poisson at every grid point, for mean demand 10..75 (h=1, p=9, K=64 as in Z&F 1991).
// Prints the speedup per mean and checks both searches agree.
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "cpu_time_reporter.hpp"
#include "labtwin/core/policy/poisson_ss.hpp"

namespace lc = labtwin::core;

namespace {

constexpr double kH = 1.0;
constexpr double kP = 9.0;
constexpr double kK = 64.0;

// A grid a planner would choose without knowing the answer: reorder levels 0 .. mean + 4 sd,
// order sizes S - s up to twice the EOQ sqrt(2 K mean / h).
lc::SsResult brute_force(double mean) {
  const long s_hi = static_cast<long>(std::ceil(mean + 4.0 * std::sqrt(mean)));
  const long gap_hi = static_cast<long>(std::ceil(2.0 * std::sqrt(2.0 * kK * mean / kH)));
  lc::SsResult best{0, 1, 1e300};
  for (long s = 0; s <= s_hi; ++s) {
    for (long gap = 1; gap <= gap_hi; ++gap) {
      const double c = lc::ss_cost_poisson(s, s + gap, mean, kH, kP, kK, 0);
      if (c < best.cost) best = lc::SsResult{s, s + gap, c};
    }
  }
  return best;
}

void BM_ZhengFedergruen(benchmark::State& state) {
  const double mean = static_cast<double>(state.range(0));
  for (auto _ : state) {
    benchmark::DoNotOptimize(lc::optimal_ss_poisson(mean, kH, kP, kK, 0));
  }
}

void BM_BruteForceGrid(benchmark::State& state) {
  const double mean = static_cast<double>(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(brute_force(mean));
}

BENCHMARK(BM_ZhengFedergruen)->DenseRange(10, 75, 5)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_BruteForceGrid)->DenseRange(10, 75, 5)->Unit(benchmark::kMicrosecond)->MinTime(0.05);

// Console output as usual, plus the CPU time per run name for the ratio table.
using RatioReporter = labtwin::bench::CpuTimeReporter;

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();

  std::printf("\nZheng-Federgruen vs brute-force grid (h=%g, p=%g, K=%g, L=0)\n", kH, kP, kK);
  std::printf("%6s %8s %8s %12s %14s %10s %s\n", "mean", "s*", "S*", "Z&F cpu[us]", "grid cpu[us]",
              "speedup", "grid cost agrees");
  for (int mean = 10; mean <= 75; mean += 5) {
    const double zf = reporter.time("BM_ZhengFedergruen/" + std::to_string(mean));
    const double grid = reporter.time("BM_BruteForceGrid/" + std::to_string(mean));
    if (std::isnan(zf) || std::isnan(grid)) continue;  // filtered out on the command line
    const auto opt = lc::optimal_ss_poisson(mean, kH, kP, kK, 0);
    const auto bf = brute_force(mean);
    // Compare costs: for large means the optimum orders every period and s is not unique.
    const bool agrees = std::abs(bf.cost - opt.cost) <= 1e-9 * opt.cost;
    std::printf("%6d %8ld %8ld %12.2f %14.1f %9.0fx %s\n", mean, opt.s, opt.S, zf, grid, grid / zf,
                agrees ? "yes" : "NO");
  }
  return 0;
}
