#pragma once
/// @file The core's ports: how domain logic sees time and publishes what happened.
///
/// core/ knows nothing of simulation. In labtwin the twin layer implements these ports on the
/// DES kernel; a real lab system implements them on the wall clock and its message bus.
#include <compare>
#include <cstdint>
#include <string>

namespace labtwin::core {

/// A point in time: microseconds since 1970-01-01T00:00:00Z (UTC).
struct Instant {
  std::int64_t us = 0;
  constexpr auto operator<=>(const Instant&) const = default;
};

/// A length of time in microseconds.
struct Span {
  std::int64_t us = 0;
  static constexpr Span seconds(double s) { return Span{static_cast<std::int64_t>(s * 1e6)}; }
  static constexpr Span minutes(double m) { return seconds(m * 60.0); }
  static constexpr Span hours(double h) { return seconds(h * 3600.0); }
  static constexpr Span days(double d) { return seconds(d * 86400.0); }
  constexpr double to_seconds() const { return static_cast<double>(us) / 1e6; }
  constexpr double to_hours() const { return to_seconds() / 3600.0; }
  constexpr auto operator<=>(const Span&) const = default;
};

constexpr Instant operator+(Instant t, Span d) { return Instant{t.us + d.us}; }
constexpr Instant operator-(Instant t, Span d) { return Instant{t.us - d.us}; }
constexpr Span operator-(Instant a, Instant b) { return Span{a.us - b.us}; }
constexpr Span operator+(Span a, Span b) { return Span{a.us + b.us}; }

/// Port: where the core reads the current time.
class Clock {
 public:
  virtual ~Clock() = default;
  /// The current instant.
  virtual Instant now() const = 0;
};

/// One fact the core publishes: the same shape as a row of the results' event table.
struct DomainEvent {
  Instant at;          ///< when it happened
  std::string kind;    ///< e.g. "inventory.issued", "dispatch.assigned"
  std::string entity;  ///< the entity it concerns, e.g. a lot, ticket or technician id
  std::string detail;  ///< human-readable detail
};

/// Port: where the core publishes domain events (a recorder, a log, a message bus).
class EventSink {
 public:
  virtual ~EventSink() = default;
  /// Receives one event; must not call back into the publisher.
  virtual void publish(const DomainEvent& event) = 0;
};

/// A sink that drops everything (headless runs, tests).
class NullEventSink final : public EventSink {
 public:
  void publish(const DomainEvent&) override {}
};

/// A clock set by hand (tests, replays).
class ManualClock final : public Clock {
 public:
  explicit ManualClock(Instant t = {}) : now_(t) {}
  Instant now() const override { return now_; }
  /// Moves the clock to `t`.
  void set(Instant t) { now_ = t; }
  /// Moves the clock forward by `d`.
  void advance(Span d) { now_ = now_ + d; }

 private:
  Instant now_;
};

}  // namespace labtwin::core
