// The technicians, microgrid and DTN panels' logic, headless: the technician's line, microgrid
// status classes, contact selection on a hand-made plan, DTN counts from KPIs, map refresh
// (status and open contacts change, the layout does not) and whole frames with those tabs.
#include <gtest/gtest.h>
#include <imgui.h>

#include <memory>

#include "labtwin/viz/headless.hpp"
#include "labtwin/viz/map_layout.hpp"
#include "labtwin/viz/panels.hpp"
#include "labtwin/viz/synthetic.hpp"
#include "labtwin/viz/theme.hpp"

namespace labtwin::viz {
namespace {

constexpr std::int64_t kStart = 1'772'816'400'000'000;  // 2026-03-06T17:00:00Z

TEST(TechnicianLine, TravellingShowsRouteAndEta) {
  TechnicianState t;
  t.status = "travelling";
  t.location = "bio";
  t.destination = "bio/freezer-hall";
  t.ticket = "alarm_response-1";
  t.eta_s = 3600.0 + 30 * 60;  // 18:30 local (start 17:00Z = 18:00 at +01:00)
  EXPECT_EQ(technician_line(t, 3600.0, kStart, 3600),
            "to bio/freezer-hall, ETA 19:30 (in 30.0 min), from bio: alarm_response-1");
  t.eta_s = -1.0;
  EXPECT_EQ(technician_line(t, 3600.0, kStart, 3600),
            "to bio/freezer-hall, from bio: alarm_response-1");
}

TEST(TechnicianLine, StatusWordsAndPlace) {
  TechnicianState t;
  t.location = "site_a/room_1";  // underscores in ids are kept
  t.status = "off_shift";
  EXPECT_EQ(technician_line(t, 0, kStart, 0), "site_a/room_1, off shift");
  t.status = "working";
  t.ticket = "repair-2";
  EXPECT_EQ(technician_line(t, 0, kStart, 0), "site_a/room_1, working: repair-2");
  TechnicianState unknown;  // a played-back run: no status, only busy
  unknown.busy = true;
  EXPECT_EQ(technician_line(unknown, 0, kStart, 0), "?, busy");
}

TEST(MapNodeTab, MicrogridPartsAndDtnNodesOpenTheirTabs) {
  for (const char* k : {"grid", "pv", "battery", "generator"})
    EXPECT_EQ(map_node_tab(k), "microgrid");
  EXPECT_EQ(map_node_tab("dtn_node"), "dtn");
  for (const char* k : {"supplier", "hub", "site", "room", "freezer", ""})
    EXPECT_EQ(map_node_tab(k), "") << k;
}

TEST(MicrogridStatus, ShedIsRedIslandedIsAmber) {
  MicrogridState m;
  EXPECT_EQ(microgrid_status(m), 0);
  m.grid_up = false;
  EXPECT_EQ(microgrid_status(m), 1);
  m.shed = {"F-01"};
  EXPECT_EQ(microgrid_status(m), 2);
  m.grid_up = true;  // shedding on the grid (a job that does not fit): still red
  EXPECT_EQ(microgrid_status(m), 2);
}

// Two nodes, contacts 1->2 and 2->1 at [100, 200), 1->2 at [300, 350), 2->3 at [150, 400).
DtnState plan() {
  DtnState d;
  d.enabled = true;
  d.hq = "hq";
  d.nodes = {{1, "hq", 1000, -1, -1}, {2, "", 1000, -1, -1}, {3, "station", 500, -1, -1}};
  d.contacts = std::make_shared<std::vector<DtnContact>>(std::vector<DtnContact>{
      {1, 2, 100, 200, 10}, {2, 1, 100, 200, 10}, {2, 3, 150, 400, 5}, {1, 2, 300, 350, 10}});
  return d;
}

TEST(Dtn, OpenAndNextContacts) {
  const DtnState d = plan();
  EXPECT_TRUE(open_contacts(d, 99.9).empty());
  EXPECT_EQ(open_contacts(d, 100.0), (std::vector<std::size_t>{0, 1}));
  EXPECT_EQ(open_contacts(d, 199.0), (std::vector<std::size_t>{0, 1, 2}));
  EXPECT_EQ(open_contacts(d, 200.0), (std::vector<std::size_t>{2}));  // end is exclusive
  EXPECT_EQ(open_contacts(d, 320.0), (std::vector<std::size_t>{2, 3}));
  EXPECT_EQ(next_contacts(d, 0.0, 2), (std::vector<std::size_t>{0, 1}));
  EXPECT_EQ(next_contacts(d, 100.0, 5), (std::vector<std::size_t>{2, 3}));  // strictly after
  EXPECT_TRUE(next_contacts(d, 300.0, 5).empty());
  EXPECT_EQ(contact_rows(d),
            (std::vector<std::pair<std::uint64_t, std::uint64_t>>{{1, 2}, {2, 1}, {2, 3}}));
  EXPECT_TRUE(open_contacts(DtnState{}, 0).empty());
}

TEST(Dtn, UpdateTakesCountsFromKpisAndMarksOpenEdges) {
  Snapshot s;
  s.dtn = plan();
  s.map_edges = {{dtn_map_id(1), dtn_map_id(2), "contact"},
                 {dtn_map_id(2), dtn_map_id(3), "contact"},
                 {"hq", dtn_map_id(1), "dtn_site"}};
  s.kpis = {{"dtn_bundles", 40, "count", ""},
            {"dtn_delivery_ratio", 0.75, "ratio", ""},
            {"dtn_bundles_expired", 2, "count", ""},
            {"dtn_bundles_dropped", 1, "count", ""},
            {"dtn_bundles_pending", 7, "count", ""},
            {"dtn_storage_peak_node_3", 420, "bytes", ""},
            {"dtn_storage_mean_node_3", 12.5, "bytes", ""}};
  s.now_s = 120.0;
  update_dtn(s);
  EXPECT_EQ(s.dtn.bundles, 40);
  EXPECT_EQ(s.dtn.delivered, 30);  // 0.75 x 40
  EXPECT_EQ(s.dtn.expired, 2);
  EXPECT_EQ(s.dtn.dropped, 1);
  EXPECT_EQ(s.dtn.pending, 7);
  EXPECT_EQ(s.dtn.nodes[2].storage_peak, 420);
  EXPECT_EQ(s.dtn.nodes[2].storage_mean, 12.5);
  EXPECT_EQ(s.dtn.nodes[0].storage_peak, -1);  // no KPI: unknown
  EXPECT_EQ(s.map_edges[0].kind, "contact_open");
  EXPECT_EQ(s.map_edges[1].kind, "contact");  // 2->3 opens at 150
  EXPECT_EQ(s.map_edges[2].kind, "dtn_site");
  s.now_s = 250.0;
  update_dtn(s);
  EXPECT_EQ(s.map_edges[0].kind, "contact");
  EXPECT_EQ(s.map_edges[1].kind, "contact_open");
}

TEST(MapRefresh, StatusAndEdgeKindsFollowTheSnapshotLayoutKept) {
  Snapshot s;
  s.sites = {{"bio", "Bio", {"hall"}}};
  s.map_nodes = {{"bio/grid", "grid", "bio grid", 0},
                 {dtn_map_id(1), "dtn_node", "ipn:1", 0},
                 {dtn_map_id(2), "dtn_node", "ipn:2", 0}};
  s.map_edges = {{"bio", "bio/grid", "power"},
                 {dtn_map_id(1), dtn_map_id(2), "contact"},
                 {"nowhere", "bio", "lane"}};
  MapGraph g = lab_graph(s);
  ASSERT_EQ(g.extra_nodes.size(), 3u);
  ASSERT_EQ(g.extra_edges.size(), 3u);
  EXPECT_EQ(g.extra_edges[2], -1);  // unknown id: no edge
  const auto pos = layout_graph(g, 7);
  s.map_nodes[0].status = 1;
  s.map_edges[1].kind = "contact_open";
  refresh_graph(g, s);
  EXPECT_EQ(g.nodes[g.extra_nodes[0]].status, 1);
  EXPECT_EQ(g.nodes[g.extra_nodes[1]].status, 0);
  EXPECT_EQ(g.edges[static_cast<std::size_t>(g.extra_edges[1])].kind, "contact_open");
  const auto again = layout_graph(g, 7);  // the shape is unchanged: same layout
  ASSERT_EQ(pos.size(), again.size());
  for (std::size_t i = 0; i < pos.size(); ++i) EXPECT_EQ(pos[i].x, again[i].x);
}

class HeadlessTabs : public ::testing::Test {
 protected:
  void frame(const Snapshot& s, UiState& ui) { ctx_.frame(s, ui); }
  static bool uses(std::uint32_t color) { return HeadlessContext::drew_color(color); }
  HeadlessContext ctx_;
};

MicrogridState islanded_grid() {
  MicrogridState m;
  m.site = "site-0";
  m.grid_up = false;
  m.capacity_wh = 200'000;
  m.soc = 0.6;
  m.discharge_w = 3000;
  m.demand_w = 3500;
  m.served_w = 3000;
  m.shed = {"F-03"};
  for (int i = 0; i <= 120; ++i) {
    m.t_s.push_back(i * 60.0);
    m.soc_hist.push_back(1.0 - 0.4 * i / 120.0);
    m.pv_hist.push_back(0.0);
    m.demand_hist.push_back(3500.0);
    m.served_hist.push_back(3000.0);
  }
  m.islanded = {{0.0, 7200.0}};
  m.shedding = {{3600.0, 7200.0}};
  return m;
}

TEST_F(HeadlessTabs, MicrogridTabDrawsTheSocPlot) {
  Snapshot s = synthetic_snapshot(40, 100, 120);
  UiState ui;
  frame(s, ui);
  EXPECT_EQ(ui.microgrid_plot.w, 0);  // no microgrid: no tab, no plot
  EXPECT_FALSE(uses(colors::kBattery));
  s.microgrids.push_back(islanded_grid());
  ui.show_tab = "microgrid";
  frame(s, ui);
  frame(s, ui);
  EXPECT_GT(ui.microgrid_plot.w, 200);
  EXPECT_GT(ui.microgrid_plot.h, 40);
  EXPECT_TRUE(uses(colors::kBattery));   // SoC line and the discharge segment
  EXPECT_TRUE(uses(colors::kIslanded));  // islanded band
  EXPECT_TRUE(ui.show_tab.empty());      // consumed
  EXPECT_EQ(pick_microgrid(s, ""), 0);
  EXPECT_EQ(pick_microgrid(s, "elsewhere"), 0);
}

TEST_F(HeadlessTabs, DtnTabHighlightsOpenContacts) {
  Snapshot s = synthetic_snapshot(40, 100, 120);
  s.dtn = plan();
  s.now_s = 120.0;  // 1->2 and 2->1 open
  UiState ui;
  ui.show_tab = "dtn";
  frame(s, ui);
  frame(s, ui);
  EXPECT_GT(ui.dtn_timeline.w, 200);
  EXPECT_TRUE(uses(colors::kContactOpen));
  EXPECT_TRUE(uses(colors::kContact));
  s.now_s = 3600.0 * 5;  // everything is over
  frame(s, ui);
  EXPECT_FALSE(uses(colors::kContactOpen));
}

}  // namespace
}  // namespace labtwin::viz
