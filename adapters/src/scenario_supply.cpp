// The `supply:` block (docs/twins/supply-chain.md): schema, cross-reference checks, extraction.
#include <deque>
#include <map>
#include <set>
#include <string>

#include "labtwin/sim/units.hpp"
#include "scenario_blocks.hpp"
#include "schema_build.hpp"
#include "tree_access.hpp"

namespace labtwin::adapters::detail {
namespace units = sim::units;
using namespace schema_build;  // NOLINT(google-build-using-namespace): the table DSL

SchemaNode supply_schema() {
  auto outages = map_of({
      opt("time_between", kind(K::distribution), "\"exp(180d)\"",
          "up time from the end of an outage to the next one", "\"exp(90d)\""),
      opt("duration", kind(K::distribution), "\"exp(7d)\"", "length of an outage",
          "\"uniform(3d, 14d)\""),
  });
  auto supplier = map_of({
      req("id", kind(K::identifier), "supplier id (a network node)", "acme"),
      opt("lead_time", kind(K::distribution), "\"const(0s)\"",
          "order to ready-to-ship (transport comes on top, on the lanes)", "\"exp(3d)\""),
      opt("fill_rate", ranged(K::fraction, 0.0, 1.0, "(0..1]", true), "1",
          "probability an order is ready complete (else only a part is)", "92%"),
      opt("partial_shipments", kind(K::boolean), "true",
          "a short order ships its ready part now and the rest after another lead time (false: "
          "the whole order waits)",
          "false"),
      opt("moq", non_negative(K::number, "0"), "0", "minimum order quantity, units", "50"),
      opt("pack_size", non_negative(K::number, "0"), "0",
          "orders are rounded up to whole packs of this many units (0: any quantity)", "12"),
      opt("unit_price", non_negative(K::number, "0"), "0", "money per unit", "38.5"),
      opt("capacity", non_negative(K::number, "0"), "0",
          "units shipped per capacity_period (0: unlimited)", "400"),
      opt("capacity_period", positive(K::duration, "0s"), "7d", "the capacity's period", "1d"),
      opt("outages", std::move(outages), "", "stochastic outages (absent: only scripted ones)",
          "{time_between: \"exp(120d)\", duration: \"exp(5d)\"}"),
  });
  auto hub = map_of({
      req("id", kind(K::identifier), "hub id (a network node)", "central-dc"),
      opt("name", kind(K::string), "", "display name", "\"Central distribution centre\""),
  });
  auto schedule = map_of({
      req("every", positive(K::duration, "0s"), "time between departures", "7d"),
      opt("first", non_negative(K::duration, "0s"), "0s",
          "first departure, after the scenario start", "2d"),
  });
  auto lane = map_of({
      opt("id", kind(K::identifier), "", "lane id (absent: `<from>-><to>`)", "acme-air"),
      req("from", kind(K::identifier), "node id: a supplier, hub or site", "acme"),
      req("to", kind(K::identifier), "node id: a supplier, hub or site", "central-dc"),
      opt("transit", kind(K::distribution), "\"const(1d)\"", "departure to arrival",
          "\"lognormal_ms(2d, 12h)\""),
      opt("cost_per_shipment", non_negative(K::number, "0"), "0", "money per shipment", "120"),
      opt("cost_per_unit", non_negative(K::number, "0"), "0", "money per unit carried", "0.8"),
      opt("capacity", non_negative(K::number, "0"), "0",
          "units per departure (0: unlimited); more waits for the next scheduled departure or "
          "leaves as another shipment",
          "200"),
      opt("cold_chain", kind(K::boolean), "false", "may carry frozen shipments", "true"),
      opt("open", kind(K::boolean), "true", "open at the start", "false"),
      opt("ambient", kind(K::temperature), "20C", "air around a shipment en route", "30C"),
      opt("schedule", std::move(schedule), "",
          "departures only at these windows (absent: any time)", "{every: 7d, first: 2d}"),
  });
  auto disruption = map_of({
      req("kind", enum_of({"lane_closure", "supplier_outage", "demand_surge", "customs_hold"}),
          "what happens", "supplier_outage"),
      req("target", kind(K::string),
          "lane id (lane_closure), supplier id (supplier_outage), sourced SKU (demand_surge) or "
          "node id (customs_hold)",
          "acme"),
      req("at", kind(K::time_point), "start: offset from the start (\"+30d\") or a date-time",
          "\"+30d\""),
      req("duration", positive(K::duration, "0s"), "length", "3w"),
      opt("factor", positive(K::number, "0"), "2", "demand_surge: demand rate multiplier", "2.5"),
  });
  auto packaging = map_of({
      opt("type", enum_of({"none", "passive", "active"}), "none",
          "passive: dry-ice shipper (re-iced at hubs); active: powered container (recharged at "
          "hubs); none: no thermal twin",
          "passive"),
      opt("dry_ice", positive(K::number, "0"), "10", "passive: dry ice packed, kg", "15"),
      opt("ua", positive(K::conductance, "0W/K"), "0.3W/K", "shell conductance to the air",
          "0.25W/K"),
      opt("heat_capacity", positive(K::heat_capacity, "0J/K"), "4kJ/K",
          "payload and inner shell heat capacity", "6kJ/K"),
      opt("battery", positive(K::energy, "0J"), "2kWh", "active: battery energy", "3kWh"),
      opt("power", positive(K::power, "0W"), "60W", "active: electrical draw while cooling", "45W"),
      opt("setpoint", kind(K::temperature), "-80C", "active: held payload temperature", "-70C"),
      opt("limit", kind(K::temperature), "-60C",
          "payload above this is an excursion: receiving QC rejects the lot", "-50C"),
  });
  auto hub_policy = map_of({
      req("type", enum_of({"sS", "sQ", "RS", "RsS", "base_stock", "minmax"}), "policy family",
          "sS"),
      opt("s", kind(K::number), "", "reorder point, units", "40"),
      opt("S", kind(K::number), "", "order-up-to level, units", "120"),
      opt("Q", positive(K::number, "0"), "", "fixed order quantity, units", "60"),
      opt("R", positive(K::duration, "0s"), "", "review period", "7d"),
  });
  auto sourcing = map_of({
      req("sku", kind(K::identifier), "item SKU (one of `items`)", "FBS-500"),
      req("supplier", kind(K::identifier), "supplier id", "acme"),
      opt("hub", kind(K::identifier), "",
          "hub that stocks the item and serves the site (absent: shipped from the supplier)",
          "central-dc"),
      opt("route", enum_of({"time", "cost"}), "time", "shortest expected time or cheapest route",
          "cost"),
      opt("frozen", kind(K::boolean), "false", "travels on cold-chain lanes only", "true"),
      opt("packaging", std::move(packaging), "", "the shipper of a frozen item",
          "{type: passive, dry_ice: 15}"),
      opt("hub_policy", std::move(hub_policy), "", "the hub's reorder policy (required with hub)",
          "{type: sS, s: 40, S: 120}"),
      opt("hub_initial", non_negative(K::number, "0"), "0", "hub stock at the start, units", "80"),
  });
  return map_of({
      opt("holding_rate", non_negative(K::fraction, "0"), "20%",
          "holding cost per year as a share of unit value (inventory cost KPI)", "25%"),
      opt("cost_reference_units", positive(K::number, "0"), "1",
          "cheapest route minimises cost_per_shipment + this x cost_per_unit", "20"),
      opt("suppliers", seq_of(std::move(supplier)), "[]", "vendors",
          "[{id: acme, lead_time: \"exp(3d)\"}]"),
      opt("hubs", seq_of(std::move(hub)), "[]", "distribution hubs", "[{id: central-dc}]"),
      opt("lanes", seq_of(std::move(lane)), "[]", "directed transport links",
          "[{from: acme, to: lab, transit: \"const(2d)\"}]"),
      opt("disruptions", seq_of(std::move(disruption)), "[]", "scripted disruptions",
          "[{kind: supplier_outage, target: acme, at: \"+30d\", duration: 3w}]"),
      opt("sourcing", seq_of(std::move(sourcing)), "[]",
          "how each network-sourced item is supplied", "[{sku: FBS-500, supplier: acme}]"),
  });
}

namespace {

std::string lane_id(const TreeNode& l) {
  return text(&l, "id", text(&l, "from") + "->" + text(&l, "to"));
}

void error(std::vector<Diagnostic>& out, const TreeNode* at, const std::string& path,
           std::string msg) {
  if (at == nullptr) return;
  out.push_back(Diagnostic{at->location, Severity::error, path, std::move(msg)});
}

}  // namespace

void check_supply(const TreeNode& root, const KnownIds& known, std::vector<Diagnostic>& out) {
  const TreeNode* block = get(&root, "supply");
  if (block == nullptr) return;
  std::map<std::string, int> ids;
  std::set<std::string> supplier_ids, hub_ids, nodes(known.sites.begin(), known.sites.end());
  const auto& sups = items(block, "suppliers");
  for (std::size_t i = 0; i < sups.size(); ++i) {
    const std::string p = "supply.suppliers[" + std::to_string(i) + "]";
    unique_id(sups[i], "id", p, "supplier", ids, out);
    const std::string id = text(&sups[i], "id");
    if (known.sites.count(id))
      error(out, get(&sups[i], "id"), p + ".id", "supplier id `" + id + "` is also a site id");
    supplier_ids.insert(id);
    nodes.insert(id);
  }
  const auto& hubs = items(block, "hubs");
  for (std::size_t i = 0; i < hubs.size(); ++i) {
    const std::string p = "supply.hubs[" + std::to_string(i) + "]";
    unique_id(hubs[i], "id", p, "hub or supplier", ids, out);
    const std::string id = text(&hubs[i], "id");
    if (known.sites.count(id))
      error(out, get(&hubs[i], "id"), p + ".id", "hub id `" + id + "` is also a site id");
    hub_ids.insert(id);
    nodes.insert(id);
  }
  // Lanes: known endpoints, unique ids; adjacency for the reachability checks below.
  const auto& lanes = items(block, "lanes");
  std::map<std::string, int> lane_ids;
  std::set<std::string> lane_set;
  std::map<std::string, std::vector<std::pair<std::string, bool>>> adj;  // from -> (to, cold)
  for (std::size_t i = 0; i < lanes.size(); ++i) {
    const TreeNode& l = lanes[i];
    const std::string p = "supply.lanes[" + std::to_string(i) + "]";
    unknown_ref(get(&l, "from"), p + ".from", "node", nodes, out, "suppliers, hubs or sites");
    unknown_ref(get(&l, "to"), p + ".to", "node", nodes, out, "suppliers, hubs or sites");
    if (text(&l, "from") == text(&l, "to"))
      error(out, get(&l, "to"), p + ".to", "a lane must join two different nodes");
    const std::string id = lane_id(l);
    const auto [it, fresh] = lane_ids.emplace(id, l.location.line);
    if (!fresh)
      error(out, get(&l, "id") ? get(&l, "id") : get(&l, "to"), p + ".id",
            "duplicate lane id `" + id + "` (first at line " + std::to_string(it->second) + ")");
    lane_set.insert(id);
    if (boolean(&l, "open", true))
      adj[text(&l, "from")].push_back({text(&l, "to"), boolean(&l, "cold_chain", false)});
  }
  // Sourcing: known SKU / supplier / hub, a hub policy with its parameters, a route.
  std::set<std::string> sourced;
  std::map<std::string, int> sku_seen;
  const auto& srcs = items(block, "sourcing");
  auto reachable = [&](const std::string& from, const std::string& to, bool cold) {
    std::set<std::string> seen{from};
    std::deque<std::string> queue{from};
    while (!queue.empty()) {
      const std::string u = queue.front();
      queue.pop_front();
      if (u == to) return true;
      for (const auto& [v, c] : adj[u])
        if ((!cold || c) && seen.insert(v).second) queue.push_back(v);
    }
    return false;
  };
  for (std::size_t i = 0; i < srcs.size(); ++i) {
    const TreeNode& s = srcs[i];
    const std::string p = "supply.sourcing[" + std::to_string(i) + "]";
    const TreeNode* sku = get(&s, "sku");
    unknown_ref(sku, p + ".sku", "SKU", known.skus, out, "items");
    if (sku != nullptr && sku->is_scalar()) {
      const auto [it, fresh] = sku_seen.emplace(sku->scalar, sku->location.line);
      if (!fresh)
        error(out, sku, p + ".sku",
              "SKU `" + sku->scalar + "` is sourced twice (first at line " +
                  std::to_string(it->second) + ")");
      sourced.insert(sku->scalar);
    }
    unknown_ref(get(&s, "supplier"), p + ".supplier", "supplier", supplier_ids, out,
                "supply.suppliers");
    const TreeNode* hub = get(&s, "hub");
    unknown_ref(hub, p + ".hub", "hub", hub_ids, out, "supply.hubs");
    const TreeNode* pol = get(&s, "hub_policy");
    if (hub != nullptr && pol == nullptr)
      error(out, hub, p + ".hub_policy", "an item stocked at a hub needs a hub_policy");
    if (pol != nullptr) {
      const std::string type = text(pol, "type");
      auto need = [&](const char* key) {
        if (get(pol, key) == nullptr)
          error(out, pol, p + ".hub_policy." + key,
                std::string("policy type ") + type + " needs `" + key + "`");
      };
      if (type == "sS" || type == "RsS" || type == "minmax" || type == "sQ") need("s");
      if (type != "sQ") need("S");
      if (type == "sQ") need("Q");
      if (type == "RS" || type == "RsS") need("R");
      if (hub == nullptr)
        error(out, pol, p + ".hub_policy", "hub_policy without a hub (set `hub`)");
    }
    // Every leg of the item's path must exist on the lanes open at the start.
    const bool cold = boolean(&s, "frozen", false);
    const std::string sup = text(&s, "supplier");
    std::string site;
    for (const auto& it : items(&root, "items"))
      if (sku != nullptr && text(&it, "sku") == sku->scalar)
        site =
            text(get(&it, "demand"), "site",
                 items(&root, "sites").empty() ? "" : text(&items(&root, "sites").front(), "id"));
    const std::string via = hub != nullptr ? hub->scalar : "";
    if (!supplier_ids.count(sup) || site.empty() || (!via.empty() && !hub_ids.count(via))) continue;
    const std::string first_to = via.empty() ? site : via;
    const char* kind_text = cold ? "no open cold-chain route" : "no open route";
    if (!reachable(sup, first_to, cold))
      error(out, get(&s, "supplier"), p + ".supplier",
            std::string(kind_text) + " from `" + sup + "` to `" + first_to + "` on supply.lanes");
    if (!via.empty() && !reachable(via, site, cold))
      error(out, hub, p + ".hub",
            std::string(kind_text) + " from `" + via + "` to `" + site + "` on supply.lanes");
  }
  // Disruptions: the target must be of the right kind.
  const auto& dis = items(block, "disruptions");
  for (std::size_t i = 0; i < dis.size(); ++i) {
    const TreeNode& d = dis[i];
    const std::string p = "supply.disruptions[" + std::to_string(i) + "]";
    const std::string k = text(&d, "kind");
    const TreeNode* t = get(&d, "target");
    if (k == "lane_closure") unknown_ref(t, p + ".target", "lane", lane_set, out, "supply.lanes");
    if (k == "supplier_outage")
      unknown_ref(t, p + ".target", "supplier", supplier_ids, out, "supply.suppliers");
    if (k == "demand_surge")
      unknown_ref(t, p + ".target", "sourced SKU", sourced, out, "supply.sourcing");
    if (k == "customs_hold")
      unknown_ref(t, p + ".target", "node", nodes, out, "suppliers, hubs or sites");
  }
}

void extract_supply(const TreeNode& root, twin::ScenarioDef& sc) {
  using Q = units::Quantity;
  const TreeNode* block = get(&root, "supply");
  if (block == nullptr) return;
  twin::SupplyDef& s = sc.supply;
  s.holding_rate_per_year = q(block, "holding_rate", Q::fraction, s.holding_rate_per_year);
  s.cost_reference_units = q(block, "cost_reference_units", Q::number, s.cost_reference_units);
  for (const auto& n : items(block, "suppliers")) {
    twin::SupplierDef d;
    d.id = text(&n, "id");
    d.lead_time = text(&n, "lead_time", d.lead_time);
    d.fill_rate = q(&n, "fill_rate", Q::fraction, d.fill_rate);
    d.partial_shipments = boolean(&n, "partial_shipments", d.partial_shipments);
    d.moq = q(&n, "moq", Q::number, d.moq);
    d.pack_size = q(&n, "pack_size", Q::number, d.pack_size);
    d.unit_price = q(&n, "unit_price", Q::number, d.unit_price);
    d.capacity = q(&n, "capacity", Q::number, d.capacity);
    d.capacity_period = duration(&n, "capacity_period", d.capacity_period);
    if (const TreeNode* o = get(&n, "outages")) {
      twin::SupplierOutagesDef od;
      od.time_between = text(o, "time_between", od.time_between);
      od.duration = text(o, "duration", od.duration);
      d.outages = od;
    }
    s.suppliers.push_back(d);
  }
  for (const auto& n : items(block, "hubs")) s.hubs.push_back({text(&n, "id"), text(&n, "name")});
  for (const auto& n : items(block, "lanes")) {
    twin::LaneDef l;
    l.id = lane_id(n);
    l.from = text(&n, "from");
    l.to = text(&n, "to");
    l.transit = text(&n, "transit", l.transit);
    l.cost_per_shipment = q(&n, "cost_per_shipment", Q::number, l.cost_per_shipment);
    l.cost_per_unit = q(&n, "cost_per_unit", Q::number, l.cost_per_unit);
    l.capacity = q(&n, "capacity", Q::number, l.capacity);
    l.cold_chain = boolean(&n, "cold_chain", l.cold_chain);
    l.open = boolean(&n, "open", l.open);
    l.ambient_c = q(&n, "ambient", Q::temperature, l.ambient_c);
    if (const TreeNode* w = get(&n, "schedule")) {
      twin::LaneScheduleDef sd;
      sd.every = duration(w, "every", sd.every);
      sd.first = duration(w, "first", sd.first);
      l.schedule = sd;
    }
    s.lanes.push_back(l);
  }
  for (const auto& n : items(block, "disruptions")) {
    twin::DisruptionDef d;
    d.kind = enum_value(&n, "kind",
                        {{"lane_closure", twin::DisruptionKind::lane_closure},
                         {"supplier_outage", twin::DisruptionKind::supplier_outage},
                         {"demand_surge", twin::DisruptionKind::demand_surge},
                         {"customs_hold", twin::DisruptionKind::customs_hold}},
                        d.kind);
    d.target = text(&n, "target");
    const std::string at = text(&n, "at");
    if (const auto abs = units::parse_datetime(at); abs.ok()) {
      d.absolute = true;
      d.at_us = abs.value;
    } else {
      d.at_us = units::parse_duration_ticks(at).value;
    }
    d.duration = duration(&n, "duration", d.duration);
    d.factor = q(&n, "factor", Q::number, d.factor);
    s.disruptions.push_back(d);
  }
  for (const auto& n : items(block, "sourcing")) {
    twin::SourcingDef d;
    d.sku = text(&n, "sku");
    d.supplier = text(&n, "supplier");
    d.hub = text(&n, "hub");
    d.route = text(&n, "route", "time") == "cost" ? twin::RouteObjectiveDef::cost
                                                  : twin::RouteObjectiveDef::time;
    d.frozen = boolean(&n, "frozen", d.frozen);
    if (const TreeNode* p = get(&n, "packaging")) {
      twin::PackagingDef& k = d.packaging;
      k.type = enum_value(p, "type",
                          {{"none", twin::PackagingType::none},
                           {"passive", twin::PackagingType::passive},
                           {"active", twin::PackagingType::active}},
                          k.type);
      k.dry_ice_kg = q(p, "dry_ice", Q::number, k.dry_ice_kg);
      k.ua_w_per_k = q(p, "ua", Q::conductance, k.ua_w_per_k);
      k.heat_capacity_j_per_k = q(p, "heat_capacity", Q::heat_capacity, k.heat_capacity_j_per_k);
      k.battery_wh = q(p, "battery", Q::energy, k.battery_wh * 3600.0) / 3600.0;
      k.power_w = q(p, "power", Q::power, k.power_w);
      k.setpoint_c = q(p, "setpoint", Q::temperature, k.setpoint_c);
      k.limit_c = q(p, "limit", Q::temperature, k.limit_c);
    }
    if (const TreeNode* p = get(&n, "hub_policy")) {
      twin::HubPolicyDef hp;
      hp.type = text(p, "type", hp.type);
      hp.s = opt_q(p, "s", Q::number);
      hp.S = opt_q(p, "S", Q::number);
      hp.Q = opt_q(p, "Q", Q::number);
      hp.R = opt_duration(p, "R");
      d.hub_policy = hp;
    }
    d.hub_initial = q(&n, "hub_initial", Q::number, d.hub_initial);
    s.sourcing.push_back(d);
  }
}

}  // namespace labtwin::adapters::detail
