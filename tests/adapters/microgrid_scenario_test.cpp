// The `microgrid:` block reached from a scenario file: every key extracted, bad blocks reported
// at file:line:col, the shipped scenario's variants, and data files relative to the scenario.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
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

constexpr const char* kHead = R"Y(labtwin: 1
clock: {start: "2026-03-06T00:00:00+01:00", horizon: 2d, utc_offset: "+01:00"}
sites:
  - id: bio
    freezers: [{id: F, count: 3}]
)Y";

// Every key of the block, none at its default.
constexpr const char* kEveryKey = R"Y(microgrid:
  sites:
    - site: bio
      pv:
        peak_power: 30kW
        derate: 0.85
        irradiance: {model: clear_sky, latitude: 29.76, longitude: -95.37, clearness: 0.6,
                     variability: 0.2, persistence: 0.9, scale: 0.9}
      battery: {capacity: 200kWh, soc_initial: 80%, soc_min: 5%, soc_max: 95%, soc_reserve: 70%,
                soc_reconnect: 30%, charge_power: 40kW, discharge_power: 60kW,
                charge_efficiency: 0.96, discharge_efficiency: 0.97}
      grid:
        outages: [{start: "+12h", duration: 36h}]
        time_between_outages: "exp(60d)"
        outage_duration: "exp(3h)"
        price: 0.15
        peak_price: 0.35
        peak_start: 16
        peak_end: 20
        export_price: 0.08
        export_allowed: false
        carbon: 0.25
        carbon_daily_swing: 0.4
        carbon_peak_hour: 18
      generator: {rated_power: 60kW, start_delay: 10s, tank: 1000, fuel_initial: 800,
                  fuel_idle: 0.08, fuel_slope: 0.25, start_soc: 40%, fuel_price: 1.8,
                  carbon_per_litre: 2.7}
      loads: [{id: hvac, power: 12kW, priority: 2}]
      shedding: {freezer_priority: 4, critical_priority: 4, islanded_min_priority: 2,
                 critical_freezers: [F-02]}
      strategy: {type: peak_shaving, peak_limit: 20kW, carbon_low: 0.15, carbon_high: 0.3}
      jobs: [{id: autoclave, power: 12kW, duration: 2h, release: 6h, deadline: 30h}]
      job_objective: price
)Y";

TEST(MicrogridScenario, EveryKeyIsExtracted) {
  const auto r = la::load_scenario_string(std::string(kHead) + kEveryKey, "mg.yaml");
  ASSERT_TRUE(r.ok()) << formatted(r);
  const auto& m = r.scenario->microgrid;
  ASSERT_EQ(m.sites.size(), 1u);
  const auto& s = m.sites[0];
  EXPECT_EQ(s.site, "bio");
  EXPECT_DOUBLE_EQ(s.pv.kwp, 30);
  EXPECT_DOUBLE_EQ(s.pv.derate, 0.85);
  EXPECT_EQ(s.pv.irradiance.model, "clear_sky");
  EXPECT_DOUBLE_EQ(s.pv.irradiance.latitude_deg, 29.76);
  EXPECT_DOUBLE_EQ(s.pv.irradiance.longitude_deg, -95.37);
  EXPECT_DOUBLE_EQ(s.pv.irradiance.clearness, 0.6);
  EXPECT_DOUBLE_EQ(s.pv.irradiance.variability, 0.2);
  EXPECT_DOUBLE_EQ(s.pv.irradiance.persistence, 0.9);
  EXPECT_DOUBLE_EQ(s.pv.irradiance.scale, 0.9);
  EXPECT_DOUBLE_EQ(s.battery.capacity_kwh, 200);
  EXPECT_DOUBLE_EQ(s.battery.soc_initial, 0.8);
  EXPECT_DOUBLE_EQ(s.battery.soc_min, 0.05);
  EXPECT_DOUBLE_EQ(s.battery.soc_max, 0.95);
  EXPECT_DOUBLE_EQ(s.battery.soc_reserve, 0.7);
  EXPECT_DOUBLE_EQ(s.battery.soc_reconnect, 0.3);
  EXPECT_DOUBLE_EQ(s.battery.charge_kw, 40);
  EXPECT_DOUBLE_EQ(s.battery.discharge_kw, 60);
  EXPECT_DOUBLE_EQ(s.battery.charge_efficiency, 0.96);
  EXPECT_DOUBLE_EQ(s.battery.discharge_efficiency, 0.97);
  ASSERT_EQ(s.grid.outages.size(), 1u);
  EXPECT_FALSE(s.grid.outages[0].absolute);
  EXPECT_EQ(s.grid.outages[0].start_us, Time::h(12).ticks);
  EXPECT_EQ(s.grid.outages[0].duration, Time::h(36));
  EXPECT_EQ(s.grid.time_between_outages.value_or(""), "exp(60d)");
  EXPECT_EQ(s.grid.outage_duration, "exp(3h)");
  EXPECT_DOUBLE_EQ(s.grid.price_per_kwh, 0.15);
  EXPECT_DOUBLE_EQ(s.grid.peak_price_per_kwh, 0.35);
  EXPECT_DOUBLE_EQ(s.grid.peak_start_hour, 16);
  EXPECT_DOUBLE_EQ(s.grid.peak_end_hour, 20);
  EXPECT_DOUBLE_EQ(s.grid.export_price_per_kwh, 0.08);
  EXPECT_FALSE(s.grid.export_allowed);
  EXPECT_DOUBLE_EQ(s.grid.carbon_kg_per_kwh, 0.25);
  EXPECT_DOUBLE_EQ(s.grid.carbon_daily_swing, 0.4);
  EXPECT_DOUBLE_EQ(s.grid.carbon_peak_hour, 18);
  ASSERT_TRUE(s.generator.has_value());
  EXPECT_DOUBLE_EQ(s.generator->rated_kw, 60);
  EXPECT_EQ(s.generator->start_delay, Time::s(10));
  EXPECT_DOUBLE_EQ(s.generator->tank_l, 1000);
  EXPECT_DOUBLE_EQ(s.generator->fuel_initial_l, 800);
  EXPECT_DOUBLE_EQ(s.generator->fuel_idle_l_per_kwh, 0.08);
  EXPECT_DOUBLE_EQ(s.generator->fuel_slope_l_per_kwh, 0.25);
  EXPECT_DOUBLE_EQ(s.generator->start_soc, 0.4);
  EXPECT_DOUBLE_EQ(s.generator->fuel_price_per_l, 1.8);
  EXPECT_DOUBLE_EQ(s.generator->carbon_kg_per_l, 2.7);
  ASSERT_EQ(s.loads.size(), 1u);
  EXPECT_EQ(s.loads[0].id, "hvac");
  EXPECT_DOUBLE_EQ(s.loads[0].kw, 12);
  EXPECT_EQ(s.loads[0].priority, 2);
  EXPECT_EQ(s.shedding.freezer_priority, 4);
  EXPECT_EQ(s.shedding.critical_priority, 4);
  EXPECT_EQ(s.shedding.islanded_min_priority, 2);
  EXPECT_EQ(s.shedding.critical_freezers, std::vector<std::string>{"F-02"});
  EXPECT_EQ(s.strategy.type, "peak_shaving");
  EXPECT_DOUBLE_EQ(s.strategy.peak_limit_kw, 20);
  EXPECT_DOUBLE_EQ(s.strategy.carbon_low, 0.15);
  EXPECT_DOUBLE_EQ(s.strategy.carbon_high, 0.3);
  ASSERT_EQ(s.jobs.size(), 1u);
  EXPECT_EQ(s.jobs[0].id, "autoclave");
  EXPECT_DOUBLE_EQ(s.jobs[0].kw, 12);
  EXPECT_EQ(s.jobs[0].duration, Time::h(2));
  EXPECT_EQ(s.jobs[0].release, Time::h(6));
  EXPECT_EQ(s.jobs[0].deadline, Time::h(30));
  EXPECT_EQ(s.job_objective, "price");
  // And it runs: the outage at 12 h is seen.
  const auto run = lt::run_scenario(*r.scenario);
  EXPECT_EQ(run.kpi("microgrid_outage_time").value_or(0) >= 36 * 3600.0 - 1e-6, true);
}

// Bad blocks: each message names the file, line, column and path.
TEST(MicrogridScenario, BadReferencesAreReportedWhereTheyAre) {
  const std::string text = std::string(kHead) + R"Y(microgrid:
  sites:
    - site: lab
      battery: {capacity: 10kWh, soc_min: 50%, soc_initial: 20%}
      shedding: {critical_freezers: [F-09]}
      strategy: {type: peak_shaving}
      jobs: [{id: j, power: 1kW, duration: 5h, release: 2h, deadline: 4h}]
)Y";
  const auto r = la::load_scenario_string(text, "bad.yaml");
  ASSERT_FALSE(r.ok());
  const std::string msg = formatted(r);
  EXPECT_NE(msg.find("bad.yaml:8:13: error: microgrid.sites[0].site: unknown site `lab`"),
            std::string::npos)
      << msg;
  EXPECT_NE(msg.find("bad.yaml:9:61: error: microgrid.sites[0].battery.soc_initial"),
            std::string::npos)
      << msg;
  EXPECT_NE(msg.find("microgrid.sites[0].shedding.critical_freezers[0]: unknown freezer `F-09`"),
            std::string::npos)
      << msg;
  EXPECT_NE(msg.find("microgrid.sites[0].strategy.peak_limit: peak_shaving needs peak_limit"),
            std::string::npos)
      << msg;
  EXPECT_NE(msg.find("microgrid.sites[0].jobs[0].deadline: deadline - release is shorter"),
            std::string::npos)
      << msg;
}

TEST(MicrogridScenario, SchemaRejectsUnknownKeysAndBadUnits) {
  const std::string text = std::string(kHead) + R"Y(microgrid:
  sites:
    - site: bio
      battery: {capacity: 20kW, charge_rate: 5kW}
)Y";
  const auto r = la::load_scenario_string(text, "units.yaml");
  ASSERT_FALSE(r.ok());
  const std::string msg = formatted(r);
  EXPECT_NE(msg.find("microgrid.sites[0].battery.capacity"), std::string::npos) << msg;
  EXPECT_NE(msg.find("charge_rate"), std::string::npos) << msg;
}

// The shipped scenario and its variants: 200 kWh rides through the 36 h outage; 50 kWh and no
// battery do not (the freezers lose power, alarm, and the lots are written off).
TEST(MicrogridScenario, GridOutageIslandingVariants) {
  const std::string path =
      std::string(LABTWIN_SOURCE_DIR) + "/scenarios/grid-outage-islanding.yaml";
  auto ride = [&](const std::string& variant) {
    const auto r = variant.empty() ? la::load_scenario(path) : la::load_variant(path, variant);
    EXPECT_TRUE(r.ok()) << formatted(r);
    const auto run = lt::run_scenario(*r.scenario);
    return std::make_pair(run.kpi("microgrid_ride_through").value_or(-1),
                          run.kpi("alarms").value_or(-1));
  };
  const auto big = ride(""), mid = ride("battery-50kWh"), none = ride("no-battery");
  EXPECT_EQ(big.first, 36 * 3600.0);
  EXPECT_EQ(big.second, 0);
  EXPECT_GT(mid.first, 4 * 3600.0);
  EXPECT_LT(mid.first, 24 * 3600.0);
  EXPECT_GT(mid.second, 0);
  EXPECT_EQ(none.first, 0.0);
  EXPECT_GT(none.second, 0);
}

// A replayed irradiance file is read relative to the scenario file; a missing one is named.
TEST(MicrogridScenario, IrradianceFileRelativeToTheScenario) {
  const std::string dir = ::testing::TempDir() + "mg_file_test";
  std::system(("mkdir -p " + dir).c_str());
  {
    std::ofstream csv(dir + "/ghi.csv");
    csv << "GHI (W/m2)\n";
    for (int h = 0; h < 8760; ++h) csv << ((h % 24 >= 8 && h % 24 < 16) ? 500 : 0) << "\n";
  }
  {
    std::ofstream y(dir + "/s.yaml");
    y << kHead << R"Y(microgrid:
  sites:
    - site: bio
      pv: {peak_power: 10kW, derate: 1, irradiance: {model: file, file: ghi.csv}}
      grid: {export_allowed: true}
)Y";
  }
  const auto r = la::load_scenario(dir + "/s.yaml");
  ASSERT_TRUE(r.ok()) << formatted(r);
  const auto run = lt::run_scenario(*r.scenario);
  // 10 kW x 0.5 x 8 h x 2 days = 80 kWh of PV, all used or exported. The file's hours are local
  // (UTC+1) from Jan 1; the run starts at local midnight, so both days see 8 sunny hours.
  EXPECT_NEAR(run.kpi("microgrid_pv_energy").value_or(0), 80.0, 1e-6);
  std::remove((dir + "/ghi.csv").c_str());
  EXPECT_THROW(lt::run_scenario(la::load_scenario(dir + "/s.yaml").scenario.value()),
               std::invalid_argument);
}

}  // namespace
