#pragma once
/// @file Items (SKUs) and their storage classes with safe temperature limits.
#include <cstdint>
#include <string>
#include <string_view>

namespace labtwin::core::inventory {

/// Where an item must be kept. Each class has a nominal set point and a safe range.
enum class StorageClass : std::uint8_t { Minus80C, Minus20C, Plus4C, Room, LN2Vapour, SparePart };

/// Temperature limits of a storage class, in degrees Celsius.
struct StorageLimits {
  double nominal_c{};   ///< set point of a storage unit of this class
  double min_safe_c{};  ///< coldest temperature the contents tolerate
  double max_safe_c;    ///< warmest temperature the contents tolerate (excursion threshold)
};

/// The limits of `c` (values and their sources are documented in docs/core.md, "Inventory").
StorageLimits storage_limits(StorageClass c);

/// True if a storage unit of class `unit` may hold an item of class `item`: the unit's
/// nominal set point lies inside the item's safe range.
bool can_store(StorageClass unit, StorageClass item);

/// Short name, e.g. "-80C".
std::string_view to_string(StorageClass c);

/// One stock-keeping unit.
struct Item {
  std::string sku{};       ///< external SKU code, unique
  std::string unit{};      ///< unit of measure, e.g. "vial", "mL", "ea"
  StorageClass storage{};  ///< required storage class
  double unit_value{};     ///< money per unit of measure
  bool operator==(const Item&) const = default;
};

}  // namespace labtwin::core::inventory
