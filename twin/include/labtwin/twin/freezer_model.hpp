#pragma once
/// @file An ultra-low-temperature (ULT) freezer as an exact, event-driven physical state machine.
///
/// Two lumped nodes, cabinet air (node 0, which also lumps the inner liner, shelves and
/// evaporator) and payload (node 1, racks of frozen samples), exchange heat with each other and
/// with the room through the walls (plus the door while it is open). A compressor removes a
/// constant cooling power from the air node while it runs; a hysteresis thermostat on the air
/// temperature runs it. Between switching events the dynamics are linear with constant inputs,
/// so the model advances exactly (LinearThermalMode) and finds the next event as the first
/// threshold crossing of an exponential sum. No DES kernel dependency: times are double seconds
/// and the caller (the twin glue) schedules next_event() on the kernel. Defaults and their
/// sources: docs/twins/freezer.md.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "labtwin/twin/thermal.hpp"

namespace labtwin::twin {

/// A payload temperature above which a class of stored material is considered damaged.
struct DamageLimit {
  std::string storage_class;  ///< e.g. "minus80_biobank"
  double payload_limit_c;     ///< payload temperature limit (C)
};

/// The default damage limits for material kept in a -80 C freezer (see docs/twins/freezer.md).
std::vector<DamageLimit> default_damage_limits();

/// Physical parameters of one freezer; defaults describe a loaded ~700 L upright ULT unit.
struct FreezerParams {
  double air_capacity_j_per_k = 25'000.0;      ///< C_a: air + liner + shelves + evaporator
  double payload_capacity_j_per_k = 70'000.0;  ///< C_p: frozen samples, boxes, racks
  double ua_air_payload_w_per_k = 10.0;        ///< UA_ap: air <-> payload convection
  double ua_wall_w_per_k = 1.2;                ///< UA_w: air <-> room through walls, gaskets
  double ua_door_w_per_k = 30.0;               ///< UA_door: extra air <-> room while door open
  double cooling_power_w = 300.0;              ///< Q_c: heat removed from air while running
  double electrical_power_w = 1'000.0;         ///< P_el: electrical draw while running
  double setpoint_c = -80.0;                   ///< thermostat setpoint on the air (C)
  double hysteresis_k = 4.0;                   ///< full band: on at set+band/2, off at set-band/2
  double alarm_high_c = -70.0;                 ///< high-temperature alarm on the air (C)
  double ambient_c = 20.0;                     ///< initial room temperature (C)
  std::vector<DamageLimit> damage_limits = default_damage_limits();  ///< on the payload

  /// Throws std::invalid_argument naming the first invalid field.
  void validate() const;
};

/// The two-node thermal network of a freezer (air, payload) with the door open or shut; throws
/// std::invalid_argument (FreezerParams::validate) for invalid parameters.
ThermalNetwork freezer_network(const FreezerParams& params, bool door_open);

/// What a freezer event is.
enum class FreezerEventKind : std::uint8_t {
  kThermostatOn,     ///< air rose to set+band/2: thermostat calls for cooling
  kThermostatOff,    ///< air fell to set-band/2: thermostat stops calling for cooling
  kAlarmHigh,        ///< air rose above alarm_high_c
  kAlarmClear,       ///< air fell back below alarm_high_c
  kDamageLimit,      ///< payload rose above damage_limits[index]
  kDamageRecovered,  ///< payload fell back below damage_limits[index]
};

/// Stable lower-case name of an event kind, e.g. "thermostat_on".
std::string_view to_string(FreezerEventKind kind);

/// An internal freezer event at an absolute time (s).
struct FreezerEvent {
  double time = 0.0;                                        ///< absolute time (s)
  FreezerEventKind kind = FreezerEventKind::kThermostatOn;  ///< what happens
  int index = -1;  ///< damage_limits index for damage events, else -1
};

/// The freezer's physical state machine: exact advance and next-event search.
class FreezerModel {
 public:
  /// Node index of the cabinet air.
  static constexpr int kAir = 0;
  /// Node index of the payload.
  static constexpr int kPayload = 1;
  /// Events due within this many seconds after an advance target are applied at the target
  /// (one sim tick), so that rounding a crossing time to ticks never stalls the caller.
  static constexpr double kEventTolerance = 1e-6;

  /// A freezer at `start_time` (s) with air and payload at the setpoint, door shut, power ok.
  explicit FreezerModel(FreezerParams params, double start_time = 0.0);

  /// Advances exactly to `t` (s), applying every internal event due on the way, in order;
  /// appends them to `log` when given. Throws std::invalid_argument if t is before time().
  void advance_to(double t, std::vector<FreezerEvent>* log = nullptr);
  /// The next internal event within `horizon` seconds from time(), or std::nullopt. Cached
  /// until the state or an input changes, so the following advance_to() reuses it.
  std::optional<FreezerEvent> next_event(double horizon);

  /// Opens or shuts the door at time().
  void set_door(bool open);
  /// Mains power restored (true) or lost (false) at time(); no power stops the compressor.
  void set_power(bool ok);
  /// The compressor breaks down at time() (stops until repaired).
  void fail_compressor();
  /// The compressor is repaired at time() (runs again if the thermostat calls for it).
  void repair_compressor();
  /// Room temperature changes to `ambient_c` at time().
  void set_ambient(double ambient_c);
  /// Overwrites both temperatures (C) and re-derives thermostat, alarm and damage states.
  void set_temperatures(double air_c, double payload_c);

  /// Current time (s).
  double time() const { return now_; }
  /// Current temperatures, [kAir] and [kPayload] (C).
  const NodeVector& temperatures() const { return x_; }
  /// Air temperature (C).
  double air_c() const { return x_[kAir]; }
  /// Payload temperature (C).
  double payload_c() const { return x_[kPayload]; }
  /// Is the compressor running (thermostat calls, power ok, not failed)?
  bool compressor_on() const { return demand_ && power_ok_ && !compressor_failed_; }
  /// Does the thermostat call for cooling?
  bool thermostat_demand() const { return demand_; }
  /// Is the door open?
  bool door_open() const { return door_open_; }
  /// Is mains power available?
  bool power_ok() const { return power_ok_; }
  /// Is the compressor broken?
  bool compressor_failed() const { return compressor_failed_; }
  /// Is the high-temperature alarm active?
  bool alarm_active() const { return alarm_; }
  /// Is the payload above damage_limits[i]?
  bool damage_exceeded(std::size_t i) const { return damaged_.at(i) != 0; }
  /// Current room temperature (C).
  double ambient_c() const { return ambient_c_; }
  /// The parameters.
  const FreezerParams& params() const { return params_; }

  /// Total compressor running time since start (s), integrated exactly.
  double compressor_on_time() const { return on_time_; }
  /// Electrical energy used since start (J) = electrical_power_w x compressor_on_time().
  double energy_j() const { return params_.electrical_power_w * on_time_; }
  /// Fraction of time since start that the compressor ran (0 before any time elapsed).
  double duty_cycle() const;
  /// Exact integral of the air and payload temperatures since start (C*s), for averages and
  /// energy balances.
  const NodeVector& temperature_integral() const { return integral_; }
  /// Number of internal events applied since start.
  std::uint64_t events_applied() const { return events_applied_; }
  /// Thermostat switch-on threshold set+band/2 (C).
  double thermostat_on_c() const { return params_.setpoint_c + 0.5 * params_.hysteresis_k; }
  /// Thermostat switch-off threshold set-band/2 (C).
  double thermostat_off_c() const { return params_.setpoint_c - 0.5 * params_.hysteresis_k; }

  /// Temperature of `node` from time() on, under the current inputs, as an ExpSum of elapsed
  /// seconds (valid until the next event or input change).
  ExpSum trajectory(int node) const;
  /// The closed-form mode for the current door state (exposed for references and tests).
  const LinearThermalMode& current_mode() const { return door_open_ ? open_ : closed_; }
  /// Temperature (C) of `node` at t >= time() under the current inputs; exact up to the next
  /// internal event or input change.
  double predict(int node, double t) const {
    return t == now_ ? x_[static_cast<std::size_t>(node)] : trajectory(node).value(t - now_);
  }
  /// Heat input per node (W) under the current compressor state.
  NodeVector heat_input() const;

 private:
  const NodeVector& equilibrium() const;
  void recompute_equilibria();
  void invalidate() {
    pending_valid_ = false;
    step_valid_ = false;
  }
  void search(double horizon);
  void propagate_to(double t);
  void apply(const FreezerEvent& ev);

  // The two-node closed form of one door state, copied out of LinearThermalMode so the hot
  // path runs on plain scalars: x - x_eq = V z, z(t) = z(0) exp(rate t).
  struct TwoNodeMode {
    double rate[2];
    double v[2][2];      // V[node][mode]
    double v_inv[2][2];  // V^-1[mode][node]
    double eq_shift[2];  // K^-1 q with the compressor running: x_eq = T_amb + eq_shift
  };
  static TwoNodeMode two_node(const LinearThermalMode& mode, double cooling_power_w);
  const TwoNodeMode& mode2() const { return door_open_ ? open2_ : closed2_; }

  // Hot state first: everything the event path touches sits in one contiguous block of each
  // FreezerModel (a fleet of thousands no longer fits the L2 cache); cold data follows.
  TwoNodeMode closed2_{};
  TwoNodeMode open2_{};
  NodeVector eq_[4]{};  // [door_open * 2 + running]
  NodeVector x_{};
  NodeVector integral_{};
  double now_ = 0.0;
  double on_time_ = 0.0;
  bool door_open_ = false;
  bool power_ok_ = true;
  bool compressor_failed_ = false;
  bool demand_ = false;
  bool alarm_ = false;
  std::uint64_t events_applied_ = 0;
  // Cached result of the last search: the next event, or none up to pending_until_ (abs s).
  bool pending_valid_ = false;
  std::optional<FreezerEvent> pending_;
  double pending_until_ = 0.0;
  // The last search's modal amplitudes and expm1(rate * step_dt_) at the step to the thermostat
  // event it found: the advance to that event reuses them instead of new exponentials.
  bool step_valid_ = false;
  double step_dt_ = 0.0;
  double step_z_[2]{};
  double step_em_[2]{};
  // Horizon of the last next_event() call: advance_to() searches this far after applying an
  // event, so the caller's following next_event() finds the result cached.
  double lookahead_ = 0.0;
  std::vector<std::uint8_t> damaged_;

  FreezerParams params_;
  LinearThermalMode closed_;
  LinearThermalMode open_;
  double start_ = 0.0;
  double ambient_c_ = 0.0;
};

}  // namespace labtwin::twin
