#pragma once
/// @file Simulation observer: hooks for tracing, GUIs and statistics. Attaching none costs a
/// single branch per event.
#include "labtwin/sim/calendar.hpp"
#include "labtwin/sim/time.hpp"

namespace labtwin::sim {

/// Receives callbacks from Simulation; every hook defaults to a no-op.
class Observer {
 public:
  virtual ~Observer() = default;
  /// Called just before an event's callback runs (now() already equals info.time).
  virtual void on_event(const EventInfo& info) { (void)info; }
  /// Called when simulated time moves forward from `from` to `to` (before the event at `to`).
  virtual void on_time_advance(Time from, Time to) {
    (void)from;
    (void)to;
  }
  /// Called when run() / run_until() returns.
  virtual void on_end(Time now) { (void)now; }
};

}  // namespace labtwin::sim
