// The `dtn:` block from a scenario: a remote site's reorder request travels to HQ as a bundle
// (the order is placed when it arrives; a network-sourced item's goods then take the supply
// chain's lanes, the resupply window being a scheduled lane), the contact plan from passes or a
// plan file (ION or HDTN JSON, relative or dated), bad blocks are reported, and a scenario
// without the block shows no DTN KPIs.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <tuple>

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
// 5h + 1 s = 18001 s; the goods arrive 5 d (the lead time) later.
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
)Y" + dtn_extra;
}

// The same item sourced through a supply network: supplier (lead 5 d) -> hq by truck (1 d) ->
// station by a ship leaving only every 6 weeks from week 3 (transit 2 d). Ordered at HQ at
// 5h + 1 s, ready at 5d 5h, at hq at 6d 5h, waits for the 21-day departure: on hand at 23 d.
const char* kResupplyLane = R"Y(supply:
  suppliers: [{id: vendor, lead_time: "const(5d)"}]
  lanes:
    - {id: truck, from: vendor, to: hq, transit: "const(1d)"}
    - {id: ship, from: hq, to: station, transit: "const(2d)", schedule: {first: 3w, every: 6w}}
  sourcing: [{sku: GLOVES, supplier: vendor}]
)Y";

TEST(DtnScenario, RequestTravelsThenTheGoodsTakeTheLanes) {
  lt::LabModel m(load(station("22d")));
  m.run_until(Time::h(5));
  EXPECT_DOUBLE_EQ(m.item_status("GLOVES").on_order, 15);  // requested: counts as on order
  m.run_until(Time::days(5) + Time::h(5));
  EXPECT_DOUBLE_EQ(m.item_status("GLOVES").on_hand, 5);  // ordered at 5h + 1 s: not yet
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

TEST(DtnScenario, ResupplyWindowIsAScheduledLaneOfTheSupplyChain) {
  lt::LabModel m(load(station("25d") + kResupplyLane));
  m.run_until(Time::h(5));
  EXPECT_DOUBLE_EQ(m.item_status("GLOVES").on_order, 15);  // the request is on its way
  m.run_until(Time::h(6));
  EXPECT_DOUBLE_EQ(m.item_status("GLOVES").on_order, 15);  // now ordered from the vendor
  m.run_until(Time::days(22));
  EXPECT_DOUBLE_EQ(m.item_status("GLOVES").on_hand, 5);  // on the ship (left at 21 d)
  EXPECT_DOUBLE_EQ(m.item_status("GLOVES").on_order, 15);
  m.run_until(Time::days(23) - Time::s(1));
  EXPECT_DOUBLE_EQ(m.item_status("GLOVES").on_hand, 5);
  m.run();
  EXPECT_DOUBLE_EQ(m.item_status("GLOVES").on_hand, 20);
  EXPECT_DOUBLE_EQ(m.item_status("GLOVES").on_order, 0);
  const auto r = m.result();
  EXPECT_DOUBLE_EQ(kpi(r, "dtn_order_requests"), 1);
  EXPECT_DOUBLE_EQ(kpi(r, "dtn_order_request_latency"), 5 * 3600.0 + 1);
  EXPECT_DOUBLE_EQ(m.item_status("GLOVES").orders, 1);  // counted once, not again at HQ
  // Without the request delay (no dtn block) the same order waits for the same ship.
  std::string text = station("25d");
  text.resize(text.find("dtn:"));
  lt::LabModel direct(load(text + kResupplyLane));
  direct.run_until(Time::days(23) - Time::s(1));
  EXPECT_DOUBLE_EQ(direct.item_status("GLOVES").on_hand, 5);
  direct.run();
  EXPECT_DOUBLE_EQ(direct.item_status("GLOVES").on_hand, 20);
}

TEST(DtnScenario, ALostNetworkRequestIsNoLongerOnOrder) {
  // As below, for a network-sourced item: nothing was ordered, the request is simply lost and
  // the policy asks again at once.
  std::string text = station("36h");
  text.replace(text.find("first: 5h"), 9, "first: 2d");
  text += "  lifetime: 1d\n";
  lt::LabModel m(load(text + kResupplyLane));
  m.run();
  const auto r = m.result();
  EXPECT_DOUBLE_EQ(kpi(r, "dtn_order_requests_lost"), 1);
  EXPECT_DOUBLE_EQ(kpi(r, "dtn_order_requests"), 2);
  EXPECT_DOUBLE_EQ(m.item_status("GLOVES").on_order, 15);  // only the second request
}

// The plan file equivalent of the two passes over the first day (2->3 at 2h, 10h, 18h; 3->1 at
// 5h, 13h, 21h; 10 min, 2000 B/s both ways), as ION text with relative times, as ION with
// dated times, and as HDTN JSON (bits/s): every one gives the same request latency.
class DtnPlanFile : public ::testing::Test {
 protected:
  std::filesystem::path dir_ =
      std::filesystem::temp_directory_path() / ("labtwin_dtn_plan_" + std::to_string(::getpid()));
  void SetUp() override { std::filesystem::create_directories(dir_); }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
    return (dir_ / name).string();
  }
  static std::string ion(bool dated) {
    std::string out = dated ? "@ 2026/02/02-00:00:00\n" : "";
    for (int k = 0; k < 3; ++k) {
      for (auto [from, to, h] :
           {std::tuple{2, 3, 2}, std::tuple{3, 2, 2}, std::tuple{3, 1, 5}, std::tuple{1, 3, 5}}) {
        const int start = (h + 8 * k) * 3600;
        out += "a contact +" + std::to_string(start) + " +" + std::to_string(start + 600) + " " +
               std::to_string(from) + " " + std::to_string(to) + " 2000\n";
      }
    }
    return out;
  }
  static std::string json() {
    std::string out = "{\"contacts\": [";
    int id = 0;
    for (int k = 0; k < 3; ++k)
      for (auto [from, to, h] :
           {std::tuple{2, 3, 2}, std::tuple{3, 2, 2}, std::tuple{3, 1, 5}, std::tuple{1, 3, 5}}) {
        const int start = (h + 8 * k) * 3600;
        out += std::string(id > 0 ? "," : "") + "{\"contact\": " + std::to_string(id) +
               ", \"source\": " + std::to_string(from) + ", \"dest\": " + std::to_string(to) +
               ", \"startTime\": " + std::to_string(start) +
               ", \"endTime\": " + std::to_string(start + 600) +
               ", \"rateBitsPerSec\": 16000, \"owlt\": 0}";
        ++id;
      }
    return out + "]}";
  }
  static std::string with_plan(const std::string& file) {
    std::string text = station("1d");
    const auto a = text.find("  passes:");
    const auto b = text.find("  telemetry_every");
    return text.replace(a, b - a, "  plan: " + file + "\n");
  }
};

TEST_F(DtnPlanFile, EveryFormatGivesTheSameLatencyAsThePasses) {
  lt::LabModel passes(load(station("1d")));
  passes.run();
  const double want = kpi(passes.result(), "dtn_order_request_latency");
  ASSERT_DOUBLE_EQ(want, 5 * 3600.0 + 1);
  for (const auto& file : {write("relative.ion", ion(false)), write("dated.ion", ion(true)),
                           write("plan.json", json())}) {
    const lt::ScenarioDef sc = load(with_plan(file));
    EXPECT_EQ(sc.dtn.plan.size(), 12u) << file;
    lt::LabModel m(sc);
    m.run();
    EXPECT_DOUBLE_EQ(kpi(m.result(), "dtn_order_request_latency"), want) << file;
  }
}

TEST_F(DtnPlanFile, ADatedPlanKeepsItsDatesAndDropsWhatIsOver) {
  // Epoch one hour before the scenario start: every contact is an hour earlier in scenario time
  // (the 2->3 pass at 1h, 3->1 at 4h), and nothing is over yet.
  std::string text = ion(true);
  text.replace(0, text.find('\n'), "@ 2026/02/01-23:00:00");
  const lt::ScenarioDef sc = load(with_plan(write("early.ion", text)));
  ASSERT_EQ(sc.dtn.plan.size(), 12u);
  EXPECT_EQ(sc.dtn.plan.front().start, Time::h(1));
  lt::LabModel m(sc);
  m.run();
  EXPECT_DOUBLE_EQ(kpi(m.result(), "dtn_order_request_latency"), 4 * 3600.0 + 1);
  // Epoch a day before: all contacts are over before the start; the request never leaves.
  text.replace(0, text.find('\n'), "@ 2026/02/01-00:00:00");
  EXPECT_TRUE(load(with_plan(write("old.ion", text))).dtn.plan.empty());
}

TEST_F(DtnPlanFile, BadPlansAreReportedWithTheirFileAndLine) {
  const std::string bad = write("bad.ion", "a contact +0 +60 1 2 1000\na contact +0 +60 1 2 -5\n");
  auto r = la::load_scenario_string(with_plan(bad), "dtn.yaml");
  ASSERT_FALSE(r.ok());
  std::string msg = formatted(r);
  EXPECT_NE(msg.find("dtn.plan: cannot import the contact plan: " + bad + ":2: error:"),
            std::string::npos)
      << msg;
  r = la::load_scenario_string(with_plan((dir_ / "missing.ion").string()), "dtn.yaml");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(formatted(r).find("missing.ion"), std::string::npos) << formatted(r);
  // Dated plan without clock.start.
  std::string undated = with_plan(write("dated.ion", ion(true)));
  undated.replace(undated.find("start: \"2026-02-02T00:00:00Z\", "), 31, "");
  r = la::load_scenario_string(undated, "dtn.yaml");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(formatted(r).find("set clock.start"), std::string::npos) << formatted(r);
  // Neither passes nor plan.
  std::string none = station("1d");
  none.replace(none.find("  passes:"), none.find("  telemetry_every") - none.find("  passes:"), "");
  r = la::load_scenario_string(none, "dtn.yaml");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(formatted(r).find("no contacts"), std::string::npos) << formatted(r);
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
