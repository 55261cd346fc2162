#pragma once
/// @file The lab twin: sites, freezers, technicians and stock driving the operational core on
/// the DES kernel, built from a ScenarioDef. See docs/twins/lab.md.
#include <cstdint>
#include <memory>
#include <optional>
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
