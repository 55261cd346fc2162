#pragma once
/// @file Storage locations: a hierarchy site -> room -> storage unit -> rack -> box -> position.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "labtwin/core/inventory/ids.hpp"
#include "labtwin/core/inventory/item.hpp"

namespace labtwin::core::inventory {

/// Level of a location node. A child is always at a strictly deeper level than its parent
/// (levels may be skipped, e.g. a shelf unit holding boxes directly, without racks).
enum class LocationKind : std::uint8_t { Site, Room, StorageUnit, Rack, Box, Position };

/// Short name, e.g. "storage_unit".
std::string_view to_string(LocationKind k);

/// One node of the location tree.
struct Location {
  std::string code{};                      ///< external id, unique, e.g. "F-12"
  LocationKind kind = LocationKind::Site;  ///< level
  LocId parent = kNoLoc;                   ///< parent node (kNoLoc for a site)
  /// Maximum number of lots (occupied slots) held at or below this node; nullopt = unlimited.
  /// One lot = one container (tube, vial rack, carton) = one slot, whatever its quantity.
  std::optional<std::uint32_t> capacity{};
  /// Class of a storage unit (set on StorageUnit nodes; inherited below, nullopt above).
  std::optional<StorageClass> storage{};
  LocId site = kNoLoc;  ///< the site this node belongs to (itself for a site)
  LocId unit = kNoLoc;  ///< the storage unit at or above this node (kNoLoc above units)
  bool operator==(const Location&) const = default;
};

}  // namespace labtwin::core::inventory
