#pragma once
/// @file A site microgrid as an exact, event-driven model: PV, battery, grid connection,
/// standby generator and prioritised loads (docs/twins/microgrid.md).
///
/// Every input (irradiance, prices, carbon intensity, base-load profiles) is piecewise constant
/// and every load holds its demand until the caller changes it, so the dispatch is constant
/// between changes and the battery's stored energy and the generator's fuel are linear in time:
/// the model computes the exact instant either reaches a limit and makes it an event. Like
/// FreezerModel it has no kernel dependency: times are double seconds, the caller advances the
/// model and schedules next_event(). Energies are kept in Wh, powers in W.
///
/// Energy balance: at every change the model checks, for the segment just finished and for the
/// totals since the start, generation + import + discharge = load + export + charge + losses
/// (discharge = energy withdrawn from the cells, charge = energy stored in them, losses = the
/// conversion losses) to 1e-9 relative, and that the stored energy moved by exactly the net of
/// charge and discharge. A violation throws std::logic_error.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace labtwin::twin {

/// A piecewise-constant series: values[k] holds on [start + k*step, start + (k+1)*step); past
/// either end it wraps (a typical year repeats). No values: `constant` everywhere.
struct StepSeries {
  double start_s = 0.0;        ///< time of values[0] (model seconds)
  double step_s = 3600.0;      ///< step length (s), > 0
  std::vector<double> values;  ///< one value per step (empty: constant)
  double constant = 0.0;       ///< value when `values` is empty
  /// Value at time t (s).
  double at(double t) const;
  /// First time > t at which the value may change (+infinity when constant).
  double next_change(double t) const;
  /// A constant series.
  static StepSeries flat(double v) {
    StepSeries s;
    s.constant = v;
    return s;
  }
};

/// Battery parameters (a capacity of 0 means no battery).
struct BatteryParams {
  double capacity_wh = 0.0;    ///< nominal capacity (Wh)
  double soc_initial = 1.0;    ///< initial state of charge, fraction of capacity
  double soc_min = 0.1;        ///< lower bound, fraction
  double soc_max = 1.0;        ///< upper bound, fraction
  double soc_reserve = 0.1;    ///< grid-connected floor (outage reserve), recharged from the grid
  double soc_reconnect = 0.2;  ///< islanded: after hitting soc_min, discharge resumes here
  double charge_w = 0.0;       ///< charge limit at the bus (W)
  double discharge_w = 0.0;    ///< discharge limit at the bus (W)
  double charge_efficiency = 0.95;     ///< stored / drawn
  double discharge_efficiency = 0.95;  ///< delivered / withdrawn
  /// Throws std::invalid_argument naming the first invalid field.
  void validate() const;
};

/// Standby generator parameters (rated_w = 0: none). Fuel use (L/h) = f0 x rated kW + f1 x
/// output kW (the linear fuel curve of HOMER).
struct GeneratorParams {
  double rated_w = 0.0;           ///< rated power (W)
  double start_delay_s = 30.0;    ///< start request to power on the bus (s)
  double tank_l = 500.0;          ///< tank capacity (L)
  double fuel_initial_l = 500.0;  ///< initial fuel (L)
  double f0_l_per_kwh = 0.08145;  ///< idle fuel: L/h per kW rated
  double f1_l_per_kwh = 0.246;    ///< fuel slope: L/h per kW output
  double start_soc = 0.3;         ///< islanded: start at or below this state of charge
  double fuel_price_per_l = 1.5;  ///< money per litre
  double carbon_kg_per_l = 2.68;  ///< kg CO2 per litre
  /// Throws std::invalid_argument naming the first invalid field.
  void validate() const;
};

/// What the grid-connected dispatch strategy sees.
struct DispatchContext {
  double time_s = 0.0;             ///< now (s)
  double load_w = 0.0;             ///< demand of the connected loads (W)
  double pv_w = 0.0;               ///< available PV power (W)
  double price_per_kwh = 0.0;      ///< import price now
  double carbon_kg_per_kwh = 0.0;  ///< grid carbon intensity now
  double soc = 0.0;                ///< state of charge, fraction
  double max_charge_w = 0.0;       ///< charge power available now (0: full)
  double max_discharge_w = 0.0;    ///< discharge power available now (0: at the reserve)
};

/// A pluggable grid-connected dispatch rule: the battery's bus power (W, > 0 charge, < 0
/// discharge); the model clamps it to the available limits. Islanded, the battery always
/// balances the bus (no strategy involved).
class DispatchStrategy {
 public:
  virtual ~DispatchStrategy() = default;
  /// Battery setpoint at the bus (W): positive charges, negative discharges.
  virtual double battery_setpoint_w(const DispatchContext& ctx) const = 0;
  /// Stable name, e.g. "self_consumption".
  virtual const char* name() const = 0;
};

/// Self-consumption: PV surplus charges the battery, deficits are covered from it first.
class SelfConsumption final : public DispatchStrategy {
 public:
  /// See DispatchStrategy.
  double battery_setpoint_w(const DispatchContext& ctx) const override;
  /// "self_consumption".
  const char* name() const override { return "self_consumption"; }
};

/// Peak shaving: the battery discharges only to keep the import at or below `limit_w`, charges
/// from PV surplus and from the grid with the headroom below the limit.
class PeakShaving final : public DispatchStrategy {
 public:
  /// Keeps the import at or below limit_w (>= 0).
  explicit PeakShaving(double limit_w);
  /// See DispatchStrategy.
  double battery_setpoint_w(const DispatchContext& ctx) const override;
  /// "peak_shaving".
  const char* name() const override { return "peak_shaving"; }

 private:
  double limit_w_;
};

/// Carbon-aware: charges from the grid at full power while the intensity is at or below
/// `low`, discharges to cover the net load at or above `high`, else stores PV surplus only.
class CarbonAware final : public DispatchStrategy {
 public:
  /// low <= high (kg CO2/kWh).
  CarbonAware(double low, double high);
  /// See DispatchStrategy.
  double battery_setpoint_w(const DispatchContext& ctx) const override;
  /// "carbon_aware".
  const char* name() const override { return "carbon_aware"; }

 private:
  double low_, high_;
};

/// The strategy named `type` (self_consumption | peak_shaving | carbon_aware); throws
/// std::invalid_argument for an unknown name or invalid parameters.
std::unique_ptr<DispatchStrategy> make_strategy(const std::string& type, double peak_limit_w,
                                                double carbon_low, double carbon_high);

/// One load on the site bus.
struct LoadSpec {
  std::string id;            ///< load id (for messages)
  int priority = 1;          ///< shedding class: higher classes are shed later
  bool critical = false;     ///< counts towards unserved critical energy and ride-through
  double rated_w = 0.0;      ///< draw when running: a shed load reconnects only if it fits
  bool has_profile = false;  ///< demand follows `profile` (else set_demand)
  StepSeries profile;        ///< demand (W) when has_profile
};

/// Everything about a site microgrid but its loads.
struct MicrogridParams {
  double pv_kwp = 0.0;                             ///< PV peak power (kW at 1000 W/m2)
  double pv_derate = 0.8;                          ///< PV system derate, 0..1
  StepSeries irradiance;                           ///< global horizontal irradiance (W/m2)
  BatteryParams battery;                           ///< battery
  GeneratorParams generator;                       ///< generator (rated_w = 0: none)
  std::vector<std::pair<double, double>> outages;  ///< grid outages [start, end) (s)
  int islanded_min_priority = 0;  ///< islanded, loads of lower classes are dropped at once
  bool export_allowed = true;     ///< surplus may be exported
  StepSeries price = StepSeries::flat(0.2);          ///< import price per kWh
  StepSeries export_price = StepSeries::flat(0.05);  ///< export price per kWh
  StepSeries carbon = StepSeries::flat(0.3);         ///< grid kg CO2 per kWh
  /// Throws std::invalid_argument naming the first invalid field.
  void validate() const;
};

/// Energy totals since the start (Wh unless stated).
struct MicrogridTotals {
  double pv_available = 0, pv_used = 0, curtailed = 0;  ///< PV
  double import = 0, export_ = 0;                       ///< grid
  double generator = 0;                                 ///< generator output
  double charge_bus = 0, discharge_bus = 0;             ///< battery at the bus
  double stored = 0, withdrawn = 0;                     ///< battery at the cells
  double losses = 0;                                    ///< battery conversion losses
  double demand = 0, served = 0;                        ///< loads
  double unserved = 0, unserved_critical = 0;           ///< demand not served
  double fuel_l = 0;                                    ///< generator fuel burnt (L)
  double cost = 0;                                      ///< money: import - export + fuel
  double co2_kg = 0;                                    ///< grid and fuel emissions
  double islanded_s = 0;                                ///< time without the grid (s)
  double peak_import_w = 0;                             ///< highest import power (W)
  std::uint64_t changes = 0;                            ///< dispatches (balance checks)
  double max_residual = 0;                              ///< largest relative balance residual
};

/// The site microgrid (see the file comment).
class Microgrid {
 public:
  /// Builds the grid at `start_s`; validates the parameters (std::invalid_argument). The
  /// strategy may be null (self-consumption).
  Microgrid(MicrogridParams params, std::unique_ptr<DispatchStrategy> strategy,
            double start_s = 0.0);
  Microgrid(const Microgrid&) = delete;
  Microgrid& operator=(const Microgrid&) = delete;
  /// Movable.
  Microgrid(Microgrid&&) noexcept;
  /// Movable.
  Microgrid& operator=(Microgrid&&) noexcept;
  /// Out of line (the strategy's type is complete there).
  ~Microgrid();

  /// Adds a load at time(); returns its index. Its initial demand is 0 (or its profile).
  std::size_t add_load(LoadSpec spec);
  /// Sets the demand (W, >= 0) of a load without a profile at time() and re-dispatches.
  void set_demand(std::size_t load, double w);
  /// Advances exactly to t (s) through every internal event on the way. Throws
  /// std::invalid_argument if t is before time().
  void advance_to(double t);
  /// Time of the next internal event (+infinity: none).
  double next_event() const { return next_event_; }

  /// Current time (s).
  double time() const { return now_; }
  /// Is the load powered?
  bool powered(std::size_t load) const { return loads_[load].connected; }
  /// Current demand of a load (W).
  double demand(std::size_t load) const { return loads_[load].demand; }
  /// Number of loads.
  std::size_t loads() const { return loads_.size(); }
  /// Loads whose powered state changed since the last call, in index order of the change;
  /// moves them into `out` (cleared first).
  void take_switched(std::vector<std::size_t>& out);
  /// Is the grid available now?
  bool grid_up() const { return grid_up_; }
  /// Is the generator on the bus?
  bool generator_running() const { return gen_running_; }
  /// Stored energy (Wh).
  double stored_wh() const { return energy_wh_; }
  /// State of charge (fraction; 0 without a battery).
  double soc() const;
  /// Fuel in the tank (L).
  double fuel_l() const { return fuel_l_; }
  /// Current flows (W): pv used, import, export, generator, charge, discharge, served load.
  struct Flows {
    double pv = 0, pv_used = 0, curtailed = 0, import = 0, export_ = 0, generator = 0;
    double charge = 0, discharge = 0, served = 0, demand = 0, demand_critical = 0,
           served_critical = 0;
    double price = 0, export_price = 0, carbon = 0;  ///< per kWh, as of this segment
  };
  /// The flows of the current segment.
  const Flows& flows() const { return flow_; }
  /// Totals since the start.
  const MicrogridTotals& totals() const { return tot_; }
  /// Outages seen so far: (start, ride-through) in s; ride-through is the time the critical
  /// loads stayed powered (the outage length when they never lost power; up to now for one
  /// still running).
  std::vector<std::pair<double, double>> ride_through() const;
  /// Number of internal events applied.
  std::uint64_t events_applied() const { return events_; }
  /// The parameters.
  const MicrogridParams& params() const { return p_; }

 private:
  struct Load {
    LoadSpec spec;
    double demand = 0.0;
    bool connected = true;
  };
  void redispatch();
  void integrate(double dt);
  void check_balance() const;
  void update_state();
  void plan_next();
  bool in_outage(double t) const;
  double next_outage_boundary(double t) const;

  MicrogridParams p_;
  std::unique_ptr<DispatchStrategy> strategy_;
  std::vector<Load> loads_;
  std::vector<std::size_t> order_;  // loads by priority desc, index asc
  bool order_dirty_ = false;
  std::vector<std::size_t> switched_;
  double now_ = 0.0;
  double energy_wh_ = 0.0;
  double energy0_wh_ = 0.0;
  double fuel_l_ = 0.0;
  bool grid_up_ = true;
  bool lockout_ = false;
  bool gen_running_ = false;
  bool gen_starting_ = false;
  double gen_ready_at_ = std::numeric_limits<double>::infinity();
  double next_event_ = std::numeric_limits<double>::infinity();
  double soc_rate_wh_per_s_ = 0.0;
  double fuel_rate_l_per_s_ = 0.0;
  Flows flow_;
  Flows seg_;  // the flows integrated by the segment in progress
  MicrogridTotals tot_;
  std::uint64_t events_ = 0;
  // Outage records: start, first critical loss (nan: none yet), end (nan: running).
  struct OutageRecord {
    double start, lost, end;
  };
  std::vector<OutageRecord> outage_log_;
};

}  // namespace labtwin::twin
