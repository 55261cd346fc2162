#pragma once
/// @file Inventory events: the facts the ledger state is folded from.
///
/// Events are small value types holding compact ids. An accepted command appends one or more
/// events; `LedgerState::apply` is the only function that changes state.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "labtwin/core/inventory/ids.hpp"
#include "labtwin/core/inventory/item.hpp"
#include "labtwin/core/inventory/location.hpp"
#include "labtwin/core/inventory/purchase_order.hpp"
#include "labtwin/core/ports.hpp"

namespace labtwin::core::inventory {

/// Why stock left the books without being issued.
enum class WriteOffReason : std::uint8_t { Expired, TemperatureExcursion, Damaged, QcRejected };

/// Short name, e.g. "temperature_excursion".
std::string_view to_string(WriteOffReason r);

/// A SKU was added to the catalogue.
struct ItemRegistered {
  SkuId sku{};  ///< assigned handle
  Item item{};  ///< the item
  bool operator==(const ItemRegistered&) const = default;
};

/// A location node was added.
struct LocationAdded {
  LocId location{};                         ///< assigned handle
  std::string code{};                       ///< external id
  LocationKind kind = LocationKind::Site;   ///< level
  LocId parent = kNoLoc;                    ///< parent (kNoLoc for a site)
  std::optional<std::uint32_t> capacity{};  ///< lots at or below, nullopt = unlimited
  std::optional<StorageClass> storage{};    ///< class of a storage unit
  bool operator==(const LocationAdded&) const = default;
};

/// A new lot arrived (always in quarantine).
struct Received {
  LotId lot{};                      ///< assigned handle
  SkuId sku{};                      ///< item
  std::string code{};               ///< external lot id
  double quantity = 0.0;            ///< received quantity
  LocId location{};                 ///< put-away location
  std::optional<Instant> expiry{};  ///< expiry, if any
  PoId po = kNoPo;                  ///< purchase order, if any
  bool operator==(const Received&) const = default;
};

/// A lot passed QC.
struct QcReleased {
  LotId lot{};  ///< the lot
  bool operator==(const QcReleased&) const = default;
};

/// A lot failed QC (its stock is written off by a following WrittenOff event).
struct QcRejected {
  LotId lot{};  ///< the lot
  bool operator==(const QcRejected&) const = default;
};

/// Part of a lot was reserved for a reservation (one event per lot line).
struct Reserved {
  ResId reservation{};    ///< the reservation (new or existing)
  SkuId sku{};            ///< item
  LotId lot{};            ///< lot
  double quantity = 0.0;  ///< reserved quantity
  bool operator==(const Reserved&) const = default;
};

/// A reservation line was released without issue.
struct ReservationReleased {
  ResId reservation{};    ///< the reservation
  LotId lot{};            ///< lot
  double quantity = 0.0;  ///< released quantity
  bool operator==(const ReservationReleased&) const = default;
};

/// Stock left a lot for use.
struct Issued {
  LotId lot{};                 ///< lot
  double quantity = 0.0;       ///< issued quantity
  ResId reservation = kNoRes;  ///< reservation consumed, if any
  bool operator==(const Issued&) const = default;
};

/// A lot (or part of it, split into a new lot) moved to another location.
struct Transferred {
  LotId lot{};            ///< source lot
  LotId moved{};          ///< lot at the destination: `lot` for a whole move, else a new split
  LocId from{};           ///< origin
  LocId to{};             ///< destination
  double quantity = 0.0;  ///< moved quantity
  bool operator==(const Transferred&) const = default;
};

/// A counted correction (positive or negative) of a lot's quantity.
struct Adjusted {
  LotId lot{};         ///< lot
  double delta = 0.0;  ///< signed change
  std::string note{};  ///< why
  bool operator==(const Adjusted&) const = default;
};

/// Stock left the books as a loss.
struct WrittenOff {
  LotId lot{};                                      ///< lot
  double quantity = 0.0;                            ///< written-off quantity
  WriteOffReason reason = WriteOffReason::Damaged;  ///< why
  bool operator==(const WrittenOff&) const = default;
};

/// A purchase order was requested.
struct PoRequested {
  PoId po{};               ///< assigned handle
  SkuId sku{};             ///< item
  double quantity = 0.0;   ///< ordered quantity
  LocId site = kNoLoc;     ///< ship-to site
  std::string supplier{};  ///< free text
  bool operator==(const PoRequested&) const = default;
};

/// A purchase order moved to a new state.
struct PoAdvanced {
  PoId po{};                        ///< the order
  PoState to = PoState::Requested;  ///< new state
  LotId lot = kNoLot;               ///< the received lot (on the move to QcHold)
  bool operator==(const PoAdvanced&) const = default;
};

/// Any inventory event body.
using EventBody = std::variant<ItemRegistered, LocationAdded, Received, QcReleased, QcRejected,
                               Reserved, ReservationReleased, Issued, Transferred, Adjusted,
                               WrittenOff, PoRequested, PoAdvanced>;

/// One entry of the event log.
struct Event {
  std::uint64_t seq = 0;  ///< 1, 2, 3, ... without gaps
  Instant at{};           ///< clock time when the command was accepted
  EventBody body{};       ///< what happened
  /// Idempotency key of the command, on the first event of the command only.
  std::string key{};
  /// Number of events the command produced, on the first event of the command only.
  std::uint32_t batch = 1;
  bool operator==(const Event&) const = default;
};

/// The DomainEvent kind of a body, e.g. "inventory.issued".
std::string_view kind_of(const EventBody& body);

/// The handle a body creates (lot, reservation, PO, item or location), or kNoIndex.
std::uint32_t created_id(const EventBody& body);

}  // namespace labtwin::core::inventory
