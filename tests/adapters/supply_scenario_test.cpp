// The `supply:` block from a scenario file: the loader builds every key, bad blocks are reported
// at file:line:col naming the field, the shipped supplier-outage scenario and its variants load
// and run (the buffered variant serves more of the demand), and scenarios without the block keep
// their KPIs.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "labtwin/adapters/scenario_loader.hpp"
#include "labtwin/twin/lab_model.hpp"

namespace la = labtwin::adapters;
namespace lt = labtwin::twin;
using labtwin::sim::Time;

namespace {

std::string formatted(const la::LoadResult& r) {
  std::string out;
  for (const auto& d : r.diagnostics) out += la::format(d) + "\n";
  return out;
}

constexpr const char* kEveryKey = R"Y(labtwin: 1
clock: {start: "2026-01-05T00:00:00+01:00", horizon: 30d}
sites: [{id: lab}]
items:
  - {sku: MEDIA, demand: {site: lab, rate: 2/d}, policy: {type: sS, s: 5, S: 20}, initial: 20}
  - {sku: CELLS, demand: {site: lab, rate: 1/d}, policy: {type: sS, s: 2, S: 6}, initial: 6}
supply:
  holding_rate: 30%
  cost_reference_units: 20
  suppliers:
    - id: acme
      lead_time: "exp(3d)"
      fill_rate: 90%
      partial_shipments: false
      moq: 40
      pack_size: 12
      unit_price: 38.5
      capacity: 400
      capacity_period: 1d
      outages: {time_between: "exp(90d)", duration: "uniform(3d, 14d)"}
  hubs:
    - {id: dc, name: "Central DC"}
  lanes:
    - id: air
      from: acme
      to: dc
      transit: "lognormal_ms(2d, 12h)"
      cost_per_shipment: 120
      cost_per_unit: 0.8
      capacity: 200
      cold_chain: true
      open: false
      ambient: 30C
      schedule: {every: 7d, first: 2d}
    - {from: acme, to: dc, cold_chain: true}
    - {from: dc, to: lab, cold_chain: true}
  disruptions:
    - {kind: lane_closure, target: air, at: "+3d", duration: 2d}
    - {kind: supplier_outage, target: acme, at: "2026-01-10T00:00:00+01:00", duration: 3w}
    - {kind: demand_surge, target: MEDIA, at: "+5d", duration: 1w, factor: 2.5}
    - {kind: customs_hold, target: dc, at: "+6d", duration: 1d}
  sourcing:
    - {sku: MEDIA, supplier: acme, hub: dc, route: cost, hub_policy: {type: RsS, s: 40, S: 120, R: 7d},
       hub_initial: 80}
    - sku: CELLS
      supplier: acme
      hub: dc
      frozen: true
      packaging: {type: active, dry_ice: 15, ua: 0.25W/K, heat_capacity: 6kJ/K, battery: 3kWh,
                  power: 45W, setpoint: -70C, limit: -50C}
      hub_policy: {type: sQ, s: 4, Q: 10}
)Y";

}  // namespace

TEST(SupplyScenario, LoaderBuildsEveryKey) {
  const auto r = la::load_scenario_string(kEveryKey, "supply.yaml");
  ASSERT_TRUE(r.ok()) << formatted(r);
  const lt::SupplyDef& s = r.scenario->supply;
  EXPECT_DOUBLE_EQ(s.holding_rate_per_year, 0.3);
  EXPECT_DOUBLE_EQ(s.cost_reference_units, 20);
  ASSERT_EQ(s.suppliers.size(), 1u);
  const auto& a = s.suppliers[0];
  EXPECT_EQ(a.id, "acme");
  EXPECT_EQ(a.lead_time, "exp(3d)");
  EXPECT_DOUBLE_EQ(a.fill_rate, 0.9);
  EXPECT_FALSE(a.partial_shipments);
  EXPECT_DOUBLE_EQ(a.moq, 40);
  EXPECT_DOUBLE_EQ(a.pack_size, 12);
  EXPECT_DOUBLE_EQ(a.unit_price, 38.5);
  EXPECT_DOUBLE_EQ(a.capacity, 400);
  EXPECT_EQ(a.capacity_period, Time::days(1));
  ASSERT_TRUE(a.outages);
  EXPECT_EQ(a.outages->time_between, "exp(90d)");
  EXPECT_EQ(a.outages->duration, "uniform(3d, 14d)");
  ASSERT_EQ(s.hubs.size(), 1u);
  EXPECT_EQ(s.hubs[0].name, "Central DC");
  ASSERT_EQ(s.lanes.size(), 3u);
  const auto& l = s.lanes[0];
  EXPECT_EQ(l.id, "air");
  EXPECT_EQ(l.transit, "lognormal_ms(2d, 12h)");
  EXPECT_DOUBLE_EQ(l.cost_per_shipment, 120);
  EXPECT_DOUBLE_EQ(l.cost_per_unit, 0.8);
  EXPECT_DOUBLE_EQ(l.capacity, 200);
  EXPECT_TRUE(l.cold_chain);
  EXPECT_FALSE(l.open);
  EXPECT_DOUBLE_EQ(l.ambient_c, 30);
  ASSERT_TRUE(l.schedule);
  EXPECT_EQ(l.schedule->every, Time::days(7));
  EXPECT_EQ(l.schedule->first, Time::days(2));
  EXPECT_EQ(s.lanes[1].id, "acme->dc");  // default id
  ASSERT_EQ(s.disruptions.size(), 4u);
  EXPECT_EQ(s.disruptions[0].kind, lt::DisruptionKind::lane_closure);
  EXPECT_EQ(s.disruptions[0].at_us, Time::days(3).ticks);
  EXPECT_FALSE(s.disruptions[0].absolute);
  EXPECT_EQ(s.disruptions[1].kind, lt::DisruptionKind::supplier_outage);
  EXPECT_TRUE(s.disruptions[1].absolute);
  EXPECT_EQ(s.disruptions[1].duration, Time::days(21));
  EXPECT_EQ(s.disruptions[2].kind, lt::DisruptionKind::demand_surge);
  EXPECT_DOUBLE_EQ(s.disruptions[2].factor, 2.5);
  EXPECT_EQ(s.disruptions[3].kind, lt::DisruptionKind::customs_hold);
  ASSERT_EQ(s.sourcing.size(), 2u);
  const auto& m = s.sourcing[0];
  EXPECT_EQ(m.hub, "dc");
  EXPECT_EQ(m.route, lt::RouteObjectiveDef::cost);
  ASSERT_TRUE(m.hub_policy);
  EXPECT_EQ(m.hub_policy->type, "RsS");
  EXPECT_EQ(m.hub_policy->R, Time::days(7));
  EXPECT_DOUBLE_EQ(m.hub_initial, 80);
  const auto& c = s.sourcing[1];
  EXPECT_TRUE(c.frozen);
  EXPECT_EQ(c.packaging.type, lt::PackagingType::active);
  EXPECT_DOUBLE_EQ(c.packaging.dry_ice_kg, 15);
  EXPECT_DOUBLE_EQ(c.packaging.ua_w_per_k, 0.25);
  EXPECT_DOUBLE_EQ(c.packaging.heat_capacity_j_per_k, 6000);
  EXPECT_NEAR(c.packaging.battery_wh, 3000, 1e-9);
  EXPECT_DOUBLE_EQ(c.packaging.power_w, 45);
  EXPECT_DOUBLE_EQ(c.packaging.setpoint_c, -70);
  EXPECT_DOUBLE_EQ(c.packaging.limit_c, -50);
  EXPECT_EQ(c.hub_policy->type, "sQ");
  EXPECT_DOUBLE_EQ(*c.hub_policy->Q, 10);
  // And it runs: the network's KPIs follow the lab's.
  const lt::RunResult run = lt::run_scenario(*r.scenario);
  ASSERT_TRUE(run.kpi("supply_shipments").has_value());
  EXPECT_GT(*run.kpi("supply_conservation_checks"), 0);
  EXPECT_TRUE(run.kpi("supply_fill_rate_lab_MEDIA").has_value());
}

TEST(SupplyScenario, BadBlocksAreReportedAtFileLineColumn) {
  const char* bad = R"Y(labtwin: 1
clock: {horizon: 7d}
sites: [{id: lab}]
items: [{sku: MEDIA}, {sku: CELLS}]
supply:
  suppliers:
    - {id: acme, fill_rate: 0}
    - {id: lab}
  hubs: [{id: acme}, {id: dc}]
  lanes:
    - {id: road, from: acme, to: lba}
    - {id: road, from: dc, to: dc}
    - {from: acme, to: dc, transit: "gamma(2)"}
  sourcing:
    - {sku: MEDA, supplier: acme}
    - {sku: CELLS, supplier: acmee, hub: dc}
    - {sku: CELLS, supplier: acme, hub: dc, frozen: true, hub_policy: {type: sQ, s: 2}}
    - {sku: MEDIA, supplier: acme, hub_policy: {type: sS, s: 2, S: 5}, packaging: {type: cold}}
  disruptions:
    - {kind: lane_closure, target: rode, at: "+1d", duration: 1d}
    - {kind: supplier_outage, target: dc, at: "+1d", duration: 0s}
    - {kind: demand_surge, target: FLASK, at: "+1d", duration: 1d}
    - {kind: customs_hold, target: nowhere, at: "+1d", duration: 1d}
)Y";
  const auto r = la::load_scenario_string(bad, "bad.yaml");
  ASSERT_FALSE(r.ok());
  const std::string text = formatted(r);
  for (const char* expected : {
           "bad.yaml:7:29: error: supply.suppliers[0].fill_rate: \"0\" is out of range: must be "
           "(0..1]",
           "bad.yaml:8:12: error: supply.suppliers[1].id: supplier id `lab` is also a site id",
           "bad.yaml:9:15: error: supply.hubs[0].id: duplicate hub or supplier id `acme` (first at "
           "line 7)",
           "bad.yaml:11:34: error: supply.lanes[0].to: unknown node `lba` (not in suppliers, hubs "
           "or sites); did you mean `lab`?",
           "bad.yaml:12:32: error: supply.lanes[1].to: a lane must join two different nodes",
           "bad.yaml:12:12: error: supply.lanes[1].id: duplicate lane id `road` (first at line 11)",
           "bad.yaml:13:37: error: supply.lanes[2].transit: expected a distribution",
           "bad.yaml:15:13: error: supply.sourcing[0].sku: unknown SKU `MEDA` (not in items); did "
           "you mean `MEDIA`?",
           "bad.yaml:16:30: error: supply.sourcing[1].supplier: unknown supplier `acmee` (not in "
           "supply.suppliers); did you mean `acme`?",
           "bad.yaml:16:42: error: supply.sourcing[1].hub_policy: an item stocked at a hub needs a "
           "hub_policy",
           "bad.yaml:17:13: error: supply.sourcing[2].sku: SKU `CELLS` is sourced twice (first at "
           "line 16)",
           "bad.yaml:17:71: error: supply.sourcing[2].hub_policy.Q: policy type sQ needs `Q`",
           "bad.yaml:17:30: error: supply.sourcing[2].supplier: no open cold-chain route from "
           "`acme` to `dc` on "
           "supply.lanes",
           "bad.yaml:17:41: error: supply.sourcing[2].hub: no open cold-chain route from `dc` to "
           "`lab` on "
           "supply.lanes",
           "bad.yaml:18:30: error: supply.sourcing[3].supplier: no open route from `acme` to `lab` "
           "on "
           "supply.lanes",
           "bad.yaml:18:48: error: supply.sourcing[3].hub_policy: hub_policy without a hub (set "
           "`hub`)",
           "bad.yaml:18:90: error: supply.sourcing[3].packaging.type: unknown value \"cold\"",
           "bad.yaml:20:36: error: supply.disruptions[0].target: unknown lane `rode` (not in "
           "supply.lanes)",
           "bad.yaml:21:39: error: supply.disruptions[1].target: unknown supplier `dc` (not in "
           "supply.suppliers)",
           "bad.yaml:21:64: error: supply.disruptions[1].duration: \"0s\" is out of range",
           "bad.yaml:22:36: error: supply.disruptions[2].target: unknown sourced SKU `FLASK` (not "
           "in supply.sourcing)",
           "bad.yaml:23:36: error: supply.disruptions[3].target: unknown node `nowhere` (not in "
           "suppliers, hubs or sites)",
       }) {
    EXPECT_NE(text.find(expected), std::string::npos) << "missing: " << expected << "\n" << text;
  }
}

TEST(SupplyScenario, ScenariosWithoutSupplyKeepTheirKpis) {
  const auto r = la::load_scenario_string("labtwin: 1\nclock: {horizon: 2d}\nsites: [{id: lab}]\n",
                                          "plain.yaml");
  ASSERT_TRUE(r.ok()) << formatted(r);
  const lt::RunResult run = lt::run_scenario(*r.scenario);
  EXPECT_FALSE(run.kpi("supply_shipments").has_value());
  EXPECT_FALSE(run.kpi("supply_fill_rate").has_value());
}

TEST(SupplyScenario, ShippedOutageScenarioRunsFastAndBufferingHelps) {
  const std::string file = std::string(LABTWIN_SOURCE_DIR) + "/scenarios/supplier-outage.yaml";
  const auto base = la::load_scenario(file);
  ASSERT_TRUE(base.ok()) << formatted(base);
  const auto t0 = std::chrono::steady_clock::now();
  const lt::RunResult b = lt::run_scenario(*base.scenario);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_LT(seconds, 2.0);
  EXPECT_NEAR(*b.kpi("supply_supplier_down_time"), 21 * 86400.0, 30 * 86400.0);
  const auto lean = la::load_variant(file, "lean");
  const auto buffered = la::load_variant(file, "buffered");
  ASSERT_TRUE(lean.ok()) << formatted(lean);
  ASSERT_TRUE(buffered.ok()) << formatted(buffered);
  const lt::RunResult l = lt::run_scenario(*lean.scenario);
  const lt::RunResult f = lt::run_scenario(*buffered.scenario);
  // Same random numbers (same seed): the outage hits both; the buffer rides it out.
  EXPECT_GT(*f.kpi("supply_fill_rate"), *l.kpi("supply_fill_rate"));
  EXPECT_LT(*f.kpi("supply_stockout_time"), *l.kpi("supply_stockout_time"));
  EXPECT_GT(*f.kpi("supply_inventory_cost"), *l.kpi("supply_inventory_cost"));
}
