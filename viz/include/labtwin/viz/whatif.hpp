#pragma once
/// @file What-if: edit policy parameters as variant-style overrides (`path -> value`) and run a
/// comparison of N replications against the base on a worker thread. The evaluation itself is
/// injected (a WhatIfRunner: the CLI wires the sweep engine), so viz needs no adapters and the
/// panel logic is testable with a fake runner.
#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace labtwin::viz {

/// One override of the scenario: a variant path and its new value as YAML text.
struct Override {
  std::string path;   ///< e.g. "policies.dispatch", "items[MAIN-ENZYME-001].policy.s"
  std::string value;  ///< e.g. "edf", "4"
};

/// An editable parameter shown in the what-if panel.
struct WhatIfParam {
  std::string path;                  ///< variant path
  std::string group;                 ///< heading: "policies", "technicians", "items", ...
  std::string label;                 ///< short label
  std::string base;                  ///< the scenario's value
  std::vector<std::string> choices;  ///< allowed values (empty: free text, e.g. a number)
};

/// One KPI compared: base and what-if means with Student-t CI half-widths, and the paired
/// difference (what-if - base) with its half-width.
struct WhatIfKpi {
  std::string name;          ///< KPI name
  std::string unit;          ///< its unit
  std::size_t n = 0;         ///< replications with a finite value (both sides)
  double base_mean = 0.0;    ///< base mean
  double base_hw = 0.0;      ///< base CI half-width (NaN when n < 2)
  double alt_mean = 0.0;     ///< what-if mean
  double alt_hw = 0.0;       ///< what-if CI half-width
  double diff_mean = 0.0;    ///< mean paired difference
  double diff_hw = 0.0;      ///< its CI half-width
  bool significant = false;  ///< the difference's CI excludes zero
};

/// The outcome of one comparison run.
struct WhatIfResult {
  std::string error;                ///< non-empty when the variant did not build or run
  std::vector<Override> overrides;  ///< what was compared
  std::size_t replications = 0;     ///< replications per side that finished
  double confidence = 0.95;         ///< CI level
  bool stopped = false;             ///< cancelled before every replication ran
  std::vector<WhatIfKpi> kpis;      ///< per KPI
};

/// Progress callback: replications finished so far and planned in all (both sides).
using WhatIfProgress = std::function<void(std::size_t done, std::size_t total)>;

/// Runs base and what-if `replications` times each; must honour `stop` (no new replication
/// once it is set) and may throw (the message becomes the result's error).
using WhatIfRunner =
    std::function<WhatIfResult(const std::vector<Override>& overrides, std::size_t replications,
                               const WhatIfProgress& progress, const std::atomic<bool>& stop)>;

/// The what-if controller: edited values (UI thread), one comparison at a time on its own
/// worker thread, progress and result polled by the UI.
class WhatIf {
 public:
  /// Parameters to offer and the runner that evaluates a comparison.
  WhatIf(std::vector<WhatIfParam> params, WhatIfRunner runner);
  /// Cancels a running comparison and joins its thread.
  ~WhatIf();
  WhatIf(const WhatIf&) = delete;
  WhatIf& operator=(const WhatIf&) = delete;

  /// The parameters offered.
  const std::vector<WhatIfParam>& params() const { return params_; }
  /// The edited values, one per parameter (start at the base values). UI thread only.
  std::vector<std::string>& values() { return values_; }
  /// The overrides: every edited value that differs from its base (trimmed), in param order.
  std::vector<Override> overrides() const;
  /// Starts a comparison of `replications` (>= 2) per side; false (and why in `error`) when one
  /// is running, nothing was changed or the count is too small.
  bool start(std::size_t replications, std::string& error);
  /// Asks the running comparison to stop (no new replication starts).
  void cancel();
  /// True while a comparison runs.
  bool running() const;
  /// Replications done and planned of the running (or last) comparison.
  std::pair<std::size_t, std::size_t> progress() const;
  /// The last finished comparison, or null.
  std::shared_ptr<const WhatIfResult> result() const;
  /// Blocks until no comparison runs (tests, screenshots).
  void wait() const;

  std::size_t replications = 10;  ///< the panel's replication count (UI thread)
  std::string filter;             ///< the panel's parameter filter (UI thread)
  std::string error;              ///< why the last start was refused (UI thread)

 private:
  void join();

  std::vector<WhatIfParam> params_;
  std::vector<std::string> values_;
  WhatIfRunner runner_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> running_{false};
  std::atomic<std::size_t> done_{0}, total_{0};
  mutable std::mutex mutex_;  // guards result_
  std::shared_ptr<const WhatIfResult> result_;
  std::thread thread_;
};

/// The what-if panel: parameters (filterable) with their base and edited values, the
/// replication count, Compare / Cancel, progress, and the results side by side with CIs.
void draw_whatif_panel(WhatIf& whatif);

}  // namespace labtwin::viz
