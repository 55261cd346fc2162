#pragma once
/// @file The `supply:` scenario block (docs/twins/supply-chain.md): suppliers, hubs, lanes,
/// disruptions and per-item sourcing. Plain structs with defaults, filled by the scenario loader
/// (adapters/src/scenario_supply.cpp); distributions are kept as text for sim/distributions.
///
/// Units as in scenario_def.hpp: durations sim::Time, temperatures degC, conductance W/K, heat
/// capacity J/K, power W, energy Wh (battery), masses kg, money in the scenario's currency.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "labtwin/sim/time.hpp"

namespace labtwin::twin {

/// `supply.suppliers[].outages:` stochastic outages, an alternating up/down renewal process.
struct SupplierOutagesDef {
  std::string time_between = "exp(180d)";  ///< distribution text: up time before an outage
  std::string duration = "exp(7d)";        ///< distribution text: length of an outage
};

/// `supply.suppliers[]:` a vendor. Orders are rounded up to the MOQ and to whole packs, become
/// ready after the lead time and leave subject to the capacity per period.
struct SupplierDef {
  std::string id;                                  ///< unique node id (no clash with hubs/sites)
  std::string lead_time = "const(0s)";             ///< distribution text: order to ready-to-ship
  double fill_rate = 1.0;                          ///< probability an order is ready complete
  bool partial_shipments = true;                   ///< short order: ship part now, rest later
  double moq = 0.0;                                ///< minimum order quantity (0 = none)
  double pack_size = 0.0;                          ///< orders are whole packs (0 = any quantity)
  double unit_price = 0.0;                         ///< money per unit
  double capacity = 0.0;                           ///< units shipped per period (0 = unlimited)
  sim::Time capacity_period = sim::Time::days(7);  ///< the capacity's period
  std::optional<SupplierOutagesDef> outages;       ///< stochastic outages (absent = none)
};

/// `supply.hubs[]:` a distribution hub (holds stock of the items sourced through it).
struct HubDef {
  std::string id;    ///< unique node id
  std::string name;  ///< display name
};

/// `supply.lanes[].schedule:` departures only at windows first, first + every, ...
struct LaneScheduleDef {
  sim::Time every = sim::Time::days(7);  ///< time between departures (> 0)
  sim::Time first;                       ///< first departure, offset from the scenario start
};

/// `supply.lanes[]:` a directed transport link between two nodes (supplier, hub or site ids).
struct LaneDef {
  std::string id;                           ///< unique; empty = "<from>-><to>"
  std::string from;                         ///< node id
  std::string to;                           ///< node id
  std::string transit = "const(1d)";        ///< distribution text: departure to arrival
  double cost_per_shipment = 0.0;           ///< money per shipment
  double cost_per_unit = 0.0;               ///< money per unit carried
  double capacity = 0.0;                    ///< units per departure (0 = unlimited)
  bool cold_chain = false;                  ///< may carry frozen shipments
  bool open = true;                         ///< open at the start
  double ambient_c = 20.0;                  ///< air around a shipment en route, degC
  std::optional<LaneScheduleDef> schedule;  ///< departure windows (absent = any time)
};

/// Disruption kinds (scenario events on the network).
enum class DisruptionKind { lane_closure, supplier_outage, demand_surge, customs_hold };

/// `supply.disruptions[]:` a scripted disruption over [at, at + duration).
struct DisruptionDef {
  DisruptionKind kind = DisruptionKind::lane_closure;  ///< what happens
  std::string target;      ///< lane id, supplier id, SKU (demand_surge) or node id (customs_hold)
  bool absolute = false;   ///< `at` was a date-time (else an offset from start)
  std::int64_t at_us = 0;  ///< us since epoch when absolute, else since start
  sim::Time duration = sim::Time::days(1);  ///< length (> 0)
  double factor = 2.0;                      ///< demand_surge: demand rate multiplier (> 0)
};

/// Packaging of a frozen shipment: a passive shipper on dry ice or an active (powered) one.
enum class PackagingType { none, passive, active };

/// `supply.sourcing[].packaging:` the shipper a frozen item travels in (thermal twin).
struct PackagingDef {
  PackagingType type = PackagingType::none;  ///< none: ambient goods, no thermal twin
  double dry_ice_kg = 10.0;                  ///< passive: dry ice packed (re-iced at hubs)
  double ua_w_per_k = 0.3;                   ///< shell conductance to the ambient air, W/K
  double heat_capacity_j_per_k = 4000.0;     ///< payload + inner shell, J/K
  double battery_wh = 2000.0;                ///< active: battery (recharged at hubs), Wh
  double power_w = 60.0;                     ///< active: electrical draw while cooling, W
  double setpoint_c = -80.0;                 ///< active: held payload temperature, degC
  double limit_c = -60.0;                    ///< payload above this = excursion (QC rejects)
};

/// `supply.sourcing[].hub_policy:` the hub's reorder policy for the item (multi-echelon).
struct HubPolicyDef {
  std::string type = "sS";     ///< sS | sQ | RS | RsS | base_stock | minmax
  std::optional<double> s;     ///< reorder point
  std::optional<double> S;     ///< order-up-to level
  std::optional<double> Q;     ///< fixed order quantity
  std::optional<sim::Time> R;  ///< review period
};

/// Route choice of a shipment.
enum class RouteObjectiveDef { time, cost };

/// `supply.sourcing[]:` how one item (an `items` SKU) reaches its demand site.
struct SourcingDef {
  std::string sku;                                    ///< item SKU (in `items`)
  std::string supplier;                               ///< supplier id
  std::string hub;                                    ///< hub id (empty: direct from supplier)
  RouteObjectiveDef route = RouteObjectiveDef::time;  ///< shortest time or cheapest
  bool frozen = false;                                ///< only cold-chain lanes
  PackagingDef packaging;                             ///< shipper (frozen items)
  std::optional<HubPolicyDef> hub_policy;             ///< required with a hub
  double hub_initial = 0.0;                           ///< hub stock at the start
};

/// `supply:` the supply-chain network (absent: items use their own `lead_time`).
struct SupplyDef {
  std::vector<SupplierDef> suppliers;      ///< vendors
  std::vector<HubDef> hubs;                ///< distribution hubs
  std::vector<LaneDef> lanes;              ///< transport links
  std::vector<DisruptionDef> disruptions;  ///< scripted disruptions
  std::vector<SourcingDef> sourcing;       ///< per-item sourcing
  double holding_rate_per_year = 0.2;      ///< holding cost: share of unit value per year
  double cost_reference_units = 1.0;       ///< cheapest route: per shipment + units x per unit
  bool empty() const { return suppliers.empty() && hubs.empty() && lanes.empty(); }  ///< absent
};

}  // namespace labtwin::twin
