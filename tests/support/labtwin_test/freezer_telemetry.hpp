#pragma once
/// @file Synthetic freezer telemetry for the calibration test and bench: a closed-loop
/// FreezerModel run recorded as a CalibrationTrace (exact compressor switching instants from
/// advance_to()'s log), plus seeded Gaussian measurement noise.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <vector>

#include "labtwin/twin/calibration.hpp"
#include "labtwin/twin/freezer_model.hpp"
#include "labtwin_test/splitmix.hpp"

namespace labtwin::test {

/// Truth for the synthetic freezer: every parameter 25-35% away from the FreezerParams defaults
/// (25 kJ/K, 70 kJ/K, 10 W/K, 1.2 W/K, 30 W/K, 300 W).
inline twin::FreezerParams telemetry_truth() {
  twin::FreezerParams p;
  p.air_capacity_j_per_k = 32'500.0;      // +30%
  p.payload_capacity_j_per_k = 50'400.0;  // -28%
  p.ua_air_payload_w_per_k = 13.5;        // +35%
  p.ua_wall_w_per_k = 1.5;                // +25%
  p.ua_door_w_per_k = 22.5;               // -25%
  p.cooling_power_w = 390.0;              // +30% (held in fits: the data sheet's value)
  return p;
}

/// A closed-loop FreezerModel run recorded as telemetry (noise free): 2 h warm-up, then `days`
/// days of thermostat cycling with 8 door openings a day (20-90 s) and an hourly-stepped room
/// temperature (21 +- 2.5 C daily swing +- 0.5 C), a compressor failure for 6 h, the repair and
/// 12 h of recovery. Samples every 60 s; compressor steps at the exact thermostat event times.
inline twin::CalibrationTrace record_freezer_telemetry(const twin::FreezerParams& truth,
                                                       int days = 3) {
  constexpr double kHour = 3600.0;
  constexpr double kDay = 86400.0;
  struct Action {
    double t;
    enum Kind { kDoorOpen, kDoorShut, kAmbient, kFail, kRepair, kSample } kind;
    double value = 0.0;
  };
  SplitMix64 rng{20261125};
  const double t0 = 2.0 * kHour;
  const double t_fail = t0 + days * kDay;
  const double t_repair = t_fail + 6.0 * kHour;
  const double t_end = t_repair + 12.0 * kHour;
  std::vector<Action> actions;
  for (int h = 0; h * kHour < t_end; ++h) {
    const double amb =
        21.0 + 2.5 * std::sin(2.0 * std::numbers::pi * h / 24.0) + rng.uniform(-0.5, 0.5);
    actions.push_back({h * kHour, Action::kAmbient, amb});
  }
  for (int d = 0; d < days; ++d) {
    for (int i = 0; i < 8; ++i) {
      const double t = t0 + d * kDay + (i + rng.uniform(0.1, 0.8)) * kDay / 8.0;
      actions.push_back({t, Action::kDoorOpen});
      actions.push_back({t + rng.uniform(20.0, 90.0), Action::kDoorShut});
    }
  }
  actions.push_back({t_fail, Action::kFail});
  actions.push_back({t_repair, Action::kRepair});
  const int samples = static_cast<int>(std::lround((t_end - t0) / 60.0));
  for (int i = 0; i <= samples; ++i) actions.push_back({t0 + 60.0 * i, Action::kSample});
  std::stable_sort(actions.begin(), actions.end(),
                   [](const Action& a, const Action& b) { return a.t < b.t; });

  twin::FreezerModel model(truth, 0.0);
  twin::CalibrationTrace trace;
  bool failed = false;
  bool started = false;
  std::vector<twin::FreezerEvent> log;
  for (const Action& a : actions) {
    log.clear();
    model.advance_to(a.t, &log);
    if (started) {
      for (const twin::FreezerEvent& ev : log) {
        if (ev.kind == twin::FreezerEventKind::kThermostatOn) {
          trace.compressor.emplace_back(ev.time, failed ? 0.0 : 1.0);
        } else if (ev.kind == twin::FreezerEventKind::kThermostatOff) {
          trace.compressor.emplace_back(ev.time, 0.0);
        }
      }
    }
    if (!started && a.t >= t0) {
      started = true;
      trace.compressor.emplace_back(a.t, model.compressor_on() ? 1.0 : 0.0);
      trace.ambient_c.emplace_back(a.t, model.ambient_c());
    }
    switch (a.kind) {
      case Action::kDoorOpen:
      case Action::kDoorShut:
        model.set_door(a.kind == Action::kDoorOpen);
        if (started) trace.door.emplace_back(a.t, a.kind == Action::kDoorOpen ? 1.0 : 0.0);
        break;
      case Action::kAmbient:
        model.set_ambient(a.value);
        if (started) trace.ambient_c.emplace_back(a.t, a.value);
        break;
      case Action::kSample:
        trace.t_s.push_back(a.t);
        trace.air_c.push_back(model.air_c());
        trace.payload_c.push_back(model.payload_c());
        break;
      case Action::kFail:
        model.fail_compressor();
        failed = true;
        trace.compressor.emplace_back(a.t, 0.0);
        break;
      case Action::kRepair:
        model.repair_compressor();
        failed = false;
        trace.compressor.emplace_back(a.t, model.compressor_on() ? 1.0 : 0.0);
        break;
    }
  }
  return trace;
}

/// Adds N(0, sigma^2) noise to every temperature (Box-Muller on splitmix64 seeded `seed`).
inline twin::CalibrationTrace with_noise(twin::CalibrationTrace trace, double sigma,
                                         std::uint64_t seed) {
  SplitMix64 rng{seed};
  const auto gauss = [&rng]() {
    const double u1 = 1.0 - rng.uniform();  // (0, 1]: the log is finite
    const double u2 = rng.uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
  };
  for (double& v : trace.air_c) v += sigma * gauss();
  for (double& v : trace.payload_c) v += sigma * gauss();
  return trace;
}

}  // namespace labtwin::test
