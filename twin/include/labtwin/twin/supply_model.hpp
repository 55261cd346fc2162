#pragma once
/// @file The supply-chain network on the DES kernel (docs/twins/supply-chain.md).
///
/// Sites order items; an order goes to the item's hub (which ships from its own stock, kept in
/// its own core ledger under its own reorder policy, and backorders the rest) or straight to the
/// item's supplier. A supplier rounds the order up to its MOQ and packs, makes it ready after its
/// lead time (complete with probability fill_rate, else partly: the rest follows after another
/// lead time, or the whole order waits when partial shipments are off), ships no more than its
/// capacity per period, and ships nothing while it is down (scheduled or stochastic outages).
/// Shipments carry lots hop by hop along the shortest route (time or cost; frozen items only on
/// cold-chain lanes), rerouted at every node, wait for scheduled departures and lane capacity,
/// and are held at a node under a customs hold. A frozen shipment is a thermal twin: a passive
/// shipper's dry ice (or an active shipper's battery) is a sim::Container drained by a process;
/// once it is empty the payload warms towards the ambient air, and a payload above its limit is
/// an excursion that the receiving QC rejects.
///
/// Conservation, checked after every state change of the network (std::logic_error if broken):
///   created by suppliers + initial stock = on hand (hubs, sites) + in transit + issued at sites
///                                          + written off (hubs, sites).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "labtwin/sim/time.hpp"
#include "labtwin/twin/supply_def.hpp"
#include "labtwin/twin/supply_network.hpp"

namespace labtwin::sim {
class Simulation;
}

namespace labtwin::twin {

/// Part of a lot carried by a shipment.
struct ShipmentLot {
  std::string code;                    ///< lot code given by the supplier
  double quantity = 0.0;               ///< units of this lot in the shipment
  std::optional<std::int64_t> expiry;  ///< us since epoch (absent: does not expire)
};

/// A shipment arriving at its destination site.
struct SupplyDelivery {
  std::size_t item = 0;                            ///< index into the model's items
  std::size_t shipment = 0;                        ///< shipment id (unique per run)
  double quantity = 0.0;                           ///< units delivered
  const std::vector<ShipmentLot>* lots = nullptr;  ///< the lots (valid during the call)
  bool excursion = false;                          ///< payload went above its limit: QC must reject
  double max_payload_c = 0.0;  ///< warmest payload en route (NaN: no thermal twin)
  double coolant_left = 0.0;   ///< dry ice kg / battery Wh left (NaN: no thermal twin)
  double depleted_at_s = 0.0;  ///< sim seconds when the coolant ran out (NaN: never)
};

/// Units a site holds of one item (for the network's conservation check).
struct SiteBalance {
  double on_hand = 0.0;      ///< in stock at the site (any QC state)
  double issued = 0.0;       ///< issued to users
  double written_off = 0.0;  ///< expired, rejected, lost
  double initial = 0.0;      ///< stock that did not come through the network
};

/// The sites the network delivers to (the lab model, or a test double).
class SupplySiteSink {
 public:
  virtual ~SupplySiteSink() = default;
  /// A shipment arrived at the item's site (put it away; reject it when `excursion`).
  virtual void on_delivery(const SupplyDelivery& delivery) = 0;
  /// The site's balance of the item.
  virtual SiteBalance site_balance(std::size_t item) const = 0;
  /// A demand surge starts (factor > 1) or ends (factor 1 / previous factor); default: ignored.
  virtual void on_demand_factor(std::size_t /*item*/, double /*factor*/) {}
};

/// One item the network supplies to one site.
struct SupplyItemSpec {
  std::string sku;                      ///< SKU
  std::string site;                     ///< demand site (a node id)
  double unit_value = 0.0;              ///< money per unit
  std::optional<sim::Time> shelf_life;  ///< from creation at the supplier (absent: none)
  SourcingDef sourcing;                 ///< supplier, hub, route, packaging, hub policy
};

/// Run settings of the model.
struct SupplyModelConfig {
  std::uint64_t seed = 1;             ///< scenario seed (random streams "supply/...")
  std::uint64_t replication = 0;      ///< replication index
  std::int64_t start_us = 0;          ///< wall clock of sim time 0 (us since epoch)
  std::uint32_t event_kind = 0x5355;  ///< fingerprint kind of the model's events
  bool check_conservation = true;     ///< check the balance after every change
};

/// Per-item totals.
struct SupplyItemStats {
  double ordered = 0.0;          ///< units ordered by the site
  double created = 0.0;          ///< units shipped by suppliers
  double in_transit = 0.0;       ///< units in shipments now
  double delivered = 0.0;        ///< units delivered to the site
  double on_order = 0.0;         ///< site orders not yet delivered
  double hub_on_hand = 0.0;      ///< at the hub now
  double hub_backorders = 0.0;   ///< site orders waiting at the hub
  double hub_written_off = 0.0;  ///< hub write-offs (expired, spoiled)
  double spoiled = 0.0;          ///< units that arrived with an excursion (hub or site)
  double site_orders = 0.0;      ///< orders placed by the site
};

/// Network totals.
struct SupplyStats {
  double shipments = 0;              ///< shipments dispatched (after splits)
  double shipping_cost = 0;          ///< lane costs
  double purchase_cost = 0;          ///< supplier prices
  double hub_holding_cost = 0;       ///< hub stock value x holding rate x time
  double spoiled_value = 0;          ///< value of units that arrived with an excursion
  double hub_expired_value = 0;      ///< value written off as expired at hubs
  double excursions = 0;             ///< shipments whose payload exceeded its limit
  double reroutes = 0;               ///< departures whose next lane differs from the planned one
  double stalled = 0;                ///< times a shipment found no open route
  double orders_completed = 0;       ///< site orders fully delivered
  double cycle_time_sum = 0;         ///< sum of their order-to-last-delivery times, s
  double cycle_time_max = 0;         ///< longest, s
  double conservation_checks = 0;    ///< balance checks passed
  double supplier_down_seconds = 0;  ///< summed over suppliers
};

/// The network on the kernel (see the file comment).
class SupplyModel {
 public:
  /// Builds the network (nodes: suppliers, hubs, then `sites`; lanes) and schedules the
  /// disruptions and outages. Throws std::invalid_argument naming the bad field.
  SupplyModel(sim::Simulation& sim, const SupplyDef& def, std::vector<SupplyItemSpec> items,
              const std::vector<std::string>& sites, SupplyModelConfig config,
              SupplySiteSink* sink);
  ~SupplyModel();
  SupplyModel(const SupplyModel&) = delete;
  SupplyModel& operator=(const SupplyModel&) = delete;

  /// A site order of `quantity` (> 0) units of item `item`.
  void order(std::size_t item, double quantity);
  /// Units the site ordered that have not arrived yet.
  double on_order(std::size_t item) const;
  /// Number of items.
  std::size_t item_count() const;
  /// Per-item totals now.
  SupplyItemStats item_stats(std::size_t item) const;
  /// Network totals now (holding cost accrued up to now).
  SupplyStats stats() const;
  /// The graph (routes, lanes).
  const SupplyNetwork& network() const;
  /// Checks the balance now; returns the imbalance (created + initial - accounted) per item.
  std::vector<double> imbalance() const;
  /// Whether supplier `id` is down now.
  bool supplier_down(const std::string& id) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace labtwin::twin
