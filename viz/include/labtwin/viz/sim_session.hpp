#pragma once
/// @file The simulation session: owns a lab model on a worker thread, applies the UI's
/// commands between slices and publishes immutable Snapshots. The UI thread never touches the
/// model; the two share only the command queue and the published snapshot, both under a mutex.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "labtwin/twin/scenario_def.hpp"
#include "labtwin/viz/snapshot.hpp"
#include "labtwin/viz/snapshot_source.hpp"

namespace labtwin::viz {

/// How a session runs.
struct SessionOptions {
  double speed = 3600.0;            ///< simulated s per wall s; 0 = as fast as possible
  bool start_paused = true;         ///< begin paused (play() starts it)
  double sample_every_s = 60.0;     ///< temperature history grid, simulated s
  double keyframe_every_s = 600.0;  ///< keyframe spacing, simulated s (0 = none)
  std::size_t event_tail = 4000;    ///< events kept in each snapshot
  double max_slice_s = 3600.0;      ///< most simulated time advanced between command checks
  double publish_hz = 30.0;         ///< most snapshot publications per wall second while running
};

/// A command from the UI to the worker.
struct Command {
  /// What to do.
  enum class Kind : std::uint8_t { kPlay, kPause, kTogglePause, kStep, kSetSpeed, kJumpTo };
  Kind kind = Kind::kPause;  ///< what
  double value = 0.0;        ///< kStep: simulated s; kSetSpeed: factor; kJumpTo: s since start
};

/// A running lab model behind a worker thread.
class SimSession final : public SnapshotSource {
 public:
  /// Builds the model (throws std::invalid_argument naming what is inconsistent) and starts
  /// the worker thread.
  SimSession(const twin::ScenarioDef& scenario, const SessionOptions& options = {});
  /// Stops and joins the worker.
  ~SimSession() override;
  SimSession(const SimSession&) = delete;
  SimSession& operator=(const SimSession&) = delete;

  /// Queues a command; the worker applies commands in order before its next slice.
  void submit(const Command& command) override;
  /// Resumes running at the current speed.
  void play() { submit({Command::Kind::kPlay, 0.0}); }
  /// Pauses: simulated time stops.
  void pause() { submit({Command::Kind::kPause, 0.0}); }
  /// Advances by `seconds` of simulated time (paused or not).
  void step(double seconds) { submit({Command::Kind::kStep, seconds}); }
  /// Sets the pace: simulated s per wall s (0 = as fast as possible).
  void set_speed(double factor) { submit({Command::Kind::kSetSpeed, factor}); }
  /// Runs forward to `t_s` (s since start) as fast as possible; earlier times are ignored
  /// (the model never rewinds: scrub keyframes instead).
  void jump_to(double t_s) { submit({Command::Kind::kJumpTo, t_s}); }

  /// The latest published snapshot (never null; immutable, safe to keep).
  std::shared_ptr<const Snapshot> snapshot() const override;
  /// The last keyframe at or before `t_s`, or null when there is none.
  std::shared_ptr<const Snapshot> keyframe_at(double t_s) const override;
  /// Blocks until a published snapshot has now_s >= t_s (or the run finished); false on timeout.
  bool wait_until(double t_s, std::chrono::milliseconds timeout) const;
  /// Blocks until every command submitted so far has been applied and published.
  bool wait_idle(std::chrono::milliseconds timeout) const;

 private:
  struct Worker;
  void run_worker();
  void publish_error(const std::string& what);

  std::unique_ptr<Worker> worker_;  // touched only by the worker thread (after construction)
  SessionOptions options_;

  mutable std::mutex mutex_;  // guards everything below
  mutable std::condition_variable cv_;
  std::deque<Command> commands_;
  std::uint64_t submitted_ = 0;
  std::uint64_t applied_ = 0;
  bool stop_ = false;
  bool failed_ = false;  // the worker stopped on an exception
  std::shared_ptr<const Snapshot> latest_;
  std::vector<std::shared_ptr<const Snapshot>> keyframes_;
  std::thread thread_;
};

/// Adds the site-map nodes and edges of the scenario's other twins to `snap`: the supply
/// network (suppliers, hubs, lanes) and each site microgrid (grid connection, PV, battery,
/// generator, linked to the site).
void add_twin_map(const twin::ScenarioDef& scenario, Snapshot& snap);

/// The state at a keyframe with the latest history and events clipped to the keyframe's time:
/// what the UI shows while scrubbing back.
Snapshot compose_view(const Snapshot& latest, const Snapshot& keyframe);

}  // namespace labtwin::viz
