#pragma once
/// @file The lab twin: sites, freezers, technicians and stock driving the operational core on
/// the DES kernel, built from a ScenarioDef. See docs/twins/lab.md.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "labtwin/core/ports.hpp"
#include "labtwin/sim/observer.hpp"
#include "labtwin/sim/signals.hpp"
#include "labtwin/sim/time.hpp"
#include "labtwin/twin/freezer_model.hpp"
#include "labtwin/twin/replay.hpp"
#include "labtwin/twin/run_result.hpp"
#include "labtwin/twin/scenario_def.hpp"

namespace labtwin::sim {
class Simulation;
}
namespace labtwin::core::inventory {
class Ledger;
}

namespace labtwin::twin {

/// How to run a scenario (overrides of the scenario's own settings).
struct RunOptions {
  std::optional<std::uint64_t> seed;      ///< replaces `seed:`
  std::optional<sim::Time> until;         ///< replaces `clock.horizon`
  std::uint64_t replication = 0;          ///< replication index (keys the random streams)
  std::vector<sim::Observer*> observers;  ///< attached to the kernel for the whole run
  /// Recorded signals that replace the physical models' (not owned; must outlive the model).
  const ReplayInput* replay = nullptr;
};

/// Stock facts of one item (at its demand site), for tests, reports and the GUI.
struct ItemStatus {
  double on_hand = 0.0;     ///< present at the site, any QC state
  double available = 0.0;   ///< released, unexpired, unreserved
  double on_order = 0.0;    ///< on open purchase orders
  double backorders = 0.0;  ///< demand owed
  double orders = 0.0;      ///< purchase orders placed so far
  double demand = 0.0;      ///< units demanded so far
  double filled = 0.0;      ///< units served at once from stock
};

/// Where a technician is now and what they do (a read-only view, for the GUI).
struct TechnicianWhere {
  std::string id;       ///< technician id
  std::string status;   ///< available, travelling, working, off_shift or on_call
  std::string ticket;   ///< ticket held ("" when idle)
  std::string site;     ///< site where they are (travelling: where they left from)
  std::string room;     ///< room there ("" for a site without rooms)
  std::string to_site;  ///< travelling: destination site ("" otherwise)
  std::string to_room;  ///< travelling: destination room
  double eta_s = -1.0;  ///< travelling: arrival, s since the start (-1: not travelling)
};

/// One site microgrid now (a read-only view, for the GUI): powers in W, energies in Wh.
struct MicrogridNow {
  std::string site;                ///< site id
  bool grid_up = true;             ///< grid available (false: islanded)
  bool generator_running = false;  ///< generator on the bus
  double soc = 0.0;                ///< battery state of charge, fraction (0: no battery)
  double capacity_wh = 0.0;        ///< battery capacity
  double fuel_l = 0.0;             ///< generator fuel in the tank, L
  double pv_w = 0.0;               ///< PV available
  double pv_used_w = 0.0;          ///< PV used (available - curtailed)
  double import_w = 0.0;           ///< grid import
  double export_w = 0.0;           ///< grid export
  double generator_w = 0.0;        ///< generator output
  double charge_w = 0.0;           ///< battery charge at the bus
  double discharge_w = 0.0;        ///< battery discharge at the bus
  double demand_w = 0.0;           ///< demand of the loads
  double served_w = 0.0;           ///< load served (demand - served: shed)
  std::vector<std::string> shed;   ///< loads without power now (ids, load order)
};

/// One DTN node's bundle storage now (a read-only view, for the GUI).
struct DtnNodeNow {
  std::uint64_t node = 0;    ///< node number (ipn:N)
  std::uint64_t queued = 0;  ///< bundles stored at the node now (not on a link)
  std::uint64_t bytes = 0;   ///< bytes stored now (custody copies included)
  std::uint64_t limit = 0;   ///< storage limit, bytes
};

/// The supply network's state now (a read-only view, for the GUI).
struct SupplyNow {
  std::vector<std::string> suppliers_down;  ///< suppliers in an outage now (scenario order)
  std::vector<std::string> lanes_closed;    ///< lanes closed now (scenario order)
};

/// A built lab model; run it in pieces (a GUI) or at once (run_scenario).
class LabModel {
 public:
  /// Builds every twin; throws std::invalid_argument naming what is inconsistent.
  LabModel(const ScenarioDef& scenario, const RunOptions& options = {});
  ~LabModel();
  LabModel(const LabModel&) = delete;
  LabModel& operator=(const LabModel&) = delete;

  /// Runs until simulated time `t` (capped at the horizon).
  void run_until(sim::Time t);
  /// Runs to the horizon.
  void run() { run_until(horizon()); }
  /// The run's end.
  sim::Time horizon() const;
  /// The kernel (for observers, stepping and the current time).
  sim::Simulation& simulation();
  /// KPIs and facts as of the current time.
  RunResult result() const;
  /// Stock facts of item `sku`; throws std::out_of_range for an unknown SKU.
  ItemStatus item_status(const std::string& sku) const;
  /// Everything the core published so far.
  const std::vector<core::DomainEvent>& event_log() const;
  /// The stock ledger (its event log is the run's inventory history).
  const core::inventory::Ledger& ledger() const;
  /// The model's signals (freezer temperatures, stock levels, ...): subscribe to record them.
  sim::SignalTable& signals();
  /// The scenario start, microseconds since the Unix epoch (UTC).
  std::int64_t start_us() const;
  /// Every technician's status and whereabouts now (registration order).
  std::vector<TechnicianWhere> technicians_now() const;
  /// Every site microgrid's flows and state now (empty without a `microgrid:` block).
  std::vector<MicrogridNow> microgrids_now() const;
  /// Every DTN node's storage now, ascending node number (empty without a `dtn:` block).
  std::vector<DtnNodeNow> dtn_nodes_now() const;
  /// Suppliers down and lanes closed now (empty without a `supply:` block).
  SupplyNow supply_now() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// The thermal parameters of a scenario freezer: the twin's defaults with the scenario's
/// `model:` values in place, its setpoint, band, alarm limit and its storage class's damage
/// limit. Throws std::invalid_argument naming the field for an invalid combination.
FreezerParams freezer_params_of(const FreezerDef& def);

/// Builds and runs a scenario to its horizon; measures the wall time.
RunResult run_scenario(const ScenarioDef& scenario, const RunOptions& options = {});

}  // namespace labtwin::twin
