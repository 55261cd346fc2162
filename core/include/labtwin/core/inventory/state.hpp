#pragma once
/// @file LedgerState: the inventory state as a fold of events, with the queries policies use.
///
/// A LedgerState is a plain copyable value (a snapshot). `apply` is its only mutator; applying
/// the same events to equal states gives equal states (compared with operator==).
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "labtwin/core/inventory/commands.hpp"
#include "labtwin/core/inventory/events.hpp"
#include "labtwin/core/inventory/ids.hpp"
#include "labtwin/core/inventory/item.hpp"
#include "labtwin/core/inventory/location.hpp"
#include "labtwin/core/inventory/lot.hpp"
#include "labtwin/core/inventory/purchase_order.hpp"
#include "labtwin/core/ports.hpp"

namespace labtwin::core::inventory {

/// Quantities below this are treated as zero (absorbs rounding of fractional quantities).
inline constexpr double kQtyEpsilon = 1e-9;

/// One line of a pick plan or a reservation: a quantity from one lot.
struct PickLine {
  LotId lot{};            ///< lot
  double quantity = 0.0;  ///< quantity from that lot
  bool operator==(const PickLine&) const = default;
};

/// A reservation: lines of reserved stock on lots of one SKU.
struct Reservation {
  SkuId sku{};                    ///< item
  std::vector<PickLine> lines{};  ///< what is still reserved, per lot (0 once issued/released)
  /// True while some quantity is still reserved.
  bool open() const;
  bool operator==(const Reservation&) const = default;
};

/// What an accepted command with an idempotency key produced.
struct KeyedOutcome {
  std::uint64_t first_seq = 0;  ///< first event
  std::uint64_t last_seq = 0;   ///< last event
  std::uint32_t id = kNoIndex;  ///< handle created
  bool operator==(const KeyedOutcome&) const = default;
};

/// Per-SKU running totals (the books).
struct SkuBook {
  double received = 0.0;         ///< sum of receipts
  double issued = 0.0;           ///< sum of issues
  double written_off = 0.0;      ///< sum of write-offs
  double adjusted = 0.0;         ///< signed sum of adjustments
  double on_hand = 0.0;          ///< sum of lot on_hand (maintained incrementally)
  double reserved = 0.0;         ///< sum of lot reserved (maintained incrementally)
  std::vector<LotId> lots{};     ///< lots with stock (on_hand > 0), unordered
  std::vector<PoId> pos{};       ///< every purchase order for this SKU
  std::vector<PoId> open_pos{};  ///< POs still on order (requested .. shipped): on_order()
  bool operator==(const SkuBook&) const = default;
};

/// The inventory state.
class LedgerState {
 public:
  /// Folds one event into the state. Events are trusted facts (produced by a Ledger after
  /// validation); a handle out of range throws std::out_of_range instead of corrupting memory.
  void apply(const Event& event);

  /// Sequence number of the last applied event (0 if none).
  std::uint64_t last_seq() const { return last_seq_; }

  // --- catalogue and string ids -------------------------------------------------------------
  /// The SKU with code `sku`, if registered.
  std::optional<SkuId> find_sku(std::string_view sku) const;
  /// The location with code `code`, if any.
  std::optional<LocId> find_location(std::string_view code) const;
  /// The lot with code `code`, if any.
  std::optional<LotId> find_lot(std::string_view code) const;
  /// Number of items.
  std::size_t item_count() const { return items_.size(); }
  /// Number of location nodes.
  std::size_t location_count() const { return locations_.size(); }
  /// Number of lots ever created.
  std::size_t lot_count() const { return lots_.size(); }
  /// Number of reservations ever created.
  std::size_t reservation_count() const { return reservations_.size(); }
  /// Number of purchase orders ever created.
  std::size_t po_count() const { return pos_.size(); }
  /// True if the handle refers to an existing entity.
  bool valid(SkuId id) const { return index(id) < items_.size(); }
  /// True if the handle refers to an existing entity.
  bool valid(LocId id) const { return index(id) < locations_.size(); }
  /// True if the handle refers to an existing entity.
  bool valid(LotId id) const { return index(id) < lots_.size(); }
  /// True if the handle refers to an existing entity.
  bool valid(ResId id) const { return index(id) < reservations_.size(); }
  /// True if the handle refers to an existing entity.
  bool valid(PoId id) const { return index(id) < pos_.size(); }
  /// The item (handle must be valid; throws std::out_of_range otherwise).
  const Item& item(SkuId id) const { return items_.at(index(id)); }
  /// The location node (throws std::out_of_range on a bad handle).
  const Location& location(LocId id) const { return locations_.at(index(id)); }
  /// The lot (throws std::out_of_range on a bad handle).
  const Lot& lot(LotId id) const { return lots_.at(index(id)); }
  /// The reservation (throws std::out_of_range on a bad handle).
  const Reservation& reservation(ResId id) const { return reservations_.at(index(id)); }
  /// The purchase order (throws std::out_of_range on a bad handle).
  const PurchaseOrder& po(PoId id) const { return pos_.at(index(id)); }
  /// The per-SKU books (throws std::out_of_range on a bad handle).
  const SkuBook& book(SkuId id) const { return books_.at(index(id)); }

  // --- location tree ------------------------------------------------------------------------
  /// Direct children of a node, in creation order.
  std::span<const LocId> children(LocId id) const;
  /// Nodes from the site down to `id` (inclusive).
  std::vector<LocId> path(LocId id) const;
  /// Codes from the site down to `id` joined by '/', e.g. "HQ/R1/F-12".
  std::string path_string(LocId id) const;
  /// True if `node` is `ancestor` or lies below it.
  bool is_within(LocId node, LocId ancestor) const;
  /// Lots with stock at or below `id`.
  std::uint32_t occupied(LocId id) const { return occupied_.at(index(id)); }
  /// Free slots at `id` (capacity - occupied), nullopt if the node has no capacity limit.
  std::optional<std::uint32_t> free_capacity(LocId id) const;
  /// True if one more lot fits at `dest`, counting every limited node on the way up and not
  /// counting nodes that already hold the lot (`from`, for a move; kNoLoc for a new lot).
  bool fits(LocId dest, LocId from = kNoLoc) const;
  /// Lots with stock at or below `id`, sorted by handle.
  std::vector<LotId> lots_in(LocId id) const;
  /// Money value (on_hand x unit value) of the lots at or below `id`.
  double value_in(LocId id) const;

  // --- stock queries ------------------------------------------------------------------------
  /// Quantity present (any QC state), optionally only at one site.
  double on_hand(SkuId sku, LocId site = kNoLoc) const;
  /// Quantity reserved, optionally only at one site.
  double reserved(SkuId sku, LocId site = kNoLoc) const;
  /// Quantity that can be reserved or issued: released, unexpired at `now`, unreserved.
  double available(SkuId sku, Instant now, LocId site = kNoLoc) const;
  /// Available quantity of one lot at `now`.
  double available(LotId lot, Instant now) const;
  /// Quantity on open POs not yet received (requested, approved, ordered, shipped); with a
  /// site, only POs shipping to that site.
  double on_order(SkuId sku, LocId site = kNoLoc) const;
  /// Lots with stock not yet expired at `now` whose expiry is at or before `now + span`,
  /// sorted by expiry then handle.
  std::vector<LotId> expiring_within(Instant now, Span span) const;
  /// Lots with stock that are expired at `now`, sorted by expiry then handle.
  std::vector<LotId> expired(Instant now) const;

  /// Plans a pick of `quantity` of `sku` at `now` into `out` (cleared first): available stock
  /// only (released, unexpired, unreserved), lots ordered by `strategy`, optionally one site.
  /// Returns the shortfall (0 if the plan covers the quantity). Allocation-free once `out`
  /// and the internal scratch have grown (the scratch makes concurrent calls on one state
  /// unsafe: give each thread its own copy).
  double plan_pick(SkuId sku, double quantity, Instant now, PickStrategy strategy, LocId site,
                   std::vector<PickLine>& out) const;
  /// Convenience form of plan_pick returning the lines (empty if the SKU is unknown).
  std::vector<PickLine> plan_pick(SkuId sku, double quantity, Instant now,
                                  PickStrategy strategy = PickStrategy::Fefo,
                                  LocId site = kNoLoc) const;

  /// The outcome recorded for an idempotency key, or nullptr.
  const KeyedOutcome* outcome(std::string_view key) const;

  /// Every violated invariant, described (empty when the state is consistent):
  /// on_hand >= 0 and 0 <= reserved <= on_hand per lot; reservations only on released lots;
  /// per SKU received - issued - written off + adjusted = on hand; incremental totals equal
  /// recomputed ones; no issue ever applied to a quarantined, rejected or expired lot;
  /// reservation lines add up to lot reservations; occupancy recomputed equals maintained and
  /// is within every capacity.
  std::vector<std::string> check_invariants() const;

  /// Full state equality (snapshot + replay tests).
  bool operator==(const LedgerState& other) const;

 private:
  void set_on_hand(LotId id, double value);
  void attach(LotId id);  // lot gained stock: count it in its SKU book and location
  void detach(LotId id);  // lot lost all stock
  void add_reserved(LotId id, double delta);

  std::uint64_t last_seq_ = 0;
  std::vector<Item> items_;
  std::vector<SkuBook> books_;
  std::vector<Location> locations_;
  std::vector<std::vector<LocId>> children_;
  std::vector<std::vector<LotId>> lots_at_;  // lots with stock directly at a node, unordered
  std::vector<std::uint32_t> occupied_;      // lots with stock at or below a node
  std::vector<Lot> lots_;
  std::vector<Reservation> reservations_;
  std::vector<PurchaseOrder> pos_;
  std::map<std::string, SkuId, std::less<>> sku_index_;
  std::map<std::string, LocId, std::less<>> location_index_;
  std::map<std::string, LotId, std::less<>> lot_index_;
  std::map<std::string, KeyedOutcome, std::less<>> outcomes_;
  std::uint64_t bad_issues_ = 0;        // audit: issues applied to non-issuable lots (must stay 0)
  mutable std::vector<LotId> scratch_;  // plan_pick candidates (not part of the value)
};

}  // namespace labtwin::core::inventory
