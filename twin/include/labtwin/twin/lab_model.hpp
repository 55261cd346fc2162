#pragma once
/// @file The lab twin: sites, freezers, technicians and stock driving the operational core on
/// the DES kernel, built from a ScenarioDef. See docs/twins/lab.md.
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "labtwin/core/ports.hpp"
#include "labtwin/sim/observer.hpp"
#include "labtwin/sim/time.hpp"
#include "labtwin/twin/run_result.hpp"
#include "labtwin/twin/scenario_def.hpp"

namespace labtwin::sim {
class Simulation;
}

namespace labtwin::twin {

/// How to run a scenario (overrides of the scenario's own settings).
struct RunOptions {
  std::optional<std::uint64_t> seed;      ///< replaces `seed:`
  std::optional<sim::Time> until;         ///< replaces `clock.horizon`
  std::uint64_t replication = 0;          ///< replication index (keys the random streams)
  std::vector<sim::Observer*> observers;  ///< attached to the kernel for the whole run
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

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Builds and runs a scenario to its horizon; measures the wall time.
RunResult run_scenario(const ScenarioDef& scenario, const RunOptions& options = {});

}  // namespace labtwin::twin
