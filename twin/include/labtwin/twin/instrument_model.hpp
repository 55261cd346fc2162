#pragma once
/// @file InstrumentModel: shared instruments on the DES kernel, driving the core's booking
/// ledger with random demand, run times, cancellations, no-shows, failures and repairs.
///
/// Configured by plain structs (no YAML). Two booking modes per instrument type:
/// - lead-time booking: a request prefers a start `lead_hours` ahead and takes the earliest
///   slot the ledger can give on any instrument of the type (BookingLedger::find_slot); it is
///   rejected when none exists within the book-ahead limit;
/// - instant booking (Erlang loss system): a request wants a slot starting now on any
///   instrument of the type; if every one is busy or down it is lost.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "labtwin/core/instruments/booking_ledger.hpp"
#include "labtwin/core/instruments/instrument.hpp"
#include "labtwin/core/inventory/ids.hpp"
#include "labtwin/core/ports.hpp"
#include "labtwin/core/schedule/maintenance.hpp"
#include "labtwin/core/schedule/shift_calendar.hpp"
#include "labtwin/sim/distributions.hpp"
#include "labtwin/sim/simulation.hpp"

namespace labtwin::core::inventory {
class Ledger;
}  // namespace labtwin::core::inventory

namespace labtwin::twin {

/// A planned service outage (e.g. a two-week vendor service), announced ahead of time.
struct ServiceWindow {
  double start_hours = 0.0;     ///< start, hours after the scenario start
  double duration_hours = 0.0;  ///< length, > 0
  double notice_hours = 0.0;    ///< placed this long before its start (bumps get this notice)
  int instrument = 0;           ///< 1-based instrument number within the type; 0 = all
};

/// Preventive maintenance per instrument through core's MaintenancePlanner: calendar- or
/// usage-based (run hours); a due service becomes a maintenance window at its due date (or as
/// soon as possible), placed `notice_hours` ahead.
struct PmSpec {
  core::PmTrigger trigger = core::PmTrigger::Calendar;  ///< calendar or usage
  double interval_hours = 24.0 * 90;                    ///< Calendar: hours between services
  double usage_hours = 500.0;                           ///< Usage: run hours between services
  double duration_hours = 8.0;                          ///< window length
  double notice_hours = 24.0 * 7;                       ///< window placed this long ahead
};

/// A spare part some faults need, from the stock ledger (storage class "spare part"). The part
/// is issued when the fault is diagnosed (at the breakdown); if none is available an emergency
/// order of one part is received after `order_lead_hours` and the repair (its ticket, with
/// technicians) only starts then.
struct SparePartSpec {
  core::inventory::SkuId sku{};         ///< the part
  core::inventory::LocId receive_at{};  ///< storage unit emergency orders are put away in
  double probability = 1.0;             ///< share of faults that need the part
  double order_lead_hours = 72.0;       ///< emergency order lead time
};

/// One instrument type: how many, its rules and hours, its demand and its failures.
struct InstrumentTypeSpec {
  std::string type = "instrument";                         ///< type name (ids: type-1...)
  int count = 1;                                           ///< instruments of the type
  core::ShiftCalendar hours{};                             ///< bookable hours (empty 24/7)
  core::instruments::BookingRules rules{};                 ///< booking rules
  double requests_per_hour = 1.0;                          ///< Poisson arrival rate
  sim::Distribution run_hours = sim::Exponential(1.0);     ///< run length, hours
  sim::Distribution lead_hours = sim::Deterministic(0.0);  ///< preferred start - request
  bool instant = false;                                    ///< Erlang loss mode
  double cancel_probability = 0.0;                         ///< booking later cancelled
  double no_show_probability = 0.0;                        ///< nobody comes
  double failure_probability = 0.0;  ///< a completed run failed: stock and time used, no yield
  double slowdown = 1.0;             ///< actual / nominal run time (>= 1; slots fit the actual)
  std::optional<sim::Weibull> time_to_failure_hours{};     ///< from repair to next failure
  sim::Distribution repair_hours = sim::Exponential(8.0);  ///< outage length, hours
  int users = 12;                                          ///< users u0.. (round robin)
  int projects = 4;                                        ///< projects p0.. (round robin)
  std::vector<core::instruments::BomLine> bom{};           ///< stock per run (needs stock)
  std::vector<ServiceWindow> service_windows{};            ///< planned outages
  std::optional<PmSpec> maintenance{};                     ///< preventive maintenance
  std::optional<SparePartSpec> spare_part{};               ///< part faults may need (needs stock)
  std::string site{};                                      ///< site code of the instruments
  std::string room{};                                      ///< room code of the instruments
  core::inventory::LocId stock_site = core::inventory::kNoLoc;  ///< BOM issued here (none: any)
};

/// The model's configuration.
struct InstrumentModelConfig {
  std::vector<InstrumentTypeSpec> types{};  ///< instrument types
  double horizon_hours = 24.0 * 365;        ///< simulated span
  double warmup_hours = 0.0;                ///< statistics start here
  std::uint64_t seed = 1;                   ///< scenario seed
  std::uint64_t replication = 0;            ///< replication index (independent streams)
  /// Repair technicians shared by every instrument (core Dispatcher, priority FIFO); a repair
  /// waits for a free one. 0 = every repair starts the moment the instrument breaks.
  int technicians = 0;
  /// Scenario start, microseconds since the Unix epoch (default Monday 2026-01-05 00:00 UTC).
  std::int64_t start_us = 1'767'571'200'000'000;
};

/// Per-instrument KPIs over the measurement window [warmup, horizon].
struct InstrumentKpi {
  std::string id;                  ///< instrument id, e.g. "sequencer-2"
  std::string type;                ///< type
  double run_hours = 0.0;          ///< hours of runs (completed or in progress) inside the window
  double down_hours = 0.0;         ///< hours broken down inside the window
  double utilisation = 0.0;        ///< run_hours / window length
  double availability = 1.0;       ///< 1 - down_hours / window length
  std::int64_t failures = 0;       ///< breakdowns starting inside the window
  double maintenance_hours = 0.0;  ///< hours in maintenance windows inside the window
};

/// Per-type request KPIs over the measurement window.
struct InstrumentTypeKpi {
  std::string type;              ///< type name
  std::int64_t requests = 0;     ///< booking requests
  std::int64_t booked = 0;       ///< requests that got a slot
  double wait_p50_hours = 0.0;   ///< time from request to slot start, median (booked requests)
  double wait_p95_hours = 0.0;   ///< ... 95th percentile
  std::int64_t completed = 0;    ///< runs completed (good or failed)
  std::int64_t failed = 0;       ///< completed runs that failed (yielded nothing)
  double scheduled_hours = 0.0;  ///< working hours of the type's instruments in the window
  double up_hours = 0.0;         ///< ... of which not broken down
  double nominal_hours = 0.0;    ///< nominal run time of the completed runs
  double actual_hours = 0.0;     ///< actual run time of the completed runs (nominal x slowdown)
  double availability = 1.0;     ///< OEE availability: up_hours / scheduled_hours
  double performance = 1.0;      ///< OEE performance: nominal_hours / actual_hours
  double quality = 1.0;          ///< OEE quality: (completed - failed) / completed
  double oee = 1.0;              ///< availability x performance x quality (NaN: no runs)
};

/// Results of one run (counts over requests made inside the measurement window).
struct InstrumentModelResult {
  std::vector<InstrumentKpi> instruments;  ///< per instrument, in creation order
  std::vector<InstrumentTypeKpi> types;    ///< per type, in configuration order
  std::int64_t requests = 0;               ///< booking requests
  std::int64_t booked = 0;                 ///< requests that got a slot
  std::int64_t rejected = 0;               ///< lead-time mode: no slot within the book-ahead limit
  std::int64_t lost = 0;                   ///< instant mode: every instrument busy or down
  std::int64_t bumped = 0;                 ///< bookings bumped by outages (events in the window)
  std::int64_t lost_stockout = 0;          ///< runs lost at check-in to a short item
  std::int64_t lost_breakdown = 0;         ///< runs lost to breakdowns
  std::int64_t completed = 0;              ///< runs completed (good or failed)
  std::int64_t failed = 0;                 ///< completed runs that failed (yielded nothing)
  std::int64_t cancelled = 0;              ///< cancellations (in time or late)
  std::int64_t late_cancelled = 0;         ///< of which late
  std::int64_t no_shows = 0;               ///< no-shows
  std::int64_t maintenance_windows = 0;    ///< maintenance windows placed (PM and service)
  std::int64_t parts_used = 0;             ///< spare parts issued for repairs
  std::int64_t parts_stockouts = 0;        ///< repairs that waited for a part not on hand
  double wait_p50_hours = 0.0;    ///< time from request to slot start, median (booked requests)
  double wait_p95_hours = 0.0;    ///< ... 95th percentile
  double oee_availability = 1.0;  ///< sum of up hours / sum of scheduled hours, all instruments
  double oee_performance = 1.0;   ///< sum of nominal / sum of actual run time, completed runs
  double oee_quality = 1.0;       ///< good runs / completed runs (NaN: no completed runs)
  double oee = 1.0;               ///< oee_availability x oee_performance x oee_quality
  /// lost / requests (0 without requests).
  double lost_share() const;
};

/// Shared instruments on a simulation; the booking ledger is the source of truth.
class InstrumentModel {
 public:
  /// Builds the instruments (ids "<type>-<n>") on `sim`, whose clock starts at
  /// `config.start_us`. Throws std::invalid_argument naming a bad parameter. `stock` (optional)
  /// receives the bills of materials at check-in and must outlive the model. `sink` (optional)
  /// receives one event per booking or instrument state change (`booking.confirmed`,
  /// `booking.rejected`, `booking.checked_in`, `booking.completed`, `booking.run_failed`,
  /// `booking.lost`, `instrument.failed`, ...; docs/instruments.md) and must outlive the model.
  InstrumentModel(sim::Simulation& sim, InstrumentModelConfig config,
                  core::EventSink* sink = nullptr, core::inventory::Ledger* stock = nullptr);
  ~InstrumentModel();
  InstrumentModel(const InstrumentModel&) = delete;
  InstrumentModel& operator=(const InstrumentModel&) = delete;

  /// Schedules the first arrivals and failures (call once, before running the simulation).
  void start();
  /// KPIs up to the simulation's current time (call after running to the horizon).
  InstrumentModelResult results() const;
  /// The booking ledger.
  const core::instruments::BookingLedger& ledger() const;
  /// Told of every stock need the model put to the stock ledger: each BOM line of a run at
  /// check-in (issued = the run started; false = the run was lost to a stockout and nothing
  /// was issued) and each spare part a fault needed (issued = on hand). Runs lost to a
  /// breakdown before check-in need no stock and are not reported.
  using StockHook = std::function<void(core::inventory::SkuId sku, double quantity, bool issued)>;
  /// Sets the stock hook (empty: none).
  void set_stock_hook(StockHook hook);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Runs one replication to the horizon on a fresh simulation and returns its KPIs.
InstrumentModelResult run_instrument_model(const InstrumentModelConfig& config);

}  // namespace labtwin::twin
