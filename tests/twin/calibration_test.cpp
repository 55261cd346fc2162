// Tests of the freezer calibration: the open-loop model against the closed-loop twin, parameter
// recovery from noisy synthetic telemetry, identifiability and bad input.
#include "labtwin/twin/calibration.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "labtwin/twin/freezer_model.hpp"
#include "labtwin_test/freezer_telemetry.hpp"

namespace labtwin::twin {
namespace {

constexpr double kHour = 3600.0;
constexpr double kDay = 86400.0;
constexpr double kSigma = 0.2;  // measurement noise (K), the brief's

FreezerParams truth_params() { return test::telemetry_truth(); }

// The starting point: the defaults, with the held cooling power set to the data-sheet value.
FreezerParams start_params() {
  FreezerParams p;
  p.cooling_power_w = truth_params().cooling_power_w;
  return p;
}

CalibrationTrace with_noise(const CalibrationTrace& trace, std::uint64_t seed) {
  return test::with_noise(trace, kSigma, seed);
}

const CalibrationTrace& clean_trace() {
  static const CalibrationTrace trace = test::record_freezer_telemetry(truth_params());
  return trace;
}

// Fits from the defaults, prints the recovered-vs-true table and checks the 5% criterion, the
// RMS against the noise level and each error against its standard error.
void fit_and_check(const CalibrationTrace& trace, const char* label) {
  CalibrationOptions opt;
  opt.initial = start_params();
  opt.fit = default_fit(trace);
  ASSERT_EQ(opt.fit.size(), 5U) << "the trace opens the door 24 times: ua_door is fitted";
  EXPECT_EQ(opt.fit.back(), FreezerParam::ua_door);
  const auto t_start = std::chrono::steady_clock::now();
  const CalibrationResult res = calibrate_freezer(trace, opt);
  const double wall_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();
  std::printf("[%s] %s\n", label, res.message.c_str());
  std::printf("[%s] %-22s %12s %12s %12s %9s %9s\n", label, "parameter", "start", "true", "fitted",
              "error %", "std err %");
  const FreezerParams truth = truth_params();
  ASSERT_EQ(res.fitted.size(), opt.fit.size());
  for (std::size_t j = 0; j < res.fitted.size(); ++j) {
    const FittedParam& f = res.fitted[j];
    EXPECT_EQ(f.param, opt.fit[j]);
    const double want = param_value(truth, f.param);
    const double err = (f.value - want) / want;
    std::printf("[%s] %-22s %12.4g %12.4g %12.6g %9.3f %9.3f\n", label,
                std::string(scenario_key(f.param)).c_str(), param_value(opt.initial, f.param), want,
                f.value, 100.0 * err, 100.0 * f.std_error / want);
    // The criterion: every fitted parameter within 5% of the truth.
    EXPECT_LT(std::abs(err), 0.05) << scenario_key(f.param);
    // The fitted value in the result's params, too.
    EXPECT_EQ(param_value(res.params, f.param), f.value);
    // With an exact model and white noise the error is ~N(0, std_error^2): 4 sigma is a bound
    // that fails only for a wrong error estimate (or a biased fit).
    EXPECT_TRUE(std::isfinite(f.std_error) && f.std_error > 0.0) << scenario_key(f.param);
    EXPECT_LT(std::abs(f.value - want), 4.0 * f.std_error) << scenario_key(f.param);
  }
  std::printf("[%s] rms %.4f K (initial %.3f K), %d iterations, %.3f s wall\n", label, res.rms_k,
              res.initial_rms_k, res.iterations, wall_s);
  EXPECT_TRUE(res.converged) << res.message;
  // The residual of a correct fit is the noise: RMS ~ sigma (within 20%).
  EXPECT_NEAR(res.rms_k, kSigma, 0.2 * kSigma);
  EXPECT_GT(res.initial_rms_k, 5.0 * res.rms_k);
  // The held parameter stays exactly where it was put.
  EXPECT_EQ(res.params.cooling_power_w, truth.cooling_power_w);
  // The nuisance initial states land near the noise-free values.
  EXPECT_NEAR(res.initial_air_c, clean_trace().air_c.front(), 3.0 * kSigma);
  EXPECT_NEAR(res.initial_payload_c, clean_trace().payload_c.front(), 3.0 * kSigma);
}

TEST(Calibration, ScenarioKeys) {
  EXPECT_EQ(scenario_key(FreezerParam::air_capacity), "air_heat_capacity");
  EXPECT_EQ(scenario_key(FreezerParam::payload_capacity), "payload_heat_capacity");
  EXPECT_EQ(scenario_key(FreezerParam::ua_air_payload), "ua_air_payload");
  EXPECT_EQ(scenario_key(FreezerParam::ua_wall), "ua_walls");
  EXPECT_EQ(scenario_key(FreezerParam::ua_door), "ua_door");
  EXPECT_EQ(scenario_key(FreezerParam::cooling_power), "cooling_power");
  FreezerParams p;
  set_param_value(p, FreezerParam::ua_wall, 2.5);
  EXPECT_EQ(p.ua_wall_w_per_k, 2.5);
  EXPECT_EQ(param_value(p, FreezerParam::ua_wall), 2.5);
}

TEST(Calibration, SyntheticTraceHasTheScenarioItNeeds) {
  const CalibrationTrace& tr = clean_trace();
  std::printf("trace: %zu samples, %zu compressor, %zu door, %zu ambient steps\n", tr.t_s.size(),
              tr.compressor.size(), tr.door.size(), tr.ambient_c.size());
  // 2 h + 3 d + 6 h + 12 h after the start at 2 h, every 60 s.
  EXPECT_EQ(tr.t_s.size(), static_cast<std::size_t>((3.0 * kDay + 18.0 * kHour) / 60.0) + 1);
  EXPECT_EQ(tr.door.size(), 48U);
  EXPECT_GT(tr.compressor.size(), 200U);  // ~25 min cycles over 3 days, on and off steps
  // The failure warms the air far above the thermostat band (the long transient that carries
  // the information on the capacities).
  EXPECT_GT(*std::max_element(tr.air_c.begin(), tr.air_c.end()), -70.0);
}

TEST(Calibration, OpenLoopReproducesTheClosedLoopTwin) {
  // Same physics, same inputs (compressor at the thermostat's own switching instants), both
  // exact: the open loop must agree with the recorded closed-loop temperatures to rounding.
  const CalibrationTrace& tr = clean_trace();
  const auto [air, payload] = simulate_open_loop(tr, truth_params());
  ASSERT_EQ(air.size(), tr.t_s.size());
  ASSERT_EQ(payload.size(), tr.t_s.size());
  double worst_air = 0.0;
  double worst_payload = 0.0;
  for (std::size_t i = 0; i < air.size(); ++i) {
    worst_air = std::max(worst_air, std::abs(air[i] - tr.air_c[i]));
    worst_payload = std::max(worst_payload, std::abs(payload[i] - tr.payload_c[i]));
  }
  std::printf("open loop vs closed loop over %zu samples: max |dT| air %.3g K, payload %.3g K\n",
              air.size(), worst_air, worst_payload);
  EXPECT_LT(worst_air, 1e-6);
  EXPECT_LT(worst_payload, 1e-6);
  // With other parameters the open loop departs from the recording (the comparison can fail).
  const auto [air_default, payload_default] = simulate_open_loop(tr, start_params());
  double worst_default = 0.0;
  for (std::size_t i = 0; i < air.size(); ++i) {
    worst_default = std::max(worst_default, std::abs(air_default[i] - tr.air_c[i]));
  }
  EXPECT_GT(worst_default, 1.0);
}

TEST(Calibration, OpenLoopReachesTheAnalyticEquilibrium) {
  // Compressor always on, door shut, room at 20 C: x_eq = T_amb + K^-1 q with q = (-Q_c, 0);
  // column 0 of K^-1 is (1/UA_w, 1/UA_w) for K = [[UA_ap + UA_w, -UA_ap], [-UA_ap, UA_ap]]
  // (det K = UA_w UA_ap), so both nodes settle at T_amb - Q_c / UA_w. 3000 x 600 s = 32 slow
  // time constants ((C_a + C_p) / UA_w ~ 15 h): the transient is below 1e-11 K.
  FreezerParams p = truth_params();
  CalibrationTrace tr;
  for (int i = 0; i <= 3000; ++i) {
    tr.t_s.push_back(i * 600.0);
    tr.air_c.push_back(20.0);
  }
  tr.compressor = {{0.0, 1.0}};
  tr.ambient_c = {{0.0, 20.0}};
  const auto [air, payload] = simulate_open_loop(tr, p);
  const double eq = 20.0 - p.cooling_power_w / p.ua_wall_w_per_k;
  EXPECT_NEAR(air.back(), eq, 1e-9 * std::abs(eq));
  EXPECT_NEAR(payload.back(), eq, 1e-9 * std::abs(eq));
  EXPECT_EQ(air.front(), 20.0);
  EXPECT_EQ(payload.front(), 20.0);  // payload not measured: starts at air_c[0]
}

TEST(Calibration, RecoversTruthFromAirAndPayload) {
  fit_and_check(with_noise(clean_trace(), 7), "air+payload");
}

TEST(Calibration, RecoversTruthFromAirOnly) {
  CalibrationTrace tr = with_noise(clean_trace(), 7);
  tr.payload_c.clear();
  fit_and_check(tr, "air only");
}

TEST(Calibration, ConvergesFromAFarStart) {
  // Start 2-3x away from the truth in every fitted parameter (log distance up to 1.1): the fit
  // on logarithms with Levenberg-Marquardt damping must still reach the same optimum.
  const CalibrationTrace tr = with_noise(clean_trace(), 11);
  const FreezerParams truth = truth_params();
  CalibrationOptions opt;
  opt.initial = truth;
  opt.initial.air_capacity_j_per_k *= 3.0;
  opt.initial.payload_capacity_j_per_k /= 3.0;
  opt.initial.ua_air_payload_w_per_k *= 0.4;
  opt.initial.ua_wall_w_per_k *= 2.0;
  opt.initial.ua_door_w_per_k *= 3.0;
  opt.fit = default_fit(tr);
  const CalibrationResult res = calibrate_freezer(tr, opt);
  std::printf("far start: %s\n", res.message.c_str());
  EXPECT_TRUE(res.converged) << res.message;
  for (const FittedParam& f : res.fitted) {
    const double want = param_value(truth, f.param);
    EXPECT_LT(std::abs(f.value - want), 0.05 * want) << scenario_key(f.param);
  }
  EXPECT_NEAR(res.rms_k, kSigma, 0.2 * kSigma);
}

TEST(Calibration, StandardErrorsMatchTheScatterOverNoiseDraws) {
  // Theory: for a least-squares fit with white noise, the estimator's covariance is
  // sigma^2 (J^T J)^-1 to first order (Gauss-Markov; e.g. Seber & Wild, "Nonlinear Regression",
  // 1989, sec. 2.1). Over 20 independent noise draws the sample standard deviation of each
  // fitted parameter must agree with the reported std_error: its own relative sampling error
  // is 1/sqrt(2 (20 - 1)) = 16%, so [0.6, 1.5] is a ~3-sigma band. The mean must be unbiased
  // to within 3 standard errors of the mean.
  constexpr int kDraws = 20;
  const FreezerParams truth = truth_params();
  CalibrationOptions opt;
  opt.initial = start_params();
  opt.fit = default_fit(clean_trace());
  const std::size_t np = opt.fit.size();
  std::vector<double> sum(np, 0.0), sum2(np, 0.0), se_sum(np, 0.0);
  for (int k = 0; k < kDraws; ++k) {
    const CalibrationResult res = calibrate_freezer(with_noise(clean_trace(), 1000 + k), opt);
    ASSERT_TRUE(res.converged) << res.message;
    for (std::size_t j = 0; j < np; ++j) {
      const double rel = res.fitted[j].value / param_value(truth, opt.fit[j]) - 1.0;
      sum[j] += rel;
      sum2[j] += rel * rel;
      se_sum[j] += res.fitted[j].std_error / param_value(truth, opt.fit[j]);
    }
  }
  for (std::size_t j = 0; j < np; ++j) {
    const double mean = sum[j] / kDraws;
    const double sd = std::sqrt((sum2[j] - kDraws * mean * mean) / (kDraws - 1));
    const double se = se_sum[j] / kDraws;
    std::printf("%-22s mean error %+.4f%%  scatter %.4f%%  reported std error %.4f%%\n",
                std::string(scenario_key(opt.fit[j])).c_str(), 100.0 * mean, 100.0 * sd,
                100.0 * se);
    EXPECT_GT(sd / se, 0.6) << scenario_key(opt.fit[j]);
    EXPECT_LT(sd / se, 1.5) << scenario_key(opt.fit[j]);
    EXPECT_LT(std::abs(mean), 3.0 * se / std::sqrt(kDraws)) << scenario_key(opt.fit[j]);
  }
}

TEST(Calibration, CyclingOnlyAirOnlyIsHonest) {
  // Without the compressor failure and without the payload sensor the slow mode (total
  // capacity) shows only through small excursions around the thermostat band. Whatever the
  // accuracy then, each error must be covered by its reported standard error, and the error of
  // C_p must say that it is far less certain than with the failure's warm-up in the trace.
  const CalibrationTrace full = with_noise(clean_trace(), 7);
  CalibrationTrace tr = full;
  const auto cut = static_cast<std::size_t>(3.0 * kDay / 60.0);  // before the failure
  tr.t_s.resize(cut);
  tr.air_c.resize(cut);
  tr.payload_c.clear();
  CalibrationOptions opt;
  opt.initial = start_params();
  opt.fit = default_fit(tr);
  const CalibrationResult res = calibrate_freezer(tr, opt);
  const CalibrationResult ref = calibrate_freezer(full, opt);
  std::printf("cycling only, air only: %s\n", res.message.c_str());
  EXPECT_TRUE(res.converged) << res.message;
  const FreezerParams truth = truth_params();
  ASSERT_EQ(res.fitted.size(), ref.fitted.size());
  for (std::size_t j = 0; j < res.fitted.size(); ++j) {
    const FittedParam& f = res.fitted[j];
    const double want = param_value(truth, f.param);
    std::printf("  %-22s error %+.3f%%  std error %.3f%% (full trace, air + payload: %.3f%%)\n",
                std::string(scenario_key(f.param)).c_str(), 100.0 * (f.value / want - 1.0),
                100.0 * f.std_error / want, 100.0 * ref.fitted[j].std_error / want);
    EXPECT_LT(std::abs(f.value - want), 4.0 * f.std_error) << scenario_key(f.param);
    EXPECT_GT(f.std_error, ref.fitted[j].std_error) << scenario_key(f.param);
    if (f.param == FreezerParam::payload_capacity) {
      EXPECT_GT(f.std_error, 10.0 * ref.fitted[j].std_error);
    }
  }
}

TEST(Calibration, FittingEverythingIsRejectedAsScaleInvariant) {
  const CalibrationTrace& tr = clean_trace();
  // The invariance itself: every capacity, conductance and Q_c x 1.7 gives the same
  // temperatures (the open loop is exact, so to rounding).
  FreezerParams scaled = truth_params();
  for (FreezerParam p :
       {FreezerParam::air_capacity, FreezerParam::payload_capacity, FreezerParam::ua_air_payload,
        FreezerParam::ua_wall, FreezerParam::ua_door, FreezerParam::cooling_power}) {
    set_param_value(scaled, p, 1.7 * param_value(scaled, p));
  }
  const auto a = simulate_open_loop(tr, truth_params());
  const auto b = simulate_open_loop(tr, scaled);
  for (std::size_t i = 0; i < a.first.size(); i += 97) {
    ASSERT_NEAR(a.first[i], b.first[i], 1e-9) << i;
    ASSERT_NEAR(a.second[i], b.second[i], 1e-9) << i;
  }

  CalibrationOptions opt;
  opt.initial = start_params();
  opt.fit = {FreezerParam::air_capacity,   FreezerParam::payload_capacity,
             FreezerParam::ua_air_payload, FreezerParam::ua_wall,
             FreezerParam::ua_door,        FreezerParam::cooling_power};
  try {
    calibrate_freezer(tr, opt);
    FAIL() << "fitting all six parameters must be rejected";
  } catch (const std::invalid_argument& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("not identifiable"), std::string::npos) << msg;
    EXPECT_NE(msg.find("same factor"), std::string::npos) << msg;
    EXPECT_NE(msg.find("cooling_power"), std::string::npos) << msg;
  }
  // Without door openings ua_door has no effect, so the other five are already the whole set.
  CalibrationTrace shut = tr;
  shut.door.clear();
  opt.fit = {FreezerParam::air_capacity, FreezerParam::payload_capacity,
             FreezerParam::ua_air_payload, FreezerParam::ua_wall, FreezerParam::cooling_power};
  EXPECT_THROW(calibrate_freezer(shut, opt), std::invalid_argument);
  // ... and asking for ua_door there names it.
  opt.fit = {FreezerParam::ua_wall, FreezerParam::ua_door};
  try {
    calibrate_freezer(shut, opt);
    FAIL() << "ua_door without door openings must be rejected";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("ua_door"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("trace.door"), std::string::npos) << e.what();
  }
  // A held cooling power of 0 W does not fix the scale either.
  opt.fit = default_fit(tr);
  opt.initial.cooling_power_w = 0.0;
  try {
    calibrate_freezer(tr, opt);
    FAIL() << "a held cooling power of 0 W must be rejected";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("0 W"), std::string::npos) << e.what();
  }
  opt.initial = start_params();
  // A parameter twice.
  opt.fit = {FreezerParam::ua_wall, FreezerParam::ua_wall};
  EXPECT_THROW(calibrate_freezer(tr, opt), std::invalid_argument);
  EXPECT_TRUE(default_fit(shut).size() == 4U);
}

TEST(Calibration, FlagsARankDeficientTrace) {
  // The freezer sits at its running equilibrium all the time: air = payload = T_amb - Q_c/UA_w.
  // Only UA_w shows in such data; the capacities and UA_ap have no effect on it.
  const FreezerParams truth = truth_params();
  const double eq = 20.0 - truth.cooling_power_w / truth.ua_wall_w_per_k;
  CalibrationTrace tr;
  for (int i = 0; i < 500; ++i) {
    tr.t_s.push_back(i * 60.0);
    tr.air_c.push_back(eq);
    tr.payload_c.push_back(eq);
  }
  tr.compressor = {{0.0, 1.0}};
  tr.ambient_c = {{0.0, 20.0}};
  CalibrationOptions opt;
  opt.initial = start_params();  // UA_w starts at the default 1.2 W/K, the truth is 1.5 W/K
  const CalibrationResult res = calibrate_freezer(tr, opt);
  std::printf("%s\n", res.message.c_str());
  EXPECT_FALSE(res.converged);
  EXPECT_NE(res.message.find("rank-deficient"), std::string::npos) << res.message;
  EXPECT_NE(res.message.find("air_heat_capacity"), std::string::npos) << res.message;
  EXPECT_NE(res.message.find("payload_heat_capacity"), std::string::npos) << res.message;
  EXPECT_NE(res.message.find("ua_air_payload"), std::string::npos) << res.message;
  ASSERT_EQ(res.fitted.size(), 4U);
  for (const FittedParam& f : res.fitted) EXPECT_TRUE(std::isinf(f.std_error));
  EXPECT_NEAR(res.params.ua_wall_w_per_k, truth.ua_wall_w_per_k, 1e-9);
}

// Expects std::invalid_argument whose message contains `field`, from both entry points.
void expect_rejected(const CalibrationTrace& tr, const std::string& field) {
  CalibrationOptions opt;
  for (int entry = 0; entry < 2; ++entry) {
    try {
      if (entry == 0) {
        simulate_open_loop(tr, opt.initial);
      } else {
        calibrate_freezer(tr, opt);
      }
      ADD_FAILURE() << "accepted a trace with a bad " << field;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(field), std::string::npos)
          << "message does not name " << field << ": " << e.what();
    }
  }
}

TEST(Calibration, RejectsBadTracesNamingTheField) {
  CalibrationTrace good;
  for (int i = 0; i < 50; ++i) {
    good.t_s.push_back(i * 60.0);
    good.air_c.push_back(-80.0 + 0.01 * i);
  }
  good.compressor = {{0.0, 0.0}, {120.0, 1.0}};
  good.ambient_c = {{0.0, 20.0}};
  ASSERT_NO_THROW(simulate_open_loop(good, FreezerParams{}));

  CalibrationTrace tr = good;
  std::swap(tr.t_s[10], tr.t_s[11]);
  expect_rejected(tr, "trace.t_s[11]");
  tr = good;
  tr.t_s[5] = tr.t_s[4];
  expect_rejected(tr, "trace.t_s[5]");
  tr = good;
  tr.air_c[7] = std::numeric_limits<double>::quiet_NaN();
  expect_rejected(tr, "trace.air_c[7]");
  tr = good;
  tr.payload_c.assign(49, -80.0);
  expect_rejected(tr, "trace.payload_c");
  tr = good;
  tr.payload_c.assign(50, -80.0);
  tr.payload_c[3] = std::numeric_limits<double>::infinity();
  expect_rejected(tr, "trace.payload_c[3]");
  tr = good;
  tr.air_c.pop_back();
  expect_rejected(tr, "trace.air_c");
  tr = good;
  tr.compressor.clear();
  expect_rejected(tr, "trace.compressor");
  tr = good;
  tr.compressor.front().first = 30.0;  // starts after the first sample
  expect_rejected(tr, "trace.compressor");
  tr = good;
  tr.compressor[1].second = 2.0;
  expect_rejected(tr, "trace.compressor[1]");
  tr = good;
  tr.ambient_c.clear();
  expect_rejected(tr, "trace.ambient_c");
  tr = good;
  tr.door = {{100.0, 1.0}, {50.0, 0.0}};
  expect_rejected(tr, "trace.door[1]");
  tr = good;
  tr.t_s.resize(1);
  tr.air_c.resize(1);
  expect_rejected(tr, "trace.t_s");

  // Enough samples for the simulation, too few for 4 parameters + 2 initial states.
  tr = good;
  tr.t_s.resize(5);
  tr.air_c.resize(5);
  CalibrationOptions opt;
  try {
    calibrate_freezer(tr, opt);
    ADD_FAILURE() << "5 samples for 6 unknowns accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("too few"), std::string::npos) << e.what();
  }
  opt.fit.clear();
  EXPECT_THROW(calibrate_freezer(good, opt), std::invalid_argument);
  opt = CalibrationOptions{};
  opt.initial.ua_wall_w_per_k = -1.0;
  EXPECT_THROW(calibrate_freezer(good, opt), std::invalid_argument);
}

}  // namespace
}  // namespace labtwin::twin
