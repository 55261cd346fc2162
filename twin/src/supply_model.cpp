// [SECTION] The supply-chain network on the kernel: suppliers, hubs (multi-echelon stock in a
// core ledger), shipments hop by hop along cached Dijkstra routes, the frozen shipper's thermal
// twin, disruptions and the conservation check (see supply_model.hpp).
#include "labtwin/twin/supply_model.hpp"

#include <algorithm>
#include <cmath>
#include <deque>
#include <limits>
#include <map>
#include <stdexcept>

#include "labtwin/core/inventory/ledger.hpp"
#include "labtwin/core/policy/policies.hpp"
#include "labtwin/sim/container.hpp"
#include "labtwin/sim/distributions.hpp"
#include "labtwin/sim/interrupt.hpp"
#include "labtwin/sim/random.hpp"
#include "labtwin/sim/simulation.hpp"
#include "labtwin/sim/units.hpp"
#include "labtwin/twin/sim_ports.hpp"

namespace labtwin::twin {
namespace inv = core::inventory;

namespace {

constexpr double kDryIceC = -78.5;                 // sublimation point of CO2 at 1 atm
constexpr double kDryIceLatentJPerKg = 571'000.0;  // enthalpy of sublimation at -78.5 C
constexpr double kNodeAmbientC = 20.0;             // air at hubs and sites (dock, customs shed)
constexpr double kThermalStepS = 3600.0;           // coolant drained in steps of at most 1 h
constexpr double kEps = 1e-9;
constexpr std::size_t npos = SupplyNetwork::npos;

double nan() { return std::numeric_limits<double>::quiet_NaN(); }

sim::Distribution parse_dist(const std::string& text, const std::string& where) {
  auto parsed = sim::parse_distribution(text, [](std::string_view tok) -> std::optional<double> {
    auto r = sim::units::parse_duration(tok);
    if (r.ok()) return r.value;
    return sim::parse_plain_number(tok);
  });
  if (!parsed) throw std::invalid_argument(where + ": " + parsed.error);
  return *parsed.distribution;
}

double draw(const sim::Distribution& d, sim::RandomStream& rng) {
  return std::max(0.0, sim::sample(d, rng));
}

// Model event sub-kinds (folded into the fingerprint target with an index).
enum Sub : std::uint32_t {
  kReady = 1,
  kCapacity,
  kLegStart,
  kArrive,
  kExcursion,
  kHubReview,
  kHubExpiry,
  kLaneClose,
  kLaneOpen,
  kOutageStart,
  kOutageEnd,
  kSurge,
  kHold,
};

std::uint32_t target(Sub s, std::size_t i) {
  return (static_cast<std::uint32_t>(s) << 24) | static_cast<std::uint32_t>(i & 0xFFFFFF);
}

core::PolicyDef hub_policy_def(const HubPolicyDef& p, const std::string& where,
                               std::int64_t origin_us) {
  auto need = [&](const std::optional<double>& v, const char* name) {
    if (!v) throw std::invalid_argument(where + "." + name + ": required for type " + p.type);
    return *v;
  };
  auto review = [&] {
    if (!p.R || p.R->ticks <= 0)
      throw std::invalid_argument(where + ".R: a positive review period is required for type " +
                                  p.type);
    return core::ReviewSchedule{core::Span{p.R->ticks}, core::Instant{origin_us}};
  };
  if (p.type == "sS") return core::SsDef{need(p.s, "s"), need(p.S, "S"), {}};
  if (p.type == "sQ") return core::SQDef{need(p.s, "s"), need(p.Q, "Q"), {}};
  if (p.type == "RS") return core::RSDef{review(), need(p.S, "S"), {}};
  if (p.type == "RsS") return core::RsSDef{review(), need(p.s, "s"), need(p.S, "S"), {}};
  if (p.type == "base_stock") return core::BaseStockDef{need(p.S, "S"), {}};
  if (p.type == "minmax") return core::MinMaxDef{need(p.s, "s"), need(p.S, "S"), {}};
  throw std::invalid_argument(where + ".type: unknown policy '" + p.type +
                              "' (expected sS, sQ, RS, RsS, base_stock or minmax)");
}

// FIFO of open orders (site or hub): what is still owed and since when.
struct OpenOrders {
  struct Line {
    double placed_s;
    double remaining;
  };
  std::deque<Line> lines;
  double total = 0.0;
  void add(double at, double q) {
    lines.push_back({at, q});
    total += q;
  }
  // Applies a receipt to the oldest lines; calls done(placed_s) for each line completed.
  template <class F>
  void receive(double q, F&& done) {
    while (q > kEps && !lines.empty()) {
      auto& l = lines.front();
      const double take = std::min(q, l.remaining);
      l.remaining -= take;
      total -= take;
      q -= take;
      if (l.remaining <= kEps) {
        total -= l.remaining;
        done(l.placed_s);
        lines.pop_front();
      }
    }
    if (lines.empty()) total = 0.0;
  }
};

}  // namespace

struct SupplyModel::Impl {
  struct Supplier {
    SupplierDef def;
    std::size_t node = 0;
    sim::Distribution lead;
    std::optional<sim::Distribution> up, down;
    sim::RandomStream lead_rng, fill_rng, outage_rng;
    int down_count = 0;
    double down_since = 0.0, down_seconds = 0.0;
    std::int64_t period = -1;          // capacity period index
    double used = 0.0;                 // units shipped in that period
    std::vector<std::size_t> waiting;  // orders ready while down (FIFO)
    Supplier(SupplierDef d, sim::Distribution l, sim::RandomStream a, sim::RandomStream b,
             sim::RandomStream c)
        : def(std::move(d)), lead(std::move(l)), lead_rng(a), fill_rng(b), outage_rng(c) {}
  };
  struct Lane {
    sim::Distribution transit;
    sim::RandomStream rng;
    double ambient_c = 20.0;
    double cost_shipment = 0.0, cost_unit = 0.0, capacity = 0.0;
    std::optional<LaneScheduleDef> schedule;
    std::int64_t window = -1;  // departure instant (ticks) the capacity below belongs to
    double used = 0.0;
    Lane(sim::Distribution t, sim::RandomStream r) : transit(std::move(t)), rng(r) {}
  };
  struct Item {
    SupplyItemSpec spec;
    std::size_t supplier = 0, site_node = 0, hub = npos;  // hub: index into hubs
    inv::SkuId hub_sku{};
    std::unique_ptr<core::ReorderPolicy> hub_policy;
    RouteObjective objective = RouteObjective::time;
    OpenOrders site_open, hub_open;
    std::deque<double> hub_queue;  // site orders waiting at the hub (units)
    double hub_backorders = 0.0;
    double ordered = 0, created = 0, in_transit = 0, delivered = 0, spoiled = 0, site_orders = 0;
    double hub_written_off = 0, hub_initial = 0;
    std::uint64_t lots = 0;
  };
  struct Hub {
    HubDef def;
    std::size_t node = 0;
    inv::LocId site{};
    std::map<int, inv::LocId> stores;  // storage class -> unit
  };
  struct SupplierOrder {
    std::size_t supplier, item, dest;
    double qty;
    bool to_hub;
  };
  struct Shipment {
    std::size_t item = 0, at = 0, dest = 0, hop = 0;
    double qty = 0.0;
    bool to_hub = false, done = false, frozen = false;
    std::vector<ShipmentLot> lots;
    std::vector<std::size_t> route;  // planned lanes from the node where it was last planned
    // Thermal twin (frozen with packaging): coolant level, payload temperature.
    bool thermal = false;
    std::unique_ptr<sim::Container> coolant;
    sim::ProcessHandle drain;
    double ambient = kNodeAmbientC;
    bool depleted = false, excursion = false;
    double t_ref = 0.0, temp_ref = 0.0, max_c = 0.0, depleted_at = nan();
    sim::EventId excursion_event{};
    double drain_rate = 0.0, step_start = 0.0;  // current drain step
    bool packed = false;                        // the drain runs once it left its origin
  };

  sim::Simulation& sim;
  SupplyDef def;
  SupplyModelConfig cfg;
  SupplySiteSink* sink;
  SimClock clock;
  inv::Ledger ledger;  // the hubs' stock
  SupplyNetwork net;
  std::vector<Supplier> suppliers;
  std::vector<Lane> lanes;
  std::vector<Hub> hubs;
  std::vector<Item> items;
  std::vector<double> hold_until;  // per node: customs hold ends (sim seconds)
  std::deque<SupplierOrder> sorders;
  std::deque<Shipment> ships;
  std::vector<std::size_t> stalled;  // shipments with no open route, retried on reopen
  SupplyStats st;
  double accrued_at = 0.0;  // hub holding cost accrued up to this sim time

  Impl(sim::Simulation& s, const SupplyDef& d, std::vector<SupplyItemSpec> specs,
       const std::vector<std::string>& sites, SupplyModelConfig c, SupplySiteSink* k)
      : sim(s), def(d), cfg(c), sink(k), clock(s, c.start_us), ledger(clock, nullptr) {
    build_nodes(sites);
    build_items(std::move(specs));
    schedule_disruptions();
    check();
  }

  double now_s() const { return sim.now().seconds(); }
  sim::RandomStream stream(const std::string& name) const {
    return sim::RandomStream(cfg.seed, cfg.replication, "supply/" + name);
  }
  template <class F>
  void at(double t_s, Sub sub, std::size_t idx, F&& f, int priority = 0) {
    sim.schedule_at(sim::Time::from_seconds(std::max(t_s, now_s())), std::forward<F>(f), priority,
                    cfg.event_kind, target(sub, idx));
  }
  template <class F>
  void at_time(sim::Time t, Sub sub, std::size_t idx, F&& f, int priority = 0) {
    sim.schedule_at(std::max(t, sim.now()), std::forward<F>(f), priority, cfg.event_kind,
                    target(sub, idx));
  }

  // [SECTION] Building -----------------------------------------------------------------------
  std::size_t node_of(const std::string& id, const std::string& where) const {
    auto n = net.node(id);
    if (!n) throw std::invalid_argument(where + ": unknown node '" + id + "'");
    return *n;
  }

  void build_nodes(const std::vector<std::string>& sites) {
    for (const auto& sd : def.suppliers) {
      const std::string where = "supply.suppliers[" + sd.id + "]";
      if (!(sd.fill_rate > 0 && sd.fill_rate <= 1))
        throw std::invalid_argument(where + ".fill_rate: must be in (0, 1]");
      if (sd.moq < 0 || sd.pack_size < 0 || sd.capacity < 0 || sd.unit_price < 0)
        throw std::invalid_argument(where +
                                    ": moq, pack_size, capacity and unit_price must be >= 0");
      if (sd.capacity > 0 && sd.capacity_period.ticks <= 0)
        throw std::invalid_argument(where + ".capacity_period: must be positive");
      Supplier s(sd, parse_dist(sd.lead_time, where + ".lead_time"),
                 stream("supplier/" + sd.id + "/lead"), stream("supplier/" + sd.id + "/fill"),
                 stream("supplier/" + sd.id + "/outage"));
      if (sd.outages) {
        s.up = parse_dist(sd.outages->time_between, where + ".outages.time_between");
        s.down = parse_dist(sd.outages->duration, where + ".outages.duration");
      }
      try {
        s.node = net.add_node(sd.id, SupplyNodeKind::supplier);
      } catch (const std::invalid_argument&) {
        throw std::invalid_argument(where + ".id: duplicate node id '" + sd.id + "'");
      }
      suppliers.push_back(std::move(s));
    }
    for (const auto& hd : def.hubs) {
      const std::string where = "supply.hubs[" + hd.id + "]";
      Hub h;
      h.def = hd;
      try {
        h.node = net.add_node(hd.id, SupplyNodeKind::hub);
      } catch (const std::invalid_argument&) {
        throw std::invalid_argument(where + ".id: duplicate node id '" + hd.id + "'");
      }
      auto r = ledger.execute(inv::AddLocation{.code = hd.id, .kind = inv::LocationKind::Site});
      if (!r.ok()) throw std::invalid_argument(where + ": " + r.reason);
      h.site = inv::LocId{r.id};
      hubs.push_back(std::move(h));
    }
    for (const auto& site : sites) {
      if (net.node(site)) {
        if (net.node_kind(*net.node(site)) != SupplyNodeKind::site)
          throw std::invalid_argument("supply: node id '" + site +
                                      "' is both a site and a supplier or hub");
        continue;
      }
      net.add_node(site, SupplyNodeKind::site);
    }
    hold_until.assign(net.node_count(), 0.0);
    for (const auto& ld : def.lanes) {
      const std::string id = ld.id.empty() ? ld.from + "->" + ld.to : ld.id;
      const std::string where = "supply.lanes[" + id + "]";
      NetworkLane nl;
      nl.id = id;
      nl.from = node_of(ld.from, where + ".from");
      nl.to = node_of(ld.to, where + ".to");
      if (nl.from == nl.to) throw std::invalid_argument(where + ": from and to are the same node");
      if (net.lane(id)) throw std::invalid_argument(where + ".id: duplicate lane id");
      if (ld.cost_per_shipment < 0 || ld.cost_per_unit < 0 || ld.capacity < 0)
        throw std::invalid_argument(where +
                                    ": cost_per_shipment, cost_per_unit and capacity must be >= 0");
      Lane lane(parse_dist(ld.transit, where + ".transit"), stream("lane/" + id + "/transit"));
      lane.ambient_c = ld.ambient_c;
      lane.cost_shipment = ld.cost_per_shipment;
      lane.cost_unit = ld.cost_per_unit;
      lane.capacity = ld.capacity;
      lane.schedule = ld.schedule;
      if (ld.schedule && ld.schedule->every.ticks <= 0)
        throw std::invalid_argument(where + ".schedule.every: must be positive");
      // Expected time: mean transit plus, for scheduled lanes, half a window on average.
      nl.time_weight = std::max(0.0, sim::mean(lane.transit)) +
                       (ld.schedule ? 0.5 * ld.schedule->every.seconds() : 0.0);
      nl.cost_weight = ld.cost_per_shipment + ld.cost_per_unit * def.cost_reference_units;
      nl.cold_chain = ld.cold_chain;
      nl.open = ld.open;
      net.add_lane(nl);
      lanes.push_back(std::move(lane));
    }
  }

  inv::LocId hub_store(Hub& h, inv::StorageClass cls) {
    const int key = static_cast<int>(cls);
    if (auto it = h.stores.find(key); it != h.stores.end()) return it->second;
    auto r = ledger.execute(
        inv::AddLocation{.code = h.def.id + "/store" + std::string(inv::to_string(cls)),
                         .kind = inv::LocationKind::StorageUnit,
                         .parent = h.site,
                         .storage = cls});
    if (!r.ok()) throw std::invalid_argument("supply.hubs[" + h.def.id + "]: " + r.reason);
    return h.stores[key] = inv::LocId{r.id};
  }

  void build_items(std::vector<SupplyItemSpec> specs) {
    for (auto& spec : specs) {
      const std::string where = "supply.sourcing[" + spec.sku + "]";
      Item it;
      const SourcingDef& so = spec.sourcing;
      bool found = false;
      for (std::size_t k = 0; k < suppliers.size(); ++k)
        if (suppliers[k].def.id == so.supplier) it.supplier = k, found = true;
      if (!found)
        throw std::invalid_argument(where + ".supplier: unknown supplier '" + so.supplier + "'");
      it.site_node = node_of(spec.site, where + ": demand site");
      it.objective =
          so.route == RouteObjectiveDef::cost ? RouteObjective::cost : RouteObjective::time;
      if (so.frozen && so.packaging.type != PackagingType::none) {
        const PackagingDef& p = so.packaging;
        if (!(p.ua_w_per_k > 0) || !(p.heat_capacity_j_per_k > 0))
          throw std::invalid_argument(
              where + ".packaging: ua_w_per_k and heat_capacity_j_per_k must be > 0");
        if (p.type == PackagingType::passive && !(p.dry_ice_kg > 0))
          throw std::invalid_argument(where + ".packaging.dry_ice_kg: must be > 0");
        if (p.type == PackagingType::active && (!(p.battery_wh > 0) || !(p.power_w > 0)))
          throw std::invalid_argument(where + ".packaging: battery_wh and power_w must be > 0");
      }
      if (!so.hub.empty()) {
        for (std::size_t h = 0; h < hubs.size(); ++h)
          if (hubs[h].def.id == so.hub) it.hub = h;
        if (it.hub == npos)
          throw std::invalid_argument(where + ".hub: unknown hub '" + so.hub + "'");
        if (!so.hub_policy)
          throw std::invalid_argument(where + ".hub_policy: required when the item has a hub");
        it.hub_policy =
            core::make_policy(hub_policy_def(*so.hub_policy, where + ".hub_policy", cfg.start_us));
        const auto cls = so.frozen ? inv::StorageClass::Minus80C : inv::StorageClass::Room;
        auto reg = ledger.execute(inv::RegisterItem{.item = {.sku = spec.sku + "@" + spec.site,
                                                             .unit = "ea",
                                                             .storage = cls,
                                                             .unit_value = spec.unit_value}});
        if (!reg.ok()) throw std::invalid_argument(where + ": " + reg.reason);
        it.hub_sku = inv::SkuId{reg.id};
        if (so.hub_initial < 0) throw std::invalid_argument(where + ".hub_initial: must be >= 0");
        it.hub_initial = so.hub_initial;
      }
      it.spec = std::move(spec);
      items.push_back(std::move(it));
    }
    for (std::size_t i = 0; i < items.size(); ++i) {
      Item& it = items[i];
      if (it.hub == npos) continue;
      if (it.hub_initial > 0) {
        const auto cls =
            it.spec.sourcing.frozen ? inv::StorageClass::Minus80C : inv::StorageClass::Room;
        hub_put(i, it.spec.sku + "/" + hubs[it.hub].def.id + "/initial", it.hub_initial,
                expiry_from_now(it), false, hub_store(hubs[it.hub], cls));
      }
      if (it.hub_policy->is_periodic())
        schedule_hub_review(i, clock.now());
      else
        hub_review(i);
    }
  }

  std::optional<std::int64_t> expiry_from_now(const Item& it) const {
    if (!it.spec.shelf_life) return std::nullopt;
    return clock.now().us + it.spec.shelf_life->ticks;
  }

  // [SECTION] Disruptions and outages ----------------------------------------------------------
  void schedule_disruptions() {
    for (std::size_t k = 0; k < def.disruptions.size(); ++k) {
      const DisruptionDef& d = def.disruptions[k];
      const std::string where = "supply.disruptions[" + std::to_string(k) + "]";
      const std::int64_t start = d.absolute ? d.at_us - cfg.start_us : d.at_us;
      if (start < 0) throw std::invalid_argument(where + ".at: before the scenario starts");
      if (d.duration.ticks <= 0) throw std::invalid_argument(where + ".duration: must be positive");
      const sim::Time t0{start}, t1 = sim::Time{start} + d.duration;
      switch (d.kind) {
        case DisruptionKind::lane_closure: {
          const auto l = net.lane(d.target);
          if (!l) throw std::invalid_argument(where + ".target: unknown lane '" + d.target + "'");
          at_time(
              t0, kLaneClose, *l, [this, l = *l] { set_lane(l, false); }, -2);
          at_time(
              t1, kLaneOpen, *l, [this, l = *l] { set_lane(l, true); }, -2);
          break;
        }
        case DisruptionKind::supplier_outage: {
          const std::size_t s = supplier_index(d.target, where + ".target");
          at_time(
              t0, kOutageStart, s, [this, s] { supplier_down(s, true); }, -2);
          at_time(
              t1, kOutageEnd, s, [this, s] { supplier_down(s, false); }, -2);
          break;
        }
        case DisruptionKind::demand_surge: {
          if (!(d.factor > 0)) throw std::invalid_argument(where + ".factor: must be > 0");
          bool any = false;
          for (std::size_t i = 0; i < items.size(); ++i) {
            if (items[i].spec.sku != d.target) continue;
            any = true;
            const double f = d.factor;
            at_time(
                t0, kSurge, i,
                [this, i, f] {
                  if (sink) sink->on_demand_factor(i, f);
                },
                -2);
            at_time(
                t1, kSurge, i,
                [this, i, f] {
                  if (sink) sink->on_demand_factor(i, 1.0 / f);
                },
                -2);
          }
          if (!any)
            throw std::invalid_argument(where + ".target: no sourced item has SKU '" + d.target +
                                        "'");
          break;
        }
        case DisruptionKind::customs_hold: {
          const std::size_t n = node_of(d.target, where + ".target");
          const double until = t1.seconds();
          at_time(
              t0, kHold, n, [this, n, until] { hold_until[n] = std::max(hold_until[n], until); },
              -2);
          break;
        }
      }
    }
    for (std::size_t s = 0; s < suppliers.size(); ++s)
      if (suppliers[s].up) schedule_random_outage(s);
  }

  std::size_t supplier_index(const std::string& id, const std::string& where) const {
    for (std::size_t s = 0; s < suppliers.size(); ++s)
      if (suppliers[s].def.id == id) return s;
    throw std::invalid_argument(where + ": unknown supplier '" + id + "'");
  }

  void schedule_random_outage(std::size_t s) {
    auto& sp = suppliers[s];
    const double t = now_s() + draw(*sp.up, sp.outage_rng);
    at(
        t, kOutageStart, s,
        [this, s] {
          supplier_down(s, true);
          auto& x = suppliers[s];
          at(
              now_s() + draw(*x.down, x.outage_rng), kOutageEnd, s,
              [this, s] {
                supplier_down(s, false);
                schedule_random_outage(s);
              },
              -2);
        },
        -2);
  }

  void supplier_down(std::size_t s, bool down) {
    auto& sp = suppliers[s];
    if (down) {
      if (sp.down_count++ == 0) sp.down_since = now_s();
      return;
    }
    if (sp.down_count == 0 || --sp.down_count > 0) return;
    sp.down_seconds += now_s() - sp.down_since;
    std::vector<std::size_t> waiting;
    waiting.swap(sp.waiting);
    for (std::size_t o : waiting) ready(o);
  }

  void set_lane(std::size_t l, bool open) {
    if (!net.set_open(l, open) || !open) return;
    // A lane reopened: shipments that found no route try again (in the order they stalled).
    std::vector<std::size_t> retry;
    retry.swap(stalled);
    for (std::size_t sid : retry) depart(sid);
  }

  // [SECTION] Orders ---------------------------------------------------------------------------
  void order(std::size_t i, double q) {
    if (i >= items.size()) throw std::out_of_range("supply: unknown item index");
    if (!(q > 0)) return;
    Item& it = items[i];
    it.ordered += q;
    it.site_orders += 1;
    it.site_open.add(now_s(), q);
    if (it.hub != npos) {
      it.hub_queue.push_back(q);
      it.hub_backorders += q;
      hub_serve(i);
      if (!it.hub_policy->is_periodic()) hub_review(i);
    } else {
      supplier_order(it.supplier, i, q, it.site_node, false);
    }
    check();
  }

  void supplier_order(std::size_t s, std::size_t i, double raw, std::size_t dest, bool to_hub) {
    auto& sp = suppliers[s];
    const double q = core::OrderRounding{sp.def.pack_size, sp.def.moq}.apply(raw);
    if (!(q > 0)) return;
    st.purchase_cost += q * sp.def.unit_price;
    sorders.push_back({s, i, dest, q, to_hub});
    const std::size_t o = sorders.size() - 1;
    at(now_s() + draw(sp.lead, sp.lead_rng), kReady, o, [this, o] { ready(o); });
  }

  // The order is ready at the supplier: complete or partly, subject to outages and capacity.
  void ready(std::size_t o) {
    SupplierOrder& so = sorders[o];
    auto& sp = suppliers[so.supplier];
    if (sp.down_count > 0) {
      sp.waiting.push_back(o);
      return;
    }
    double q = so.qty;
    if (sp.def.fill_rate < 1.0 && sp.fill_rng.uniform01() >= sp.def.fill_rate) {
      // Short: only a share of the order is ready (whole packs).
      double part = so.qty * sp.fill_rng.uniform01();
      if (sp.def.pack_size > 0)
        part = std::floor(part / sp.def.pack_size + kEps) * sp.def.pack_size;
      part = std::floor(part + kEps);
      const double rest = so.qty - (sp.def.partial_shipments ? part : 0.0);
      q = sp.def.partial_shipments ? part : 0.0;
      // The rest follows after another lead time (a new order line at the same supplier).
      sorders.push_back({so.supplier, so.item, so.dest, rest, so.to_hub});
      const std::size_t r = sorders.size() - 1;
      at(now_s() + draw(sp.lead, sp.lead_rng), kReady, r, [this, r] { ready(r); });
    }
    if (q > kEps) release(o, q);
  }

  void release(std::size_t o, double q) {
    const SupplierOrder so = sorders[o];
    auto& sp = suppliers[so.supplier];
    double take = q;
    if (sp.def.capacity > 0) {
      const double period = sp.def.capacity_period.seconds();
      const auto k = static_cast<std::int64_t>(std::floor(now_s() / period + 1e-12));
      if (k != sp.period) sp.period = k, sp.used = 0.0;
      take = std::min(q, sp.def.capacity - sp.used);
      const double rest = q - std::max(0.0, take);
      if (rest > kEps)
        at(static_cast<double>(k + 1) * period, kCapacity, o,
           [this, o, rest] { release(o, rest); });
      if (take <= kEps) return;
      sp.used += take;
    }
    Item& it = items[so.item];
    ShipmentLot lot{it.spec.sku + "/" + sp.def.id + "/lot-" + std::to_string(++it.lots), take,
                    expiry_from_now(it)};
    it.created += take;
    launch(so.item, sp.node, so.dest, so.to_hub, {lot}, take);
    check();
  }

  // [SECTION] Shipments ------------------------------------------------------------------------
  void launch(std::size_t i, std::size_t from, std::size_t dest, bool to_hub,
              std::vector<ShipmentLot> lots, double qty) {
    Item& it = items[i];
    ships.emplace_back();
    const std::size_t sid = ships.size() - 1;
    Shipment& s = ships.back();
    s.item = i;
    s.at = from;
    s.dest = dest;
    s.to_hub = to_hub;
    s.qty = qty;
    s.lots = std::move(lots);
    s.frozen = it.spec.sourcing.frozen;
    it.in_transit += qty;
    st.shipments += 1;
    const PackagingDef& p = it.spec.sourcing.packaging;
    if (s.frozen && p.type != PackagingType::none) {
      s.thermal = true;
      const double cap = p.type == PackagingType::passive ? p.dry_ice_kg : p.battery_wh;
      s.coolant = std::make_unique<sim::Container>(sim, cap, cap);
      s.temp_ref = hold_c(p);
      s.max_c = s.temp_ref;
      s.ambient = kNodeAmbientC;  // packed when it first leaves (see leg_start)
    }
    net.route(s.at, s.dest, it.objective, s.frozen, s.route);
    depart(sid);
  }

  static double hold_c(const PackagingDef& p) {
    return p.type == PackagingType::passive ? kDryIceC : p.setpoint_c;
  }

  // Coolant use per second: dry ice sublimated by the heat leak UA (T_air - T_ice) / L, or the
  // active unit's electrical draw.
  double coolant_rate(const Shipment& s) const {
    const PackagingDef& p = items[s.item].spec.sourcing.packaging;
    if (p.type == PackagingType::active) return p.power_w / 3600.0;
    return std::max(0.0, p.ua_w_per_k * (s.ambient - kDryIceC) / kDryIceLatentJPerKg);
  }

  // Drains the coolant at the rate of the current air; set_ambient() and replenish() interrupt
  // the wait so that every step uses one constant rate (the level is exact at all times).
  sim::Process drain(std::size_t sid) {
    for (;;) {
      Shipment& s = ships[sid];
      const double level = s.coolant->level();
      if (level <= kEps) break;
      s.drain_rate = coolant_rate(s);
      s.step_start = now_s();
      const sim::Time dt =
          s.drain_rate <= 0
              ? sim::Time::from_seconds(kThermalStepS)
              : std::max(sim::Time{1},
                         sim::Time::from_seconds(std::min(kThermalStepS, level / s.drain_rate)));
      try {
        co_await sim.timeout(dt);
      } catch (const sim::Interrupted&) {  // the air changed: settle at the old rate
      }
      Shipment& n = ships[sid];
      const double take = std::min(n.coolant->level(), n.drain_rate * (now_s() - n.step_start));
      n.step_start = now_s();
      if (take > 0) co_await n.coolant->get(take);
    }
    ships[sid].drain_rate = 0.0;
    on_depleted(sid);
  }

  // Coolant left now (the current step's use included).
  double coolant_now(const Shipment& s) const {
    return std::max(0.0, s.coolant->level() - s.drain_rate * (now_s() - s.step_start));
  }

  double payload_now(const Shipment& s) const {
    if (!s.depleted) return s.temp_ref;
    const PackagingDef& p = items[s.item].spec.sourcing.packaging;
    const double tau = p.heat_capacity_j_per_k / p.ua_w_per_k;
    return s.ambient + (s.temp_ref - s.ambient) * std::exp(-(now_s() - s.t_ref) / tau);
  }

  void on_depleted(std::size_t sid) {
    Shipment& s = ships[sid];
    if (s.done) return;
    s.depleted = true;
    s.depleted_at = now_s();
    s.t_ref = now_s();
    plan_excursion(sid);
  }

  // Newton's law of cooling towards the ambient: T(t) = Ta + (T0 - Ta) exp(-(t - t0) / tau),
  // tau = C / UA; the limit is crossed at t0 + tau ln((Ta - T0) / (Ta - limit)).
  void plan_excursion(std::size_t sid) {
    Shipment& s = ships[sid];
    if (s.excursion_event.valid()) sim.cancel(s.excursion_event);
    s.excursion_event = {};
    if (!s.depleted || s.excursion) return;
    const PackagingDef& p = items[s.item].spec.sourcing.packaging;
    const double tau = p.heat_capacity_j_per_k / p.ua_w_per_k;
    if (s.temp_ref > p.limit_c) {
      mark_excursion(sid);
      return;
    }
    if (s.ambient <= p.limit_c) return;
    const double dt = tau * std::log((s.ambient - s.temp_ref) / (s.ambient - p.limit_c));
    s.excursion_event = sim.schedule_at(
        sim::Time::from_seconds(s.t_ref + dt) + sim::Time{1},
        [this, sid] {
          ships[sid].excursion_event = {};
          mark_excursion(sid);
        },
        0, cfg.event_kind, target(kExcursion, sid));
  }

  void mark_excursion(std::size_t sid) {
    Shipment& s = ships[sid];
    if (s.excursion) return;
    s.excursion = true;
    st.excursions += 1;
  }

  // The air around the shipment changes (it leaves on a lane or reaches a node).
  void set_ambient(std::size_t sid, double ambient) {
    Shipment& s = ships[sid];
    if (!s.thermal || s.ambient == ambient) return;
    if (s.depleted) {
      const double t = payload_now(s);
      s.max_c = std::max(s.max_c, t);
      s.temp_ref = t;
      s.t_ref = now_s();
    }
    s.ambient = ambient;
    if (s.depleted)
      plan_excursion(sid);
    else
      s.drain.interrupt();
  }

  // At a hub the shipper is re-iced (passive) or recharged (active) to its capacity.
  void replenish(std::size_t sid) {
    Shipment& s = ships[sid];
    if (!s.thermal) return;
    if (s.depleted) {
      s.max_c = std::max(s.max_c, payload_now(s));
      s.depleted = false;
      s.temp_ref = hold_c(items[s.item].spec.sourcing.packaging);
      if (s.excursion_event.valid()) sim.cancel(s.excursion_event);
      s.excursion_event = {};
      sim.spawn(top_up(sid));  // before the new drain looks at the level
      s.drain = sim.spawn(drain(sid));
      return;
    }
    s.drain.interrupt();  // settle the drain first, then top up
    sim.spawn(top_up(sid));
  }

  sim::Process top_up(std::size_t sid) {
    sim::Container& c = *ships[sid].coolant;
    const double add = c.capacity() - c.level();
    if (add > kEps) co_await c.put(add);
  }

  void depart(std::size_t sid) {
    Shipment& s = ships[sid];
    if (s.at == s.dest) {
      finish(sid);
      return;
    }
    const Item& it = items[s.item];
    const std::size_t lane = net.next_lane(s.at, s.dest, it.objective, s.frozen);
    if (lane == npos) {
      st.stalled += 1;
      stalled.push_back(sid);
      return;
    }
    if (s.hop >= s.route.size() || s.route[s.hop] != lane) {
      st.reroutes += 1;
      net.route(s.at, s.dest, it.objective, s.frozen, s.route);
      s.hop = 0;
    }
    const Lane& L = lanes[lane];
    double t = now_s();
    if (L.schedule) t = next_window(L, t);
    at(t, kLegStart, sid, [this, sid, lane] { leg_start(sid, lane); });
  }

  double next_window(const Lane& L, double t) const {
    const double first = L.schedule->first.seconds(), every = L.schedule->every.seconds();
    if (t <= first) return first;
    return first + std::ceil((t - first) / every - 1e-9) * every;
  }

  void leg_start(std::size_t sid, std::size_t lane) {
    if (!net.lane_at(lane).open) {  // closed while waiting for the departure: route again
      depart(sid);
      return;
    }
    Lane& L = lanes[lane];
    if (L.capacity > 0) {
      double room = L.capacity;
      if (L.schedule) {  // a scheduled departure's capacity is shared by what leaves with it
        if (L.window != sim.now().ticks) L.window = sim.now().ticks, L.used = 0.0;
        room = L.capacity - L.used;
        if (room <= kEps) {
          at(now_s() + L.schedule->every.seconds(), kLegStart, sid,
             [this, sid, lane] { leg_start(sid, lane); });
          return;
        }
      }
      if (ships[sid].qty > room + kEps) {
        const std::size_t rest = split(sid, room);
        if (L.schedule)
          at(now_s() + L.schedule->every.seconds(), kLegStart, rest,
             [this, rest, lane] { leg_start(rest, lane); });
        else
          leg_start(rest, lane);
      }
      L.used += ships[sid].qty;
    }
    Shipment& s = ships[sid];
    if (s.thermal && !s.packed) {  // the shipper is packed (full) as it leaves its origin
      s.packed = true;
      s.drain = sim.spawn(drain(sid));
    }
    st.shipping_cost += L.cost_shipment + L.cost_unit * s.qty;
    const double transit = draw(L.transit, L.rng);
    set_ambient(sid, L.ambient_c);
    const std::size_t to = net.lane_at(lane).to;
    at(now_s() + transit, kArrive, sid, [this, sid, to] { arrive(sid, to); });
  }

  // Splits `keep` units off into this shipment; the rest becomes a new shipment at the same
  // node with the same thermal state. Returns the new shipment's id.
  std::size_t split(std::size_t sid, double keep) {
    ships.emplace_back();
    const std::size_t nid = ships.size() - 1;
    Shipment& s = ships[sid];
    Shipment& n = ships[nid];
    n.item = s.item;
    n.at = s.at;
    n.dest = s.dest;
    n.hop = s.hop;
    n.route = s.route;
    n.to_hub = s.to_hub;
    n.frozen = s.frozen;
    n.qty = s.qty - keep;
    s.qty = keep;
    // Lots: the shipment keeps the first `keep` units, the rest moves.
    double left = keep;
    std::vector<ShipmentLot> stay;
    for (auto& l : s.lots) {
      const double k = std::min(left, l.quantity);
      if (k > kEps) stay.push_back({l.code, k, l.expiry});
      if (l.quantity - k > kEps) n.lots.push_back({l.code, l.quantity - k, l.expiry});
      left -= k;
    }
    s.lots = std::move(stay);
    st.shipments += 1;
    if (s.thermal) {
      n.thermal = true;
      n.coolant = std::make_unique<sim::Container>(sim, s.coolant->capacity(), coolant_now(s));
      n.ambient = s.ambient;
      n.depleted = s.depleted;
      n.excursion = s.excursion;
      n.t_ref = s.t_ref;
      n.temp_ref = s.temp_ref;
      n.max_c = s.max_c;
      n.depleted_at = s.depleted_at;
      n.packed = s.packed;
      if (!n.packed) {
        // not yet packed: starts full when it leaves
      } else if (n.depleted)
        plan_excursion(nid);
      else
        n.drain = sim.spawn(drain(nid));
    }
    return nid;
  }

  void arrive(std::size_t sid, std::size_t v) {
    Shipment& s = ships[sid];
    s.at = v;
    set_ambient(sid, kNodeAmbientC);
    if (hold_until[v] > now_s()) {  // customs hold: wait at the node until it is lifted
      at(hold_until[v], kArrive, sid, [this, sid, v] { arrive(sid, v); });
      return;
    }
    s.hop += 1;
    if (v == s.dest) {
      finish(sid);
      return;
    }
    if (net.node_kind(v) == SupplyNodeKind::hub) replenish(sid);
    depart(sid);
  }

  void finish(std::size_t sid) {
    Shipment& s = ships[sid];
    s.done = true;
    if (s.thermal) {
      s.max_c = std::max(s.max_c, payload_now(s));
      if (s.excursion_event.valid()) sim.cancel(s.excursion_event);
      s.excursion_event = {};
      const PackagingDef& p = items[s.item].spec.sourcing.packaging;
      if (s.max_c > p.limit_c) mark_excursion(sid);
      s.drain.cancel();
    }
    Item& it = items[s.item];
    it.in_transit -= s.qty;
    if (s.excursion) {
      it.spoiled += s.qty;
      st.spoiled_value += s.qty * it.spec.unit_value;
    }
    if (s.to_hub)
      hub_receive(sid);
    else
      deliver(sid);
    check();
  }

  void deliver(std::size_t sid) {
    const Shipment& s = ships[sid];
    Item& it = items[s.item];
    it.delivered += s.qty;
    it.site_open.receive(s.qty, [this](double placed) {
      const double ct = now_s() - placed;
      st.orders_completed += 1;
      st.cycle_time_sum += ct;
      st.cycle_time_max = std::max(st.cycle_time_max, ct);
    });
    SupplyDelivery d;
    d.item = s.item;
    d.shipment = sid;
    d.quantity = s.qty;
    d.lots = &s.lots;
    d.excursion = s.excursion;
    d.max_payload_c = s.thermal ? s.max_c : nan();
    d.coolant_left = s.thermal ? coolant_now(s) : nan();
    d.depleted_at_s = s.depleted_at;
    if (sink) sink->on_delivery(d);
  }

  // [SECTION] Hubs -----------------------------------------------------------------------------
  void accrue() {
    const double t = now_s();
    if (t <= accrued_at) return;
    double value = 0.0;
    for (const auto& it : items)
      if (it.hub != npos) value += ledger.state().book(it.hub_sku).on_hand * it.spec.unit_value;
    st.hub_holding_cost += value * def.holding_rate_per_year * (t - accrued_at) / (365.0 * 86400.0);
    accrued_at = t;
  }

  void hub_put(std::size_t i, const std::string& code, double qty,
               std::optional<std::int64_t> expiry, bool reject, inv::LocId store) {
    accrue();
    Item& it = items[i];
    auto r = ledger.execute(
        inv::Receive{.sku = it.hub_sku,
                     .lot_code = code,
                     .quantity = qty,
                     .location = store,
                     .expiry = expiry ? std::optional(core::Instant{*expiry}) : std::nullopt});
    if (!r.ok())
      throw std::logic_error("supply: hub receipt of " + code + " rejected: " + r.reason);
    const inv::LotId lot{r.id};
    if (reject || (expiry && *expiry <= clock.now().us)) {
      ledger.execute(inv::RejectQc{.lot = lot});
      it.hub_written_off += qty;
      return;
    }
    ledger.execute(inv::ReleaseQc{.lot = lot});
    if (expiry)
      at_time(clock.to_sim(core::Instant{*expiry}), kHubExpiry, i,
              [this, i, lot] { hub_expire(i, lot); });
  }

  void hub_receive(std::size_t sid) {
    const Shipment& s = ships[sid];
    const std::size_t i = s.item;
    Item& it = items[i];
    Hub& h = hubs[it.hub];
    const auto cls = s.frozen ? inv::StorageClass::Minus80C : inv::StorageClass::Room;
    const inv::LocId store = hub_store(h, cls);
    for (const auto& l : s.lots)
      hub_put(i, l.code + "/s" + std::to_string(sid), l.quantity, l.expiry, s.excursion, store);
    it.hub_open.receive(s.qty, [](double) {});
    hub_serve(i);
    if (!it.hub_policy->is_periodic()) hub_review(i);
  }

  void hub_expire(std::size_t i, inv::LotId lot) {
    const auto& l = ledger.state().lot(lot);
    if (l.on_hand <= 0) return;
    accrue();
    const double q = l.on_hand;
    auto r = ledger.execute(inv::WriteOff{.lot = lot, .reason = inv::WriteOffReason::Expired});
    if (!r.ok()) return;
    items[i].hub_written_off += q;
    st.hub_expired_value += q * items[i].spec.unit_value;
    if (!items[i].hub_policy->is_periodic()) hub_review(i);
    check();
  }

  // Waiting site orders are served first come, first served from released hub stock.
  void hub_serve(std::size_t i) {
    Item& it = items[i];
    const Hub& h = hubs[it.hub];
    while (!it.hub_queue.empty()) {
      const double avail = ledger.available(it.hub_sku, h.site);
      if (avail <= kEps) break;
      double& front = it.hub_queue.front();
      const double q = std::min(front, avail);
      hub_ship(i, q);
      front -= q;
      it.hub_backorders -= q;
      if (front <= kEps) it.hub_queue.pop_front();
    }
    if (it.hub_queue.empty()) it.hub_backorders = 0.0;
  }

  void hub_ship(std::size_t i, double q) {
    accrue();
    Item& it = items[i];
    const Hub& h = hubs[it.hub];
    const auto lines = ledger.plan_pick(it.hub_sku, q, inv::PickStrategy::Fefo, h.site);
    std::vector<ShipmentLot> lots;
    double total = 0.0;
    for (const auto& line : lines) {
      const auto& lot = ledger.state().lot(line.lot);
      ShipmentLot sl{lot.code, line.quantity,
                     lot.expiry ? std::optional(lot.expiry->us) : std::nullopt};
      auto r = ledger.execute(inv::IssueLot{.lot = line.lot, .quantity = line.quantity});
      if (!r.ok()) throw std::logic_error("supply: hub issue rejected: " + r.reason);
      total += line.quantity;
      lots.push_back(std::move(sl));
    }
    if (total > kEps) launch(i, h.node, it.site_node, false, std::move(lots), total);
  }

  void hub_review(std::size_t i) {
    Item& it = items[i];
    const Hub& h = hubs[it.hub];
    core::InventoryPosition pos;
    pos.on_hand = ledger.state().on_hand(it.hub_sku, h.site);
    pos.on_order = it.hub_open.total;
    pos.backorders = it.hub_backorders;
    const double q = it.hub_policy->order_quantity(pos, clock.now());
    if (q > 0) {
      it.hub_open.add(now_s(), q);
      supplier_order(it.supplier, i, q, h.node, true);
    }
  }

  void schedule_hub_review(std::size_t i, core::Instant from) {
    const core::Instant next = items[i].hub_policy->next_review(from);
    at_time(
        clock.to_sim(next), kHubReview, i,
        [this, i] {
          hub_review(i);
          schedule_hub_review(i, clock.now() + core::Span{1});
        },
        -1);
  }

  // [SECTION] Conservation ---------------------------------------------------------------------
  std::vector<double> imbalance() const {
    std::vector<double> out(items.size(), 0.0);
    for (std::size_t i = 0; i < items.size(); ++i) {
      const Item& it = items[i];
      const SiteBalance site = sink ? sink->site_balance(i) : SiteBalance{it.delivered, 0, 0, 0};
      const double hub_on_hand =
          it.hub != npos ? ledger.state().on_hand(it.hub_sku, hubs[it.hub].site) : 0.0;
      const double in = it.created + it.hub_initial + site.initial;
      const double accounted = hub_on_hand + it.hub_written_off + it.in_transit + site.on_hand +
                               site.issued + site.written_off;
      out[i] = in - accounted;
    }
    return out;
  }

  void check() {
    if (!cfg.check_conservation) return;
    const auto gap = imbalance();
    for (std::size_t i = 0; i < gap.size(); ++i) {
      const double scale = std::max(1.0, items[i].created + items[i].hub_initial);
      if (std::abs(gap[i]) > 1e-6 * scale)
        throw std::logic_error("supply: conservation broken for " + items[i].spec.sku +
                               " at t=" + std::to_string(now_s()) +
                               " s: " + std::to_string(gap[i]) + " units unaccounted for");
    }
    st.conservation_checks += 1;
  }
};

SupplyModel::SupplyModel(sim::Simulation& sim, const SupplyDef& def,
                         std::vector<SupplyItemSpec> items, const std::vector<std::string>& sites,
                         SupplyModelConfig config, SupplySiteSink* sink)
    : impl_(std::make_unique<Impl>(sim, def, std::move(items), sites, config, sink)) {}

SupplyModel::~SupplyModel() {
  // Stop the shippers' drain processes before their containers go away.
  for (auto& s : impl_->ships)
    if (s.thermal) s.drain.cancel();
}

void SupplyModel::order(std::size_t item, double quantity) { impl_->order(item, quantity); }

double SupplyModel::on_order(std::size_t item) const {
  return std::max(0.0, impl_->items.at(item).site_open.total);
}

std::size_t SupplyModel::item_count() const { return impl_->items.size(); }

SupplyItemStats SupplyModel::item_stats(std::size_t item) const {
  const auto& it = impl_->items.at(item);
  SupplyItemStats s;
  s.ordered = it.ordered;
  s.created = it.created;
  s.in_transit = it.in_transit;
  s.delivered = it.delivered;
  s.on_order = std::max(0.0, it.site_open.total);
  if (it.hub != npos)
    s.hub_on_hand = impl_->ledger.state().on_hand(it.hub_sku, impl_->hubs[it.hub].site);
  s.hub_backorders = it.hub_backorders;
  s.hub_written_off = it.hub_written_off;
  s.spoiled = it.spoiled;
  s.site_orders = it.site_orders;
  return s;
}

SupplyStats SupplyModel::stats() const {
  impl_->accrue();
  SupplyStats s = impl_->st;
  for (const auto& sp : impl_->suppliers)
    s.supplier_down_seconds +=
        sp.down_seconds + (sp.down_count > 0 ? impl_->now_s() - sp.down_since : 0.0);
  return s;
}

const SupplyNetwork& SupplyModel::network() const { return impl_->net; }

std::vector<double> SupplyModel::imbalance() const { return impl_->imbalance(); }

bool SupplyModel::supplier_down(const std::string& id) const {
  return impl_->suppliers.at(impl_->supplier_index(id, "supplier")).down_count > 0;
}

}  // namespace labtwin::twin
