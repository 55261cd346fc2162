// Freezer fleet: exact event-driven model vs a 1-minute fixed-step model of the same physics.
//
// Part A (Google Benchmark): cost of one event-driven event vs one fixed-step step.
// Part B (custom main): a simulated year of a fleet (default 2,000 freezers, 4 door openings a
// day of 20-60 s, room 18-26 C) run event to event with FreezerModel and a min-heap, vs explicit
// Euler at dt = 60 s with the thermostat checked each step (on a subset, scaled, when the full
// fleet would take too long), plus the accuracy of both against a fine RK4 reference
// (dt = 0.1 s, switch instants interpolated inside the step) on a few freezers.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <functional>
#include <queue>
#include <utility>
#include <vector>

#include "labtwin/twin/freezer_model.hpp"

namespace {

using labtwin::twin::FreezerModel;
using labtwin::twin::FreezerParams;

constexpr double kDay = 86400.0;

struct SplitMix64 {
  std::uint64_t s;
  std::uint64_t next() {
    std::uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
};

constexpr int kOpeningsPerDay = 4;

// The door schedule of one freezer, identical for every model: one opening per 6 h slot.
struct DoorSchedule {
  SplitMix64 rng;
  long slot = 0;
  double open_at = 0.0;
  double close_at = 0.0;
  explicit DoorSchedule(std::uint64_t seed) : rng{seed} { draw(); }
  void draw() {
    const double len = kDay / kOpeningsPerDay;
    open_at = static_cast<double>(slot) * len + rng.uniform(0.0, len - 70.0);
    close_at = open_at + rng.uniform(20.0, 60.0);
    ++slot;
  }
};

double ambient_of(int id) { return 18.0 + 8.0 * ((id * 37) % 101) / 100.0; }

// ---- event-driven fleet ----------------------------------------------------------------------

struct EventUnit {
  FreezerModel model;
  DoorSchedule door;
  bool open = false;
  double door_time() const { return open ? door.close_at : door.open_at; }
};

// Process CPU time (s): the machine is shared, so wall time alone overstates our cost.
double cpu_seconds() { return static_cast<double>(std::clock()) / CLOCKS_PER_SEC; }

struct FleetResult {
  double wall_s = 0.0;
  double cpu_s = 0.0;
  double events = 0.0;
  double on_time = 0.0;
};

FleetResult run_event_fleet(int n, double days) {
  std::vector<EventUnit> units;
  units.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    FreezerParams p;
    p.ambient_c = ambient_of(i);
    units.push_back({FreezerModel(p), DoorSchedule(1000 + static_cast<std::uint64_t>(i))});
  }
  const double end = days * kDay;
  using Item = std::pair<double, int>;
  std::vector<Item> storage;
  storage.reserve(static_cast<std::size_t>(n));
  std::priority_queue<Item, std::vector<Item>, std::greater<>> heap(std::greater<>{},
                                                                    std::move(storage));
  const auto next_time = [&](EventUnit& u) {
    const double door_t = u.door_time();
    const auto ev = u.model.next_event(std::max(0.0, door_t - u.model.time()));
    return ev ? std::min(ev->time, door_t) : door_t;
  };
  const auto t0 = std::chrono::steady_clock::now();
  const double c0 = cpu_seconds();
  for (int i = 0; i < n; ++i) heap.push({next_time(units[static_cast<std::size_t>(i)]), i});
  double door_events = 0.0;
  while (!heap.empty()) {
    const auto [t, id] = heap.top();
    heap.pop();
    EventUnit& u = units[static_cast<std::size_t>(id)];
    if (t > end) {
      u.model.advance_to(end);
      continue;
    }
    u.model.advance_to(t);
    if (t >= u.door_time()) {
      u.open = !u.open;
      u.model.set_door(u.open);
      if (!u.open) u.door.draw();
      door_events += 1.0;
    }
    heap.push({next_time(u), id});
  }
  FleetResult r;
  r.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  r.cpu_s = cpu_seconds() - c0;
  r.events = door_events;
  for (const auto& u : units) {
    r.events += static_cast<double>(u.model.events_applied());
    r.on_time += u.model.compressor_on_time();
  }
  return r;
}

// ---- fixed-step fleet (explicit Euler, thermostat checked each step) -------------------------

struct StepState {
  double ta;
  double tp;
  bool demand;
  double on_time;
};

// One freezer for `days` at step dt; the door's open fraction of each step scales UA_door.
// `sample` (optional) is called at each multiple of sample_dt with (t, T_air).
StepState run_fixed_step(int id, double days, double dt,
                         const std::function<void(double, double)>* sample = nullptr,
                         double sample_dt = 600.0) {
  const FreezerParams p;
  const double amb = ambient_of(id);
  DoorSchedule door(1000 + static_cast<std::uint64_t>(id));
  StepState s{p.setpoint_c, p.setpoint_c, false, 0.0};
  const double on_c = p.setpoint_c + 0.5 * p.hysteresis_k;
  const double off_c = p.setpoint_c - 0.5 * p.hysteresis_k;
  const double inv_ca = 1.0 / p.air_capacity_j_per_k;
  const double inv_cp = 1.0 / p.payload_capacity_j_per_k;
  const auto steps = static_cast<long>(std::llround(days * kDay / dt));
  const long sample_every = std::max(1L, std::lround(sample_dt / dt));
  for (long k = 0; k < steps; ++k) {
    const double t = static_cast<double>(k) * dt;
    while (door.close_at <= t) door.draw();
    const double overlap =
        std::max(0.0, std::min(t + dt, door.close_at) - std::max(t, door.open_at));
    const double ua_amb = p.ua_wall_w_per_k + p.ua_door_w_per_k * overlap / dt;
    const double cool = s.demand ? p.cooling_power_w : 0.0;
    const double da = (p.ua_air_payload_w_per_k * (s.tp - s.ta) + ua_amb * (amb - s.ta) - cool);
    const double dp = p.ua_air_payload_w_per_k * (s.ta - s.tp);
    if (s.demand) s.on_time += dt;
    s.ta += dt * da * inv_ca;
    s.tp += dt * dp * inv_cp;
    if (s.demand ? s.ta <= off_c : s.ta >= on_c) s.demand = !s.demand;
    if (sample != nullptr && (k + 1) % sample_every == 0) (*sample)(t + dt, s.ta);
  }
  return s;
}

// ---- fine reference (RK4, dt = 0.1 s, interpolated switching) --------------------------------

struct Rk4Ref {
  FreezerParams p;
  double amb;
  double ta;
  double tp;
  bool door = false;
  bool demand = false;
  double on_time = 0.0;

  void deriv(double a, double q, double& da, double& dq) const {
    const double ua_amb = p.ua_wall_w_per_k + (door ? p.ua_door_w_per_k : 0.0);
    da = (p.ua_air_payload_w_per_k * (q - a) + ua_amb * (amb - a) -
          (demand ? p.cooling_power_w : 0.0)) /
         p.air_capacity_j_per_k;
    dq = p.ua_air_payload_w_per_k * (a - q) / p.payload_capacity_j_per_k;
  }
  void rk4(double h, double& a, double& q) const {
    double a1, q1, a2, q2, a3, q3, a4, q4;
    deriv(a, q, a1, q1);
    deriv(a + 0.5 * h * a1, q + 0.5 * h * q1, a2, q2);
    deriv(a + 0.5 * h * a2, q + 0.5 * h * q2, a3, q3);
    deriv(a + h * a3, q + h * q3, a4, q4);
    a += h / 6.0 * (a1 + 2.0 * a2 + 2.0 * a3 + a4);
    q += h / 6.0 * (q1 + 2.0 * q2 + 2.0 * q3 + q4);
  }
  void run(double t, double t_end, double dt) {
    const double on_c = p.setpoint_c + 0.5 * p.hysteresis_k;
    const double off_c = p.setpoint_c - 0.5 * p.hysteresis_k;
    while (t < t_end) {
      const double h = std::min(dt, t_end - t);
      double a = ta;
      double q = tp;
      rk4(h, a, q);
      const bool crossed = demand ? (a <= off_c) : (a >= on_c);
      double used = h;
      if (crossed) {
        used = h * ((demand ? off_c : on_c) - ta) / (a - ta);
        a = ta;
        q = tp;
        rk4(used, a, q);
      }
      if (demand) on_time += used;
      ta = a;
      tp = q;
      t += used;
      if (crossed) demand = !demand;
    }
  }
};

struct Accuracy {
  double max_air_event = 0.0;
  double max_air_fixed = 0.0;
  double on_rel_event = 0.0;
  double on_rel_fixed = 0.0;
};

// Samples all three models every 10 min over `days` for freezer `id`.
Accuracy accuracy_of(int id, double days, double fixed_dt) {
  FreezerParams p;
  p.ambient_c = ambient_of(id);
  std::vector<double> ref_air;
  std::vector<double> ev_air;
  Rk4Ref ref{p, p.ambient_c, p.setpoint_c, p.setpoint_c};
  FreezerModel model(p);
  DoorSchedule door(1000 + static_cast<std::uint64_t>(id));
  const double end = days * kDay;
  double t = 0.0;
  bool open = false;
  for (double s = 600.0; s <= end + 1e-9; s += 600.0) {
    for (;;) {
      const double when = open ? door.close_at : door.open_at;
      if (when > s) break;
      ref.run(t, when, 0.1);
      model.advance_to(when);
      t = when;
      open = !open;
      ref.door = open;
      model.set_door(open);
      if (!open) door.draw();
    }
    ref.run(t, s, 0.1);
    model.advance_to(s);
    t = s;
    ref_air.push_back(ref.ta);
    ev_air.push_back(model.air_c());
  }
  std::vector<double> fixed_air;
  const std::function<void(double, double)> rec = [&](double, double ta) {
    fixed_air.push_back(ta);
  };
  const StepState fixed = run_fixed_step(id, days, fixed_dt, &rec, 600.0);
  Accuracy a;
  for (std::size_t i = 0; i < ref_air.size() && i < fixed_air.size(); ++i) {
    a.max_air_event = std::max(a.max_air_event, std::abs(ev_air[i] - ref_air[i]));
    a.max_air_fixed = std::max(a.max_air_fixed, std::abs(fixed_air[i] - ref_air[i]));
  }
  a.on_rel_event = std::abs(model.compressor_on_time() - ref.on_time) / ref.on_time;
  a.on_rel_fixed = std::abs(fixed.on_time - ref.on_time) / ref.on_time;
  return a;
}

// ---- Part A: micro benchmarks ----------------------------------------------------------------

void BM_EventDrivenEvent(benchmark::State& state) {
  FreezerModel m{FreezerParams{}};
  double events = 0.0;
  for (auto _ : state) {
    const auto ev = m.next_event(kDay);
    m.advance_to(ev->time);
    events += 1.0;
  }
  state.counters["events/s"] = benchmark::Counter(events, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_EventDrivenEvent);

void BM_FixedStepEuler60Step(benchmark::State& state) {
  // One freezer-day per iteration (1440 steps) to amortise the call.
  int id = 0;
  for (auto _ : state) {
    const StepState s = run_fixed_step(id++ % 2000, 1.0, 60.0);
    benchmark::DoNotOptimize(s);
  }
  state.counters["steps/s"] = benchmark::Counter(1440.0 * static_cast<double>(state.iterations()),
                                                 benchmark::Counter::kIsRate);
}
BENCHMARK(BM_FixedStepEuler60Step);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  int fleet = 2000;
  int fixed_subset = 200;
  double days = 365.0;
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--fleet=", 8) == 0) fleet = std::atoi(argv[i] + 8);
    if (std::strncmp(argv[i], "--fixed_subset=", 15) == 0) fixed_subset = std::atoi(argv[i] + 15);
    if (std::strncmp(argv[i], "--days=", 7) == 0) days = std::atof(argv[i] + 7);
  }
  fixed_subset = std::clamp(fixed_subset, 1, fleet);
  benchmark::RunSpecifiedBenchmarks();

  std::printf("\n== fleet year: %d freezers, %.0f days, %d door openings/day ==\n", fleet, days,
              kOpeningsPerDay);
  const FleetResult ev = run_event_fleet(fleet, days);
  std::printf(
      "event-driven : %.3f s wall, %.3f s CPU, %.4g events (%.4g per freezer-year), "
      "%.3g events/s (CPU), fleet mean duty %.3f\n",
      ev.wall_s, ev.cpu_s, ev.events, ev.events / fleet * 365.0 / days, ev.events / ev.cpu_s,
      ev.on_time / (fleet * days * kDay));

  struct FixedRun {
    double wall;
    double cpu;
    double duty;
  };
  const auto time_fixed = [&](int count, double dt) {
    const auto t0 = std::chrono::steady_clock::now();
    const double c0 = cpu_seconds();
    double on = 0.0;
    for (int i = 0; i < count; ++i) on += run_fixed_step(i, days, dt).on_time;
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return FixedRun{wall, cpu_seconds() - c0, on / (count * days * kDay)};
  };
  const FixedRun fixed = time_fixed(fixed_subset, 60.0);
  const double scale = static_cast<double>(fleet) / fixed_subset;
  std::printf(
      "fixed Euler 60 s: %.3f s wall, %.3f s CPU for %d freezers%s -> %.3f s CPU for %d, "
      "%.3g steps/s (CPU), mean duty %.3f\n",
      fixed.wall, fixed.cpu, fixed_subset, fixed_subset < fleet ? " (subset, scaled linearly)" : "",
      fixed.cpu * scale, fleet, fixed_subset * days * 1440.0 / fixed.cpu, fixed.duty);
  std::printf(
      "speedup event-driven vs Euler 60 s: %.3fx by CPU time, %.3fx by wall (goal >= 20x)\n",
      fixed.cpu * scale / ev.cpu_s, fixed.wall * scale / ev.wall_s);
  // A fixed step that approaches the event-driven accuracy needs ~1 s steps: time a few.
  const int fine_subset = std::max(1, std::min(fleet, 4));
  const FixedRun fine = time_fixed(fine_subset, 1.0);
  const double fine_scale = static_cast<double>(fleet) / fine_subset;
  std::printf(
      "fixed Euler 1 s : %.3f s CPU for %d freezers (subset, scaled) -> %.1f s CPU for %d; "
      "speedup event-driven vs Euler 1 s: %.1fx by CPU time\n",
      fine.cpu, fine_subset, fine.cpu * fine_scale, fleet, fine.cpu * fine_scale / ev.cpu_s);

  std::printf("\n== accuracy vs RK4 dt=0.1 s reference (7 days, air sampled every 10 min) ==\n");
  for (int id : {0, 1, 2}) {
    const Accuracy a60 = accuracy_of(id, 7.0, 60.0);
    const Accuracy a1 = accuracy_of(id, 7.0, 1.0);
    std::printf(
        "freezer %d: event-driven max|dT_air| %.2e K, on-time err %.2e | Euler 60 s "
        "%.2f K, %.2e | Euler 1 s %.3f K, %.2e\n",
        id, a60.max_air_event, a60.on_rel_event, a60.max_air_fixed, a60.on_rel_fixed,
        a1.max_air_fixed, a1.on_rel_fixed);
  }
  benchmark::Shutdown();
  return 0;
}
