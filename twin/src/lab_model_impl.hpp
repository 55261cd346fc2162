#pragma once
// Internal to twin/src: the lab model's entities and its Impl, shared by lab_model.cpp (freezers,
// technicians) and lab_stock.cpp (items, demand, replenishment).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <numbers>
#include <stdexcept>
#include <string>

#include "labtwin/core/dispatch/dispatcher.hpp"
#include "labtwin/core/inventory/ledger.hpp"
#include "labtwin/core/policy/policies.hpp"
#include "labtwin/core/schedule/shift_calendar.hpp"
#include "labtwin/sim/distributions.hpp"
#include "labtwin/sim/random.hpp"
#include "labtwin/sim/simulation.hpp"
#include "labtwin/sim/units.hpp"
#include "labtwin/twin/freezer_model.hpp"
#include "labtwin/twin/instrument_model.hpp"
#include "labtwin/twin/lab_model.hpp"
#include "labtwin/twin/replay.hpp"
#include "labtwin/twin/sim_ports.hpp"
#include "labtwin/twin/site_graph.hpp"

namespace labtwin::twin {
namespace inv = core::inventory;

// [SECTION] Constants and helpers ---------------------------------------------------------
namespace detail {

/// Event kinds (folded into the fingerprint with the entity index as target).
enum Kind : std::uint32_t {
  kFreezerThermal = 1,
  kDoorOpen,
  kDoorClose,
  kAmbientStep,
  kDoorPlan,
  kIncident,
  kRandomFailure,
  kAlarmRaise,
  kTechArrive,
  kWorkDone,
  kShiftSync,
  kRescueBox,
  kSelfRestore,
  kDemand,
  kReview,
  kDelivery,
  kExpiry,
  kReplayCrossing,
  kReplayAmbient,
  kSensorGap,
  kWarmup,
  kMicrogrid,
  kMicrogridJob,
  kSupply,  // supply network events (target: sub-kind << 24 | index)
  kDtn,     // DTN bundle events (lab_dtn.cpp)
};

constexpr double kDiagnoseSeconds = 10 * 60.0;  ///< alarm response: find the cause
constexpr double kQcSeconds = 15 * 60.0;        ///< receiving QC of one lot
constexpr double kPickDoorSeconds = 30.0;       ///< a pick opens its freezer's door this long
constexpr double kTripSeconds = 120.0;          ///< rescue: carry one rack to a backup unit
constexpr int kBoxesPerTrip = 5;                ///< rescue: boxes in one rack
constexpr double kTripDoorSeconds = 20.0;       ///< rescue: door open to pull one rack
constexpr double kAlarmSlaSeconds = 30 * 60.0;  ///< response SLA of an alarm ticket
/// Weekday daytime window for routine door openings (local hours) and the weekend share.
constexpr double kDoorDayStartH = 8.0, kDoorDayEndH = 18.0, kWeekendDoorFactor = 0.2;

inline inv::StorageClass storage_class_of(const std::string& text) {
  if (text == "-80C") return inv::StorageClass::Minus80C;
  if (text == "-20C") return inv::StorageClass::Minus20C;
  if (text == "4C" || text == "+4C") return inv::StorageClass::Plus4C;
  if (text == "room") return inv::StorageClass::Room;
  if (text == "LN2" || text == "ln2") return inv::StorageClass::LN2Vapour;
  throw std::invalid_argument("unknown storage class '" + text +
                              "' (expected -80C, -20C, 4C, room or LN2)");
}

inline sim::Distribution parse_dist(const std::string& text, const std::string& where) {
  auto parsed = sim::parse_distribution(text, [](std::string_view tok) -> std::optional<double> {
    auto r = sim::units::parse_duration(tok);
    if (r.ok()) return r.value;
    return sim::parse_plain_number(tok);
  });
  if (!parsed) throw std::invalid_argument(where + ": " + parsed.error);
  return *parsed.distribution;
}

inline double safe_sample(const sim::Distribution& d, sim::RandomStream& rng) {
  return std::max(0.0, sim::sample(d, rng));
}

/// Local weekday (0 = Monday) and hour of a UTC instant at a fixed offset.
inline std::pair<int, double> local_day_hour(std::int64_t utc_us, std::int64_t offset_s) {
  const double local_s = static_cast<double>(utc_us) / 1e6 + static_cast<double>(offset_s);
  const double days = std::floor(local_s / 86400.0);
  const auto day_index = static_cast<std::int64_t>(days);
  const int weekday = static_cast<int>(((day_index % 7) + 7 + 3) % 7);  // 1970-01-01: Thursday
  return {weekday, (local_s - days * 86400.0) / 3600.0};
}

inline double ambient_at(const AmbientDef& a, double local_hour) {
  return a.mean_c +
         a.daily_amplitude_k * std::cos(2.0 * std::numbers::pi * (local_hour - a.peak_hour) / 24.0);
}

inline double nan() { return std::numeric_limits<double>::quiet_NaN(); }

inline core::DispatcherConfig dispatcher_config(DispatchPolicy p) {
  core::DispatcherConfig c;
  switch (p) {
    case DispatchPolicy::edf:
      c.policy = core::PolicyKind::EarliestDeadline;
      break;
    case DispatchPolicy::nearest:
      c.policy = core::PolicyKind::NearestQualified;
      break;
    case DispatchPolicy::optimal:
      c.policy = core::PolicyKind::OptimalBatch;
      break;
    case DispatchPolicy::priority_fifo:
      c.policy = core::PolicyKind::PriorityFifo;
      break;
  }
  return c;
}

}  // namespace detail

// [SECTION] Entities -----------------------------------------------------------------------
namespace detail {

struct Freezer {
  FreezerDef def;
  std::size_t site = 0;
  core::LocationId place = 0;
  inv::LocId loc{};
  inv::SkuId sku{};
  FreezerModel model;
  sim::EventId next{};
  sim::EventId alarm_timer{};
  bool alarm_raised = false;
  bool door_ajar = false;
  int doors_open = 0;        // routine openings in progress
  bool fault = false;        // compressor failed, power lost or door ajar: needs a response
  bool damaged = false;      // payload beyond the storage class limit (lots written off)
  bool rescue_open = false;  // a rescue ticket is open for this unit
  bool repair_open = false;  // a repair ticket is open for this unit
  std::optional<sim::Distribution> ttf;
  sim::Distribution repair;
  sim::Distribution door_duration;
  sim::RandomStream door_rng, fail_rng, repair_rng;
  sim::SignalId sig = 0;        // first of: air, payload, compressor, door, alarm
  std::uint8_t emitted = 0xFF;  // compressor | door << 1 | alarm << 2 as last emitted
  // Replay: recorded tracks replacing the model's air / payload / compressor (null: model).
  const ReplayTrack* rp_air = nullptr;
  const ReplayTrack* rp_payload = nullptr;
  const ReplayTrack* rp_comp = nullptr;
  ReplayTrack derived_payload;  // payload driven by a replayed air track (no payload recorded)

  Freezer(FreezerDef d, FreezerParams p, sim::Distribution rep, sim::Distribution door,
          sim::RandomStream door_stream, sim::RandomStream fail_stream,
          sim::RandomStream repair_stream)
      : def(std::move(d)),
        model(std::move(p)),
        repair(std::move(rep)),
        door_duration(std::move(door)),
        door_rng(door_stream),
        fail_rng(fail_stream),
        repair_rng(repair_stream) {}
  bool powered_and_cooling() const { return !model.compressor_failed() && model.power_ok(); }
};

struct Tech {
  std::string id;
  sim::SignalId sig = 0;  // busy
  std::size_t site = 0;
  std::string ticket;         // current ticket, empty when idle
  sim::EventId pending{};     // arrival, work completion or next rescue box
  double busy_since = 0.0;    // sim seconds when the current ticket was taken
  double busy_seconds = 0.0;  // accumulated
  core::ShiftCalendar calendar;
};

struct TicketInfo {
  core::TicketKind kind{};
  std::size_t freezer = 0;       // the unit concerned (freezer tickets)
  std::size_t item = 0;          // the item concerned (receiving QC)
  inv::LotId lot = inv::kNoLot;  // the lot to inspect (receiving QC)
  bool arrived = false;
  bool reject = false;  // receiving QC rejects the lot (supply: temperature excursion)
};

/// One stocked item at its demand site: demand, replenishment and service accounting.
struct StockItem {
  ItemDef def;
  inv::SkuId sku{};
  std::size_t site = 0;
  inv::LocId site_loc{};
  inv::LocId store{};
  core::LocationId place = 0;                   // where receiving QC happens
  std::unique_ptr<core::ReorderPolicy> policy;  // null: never reordered
  std::optional<sim::Distribution> lead_time;   // absent: zero lead time
  std::optional<std::size_t> pick_freezer;      // the unit whose door a pick opens
  sim::RandomStream demand_rng, lead_rng;
  double rate_max = 0.0;  // thinning bound of the demand rate (1/s)
  double backorders = 0.0;
  double demand = 0.0, filled = 0.0, orders = 0.0, expired = 0.0, expired_value = 0.0;
  double stockout_since = -1.0, stockout_seconds = 0.0;  // time with nothing available
  std::uint64_t lots = 0;
  sim::SignalId sig = 0;  // first of: on_hand, available, on_order, backorders

  StockItem(ItemDef d, sim::RandomStream demand_stream, sim::RandomStream lead_stream)
      : def(std::move(d)), demand_rng(demand_stream), lead_rng(lead_stream) {}
};

struct FaultRecord {
  double start = 0.0;
  double alarm = nan();
  double response = nan();
  double rescued = nan();
};

}  // namespace detail

using namespace detail;  // NOLINT: the Impl below is built from these entities

struct LabModel::Impl {
  ScenarioDef sc;
  sim::Simulation sim;
  std::uint64_t seed;
  std::uint64_t replication;
  sim::Time end;
  std::int64_t start_us;
  SimClock clock;
  EventLog log;
  SiteGraph graph;
  inv::Ledger ledger;
  core::Dispatcher dispatcher;
  std::vector<Freezer> freezers;
  std::map<std::string, std::size_t, std::less<>> freezer_index;
  std::vector<Tech> techs;
  std::map<std::string, std::size_t, std::less<>> tech_index;
  std::map<std::string, TicketInfo, std::less<>> tickets;
  std::vector<FaultRecord> faults;
  std::vector<std::optional<std::size_t>> open_fault;  // per freezer: index into faults
  std::uint64_t ticket_seq = 0;
  std::vector<FreezerEvent> event_scratch;  // reused by sync()
  std::vector<StockItem> items;
  std::map<std::string, std::size_t, std::less<>> item_index;
  std::map<std::string, inv::LocId, std::less<>> stores;  // "site/class" -> storage unit
  std::vector<inv::LocId> site_locs;
  bool qc_staffed = false;  // some technician has the `qc` skill: receipts wait for QC
  sim::SignalTable signals;
  std::vector<double> site_ambient;            // current room temperature per site
  std::vector<sim::SignalId> site_sig;         // ambient_temperature per site
  std::vector<const ReplayTrack*> rp_ambient;  // per site, null: daily-cycle model
  const ReplayInput* replay = nullptr;
  GapMode gap_mode = GapMode::kLinear;
  double sensor_gaps = 0;
  // KPI accumulators
  double samples_lost = 0, samples_lost_value = 0, samples_rescued = 0;
  double alarms = 0, callouts = 0, stranded = 0;

  Impl(const ScenarioDef& s, const RunOptions& o);
  double now_s() const { return sim.now().seconds(); }
  sim::RandomStream stream(const std::string& name) const {
    return sim::RandomStream(seed, replication, name);
  }

  void build_sites();
  void build_technicians();
  void schedule_incidents();

  void sync(std::size_t f);
  void reschedule(std::size_t f);
  void on_thermal(std::size_t f);
  void handle(std::size_t f, const FreezerEvent& ev, bool from_replay = false);
  void raise_alarm(std::size_t f);
  void write_off(std::size_t f);
  void start_fault(std::size_t f);
  void clear_fault_if_healthy(std::size_t f);

  void plan_doors(std::size_t f);
  void open_door_for(std::size_t f, double seconds);
  void schedule_random_failure(std::size_t f);
  void apply_incident(const IncidentDef& inc);
  void ambient_step(std::size_t site);

  std::string open_ticket(core::TicketKind kind, std::size_t f, int priority, bool critical,
                          const std::string& skill, double estimate_s,
                          std::optional<TicketInfo> info = std::nullopt);

  void build_signals();
  const ReplayTrack* track_for(const std::string& entity, const char* signal) const;
  double replay_ambient_from(const ReplayTrack& track, double t) const;
  void schedule_replay_ambient(std::size_t si);
  void set_site_ambient(std::size_t si, double t_amb);
  void setup_replay();
  void schedule_track_crossings(std::size_t f, const ReplayTrack& track, double level, bool alarm);
  void schedule_gaps(const ReplayTrack& track);
  double air_at(std::size_t f, double t) const;
  double payload_at(std::size_t f, double t) const;
  bool compressor_on(std::size_t f) const;
  double freezer_energy(std::size_t f) const;
  double freezer_duty(std::size_t f) const;
  void publish_freezer(std::size_t f);
  void publish_item(std::size_t i);
  void publish_tech(std::size_t t);

  void build_items();
  inv::LocId store_for(std::size_t site, inv::StorageClass cls);
  void next_demand(std::size_t i);
  void on_demand(std::size_t i);
  void review(std::size_t i);
  void schedule_review(std::size_t i);
  void schedule_review_after(std::size_t i);
  void place_order(std::size_t i, double quantity);
  void receive(std::size_t i, inv::PoId po, double quantity);
  void released(std::size_t i);
  void expire(std::size_t i, inv::LotId lot);
  void update_stockout(std::size_t i);
  ItemStatus item_status(const std::string& sku) const;
  ItemStatus status_of(std::size_t i) const;  // item_status by index (no SKU lookup)
  void dispatch();
  void begin(const std::string& ticket, const std::string& tech, core::Instant arrival);
  void arrive(std::size_t t);
  void finish(std::size_t t);
  void finish_freezer_work(const TicketInfo& info);
  void rescue_next_box(std::size_t t);
  void shift_sync();
  std::optional<std::size_t> rescue_target(std::size_t f) const;

  /// Additive totals behind the KPIs, as of now (KPIs over [warmup, now] are differences).
  struct Totals {
    double samples_lost = 0, samples_lost_value = 0, samples_rescued = 0, stranded = 0;
    double alarms = 0, callouts = 0, sensor_gaps = 0;
    double energy = 0, on_time = 0;  // summed over freezers
    double busy = 0, shift = 0;      // technician seconds
    double demand = 0, filled = 0, stockout_s = 0, orders = 0, expired_value = 0;
  };
  Totals totals() const;
  std::optional<Totals> warmup_totals;  // totals at clock.warmup (absent: no warm-up)
  RunResult result() const;

  // Shared instruments (absent without `instruments.types`): on the same kernel, issuing their
  // runs' bills of materials and spare parts from `ledger`; their stock needs are counted as
  // item demand (on_instrument_stock). Declared last: destroyed before the ledger and kernel.
  void build_instruments();
  void on_instrument_stock(inv::SkuId sku, double quantity, bool issued);
  void append_instrument_kpis(std::vector<Kpi>& kpis) const;
  std::map<std::uint32_t, std::size_t> item_of_sku;  // SkuId index -> items index
  std::unique_ptr<InstrumentModel> instruments;

  // Site microgrids (absent without `microgrid.sites`; lab_microgrid.cpp): every freezer's
  // compressor is a load on its site's grid, cut off when the bus cannot carry it.
  struct MicrogridGlue;
  struct MicrogridGlueDeleter {
    void operator()(MicrogridGlue* p) const;
  };
  void build_microgrid();
  void microgrid_freezer_changed(std::size_t f);
  void microgrid_settle(std::size_t site);
  void microgrid_job(std::size_t job, bool on);
  void append_microgrid_kpis(std::vector<Kpi>& kpis) const;
  void microgrid_now(std::vector<MicrogridNow>& out) const;  // read-only view (GUI)
  void add_microgrid_signals();                              // <site>/microgrid_* (build_signals)
  void publish_microgrid(std::size_t site);                  // their values now, when listened
  std::unique_ptr<MicrogridGlue, MicrogridGlueDeleter> microgrid;

  // Supply-chain network (absent without `supply`; lab_supply.cpp): items with a sourcing entry
  // order through it instead of their lead_time. Declared last: destroyed first.
  struct SupplyGlue;
  struct SupplyGlueDeleter {
    void operator()(SupplyGlue* p) const;
  };
  void build_supply();
  // false: not network-sourced; `count`: count it in the item's orders (a DTN request already did)
  bool order_through_supply(std::size_t i, double quantity, bool count = true);
  bool supply_sources(std::size_t i) const;     // the item is sourced through the network
  double supply_on_order(std::size_t i) const;  // also network requests still on their way (DTN)
  void supply_stock_changed(std::size_t i);
  void append_supply_kpis(std::vector<Kpi>& kpis) const;
  void supply_now(SupplyNow& out) const;  // the GUI's view
  std::unique_ptr<SupplyGlue, SupplyGlueDeleter> supply;
  // DTN links (absent without `dtn:`): remote sites' requests, alarms and telemetry travel to
  // HQ as bundles (lab_dtn.cpp).
  struct DtnGlue;
  std::shared_ptr<DtnGlue> dtn;
  void build_dtn();
  bool dtn_defer_order(std::size_t i, double quantity);  // true: the request is a bundle
  void dtn_order_at_hq(std::size_t i, inv::PoId po, double quantity);
  void dtn_network_order_at_hq(std::size_t i, double quantity);  // sourced through the network
  double dtn_pending(std::size_t i) const;  // network-sourced units requested, not yet at HQ
  void dtn_alarm(std::size_t f);
  void dtn_telemetry(std::size_t site);
  void append_dtn_kpis(std::vector<Kpi>& kpis) const;
  void dtn_nodes_now(std::vector<DtnNodeNow>& out) const;  // the GUI's view
};

}  // namespace labtwin::twin
