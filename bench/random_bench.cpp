// Draw throughput of labtwin::sim::RandomStream and its distributions vs the libstdc++
// baseline (std::mt19937_64 + std:: distributions), measured in the same run; prints the
// speed ratios (ours / baseline, > 1 means ours is faster) after the benchmarks.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <map>
#include <random>
#include <string>

#include "cpu_time_reporter.hpp"
#include "labtwin/sim/distributions.hpp"
#include "labtwin/sim/random.hpp"

namespace {

using labtwin::sim::Exponential;
using labtwin::sim::Gamma;
using labtwin::sim::Normal;
using labtwin::sim::Poisson;
using labtwin::sim::RandomStream;

constexpr int kBatch = 1000;  // draws per benchmark iteration

template <typename Draw>
void run(benchmark::State& state, Draw draw) {
  double sum = 0;
  for (auto _ : state) {
    for (int i = 0; i < kBatch; ++i) sum += draw();
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
}

void BM_Ours_Uniform01(benchmark::State& state) {
  RandomStream r(1, 0, "bench");
  run(state, [&] { return r.uniform01(); });
}
void BM_Std_Uniform01(benchmark::State& state) {
  std::mt19937_64 g(1);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  run(state, [&] { return u(g); });
}
void BM_Ours_Exponential(benchmark::State& state) {
  RandomStream r(1, 0, "bench");
  const Exponential e(2.5);
  run(state, [&] { return e(r); });
}
void BM_Std_Exponential(benchmark::State& state) {
  std::mt19937_64 g(1);
  std::exponential_distribution<double> e(1.0 / 2.5);
  run(state, [&] { return e(g); });
}
void BM_Ours_Normal(benchmark::State& state) {
  RandomStream r(1, 0, "bench");
  const Normal n(10, 2);
  run(state, [&] { return n(r); });
}
void BM_Std_Normal(benchmark::State& state) {
  std::mt19937_64 g(1);
  std::normal_distribution<double> n(10, 2);
  run(state, [&] { return n(g); });
}
void BM_Ours_Gamma(benchmark::State& state) {
  RandomStream r(1, 0, "bench");
  const Gamma d(2, 3);
  run(state, [&] { return d(r); });
}
void BM_Std_Gamma(benchmark::State& state) {
  std::mt19937_64 g(1);
  std::gamma_distribution<double> d(2, 3);
  run(state, [&] { return d(g); });
}
void BM_Ours_Poisson50(benchmark::State& state) {
  RandomStream r(1, 0, "bench");
  const Poisson d(50);
  run(state, [&] { return d(r); });
}
void BM_Std_Poisson50(benchmark::State& state) {
  std::mt19937_64 g(1);
  std::poisson_distribution<int> d(50);
  run(state, [&] { return static_cast<double>(d(g)); });
}

BENCHMARK(BM_Ours_Uniform01);
BENCHMARK(BM_Std_Uniform01);
BENCHMARK(BM_Ours_Exponential);
BENCHMARK(BM_Std_Exponential);
BENCHMARK(BM_Ours_Normal);
BENCHMARK(BM_Std_Normal);
BENCHMARK(BM_Ours_Gamma);
BENCHMARK(BM_Std_Gamma);
BENCHMARK(BM_Ours_Poisson50);
BENCHMARK(BM_Std_Poisson50);

// Console reporter that also remembers CPU time per iteration for the ratio summary.
/// Prints ours/baseline speed ratios from the CPU times of the same run.
void print_ratios(const labtwin::bench::CpuTimeReporter& times) {
  std::printf("\nSpeed ratio ours/baseline (mt19937_64 + std:: distribution), >1 = faster:\n");
  for (const char* name : {"Uniform01", "Exponential", "Normal", "Gamma", "Poisson50"}) {
    const double ours = times.time(std::string("BM_Ours_") + name);
    const double base = times.time(std::string("BM_Std_") + name);
    if (!(ours > 0) || !(base > 0)) continue;
    std::printf("  %-12s %.2fx  (ours %.2f ns/draw, std %.2f ns/draw)\n", name, base / ours,
                ours / kBatch, base / kBatch);
  }
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  labtwin::bench::CpuTimeReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  print_ratios(reporter);
  benchmark::Shutdown();
  return 0;
}
