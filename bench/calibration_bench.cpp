// Freezer calibration cost: the exact open-loop simulation the fit evaluates ~60 times, against
// a fixed-step RK4 open loop of equal accuracy (baseline), and the whole fit against one
// closed-loop twin run producing the same telemetry. Prints the ratios after the runs.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "cpu_time_reporter.hpp"
#include "labtwin/twin/calibration.hpp"
#include "labtwin_test/freezer_rk4.hpp"
#include "labtwin_test/freezer_telemetry.hpp"

namespace {

using labtwin::twin::CalibrationOptions;
using labtwin::twin::CalibrationTrace;
using labtwin::twin::FreezerParams;

const CalibrationTrace& trace() {
  static const CalibrationTrace t = labtwin::test::with_noise(
      labtwin::test::record_freezer_telemetry(labtwin::test::telemetry_truth()), 0.2, 7);
  return t;
}

// Value of a step series at t (the last step at or before t).
double step_value(const labtwin::twin::StepSeries& s, std::size_t& i, double t) {
  while (i + 1 < s.size() && s[i + 1].first <= t) ++i;
  return s.empty() || s[0].first > t ? 0.0 : s[i].second;
}

// The open loop by fixed-step RK4 (the physics written out in Rk4Freezer, not labtwin's closed
// form): steps of at most dt, cut at every input change so inputs are exact.
void rk4_open_loop(const CalibrationTrace& tr, const FreezerParams& p, double dt,
                   std::vector<double>& air) {
  labtwin::test::Rk4Freezer f{p, tr.air_c[0], tr.payload_c[0], 0.0};
  std::vector<double> edges;
  for (const auto* s : {&tr.compressor, &tr.door, &tr.ambient_c}) {
    for (const auto& step : *s) edges.push_back(step.first);
  }
  std::sort(edges.begin(), edges.end());
  std::size_t ic = 0, id = 0, ia = 0, ie = 0;
  double t = tr.t_s[0];
  air.assign(tr.t_s.size(), 0.0);
  air[0] = f.ta;
  for (std::size_t k = 1; k < tr.t_s.size(); ++k) {
    while (t < tr.t_s[k]) {
      f.demand = step_value(tr.compressor, ic, t) > 0.5;
      f.door = step_value(tr.door, id, t) > 0.5;
      f.amb = step_value(tr.ambient_c, ia, t);
      while (ie < edges.size() && edges[ie] <= t) ++ie;
      double t_next = std::min(tr.t_s[k], t + dt);
      if (ie < edges.size()) t_next = std::min(t_next, edges[ie]);
      f.rk4(t_next - t, f.ta, f.tp);
      t = t_next;
    }
    air[k] = f.ta;
  }
}

double rk4_dt = 0.0;  // the largest step meeting the accuracy bar, chosen in main()

void BM_OpenLoopExact(benchmark::State& state) {
  const FreezerParams p = labtwin::test::telemetry_truth();
  for (auto _ : state) {
    auto out = labtwin::twin::simulate_open_loop(trace(), p);
    benchmark::DoNotOptimize(out.first.data());
  }
  state.counters["samples"] = static_cast<double>(trace().t_s.size());
}
BENCHMARK(BM_OpenLoopExact)->Unit(benchmark::kMicrosecond);

void BM_OpenLoopRk4(benchmark::State& state) {
  const FreezerParams p = labtwin::test::telemetry_truth();
  std::vector<double> air;
  for (auto _ : state) {
    rk4_open_loop(trace(), p, rk4_dt, air);
    benchmark::DoNotOptimize(air.data());
  }
  state.counters["dt_s"] = rk4_dt;
}
BENCHMARK(BM_OpenLoopRk4)->Unit(benchmark::kMicrosecond);

void BM_ClosedLoopTwinRun(benchmark::State& state) {
  const FreezerParams p = labtwin::test::telemetry_truth();
  for (auto _ : state) {
    auto t = labtwin::test::record_freezer_telemetry(p);
    benchmark::DoNotOptimize(t.air_c.data());
  }
}
BENCHMARK(BM_ClosedLoopTwinRun)->Unit(benchmark::kMicrosecond);

void BM_Calibrate(benchmark::State& state) {
  CalibrationOptions opt;
  opt.initial.cooling_power_w = labtwin::test::telemetry_truth().cooling_power_w;
  opt.fit = labtwin::twin::default_fit(trace());
  int iterations = 0;
  for (auto _ : state) {
    const auto res = labtwin::twin::calibrate_freezer(trace(), opt);
    iterations = res.iterations;
    benchmark::DoNotOptimize(res.rms_k);
  }
  state.counters["lm_iterations"] = iterations;
}
BENCHMARK(BM_Calibrate)->Unit(benchmark::kMicrosecond);

}  // namespace

int main(int argc, char** argv) {
  // Equal accuracy: the largest RK4 step whose open-loop air temperature stays within 0.01 K
  // (1/20 of the 0.2 K sensor noise) of the exact solution at every sample.
  const FreezerParams p = labtwin::test::telemetry_truth();
  const auto exact = labtwin::twin::simulate_open_loop(trace(), p);
  std::vector<double> air;
  for (const double dt : {120.0, 60.0, 30.0, 20.0, 10.0, 5.0, 2.0, 1.0}) {
    rk4_open_loop(trace(), p, dt, air);
    double err = 0.0;
    for (std::size_t i = 0; i < air.size(); ++i) {
      err = std::max(err, std::abs(air[i] - exact.first[i]));
    }
    std::printf("RK4 open loop dt = %5.1f s: max |dT_air| vs exact = %.3g K\n", dt, err);
    if (err <= 0.01 && rk4_dt == 0.0) rk4_dt = dt;
  }
  if (rk4_dt == 0.0) rk4_dt = 1.0;
  benchmark::Initialize(&argc, argv);
  labtwin::bench::CpuTimeReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  const double exact_us = reporter.time("BM_OpenLoopExact");
  const double rk4_us = reporter.time("BM_OpenLoopRk4");
  const double twin_us = reporter.time("BM_ClosedLoopTwinRun");
  const double fit_us = reporter.time("BM_Calibrate");
  std::printf("\n%zu samples (3.75 days at 60 s), CPU time:\n", trace().t_s.size());
  std::printf(
      "  open loop exact %.0f us, RK4 at dt <= %.0f s (also cut at every sample and input "
      "change; within 0.01 K) %.0f us: RK4 / exact = %.2f\n",
      exact_us, rk4_dt, rk4_us, rk4_us / exact_us);
  std::printf("  closed-loop twin run (FreezerModel + recording) %.0f us\n", twin_us);
  std::printf(
      "  calibration (5 parameters + 2 initial states) %.1f ms = %.0f exact open-loop "
      "simulations = %.0f twin runs\n",
      fit_us / 1e3, fit_us / exact_us, fit_us / twin_us);
  return 0;
}
