// Names, storage-class limits and the purchase-order transition table.
#include <string>
#include <type_traits>

#include "labtwin/core/inventory/commands.hpp"
#include "labtwin/core/inventory/events.hpp"
#include "labtwin/core/inventory/item.hpp"
#include "labtwin/core/inventory/location.hpp"
#include "labtwin/core/inventory/lot.hpp"
#include "labtwin/core/inventory/purchase_order.hpp"

namespace labtwin::core::inventory {

StorageLimits storage_limits(StorageClass c) {
  // Set points and safe ranges (see docs/core.md, "Inventory", for sources and rationale).
  switch (c) {
    case StorageClass::Minus80C:
      return {-80.0, -196.0, -60.0};
    case StorageClass::Minus20C:
      return {-20.0, -196.0, -10.0};
    case StorageClass::Plus4C:
      return {4.0, 2.0, 8.0};
    case StorageClass::Room:
      return {20.0, 15.0, 25.0};
    case StorageClass::LN2Vapour:
      return {-150.0, -196.0, -135.0};
    case StorageClass::SparePart:
      return {20.0, -40.0, 60.0};
  }
  return {20.0, 15.0, 25.0};
}

bool can_store(StorageClass unit, StorageClass item) {
  const double t = storage_limits(unit).nominal_c;
  const StorageLimits l = storage_limits(item);
  return t >= l.min_safe_c && t <= l.max_safe_c;
}

std::string_view to_string(StorageClass c) {
  switch (c) {
    case StorageClass::Minus80C:
      return "-80C";
    case StorageClass::Minus20C:
      return "-20C";
    case StorageClass::Plus4C:
      return "+4C";
    case StorageClass::Room:
      return "room";
    case StorageClass::LN2Vapour:
      return "LN2-vapour";
    case StorageClass::SparePart:
      return "spare-part";
  }
  return "?";
}

std::string_view to_string(LocationKind k) {
  switch (k) {
    case LocationKind::Site:
      return "site";
    case LocationKind::Room:
      return "room";
    case LocationKind::StorageUnit:
      return "storage_unit";
    case LocationKind::Rack:
      return "rack";
    case LocationKind::Box:
      return "box";
    case LocationKind::Position:
      return "position";
  }
  return "?";
}

std::string_view to_string(QcState s) {
  switch (s) {
    case QcState::Quarantine:
      return "quarantine";
    case QcState::Released:
      return "released";
    case QcState::Rejected:
      return "rejected";
  }
  return "?";
}

std::string_view to_string(PoState s) {
  switch (s) {
    case PoState::Requested:
      return "requested";
    case PoState::Approved:
      return "approved";
    case PoState::Ordered:
      return "ordered";
    case PoState::Shipped:
      return "shipped";
    case PoState::QcHold:
      return "qc_hold";
    case PoState::Released:
      return "released";
    case PoState::Rejected:
      return "rejected";
    case PoState::Cancelled:
      return "cancelled";
  }
  return "?";
}

std::string_view to_string(WriteOffReason r) {
  switch (r) {
    case WriteOffReason::Expired:
      return "expired";
    case WriteOffReason::TemperatureExcursion:
      return "temperature_excursion";
    case WriteOffReason::Damaged:
      return "damaged";
    case WriteOffReason::QcRejected:
      return "qc_rejected";
  }
  return "?";
}

std::string_view to_string(Error e) {
  switch (e) {
    case Error::None:
      return "none";
    case Error::UnknownSku:
      return "unknown_sku";
    case Error::UnknownLocation:
      return "unknown_location";
    case Error::UnknownLot:
      return "unknown_lot";
    case Error::UnknownReservation:
      return "unknown_reservation";
    case Error::UnknownPo:
      return "unknown_po";
    case Error::InvalidQuantity:
      return "invalid_quantity";
    case Error::InvalidArgument:
      return "invalid_argument";
    case Error::DuplicateId:
      return "duplicate_id";
    case Error::InsufficientStock:
      return "insufficient_stock";
    case Error::LotNotReleased:
      return "lot_not_released";
    case Error::LotRejected:
      return "lot_rejected";
    case Error::LotExpired:
      return "lot_expired";
    case Error::OverCapacity:
      return "over_capacity";
    case Error::IncompatibleStorage:
      return "incompatible_storage";
    case Error::InvalidHierarchy:
      return "invalid_hierarchy";
    case Error::InvalidTransition:
      return "invalid_transition";
  }
  return "?";
}

bool can_advance(PoState from, PoState to) {
  switch (to) {
    case PoState::Approved:
      return from == PoState::Requested;
    case PoState::Ordered:
      return from == PoState::Approved;
    case PoState::Shipped:
      return from == PoState::Ordered;
    case PoState::QcHold:
      return from == PoState::Shipped;
    case PoState::Released:
    case PoState::Rejected:
      return from == PoState::QcHold;
    case PoState::Cancelled:
      return from == PoState::Requested || from == PoState::Approved || from == PoState::Ordered;
    case PoState::Requested:
      return false;
  }
  return false;
}

bool is_on_order(PoState s) {
  return s == PoState::Requested || s == PoState::Approved || s == PoState::Ordered ||
         s == PoState::Shipped;
}

std::string split_lot_code(std::string_view code, LotId part) {
  std::string s(code);
  s += '.';
  s += std::to_string(index(part));
  return s;
}

std::string_view kind_of(const EventBody& body) {
  static constexpr std::string_view kNames[] = {"inventory.item_registered",
                                                "inventory.location_added",
                                                "inventory.received",
                                                "inventory.qc_released",
                                                "inventory.qc_rejected",
                                                "inventory.reserved",
                                                "inventory.reservation_released",
                                                "inventory.issued",
                                                "inventory.transferred",
                                                "inventory.adjusted",
                                                "inventory.written_off",
                                                "inventory.po_requested",
                                                "inventory.po_advanced"};
  static_assert(std::size(kNames) == std::variant_size_v<EventBody>);
  return kNames[body.index()];
}

std::uint32_t created_id(const EventBody& body) {
  return std::visit(
      [](const auto& b) -> std::uint32_t {
        using T = std::decay_t<decltype(b)>;
        if constexpr (std::is_same_v<T, ItemRegistered>) return index(b.sku);
        if constexpr (std::is_same_v<T, LocationAdded>) return index(b.location);
        if constexpr (std::is_same_v<T, Received>) return index(b.lot);
        if constexpr (std::is_same_v<T, Reserved>) return index(b.reservation);
        if constexpr (std::is_same_v<T, PoRequested>) return index(b.po);
        if constexpr (std::is_same_v<T, Transferred>) return index(b.moved);
        return kNoIndex;
      },
      body);
}

}  // namespace labtwin::core::inventory
