// End-to-end tests of `labtwin run --out` (results.h5), `replay`, `telemetry import|synth` and
// `calibrate`: outputs, exit codes and the error messages a user sees for bad telemetry.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "labtwin/adapters/telemetry.hpp"
#include "labtwin_test/cli.hpp"

namespace fs = std::filesystem;
namespace la = labtwin::adapters;

namespace {

using TelemetryCli = labtwin::test::CliTest;
using labtwin::test::slurp;

// A failing freezer (alarm at about 1 h 10 min after the failure, callout, rescue).
const char* kScenario = R"(labtwin: 1
meta: {name: tele}
seed: 7
clock: {start: "2026-03-07T00:00:00Z", horizon: 1d}
sites:
  - id: s
    ambient: {mean: 22C}
    rooms: [{id: r}]
    freezers:
      - {id: F, count: 2, room: r, capacity_boxes: 10, fill: 0.5}
      - {id: BK, room: r, capacity_boxes: 10, fill: 0, backup: true}
technicians:
  - {id: t, site: s, skills: [freezer, refrigeration], on_call: true}
incidents:
  - {at: "+1h", kind: compressor_failure, target: F-01}
expect:
  alarms: ">= 1"
)";

nlohmann::json kpis(const std::string& summary_json) {
  nlohmann::json out;
  const auto summary = nlohmann::json::parse(summary_json);
  for (const auto& [name, k] : summary.at("kpis").items()) out[name] = k["value"];
  return out;
}

}  // namespace

TEST_F(TelemetryCli, RunOutWritesResultsThatReplayToTheSameKpis) {
  const auto sc = write("s.yaml", kScenario);
  auto r = run("run " + sc.string() + " --out " + (dir_ / "a").string() + " -q");
  ASSERT_EQ(r.code, 0) << r.err;
  ASSERT_TRUE(fs::exists(dir_ / "a" / "results.h5"));
  const auto data = la::read_telemetry(dir_ / "a" / "results.h5");
  ASSERT_NE(data.find("F-01/air_temperature"), nullptr);
  EXPECT_EQ(data.find("F-01/air_temperature")->unit, "C");
  // No temporary left beside the results.
  for (const auto& e : fs::directory_iterator(dir_ / "a"))
    EXPECT_TRUE(e.path().filename() == "results.h5" || e.path().filename() == "summary.json")
        << e.path();

  r = run("replay " + sc.string() + " --telemetry " + (dir_ / "a" / "results.h5").string() +
          " --out " + (dir_ / "b").string());
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("replaying 10 signals of 4 entities"), std::string::npos) << r.out;
  const auto a = kpis(slurp(dir_ / "a" / "summary.json"));
  const auto b = kpis(slurp(dir_ / "b" / "summary.json"));
  for (const char* k : {"alarms", "samples_lost", "samples_rescued", "callouts"})
    EXPECT_EQ(a[k], b[k]) << k;
  EXPECT_NEAR(a["time_to_alarm"].get<double>(), b["time_to_alarm"].get<double>(), 1e-3);
}

TEST_F(TelemetryCli, ImportCsvThenReplayIt) {
  const auto sc = write("s.yaml", std::string(kScenario) + R"(telemetry:
  mapping:
    - {sensor: bldg/f1/temp, target: F-01, signal: air_temperature}
  gaps: {max_gap: 90min}
)");
  // F-01's air from a monitoring export in local time (+01:00), hourly: -80 C at 00:00 and
  // 01:00 UTC, then silent for two hours; -60 C at 03:00 UTC: the line crosses -70 C at 02:00.
  const auto csv = write("t.csv",
                         "timestamp,sensor_id,value,unit\n"
                         "2026-03-07T01:00:00+01:00,bldg/f1/temp,-80,C\n"
                         "2026-03-07T02:00:00+01:00,bldg/f1/temp,-80,C\n"
                         "2026-03-07T04:00:00+01:00,bldg/f1/temp,-60,C\n"
                         "2026-03-07T05:00:00+01:00,bldg/f1/temp,-50,C\n"
                         "2026-03-07T06:00:00+01:00,bldg/f1/temp,-45,C\n");
  auto r = run("telemetry import " + csv.string() + " --out " + (dir_ / "t.h5").string());
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("5 rows, 1 sensors"), std::string::npos) << r.out;
  r = run("replay " + sc.string() + " --telemetry " + (dir_ / "t.h5").string() + " --out " +
          (dir_ / "o").string() + " -q");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto k = kpis(slurp(dir_ / "o" / "summary.json"));
  // Failure at 01:00 UTC, crossing at 02:00 UTC, alarm after the 10 min delay.
  EXPECT_NEAR(k["time_to_alarm"].get<double>(), 3600.0 + 600.0, 1e-6);
  EXPECT_EQ(k["sensor_gaps"].get<double>(), 2.0);  // 01:00-03:00 UTC and after 05:00 UTC
}

TEST_F(TelemetryCli, BadTelemetryIsExitTwoWithFileAndPlace) {
  const auto sc = write("s.yaml", kScenario);
  auto r = run("replay " + sc.string() + " --telemetry " + (dir_ / "missing.h5").string());
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("missing.h5"), std::string::npos) << r.err;

  const auto junk = write("junk.h5", std::string("\x89HDF\r\n\x1a\n", 8) + "truncated");
  r = run("replay " + sc.string() + " --telemetry " + junk.string());
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("junk.h5"), std::string::npos) << r.err;

  const auto bad = write("bad.csv",
                         "timestamp,sensor_id,value\n"
                         "2026-03-07T01:00:00Z,F-01/air_temperature,-80\n"
                         "2026-03-07T02:00:00Z,F-01/air_temperature,cold\n");
  r = run("replay " + sc.string() + " --telemetry " + bad.string());
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("bad.csv:3"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("value"), std::string::npos) << r.err;
  r = run("replay " + sc.string() + " --telemetry " + bad.string() + " --lenient -q");
  EXPECT_EQ(r.code, 1) << r.err;  // runs; the recording never warms: `alarms >= 1` fails
  EXPECT_NE(r.err.find("1 bad rows skipped"), std::string::npos) << r.err;

  const auto watts = write("w.csv",
                           "timestamp,sensor_id,value,unit\n"
                           "2026-03-07T01:00:00Z,F-01/air_temperature,300,W\n");
  r = run("replay " + sc.string() + " --telemetry " + watts.string());
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("unit mismatch"), std::string::npos) << r.err;

  const auto nothing = write("n.csv",
                             "timestamp,sensor_id,value\n"
                             "2026-03-07T01:00:00Z,pump/7,1\n");
  r = run("replay " + sc.string() + " --telemetry " + nothing.string());
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("nothing to replay"), std::string::npos) << r.err;
  r = run("replay " + sc.string());  // no file anywhere
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--telemetry"), std::string::npos) << r.err;
}

TEST_F(TelemetryCli, SynthWritesTheLayoutAndCalibrateRecoversTheScenarioParameters) {
  // A scenario whose freezers have non-default physics; synthetic telemetry from it (0.05 K
  // noise) calibrated against the same scenario with default physics recovers the values.
  const auto truth = write("truth.yaml", R"(labtwin: 1
meta: {name: truth}
seed: 3
clock: {start: "2026-03-02T00:00:00Z", horizon: 3d}
sites:
  - id: s
    rooms: [{id: r}]
    freezers:
      - id: F1
        room: r
        model: {air_heat_capacity: 32kJ/K, payload_heat_capacity: 90kJ/K, ua_air_payload: 13W/K,
                ua_walls: 1.5W/K}
incidents:
  - {at: "+30h", kind: compressor_failure, target: F1, duration: 5h}
)");
  const auto plain = write("plain.yaml", R"(labtwin: 1
meta: {name: plain}
clock: {start: "2026-03-02T00:00:00Z", horizon: 3d}
sites:
  - id: s
    rooms: [{id: r}]
    freezers:
      - {id: F1, room: r}
)");
  auto r = run("telemetry synth " + truth.string() + " --out " + (dir_ / "s.h5").string() +
               " --noise 0.05 --every 1min");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto data = la::read_telemetry(dir_ / "s.h5");
  const auto* air = data.find("F1/air_temperature");
  ASSERT_NE(air, nullptr);
  EXPECT_EQ(air->t_us.size(), 3u * 24u * 60u + 1u);
  ASSERT_NE(data.find("F1/compressor"), nullptr);
  ASSERT_NE(data.find("s/ambient_temperature"), nullptr);

  r = run("calibrate " + plain.string() + " --telemetry " + (dir_ / "s.h5").string() +
          " --entity F1 --out " + (dir_ / "fit.yaml").string() + " -q");
  ASSERT_EQ(r.code, 0) << r.err << r.out;
  const std::string fit = slurp(dir_ / "fit.yaml");
  auto value = [&](const std::string& key) {
    const auto at = fit.find("  " + key + ": \"");
    EXPECT_NE(at, std::string::npos) << key << "\n" << fit;
    return at == std::string::npos ? 0.0 : std::stod(fit.substr(at + key.size() + 5));
  };
  EXPECT_NEAR(value("air_heat_capacity"), 32000.0, 0.05 * 32000.0) << fit;
  EXPECT_NEAR(value("payload_heat_capacity"), 90000.0, 0.05 * 90000.0) << fit;
  EXPECT_NEAR(value("ua_air_payload"), 13.0, 0.05 * 13.0) << fit;
  EXPECT_NEAR(value("ua_walls"), 1.5, 0.05 * 1.5) << fit;
  EXPECT_NE(fit.find("RMS residual"), std::string::npos);

  r = run("calibrate " + plain.string() + " --telemetry " + (dir_ / "s.h5").string() +
          " --entity F9");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("no freezer 'F9'"), std::string::npos) << r.err;
  r = run("calibrate " + plain.string() + " --telemetry " + (dir_ / "s.h5").string() +
          " --entity F1 --fit ua_wals");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("unknown parameter 'ua_wals'"), std::string::npos) << r.err;
}
