#pragma once
/// @file The typed scenario model: plain structs with defaults, built by the scenario loader
/// (adapters/scenario_loader.hpp) from a validated YAML tree. No logic beyond defaults.
///
/// Units: durations are sim::Time (1 us ticks); absolute temperatures degC; temperature
/// differences K; power W; energy J; conductance W/K; heat capacity J/K; rates 1/s; fractions
/// 0..1; date-times microseconds since the Unix epoch (UTC). Distributions are kept as text
/// ("exp(2h)", "weibull(1.5, 8760h)") for sim/distributions to parse.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "labtwin/sim/time.hpp"
#include "labtwin/twin/dtn_def.hpp"
#include "labtwin/twin/microgrid_def.hpp"
#include "labtwin/twin/supply_def.hpp"

namespace labtwin::twin {

/// `meta:` descriptive information.
struct MetaDef {
  std::string name;               ///< scenario name
  std::string description;        ///< free text
  std::vector<std::string> tags;  ///< free-form tags
};

/// `clock:` the simulated period.
struct ClockDef {
  std::optional<std::int64_t> start_us;  ///< wall-clock start, us since epoch (UTC)
  sim::Time horizon;                     ///< simulated length (required in YAML)
  sim::Time warmup;                      ///< statistics ignore [0, warmup)
  std::int64_t utc_offset_s = 0;         ///< local time = UTC + offset
};

/// `sites[].ambient:` the room air temperature model (sinusoidal daily cycle).
struct AmbientDef {
  double mean_c = 21.0;            ///< daily mean, degC
  double daily_amplitude_k = 1.5;  ///< half peak-to-peak, K
  double peak_hour = 15.0;         ///< local hour of the daily maximum
};

/// `sites[].rooms[]:` a room.
struct RoomDef {
  std::string id;  ///< room id
};

/// `sites[].distances[]:` walking time between two rooms.
struct DistanceDef {
  std::string from;  ///< room id
  std::string to;    ///< room id
  sim::Time time;    ///< walking time
};

/// `sites[].freezers[].model:` optional thermal parameters; absent = freezer twin default.
struct FreezerModelDef {
  std::optional<double> air_heat_capacity_j_per_k;      ///< J/K
  std::optional<double> payload_heat_capacity_j_per_k;  ///< J/K
  std::optional<double> ua_air_payload_w_per_k;         ///< W/K
  std::optional<double> ua_walls_w_per_k;               ///< W/K
  std::optional<double> ua_door_w_per_k;                ///< W/K
  std::optional<double> cooling_power_w;                ///< W
  std::optional<double> electrical_power_w;             ///< W
};

/// `sites[].freezers[].failure:` compressor failure model.
struct FailureDef {
  std::optional<std::string> time_to_failure;  ///< distribution text; absent = never fails
  std::string repair_time = "const(4h)";       ///< distribution text
};

/// `sites[].freezers[].door:` door-opening model.
struct DoorDef {
  double openings_per_day = 6.0;                    ///< mean openings per day
  std::string open_duration = "uniform(20s, 60s)";  ///< distribution text
};

/// `sites[].freezers[]:` one freezer (entries with count > 1 are already expanded).
struct FreezerDef {
  std::string id;                              ///< unique id (F-01.. when expanded)
  std::string room;                            ///< room id (may be empty)
  double setpoint_c = -80.0;                   ///< degC
  double hysteresis_k = 4.0;                   ///< K
  std::string storage_class = "-80C";          ///< matches items[].storage_class
  int capacity_boxes = 100;                    ///< boxes
  double fill = 0.8;                           ///< fraction of capacity holding samples
  double sample_value = 1000.0;                ///< money per box
  bool backup = false;                         ///< reserved as a rescue unit
  double alarm_high_c = -70.0;                 ///< degC
  sim::Time alarm_delay = sim::Time::min(10);  ///< delay before the alarm is raised
  FreezerModelDef model;                       ///< thermal parameters
  FailureDef failure;                          ///< failure model
  DoorDef door;                                ///< door model
};

/// `sites[]:` one site.
struct SiteDef {
  std::string id;                      ///< unique id
  std::string name;                    ///< display name
  AmbientDef ambient;                  ///< room temperature
  std::vector<RoomDef> rooms;          ///< rooms
  std::vector<FreezerDef> freezers;    ///< freezers (expanded)
  std::vector<DistanceDef> distances;  ///< walking times between rooms
};

/// `shifts.<name>:` a weekly working window.
struct ShiftDef {
  std::string name;       ///< the map key
  std::vector<int> days;  ///< 0 = Monday .. 6 = Sunday
  int start_s = 0;        ///< seconds after local midnight
  int end_s = 0;          ///< seconds after local midnight (end < start: overnight)
};

/// `technicians[]:` one technician (or `count` identical ones).
struct TechnicianDef {
  std::string id;                                ///< unique id
  std::string site;                              ///< home site id
  std::vector<std::string> skills;               ///< skill identifiers
  std::string shift;                             ///< shift name (may be empty)
  bool on_call = false;                          ///< reachable outside the shift
  sim::Time callout_delay = sim::Time::min(45);  ///< time to arrive when called out
  int count = 1;                                 ///< identical technicians
};

/// `travel:` movement model.
struct TravelDef {
  std::optional<double> walk_speed_m_per_s;   ///< m/s
  std::optional<sim::Time> site_travel_time;  ///< between sites
};

/// `items[].demand:` consumption process.
struct DemandDef {
  std::string site;                      ///< consuming site id
  double rate_per_s = 0.0;               ///< mean demand, units per second
  double weekend_factor = 0.3;           ///< multiplier on Saturday and Sunday
  std::string distribution = "poisson";  ///< poisson | deterministic
};

/// Inventory replenishment policy families.
enum class InventoryPolicyType { sS, sQ, RS, RsS, base_stock, minmax };

/// `items[].policy:` replenishment policy parameters (which ones apply depends on type).
struct InventoryPolicyDef {
  InventoryPolicyType type = InventoryPolicyType::sS;  ///< policy family
  std::optional<double> s;                             ///< reorder point
  std::optional<double> S;                             ///< order-up-to level
  std::optional<double> Q;                             ///< fixed order quantity
  std::optional<sim::Time> R;                          ///< review period
};

/// `items[]:` one stocked item (SKU).
struct ItemDef {
  std::string sku;                           ///< unique SKU
  std::string name;                          ///< display name
  std::string unit = "ea";                   ///< unit of measure
  std::string storage_class;                 ///< storage requirement
  double unit_value = 0.0;                   ///< money per unit
  std::optional<sim::Time> shelf_life;       ///< absent = does not expire
  std::optional<DemandDef> demand;           ///< consumption
  std::optional<std::string> lead_time;      ///< distribution text
  std::optional<InventoryPolicyDef> policy;  ///< replenishment
  double initial = 0.0;                      ///< initial on-hand units
};

/// Scripted incident kinds.
enum class IncidentKind { compressor_failure, power_loss, door_ajar, power_restored };

/// `incidents[]:` a scripted event.
struct IncidentDef {
  bool absolute = false;   ///< `at` was a date-time (else an offset from start)
  std::int64_t at_us = 0;  ///< us since epoch when absolute, else since start
  IncidentKind kind = IncidentKind::compressor_failure;  ///< what happens
  std::string target;                                    ///< entity id
  std::optional<sim::Time> duration;                     ///< absent = until repaired / restored
};

/// Technician dispatch rules.
enum class DispatchPolicy { priority_fifo, edf, nearest, optimal };
/// Inventory picking order.
enum class PickingPolicy { fefo, fifo };

/// `policies.rescue:` moving samples to backup freezers.
struct RescueDef {
  bool enabled = true;                    ///< rescue at all
  std::vector<std::string> backup_units;  ///< freezer ids usable as backup
};

/// `policies:` operational policies.
struct PoliciesDef {
  DispatchPolicy dispatch = DispatchPolicy::priority_fifo;  ///< dispatch rule
  PickingPolicy picking = PickingPolicy::fefo;              ///< picking rule
  RescueDef rescue;                                         ///< rescue rule
};

/// `telemetry.mapping[]:` a sensor column bound to a twin signal.
struct TelemetryMappingDef {
  std::string sensor;  ///< column / sensor name
  std::string target;  ///< entity id
  std::string signal;  ///< signal name
};

/// `telemetry:` recorded telemetry replayed into the twin.
struct TelemetryDef {
  std::optional<std::string> file;           ///< path relative to the scenario file
  std::vector<TelemetryMappingDef> mapping;  ///< bindings
  std::string gap_mode = "linear";           ///< hold | linear
  std::optional<sim::Time> max_gap;          ///< longest gap bridged
  std::string disorder = "sort";             ///< sort | reject
};

/// `outputs.series[]:` a recorded time series.
struct SeriesDef {
  std::string entity;                ///< entity id
  std::string signal;                ///< signal name
  std::string policy = "on_change";  ///< on_change | every | decimate
  std::optional<sim::Time> every;    ///< sampling period for every / decimate
};

/// `outputs:` what a run writes.
struct OutputsDef {
  std::optional<std::string> dir;  ///< output directory
  std::vector<SeriesDef> series;   ///< recorded series
};

/// `instruments.types[].booking:` booking rules of every instrument of the type.
struct BookingRulesDef {
  sim::Time min_slot = sim::Time::min(30);       ///< shortest bookable slot
  sim::Time max_slot = sim::Time::h(24);         ///< longest bookable slot
  sim::Time granularity = sim::Time::min(15);    ///< starts and lengths are multiples
  sim::Time book_ahead = sim::Time::h(24 * 90);  ///< latest start = request + book_ahead
  sim::Time weekly_quota{};                      ///< hours per principal and week; 0 = none
  std::string quota_scope = "user";              ///< user | project
  bool needs_approval = false;                   ///< requests wait for approval (granted at once)
  sim::Time late_cancel_cutoff = sim::Time::h(24);  ///< cancelling later than start - this is late
  sim::Time check_in_early = sim::Time::min(15);    ///< earliest check-in before the start
  sim::Time no_show_grace = sim::Time::min(15);     ///< no-show recorded at start + this
};

/// `instruments.types[].demand:` the booking requests of the type's users.
struct InstrumentDemandDef {
  double rate_per_s = 1.0 / 3600.0;     ///< Poisson request rate, 1/s
  std::string run_time = "exp(1h)";     ///< distribution text of the run length
  std::string lead_time = "const(0s)";  ///< distribution text: preferred start - request
  bool instant = false;                 ///< Erlang loss mode: a slot now or the request is lost
  double cancel_probability = 0.0;      ///< fraction of bookings later cancelled
  double no_show_probability = 0.0;     ///< fraction of bookings nobody turns up for
  int users = 12;                       ///< users making requests (round robin)
  int projects = 4;                     ///< projects the users book for (round robin)
};

/// `instruments.types[].failure.spare_part:` a part some faults need (an `items` SKU).
struct InstrumentSparePartDef {
  std::string sku;                               ///< the part's SKU in `items`
  double probability = 1.0;                      ///< fraction of faults needing the part
  sim::Time order_lead_time = sim::Time::h(72);  ///< emergency order lead time
};

/// `instruments.types[].failure:` breakdowns and repairs.
struct InstrumentFailureDef {
  std::optional<std::string> time_to_failure;        ///< weibull/exp text; absent = never fails
  std::string repair_time = "exp(8h)";               ///< distribution text of the hands-on repair
  std::optional<InstrumentSparePartDef> spare_part;  ///< part a fault may need
};

/// `instruments.types[].runs:` run quality and speed (the OEE quality and performance factors).
struct InstrumentRunsDef {
  double failure_probability = 0.0;  ///< fraction of completed runs that fail (yield nothing)
  double slowdown = 1.0;             ///< actual run time / nominal run time, >= 1
};

/// `instruments.types[].bom[]:` stock one run consumes at check-in.
struct BomLineDef {
  std::string sku;        ///< item SKU (in `items`)
  double quantity = 1.0;  ///< units per run, > 0
};

/// `instruments.types[].service_windows[]:` a planned outage (vendor service), announced ahead.
struct ServiceWindowDef {
  bool absolute = false;                  ///< `start` was a date-time (else an offset from start)
  std::int64_t start_us = 0;              ///< us since epoch when absolute, else since start
  sim::Time duration = sim::Time::h(24);  ///< length
  sim::Time notice = sim::Time::h(24 * 14);  ///< announced (and bookings bumped) this long ahead
  int instrument = 0;                        ///< 1-based instrument of the type; 0 = all
};

/// `instruments.types[].maintenance:` preventive maintenance per instrument.
struct InstrumentMaintenanceDef {
  std::string trigger = "calendar";            ///< calendar | usage
  sim::Time interval = sim::Time::h(24 * 90);  ///< calendar: time between services
  sim::Time usage = sim::Time::h(500);         ///< usage: run time between services
  sim::Time duration = sim::Time::h(8);        ///< service window length
  sim::Time notice = sim::Time::h(24 * 7);     ///< window placed this long ahead
};

/// `instruments.types[]:` `count` identical shared instruments (ids `<id>-1`, `<id>-2`, ...).
struct InstrumentTypeDef {
  std::string id;                                       ///< type id, e.g. "sequencer"
  std::string site;                                     ///< site id (empty: the first site)
  std::string room;                                     ///< room id (may be empty)
  int count = 1;                                        ///< instruments of the type
  std::string hours;                                    ///< shift name; empty = bookable 24/7
  BookingRulesDef booking;                              ///< booking rules
  InstrumentDemandDef demand;                           ///< booking requests
  InstrumentFailureDef failure;                         ///< breakdowns
  InstrumentRunsDef runs;                               ///< run failures and slowdown (OEE)
  std::vector<BomLineDef> bom;                          ///< stock per run
  std::vector<ServiceWindowDef> service_windows;        ///< planned outages
  std::optional<InstrumentMaintenanceDef> maintenance;  ///< preventive maintenance
};

/// `instruments:` shared instruments (docs/instruments.md).
struct InstrumentsDef {
  int technicians = 0;  ///< repair crew of the instruments; 0 = repairs start at once
  std::vector<InstrumentTypeDef> types;  ///< instrument types, in file order
};

/// `expect.<kpi>:` an acceptance criterion, kept as text (adapters/expectation.hpp parses).
struct ExpectDef {
  std::string kpi;         ///< KPI name
  std::string expression;  ///< "== 0", ">= 0.98", "< 2h", "within 5% of 10", fingerprint
};

/// `variants[]:` a named set of overrides (applied on the YAML tree by the loader).
struct VariantDef {
  std::string name;                                      ///< unique name
  std::string description;                               ///< free text
  std::vector<std::pair<std::string, std::string>> set;  ///< path -> value (YAML text)
};

/// `sweep.parameters[]:` one swept parameter.
struct SweepParameterDef {
  std::string path;                  ///< dotted path as in variants
  std::vector<std::string> values;   ///< explicit values (text)
  std::optional<double> range_from;  ///< numeric range start
  std::optional<double> range_to;    ///< numeric range end
  std::optional<double> range_step;  ///< numeric range step
};

/// `sweep:` parameter study (schema only for now).
struct SweepDef {
  std::vector<SweepParameterDef> parameters;  ///< swept parameters
  std::string design = "grid";                ///< grid | lhs
  int points = 0;                             ///< points for lhs
};

/// The whole scenario.
struct ScenarioDef {
  int version = 1;                         ///< `labtwin:` format version
  MetaDef meta;                            ///< `meta:`
  std::uint64_t seed = 1;                  ///< master random seed
  ClockDef clock;                          ///< `clock:`
  std::vector<SiteDef> sites;              ///< `sites:`
  std::vector<TechnicianDef> technicians;  ///< `technicians:`
  std::vector<ShiftDef> shifts;            ///< `shifts:` in file order
  TravelDef travel;                        ///< `travel:`
  std::vector<ItemDef> items;              ///< `items:`
  std::vector<IncidentDef> incidents;      ///< `incidents:`
  InstrumentsDef instruments;              ///< `instruments:`
  MicrogridDef microgrid;                  ///< `microgrid:` (docs/twins/microgrid.md)
  DtnDef dtn;                              ///< `dtn:` (docs/twins/dtn.md)
  SupplyDef supply;                        ///< `supply:` (docs/twins/supply-chain.md)
  PoliciesDef policies;                    ///< `policies:`
  TelemetryDef telemetry;                  ///< `telemetry:`
  OutputsDef outputs;                      ///< `outputs:`
  std::vector<ExpectDef> expect;           ///< `expect:` in file order
  std::vector<VariantDef> variants;        ///< `variants:`
  std::optional<SweepDef> sweep;           ///< `sweep:`
};

}  // namespace labtwin::twin
