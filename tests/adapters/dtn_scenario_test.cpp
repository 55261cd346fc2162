// The `dtn:` block from a scenario: a remote site's reorder request travels to HQ as a bundle
// (the order is placed when it arrives, the goods come with the next resupply window), bad
// blocks are reported, and a scenario without the block shows no DTN KPIs.
#include <gtest/gtest.h>

#include <cmath>
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

lt::ScenarioDef load(const std::string& text) {
  const auto r = la::load_scenario_string(text, "dtn.yaml");
  if (!r.ok()) throw std::runtime_error(formatted(r));
  return *r.scenario;
}

double kpi(const lt::RunResult& r, const std::string& name) {
  for (const auto& k : r.kpis)
    if (k.name == name) return k.value;
  return NAN;
}

// One item at the station with no demand, 5 on hand below s = 10: the policy orders 15 at t=0.
// The request (2000 B at 2000 B/s: 1 s per hop, owlt 0) waits for the 2->3 pass at 2h, reaches
// the relay at 2h + 1 s, waits for the 3->1 pass at 5h (transmission 1 s): HQ has it at
// 5h + 1 s = 18001 s. Lead time 5 d: ready at 5d 5h; resupply windows at 3w, 9w, ...: the goods
// arrive at 21 d.
std::string station(const std::string& horizon, const std::string& dtn_extra = "") {
  return R"Y(labtwin: 1
clock: {start: "2026-02-02T00:00:00Z", horizon: )Y" +
         horizon + R"Y(}
sites:
  - id: hq
  - id: station
items:
  - {sku: GLOVES, storage_class: room, demand: {site: station, rate: 0/d}, lead_time: "const(5d)",
     policy: {type: sS, s: 10, S: 20}, initial: 5}
dtn:
  hq: hq
  nodes: [{node: 1, site: hq}, {node: 2, site: station}, {node: 3}]
  passes:
    - {from: 2, to: 3, first: 2h, every: 8h, duration: 10min, rate: 2000}
    - {from: 3, to: 1, first: 5h, every: 8h, duration: 10min, rate: 2000}
  telemetry_every: 0s
  resupply: {first: 3w, every: 6w}
)Y" + dtn_extra;
}

TEST(DtnScenario, RequestTravelsAndGoodsComeWithTheResupplyWindow) {
  lt::LabModel m(load(station("22d")));
  m.run_until(Time::h(5));
  EXPECT_DOUBLE_EQ(m.item_status("GLOVES").on_order, 15);  // requested: counts as on order
  m.run_until(Time::days(20));
  EXPECT_DOUBLE_EQ(m.item_status("GLOVES").on_hand, 5);  // ordered at 5h, waits for 21 d
  m.run();
  EXPECT_DOUBLE_EQ(m.item_status("GLOVES").on_hand, 20);
  const auto r = m.result();
  EXPECT_DOUBLE_EQ(kpi(r, "dtn_order_requests"), 1);
  EXPECT_DOUBLE_EQ(kpi(r, "dtn_order_request_latency"), 5 * 3600.0 + 1);
  EXPECT_DOUBLE_EQ(kpi(r, "dtn_bundles"), 1);
  EXPECT_DOUBLE_EQ(kpi(r, "dtn_delivery_ratio"), 1);
  EXPECT_DOUBLE_EQ(kpi(r, "dtn_storage_peak_node_2"), 2000);
  EXPECT_DOUBLE_EQ(kpi(r, "purchase_orders"), 1);
}

TEST(DtnScenario, ALostRequestCancelsItsOrderAndTheSiteAsksAgain) {
  // No pass reaches HQ before the 1-day lifetime ends (3->1 only from day 2): the request
  // expires at 24 h, the PO is cancelled and the policy sends a new request at once (still on
  // its way when the 36-h run ends).
  std::string text = station("36h");
  const auto at = text.find("first: 5h");
  text.replace(at, 9, "first: 2d");
  text += "  lifetime: 1d\n";
  lt::LabModel m(load(text));
  m.run();
  const auto r = m.result();
  EXPECT_DOUBLE_EQ(kpi(r, "dtn_order_requests_lost"), 1);
  EXPECT_DOUBLE_EQ(kpi(r, "dtn_order_requests"), 2);
  EXPECT_DOUBLE_EQ(kpi(r, "dtn_bundles_expired"), 1);
  EXPECT_DOUBLE_EQ(m.item_status("GLOVES").on_order, 15);  // the second request's PO
}

TEST(DtnScenario, BadBlocksAreReported) {
  std::string text = station("1d");
  text.replace(text.find("hq: hq\n"), 7, "hq: hqq\n");
  text.replace(text.find("to: 1, first"), 5, "to: 9");
  const auto r = la::load_scenario_string(text, "dtn.yaml");
  ASSERT_FALSE(r.ok());
  const std::string msg = formatted(r);
  EXPECT_NE(msg.find("dtn.hq: unknown site `hqq`"), std::string::npos) << msg;
  EXPECT_NE(msg.find("dtn.passes[1].to: unknown node `9`"), std::string::npos) << msg;
}

TEST(DtnScenario, WithoutTheBlockNothingChanges) {
  std::string text = station("22d");
  text.resize(text.find("dtn:"));
  lt::LabModel m(load(text));
  m.run();
  const auto r = m.result();
  for (const auto& k : r.kpis) EXPECT_EQ(k.name.rfind("dtn_", 0), std::string::npos) << k.name;
  // Ordered at t = 0 and delivered after the 5-day lead time.
  EXPECT_DOUBLE_EQ(m.item_status("GLOVES").on_hand, 20);
  EXPECT_DOUBLE_EQ(kpi(r, "purchase_orders"), 1);
}

}  // namespace
