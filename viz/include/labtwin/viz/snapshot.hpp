#pragma once
/// @file What the UI draws: plain copyable data published by the simulation worker. The UI
/// never sees the model; every panel is a function of a Snapshot and the UI's own state.
#include <cstdint>
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
  std::string location = {};      ///< where now: "site/room", "travelling", "" when unknown
};

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
};

}  // namespace labtwin::viz
