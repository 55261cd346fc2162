#pragma once
/// @file A finished run (a results.h5 read by the CLI) as plain data, and its playback: a
/// SnapshotSource whose "now" is a cursor over the recorded history instead of a running model.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "labtwin/viz/sim_session.hpp"
#include "labtwin/viz/snapshot.hpp"
#include "labtwin/viz/snapshot_source.hpp"

namespace labtwin::viz {

/// A recorded step signal: value v[i] holds from t_s[i] until the next sample.
struct StepSeries {
  std::vector<double> t_s;  ///< sample times, s since start, non-decreasing
  std::vector<double> v;    ///< values
};

/// The value of a step series at `t_s` (`before` when t_s precedes the first sample).
double value_at(const StepSeries& s, double t_s, double before = 0.0);

/// A temperature at `t_s`, linear between samples and held outside them (NaN when empty).
double interpolate_at(const std::vector<double>& t_s, const std::vector<double>& v, double t);

/// One item's recorded levels (the run's `<sku>/on_hand` ... series).
struct ItemHistory {
  StepSeries on_hand;     ///< units present
  StepSeries available;   ///< released, unexpired, unreserved
  StepSeries on_order;    ///< on open purchase orders
  StepSeries backorders;  ///< demand owed
};

/// One site microgrid's recorded series (the run's `<site>/microgrid_*`; see
/// twin/src/lab_microgrid.cpp): state of charge (linear between samples), powers (steps),
/// islanded and shedding intervals.
struct MicrogridHistory {
  std::string site;                ///< site id
  double capacity_wh = 0.0;        ///< battery capacity (0: none or unknown)
  StepSeries soc;                  ///< state of charge, fraction (interpolated)
  StepSeries pv;                   ///< PV power available, W
  StepSeries demand;               ///< load demand, W
  StepSeries served;               ///< load served, W
  StepSeries import_w;             ///< grid import, W
  std::vector<Interval> islanded;  ///< grid down
  std::vector<Interval> shedding;  ///< some load shed
};

/// One row of a results file's `/ledger` table (docs/results-format.md).
struct LedgerRow {
  double t_s = 0.0;       ///< time, s since the start
  std::string kind;       ///< e.g. "inventory.received"
  std::string entity;     ///< lot code, location code, SKU or "PO-<n>"
  double quantity = 0.0;  ///< the event's quantity (NaN when it has none)
  std::string detail;     ///< `key=value` pairs (values with blanks double-quoted)
};

/// The value of `key` in a ledger detail (`k=v k2="a \"b\""`), unquoted; "" when absent.
std::string ledger_value(std::string_view detail, std::string_view key);

/// Folds the ledger rows up to `t_s` (time-ordered, as written) into the lots with stock (in
/// creation order, their storage unit: the nearest `storage_unit` location at or above theirs)
/// and the purchase orders still open (requested .. shipped): what the live model's ledger
/// shows at that time. Expiries are ISO-8601 UTC in the detail, made s since `start_us`.
void fold_ledger(const std::vector<LedgerRow>& rows, double t_s, std::int64_t start_us,
                 std::vector<LotRow>& lots, std::vector<OrderRow>& orders);

/// A whole recorded run.
struct Recording {
  /// The run as of its end: configuration, the whole history of every freezer and technician
  /// (intervals closed, at the latest, at the horizon), every event, the final KPIs, and items
  /// with their policy (levels are filled in per time from `items`).
  Snapshot run;
  std::vector<ItemHistory> items;            ///< parallel to run.items
  std::vector<MicrogridHistory> microgrids;  ///< site microgrids (scenario order)
  std::vector<LedgerRow> ledger;  ///< the /ledger table (lots and orders are folded from it)
  bool has_ledger = false;        ///< the file has a /ledger table
};

/// The recorded state at `t_s` (clamped to [0, horizon]): history and events up to t_s,
/// temperatures interpolated, compressor/door/alarm from their intervals, failures and damage
/// from the events, item levels from their series, the final KPIs (kpis_final set).
Snapshot recording_at(const Recording& rec, double t_s, bool with_history = true,
                      std::size_t event_tail = 4000);

/// How a recording plays.
struct PlaybackOptions {
  double speed = 3600.0;          ///< simulated s per wall s; 0 = straight to the end
  bool start_paused = false;      ///< begin paused
  double start_s = 0.0;           ///< the cursor's first position, s since start
  std::size_t event_tail = 4000;  ///< events kept in each snapshot
};

/// Plays a Recording: the cursor moves at `speed` while playing, steps and jumps move it
/// forward (a jump into the past is ignored, as in a live session: the UI scrubs instead);
/// every time up to the cursor can be scrubbed exactly. Thread-safe; no thread of its own.
class RecordedSession final : public SnapshotSource {
 public:
  /// Plays `rec` (kept alive by the session).
  RecordedSession(std::shared_ptr<const Recording> rec, const PlaybackOptions& options = {});

  /// Applies a command at once.
  void submit(const Command& command) override;
  /// The state at the cursor (advanced by the wall time since the last call while playing).
  std::shared_ptr<const Snapshot> snapshot() const override;
  /// The exact recorded state at `t_s` (clamped to the cursor), without history.
  std::shared_ptr<const Snapshot> keyframe_at(double t_s) const override;
  /// The cursor, s since start (without advancing it).
  double cursor() const;

 private:
  void advance_locked() const;

  std::shared_ptr<const Recording> rec_;
  PlaybackOptions options_;
  mutable std::mutex mutex_;  // guards everything below
  mutable double cursor_ = 0.0;
  mutable bool paused_ = false;
  mutable double speed_ = 0.0;
  mutable std::chrono::steady_clock::time_point last_wall_;
  mutable std::uint64_t version_ = 1;  // bumped by every change of what snapshot() shows
  mutable std::shared_ptr<const Snapshot> latest_;
  mutable std::shared_ptr<const Snapshot> key_;  // the last keyframe handed out
};

}  // namespace labtwin::viz
