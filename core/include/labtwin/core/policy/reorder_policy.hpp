#pragma once
/// @file The reorder-policy interface: what a policy sees and what it answers.
///
/// A policy is decoupled from the inventory ledger: the caller (ledger, twin or a test) builds an
/// InventoryPosition value and asks for an order quantity; 0 means "no order".
///
/// Reorder convention used by every policy here (and by optimal_ss_poisson): an order is placed
/// when the inventory position is LESS THAN OR EQUAL TO the reorder level s ("<= s"). The only
/// exception is MinMaxPolicy, which follows the common ERP wording "below min" (strictly < min);
/// base stock orders whenever the position is below S. Comparisons are exact on doubles.
#include <string_view>

#include "labtwin/core/ports.hpp"

namespace labtwin::core {

/// What a reorder decision needs to know about one SKU (all quantities in stock units).
struct InventoryPosition {
  double on_hand = 0.0;     ///< physically in stock
  double on_order = 0.0;    ///< ordered, not yet received
  double backorders = 0.0;  ///< demand owed to customers
  double reserved = 0.0;    ///< on hand but promised (not available)
  /// Inventory position = on_hand + on_order - backorders - reserved.
  constexpr double position() const { return on_hand + on_order - backorders - reserved; }
};

/// Order-size constraints applied to a positive raw order quantity.
struct OrderRounding {
  double pack_size = 0.0;      ///< orders are whole multiples of this (0 = any quantity)
  double min_order_qty = 0.0;  ///< minimum order quantity, MOQ (0 = none)
  /// Rounds a raw quantity: <= 0 gives 0; otherwise raise to the MOQ, then up to whole packs.
  double apply(double raw) const;
};

/// Interface of every reorder policy.
class ReorderPolicy {
 public:
  virtual ~ReorderPolicy() = default;
  /// Quantity to order now given the current position (0 = no order). Periodic policies return
  /// 0 outside review instants.
  virtual double order_quantity(const InventoryPosition& pos, Instant now) = 0;
  /// True when `now` is a review instant (always true for continuous review).
  virtual bool is_review_time(Instant now) const = 0;
  /// The first review instant at or after `now` (`now` itself for continuous review).
  virtual Instant next_review(Instant now) const = 0;
  /// True for periodic-review policies.
  virtual bool is_periodic() const = 0;
  /// Demand-forecast hook: one period's total demand, for policies that learn (default: ignored).
  virtual void observe_demand(double /*quantity*/, Instant /*at*/) {}
  /// Short kind name as used in scenarios: "sS", "sQ", "RS", "RsS", "base_stock", "minmax",
  /// "forecast_sS".
  virtual std::string_view kind() const = 0;
};

}  // namespace labtwin::core
