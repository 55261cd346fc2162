// Playback of a recorded run: the state at a time is what was recorded up to it, a recording
// made from a live session reproduces that session's keyframes, and the playback session obeys
// the run controls (steps, jumps, pause, pace) and can be read from a UI thread while another
// thread sends commands (the TSan build of this file checks that).
#include "labtwin/viz/recording.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <thread>

#include "labtwin/adapters/scenario_loader.hpp"

namespace labtwin::viz {
namespace {

using namespace std::chrono_literals;

// One freezer, one technician, one item, over 1,000 s.
std::shared_ptr<Recording> small_recording() {
  auto rec = std::make_shared<Recording>();
  Snapshot& r = rec->run;
  r.scenario = "small";
  r.start_us = 1'000'000'000'000;
  r.horizon_s = 1000.0;
  r.sites = {{"s", "Site", {"room"}}};
  FreezerState f;
  f.id = "F-1";
  f.site = "s";
  f.room = "room";
  f.history.t_s = {0, 100, 200, 300, 400};
  f.history.air_c = {-80, -79, -70, -60, -50};
  f.history.payload_c = {-80, -80, -78, -74, -68};
  f.history.compressor = {{0, 50}, {120, 180}};
  f.history.door = {{300, 310}};
  f.history.alarm = {{250, 1000}};  // still raised at the end: closed at the horizon
  r.freezers.push_back(f);
  r.technicians.push_back({"tech-1", "s", false, {{50, 150}, {600, 700}}});
  r.events = {{10, "dispatch.tech_available", "tech-1", ""},
              {150, "freezer.compressor_failure", "F-1", ""},
              {250, "freezer.alarm", "F-1", ""},
              {500, "freezer.repaired", "F-1", ""},
              {900, "freezer.damage", "F-1", ""}};
  r.kpis = {{"alarms", 1, "count", "alarms raised"}};
  ItemLevel item;
  item.sku = "SKU-1";
  item.reorder_point = 3;
  item.order_up_to = 10;
  r.items.push_back(item);
  ItemHistory ih;
  ih.on_hand = {{0, 400}, {10, 2}};
  ih.on_order = {{0, 400, 800}, {0, 8, 0}};
  rec->items.push_back(ih);
  return rec;
}

TEST(Recording, StepAndLinearValues) {
  const StepSeries s{{10, 20, 20, 30}, {1, 2, 3, 4}};
  EXPECT_EQ(value_at(s, 5, -1), -1);  // before the first sample
  EXPECT_EQ(value_at(s, 10), 1);
  EXPECT_EQ(value_at(s, 19.9), 1);
  EXPECT_EQ(value_at(s, 20), 3);  // the last of equal times wins
  EXPECT_EQ(value_at(s, 1e9), 4);
  const std::vector<double> t{0, 10, 30}, v{0, 10, 50};
  EXPECT_DOUBLE_EQ(interpolate_at(t, v, 5), 5);    // (5 - 0) / 10 of the way from 0 to 10
  EXPECT_DOUBLE_EQ(interpolate_at(t, v, 20), 30);  // halfway from 10 to 50
  EXPECT_DOUBLE_EQ(interpolate_at(t, v, -3), 0);   // held before the first sample
  EXPECT_DOUBLE_EQ(interpolate_at(t, v, 99), 50);  // and after the last
  EXPECT_TRUE(std::isnan(interpolate_at({}, {}, 1)));
}

TEST(Recording, StateAtATimeIsWhatWasRecordedUpToIt) {
  const auto rec = small_recording();
  const Snapshot a = recording_at(*rec, 120);
  ASSERT_EQ(a.freezers.size(), 1u);
  const auto& f = a.freezers[0];
  EXPECT_EQ(a.now_s, 120);
  EXPECT_EQ(a.live_s, 120);
  EXPECT_FALSE(a.finished);
  EXPECT_TRUE(a.kpis_final);
  EXPECT_DOUBLE_EQ(f.air_c, -79 + 0.2 * 9);  // 20 % of the way from -79 (100 s) to -70 (200 s)
  EXPECT_TRUE(f.compressor);                 // [120, 180) holds 120
  EXPECT_FALSE(f.door);
  EXPECT_FALSE(f.alarm);
  EXPECT_FALSE(f.failed);  // the failure comes at 150
  EXPECT_EQ(f.history.t_s, (std::vector<double>{0, 100}));
  ASSERT_EQ(f.history.compressor.size(), 2u);
  EXPECT_EQ(f.history.compressor[1].end_s, 120);  // clipped at now
  EXPECT_TRUE(f.history.alarm.empty());
  ASSERT_EQ(a.events.size(), 1u);
  EXPECT_EQ(a.events_total, 1u);
  ASSERT_EQ(a.technicians.size(), 1u);
  EXPECT_TRUE(a.technicians[0].busy);  // [50, 150)
  EXPECT_EQ(a.items[0].on_hand, 10);   // 10 from the start, 2 from 400 s
  EXPECT_EQ(a.items[0].on_order, 0);   // the order (8) is placed at 400 s
  EXPECT_EQ(a.items[0].reorder_point, 3);

  const Snapshot b = recording_at(*rec, 300);
  const auto& g = b.freezers[0];
  EXPECT_TRUE(g.failed);
  EXPECT_TRUE(g.alarm);  // raised at 250
  EXPECT_TRUE(g.door);   // [300, 310) holds 300
  EXPECT_FALSE(g.compressor);
  EXPECT_FALSE(g.damaged);
  EXPECT_EQ(g.history.alarm.back().end_s, 300);
  EXPECT_FALSE(b.technicians[0].busy);
  EXPECT_EQ(b.items[0].on_order, 0);
  EXPECT_EQ(b.events.size(), 3u);

  const Snapshot c = recording_at(*rec, 2000);  // clamped to the horizon
  EXPECT_EQ(c.now_s, 1000);
  EXPECT_TRUE(c.finished);
  EXPECT_FALSE(c.freezers[0].failed);  // repaired at 500
  EXPECT_TRUE(c.freezers[0].damaged);
  EXPECT_FALSE(c.freezers[0].alarm);  // the interval ends at the horizon (exclusive)
  EXPECT_EQ(c.items[0].on_order, 0);  // received at 800 s
  EXPECT_EQ(c.items[0].on_hand, 2);
  EXPECT_EQ(c.events.size(), 5u);

  const Snapshot tail = recording_at(*rec, 1000, false, 2);
  EXPECT_EQ(tail.events.size(), 2u);  // the newest two
  EXPECT_EQ(tail.events_total, 5u);
  EXPECT_EQ(tail.events.back().kind, "freezer.damage");
  EXPECT_TRUE(tail.freezers[0].history.t_s.empty());  // without history
}

const twin::ScenarioDef& biobank() {
  static const twin::ScenarioDef sc = [] {
    auto r = adapters::load_scenario(LABTWIN_SOURCE_DIR "/scenarios/biobank-freezer-failure.yaml");
    if (!r.ok()) throw std::runtime_error("cannot load the biobank scenario");
    return *r.scenario;
  }();
  return sc;
}

// A recording made of a live run's history must give back the run's own keyframes: the same
// states (compressor, door, alarm, failure, technicians' busy flags), the same events, and the
// same temperatures (keyframes fall on the 1-minute sample grid, where interpolation is exact).
TEST(Recording, ReproducesTheLiveSessionsKeyframes) {
  SessionOptions o;
  o.speed = 0.0;
  o.keyframe_every_s = 1800.0;
  SimSession live(biobank(), o);
  live.jump_to(14 * 3600.0);  // past the alarm (03:26 local = 9.4 h) and the rescue
  ASSERT_TRUE(live.wait_until(14 * 3600.0, 120s));
  ASSERT_TRUE(live.wait_idle(60s));
  const auto end = live.snapshot();
  auto rec = std::make_shared<Recording>();
  rec->run = *end;
  int compared = 0, alarms = 0, busy = 0;
  for (double t = 0.0; t <= 13.5 * 3600.0; t += 1800.0) {
    const auto key = live.keyframe_at(t);
    ASSERT_TRUE(key);
    ASSERT_EQ(key->now_s, t);
    const Snapshot got = recording_at(*rec, t, false);
    ASSERT_EQ(got.freezers.size(), key->freezers.size());
    for (std::size_t i = 0; i < got.freezers.size(); ++i) {
      const auto& a = got.freezers[i];
      const auto& b = key->freezers[i];
      EXPECT_EQ(a.compressor, b.compressor) << a.id << " at " << t;
      EXPECT_EQ(a.door, b.door) << a.id << " at " << t;
      EXPECT_EQ(a.alarm, b.alarm) << a.id << " at " << t;
      EXPECT_EQ(a.failed, b.failed) << a.id << " at " << t;
      EXPECT_EQ(a.damaged, b.damaged) << a.id << " at " << t;
      EXPECT_NEAR(a.air_c, b.air_c, 1e-9) << a.id << " at " << t;
      EXPECT_NEAR(a.payload_c, b.payload_c, 1e-9) << a.id << " at " << t;
      alarms += a.alarm;
    }
    ASSERT_EQ(got.technicians.size(), key->technicians.size());
    for (std::size_t i = 0; i < got.technicians.size(); ++i) {
      EXPECT_EQ(got.technicians[i].busy, key->technicians[i].busy) << t;
      busy += got.technicians[i].busy;
    }
    EXPECT_EQ(got.events_total, key->events_total) << t;
    ++compared;
  }
  EXPECT_EQ(compared, 28);
  EXPECT_GT(alarms, 0);  // the comparison covered the alarm ...
  EXPECT_GT(busy, 0);    // ... and a busy technician
}

TEST(RecordedSession, StepsJumpsAndPause) {
  PlaybackOptions o;
  o.start_paused = true;
  RecordedSession s(small_recording(), o);
  EXPECT_EQ(s.snapshot()->now_s, 0);
  std::this_thread::sleep_for(20ms);
  EXPECT_EQ(s.snapshot()->now_s, 0);  // paused: no time passes
  s.submit({Command::Kind::kStep, 120});
  EXPECT_EQ(s.cursor(), 120);
  const auto a = s.snapshot();
  EXPECT_EQ(a->now_s, 120);
  EXPECT_TRUE(a->freezers[0].compressor);
  EXPECT_EQ(s.snapshot(), a);  // unchanged: the same snapshot, no rebuild
  s.submit({Command::Kind::kJumpTo, 300});
  EXPECT_EQ(s.snapshot()->now_s, 300);
  s.submit({Command::Kind::kJumpTo, 100});  // the past: ignored (the UI scrubs instead)
  EXPECT_EQ(s.cursor(), 300);
  s.submit({Command::Kind::kJumpTo, 5000});  // beyond the end: stops there
  EXPECT_EQ(s.cursor(), 1000);
  EXPECT_TRUE(s.snapshot()->finished);
  // Keyframes: the exact state at any time up to the cursor, the same object when asked again.
  const auto k = s.keyframe_at(120);
  ASSERT_TRUE(k);
  EXPECT_EQ(k->now_s, 120);
  EXPECT_TRUE(k->freezers[0].compressor);
  EXPECT_EQ(s.keyframe_at(120), k);
  EXPECT_EQ(s.keyframe_at(-1), nullptr);
}

TEST(RecordedSession, PlaysAtItsSpeedAndAsFastAsPossible) {
  PlaybackOptions o;
  o.speed = 1000.0;  // the 1,000 s recording in one wall second
  o.start_paused = true;
  RecordedSession s(small_recording(), o);
  const auto t0 = std::chrono::steady_clock::now();
  s.submit({Command::Kind::kPlay, 0});
  std::this_thread::sleep_for(50ms);
  const double c = s.snapshot()->now_s;
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_GT(c, 0.0);
  EXPECT_LE(c, 1000.0 * wall + 1e-9);  // never ahead of speed x wall time
  s.submit({Command::Kind::kPause, 0});
  const double held = s.cursor();
  std::this_thread::sleep_for(20ms);
  EXPECT_EQ(s.snapshot()->now_s, held);
  EXPECT_TRUE(s.snapshot()->paused);
  s.submit({Command::Kind::kSetSpeed, 0});  // as fast as possible: straight to the end
  s.submit({Command::Kind::kPlay, 0});
  EXPECT_EQ(s.snapshot()->now_s, 1000);
}

TEST(RecordedSession, UiThreadReadsWhileCommandsArrive) {
  PlaybackOptions o;
  o.speed = 20000.0;
  RecordedSession s(small_recording(), o);
  std::atomic<bool> done{false};
  std::thread ui([&] {
    double last = 0;
    while (!done) {
      const auto snap = s.snapshot();
      EXPECT_GE(snap->now_s, last);  // playback never runs backwards
      last = snap->now_s;
      if (const auto k = s.keyframe_at(last / 2)) {
        EXPECT_LE(k->now_s, last);
      }
    }
  });
  for (int i = 0; i < 200; ++i) {
    s.submit({i % 2 ? Command::Kind::kPlay : Command::Kind::kPause, 0});
    s.submit({Command::Kind::kStep, 1});
  }
  done = true;
  ui.join();
  EXPECT_GE(s.cursor(), 200.0);  // every step applied
}

}  // namespace
}  // namespace labtwin::viz
