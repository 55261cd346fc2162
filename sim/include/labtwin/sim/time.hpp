#pragma once
/// @file Simulation time: signed 64-bit integer ticks of one microsecond.
///
/// One tick is 1 us, so an int64 spans +-292,000 years: decades of simulated lab operation
/// are far inside the range, and sub-second events (door openings, compressor switching)
/// are exact. Time is integer so that event ordering never depends on rounding.
#include <compare>
#include <cstdint>
#include <limits>

namespace labtwin::sim {

/// A point or a span of simulated time, in ticks of one microsecond.
struct Time {
  std::int64_t ticks = 0;  ///< microseconds

  static constexpr std::int64_t kTicksPerSecond = 1'000'000;

  static constexpr Time zero() { return Time{0}; }
  static constexpr Time max() { return Time{std::numeric_limits<std::int64_t>::max()}; }
  static constexpr Time us(std::int64_t n) { return Time{n}; }
  static constexpr Time ms(std::int64_t n) { return Time{n * 1'000}; }
  static constexpr Time s(std::int64_t n) { return Time{n * kTicksPerSecond}; }
  static constexpr Time min(std::int64_t n) { return Time{n * 60 * kTicksPerSecond}; }
  static constexpr Time h(std::int64_t n) { return Time{n * 3600 * kTicksPerSecond}; }
  static constexpr Time days(std::int64_t n) { return Time{n * 86400 * kTicksPerSecond}; }
  /// Rounds to the nearest tick (half away from zero).
  static constexpr Time from_seconds(double sec) {
    const double t = sec * static_cast<double>(kTicksPerSecond);
    return Time{static_cast<std::int64_t>(t < 0 ? t - 0.5 : t + 0.5)};
  }
  constexpr double seconds() const { return static_cast<double>(ticks) / kTicksPerSecond; }
  constexpr double hours() const { return seconds() / 3600.0; }

  constexpr auto operator<=>(const Time&) const = default;
  constexpr Time& operator+=(Time o) {
    ticks += o.ticks;
    return *this;
  }
  constexpr Time& operator-=(Time o) {
    ticks -= o.ticks;
    return *this;
  }
  friend constexpr Time operator+(Time a, Time b) { return Time{a.ticks + b.ticks}; }
  friend constexpr Time operator-(Time a, Time b) { return Time{a.ticks - b.ticks}; }
  friend constexpr Time operator*(Time a, std::int64_t k) { return Time{a.ticks * k}; }
  friend constexpr Time operator*(std::int64_t k, Time a) { return Time{a.ticks * k}; }
};

}  // namespace labtwin::sim
