#pragma once
/// @file What the app draws from: a live SimSession or a recorded run played back. Both take
/// the UI's Commands and hand out immutable Snapshots; the app never knows which it has.
#include <memory>

#include "labtwin/viz/snapshot.hpp"

namespace labtwin::viz {

struct Command;

/// A source of snapshots that obeys the run controls' commands.
class SnapshotSource {
 public:
  virtual ~SnapshotSource() = default;
  /// Queues or applies a command (play, pause, step, speed, jump).
  virtual void submit(const Command& command) = 0;
  /// The current snapshot (never null; immutable, safe to keep).
  virtual std::shared_ptr<const Snapshot> snapshot() const = 0;
  /// The stored state at or before `t_s` (no history needed: compose_view adds it), or null.
  virtual std::shared_ptr<const Snapshot> keyframe_at(double t_s) const = 0;
};

}  // namespace labtwin::viz
