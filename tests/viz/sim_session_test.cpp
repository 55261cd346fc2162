// The session: commands take effect, snapshots are consistent, pausing stops time, jumps
// reach their time, keyframes hold the exact past state, and a UI thread can draw while the
// worker runs (the TSan build of this file checks that they share nothing else).
#include "labtwin/viz/sim_session.hpp"

#include <gtest/gtest.h>
#include <imgui.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "labtwin/adapters/scenario_loader.hpp"
#include "labtwin/viz/headless.hpp"
#include "labtwin/viz/panels.hpp"

namespace labtwin::viz {
namespace {

using namespace std::chrono_literals;

const twin::ScenarioDef& biobank() {
  static const twin::ScenarioDef sc = [] {
    auto r = adapters::load_scenario(LABTWIN_SOURCE_DIR "/scenarios/biobank-freezer-failure.yaml");
    if (!r.ok()) throw std::runtime_error("cannot load the biobank scenario");
    return *r.scenario;
  }();
  return sc;
}

// Checks the invariants every published snapshot must satisfy.
void expect_consistent(const Snapshot& s) {
  EXPECT_LE(s.now_s, s.horizon_s);
  EXPECT_EQ(s.freezers.size(), 40u);
  for (const auto& f : s.freezers) {
    const auto& h = f.history;
    ASSERT_EQ(h.t_s.size(), h.air_c.size()) << f.id;
    ASSERT_EQ(h.t_s.size(), h.payload_c.size()) << f.id;
    for (std::size_t i = 1; i < h.t_s.size(); ++i) ASSERT_LT(h.t_s[i - 1], h.t_s[i]) << f.id;
    if (!h.t_s.empty()) {
      EXPECT_LE(h.t_s.back(), s.now_s + 1e-9) << f.id;
    }
    for (const auto* iv : {&h.compressor, &h.door, &h.alarm})
      for (std::size_t i = 0; i < iv->size(); ++i) {
        EXPECT_LE((*iv)[i].begin_s, (*iv)[i].end_s) << f.id;  // closed at now at the latest
        EXPECT_LE((*iv)[i].end_s, s.now_s + 1e-9) << f.id;
        if (i > 0) {
          EXPECT_LE((*iv)[i - 1].end_s, (*iv)[i].begin_s) << f.id;
        }
      }
    // A raised alarm is an interval still open at now (closed at now in the snapshot).
    if (f.alarm) {
      ASSERT_FALSE(h.alarm.empty()) << f.id;
      EXPECT_EQ(h.alarm.back().end_s, s.now_s) << f.id;
    }
  }
  for (std::size_t i = 1; i < s.events.size(); ++i) EXPECT_LE(s.events[i - 1].t_s, s.events[i].t_s);
  if (!s.events.empty()) {
    EXPECT_LE(s.events.back().t_s, s.now_s + 1e-6);
  }
}

TEST(SimSession, PausedSessionDoesNotAdvance) {
  SessionOptions o;
  o.start_paused = true;
  SimSession s(biobank(), o);
  std::this_thread::sleep_for(150ms);
  EXPECT_EQ(s.snapshot()->now_s, 0.0);
  EXPECT_TRUE(s.snapshot()->paused);
}

TEST(SimSession, StepAdvancesExactlyAndPauseStopsTime) {
  SessionOptions o;
  o.speed = 0.0;  // as fast as possible while playing
  SimSession s(biobank(), o);
  s.step(600.0);
  ASSERT_TRUE(s.wait_idle(30s));
  EXPECT_DOUBLE_EQ(s.snapshot()->now_s, 600.0);
  s.step(60.0);
  s.step(60.0);
  ASSERT_TRUE(s.wait_idle(30s));
  EXPECT_DOUBLE_EQ(s.snapshot()->now_s, 720.0);

  s.play();
  ASSERT_TRUE(s.wait_until(3 * 3600.0, 60s));
  s.pause();
  ASSERT_TRUE(s.wait_idle(30s));
  const auto a = s.snapshot();
  EXPECT_TRUE(a->paused);
  std::this_thread::sleep_for(200ms);
  const auto b = s.snapshot();
  EXPECT_EQ(a->now_s, b->now_s);  // paused: simulated time stands still
  EXPECT_GE(a->now_s, 3 * 3600.0);
  expect_consistent(*b);
}

TEST(SimSession, JumpReachesItsTimeAndNeverRewinds) {
  SimSession s(biobank(), {});
  s.jump_to(5 * 3600.0 + 17.0);
  ASSERT_TRUE(s.wait_idle(60s));
  const auto a = s.snapshot();
  EXPECT_DOUBLE_EQ(a->now_s, 5 * 3600.0 + 17.0);
  EXPECT_TRUE(a->paused);  // a jump does not start playing
  s.jump_to(3600.0);       // the past: ignored (scrub keyframes instead)
  ASSERT_TRUE(s.wait_idle(30s));
  EXPECT_DOUBLE_EQ(s.snapshot()->now_s, 5 * 3600.0 + 17.0);
  s.jump_to(1e12);  // beyond the horizon: capped there
  ASSERT_TRUE(s.wait_idle(120s));
  EXPECT_DOUBLE_EQ(s.snapshot()->now_s, 3 * 86400.0);
  EXPECT_TRUE(s.snapshot()->finished);
  expect_consistent(*s.snapshot());
  // The incident: A-07's alarm is raised and logged (docs: around 03:26 local).
  const auto& f = s.snapshot()->freezers;
  const auto a07 = std::find_if(f.begin(), f.end(), [](const auto& x) { return x.id == "A-07"; });
  ASSERT_NE(a07, f.end());
  ASSERT_FALSE(a07->history.alarm.empty());
  EXPECT_NEAR(a07->history.alarm.front().begin_s, 9 * 3600.0 + 26 * 60.0, 120.0);
}

TEST(SimSession, SpeedSetsThePace) {
  SessionOptions o;
  o.speed = 3600.0;  // one simulated hour per wall second
  o.start_paused = false;
  const auto t0 = std::chrono::steady_clock::now();
  SimSession s(biobank(), o);
  std::this_thread::sleep_for(400ms);
  s.pause();
  ASSERT_TRUE(s.wait_idle(30s));
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double sim = s.snapshot()->now_s;
  // Paced: never ahead of speed x wall time; and it did run.
  EXPECT_GT(sim, 0.0);
  EXPECT_LE(sim, 3600.0 * wall + 1.0);
  s.set_speed(0.0);
  s.play();
  ASSERT_TRUE(s.wait_until(86400.0, 60s));  // unthrottled: a day in well under a minute
  EXPECT_EQ(s.snapshot()->speed, 0.0);
}

TEST(SimSession, KeyframesHoldThePastStateExactly) {
  SessionOptions o;
  o.keyframe_every_s = 600.0;
  SimSession s(biobank(), o);
  s.jump_to(7 * 3600.0);
  ASSERT_TRUE(s.wait_idle(60s));
  const auto latest = s.snapshot();
  const auto k = s.keyframe_at(2700.0);
  ASSERT_NE(k, nullptr);
  EXPECT_DOUBLE_EQ(k->now_s, 2400.0);  // the last multiple of 600 s at or before 2700 s
  EXPECT_EQ(s.keyframe_at(-1.0), nullptr);
  EXPECT_GE(latest->keyframes_s.size(), 7u * 6u);

  // The keyframe's state equals that of a fresh run stepped to the same time (determinism).
  SimSession fresh(biobank(), {});
  fresh.step(2400.0);
  ASSERT_TRUE(fresh.wait_idle(60s));
  const auto ref = fresh.snapshot();
  ASSERT_EQ(ref->freezers.size(), k->freezers.size());
  for (std::size_t i = 0; i < k->freezers.size(); ++i) {
    EXPECT_DOUBLE_EQ(k->freezers[i].air_c, ref->freezers[i].air_c) << k->freezers[i].id;
    EXPECT_EQ(k->freezers[i].compressor, ref->freezers[i].compressor) << k->freezers[i].id;
  }
  EXPECT_EQ(k->events_total, ref->events_total);

  // The composed view: keyframe state, history and events clipped to its time.
  const Snapshot v = compose_view(*latest, *k);
  EXPECT_DOUBLE_EQ(v.now_s, 2400.0);
  EXPECT_DOUBLE_EQ(v.live_s, 7 * 3600.0);
  for (const auto& f : v.freezers) {
    ASSERT_FALSE(f.history.t_s.empty());
    EXPECT_LE(f.history.t_s.back(), 2400.0);
    EXPECT_GE(f.history.t_s.back(), 2400.0 - o.sample_every_s);
  }
  for (const auto& e : v.events) EXPECT_LE(e.t_s, 2400.0);
  EXPECT_EQ(v.events.size(), ref->events.size());
}

TEST(SimSession, UiThreadDrawsWhileTheWorkerRuns) {
  SessionOptions o;
  o.speed = 0.0;
  o.start_paused = false;
  o.publish_hz = 200.0;
  SimSession s(biobank(), o);
  const HeadlessContext ctx(1280, 800);
  UiState ui;
  std::uint64_t last_version = 0;
  int fresh = 0;
  for (int i = 0; i < 40; ++i) {
    const auto snap = s.snapshot();
    if (snap->version > last_version) ++fresh, last_version = snap->version;
    ImGui::NewFrame();
    draw_frame(*snap, ui, 1280, 800);
    for (const auto& c : ui.outbox) s.submit(c);
    ui.outbox.clear();
    ImGui::Render();
    std::this_thread::sleep_for(5ms);
  }
  EXPECT_GT(fresh, 2);  // new snapshots arrived while drawing
  s.pause();
  ASSERT_TRUE(s.wait_idle(30s));
  expect_consistent(*s.snapshot());
}

}  // namespace
}  // namespace labtwin::viz
