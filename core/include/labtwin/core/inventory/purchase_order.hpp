#pragma once
/// @file Purchase orders and their state machine (the receiving -> QC hold -> release saga).
#include <cstdint>
#include <string>
#include <string_view>

#include "labtwin/core/inventory/ids.hpp"

namespace labtwin::core::inventory {

/// State of a purchase order. Receiving moves Shipped -> QcHold (the received lot is in
/// quarantine); QC release / reject of that lot moves QcHold -> Released / Rejected.
enum class PoState : std::uint8_t {
  Requested,
  Approved,
  Ordered,
  Shipped,
  QcHold,
  Released,
  Rejected,
  Cancelled
};

/// Short name, e.g. "qc_hold".
std::string_view to_string(PoState s);

/// True if `from -> to` is an allowed transition: one step along the chain
/// Requested -> Approved -> Ordered -> Shipped -> QcHold -> Released | Rejected, or
/// cancellation from Requested, Approved or Ordered (not once the goods are shipped).
bool can_advance(PoState from, PoState to);

/// True while the PO counts as "on order": requested, approved, ordered or shipped.
bool is_on_order(PoState s);

/// One purchase order for one SKU.
struct PurchaseOrder {
  SkuId sku{};                         ///< what is ordered
  double quantity = 0.0;               ///< ordered quantity, in the item's unit
  LocId site = kNoLoc;                 ///< ship-to site (kNoLoc = unspecified)
  std::string supplier{};              ///< free text
  PoState state = PoState::Requested;  ///< current state
  LotId lot = kNoLot;                  ///< the lot created on receipt
  bool operator==(const PurchaseOrder&) const = default;
};

}  // namespace labtwin::core::inventory
