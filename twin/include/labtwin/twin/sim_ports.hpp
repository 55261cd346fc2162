#pragma once
/// @file The core's ports implemented on the DES kernel: a clock that reads simulated time and
/// an event log that keeps what the core published.
#include <cstdint>
#include <vector>

#include "labtwin/core/ports.hpp"
#include "labtwin/sim/simulation.hpp"

namespace labtwin::twin {

/// core::Clock on simulated time: now = scenario start (UTC) + sim.now().
class SimClock final : public core::Clock {
 public:
  /// `start_us` is the scenario's start, microseconds since the Unix epoch.
  SimClock(const sim::Simulation& sim, std::int64_t start_us) : sim_(sim), start_us_(start_us) {}
  core::Instant now() const override { return core::Instant{start_us_ + sim_.now().ticks}; }
  /// Simulated time of an instant.
  sim::Time to_sim(core::Instant t) const { return sim::Time{t.us - start_us_}; }
  /// The instant of a simulated time.
  core::Instant to_instant(sim::Time t) const { return core::Instant{start_us_ + t.ticks}; }
  /// The scenario start.
  std::int64_t start_us() const { return start_us_; }

 private:
  const sim::Simulation& sim_;
  std::int64_t start_us_;
};

/// core::EventSink that keeps every event in order (the run's event log).
class EventLog final : public core::EventSink {
 public:
  void publish(const core::DomainEvent& e) override { events_.push_back(e); }
  /// Everything published so far.
  const std::vector<core::DomainEvent>& events() const { return events_; }

 private:
  std::vector<core::DomainEvent> events_;
};

}  // namespace labtwin::twin
