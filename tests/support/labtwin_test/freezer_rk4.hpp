#pragma once
/// @file A fine RK4 reference of the two-node freezer, written directly from the physics (not
/// from labtwin's closed form), shared by tests/twin/thermal_test.cpp and bench/freezer_bench.cpp.
#include <algorithm>

#include "labtwin/twin/freezer_model.hpp"

namespace labtwin::test {

using twin::FreezerParams;

// RK4 on the freezer ODE, written directly from the physics (not from the library), with the
// thermostat checked after every step; a detected switch is placed inside the step by linear
// interpolation of the two step ends and the step is redone up to it.
struct Rk4Freezer {
  FreezerParams p;
  double ta;
  double tp;
  double amb;
  bool door = false;
  bool demand = false;
  double on_time = 0.0;
  int switches = 0;

  void deriv(double a, double q, double& da, double& dq) const {
    const double ua_amb = p.ua_wall_w_per_k + (door ? p.ua_door_w_per_k : 0.0);
    const double cool = demand ? p.cooling_power_w : 0.0;
    da = (p.ua_air_payload_w_per_k * (q - a) + ua_amb * (amb - a) - cool) / p.air_capacity_j_per_k;
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
  // Integrates from t to t_end with steps of at most dt.
  void run(double t, double t_end, double dt) {
    const double on_c = p.setpoint_c + 0.5 * p.hysteresis_k;
    const double off_c = p.setpoint_c - 0.5 * p.hysteresis_k;
    while (t < t_end) {
      const double h = std::min(dt, t_end - t);
      double a = ta;
      double q = tp;
      rk4(h, a, q);
      const double level = demand ? off_c : on_c;
      const bool crossed = demand ? (a <= off_c) : (a >= on_c);
      double used = h;
      if (crossed) {
        used = h * (level - ta) / (a - ta);
        a = ta;
        q = tp;
        rk4(used, a, q);
      }
      if (demand) on_time += used;
      ta = a;
      tp = q;
      t += used;
      if (crossed) {
        demand = !demand;
        ++switches;
      }
    }
  }
};

}  // namespace labtwin::test
