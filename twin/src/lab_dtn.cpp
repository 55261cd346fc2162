// [SECTION] DTN links (docs/twins/dtn.md): remote sites talk to headquarters through bundles on
// a contact plan. A remote site's reorder request is a purchase order "requested" at once (it
// counts as on order) but approved and ordered only when its bundle reaches HQ; the goods then
// arrive after the lead time. An item sourced through the supply network (`supply.sourcing`)
// is instead ordered from its supplier when the request reaches HQ and travels the network's
// lanes, so a resupply window is a scheduled lane; until then the request counts as on order.
// Alarms at a remote site are also notified to HQ as bundles (the local response is unchanged;
// the HQ-side notification is late), and each remote site sends a telemetry summary
// periodically.
#include <algorithm>

#include "lab_model_impl.hpp"
#include "labtwin/twin/dtn/dtn_model.hpp"

namespace labtwin::twin {
using namespace detail;  // NOLINT(google-build-using-namespace): this file implements them

namespace {

enum class Payload : std::uint64_t { kRequest = 1, kAlarm = 2, kTelemetry = 3 };

std::uint64_t tag_of(Payload p, std::uint64_t index) {
  return (static_cast<std::uint64_t>(p) << 56) | index;
}

double mean(const std::vector<double>& v) {
  if (v.empty()) return std::numeric_limits<double>::quiet_NaN();
  double s = 0;
  for (double x : v) s += x;
  return s / static_cast<double>(v.size());
}

/// Nearest-rank percentile (0 < p <= 1) of a copy of v.
double percentile(std::vector<double> v, double p) {
  if (v.empty()) return std::numeric_limits<double>::quiet_NaN();
  std::sort(v.begin(), v.end());
  const auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(v.size())));
  return v[std::clamp<std::size_t>(rank, 1, v.size()) - 1];
}

}  // namespace

struct LabModel::Impl::DtnGlue {
  struct Request {
    std::size_t item = 0;
    inv::PoId po{};  // ledger PO (items not sourced through the network)
    double quantity = 0;
    bool network = false;  // sourced through the supply network: no ledger PO
  };
  std::unique_ptr<dtn::DtnModel> model;
  std::vector<std::uint64_t> site_node;  // per site; 0 = no node
  std::vector<bool> has_node;            // per site
  std::uint64_t hq_node = 0;
  std::vector<Request> requests;
  std::vector<double> pending;  // per item: network-sourced units requested, not yet at HQ
  std::vector<double> request_latency, alarm_latency, telemetry_latency;
  double requests_lost = 0, alarms_sent = 0, telemetry_sent = 0;
};

void LabModel::Impl::build_dtn() {
  const DtnDef& d = sc.dtn;
  if (!d.enabled) return;
  auto g = std::make_shared<DtnGlue>();
  g->site_node.assign(sc.sites.size(), 0);
  g->has_node.assign(sc.sites.size(), false);
  g->pending.assign(sc.items.size(), 0.0);
  bool hq_found = false;
  for (const auto& n : d.nodes) {
    if (n.site.empty()) continue;
    bool found = false;
    for (std::size_t si = 0; si < sc.sites.size(); ++si)
      if (sc.sites[si].id == n.site) {
        g->site_node[si] = n.node;
        g->has_node[si] = true;
        found = true;
      }
    if (!found) throw std::invalid_argument("dtn.nodes: unknown site '" + n.site + "'");
    if (n.site == d.hq) {
      g->hq_node = n.node;
      hq_found = true;
    }
  }
  if (!hq_found) throw std::invalid_argument("dtn.hq: site '" + d.hq + "' has no node");
  // The contact plan: every pass expanded over the run (plan time 0 = scenario start), then
  // the contacts of the plan file (already in scenario time).
  dtn::ContactPlan plan;
  for (const auto& p : d.passes) {
    if (p.every <= sim::Time::zero() || p.duration <= sim::Time::zero())
      throw std::invalid_argument("dtn.passes: every and duration must be positive");
    for (sim::Time t = p.first; t < end; t += p.every) {
      for (int dir = 0; dir < (p.both_ways ? 2 : 1); ++dir) {
        dtn::Contact c;
        c.id = plan.contacts.size();
        c.from = dir == 0 ? p.from : p.to;
        c.to = dir == 0 ? p.to : p.from;
        c.start = t.seconds();
        c.end = (t + p.duration).seconds();
        c.rate = p.rate;
        c.owlt = p.owlt.seconds();
        plan.contacts.push_back(c);
      }
    }
  }
  for (const auto& k : d.plan) {
    if (k.start >= end) continue;
    dtn::Contact c;
    c.id = plan.contacts.size();
    c.from = k.from;
    c.to = k.to;
    c.start = k.start.seconds();
    c.end = k.end.seconds();
    c.rate = k.rate;
    c.owlt = k.owlt.seconds();
    c.confidence = k.confidence;
    plan.contacts.push_back(c);
  }
  for (const auto& n : d.nodes) plan.nodes.push_back(n.node);  // also nodes without a pass
  plan.finalize();
  dtn::DtnConfig cfg;
  cfg.default_storage = d.storage;
  cfg.default_loss = d.loss;
  cfg.custody_timeout = d.custody_timeout;
  cfg.event_kind = kDtn;
  g->model = std::make_unique<dtn::DtnModel>(sim, std::move(plan), cfg, stream("dtn/loss"));
  g->model->set_observer([this](const dtn::Bundle& b, dtn::BundleEvent ev) {
    DtnGlue& gl = *dtn;
    const auto kind = static_cast<Payload>(b.spec.tag >> 56);
    const std::size_t index = b.spec.tag & ((std::uint64_t{1} << 56) - 1);
    const double latency = (sim.now() - b.created).seconds();
    if (ev == dtn::BundleEvent::kRetransmitted) return;
    const bool delivered = ev == dtn::BundleEvent::kDelivered;
    switch (kind) {
      case Payload::kRequest: {
        const auto& rq = gl.requests[index];
        if (rq.network) gl.pending[rq.item] -= rq.quantity;
        if (delivered) {
          gl.request_latency.push_back(latency);
          if (rq.network)
            dtn_network_order_at_hq(rq.item, rq.quantity);
          else
            dtn_order_at_hq(rq.item, rq.po, rq.quantity);
        } else {
          gl.requests_lost += 1;
          if (!rq.network)
            ledger.execute(inv::AdvancePo{.po = rq.po, .to = inv::PoState::Cancelled});
          log.publish({clock.now(), "dtn.request_lost", items[rq.item].def.sku,
                       "reorder request expired or dropped on the way to HQ"});
          publish_item(rq.item);
          if (items[rq.item].policy && !items[rq.item].policy->is_periodic()) review(rq.item);
        }
        break;
      }
      case Payload::kAlarm:
        if (delivered) {
          gl.alarm_latency.push_back(latency);
          log.publish({clock.now(), "dtn.alarm_at_hq", freezers[index].def.id,
                       "alarm notified at HQ after " + std::to_string(latency / 3600.0) + " h"});
        }
        break;
      case Payload::kTelemetry:
        if (delivered) gl.telemetry_latency.push_back(latency);
        break;
    }
  });
  dtn = g;
  if (d.telemetry_every > sim::Time::zero())
    for (std::size_t si = 0; si < sc.sites.size(); ++si)
      if (g->has_node[si] && g->site_node[si] != g->hq_node)
        sim.schedule_at(
            d.telemetry_every, [this, si] { dtn_telemetry(si); }, 0, kDtn,
            static_cast<std::uint32_t>(si));
}

bool LabModel::Impl::dtn_defer_order(std::size_t i, double quantity) {
  DtnGlue& g = *dtn;
  auto& it = items[i];
  if (!g.has_node[it.site] || g.site_node[it.site] == g.hq_node) return false;
  it.orders += 1;
  if (supply_sources(i)) {
    // The supply network places the order at HQ; until then the request is on order here.
    g.pending[i] += quantity;
    g.requests.push_back({i, inv::PoId{}, quantity, true});
  } else {
    auto r = ledger.execute(inv::RequestPo{.sku = it.sku,
                                           .quantity = quantity,
                                           .site = it.site_loc,
                                           .supplier = "supplier/" + it.def.sku});
    if (!r.ok()) throw std::logic_error("PO for " + it.def.sku + " rejected: " + r.reason);
    g.requests.push_back({i, inv::PoId{r.id}, quantity, false});
  }
  publish_item(i);
  dtn::BundleSpec b;
  b.source = g.site_node[it.site];
  b.destination = g.hq_node;
  b.lifetime = sc.dtn.lifetime;
  b.priority = dtn::BundlePriority::kExpedited;
  b.size = sc.dtn.request_size;
  b.custody = sc.dtn.custody;
  b.tag = tag_of(Payload::kRequest, g.requests.size() - 1);
  g.model->send(b);
  return true;
}

void LabModel::Impl::dtn_order_at_hq(std::size_t i, inv::PoId po, double quantity) {
  auto& it = items[i];
  ledger.execute(inv::AdvancePo{.po = po, .to = inv::PoState::Approved});
  ledger.execute(inv::AdvancePo{.po = po, .to = inv::PoState::Ordered});
  log.publish({clock.now(), "dtn.order_placed", it.def.sku, "reorder request reached HQ"});
  const double lead = it.lead_time ? safe_sample(*it.lead_time, it.lead_rng) : 0.0;
  const sim::Time at = sim.now() + sim::Time::from_seconds(lead);
  if (at > end) return;  // still on order when the run ends
  sim.schedule_at(
      at, [this, i, po, quantity] { receive(i, po, quantity); }, 0, kDelivery,
      static_cast<std::uint32_t>(i));
}

void LabModel::Impl::dtn_network_order_at_hq(std::size_t i, double quantity) {
  log.publish({clock.now(), "dtn.order_placed", items[i].def.sku,
               "reorder request reached HQ: ordered through the supply network"});
  order_through_supply(i, quantity, false);
}

double LabModel::Impl::dtn_pending(std::size_t i) const { return dtn->pending[i]; }

void LabModel::Impl::dtn_alarm(std::size_t f) {
  DtnGlue& g = *dtn;
  const std::size_t si = freezers[f].site;
  if (!g.has_node[si] || g.site_node[si] == g.hq_node) return;
  dtn::BundleSpec b;
  b.source = g.site_node[si];
  b.destination = g.hq_node;
  b.lifetime = sc.dtn.lifetime;
  b.priority = dtn::BundlePriority::kExpedited;
  b.size = sc.dtn.alarm_size;
  b.custody = sc.dtn.custody;
  b.tag = tag_of(Payload::kAlarm, f);
  g.alarms_sent += 1;
  g.model->send(b);
}

void LabModel::Impl::dtn_telemetry(std::size_t si) {
  DtnGlue& g = *dtn;
  dtn::BundleSpec b;
  b.source = g.site_node[si];
  b.destination = g.hq_node;
  b.lifetime = sc.dtn.lifetime;
  b.priority = dtn::BundlePriority::kBulk;
  b.size = sc.dtn.telemetry_size;
  b.custody = sc.dtn.custody;
  b.tag = tag_of(Payload::kTelemetry, si);
  g.telemetry_sent += 1;
  g.model->send(b);
  const sim::Time next = sim.now() + sc.dtn.telemetry_every;
  if (next <= end)
    sim.schedule_at(
        next, [this, si] { dtn_telemetry(si); }, 0, kDtn, static_cast<std::uint32_t>(si));
}

void LabModel::Impl::dtn_nodes_now(std::vector<DtnNodeNow>& out) const {
  for (const dtn::NodeOccupancy& o : dtn->model->stats().occupancy)
    out.push_back({o.node, o.queued, o.now, o.limit});
}

void LabModel::Impl::append_dtn_kpis(std::vector<Kpi>& kpis) const {
  const DtnGlue& g = *dtn;
  const dtn::DtnStats s = g.model->stats();  // throws if bundle conservation is violated
  kpis.push_back({"dtn_bundles", static_cast<double>(s.created), "count", "bundles sent"});
  kpis.push_back({"dtn_delivery_ratio", s.created ? s.delivery_ratio() : nan(), "ratio",
                  "bundles delivered / sent (run end: some are still on the way)"});
  kpis.push_back({"dtn_latency_mean", mean(s.latency_s), "s", "bundle delivery latency, mean"});
  kpis.push_back({"dtn_latency_p95", percentile(s.latency_s, 0.95), "s",
                  "bundle delivery latency, 95th percentile"});
  kpis.push_back(
      {"dtn_latency_max", percentile(s.latency_s, 1.0), "s", "bundle delivery latency, max"});
  kpis.push_back({"dtn_bundles_expired", static_cast<double>(s.expired), "count",
                  "bundles whose lifetime ended before delivery"});
  kpis.push_back({"dtn_bundles_dropped", static_cast<double>(s.dropped), "count",
                  "bundles dropped: storage full or lost without custody"});
  kpis.push_back({"dtn_bundles_pending", static_cast<double>(s.queued + s.in_transit), "count",
                  "bundles stored or on a link at the end"});
  kpis.push_back(
      {"dtn_losses", static_cast<double>(s.losses), "count", "transmissions lost on a link"});
  kpis.push_back({"dtn_custody_retransmissions", static_cast<double>(s.custody_retransmissions),
                  "count", "retransmissions after a custody timer expired"});
  double peak = 0;
  for (const auto& o : s.occupancy) {
    peak = std::max(peak, static_cast<double>(o.peak));
    const std::string n = std::to_string(o.node);
    kpis.push_back({"dtn_storage_peak_node_" + n, static_cast<double>(o.peak), "bytes",
                    "largest bundle storage used at node " + n});
    kpis.push_back({"dtn_storage_mean_node_" + n, o.mean, "bytes",
                    "time-averaged bundle storage used at node " + n});
  }
  kpis.push_back({"dtn_order_requests", static_cast<double>(g.requests.size()), "count",
                  "reorder requests sent from remote sites"});
  kpis.push_back({"dtn_order_request_latency", mean(g.request_latency), "s",
                  "reorder request to order placed at HQ, mean"});
  kpis.push_back({"dtn_order_requests_lost", g.requests_lost, "count",
                  "reorder requests expired or dropped (PO cancelled)"});
  kpis.push_back(
      {"dtn_alarm_notifications", g.alarms_sent, "count", "remote alarms notified to HQ"});
  kpis.push_back({"dtn_alarm_notify_latency", mean(g.alarm_latency), "s",
                  "remote alarm to HQ notification, mean"});
  kpis.push_back(
      {"dtn_telemetry_summaries", g.telemetry_sent, "count", "telemetry summaries sent"});
  kpis.push_back({"dtn_telemetry_latency", mean(g.telemetry_latency), "s",
                  "telemetry summary age at HQ, mean"});
  // The remote sites' stock (whole run, no warm-up correction).
  double demand = 0, filled = 0, stockout = 0, back = 0;
  for (const auto& it : items) {
    if (!g.has_node[it.site] || g.site_node[it.site] == g.hq_node) continue;
    demand += it.demand;
    filled += it.filled;
    stockout += it.stockout_seconds + (it.stockout_since >= 0 ? now_s() - it.stockout_since : 0);
    back += it.backorders;
  }
  kpis.push_back({"remote_fill_rate", demand > 0 ? filled / demand : nan(), "ratio",
                  "remote sites: demand served at once from stock"});
  kpis.push_back(
      {"remote_stockout_time", stockout, "s", "remote sites: item-time with nothing available"});
  kpis.push_back(
      {"remote_backorders_at_end", back, "count", "remote sites: units owed at the end"});
}

}  // namespace labtwin::twin
