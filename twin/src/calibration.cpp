// Freezer twin calibration: exact open-loop simulation of the two-node model on recorded inputs
// and a small Levenberg-Marquardt fit of the logarithms of the chosen parameters.
#include "labtwin/twin/calibration.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "labtwin/twin/thermal.hpp"

namespace labtwin::twin {

namespace {

constexpr FreezerParam kAllParams[] = {FreezerParam::air_capacity,   FreezerParam::payload_capacity,
                                       FreezerParam::ua_air_payload, FreezerParam::ua_wall,
                                       FreezerParam::ua_door,        FreezerParam::cooling_power};

[[noreturn]] void fail(const std::string& what) {
  throw std::invalid_argument("calibrate_freezer: " + what);
}

std::string num(double v) {
  std::ostringstream os;
  os.precision(6);
  os << v;
  return os.str();
}

std::string at(const std::string& field, std::size_t i) {
  return field + "[" + std::to_string(i) + "]";
}

// The checks shared by every StepSeries: finite times in non-decreasing order, finite values.
void check_series(const StepSeries& s, const std::string& field) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (!std::isfinite(s[i].first)) fail(at(field, i) + " time is not finite");
    if (!std::isfinite(s[i].second)) fail(at(field, i) + " value is not finite");
    if (i > 0 && s[i].first < s[i - 1].first) {
      fail(at(field, i) + " time " + num(s[i].first) + " s is before the previous step's " +
           num(s[i - 1].first) + " s (steps must be in time order)");
    }
  }
}

// Which input a change applies to.
enum class Input : std::uint8_t { kCompressor, kDoor, kAmbient };

// One input change after the first sample.
struct Change {
  double t;
  Input input;
  double value;
};

// The value of a series at time t0 (the last step at or before t0), or `before` if none.
double value_at(const StepSeries& s, double t0, double before) {
  double v = before;
  for (const auto& [t, value] : s) {
    if (t > t0) break;
    v = value;
  }
  return v;
}

// Integral of a step series over [t0, t1] with `before` ahead of its first step.
double integral(const StepSeries& s, double t0, double t1, double before) {
  double total = 0.0;
  double v = value_at(s, t0, before);
  double t = t0;
  for (const auto& step : s) {
    if (step.first <= t0) continue;
    if (step.first >= t1) break;
    total += v * (step.first - t);
    t = step.first;
    v = step.second;
  }
  return total + v * (t1 - t);
}

// The two-node closed form of one door state on plain scalars: x - x_eq = V z, z(t) = z(0)
// exp(rate t), with exp(rate dt) cached for the last step length (samples are usually evenly
// spaced, so most steps between input changes reuse it).
class TwoNode {
  static_assert(FreezerModel::kAir == 0 && FreezerModel::kPayload == 1, "node order");

 public:
  TwoNode(const LinearThermalMode& mode, double cooling_power_w) {
    for (int i = 0; i < 2; ++i) {
      const auto si = static_cast<std::size_t>(i);
      rate_[si] = mode.rates()[si];
      // x_eq = T_amb + K^-1 q with q = (-c Q_c, 0): column kAir of K^-1 per unit compressor.
      shift_[si] = -cooling_power_w * mode.inverse_conductance(i, FreezerModel::kAir);
      for (int j = 0; j < 2; ++j) {
        v_[si][static_cast<std::size_t>(j)] = mode.eigenvector(i, j);
        v_inv_[si][static_cast<std::size_t>(j)] = mode.inverse_eigenvector(i, j);
      }
    }
  }

  // Equilibrium for room temperature `ambient` and compressor fraction `c`.
  void equilibrium(double ambient, double c, double eq[2]) const {
    eq[0] = ambient + c * shift_[0];
    eq[1] = ambient + c * shift_[1];
  }

  // x after dt seconds towards eq.
  void propagate(double x[2], const double eq[2], double dt) {
    if (dt != dt_) {
      dt_ = dt;
      f_[0] = std::exp(rate_[0] * dt);
      f_[1] = std::exp(rate_[1] * dt);
    }
    const double d0 = x[0] - eq[0];
    const double d1 = x[1] - eq[1];
    const double z0 = (v_inv_[0][0] * d0 + v_inv_[0][1] * d1) * f_[0];
    const double z1 = (v_inv_[1][0] * d0 + v_inv_[1][1] * d1) * f_[1];
    x[0] = eq[0] + v_[0][0] * z0 + v_[0][1] * z1;
    x[1] = eq[1] + v_[1][0] * z0 + v_[1][1] * z1;
  }

 private:
  double rate_[2]{};
  double shift_[2]{};
  double v_[2][2]{};      // V[node][mode]
  double v_inv_[2][2]{};  // V^-1[mode][node]
  double dt_ = -1.0;      // step length of the cached factors
  double f_[2]{};         // exp(rate dt_)
};

// The validated trace as a sample grid plus one time-ordered list of input changes, built once
// and replayed for every parameter set the fit tries.
class OpenLoop {
 public:
  explicit OpenLoop(const CalibrationTrace& trace) : t_(trace.t_s) {
    const std::size_t n = trace.t_s.size();
    if (n < 2) fail("trace.t_s has " + std::to_string(n) + " samples; at least 2 are needed");
    for (std::size_t i = 0; i < n; ++i) {
      if (!std::isfinite(trace.t_s[i])) fail(at("trace.t_s", i) + " is not finite");
      if (i > 0 && !(trace.t_s[i] > trace.t_s[i - 1])) {
        fail(at("trace.t_s", i) + " = " + num(trace.t_s[i]) + " s is not after " +
             at("trace.t_s", i - 1) + " = " + num(trace.t_s[i - 1]) +
             " s (sample times must be strictly increasing)");
      }
    }
    if (trace.air_c.size() != n) {
      fail("trace.air_c has " + std::to_string(trace.air_c.size()) + " values but trace.t_s has " +
           std::to_string(n));
    }
    for (std::size_t i = 0; i < n; ++i) {
      if (!std::isfinite(trace.air_c[i])) fail(at("trace.air_c", i) + " is not finite");
    }
    if (!trace.payload_c.empty()) {
      if (trace.payload_c.size() != n) {
        fail("trace.payload_c has " + std::to_string(trace.payload_c.size()) +
             " values but trace.t_s has " + std::to_string(n) +
             " (leave it empty if not measured)");
      }
      for (std::size_t i = 0; i < n; ++i) {
        if (!std::isfinite(trace.payload_c[i])) fail(at("trace.payload_c", i) + " is not finite");
      }
    }
    const double t0 = trace.t_s.front();
    if (trace.compressor.empty()) {
      fail("trace.compressor is empty: the recorded compressor on/off state is a required input");
    }
    check_series(trace.compressor, "trace.compressor");
    if (trace.compressor.front().first > t0) {
      fail("trace.compressor starts at " + num(trace.compressor.front().first) +
           " s, after the first sample at " + num(t0) + " s");
    }
    for (std::size_t i = 0; i < trace.compressor.size(); ++i) {
      const double v = trace.compressor[i].second;
      if (v < 0.0 || v > 1.0) {
        fail(at("trace.compressor", i) + " value " + num(v) + " is not in [0, 1]");
      }
    }
    check_series(trace.door, "trace.door");
    for (std::size_t i = 0; i < trace.door.size(); ++i) {
      const double v = trace.door[i].second;
      if (v != 0.0 && v != 1.0) fail(at("trace.door", i) + " value " + num(v) + " is not 0 or 1");
    }
    if (trace.ambient_c.empty()) fail("trace.ambient_c is empty: room temperature is required");
    check_series(trace.ambient_c, "trace.ambient_c");
    if (trace.ambient_c.front().first > t0) {
      fail("trace.ambient_c starts at " + num(trace.ambient_c.front().first) +
           " s, after the first sample at " + num(t0) + " s");
    }

    compressor0_ = value_at(trace.compressor, t0, 0.0);
    door0_ = value_at(trace.door, t0, 0.0) != 0.0;
    ambient0_ = value_at(trace.ambient_c, t0, 0.0);
    const double t_end = trace.t_s.back();
    // Merge the three series into one list of changes in (0, t_end); a stable sort keeps each
    // series' own order for steps at equal times (the later one wins).
    const auto add = [&](const StepSeries& s, Input input) {
      for (const auto& [t, v] : s) {
        if (t > t0 && t < t_end) changes_.push_back(Change{t, input, v});
      }
    };
    add(trace.compressor, Input::kCompressor);
    add(trace.door, Input::kDoor);
    add(trace.ambient_c, Input::kAmbient);
    std::stable_sort(changes_.begin(), changes_.end(),
                     [](const Change& a, const Change& b) { return a.t < b.t; });
    door_open_s_ = integral(trace.door, t0, t_end, 0.0);
    compressor_on_s_ = integral(trace.compressor, t0, t_end, 0.0);
    for (std::size_t i = 0; i < trace.door.size(); ++i) {
      const bool opens =
          trace.door[i].second != 0.0 && (i == 0 ? true : trace.door[i - 1].second == 0.0);
      if (opens && trace.door[i].first < t_end) ++door_openings_;
    }
  }

  std::size_t samples() const { return t_.size(); }
  double door_open_s() const { return door_open_s_; }
  int door_openings() const { return door_openings_; }
  double compressor_on_s() const { return compressor_on_s_; }

  // Air and payload at every sample from the initial state (air0, payload0). Throws
  // std::invalid_argument (from FreezerParams / ThermalNetwork) on invalid parameters.
  void run(const FreezerParams& p, double air0, double payload0, double* air,
           double* payload) const {
    p.validate();
    TwoNode modes[2] = {TwoNode(LinearThermalMode(freezer_network(p, false)), p.cooling_power_w),
                        TwoNode(LinearThermalMode(freezer_network(p, true)), p.cooling_power_w)};
    double compressor = compressor0_;
    int door = door0_ ? 1 : 0;
    double ambient = ambient0_;
    double x[2] = {air0, payload0};
    double eq[2];
    modes[door].equilibrium(ambient, compressor, eq);
    double t = t_.front();
    air[0] = air0;
    payload[0] = payload0;
    std::size_t ci = 0;
    for (std::size_t k = 1; k < t_.size(); ++k) {
      // Every change strictly before the sample: propagate to it, then switch the inputs.
      while (ci < changes_.size() && changes_[ci].t < t_[k]) {
        const double tc = changes_[ci].t;
        modes[door].propagate(x, eq, tc - t);
        t = tc;
        for (; ci < changes_.size() && changes_[ci].t == tc; ++ci) {
          const Change& c = changes_[ci];
          switch (c.input) {
            case Input::kCompressor:
              compressor = c.value;
              break;
            case Input::kDoor:
              door = c.value != 0.0 ? 1 : 0;
              break;
            case Input::kAmbient:
              ambient = c.value;
              break;
          }
        }
        modes[door].equilibrium(ambient, compressor, eq);
      }
      modes[door].propagate(x, eq, t_[k] - t);
      t = t_[k];
      air[k] = x[0];
      payload[k] = x[1];
    }
  }

 private:
  std::vector<double> t_;
  std::vector<Change> changes_;
  double compressor0_ = 0.0;
  bool door0_ = false;
  double ambient0_ = 0.0;
  double door_open_s_ = 0.0;
  double compressor_on_s_ = 0.0;
  int door_openings_ = 0;
};

// The least-squares problem: theta = (log of each fitted parameter, initial air, initial
// payload); residuals = simulated - measured air, then payload when measured.
class Problem {
 public:
  Problem(const CalibrationTrace& trace, const OpenLoop& model, const CalibrationOptions& options)
      : trace_(trace),
        model_(model),
        base_(options.initial),
        fit_(options.fit),
        air_(model.samples()),
        payload_(model.samples()) {}

  Eigen::Index parameters() const { return static_cast<Eigen::Index>(fit_.size()) + 2; }
  Eigen::Index residuals() const {
    const auto n = static_cast<Eigen::Index>(model_.samples());
    return trace_.payload_c.empty() ? n : 2 * n;
  }

  Eigen::VectorXd start() const {
    Eigen::VectorXd theta(parameters());
    for (std::size_t j = 0; j < fit_.size(); ++j) {
      theta(static_cast<Eigen::Index>(j)) = std::log(param_value(base_, fit_[j]));
    }
    const double air0 = trace_.air_c.front();
    theta(parameters() - 2) = air0;
    theta(parameters() - 1) = trace_.payload_c.empty() ? air0 : trace_.payload_c.front();
    return theta;
  }

  FreezerParams params(const Eigen::VectorXd& theta) const {
    FreezerParams p = base_;
    for (std::size_t j = 0; j < fit_.size(); ++j) {
      set_param_value(p, fit_[j], std::exp(theta(static_cast<Eigen::Index>(j))));
    }
    return p;
  }

  // r(theta); false if the parameters are unusable (invalid or non-finite results).
  bool residual(const Eigen::VectorXd& theta, Eigen::VectorXd& r) {
    try {
      model_.run(params(theta), theta(parameters() - 2), theta(parameters() - 1), air_.data(),
                 payload_.data());
    } catch (const std::invalid_argument&) {
      return false;
    }
    const std::size_t n = model_.samples();
    r.resize(residuals());
    for (std::size_t i = 0; i < n; ++i) {
      r(static_cast<Eigen::Index>(i)) = air_[i] - trace_.air_c[i];
    }
    if (!trace_.payload_c.empty()) {
      for (std::size_t i = 0; i < n; ++i) {
        r(static_cast<Eigen::Index>(n + i)) = payload_[i] - trace_.payload_c[i];
      }
    }
    return r.allFinite();
  }

  // Forward-difference Jacobian at theta (r0 = r(theta)). The model is exact and smooth in
  // theta, so a step of 1e-7 in a logarithm (a relative change of 1e-7) leaves a truncation
  // error ~1e-7 relative and a rounding error ~1e-16 / 1e-7 ~ 1e-9 relative; the initial
  // states enter linearly, so their step size only matters for rounding.
  bool jacobian(const Eigen::VectorXd& theta, const Eigen::VectorXd& r0, Eigen::MatrixXd& jac) {
    jac.resize(residuals(), parameters());
    Eigen::VectorXd shifted = theta;
    for (Eigen::Index j = 0; j < parameters(); ++j) {
      const double h = j < parameters() - 2 ? 1e-7 : 1e-3;
      shifted(j) = theta(j) + h;
      if (!residual(shifted, scratch_)) return false;
      jac.col(j) = (scratch_ - r0) / (shifted(j) - theta(j));
      shifted(j) = theta(j);
    }
    return true;
  }

 private:
  const CalibrationTrace& trace_;
  const OpenLoop& model_;
  FreezerParams base_;
  std::vector<FreezerParam> fit_;
  std::vector<double> air_;
  std::vector<double> payload_;
  Eigen::VectorXd scratch_;
};

// Rejects parameter sets that no data can determine, before any arithmetic (see the doc's
// identifiability section).
void check_identifiable(const std::vector<FreezerParam>& fit, const FreezerParams& initial,
                        const OpenLoop& model) {
  if (fit.empty()) fail("options.fit is empty: name at least one parameter to fit");
  bool in_fit[6] = {};
  for (FreezerParam p : fit) {
    const auto i = static_cast<std::size_t>(p);
    if (i >= 6) fail("options.fit holds an unknown parameter");
    if (in_fit[i]) fail("options.fit names " + std::string(scenario_key(p)) + " twice");
    in_fit[i] = true;
  }
  const bool door_acts = model.door_open_s() > 0.0;
  const bool compressor_acts = model.compressor_on_s() > 0.0;
  if (in_fit[static_cast<std::size_t>(FreezerParam::ua_door)] && !door_acts) {
    fail(
        "options.fit: ua_door cannot be fitted because trace.door is never open between the "
        "first and the last sample (it has no effect on the temperatures)");
  }
  if (in_fit[static_cast<std::size_t>(FreezerParam::cooling_power)] && !compressor_acts) {
    fail(
        "options.fit: cooling_power cannot be fitted because trace.compressor never runs "
        "between the first and the last sample (it has no effect on the temperatures)");
  }
  // Scale invariance: multiplying every capacity, conductance and Q_c by one factor leaves the
  // temperatures unchanged; only a held, non-zero parameter that acts on this trace fixes the
  // scale (a held ua_door or cooling_power of 0 scales along with everything else).
  bool scale_fixed = false;
  for (FreezerParam p : kAllParams) {
    const bool acts =
        param_value(initial, p) > 0.0 && ((p == FreezerParam::ua_door)         ? door_acts
                                          : (p == FreezerParam::cooling_power) ? compressor_acts
                                                                               : true);
    if (acts && !in_fit[static_cast<std::size_t>(p)]) scale_fixed = true;
  }
  if (!scale_fixed) {
    const std::string held =
        !compressor_acts ? "one of them (the compressor never runs in this trace, so "
                           "cooling_power cannot set the scale)"
        : in_fit[static_cast<std::size_t>(FreezerParam::cooling_power)]
            ? "cooling_power (from the data sheet)"
            : "cooling_power at its data-sheet value (options.initial has 0 W)";
    fail(
        "options.fit is not identifiable: scaling every heat capacity, conductance and the "
        "cooling power by the same factor leaves the temperatures unchanged, so at least one "
        "of them must be held fixed; hold " +
        held);
  }
}

}  // namespace

std::string_view scenario_key(FreezerParam p) {
  switch (p) {
    case FreezerParam::air_capacity:
      return "air_heat_capacity";
    case FreezerParam::payload_capacity:
      return "payload_heat_capacity";
    case FreezerParam::ua_air_payload:
      return "ua_air_payload";
    case FreezerParam::ua_wall:
      return "ua_walls";
    case FreezerParam::ua_door:
      return "ua_door";
    case FreezerParam::cooling_power:
      return "cooling_power";
  }
  return "unknown";
}

double param_value(const FreezerParams& params, FreezerParam p) {
  switch (p) {
    case FreezerParam::air_capacity:
      return params.air_capacity_j_per_k;
    case FreezerParam::payload_capacity:
      return params.payload_capacity_j_per_k;
    case FreezerParam::ua_air_payload:
      return params.ua_air_payload_w_per_k;
    case FreezerParam::ua_wall:
      return params.ua_wall_w_per_k;
    case FreezerParam::ua_door:
      return params.ua_door_w_per_k;
    case FreezerParam::cooling_power:
      return params.cooling_power_w;
  }
  throw std::invalid_argument("param_value: unknown FreezerParam");
}

void set_param_value(FreezerParams& params, FreezerParam p, double value) {
  switch (p) {
    case FreezerParam::air_capacity:
      params.air_capacity_j_per_k = value;
      return;
    case FreezerParam::payload_capacity:
      params.payload_capacity_j_per_k = value;
      return;
    case FreezerParam::ua_air_payload:
      params.ua_air_payload_w_per_k = value;
      return;
    case FreezerParam::ua_wall:
      params.ua_wall_w_per_k = value;
      return;
    case FreezerParam::ua_door:
      params.ua_door_w_per_k = value;
      return;
    case FreezerParam::cooling_power:
      params.cooling_power_w = value;
      return;
  }
  throw std::invalid_argument("set_param_value: unknown FreezerParam");
}

std::vector<FreezerParam> default_fit(const CalibrationTrace& trace) {
  std::vector<FreezerParam> fit = {FreezerParam::air_capacity, FreezerParam::payload_capacity,
                                   FreezerParam::ua_air_payload, FreezerParam::ua_wall};
  const OpenLoop model(trace);
  if (model.door_openings() >= 3 && model.door_open_s() >= 300.0) {
    fit.push_back(FreezerParam::ua_door);
  }
  return fit;
}

std::pair<std::vector<double>, std::vector<double>> simulate_open_loop(
    const CalibrationTrace& trace, const FreezerParams& params) {
  const OpenLoop model(trace);
  std::pair<std::vector<double>, std::vector<double>> out;
  out.first.assign(model.samples(), 0.0);
  out.second.assign(model.samples(), 0.0);
  const double air0 = trace.air_c.front();
  const double payload0 = trace.payload_c.empty() ? air0 : trace.payload_c.front();
  model.run(params, air0, payload0, out.first.data(), out.second.data());
  return out;
}

CalibrationResult calibrate_freezer(const CalibrationTrace& trace,
                                    const CalibrationOptions& options) {
  const OpenLoop model(trace);
  check_identifiable(options.fit, options.initial, model);
  options.initial.validate();
  if (options.max_iterations < 0) {
    fail("options.max_iterations must be >= 0, got " + std::to_string(options.max_iterations));
  }
  for (FreezerParam p : options.fit) {
    if (!(param_value(options.initial, p) > 0.0)) {
      fail("options.initial: " + std::string(scenario_key(p)) +
           " must be > 0 to be fitted (the fit works on its logarithm), got " +
           num(param_value(options.initial, p)));
    }
  }
  Problem problem(trace, model, options);
  const Eigen::Index n = problem.parameters();
  const Eigen::Index m = problem.residuals();
  if (m <= n) {
    fail("trace.t_s has " + std::to_string(model.samples()) + " samples, too few for " +
         std::to_string(n) + " unknowns (" + std::to_string(options.fit.size()) +
         " parameters + 2 initial temperatures)");
  }

  Eigen::VectorXd theta = problem.start();
  Eigen::VectorXd r;
  if (!problem.residual(theta, r)) fail("options.initial gives non-finite temperatures");
  double ssr = r.squaredNorm();

  CalibrationResult res;
  res.initial_rms_k = std::sqrt(ssr / static_cast<double>(m));

  // Levenberg-Marquardt with Marquardt's diagonal scaling and Nielsen's damping update
  // (Madsen, Nielsen & Tingleff, "Methods for non-linear least squares problems", 2004, 3.2).
  Eigen::MatrixXd jac;
  Eigen::VectorXd trial_theta(n);
  Eigen::VectorXd trial_r;
  double mu = -1.0;
  double nu = 2.0;
  std::string why = "reached max_iterations = " + std::to_string(options.max_iterations);
  bool stopped_on_tolerance = false;
  for (int iter = 0; iter < options.max_iterations; ++iter) {
    if (!problem.jacobian(theta, r, jac)) {
      why = "the Jacobian could not be evaluated (parameters left the valid range)";
      break;
    }
    res.iterations = iter + 1;
    const Eigen::MatrixXd a = jac.transpose() * jac;
    const Eigen::VectorXd g = jac.transpose() * r;
    if (g.lpNorm<Eigen::Infinity>() == 0.0) {
      stopped_on_tolerance = true;
      why = "the gradient is exactly zero";
      break;
    }
    // Marquardt scaling by diag(J^T J), floored so that a parameter with no effect still gets
    // a positive damping term (its step is then zero, as its gradient is).
    const Eigen::VectorXd d = a.diagonal().cwiseMax(1e-15 * a.diagonal().maxCoeff());
    if (mu < 0.0) mu = 1e-3;
    bool accepted = false;
    bool small_step = false;
    for (int attempt = 0; attempt < 60 && !accepted; ++attempt) {
      Eigen::MatrixXd damped = a;
      damped.diagonal() += mu * d;
      const Eigen::VectorXd step = damped.ldlt().solve(-g);
      if (!step.allFinite()) {
        mu *= nu;
        nu *= 2.0;
        continue;
      }
      // Relative step in theta: logs are relative changes, initial states are in K (~1e2).
      if (step.lpNorm<Eigen::Infinity>() <= 1e-10 * (1.0 + theta.lpNorm<Eigen::Infinity>())) {
        small_step = true;
        break;
      }
      trial_theta = theta + step;
      const double predicted = -(step.dot(g) + 0.5 * step.dot(a * step));
      double rho = -1.0;
      double trial_ssr = HUGE_VAL;
      if (problem.residual(trial_theta, trial_r)) {
        trial_ssr = trial_r.squaredNorm();
        rho = predicted > 0.0 ? 0.5 * (ssr - trial_ssr) / predicted : -1.0;
      }
      if (rho > 0.0) {
        const double reduction = ssr - trial_ssr;
        theta = trial_theta;
        r.swap(trial_r);
        ssr = trial_ssr;
        accepted = true;
        mu *= std::max(1.0 / 3.0, 1.0 - std::pow(2.0 * rho - 1.0, 3));
        nu = 2.0;
        if (reduction <= 1e-12 * ssr && predicted <= 1e-12 * ssr) {
          stopped_on_tolerance = true;
          why = "the sum of squares changed by less than 1e-12 relative";
        }
      } else {
        mu *= nu;
        nu *= 2.0;
      }
    }
    if (small_step) {
      stopped_on_tolerance = true;
      why = "the step fell below 1e-10 relative";
      break;
    }
    if (stopped_on_tolerance) break;
    if (!accepted) {
      why = "no step reduced the sum of squares (damping exhausted)";
      break;
    }
  }
  // The Jacobian at the final point, for the error estimate and the rank check.
  if (!problem.jacobian(theta, r, jac)) fail("the Jacobian could not be evaluated at the solution");

  res.params = problem.params(theta);
  res.rms_k = std::sqrt(ssr / static_cast<double>(m));
  res.initial_air_c = theta(n - 2);
  res.initial_payload_c = theta(n - 1);

  // Identifiability at the solution: SVD of the column-normalised Jacobian. A relative singular
  // value below 1e-8 means some combination of parameters moves the residual by less than
  // rounding: those parameters are reported and get an infinite standard error.
  Eigen::VectorXd norms = jac.colwise().norm().transpose();
  Eigen::MatrixXd scaled = jac;
  for (Eigen::Index j = 0; j < n; ++j) {
    if (norms(j) > 1e-8 * norms.maxCoeff()) {
      scaled.col(j) /= norms(j);
    } else {
      scaled.col(j).setZero();
    }
  }
  const Eigen::JacobiSVD<Eigen::MatrixXd> svd(scaled, Eigen::ComputeThinV);
  const Eigen::VectorXd& sv = svd.singularValues();
  const double s_max = sv(0);
  std::vector<bool> deficient(static_cast<std::size_t>(n), false);
  bool rank_deficient = false;
  const double norm_max = norms.maxCoeff();
  for (Eigen::Index k = 0; k < n; ++k) {
    // A column ~1e-8 of the largest is finite-difference rounding, not information.
    if (!(norms(k) > 1e-8 * norm_max)) {
      deficient[static_cast<std::size_t>(k)] = true;
      rank_deficient = true;
    }
    if (!(sv(k) > 1e-8 * s_max)) {
      rank_deficient = true;
      for (Eigen::Index j = 0; j < n; ++j) {
        if (std::abs(svd.matrixV()(j, k)) > 0.1) deficient[static_cast<std::size_t>(j)] = true;
      }
    }
  }
  // Covariance of theta = s^2 (J^T J)^-1 = s^2 D^-1 V S^-2 V^T D^-1 (D: column norms), with
  // s^2 = SSR / (m - n); a fitted value's error follows by the delta method: sigma_p = p
  // sigma_log p.
  const double s2 = ssr / static_cast<double>(m - n);
  const Eigen::MatrixXd& v = svd.matrixV();
  for (std::size_t j = 0; j < options.fit.size(); ++j) {
    const auto jj = static_cast<Eigen::Index>(j);
    const double value = param_value(res.params, options.fit[j]);
    double se = std::numeric_limits<double>::infinity();
    if (!rank_deficient) {
      double var = 0.0;
      for (Eigen::Index k = 0; k < n; ++k) var += v(jj, k) * v(jj, k) / (sv(k) * sv(k));
      se = value * std::sqrt(s2 * var) / norms(jj);
    }
    res.fitted.push_back(FittedParam{options.fit[j], value, se});
  }

  std::ostringstream msg;
  if (rank_deficient) {
    res.converged = false;
    msg << "rank-deficient: the trace does not determine";
    const char* sep = " ";
    for (std::size_t j = 0; j < options.fit.size(); ++j) {
      if (deficient[j]) {
        msg << sep << scenario_key(options.fit[j]);
        sep = ", ";
      }
    }
    if (deficient[static_cast<std::size_t>(n - 2)]) msg << sep << "the initial air temperature";
    if (deficient[static_cast<std::size_t>(n - 1)]) {
      msg << sep << "the initial payload temperature";
    }
    if (sv(n - 1) > 0.0) {
      msg << " (Jacobian condition number " << num(s_max / sv(n - 1)) << ")";
    } else {
      msg << " (no effect on the residuals)";
    }
    msg << "; their values are not estimates. Stopped: " << why;
  } else {
    res.converged = stopped_on_tolerance;
    msg << (res.converged ? "converged: " : "not converged: ") << why;
  }
  msg << "; " << res.iterations << " iterations, RMS residual " << num(res.rms_k) << " K (initial "
      << num(res.initial_rms_k) << " K) over " << m << " residuals";
  res.message = msg.str();
  return res;
}

}  // namespace labtwin::twin
