#pragma once
/// @file Calibration of the freezer twin's thermal parameters from recorded telemetry by
/// Levenberg-Marquardt least squares on the open-loop model (recorded compressor, door and
/// ambient are inputs; the model is propagated exactly between input changes). Method,
/// identifiability and limits: docs/twins/calibration.md.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "labtwin/twin/freezer_model.hpp"

namespace labtwin::twin {

/// Piecewise-constant input: (time s, value) steps; value holds until the next step.
using StepSeries = std::vector<std::pair<double, double>>;

/// Recorded telemetry of one freezer: measured temperatures and the inputs that drove it.
struct CalibrationTrace {
  std::vector<double> t_s;        ///< sample times (s), strictly increasing
  std::vector<double> air_c;      ///< measured air temperature at t_s
  std::vector<double> payload_c;  ///< measured payload temperature at t_s (empty: not measured)
  StepSeries compressor;          ///< 1 = running, 0 = off (required, first step <= t_s[0])
  StepSeries door;                ///< 1 = open (empty: always shut)
  StepSeries ambient_c;           ///< room temperature (required)
};

/// A physical parameter of FreezerParams that calibration can fit.
enum class FreezerParam {
  air_capacity,      ///< FreezerParams::air_capacity_j_per_k (J/K)
  payload_capacity,  ///< FreezerParams::payload_capacity_j_per_k (J/K)
  ua_air_payload,    ///< FreezerParams::ua_air_payload_w_per_k (W/K)
  ua_wall,           ///< FreezerParams::ua_wall_w_per_k (W/K)
  ua_door,           ///< FreezerParams::ua_door_w_per_k (W/K)
  cooling_power      ///< FreezerParams::cooling_power_w (W)
};

/// The scenario key of a parameter under sites[].freezers[].model, e.g. "air_heat_capacity".
std::string_view scenario_key(FreezerParam p);

/// The value of parameter `p` in `params` (SI units: J/K, W/K or W).
double param_value(const FreezerParams& params, FreezerParam p);

/// Sets parameter `p` of `params` to `value` (SI units).
void set_param_value(FreezerParams& params, FreezerParam p, double value);

/// What calibration fits and where it starts.
struct CalibrationOptions {
  FreezerParams initial;  ///< starting point and the values of parameters not fitted
  /// Parameters to fit, at least one; never all that act on the trace (see default_fit()).
  std::vector<FreezerParam> fit = {FreezerParam::air_capacity, FreezerParam::payload_capacity,
                                   FreezerParam::ua_air_payload, FreezerParam::ua_wall};
  int max_iterations = 200;  ///< Levenberg-Marquardt iterations (Jacobian evaluations), >= 0
};

/// The recommended parameter set for a trace: the two capacities, UA_ap and UA_w, plus ua_door
/// when the door was open at least 3 times for 300 s in total; cooling_power is held.
std::vector<FreezerParam> default_fit(const CalibrationTrace& trace);

/// One fitted parameter with its standard error (SI units).
struct FittedParam {
  FreezerParam param;  ///< which parameter
  double value;        ///< fitted value
  double std_error;    ///< 1-sigma standard error (delta method); +inf when not identifiable
};

/// The outcome of calibrate_freezer().
struct CalibrationResult {
  FreezerParams params;                 ///< initial with the fitted values in place
  std::vector<FittedParam> fitted;      ///< in the order of options.fit
  double rms_k = 0, initial_rms_k = 0;  ///< RMS residual (K) after / before
  int iterations = 0;                   ///< iterations taken (Jacobian evaluations)
  bool converged = false;               ///< stopped on a tolerance with a full-rank Jacobian
  std::string message;                  ///< why it stopped, in words
  double initial_air_c = 0;             ///< fitted initial air temperature (nuisance state, C)
  double initial_payload_c = 0;         ///< fitted initial payload temperature (nuisance state, C)
};

/// Fits options.fit to the trace. Throws std::invalid_argument naming the field for an
/// unusable trace (too short, unsorted, NaN, no compressor input, unidentifiable parameter
/// set). A Jacobian found numerically rank-deficient gives converged = false, the parameters
/// concerned in `message` and an infinite std_error.
CalibrationResult calibrate_freezer(const CalibrationTrace& trace,
                                    const CalibrationOptions& options);

/// Simulates the open-loop model on the trace's inputs: air (and payload) at t_s. Used by the
/// fit and by tests. Initial state: air = air_c[0], payload = payload_c[0] if measured, else the
/// payload starts at air_c[0]. The payload vector is always filled (one value per sample).
std::pair<std::vector<double>, std::vector<double>> simulate_open_loop(
    const CalibrationTrace& trace, const FreezerParams& params);

}  // namespace labtwin::twin
