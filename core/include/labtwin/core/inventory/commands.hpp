#pragma once
/// @file Inventory commands and their results.
///
/// Every command has an optional idempotency key (`key`, last member so designated
/// initialisers may omit it). A repeated key returns the original outcome and changes
/// nothing; only accepted commands bind their key (a rejected command changes nothing at all,
/// so it may be corrected and retried under the same key).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "labtwin/core/inventory/events.hpp"
#include "labtwin/core/inventory/ids.hpp"
#include "labtwin/core/inventory/item.hpp"
#include "labtwin/core/inventory/location.hpp"
#include "labtwin/core/ports.hpp"

namespace labtwin::core::inventory {

/// How to choose lots for a pick.
enum class PickStrategy : std::uint8_t {
  Fefo,  ///< first expired, first out (no-expiry lots last), ties by receipt order
  Fifo,  ///< first in, first out (receipt order)
};

/// Adds a SKU to the catalogue.
struct RegisterItem {
  Item item{};        ///< the item; `item.sku` must be new and non-empty
  std::string key{};  ///< idempotency key (empty = none)
};

/// Adds a location node.
struct AddLocation {
  std::string code{};                       ///< new, non-empty
  LocationKind kind = LocationKind::Site;   ///< level
  LocId parent = kNoLoc;                    ///< required for every kind except Site
  std::optional<std::uint32_t> capacity{};  ///< lots at or below, nullopt = unlimited
  std::optional<StorageClass> storage{};    ///< required on StorageUnit, forbidden elsewhere
  std::string key{};                        ///< idempotency key
};

/// Receives a new lot into quarantine (no purchase order).
struct Receive {
  SkuId sku{};                      ///< item
  std::string lot_code{};           ///< new, non-empty lot id
  double quantity = 0.0;            ///< > 0
  LocId location{};                 ///< storage unit or below, compatible storage class
  std::optional<Instant> expiry{};  ///< expiry, if any
  std::string key{};                ///< idempotency key
};

/// Releases a quarantined lot (and its PO, if any).
struct ReleaseQc {
  LotId lot{};        ///< lot in quarantine, not expired
  std::string key{};  ///< idempotency key
};

/// Rejects a quarantined or released lot: writes its stock off (reason QcRejected).
struct RejectQc {
  LotId lot{};        ///< lot
  std::string key{};  ///< idempotency key
};

/// Reserves stock of a SKU, choosing lots like a pick.
struct Reserve {
  SkuId sku{};                                 ///< item
  double quantity = 0.0;                       ///< > 0, at most the available stock
  PickStrategy strategy = PickStrategy::Fefo;  ///< lot order
  LocId site = kNoLoc;                         ///< only this site (kNoLoc = all)
  std::string key{};                           ///< idempotency key
};

/// Releases what remains of a reservation.
struct ReleaseReservation {
  ResId reservation{};  ///< an open reservation
  std::string key{};    ///< idempotency key
};

/// Issues stock of a SKU by a pick plan (from unreserved, released, unexpired stock).
struct Issue {
  SkuId sku{};                                 ///< item
  double quantity = 0.0;                       ///< > 0
  PickStrategy strategy = PickStrategy::Fefo;  ///< lot order
  LocId site = kNoLoc;                         ///< only this site (kNoLoc = all)
  std::string key{};                           ///< idempotency key
};

/// Issues from one named lot (unreserved part).
struct IssueLot {
  LotId lot{};            ///< released, unexpired lot
  double quantity = 0.0;  ///< > 0
  std::string key{};      ///< idempotency key
};

/// Issues everything that remains of a reservation.
struct IssueReservation {
  ResId reservation{};  ///< an open reservation whose lots are all still unexpired
  std::string key{};    ///< idempotency key
};

/// Moves a lot, or part of it (split into a new lot), to another location.
struct Transfer {
  LotId lot{};                       ///< lot with stock
  LocId to{};                        ///< destination: storage unit or below, compatible
  std::optional<double> quantity{};  ///< nullopt = the whole lot (reservations move with it)
  std::string key{};                 ///< idempotency key
};

/// Corrects a lot's quantity after a count.
struct Adjust {
  LotId lot{};         ///< lot
  double delta = 0;    ///< signed, non-zero; on_hand + delta must stay >= reserved
  std::string note{};  ///< why
  std::string key{};   ///< idempotency key
};

/// Writes stock of one lot off.
struct WriteOff {
  LotId lot{};                                      ///< lot with stock
  WriteOffReason reason = WriteOffReason::Damaged;  ///< Expired requires an expired lot
  std::optional<double> quantity{};                 ///< nullopt = all (releasing its reservations)
  std::string key{};                                ///< idempotency key
};

/// Writes off every lot at or below a storage unit (e.g. after a temperature excursion).
struct WriteOffUnit {
  LocId unit{};                                                  ///< any location node
  WriteOffReason reason = WriteOffReason::TemperatureExcursion;  ///< why
  std::string key{};                                             ///< idempotency key
};

/// Requests a purchase order.
struct RequestPo {
  SkuId sku{};             ///< item
  double quantity = 0.0;   ///< > 0
  LocId site = kNoLoc;     ///< ship-to site (a Site node or kNoLoc)
  std::string supplier{};  ///< free text
  std::string key{};       ///< idempotency key
};

/// Moves a PO to Approved, Ordered, Shipped or Cancelled (one step; see can_advance).
struct AdvancePo {
  PoId po{};                       ///< the order
  PoState to = PoState::Approved;  ///< Approved, Ordered, Shipped or Cancelled
  std::string key{};               ///< idempotency key
};

/// Receives a shipped PO: creates its lot in quarantine and moves the PO to QcHold.
struct ReceivePo {
  PoId po{};                        ///< a Shipped order
  std::string lot_code{};           ///< new lot id
  double quantity = 0.0;            ///< > 0 (may differ from the ordered quantity)
  LocId location{};                 ///< put-away location
  std::optional<Instant> expiry{};  ///< expiry, if any
  std::string key{};                ///< idempotency key
};

/// Any command.
using Command = std::variant<RegisterItem, AddLocation, Receive, ReleaseQc, RejectQc, Reserve,
                             ReleaseReservation, Issue, IssueLot, IssueReservation, Transfer,
                             Adjust, WriteOff, WriteOffUnit, RequestPo, AdvancePo, ReceivePo>;

/// Why a command was rejected.
enum class Error : std::uint8_t {
  None,
  UnknownSku,
  UnknownLocation,
  UnknownLot,
  UnknownReservation,
  UnknownPo,
  InvalidQuantity,
  InvalidArgument,
  DuplicateId,
  InsufficientStock,
  LotNotReleased,
  LotRejected,
  LotExpired,
  OverCapacity,
  IncompatibleStorage,
  InvalidHierarchy,
  InvalidTransition,
};

/// Short name, e.g. "insufficient_stock".
std::string_view to_string(Error e);

/// The outcome of a command.
struct Result {
  Error error = Error::None;    ///< None when accepted
  std::string reason{};         ///< human-readable reason of a rejection
  std::uint64_t first_seq = 0;  ///< first event appended (0 if none)
  std::uint64_t last_seq = 0;   ///< last event appended (0 if none)
  std::uint32_t id = kNoIndex;  ///< handle created (lot, reservation, PO, item, location)
  bool duplicate = false;       ///< true if the key was seen: the original outcome, replayed

  /// True if accepted (or a duplicate of an accepted command).
  bool ok() const { return error == Error::None; }
};

}  // namespace labtwin::core::inventory
