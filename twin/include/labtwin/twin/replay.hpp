#pragma once
/// @file Recorded signals that drive the twin instead of its physical models (telemetry
/// replay). The adapters read and map telemetry files into a ReplayInput; the lab model
/// validates the targets and schedules what the recording implies (alarm and damage crossings,
/// ambient steps, sensor gaps). See docs/telemetry.md.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace labtwin::twin {

/// How a replayed signal is read between samples.
enum class GapMode {
  kHold,    ///< the last sample holds until the next
  kLinear,  ///< straight line between neighbouring samples
};

/// One recorded signal bound to a twin input.
struct ReplayTrack {
  std::string entity;  ///< freezer or site id
  std::string signal;  ///< air_temperature, payload_temperature, compressor, ambient_temperature
  std::string source;  ///< where it came from (sensor id), for messages
  std::vector<double> t_s;    ///< sample times, seconds since the scenario start, non-decreasing
  std::vector<double> value;  ///< samples in the signal's unit (C, or 0/1 for compressor)

  /// The value at time t: before the first sample the first value, after the last the last,
  /// in between by `mode`. Requires a non-empty track.
  double at(double t, GapMode mode) const;
  /// Index of the last sample at or before t (0 when t is before the first).
  std::size_t segment(double t) const;
};

/// Everything a replay brings.
struct ReplayInput {
  std::vector<ReplayTrack> tracks;      ///< at most one per (entity, signal)
  GapMode gap_mode = GapMode::kLinear;  ///< `telemetry.gap_mode`
  std::optional<double> max_gap_s;      ///< a longer gap is a sensor failure (`telemetry.max_gap`)
};

/// Signals a replay can drive, as "entity kind/signal" pairs for messages.
inline constexpr const char* kReplayableSignals =
    "freezer air_temperature, payload_temperature, compressor; site ambient_temperature";

}  // namespace labtwin::twin
