// Recording a run's signals and replaying them into the twin (issue 6): sampling policies
// checked against the model itself, conservation (recorded compressor time = energy / power),
// replayed alarms and damage against hand-computed crossing times, sensor gaps, bad tracks,
// and the round trip: a run's recording replayed into the same scenario gives the same KPIs.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "labtwin/adapters/recorder.hpp"
#include "labtwin/adapters/replay_binding.hpp"
#include "labtwin/adapters/scenario_loader.hpp"
#include "labtwin/core/inventory/ledger.hpp"
#include "labtwin/sim/simulation.hpp"
#include "labtwin/twin/lab_model.hpp"

namespace la = labtwin::adapters;
namespace lt = labtwin::twin;
namespace ls = labtwin::sim;
namespace fs = std::filesystem;

namespace {

// One site, two working freezers and a backup, a technician on call, a failure at 2 h.
const char* kLab = R"Y(labtwin: 1
meta: {name: rec}
seed: 11
clock: {start: "2026-03-07T00:00:00Z", horizon: 2d}
sites:
  - id: s
    rooms: [{id: r}]
    freezers:
      - {id: F, count: 2, room: r, capacity_boxes: 20, fill: 0.5, door: {openings_per_day: 12}}
      - {id: BK, room: r, capacity_boxes: 20, fill: 0, backup: true}
technicians:
  - {id: t, site: s, skills: [freezer, refrigeration], on_call: true, callout_delay: 3h}
incidents:
  - {at: "+2h", kind: compressor_failure, target: F-01}
items:
  - {sku: RG, storage_class: 4C, unit_value: 10, initial: 20, demand: {site: s, rate: 8/d},
     lead_time: "const(2d)", policy: {type: sS, s: 5, S: 25}}
)Y";

// A single healthy freezer, for replay tests with hand-made tracks.
const char* kOne = R"(labtwin: 1
meta: {name: one}
seed: 5
clock: {start: "2026-03-07T00:00:00Z", horizon: 1d}
sites:
  - id: s
    rooms: [{id: r}]
    freezers:
      - {id: F1, room: r, capacity_boxes: 10, fill: 1.0, door: {openings_per_day: 0}}
technicians:
  - {id: t, site: s, skills: [freezer, refrigeration]}
)";

lt::ScenarioDef load(const char* text) {
  auto r = la::load_scenario_string(text, "test.yaml");
  if (!r.ok()) {
    std::string all;
    for (const auto& d : r.diagnostics) all += la::format(d) + "\n";
    ADD_FAILURE() << all;
    return {};
  }
  return *r.scenario;
}

double kpi(const lt::RunResult& r, const char* name) {
  const auto v = r.kpi(name);
  EXPECT_TRUE(v.has_value()) << name;
  return v.value_or(std::nan(""));
}

/// Runs `sc` recording `specs` into a memory sink.
lt::RunResult record(const lt::ScenarioDef& sc, const std::vector<la::RecordSpec>& specs,
                     la::MemorySink& sink, const lt::RunOptions& opt = {}) {
  lt::LabModel model(sc, opt);
  la::Recorder rec(model.signals(), specs, sink, model.simulation().now());
  model.simulation().add_observer(&rec);
  model.run();
  rec.finish(model.simulation().now());
  model.simulation().remove_observer(&rec);
  return model.result();
}

lt::ReplayTrack track_of(const la::MemorySink::Series& s) {
  lt::ReplayTrack t;
  t.entity = s.info.entity;
  t.signal = s.info.name;
  t.source = s.info.id();
  for (std::size_t i = 0; i < s.t.size(); ++i) {
    t.t_s.push_back(s.t[i].seconds());
    t.value.push_back(s.value[i]);
  }
  return t;
}

const std::vector<std::string> kCounts = {"samples_lost",   "samples_rescued", "samples_stranded",
                                          "alarms",         "callouts",        "demand_units",
                                          "purchase_orders"};
const std::vector<std::string> kTimes = {"time_to_alarm", "time_to_response", "time_to_rescue",
                                         "stockout_time"};

void expect_same_kpis(const lt::RunResult& a, const lt::RunResult& b) {
  for (const auto& k : kCounts) EXPECT_EQ(kpi(a, k.c_str()), kpi(b, k.c_str())) << k;
  for (const auto& k : kTimes) {
    const double x = kpi(a, k.c_str()), y = kpi(b, k.c_str());
    if (std::isnan(x)) {
      EXPECT_TRUE(std::isnan(y)) << k;
    } else {
      EXPECT_NEAR(x, y, 1e-3) << k;  // crossing times agree to the microsecond tick
    }
  }
  EXPECT_NEAR(kpi(a, "energy"), kpi(b, "energy"), 1e-6 * kpi(a, "energy"));
  EXPECT_NEAR(kpi(a, "warmest_payload_at_end"), kpi(b, "warmest_payload_at_end"), 1e-6);
}

}  // namespace

// [SECTION] Recorder -----------------------------------------------------------------------

TEST(Recorder, GridSamplesEqualTheModelStoppedAtThatTime) {
  // A probe between events must give what the model reads when it is run exactly to that time.
  const auto sc = load(kLab);
  la::MemorySink sink;
  const auto period = ls::Time::min(7);
  record(sc, {{"F-01", "air_temperature", la::SamplePolicy::kEvery, period}}, sink);
  const auto* s = sink.find("F-01", "air_temperature");
  ASSERT_NE(s, nullptr);
  ASSERT_EQ(s->t.size(), static_cast<std::size_t>(2 * 24 * 60 / 7 + 1));
  for (std::size_t i : {std::size_t{0}, std::size_t{17}, std::size_t{40}, std::size_t{301}}) {
    EXPECT_EQ(s->t[i].ticks, static_cast<std::int64_t>(i) * period.ticks);
    lt::LabModel m(sc);
    m.run_until(s->t[i]);
    const auto id = m.signals().find("F-01", "air_temperature");
    ASSERT_TRUE(id);
    EXPECT_NEAR(s->value[i], m.signals().probe(*id, s->t[i]), 1e-9) << "sample " << i;
  }
}

TEST(Recorder, RecordedCompressorTimeEqualsEnergyOverPower) {
  // Conservation: the on-change compressor series integrated over the run is the energy KPI
  // divided by the electrical power (1 kW default), to the microsecond tick per switch.
  const auto sc = load(kLab);
  la::MemorySink sink;
  const auto r = record(sc, {{"*", "compressor", la::SamplePolicy::kOnChange, {}}}, sink);
  double on_s = 0;
  std::size_t switches = 0;
  for (const auto& s : sink.series()) {
    for (std::size_t i = 0; i + 1 < s.t.size(); ++i) {
      if (s.value[i] > 0.5) on_s += (s.t[i + 1] - s.t[i]).seconds();
      // Only the closing sample at the end may repeat the last value.
      if (i + 2 < s.t.size()) {
        EXPECT_NE(s.value[i], s.value[i + 1]) << "repeats a value";
      }
    }
    switches += s.t.size();
  }
  EXPECT_EQ(sink.series().size(), 3u);
  EXPECT_GT(switches, 100u);
  EXPECT_NEAR(on_s * 1000.0, kpi(r, "energy"), 1e-6 * static_cast<double>(switches) * 1000.0);
}

TEST(Recorder, DecimationKeepsEveryBucketsExtremes) {
  const auto sc = load(kLab);
  lt::LabModel model(sc);
  la::MemorySink full, dec;
  const auto hour = ls::Time::h(4);  // a bucket spans several thermostat cycles
  la::Recorder a(model.signals(), {{"F-02", "air_temperature", la::SamplePolicy::kOnChange, {}}},
                 full, model.simulation().now());
  la::Recorder b(model.signals(), {{"F-02", "air_temperature", la::SamplePolicy::kDecimate, hour}},
                 dec, model.simulation().now());
  model.simulation().add_observer(&a);
  model.simulation().add_observer(&b);
  model.run();
  a.finish(model.simulation().now());
  b.finish(model.simulation().now());
  const auto& f = full.series()[0];
  const auto& d = dec.series()[0];
  EXPECT_LE(d.t.size(), 4u * 12u + 1u);  // at most 4 per bucket, plus the end
  EXPECT_LT(d.t.size(), f.t.size() / 4);
  for (std::int64_t h = 0; h < 12; ++h) {
    double fmin = INFINITY, fmax = -INFINITY, dmin = INFINITY, dmax = -INFINITY;
    for (std::size_t i = 0; i < f.t.size(); ++i)
      if (f.t[i].ticks / hour.ticks == h)
        fmin = std::min(fmin, f.value[i]), fmax = std::max(fmax, f.value[i]);
    for (std::size_t i = 0; i < d.t.size(); ++i)
      if (d.t[i].ticks / hour.ticks == h)
        dmin = std::min(dmin, d.value[i]), dmax = std::max(dmax, d.value[i]);
    EXPECT_EQ(fmin, dmin) << "hour " << h;
    EXPECT_EQ(fmax, dmax) << "hour " << h;
  }
  EXPECT_TRUE(std::is_sorted(d.t.begin(), d.t.end()));
}

// On change, a continuous signal keeps its flat stretches: the last unchanged emission before a
// change is recorded too, so linear interpolation between samples is flat up to it and only
// then slopes (a battery full until 20 s, then discharging). A step signal needs no such sample.
// Every series closes with the value at the end (60 s).
TEST(Recorder, OnChangeKeepsTheEndOfAFlatStretchOfAContinuousSignal) {
  ls::SignalTable table;
  double value = 1.0;
  const auto soc = table.add({"b", "soc", "1", "", ls::SignalShape::kContinuous},
                             [&](ls::Time) { return value; });
  const auto step =
      table.add({"b", "mode", "1", "", ls::SignalShape::kStep}, [&](ls::Time) { return value; });
  la::MemorySink sink;
  la::Recorder rec(table, {{"*", "*", la::SamplePolicy::kOnChange, {}}}, sink, ls::Time::zero());
  for (auto [t, v] : {std::pair{10, 1.0}, {20, 1.0}, {30, 0.5}, {40, 0.25}, {50, 0.25}}) {
    value = v;
    table.emit(soc, ls::Time::s(t), v);
    table.emit(step, ls::Time::s(t), v);
  }
  rec.finish(ls::Time::s(60));
  const auto& c = sink.series()[0];
  const auto& k = sink.series()[1];
  const std::vector<ls::Time> ct = {ls::Time::s(0), ls::Time::s(20), ls::Time::s(30),
                                    ls::Time::s(40), ls::Time::s(60)};
  EXPECT_EQ(c.t, ct);
  EXPECT_EQ(c.value, (std::vector<double>{1.0, 1.0, 0.5, 0.25, 0.25}));
  const std::vector<ls::Time> kt = {ls::Time::s(0), ls::Time::s(30), ls::Time::s(40),
                                    ls::Time::s(60)};
  EXPECT_EQ(k.t, kt);
  EXPECT_EQ(k.value, (std::vector<double>{1.0, 0.5, 0.25, 0.25}));
}

TEST(Recorder, SpecsThatMatchNothingOrLackAPeriodAreErrors) {
  const auto sc = load(kOne);
  lt::LabModel model(sc);
  la::MemorySink sink;
  try {
    la::Recorder r(model.signals(), {{"F9", "air_temperature", la::SamplePolicy::kOnChange, {}}},
                   sink, ls::Time::zero());
    FAIL() << "no error";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("entity 'F9'"), std::string::npos) << e.what();
  }
  lt::OutputsDef out;
  out.series.push_back({"F1", "air_temperature", "every", std::nullopt});
  EXPECT_THROW(la::record_specs(out), std::invalid_argument);
  EXPECT_EQ(la::record_specs(lt::OutputsDef{}).size(), 1u);  // default: everything
}

// [SECTION] Replay -------------------------------------------------------------------------

TEST(Replay, AlarmFollowsTheRecordingNotTheModel) {
  // A healthy freezer whose recorded air rises linearly from -80 C at 6 h to -60 C at 8 h, then
  // falls back by 10 h: the air crosses -70 C at 7 h, so with alarm_delay 10 min the alarm is
  // raised at 7 h 10 min, and cleared when the air falls below -70 C at 9 h.
  const auto sc = load(kOne);
  lt::ReplayInput in;
  lt::ReplayTrack air{"F1",
                      "air_temperature",
                      "test",
                      {0, 6 * 3600.0, 8 * 3600.0, 10 * 3600.0},
                      {-80, -80, -60, -80}};
  in.tracks.push_back(air);
  lt::RunOptions opt;
  opt.replay = &in;
  lt::LabModel m(sc, opt);
  m.run();
  const auto r = m.result();
  EXPECT_EQ(kpi(r, "alarms"), 1.0);
  double raised = -1, cleared = -1;
  for (const auto& e : m.event_log()) {
    const double t = static_cast<double>(e.at.us - m.start_us()) / 1e6;
    if (e.kind == "freezer.alarm") raised = t;
    if (e.kind == "freezer.alarm_cleared") cleared = t;
  }
  EXPECT_NEAR(raised, 7 * 3600.0 + 600.0, 1e-6);
  EXPECT_NEAR(cleared, 9 * 3600.0, 1e-6);
  // The payload follows the replayed air through its own time constant and never reaches the
  // -60 C damage limit in a 2 h excursion: nothing is lost.
  EXPECT_EQ(kpi(r, "samples_lost"), 0.0);
  const auto id = m.signals().find("F1", "air_temperature");
  ASSERT_TRUE(id);
  EXPECT_NEAR(m.signals().probe(*id, ls::Time::h(7)), -70.0, 1e-9);
}

TEST(Replay, PayloadDerivedFromAirMatchesTheFirstOrderSolution) {
  // Air held at -20 C from the start (hold mode): the payload obeys C_p dTp/dt = UA_ap (Ta - Tp),
  // so Tp(t) = Ta + (Tp0 - Ta) exp(-t / tau), tau = C_p / UA_ap (defaults 70 kJ/K, 10 W/K:
  // 7000 s). It crosses the -60 C limit of the -80C class at t* = tau ln(60 / 40).
  const auto sc = load(kOne);
  lt::ReplayInput in;
  in.gap_mode = lt::GapMode::kHold;
  in.tracks.push_back({"F1", "air_temperature", "test", {0.0}, {-20.0}});
  lt::RunOptions opt;
  opt.replay = &in;
  lt::LabModel m(sc, opt);
  const double tau = 70'000.0 / 10.0;
  const auto id = m.signals().find("F1", "payload_temperature");
  ASSERT_TRUE(id);
  m.run_until(ls::Time::h(1));
  EXPECT_NEAR(m.signals().probe(*id, ls::Time::h(1)), -20.0 - 60.0 * std::exp(-3600.0 / tau), 1e-6);
  m.run();
  const double t_star = tau * std::log(60.0 / 40.0);
  double damage = -1;
  for (const auto& e : m.event_log())
    if (e.kind == "freezer.damage") damage = static_cast<double>(e.at.us - m.start_us()) / 1e6;
  EXPECT_NEAR(damage, t_star, 0.5);  // linear between exact 60 s knots of a smooth curve
  EXPECT_EQ(kpi(m.result(), "samples_lost"), 10.0);
}

TEST(Replay, LongSilencesBecomeSensorFailureEvents) {
  const auto sc = load(kOne);
  lt::ReplayInput in;
  in.max_gap_s = 900;
  // Samples every 5 min except a 2 h hole from 10:00 to 12:00 and nothing after 20:00.
  lt::ReplayTrack air{"F1", "air_temperature", "bldg/F1/temp", {}, {}};
  for (double t = 0; t <= 20 * 3600.0; t += 300)
    if (t <= 10 * 3600.0 || t >= 12 * 3600.0) air.t_s.push_back(t), air.value.push_back(-80);
  in.tracks.push_back(air);
  lt::RunOptions opt;
  opt.replay = &in;
  lt::LabModel m(sc, opt);
  m.run();
  EXPECT_EQ(kpi(m.result(), "sensor_gaps"), 2.0);
  std::vector<std::pair<std::string, double>> ev;
  for (const auto& e : m.event_log())
    if (e.kind.rfind("telemetry.", 0) == 0)
      ev.emplace_back(e.kind, static_cast<double>(e.at.us - m.start_us()) / 1e6);
  ASSERT_EQ(ev.size(), 3u);
  EXPECT_EQ(ev[0], std::make_pair(std::string("telemetry.gap"), 10 * 3600.0 + 900));
  EXPECT_EQ(ev[1], std::make_pair(std::string("telemetry.restored"), 12 * 3600.0));
  EXPECT_EQ(ev[2], std::make_pair(std::string("telemetry.gap"), 20 * 3600.0 + 900));
}

TEST(Replay, BadTracksAreNamed) {
  const auto sc = load(kOne);
  auto expect_error = [&](lt::ReplayTrack t, const std::string& needle) {
    lt::ReplayInput in;
    in.tracks.push_back(std::move(t));
    lt::RunOptions opt;
    opt.replay = &in;
    try {
      lt::LabModel m(sc, opt);
      ADD_FAILURE() << "no error for " << needle;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
  };
  expect_error({"F9", "air_temperature", "x", {0}, {1}}, "no freezer or site 'F9'");
  expect_error({"F1", "door", "x", {0}, {1}}, "cannot replay 'door'");
  expect_error({"F1", "air_temperature", "x", {0, 1}, {1, NAN}}, "sample 1 is not finite");
  expect_error({"F1", "air_temperature", "x", {5, 1}, {1, 1}}, "times go backwards at sample 1");
  expect_error({"F1", "air_temperature", "x", {}, {}}, "no samples");
}

TEST(Replay, BindingConvertsUnitsAndNamesMismatches) {
  const auto sc = load(kOne);
  const std::int64_t start = sc.clock.start_us.value_or(0);
  la::TelemetrySet set;
  set.series.push_back({"F1/air_temperature", "K", {start, start + 60'000'000}, {193.15, 203.15}});
  set.series.push_back({"s/ambient_temperature", "F", {start}, {68.0}});
  set.series.push_back({"RG/on_hand", "ea", {start}, {3.0}});  // not replayable: ignored
  const auto in = la::bind_telemetry(set, "t.h5", sc, "test.yaml");
  ASSERT_EQ(in.tracks.size(), 2u);
  EXPECT_EQ(in.tracks[0].entity, "F1");
  EXPECT_NEAR(in.tracks[0].value[0], -80.0, 1e-9);
  EXPECT_NEAR(in.tracks[0].t_s[1], 60.0, 1e-12);
  EXPECT_NEAR(in.tracks[1].value[0], 20.0, 1e-9);
  set.series[0].unit = "W";
  try {
    la::bind_telemetry(set, "t.h5", sc, "test.yaml");
    FAIL() << "no error";
  } catch (const la::TelemetryError& e) {
    EXPECT_NE(std::string(e.what()).find("t.h5"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("unit mismatch: 'W'"), std::string::npos) << e.what();
  }
  auto mapped = sc;
  mapped.telemetry.mapping.push_back({"bldg/F1/temp", "F1", "air_temperature"});
  try {
    la::bind_telemetry(set, "t.h5", mapped, "test.yaml");
    FAIL() << "no error";
  } catch (const la::TelemetryError& e) {
    EXPECT_EQ(e.field(), "telemetry.mapping[0].sensor");
    EXPECT_NE(std::string(e.what()).find("no sensor 'bldg/F1/temp'"), std::string::npos);
  }
}

TEST(Replay, RoundTripOfARecordedRunGivesTheSameKpis) {
  // Record a run with an incident (alarm, callout, rescue, damage), replay the recorded air,
  // payload and compressor of every freezer and the room temperature into the same scenario:
  // the same alarms, write-offs, rescues and response times follow.
  const auto sc = load(kLab);
  la::MemorySink sink;
  const auto original = record(sc, la::record_specs(sc.outputs), sink);
  ASSERT_GE(kpi(original, "alarms"), 1.0);
  ASSERT_GE(kpi(original, "samples_rescued") + kpi(original, "samples_lost"), 1.0);
  lt::ReplayInput in;
  for (const auto& s : sink.series())
    if (s.info.name == "air_temperature" || s.info.name == "payload_temperature" ||
        s.info.name == "compressor" || s.info.name == "ambient_temperature")
      in.tracks.push_back(track_of(s));
  EXPECT_EQ(in.tracks.size(), 3u * 3u + 1u);
  lt::RunOptions opt;
  opt.replay = &in;
  const auto replayed = lt::run_scenario(sc, opt);
  expect_same_kpis(original, replayed);
}

TEST(Replay, RoundTripThroughResultsH5) {
  // The same round trip through the files a user would use: results.h5 written by a recorded
  // run, read back as telemetry and bound by name.
  const auto sc = load(kLab);
  const fs::path dir = fs::temp_directory_path() / "labtwin_replay_roundtrip";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const auto original = la::run_recorded(sc, {}, dir / "results.h5", {"test.yaml", kLab, "", "t"});
  ASSERT_TRUE(fs::exists(dir / "results.h5"));
  const auto data = la::read_telemetry(dir / "results.h5");
  const auto in = la::bind_telemetry(data, "results.h5", sc, "test.yaml");
  EXPECT_EQ(in.tracks.size(), 10u);
  lt::RunOptions opt;
  opt.replay = &in;
  expect_same_kpis(original, lt::run_scenario(sc, opt));
  fs::remove_all(dir);
}
