#pragma once
/// @file Compact handles for inventory entities (dense indices); string codes live at the edge.
#include <cstdint>
#include <limits>

namespace labtwin::core::inventory {

/// Handle of an item (SKU): dense index in registration order.
enum class SkuId : std::uint32_t {};
/// Handle of a location node: dense index in creation order.
enum class LocId : std::uint32_t {};
/// Handle of a lot: dense index in creation order (receipts and transfer splits).
enum class LotId : std::uint32_t {};
/// Handle of a reservation: dense index in creation order.
enum class ResId : std::uint32_t {};
/// Handle of a purchase order: dense index in creation order.
enum class PoId : std::uint32_t {};

/// The raw value used for "no id" in every handle type.
inline constexpr std::uint32_t kNoIndex = std::numeric_limits<std::uint32_t>::max();
/// "No location" (e.g. no site filter, no parent).
inline constexpr LocId kNoLoc = LocId{kNoIndex};
/// "No lot".
inline constexpr LotId kNoLot = LotId{kNoIndex};
/// "No reservation".
inline constexpr ResId kNoRes = ResId{kNoIndex};
/// "No purchase order".
inline constexpr PoId kNoPo = PoId{kNoIndex};

/// The dense index behind a handle.
template <typename Id>
constexpr std::uint32_t index(Id id) {
  return static_cast<std::uint32_t>(id);
}

}  // namespace labtwin::core::inventory
