// [SECTION] The supply-chain network on the lab model (docs/twins/supply-chain.md): items with a
// `supply.sourcing` entry order through the network instead of their own `lead_time`; shipments
// are received into the lab's ledger (quarantine, then receiving QC, which rejects a lot whose
// shipper had a temperature excursion); the network's KPIs are appended to the run's.
#include <cmath>

#include "lab_model_impl.hpp"
#include "labtwin/twin/supply_model.hpp"

namespace labtwin::twin {
using namespace detail;  // NOLINT(google-build-using-namespace): this file implements them

namespace {

// "reagent-A" -> "reagent_A" (KPI names are snake_case).
std::string snake_id(const std::string& id) {
  std::string out = id;
  for (char& c : out) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    c = alnum ? c : '_';
  }
  return out;
}

constexpr double kYearSeconds = 365.0 * 86400.0;

}  // namespace

/// The lab's side of the network: the sites it delivers to (see SupplySiteSink).
struct LabModel::Impl::SupplyGlue final : SupplySiteSink {
  LabModel::Impl& m;
  std::vector<std::size_t> item_of;                   // supply item -> lab item
  std::vector<std::optional<std::size_t>> supply_of;  // lab item -> supply item
  std::vector<double> received;                       // per supply item: units put away
  std::vector<double> held_units_s;                   // on-hand x time (unit-seconds)
  std::vector<double> held_since, held_level;         // last change and on hand since then
  double rejected_units = 0.0;
  std::unique_ptr<SupplyModel> model;

  explicit SupplyGlue(LabModel::Impl& impl) : m(impl) {
    const SupplyDef& def = m.sc.supply;
    supply_of.assign(m.sc.items.size(), std::nullopt);
    std::vector<SupplyItemSpec> specs;
    for (const SourcingDef& so : def.sourcing) {
      const std::string where = "supply.sourcing[" + so.sku + "]";
      std::optional<std::size_t> lab;
      for (std::size_t i = 0; i < m.sc.items.size(); ++i)
        if (m.sc.items[i].sku == so.sku) lab = i;
      if (!lab)
        throw std::invalid_argument(where + ".sku: unknown SKU '" + so.sku + "' (not in items)");
      if (supply_of[*lab]) throw std::invalid_argument(where + ".sku: the item is sourced twice");
      const ItemDef& d = m.sc.items[*lab];
      const std::string site = d.demand ? d.demand->site : m.sc.sites.front().id;
      SupplyItemSpec spec;
      spec.sku = d.sku;
      spec.site = site;
      spec.unit_value = d.unit_value;
      spec.shelf_life = d.shelf_life;
      spec.sourcing = so;
      supply_of[*lab] = specs.size();
      item_of.push_back(*lab);
      specs.push_back(std::move(spec));
    }
    received.assign(specs.size(), 0.0);
    held_units_s.assign(specs.size(), 0.0);
    held_since.assign(specs.size(), 0.0);
    held_level.assign(specs.size(), 0.0);
    std::vector<std::string> sites;
    for (const auto& s : m.sc.sites) sites.push_back(s.id);
    SupplyModelConfig cfg;
    cfg.seed = m.seed;
    cfg.replication = m.replication;
    cfg.start_us = m.start_us;
    cfg.event_kind = kSupply;
    model = std::make_unique<SupplyModel>(m.sim, def, std::move(specs), sites, cfg, this);
  }

  bool built(std::size_t k) const { return item_of[k] < m.items.size(); }

  void on_delivery(const SupplyDelivery& d) override {
    const std::size_t i = item_of[d.item];
    auto& it = m.items[i];
    for (const ShipmentLot& l : *d.lots) {
      const auto expiry =
          l.expiry ? std::optional(core::Instant{*l.expiry}) : std::optional<core::Instant>{};
      auto r = m.ledger.execute(inv::Receive{.sku = it.sku,
                                             .lot_code = l.code + "/s" + std::to_string(d.shipment),
                                             .quantity = l.quantity,
                                             .location = it.store,
                                             .expiry = expiry});
      if (!r.ok()) throw std::logic_error("receipt of " + it.def.sku + " rejected: " + r.reason);
      received[d.item] += l.quantity;
      it.lots += 1;
      const inv::LotId lot{r.id};
      if (expiry && !d.excursion) {
        m.sim.schedule_at(
            std::max(m.sim.now(), m.clock.to_sim(*expiry)), [this, i, lot] { m.expire(i, lot); }, 0,
            kExpiry, static_cast<std::uint32_t>(i));
      }
      if (d.excursion) {
        rejected_units += l.quantity;
        m.log.publish({m.clock.now(), "supply.excursion", m.ledger.state().lot(lot).code,
                       "payload reached " + std::to_string(d.max_payload_c) + " C en route"});
      }
      if (m.qc_staffed) {
        TicketInfo info;
        info.item = i;
        info.lot = lot;
        info.reject = d.excursion;
        m.open_ticket(core::TicketKind::ReceivingQc, 0, 2, false, "qc", kQcSeconds, info);
      } else if (d.excursion) {
        m.ledger.execute(inv::RejectQc{.lot = lot});
      } else if (!m.ledger.execute(inv::ReleaseQc{.lot = lot}).ok()) {
        // Expired on arrival: written off at once.
        m.ledger.execute(inv::WriteOff{.lot = lot, .reason = inv::WriteOffReason::Expired});
      }
    }
    m.released(i);
  }

  SiteBalance site_balance(std::size_t k) const override {
    if (!built(k)) return {};
    const auto& book = m.ledger.state().book(m.items[item_of[k]].sku);
    // Stock that did not come through the network: initial stock, emergency spare-part receipts.
    return {book.on_hand, book.issued, book.written_off, book.received - received[k]};
  }

  void on_demand_factor(std::size_t k, double f) override {
    if (!built(k)) return;
    auto& it = m.items[item_of[k]];
    if (!it.def.demand) return;
    it.def.demand->rate_per_s *= f;
    it.rate_max *= f;
  }

  void stock_changed(std::size_t k) {
    const double t = m.now_s();
    held_units_s[k] += held_level[k] * (t - held_since[k]);
    held_since[k] = t;
    held_level[k] = m.ledger.state().on_hand(m.items[item_of[k]].sku, m.items[item_of[k]].site_loc);
  }

  double held_now(std::size_t k) const {
    return held_units_s[k] + held_level[k] * (m.now_s() - held_since[k]);
  }
};

void LabModel::Impl::SupplyGlueDeleter::operator()(SupplyGlue* p) const { delete p; }

void LabModel::Impl::build_supply() {
  if (sc.supply.empty() && sc.supply.sourcing.empty()) return;
  if (sc.sites.empty()) throw std::invalid_argument("supply: the scenario has no site");
  supply.reset(new SupplyGlue(*this));
}

bool LabModel::Impl::supply_sources(std::size_t i) const {
  return supply && i < supply->supply_of.size() && supply->supply_of[i];
}

bool LabModel::Impl::order_through_supply(std::size_t i, double quantity, bool count) {
  if (!supply_sources(i)) return false;
  if (count) items[i].orders += 1;
  supply->model->order(*supply->supply_of[i], quantity);
  publish_item(i);
  return true;
}

double LabModel::Impl::supply_on_order(std::size_t i) const {
  if (!supply_sources(i)) return 0.0;
  return supply->model->on_order(*supply->supply_of[i]) + (dtn ? dtn_pending(i) : 0.0);
}

void LabModel::Impl::supply_stock_changed(std::size_t i) {
  if (!supply || i >= supply->supply_of.size() || !supply->supply_of[i]) return;
  supply->stock_changed(*supply->supply_of[i]);
}

void LabModel::Impl::supply_now(SupplyNow& out) const {
  const SupplyModel& model = *supply->model;
  for (const auto& x : sc.supply.suppliers)
    if (model.supplier_down(x.id)) out.suppliers_down.push_back(x.id);
  const SupplyNetwork& net = model.network();
  for (const auto& l : sc.supply.lanes) {
    const std::string id = l.id.empty() ? l.from + "->" + l.to : l.id;
    if (const auto k = net.lane(id); k && !net.lane_at(*k).open) out.lanes_closed.push_back(id);
  }
}

void LabModel::Impl::append_supply_kpis(std::vector<Kpi>& kpis) const {
  const SupplyGlue& g = *supply;
  const SupplyStats st = g.model->stats();
  const double t = now_s();
  double demand = 0, filled = 0, backorders = 0, stockout = 0, held_value_s = 0, expired = 0;
  for (std::size_t k = 0; k < g.item_of.size(); ++k) {
    const StockItem& it = items[g.item_of[k]];
    const std::string name = snake_id(sc.sites[it.site].id) + "_" + snake_id(it.def.sku);
    const double out_s =
        it.stockout_seconds + (it.stockout_since >= 0 ? t - it.stockout_since : 0.0);
    kpis.push_back({"supply_fill_rate_" + name, it.demand > 0 ? it.filled / it.demand : nan(),
                    "ratio",
                    "demand for " + it.def.sku + " at " + sc.sites[it.site].id +
                        " served at once from stock"});
    kpis.push_back({"supply_backorders_" + name, it.backorders, "count",
                    "units of " + it.def.sku + " owed at the end"});
    kpis.push_back({"supply_stockout_time_" + name, out_s, "s",
                    "time " + it.def.sku + " was out of stock at " + sc.sites[it.site].id});
    demand += it.demand;
    filled += it.filled;
    backorders += it.backorders;
    stockout += out_s;
    held_value_s += g.held_now(k) * it.def.unit_value;
    expired += it.expired_value;
  }
  const double site_holding = held_value_s * sc.supply.holding_rate_per_year / kYearSeconds;
  kpis.push_back({"supply_fill_rate", demand > 0 ? filled / demand : nan(), "ratio",
                  "demand for network-sourced items served at once from stock"});
  kpis.push_back({"supply_backorders_at_end", backorders, "count",
                  "units of network-sourced items owed at the end"});
  kpis.push_back({"supply_stockout_time", stockout, "s",
                  "item-time out of stock, summed over network-sourced items"});
  kpis.push_back({"supply_inventory_cost", site_holding + st.hub_holding_cost, "money",
                  "holding cost of site and hub stock (value x holding rate x time)"});
  kpis.push_back({"supply_shipping_cost", st.shipping_cost, "money",
                  "lane costs (per shipment and per unit)"});
  kpis.push_back({"supply_purchase_cost", st.purchase_cost, "money", "supplier prices"});
  kpis.push_back({"supply_spoiled_value", st.spoiled_value, "money",
                  "value of units that arrived after a temperature excursion"});
  kpis.push_back({"supply_expired_value", expired + st.hub_expired_value, "money",
                  "value expired at sites and hubs, network-sourced items"});
  kpis.push_back({"supply_order_cycle_time",
                  st.orders_completed > 0 ? st.cycle_time_sum / st.orders_completed : nan(), "s",
                  "site order to its last unit delivered (mean)"});
  kpis.push_back({"supply_order_cycle_time_max",
                  st.orders_completed > 0 ? st.cycle_time_max : nan(), "s",
                  "longest site order cycle"});
  kpis.push_back({"supply_shipments", st.shipments, "count", "shipments dispatched"});
  kpis.push_back({"supply_excursions", st.excursions, "count",
                  "shipments whose payload exceeded its temperature limit"});
  kpis.push_back({"supply_reroutes", st.reroutes, "count",
                  "departures that left the planned route (closures)"});
  kpis.push_back({"supply_supplier_down_time", st.supplier_down_seconds, "s",
                  "supplier outage time, summed over suppliers"});
  kpis.push_back({"supply_conservation_checks", st.conservation_checks, "count",
                  "network balance checks passed"});
}

}  // namespace labtwin::twin
