// [SECTION] The lab twin's stock: items, demand, replenishment and receiving QC, all through the
// core's ledger and reorder policies.
//
// Demand is a Poisson process per item (or evenly spaced with `distribution: deterministic`;
// one unit per arrival; weekends scaled by weekend_factor, by thinning); a unit is issued FEFO from
// released stock at its site, else it is backordered. Continuous-review policies are consulted
// after every demand and receipt; periodic ones at their review instants (before any demand at the
// same instant). Orders are purchase orders in the ledger; the supplier delivers after the item's
// lead time; receipts wait in quarantine for a technician with the `qc` skill (or are released at
// once when nobody has that skill), and released stock first fills backorders.
#include <cmath>

#include "lab_model_impl.hpp"

namespace labtwin::twin {
using namespace detail;  // NOLINT(google-build-using-namespace): this file implements them

namespace {

core::PolicyDef policy_def(const InventoryPolicyDef& p, const std::string& where,
                           std::int64_t origin_us) {
  auto need = [&](const std::optional<double>& v, const char* name) {
    if (!v) throw std::invalid_argument(where + ".policy." + name + ": required for this type");
    return *v;
  };
  auto review = [&] {
    if (!p.R || p.R->ticks <= 0)
      throw std::invalid_argument(where + ".policy.R: a positive review period is required");
    return core::ReviewSchedule{core::Span{p.R->ticks}, core::Instant{origin_us}};
  };
  switch (p.type) {
    case InventoryPolicyType::sS:
      return core::SsDef{need(p.s, "s"), need(p.S, "S"), {}};
    case InventoryPolicyType::sQ:
      return core::SQDef{need(p.s, "s"), need(p.Q, "Q"), {}};
    case InventoryPolicyType::RS:
      return core::RSDef{review(), need(p.S, "S"), {}};
    case InventoryPolicyType::RsS:
      return core::RsSDef{review(), need(p.s, "s"), need(p.S, "S"), {}};
    case InventoryPolicyType::base_stock:
      return core::BaseStockDef{need(p.S, "S"), {}};
    case InventoryPolicyType::minmax:
      return core::MinMaxDef{need(p.s, "s"), need(p.S, "S"), {}};
  }
  throw std::invalid_argument(where + ".policy.type: unknown");
}

}  // namespace

inv::LocId LabModel::Impl::store_for(std::size_t site, inv::StorageClass cls) {
  const std::string code = sc.sites[site].id + "/store" + std::string(inv::to_string(cls));
  if (auto it = stores.find(code); it != stores.end()) return it->second;
  auto r = ledger.execute(inv::AddLocation{.code = code,
                                           .kind = inv::LocationKind::StorageUnit,
                                           .parent = site_locs[site],
                                           .storage = cls});
  if (!r.ok()) throw std::invalid_argument("store " + code + ": " + r.reason);
  return stores[code] = inv::LocId{r.id};
}

void LabModel::Impl::build_items() {
  for (const auto& d : sc.items) {
    const std::string where = "items[" + d.sku + "]";
    if (sc.sites.empty()) throw std::invalid_argument(where + ": the scenario has no site");
    StockItem it(d, stream("item/" + d.sku + "/demand"), stream("item/" + d.sku + "/lead"));
    const std::string site_id = d.demand ? d.demand->site : sc.sites.front().id;
    bool found = false;
    for (std::size_t si = 0; si < sc.sites.size(); ++si)
      if (sc.sites[si].id == site_id) it.site = si, found = true;
    if (!found) throw std::invalid_argument(where + ".demand.site: unknown site '" + site_id + "'");
    const auto cls = storage_class_of(d.storage_class.empty() ? "room" : d.storage_class);
    auto reg = ledger.execute(inv::RegisterItem{
        .item = {.sku = d.sku, .unit = d.unit, .storage = cls, .unit_value = d.unit_value}});
    if (!reg.ok()) throw std::invalid_argument(where + ": " + reg.reason);
    it.sku = inv::SkuId{reg.id};
    it.site_loc = site_locs[it.site];
    it.store = store_for(it.site, cls);
    it.place = graph.hub(sc.sites[it.site].id);
    if (d.policy) it.policy = core::make_policy(policy_def(*d.policy, where, start_us));
    if (d.lead_time) it.lead_time = parse_dist(*d.lead_time, where + ".lead_time");
    // Picks of frozen items open the door of one unit of their class at the site (chosen by a
    // stable hash of the SKU, so adding items does not move the others).
    std::vector<std::size_t> candidates;
    for (std::size_t f = 0; f < freezers.size(); ++f)
      if (freezers[f].site == it.site && !freezers[f].def.backup &&
          freezers[f].def.storage_class == d.storage_class)
        candidates.push_back(f);
    if (!candidates.empty()) {
      std::uint64_t h = 1469598103934665603ULL;
      for (unsigned char c : d.sku) h = (h ^ c) * 1099511628211ULL;
      it.pick_freezer = candidates[h % candidates.size()];
    }
    if (d.demand) {
      it.rate_max = d.demand->rate_per_s * std::max(1.0, d.demand->weekend_factor);
    }
    item_index[d.sku] = items.size();
    items.push_back(std::move(it));
    const std::size_t i = items.size() - 1;
    if (d.initial > 0) {
      auto lot = ledger.execute(inv::Receive{
          .sku = items[i].sku,
          .lot_code = d.sku + "/initial",
          .quantity = d.initial,
          .location = items[i].store,
          .expiry = d.shelf_life ? std::optional(clock.now() + core::Span{d.shelf_life->ticks})
                                 : std::nullopt});
      if (!lot.ok()) throw std::invalid_argument(where + ".initial: " + lot.reason);
      ledger.execute(inv::ReleaseQc{.lot = inv::LotId{lot.id}});
      if (d.shelf_life) {
        const inv::LotId id{lot.id};
        sim.schedule_at(
            sim::Time{d.shelf_life->ticks}, [this, i, id] { expire(i, id); }, 0, kExpiry,
            static_cast<std::uint32_t>(i));
      }
    }
    update_stockout(i);
    if (items[i].rate_max > 0) next_demand(i);
    if (items[i].policy && items[i].policy->is_periodic())
      schedule_review(i);
    else if (items[i].policy)
      review(i);
  }
}

void LabModel::Impl::next_demand(std::size_t i) {
  auto& it = items[i];
  const bool regular = it.def.demand->distribution == "deterministic";
  const double gap =
      regular ? 1.0 / it.rate_max : -std::log(it.demand_rng.uniform01()) / it.rate_max;
  const double at = now_s() + gap;
  if (at > end.seconds()) return;
  sim.schedule_at(
      sim::Time::from_seconds(at), [this, i] { on_demand(i); }, 0, kDemand,
      static_cast<std::uint32_t>(i));
}

void LabModel::Impl::on_demand(std::size_t i) {
  auto& it = items[i];
  next_demand(i);
  // Thinning: weekend arrivals are kept with probability weekend_factor / max(1, factor).
  const auto [weekday, hour] = local_day_hour(clock.now().us, sc.clock.utc_offset_s);
  (void)hour;
  const double wf = it.def.demand->weekend_factor;
  const double rate_now = it.def.demand->rate_per_s * (weekday >= 5 ? wf : 1.0);
  if (it.demand_rng.uniform01() * it.rate_max >= rate_now) return;
  it.demand += 1;
  const auto strategy = sc.policies.picking == PickingPolicy::fifo ? inv::PickStrategy::Fifo
                                                                   : inv::PickStrategy::Fefo;
  if (it.backorders == 0 && ledger.available(it.sku, it.site_loc) >= 1.0) {
    auto r = ledger.execute(
        inv::Issue{.sku = it.sku, .quantity = 1.0, .strategy = strategy, .site = it.site_loc});
    if (!r.ok()) throw std::logic_error("issue of " + it.def.sku + " rejected: " + r.reason);
    it.filled += 1;
    if (it.pick_freezer) open_door_for(*it.pick_freezer, kPickDoorSeconds);
  } else {
    it.backorders += 1;
  }
  update_stockout(i);
  if (it.policy && !it.policy->is_periodic()) review(i);
}

void LabModel::Impl::schedule_review(std::size_t i) {
  // Reviews run at priority -1: before any demand at the same instant.
  const sim::Time at = clock.to_sim(items[i].policy->next_review(clock.now()));
  if (at <= end)
    sim.schedule_at(
        at,
        [this, i] {
          review(i);
          schedule_review_after(i);
        },
        -1, kReview, static_cast<std::uint32_t>(i));
}

void LabModel::Impl::schedule_review_after(std::size_t i) {
  const core::Instant later = items[i].policy->next_review(clock.now() + core::Span{1});
  const sim::Time t = clock.to_sim(later);
  if (t <= end)
    sim.schedule_at(
        t,
        [this, i] {
          review(i);
          schedule_review_after(i);
        },
        -1, kReview, static_cast<std::uint32_t>(i));
}

void LabModel::Impl::review(std::size_t i) {
  auto& it = items[i];
  core::InventoryPosition pos;
  pos.on_hand = ledger.state().on_hand(it.sku, it.site_loc);
  pos.on_order = ledger.state().on_order(it.sku, it.site_loc) + supply_on_order(i);
  pos.backorders = it.backorders;
  pos.reserved = ledger.state().reserved(it.sku, it.site_loc);
  const double q = it.policy->order_quantity(pos, clock.now());
  if (q > 0) place_order(i, q);
}

void LabModel::Impl::place_order(std::size_t i, double quantity) {
  if (dtn && dtn_defer_order(i, quantity)) return;  // remote site: the request travels
  if (order_through_supply(i, quantity)) return;    // sourced through the supply network
  auto& it = items[i];
  auto r = ledger.execute(inv::RequestPo{.sku = it.sku,
                                         .quantity = quantity,
                                         .site = it.site_loc,
                                         .supplier = "supplier/" + it.def.sku});
  if (!r.ok()) throw std::logic_error("PO for " + it.def.sku + " rejected: " + r.reason);
  const inv::PoId po{r.id};
  ledger.execute(inv::AdvancePo{.po = po, .to = inv::PoState::Approved});
  ledger.execute(inv::AdvancePo{.po = po, .to = inv::PoState::Ordered});
  it.orders += 1;
  publish_item(i);
  const double lead = it.lead_time ? safe_sample(*it.lead_time, it.lead_rng) : 0.0;
  const sim::Time at = sim.now() + sim::Time::from_seconds(lead);
  if (at > end) return;  // still on order when the run ends
  if (lead == 0.0) {
    receive(i, po, quantity);
    return;
  }
  sim.schedule_at(
      at, [this, i, po, quantity] { receive(i, po, quantity); }, 0, kDelivery,
      static_cast<std::uint32_t>(i));
}

void LabModel::Impl::receive(std::size_t i, inv::PoId po, double quantity) {
  auto& it = items[i];
  ledger.execute(inv::AdvancePo{.po = po, .to = inv::PoState::Shipped});
  const auto expiry = it.def.shelf_life
                          ? std::optional(clock.now() + core::Span{it.def.shelf_life->ticks})
                          : std::nullopt;
  auto r =
      ledger.execute(inv::ReceivePo{.po = po,
                                    .lot_code = it.def.sku + "/lot-" + std::to_string(++it.lots),
                                    .quantity = quantity,
                                    .location = it.store,
                                    .expiry = expiry});
  if (!r.ok()) throw std::logic_error("receipt of " + it.def.sku + " rejected: " + r.reason);
  const inv::LotId lot{r.id};
  publish_item(i);
  if (expiry) {
    sim.schedule_at(
        clock.to_sim(*expiry), [this, i, lot] { expire(i, lot); }, 0, kExpiry,
        static_cast<std::uint32_t>(i));
  }
  if (qc_staffed) {
    TicketInfo info;
    info.item = i;
    info.lot = lot;
    open_ticket(core::TicketKind::ReceivingQc, 0, 2, false, "qc", kQcSeconds, info);
  } else {
    ledger.execute(inv::ReleaseQc{.lot = lot});
    released(i);
  }
}

void LabModel::Impl::released(std::size_t i) {
  auto& it = items[i];
  // Released stock first serves the customers who are waiting.
  while (it.backorders > 0) {
    const double avail = ledger.available(it.sku, it.site_loc);
    const double q = std::min(it.backorders, std::floor(avail));
    if (q <= 0) break;
    auto r = ledger.execute(inv::Issue{.sku = it.sku, .quantity = q, .site = it.site_loc});
    if (!r.ok()) break;
    it.backorders -= q;
  }
  update_stockout(i);
  if (it.policy && !it.policy->is_periodic()) review(i);
}

void LabModel::Impl::expire(std::size_t i, inv::LotId lot) {
  auto& it = items[i];
  const auto& l = ledger.state().lot(lot);
  if (l.on_hand <= 0) return;
  const double qty = l.on_hand;
  auto r = ledger.execute(inv::WriteOff{.lot = lot, .reason = inv::WriteOffReason::Expired});
  if (!r.ok()) return;
  it.expired += qty;
  it.expired_value += qty * it.def.unit_value;
  update_stockout(i);
  if (it.policy && !it.policy->is_periodic()) review(i);
}

void LabModel::Impl::update_stockout(std::size_t i) {
  auto& it = items[i];
  const bool out = ledger.available(it.sku, it.site_loc) < 1.0;
  if (out && it.stockout_since < 0) it.stockout_since = now_s();
  if (!out && it.stockout_since >= 0) {
    it.stockout_seconds += now_s() - it.stockout_since;
    it.stockout_since = -1.0;
  }
  supply_stock_changed(i);
  publish_item(i);
}

ItemStatus LabModel::Impl::item_status(const std::string& sku) const {
  return status_of(item_index.at(sku));
}

ItemStatus LabModel::Impl::status_of(std::size_t i) const {
  const auto& it = items[i];
  ItemStatus s;
  s.on_hand = ledger.state().on_hand(it.sku, it.site_loc);
  s.available = ledger.available(it.sku, it.site_loc);
  s.on_order = ledger.state().on_order(it.sku, it.site_loc) + supply_on_order(i);
  s.backorders = it.backorders;
  s.orders = it.orders;
  s.demand = it.demand;
  s.filled = it.filled;
  return s;
}

}  // namespace labtwin::twin
