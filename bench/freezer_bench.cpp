// Freezer fleet: the exact event-driven freezer model vs fixed-step versions of the same
// physics, and the real lab twin with 2,000 freezers.
//
// Part A (Google Benchmark): cost of one event-driven event vs one day of 1-minute Euler steps.
// Part B (custom main, all CPU times from std::clock since the machine is shared):
//  [1] a simulated year of a fleet (default 2,000 freezers, 4 door openings a day of 20-60 s,
//      room 18-26 C) run event to event with FreezerModel and a min-heap;
//  [2] accuracy of every model against a fine RK4 reference (dt 0.1 s, door edges exact,
//      switch interpolated) over 2 days with doors, sampled every 10 min;
//  [3] the plain 1-minute Euler baseline (cost and its error, which is far above the bar);
//  [4] equal accuracy: for Euler/RK4 x switch-at-step-end/interpolated, the largest step that
//      meets the 0.05 K bar, its cost per freezer-year, and the event-driven speedup;
//  [5] twin::run_scenario with 10 sites x 200 freezers (default 30 days, scaled to a year).
// Flags: --fleet=N --days=D --fixed_subset=N --lab_days=D (0 skips [5]).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <utility>
#include <vector>

#include "labtwin/sim/time.hpp"
#include "labtwin/twin/freezer_model.hpp"
#include "labtwin/twin/lab_model.hpp"
#include "labtwin/twin/run_result.hpp"
#include "labtwin/twin/scenario_def.hpp"
#include "labtwin_test/freezer_rk4.hpp"
#include "labtwin_test/splitmix.hpp"

namespace {

using labtwin::twin::FreezerModel;
using labtwin::twin::FreezerParams;

constexpr double kDay = 86400.0;

using labtwin::test::SplitMix64;

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

// Binary min-heap of (time, freezer), ordered like std::pair (ties by index, deterministic),
// with replace_top: the freezer just handled goes back in with one sift-down instead of a pop
// and a push (two sifts).
class FleetHeap {
 public:
  using Item = std::pair<double, int>;
  explicit FleetHeap(std::size_t capacity) { a_.reserve(capacity); }
  bool empty() const { return a_.empty(); }
  const Item& top() const { return a_.front(); }
  void push(Item it) {
    std::size_t i = a_.size();
    a_.push_back(it);
    while (i > 0) {
      const std::size_t parent = (i - 1) / 2;
      if (!(it < a_[parent])) break;
      a_[i] = a_[parent];
      i = parent;
    }
    a_[i] = it;
  }
  void replace_top(Item it) { sift_down(it); }
  void pop() {
    const Item last = a_.back();
    a_.pop_back();
    if (!a_.empty()) sift_down(last);
  }

 private:
  void sift_down(Item it) {
    const std::size_t n = a_.size();
    std::size_t i = 0;
    for (;;) {
      std::size_t c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && a_[c + 1] < a_[c]) ++c;
      if (!(a_[c] < it)) break;
      a_[i] = a_[c];
      i = c;
    }
    a_[i] = it;
  }
  std::vector<Item> a_;
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
  FleetHeap heap(static_cast<std::size_t>(n));
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
    EventUnit& u = units[static_cast<std::size_t>(id)];
    if (t > end) {
      u.model.advance_to(end);
      heap.pop();
      continue;
    }
    u.model.advance_to(t);
    if (t >= u.door_time()) {
      u.open = !u.open;
      u.model.set_door(u.open);
      if (!u.open) u.door.draw();
      door_events += 1.0;
    }
    heap.replace_top({next_time(u), id});
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

// ---- fixed-step versions of the same model ---------------------------------------------------

// How a fixed-step model integrates and places thermostat switches.
enum class Method { kEuler, kRk4 };
struct FixedConfig {
  Method method;
  bool interpolate;  // switch placed inside the step by linear interpolation (else at its end)
  const char* name;
};
constexpr FixedConfig kEuler60Plain{Method::kEuler, false, "Euler, switch at step end"};
constexpr FixedConfig kConfigs[] = {
    kEuler60Plain,
    {Method::kEuler, true, "Euler, switch interpolated"},
    {Method::kRk4, false, "RK4, switch at step end"},
    {Method::kRk4, true, "RK4, switch interpolated"},
};

struct StepState {
  double ta;
  double tp;
  bool demand;
  double on_time;
};

// One freezer for `days` on a fixed grid of step dt. The thermostat is checked after each
// step; with cfg.interpolate the switch instant is placed inside the step by linear
// interpolation of the air temperature, the step is redone up to it and finished with the new
// compressor state (the grid stays fixed). Doors: the open fraction of each step scales
// UA_door. `samples` (optional) receives T_air at every multiple of 600 s.
template <Method kMethod, bool kInterpolate>
StepState run_fixed_impl(int id, double days, double dt, std::vector<double>* samples) {
  const FreezerParams p;
  const double amb = ambient_of(id);
  DoorSchedule door(1000 + static_cast<std::uint64_t>(id));
  StepState s{p.setpoint_c, p.setpoint_c, false, 0.0};
  const double on_c = p.setpoint_c + 0.5 * p.hysteresis_k;
  const double off_c = p.setpoint_c - 0.5 * p.hysteresis_k;
  const double inv_ca = 1.0 / p.air_capacity_j_per_k;
  const double inv_cp = 1.0 / p.payload_capacity_j_per_k;
  const double ua_ap = p.ua_air_payload_w_per_k;
  const auto steps = static_cast<long>(std::llround(days * kDay / dt));
  const long sample_every = std::max(1L, std::lround(600.0 / dt));
  for (long k = 0; k < steps; ++k) {
    const double t = static_cast<double>(k) * dt;
    while (door.close_at <= t) door.draw();
    const double overlap =
        std::max(0.0, std::min(t + dt, door.close_at) - std::max(t, door.open_at));
    const double ua_amb = p.ua_wall_w_per_k + p.ua_door_w_per_k * overlap / dt;
    const auto step = [&](double h, bool demand, double& a, double& q) {
      const double cool = demand ? p.cooling_power_w : 0.0;
      const auto da = [&](double x, double y) {
        return (ua_ap * (y - x) + ua_amb * (amb - x) - cool) * inv_ca;
      };
      const auto dq = [&](double x, double y) { return ua_ap * (x - y) * inv_cp; };
      if constexpr (kMethod == Method::kEuler) {
        const double a1 = da(a, q);
        const double q1 = dq(a, q);
        a += h * a1;
        q += h * q1;
        return;
      }
      const double a1 = da(a, q);
      const double q1 = dq(a, q);
      const double a2 = da(a + 0.5 * h * a1, q + 0.5 * h * q1);
      const double q2 = dq(a + 0.5 * h * a1, q + 0.5 * h * q1);
      const double a3 = da(a + 0.5 * h * a2, q + 0.5 * h * q2);
      const double q3 = dq(a + 0.5 * h * a2, q + 0.5 * h * q2);
      const double a4 = da(a + h * a3, q + h * q3);
      const double q4 = dq(a + h * a3, q + h * q3);
      a += h / 6.0 * (a1 + 2.0 * a2 + 2.0 * a3 + a4);
      q += h / 6.0 * (q1 + 2.0 * q2 + 2.0 * q3 + q4);
    };
    double a = s.ta;
    double q = s.tp;
    step(dt, s.demand, a, q);
    const double level = s.demand ? off_c : on_c;
    const bool crossed = s.demand ? a <= level : a >= level;
    if (kInterpolate && crossed) {
      const double used = dt * (level - s.ta) / (a - s.ta);
      a = s.ta;
      q = s.tp;
      step(used, s.demand, a, q);
      if (s.demand) s.on_time += used;
      s.demand = !s.demand;
      step(dt - used, s.demand, a, q);
      if (s.demand) s.on_time += dt - used;
    } else {
      if (s.demand) s.on_time += dt;
      if (crossed) s.demand = !s.demand;
    }
    s.ta = a;
    s.tp = q;
    if (samples != nullptr && (k + 1) % sample_every == 0) samples->push_back(s.ta);
  }
  return s;
}

// The fixed-step model of `cfg` (each combination compiled separately, no per-step branching).
StepState run_fixed_step(int id, double days, double dt, const FixedConfig& cfg,
                         std::vector<double>* samples = nullptr) {
  if (cfg.method == Method::kEuler) {
    return cfg.interpolate ? run_fixed_impl<Method::kEuler, true>(id, days, dt, samples)
                           : run_fixed_impl<Method::kEuler, false>(id, days, dt, samples);
  }
  return cfg.interpolate ? run_fixed_impl<Method::kRk4, true>(id, days, dt, samples)
                         : run_fixed_impl<Method::kRk4, false>(id, days, dt, samples);
}

// ---- fine reference (RK4, dt = 0.1 s, door edges exact, interpolated switching) --------------

using Rk4Ref = labtwin::test::Rk4Freezer;

// T_air every 10 min over `days` for freezer `id`: the fine reference and the event-driven
// model, plus both on-times.
struct Reference {
  std::vector<double> ref_air;
  std::vector<double> event_air;
  double ref_on = 0.0;
  double event_on = 0.0;
};

Reference reference_of(int id, double days) {
  FreezerParams p;
  p.ambient_c = ambient_of(id);
  Reference out;
  Rk4Ref ref{p, p.setpoint_c, p.setpoint_c, p.ambient_c};
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
    out.ref_air.push_back(ref.ta);
    out.event_air.push_back(model.air_c());
  }
  out.ref_on = ref.on_time;
  out.event_on = model.compressor_on_time();
  return out;
}

double max_abs_diff(const std::vector<double>& a, const std::vector<double>& b) {
  double m = 0.0;
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) m = std::max(m, std::abs(a[i] - b[i]));
  return a.size() == b.size() ? m : HUGE_VAL;
}

// ---- the real lab twin: 2,000 freezers on the DES kernel --------------------------------------

struct LabRun {
  double cpu_s = 0.0;
  double wall_s = 0.0;
  double events = 0.0;
  std::uint64_t fingerprint = 0;
};

// `sites` x `per_site` default freezers (6 door openings/day, default physics, daily ambient
// cycle), no failures, no technicians or items, for `days` simulated days.
LabRun run_lab_twin(int sites, int per_site, double days) {
  labtwin::twin::ScenarioDef sc;
  sc.meta.name = "freezer-fleet-bench";
  sc.seed = 7;
  sc.clock.horizon = labtwin::sim::Time::from_seconds(days * kDay);
  char id[32];
  for (int s = 0; s < sites; ++s) {
    labtwin::twin::SiteDef site;
    std::snprintf(id, sizeof id, "S%02d", s + 1);
    site.id = id;
    site.name = id;
    site.ambient.mean_c = 19.0 + 0.5 * s;
    for (int f = 0; f < per_site; ++f) {
      labtwin::twin::FreezerDef fd;
      std::snprintf(id, sizeof id, "S%02d-F%03d", s + 1, f + 1);
      fd.id = id;
      fd.door.openings_per_day = 6.0;
      site.freezers.push_back(std::move(fd));
    }
    sc.sites.push_back(std::move(site));
  }
  const double c0 = cpu_seconds();
  const labtwin::twin::RunResult r = labtwin::twin::run_scenario(sc);
  LabRun out;
  out.cpu_s = cpu_seconds() - c0;
  out.wall_s = r.wall_seconds;
  out.events = static_cast<double>(r.events);
  out.fingerprint = r.fingerprint;
  return out;
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
    const StepState s = run_fixed_step(id++ % 2000, 1.0, 60.0, kEuler60Plain);
    benchmark::DoNotOptimize(s);
  }
  state.counters["steps/s"] = benchmark::Counter(1440.0 * static_cast<double>(state.iterations()),
                                                 benchmark::Counter::kIsRate);
}
BENCHMARK(BM_FixedStepEuler60Step);

// CPU seconds one freezer-year costs in fixed-step configuration `cfg` at step `dt`, timed on
// `count` freezers for as many days as ~`step_budget` steps in total allow (then scaled).
double fixed_cpu_per_freezer_year(const FixedConfig& cfg, double dt, int count, double step_budget,
                                  double* timed_days) {
  const double days = std::clamp(step_budget * dt / (count * kDay), 0.5, 365.0);
  const double c0 = cpu_seconds();
  double sink = 0.0;
  for (int i = 0; i < count; ++i) sink += run_fixed_step(i, days, dt, cfg).on_time;
  const double cpu = cpu_seconds() - c0;
  benchmark::DoNotOptimize(sink);
  *timed_days = days;
  return cpu / count * 365.0 / days;
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  int fleet = 2000;
  int fixed_subset = 200;
  double days = 365.0;
  double lab_days = 30.0;
  double accuracy_days = 2.0;
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--fleet=", 8) == 0) fleet = std::atoi(argv[i] + 8);
    if (std::strncmp(argv[i], "--fixed_subset=", 15) == 0) fixed_subset = std::atoi(argv[i] + 15);
    if (std::strncmp(argv[i], "--days=", 7) == 0) days = std::atof(argv[i] + 7);
    if (std::strncmp(argv[i], "--lab_days=", 11) == 0) lab_days = std::atof(argv[i] + 11);
  }
  fleet = std::max(fleet, 1);
  fixed_subset = std::clamp(fixed_subset, 1, fleet);
  benchmark::RunSpecifiedBenchmarks();

  // -- 1. the event-driven fleet ---------------------------------------------------------------
  std::printf("\n== [1] fleet: %d freezers, %.0f days, %d door openings/day, room 18-26 C ==\n",
              fleet, days, kOpeningsPerDay);
  const FleetResult ev = run_event_fleet(fleet, days);
  const double year_scale = 365.0 / days;
  const double ev_cpu_fy = ev.cpu_s / fleet * year_scale;  // CPU s per freezer-year
  std::printf(
      "event-driven (FreezerModel + min-heap): %.3f s CPU, %.3f s wall, %.4g events "
      "(%.4g per freezer-year), %.3g events/s and %.0f ns/event (CPU), mean duty %.3f\n",
      ev.cpu_s, ev.wall_s, ev.events, ev.events / fleet * year_scale, ev.events / ev.cpu_s,
      1e9 * ev.cpu_s / ev.events, ev.on_time / (fleet * days * kDay));
  std::printf("  -> 2,000 freezer-years: %.2f s CPU (goal <= 10 s)\n", ev_cpu_fy * 2000.0);

  // -- 2. accuracy of every model against the fine reference -----------------------------------
  const double bar = 0.05;  // K: max |T_air error|, the bar of tests/twin/thermal_test.cpp
  const int acc_ids[] = {0, 1, 2};
  std::vector<Reference> refs;
  for (int id : acc_ids) refs.push_back(reference_of(id, accuracy_days));
  double ev_err = 0.0;
  double ev_on_err = 0.0;
  for (const auto& r : refs) {
    ev_err = std::max(ev_err, max_abs_diff(r.event_air, r.ref_air));
    ev_on_err = std::max(ev_on_err, std::abs(r.event_on - r.ref_on) / r.ref_on);
  }
  std::printf(
      "\n== [2] accuracy: max |T_air - reference| over %.0f days with doors (freezers 0-2, "
      "sampled every 10 min); reference = RK4 dt 0.1 s, door edges exact, switch interpolated; "
      "bar %.2f K ==\n",
      accuracy_days, bar);
  std::printf("event-driven: %.2e K (on-time rel. err %.1e)\n", ev_err, ev_on_err);
  const auto error_of = [&](const FixedConfig& cfg, double dt) {
    double worst = 0.0;
    for (std::size_t i = 0; i < refs.size(); ++i) {
      std::vector<double> air;
      run_fixed_step(acc_ids[i], accuracy_days, dt, cfg, &air);
      worst = std::max(worst, max_abs_diff(air, refs[i].ref_air));
    }
    return worst;
  };

  // -- 3. plain 1-minute fixed step (the literal baseline) -----------------------------
  const double plain_err = error_of(kEuler60Plain, 60.0);
  const double c0 = cpu_seconds();
  double sink = 0.0;
  for (int i = 0; i < fixed_subset; ++i)
    sink += run_fixed_step(i, days, 60.0, kEuler60Plain).on_time;
  const double plain_cpu = cpu_seconds() - c0;
  benchmark::DoNotOptimize(sink);
  const double plain_cpu_fy = plain_cpu / fixed_subset * year_scale;
  std::printf(
      "\n== [3] plain 1-minute fixed step (Euler, thermostat checked at step end, door open "
      "fraction per step) ==\n"
      "Euler 60 s: max |T_air err| %.2f K (%.0fx the bar: NOT equal accuracy); %.3f s CPU for "
      "%d freezers x %.0f days -> %.2f s CPU per 2,000 freezer-years, %.3g steps/s\n"
      "speedup event-driven vs 1-minute Euler (unequal accuracy): %.3fx by CPU time\n",
      plain_err, plain_err / bar, plain_cpu, fixed_subset, days, plain_cpu_fy * 2000.0,
      fixed_subset * days * 1440.0 / plain_cpu, plain_cpu_fy / ev_cpu_fy);

  // -- 4. equal accuracy: the largest fixed step meeting the bar, per configuration ------------
  std::printf(
      "\n== [4] equal accuracy: largest step (from 60 s down) with max |T_air err| <= %.2f K "
      "on all three freezers; cost timed on 2 freezers (shorter period for small steps, "
      "scaled to a year) ==\n",
      bar);
  // Every candidate divides 600 s, so the 10-minute samples fall on the grid.
  const double candidates[] = {60,   50,   40,   30,    25,   24,    20,     15,   12,   10,   8,
                               7.5,  6,    5,    4,     3,    2.5,   2,      1.5,  1.25, 1,    0.75,
                               0.6,  0.5,  0.4,  0.3,   0.25, 0.2,   0.15,   0.12, 0.1,  0.08, 0.06,
                               0.05, 0.04, 0.03, 0.025, 0.02, 0.015, 0.0125, 0.01};
  double best_cpu_fy = HUGE_VAL;
  const char* best_name = "none";
  double best_dt = 0.0;
  for (const FixedConfig& cfg : kConfigs) {
    double chosen = 0.0;
    double chosen_err = 0.0;
    double last_err = 0.0;
    for (double dt : candidates) {
      last_err = error_of(cfg, dt);
      if (last_err <= bar) {
        chosen = dt;
        chosen_err = last_err;
        break;
      }
    }
    if (chosen == 0.0) {
      std::printf("%-28s: no step >= 0.01 s meets the bar (error at 0.01 s: %.3f K)\n", cfg.name,
                  last_err);
      continue;
    }
    double timed_days = 0.0;
    const double cpu_fy = fixed_cpu_per_freezer_year(cfg, chosen, 2, 4e7, &timed_days);
    std::printf(
        "%-28s: dt %5.2f s, err %.3f K; %.3g s CPU per freezer-year (timed %.2f days) -> "
        "%.1f s per 2,000 freezer-years; event-driven speedup %.1fx\n",
        cfg.name, chosen, chosen_err, cpu_fy, timed_days, cpu_fy * 2000.0, cpu_fy / ev_cpu_fy);
    if (cpu_fy < best_cpu_fy) {
      best_cpu_fy = cpu_fy;
      best_name = cfg.name;
      best_dt = chosen;
    }
  }
  if (best_cpu_fy < HUGE_VAL) {
    std::printf(
        "SPEEDUP AT EQUAL ACCURACY (vs the cheapest fixed step meeting the bar: %s at %.2f s): "
        "%.1fx by CPU time (goal >= 20x)\n",
        best_name, best_dt, best_cpu_fy / ev_cpu_fy);
  }

  // -- 5. the real lab twin --------------------------------------------------------------------
  if (lab_days > 0.0) {
    std::printf(
        "\n== [5] lab twin (twin::run_scenario on the DES kernel): 10 sites x 200 freezers, "
        "6 door openings/day, daily ambient cycle, %.0f days ==\n",
        lab_days);
    const LabRun lab = run_lab_twin(10, 200, lab_days);
    const double scale = 365.0 / lab_days;
    std::printf(
        "%.4g kernel events, %.3f s CPU, %.3f s wall, %.3g events/s (CPU), %.0f ns/event, "
        "fingerprint %016llx\n",
        lab.events, lab.cpu_s, lab.wall_s, lab.events / lab.cpu_s, 1e9 * lab.cpu_s / lab.events,
        static_cast<unsigned long long>(lab.fingerprint));
    if (lab_days < 365.0) {
      std::printf("  scaled linearly to 1 year (x%.2f): %.4g events, %.1f s CPU, %.1f s wall\n",
                  scale, lab.events * scale, lab.cpu_s * scale, lab.wall_s * scale);
    }
  }
  benchmark::Shutdown();
  return 0;
}
