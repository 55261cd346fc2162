// Sweep throughput: the same sweep (reagent-reorder: base, lean, safe x 16 replications of 90
// days) on one and on two oneTBB threads, in one run; prints the -j2 / -j1 speedup (wall time:
// parallelism is the point, so CPU time would hide it) and the memory one concurrent
// replication needs (heap in use by a live model at its horizon, and the VmHWM growth of the
// process per concurrent replication).
#include <benchmark/benchmark.h>
#include <malloc.h>
#include <sys/resource.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <string>

#include "labtwin/adapters/scenario_loader.hpp"
#include "labtwin/adapters/sweep.hpp"
#include "labtwin/twin/lab_model.hpp"

namespace ad = labtwin::adapters;

namespace {

constexpr std::size_t kReplications = 16;

struct Fixture {
  ad::SweepVariants plan;
  std::vector<ad::KpiColumn> kpis;
};

const Fixture& fixture() {
  static const Fixture f = [] {
    Fixture x;
    const auto loaded =
        ad::load_scenario(std::string(LABTWIN_SOURCE_DIR) + "/scenarios/reagent-reorder.yaml");
    if (!loaded.ok()) throw std::runtime_error("reagent-reorder.yaml does not load");
    x.plan = ad::plan_variants(*loaded.tree, *loaded.scenario, {});
    x.kpis = ad::kpi_columns(*loaded.scenario);
    return x;
  }();
  return f;
}

/// Peak resident set size so far (VmHWM), in kB.
long vm_hwm_kb() {
  std::ifstream in("/proc/self/status");
  std::string key;
  long value = 0;
  while (in >> key) {
    if (key == "VmHWM:") {
      in >> value;
      return value;
    }
    in.ignore(1 << 12, '\n');
  }
  return -1;
}

long g_hwm_before = 0;
std::map<int, long> g_hwm_after;      // threads -> VmHWM after its sweeps
std::map<int, double> g_cpu_per_rep;  // threads -> process CPU seconds per replication

/// CPU time of the whole process (every thread), seconds.
double process_cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         1e-6 * static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

void BM_Sweep(benchmark::State& state) {
  const auto& f = fixture();
  const int threads = static_cast<int>(state.range(0));
  const double cpu0 = process_cpu_seconds();
  for (auto _ : state) {
    auto res = ad::make_results(f.plan.variants, f.kpis);
    res.plan(kReplications);
    ad::SweepRunOptions o;
    o.threads = threads;
    benchmark::DoNotOptimize(ad::run_replications(f.plan.variants, res, o));
  }
  const double runs = static_cast<double>(kReplications * f.plan.variants.size()) *
                      static_cast<double>(state.iterations());
  g_cpu_per_rep[threads] = (process_cpu_seconds() - cpu0) / runs;
  g_hwm_after[threads] = vm_hwm_kb();
  state.counters["replications/s"] =
      benchmark::Counter(static_cast<double>(kReplications * f.plan.variants.size()) *
                             static_cast<double>(state.iterations()),
                         benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Sweep)->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond)->MinTime(2.0);

/// Keeps each benchmark's wall time per iteration.
class WallReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const auto& r : runs) {
      if (r.run_type == Run::RT_Iteration) times_[r.benchmark_name()] = r.GetAdjustedRealTime();
    }
    ConsoleReporter::ReportRuns(runs);
  }
  double time(const std::string& prefix) const {
    for (const auto& [k, v] : times_)
      if (k.rfind(prefix, 0) == 0) return v;
    return NAN;
  }

 private:
  std::map<std::string, double> times_;
};

/// Heap bytes in use by one live replication at its horizon (mallinfo2 difference).
double heap_per_replication() {
  const auto& f = fixture();
  const auto before = mallinfo2().uordblks;
  labtwin::twin::LabModel model(f.plan.variants[0].scenario, {});
  model.run();
  const auto after = mallinfo2().uordblks;
  return static_cast<double>(after) - static_cast<double>(before);
}

}  // namespace

int main(int argc, char** argv) {
  fixture();
  g_hwm_before = vm_hwm_kb();
  benchmark::Initialize(&argc, argv);
  WallReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  const double t1 = reporter.time("BM_Sweep/1"), t2 = reporter.time("BM_Sweep/2");
  std::printf("\nsweep of %zu variants x %zu replications (reagent-reorder, 90 d each)\n",
              fixture().plan.variants.size(), kReplications);
  std::printf("  -j1 %.1f ms, -j2 %.1f ms: speedup -j2/-j1 = %.2f (goal >= 1.8 on 2 idle cores)\n",
              t1, t2, t1 / t2);
  // Load-independent view: if the process CPU time per replication does not grow with two
  // threads, the parallel part has no overhead and only free cores bound the speedup.
  const double c1 = g_cpu_per_rep[1], c2 = g_cpu_per_rep[2];
  std::printf(
      "  process CPU per replication: -j1 %.2f ms, -j2 %.2f ms (ratio %.2f; ideal -j2 "
      "speedup on two free cores = 2 / ratio = %.2f)\n",
      1e3 * c1, 1e3 * c2, c2 / c1, 2.0 * c1 / c2);
  const double heap = heap_per_replication();
  std::printf("  heap in use by one live replication at its horizon: %.0f kB\n", heap / 1024.0);
  if (g_hwm_after.count(1) && g_hwm_after.count(2)) {
    std::printf(
        "  VmHWM: %ld kB before, +%ld kB after -j1 (1 concurrent), +%ld kB after -j2 "
        "(= %.0f kB per concurrent replication)\n",
        g_hwm_before, g_hwm_after[1] - g_hwm_before, g_hwm_after[2] - g_hwm_before,
        static_cast<double>(g_hwm_after[2] - g_hwm_before) / 2.0);
  }
  benchmark::Shutdown();
  return 0;
}
