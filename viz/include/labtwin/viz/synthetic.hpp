#pragma once
/// @file A deterministic synthetic Snapshot of any size (for the frame bench and tests).
#include "labtwin/viz/snapshot.hpp"

namespace labtwin::viz {

/// `freezers` freezers over 4 sites x 5 rooms with `history_points` 1-min samples each (every
/// 7th freezer alarming), `events` log events, 8 technicians and 50 items; no randomness.
Snapshot synthetic_snapshot(int freezers, int events, int history_points);

}  // namespace labtwin::viz
