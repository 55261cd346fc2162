#pragma once
/// @file What the UI draws: plain copyable data published by the simulation worker. The UI
/// never sees the model; every panel is a function of a Snapshot and the UI's own state.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace labtwin::viz {

/// A closed-open interval [begin_s, end_s) of simulated seconds since the scenario start.
struct Interval {
  double begin_s = 0.0;  ///< start, s since scenario start
  double end_s = 0.0;    ///< end, s since scenario start
};

/// The recorded history of one freezer (times in simulated seconds since the start).
struct FreezerHistory {
  std::vector<double> t_s;           ///< sample times of the temperatures
  std::vector<double> air_c;         ///< air temperature, degC
  std::vector<double> payload_c;     ///< payload temperature, degC
  std::vector<Interval> compressor;  ///< intervals with the compressor running
  std::vector<Interval> door;        ///< intervals with the door open
  std::vector<Interval> alarm;       ///< intervals with the alarm raised
};

/// A freezer's configuration and state at the snapshot time.
struct FreezerState {
  std::string id;               ///< freezer id, e.g. "A-07"
  std::string site;             ///< site id
  std::string room;             ///< room id (may be empty)
  double setpoint_c = -80.0;    ///< thermostat setpoint, degC
  double alarm_high_c = -70.0;  ///< high-temperature alarm limit on the air, degC
  double damage_c = -60.0;      ///< payload damage limit of its storage class, degC
  double air_c = 0.0;           ///< air temperature now, degC
  double payload_c = 0.0;       ///< payload temperature now, degC
  bool compressor = false;      ///< compressor running
  bool door = false;            ///< door open
  bool alarm = false;           ///< high-temperature alarm raised
  bool failed = false;          ///< compressor failed and not yet repaired
  bool damaged = false;         ///< payload has passed its damage limit
  bool backup = false;          ///< reserved as a rescue unit
  FreezerHistory history;       ///< recorded history up to the snapshot time
};

/// A freezer's configuration only (id, place, limits, backup role): the start of a state.
FreezerState freezer_config(const FreezerState& f);

/// Status classes used for colours (site map, badges).
enum class FreezerStatus : std::uint8_t { kOk, kDoorOpen, kFailed, kAlarm, kDamaged };

/// The most severe status of a freezer (damaged > alarm > failed > door open > ok).
FreezerStatus status_of(const FreezerState& f);

/// One domain event (a row of the event log).
struct EventRow {
  double t_s = 0.0;    ///< time, s since scenario start
  std::string kind;    ///< e.g. "freezer.alarm"
  std::string entity;  ///< e.g. "A-07"
  std::string detail;  ///< free text
};

/// One KPI value.
struct KpiRow {
  std::string name;         ///< snake_case key
  double value = 0.0;       ///< SI value
  std::string unit;         ///< "s", "1", "count", ...
  std::string description;  ///< one line
};

/// A technician: busy intervals and state.
struct TechnicianState {
  std::string id;                 ///< technician id
  std::string site;               ///< home site
  bool busy = false;              ///< working on a task now
  std::vector<Interval> busy_at;  ///< busy intervals so far (the last may be open: end = now)
  std::string location = {};      ///< where now: "site/room" (travelling: where from), "" unknown
  std::string status = {};  ///< available, travelling, working, off_shift, on_call ("": unknown)
  std::string ticket = {};  ///< ticket held ("" when idle)
  std::string destination = {};  ///< travelling: "site/room" of the ticket
  double eta_s = -1.0;           ///< travelling: arrival, s since start (-1: not travelling)
};

/// What the technicians panel prints for one technician: where and what ("Lab A/room 2,
/// working: repair-3", "to Lab B/r2, ETA 14:05 (in 12.0 min), from Lab A/r1: alarm_response-1").
std::string technician_line(const TechnicianState& t, double now_s, std::int64_t start_us,
                            std::int64_t utc_offset_s);

/// One site microgrid: flows and state at the snapshot time, history up to it (W, Wh, s).
struct MicrogridState {
  std::string site;                 ///< site id
  bool grid_up = true;              ///< grid available (false: islanded)
  bool generator_running = false;   ///< generator on the bus
  double soc = 0.0;                 ///< battery state of charge, fraction (0: no battery)
  double capacity_wh = 0.0;         ///< battery capacity, Wh
  double fuel_l = 0.0;              ///< generator fuel left, L
  double pv_w = 0.0;                ///< PV available
  double pv_used_w = 0.0;           ///< PV used
  double import_w = 0.0;            ///< grid import
  double export_w = 0.0;            ///< grid export
  double generator_w = 0.0;         ///< generator output
  double charge_w = 0.0;            ///< battery charging (bus side)
  double discharge_w = 0.0;         ///< battery discharging (bus side)
  double demand_w = 0.0;            ///< load demand
  double served_w = 0.0;            ///< load served
  std::vector<std::string> shed;    ///< loads without power now
  std::vector<double> t_s;          ///< history sample times
  std::vector<double> soc_hist;     ///< state of charge at t_s, fraction
  std::vector<double> pv_hist;      ///< PV available at t_s, W
  std::vector<double> demand_hist;  ///< load demand at t_s, W
  std::vector<double> served_hist;  ///< load served at t_s, W
  std::vector<Interval> islanded;   ///< intervals without the grid
  std::vector<Interval> shedding;   ///< intervals with some load shed
};

struct Snapshot;

/// Status of a microgrid for colours: 0 ok, 1 islanded (amber), 2 shedding load (red).
std::uint8_t microgrid_status(const MicrogridState& m);
/// Gives the map nodes of `m`'s site microgrid (ids "<site>/...", kinds grid, pv, battery,
/// generator) its status, then appends `m` to snap.microgrids.
void add_microgrid(Snapshot& snap, MicrogridState m);

/// One item's stock levels against its policy.
struct ItemLevel {
  std::string sku;            ///< SKU
  std::string name;           ///< display name
  double on_hand = 0.0;       ///< units present
  double available = 0.0;     ///< released, unexpired, unreserved
  double on_order = 0.0;      ///< on open purchase orders
  double backorders = 0.0;    ///< demand owed
  double reorder_point = -1;  ///< s (negative: none)
  double order_up_to = -1;    ///< S (negative: none)
};

/// A lot (one container) with stock, from the stock ledger.
struct LotRow {
  std::string code;       ///< lot code
  std::string sku;        ///< item SKU
  std::string unit;       ///< storage unit (freezer) holding it, "" when in none
  double quantity = 0.0;  ///< on hand, in the item's unit
  double expiry_s = -1;   ///< expiry, s since start (negative: none)
  bool released = false;  ///< QC released (else quarantined or rejected)
};

/// An open purchase order.
struct OrderRow {
  std::string po;         ///< "PO-<n>"
  std::string sku;        ///< item
  std::string supplier;   ///< supplier (free text)
  std::string state;      ///< requested, approved, ordered, shipped
  double quantity = 0.0;  ///< ordered quantity
};

/// A node another twin adds to the site map (supplier, hub, DTN node, microgrid bus, ...).
struct MapNodeInfo {
  std::string id;           ///< unique id
  std::string kind;         ///< "supplier", "hub", "dtn_node", ...
  std::string label;        ///< display name
  std::uint8_t status = 0;  ///< 0 ok, 1 degraded, 2 down
};

/// An edge another twin adds to the site map, by node ids (sites and freezers included).
struct MapEdgeInfo {
  std::string a, b;  ///< node ids
  std::string kind;  ///< "lane", "link", ...
};

/// One contact of a DTN contact plan, one direction, in s since the start.
struct DtnContact {
  std::uint64_t from = 0;  ///< transmitting node
  std::uint64_t to = 0;    ///< receiving node
  double start_s = 0.0;    ///< contact start
  double end_s = 0.0;      ///< contact end
  double rate = 0.0;       ///< bytes/s
};

/// A DTN node and its bundle storage (peak and time-mean so far, from the run's KPIs).
struct DtnNodeState {
  std::uint64_t node = 0;      ///< node number (ipn:N)
  std::string site;            ///< site id, empty for a relay
  double storage_limit = 0.0;  ///< bytes
  double storage_peak = -1.0;  ///< largest bytes stored so far (-1: unknown)
  double storage_mean = -1.0;  ///< time-averaged bytes stored so far (-1: unknown)
  double queued_now = -1.0;    ///< bundles stored at the node now (-1: unknown, e.g. playback)
  double stored_now = -1.0;    ///< bytes stored now (-1: unknown)
};

/// The DTN links (the scenario's `dtn:` block): nodes, the contact plan and bundle counts.
struct DtnState {
  bool enabled = false;                                     ///< the scenario has a dtn block
  std::string hq;                                           ///< headquarters site
  std::vector<DtnNodeState> nodes;                          ///< nodes in the block's order
  std::shared_ptr<const std::vector<DtnContact>> contacts;  ///< the plan, by start (shared)
  double bundles = -1.0;                                    ///< bundles sent so far (-1: unknown)
  double delivered = -1.0;                                  ///< delivered
  double expired = -1.0;                                    ///< expired before delivery
  double dropped = -1.0;  ///< dropped (storage full, lost without custody)
  double pending = -1.0;  ///< stored or on a link now
};

/// A site with its rooms (for the site map).
struct SiteInfo {
  std::string id;                  ///< site id
  std::string name;                ///< display name
  std::vector<std::string> rooms;  ///< room ids in file order
};

/// Everything one frame needs, as of `now_s`.
struct Snapshot {
  std::uint64_t version = 0;           ///< increases with every publication
  std::string scenario;                ///< meta.name
  std::int64_t start_us = 0;           ///< scenario start, us since the Unix epoch (UTC)
  std::int64_t utc_offset_s = 0;       ///< local time = UTC + offset
  double now_s = 0.0;                  ///< simulated time, s since the start
  double live_s = 0.0;                 ///< newest simulated time (> now_s while scrubbing back)
  double horizon_s = 0.0;              ///< run length, s
  bool paused = true;                  ///< the worker is paused
  bool finished = false;               ///< the run reached its horizon (or stopped on error)
  std::string error;                   ///< why the model stopped, when it failed
  double speed = 0.0;                  ///< simulated s per wall s (0 = as fast as possible)
  std::uint64_t events_total = 0;      ///< domain events published so far (all, not only the tail)
  std::vector<SiteInfo> sites;         ///< sites and rooms
  std::vector<FreezerState> freezers;  ///< every freezer
  std::vector<EventRow> events;        ///< the tail of the event log, oldest first
  std::vector<KpiRow> kpis;            ///< KPIs as of now
  std::vector<TechnicianState> technicians;  ///< technicians
  std::vector<ItemLevel> items;              ///< stocked items
  std::vector<double> keyframes_s;           ///< times of the stored keyframes
  std::vector<LotRow> lots;                  ///< lots with stock (ledger order)
  std::vector<OrderRow> open_orders;         ///< purchase orders still open
  bool has_ledger = false;                   ///< lots and orders are known (live model)
  std::vector<MapNodeInfo> map_nodes;        ///< extra site-map nodes from other twins
  std::vector<MapEdgeInfo> map_edges;        ///< extra site-map edges from other twins
  std::string source;       ///< what is shown: empty for a live model, else the results file
  bool kpis_final = false;  ///< the KPIs are the recorded run's final values, not as of now_s
  std::vector<MicrogridState> microgrids;  ///< site microgrids (empty: no microgrid block)
  DtnState dtn;                            ///< DTN links (dtn.enabled false: none)
};

/// Indices of the contacts open at `t_s` (start <= t < end), in plan order.
std::vector<std::size_t> open_contacts(const DtnState& dtn, double t_s);
/// Indices of up to `n` contacts starting after `t_s`, soonest first.
std::vector<std::size_t> next_contacts(const DtnState& dtn, double t_s, std::size_t n);
/// The DTN site-map id of a node: "dtn/<node>".
std::string dtn_map_id(std::uint64_t node);
/// Brings the time-dependent DTN parts of a snapshot up to its `now_s` and KPIs: bundle
/// counts and node storage from the `dtn_*` KPIs, contact edges on the map marked
/// "contact_open" while some contact between the two nodes is open (else "contact").
void update_dtn(Snapshot& snap);

}  // namespace labtwin::viz
