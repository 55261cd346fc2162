#pragma once
/// @file The `microgrid:` scenario block (docs/twins/microgrid.md): per site PV, battery, grid,
/// generator, base loads, shedding priorities, dispatch strategy and deferrable jobs. Plain
/// structs with defaults, filled by the scenario loader; no logic.
///
/// Units as in scenario_def.hpp, except: power kW, energy kWh, prices money per kWh, carbon
/// intensity kg CO2 per kWh, fuel litres.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "labtwin/sim/time.hpp"

namespace labtwin::twin {

/// `microgrid.sites[].pv.irradiance:` where the global horizontal irradiance comes from.
struct IrradianceDef {
  std::string model = "clear_sky";  ///< clear_sky (Haurwitz x clearness process) | file
  double latitude_deg = 52.0;       ///< site latitude, degrees north
  double longitude_deg = 0.0;       ///< site longitude, degrees east
  double clearness = 0.75;          ///< mean hourly clearness (GHI / clear-sky GHI), 0..1
  double variability = 0.0;         ///< standard deviation of the hourly clearness, 0..1
  double persistence = 0.8;         ///< lag-1 hourly autocorrelation of the clearness, 0..<1
  std::optional<std::string> file;  ///< file model: hourly W/m2 of a typical year (CSV)
  double scale = 1.0;               ///< file model: multiplier on the file values
};

/// `microgrid.sites[].pv:` the PV array.
struct PvDef {
  double kwp = 0.0;          ///< peak power at 1000 W/m2 (kW); 0 = no array
  double derate = 0.8;       ///< system derate (inverter, soiling, temperature), 0..1
  IrradianceDef irradiance;  ///< irradiance source
};

/// `microgrid.sites[].battery:` the stationary battery.
struct BatteryDef {
  double capacity_kwh = 0.0;           ///< nominal capacity (kWh); 0 = no battery
  double soc_initial = 1.0;            ///< state of charge at the start, fraction
  double soc_min = 0.1;                ///< never discharged below, fraction
  double soc_max = 1.0;                ///< never charged above, fraction
  double soc_reserve = 0.1;            ///< kept for outages while the grid is up, fraction
  double soc_reconnect = 0.2;          ///< islanded: discharge resumes after empty at, fraction
  double charge_kw = 0.0;              ///< charge power limit at the bus (kW); 0 = capacity/2h
  double discharge_kw = 0.0;           ///< discharge power limit at the bus (kW); 0 = capacity/2h
  double charge_efficiency = 0.95;     ///< stored / drawn while charging, 0..1
  double discharge_efficiency = 0.95;  ///< delivered / withdrawn while discharging, 0..1
};

/// `microgrid.sites[].grid.outages[]:` a scheduled outage of the grid.
struct GridOutageDef {
  bool absolute = false;                 ///< `start` was a date-time (else an offset)
  std::int64_t start_us = 0;             ///< us since epoch when absolute, else since start
  sim::Time duration = sim::Time::h(1);  ///< length
};

/// `microgrid.sites[].grid:` the grid connection.
struct GridDef {
  std::vector<GridOutageDef> outages;               ///< scheduled outages
  std::optional<std::string> time_between_outages;  ///< distribution text (absent: none)
  std::string outage_duration = "exp(2h)";          ///< distribution text of random outages
  double price_per_kwh = 0.20;                      ///< import price, off-peak
  double peak_price_per_kwh = 0.20;                 ///< import price in the peak window
  double peak_start_hour = 17.0;                    ///< local hour the peak window starts
  double peak_end_hour = 21.0;                      ///< local hour the peak window ends
  double export_price_per_kwh = 0.05;               ///< paid per exported kWh
  bool export_allowed = true;                       ///< may the site export surplus
  double carbon_kg_per_kwh = 0.3;                   ///< mean carbon intensity (synthetic)
  double carbon_daily_swing = 0.0;                  ///< synthetic: relative daily swing, 0..1
  double carbon_peak_hour = 19.0;                   ///< synthetic: local hour of the maximum
  std::optional<std::string> carbon_file;           ///< hourly kg/kWh of a typical year (CSV)
};

/// `microgrid.sites[].generator:` an optional standby generator.
struct GeneratorDef {
  double rated_kw = 0.0;                     ///< rated power (kW)
  sim::Time start_delay = sim::Time::s(30);  ///< start request to power on the bus
  double tank_l = 500.0;                     ///< fuel tank (L)
  double fuel_initial_l = 500.0;             ///< fuel at the start (L)
  double fuel_idle_l_per_kwh = 0.08145;      ///< fuel curve F0: L/h per kW rated
  double fuel_slope_l_per_kwh = 0.246;       ///< fuel curve F1: L/h per kW output
  double start_soc = 0.3;                    ///< islanded: start at or below this SoC
  double fuel_price_per_l = 1.5;             ///< money per litre
  double carbon_kg_per_l = 2.68;             ///< kg CO2 per litre of diesel
};

/// `microgrid.sites[].loads[]:` a base load of the site.
struct BaseLoadDef {
  std::string id;                   ///< load id
  double kw = 0.0;                  ///< constant draw (kW) when no file is given
  std::optional<std::string> file;  ///< hourly kW of a typical year (CSV)
  double scale = 1.0;               ///< multiplier on the file values
  int priority = 1;                 ///< shedding class: higher classes are shed later
};

/// `microgrid.sites[].shedding:` priority classes of the freezers while islanded.
struct SheddingDef {
  int freezer_priority = 2;                    ///< class of every freezer of the site
  int critical_priority = 3;                   ///< classes >= this count as critical
  int islanded_min_priority = 0;               ///< islanded: lower classes dropped at once
  std::vector<std::string> critical_freezers;  ///< freezer ids in the critical class
};

/// `microgrid.sites[].strategy:` the grid-connected dispatch strategy.
struct StrategyDef {
  std::string type = "self_consumption";  ///< self_consumption | peak_shaving | carbon_aware
  double peak_limit_kw = 0.0;             ///< peak_shaving: import kept below this (kW)
  double carbon_low = 0.2;                ///< carbon_aware: charge from the grid at or below
  double carbon_high = 0.35;              ///< carbon_aware: discharge at or above
};

/// `microgrid.sites[].jobs[]:` a deferrable energy-heavy job placed on the forecast.
struct EnergyJobDef {
  std::string id;                         ///< job id
  double kw = 0.0;                        ///< draw while running (kW)
  sim::Time duration = sim::Time::h(1);   ///< run time
  sim::Time release{};                    ///< earliest start, offset from the scenario start
  sim::Time deadline = sim::Time::h(24);  ///< latest finish, offset from the scenario start
};

/// `microgrid.sites[]:` one site's microgrid.
struct SiteMicrogridDef {
  std::string site;                       ///< site id (in `sites`)
  PvDef pv;                               ///< PV array
  BatteryDef battery;                     ///< battery
  GridDef grid;                           ///< grid connection
  std::optional<GeneratorDef> generator;  ///< standby generator
  std::vector<BaseLoadDef> loads;         ///< base loads
  SheddingDef shedding;                   ///< freezer priority classes
  StrategyDef strategy;                   ///< dispatch strategy
  std::vector<EnergyJobDef> jobs;         ///< deferrable jobs
  std::string job_objective = "carbon";   ///< carbon | price: what the job placement minimises
};

/// `microgrid:` site microgrids coupled to the freezers (absent = mains always on).
struct MicrogridDef {
  std::vector<SiteMicrogridDef> sites;  ///< one entry per site with a microgrid
};

}  // namespace labtwin::twin
