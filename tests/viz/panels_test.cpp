// Panel logic and whole frames, headless (ImGui context without a renderer).
#include "labtwin/viz/panels.hpp"

#include <gtest/gtest.h>
#include <imgui.h>

#include <algorithm>

#include "labtwin/sim/units.hpp"
#include "labtwin/viz/headless.hpp"
#include "labtwin/viz/synthetic.hpp"
#include "labtwin/viz/theme.hpp"

namespace labtwin::viz {
namespace {

// A headless ImGui context: display size and font atlas, no renderer.
class Headless : public ::testing::Test {
 protected:
  // Draws one frame; returns the number of vertices it produced.
  int frame(const Snapshot& s, UiState& ui) { return ctx_.frame(s, ui); }
  // A mouse click at (x, y): hover, press, release, one frame each.
  void press_at(const Snapshot& s, UiState& ui, float x, float y) {
    ImGuiIO& io = ImGui::GetIO();
    io.MousePos = {x, y};
    io.MouseDown[0] = false;
    frame(s, ui);
    io.MouseDown[0] = true;
    frame(s, ui);
    io.MouseDown[0] = false;
    frame(s, ui);
  }
  // True when some draw command of the frame uses `color` on a vertex.
  static bool frame_uses_color(std::uint32_t color) { return HeadlessContext::drew_color(color); }
  HeadlessContext ctx_;
};

TEST_F(Headless, FullFrameDrawsPlotAndBadgeOnlyWithAnAlarm) {
  Snapshot s = synthetic_snapshot(40, 500, 600);
  UiState ui;
  frame(s, ui);  // the first frame lays windows out
  EXPECT_GT(frame(s, ui), 1000);
  // The plot rectangle lies inside the display and has room for a plot.
  EXPECT_GT(ui.freezer_plot.w, 300);
  EXPECT_GT(ui.freezer_plot.h, 100);
  EXPECT_LE(ui.freezer_plot.x + ui.freezer_plot.w, 1600);
  EXPECT_TRUE(frame_uses_color(colors::kAirLine));
  // Every 7th freezer alarms in the synthetic snapshot: badge drawn, alarm colour used.
  EXPECT_GT(ui.alarm_badge.w, 0);
  EXPECT_TRUE(frame_uses_color(colors::kAlarm));
  for (auto& f : s.freezers) f.alarm = false, f.history.alarm.clear();
  s.events.clear();
  frame(s, ui);
  EXPECT_EQ(ui.alarm_badge.w, 0);
  EXPECT_FALSE(frame_uses_color(colors::kAlarm));
}

TEST_F(Headless, EmptySnapshotDrawsWithoutFreezers) {
  Snapshot s;
  UiState ui;
  frame(s, ui);
  EXPECT_GT(frame(s, ui), 0);
  EXPECT_EQ(ui.freezer_plot.w, 0);  // no freezer, no plot
}

TEST_F(Headless, EventFilterCacheFollowsTheFilters) {
  const Snapshot s = synthetic_snapshot(10, 1000, 100);
  UiState ui;
  frame(s, ui);
  EXPECT_EQ(ui.event_rows.size(), 1000u);
  ui.kind_filter = "ALARM";  // case-insensitive
  frame(s, ui);
  EXPECT_EQ(ui.event_rows.size(), 200u);  // every 5th synthetic event is freezer.alarm
}

TEST_F(Headless, ClickingAnEventRowScrubsToItsTimeAndSelectsItsFreezer) {
  Snapshot s = synthetic_snapshot(40, 100, 600);  // events at now * e / 100, entity F-(e % 40)
  UiState ui;
  frame(s, ui);
  frame(s, ui);
  ASSERT_TRUE(ui.follow_now);
  // The event log tile starts at x = 72 % of the width; scan down its first column.
  bool hit = false;
  for (float y = 110; y < 400 && !hit; y += 3) {
    press_at(s, ui, 1600 * 0.72f + 40, y);
    hit = !ui.follow_now;
  }
  ASSERT_TRUE(hit) << "no event row answered a click";
  // The newest first: whichever row was hit, the view moved to that event's time, before now.
  const auto it = std::find_if(s.events.begin(), s.events.end(),
                               [&](const EventRow& e) { return e.t_s == ui.view_s; });
  ASSERT_NE(it, s.events.end()) << ui.view_s;
  EXPECT_LT(ui.view_s, s.live_s);
  EXPECT_EQ(ui.selected_freezer, it->entity);
}

TEST_F(Headless, ClickingASiteMapSquareSelectsThatFreezer) {
  Snapshot s = synthetic_snapshot(40, 0, 60);
  UiState ui;
  frame(s, ui);
  frame(s, ui);
  std::string picked;
  for (float y = 120; y < 400 && picked.empty(); y += 4)
    for (float x = 8; x < 380 && picked.empty(); x += 5) {
      press_at(s, ui, x, y);
      picked = ui.selected_freezer;
    }
  ASSERT_FALSE(picked.empty()) << "no square answered a click";
  // The freezer view now shows the clicked freezer.
  EXPECT_EQ(s.freezers[static_cast<std::size_t>(pick_freezer(s, ui.selected_freezer))].id, picked);
}

TEST_F(Headless, ThemeSwitchesBetweenDarkAndLight) {
  const Snapshot s = synthetic_snapshot(4, 10, 10);
  UiState ui;
  frame(s, ui);
  const ImVec4 dark = ImGui::GetStyle().Colors[ImGuiCol_WindowBg];
  EXPECT_LT(dark.x + dark.y + dark.z, 1.5f);
  ui.dark = false;
  ui.theme_dirty = true;
  frame(s, ui);
  const ImVec4 light = ImGui::GetStyle().Colors[ImGuiCol_WindowBg];
  EXPECT_GT(light.x + light.y + light.z, 1.5f);
  EXPECT_FALSE(ui.theme_dirty);
}

TEST(FilterEvents, MatchesSubstringsOfKindAndEntity) {
  std::vector<EventRow> ev = {{0, "freezer.alarm", "A-07", ""},
                              {1, "dispatch.callout", "tech-oncall", ""},
                              {2, "freezer.alarm_cleared", "A-07", ""},
                              {3, "freezer.alarm", "B-01", ""}};
  EXPECT_EQ(filter_events(ev, "", "").size(), 4u);
  EXPECT_EQ(filter_events(ev, "alarm", ""), (std::vector<std::size_t>{0, 2, 3}));
  EXPECT_EQ(filter_events(ev, "alarm", "a-07"), (std::vector<std::size_t>{0, 2}));
  EXPECT_TRUE(filter_events(ev, "nothing", "").empty());
}

TEST(PickFreezer, SelectionElseTheWorstElseTheFirst) {
  Snapshot s = synthetic_snapshot(10, 0, 10);
  for (auto& f : s.freezers) f.alarm = false;
  EXPECT_EQ(pick_freezer(s, ""), 0);
  s.freezers[4].failed = true;
  EXPECT_EQ(pick_freezer(s, ""), 4);
  s.freezers[6].alarm = true;
  EXPECT_EQ(pick_freezer(s, ""), 6);
  EXPECT_EQ(pick_freezer(s, "F-2"), 2);
  EXPECT_EQ(pick_freezer(s, "no-such"), 6);
  EXPECT_EQ(pick_freezer(Snapshot{}, ""), -1);
}

TEST(Status, SeverityOrder) {
  FreezerState f;
  EXPECT_EQ(status_of(f), FreezerStatus::kOk);
  f.door = true;
  EXPECT_EQ(status_of(f), FreezerStatus::kDoorOpen);
  f.failed = true;
  EXPECT_EQ(status_of(f), FreezerStatus::kFailed);
  f.alarm = true;
  EXPECT_EQ(status_of(f), FreezerStatus::kAlarm);
  EXPECT_EQ(status_color(status_of(f)), colors::kAlarm);
  f.damaged = true;
  EXPECT_EQ(status_of(f), FreezerStatus::kDamaged);
}

TEST(Shortcuts, SpaceTogglesArrowsStepAndScrubFFollows) {
  Snapshot s;
  s.now_s = s.live_s = 7200.0;
  UiState ui;
  ui.step_s = 600.0;
  apply_shortcuts({.space = true}, s, ui);
  ASSERT_EQ(ui.outbox.size(), 1u);
  EXPECT_EQ(ui.outbox[0].kind, Command::Kind::kTogglePause);
  ui.outbox.clear();
  apply_shortcuts({.right = true}, s, ui);  // following: step the model
  ASSERT_EQ(ui.outbox.size(), 1u);
  EXPECT_EQ(ui.outbox[0].kind, Command::Kind::kStep);
  EXPECT_EQ(ui.outbox[0].value, 600.0);
  ui.outbox.clear();
  apply_shortcuts({.left = true}, s, ui);  // back: scrub stored state, no command
  EXPECT_TRUE(ui.outbox.empty());
  EXPECT_FALSE(ui.follow_now);
  EXPECT_EQ(ui.view_s, 6600.0);
  apply_shortcuts({.left = true}, s, ui);
  EXPECT_EQ(ui.view_s, 6000.0);
  apply_shortcuts({.right = true}, s, ui);  // scrubbing: forward through stored state
  EXPECT_TRUE(ui.outbox.empty());
  EXPECT_EQ(ui.view_s, 6600.0);
  apply_shortcuts({.follow = true}, s, ui);
  EXPECT_TRUE(ui.follow_now);
}

TEST(ParseTimeArg, OffsetsAndDateTimesAgree) {
  const auto start = sim::units::parse_datetime("2026-03-06T18:00:00+01:00");
  ASSERT_TRUE(start.ok());
  std::string err;
  EXPECT_DOUBLE_EQ(parse_time_arg("7h", start.value, err), 25200.0);
  EXPECT_TRUE(err.empty());
  EXPECT_DOUBLE_EQ(parse_time_arg(" 2026-03-07T01:00:00+01:00 ", start.value, err), 25200.0);
  EXPECT_DOUBLE_EQ(parse_time_arg("2026-03-07T00:00:00Z", start.value, err), 25200.0);
  EXPECT_LT(parse_time_arg("2026-03-01T00:00:00Z", start.value, err), 0.0);
  EXPECT_NE(err.find("before the scenario start"), std::string::npos);
  EXPECT_LT(parse_time_arg("soon", start.value, err), 0.0);
  EXPECT_NE(err.find("soon"), std::string::npos);  // the message names the bad text
  EXPECT_LT(parse_time_arg("", start.value, err), 0.0);
}

TEST(CoveredFraction, ClipsIntervalsToTheWindow) {
  const std::vector<Interval> iv = {{0, 10}, {20, 30}, {40, 100}};
  EXPECT_DOUBLE_EQ(covered_fraction(iv, 0, 100), 0.8);
  EXPECT_DOUBLE_EQ(covered_fraction(iv, 5, 25), 0.5);
  EXPECT_DOUBLE_EQ(covered_fraction(iv, 10, 20), 0.0);
  EXPECT_DOUBLE_EQ(covered_fraction(iv, 5, 5), 0.0);
}

}  // namespace
}  // namespace labtwin::viz
