// The ULT freezer state machine on top of the exact two-node thermal solution.
#include <array>
#include <cmath>
#include <stdexcept>
#include <string>
#include <utility>

#include "labtwin/twin/freezer_model.hpp"

namespace labtwin::twin {

namespace {

void require(bool ok, const std::string& field, const std::string& rule, double value) {
  if (!ok) {
    throw std::invalid_argument("FreezerParams." + field + " must be " + rule + ", got " +
                                std::to_string(value));
  }
}

}  // namespace

ThermalNetwork freezer_network(const FreezerParams& p, bool door_open) {
  p.validate();
  ThermalNetwork net;
  net.nodes = 2;
  net.capacity[FreezerModel::kAir] = p.air_capacity_j_per_k;
  net.capacity[FreezerModel::kPayload] = p.payload_capacity_j_per_k;
  net.ambient_conductance[FreezerModel::kAir] =
      p.ua_wall_w_per_k + (door_open ? p.ua_door_w_per_k : 0.0);
  net.connect(FreezerModel::kAir, FreezerModel::kPayload, p.ua_air_payload_w_per_k);
  return net;
}

std::vector<DamageLimit> default_damage_limits() {
  return {{"minus80_biobank", -60.0}, {"minus20_reagents", -15.0}};
}

void FreezerParams::validate() const {
  const auto pos = [](double v) { return std::isfinite(v) && v > 0.0; };
  const auto nonneg = [](double v) { return std::isfinite(v) && v >= 0.0; };
  const auto fin = [](double v) { return std::isfinite(v); };
  require(pos(air_capacity_j_per_k), "air_capacity_j_per_k", "finite and > 0",
          air_capacity_j_per_k);
  require(pos(payload_capacity_j_per_k), "payload_capacity_j_per_k", "finite and > 0",
          payload_capacity_j_per_k);
  require(pos(ua_air_payload_w_per_k), "ua_air_payload_w_per_k", "finite and > 0",
          ua_air_payload_w_per_k);
  require(pos(ua_wall_w_per_k), "ua_wall_w_per_k", "finite and > 0", ua_wall_w_per_k);
  require(nonneg(ua_door_w_per_k), "ua_door_w_per_k", "finite and >= 0", ua_door_w_per_k);
  require(nonneg(cooling_power_w), "cooling_power_w", "finite and >= 0", cooling_power_w);
  require(nonneg(electrical_power_w), "electrical_power_w", "finite and >= 0", electrical_power_w);
  require(fin(setpoint_c), "setpoint_c", "finite", setpoint_c);
  require(pos(hysteresis_k), "hysteresis_k", "finite and > 0", hysteresis_k);
  require(fin(alarm_high_c), "alarm_high_c", "finite", alarm_high_c);
  require(fin(ambient_c), "ambient_c", "finite", ambient_c);
  for (std::size_t i = 0; i < damage_limits.size(); ++i) {
    require(fin(damage_limits[i].payload_limit_c),
            "damage_limits[" + std::to_string(i) + "] (" + damage_limits[i].storage_class +
                ").payload_limit_c",
            "finite", damage_limits[i].payload_limit_c);
  }
}

std::string_view to_string(FreezerEventKind kind) {
  switch (kind) {
    case FreezerEventKind::kThermostatOn:
      return "thermostat_on";
    case FreezerEventKind::kThermostatOff:
      return "thermostat_off";
    case FreezerEventKind::kAlarmHigh:
      return "alarm_high";
    case FreezerEventKind::kAlarmClear:
      return "alarm_clear";
    case FreezerEventKind::kDamageLimit:
      return "damage_limit";
    case FreezerEventKind::kDamageRecovered:
      return "damage_recovered";
  }
  return "unknown";
}

FreezerModel::FreezerModel(FreezerParams params, double start_time)
    : now_(start_time),
      damaged_(params.damage_limits.size(), 0),
      params_(std::move(params)),
      closed_(freezer_network(params_, false)),
      open_(freezer_network(params_, true)),
      start_(start_time),
      ambient_c_(params_.ambient_c) {
  if (!std::isfinite(start_time)) {
    throw std::invalid_argument("FreezerModel: start_time must be finite");
  }
  closed2_ = two_node(closed_, params_.cooling_power_w);
  open2_ = two_node(open_, params_.cooling_power_w);
  recompute_equilibria();
  set_temperatures(params_.setpoint_c, params_.setpoint_c);
}

FreezerModel::TwoNodeMode FreezerModel::two_node(const LinearThermalMode& mode,
                                                 double cooling_power_w) {
  TwoNodeMode m{};
  for (int i = 0; i < 2; ++i) {
    const auto si = static_cast<std::size_t>(i);
    m.rate[si] = mode.rates()[si];
    // x_eq = T_amb + K^-1 q with q = (-Q_c, 0): only column kAir of K^-1 contributes.
    m.eq_shift[si] = mode.inverse_conductance(i, kAir) * -cooling_power_w;
    for (int j = 0; j < 2; ++j) {
      m.v[si][static_cast<std::size_t>(j)] = mode.eigenvector(i, j);
      m.v_inv[si][static_cast<std::size_t>(j)] = mode.inverse_eigenvector(i, j);
    }
  }
  return m;
}

void FreezerModel::recompute_equilibria() {
  // K 1 = g makes the no-load equilibrium exactly T_amb; with the compressor running it is
  // shifted by the precomputed K^-1 q (same values LinearThermalMode::equilibrium gives).
  const TwoNodeMode* modes[2] = {&closed2_, &open2_};
  for (int door = 0; door < 2; ++door) {
    const TwoNodeMode& m = *modes[door];
    NodeVector& off = eq_[door * 2];
    NodeVector& on = eq_[door * 2 + 1];
    off = NodeVector{};
    on = NodeVector{};
    off[kAir] = ambient_c_;
    off[kPayload] = ambient_c_;
    on[kAir] = ambient_c_ + m.eq_shift[kAir];
    on[kPayload] = ambient_c_ + m.eq_shift[kPayload];
  }
}

const NodeVector& FreezerModel::equilibrium() const {
  return eq_[(door_open_ ? 2 : 0) + (compressor_on() ? 1 : 0)];
}

NodeVector FreezerModel::heat_input() const {
  NodeVector q{};
  if (compressor_on()) q[kAir] = -params_.cooling_power_w;
  return q;
}

double FreezerModel::duty_cycle() const {
  const double elapsed = now_ - start_;
  return elapsed > 0.0 ? on_time_ / elapsed : 0.0;
}

ExpSum FreezerModel::trajectory(int node) const {
  return current_mode().trajectory(x_, equilibrium(), node);
}

void FreezerModel::set_temperatures(double air_c, double payload_c) {
  if (!std::isfinite(air_c) || !std::isfinite(payload_c)) {
    throw std::invalid_argument("FreezerModel::set_temperatures: temperatures must be finite");
  }
  x_[kAir] = air_c;
  x_[kPayload] = payload_c;
  // Inside the band the thermostat state is ambiguous; call for cooling above the setpoint.
  if (air_c >= thermostat_on_c()) {
    demand_ = true;
  } else if (air_c <= thermostat_off_c()) {
    demand_ = false;
  } else {
    demand_ = air_c > params_.setpoint_c;
  }
  alarm_ = air_c > params_.alarm_high_c;
  for (std::size_t i = 0; i < damaged_.size(); ++i) {
    damaged_[i] = payload_c > params_.damage_limits[i].payload_limit_c ? 1 : 0;
  }
  invalidate();
}

void FreezerModel::set_door(bool open) {
  if (open != door_open_) {
    door_open_ = open;
    invalidate();
  }
}

void FreezerModel::set_power(bool ok) {
  if (ok != power_ok_) {
    power_ok_ = ok;
    invalidate();
  }
}

void FreezerModel::fail_compressor() {
  if (!compressor_failed_) {
    compressor_failed_ = true;
    invalidate();
  }
}

void FreezerModel::repair_compressor() {
  if (compressor_failed_) {
    compressor_failed_ = false;
    invalidate();
  }
}

void FreezerModel::set_ambient(double ambient_c) {
  if (!std::isfinite(ambient_c)) {
    throw std::invalid_argument("FreezerModel::set_ambient: ambient temperature must be finite");
  }
  if (ambient_c != ambient_c_) {
    ambient_c_ = ambient_c;
    recompute_equilibria();
    invalidate();
  }
}

void FreezerModel::search(double horizon) {
  const TwoNodeMode& m = mode2();
  const NodeVector& eq = equilibrium();
  // Modal amplitudes z = V^-1 (x - x_eq); each node is x_eq + sum_i V[node][i] z_i e^{r_i t}.
  const double d_air = x_[kAir] - eq[kAir];
  const double d_pay = x_[kPayload] - eq[kPayload];
  const double z0 = m.v_inv[0][0] * d_air + m.v_inv[0][1] * d_pay;
  const double z1 = m.v_inv[1][0] * d_air + m.v_inv[1][1] * d_pay;
  ExpSum air;
  air.terms = 2;
  air.constant = eq[kAir];
  air.coef[0] = m.v[kAir][0] * z0;
  air.coef[1] = m.v[kAir][1] * z1;
  air.rate[0] = m.rate[0];
  air.rate[1] = m.rate[1];

  std::optional<FreezerEvent> best;
  double h = horizon;
  // Once the thermostat bounds the horizon, exp(rate * h) is shared by every other candidate:
  // each term is monotone, so on [0, h] it lies between its two end values, and a level outside
  // the resulting range is never reached (no further exponentials needed).
  bool have_bound = false;
  double end_factor[2] = {0.0, 0.0};
  const auto consider = [&](const ExpSum& f, double level, bool active, FreezerEventKind rise,
                            FreezerEventKind fall, int index) {
    // An active condition can only end by a downward crossing, an inactive one only start by
    // an upward one; the direction filter also keeps a just-applied event from re-firing.
    if (have_bound) {
      double hi = f.constant - level;
      double lo = hi;
      for (int i = 0; i < 2; ++i) {
        const auto si = static_cast<std::size_t>(i);
        const double end = f.coef[si] * end_factor[si];
        hi += std::max(f.coef[si], end);
        lo += std::min(f.coef[si], end);
      }
      if (active ? lo > 0.0 : hi < 0.0) return;
    }
    const auto dir = active ? CrossingDirection::kFalling : CrossingDirection::kRising;
    const auto t = first_crossing(f, level, dir, h);
    if (t && (!best || *t < h)) {
      h = *t;
      best = FreezerEvent{now_ + *t, active ? fall : rise, index};
    }
  };
  consider(air, demand_ ? thermostat_off_c() : thermostat_on_c(), demand_,
           FreezerEventKind::kThermostatOn, FreezerEventKind::kThermostatOff, -1);
  step_valid_ = false;
  if (std::isfinite(h)) {
    // expm1 at the step advance_to() will take to this event (the same dt it computes), kept
    // for that propagation; its +1 is the end factor of the bound.
    const double dt = (now_ + h) - now_;
    step_dt_ = dt;
    step_z_[0] = z0;
    step_z_[1] = z1;
    for (int i = 0; i < 2; ++i) {
      const auto si = static_cast<std::size_t>(i);
      step_em_[si] = std::expm1(m.rate[si] * dt);
      end_factor[si] = step_em_[si] + 1.0;
    }
    step_valid_ = true;
    have_bound = true;
  }
  consider(air, params_.alarm_high_c, alarm_, FreezerEventKind::kAlarmHigh,
           FreezerEventKind::kAlarmClear, -1);
  if (!damaged_.empty()) {
    ExpSum payload = air;
    payload.constant = eq[kPayload];
    payload.coef[0] = m.v[kPayload][0] * z0;
    payload.coef[1] = m.v[kPayload][1] * z1;
    for (std::size_t i = 0; i < damaged_.size(); ++i) {
      consider(payload, params_.damage_limits[i].payload_limit_c, damaged_[i] != 0,
               FreezerEventKind::kDamageLimit, FreezerEventKind::kDamageRecovered,
               static_cast<int>(i));
    }
  }
  pending_ = best;
  pending_until_ = now_ + horizon;
  pending_valid_ = true;
}

std::optional<FreezerEvent> FreezerModel::next_event(double horizon) {
  if (!(horizon >= 0.0)) {
    throw std::invalid_argument("FreezerModel::next_event: horizon must be >= 0 s, got " +
                                std::to_string(horizon));
  }
  lookahead_ = horizon;
  const double until = now_ + horizon;
  if (!pending_valid_ || (!pending_ && pending_until_ < until)) search(horizon);
  if (pending_ && pending_->time <= until) return pending_;
  return std::nullopt;
}

void FreezerModel::propagate_to(double t) {
  const double dt = t - now_;
  if (dt <= 0.0) return;
  const TwoNodeMode& m = mode2();
  const NodeVector& eq = equilibrium();
  double z[2];
  double em[2];
  if (step_valid_ && dt == step_dt_) {
    // The step the last search prepared: same state, same dt, so reuse its exponentials.
    for (int i = 0; i < 2; ++i) {
      z[i] = step_z_[i];
      em[i] = step_em_[i];
    }
  } else {
    const double d_air = x_[kAir] - eq[kAir];
    const double d_pay = x_[kPayload] - eq[kPayload];
    z[0] = m.v_inv[0][0] * d_air + m.v_inv[0][1] * d_pay;
    z[1] = m.v_inv[1][0] * d_air + m.v_inv[1][1] * d_pay;
    em[0] = std::expm1(m.rate[0] * dt);
    em[1] = std::expm1(m.rate[1] * dt);
  }
  // One expm1 per mode gives both exp(r dt) = expm1 + 1 and the integral factor expm1 / r.
  double zx[2];
  double zi[2];
  for (int i = 0; i < 2; ++i) {
    zx[i] = z[i] * (em[i] + 1.0);
    zi[i] = z[i] * (em[i] / m.rate[i]);
  }
  for (int node = 0; node < 2; ++node) {
    const auto sn = static_cast<std::size_t>(node);
    x_[sn] = eq[sn] + m.v[sn][0] * zx[0] + m.v[sn][1] * zx[1];
    integral_[sn] += eq[sn] * dt + m.v[sn][0] * zi[0] + m.v[sn][1] * zi[1];
  }
  if (compressor_on()) on_time_ += dt;
  now_ = t;
  step_valid_ = false;
}

void FreezerModel::apply(const FreezerEvent& ev) {
  switch (ev.kind) {
    case FreezerEventKind::kThermostatOn:
      demand_ = true;
      break;
    case FreezerEventKind::kThermostatOff:
      demand_ = false;
      break;
    case FreezerEventKind::kAlarmHigh:
      alarm_ = true;
      break;
    case FreezerEventKind::kAlarmClear:
      alarm_ = false;
      break;
    case FreezerEventKind::kDamageLimit:
      damaged_.at(static_cast<std::size_t>(ev.index)) = 1;
      break;
    case FreezerEventKind::kDamageRecovered:
      damaged_.at(static_cast<std::size_t>(ev.index)) = 0;
      break;
  }
  ++events_applied_;
  invalidate();
}

void FreezerModel::advance_to(double t, std::vector<FreezerEvent>* log) {
  if (!std::isfinite(t)) {
    throw std::invalid_argument("FreezerModel::advance_to: target time must be finite");
  }
  if (!(t >= now_)) {
    throw std::invalid_argument("FreezerModel::advance_to: target " + std::to_string(t) +
                                " s is before the model time " + std::to_string(now_) + " s");
  }
  for (;;) {
    if (!pending_valid_ || (!pending_ && pending_until_ < t)) {
      // Search as far as the caller last asked next_event() to look, so that its next call
      // (after this advance) is answered from the cache instead of a second search.
      search(std::max(t - now_ + kEventTolerance, lookahead_));
    }
    if (pending_ && pending_->time <= t + kEventTolerance) {
      FreezerEvent ev = *pending_;
      ev.time = std::min(std::max(ev.time, now_), t);
      propagate_to(ev.time);
      apply(ev);
      if (log != nullptr) log->push_back(ev);
      continue;
    }
    propagate_to(t);
    return;
  }
}

}  // namespace labtwin::twin
