#pragma once
/// @file Value handle for a scheduled event: slot index plus generation.
#include <cstdint>

namespace labtwin::sim {

/// Identifies one scheduled event. A slot is reused after its event ran or was cancelled, and
/// its generation then changes, so a stale id never matches a newer event. Default = invalid.
struct EventId {
  std::uint32_t slot = 0xFFFFFFFFu;  ///< index into the calendar's slot pool
  std::uint32_t gen = 0;             ///< generation of that slot when the event was scheduled

  /// True unless default-constructed.
  constexpr bool valid() const { return slot != 0xFFFFFFFFu; }
  friend constexpr bool operator==(EventId, EventId) = default;
};

}  // namespace labtwin::sim
