// Tests of the exact lumped thermal solution, its crossing search and the ULT freezer model.
#include "labtwin/twin/thermal.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "labtwin/twin/freezer_model.hpp"
#include "labtwin_test/freezer_rk4.hpp"
#include "labtwin_test/splitmix.hpp"

namespace labtwin::twin {
namespace {

using test::SplitMix64;

constexpr double kDay = 86400.0;
constexpr double kHour = 3600.0;

// ---------------------------------------------------------------------------------------------
// first_crossing on exponential sums

TEST(ExpSumCrossing, AnalyticHumpHasBothCrossings) {
  // f = -1 + (10/3) u - (8/3) u^2 with u = e^-t factors as -(2u - 1)(4u/3 - 1): f < 0 at t = 0,
  // rises through 0 at u = 3/4 (t = ln 4/3) and falls back through 0 at u = 1/2 (t = ln 2).
  ExpSum f;
  f.terms = 2;
  f.constant = -1.0;
  f.coef = {10.0 / 3.0, -8.0 / 3.0};
  f.rate = {-1.0, -2.0};
  // Tight tolerance: the analytic roots to 1e-9 s; default tolerance (1e-7 s): to 1e-7 s.
  const auto rise = first_crossing(f, 0.0, CrossingDirection::kRising, 10.0, 1e-11);
  const auto fall = first_crossing(f, 0.0, CrossingDirection::kFalling, 10.0, 1e-11);
  const auto either = first_crossing(f, 0.0, CrossingDirection::kEither, 10.0, 1e-11);
  ASSERT_TRUE(rise && fall && either);
  EXPECT_NEAR(*rise, std::log(4.0 / 3.0), 1e-9);
  EXPECT_NEAR(*fall, std::log(2.0), 1e-9);
  EXPECT_NEAR(*either, std::log(4.0 / 3.0), 1e-9);
  const auto rise_default = first_crossing(f, 0.0, CrossingDirection::kRising, 10.0);
  const auto fall_default = first_crossing(f, 0.0, CrossingDirection::kFalling, 10.0);
  ASSERT_TRUE(rise_default && fall_default);
  EXPECT_NEAR(*rise_default, std::log(4.0 / 3.0), 1e-7);
  EXPECT_NEAR(*fall_default, std::log(2.0), 1e-7);
  // Horizons that stop short of each crossing.
  EXPECT_FALSE(first_crossing(f, 0.0, CrossingDirection::kRising, 0.28));
  EXPECT_FALSE(first_crossing(f, 0.0, CrossingDirection::kFalling, 0.69));
  // The hump's maximum is at u = 5/8 with value 1/24: a level above it is never reached.
  EXPECT_FALSE(first_crossing(f, 1.0 / 24.0 + 1e-9, CrossingDirection::kEither, 1e6));
  EXPECT_TRUE(first_crossing(f, 1.0 / 24.0 - 1e-6, CrossingDirection::kRising, 1e6));
}

TEST(ExpSumCrossing, NoCrossingCases) {
  // Newton cooling from 0 towards 10 approaches but never reaches 10, nor goes back down.
  ExpSum f;
  f.terms = 1;
  f.constant = 10.0;
  f.coef = {-10.0};
  f.rate = {-1e-3};
  EXPECT_FALSE(first_crossing(f, 10.0, CrossingDirection::kEither, 1e9));
  EXPECT_FALSE(first_crossing(f, 5.0, CrossingDirection::kFalling, 1e9));
  EXPECT_FALSE(first_crossing(f, -1.0, CrossingDirection::kEither, 1e9));
  // Start exactly on the level, moving away from it: not a crossing.
  EXPECT_FALSE(first_crossing(f, 0.0, CrossingDirection::kEither, 1e9));
  // 10 (1 - e^{-t/1000}) = 5 at t = 1000 ln 2.
  const auto t = first_crossing(f, 5.0, CrossingDirection::kRising, 1e9);
  ASSERT_TRUE(t);
  EXPECT_NEAR(*t, 1000.0 * std::log(2.0), 1e-6);
  // An infinite horizon is fine ("ever"): the crossing above, and none for the asymptote.
  const auto t_inf = first_crossing(f, 5.0, CrossingDirection::kRising, HUGE_VAL);
  ASSERT_TRUE(t_inf);
  EXPECT_NEAR(*t_inf, 1000.0 * std::log(2.0), 1e-6);
  EXPECT_FALSE(first_crossing(f, 10.0, CrossingDirection::kRising, HUGE_VAL));
  // A constant never crosses; a zero horizon sees nothing.
  ExpSum c;
  c.constant = 3.0;
  EXPECT_FALSE(first_crossing(c, 3.0, CrossingDirection::kEither, 1e9));
  EXPECT_FALSE(first_crossing(f, 5.0, CrossingDirection::kRising, 0.0));
  EXPECT_THROW(first_crossing(f, 5.0, CrossingDirection::kRising, -1.0), std::invalid_argument);
  ExpSum bad = f;
  bad.rate[0] = 1.0;
  EXPECT_THROW(first_crossing(bad, 5.0, CrossingDirection::kRising, 1.0), std::invalid_argument);
}

TEST(ExpSumCrossing, MonotoneTwoTermSumCrossesOnceWithinTheHorizonOnly) {
  // f = 2 - e^{-t} - e^{-2t} rises monotonically (f' = e^{-t} + 2 e^{-2t} > 0) from 0 to 2:
  // no critical point on t > 0. f = 1.5 <=> u + u^2 = 1/2 with u = e^{-t}, so
  // u = (sqrt(3) - 1)/2 and t = -ln u = 1.00505...
  ExpSum f;
  f.terms = 2;
  f.constant = 2.0;
  f.coef = {-1.0, -1.0};
  f.rate = {-1.0, -2.0};
  const double root = -std::log(0.5 * (std::sqrt(3.0) - 1.0));
  for (double horizon : {1.01, 10.0, 1e9, HUGE_VAL}) {
    const auto t = first_crossing(f, 1.5, CrossingDirection::kRising, horizon);
    ASSERT_TRUE(t) << "horizon " << horizon;
    EXPECT_NEAR(*t, root, 1e-7) << "horizon " << horizon;
    EXPECT_NEAR(f.value(*t), 1.5, 1e-7);
  }
  // A horizon short of the root, the wrong direction, and the asymptote: no crossing.
  EXPECT_FALSE(first_crossing(f, 1.5, CrossingDirection::kRising, 1.0));
  EXPECT_FALSE(first_crossing(f, 1.5, CrossingDirection::kFalling, 1e9));
  EXPECT_FALSE(first_crossing(f, 2.0, CrossingDirection::kEither, HUGE_VAL));
  // The mirror image falls through -1.5 at the same time.
  ExpSum g = f;
  g.constant = -2.0;
  g.coef = {1.0, 1.0};
  const auto t = first_crossing(g, -1.5, CrossingDirection::kFalling, 1e9);
  ASSERT_TRUE(t);
  EXPECT_NEAR(*t, root, 1e-7);
}

// First direction-matching sign change of f - level on a uniform grid, refined by bisection.
std::optional<double> dense_scan(const ExpSum& f, double level, CrossingDirection dir,
                                 double horizon, int points, double& bracket_lo,
                                 double& bracket_hi) {
  double t_prev = 0.0;
  double g_prev = f.value(0.0) - level;
  for (int k = 1; k <= points; ++k) {
    const double t = horizon * k / points;
    const double g = f.value(t) - level;
    const bool rises = g_prev < 0.0 && g > 0.0;
    const bool falls = g_prev > 0.0 && g < 0.0;
    if ((rises && dir != CrossingDirection::kFalling) ||
        (falls && dir != CrossingDirection::kRising)) {
      bracket_lo = t_prev;
      bracket_hi = t;
      double lo = t_prev;
      double hi = t;
      for (int i = 0; i < 200 && hi - lo > 1e-12 * std::max(1.0, hi); ++i) {
        const double mid = 0.5 * (lo + hi);
        const double gm = f.value(mid) - level;
        if ((gm < 0.0) == (g_prev < 0.0)) {
          lo = mid;
        } else {
          hi = mid;
        }
      }
      return 0.5 * (lo + hi);
    }
    t_prev = t;
    g_prev = g;
  }
  return std::nullopt;
}

TEST(ExpSumCrossing, MatchesDenseScanOnRandomSums) {
  // Random 1..3-term sums with mixed-sign amplitudes (humps, dips, two crossings) against a
  // 20,000-point scan; the crossing must agree with the bisected scan root to 1 ms or better.
  SplitMix64 rng{42};
  int found = 0;
  int none = 0;
  int scan_missed = 0;
  double worst = 0.0;
  for (int trial = 0; trial < 3000; ++trial) {
    ExpSum f;
    f.terms = 1 + static_cast<int>(rng.next() % 3);
    f.constant = rng.uniform(-5.0, 5.0);
    for (int i = 0; i < f.terms; ++i) {
      f.coef[static_cast<std::size_t>(i)] = rng.uniform(-10.0, 10.0);
      f.rate[static_cast<std::size_t>(i)] = -std::pow(10.0, rng.uniform(-5.0, -1.0));
    }
    const double level = rng.uniform(-5.0, 5.0);
    const auto dir = static_cast<CrossingDirection>(rng.next() % 3);
    const double horizon = std::pow(10.0, rng.uniform(2.0, 5.0));
    double lo = 0.0;
    double hi = 0.0;
    const auto scan = dense_scan(f, level, dir, horizon, 20000, lo, hi);
    const auto got = first_crossing(f, level, dir, horizon);
    if (scan) {
      ASSERT_TRUE(got) << "trial " << trial << ": scan found a crossing at " << *scan;
      // Ours may find an earlier, narrower excursion the grid stepped over, never a later one.
      ASSERT_LE(*got, hi + 1e-6) << "trial " << trial;
      if (*got >= lo - 1e-6) {
        worst = std::max(worst, std::abs(*got - *scan));
        EXPECT_NEAR(*got, *scan, 1e-3) << "trial " << trial;
      } else {
        ++scan_missed;
      }
      ++found;
    } else if (got) {
      ++scan_missed;
    } else {
      ++none;
    }
    if (got) {
      // Whatever we report must be a genuine crossing in the requested direction.
      const double d = 1e-4;
      const double before = f.value(std::max(0.0, *got - d)) - level;
      const double after = f.value(*got + d) - level;
      if (dir == CrossingDirection::kRising) {
        EXPECT_TRUE(before <= 0.0 && after >= 0.0);
      }
      if (dir == CrossingDirection::kFalling) {
        EXPECT_TRUE(before >= 0.0 && after <= 0.0);
      }
      EXPECT_LE(before * after, 0.0) << "trial " << trial;
    }
  }
  EXPECT_GT(found, 300);
  EXPECT_GT(none, 300);
  EXPECT_LT(scan_missed, 30);
  EXPECT_LT(worst, 1e-3);
  std::printf("crossings: %d found, %d none, %d finer than the scan; worst |dt| = %.3g s\n", found,
              none, scan_missed, worst);
}

// ---------------------------------------------------------------------------------------------
// LinearThermalMode

ThermalNetwork two_node(const FreezerParams& p, bool door) {
  ThermalNetwork net;
  net.nodes = 2;
  net.capacity = {p.air_capacity_j_per_k, p.payload_capacity_j_per_k};
  net.ambient_conductance = {p.ua_wall_w_per_k + (door ? p.ua_door_w_per_k : 0.0), 0.0};
  net.connect(0, 1, p.ua_air_payload_w_per_k);
  return net;
}

TEST(LinearThermalMode, EigenvaluesMatchTheQuadraticFormula) {
  // For A = [[-(u+w)/Ca, u/Ca], [u/Cp, -u/Cp]]: lambda = (tr +- sqrt(tr^2 - 4 det)) / 2.
  const FreezerParams p;
  const LinearThermalMode mode(two_node(p, false));
  const double u = p.ua_air_payload_w_per_k;
  const double w = p.ua_wall_w_per_k;
  const double ca = p.air_capacity_j_per_k;
  const double cp = p.payload_capacity_j_per_k;
  const double tr = -(u + w) / ca - u / cp;
  const double det = (u + w) * u / (ca * cp) - u * u / (ca * cp);
  const double disc = std::sqrt(tr * tr - 4.0 * det);
  EXPECT_NEAR(mode.rates()[0], 0.5 * (tr + disc), 1e-12 * std::abs(tr));
  EXPECT_NEAR(mode.rates()[1], 0.5 * (tr - disc), 1e-12 * std::abs(tr));
  EXPECT_LT(mode.rates()[0], 0.0);
  EXPECT_LT(mode.rates()[1], mode.rates()[0]);
}

TEST(LinearThermalMode, EquilibriumIsExact) {
  // Steady state of the 2-node model: payload has no other path, so T_p = T_a, and the wall
  // carries the whole cooling power: T_a = T_amb - Q_c / UA_w (compressor forced on).
  const FreezerParams p;
  const LinearThermalMode mode(two_node(p, false));
  NodeVector on{};
  on[0] = -p.cooling_power_w;
  const NodeVector eq_on = mode.equilibrium(25.0, on);
  const NodeVector eq_off = mode.equilibrium(25.0, NodeVector{});
  const double expect = 25.0 - p.cooling_power_w / p.ua_wall_w_per_k;
  EXPECT_NEAR(eq_on[0], expect, 1e-10);
  EXPECT_NEAR(eq_on[1], expect, 1e-10);
  EXPECT_EQ(eq_off[0], 25.0);
  EXPECT_EQ(eq_off[1], 25.0);
  const NodeVector d = mode.derivative(eq_on, 25.0, on);
  EXPECT_LT(std::abs(d[0]), 1e-14);
  EXPECT_LT(std::abs(d[1]), 1e-14);
  // Starting on the equilibrium, a year later we are exactly still there.
  const NodeVector later = mode.propagate(eq_on, eq_on, 365.0 * kDay);
  EXPECT_EQ(later[0], eq_on[0]);
  EXPECT_EQ(later[1], eq_on[1]);
  // And the crossing search sees a constant: no crossing of anything, ever.
  const ExpSum f = mode.trajectory(eq_on, eq_on, 0);
  EXPECT_FALSE(first_crossing(f, eq_on[0] + 1e-9, CrossingDirection::kEither, 1e12));
}

TEST(LinearThermalMode, ThreeNodeNetworkMatchesRk4) {
  // A 3-node chain air - payload, air - inner wall - room, with a heat input on the payload:
  // the closed form must agree with a fine RK4 (dt = 0.05 s, local error O(dt^5)) over 6 h.
  ThermalNetwork net;
  net.nodes = 3;
  net.capacity = {20'000.0, 60'000.0, 40'000.0};
  net.ambient_conductance = {0.0, 0.0, 2.5};
  net.connect(0, 1, 8.0);
  net.connect(0, 2, 15.0);
  const LinearThermalMode mode(net);
  const NodeVector heat{-250.0, 5.0, 0.0, 0.0};
  const double amb = 22.0;
  const NodeVector x0{-80.0, -75.0, -40.0, 0.0};
  const NodeVector eq = mode.equilibrium(amb, heat);
  const auto deriv = [&](const NodeVector& x) {
    // Written out from the network, independently of the library's matrices.
    NodeVector d{};
    d[0] = (8.0 * (x[1] - x[0]) + 15.0 * (x[2] - x[0]) - 250.0) / 20'000.0;
    d[1] = (8.0 * (x[0] - x[1]) + 5.0) / 60'000.0;
    d[2] = (15.0 * (x[0] - x[2]) + 2.5 * (amb - x[2])) / 40'000.0;
    return d;
  };
  NodeVector x = x0;
  const double dt = 0.05;
  double max_err = 0.0;
  for (int step = 1; step <= static_cast<int>(6 * kHour / dt); ++step) {
    const NodeVector k1 = deriv(x);
    NodeVector y{};
    for (int i = 0; i < 3; ++i) y[i] = x[i] + 0.5 * dt * k1[i];
    const NodeVector k2 = deriv(y);
    for (int i = 0; i < 3; ++i) y[i] = x[i] + 0.5 * dt * k2[i];
    const NodeVector k3 = deriv(y);
    for (int i = 0; i < 3; ++i) y[i] = x[i] + dt * k3[i];
    const NodeVector k4 = deriv(y);
    for (int i = 0; i < 3; ++i) x[i] += dt / 6.0 * (k1[i] + 2.0 * k2[i] + 2.0 * k3[i] + k4[i]);
    if (step % 2000 == 0) {
      const NodeVector exact = mode.propagate(x0, eq, step * dt);
      for (int i = 0; i < 3; ++i) max_err = std::max(max_err, std::abs(exact[i] - x[i]));
    }
  }
  EXPECT_LT(max_err, 1e-6);
  // The wall node's trajectory ExpSum agrees with propagate() as well.
  const ExpSum wall = mode.trajectory(x0, eq, 2);
  EXPECT_NEAR(wall.value(5000.0), mode.propagate(x0, eq, 5000.0)[2], 1e-9);
  const auto all = mode.trajectories(x0, eq);
  for (int node = 0; node < 3; ++node) {
    EXPECT_DOUBLE_EQ(all[static_cast<std::size_t>(node)].value(777.0),
                     mode.trajectory(x0, eq, node).value(777.0));
  }
  EXPECT_EQ(all[3].terms, 0);
}

TEST(LinearThermalMode, RejectsNetworksWithoutEquilibrium) {
  ThermalNetwork net;
  net.nodes = 2;
  net.capacity = {1.0, 1.0};
  net.connect(0, 1, 1.0);  // no path to ambient at all
  try {
    const LinearThermalMode mode(net);
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("ambient"), std::string::npos) << e.what();
  }
  net.capacity[1] = -1.0;
  try {
    const LinearThermalMode mode(net);
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("capacity of node 1"), std::string::npos) << e.what();
  }
}

// ---------------------------------------------------------------------------------------------
// FreezerModel vs an independent RK4 reference

// External inputs applied at exact times to both models.
struct InputChange {
  double time;
  int what;  // 0 door open, 1 door close, 2 ambient
  double value;
};

std::vector<InputChange> week_of_inputs(double days, std::uint64_t seed) {
  SplitMix64 rng{seed};
  std::vector<InputChange> in;
  for (int d = 0; d < static_cast<int>(days); ++d) {
    // 10 door openings of 20-60 s per day at random times (non-overlapping by construction:
    // one per 2.4 h slot); HVAC: 23 C by day, 19 C at night; day 3 is a 32 C heat wave.
    for (int k = 0; k < 10; ++k) {
      const double slot = d * kDay + k * 0.1 * kDay;
      const double open = slot + rng.uniform(60.0, 0.1 * kDay - 120.0);
      in.push_back({open, 0, 0.0});
      in.push_back({open + rng.uniform(20.0, 60.0), 1, 0.0});
    }
    in.push_back({d * kDay + 8.0 * kHour, 2, d == 3 ? 32.0 : 23.0});
    in.push_back({d * kDay + 19.0 * kHour + 123.4, 2, 19.0});
  }
  std::sort(in.begin(), in.end(), [](const auto& a, const auto& b) { return a.time < b.time; });
  return in;
}

using test::Rk4Freezer;

TEST(FreezerModel, ClosedFormMatchesRk4OverAWeek) {
#if defined(__SANITIZE_ADDRESS__)
  const double days = 1.0;  // same tolerance, shorter run under ASan
#else
  const double days = 7.0;
#endif
  const FreezerParams p;
  FreezerModel m(p);
  Rk4Freezer r{p, p.setpoint_c, p.setpoint_c, p.ambient_c};
  const auto inputs = week_of_inputs(days, 7);
  std::vector<FreezerEvent> log;
  double t = 0.0;
  double max_air = 0.0;
  double max_payload = 0.0;
  int samples = 0;
  std::size_t next_input = 0;
  const double end = days * kDay;
  // Sample every 10 minutes, and apply the inputs at their exact times in both models.
  for (double sample = 600.0; sample <= end + 1e-9; sample += 600.0) {
    while (next_input < inputs.size() && inputs[next_input].time <= sample) {
      const InputChange& c = inputs[next_input++];
      m.advance_to(c.time, &log);
      r.run(t, c.time, 0.1);
      t = c.time;
      if (c.what == 0 || c.what == 1) {
        m.set_door(c.what == 0);
        r.door = c.what == 0;
      } else {
        m.set_ambient(c.value);
        r.amb = c.value;
      }
    }
    m.advance_to(sample, &log);
    r.run(t, sample, 0.1);
    t = sample;
    max_air = std::max(max_air, std::abs(m.air_c() - r.ta));
    max_payload = std::max(max_payload, std::abs(m.payload_c() - r.tp));
    ++samples;
  }
  int model_switches = 0;
  for (const auto& e : log) {
    if (e.kind == FreezerEventKind::kThermostatOn || e.kind == FreezerEventKind::kThermostatOff) {
      ++model_switches;
    }
  }
  std::printf(
      "%g days, %d samples: max |dT_air| = %.3g K, max |dT_payload| = %.3g K, "
      "switches %d (rk4 %d), on-time %.6g s (rk4 %.6g s), duty %.4f\n",
      days, samples, max_air, max_payload, model_switches, r.switches, m.compressor_on_time(),
      r.on_time, m.duty_cycle());
  EXPECT_LT(max_air, 0.05);
  EXPECT_LT(max_payload, 0.05);
  EXPECT_EQ(model_switches, r.switches);
  EXPECT_NEAR(m.compressor_on_time(), r.on_time, 1e-5 * r.on_time);
  EXPECT_GT(model_switches, static_cast<int>(20 * days));  // the compressor really cycled
}

// ---------------------------------------------------------------------------------------------
// Operating envelope

struct DutyRun {
  double duty;
  double balance_error_w;  // first-law residual, averaged over the run
};

// Runs `days` after a 2-day settling period with `openings` door openings per day of 20-60 s,
// and checks the first law over the measured window.
DutyRun run_duty(double ambient, int openings, double days, std::uint64_t seed) {
  FreezerParams p;
  p.ambient_c = ambient;
  FreezerModel m(p);
  SplitMix64 rng{seed};
  const auto run_day = [&](double day_start, double& door_integral_air, double& door_time) {
    for (int k = 0; k < openings; ++k) {
      const double slot = day_start + k * kDay / openings;
      const double open = slot + rng.uniform(0.0, kDay / openings - 70.0);
      m.advance_to(open);
      const double before = m.temperature_integral()[FreezerModel::kAir];
      m.set_door(true);
      const double dur = rng.uniform(20.0, 60.0);
      m.advance_to(open + dur);
      m.set_door(false);
      door_integral_air += m.temperature_integral()[FreezerModel::kAir] - before;
      door_time += dur;
    }
    m.advance_to(day_start + kDay);
  };
  double door_int = 0.0;
  double door_time = 0.0;
  for (int d = 0; d < 2; ++d) run_day(d * kDay, door_int, door_time);
  const double t0 = m.time();
  const double on0 = m.compressor_on_time();
  const double int0 = m.temperature_integral()[FreezerModel::kAir];
  const double ta0 = m.air_c();
  const double tp0 = m.payload_c();
  door_int = 0.0;
  door_time = 0.0;
  for (int d = 2; d < 2 + static_cast<int>(days); ++d) run_day(d * kDay, door_int, door_time);
  const double span = m.time() - t0;
  const double on = m.compressor_on_time() - on0;
  const double air_int = m.temperature_integral()[FreezerModel::kAir] - int0;
  // First law over the window: C_a dT_a + C_p dT_p = UA_w int(T_amb - T_a) dt
  //   + UA_door int_open(T_amb - T_a) dt - Q_c t_on.
  const double stored = p.air_capacity_j_per_k * (m.air_c() - ta0) +
                        p.payload_capacity_j_per_k * (m.payload_c() - tp0);
  const double flow = p.ua_wall_w_per_k * (ambient * span - air_int) +
                      p.ua_door_w_per_k * (ambient * door_time - door_int) - p.cooling_power_w * on;
  return {on / span, (stored - flow) / span};
}

TEST(FreezerModel, DutyCycleDependsOnAmbientAndDoorsWithinUltRange) {
  const DutyRun cool_room = run_duty(20.0, 3, 10.0, 1);
  const DutyRun hot_room = run_duty(32.0, 3, 10.0, 1);
  const DutyRun busy = run_duty(20.0, 40, 10.0, 1);
  std::printf("duty: 20 C %.3f, 32 C %.3f, 20 C + 40 openings/day %.3f\n", cool_room.duty,
              hot_room.duty, busy.duty);
  for (const DutyRun& r : {cool_room, hot_room, busy}) {
    EXPECT_GE(r.duty, 0.3);
    EXPECT_LE(r.duty, 0.9);
    // The exact integrals close the energy balance to rounding (W averaged over 10 days).
    EXPECT_LT(std::abs(r.balance_error_w), 1e-6);
  }
  EXPECT_GT(hot_room.duty, cool_room.duty + 0.03);
  EXPECT_GT(busy.duty, cool_room.duty + 0.05);
  // Steady-state estimate: duty ~ UA_w (T_amb - T_set) / Q_c (+ door load), since the air
  // averages about the setpoint; it holds to the band's width (2 K / 100 K ~ 2%).
  const FreezerParams p;
  EXPECT_NEAR(cool_room.duty, p.ua_wall_w_per_k * 100.0 / p.cooling_power_w, 0.03);
  EXPECT_NEAR(hot_room.duty, p.ua_wall_w_per_k * 112.0 / p.cooling_power_w, 0.03);
}

TEST(FreezerModel, PowerCutWarmsLoadedUnitOverHours) {
  // From the cycling steady state, mains fails with the door shut in a 20 C room. Target
  // (docs/twins/freezer.md): a loaded ULT takes 4-10 h for the air to go from -80 C to -50 C.
  FreezerParams p;
  FreezerModel m(p);
  m.advance_to(3.0 * kDay);
  const double cut = m.time();
  const double on_at_cut = m.compressor_on_time();
  m.set_power(false);
  std::vector<FreezerEvent> log;
  m.advance_to(cut + 2.0 * kDay, &log);
  EXPECT_FALSE(m.compressor_on());
  EXPECT_EQ(m.compressor_on_time(), on_at_cut);
  double t_alarm = -1.0;
  double t_damage = -1.0;
  for (const auto& e : log) {
    if (e.kind == FreezerEventKind::kAlarmHigh && t_alarm < 0.0) t_alarm = e.time - cut;
    if (e.kind == FreezerEventKind::kDamageLimit && e.index == 0 && t_damage < 0.0) {
      t_damage = e.time - cut;
    }
  }
  ASSERT_GT(t_alarm, 0.0);
  ASSERT_GT(t_damage, 0.0);
  EXPECT_LT(t_alarm, t_damage);  // air leads the payload, and -70 C < -60 C

  // Time for the air to reach -50 C, from a fresh model (payload and air at -80 C).
  FreezerModel fresh(p);
  fresh.set_power(false);
  const auto t50 = first_crossing(fresh.trajectory(FreezerModel::kAir), -50.0,
                                  CrossingDirection::kRising, 10.0 * kDay);
  ASSERT_TRUE(t50);
  std::printf(
      "power cut: air -80 -> -70 C alarm %.2f h, payload -60 C damage %.2f h, air -50 C "
      "%.2f h\n",
      t_alarm / kHour, t_damage / kHour, *t50 / kHour);
  EXPECT_GT(*t50, 4.0 * kHour);
  EXPECT_LT(*t50, 10.0 * kHour);

  // Lumped-capacitance limit (Newton cooling, e.g. Incropera, Fundamentals of Heat and Mass
  // Transfer, sec. 5.1): with a very large UA_ap both nodes move together and
  // t = tau ln((T_amb - T0) / (T_amb - T1)), tau = (C_a + C_p) / UA_w.
  FreezerParams lumped = p;
  lumped.ua_air_payload_w_per_k = 1e5;
  FreezerModel one(lumped);
  one.set_power(false);
  const auto t_lumped = first_crossing(one.trajectory(FreezerModel::kAir), -50.0,
                                       CrossingDirection::kRising, 10.0 * kDay);
  ASSERT_TRUE(t_lumped);
  const double tau = (p.air_capacity_j_per_k + p.payload_capacity_j_per_k) / p.ua_wall_w_per_k;
  EXPECT_NEAR(*t_lumped, tau * std::log(100.0 / 70.0), 1e-3 * tau);
  // The real (finite UA_ap) air warms ahead of the lumped mass.
  EXPECT_LT(*t50, *t_lumped);
}

TEST(FreezerModel, EnergyIsPowerTimesOnTimeAndMatchesTheEventLog) {
  FreezerModel m{FreezerParams{}};
  std::vector<FreezerEvent> log;
  m.advance_to(0.5 * kDay, &log);
  m.set_power(false);  // 3 h outage: thermostat calls, but nothing runs
  const double on_before_cut = m.compressor_on_time();
  m.advance_to(0.5 * kDay + 3.0 * kHour, &log);
  EXPECT_EQ(m.compressor_on_time(), on_before_cut);
  EXPECT_TRUE(m.thermostat_demand());
  m.set_power(true);
  EXPECT_TRUE(m.compressor_on());
  m.fail_compressor();
  m.advance_to(1.0 * kDay, &log);
  m.repair_compressor();
  m.advance_to(2.0 * kDay, &log);
  EXPECT_DOUBLE_EQ(m.energy_j(), m.params().electrical_power_w * m.compressor_on_time());
  // Rebuild on-time independently from the log and the known input times.
  std::vector<std::pair<double, int>> marks;  // thermostat demand on (1) / off (0)
  for (const auto& e : log) {
    if (e.kind == FreezerEventKind::kThermostatOn) marks.push_back({e.time, 1});
    if (e.kind == FreezerEventKind::kThermostatOff) marks.push_back({e.time, 0});
  }
  double on_time = 0.0;
  bool demand = false;
  double last = 0.0;
  // Power is out from 0.5 d to 0.5 d + 3 h and the compressor broken from then to 1 d.
  const auto can_run = [](double t) { return t < 0.5 * kDay || t >= 1.0 * kDay; };
  for (const auto& [time, on] : marks) {
    // Integrate demand x availability over (last, time] in pieces split at the input times.
    const double cuts[] = {0.5 * kDay, 1.0 * kDay};
    double a = last;
    for (double c : cuts) {
      if (c > a && c < time) {
        if (demand && can_run(a)) on_time += c - a;
        a = c;
      }
    }
    if (demand && can_run(a)) on_time += time - a;
    demand = on != 0;
    last = time;
  }
  if (demand && can_run(last)) on_time += 2.0 * kDay - last;
  EXPECT_NEAR(on_time, m.compressor_on_time(), 1e-6);
  EXPECT_GT(m.events_applied(), 50u);
}

TEST(FreezerModel, NextEventIsWhereAdvanceAppliesIt) {
  FreezerModel m{FreezerParams{}};
  m.advance_to(1000.0);
  const auto ev = m.next_event(kDay);
  ASSERT_TRUE(ev);
  std::vector<FreezerEvent> log;
  m.advance_to(ev->time, &log);
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].kind, ev->kind);
  EXPECT_DOUBLE_EQ(log[0].time, ev->time);
  // At the event the air sits on the thermostat threshold (to the 1e-7 s time tolerance).
  const double level =
      ev->kind == FreezerEventKind::kThermostatOn ? m.thermostat_on_c() : m.thermostat_off_c();
  EXPECT_NEAR(m.air_c(), level, 1e-8);
  // A short horizon sees nothing, and the next event alternates the thermostat.
  const auto next = m.next_event(kDay);
  ASSERT_TRUE(next);
  EXPECT_NE(next->kind, ev->kind);
  EXPECT_FALSE(m.next_event(0.5 * (next->time - m.time())));
  EXPECT_EQ(to_string(FreezerEventKind::kAlarmHigh), "alarm_high");
}

TEST(FreezerModel, CachedSearchesGiveTheSameRunAsPlainAdvances) {
  // The fast path (advance_to searching as far as the last next_event horizon, and reusing the
  // exponentials of the step to the event it found) must not change the trajectory. Model a
  // is driven event to event; model b only by advance_to on a 7 s grid (its searches never
  // look further than the grid step); model c asks next_event for an infinite horizon. Over
  // 3 days with door openings all three must log the same events at the same times and end
  // in the same state (differences are rounding only).
  FreezerParams p;
  p.ambient_c = 24.0;
  FreezerModel a{p};
  FreezerModel b{p};
  FreezerModel c{p};
  std::vector<FreezerEvent> log_a;
  std::vector<FreezerEvent> log_b;
  std::vector<FreezerEvent> log_c;
  const auto door_at = [](double t) {  // open 45 s every 2 h 13 min
    return std::fmod(t, 7980.0) < 45.0;
  };
  for (double t = 0.0; t < 3.0 * kDay; t += 7.0) {
    const double next = t + 7.0;
    for (;;) {
      const auto ev = a.next_event(next - a.time());
      if (!ev) break;
      a.advance_to(ev->time, &log_a);
    }
    a.advance_to(next, &log_a);
    b.advance_to(next, &log_b);
    while (const auto ev = c.next_event(HUGE_VAL)) {
      if (ev->time > next) break;
      c.advance_to(ev->time, &log_c);
    }
    c.advance_to(next, &log_c);
    const bool open = door_at(next);
    a.set_door(open);
    b.set_door(open);
    c.set_door(open);
  }
  ASSERT_GT(log_a.size(), 300u);
  ASSERT_EQ(log_a.size(), log_b.size());
  ASSERT_EQ(log_a.size(), log_c.size());
  for (std::size_t i = 0; i < log_a.size(); ++i) {
    EXPECT_EQ(log_a[i].kind, log_b[i].kind) << i;
    EXPECT_EQ(log_a[i].kind, log_c[i].kind) << i;
    EXPECT_NEAR(log_a[i].time, log_b[i].time, 1e-6) << i;
    EXPECT_NEAR(log_a[i].time, log_c[i].time, 1e-6) << i;
  }
  for (const FreezerModel* m : {&b, &c}) {
    EXPECT_NEAR(m->air_c(), a.air_c(), 1e-9);
    EXPECT_NEAR(m->payload_c(), a.payload_c(), 1e-9);
    EXPECT_NEAR(m->compressor_on_time(), a.compressor_on_time(), 1e-5);
    EXPECT_NEAR(m->temperature_integral()[FreezerModel::kAir],
                a.temperature_integral()[FreezerModel::kAir], 1e-6 * 3.0 * kDay);
    EXPECT_NEAR(m->temperature_integral()[FreezerModel::kPayload],
                a.temperature_integral()[FreezerModel::kPayload], 1e-6 * 3.0 * kDay);
  }
}

TEST(FreezerModel, RejectsBadInputsWithNamedErrors) {
  FreezerParams p;
  p.ua_wall_w_per_k = -1.0;
  try {
    FreezerModel m(p);
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("ua_wall_w_per_k"), std::string::npos) << e.what();
  }
  p = FreezerParams{};
  p.damage_limits.push_back({"broken", std::nan("")});
  EXPECT_THROW(FreezerModel{p}, std::invalid_argument);
  FreezerModel m{FreezerParams{}};
  m.advance_to(100.0);
  EXPECT_THROW(m.advance_to(50.0), std::invalid_argument);
  EXPECT_THROW(m.advance_to(std::nan("")), std::invalid_argument);
  EXPECT_THROW(m.advance_to(HUGE_VAL), std::invalid_argument);
  // next_event with an infinite horizon is allowed and finds the next thermostat switch.
  EXPECT_TRUE(m.next_event(HUGE_VAL));
  EXPECT_THROW(m.next_event(-1.0), std::invalid_argument);
  EXPECT_THROW(m.set_ambient(std::nan("")), std::invalid_argument);
  EXPECT_THROW(m.set_temperatures(std::nan(""), 0.0), std::invalid_argument);
}

}  // namespace
}  // namespace labtwin::twin
